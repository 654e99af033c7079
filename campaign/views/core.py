"""X2, R5.1: campaign parameters, deadlines, the working-day calendar, unit progress, notifications."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Unit
from units.scoping import grants_of
from web.decorators import campaign_required, check_perm, permission_required
from web.forms import act, submit
from web.lists import table_list

from ..forms.core import CalendarDayForm, CampaignForm, DeadlineForm
from ..models import CalendarDay, Deadline, Notification
from ..selectors import core as selectors
from ..services import campaign as campaign_services
from ..services import notifications as notification_services
from ..tables import CalendarDayTable, NotificationTable


@login_required
@campaign_required
def campaign_settings(request: HttpRequest, campaign) -> HttpResponse:
    """X2 the campaign's parameters, editable by the provincial office; everyone else reads them."""
    editable = request.user.has_perm("campaign.change_campaign")
    if request.method == "POST":
        check_perm(request, "campaign.change_campaign")
    form = CampaignForm(request.POST or None, instance=campaign)
    if submit(request, form, lambda d: campaign_services.campaign_update(campaign=campaign, fields=d,
                                                                         by=request.user),
              success=_("Campaign parameters saved.")):
        return redirect("campaign:settings")
    return render(request, "campaign/settings.html", {
        "campaign": campaign, "form": form, "editable": editable,
        "phases": campaign.phases.all(),
    })


@login_required
@require_POST
@permission_required("campaign.start_campaign")
def campaign_start(request: HttpRequest) -> HttpResponse:
    """X2 start a campaign with the notice's values and create every unit's obligations."""
    act(request, lambda: campaign_services.campaign_start(by=request.user),
        success=lambda started: _("Campaign started with the notice's values; %(count)s obligations created.")
        % {"count": started[1]} if started else "")
    return redirect("campaign:settings")


@login_required
@campaign_required
def deadline_list(request: HttpRequest, campaign) -> HttpResponse:
    """R5.1 the deadlines by obligation and unit level; the provincial office moves them."""
    return render(request, "campaign/deadlines.html", {
        "campaign": campaign, "deadlines": campaign.deadlines.all(),
        "editable": request.user.has_perm("campaign.change_deadline"), "form": DeadlineForm(),
        "can_generate": request.user.has_perm("campaign.generate_obligations"),
    })


@login_required
@require_POST
@permission_required("campaign.generate_obligations")
def obligations_complete(request: HttpRequest) -> HttpResponse:
    """R0.1, R5.1 give units added since the start their obligations for the deadlines still ahead."""
    act(request, lambda: campaign_services.obligations_complete_missing(by=request.user,
                                                                        today=timezone.localdate()),
        success=lambda generated: generated.describe())
    return redirect("campaign:deadlines")


@login_required
@require_POST
@permission_required("campaign.change_deadline", lambda u: Deadline.objects.select_related("campaign"))
def deadline_edit(request: HttpRequest, deadline: Deadline) -> HttpResponse:
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
        return redirect("campaign:deadlines")
    act(request, lambda: campaign_services.deadline_set(deadline=deadline, due_date=form.cleaned_data["due_date"],
                                                       by=request.user),
        success=_("Deadline moved; open obligations moved with it, the units concerned were told and their "
                  "reminders follow the new date."))
    return redirect("campaign:deadlines")


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The working-day calendar: holidays and swapped working days, edited by the provincial office (read by all)."""
    editable = request.user.has_perm("campaign.change_calendar")
    if request.method == "POST":
        check_perm(request, "campaign.change_calendar")
    form = CalendarDayForm(request.POST or None)
    if submit(request, form, lambda d: campaign_services.calendar_day_add(**d, by=request.user),
              success=_("Calendar day saved.")):
        return redirect("campaign:calendar")
    table = CalendarDayTable(CalendarDay.objects.order_by("date", "pk"), editable=editable)
    return table_list(request, "campaign/calendar.html", table=table,
                      context={"form": form, "editable": editable})


@permission_required("campaign.change_calendar", lambda u: CalendarDay.objects.all())
def calendar_delete(request: HttpRequest, day: CalendarDay) -> HttpResponse:
    if request.method == "POST":
        act(request, lambda: campaign_services.calendar_day_delete(day=day, by=request.user),
            success=_("Calendar day removed."))
        return redirect("campaign:calendar")
    return render(request, "confirm_delete.html", {"object": day, "cancel_url": reverse("campaign:calendar")})


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """The progress page of the user's first unit."""
    grants = grants_of(request.user)
    if not grants:
        return redirect("home")
    return redirect("campaign:unit_progress", pk=grants[0].unit_id)


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def unit_progress(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R2.3–R3.2, R5.1 a unit's obligations (done with evidence, due, overdue) and its subtree's roll-up."""
    today = timezone.localdate()
    obligations = selectors.unit_obligations(unit, campaign)
    for ob in obligations:
        ob.current_state = ob.state(today)
    return render(request, "campaign/unit_progress.html", {
        "unit": unit, "campaign": campaign, "today": today, "obligations": obligations,
        "subtree": selectors.subtree_progress(unit, campaign, today),
        "children": selectors.children_progress(unit, campaign, today),
    })


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The notification centre: the user's own notifications, newest first."""
    table = NotificationTable(Notification.objects.filter(user=request.user))
    return table_list(request, "campaign/notifications.html", table=table)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Mark one notification (then follow its link) or all of them read."""
    if pk is not None:
        note = get_object_or_404(Notification, pk=pk, user=request.user)
        notification_services.notification_mark_read(user=request.user, notification_id=note.pk)
        if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
            return redirect(note.url)
    else:
        notification_services.notification_mark_read(user=request.user)
    return redirect("campaign:notifications")


urlpatterns = [
    path("settings/", campaign_settings, name="settings"),
    path("start/", campaign_start, name="start"),
    path("deadlines/", deadline_list, name="deadlines"),
    path("deadlines/<int:pk>/", deadline_edit, name="deadline_edit"),
    path("obligations/complete/", obligations_complete, name="obligations_complete"),
    path("calendar/", calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_delete, name="calendar_delete"),
    path("progress/", my_progress, name="my_progress"),
    path("progress/<int:pk>/", unit_progress, name="unit_progress"),
    path("notifications/", notification_list, name="notifications"),
    path("notifications/read/", notification_read, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", notification_read, name="notification_read"),
]
