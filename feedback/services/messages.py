"""R4.3, R4.4 the message pipeline: submit, triage (classify, merge, reject, forward), answer, review
(publish or send back), and the overdue sweep. Each step checks who may take it (``feedback.permissions``)
and keeps the policy.
"""
from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from campaign.models import Campaign, Notification
from campaign.services import notifications
from campaign.services.campaign import add_working_days
from units.models import Cadre, Unit
from units.permissions import require
from units.signals import figures_touched

from .. import policy
from . import arrival
from ..errors import FeedbackError
from ..models import (
    MESSAGE_MAX_LENGTH,
    Category,
    Channel,
    EventKind,
    Message,
    MessageEvent,
    MessageStatus,
    OPEN_STATUSES,
    OverdueReminder,
)
from ..policy import CODE_LENGTH, new_tracking_code, tracking_code_candidates

log = logging.getLogger(__name__)


def _event(message: Message, kind: str, by=None, note: str = "") -> None:
    MessageEvent.objects.create(message=message, kind=kind, by=by if getattr(by, "pk", None) else None, note=note)
    # issue 12: whoever handles the message no longer needs the notification that pointed to it
    notifications.notifications_settle(user=by, urls=[message.get_absolute_url()])


def _notify_safely(*, user_ids: Iterable[int], title: str, body: str = "", url: str = "") -> None:
    """Notify inside a savepoint: a failing notification must never undo the message it is about."""
    try:
        with transaction.atomic():
            notifications.notify(user_ids=user_ids, title=title, body=body, url=url)
    except Exception:  # noqa: BLE001 — the record stands; the office still sees it in its queue
        log.exception("could not store the notification %r", title)


