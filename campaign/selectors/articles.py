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


def volume_issuer() -> str:
    """R2.7 who compiles the volume: the activity office of the provincial leading group."""
    from units.models import Unit

    root = Unit.objects.get_root_nodes().first()
    return _("Activity office of the %(unit)s leading group") % {"unit": root.name} if root else ""


def articles_for(user, campaign) -> QuerySet[ArticleRequest]:
    """R2.7 the requested articles of the user's scope in this campaign, by due date and unit."""
    return (ArticleRequest.objects.visible_to(user).filter(campaign=campaign).select_related("cadre__unit")
            .order_by("due_date", "cadre__unit__path", "pk"))
