"""R1.3: supervision cards — list, issue, sign, answer, verify, extend, evidence and the printable card."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from web.decorators import campaign_required, permission_required
from web.downloads import file_download, pdf_download
from web.forms import act, form_once, submit
from web.lists import filtered, table_list

from .. import documents, selectors
from ..filters import CardFilter
from ..forms import AnswerForm, CardForm, DecisionForm, ExtensionForm, VerifyForm
from ..models import Evidence, ExtensionRequest, SpotCheck, SpotFinding, StepKind, SupervisionCard
from ..policy import next_rung
from ..selectors.attention import mark_units
from ..services import cards as card_services
from ..services import checks as check_services
from ..tables import CardTable
from .groups import visible_groups


def visible_cards(user):
    return SupervisionCard.objects.visible_to(user).select_related("group__leading_unit", "unit")


def visible_extensions(user):
    return ExtensionRequest.objects.filter(card__in=SupervisionCard.objects.visible_to(user).values("pk")) \
        .select_related("card__group", "card__unit")


def visible_evidence(user):
    return Evidence.objects.filter(answer__card__in=SupervisionCard.objects.visible_to(user).values("pk"))


@permission_required(None)
def card_list(request: HttpRequest) -> HttpResponse:
    """R1.3 the cards of the user's scope: filters (status, overdue, unit, group, problem, step),
    sorting, pagination and Excel export."""
    rows = selectors.card_rows(SupervisionCard.objects.visible_to(request.user))
    card_filter, qs = filtered(request, CardFilter, rows, user=request.user)
    return table_list(request, "supervision/card_list.html", table=CardTable(qs), filterset=card_filter,
                      export_stem=_("supervision-cards"), lazy=False)


def _finding_for(request: HttpRequest, group) -> SpotFinding | None:
    """R1.2 the spot-check finding a card is made from (``?finding=``), of this group and in scope."""
    pk = request.GET.get("finding")
    if not pk:
        return None
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(SpotFinding.objects.filter(
        spot_check__group=group, spot_check__in=SpotCheck.objects.visible_to(request.user).values("pk"))
        .select_related("spot_check__unit", "card"), pk=pk)


def _initial_from_finding(group, finding: SpotFinding) -> dict:
    """The card form filled from a spot-check finding: the group's unit over the department, the facts."""
    spot = finding.spot_check
    unit = check_services.assigned_unit_over(group, spot.unit)
    return {"unit": unit.pk if unit else None, "problems": [finding.category] if finding.category else [],
            "facts": _("Spot check on %(date)s of %(department)s (%(posts)s) at %(unit)s: %(finding)s") % {
                "date": date_format(spot.checked_on), "department": spot.department, "posts": spot.posts,
                "unit": spot.unit.name, "finding": finding.text}}


@permission_required("supervision.issue_card", visible_groups)
@campaign_required
@form_once
def card_create(request: HttpRequest, group, campaign) -> HttpResponse:
    """R1.3 a group member issues a card to one of the group's units."""
    finding = _finding_for(request, group)
    initial = {"unit": request.GET.get("unit")}
    if finding is not None:
        if finding.card_id:
            messages.info(request, _("A card was already made from this finding."))
            return redirect(finding.card)
        initial = _initial_from_finding(group, finding)

    def issue(data):
        if finding is not None:
            return check_services.spot_finding_make_card(user=request.user, finding=finding, **data)
        return card_services.card_issue(user=request.user, group=group, **data)

    form = CardForm(request.POST or None, group=group, initial=initial)
    if card := submit(request, form, issue, success=lambda c: _("Card %(number)s issued.") % {"number": c.number}):
        return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("New supervision card"),
                                                     "group": group, "finding": finding})


