"""R4.3, R4.4 the staff side of the message pipeline: the queue, a message, each step, letters and visits."""
from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from campaign.services.campaign import add_working_days
from units.history import history_rows
from units.models import Unit
from units.permissions import records_for_some_unit
from web.decorators import campaign_required, permission_required
from web.downloads import wants_export
from web.forms import form_once, submit
from web.lists import export_table, filtered, table_list

from .. import selectors
from ..filters import MessageFilterSet
from ..forms import AnswerForm, ClassifyForm, ForwardForm, LetterForm, MergeForm, ReasonForm, ReturnForm
from ..models import Message, MessageStatus
from ..querysets import awaiting_q
from ..services import messages as services
from ..tables import MessageTable


def _scoped(user):
    return Message.objects.visible_to(user).select_related(
        "unit", "office_unit", "assigned_unit", "assigned_cadre", "received_by", "merged_into", "campaign")


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    """R4.4 the messages of the user's scope; "waiting for me" is an office's queue or a unit's answers."""
    today = timezone.localdate()
    scoped = Message.objects.visible_to(request.user)
    mine_q = awaiting_q(request.user)
    show = request.GET.get("show") or ("todo" if records_for_some_unit(request.user) else "all")
    # issue 15: the list and its Excel file never carry contact details (nor decrypt them)
    base = (scoped.filter(mine_q) if show == "todo" else scoped).select_related(
        "unit", "office_unit", "assigned_unit", "assigned_cadre").defer("citizen_name", "citizen_phone")
    message_filter, rows = filtered(request, MessageFilterSet, base, user=request.user, today=today)
    table = MessageTable(rows, today=today)
    if wants_export(request):
        return export_table(table, _("messages"))
    return table_list(request, "feedback/messages/list.html", table=table, filterset=message_filter, lazy=False,
                      context={
                          "show": show,
                          "filtered": any(v for k, v in request.GET.items() if k not in ("show", "page", "sort")),
                          "figures": selectors.queue_figures(scoped, today), "waiting": scoped.filter(mine_q).count(),
                          "can_record_letters": request.user.has_perm("feedback.record_letter"),
                      })


