"""R1.1 reads behind the dispatch list and a unit's dispatches."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from ..models import Attitude


def dispatch_rows(qs: QuerySet) -> QuerySet:
    """R1.1 dispatches with their unit, dispatching unit, recorder and attitudes (two queries per page)."""
    return qs.select_related("unit", "by_unit", "recorded_by").prefetch_related("attitudes").order_by(
        "-date", "-pk")


@dataclass
class DispatchFigures:
    total: int
    units: int
    by_attitude: list[tuple[str, str, int]]
    none_found: int
    follow_up_overdue: int


def dispatch_figures(qs: QuerySet, today: datetime.date) -> DispatchFigures:
    """R1.1 how many dispatches found each attitude, none, and follow-ups overdue (one query)."""
    agg = qs.aggregate(
        total=Count("pk", distinct=True), units=Count("unit", distinct=True),
        none=Count("pk", distinct=True, filter=Q(attitudes__isnull=True)),
        overdue=Count("pk", distinct=True, filter=Q(follow_up_due__lt=today, follow_up_done_on__isnull=True)),
        **{f"a_{a.value}": Count("pk", distinct=True, filter=Q(attitudes__attitude=a.value)) for a in Attitude})
    return DispatchFigures(total=agg["total"], units=agg["units"], none_found=agg["none"],
                           follow_up_overdue=agg["overdue"],
                           by_attitude=[(a.value, a.label, agg[f"a_{a.value}"]) for a in Attitude])
