"""R5.2 liaison: the weekly liaison officers' meeting, its action items, periodic progress reports with their
reminder sweep, and requests for instructions on important matters. Every write and rule is here."""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.models import Unit

from ..errors import CampaignError
from ..models import (
    AgendaItem,
    AgendaSource,
    Campaign,
    InstructionRequest,
    LiaisonMeeting,
    LiaisonTask,
    ProgressReport,
    ProgressReportReminder,
    ProgressReportSchedule,
    ReportFrequency,
    RequestStatus,
    TaskStatus,
)
from ..models.liaison import Period
from ..selectors.liaison import agenda_for, bound_users
from .articles import recorded_user
from .notifications import Recipients, notifications_settle, notify

log = logging.getLogger(__name__)


def _require_office(user, unit: Unit, perm: str = "campaign.change_liaison_meeting") -> None:
    """Office staff and administrators over ``unit`` run its liaison work (meetings, schedules)."""
    if not rules.has_perm(perm, user, unit):
        raise CampaignError(_("Only the activity office of %(unit)s may do this.") % {"unit": unit.name})


def within_campaign(campaign: Campaign, day: datetime.date, what: str) -> None:
    """R5.1 dates of campaign records lie within the campaign's dates (shared with the publicity area)."""
    if not campaign.start_date <= day <= campaign.end_date:
        raise CampaignError(_("%(what)s must lie within the campaign (%(start)s to %(end)s).") % {
            "what": what, "start": date_format(campaign.start_date), "end": date_format(campaign.end_date)})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- the weekly liaison officers' meeting


def _agenda_build(meeting: LiaisonMeeting, today: datetime.date) -> int:
    """Replace the automatic agenda items with what is overdue now; the office's own items stay, after them."""
    meeting.agenda_items.exclude(source=AgendaSource.FREE).delete()
    # stored in the portal's language: the agenda is a record, read by everyone the same way
    with translation.override(settings.LANGUAGE_CODE):
        entries = agenda_for(meeting.unit, meeting.campaign, today)
    AgendaItem.objects.bulk_create([
        AgendaItem(meeting=meeting, order=i, source=e.source, title=e.title[:300], detail=e.detail, count=e.count,
                   link=e.link[:300]) for i, e in enumerate(entries, 1)])
    free = list(meeting.agenda_items.filter(source=AgendaSource.FREE).order_by("order", "pk"))
    for i, item in enumerate(free, len(entries) + 1):
        item.order = i
    AgendaItem.objects.bulk_update(free, ["order"])
    meeting.agenda_as_of = today
    meeting.save(update_fields=["agenda_as_of"])
    return len(entries)


def _set_free_items(meeting: LiaisonMeeting, items: list[str]) -> None:
    meeting.agenda_items.filter(source=AgendaSource.FREE).delete()
    start = meeting.agenda_items.count() + 1
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, order=start + i, source=AgendaSource.FREE,
                                               title=text[:300]) for i, text in enumerate(items)])


def _check_meeting(campaign: Campaign, unit: Unit, date: datetime.date, title: str, exclude: int | None) -> None:
    within_campaign(campaign, date, _("The meeting date"))
    if not title.strip():
        raise CampaignError(_("Give the meeting a title."))
    clash = LiaisonMeeting.objects.filter(unit=unit, date=date).exclude(pk=exclude)
    if clash.exists():
        raise CampaignError(_("%(unit)s already has a liaison meeting on %(date)s.")
                            % {"unit": unit.name, "date": date_format(date)})


@transaction.atomic
def liaison_meeting_create(*, user, campaign: Campaign, unit: Unit, date: datetime.date, title: str,
                           location: str = "", attendees=(), guest_names: str = "", free_items: str = "",
                           today: datetime.date | None = None) -> LiaisonMeeting:
    """R5.2 an activity office calls its weekly liaison meeting; the agenda is built from what is overdue."""
    _require_office(user, unit, "campaign.add_liaison_meeting")
    _check_meeting(campaign, unit, date, title, None)
    meeting = LiaisonMeeting.objects.create(campaign=campaign, unit=unit, date=date, title=title.strip(),
                                            location=location.strip(), guest_names=guest_names.strip(),
                                            created_by=recorded_user(user))
    meeting.attendees.set(attendees)
    _agenda_build(meeting, today or timezone.localdate())
    _set_free_items(meeting, _lines(free_items))
    return meeting


