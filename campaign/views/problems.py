"""R3.1 the four-winds problem register; R3.2 comparison-check materials and their review upstream."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Unit
from web.decorators import campaign_required, permission_required
from web.downloads import file_download
from web.forms import act, form_once, submit
from web.lists import filtered, table_list

from ..filters import MaterialFilter, ProblemFilter
from ..forms.problems import MaterialForm, ProblemForm, ReviewForm
from ..models import ComparisonMaterial, FourWindsProblem, MaterialStatus, MaterialSubject
from ..selectors import problems as selectors
from ..services import problems as services
from ..tables import MaterialTable, ProblemTable, UnitProblemTable


def _focus_unit(request: HttpRequest, filterset) -> Unit | None:
    """The one unit of the viewer's scope the unit filter names (by its exact code or name, else the only unit
    matching), whose register or materials page is then offered."""
    text = filterset.form.cleaned_data.get("unit", "") if filterset.is_bound and filterset.is_valid() else ""
    if not text.strip():
        return None
    text = text.strip()
    matching = Unit.objects.visible_to(request.user).matching(text)
    exact = list(matching.filter(Q(code=text) | Q(name=text))[:2])
    found = exact or list(matching[:2])
    return found[0] if len(found) == 1 else None


def _scoped_problem(user):
    return FourWindsProblem.objects.visible_to(user).select_related("unit", "campaign")


def _scoped_material(user):
    return ComparisonMaterial.objects.visible_to(user).select_related("unit")


# --- R3.1 four-winds problems

@login_required
@campaign_required
def problem_list(request: HttpRequest, campaign) -> HttpResponse:
    """R3.1 the problems of the user's scope: filters, figures, pagination and Excel export."""
    today = timezone.localdate()
    scoped = (FourWindsProblem.objects.visible_to(request.user).filter(campaign=campaign)
              .select_related("unit", "common_problem").order_by("unit__path", "-created_at", "-pk"))
    filterset, problems = filtered(request, ProblemFilter, scoped, user=request.user, campaign=campaign)
    empty = (_("No problem matches these filters.") if filterset.is_bound
             else _("No four-winds problem has been recorded in your scope yet."))
    return table_list(request, "campaign/problems/list.html", table=ProblemTable(problems, today=today,
                                                                                 empty_text=empty),
                      filterset=filterset, export_stem=_("four-winds-problems"), lazy=False, context={
                          "today": today, "figures": selectors.problem_figures(problems, today),
                          "focus_unit": _focus_unit(request, filterset),
                      })


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def problem_unit(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R3.1 one unit's register: its problems, whether its list is submitted, and the actions on it."""
    today = timezone.localdate()
    problems = FourWindsProblem.objects.filter(campaign=campaign, unit=unit).select_related("common_problem")
    obligation = selectors.four_winds_obligation(unit, campaign)
    can_write = request.user.has_perm("campaign.record_problem", unit)
    table = UnitProblemTable(problems, today=today, can_change=request.user.has_perm("campaign.change_problem", unit))
    return table_list(request, "campaign/problems/unit.html", table=table, lazy=False, context={
        "unit": unit, "today": today, "figures": selectors.problem_figures(problems, today),
        "obligation": obligation, "obligation_state": obligation.state(today) if obligation else None,
        "can_write": can_write, "can_submit": request.user.has_perm("campaign.submit_problem_list", unit),
    })


@permission_required("campaign.record_problem", Unit.objects.visible_to)
@campaign_required
@form_once
def problem_add(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R3.1 record a problem of a unit (writers of the unit)."""
    form = ProblemForm(request.POST or None, campaign=campaign)
    if submit(request, form, lambda d: services.problem_create(campaign=campaign, unit=unit, fields=d, by=request.user),
              success=_("Problem recorded.")):
        return redirect("campaign:problem_unit", pk=unit.pk)
    return render(request, "campaign/problems/form.html", {
        "form": form, "unit": unit, "title": _("Record a four-winds problem")})


@permission_required("campaign.change_problem", _scoped_problem)
def problem_edit(request: HttpRequest, problem: FourWindsProblem) -> HttpResponse:
    """R3.1 correct a problem: root cause, rectification, status and date move on as work goes."""
    form = ProblemForm(request.POST or None, instance=problem, campaign=problem.campaign)
    if submit(request, form, lambda d: services.problem_update(problem=problem, fields=d, by=request.user),
              success=_("Problem saved.")):
        return redirect("campaign:problem_unit", pk=problem.unit_id)
    return render(request, "campaign/problems/form.html", {
        "form": form, "unit": problem.unit, "title": _("Edit a four-winds problem")})


@permission_required("campaign.delete_problem", _scoped_problem)
def problem_delete(request: HttpRequest, problem: FourWindsProblem) -> HttpResponse:
    """R3.1 delete a problem after a confirmation page."""
    register = reverse("campaign:problem_unit", args=[problem.unit_id])
    if request.method == "POST":
        act(request, lambda: services.problem_delete(problem=problem, by=request.user), success=_("Problem deleted."))
        return redirect(register)
    return render(request, "confirm_delete.html", {"object": problem, "cancel_url": register})


@login_required
@require_POST
@permission_required("campaign.submit_problem_list", Unit.objects.visible_to)
@campaign_required
def problem_list_submit(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R3.1 submit the unit's problem list: fulfils its four-winds list obligation."""
    act(request, lambda: services.problem_list_submit(campaign=campaign, unit=unit, on=timezone.localdate(),
                                                      by=request.user),
        success=lambda done: _("Problem list submitted.") if done else _("The problem list was already submitted."))
    return redirect("campaign:problem_unit", pk=unit.pk)


# --- R3.2 comparison-check materials

@login_required
@campaign_required
def material_list(request: HttpRequest, campaign) -> HttpResponse:
    """R3.2 the latest material of each unit and subject in scope: filters, "awaiting my review", export."""
    awaiting_q = selectors.awaiting_review_q(request.user)
    latest = ComparisonMaterial.objects.visible_to(request.user).filter(campaign=campaign).latest_versions()
    filterset, materials = filtered(request, MaterialFilter, latest.select_related("unit").order_by("unit__path",
                                                                                                   "subject"),
                                    user=request.user, awaiting_q=awaiting_q)
    empty = (_("No material matches these filters.") if filterset.is_bound
             else _("No comparison-check material has been submitted in your scope yet."))
    return table_list(request, "campaign/problems/materials.html", table=MaterialTable(materials, empty_text=empty),
                      filterset=filterset, export_stem=_("comparison-check-materials"), lazy=False, context={
                          "figures": selectors.material_figures(latest, awaiting_q),
                          "focus_unit": _focus_unit(request, filterset),
                      })


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def material_unit(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R3.2 a unit's two materials (team, top leader) with their versions and the submit actions."""
    return render(request, "campaign/problems/material_unit.html", {
        "unit": unit, "tracks": selectors.material_tracks(unit, campaign),
        "can_write": request.user.has_perm("campaign.submit_material", unit),
        "can_review": request.user.has_perm("campaign.review_material", unit),
    })


@permission_required("campaign.submit_material", Unit.objects.visible_to)
@campaign_required
@form_once
def material_submit(request: HttpRequest, unit: Unit, subject: str, campaign) -> HttpResponse:
    """R3.2 submit (a new version of) the team's or the top leader's material."""
    if subject not in MaterialSubject.values:
        raise Http404
    latest = selectors.latest_material(campaign, unit, subject)
    refusal = services.material_submit_refusal(latest)
    if refusal:
        messages.info(request, refusal)
        return redirect("campaign:material_unit", pk=unit.pk)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if material := submit(request, form, lambda d: services.material_submit(
            campaign=campaign, unit=unit, subject=subject, text=d["text"], file=d["file"], by=request.user),
            success=_("Material submitted for review.")):
        return redirect("campaign:material_detail", pk=material.pk)
    return render(request, "campaign/problems/material_form.html", {
        "form": form, "unit": unit, "latest": latest, "subject_label": MaterialSubject(subject).label,
    })


@permission_required(None, _scoped_material)
def material_detail(request: HttpRequest, material: ComparisonMaterial) -> HttpResponse:
    """R3.2 one version: its text and file, the review, the version history, and the review form."""
    versions = selectors.material_versions(material)
    is_latest = versions[0].pk == material.pk
    can_review = (is_latest and material.status == MaterialStatus.SUBMITTED
                  and request.user.has_perm("campaign.review_material", material))
    return render(request, "campaign/problems/material_detail.html", {
        "material": material, "versions": versions, "is_latest": is_latest,
        "review_form": ReviewForm() if can_review else None,
        "can_resubmit": (is_latest and material.status == MaterialStatus.RETURNED
                         and request.user.has_perm("campaign.submit_material", material)),
    })


@login_required
@require_POST
@permission_required("campaign.review_material", _scoped_material)
def material_review(request: HttpRequest, material: ComparisonMaterial) -> HttpResponse:
    """R3.2 the upper committee approves the material or returns it with comments."""
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to return the material."))
        return redirect("campaign:material_detail", pk=material.pk)
    approve = form.cleaned_data["decision"] == "approve"
    act(request, lambda: services.material_review(material=material, approve=approve,
                                                  comment=form.cleaned_data["comment"], by=request.user),
        success=_("Material approved.") if approve else _("Material returned for revision."))
    return redirect("campaign:material_detail", pk=material.pk)


@permission_required(None, _scoped_material)
def material_file(request: HttpRequest, material: ComparisonMaterial) -> HttpResponse:
    """R3.2 download a material's file, within the user's scope only (named after the unit and whose material it
    is: the stored name is random)."""
    return file_download(material.file, material.file_name)


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