@permission_required(None, _scoped)
def message_history(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 who changed the message or its answer, and when (no contact details are recorded)."""
    rows = history_rows(message.history.select_related("history_user"), subject=lambda r: r.tracking_code)
    return render(request, "history.html", {"title": message.tracking_code, "rows": rows,
                                            "back_url": reverse("feedback:message_detail", args=[message.pk])})


@permission_required(None, _scoped)
def message_detail(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 one message: its text, its steps, and what the user may do with it now. The merged duplicates
    and the message it was merged into are shown only as far as the user's scope reaches."""
    user = request.user
    today = timezone.localdate()
    can_triage = user.has_perm("feedback.triage_message", message)
    visible = Message.objects.visible_to(user)
    return render(request, "feedback/messages/detail.html", {
        "message": message, "events": message.events.select_related("by"),
        "duplicates": visible.filter(merged_into=message).select_related("unit"),
        "merged_into_visible": bool(message.merged_into_id and visible.filter(pk=message.merged_into_id).exists()),
        "overdue": message.is_overdue(today), "today": today,
        "can_triage": can_triage, "can_review": user.has_perm("feedback.review_answer", message),
        "can_answer": message.status == MessageStatus.FORWARDED and user.has_perm("feedback.answer_message", message),
        "show_contact": user.has_perm("feedback.see_citizen_contact", message),
        "citizen_phone": selectors.citizen_phone_for(user, message),
        "classify_form": ClassifyForm(initial={"category": message.category, "is_notable": message.is_notable})
        if can_triage and message.is_open else None,
        "Status": MessageStatus,
    })


@login_required
@require_POST
@permission_required("feedback.triage_message", _scoped)
def message_classify(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 the office corrects the category and marks a message notable for the digest."""
    form = ClassifyForm(request.POST)
    if not submit(request, form, lambda d: services.message_classify(message=message, by=request.user, **d),
                  success=_("Classification saved.")):
        flash.error(request, " ".join(form.non_field_errors()) or _("Choose a category."))
    return redirect(message)


def _step_page(request: HttpRequest, message: Message, form, title: str, **context) -> HttpResponse:
    return render(request, "feedback/messages/step.html", {"message": message, "form": form, "title": title,
                                                           **context})


def _wrong_state(request: HttpRequest, message: Message, *statuses: str) -> HttpResponse | None:
    if message.status in statuses:
        return None
    flash.info(request, _("This message is “%(status)s”; that step is not possible now.")
               % {"status": message.get_status_display()})
    return redirect(message)


@permission_required("feedback.triage_message", _scoped)
def message_merge(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 merge a duplicate into the message on the same matter (same office; same unit listed first)."""
    if refusal := _wrong_state(request, message, MessageStatus.RECEIVED):
        return refusal
    form = MergeForm(request.POST or None, candidates=selectors.merge_candidates(message, request.user))
    if submit(request, form, lambda d: services.message_merge(message=message, into=d["into"], by=request.user),
              success=_("Message merged; its citizen now follows the other message's answer.")):
        return redirect(message)
    return _step_page(request, message, form, _("Merge with a message on the same matter"))


@permission_required("feedback.triage_message", _scoped)
def message_reject(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 not this office's business: the reason is shown to the citizen on the tracking page."""
    if refusal := _wrong_state(request, message, MessageStatus.RECEIVED):
        return refusal
    form = ReasonForm(request.POST or None, submit_label=_("Reject"),
                      help_text=_("The citizen reads this on the tracking page: say where to turn instead."))
    if submit(request, form, lambda d: services.message_reject(message=message, reason=d["reason"], by=request.user),
              success=_("Message rejected with its reason.")):
        return redirect(message)
    return _step_page(request, message, form, _("Reject as not our business"))


@permission_required("feedback.triage_message", _scoped)
@campaign_required
def message_forward(request: HttpRequest, message: Message, campaign) -> HttpResponse:
    """R4.4 forward to the unit or a named cadre; the due date follows the campaign's working days."""
    if refusal := _wrong_state(request, message, MessageStatus.RECEIVED, MessageStatus.FORWARDED):
        return refusal
    today = timezone.localdate()
    form = ForwardForm(request.POST or None, units=services.forward_candidates(message),
                       initial={"unit": message.assigned_unit_id or message.unit_id,
                                "cadre": message.assigned_cadre_id})
    if submit(request, form, lambda d: services.message_forward(message=message, campaign=campaign, today=today,
                                                                by=request.user, **d),
              success=lambda m: _("Message forwarded; the answer is due on %(date)s.")
              % {"date": date_format(m.due_date)}):
        return redirect(message)
    return _step_page(request, message, form, _("Forward for an answer"),
                      due_preview=add_working_days(today, campaign.message_answer_working_days),
                      working_days=campaign.message_answer_working_days)


@permission_required("feedback.answer_message", _scoped)
@form_once
def message_answer(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 the answering unit (its liaison or office) writes the answer for the office to review."""
    if refusal := _wrong_state(request, message, MessageStatus.FORWARDED):
        return refusal
    form = AnswerForm(request.POST or None, submit_label=_("Send the answer for review"),
                      initial={"text": message.answer})
    if submit(request, form, lambda d: services.message_answer(message=message, text=d["text"], by=request.user),
              success=_("Answer sent to the activity office for review.")):
        return redirect(message)
    return _step_page(request, message, form, _("Answer the message"))


@permission_required("feedback.review_answer", _scoped)
def message_publish(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 the office publishes the answer (the citizen reads it by code)."""
    if refusal := _wrong_state(request, message, MessageStatus.ANSWERED):
        return refusal
    form = AnswerForm(request.POST or None, submit_label=_("Publish"), initial={"text": message.answer})
    if submit(request, form, lambda d: services.message_publish(message=message, text=d["text"], by=request.user),
              success=_("Answer published.")):
        return redirect(message)
    return _step_page(request, message, form, _("Publish the answer"))


@permission_required("feedback.review_answer", _scoped)
def message_return(request: HttpRequest, message: Message) -> HttpResponse:
    """R4.4 the office sends the answer back to the unit with its reasons."""
    if refusal := _wrong_state(request, message, MessageStatus.ANSWERED):
        return refusal
    form = ReturnForm(request.POST or None)
    if submit(request, form, lambda d: services.message_return(message=message, today=timezone.localdate(),
                                                               by=request.user, **d),
              success=lambda m: _("Answer sent back to %(unit)s.") % {"unit": m.assigned_unit.name}):
        return redirect(message)
    return _step_page(request, message, form, _("Send the answer back"))


@sensitive_post_parameters("citizen_name", "citizen_phone")  # issue 15: not in error reports
@permission_required("feedback.record_letter")
@campaign_required
@form_once
@sensitive_variables("d")  # the cleaned data handed to the service
def letter_add(request: HttpRequest, campaign) -> HttpResponse:
    """R4.3 record a letter or visit received (by a supervision group, an office, a unit): it enters the
    same pipeline as the board's messages, routed to the office of the unit concerned."""
    in_scope = Unit.objects.visible_to(request.user)
    receivers = selectors.letter_receivers(request.user)
    raw_unit = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    unit = in_scope.filter(pk=raw_unit).first() if str(raw_unit or "").isdigit() else None
    form = LetterForm(request.POST or None, receivers=receivers, units=in_scope,
                      initial={"unit": unit.pk if unit else None, "received_on": timezone.localdate(),
                               "received_by": receivers.first().pk if receivers.count() == 1 else None})
    if message := submit(
            request, form, lambda d: services.message_submit(campaign=campaign, by=request.user, **d),
            success=lambda m: _("Recorded with tracking code %(code)s and sent to the activity office of "
                                "%(office)s.") % {"code": m.tracking_code, "office": m.office_unit.name}):
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
