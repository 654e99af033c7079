"""R1.3, R5.4: the escalation ladder — take a step, approve or refuse it, record its outcome, report."""
from __future__ import annotations

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
from reports.pdf import pdf_response
from units.scoping import scope_q

from .. import documents, selectors
from ..forms import DecisionForm, OutcomeForm, StepForm
from ..models import EscalationStep, SupervisionCard
from ..permissions import acts_for_group, approves_for_unit
from ..policy import next_rung
from ..services import escalation as escalation_services
from .common import file_download, group_card, visible_group


def _visible_step(request: HttpRequest, pk: int) -> EscalationStep:
    return get_object_or_404(EscalationStep.objects.filter(scope_q(request.user, "card__unit__"))
                             .select_related("card__unit", "card__group", "proposed_by"), pk=pk)


@login_required
def card_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the group takes the next rung by hand (before the sweep would), with why and a document."""
    card = group_card(request, pk)
    rung = next_rung(list(card.steps.all()))
    form = StepForm(request.POST or None, request.FILES or None, initial={"step": rung})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            step = escalation_services.step_take(card=card, kind=data["step"], reason=data["reason"],
                                                 user=request.user, channel=data["channel"],
                                                 document=data["document"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Step recorded: %(step)s.") % {"step": step.label()})
            return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Escalate the card"), "card": card})


@login_required
def step_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 a leader over the unit approves or refuses a proposed interview or accountability step."""
    step = _visible_step(request, pk)
    if not approves_for_unit(request.user, step.card.unit):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            escalation_services.step_decide(user=request.user, step=step,
                                            approve=form.cleaned_data["decision"] == "approve",
                                            note=form.cleaned_data["note"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(step.card)
    return render(request, "supervision/step_decide.html", {"form": form, "step": step, "card": step.card})


@login_required
def step_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the group records what came of a step, with the document that went with it."""
    step = _visible_step(request, pk)
    if not acts_for_group(request.user, step.card.group):
        raise PermissionDenied
    form = OutcomeForm(request.POST or None, request.FILES or None, initial={"outcome": step.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            escalation_services.step_record_outcome(user=request.user, step=step, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Outcome recorded."))
            return redirect(step.card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Outcome of the step"),
                                                     "card": step.card, "step": step})


@login_required
def step_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The document of a step, only for those who see its card."""
    step = _visible_step(request, pk)
    return file_download(step.document, step.document_name)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """R1.3 proposed interviews and accountability steps on cards in the user's scope, oldest first."""
    steps = selectors.awaiting_approval(SupervisionCard.objects.visible_to(request.user))
    page = Paginator(steps, 50).get_page(request.GET.get("page"))
    for step in page.object_list:
        step.may_decide = approves_for_unit(request.user, step.card.unit) and step.proposed_by_id != request.user.pk
    return render(request, "supervision/approvals.html", {"page": page})


@login_required
def escalation_report(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the escalation report of a group for the upper leading group (PDF)."""
    group = visible_group(request, pk)
    units = selectors.escalation_report(group, SupervisionCard.objects.visible_to(request.user))
    today = timezone.localdate()
    data = documents.escalation_report_pdf(group, units, today)
    return pdf_response(f"{group.name}-{today:%Y%m%d}.pdf", data, inline=True)


urlpatterns = [
    path("cards/<int:pk>/escalate/", card_escalate, name="card_escalate"),
    path("steps/<int:pk>/decide/", step_decide, name="step_decide"),
    path("steps/<int:pk>/outcome/", step_outcome, name="step_outcome"),
    path("steps/<int:pk>/document/", step_document, name="step_document"),
    path("approvals/", approvals, name="approvals"),
    path("groups/<int:pk>/escalation-report.pdf", escalation_report, name="escalation_report"),
]
