"""R1.2 three checks: a unit's self-check item by item, its verification, and spot checks whose findings
become supervision cards."""
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
from units.scoping import can_write_unit

from ..filters import SelfCheckFilter, SpotCheckFilter
from ..forms.checks import SelfCheckForm, SelfCheckVerifyForm, SpotCheckForm, SpotFindingForm
from ..models import SelfCheck, SpotCheck
from ..permissions import acts_for_group, verifies_unit
from ..selectors.attention import mark_units
from ..selectors.checks import self_check_rows, self_check_table, spot_check_rows
from ..services import checks as check_services
from .common import filtered, list_context, unit_picker, visible_group, visible_unit, wants_xlsx, xlsx_download


@login_required
def self_check_list(request: HttpRequest) -> HttpResponse:
    """R1.2 the self-checks of the user's scope with their verification state; filters, Excel export."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    scoped = SelfCheck.objects.visible_to(request.user).filter(campaign=campaign)
    check_filter, qs = filtered(request, SelfCheckFilter, scoped)
    rows = self_check_rows(qs)
    if wants_xlsx(request):
        headers = [_("Unit"), _("Submitted"), _("Items"), _("Problems found"), _("Confirmed"), _("Disputed"),
                   _("Awaiting verification")]
        return xlsx_download(stem=_("self-checks"), title=_("Self-checks"), headers=headers, rows=[
            [c.unit.name, timezone.localtime(c.updated_at).date(), c.items, c.problems, c.confirmed, c.disputed,
             c.pending] for c in rows])
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    mark_units([c.unit for c in page.object_list], campaign=campaign)
    return render(request, "supervision/self_check_list.html", {
        **list_context(request, check_filter, page), "items": check_services.rectification_items_for(campaign),
        **unit_picker(request, can_write_unit)})


def _unit_and_campaign(request: HttpRequest, pk: int):
    unit = visible_unit(request, pk)
    return unit, Campaign.objects.current()


@login_required
def self_check_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.2 a unit's self-check: each special rectification, the unit's result and the verifier's word."""
    unit, campaign = _unit_and_campaign(request, pk)
    if campaign is None:
        return no_campaign_response(request)
    check = check_services.self_check_of(campaign, unit)
    rows = self_check_table(check_services.rectification_items_for(campaign), check)
    mark_units([unit], campaign=campaign)
    return render(request, "supervision/self_check_unit.html", {
        "unit": unit, "check": check, "rows": rows,
        "may_edit": can_write_unit(request.user, unit),
        "may_verify": check is not None and verifies_unit(request.user, unit)})


@login_required
def self_check_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.2 the unit (its liaison or an office over it) answers every special rectification."""
    unit, campaign = _unit_and_campaign(request, pk)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied
    if campaign is None:
        return no_campaign_response(request)
    items = check_services.rectification_items_for(campaign)
    check = check_services.self_check_of(campaign, unit)
    entries = {e.item_id: e for e in check.entries.all()} if check else {}
    form = SelfCheckForm(request.POST or None, items=items, entries=entries)
    if request.method == "POST" and form.is_valid():
        try:
            check_services.self_check_submit(user=request.user, unit=unit, campaign=campaign,
                                             answers=form.answers())
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Self-check saved."))
            return redirect("supervision:self_check_unit", pk=unit.pk)
    return render(request, "supervision/self_check_edit.html", {"form": form, "unit": unit})


@login_required
def self_check_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.2 an office above the unit or its supervision group confirms or disputes each item."""
    unit, campaign = _unit_and_campaign(request, pk)
    if not verifies_unit(request.user, unit):
        raise PermissionDenied
    if campaign is None:
        return no_campaign_response(request)
    check = get_object_or_404(SelfCheck.objects.visible_to(request.user), campaign=campaign, unit=unit)
    entries = list(check.entries.select_related("item", "answered_by").order_by("item__order"))
    form = SelfCheckVerifyForm(request.POST or None, entries=entries)
    if request.method == "POST" and form.is_valid():
        try:
            n = check_services.self_check_verify(user=request.user, self_check=check, verdicts=form.verdicts())
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Verification recorded for %(n)s items.") % {"n": n})
            return redirect("supervision:self_check_unit", pk=unit.pk)
    return render(request, "supervision/self_check_verify.html", {"form": form, "unit": unit, "check": check})


@login_required
def spot_check_list(request: HttpRequest) -> HttpResponse:
    """R1.2 the spot checks of the user's scope; filters, Excel export."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    scoped = SpotCheck.objects.visible_to(request.user).filter(campaign=campaign)
    spot_filter, qs = filtered(request, SpotCheckFilter, scoped, user=request.user)
    rows = spot_check_rows(qs)
    if wants_xlsx(request):
        headers = [_("Checked on"), _("Supervision group"), _("Unit"), _("Key department"), _("Key posts checked"),
                   _("Findings"), _("Cards made")]
        return xlsx_download(stem=_("spot-checks"), title=_("Spot checks"), headers=headers, rows=[
            [s.checked_on, s.group.name, s.unit.name, s.department, s.posts,
             "\n".join(f.text for f in s.findings.all()),
             "、".join(f.card.number for f in s.findings.all() if f.card)] for s in rows])
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    mark_units([s.unit for s in page.object_list], campaign=campaign)
    return render(request, "supervision/spot_check_list.html", list_context(request, spot_filter, page))


@login_required
def spot_check_create(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.2 a group records a spot check of a key department and its key posts on the eight-point regulation."""
    group = visible_group(request, pk)
    if not acts_for_group(request.user, group):
        raise PermissionDenied
    if Campaign.objects.current() is None:
        return no_campaign_response(request)
    form = SpotCheckForm(request.POST or None, group=group, initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            spot = check_services.spot_check_record(user=request.user, group=group, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Spot check recorded."))
            return redirect(spot)
    return render(request, "supervision/form.html", {"form": form, "title": _("New spot check"), "group": group})


def _visible_spot(request: HttpRequest, pk: int) -> SpotCheck:
    return get_object_or_404(SpotCheck.objects.visible_to(request.user)
                             .select_related("group", "unit", "created_by", "campaign"), pk=pk)


@login_required
def spot_check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.2 a spot check and its findings; the group turns a finding into a card."""
    spot = _visible_spot(request, pk)
    acts = acts_for_group(request.user, spot.group) and spot.group.is_active
    mark_units([spot.unit], campaign=spot.campaign)
    return render(request, "supervision/spot_check_detail.html", {
        "spot": spot, "findings": spot.findings.select_related("card", "created_by"), "acts": acts})


@login_required
def spot_finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.2 the group adds a finding to its spot check."""
    spot = _visible_spot(request, pk)
    if not acts_for_group(request.user, spot.group):
        raise PermissionDenied
    form = SpotFindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_services.spot_finding_add(user=request.user, spot_check=spot, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Finding added."))
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