@transaction.atomic
def liaison_meeting_update(*, user, meeting: LiaisonMeeting, date: datetime.date, title: str, location: str = "",
                           attendees=(), guest_names: str = "", free_items: str = "") -> LiaisonMeeting:
    """R5.2 change a meeting's date, title, attendees and the office's own agenda items."""
    _require_office(user, meeting.unit)
    _check_meeting(meeting.campaign, meeting.unit, date, title, meeting.pk)
    meeting.date, meeting.title, meeting.location = date, title.strip(), location.strip()
    meeting.guest_names = guest_names.strip()
    meeting.save(update_fields=["date", "title", "location", "guest_names"])
    meeting.attendees.set(attendees)
    _set_free_items(meeting, _lines(free_items))
    return meeting


@transaction.atomic
def liaison_agenda_refresh(*, user, meeting: LiaisonMeeting, today: datetime.date | None = None) -> int:
    """R5.2 rebuild a meeting's automatic agenda from what is overdue today."""
    _require_office(user, meeting.unit)
    return _agenda_build(meeting, today or timezone.localdate())


@dataclass
class ActionItem:
    """An action item of the minutes: what, by whom (a person, a unit or both), by when."""

    text: str
    due_date: datetime.date
    owner_user: object = None
    owner_unit: Unit | None = None


def _task_recipients(item: ActionItem) -> set[int]:
    users = set(bound_users([item.owner_unit.pk])) if item.owner_unit else set()
    if item.owner_user is not None:
        users.add(item.owner_user.pk)
    return users


@transaction.atomic
def liaison_minutes_record(*, user, meeting: LiaisonMeeting, minutes: str,
                           action_items: list[ActionItem]) -> list[LiaisonTask]:
    """R5.2 record the minutes; each action item becomes a tracked task and its owners are told (all or nothing)."""
    _require_office(user, meeting.unit)
    for number, item in enumerate(action_items, 1):
        if not item.text.strip():
            raise CampaignError(_("Action item %(n)s: say what is to be done.") % {"n": number})
        if item.owner_user is None and item.owner_unit is None:
            raise CampaignError(_("Action item %(n)s: give it an owner, a person or a unit.") % {"n": number})
        if item.owner_unit is not None and not item.owner_unit.path.startswith(meeting.unit.path):
            raise CampaignError(_("Action item %(n)s: %(unit)s is not in the subtree of %(office)s.")
                                % {"n": number, "unit": item.owner_unit.name, "office": meeting.unit.name})
        if item.due_date < meeting.date:
            raise CampaignError(_("Action item %(n)s: the due date is before the meeting.") % {"n": number})
    meeting.minutes = minutes.strip()
    meeting.save(update_fields=["minutes"])
    tasks = LiaisonTask.objects.bulk_create([
        LiaisonTask(meeting=meeting, text=item.text.strip(), owner_user=item.owner_user, owner_unit=item.owner_unit,
                    due_date=item.due_date) for item in action_items])
    url = reverse("campaign:liaison_tasks") + "?mine=1"
    for item in action_items:
        notify(user_ids=_task_recipients(item),
               title=_("Action item of the liaison meeting of %(unit)s, due %(date)s: %(text)s")
               % {"unit": meeting.unit.name, "date": date_format(item.due_date), "text": item.text.strip()},
               body=_("Mark it done in the portal when it is done."), url=url)
    return tasks


