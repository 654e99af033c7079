"""R5.2 liaison: weekly liaison meetings with their agenda and action items, progress reports from lower
offices (schedule, matrix, reminders), requests for instructions. Thin views: permission and scoped object
(``web.decorators``) → form → one service call (``web.forms``)."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Unit
from web.decorators import campaign_required, current_campaign, permission_required
from web.downloads import file_download, sheet_download, wants_export
from web.forms import act, form_once, submit
from web.lists import export_table, filtered, table_list
from web.redirects import next_or

from ..filters import InstructionRequestFilter, LiaisonMeetingFilter, LiaisonTaskFilter, ProgressReportFilter
from ..forms.liaison import (
    ActionItemFormSet,
    AnswerForm,
    InstructionRequestForm,
    MeetingForm,
    MinutesForm,
    ProgressReportForm,
    ScheduleForm,
    TaskStatusForm,
)
from ..models import (
    AgendaSource,
    InstructionRequest,
    LiaisonMeeting,
    LiaisonTask,
    ProgressReport,
    ProgressReportSchedule,
    RequestStatus,
)
from ..selectors import liaison as selectors
from ..services import liaison as services
from ..tables import InstructionRequestTable, LiaisonMeetingTable, LiaisonTaskTable, ProgressReportTable


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was posted from, if it is ours; else to ``default``."""
    return redirect(next_or(request, default))


def _meetings(user):
    return LiaisonMeeting.objects.visible_to(user).select_related("unit", "campaign")


def _units(user):
    return Unit.objects.visible_to(user)


def _reports(user):
    return ProgressReport.objects.visible_to(user).select_related("unit", "schedule__unit", "submitted_by")


def _requests(user):
    return InstructionRequest.objects.visible_to(user).select_related("unit", "addressee", "asked_by",
                                                                      "answered_by")


def _tasks(user):
    """The action items of the running campaign the user sees (none while no campaign runs)."""
    campaign = current_campaign()
    return selectors.tasks_for(user, campaign) if campaign else LiaisonTask.objects.none()


# --- the weekly liaison officers' meeting


@permission_required(None)
@campaign_required
def meeting_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R5.2 the liaison meetings of the user's scope: filters by unit and dates, pagination, Excel export."""
    filterset, rows = filtered(request, LiaisonMeetingFilter, selectors.meetings_for(request.user, campaign),
                               user=request.user)
    return table_list(request, "campaign/liaison/meeting_list.html", table=LiaisonMeetingTable(rows),
                      filterset=filterset, export_stem=_("liaison-meetings"), lazy=False, context={
                          "can_create": request.user.has_perm("campaign.add_liaison_meeting")})


def _meeting_form_response(request: HttpRequest, form, title: str, meeting: LiaisonMeeting | None = None):
    return render(request, "campaign/liaison/meeting_form.html", {"form": form, "title": title, "meeting": meeting})


@permission_required("campaign.add_liaison_meeting")
@campaign_required
@form_once
def meeting_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R5.2 an activity office calls a liaison meeting; the agenda is built from what is overdue in its subtree."""
    units = selectors.office_units(request.user)
    today = timezone.localdate()
    form = MeetingForm(request.POST or None, units=units, people=selectors.people_around(units), initial={
        "date": min(max(today, campaign.start_date), campaign.end_date),
        "title": _("Weekly liaison officers' meeting")})
    if meeting := submit(request, form, lambda d: services.liaison_meeting_create(
            user=request.user, campaign=campaign, today=today, **d),
            success=_("Liaison meeting created; its agenda lists what is overdue.")):
        return redirect(meeting)
    return _meeting_form_response(request, form, _("Call a liaison meeting"))


@permission_required(None, _meetings)
def meeting_detail(request: HttpRequest, meeting: LiaisonMeeting) -> HttpResponse:
    """R5.2 a meeting: attendees, the agenda (what was overdue, with links) and the action items it set —
    those the viewer's scope holds."""
    today = timezone.localdate()
    tasks = selectors.meeting_tasks(request.user, meeting)
    selectors.mark_tasks(request.user, tasks, today)
    items = list(meeting.agenda_items.all())
    return render(request, "campaign/liaison/meeting_detail.html", {
        "meeting": meeting, "tasks": tasks, "today": today,
        "auto_items": [i for i in items if i.source != AgendaSource.FREE],
        "free_items": [i for i in items if i.source == AgendaSource.FREE],
        "attendees": list(meeting.attendees.order_by("first_name", "username")),
        "can_manage": request.user.has_perm("campaign.change_liaison_meeting", meeting),
        "status_form": TaskStatusForm(initial={"on": today}),
    })


