"""R1.3, R5.4: the escalation ladder — take a step, approve or refuse it, record its outcome, report."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from web.decorators import permission_required
from web.downloads import file_download, pdf_download
from web.forms import submit
from web.lists import table_list

from .. import documents, selectors
from ..forms import DecisionForm, OutcomeForm, StepForm
from ..models import EscalationStep, SupervisionCard, SupervisionGroup
from ..policy import next_rung
from ..services import escalation as escalation_services
from ..tables import ApprovalTable
from .cards import visible_cards
from .groups import visible_groups


def visible_steps(user):
    return (EscalationStep.objects.filter(card__in=SupervisionCard.objects.visible_to(user).values("pk"))
            .select_related("card__unit", "card__group", "proposed_by"))


@permission_required("supervision.take_step", visible_cards)
def card_escalate(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the group takes the next rung by hand (before the sweep would), with why and a document."""
    form = StepForm(request.POST or None, request.FILES or None, initial={"step": next_rung(list(card.steps.all()))})
    if submit(request, form, lambda d: escalation_services.step_take(
            card=card, kind=d["step"], reason=d["reason"], user=request.user, channel=d["channel"],
            document=d["document"]), success=lambda step: _("Step recorded: %(step)s.") % {"step": step.label()}):
        return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Escalate the card"), "card": card})


@permission_required("supervision.decide_step", visible_steps)
def step_decide(request: HttpRequest, step: EscalationStep) -> HttpResponse:
    """R1.3 a leader over the unit approves or refuses a proposed interview or accountability step."""
    form = DecisionForm(request.POST or None)
    if submit(request, form, lambda d: escalation_services.step_decide(
            user=request.user, step=step, approve=d["decision"] == "approve", note=d["note"]),
            success=_("Decision recorded.")):
        return redirect(step.card)
    return render(request, "supervision/step_decide.html", {"form": form, "step": step, "card": step.card})


@permission_required("supervision.record_step_outcome", visible_steps)
def step_outcome(request: HttpRequest, step: EscalationStep) -> HttpResponse:
    """R1.3 the group records what came of a step, with the document that went with it."""
    form = OutcomeForm(request.POST or None, request.FILES or None, initial={"outcome": step.outcome})
    if submit(request, form, lambda d: escalation_services.step_record_outcome(user=request.user, step=step, **d),
              success=_("Outcome recorded.")):
        return redirect(step.card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Outcome of the step"),
                                                     "card": step.card, "step": step})


@permission_required(None, visible_steps)
def step_document(request: HttpRequest, step: EscalationStep) -> HttpResponse:
    """The document of a step, only for those who see its card."""
    return file_download(step.document, step.document_name)


@permission_required(None)
def approvals(request: HttpRequest) -> HttpResponse:
    """R1.3 proposed interviews and accountability steps on cards in the user's scope, oldest first."""
    steps = selectors.awaiting_approval(SupervisionCard.objects.visible_to(request.user))
    return table_list(request, "supervision/approvals.html", table=ApprovalTable(steps, user=request.user),
                      lazy=False)


@permission_required(None, visible_groups)
def escalation_report(request: HttpRequest, group: SupervisionGroup) -> HttpResponse:
    """R1.3 the escalation report of a group for the upper leading group (PDF): the cards the user sees."""
    units = selectors.escalation_report(group, SupervisionCard.objects.visible_to(request.user))
    today = timezone.localdate()
    return pdf_download(documents.escalation_report_pdf(group, units, today), f"{group.name}-{today:%Y%m%d}.pdf",
                        inline=True)


urlpatterns = [
    path("cards/<int:pk>/escalate/", card_escalate, name="card_escalate"),
    path("steps/<int:pk>/decide/", step_decide, name="step_decide"),
    path("steps/<int:pk>/outcome/", step_outcome, name="step_outcome"),
    path("steps/<int:pk>/document/", step_document, name="step_document"),
    path("approvals/", approvals, name="approvals"),
    path("groups/<int:pk>/escalation-report.pdf", escalation_report, name="escalation_report"),
]