@transaction.atomic
def liaison_task_set_status(*, user, task: LiaisonTask, status: str, note: str = "",
                            on: datetime.date | None = None) -> LiaisonTask:
    """R5.2 mark an action item done (with the day), reopen it, or drop it."""
    if not rules.has_perm("campaign.update_liaison_task", user, task):
        raise CampaignError(_("You may not update this action item."))
    if status not in TaskStatus.values:
        raise CampaignError(_("Unknown status."))
    done_on = (on or timezone.localdate()) if status == TaskStatus.DONE else None
    if done_on and done_on < task.meeting.date:
        raise CampaignError(_("An action item cannot be done before the meeting that set it."))
    task.status, task.done_on = status, done_on
    if note.strip():
        task.note = note.strip()[:300]
    task.save(update_fields=["status", "done_on", "note"])
    return task


# --- periodic progress reports


@transaction.atomic
def progress_schedule_set(*, user, campaign: Campaign, unit: Unit, frequency: str, due_weekday: int, due_day: int,
                          starts_on: datetime.date, instructions: str = "", is_active: bool = True,
                          today: datetime.date | None = None) -> ProgressReportSchedule:
    """R5.2 the upper office sets how often its direct subordinates report and when each report is due."""
    _require_office(user, unit, "campaign.set_progress_schedule")
    within_campaign(campaign, starts_on, _("The first period"))
    if frequency not in ReportFrequency.values:
        raise CampaignError(_("Unknown reporting period."))
    if not 0 <= due_weekday <= 6 or not 1 <= due_day <= 28:
        raise CampaignError(_("The due day is out of range."))
    today = today or timezone.localdate()
    schedule = ProgressReportSchedule.objects.filter(campaign=campaign, unit=unit).first()
    rule = (frequency, due_weekday, due_day, starts_on)
    changed = schedule is None or rule != (schedule.frequency, schedule.due_weekday, schedule.due_day,
                                           schedule.starts_on)
    schedule = schedule or ProgressReportSchedule(campaign=campaign, unit=unit)
    schedule.frequency, schedule.due_weekday, schedule.due_day, schedule.starts_on = rule
    schedule.instructions, schedule.is_active = instructions.strip(), is_active
    schedule.set_by = recorded_user(user)
    if changed:
        # remind only of periods due from today on: the past under a new rule was never asked for
        schedule.reminded_through = today - datetime.timedelta(days=1)
    schedule.save()
    if changed and is_active:
        children = list(Unit.objects.get_children(unit).values_list("pk", flat=True))
        notify(user_ids=bound_users(children),
               title=_("%(unit)s asks for a progress report: %(period)s") % {
                   "unit": unit.name, "period": schedule_label(schedule)},
               body=schedule.instructions, url=reverse("campaign:progress_reports"))
    return schedule


def schedule_label(schedule: ProgressReportSchedule) -> str:
    """'Weekly, due Friday' / 'Monthly, due on day 25', in the active language."""
    if schedule.frequency == ReportFrequency.MONTHLY:
        return _("%(frequency)s, due on day %(day)s") % {"frequency": schedule.get_frequency_display(),
                                                         "day": schedule.due_day}
    return _("%(frequency)s, due %(weekday)s") % {"frequency": schedule.get_frequency_display(),
                                                  "weekday": schedule.get_due_weekday_display()}


def period_for(schedule: ProgressReportSchedule, period_start: datetime.date | None,
               today: datetime.date) -> Period:
    """The period starting on ``period_start`` (default: the current one); refuses dates that start none."""
    first = schedule.period_containing(schedule.starts_on)
    last_day = min(today, schedule.campaign.end_date)
    if period_start is None:
        if last_day < first.start:
            raise CampaignError(_("The first reporting period has not begun yet."))
        return schedule.period_containing(last_day)
    period = schedule.period_containing(period_start)
    if period.start != period_start or period_start < first.start:
        raise CampaignError(_("No reporting period starts on %(date)s.") % {"date": date_format(period_start)})
    if period_start > last_day:
        raise CampaignError(_("The period starting on %(date)s has not begun yet.") % {
            "date": date_format(period_start)})
    return period


def is_direct_subordinate(unit: Unit, upper: Unit) -> bool:
    return unit.depth == upper.depth + 1 and unit.path.startswith(upper.path)


