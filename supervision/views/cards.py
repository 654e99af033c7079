"""R1.3: supervision cards — list, issue, sign, answer, verify, extend, evidence and the printable card."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.errors import CampaignError
from campaign.models import Campaign
from campaign.views.common import no_campaign_response
from reports.excel import Sheet, write_xlsx, xlsx_response
from reports.pdf import pdf_response
from units.scoping import scope_q

from .. import documents, selectors
from ..filters import CardFilter
from ..forms import AnswerForm, CardForm, DecisionForm, ExtensionForm, VerifyForm
from ..models import Evidence, ExtensionRequest, SpotCheck, SpotFinding, StepKind, SupervisionCard
from ..permissions import acts_for_group, answers_for_unit, approves_for_unit
from ..policy import next_rung
from ..selectors.attention import mark_units
from ..services import cards as card_services
from ..services import checks as check_services
from .common import file_download, group_card, query_without, unit_card, visible_group


def _card_rows(cards, today) -> list[list]:
    return [[c.number, c.group.name, c.unit.name, c.top_leader_name, "、".join(c.problem_labels()), c.due_date,
             c.get_status_display(), _("Yes") if c.is_overdue(today) else "",
             StepKind(c.level).label if c.level else "", timezone.localtime(c.issued_at).date()]
            for c in cards]


@login_required
def card_list(request: HttpRequest) -> HttpResponse:
    """R1.3 the cards of the user's scope: filters (status, overdue, unit, group, problem, step),
    pagination and Excel export."""
    today = timezone.localdate()
    rows = selectors.card_rows(SupervisionCard.objects.visible_to(request.user))
    card_filter = CardFilter(request.GET or None, queryset=rows, user=request.user)
    qs = card_filter.qs if card_filter.is_bound else rows
    if request.GET.get("export") == "xlsx":
        headers = [_("Card number"), _("Supervision group"), _("Unit"), _("Top leader"), _("Problems found"),
                   _("Due date"), _("Status"), _("Overdue"), _("Highest step reached"), _("Issued")]
        data = write_xlsx([Sheet(title=_("Supervision cards"), headers=headers, rows=_card_rows(qs, today))])
        return xlsx_response(_("supervision-cards") + today.strftime("-%Y%m%d.xlsx"), data)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    mark_units([card.unit for card in page.object_list])
    for card in page.object_list:
        card.overdue_now = card.is_overdue(today)
        card.level_label = StepKind(card.level).label if card.level else ""
    return render(request, "supervision/card_list.html", {
        "filter": card_filter, "page": page, "today": today,
        "export_query": query_without(request, "page", "export"),
    })


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
                "date": spot.checked_on.isoformat(), "department": spot.department, "posts": spot.posts,
                "unit": spot.unit.name, "finding": finding.text}}


@login_required
def card_create(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 a group member issues a card to one of the group's units."""
    group = visible_group(request, pk)
    if not acts_for_group(request.user, group):
        raise PermissionDenied
    if Campaign.objects.current() is None:
        return no_campaign_response(request)
    finding = _finding_for(request, group)
    initial = {"unit": request.GET.get("unit")}
    if finding is not None:
        if finding.card_id:
            messages.info(request, _("A card was already made from this finding."))
            return redirect(finding.card)
        initial = _initial_from_finding(group, finding)
    form = CardForm(request.POST or None, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if finding is not None:
                card = check_services.spot_finding_make_card(user=request.user, finding=finding,
                                                             **form.cleaned_data)
            else:
                card = card_services.card_issue(user=request.user, group=group, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Card %(number)s issued.") % {"number": card.number})
            return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("New supervision card"),
                                                     "group": group, "finding": finding})


@login_required
def card_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 a card with its answers, evidence, extensions, escalation ladder and full history."""
    detail = selectors.card_detail(pk, SupervisionCard.objects.visible_to(request.user))
    card, user, today = detail.card, request.user, timezone.localdate()
    acts = acts_for_group(user, card.group)
    answers = answers_for_unit(user, card.unit)
    card.days_overdue_now = card.days_overdue(today)
    mark_units([card.unit], campaign=card.campaign)
    return render(request, "supervision/card_detail.html", {
        "d": detail, "card": card, "today": today, "overdue": card.is_overdue(today),
        "acts": acts, "answers_for_unit": answers, "approves": approves_for_unit(user, card.unit),
        "next_rung": next_rung(detail.steps) if acts and not card.is_closed else None,
        "ladder": [(kind, {s.step: s for s in detail.steps}.get(kind.value)) for kind in StepKind],
        "may_extend": answers and card.unit_owes and today <= card.due_date and detail.pending_extension is None,
        "decision_form": DecisionForm(),
    })


@login_required
def card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the printable card (PDF, letterhead of the group's leading group)."""
    detail = selectors.card_detail(pk, SupervisionCard.objects.visible_to(request.user))
    return pdf_response(f"{detail.card.number}.pdf", documents.card_pdf(detail), inline=True)


@login_required
@require_POST
def card_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the unit signs for the card (签收)."""
    card = unit_card(request, pk)
    try:
        card_services.card_sign(user=request.user, card=card)
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Card signed for."))
    return redirect(card)


@login_required
def card_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the unit answers with the rectification and evidence files."""
    card = unit_card(request, pk)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            card_services.card_answer(user=request.user, card=card, text=form.cleaned_data["text"],
                                      files=form.cleaned_data["files"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Answer sent to the supervision group."))
            return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Answer the card"), "card": card})


@login_required
def card_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the group accepts and closes the card, or sends it back with reasons."""
    card = group_card(request, pk)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            card_services.card_verify(user=request.user, card=card, accept=data["decision"] == "accept",
                                      reason=data["reason"], new_due_date=data["new_due_date"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Verdict recorded."))
            return redirect(card)
    return render(request, "supervision/form.html", {
        "form": form, "title": _("Verify the answer"), "card": card,
        "answer": card.answers.order_by("-answered_at", "-pk").prefetch_related("evidence").first()})


@login_required
def card_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the unit asks for more time before the due date."""
    card = unit_card(request, pk)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card_services.extension_request(user=request.user, card=card, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Extension asked for; the group will decide."))
            return redirect(card)
    return render(request, "supervision/form.html", {"form": form, "title": _("Ask for an extension"),
                                                     "card": card})


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3 the group approves or refuses an extension request."""
    extension = get_object_or_404(ExtensionRequest.objects.filter(scope_q(request.user, "card__unit__"))
                                  .select_related("card__group", "card__unit"), pk=pk)
    card = extension.card
    if not acts_for_group(request.user, card.group):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect(card)
    try:
        card_services.extension_decide(user=request.user, extension=extension,
                                       approve=form.cleaned_data["decision"] == "approve",
                                       note=form.cleaned_data["note"])
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(card)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, only for those who see its card."""
    evidence = get_object_or_404(Evidence.objects.filter(scope_q(request.user, "answer__card__unit__")), pk=pk)
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
