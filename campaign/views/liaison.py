"""R5.2 liaison: weekly liaison meetings with their agenda and action items, progress reports from lower
offices (schedule, matrix, reminders), requests for instructions. Thin views: scoped object → form → one
service call."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Unit
from units.scoping import can_write_unit, grants_of, in_scope

from ..errors import CampaignError
from ..forms.liaison import (
    ActionItemFormSet,
    AnswerForm,
    InstructionRequestForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    ProgressReportForm,
    ReportFilterForm,
    RequestFilterForm,
    ScheduleForm,
    TaskFilterForm,
    TaskStatusForm,
)
from ..models import (
    AgendaSource,
    InstructionRequest,
    LiaisonMeeting,
    ProgressReport,
    ProgressReportSchedule,
    RequestStatus,
    TaskStatus,
)
from ..selectors import liaison as selectors
from ..selectors.meetings import unit_text_q
from ..services import liaison as services
from .articles import document_response, excel_download
from .common import export_query
from .common import current_campaign_or_none, no_campaign_response


def _filters(form) -> dict:
    return form.cleaned_data if form.is_valid() else {}


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was posted from, if it is ours; else to ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


# --- the weekly liaison officers' meeting


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """R5.2 the liaison meetings of the user's scope: filters by unit and dates, pagination, Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = MeetingFilterForm(request.GET or None)
    data = _filters(form)
    meetings = selectors.meetings_for(request.user, campaign)
    if data.get("unit"):
        meetings = meetings.filter(unit_text_q(data["unit"]))
    if data.get("date_from"):
        meetings = meetings.filter(date__gte=data["date_from"])
    if data.get("date_to"):
        meetings = meetings.filter(date__lte=data["date_to"])
    if request.GET.get("export") == "xlsx":
        rows = [[m.date, m.unit.name, m.title, m.location, m.item_count, m.task_count, m.open_count]
                for m in meetings.iterator(chunk_size=2000)]
        return excel_download(stem=_("liaison-meetings"), title=_("Liaison meetings"), rows=rows, headers=[
            _("Date"), _("Activity office"), _("Title"), _("Location"), _("Agenda items"), _("Action items"),
            _("Open action items")])
    page = Paginator(meetings, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/liaison/meeting_list.html", {
        "form": form, "page": page, "export_query": export_query(request),
        "can_create": bool(selectors.office_units(request.user)),
    })


