"""X2, R5.1: campaign parameters, deadlines, the working-day calendar, unit progress, notifications."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Unit
from units.scoping import grants_of

from ..selectors import core as selectors
from ..errors import CampaignError
from ..forms.core import CalendarDayForm, CampaignForm, DeadlineForm
from ..models import CalendarDay, Deadline, Notification
from ..permissions import is_office, is_provincial_office
from ..services import campaign as campaign_services
from ..services import notifications as notification_services
from .common import current_campaign_or_none, no_campaign_response


def _require_provincial_office(request: HttpRequest) -> None:
    if not is_provincial_office(request.user):
        raise PermissionDenied


@login_required
def campaign_settings(request: HttpRequest) -> HttpResponse:
    """X2 the campaign's parameters, editable by the provincial office; everyone else reads them."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    editable = is_provincial_office(request.user)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, _("Campaign parameters saved."))
            return redirect("campaign:settings")
    return render(request, "campaign/settings.html", {
        "campaign": campaign, "form": form, "editable": editable,
        "phases": campaign.phases.all(),
    })


@login_required
@require_POST
def campaign_start(request: HttpRequest) -> HttpResponse:
    """X2 start a campaign with the notice's values and create every unit's obligations."""
    _require_provincial_office(request)
    if current_campaign_or_none() is None:
        campaign = campaign_services.campaign_create()
        count = campaign_services.obligations_generate(campaign=campaign)
        messages.success(request, _("Campaign started with the notice's values; %(count)s obligations created.")
                         % {"count": count})
    return redirect("campaign:settings")


@login_required
def deadline_list(request: HttpRequest) -> HttpResponse:
    """R5.1 the deadlines by obligation and unit level; the provincial office moves them."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    return render(request, "campaign/deadlines.html", {
        "campaign": campaign, "deadlines": campaign.deadlines.all(),
        "editable": is_provincial_office(request.user), "form": DeadlineForm(),
    })


@login_required
@require_POST
def deadline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_provincial_office(request)
    deadline = get_object_or_404(Deadline, pk=pk)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
        return redirect("campaign:deadlines")
    try:
        campaign_services.deadline_set(deadline=deadline, due_date=form.cleaned_data["due_date"])
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Deadline moved; open obligations moved with it."))
    return redirect("campaign:deadlines")


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """The working-day calendar: holidays and swapped working days, edited by offices."""
    editable = is_office(request.user)
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, _("Calendar day saved."))
            return redirect("campaign:calendar")
    days = Paginator(CalendarDay.objects.all(), 100).get_page(request.GET.get("page"))
    return render(request, "campaign/calendar.html", {"form": form, "days": days, "editable": editable})


@login_required
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_office(request.user):
        raise PermissionDenied
    day = get_object_or_404(CalendarDay, pk=pk)
    if request.method == "POST":
        day.delete()
        messages.success(request, _("Calendar day removed."))
        return redirect("campaign:calendar")
    return render(request, "confirm_delete.html", {"object": day, "cancel_url": reverse("campaign:calendar")})


@login_required
def my_progress(request: HttpRequest) -> HttpResponse:
    """The progress page of the user's first unit."""
    grants = grants_of(request.user)
    if not grants:
        return redirect("home")
    return redirect("campaign:unit_progress", pk=grants[0].unit_id)


@login_required
def unit_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.3–R3.2, R5.1 a unit's obligations (done with evidence, due, overdue) and its subtree's roll-up."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
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
    notes = Paginator(Notification.objects.filter(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "campaign/notifications.html", {"notes": notes})


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
    path("calendar/", calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_delete, name="calendar_delete"),
    path("progress/", my_progress, name="my_progress"),
    path("progress/<int:pk>/", unit_progress, name="unit_progress"),
    path("notifications/", notification_list, name="notifications"),
    path("notifications/read/", notification_read, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", notification_read, name="notification_read"),
]
