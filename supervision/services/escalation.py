"""R1.3, R5.4: the escalation ladder: reminder → letter or call → interview → accountability proposal."""
from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from simple_history.utils import bulk_create_with_history

from campaign.models import Campaign, Notification
from units.signals import figures_touched
from campaign.services.notifications import store_notifications

from .. import policy
from ..errors import SupervisionError
from ..files import upload_problem
from ..models import (
    NEEDS_APPROVAL,
    CardEvent,
    CardStatus,
    Channel,
    EscalationStep,
    EventKind,
    StepKind,
    StepStatus,
    SupervisionCard,
    SupervisionGroup,
)
from .common import (
    answerers_of,
    card_notify,
    require,
    event_log,
    group_member_ids,
    leader_ids_over,
    leaders_over,
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
        for user_ids, title in _announcements(card, step, unit_answerer_ids(card.unit) | group_member_ids(card),
                                              leader_ids_over(card.unit) if proposal else set()):
            card_notify(card=card, user_ids=user_ids, title=title, body=step.reason, exclude=getattr(user, "pk", None))
    return step


def _announcements(card: SupervisionCard, step: EscalationStep, told: set[int], leaders: set[int]
                   ) -> list[tuple[set[int], str]]:
    """R1.3 who hears of a step and what: the unit's answerers and the group, and — for an interview or
    accountability proposal — the leaders over the unit, asked to decide. In the site's language."""
    params = {"number": card.number, "unit": card.unit.name}
    out = [(told, _(STEP_TITLES[StepKind(step.step)]) % params)]
    if step.step in NEEDS_APPROVAL:
        out.append((leaders, _("Approve or refuse: %(step)s for %(unit)s (card %(number)s)")
                    % {**params, "step": StepKind(step.step).label}))
    return out


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


#: Cards escalated per transaction by the sweep: their steps, history and notifications are claimed
#: together (issue 13: ten statements per card made 4,000 overdue cards take 25 s).
ESCALATION_BATCH = 200


def cards_escalate_overdue(*, today: datetime.date | None = None, batch_size: int = ESCALATION_BATCH) -> int:
    """R1.3 the beat sweep: take the rung each overdue card has reached under the campaign's policy.

    Cards are read fresh each run (never by a time window), one rung per card per run, in batches: each
    batch locks its cards, reads their ladders again and writes the steps, their history and notifications
    in one transaction whose (card, step) keys are the claim — a run that is doubled, late, or cut short by
    a dying worker neither repeats nor loses a step. Interviews and accountability come as proposals. The
    steps are those ``step_take`` takes by hand, written a batch at a time.
    """
    today, now = moment(today)
    campaign = Campaign.objects.current()
    if campaign is None:
        return 0
    ids = list(SupervisionCard.objects.filter(campaign=campaign).overdue(today).order_by("due_date", "pk")
               .values_list("pk", flat=True))
    taken = 0
    with site_language():
        for start in range(0, len(ids), batch_size):
            try:
                taken += _escalate_batch(ids[start:start + batch_size], campaign, today, now)
            except IntegrityError as exc:  # another run claimed a step of this batch first: it took them
                log.info("escalation batch from card %s not taken: %s", ids[start], exc)
    return taken


@transaction.atomic
def _escalate_batch(ids: list[int], campaign: Campaign, today: datetime.date, now: datetime.datetime) -> int:
    """Escalate one batch of overdue cards in one transaction: a fixed number of statements."""
    cards = list(SupervisionCard.objects.select_for_update(of=("self",)).filter(pk__in=ids)
                 .select_related("unit", "group").order_by("due_date", "pk"))
    ladders: dict[int, list[EscalationStep]] = {card.pk: [] for card in cards}
    for step in EscalationStep.objects.filter(card_id__in=ladders).order_by("step"):
        ladders[step.card_id].append(step)
    chosen: list[tuple[SupervisionCard, EscalationStep]] = []
    for card in cards:
        if not card.is_overdue(today):  # answered or closed since it was listed
            continue
        due = policy.next_step_due(card, ladders[card.pk], campaign)
        if due is None or due[1] > today:
            continue
        kind = due[0]
        proposal = kind in NEEDS_APPROVAL
        reason = policy.overdue_reason(card, today)
        chosen.append((card, EscalationStep(
            card=card, step=kind, channel=Channel.LETTER if kind == StepKind.LETTER else "",
            status=StepStatus.PROPOSED if proposal else StepStatus.TAKEN, automatic=True, created_at=now,
            taken_on=today, effective_on=None if proposal else today, reason=reason)))
    if not chosen:
        return 0
    # the claim; with their history rows, as step_take's create() writes them
    steps = bulk_create_with_history([step for _card, step in chosen], EscalationStep)
    figures_touched({card.unit_id for card, _step in chosen})  # issue 13: escalated cards
    CardEvent.objects.bulk_create([CardEvent(card=card, kind=EventKind.ESCALATED, actor=None, at=now,
                                             note=step.reason, step=step)
                                   for (card, _step), step in zip(chosen, steps)])
    # the people step_take tells, for the whole batch at once (the same rules, read in bulk)
    answerers = answerers_of([card.unit_id for card, _step in chosen])
    members = SupervisionGroup.member_ids_of({card.group_id: card.group for card, _step in chosen}.values())
    leaders = leaders_over([card.unit for card, step in chosen if step.step in NEEDS_APPROVAL])
    notes: list[Notification] = []
    for card, step in chosen:
        url = reverse("supervision:card_detail", args=[card.pk])
        told = answerers.get(card.unit_id, set()) | members[card.group_id]
        for user_ids, title in _announcements(card, step, told, leaders.get(card.unit.path, set())):
            notes += [Notification(user_id=uid, title=title[:200], body=step.reason, url=url)
                      for uid in sorted(user_ids - {None})]
    store_notifications(notes)
    return len(chosen)