def _meeting_form_response(request: HttpRequest, form, title: str, meeting: LiaisonMeeting | None = None):
    return render(request, "campaign/liaison/meeting_form.html", {"form": form, "title": title, "meeting": meeting})


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    """R5.2 an activity office calls a liaison meeting; the agenda is built from what is overdue in its subtree."""
    units = selectors.office_units(request.user)
    if not units:
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    form = MeetingForm(request.POST or None, units=units, people=selectors.people_around(units), initial={
        "date": min(max(today, campaign.start_date), campaign.end_date),
        "title": _("Weekly liaison officers' meeting")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.liaison_meeting_create(
                user=request.user, campaign=campaign, unit=data["unit"], date=data["date"], title=data["title"],
                location=data["location"], attendees=data["attendees"], guest_names=data["guest_names"],
                free_items=data["free_items"], today=today)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Liaison meeting created; its agenda lists what is overdue."))
            return redirect(meeting)
    return _meeting_form_response(request, form, _("Call a liaison meeting"))


def _scoped_meeting(request: HttpRequest, pk: int) -> LiaisonMeeting:
    return get_object_or_404(LiaisonMeeting.objects.visible_to(request.user).select_related("unit", "campaign"),
                             pk=pk)


def _managed_meeting(request: HttpRequest, pk: int) -> LiaisonMeeting:
    meeting = _scoped_meeting(request, pk)
    if not services.runs_office(request.user, meeting.unit):
        raise PermissionDenied
    return meeting


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 a meeting: attendees, the agenda (what was overdue, with links) and the action items it set."""
    meeting = _scoped_meeting(request, pk)
    today = timezone.localdate()
    tasks = list(meeting.tasks.select_related("owner_unit", "owner_user", "meeting__unit"))
    for task in tasks:
        task.overdue = task.is_overdue(today)
        task.may_update = services.may_update_task(request.user, task)
    items = list(meeting.agenda_items.all())
    return render(request, "campaign/liaison/meeting_detail.html", {
        "meeting": meeting, "tasks": tasks, "today": today,
        "auto_items": [i for i in items if i.source != AgendaSource.FREE],
        "free_items": [i for i in items if i.source == AgendaSource.FREE],
        "attendees": list(meeting.attendees.order_by("first_name", "username")),
        "can_manage": services.runs_office(request.user, meeting.unit),
        "status_form": TaskStatusForm(initial={"on": today}),
    })


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 change a meeting's date, title, attendees and the office's own agenda items."""
    meeting = _managed_meeting(request, pk)
    free = "\n".join(meeting.agenda_items.filter(source=AgendaSource.FREE).values_list("title", flat=True))
    form = MeetingForm(request.POST or None, units=[meeting.unit], people=selectors.people_around([meeting.unit]),
                       initial={"unit": meeting.unit.pk, "date": meeting.date, "title": meeting.title,
                                "location": meeting.location, "attendees": list(meeting.attendees.all()),
                                "guest_names": meeting.guest_names, "free_items": free})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.liaison_meeting_update(user=request.user, meeting=meeting, date=data["date"],
                                            title=data["title"], location=data["location"],
                                            attendees=data["attendees"], guest_names=data["guest_names"],
                                            free_items=data["free_items"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Liaison meeting saved."))
            return redirect(meeting)
    return _meeting_form_response(request, form, _("Edit the liaison meeting"), meeting)


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 the minutes, whose action items become tasks with an owner and a due date."""
    meeting = _managed_meeting(request, pk)
    form_kwargs = {"owner_units": selectors.task_owner_units(meeting.unit),
                   "people": selectors.people_around([meeting.unit])}
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    formset = ActionItemFormSet(request.POST or None, prefix="items", form_kwargs=form_kwargs)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [services.ActionItem(text=f.cleaned_data["text"], due_date=f.cleaned_data["due_date"],
                                     owner_user=f.cleaned_data.get("owner_user"),
                                     owner_unit=f.cleaned_data.get("owner_unit"))
                 for f in formset.forms if f.has_changed() and f.cleaned_data]
        try:
            tasks = services.liaison_minutes_record(user=request.user, meeting=meeting,
                                                    minutes=form.cleaned_data["minutes"], action_items=items)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Minutes saved; %(count)s action items are now tracked.")
                             % {"count": len(tasks)})
            return redirect(meeting)
    return render(request, "campaign/liaison/minutes_form.html", {
        "meeting": meeting, "form": form, "formset": formset,
        "tasks": meeting.tasks.select_related("owner_unit", "owner_user"),
    })


@login_required
@require_POST
def meeting_agenda_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 rebuild the automatic agenda from what is overdue today."""
    meeting = _managed_meeting(request, pk)
    count = services.liaison_agenda_refresh(user=request.user, meeting=meeting)
    messages.success(request, _("Agenda rebuilt: %(count)s items from what is overdue.") % {"count": count})
    return redirect(meeting)


# --- action items


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """R5.2 the action items of liaison meetings: open, overdue, done; mine; Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    form = TaskFilterForm(request.GET or None)
    data = _filters(form)
    scoped = selectors.tasks_for(request.user, campaign)
    tasks = scoped
    state = data.get("state", "")
    if state == "overdue":
        tasks = tasks.overdue(today)
    elif state in (TaskStatus.DONE, TaskStatus.DROPPED):
        tasks = tasks.filter(status=state)
    elif state != "all":
        tasks = tasks.open()
    if data.get("mine"):
        tasks = tasks.filter(Q(owner_user=request.user) | Q(owner_unit_id__in=[g.unit_id for g in
                                                                                grants_of(request.user)]))
    if data.get("unit"):
        tasks = tasks.filter(unit_text_q(data["unit"], "meeting__unit__") | unit_text_q(data["unit"], "owner_unit__"))
    if data.get("q"):
        tasks = tasks.filter(Q(text__icontains=data["q"]) | Q(note__icontains=data["q"]))
    tasks = tasks.order_by("due_date", "pk")
    if request.GET.get("export") == "xlsx":
        rows = [[t.text, t.meeting.unit.name, t.meeting.date, t.owner_label, t.due_date, t.get_status_display(),
                 t.done_on, _("Yes") if t.is_overdue(today) else "", t.note] for t in tasks.iterator(chunk_size=2000)]
        return excel_download(stem=_("action-items"), title=_("Action items"), rows=rows, headers=[
            _("Action item"), _("Activity office"), _("Meeting date"), _("Owner"), _("Due date"), _("Status"),
            _("Done on"), _("Overdue"), _("Outcome")])
    page = Paginator(tasks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for task in page.object_list:
        task.overdue = task.is_overdue(today)
        task.may_update = services.may_update_task(request.user, task)
        # a unit owning a task of the office above sees the task, not that office's meeting
        task.meeting_visible = in_scope(request.user, task.meeting.unit)
    return render(request, "campaign/liaison/task_list.html", {
        "form": form, "page": page, "figures": selectors.task_figures(scoped, today),
        "export_query": export_query(request), "today": today,
    })


@login_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 mark an action item done, reopen it or drop it."""
    campaign = current_campaign_or_none()
    if campaign is None:
        raise Http404
    task = get_object_or_404(selectors.tasks_for(request.user, campaign), pk=pk)
    if not services.may_update_task(request.user, task):
        raise PermissionDenied
    form = TaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status and date."))
    else:
        try:
            services.liaison_task_set_status(user=request.user, task=task, status=form.cleaned_data["status"],
                                             note=form.cleaned_data["note"], on=form.cleaned_data["on"])
        except CampaignError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Action item updated."))
    return _back(request, reverse("campaign:liaison_tasks"))


# --- progress reports


@login_required
def progress_reports(request: HttpRequest) -> HttpResponse:
    """R5.2 progress reports: what the user's units owe the office above, the matrices of the user's offices,
    and the reports of their scope with filters and Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    form = ReportFilterForm(request.GET or None)
    data = _filters(form)
    reports = selectors.reports_for(request.user, campaign)
    if data.get("unit"):
        reports = reports.filter(unit_text_q(data["unit"]))
    if data.get("late"):
        reports = selectors.late_only(reports)
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.report_export_rows(reports)
        return excel_download(stem=_("progress-reports"), title=_("Progress reports"), headers=headers, rows=rows)
    page = Paginator(reports, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    offices = selectors.office_units(request.user)
    schedules = list(selectors.schedules_for(request.user, campaign)[:100])
    scheduled = {s.unit_id for s in schedules}
    return render(request, "campaign/liaison/progress_reports.html", {
        "form": form, "page": page, "export_query": export_query(request),
        "owed": selectors.owed_reports(request.user, campaign, today), "schedules": schedules,
        "unscheduled_offices": [u for u in offices if u.pk not in scheduled],
    })


def _scoped_unit(request: HttpRequest, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)


@login_required
def progress_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 who has and has not reported to an office: its direct subordinates × the latest periods."""
    unit = _scoped_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    schedule = (ProgressReportSchedule.objects.filter(campaign=campaign, unit=unit)
                .select_related("unit", "campaign").first())
    matrix = selectors.report_matrix(schedule, timezone.localdate()) if schedule else None
    if matrix is not None and request.GET.get("export") == "xlsx":
        headers, rows = selectors.matrix_export_rows(matrix)
        return excel_download(stem=_("progress-report-matrix"), title=unit.name, headers=headers, rows=rows)
    return render(request, "campaign/liaison/progress_matrix.html", {
        "unit": unit, "schedule": schedule, "matrix": matrix,
        "schedule_label": services.schedule_label(schedule) if schedule else "",
        "can_manage": services.runs_office(request.user, unit),
    })


@login_required
def progress_schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 the upper office sets the reporting period and due day of its direct subordinates."""
    unit = _scoped_unit(request, pk)
    if not services.runs_office(request.user, unit):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    schedule = ProgressReportSchedule.objects.filter(campaign=campaign, unit=unit).first()
    initial = ({"frequency": schedule.frequency, "due_weekday": schedule.due_weekday, "due_day": schedule.due_day,
                "starts_on": schedule.starts_on, "instructions": schedule.instructions,
                "is_active": schedule.is_active} if schedule else
               {"frequency": "weekly", "due_weekday": 4, "due_day": 25, "is_active": True,
                "starts_on": min(max(timezone.localdate(), campaign.start_date), campaign.end_date)})
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_schedule_set(user=request.user, campaign=campaign, unit=unit, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Reporting schedule saved; the subordinate units were told."))
            return redirect("campaign:progress_matrix", pk=unit.pk)
    return render(request, "campaign/liaison/schedule_form.html", {"unit": unit, "form": form,
                                                                   "schedule": schedule})


def _period_choices(schedule: ProgressReportSchedule, today: datetime.date) -> list[tuple[str, str]]:
    periods = reversed(schedule.periods(until=min(today, schedule.campaign.end_date)))
    return [(p.start.isoformat(), _("%(start)s to %(end)s (due %(due)s)") % {
        "start": date_format(p.start), "end": date_format(p.end), "due": date_format(p.due)}) for p in periods]


@login_required
def progress_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 a unit sends its progress report to the office directly above it, for one period."""
    unit = _scoped_unit(request, pk)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    schedule = get_object_or_404(ProgressReportSchedule.objects.select_related("unit", "campaign"),
                                 campaign=campaign, is_active=True, unit__path=unit.path[:-Unit.steplen])
    today = timezone.localdate()
    choices = _period_choices(schedule, today)
    wanted = request.GET.get("period") or (choices[0][0] if choices else "")
    existing = ProgressReport.objects.filter(schedule=schedule, unit=unit, period_start=wanted).first() \
        if wanted in dict(choices) else None
    form = ProgressReportForm(request.POST or None, request.FILES or None, periods=choices,
                              initial={"period": wanted, "text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.progress_report_submit(
                user=request.user, schedule=schedule, unit=unit, period_start=datetime.date.fromisoformat(
                    data["period"]), text=data["text"], file=data["file"], today=today)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Progress report sent to %(upper)s.") % {"upper": schedule.unit.name})
            return redirect(report)
    return render(request, "campaign/liaison/report_form.html", {
        "unit": unit, "schedule": schedule, "form": form, "existing": existing,
        "schedule_label": services.schedule_label(schedule),
    })


def _scoped_report(request: HttpRequest, pk: int) -> ProgressReport:
    return get_object_or_404(ProgressReport.objects.visible_to(request.user)
                             .select_related("unit", "schedule__unit", "submitted_by"), pk=pk)


@login_required
def progress_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 one progress report: period, due date, when it came (late or not), text and file."""
    report = _scoped_report(request, pk)
    return render(request, "campaign/liaison/report_detail.html", {
        "report": report, "can_correct": can_write_unit(request.user, report.unit) and report.schedule.is_active,
        "can_see_matrix": in_scope(request.user, report.schedule.unit),
    })


@login_required
def progress_report_file(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 a report's file, within the user's scope only."""
    return document_response(_scoped_report(request, pk).file)


# --- requests for instructions


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """R5.2 requests for instructions: asked by my units or addressed to my offices, by status; Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = RequestFilterForm(request.GET or None)
    data = _filters(form)
    requests = selectors.requests_for(request.user, campaign)
    if data.get("box") == "sent":
        requests = requests.filter(unit_id__in=[u.pk for u in selectors.own_units(request.user)])
    elif data.get("box") == "received":
        requests = requests.filter(addressee_id__in=[u.pk for u in selectors.office_units(request.user)])
    if data.get("status"):
        requests = requests.filter(status=data["status"])
    if data.get("unit"):
        requests = requests.filter(unit_text_q(data["unit"]) | unit_text_q(data["unit"], "addressee__"))
    if data.get("q"):
        requests = requests.filter(Q(title__icontains=data["q"]) | Q(body__icontains=data["q"])
                                   | Q(answer__icontains=data["q"]))
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.request_export_rows(requests)
        return excel_download(stem=_("requests-for-instructions"), title=_("Requests for instructions"),
                              headers=headers, rows=rows)
    page = Paginator(requests, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/liaison/request_list.html", {
        "form": form, "page": page, "export_query": export_query(request),
        "can_ask": any(u.depth > 1 for u in selectors.own_units(request.user)),
    })


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    """R5.2 one of the user's units asks an office above it for instructions on an important matter."""
    units = [u for u in selectors.own_units(request.user) if u.depth > 1]
    if not units:
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    above = {u.path[:end] for u in units for end in range(Unit.steplen, len(u.path), Unit.steplen)}
    addressees = list(Unit.objects.filter(path__in=above).order_by("path"))
    parent = next((a for a in addressees if a.path == units[0].path[:-Unit.steplen]), None)
    form = InstructionRequestForm(request.POST or None, request.FILES or None, units=units, addressees=addressees,
                                  initial={"unit": units[0].pk, "addressee": parent.pk if parent else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asked = services.instruction_request_ask(user=request.user, campaign=campaign, unit=data["unit"],
                                                     addressee=data["addressee"], title=data["title"],
                                                     body=data["body"], file=data["file"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Request sent to %(unit)s.") % {"unit": asked.addressee.name})
            return redirect(asked)
    return render(request, "campaign/liaison/request_form.html", {"form": form})


def _scoped_request(request: HttpRequest, pk: int) -> InstructionRequest:
    return get_object_or_404(InstructionRequest.objects.visible_to(request.user)
                             .select_related("unit", "addressee", "asked_by", "answered_by"), pk=pk)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 a request for instructions with its answer; the upper office answers here, either side closes."""
    asked = _scoped_request(request, pk)
    open_ = asked.status != RequestStatus.CLOSED
    return render(request, "campaign/liaison/request_detail.html", {
        "asked": asked, "can_answer": open_ and services.may_answer(request.user, asked),
        "can_close": open_ and services.may_close(request.user, asked),
        "answer_form": AnswerForm(initial={"answer": asked.answer}),
    })


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 the upper office answers a request."""
    asked = _scoped_request(request, pk)
    if not services.may_answer(request.user, asked):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reply."))
    else:
        try:
            services.instruction_request_answer(user=request.user, request=asked, answer=form.cleaned_data["answer"])
        except CampaignError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reply sent."))
    return redirect(asked)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 close a request (settled or withdrawn)."""
    asked = _scoped_request(request, pk)
    if not services.may_close(request.user, asked):
        raise PermissionDenied
    try:
        services.instruction_request_close(user=request.user, request=asked)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request closed."))
    return redirect(asked)


@login_required
def request_file(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.2 a request's file, within the user's scope only."""
    return document_response(_scoped_request(request, pk).file)


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
