"""R1.1: dispatches of a lower unit's top leader — the list, recording one, its page and its follow-up."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.errors import CampaignError
from campaign.models import Campaign
from campaign.views.common import no_campaign_response

from ..filters import DispatchFilter
from ..forms.dispatch import DispatchEditForm, DispatchForm
from ..models import Dispatch
from ..permissions import is_office, upper_office_of
from ..selectors.dispatch import dispatch_figures, dispatch_rows
from ..services import dispatch as dispatch_services
from .common import filtered, list_context, unit_picker, visible_unit, wants_xlsx, xlsx_download


def _export_rows(dispatches) -> list[list]:
    return [[d.date, d.unit.name, d.top_leader_name, d.by_unit.name, d.get_way_display(),
             "、".join(d.attitude_labels()) or _("None"), d.findings, d.follow_up, d.follow_up_due,
             d.follow_up_done_on, d.follow_up_result] for d in dispatches]


@login_required
def dispatch_list(request: HttpRequest) -> HttpResponse:
    """R1.1 the dispatches of the user's scope: filters (unit, way, attitude, dates, follow-up), figures,
    pagination and Excel export; offices find a unit below them to record a dispatch."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    scoped = Dispatch.objects.visible_to(request.user).filter(campaign=campaign)
    dispatch_filter, qs = filtered(request, DispatchFilter, scoped)
    rows = dispatch_rows(qs)
    if wants_xlsx(request):
        headers = [_("Date of the dispatch"), _("Unit"), _("Top leader"), _("Dispatched by"), _("Way"),
                   _("Attitudes found"), _("Findings"), _("Follow-up required"), _("Follow-up due"),
                   _("Follow-up done on"), _("Result of the follow-up")]
        return xlsx_download(stem=_("dispatches"), title=_("Dispatches"), headers=headers, rows=_export_rows(rows))
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for d in page.object_list:
        d.overdue_now = d.follow_up_overdue(today)
    return render(request, "supervision/dispatch_list.html", {
        **list_context(request, dispatch_filter, page), "figures": dispatch_figures(qs, today),
        "may_dispatch": is_office(request.user), **unit_picker(request, upper_office_of)})


@login_required
def dispatch_create(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.1 an office above the unit records a dispatch of its top leader."""
    unit = visible_unit(request, pk)
    if not upper_office_of(request.user, unit):
        raise PermissionDenied
    if Campaign.objects.current() is None:
        return no_campaign_response(request)
    form = DispatchForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            dispatch = dispatch_services.dispatch_record(user=request.user, unit=unit, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dispatch recorded."))
            return redirect(dispatch)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": unit, "title": _("Record a dispatch of the top leader")})


def _visible_dispatch(request: HttpRequest, pk: int) -> Dispatch:
    return get_object_or_404(Dispatch.objects.visible_to(request.user)
                             .select_related("unit", "by_unit", "recorded_by", "top_leader")
                             .prefetch_related("attitudes"), pk=pk)


@login_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.1 one dispatch: the top leader, way, attitudes found, findings and the follow-up."""
    dispatch = _visible_dispatch(request, pk)
    return render(request, "supervision/dispatch_detail.html", {
        "dispatch": dispatch, "may_edit": upper_office_of(request.user, dispatch.unit),
        "overdue": dispatch.follow_up_overdue(timezone.localdate())})


@login_required
def dispatch_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.1 correct a dispatch record, report its follow-up done."""
    dispatch = _visible_dispatch(request, pk)
    if not upper_office_of(request.user, dispatch.unit):
        raise PermissionDenied
    initial = {f: getattr(dispatch, f) for f in ("date", "way", "findings", "follow_up", "follow_up_due",
                                                 "follow_up_done_on", "follow_up_result")}
    initial["attitudes"] = [a.attitude for a in dispatch.attitudes.all()]
    form = DispatchEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dispatch_services.dispatch_update(user=request.user, dispatch=dispatch, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Dispatch saved."))
            return redirect(dispatch)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": dispatch.unit, "title": _("Edit the dispatch"), "back": dispatch})


urlpatterns = [
    path("dispatches/", dispatch_list, name="dispatch_list"),
    path("units/<int:pk>/dispatches/new/", dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", dispatch_detail, name="dispatch_detail"),
    path("dispatches/<int:pk>/edit/", dispatch_edit, name="dispatch_edit"),
]
