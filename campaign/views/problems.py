"""R3.1 the four-winds problem register; R3.2 comparison-check materials and their review upstream."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Unit
from units.scoping import can_write_unit, in_scope

from ..errors import CampaignError
from ..forms.problems import MaterialFilter, MaterialForm, ProblemFilter, ProblemForm, ReviewForm
from ..models import ComparisonMaterial, FourWindsProblem, MaterialStatus, MaterialSubject
from ..selectors import problems as selectors
from ..services import problems as services
from .articles import document_response, excel_download
from .common import export_query
from .common import current_campaign_or_none, no_campaign_response


def _writable_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied
    return unit


# --- R3.1 four-winds problems

@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    """R3.1 the problems of the user's scope: filters, figures, pagination and Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    scoped = FourWindsProblem.objects.visible_to(request.user).filter(campaign=campaign)
    problem_filter = ProblemFilter(request.GET or None, queryset=scoped, campaign=campaign)
    problems = (problem_filter.qs if problem_filter.is_bound else scoped).order_by("unit__path", "-created_at", "-pk")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.problem_export_rows(problems)
        return excel_download(stem=_("four-winds-problems"), title=_("Four-winds problems"), headers=headers,
                              rows=rows)
    page = Paginator(problems.select_related("unit", "common_problem"), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    xlsx_query = export_query(request)
    focus = problem_filter.focus_unit
    return render(request, "campaign/problems/list.html", {
        "filter": problem_filter, "page": page, "today": today, "export_query": xlsx_query,
        "figures": selectors.problem_figures(problems, today),
        "focus_unit": focus if focus and in_scope(request.user, focus) else None,
    })


@login_required
def problem_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.1 one unit's register: its problems, whether its list is submitted, and the actions on it."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    problems = FourWindsProblem.objects.filter(campaign=campaign, unit=unit).select_related("common_problem")
    page = Paginator(problems, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    obligation = selectors.four_winds_obligation(unit, campaign)
    return render(request, "campaign/problems/unit.html", {
        "unit": unit, "page": page, "today": today, "figures": selectors.problem_figures(problems, today),
        "obligation": obligation, "obligation_state": obligation.state(today) if obligation else None,
        "can_write": can_write_unit(request.user, unit),
    })


@login_required
def problem_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.1 record a problem of a unit (writers of the unit)."""
    unit = _writable_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = ProblemForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_create(campaign=campaign, unit=unit, fields=form.cleaned_data, by=request.user)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Problem recorded."))
            return redirect("campaign:problem_unit", pk=unit.pk)
    return render(request, "campaign/problems/form.html", {
        "form": form, "unit": unit, "title": _("Record a four-winds problem")})


def _writable_problem(request: HttpRequest, pk: int) -> FourWindsProblem:
    problem = get_object_or_404(FourWindsProblem.objects.visible_to(request.user).select_related("unit", "campaign"),
                                pk=pk)
    if not can_write_unit(request.user, problem.unit):
        raise PermissionDenied
    return problem


@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.1 correct a problem: root cause, rectification, status and date move on as work goes."""
    problem = _writable_problem(request, pk)
    form = ProblemForm(request.POST or None, instance=problem, campaign=problem.campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.problem_update(problem=problem, fields=form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Problem saved."))
            return redirect("campaign:problem_unit", pk=problem.unit_id)
    return render(request, "campaign/problems/form.html", {
        "form": form, "unit": problem.unit, "title": _("Edit a four-winds problem")})


@login_required
def problem_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.1 delete a problem after a confirmation page."""
    problem = _writable_problem(request, pk)
    register = reverse("campaign:problem_unit", args=[problem.unit_id])
    if request.method == "POST":
        services.problem_delete(problem=problem)
        messages.success(request, _("Problem deleted."))
        return redirect(register)
    return render(request, "confirm_delete.html", {"object": problem, "cancel_url": register})


@login_required
@require_POST
def problem_list_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.1 submit the unit's problem list: fulfils its four-winds list obligation."""
    unit = _writable_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    try:
        done = services.problem_list_submit(campaign=campaign, unit=unit, on=timezone.localdate())
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Problem list submitted.") if done
                         else _("The problem list was already submitted."))
    return redirect("campaign:problem_unit", pk=unit.pk)


# --- R3.2 comparison-check materials

@login_required
def material_list(request: HttpRequest) -> HttpResponse:
    """R3.2 the latest material of each unit and subject in scope: filters, "awaiting my review", export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    awaiting_q = selectors.awaiting_review_q(request.user)
    latest = ComparisonMaterial.objects.visible_to(request.user).filter(campaign=campaign).latest_versions()
    material_filter = MaterialFilter(request.GET or None, queryset=latest, awaiting_q=awaiting_q)
    materials = (material_filter.qs if material_filter.is_bound else latest).order_by("unit__path", "subject")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.material_export_rows(materials)
        return excel_download(stem=_("comparison-check-materials"), title=_("Comparison-check materials"),
                              headers=headers, rows=rows)
    page = Paginator(materials.select_related("unit"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    xlsx_query = export_query(request)
    focus = material_filter.focus_unit
    return render(request, "campaign/problems/materials.html", {
        "filter": material_filter, "page": page, "export_query": xlsx_query,
        "figures": selectors.material_figures(latest, awaiting_q),
        "focus_unit": focus if focus and in_scope(request.user, focus) else None,
    })


@login_required
def material_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.2 a unit's two materials (team, top leader) with their versions and the submit actions."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    return render(request, "campaign/problems/material_unit.html", {
        "unit": unit, "tracks": selectors.material_tracks(unit, campaign),
        "can_write": can_write_unit(request.user, unit), "can_review": services.can_review_material(request.user, unit),
    })


@login_required
def material_submit(request: HttpRequest, pk: int, subject: str) -> HttpResponse:
    """R3.2 submit (a new version of) the team's or the top leader's material."""
    if subject not in MaterialSubject.values:
        raise Http404
    unit = _writable_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    latest = selectors.latest_material(campaign, unit, subject)
    refusal = services.material_submit_refusal(latest)
    if refusal:
        messages.info(request, refusal)
        return redirect("campaign:material_unit", pk=unit.pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_submit(campaign=campaign, unit=unit, subject=subject,
                                                text=form.cleaned_data["text"], file=form.cleaned_data["file"],
                                                by=request.user)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Material submitted for review."))
            return redirect("campaign:material_detail", pk=material.pk)
    return render(request, "campaign/problems/material_form.html", {
        "form": form, "unit": unit, "latest": latest, "subject_label": MaterialSubject(subject).label,
    })


def _scoped_material(request: HttpRequest, pk: int) -> ComparisonMaterial:
    return get_object_or_404(ComparisonMaterial.objects.visible_to(request.user).select_related("unit"), pk=pk)


@login_required
def material_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.2 one version: its text and file, the review, the version history, and the review form."""
    material = _scoped_material(request, pk)
    versions = selectors.material_versions(material)
    is_latest = versions[0].pk == material.pk
    can_review = (is_latest and material.status == MaterialStatus.SUBMITTED
                  and services.can_review_material(request.user, material.unit))
    return render(request, "campaign/problems/material_detail.html", {
        "material": material, "versions": versions, "is_latest": is_latest,
        "review_form": ReviewForm() if can_review else None,
        "can_resubmit": (is_latest and material.status == MaterialStatus.RETURNED
                         and can_write_unit(request.user, material.unit)),
    })


@login_required
@require_POST
def material_review(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.2 the upper committee approves the material or returns it with comments."""
    material = _scoped_material(request, pk)
    if not services.can_review_material(request.user, material.unit):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to return the material."))
        return redirect("campaign:material_detail", pk=material.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.material_review(material=material, approve=approve, comment=form.cleaned_data["comment"],
                                 by=request.user)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Material approved.") if approve else _("Material returned for revision."))
    return redirect("campaign:material_detail", pk=material.pk)


@login_required
def material_file(request: HttpRequest, pk: int) -> HttpResponse:
    """R3.2 download a material's file, within the user's scope only."""
    return document_response(_scoped_material(request, pk).file)


urlpatterns = [
    path("problems/", problem_list, name="problems"),
    path("problems/unit/<int:pk>/", problem_unit, name="problem_unit"),
    path("problems/unit/<int:pk>/add/", problem_add, name="problem_add"),
    path("problems/unit/<int:pk>/submit/", problem_list_submit, name="problem_list_submit"),
    path("problems/<int:pk>/edit/", problem_edit, name="problem_edit"),
    path("problems/<int:pk>/delete/", problem_delete, name="problem_delete"),
    path("materials/", material_list, name="materials"),
    path("materials/unit/<int:pk>/", material_unit, name="material_unit"),
    path("materials/unit/<int:pk>/<str:subject>/submit/", material_submit, name="material_submit"),
    path("materials/<int:pk>/", material_detail, name="material_detail"),
    path("materials/<int:pk>/review/", material_review, name="material_review"),
    path("materials/<int:pk>/file/", material_file, name="material_file"),
]
