"""R6 reads of the publicity area: staff lists (scoped), the public pages (published only), the export rows,
and the criticism notice as a document — each in a fixed number of queries."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from units.models import Cadre, Unit
from units.scoping import scope_q

from ..models import (
    CriticismEntry,
    DisciplinaryCase,
    MediaCoverage,
    PosterRecord,
    PressConference,
    PublicCriticism,
    PublicityArticle,
    PublicityColumn,
)
from .notices import issuer_title

_SPEAKERS = Prefetch("speakers", queryset=Cadre.objects.select_related("unit").order_by("unit__path", "name"))
_ENTRIES = Prefetch("entries", queryset=CriticismEntry.objects.select_related("unit").order_by("order", "pk"))


def _ancestor_paths(units: list[Unit]) -> set[str]:
    return {p for u in units for p in Unit.path_prefixes(u.path)}


def columns_for_units(units: list[Unit], campaign) -> QuerySet[PublicityColumn]:
    """R6.1 the open columns that articles of any of ``units`` may go in (theirs and those above them)."""
    return (PublicityColumn.objects.filter(campaign=campaign, is_active=True, unit__path__in=_ancestor_paths(units))
            .select_related("unit"))


def top_leaders_for(units: list[Unit]) -> QuerySet[Cadre]:
    """R6.2 speakers offered for a press conference: top leaders of the units and of the units just below."""
    q = Q(pk__in=[])
    for unit in units:
        q |= Q(unit__path__startswith=unit.path, unit__depth__lte=unit.depth + 1)
    return Cadre.objects.filter(q, is_top_leader=True).select_related("unit").order_by("unit__path", "name")


# --- staff lists


def columns_for(user, campaign) -> QuerySet[PublicityColumn]:
    """R6.1 columns of the user's scope and of the units above it, with their article counts — counting
    only the articles of the user's subtrees (a column of the province says nothing of other counties)."""
    seen = scope_q(user, "articles__unit__")
    return (PublicityColumn.objects.visible_to(user).filter(campaign=campaign).select_related("unit")
            .annotate(article_count=Count("articles", filter=seen),
                      published_count=Count("articles", filter=seen & Q(articles__published_on__isnull=False))))


def articles_for(user, campaign) -> QuerySet[PublicityArticle]:
    return (PublicityArticle.objects.visible_to(user).filter(campaign=campaign)
            .select_related("unit", "column").order_by("-published_on", "-created_at", "-pk"))


@dataclass(frozen=True)
class PublishFigures:
    total: int = 0
    published: int = 0

    @property
    def drafts(self) -> int:
        return self.total - self.published


def publish_figures(qs: QuerySet) -> PublishFigures:
    """How many records, how many of them public: one query."""
    return PublishFigures(**qs.aggregate(total=Count("pk"),
                                         published=Count("pk", filter=Q(published_on__isnull=False))))


def conferences_for(user, campaign) -> QuerySet[PressConference]:
    return (PressConference.objects.visible_to(user).filter(campaign=campaign).select_related("unit")
            .prefetch_related(_SPEAKERS).order_by("-held_on", "-pk"))


def posters_for(user, campaign) -> QuerySet[PosterRecord]:
    return PosterRecord.objects.visible_to(user).filter(campaign=campaign).select_related("unit")


def coverage_for(user, campaign) -> QuerySet[MediaCoverage]:
    return MediaCoverage.objects.visible_to(user).filter(campaign=campaign).select_related("unit")


def cases_for(user, campaign) -> QuerySet[DisciplinaryCase]:
    return (DisciplinaryCase.objects.visible_to(user).filter(campaign=campaign)
            .select_related("unit", "issuer"))


def criticisms_for(user) -> QuerySet[PublicCriticism]:
    """R6.3 the public criticisms issued by a unit in the user's subtrees, with their units."""
    return (PublicCriticism.objects.filter(scope_q(user, "issuer__")).select_related("issuer", "confirmed_by")
            .prefetch_related(_ENTRIES).order_by("-created_at", "-pk"))


# --- public pages: published only, no login


def public_articles() -> QuerySet[PublicityArticle]:
    return (PublicityArticle.objects.published().select_related("unit", "column")
            .order_by("-published_on", "-pk"))


def public_columns() -> list[PublicityColumn]:
    """R6.1 the columns with at least one published article, with how many."""
    return list(PublicityColumn.objects.filter(is_active=True)
                .annotate(published_count=Count("articles", filter=Q(articles__published_on__isnull=False)))
                .filter(published_count__gt=0).select_related("unit").order_by("unit__path", "order", "pk"))


def public_conferences() -> QuerySet[PressConference]:
    return (PressConference.objects.published().select_related("unit").prefetch_related(_SPEAKERS)
            .order_by("-held_on", "-pk"))


def public_criticisms() -> QuerySet[PublicCriticism]:
    return (PublicCriticism.objects.filter(published_on__isnull=False).select_related("issuer")
            .prefetch_related(_ENTRIES).order_by("-published_on", "-pk"))


def public_cases() -> QuerySet[DisciplinaryCase]:
    return (DisciplinaryCase.objects.published().select_related("unit", "issuer")
            .order_by("-published_on", "-closed_on", "-pk"))


# --- R6.3 the criticism notice as a document


@dataclass(frozen=True)
class NoticeEntry:
    unit: str
    reason: str


@dataclass(frozen=True)
class CriticismNotice:
    title: str
    number: str
    issuer: str
    date: datetime.date | None
    paragraphs: list[str]
    entries: list[NoticeEntry]


def criticism_notice(criticism: PublicCriticism) -> CriticismNotice:
    """R6.3 what the PDF of a criticism notice prints (its entries must be prefetched or cost one query)."""
    confirmed = criticism.confirmed_at.date() if criticism.confirmed_at else None
    return CriticismNotice(
        title=criticism.title, number=criticism.number, issuer=issuer_title(criticism.issuer),
        date=criticism.published_on or confirmed,
        paragraphs=[line.strip() for line in criticism.body.splitlines() if line.strip()],
        entries=[NoticeEntry(e.unit.name, e.reason) for e in criticism.entries.all()])


# --- R6.3 the Excel file of the criticisms


def criticism_entries(criticisms: QuerySet[PublicCriticism]) -> QuerySet[CriticismEntry]:
    """R6.3 the criticised units of ``criticisms`` (already scoped by their issuer), one row each, in the
    list's order: newest criticism first, then the notice's own order."""
    return (CriticismEntry.objects.filter(criticism__in=criticisms.values("pk"))
            .select_related("criticism__issuer", "unit")
            .order_by("-criticism__created_at", "-criticism__pk", "order", "pk"))
