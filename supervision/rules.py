"""R1.3: the escalation ladder's timing, read from the campaign's policy (X2: days are data, not code)."""
from __future__ import annotations

import datetime
from collections.abc import Sequence

from campaign.models import Campaign

from .models import EscalationStep, StepKind, SupervisionCard

#: The campaign field holding the days before each rung (counted from the due date for the
#: reminder, and from the day the previous rung took effect for the others).
STEP_DAYS_FIELD = {
    StepKind.REMINDER: "escalation_reminder_days",
    StepKind.LETTER: "escalation_letter_days",
    StepKind.INTERVIEW: "escalation_interview_days",
    StepKind.ACCOUNTABILITY: "escalation_accountability_days",
}


def last_step(steps: Sequence[EscalationStep]) -> EscalationStep | None:
    return max(steps, key=lambda s: s.step, default=None)


def next_rung(steps: Sequence[EscalationStep]) -> StepKind | None:
    """The rung after the steps taken; ``None`` at the top, or while the last one is not in effect
    (awaiting approval, refused or withdrawn: the ladder waits for, or stops at, a leader's word)."""
    last = last_step(steps)
    if last is None:
        return StepKind.REMINDER
    if last.step == StepKind.ACCOUNTABILITY or not last.in_effect:
        return None
    return StepKind(last.step + 1)


def next_step_due(card: SupervisionCard, steps: Sequence[EscalationStep], campaign: Campaign
                  ) -> tuple[StepKind, datetime.date] | None:
    """R1.3 the next rung of an overdue card and the day it falls due under the campaign's policy."""
    rung = next_rung(steps)
    if rung is None:
        return None
    start = card.due_date if rung == StepKind.REMINDER else last_step(steps).effective_on
    return rung, start + datetime.timedelta(days=getattr(campaign, STEP_DAYS_FIELD[rung]))
