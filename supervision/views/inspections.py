"""R3.3 special inspections and focus units; R5.3 cross inspections and their report to the upper committee."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.errors import CampaignError
from campaign.models import Campaign
from campaign.views.common import no_campaign_response
from reports.pdf import pdf_response
from units.scoping import WRITE_ROLES, in_scope, scope_q

from .. import documents
from ..filters import CrossFilter, FocusFilter, InspectionFilter
from ..forms.inspections import CrossCloseForm, CrossPlanForm, FindingForm, InspectionForm
from ..models import CrossInspection, CrossTarget, InspectionUnit, SpecialInspection, SupervisionCard
from ..permissions import acts_for_group, is_office, manages_group
from ..selectors.attention import focus_rows, focus_rows_qs, grouped_by_unit, mark_units
from ..selectors.inspections import cross_detail, cross_rows, inspection_rows, inspection_units, plan_state
from ..services import inspections as inspection_services
from .common import filtered, list_context, visible_group, wants_xlsx, xlsx_download

# --- R3.3 special inspections


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    """R3.3 the special inspections organised in, or covering units of, the user's scope; Excel export."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    scoped = SpecialInspection.objects.visible_to(request.user).filter(campaign=campaign)
    inspection_filter, qs = filtered(request, InspectionFilter, scoped)
    rows = inspection_rows(qs)
    if wants_xlsx(request):
        headers = [_("Title"), _("Organised by"), _("Led by"), _("Start date"), _("End date"), _("Units"),
                   _("Inspected"), _("With problems")]
        return xlsx_download(stem=_("special-inspections"), title=_("Special inspections"), headers=headers, rows=[
            [i.title, i.organising_unit.name, i.leader_name, i.start_date, i.end_date, i.unit_count, i.done,
             i.problems] for i in rows])
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/inspection_list.html", {
        **list_context(request, inspection_filter, page), "may_create": is_office(request.user)})


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    """R3.3 an activity office sets up a special inspection led by a department-level cadre."""
    if not is_office(request.user):
        raise PermissionDenied
    if Campaign.objects.current() is None:
        return no_campaign_response(request)
    form = InspectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = inspection_services.inspection_create(user=request.user, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Special inspection created."))
            return redirect(inspection)
    return render(request, "supervision/page_form.html", {
        "form": form, "title": _("New special inspection"), "crumb_url": "supervision:inspection_list",
        "crumb": _("Special inspections")})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.3 an inspection and the findings at each of its units the user sees."""
    inspection = get_object_or_404(SpecialInspection.objects.visible_to(request.user)
                                   .select_related("organising_unit", "leader__unit", "created_by", "campaign"), pk=pk)
    rows = inspection_units(inspection, request.user)
    mark_units([r.unit for r in rows], campaign=inspection.campaign)
    return render(request, "supervision/inspection_detail.html", {
        "inspection": inspection, "rows": rows,
        "may_record": in_scope(request.user, inspection.organising_unit, WRITE_ROLES)})


@login_required
def inspection_finding(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.3, R5.4 the organising office records what was found at one unit."""
    row = get_object_or_404(InspectionUnit.objects.filter(scope_q(request.user, "unit__"))
                            .select_related("inspection__organising_unit", "unit"), pk=pk)
    if not in_scope(request.user, row.inspection.organising_unit, WRITE_ROLES):
        raise PermissionDenied
    initial = {"result": row.result if row.result != "pending" else None, "finding": row.finding,
               "failings": list(row.failings.values_list("category", flat=True))}
    form = FindingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_services.inspection_finding_record(user=request.user, row=row, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Findings recorded."))
            return redirect(row.inspection)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": row.unit, "title": _("Findings of the inspection"), "back": row.inspection})


@login_required
def focus_units(request: HttpRequest) -> HttpResponse:
    """R3.3 the focus units of the user's scope (重点关注): where an inspection found problems; Excel export."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    findings = focus_rows_qs(campaign).filter(scope_q(request.user, "unit__"))
    focus_filter, qs = filtered(request, FocusFilter, findings)
    groups = grouped_by_unit(qs, "recorded_at")
    cards = SupervisionCard.objects.visible_to(request.user).filter(campaign=campaign)
    if wants_xlsx(request):
        rows = focus_rows(groups, qs, cards)
        headers = [_("Unit"), _("Since"), _("Inspections"), _("Findings"), _("Open cards")]
        return xlsx_download(stem=_("focus-units"), title=_("Focus units"), headers=headers, rows=[
            [r.unit.name, timezone.localtime(r.since).date(), "\n".join(s[0] for s in r.sources), "\n".join(r.reasons),
             r.open_cards] for r in rows])
    page = Paginator(groups, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = focus_rows(page.object_list, qs, cards)
    mark_units([r.unit for r in page.object_list], campaign=campaign)
    return render(request, "supervision/focus_units.html", list_context(request, focus_filter, page))


# --- R5.3 cross inspections


@login_required
def cross_list(request: HttpRequest) -> HttpResponse:
    """R5.3 the cross inspections the user sees, with their state and completeness; Excel export."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    scoped = CrossInspection.objects.visible_to(request.user).filter(campaign=campaign)
    cross_filter, qs = filtered(request, CrossFilter, scoped, user=request.user)
    rows = cross_rows(qs)
    if wants_xlsx(request):
        headers = [_("Title"), _("Supervision group"), _("Start date"), _("End date"), _("State"),
                   _("Counties dissected"), _("Townships verified"), _("Complete")]
        return xlsx_download(stem=_("cross-inspections"), title=_("Cross inspections"), headers=headers, rows=[
            [p.title, p.group.name, p.start_date, p.end_date, plan_state(p, today)[1], p.dissected, p.verified,
             _("Yes") if p.dissected and p.verified else _("No")] for p in rows])
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for plan in page.object_list:
        plan.state, plan.state_label = plan_state(plan, today)
        plan.complete = bool(plan.dissected and plan.verified)
    return render(request, "supervision/cross_list.html", list_context(request, cross_filter, page))


def _save_plan(request: HttpRequest, form: CrossPlanForm, group, plan=None):
    try:
        return inspection_services.cross_plan_save(user=request.user, group=group, plan=plan, **form.cleaned_data)
    except CampaignError as exc:
        form.add_error(None, str(exc))
        return None


@login_required
def cross_create(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.3 the office that manages a group plans its cross inspection into another region."""
    group = visible_group(request, pk)
    if not manages_group(request.user, group):
        raise PermissionDenied
    if Campaign.objects.current() is None:
        return no_campaign_response(request)
    form = CrossPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = _save_plan(request, form, group)
        if plan is not None:
            messages.success(request, _("Cross-inspection plan saved."))
            return redirect(plan)
    return render(request, "supervision/form.html", {"form": form, "title": _("Plan a cross inspection"),
                                                     "group": group})


def _visible_plan(request: HttpRequest, pk: int) -> CrossInspection:
    return get_object_or_404(CrossInspection.objects.visible_to(request.user)
                             .select_related("group__leading_unit"), pk=pk)


@login_required
def cross_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.3 change a plan's dates and targets (until it is reported)."""
    plan = _visible_plan(request, pk)
    if not manages_group(request.user, plan.group):
        raise PermissionDenied
    initial = {"title": plan.title, "start_date": plan.start_date, "end_date": plan.end_date,
               "targets": list(plan.targets.values_list("unit_id", flat=True))}
    form = CrossPlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save_plan(request, form, plan.group, plan) is not None:
            messages.success(request, _("Cross-inspection plan saved."))
            return redirect(plan)
    return render(request, "supervision/form.html", {"form": form, "title": _("Edit the cross inspection"),
                                                     "group": plan.group})


@login_required
def cross_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.3 a plan: its targets and findings, whether it is complete, and where the results go."""
    detail = cross_detail(pk, CrossInspection.objects.visible_to(request.user))
    plan, today = detail.plan, timezone.localdate()
    acts = acts_for_group(request.user, plan.group)
    mark_units([t.unit for t in detail.targets], campaign=plan.campaign)
    state, state_label = plan_state(plan, today)
    return render(request, "supervision/cross_detail.html", {
        "d": detail, "plan": plan, "state": state, "state_label": state_label,
        "may_record": acts and plan.is_running(today), "may_close": acts and not plan.is_closed,
        "manages": manages_group(request.user, plan.group) and not plan.is_closed})


@login_required
def cross_finding(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.3, R5.4 the group records its findings at a target while the plan runs."""
    target = get_object_or_404(
        CrossTarget.objects.filter(plan__in=CrossInspection.objects.visible_to(request.user).values("pk"))
        .select_related("plan__group", "unit").prefetch_related(Prefetch("failings")), pk=pk)
    if not acts_for_group(request.user, target.plan.group):
        raise PermissionDenied
    initial = {"result": target.result if target.has_finding else None, "finding": target.finding,
               "failings": [f.category for f in target.failings.all()]}
    form = FindingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_services.cross_finding_record(user=request.user, target=target, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Findings recorded."))
            return redirect(target.plan)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": target.unit, "title": target.get_kind_display(), "back": target.plan})


@login_required
def cross_close(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.3 report a complete plan: the PDF goes to the top leader of the upper party committee."""
    detail = cross_detail(pk, CrossInspection.objects.visible_to(request.user))
    plan = detail.plan
    if not acts_for_group(request.user, plan.group):
        raise PermissionDenied
    form = CrossCloseForm(request.POST or None, initial={"summary": plan.summary})
    if request.method == "POST" and form.is_valid():
        try:
            inspection_services.cross_close(user=request.user, plan=plan, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Results reported to %(unit)s.") % {"unit": detail.addressee.name})
            return redirect(plan)
    return render(request, "supervision/cross_close.html", {"form": form, "d": detail, "plan": plan})


@login_required
def cross_report(request: HttpRequest, pk: int) -> HttpResponse:
    """R5.3 the report of a cross inspection to the top leader of the upper party committee (PDF)."""
    detail = cross_detail(pk, CrossInspection.objects.visible_to(request.user))
    data = documents.cross_report_pdf(detail, timezone.localdate())
    return pdf_response(f"{detail.plan.title}.pdf", data, inline=True)


urlpatterns = [
    path("inspections/", inspection_list, name="inspection_list"),
    path("inspections/new/", inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", inspection_detail, name="inspection_detail"),
    path("inspections/units/<int:pk>/finding/", inspection_finding, name="inspection_finding"),
    path("focus-units/", focus_units, name="focus_units"),
    path("cross-inspections/", cross_list, name="cross_list"),
    path("groups/<int:pk>/cross-inspections/new/", cross_create, name="cross_create"),
    path("cross-inspections/<int:pk>/", cross_detail_view, name="cross_detail"),
    path("cross-inspections/<int:pk>/edit/", cross_edit, name="cross_edit"),
    path("cross-inspections/targets/<int:pk>/finding/", cross_finding, name="cross_finding"),
    path("cross-inspections/<int:pk>/report/", cross_close, name="cross_close"),
    path("cross-inspections/<int:pk>/report.pdf", cross_report, name="cross_report"),
]
