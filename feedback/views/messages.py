"""R4.3, R4.4 the staff side of the message pipeline: the queue, a message, each step, letters and visits."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.services.campaign import add_working_days
from campaign.views.articles import excel_download
from campaign.views.common import export_query
from campaign.views.common import current_campaign_or_none, no_campaign_response
from units.history import history_rows
from units.models import Unit
from units.scoping import grants_of

from .. import permissions, selectors
from ..errors import FeedbackError
from ..forms import (
    AnswerForm,
    ClassifyForm,
    ForwardForm,
    LetterForm,
    MergeForm,
    MessageFilter,
    ReasonForm,
    ReturnForm,
)
from ..models import Message, MessageStatus
from ..querysets import awaiting_q
from ..services import messages as services


HANDLING_ROLES = {"office", "admin", "liaison"}


def _scoped(request: HttpRequest, pk: int) -> Message:
    return get_object_or_404(
        Message.objects.visible_to(request.user).select_related(
            "unit", "office_unit", "assigned_unit", "assigned_cadre", "received_by", "merged_into", "campaign"),
        pk=pk)


def _for_triage(request: HttpRequest, pk: int) -> Message:
    message = _scoped(request, pk)
    if not permissions.can_triage(request.user, message):
        raise PermissionDenied
    return message


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """R4.4 the messages of the user's scope; "waiting for me" is an office's queue or a unit's answers."""
    today = timezone.localdate()
    scoped = Message.objects.visible_to(request.user)
    mine_q = awaiting_q(request.user)
    handles = request.user.is_superuser or any(g.role in HANDLING_ROLES for g in grants_of(request.user))
    show = request.GET.get("show") or ("todo" if handles else "all")
    base = scoped.filter(mine_q) if show == "todo" else scoped
    message_filter = MessageFilter(request.GET or None, queryset=base, today=today)
    found = (message_filter.qs if message_filter.is_bound else base).order_by("-received_on", "-pk")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.message_export_rows(found, today)
        return excel_download(stem=_("messages"), title=_("Messages"), headers=headers, rows=rows)
    page = Paginator(found.select_related("unit", "office_unit", "assigned_unit"), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    for m in page.object_list:
        m.overdue_now = m.is_overdue(today)
    xlsx_query = export_query(request)
    return render(request, "feedback/messages/list.html", {
        "filter": message_filter, "page": page, "show": show,
        "filtered": any(value for key, value in request.GET.items() if key not in ("show", "page")),
        "export_query": xlsx_query,
        "figures": selectors.queue_figures(scoped, today), "waiting": scoped.filter(mine_q).count(),
        "can_record_letters": permissions.has_any_role(request.user),
    })


@login_required
def message_history(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 who changed the message or its answer, and when (no contact details are recorded)."""
    message = _scoped(request, pk)
    rows = history_rows(message.history.select_related("history_user"), subject=lambda r: r.tracking_code)
    return render(request, "history.html", {"title": message.tracking_code, "rows": rows,
                                            "back_url": reverse("feedback:message_detail", args=[pk])})


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 one message: its text, its steps, and what the user may do with it now."""
    message = _scoped(request, pk)
    user = request.user
    today = timezone.localdate()
    can_triage = permissions.can_triage(user, message)
    return render(request, "feedback/messages/detail.html", {
        "message": message, "events": message.events.select_related("by"),
        "duplicates": message.duplicates.select_related("unit"),
        "overdue": message.is_overdue(today), "today": today,
        "can_triage": can_triage, "can_answer": permissions.can_answer(user, message),
        "show_contact": permissions.can_see_contact(user, message),
        "classify_form": ClassifyForm(initial={"category": message.category, "is_notable": message.is_notable})
        if can_triage and message.is_open else None,
        "Status": MessageStatus,
    })


@login_required
@require_POST
def message_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 the office corrects the category and marks a message notable for the digest."""
    message = _for_triage(request, pk)
    form = ClassifyForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose a category."))
    else:
        try:
            services.message_classify(message=message, category=form.cleaned_data["category"],
                                      is_notable=form.cleaned_data["is_notable"], by=request.user)
        except FeedbackError as exc:
            flash.error(request, str(exc))
        else:
            flash.success(request, _("Classification saved."))
    return redirect(message)


def _step_page(request: HttpRequest, message: Message, form, title: str) -> HttpResponse:
    return render(request, "feedback/messages/step.html", {"message": message, "form": form, "title": title})


def _wrong_state(request: HttpRequest, message: Message, *statuses: str) -> HttpResponse | None:
    if message.status in statuses:
        return None
    flash.info(request, _("This message is “%(status)s”; that step is not possible now.")
               % {"status": message.get_status_display()})
    return redirect(message)


@login_required
def message_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 merge a duplicate into the message on the same matter (same office; same unit listed first)."""
    message = _for_triage(request, pk)
    if refusal := _wrong_state(request, message, MessageStatus.RECEIVED):
        return refusal
    candidates = (Message.objects.filter(office_unit=message.office_unit)
                  .exclude(pk=message.pk).exclude(status__in=[MessageStatus.MERGED, MessageStatus.REJECTED]))
    ids = list(candidates.order_by("-received_on", "-pk").values_list("pk", flat=True)[:50])
    form = MergeForm(request.POST or None, candidates=Message.objects.filter(pk__in=ids).select_related("unit")
                     .order_by("-received_on", "-pk"))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_merge(message=message, into=form.cleaned_data["into"], by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Message merged; its citizen now follows the other message's answer."))
            return redirect(message)
    return _step_page(request, message, form, _("Merge with a message on the same matter"))


@login_required
def message_reject(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 not this office's business: the reason is shown to the citizen on the tracking page."""
    message = _for_triage(request, pk)
    if refusal := _wrong_state(request, message, MessageStatus.RECEIVED):
        return refusal
    form = ReasonForm(request.POST or None, submit_label=_("Reject"),
                      help_text=_("The citizen reads this on the tracking page: say where to turn instead."))
    if request.method == "POST" and form.is_valid():
        try:
            services.message_reject(message=message, reason=form.cleaned_data["reason"], by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Message rejected with its reason."))
            return redirect(message)
    return _step_page(request, message, form, _("Reject as not our business"))


@login_required
def message_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 forward to the unit or a named cadre; the due date follows the campaign's working days."""
    message = _for_triage(request, pk)
    if refusal := _wrong_state(request, message, MessageStatus.RECEIVED, MessageStatus.FORWARDED):
        return refusal
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    form = ForwardForm(request.POST or None, units=services.forward_candidates(message),
                       initial={"unit": message.assigned_unit_id or message.unit_id,
                                "cadre": message.assigned_cadre_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_forward(message=message, campaign=campaign, unit=form.cleaned_data["unit"],
                                     cadre=form.cleaned_data["cadre"], today=today, by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Message forwarded; the answer is due on %(date)s.")
                          % {"date": message.due_date.isoformat()})
            return redirect(message)
    return render(request, "feedback/messages/step.html", {
        "message": message, "form": form, "title": _("Forward for an answer"),
        "due_preview": add_working_days(today, campaign.message_answer_working_days),
        "working_days": campaign.message_answer_working_days,
    })


@login_required
def message_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 the answering unit (its liaison or office) writes the answer for the office to review."""
    message = _scoped(request, pk)
    if refusal := _wrong_state(request, message, MessageStatus.FORWARDED):
        return refusal
    if not permissions.can_answer(request.user, message):
        raise PermissionDenied
    form = AnswerForm(request.POST or None, submit_label=_("Send the answer for review"),
                      initial={"text": message.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_answer(message=message, text=form.cleaned_data["text"], by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Answer sent to the activity office for review."))
            return redirect(message)
    return _step_page(request, message, form, _("Answer the message"))


@login_required
def message_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 the office publishes the answer (the citizen reads it by code)."""
    message = _for_triage(request, pk)
    if refusal := _wrong_state(request, message, MessageStatus.ANSWERED):
        return refusal
    form = AnswerForm(request.POST or None, submit_label=_("Publish"), initial={"text": message.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_publish(message=message, text=form.cleaned_data["text"], by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Answer published."))
            return redirect(message)
    return _step_page(request, message, form, _("Publish the answer"))


@login_required
def message_return(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.4 the office sends the answer back to the unit with its reasons."""
    message = _for_triage(request, pk)
    if refusal := _wrong_state(request, message, MessageStatus.ANSWERED):
        return refusal
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_return(message=message, reason=form.cleaned_data["reason"],
                                    due_date=form.cleaned_data["due_date"], today=timezone.localdate(),
                                    by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Answer sent back to %(unit)s.") % {"unit": message.assigned_unit.name})
            return redirect(message)
    return _step_page(request, message, form, _("Send the answer back"))


@login_required
def letter_add(request: HttpRequest) -> HttpResponse:
    """R4.3 record a letter or visit received (by a supervision group, an office, a unit): it enters the
    same pipeline as the board's messages, routed to the office of the unit concerned."""
    if not permissions.has_any_role(request.user):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    in_scope = Unit.objects.visible_to(request.user)
    receivers = Unit.objects.filter(pk__in=[g.unit_id for g in grants_of(request.user)]) \
        if not request.user.is_superuser else in_scope.filter(depth__lte=2)
    raw_unit = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    unit = in_scope.filter(pk=raw_unit).first() if str(raw_unit or "").isdigit() else None
    form = LetterForm(request.POST or None, receivers=receivers, units=in_scope,
                      initial={"unit": unit.pk if unit else None, "received_on": timezone.localdate(),
                               "received_by": receivers.first().pk if receivers.count() == 1 else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.message_submit(
                campaign=campaign, unit=data["unit"], category=data["category"], text=data["text"],
                citizen_name=data["citizen_name"], citizen_phone=data["citizen_phone"], channel=data["channel"],
                received_by=data["received_by"], received_on=data["received_on"], by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Recorded with tracking code %(code)s and sent to the activity office of "
                                     "%(office)s.") % {"code": message.tracking_code,
                                                       "office": message.office_unit.name})
            return redirect(message)
    q = request.GET.get("q", "").strip()
    hits, more = selectors.unit_search(in_scope, q) if q else ([], False)
    return render(request, "feedback/messages/letter_form.html", {
        "form": form, "unit": unit, "trail": selectors.unit_trails([unit])[unit.pk] if unit else "",
        "q": q, "hits": hits, "more": more,
    })


urlpatterns = [
    path("feedback/messages/", message_list, name="messages"),
    path("feedback/messages/<int:pk>/", message_detail, name="message_detail"),
    path("feedback/messages/<int:pk>/history/", message_history, name="message_history"),
    path("feedback/messages/<int:pk>/classify/", message_classify, name="message_classify"),
    path("feedback/messages/<int:pk>/merge/", message_merge, name="message_merge"),
    path("feedback/messages/<int:pk>/reject/", message_reject, name="message_reject"),
    path("feedback/messages/<int:pk>/forward/", message_forward, name="message_forward"),
    path("feedback/messages/<int:pk>/answer/", message_answer, name="message_answer"),
    path("feedback/messages/<int:pk>/publish/", message_publish, name="message_publish"),
    path("feedback/messages/<int:pk>/return/", message_return, name="message_return"),
    path("feedback/letters/add/", letter_add, name="letter_add"),
]
