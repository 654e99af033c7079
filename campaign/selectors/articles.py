"""R2.7 reads: who may be asked for an article, the list's figures, the volume's contents, the export."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from units.models import Cadre, Level

from ..models import ArticleRequest


def eligible_authors() -> QuerySet[Cadre]:
    """R2.7 who may be asked: party secretaries of cities and counties."""
    return Cadre.objects.filter(is_party_secretary=True, unit__level__in=[Level.CITY, Level.COUNTY])


@dataclass(frozen=True)
class ArticleFigures:
    requested: int = 0
    submitted: int = 0
    overdue: int = 0
    best: int = 0


def article_figures(articles: QuerySet[ArticleRequest], today: datetime.date) -> ArticleFigures:
    """R2.7 requested, submitted, overdue and selected articles of a (scoped) queryset, in one query."""
    return ArticleFigures(**articles.aggregate(
        requested=Count("pk"),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
        overdue=Count("pk", filter=Q(submitted_at__isnull=True, due_date__lt=today)),
        best=Count("pk", filter=Q(is_best=True)),
    ))


@dataclass(frozen=True)
class VolumeEntry:
    title: str
    author: str
    post: str
    unit: str
    body: str


def volume_entries(articles: QuerySet[ArticleRequest]) -> list[VolumeEntry]:
    """R2.7 the best submitted articles, in the order of the unit tree (a city before its counties)."""
    rows = (articles.filter(is_best=True).submitted().select_related("cadre__unit")
            .order_by("cadre__unit__path", "cadre__name"))
    return [VolumeEntry(title=a.title, author=a.cadre.name, post=a.cadre.post, unit=a.cadre.unit.name, body=a.body)
            for a in rows]


def article_export_rows(articles: QuerySet[ArticleRequest]) -> tuple[list[str], list[list]]:
    """R2.7 the article list as spreadsheet rows (headers translated in the active language)."""
    rows = [[a.cadre.name, a.cadre.post, a.cadre.unit.name, a.due_date, a.title,
             a.submitted_at, _("Yes") if a.is_best else "", a.file_name]
            for a in articles.select_related("cadre__unit").iterator(chunk_size=2000)]
    headers = [_("Author"), _("Post"), _("Unit"), _("Due date"), _("Title"), _("Submitted"),
               _("Selected for the volume"), _("File")]
    return headers, rows