@permission_required("campaign.change_liaison_meeting", _meetings)
def meeting_edit(request: HttpRequest, meeting: LiaisonMeeting) -> HttpResponse:
    """R5.2 change a meeting's date, title, attendees and the office's own agenda items."""
    free = "\n".join(meeting.agenda_items.filter(source=AgendaSource.FREE).values_list("title", flat=True))
    form = MeetingForm(request.POST or None, units=[meeting.unit], people=selectors.people_around([meeting.unit]),
                       initial={"unit": meeting.unit.pk, "date": meeting.date, "title": meeting.title,
                                "location": meeting.location, "attendees": list(meeting.attendees.all()),
                                "guest_names": meeting.guest_names, "free_items": free})

    def save(data):
        data = {k: v for k, v in data.items() if k != "unit"}  # the office of a meeting does not change
        return services.liaison_meeting_update(user=request.user, meeting=meeting, **data)

    if submit(request, form, save, success=_("Liaison meeting saved.")):
        return redirect(meeting)
    return _meeting_form_response(request, form, _("Edit the liaison meeting"), meeting)


@permission_required("campaign.change_liaison_meeting", _meetings)
@form_once
def meeting_minutes(request: HttpRequest, meeting: LiaisonMeeting) -> HttpResponse:
    """R5.2 the minutes, whose action items become tasks with an owner and a due date."""
    form_kwargs = {"owner_units": selectors.task_owner_units(meeting.unit),
                   "people": selectors.people_around([meeting.unit])}
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    formset = ActionItemFormSet(request.POST or None, prefix="items", form_kwargs=form_kwargs)
    if request.method == "POST" and formset.is_valid():
        items = [services.ActionItem(text=f.cleaned_data["text"], due_date=f.cleaned_data["due_date"],
                                     owner_user=f.cleaned_data.get("owner_user"),
                                     owner_unit=f.cleaned_data.get("owner_unit"))
                 for f in formset.forms if f.has_changed() and f.cleaned_data]
        tasks = submit(request, form, lambda d: services.liaison_minutes_record(
            user=request.user, meeting=meeting, minutes=d["minutes"], action_items=items),
            success=lambda tasks: _("Minutes saved; %(count)s action items are now tracked.") % {"count": len(tasks)})
        if tasks is not None:
            return redirect(meeting)
    return render(request, "campaign/liaison/minutes_form.html", {
        "meeting": meeting, "form": form, "formset": formset,
        "tasks": meeting.tasks.select_related("owner_unit", "owner_user"),
    })


@login_required
@require_POST
@permission_required("campaign.change_liaison_meeting", _meetings)
def meeting_agenda_refresh(request: HttpRequest, meeting: LiaisonMeeting) -> HttpResponse:
    """R5.2 rebuild the automatic agenda from what is overdue today."""
    act(request, lambda: services.liaison_agenda_refresh(user=request.user, meeting=meeting),
        success=lambda count: _("Agenda rebuilt: %(count)s items from what is overdue.") % {"count": count})
    return redirect(meeting)


# --- action items