def _clean_text(text: str, *, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise FeedbackError(_("The %(field)s is empty.") % {"field": field})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise FeedbackError(_("The %(field)s is longer than %(max)s characters.")
                            % {"field": field, "max": MESSAGE_MAX_LENGTH})
    return text


def _require(message: Message, *statuses: str) -> None:
    """Lock the message's row and re-read its state: two staff acting at once cannot both move it."""
    list(Message.objects.select_for_update().filter(pk=message.pk).values_list("pk"))
    message.refresh_from_db(fields=["status", "merged_into", "assigned_unit", "assigned_cadre", "due_date"])
    if message.status not in statuses:
        raise FeedbackError(_("This message is “%(status)s”; that step is not possible now.")
                            % {"status": message.get_status_display()})


# --- arrival

# issue 15: an error report shows no variable of this call or those below it (the contact details pass there)
@sensitive_variables()
def message_submit(*, campaign: Campaign, unit: Unit, category: str, text: str, citizen_name: str = "",
                   citizen_phone: str = "", channel: str = Channel.BOARD, received_by: Unit | None = None,
                   received_on: datetime.date | None = None, by=None) -> Message:
    """R4.4 store a message from the board (or R4.3 a letter or visit) and route it to the office of its level.

    The message is stored before anyone is told (the e-mails follow after commit), and a notification that cannot
    be drawn up never loses it. On PostgreSQL the office's notifications are written in the message's own statement
    (``arrival``: rows alike but for their user, from one SELECT, so they fail only where the message would); through
    the ORM (SQLite) in a savepoint of their own, whose failure leaves the message stored. Everything is checked
    before anything is written; the writes join the caller's transaction when there is one, without a savepoint of
    their own (issue 13: the board's post spends its captcha in the same commit), else they make one.
    """
    if channel != Channel.BOARD:
        require(by, "feedback.record_letter")
    today = timezone.localdate()
    text = _clean_text(text, field=_("message"))
    if category not in Category.values:
        raise FeedbackError(_("Choose what the message is about."))
    if channel not in Channel.values:
        raise FeedbackError(_("Unknown channel."))
    if channel == Channel.BOARD and unit.closed_on is not None:  # R0.1 an old page or link naming a closed unit
        raise FeedbackError(_("%(unit)s has been closed or merged. Search for the unit that took over its work and "
                              "write about that one.") % {"unit": unit.name})
    if channel != Channel.BOARD and received_by is None:
        raise FeedbackError(_("Say which unit received the letter or visit."))
    received_on = received_on or today
    if received_on > today:
        raise FeedbackError(_("The date received cannot be in the future."))
    office_id, office_staff = policy.office_of(unit)
    recorder = by if getattr(by, "pk", None) else None

    def drawn() -> Message:
        return Message(campaign=campaign, tracking_code=new_tracking_code(), channel=channel, unit=unit,
                       office_unit_id=office_id, category=category, text=text,
                       citizen_name=citizen_name.strip()[:50], citizen_phone=citizen_phone.strip()[:20],
                       received_by=received_by, received_on=received_on, recorded_by=recorder)

    def title(message: Message) -> str:
        return _("New message about %(unit)s (%(category)s)") % {
            "unit": unit.name, "category": message.get_category_display()}

    message = None
    with transaction.atomic(savepoint=False):
        if in_one_statement():
            message = _arrive_in_one_statement(drawn, title, office_staff=office_staff, by=recorder, body=text[:200])
        else:
            for _attempt in range(5):  # a code collision is astronomically rare; retry rather than fail
                try:
                    with transaction.atomic():
                        message = drawn()
                        message.save(force_insert=True)
                    break
                except IntegrityError:
                    message = None
            if message is not None:
                _event(message, EventKind.RECEIVED, by, note=message.get_channel_display())
                _notify_safely(user_ids=office_staff, title=title(message), body=text[:200],
                               url=message.get_absolute_url())
    if message is None:  # outside the block: the caller's transaction (a spent captcha) stays good
        raise FeedbackError(_("The message could not be stored; please try again."))
    return message


def in_one_statement() -> bool:
    """Whether a message arrives in one statement (PostgreSQL), or through the ORM (SQLite; the reference)."""
    return connection.vendor == "postgresql"


def _arrive_in_one_statement(drawn, title, *, office_staff: set[int], by, body: str) -> Message | None:
    """PostgreSQL: the message, its history row, its "received" step and the office's notifications in one
    statement (``arrival.insert_arrival``; issue 13), then the dashboards' mark its receiver would have set. A
    notification that cannot be drawn up is left out, never the message (as ``_notify_safely``); a taken tracking
    code draws another, five times at most (then None)."""
    for _attempt in range(5):
        message = drawn()
        event = MessageEvent(message=message, kind=EventKind.RECEIVED, by=by, note=message.get_channel_display())
        try:
            notes = notifications.prepared(user_ids=office_staff, title=title(message), body=body)
        except Exception:  # noqa: BLE001 — the record stands; the office still sees it in its queue
            log.exception("could not draw up the notifications of a new message")
            notes = []
        if arrival.insert_arrival(message, event=event, notifications=notes, url_of_id=_detail_url_around_id()):
            figures_touched([message.unit_id])
            notifications.notifications_written(notes)
            return message
    return None


def _detail_url_around_id() -> tuple[str, str]:
    """What comes before and after a message's id in its address (``Message.get_absolute_url``)."""
    marker = 987654321987
    before, _sep, after = reverse("feedback:message_detail", args=[marker]).partition(str(marker))
    return before, after


def message_by_code(code: str) -> Message | None:
    """R4.4 the message a tracking code names (None for an unknown code), forgiving look-alike
    characters: 0 for O, and 1, I or L for one another in codes made before they were left out."""
    candidates = tracking_code_candidates(code)
    if len(candidates[0]) != CODE_LENGTH:
        return None
    return (Message.objects.select_related("unit", "assigned_unit", "merged_into__unit", "merged_into__assigned_unit")
            .filter(tracking_code__in=candidates).order_by("pk").first())


# --- triage by the office of the same level

@transaction.atomic
def message_classify(*, message: Message, category: str, is_notable: bool, by) -> Message:
    """R4.4 the office sets what the message is about and whether the digest names it."""
    require(by, "feedback.triage_message", message)
    if category not in Category.values:
        raise FeedbackError(_("Choose what the message is about."))
    if message.category == category and message.is_notable == is_notable:
        return message
    message.category = category
    message.is_notable = is_notable
    message.save(update_fields=["category", "is_notable"])
    note = message.get_category_display() + (" · " + _("notable") if is_notable else "")
    _event(message, EventKind.CLASSIFIED, by, note)
    return message


def merge_root(message: Message) -> Message:
    """The message a chain of merges ends at."""
    seen = set()
    while message.merged_into_id and message.pk not in seen:
        seen.add(message.pk)
        message = message.merged_into
    return message


@transaction.atomic
def message_merge(*, message: Message, into: Message, by) -> Message:
    """R4.4 a duplicate joins the message on the same matter; its citizen follows that one's answer."""
    require(by, "feedback.triage_message", message)
    _require(message, MessageStatus.RECEIVED)
    into = merge_root(into)
    if into.pk == message.pk:
        raise FeedbackError(_("A message cannot be merged with itself."))
    if into.office_unit_id != message.office_unit_id:
        raise FeedbackError(_("Only messages of the same activity office can be merged."))
    if into.status == MessageStatus.REJECTED:
        raise FeedbackError(_("That message was not accepted; merge into an accepted one."))
    message.status = MessageStatus.MERGED
    message.merged_into = into
    message.save(update_fields=["status", "merged_into"])
    # messages merged into this one follow it to the same root
    Message.objects.filter(merged_into=message).update(merged_into=into)
    _event(message, EventKind.MERGED, by, note=into.tracking_code)
    _event(into, EventKind.MERGED, by, note=_("Duplicate %(code)s merged into this message") %
           {"code": message.tracking_code})
    return message


@transaction.atomic
def message_reject(*, message: Message, reason: str, by) -> Message:
    """R4.4 not this office's business: closed with a reason the citizen reads on the tracking page."""
    require(by, "feedback.triage_message", message)
    _require(message, MessageStatus.RECEIVED)
    reason = _clean_text(reason, field=_("reason"))
    message.status = MessageStatus.REJECTED
    message.rejection_reason = reason
    message.save(update_fields=["status", "rejection_reason"])
    _event(message, EventKind.REJECTED, by, reason)
    return message


def forward_candidates(message: Message) -> list[Unit]:
    """R4.4 where the office may send a message: the unit concerned, its parents up to the office's
    unit, and its own sub-units (departments, townships) — a short list, in tree order."""
    office_path = message.office_unit.path
    ancestors = [p for p in policy.ancestor_paths(message.unit.path) if p.startswith(office_path)]
    units = Unit.objects.filter(path__in=ancestors) | Unit.objects.filter(
        path__startswith=message.unit.path, depth=message.unit.depth + 1)
    return list(units.order_by("path"))


@transaction.atomic
def message_forward(*, message: Message, campaign: Campaign, unit: Unit | None, cadre: Cadre | None,
                    today: datetime.date, by) -> Message:
    """R4.4 send the message to the unit or the named cadre concerned, due in the campaign's working days."""
    require(by, "feedback.triage_message", message)
    _require(message, MessageStatus.RECEIVED, MessageStatus.FORWARDED)
    if cadre is not None:
        unit = unit or cadre.unit
        if cadre.unit_id != unit.pk:
            raise FeedbackError(_("%(cadre)s is not a cadre of %(unit)s.") % {"cadre": cadre.name, "unit": unit.name})
    if unit is None:
        raise FeedbackError(_("Choose the unit or the cadre who must answer."))
    if not unit.path.startswith(message.office_unit.path):
        raise FeedbackError(_("%(unit)s is outside the activity office's area.") % {"unit": unit.name})
    message.assigned_unit = unit
    message.assigned_cadre = cadre
    message.forwarded_at = timezone.now()
    message.due_date = add_working_days(today, campaign.message_answer_working_days)
    message.status = MessageStatus.FORWARDED
    message.return_reason = ""
    message.save(update_fields=["assigned_unit", "assigned_cadre", "forwarded_at", "due_date", "status",
                                "return_reason"])
    who = f"{unit.name} · {cadre.name}" if cadre else unit.name
    _event(message, EventKind.FORWARDED, by, _("%(who)s, answer due %(date)s") % {
        "who": who, "date": date_format(message.due_date)})
    _notify_safely(
        user_ids=policy.answering_user_ids(unit),
        title=_("A message to answer by %(date)s: %(unit)s") % {"date": date_format(message.due_date), "unit": who},
        body=message.text[:200], url=message.get_absolute_url())
    return message


# --- the answer and its review

@transaction.atomic
def message_answer(*, message: Message, text: str, by) -> Message:
    """R4.4 the unit answers; the office reviews the answer before the citizen sees it."""
    require(by, "feedback.answer_message", message)
    _require(message, MessageStatus.FORWARDED)
    message.answer = _clean_text(text, field=_("answer to the citizen"))
    message.answered_at = timezone.now()
    message.answered_by = by if getattr(by, "pk", None) else None
    message.status = MessageStatus.ANSWERED
    message.save(update_fields=["answer", "answered_at", "answered_by", "status"])
    _event(message, EventKind.ANSWERED, by)
    _notify_safely(
        user_ids=policy.office_user_ids(message.office_unit),
        title=_("An answer to review: %(unit)s, message %(code)s") % {
            "unit": message.assigned_unit.name, "code": message.tracking_code},
        url=message.get_absolute_url())
    return message


@transaction.atomic
def message_publish(*, message: Message, text: str, by) -> Message:
    """R4.4 the office publishes the answer (it may tidy the wording); the citizen reads it by code."""
    require(by, "feedback.review_answer", message)
    _require(message, MessageStatus.ANSWERED)
    message.answer = _clean_text(text, field=_("answer to the citizen"))
    message.status = MessageStatus.PUBLISHED
    message.published_at = timezone.now()
    message.save(update_fields=["answer", "status", "published_at"])
    _event(message, EventKind.PUBLISHED, by)
    return message


@transaction.atomic
def message_return(*, message: Message, reason: str, due_date: datetime.date | None, today: datetime.date,
                   by) -> Message:
    """R4.4 the office sends an answer back with reasons; the unit answers again (by a new date, if given)."""
    require(by, "feedback.review_answer", message)
    _require(message, MessageStatus.ANSWERED)
    reason = _clean_text(reason, field=_("reason"))
    if due_date is not None and due_date < today:
        raise FeedbackError(_("The new due date cannot be in the past."))
    message.status = MessageStatus.FORWARDED
    message.return_reason = reason
    fields = ["status", "return_reason"]
    if due_date is not None:
        message.due_date = due_date
        fields.append("due_date")
    message.save(update_fields=fields)
    _event(message, EventKind.RETURNED, by, reason)
    _notify_safely(
        user_ids=policy.answering_user_ids(message.assigned_unit),
        title=_("Your answer to message %(code)s was sent back") % {"code": message.tracking_code},
        body=reason[:200], url=message.get_absolute_url())
    return message


# --- the overdue sweep (beat: feedback.messages_flag_overdue)

#: Overdue answers reminded per transaction (issue 13: one transaction and six statements per message made
#: 2,000 take 6.6 s).
OVERDUE_BATCH = 500


def messages_flag_overdue(*, today: datetime.date | None = None, batch_size: int = OVERDUE_BATCH) -> int:
    """R4.4 remind the answering unit and the office of each overdue answer, once per due date.

    Each batch of reminders is claimed by unique (message, due date) rows in the transaction that stores
    their notifications and history, so a sweep that runs twice, late, or after a worker died sends each
    exactly once. Candidates are chosen by state (forwarded, due date passed, not yet claimed), never by a
    time window.
    """
    today = today or timezone.localdate()
    # the claim is per due date: an answer sent back with a new date is reminded again when that one passes
    claimed = OverdueReminder.objects.filter(message=OuterRef("pk"), due_date=OuterRef("due_date"))
    candidates = list(
        Message.objects.overdue(today).filter(~Exists(claimed))
        .select_related("unit", "assigned_unit", "office_unit").order_by("due_date", "pk"))
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(candidates), batch_size):
            batch = candidates[start:start + batch_size]
            try:
                sent += _remind_overdue(batch)
            except IntegrityError:
                log.info("overdue reminders from message %s already claimed", batch[0].pk)
    return sent


