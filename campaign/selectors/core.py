"""Reads of the campaign app that span relations: progress and its roll-up, as dataclasses."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr

from units.models import Unit

from ..models import Campaign, Obligation


@dataclass
class Progress:
    """Obligations of a subtree: how many, done, overdue, still due."""

    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def due(self) -> int:
        return self.total - self.done - self.overdue

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _progress_aggregates(today: datetime.date) -> dict:
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(completed_on__isnull=False)),
        "overdue": Count("pk", filter=Q(completed_on__isnull=True, due_date__lt=today)),
    }


def _counted(campaign: Campaign):
    """The obligations progress counts (as the dashboards do): not cancelled, of units not closed."""
    return Obligation.objects.live().filter(campaign=campaign, unit__closed_on__isnull=True)


def subtree_progress(unit: Unit, campaign: Campaign, today: datetime.date) -> Progress:
    """Progress % of a unit and everything below it, in one query (rolls up the tree)."""
    agg = _counted(campaign).filter(unit__path__startswith=unit.path).aggregate(
        **_progress_aggregates(today))
    return Progress(**agg)


def children_progress(unit: Unit, campaign: Campaign, today: datetime.date) -> list[tuple[Unit, Progress]]:
    """Each child's subtree progress, grouped by the child's path prefix: two queries in all."""
    children = list(Unit.objects.get_children(unit).active())
    if not children:
        return []
    prefix_len = len(unit.path) + Unit.steplen
    rows = (_counted(campaign).filter(unit__path__startswith=unit.path)
            .exclude(unit=unit)
            .annotate(branch=Substr("unit__path", 1, prefix_len))
            .values("branch").annotate(**_progress_aggregates(today)))
    by_branch = {r.pop("branch"): Progress(**r) for r in rows}
    return [(child, by_branch.get(child.path, Progress())) for child in children]


def unit_obligations(unit: Unit, campaign: Campaign) -> list[Obligation]:
    return list(Obligation.objects.filter(campaign=campaign, unit=unit).order_by("due_date", "kind"))


def current_campaign() -> Campaign | None:
    return Campaign.objects.current()