@permission_required(None)
@campaign_required
def task_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R5.2 the action items of liaison meetings: open, overdue, done; mine; Excel export."""
    today = timezone.localdate()
    scoped = selectors.tasks_for(request.user, campaign)
    filterset, rows = filtered(request, LiaisonTaskFilter, scoped, user=request.user, today=today)
    return table_list(request, "campaign/liaison/task_list.html",
                      table=LiaisonTaskTable(rows, user=request.user, today=today), filterset=filterset,
                      export_stem=_("action-items"), lazy=False, context={
                          "figures": selectors.task_figures(scoped, today), "today": today})


@login_required
@require_POST
@permission_required("campaign.update_liaison_task", _tasks)
def task_status(request: HttpRequest, task: LiaisonTask) -> HttpResponse:
    """R5.2 mark an action item done, reopen it or drop it."""
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status and date."))
    else:
        act(request, lambda: services.liaison_task_set_status(user=request.user, task=task, **form.cleaned_data),
            success=_("Action item updated."))
    return _back(request, reverse("campaign:liaison_tasks"))


# --- progress reports


@permission_required(None)
@campaign_required
def progress_reports(request: HttpRequest, *, campaign) -> HttpResponse:
    """R5.2 progress reports: what the user's units owe the office above, the matrices of the user's offices,
    and the reports of their scope with filters and Excel export."""
    filterset, rows = filtered(request, ProgressReportFilter, selectors.reports_for(request.user, campaign),
                               user=request.user)
    if wants_export(request):
        return export_table(ProgressReportTable(rows), _("progress-reports"))
    offices = selectors.office_units(request.user)
    schedules = list(selectors.schedules_for(request.user, campaign)[:100])
    scheduled = {s.unit_id for s in schedules}
    return table_list(request, "campaign/liaison/progress_reports.html", table=ProgressReportTable(rows),
                      filterset=filterset, export_stem=_("progress-reports"), lazy=False, context={
                          "owed": selectors.owed_reports(request.user, campaign, timezone.localdate()),
                          "schedules": schedules,
                          "unscheduled_offices": [u for u in offices if u.pk not in scheduled]})


@permission_required(None, _units)
@campaign_required
def progress_matrix(request: HttpRequest, unit: Unit, *, campaign) -> HttpResponse:
    """R5.2 who has and has not reported to an office: its direct subordinates × the latest periods."""
    schedule = selectors.schedule_of(campaign, unit)
    matrix = selectors.report_matrix(schedule, timezone.localdate()) if schedule else None
    if matrix is not None and wants_export(request):
        headers, rows = selectors.matrix_export_rows(matrix)
        return sheet_download(stem=_("progress-report-matrix"), title=unit.name, headers=headers, rows=rows)
    return render(request, "campaign/liaison/progress_matrix.html", {
        "unit": unit, "schedule": schedule, "matrix": matrix,
        "schedule_label": services.schedule_label(schedule) if schedule else "",
        "can_manage": request.user.has_perm("campaign.set_progress_schedule", unit),
    })


@permission_required("campaign.set_progress_schedule", _units)
@campaign_required
def progress_schedule_edit(request: HttpRequest, unit: Unit, *, campaign) -> HttpResponse:
    """R5.2 the upper office sets the reporting period and due day of its direct subordinates."""
    schedule = selectors.schedule_of(campaign, unit)
    initial = ({"frequency": schedule.frequency, "due_weekday": schedule.due_weekday, "due_day": schedule.due_day,
                "starts_on": schedule.starts_on, "instructions": schedule.instructions,
                "is_active": schedule.is_active} if schedule else
               {"frequency": "weekly", "due_weekday": 4, "due_day": 25, "is_active": True,
                "starts_on": min(max(timezone.localdate(), campaign.start_date), campaign.end_date)})
    form = ScheduleForm(request.POST or None, initial=initial)
    if submit(request, form, lambda d: services.progress_schedule_set(user=request.user, campaign=campaign,
                                                                      unit=unit, **d),
              success=_("Reporting schedule saved; the subordinate units were told.")):
        return redirect("campaign:progress_matrix", pk=unit.pk)
    return render(request, "campaign/liaison/schedule_form.html", {"unit": unit, "form": form,
                                                                   "schedule": schedule})


def _period_choices(schedule: ProgressReportSchedule, today: datetime.date) -> list[tuple[str, str]]:
    periods = reversed(schedule.periods(until=min(today, schedule.campaign.end_date)))
    return [(p.start.isoformat(), _("%(start)s to %(end)s (due %(due)s)") % {
        "start": date_format(p.start), "end": date_format(p.end), "due": date_format(p.due)}) for p in periods]


@permission_required("campaign.submit_progress_report", _units)
@campaign_required
@form_once
def progress_report_submit(request: HttpRequest, unit: Unit, *, campaign) -> HttpResponse:
    """R5.2 a unit sends its progress report to the office directly above it, for one period."""
    schedule = selectors.schedule_above(campaign, unit)
    if schedule is None:
        raise Http404
    today = timezone.localdate()
    choices = _period_choices(schedule, today)
    wanted = request.GET.get("period") or (choices[0][0] if choices else "")
    existing = selectors.report_of(schedule, unit, wanted) if wanted in dict(choices) else None
    form = ProgressReportForm(request.POST or None, request.FILES or None, periods=choices,
                              initial={"period": wanted, "text": existing.text if existing else ""})
    if report := submit(request, form, lambda d: services.progress_report_submit(
            user=request.user, schedule=schedule, unit=unit, period_start=datetime.date.fromisoformat(d["period"]),
            text=d["text"], file=d["file"], today=today),
            success=_("Progress report sent to %(upper)s.") % {"upper": schedule.unit.name}):
        return redirect(report)
    return render(request, "campaign/liaison/report_form.html", {
        "unit": unit, "schedule": schedule, "form": form, "existing": existing,
        "schedule_label": services.schedule_label(schedule),
    })


@permission_required(None, _reports)
def progress_report_detail(request: HttpRequest, report: ProgressReport) -> HttpResponse:
    """R5.2 one progress report: period, due date, when it came (late or not), text and file."""
    return render(request, "campaign/liaison/report_detail.html", {
        "report": report, "can_correct": (report.schedule.is_active
                                          and request.user.has_perm("campaign.submit_progress_report", report.unit)),
        "can_see_matrix": selectors.sees_unit(request.user, report.schedule.unit),
    })


@permission_required(None, _reports)
def progress_report_file(request: HttpRequest, report: ProgressReport) -> HttpResponse:
    """R5.2 a report's file, within the user's scope only (named after the unit: the stored name is random)."""
    return file_download(report.file, report.file_name)


# --- requests for instructions


@permission_required(None)
@campaign_required
def request_list(request: HttpRequest, *, campaign) -> HttpResponse:
    """R5.2 requests for instructions: asked by my units or addressed to my offices, by status; Excel export."""
    filterset, rows = filtered(request, InstructionRequestFilter, selectors.requests_for(request.user, campaign),
                               user=request.user)
    return table_list(request, "campaign/liaison/request_list.html", table=InstructionRequestTable(rows),
                      filterset=filterset, export_stem=_("requests-for-instructions"), lazy=False, context={
                          "can_ask": request.user.has_perm("campaign.ask_instructions")})


@permission_required("campaign.ask_instructions")
@campaign_required
@form_once
def request_create(request: HttpRequest, *, campaign) -> HttpResponse:
    """R5.2 one of the user's units asks an office above it for instructions on an important matter."""
    units = [u for u in selectors.own_units(request.user) if u.depth > 1]
    if not units:  # a superuser without a unit of their own below the top
        raise Http404
    addressees = selectors.units_above(units)
    parent = next((a for a in addressees if a.path == units[0].path[:-Unit.steplen]), None)
    form = InstructionRequestForm(request.POST or None, request.FILES or None, units=units, addressees=addressees,
                                  initial={"unit": units[0].pk, "addressee": parent.pk if parent else None})
    if asked := submit(request, form, lambda d: services.instruction_request_ask(
            user=request.user, campaign=campaign, **d),
            success=lambda asked: _("Request sent to %(unit)s.") % {"unit": asked.addressee.name}):
        return redirect(asked)
    return render(request, "campaign/liaison/request_form.html", {"form": form})


