"""R1.3, R5.4: the escalation ladder: reminder → letter or call → interview → accountability proposal."""
from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaign.models import Campaign

from .. import policy
from ..errors import SupervisionError
from ..files import upload_problem
from ..models import (
    NEEDS_APPROVAL,
    CardStatus,
    Channel,
    EscalationStep,
    EventKind,
    StepKind,
    StepStatus,
    SupervisionCard,
)
from .common import (
    card_notify,
    require,
    event_log,
    group_member_ids,
    leader_ids_over,
    moment,
    site_language,
    unit_answerer_ids,
)

log = logging.getLogger(__name__)

STEP_TITLES = {
    StepKind.REMINDER: gettext_noop("Reminder: supervision card %(number)s of %(unit)s is overdue"),
    StepKind.LETTER: gettext_noop(
        "Escalated: the top leader of %(unit)s is written to or called about card %(number)s"),
    StepKind.INTERVIEW: gettext_noop(
        "Escalated: an interview of the top leader of %(unit)s is proposed (card %(number)s)"),
    StepKind.ACCOUNTABILITY: gettext_noop(
        "Escalated: accountability of the top leader of %(unit)s is proposed (card %(number)s)"),
}


def _refusal(steps: list[EscalationStep], kind: int) -> str:
    """Why ``kind`` cannot be taken now, in the user's words."""
    taken = {s.step: s for s in steps}
    if kind in taken:
        return _("This card has already had its “%(step)s” step.") % {"step": StepKind(kind).label}
    last = policy.last_step(steps)
    if last is not None and last.status == StepStatus.PROPOSED:
        return _("The “%(step)s” step still awaits a leader's approval.") % {"step": last.get_step_display()}
    if last is not None and not last.in_effect:
        return _("The “%(step)s” step was not approved; the ladder stops there.") % {"step": last.get_step_display()}
    if last is not None and last.step == StepKind.ACCOUNTABILITY:
        return _("The ladder's last step has been taken.")
    return _("Take the “%(step)s” step first.") % {"step": policy.next_rung(steps).label}


@transaction.atomic
def step_take(*, card: SupervisionCard, kind: int, reason: str, user=None, channel: str = "", document=None,
              automatic: bool = False, today: datetime.date | None = None) -> EscalationStep:
    """R1.3 take the next rung of a card's ladder; interviews and accountability await a leader's approval.

    The row's unique key (card, step) is the claim: written with its history and notifications in
    one transaction, a step is never taken twice nor lost half-done.
    """
    require(user, "supervision.take_step", card)  # the sweep (no user) needs no permission
    today, now = moment(today)
    card = SupervisionCard.objects.select_for_update().select_related("group", "unit").get(pk=card.pk)
    if card.status == CardStatus.CLOSED:
        raise SupervisionError(_("This card is closed; it cannot be escalated."))
    if automatic and not card.is_overdue(today):
        raise SupervisionError(_("This card is not overdue."))
    steps = list(card.steps.all())
    if policy.next_rung(steps) != kind:
        raise SupervisionError(_refusal(steps, kind))
    if not reason.strip():
        raise SupervisionError(_("Say why the card is escalated."))
    if document is not None:
        problem = upload_problem(document)
        if problem:
            raise SupervisionError(problem)
    if kind == StepKind.LETTER:
        channel = channel or Channel.LETTER
    elif channel:
        raise SupervisionError(_("Only the letter step is sent by letter or by call."))
    proposal = kind in NEEDS_APPROVAL
    step = EscalationStep.objects.create(
        card=card, step=kind, channel=channel, status=StepStatus.PROPOSED if proposal else StepStatus.TAKEN,
        automatic=automatic, proposed_by=user, created_at=now, taken_on=today,
        effective_on=None if proposal else today, reason=reason.strip(),
        document=document or "", document_name=(document.name[:200] if document else ""))
    event_log(card=card, kind=EventKind.ESCALATED, actor=user, at=now, note=step.reason, step=step)
    with site_language():
        params = {"number": card.number, "unit": card.unit.name}
        card_notify(card=card, user_ids=unit_answerer_ids(card.unit) | group_member_ids(card),
                    title=_(STEP_TITLES[StepKind(kind)]) % params, body=step.reason, exclude=getattr(user, "pk", None))
        if proposal:
            card_notify(card=card, user_ids=leader_ids_over(card.unit), exclude=getattr(user, "pk", None),
                        title=_("Approve or refuse: %(step)s for %(unit)s (card %(number)s)")
                        % {**params, "step": StepKind(kind).label}, body=step.reason)
    return step


