"""The leaders' dashboard of one unit (province, city, county or any unit): its subtree's figures, each
child's, and the series its charts draw — a fixed number of queries whatever the size of the tree."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncWeek

from campaign.models import Campaign, Deadline, ObligationKind
from feedback.models import Message
from feedback.selectors import group_summary
from supervision.models import CardStatus
from units.models import Level, Unit

from .. import rollups
from .figures import Collected, Figures, collect

#: The message chart shows this many weeks up to today.
MESSAGE_WEEKS = 12
#: Deadlines still to come shown beside the progress figures.
UPCOMING_DEADLINES = 6


@dataclass
class Branch:
    """One row of the children table: a child (or the unit's own records) and its subtree's figures."""

    unit: Unit
    figures: Figures
    own: bool = False  # the unit's own records, apart from its children's


@dataclass
class Dashboard:
    unit: Unit
    campaign: Campaign
    today: datetime.date
    total: Figures
    rows: list[Branch]
    by_kind: list[tuple[str, str, dict[str, int]]]  # (kind, label, {"done", "due", "overdue"})
    card_status: list[tuple[str, str, int]]
    by_level: list[tuple[int, str, int, int]]  # (level, label, units, covered)
    opinion_groups: list[tuple[str, str, int, int, int]]  # feedback.selectors.group_summary
    message_weeks: list[tuple[datetime.date, int, int]]  # (monday, received, answered)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def children(self) -> list[Branch]:
        return [row for row in self.rows if not row.own]


def _weeks(unit: Unit, campaign: Campaign, today: datetime.date) -> list[tuple[datetime.date, int, int]]:
    """R4.4 messages received and answered per week over the last weeks (two queries)."""
    first_monday = today - datetime.timedelta(days=today.weekday() + 7 * (MESSAGE_WEEKS - 1))
    messages = Message.objects.filter(campaign=campaign, unit__path__startswith=unit.path).order_by()
    received = dict(messages.filter(received_on__gte=first_monday).annotate(week=TruncWeek("received_on"))
                    .values_list("week").annotate(n=Count("pk")))
    answered = dict(messages.filter(answered_at__date__gte=first_monday).annotate(week=TruncWeek("answered_at"))
                    .values_list("week").annotate(n=Count("pk")))

    def as_date(value) -> datetime.date:
        return value.date() if isinstance(value, datetime.datetime) else value

    received = {as_date(k): v for k, v in received.items()}
    answered = {as_date(k): v for k, v in answered.items()}
    mondays = [first_monday + datetime.timedelta(weeks=i) for i in range(MESSAGE_WEEKS)]
    return [(m, received.get(m, 0), answered.get(m, 0)) for m in mondays]


def branch_rows(unit: Unit, children: list[Unit], collected: Collected) -> list[Branch]:
    """The unit's own records first (when it has any), then each child in tree order."""
    rows = []
    own = collected.branches.get(unit.path)
    if own is not None and not own.is_empty:
        rows.append(Branch(unit=unit, figures=own, own=True))
    empty = Figures()
    rows += [Branch(unit=child, figures=collected.branches.get(child.path, empty)) for child in children]
    return rows


def dashboard(*, user, unit: Unit, campaign: Campaign, today: datetime.date) -> Dashboard:
    """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 everything a leader reads about ``unit``'s subtree, with a
    row per child for the drill-down (a fixed number of queries). The figures come from the rollups when
    they serve ``today`` (issue 13: one row per child), else they are counted from the records."""
    children = list(Unit.objects.get_children(unit))
    collected = (rollups.collected(campaign=campaign, root=unit, children=children, today=today)
                 or collect(user=user, root=unit, depth=unit.depth + 1, campaign=campaign, today=today, detail=True))
    kinds = dict(ObligationKind.choices)
    statuses = dict(CardStatus.choices)
    return Dashboard(
        unit=unit, campaign=campaign, today=today, total=collected.total(),
        rows=branch_rows(unit, children, collected),
        by_kind=[(k, kinds[k], collected.by_kind[k]) for k in kinds if k in collected.by_kind],
        card_status=[(s, statuses[s], collected.card_status.get(s, 0)) for s in statuses],
        by_level=[(level, Level(level).label, units, covered)
                  for level, (units, covered) in sorted(collected.by_level.items())],
        opinion_groups=group_summary(Unit.objects.filter(path__startswith=unit.path), campaign),
        message_weeks=_weeks(unit, campaign, today),
        deadlines=list(Deadline.objects.filter(Q(level__gte=unit.level), campaign=campaign, due_date__gte=today)
                       .order_by("due_date", "level", "kind")[:UPCOMING_DEADLINES]),
    )