@permission_required(None, _requests)
def request_detail(request: HttpRequest, asked: InstructionRequest) -> HttpResponse:
    """R5.2 a request for instructions with its answer; the upper office answers here, either side closes."""
    open_ = asked.status != RequestStatus.CLOSED
    return render(request, "campaign/liaison/request_detail.html", {
        "asked": asked, "can_answer": open_ and request.user.has_perm("campaign.answer_instruction_request", asked),
        "can_close": open_ and request.user.has_perm("campaign.close_instruction_request", asked),
        "answer_form": AnswerForm(initial={"answer": asked.answer}),
    })


@login_required
@require_POST
@permission_required("campaign.answer_instruction_request", _requests)
def request_answer(request: HttpRequest, asked: InstructionRequest) -> HttpResponse:
    """R5.2 the upper office answers a request."""
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reply."))
    else:
        act(request, lambda: services.instruction_request_answer(user=request.user, request=asked,
                                                                 answer=form.cleaned_data["answer"]),
            success=_("Reply sent."))
    return redirect(asked)


@login_required
@require_POST
@permission_required("campaign.close_instruction_request", _requests)
def request_close(request: HttpRequest, asked: InstructionRequest) -> HttpResponse:
    """R5.2 close a request (settled or withdrawn)."""
    act(request, lambda: services.instruction_request_close(user=request.user, request=asked),
        success=_("Request closed."))
    return redirect(asked)


