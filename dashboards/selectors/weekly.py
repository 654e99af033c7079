"""The weekly progress report of an office: its subtree's figures, the week's activity, each sub-unit's
figures and what is overdue — the data the PDF and the Excel file are written from."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from campaign.models import Campaign, ExamResult, Obligation, StudySession
from feedback.models import FieldResearchStay, Message, OpinionSession
from supervision.models import SupervisionCard
from units.models import Unit

from .. import rollups
from .dashboard import Branch, branch_rows
from .figures import Figures, collect

#: The report covers the seven days up to and including the day it is made.
REPORT_DAYS = 7
#: Overdue items listed in full in the report (the counts cover them all).
OVERDUE_LISTED = 200


@dataclass
class WeeklyReport:
    unit: Unit
    campaign: Campaign
    start: datetime.date
    end: datetime.date
    total: Figures
    rows: list[Branch]
    activity: list[tuple[str, int]]  # (what happened this week, how often)
    overdue_obligations: list[Obligation]
    overdue_cards: list[SupervisionCard]
    overdue_messages: list[Message]


def _activity(unit: Unit, campaign: Campaign, start: datetime.date, end: datetime.date) -> list[tuple[str, int]]:
    """What the subtree recorded in the period (one count per kind of record)."""
    subtree = {"unit__path__startswith": unit.path}
    period = (start, end)
    cards = SupervisionCard.objects.filter(campaign=campaign, **subtree)
    messages = Message.objects.filter(campaign=campaign, **subtree)
    return [
        (_("Obligations completed"),
         Obligation.objects.filter(campaign=campaign, completed_on__range=period, **subtree).count()),
        (_("Study sessions held"),
         StudySession.objects.filter(campaign=campaign, date__range=period, **subtree).count()),
        (_("Exam results entered"),
         ExamResult.objects.filter(exam__campaign=campaign, exam__date__range=period,
                                   cadre__unit__path__startswith=unit.path).count()),
        (_("Opinion sessions held"),
         OpinionSession.objects.filter(campaign=campaign, held_on__range=period, **subtree).count()),
        (_("Field research stays begun"),
         FieldResearchStay.objects.filter(campaign=campaign, start_date__range=period,
                                          cadre__unit__path__startswith=unit.path).count()),
        (_("Supervision cards issued"), cards.filter(issued_at__date__range=period).count()),
        (_("Supervision cards closed"), cards.filter(closed_at__date__range=period).count()),
        (_("Messages received"), messages.filter(received_on__range=period).count()),
        (_("Messages answered"), messages.filter(answered_at__date__range=period).count()),
    ]


def weekly_report(*, user, unit: Unit, campaign: Campaign, today: datetime.date) -> WeeklyReport:
    """The weekly progress report of ``unit``'s office over its subtree (a fixed number of queries)."""
    start = today - datetime.timedelta(days=REPORT_DAYS - 1)
    children = list(Unit.objects.get_children(unit))
    collected = (rollups.collected(campaign=campaign, root=unit, children=children, today=today)
                 or collect(user=user, root=unit, depth=unit.depth + 1, campaign=campaign, today=today))
    subtree = Q(unit__path__startswith=unit.path)
    return WeeklyReport(
        unit=unit, campaign=campaign, start=start, end=today, total=collected.total(),
        rows=branch_rows(unit, children, collected),
        activity=_activity(unit, campaign, start, today),
        overdue_obligations=list(Obligation.objects.filter(subtree, campaign=campaign).overdue(today)
                                 .select_related("unit").order_by("due_date", "unit__path", "kind")[:OVERDUE_LISTED]),
        overdue_cards=list(SupervisionCard.objects.filter(subtree, campaign=campaign).overdue(today)
                           .select_related("unit", "group").order_by("due_date", "unit__path")[:OVERDUE_LISTED]),
        overdue_messages=list(Message.objects.filter(subtree, campaign=campaign).overdue(today)
                              .select_related("unit", "assigned_unit").order_by("due_date", "pk")[:OVERDUE_LISTED]),
    )
