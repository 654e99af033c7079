"""R5.4 key-contact units and the escalation queue; a unit's supervision page (R1.1–R5.4 in one place)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.models import Campaign
from campaign.views.common import no_campaign_response
from units.scoping import can_write_unit, scope_q

from ..filters import FailingFilter, QueueFilter
from ..models import StepKind, SupervisionCard
from ..permissions import upper_office_of
from ..selectors.attention import (
    failings_by_unit,
    grouped_by_unit,
    key_contact_failings_qs,
    key_contact_rows,
    mark_units,
)
from ..selectors.attention import escalation_queue as queue_of
from ..selectors.attention import unit_supervision as unit_supervision_of
from .common import filtered, list_context, visible_unit, wants_xlsx, xlsx_download


@login_required
def key_contacts(request: HttpRequest) -> HttpResponse:
    """R5.4 units on key contact in the user's scope: their failings, since when, who noted them; Excel export."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    failings = key_contact_failings_qs(campaign).filter(scope_q(request.user, "unit__"))
    failing_filter, qs = filtered(request, FailingFilter, failings)
    groups = grouped_by_unit(qs, "noted_on")
    cards = SupervisionCard.objects.visible_to(request.user).filter(campaign=campaign)
    if wants_xlsx(request):
        headers = [_("Unit"), _("On key contact since"), _("Failings"), _("Noted by"), _("Open cards")]
        return xlsx_download(stem=_("key-contact-units"), title=_("Key-contact units"), headers=headers, rows=[
            [r.unit.name, r.since, "、".join(r.reasons), "\n".join(s[0] for s in r.sources), r.open_cards]
            for r in key_contact_rows(groups, qs, cards)])
    page = Paginator(groups, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = key_contact_rows(page.object_list, qs, cards)
    mark_units([r.unit for r in page.object_list], campaign=campaign)
    return render(request, "supervision/key_contacts.html", list_context(request, failing_filter, page))


@login_required
def escalation_queue(request: HttpRequest) -> HttpResponse:
    """R5.4 the open cards of key-contact units: the highest rung first, then the longest overdue."""
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    queue = queue_of(SupervisionCard.objects.visible_to(request.user), campaign)
    queue_filter, qs = filtered(request, QueueFilter, queue, user=request.user)
    if wants_xlsx(request):
        reasons = failings_by_unit({c.unit_id for c in qs}, campaign)
        headers = [_("Card number"), _("Unit"), _("Failings"), _("Status"), _("Due date"), _("Days overdue"),
                   _("Highest step reached")]
        return xlsx_download(stem=_("escalation-queue"), title=_("Escalation queue"), headers=headers, rows=[
            [c.number, c.unit.name, "、".join(reasons.get(c.unit_id, [])), c.get_status_display(), c.due_date,
             c.days_overdue(today), StepKind(c.level).label if c.level else ""] for c in qs])
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    reasons = failings_by_unit({c.unit_id for c in page.object_list}, campaign)
    mark_units([c.unit for c in page.object_list], campaign=campaign)
    for card in page.object_list:
        card.overdue_now, card.days_overdue_now = card.is_overdue(today), card.days_overdue(today)
        card.level_label = StepKind(card.level).label if card.level else ""
        card.failings = reasons.get(card.unit_id, [])
    return render(request, "supervision/escalation_queue.html", list_context(request, queue_filter, page))


@login_required
def unit_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.1–R5.4 supervision of one unit: its marks, dispatches of its top leader, self-check, spot checks,
    inspection findings and cards (the newest of each)."""
    unit = visible_unit(request, pk)
    campaign = Campaign.objects.current()
    if campaign is None:
        return no_campaign_response(request)
    today = timezone.localdate()
    mark_units([unit], campaign=campaign)
    data = unit_supervision_of(unit, campaign, SupervisionCard.objects.visible_to(request.user))
    for d in data.dispatches:
        d.overdue_now = d.follow_up_overdue(today)
    for card in data.cards:
        card.overdue_now = card.is_overdue(today)
    return render(request, "supervision/unit_supervision.html", {
        "unit": unit, "today": today, "s": data, "failings": data.failings, "dispatches": data.dispatches,
        "may_dispatch": upper_office_of(request.user, unit), "may_self_check": can_write_unit(request.user, unit)})


urlpatterns = [
    path("key-contacts/", key_contacts, name="key_contacts"),
    path("escalation-queue/", escalation_queue, name="escalation_queue"),
    path("units/<int:pk>/", unit_supervision, name="unit_supervision"),
]