@transaction.atomic
def _remind_overdue(batch: list[Message]) -> int:
    """Claim, announce and record the reminders of a batch of overdue answers: a fixed number of statements."""
    OverdueReminder.objects.bulk_create([OverdueReminder(message=m, due_date=m.due_date) for m in batch])
    answering = policy.answering_user_ids_of({m.assigned_unit_id for m in batch})
    offices = policy.office_user_ids_of({m.office_unit_id for m in batch})
    notes = []
    for m in batch:
        recipients = answering.get(m.assigned_unit_id, set()) | offices.get(m.office_unit_id, set())
        title = _("Overdue: the answer to message %(code)s (%(unit)s) was due on %(date)s") % {
            "code": m.tracking_code, "unit": m.assigned_unit.name, "date": date_format(m.due_date)}
        url = reverse("feedback:message_detail", args=[m.pk])
        notes += [Notification(user_id=uid, title=title[:200], body=m.text[:200], url=url[:300])
                  for uid in sorted(recipients)]
    notifications.store_notifications(notes)
    MessageEvent.objects.bulk_create([MessageEvent(message=m, kind=EventKind.REMINDED, by=None,
                                                   note=date_format(m.due_date)) for m in batch])
    return len(batch)


# --- a unit closed or merged (units.signals.unit_closed)