@transaction.atomic
def step_decide(*, user, step: EscalationStep, approve: bool, note: str = "",
                today: datetime.date | None = None) -> EscalationStep:
    """R1.3, R5.4 a leader over the unit approves or refuses a proposed interview or accountability step."""
    today, now = moment(today)
    step = EscalationStep.objects.select_for_update().select_related("card__unit", "card__group").get(pk=step.pk)
    card = step.card
    if step.status != StepStatus.PROPOSED:
        raise SupervisionError(_("This step is not awaiting approval."))
    if step.proposed_by_id is not None and step.proposed_by_id == user.pk:
        raise SupervisionError(_("You proposed this step; another leader must approve or refuse it."))
    if not user.has_perm("supervision.decide_step", step):
        raise SupervisionError(_("Only a leader whose scope covers %(unit)s can decide this step.")
                               % {"unit": card.unit.name})
    if card.status == CardStatus.CLOSED:
        raise SupervisionError(_("This card is closed."))
    if not approve and not note.strip():
        raise SupervisionError(_("Give the reason for refusing."))
    step.status = StepStatus.APPROVED if approve else StepStatus.REFUSED
    step.decided_by, step.decided_at, step.decision_note = user, now, note.strip()
    step.effective_on = today if approve else None
    step.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "effective_on"])
    event_log(card=card, kind=EventKind.STEP_APPROVED if approve else EventKind.STEP_REFUSED, actor=user, at=now,
              note=note.strip(), step=step)
    with site_language():
        title = (_("Approved: %(step)s for %(unit)s (card %(number)s)") if approve
                 else _("Refused: %(step)s for %(unit)s (card %(number)s)")) % {
            "step": step.get_step_display(), "unit": card.unit.name, "number": card.number}
    card_notify(card=card, user_ids=unit_answerer_ids(card.unit) | group_member_ids(card), title=title,
                body=note.strip(), exclude=user.pk)
    return step


@transaction.atomic
def step_record_outcome(*, user, step: EscalationStep, outcome: str, document=None,
                        today: datetime.date | None = None) -> EscalationStep:
    """R1.3 record what came of a step (the call made, the interview held) and the document that went with it."""
    require(user, "supervision.record_step_outcome", step)
    _today, now = moment(today)
    step = EscalationStep.objects.select_for_update().select_related("card").get(pk=step.pk)
    if not step.in_effect:
        raise SupervisionError(_("An outcome is recorded once the step is in effect (taken or approved)."))
    if not outcome.strip():
        raise SupervisionError(_("Describe the outcome."))
    fields = ["outcome", "outcome_by", "outcome_at"]
    if document is not None:
        problem = upload_problem(document)
        if problem:
            raise SupervisionError(problem)
        step.document, step.document_name = document, document.name[:200]
        fields += ["document", "document_name"]
    step.outcome, step.outcome_by, step.outcome_at = outcome.strip(), user, now
    step.save(update_fields=fields)
    event_log(card=step.card, kind=EventKind.STEP_OUTCOME, actor=user, at=now, note=step.outcome, step=step)
    return step


def cards_escalate_overdue(*, today: datetime.date | None = None) -> int:
    """R1.3 the beat sweep: take the rung each overdue card has reached under the campaign's policy.

    Cards are read fresh each run (never by a time window), one rung per card per run, each in its
    own transaction claimed by the (card, step) key: a run that is doubled, late, or cut short by a
    dying worker neither repeats nor loses a step. Interviews and accountability come as proposals.
    """
    today, _now = moment(today)
    campaign = Campaign.objects.current()
    if campaign is None:
        return 0
    cards = list(SupervisionCard.objects.filter(campaign=campaign).overdue(today)
                 .select_related("unit", "group").prefetch_related("steps").order_by("due_date", "pk"))
    taken = 0
    with site_language():
        for card in cards:
            due = policy.next_step_due(card, list(card.steps.all()), campaign)
            if due is None or due[1] > today:
                continue
            kind = due[0]
            reason = _("Card %(number)s was due on %(date)s and is %(days)s days overdue.") % {
                "number": card.number, "date": date_format(card.due_date), "days": card.days_overdue(today)}
            try:
                step_take(card=card, kind=kind, reason=reason, automatic=True, today=today)
            except (IntegrityError, SupervisionError) as exc:
                # another run took it first, or the card moved on since it was read
                log.info("card %s: %s not taken: %s", card.pk, StepKind(kind).name, exc)
                continue
            taken += 1
    return taken
