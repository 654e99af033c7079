"""R1.2 three checks: a unit's self-check item by item, its verification, and spot checks whose findings
become supervision cards."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit
from web.decorators import campaign_required, permission_required
from web.forms import form_once, submit
from web.lists import filtered, table_list

from ..filters import SelfCheckFilter, SpotCheckFilter
from ..forms.checks import SelfCheckForm, SelfCheckVerifyForm, SpotCheckForm, SpotFindingForm
from ..models import SelfCheck, SpotCheck
from ..selectors.attention import mark_units
from ..selectors import visible_card_ids
from ..selectors.checks import self_check_rows, self_check_table, spot_check_rows
from ..services import checks as check_services
from ..tables import SelfCheckTable, SpotCheckTable
from .common import unit_picker
from .groups import visible_groups


@permission_required(None)
@campaign_required
def self_check_list(request: HttpRequest, campaign) -> HttpResponse:
    """R1.2 the self-checks of the user's scope with their verification state; filters, Excel export."""
    scoped = SelfCheck.objects.visible_to(request.user).filter(campaign=campaign)
    check_filter, qs = filtered(request, SelfCheckFilter, scoped, user=request.user)
    table = SelfCheckTable(self_check_rows(qs))
    table.mark_campaign = campaign
    return table_list(request, "supervision/self_check_list.html", table=table, filterset=check_filter,
                      export_stem=_("self-checks"), lazy=False, context={
                          "items": check_services.rectification_items_for(campaign),
                          **unit_picker(request, "supervision.submit_self_check")})


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def self_check_unit(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R1.2 a unit's self-check: each special rectification, the unit's result and the verifier's word."""
    check = check_services.self_check_of(campaign, unit)
    rows = self_check_table(check_services.rectification_items_for(campaign), check)
    mark_units([unit], campaign=campaign)
    return render(request, "supervision/self_check_unit.html", {
        "unit": unit, "check": check, "rows": rows,
        "may_edit": request.user.has_perm("supervision.submit_self_check", unit),
        "may_verify": check is not None and request.user.has_perm("supervision.verify_self_check", unit)})


@permission_required("supervision.submit_self_check", Unit.objects.visible_to)
@campaign_required
def self_check_edit(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R1.2 the unit (its liaison or an office over it) answers every special rectification."""
    items = check_services.rectification_items_for(campaign)
    check = check_services.self_check_of(campaign, unit)
    entries = {e.item_id: e for e in check.entries.all()} if check else {}
    form = SelfCheckForm(request.POST or None, items=items, entries=entries)
    if submit(request, form, lambda d: check_services.self_check_submit(
            user=request.user, unit=unit, campaign=campaign, answers=form.answers()), success=_("Self-check saved.")):
        return redirect("supervision:self_check_unit", pk=unit.pk)
    return render(request, "supervision/self_check_edit.html", {"form": form, "unit": unit})


@permission_required("supervision.verify_self_check", Unit.objects.visible_to)
@campaign_required
def self_check_verify(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R1.2 an office above the unit or its supervision group confirms or disputes each item."""
    check = get_object_or_404(SelfCheck.objects.visible_to(request.user), campaign=campaign, unit=unit)
    entries = list(check.entries.select_related("item", "answered_by").order_by("item__order"))
    form = SelfCheckVerifyForm(request.POST or None, entries=entries)
    if submit(request, form, lambda d: check_services.self_check_verify(
            user=request.user, self_check=check, verdicts=form.verdicts()),
            success=lambda n: _("Verification recorded for %(n)s items.") % {"n": n}):
        return redirect("supervision:self_check_unit", pk=unit.pk)
    return render(request, "supervision/self_check_verify.html", {"form": form, "unit": unit, "check": check})


@permission_required(None)
@campaign_required
def spot_check_list(request: HttpRequest, campaign) -> HttpResponse:
    """R1.2 the spot checks of the user's scope; filters, Excel export."""
    scoped = SpotCheck.objects.visible_to(request.user).filter(campaign=campaign)
    spot_filter, qs = filtered(request, SpotCheckFilter, scoped, user=request.user)
    table = SpotCheckTable(spot_check_rows(qs), user=request.user)
    table.mark_campaign = campaign
    return table_list(request, "supervision/spot_check_list.html", table=table, filterset=spot_filter,
                      export_stem=_("spot-checks"), lazy=False)


@permission_required("supervision.record_spot_check", visible_groups)
@campaign_required
@form_once
def spot_check_create(request: HttpRequest, group, campaign) -> HttpResponse:
    """R1.2 a group records a spot check of a key department and its key posts on the eight-point regulation."""
    form = SpotCheckForm(request.POST or None, group=group, initial={"checked_on": timezone.localdate()})
    if spot := submit(request, form, lambda d: check_services.spot_check_record(user=request.user, group=group, **d),
                      success=_("Spot check recorded.")):
        return redirect(spot)
    return render(request, "supervision/form.html", {"form": form, "title": _("New spot check"), "group": group})


def visible_spots(user):
    return SpotCheck.objects.visible_to(user).select_related("group", "unit", "created_by", "campaign")


@permission_required(None, visible_spots)
def spot_check_detail(request: HttpRequest, spot: SpotCheck) -> HttpResponse:
    """R1.2 a spot check and its findings; the group turns a finding into a card."""
    acts = request.user.has_perm("supervision.add_spot_finding", spot) and spot.group.is_active
    mark_units([spot.unit], campaign=spot.campaign)
    findings = list(spot.findings.select_related("card", "created_by"))
    return render(request, "supervision/spot_check_detail.html", {
        "spot": spot, "findings": findings, "acts": acts,
        # a card goes to the group's unit over the department: shown only where the viewer sees that unit
        "shown_cards": visible_card_ids(request.user, [f.card_id for f in findings if f.card_id])})


@permission_required("supervision.add_spot_finding", visible_spots)
@form_once
def spot_finding_add(request: HttpRequest, spot: SpotCheck) -> HttpResponse:
    """R1.2 the group adds a finding to its spot check."""
    form = SpotFindingForm(request.POST or None)
    if submit(request, form, lambda d: check_services.spot_finding_add(user=request.user, spot_check=spot, **d),
              success=_("Finding added.")):
        return redirect(spot)
    return render(request, "supervision/form.html", {"form": form, "title": _("Add a finding"),
                                                     "group": spot.group})


urlpatterns = [
    path("self-checks/", self_check_list, name="self_check_list"),
    path("units/<int:pk>/self-check/", self_check_unit, name="self_check_unit"),
    path("units/<int:pk>/self-check/edit/", self_check_edit, name="self_check_edit"),
    path("units/<int:pk>/self-check/verify/", self_check_verify, name="self_check_verify"),
    path("spot-checks/", spot_check_list, name="spot_check_list"),
    path("groups/<int:pk>/spot-checks/new/", spot_check_create, name="spot_check_create"),
    path("spot-checks/<int:pk>/", spot_check_detail, name="spot_check_detail"),
    path("spot-checks/<int:pk>/findings/new/", spot_finding_add, name="spot_finding_add"),
]