def open_messages_of(unit: Unit):
    """The open messages about, assigned to, or triaged by ``unit``: what closing it must hand on."""
    return Message.objects.filter(Q(unit=unit) | Q(assigned_unit=unit) | Q(office_unit=unit),
                                  status__in=OPEN_STATUSES)


@transaction.atomic
def messages_settle_for_closed_unit(*, unit: Unit, merged_into: Unit | None, by) -> int:
    """R0.1, R4.4 a closed unit's open messages are never left hanging: merged, they pass to the unit it
    merged into (as concerned, answering or triaging unit); closed outright, those waiting for its answer go
    back to the office for triage, and those it triaged to the office above. Each step is on the record."""
    successor = merged_into
    parent = Unit.objects.get_parent(unit)
    handed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for message in open_messages_of(unit).select_for_update():
            fields: list[str] = []
            if message.unit_id == unit.pk and successor is not None:
                message.unit = successor
                fields.append("unit")
            if message.office_unit_id == unit.pk:
                message.office_unit = successor or parent
                fields.append("office_unit")
            if message.assigned_unit_id == unit.pk:
                if successor is not None:
                    message.assigned_unit, message.assigned_cadre = successor, None
                    fields += ["assigned_unit", "assigned_cadre"]
                    note = _("%(old)s closed; the answer passes to %(new)s.") % {"old": unit.name,
                                                                               "new": successor.name}
                    kind = EventKind.FORWARDED
                elif message.status == MessageStatus.FORWARDED:
                    message.status = MessageStatus.RECEIVED
                    message.assigned_unit = message.assigned_cadre = None
                    message.forwarded_at = message.due_date = None
                    message.return_reason = _("%(unit)s closed before answering; choose who answers now.") % {
                        "unit": unit.name}
                    fields += ["status", "assigned_unit", "assigned_cadre", "forwarded_at", "due_date",
                               "return_reason"]
                    note, kind = message.return_reason, EventKind.RETURNED
                else:
                    note, kind = "", None
                if kind is not None:
                    _event(message, kind, by, note)
            if fields:
                message.save(update_fields=sorted(set(fields)))
                handed += 1
    return handed