@transaction.atomic
def progress_report_submit(*, user, schedule: ProgressReportSchedule, unit: Unit, period_start: datetime.date | None,
                           text: str, file: UploadedFile | None = None,
                           today: datetime.date | None = None) -> ProgressReport:
    """R5.2 a subordinate office sends (or corrects) its progress report for one period; the upper office is told."""
    if not rules.has_perm("campaign.submit_progress_report", user, unit):
        raise CampaignError(_("You may not report for %(unit)s.") % {"unit": unit.name})
    if not is_direct_subordinate(unit, schedule.unit):
        raise CampaignError(_("%(unit)s does not report to %(upper)s.") % {"unit": unit.name,
                                                                            "upper": schedule.unit.name})
    if not schedule.is_active:
        raise CampaignError(_("%(upper)s no longer asks for progress reports.") % {"upper": schedule.unit.name})
    if not text.strip():
        raise CampaignError(_("Write the report."))
    today = today or timezone.localdate()
    period = period_for(schedule, period_start, today)
    report = ProgressReport.objects.filter(schedule=schedule, unit=unit, period_start=period.start).first()
    created = report is None
    if created:
        report = ProgressReport(schedule=schedule, unit=unit, period_start=period.start, period_end=period.end,
                                due_date=period.due, submitted_at=timezone.now())
    report.text = text.strip()
    report.submitted_by = recorded_user(user)
    if file is not None:
        report.file.save(file.name, file, save=False)
    report.save()
    if created:
        notify(user_ids=bound_users([schedule.unit_id], roles=["office"]),
               title=_("Progress report of %(unit)s for %(start)s–%(end)s received") % {
                   "unit": unit.name, "start": date_format(period.start), "end": date_format(period.end)},
               url=report.get_absolute_url())
    notifications_settle(user=user, urls=[reverse("campaign:progress_reports")])
    return report


def progress_reports_remind(*, today: datetime.date | None = None) -> int:
    """R5.2 remind each direct subordinate of every report due and not sent, each (unit, period) once.

    Beat runs it often. Each schedule keeps a cursor (``reminded_through``): periods due after it and by
    today are looked at, and each missing (schedule, unit, period) is claimed by a unique row in the same
    transaction as its notification, so a sweep that runs twice, late, or after a crashed worker sends
    each reminder once. A late sweep sends a unit one notification naming all its missing periods. The
    cursor moves only once every unit of those periods is done; a crash before that is redone by the
    next sweep, and the claims stop repeats.
    """
    today = today or timezone.localdate()
    campaign = Campaign.objects.current()
    if campaign is None:
        return 0
    recipients: Recipients | None = None
    sent = 0
    for schedule in (ProgressReportSchedule.objects.filter(campaign=campaign, is_active=True)
                     .select_related("unit", "campaign").order_by("pk")):
        cursor = schedule.reminded_through or (schedule.starts_on - datetime.timedelta(days=1))
        periods = [p for p in schedule.periods(until=min(today, campaign.end_date)) if cursor < p.due <= today]
        if not periods:
            continue
        recipients = recipients or Recipients()
        sent += _remind_schedule(schedule, periods, recipients)
        ProgressReportSchedule.objects.filter(pk=schedule.pk, reminded_through=schedule.reminded_through).update(
            reminded_through=periods[-1].due)
    return sent


def _remind_schedule(schedule: ProgressReportSchedule, periods: list[Period], recipients: Recipients) -> int:
    starts = [p.start for p in periods]
    children = list(Unit.objects.get_children(schedule.unit))
    done = set(ProgressReport.objects.filter(schedule=schedule, period_start__in=starts)
               .values_list("unit_id", "period_start"))
    done |= set(ProgressReportReminder.objects.filter(schedule=schedule, period_start__in=starts)
                .values_list("unit_id", "period_start"))
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for unit in children:
            missing = [p for p in periods if (unit.pk, p.start) not in done]
            if missing and _remind_unit(schedule, unit, missing, recipients):
                sent += 1
    return sent