@permission_required(None, _requests)
def request_file(request: HttpRequest, asked: InstructionRequest) -> HttpResponse:
    """R5.2 a request's file, within the user's scope only (named after its subject: the stored name is random)."""
    return file_download(asked.file, asked.file_name)


urlpatterns = [
    path("liaison/meetings/", meeting_list, name="liaison_meetings"),
    path("liaison/meetings/new/", meeting_create, name="liaison_meeting_create"),
    path("liaison/meetings/<int:pk>/", meeting_detail, name="liaison_meeting_detail"),
    path("liaison/meetings/<int:pk>/edit/", meeting_edit, name="liaison_meeting_edit"),
    path("liaison/meetings/<int:pk>/minutes/", meeting_minutes, name="liaison_meeting_minutes"),
    path("liaison/meetings/<int:pk>/agenda/", meeting_agenda_refresh, name="liaison_meeting_agenda_refresh"),
    path("liaison/tasks/", task_list, name="liaison_tasks"),
    path("liaison/tasks/<int:pk>/status/", task_status, name="liaison_task_status"),
    path("liaison/reports/", progress_reports, name="progress_reports"),
    path("liaison/reports/office/<int:pk>/", progress_matrix, name="progress_matrix"),
    path("liaison/reports/office/<int:pk>/schedule/", progress_schedule_edit, name="progress_schedule_edit"),
    path("liaison/reports/unit/<int:pk>/submit/", progress_report_submit, name="progress_report_submit"),
    path("liaison/reports/<int:pk>/", progress_report_detail, name="progress_report_detail"),
    path("liaison/reports/<int:pk>/file/", progress_report_file, name="progress_report_file"),
    path("liaison/requests/", request_list, name="instruction_requests"),
    path("liaison/requests/new/", request_create, name="instruction_request_create"),
    path("liaison/requests/<int:pk>/", request_detail, name="instruction_request_detail"),
    path("liaison/requests/<int:pk>/answer/", request_answer, name="instruction_request_answer"),
    path("liaison/requests/<int:pk>/close/", request_close, name="instruction_request_close"),
    path("liaison/requests/<int:pk>/file/", request_file, name="instruction_request_file"),
]
