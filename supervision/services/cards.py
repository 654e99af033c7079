"""R1.3, X1, R5.4: issue a supervision card, sign for it, answer it, verify it, extend it."""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import Campaign
from units.models import Cadre, Unit
from units.permissions import require

from ..errors import SupervisionError
from ..files import upload_problem
from ..models import (
    UNIT_OWES,
    CardAnswer,
    CardNumberSequence,
    CardProblem,
    CardStatus,
    EventKind,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    FailingSource,
    ProblemCategory,
    StepStatus,
    SupervisionCard,
    SupervisionGroup,
    Verdict,
)
from .common import card_notify, event_log, group_member_ids, moment, site_language, unit_answerer_ids
from .keycontact import failings_sync


def card_number(prefix: str, year: int, serial: int) -> str:
    """R1.3 the card's number, e.g. 冀督卡〔2014〕12号."""
    return f"{prefix}〔{year}〕{serial}号"


def _next_serial(group: SupervisionGroup, year: int) -> int:
    # The UPDATE locks the sequence row until commit, so two issuers never get the same serial;
    # the unique (group, year, serial) constraint stands behind it.
    sequence, _created = CardNumberSequence.objects.get_or_create(group=group, year=year)
    CardNumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    return CardNumberSequence.objects.values_list("last", flat=True).get(pk=sequence.pk)


def _locked(card: SupervisionCard) -> SupervisionCard:
    """The card re-read under a row lock: a transition checks the state it will change."""
    return SupervisionCard.objects.select_for_update().select_related("group", "unit").get(pk=card.pk)


def top_leader_of(unit: Unit) -> Cadre | None:
    return unit.cadres.filter(is_top_leader=True).order_by("-is_party_secretary", "pk").first()


