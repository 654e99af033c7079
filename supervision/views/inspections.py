"""R3.3 special inspections and focus units; R5.3 cross inspections and their report to the upper committee."""
from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from units.scoping import scope_q
from web.decorators import campaign_required, permission_required
from web.downloads import pdf_download
from web.forms import form_once, submit
from web.lists import filtered, table_list

from .. import documents
from ..filters import CrossFilter, FocusFilter, InspectionFilter
from ..forms.inspections import CrossCloseForm, CrossPlanForm, FindingForm, InspectionForm
from ..models import CrossInspection, CrossTarget, InspectionUnit, SpecialInspection, SupervisionCard
from ..selectors.attention import focus_rows, focus_rows_qs, grouped_by_unit, mark_units
from ..selectors.inspections import cross_detail, cross_rows, inspection_rows, inspection_units, plan_state
from ..services import inspections as inspection_services
from ..tables import CrossTable, FocusTable, InspectionTable
from .groups import visible_groups

# --- R3.3 special inspections


def visible_inspections(user):
    return SpecialInspection.objects.visible_to(user).select_related("organising_unit", "leader__unit",
                                                                      "created_by", "campaign")


def visible_rows(user):
    """Inspected units of the user's subtree (a row elsewhere is a 404)."""
    return InspectionUnit.objects.filter(scope_q(user, "unit__")).select_related("inspection__organising_unit",
                                                                                  "unit")


@permission_required(None)
@campaign_required
def inspection_list(request: HttpRequest, campaign) -> HttpResponse:
    """R3.3 the special inspections organised in, or covering units of, the user's scope; Excel export."""
    scoped = SpecialInspection.objects.visible_to(request.user).filter(campaign=campaign)
    inspection_filter, qs = filtered(request, InspectionFilter, scoped, user=request.user)
    return table_list(request, "supervision/inspection_list.html",
                      table=InspectionTable(inspection_rows(qs, request.user)), filterset=inspection_filter,
                      export_stem=_("special-inspections"), lazy=False,
                      context={"may_create": request.user.has_perm("supervision.create_inspection")})


@permission_required("supervision.create_inspection")
@campaign_required
@form_once
def inspection_create(request: HttpRequest, campaign) -> HttpResponse:
    """R3.3 an activity office sets up a special inspection led by a department-level cadre."""
    form = InspectionForm(request.POST or None, user=request.user)
    if inspection := submit(request, form, lambda d: inspection_services.inspection_create(user=request.user, **d),
                            success=_("Special inspection created.")):
        return redirect(inspection)
    return render(request, "supervision/page_form.html", {
        "form": form, "title": _("New special inspection"), "crumb_url": "supervision:inspection_list",
        "crumb": _("Special inspections")})


@permission_required(None, visible_inspections)
def inspection_detail(request: HttpRequest, inspection: SpecialInspection) -> HttpResponse:
    """R3.3 an inspection and the findings at each of its units the user sees."""
    rows = inspection_units(inspection, request.user)
    mark_units([r.unit for r in rows], campaign=inspection.campaign)
    return render(request, "supervision/inspection_detail.html", {
        "inspection": inspection, "rows": rows,
        "may_record": request.user.has_perm("supervision.record_inspection_finding", rows[0]) if rows else False})


@permission_required("supervision.record_inspection_finding", visible_rows)
def inspection_finding(request: HttpRequest, row: InspectionUnit) -> HttpResponse:
    """R3.3, R5.4 the organising office records what was found at one unit."""
    initial = {"result": row.result if row.result != "pending" else None, "finding": row.finding,
               "failings": list(row.failings.values_list("category", flat=True))}
    form = FindingForm(request.POST or None, initial=initial)
    if submit(request, form, lambda d: inspection_services.inspection_finding_record(user=request.user, row=row, **d),
              success=_("Findings recorded.")):
        return redirect(row.inspection)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": row.unit, "title": _("Findings of the inspection"), "back": row.inspection})


@permission_required(None)
@campaign_required
def focus_units(request: HttpRequest, campaign) -> HttpResponse:
    """R3.3 the focus units of the user's scope (重点关注): where an inspection found problems; Excel export."""
    findings = focus_rows_qs(campaign).filter(scope_q(request.user, "unit__"))
    focus_filter, qs = filtered(request, FocusFilter, findings, user=request.user)
    cards = SupervisionCard.objects.visible_to(request.user).filter(campaign=campaign)
    rows = focus_rows(grouped_by_unit(qs, "recorded_at"), qs, cards)
    mark_units([r.unit for r in rows], campaign=campaign)
    return table_list(request, "supervision/focus_units.html", table=FocusTable(rows), filterset=focus_filter,
                      export_stem=_("focus-units"), lazy=False)


# --- R5.3 cross inspections


def visible_plans(user):
    return CrossInspection.objects.visible_to(user).select_related("group__leading_unit")


def visible_targets(user):
    return (CrossTarget.objects.filter(plan__in=CrossInspection.objects.visible_to(user).values("pk"))
            .select_related("plan__group", "unit").prefetch_related(Prefetch("failings")))


