"""R1.1: dispatches of a lower unit's top leader — the list, recording one, its page and its follow-up."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit
from web.decorators import campaign_required, permission_required
from web.forms import form_once, submit
from web.lists import filtered, table_list

from ..filters import DispatchFilter
from ..forms.dispatch import DispatchEditForm, DispatchForm
from ..models import Dispatch
from ..selectors.dispatch import dispatch_figures, dispatch_rows
from ..services import dispatch as dispatch_services
from ..tables import DispatchTable
from .common import unit_picker


def visible_dispatches(user):
    return (Dispatch.objects.visible_to(user).select_related("unit", "by_unit", "recorded_by", "top_leader")
            .prefetch_related("attitudes"))


@permission_required(None)
@campaign_required
def dispatch_list(request: HttpRequest, campaign) -> HttpResponse:
    """R1.1 the dispatches of the user's scope: filters (unit, way, attitude, dates, follow-up), figures,
    sorting, pagination and Excel export; offices find a unit below them to record a dispatch."""
    scoped = Dispatch.objects.visible_to(request.user).filter(campaign=campaign)
    dispatch_filter, qs = filtered(request, DispatchFilter, scoped, user=request.user)
    return table_list(request, "supervision/dispatch_list.html", table=DispatchTable(dispatch_rows(qs)),
                      filterset=dispatch_filter, export_stem=_("dispatches"), lazy=False, context={
                          "figures": dispatch_figures(qs, timezone.localdate()),
                          "may_dispatch": request.user.has_perm("supervision.record_dispatch"),
                          **unit_picker(request, "supervision.record_dispatch")})


@permission_required("supervision.record_dispatch", Unit.objects.visible_to)
@campaign_required
@form_once
def dispatch_create(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R1.1 an office above the unit records a dispatch of its top leader."""
    form = DispatchForm(request.POST or None, initial={"date": timezone.localdate()})
    if dispatch := submit(request, form, lambda d: dispatch_services.dispatch_record(user=request.user, unit=unit,
                                                                                    **d),
                          success=_("Dispatch recorded.")):
        return redirect(dispatch)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": unit, "title": _("Record a dispatch of the top leader")})


@permission_required(None, visible_dispatches)
def dispatch_detail(request: HttpRequest, dispatch: Dispatch) -> HttpResponse:
    """R1.1 one dispatch: the top leader, way, attitudes found, findings and the follow-up."""
    return render(request, "supervision/dispatch_detail.html", {
        "dispatch": dispatch, "may_edit": request.user.has_perm("supervision.change_dispatch", dispatch),
        "overdue": dispatch.follow_up_overdue(timezone.localdate())})


@permission_required("supervision.change_dispatch", visible_dispatches)
def dispatch_edit(request: HttpRequest, dispatch: Dispatch) -> HttpResponse:
    """R1.1 correct a dispatch record, report its follow-up done."""
    initial = {f: getattr(dispatch, f) for f in ("date", "way", "findings", "follow_up", "follow_up_due",
                                                 "follow_up_done_on", "follow_up_result")}
    initial["attitudes"] = [a.attitude for a in dispatch.attitudes.all()]
    form = DispatchEditForm(request.POST or None, initial=initial)
    if submit(request, form, lambda d: dispatch_services.dispatch_update(user=request.user, dispatch=dispatch, **d),
              success=_("Dispatch saved.")):
        return redirect(dispatch)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": dispatch.unit, "title": _("Edit the dispatch"), "back": dispatch})


urlpatterns = [
    path("dispatches/", dispatch_list, name="dispatch_list"),
    path("units/<int:pk>/dispatches/new/", dispatch_create, name="dispatch_create"),
    path("dispatches/<int:pk>/", dispatch_detail, name="dispatch_detail"),
    path("dispatches/<int:pk>/edit/", dispatch_edit, name="dispatch_edit"),
]
