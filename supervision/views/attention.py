"""R5.4 key-contact units and the escalation queue; a unit's supervision page (R1.1–R5.4 in one place)."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit
from units.scoping import scope_q
from web.decorators import campaign_required, permission_required
from web.lists import filtered, table_list

from ..filters import FailingFilter, QueueFilter
from ..models import SupervisionCard
from ..selectors.attention import grouped_by_unit, key_contact_failings_qs, key_contact_rows, mark_units
from ..selectors.attention import escalation_queue as queue_of
from ..selectors.attention import unit_supervision as unit_supervision_of
from ..tables import KeyContactTable, QueueTable


@permission_required(None)
@campaign_required
def key_contacts(request: HttpRequest, campaign) -> HttpResponse:
    """R5.4 units on key contact in the user's scope: their failings, since when, who noted them; Excel export."""
    failings = key_contact_failings_qs(campaign).filter(scope_q(request.user, "unit__"))
    failing_filter, qs = filtered(request, FailingFilter, failings, user=request.user)
    cards = SupervisionCard.objects.visible_to(request.user).filter(campaign=campaign)
    rows = key_contact_rows(grouped_by_unit(qs, "noted_on"), qs, cards)
    mark_units([r.unit for r in rows], campaign=campaign)
    return table_list(request, "supervision/key_contacts.html", table=KeyContactTable(rows), filterset=failing_filter,
                      export_stem=_("key-contact-units"), lazy=False)


@permission_required(None)
@campaign_required
def escalation_queue(request: HttpRequest, campaign) -> HttpResponse:
    """R5.4 the open cards of key-contact units: the highest rung first, then the longest overdue."""
    queue = queue_of(SupervisionCard.objects.visible_to(request.user), campaign)
    queue_filter, qs = filtered(request, QueueFilter, queue, user=request.user)
    return table_list(request, "supervision/escalation_queue.html", table=QueueTable(qs, campaign=campaign),
                      filterset=queue_filter, export_stem=_("escalation-queue"), lazy=False)


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def unit_supervision(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R1.1–R5.4 supervision of one unit: its marks, dispatches of its top leader, self-check, spot checks,
    inspection findings and cards (the newest of each)."""
    today = timezone.localdate()
    mark_units([unit], campaign=campaign)
    data = unit_supervision_of(unit, campaign, SupervisionCard.objects.visible_to(request.user))
    for d in data.dispatches:
        d.overdue_now = d.follow_up_overdue(today)
    for card in data.cards:
        card.overdue_now = card.is_overdue(today)
    return render(request, "supervision/unit_supervision.html", {
        "unit": unit, "today": today, "s": data, "failings": data.failings, "dispatches": data.dispatches,
        "may_dispatch": request.user.has_perm("supervision.record_dispatch", unit),
        "may_self_check": request.user.has_perm("supervision.submit_self_check", unit)})


urlpatterns = [
    path("key-contacts/", key_contacts, name="key_contacts"),
    path("escalation-queue/", escalation_queue, name="escalation_queue"),
    path("units/<int:pk>/", unit_supervision, name="unit_supervision"),
]