@permission_required(None)
@campaign_required
def cross_list(request: HttpRequest, campaign) -> HttpResponse:
    """R5.3 the cross inspections the user sees, with their state and completeness; Excel export."""
    scoped = CrossInspection.objects.visible_to(request.user).filter(campaign=campaign)
    cross_filter, qs = filtered(request, CrossFilter, scoped, user=request.user)
    return table_list(request, "supervision/cross_list.html", table=CrossTable(cross_rows(qs, request.user)),
                      filterset=cross_filter, export_stem=_("cross-inspections"), lazy=False)


@permission_required("supervision.plan_cross_inspection", visible_groups)
@campaign_required
@form_once
def cross_create(request: HttpRequest, group, campaign) -> HttpResponse:
    """R5.3 the office that manages a group plans its cross inspection into another region."""
    form = CrossPlanForm(request.POST or None, user=request.user)
    if plan := submit(request, form, lambda d: inspection_services.cross_plan_save(
            user=request.user, group=group, plan=None, **d), success=_("Cross-inspection plan saved.")):
        return redirect(plan)
    return render(request, "supervision/form.html", {"form": form, "title": _("Plan a cross inspection"),
                                                     "group": group})


@permission_required("supervision.change_cross_inspection", visible_plans)
def cross_edit(request: HttpRequest, plan: CrossInspection) -> HttpResponse:
    """R5.3 change a plan's dates and targets (until it is reported)."""
    initial = {"title": plan.title, "start_date": plan.start_date, "end_date": plan.end_date,
               "targets": list(plan.targets.values_list("unit_id", flat=True))}
    form = CrossPlanForm(request.POST or None, user=request.user, initial=initial)
    if submit(request, form, lambda d: inspection_services.cross_plan_save(
            user=request.user, group=plan.group, plan=plan, **d), success=_("Cross-inspection plan saved.")):
        return redirect(plan)
    return render(request, "supervision/form.html", {"form": form, "title": _("Edit the cross inspection"),
                                                     "group": plan.group})


def _detail(request: HttpRequest, plan: CrossInspection):
    """The plan with the targets the user may see (all of them for the group's side)."""
    return cross_detail(plan.pk, CrossInspection.objects.visible_to(request.user), request.user)


@permission_required(None, visible_plans)
def cross_detail_view(request: HttpRequest, plan: CrossInspection) -> HttpResponse:
    """R5.3 a plan: its targets and findings (to those outside the group's side, only the targets in
    their own subtree), whether it is complete, and where the results go."""
    detail = _detail(request, plan)
    plan, today, user = detail.plan, timezone.localdate(), request.user
    may_close = user.has_perm("supervision.close_cross_inspection", plan)
    mark_units([t.unit for t in detail.targets], campaign=plan.campaign)
    state, state_label = plan_state(plan, today)
    return render(request, "supervision/cross_detail.html", {
        "d": detail, "plan": plan, "state": state, "state_label": state_label,
        "may_record": may_close and plan.is_running(today), "may_close": may_close and not plan.is_closed,
        "manages": user.has_perm("supervision.change_cross_inspection", plan) and not plan.is_closed,
        # 迁安市's office sees the plan that came into it, not the page of the group that came (a 404)
        "group_visible": visible_groups(user).filter(pk=plan.group_id).exists()})


@permission_required("supervision.record_cross_finding", visible_targets)
def cross_finding(request: HttpRequest, target: CrossTarget) -> HttpResponse:
    """R5.3, R5.4 the group records its findings at a target while the plan runs."""
    initial = {"result": target.result if target.has_finding else None, "finding": target.finding,
               "failings": [f.category for f in target.failings.all()]}
    form = FindingForm(request.POST or None, initial=initial)
    if submit(request, form, lambda d: inspection_services.cross_finding_record(
            user=request.user, target=target, **d), success=_("Findings recorded.")):
        return redirect(target.plan)
    return render(request, "supervision/unit_form.html", {
        "form": form, "unit": target.unit, "title": target.get_kind_display(), "back": target.plan})


@permission_required("supervision.close_cross_inspection", visible_plans)
def cross_close(request: HttpRequest, plan: CrossInspection) -> HttpResponse:
    """R5.3 report a complete plan: the PDF goes to the top leader of the upper party committee."""
    detail = _detail(request, plan)
    plan = detail.plan
    form = CrossCloseForm(request.POST or None, initial={"summary": plan.summary})
    if submit(request, form, lambda d: inspection_services.cross_close(user=request.user, plan=plan, **d),
              success=_("Results reported to %(unit)s.") % {"unit": detail.addressee.name if detail.addressee
                                                             else "—"}):
        return redirect(plan)
    return render(request, "supervision/cross_close.html", {"form": form, "d": detail, "plan": plan})


@permission_required(None, visible_plans)
def cross_report(request: HttpRequest, plan: CrossInspection) -> HttpResponse:
    """R5.3 the report of a cross inspection to the top leader of the upper party committee (PDF): to those
    outside the group's side, only the targets of their own subtree."""
    detail = _detail(request, plan)
    data = documents.cross_report_pdf(detail, timezone.localdate())
    return pdf_download(data, f"{detail.plan.title}.pdf", inline=True)


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