@permission_required(None, visible_cards)
def card_detail(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 a card with its answers, evidence, extensions, escalation ladder and full history."""
    detail = selectors.card_detail(card.pk, SupervisionCard.objects.visible_to(request.user))
    card, user, today = detail.card, request.user, timezone.localdate()
    acts = user.has_perm("supervision.verify_card", card)
    answers = user.has_perm("supervision.answer_card", card)
    card.days_overdue_now = card.days_overdue(today)
    mark_units([card.unit], campaign=card.campaign)
    return render(request, "supervision/card_detail.html", {
        "d": detail, "card": card, "today": today, "overdue": card.is_overdue(today),
        "acts": acts, "answers_for_unit": answers,
        "approves": user.has_perm("supervision.decide_step", detail.steps[0]) if detail.steps else False,
        "next_rung": next_rung(detail.steps) if user.has_perm("supervision.take_step", card)
        and not card.is_closed else None,
        "ladder": [(kind, {s.step: s for s in detail.steps}.get(kind.value)) for kind in StepKind],
        "may_extend": user.has_perm("supervision.request_extension", card) and card.unit_owes
        and today <= card.due_date and detail.pending_extension is None,
        "decision_form": DecisionForm(),
    })


@permission_required(None, visible_cards)
def card_pdf(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the printable card (PDF, letterhead of the group's leading group)."""
    detail = selectors.card_detail(card.pk, SupervisionCard.objects.visible_to(request.user))
    return pdf_download(documents.card_pdf(detail), f"{detail.card.number}.pdf", inline=True)


@login_required
@require_POST
@permission_required("supervision.sign_card", visible_cards)
def card_sign(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the unit signs for the card (签收)."""
    act(request, lambda: card_services.card_sign(user=request.user, card=card), success=_("Card signed for."))
    return redirect(card)


@permission_required("supervision.answer_card", visible_cards)
@form_once
def card_answer(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the unit answers with the rectification and evidence files."""
    form = AnswerForm(request.POST or None, request.FILES or None)
    if submit(request, form, lambda d: card_services.card_answer(user=request.user, card=card, text=d["text"],
                                                                files=d["files"]),
              success=_("Answer sent to the supervision group.")):
        return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Answer the card"), "card": card})


@permission_required("supervision.verify_card", visible_cards)
def card_verify(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the group accepts and closes the card, or sends it back with reasons."""
    form = VerifyForm(request.POST or None)
    if submit(request, form, lambda d: card_services.card_verify(
            user=request.user, card=card, accept=d["decision"] == "accept", reason=d["reason"],
            new_due_date=d["new_due_date"]), success=_("Verdict recorded.")):
        return redirect(card)
    return render(request, "supervision/form.html", {
        "form": form, "title": _("Verify the answer"), "card": card,
        "answer": card.answers.order_by("-answered_at", "-pk").prefetch_related("evidence").first()})


@permission_required("supervision.request_extension", visible_cards)
def card_extension(request: HttpRequest, card: SupervisionCard) -> HttpResponse:
    """R1.3 the unit asks for more time before the due date."""
    form = ExtensionForm(request.POST or None)
    if submit(request, form, lambda d: card_services.extension_request(user=request.user, card=card, **d),
              success=_("Extension asked for; the group will decide.")):
        return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Ask for an extension"),
                                                     "card": card})


@login_required
@require_POST
@permission_required("supervision.decide_extension", visible_extensions)
def extension_decide(request: HttpRequest, extension: ExtensionRequest) -> HttpResponse:
    """R1.3 the group approves or refuses an extension request."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
    else:
        act(request, lambda: card_services.extension_decide(
            user=request.user, extension=extension, approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"]), success=_("Decision recorded."))
    return redirect(extension.card)


@permission_required(None, visible_evidence)
def evidence_download(request: HttpRequest, evidence: Evidence) -> HttpResponse:
    """An evidence file, only for those who see its card."""
    return file_download(evidence.file, evidence.original_name)


urlpatterns = [
    path("cards/", card_list, name="card_list"),
    path("groups/<int:pk>/cards/new/", card_create, name="card_create"),
    path("cards/<int:pk>/", card_detail, name="card_detail"),
    path("cards/<int:pk>/card.pdf", card_pdf, name="card_pdf"),
    path("cards/<int:pk>/sign/", card_sign, name="card_sign"),
    path("cards/<int:pk>/answer/", card_answer, name="card_answer"),
    path("cards/<int:pk>/verify/", card_verify, name="card_verify"),
    path("cards/<int:pk>/extension/", card_extension, name="card_extension"),
    path("extensions/<int:pk>/decide/", extension_decide, name="extension_decide"),
    path("evidence/<int:pk>/", evidence_download, name="evidence_download"),
]