@transaction.atomic
def card_issue(*, user, group: SupervisionGroup, unit: Unit, problems: Sequence[str], facts: str,
               required_actions: str, due_date: datetime.date, today: datetime.date | None = None,
               campaign: Campaign | None = None) -> SupervisionCard:
    """R1.3 issue a card to an assigned unit, naming its top leader and problems from the X1/R5.4 catalogue."""
    require(user, "supervision.issue_card", group)
    today, now = moment(today)
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise SupervisionError(_("No campaign is active; cards belong to a campaign."))
    if not group.is_active:
        raise SupervisionError(_("This supervision group is no longer active."))
    if not group.units.filter(pk=unit.pk).exists():
        raise SupervisionError(_("%(unit)s is not assigned to %(group)s; a group files cards only for its own units.")
                               % {"unit": unit.name, "group": group.name})
    if due_date < today:
        raise SupervisionError(_("The due date %(date)s is in the past.") % {"date": date_format(due_date)})
    categories = list(dict.fromkeys(problems))
    if not categories:
        raise SupervisionError(_("Name at least one problem from the catalogue."))
    unknown = set(categories) - set(ProblemCategory.values)
    if unknown:
        raise SupervisionError(_("Unknown problem: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    if not facts.strip() or not required_actions.strip():
        raise SupervisionError(_("State the facts found and the actions required."))
    leader = top_leader_of(unit)
    serial = _next_serial(group, today.year)
    card = SupervisionCard.objects.create(
        group=group, campaign=campaign, year=today.year, serial=serial,
        number=card_number(group.card_prefix, today.year, serial), unit=unit, top_leader=leader,
        top_leader_name=leader.name if leader else "", facts=facts.strip(), required_actions=required_actions.strip(),
        due_date=due_date, issued_by=user, issued_at=now)
    CardProblem.objects.bulk_create([CardProblem(card=card, category=c) for c in categories])
    # R5.4: following the crowd, two skins, rushing or poor rectification put the unit on key contact
    failings_sync(campaign=campaign, unit=unit, categories=categories, noted_on=today, source=FailingSource.CARD,
                  card=card)
    event_log(card=card, kind=EventKind.ISSUED, actor=user, at=now)
    with site_language():
        card_notify(card=card, user_ids=unit_answerer_ids(unit),
                    title=_("Supervision card %(number)s for %(unit)s: sign for it and answer by %(date)s")
                    % {"number": card.number, "unit": unit.name, "date": date_format(due_date)})
    return card


@transaction.atomic
def card_sign(*, user, card: SupervisionCard, today: datetime.date | None = None) -> SupervisionCard:
    """R1.3 the unit signs for the card (签收)."""
    require(user, "supervision.sign_card", card)
    _today, now = moment(today)
    card = _locked(card)
    if card.status != CardStatus.ISSUED:
        raise SupervisionError(_("This card has already been signed for."))
    card.status, card.signed_by, card.signed_at = CardStatus.SIGNED, user, now
    card.save(update_fields=["status", "signed_by", "signed_at"])
    event_log(card=card, kind=EventKind.SIGNED, actor=user, at=now)
    return card


def _check_answerable(card: SupervisionCard) -> None:
    if card.status == CardStatus.CLOSED:
        raise SupervisionError(_("This card is closed; it takes no more answers."))
    if card.status == CardStatus.ISSUED:
        raise SupervisionError(_("Sign for the card before answering it."))
    if card.status == CardStatus.ANSWERED:
        raise SupervisionError(_("The answer is with the group for verification; wait for its verdict."))


@transaction.atomic
def card_answer(*, user, card: SupervisionCard, text: str, files: Iterable = (),
                today: datetime.date | None = None) -> CardAnswer:
    """R1.3 the unit answers with the rectification done and evidence files (pdf, docx, jpg, png ≤ 10 MB)."""
    require(user, "supervision.answer_card", card)
    _today, now = moment(today)
    card = _locked(card)
    _check_answerable(card)
    if not text.strip():
        raise SupervisionError(_("Describe the rectification done."))
    files = list(files)
    problems = [p for p in (upload_problem(f) for f in files) if p]
    if problems:  # checked before anything is stored: a bad file writes nothing
        raise SupervisionError(" ".join(problems))
    answer = CardAnswer.objects.create(card=card, text=text.strip(), answered_by=user, answered_at=now)
    for upload in files:
        Evidence.objects.create(answer=answer, file=upload, original_name=upload.name[:200], size=upload.size)
    card.status = CardStatus.ANSWERED
    card.save(update_fields=["status"])
    event_log(card=card, kind=EventKind.ANSWERED, actor=user, at=now)
    with site_language():
        card_notify(card=card, user_ids=group_member_ids(card), exclude=user.pk,
                    title=_("%(unit)s answered supervision card %(number)s: verify it")
                    % {"unit": card.unit.name, "number": card.number})
    return answer


@transaction.atomic
def card_verify(*, user, card: SupervisionCard, accept: bool, reason: str = "",
                new_due_date: datetime.date | None = None, today: datetime.date | None = None) -> SupervisionCard:
    """R1.3 the group verifies the answer: accept and close the card, or send it back with reasons."""
    require(user, "supervision.verify_card", card)
    today, now = moment(today)
    card = _locked(card)
    if card.status != CardStatus.ANSWERED:
        raise SupervisionError(_("Only an answered card can be verified."))
    answer = card.answers.filter(verdict=Verdict.PENDING).order_by("-answered_at", "-pk").first()
    if not accept:
        if not reason.strip():
            raise SupervisionError(_("Give the reasons for sending the card back."))
        if new_due_date is not None and new_due_date < today:
            raise SupervisionError(_("The due date %(date)s is in the past.") % {"date": date_format(new_due_date)})
    if answer is not None:
        answer.verdict = Verdict.ACCEPTED if accept else Verdict.RETURNED
        answer.verdict_reason, answer.verified_by, answer.verified_at = reason.strip(), user, now
        answer.save(update_fields=["verdict", "verdict_reason", "verified_by", "verified_at"])
    if accept:
        card.status, card.closed_at = CardStatus.CLOSED, now
        card.save(update_fields=["status", "closed_at"])
        event_log(card=card, kind=EventKind.CLOSED, actor=user, at=now, note=reason.strip())
        _withdraw_proposals(card=card, user=user, at=now)
        with site_language():
            title = _("Supervision card %(number)s accepted and closed") % {"number": card.number}
    else:
        fields = ["status"]
        note = reason.strip()
        card.status = CardStatus.RETURNED
        if new_due_date is not None and new_due_date != card.due_date:
            card.due_date = new_due_date
            fields.append("due_date")
            note += f"\n→ {date_format(new_due_date)}"
        card.save(update_fields=fields)
        event_log(card=card, kind=EventKind.RETURNED, actor=user, at=now, note=note)
        with site_language():
            title = _("Supervision card %(number)s sent back: rectify further by %(date)s") % {
                "number": card.number, "date": date_format(card.due_date)}
    card_notify(card=card, user_ids=unit_answerer_ids(card.unit), title=title, body=reason.strip())
    return card


def _withdraw_proposals(*, card: SupervisionCard, user, at) -> None:
    """A closed card needs no interview any more: pending proposals are withdrawn, on the record."""
    from ..models import EscalationStep

    for step in EscalationStep.objects.filter(card=card, status=StepStatus.PROPOSED):
        step.status, step.decided_at = StepStatus.WITHDRAWN, at
        step.save(update_fields=["status", "decided_at"])
        event_log(card=card, kind=EventKind.STEP_WITHDRAWN, actor=user, at=at, step=step)


@transaction.atomic
def extension_request(*, user, card: SupervisionCard, requested_due_date: datetime.date, reason: str,
                      today: datetime.date | None = None) -> ExtensionRequest:
    """R1.3 the unit asks for more time, no later than the due date; the group decides."""
    require(user, "supervision.request_extension", card)
    today, now = moment(today)
    card = _locked(card)
    if card.status not in UNIT_OWES:
        raise SupervisionError(_("Only a card the unit still has to answer can be extended."))
    if today > card.due_date:
        raise SupervisionError(_("The due date %(date)s has passed; an extension must be asked for before it.")
                               % {"date": date_format(card.due_date)})
    if requested_due_date <= card.due_date:
        raise SupervisionError(_("Ask for a date after the current due date %(date)s.")
                               % {"date": date_format(card.due_date)})
    if not reason.strip():
        raise SupervisionError(_("Give the reason for the extension."))
    if card.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise SupervisionError(_("An extension request is already waiting for the group's decision."))
    extension = ExtensionRequest.objects.create(
        card=card, previous_due_date=card.due_date, requested_due_date=requested_due_date, reason=reason.strip(),
        requested_by=user, requested_at=now)
    event_log(card=card, kind=EventKind.EXTENSION_REQUESTED, actor=user, at=now,
              note=f"{date_format(card.due_date)} → {date_format(requested_due_date)}: {reason.strip()}")
    with site_language():
        card_notify(card=card, user_ids=group_member_ids(card), exclude=user.pk,
                    title=_("%(unit)s asks to extend card %(number)s to %(date)s")
                    % {"unit": card.unit.name, "number": card.number, "date": date_format(requested_due_date)})
    return extension


@transaction.atomic
def extension_decide(*, user, extension: ExtensionRequest, approve: bool, note: str = "",
                     today: datetime.date | None = None) -> ExtensionRequest:
    """R1.3 the group approves (the due date moves) or refuses an extension request."""
    require(user, "supervision.decide_extension", extension)
    _today, now = moment(today)
    card = _locked(extension.card)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise SupervisionError(_("This extension request has already been decided."))
    if card.status == CardStatus.CLOSED:
        raise SupervisionError(_("This card is closed."))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = user, now, note.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        card.due_date = extension.requested_due_date
        card.save(update_fields=["due_date"])
    event_log(card=card, kind=EventKind.EXTENSION_APPROVED if approve else EventKind.EXTENSION_REFUSED, actor=user,
              at=now, note=note.strip())
    with site_language():
        title = (_("Extension of card %(number)s approved: now due %(date)s") if approve
                 else _("Extension of card %(number)s refused: still due %(date)s")) % {
            "number": card.number, "date": date_format(card.due_date)}
    card_notify(card=card, user_ids=unit_answerer_ids(card.unit), title=title, body=note.strip())
    return extension


def open_cards_of(unit: Unit):
    """The cards of ``unit`` not closed: what closing the unit must settle."""
    return SupervisionCard.objects.filter(unit=unit).exclude(status=CardStatus.CLOSED)


@transaction.atomic
def cards_settle_for_closed_unit(*, unit: Unit, action: str | None, merged_into: Unit | None, by,
                                 on: datetime.date) -> int:
    """R0.1, R1.3 a unit closed or merged: its open cards move to the unit it merged into (still owed there,
    on the record) or close with the unit (pending escalation proposals withdrawn); never silently lost."""
    now = timezone.now()
    settled = 0
    with site_language():  # the card's history is kept in the portal's language
        transferred = _("%(old)s merged into %(new)s on %(date)s.") % {
            "old": unit.name, "new": merged_into.name if merged_into else "", "date": date_format(on)}
        closed = _("%(unit)s closed on %(date)s.") % {"unit": unit.name, "date": date_format(on)}
    for card in open_cards_of(unit).select_for_update():
        if action == "transfer" and merged_into is not None:
            card.unit = merged_into
            card.save(update_fields=["unit"])
            # the group that issued the card must still reach it to verify the answer
            card.group.units.add(merged_into)
            event_log(card=card, kind=EventKind.TRANSFERRED, actor=by, at=now, note=transferred)
        elif action == "close":
            card.status, card.closed_at = CardStatus.CLOSED, now
            card.save(update_fields=["status", "closed_at"])
            event_log(card=card, kind=EventKind.CLOSED_WITH_UNIT, actor=by, at=now, note=closed)
            _withdraw_proposals(card=card, user=by, at=now)
        else:
            continue
        settled += 1
    return settled
