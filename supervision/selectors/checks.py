"""R1.2 reads behind the self-check pages and the spot-check list."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from ..models import CheckVerdict, EntryStatus, RectificationItem, SelfCheck, SelfCheckEntry


def self_check_rows(qs: QuerySet) -> QuerySet:
    """R1.2 self-checks with counts of problems found and of verdicts (one query per page)."""
    return (qs.select_related("unit", "submitted_by")
            .annotate(items=Count("entries"),
                      problems=Count("entries", filter=~Q(entries__status=EntryStatus.NO_PROBLEM)),
                      confirmed=Count("entries", filter=Q(entries__verdict=CheckVerdict.CONFIRMED)),
                      disputed=Count("entries", filter=Q(entries__verdict=CheckVerdict.DISPUTED)),
                      pending=Count("entries", filter=Q(entries__verdict=CheckVerdict.PENDING)))
            .order_by("unit__path"))


@dataclass
class SelfCheckRow:
    item: RectificationItem
    entry: SelfCheckEntry | None


def self_check_table(items: list[RectificationItem], check: SelfCheck | None) -> list[SelfCheckRow]:
    """R1.2 each special rectification beside the unit's entry for it (one query)."""
    entries = {}
    if check is not None:
        entries = {e.item_id: e for e in check.entries.select_related("answered_by", "verified_by")}
    return [SelfCheckRow(item=i, entry=entries.get(i.pk)) for i in items]


def spot_check_rows(qs: QuerySet) -> QuerySet:
    """R1.2 spot checks with their group, unit and findings (two queries per page)."""
    return (qs.select_related("unit", "group", "created_by")
            .prefetch_related("findings__card").order_by("-checked_on", "-pk"))