def _remind_unit(schedule: ProgressReportSchedule, unit: Unit, missing: list[Period], recipients: Recipients) -> bool:
    claimed: list[Period] = []
    with transaction.atomic():
        for period in missing:
            try:
                with transaction.atomic():
                    ProgressReportReminder.objects.create(schedule=schedule, unit=unit, period_start=period.start)
            except IntegrityError:
                log.info("progress reminder %s/%s/%s already claimed", schedule.pk, unit.pk, period.start)
                continue
            claimed.append(period)
        if not claimed:
            return False
        dates = "、".join(date_format(p.due) for p in claimed)
        notify(user_ids=recipients.for_unit(unit.pk, unit.path),
               title=ngettext("Progress report of %(unit)s to %(upper)s due on %(dates)s is not in",
                              "Progress reports of %(unit)s to %(upper)s due on %(dates)s are not in",
                              len(claimed)) % {"unit": unit.name, "upper": schedule.unit.name, "dates": dates},
               body=_("Send it in the portal under Progress reports."),
               url=reverse("campaign:progress_reports"))
    return True


# --- requests for instructions on important matters


@transaction.atomic
def instruction_request_ask(*, user, campaign: Campaign, unit: Unit, addressee: Unit, title: str, body: str,
                            file: UploadedFile | None = None) -> InstructionRequest:
    """R5.2 a lower office asks an upper one for instructions on an important matter; the upper office is told."""
    if not rules.has_perm("campaign.ask_instructions", user, unit):
        raise CampaignError(_("You may not ask on behalf of %(unit)s.") % {"unit": unit.name})
    if addressee.pk == unit.pk or not unit.path.startswith(addressee.path):
        raise CampaignError(_("%(addressee)s is not above %(unit)s.") % {"addressee": addressee.name,
                                                                          "unit": unit.name})
    if not title.strip() or not body.strip():
        raise CampaignError(_("Give the subject and the request."))
    request = InstructionRequest(campaign=campaign, unit=unit, addressee=addressee, title=title.strip(),
                                 body=body.strip(), asked_by=recorded_user(user))
    if file is not None:
        request.file.save(file.name, file, save=False)
    request.save()
    notify(user_ids=bound_users([addressee.pk], roles=["office"]),
           title=_("Request for instructions from %(unit)s: %(title)s") % {"unit": unit.name, "title": request.title},
           url=request.get_absolute_url())
    return request


@transaction.atomic
def instruction_request_answer(*, user, request: InstructionRequest, answer: str) -> InstructionRequest:
    """R5.2 the upper office answers (or corrects its answer while the request is open); the asker is told."""
    if not rules.has_perm("campaign.answer_instruction_request", user, request):
        raise CampaignError(_("Only the activity office of %(unit)s answers this request.")
                            % {"unit": request.addressee.name})
    if request.status == RequestStatus.CLOSED:
        raise CampaignError(_("This request is closed."))
    if not answer.strip():
        raise CampaignError(_("Write the reply."))
    request.answer, request.status = answer.strip(), RequestStatus.ANSWERED
    request.answered_by, request.answered_at = recorded_user(user), timezone.now()
    request.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    asker = {request.asked_by_id} if request.asked_by_id else set()
    notify(user_ids=asker | set(bound_users([request.unit_id])),
           title=_("%(addressee)s answered your request: %(title)s") % {"addressee": request.addressee.name,
                                                                         "title": request.title},
           url=request.get_absolute_url())
    notifications_settle(user=user, urls=[request.get_absolute_url()])
    return request


@transaction.atomic
def instruction_request_close(*, user, request: InstructionRequest) -> InstructionRequest:
    """R5.2 either side closes a request (answered and settled, or withdrawn)."""
    if not rules.has_perm("campaign.close_instruction_request", user, request):
        raise CampaignError(_("You may not close this request."))
    if request.status == RequestStatus.CLOSED:
        raise CampaignError(_("This request is already closed."))
    request.status, request.closed_at = RequestStatus.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    notifications_settle(user=user, urls=[request.get_absolute_url()])
    return request

