"""Shared by the supervision services: the moment of an action, the card's history, who to notify."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from campaign.services.notifications import notifications_settle, notify
from units.models import RoleAssignment, Unit

from ..models import CardEvent, SupervisionCard


def moment(today: datetime.date | None) -> tuple[datetime.date, datetime.datetime]:
    """The date and time of an action; a given ``today`` (tests, demo data) dates it at 9:00 that day."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return timezone.localdate(now), now
    return today, timezone.make_aware(datetime.datetime.combine(today, datetime.time(9, 0)))


def event_log(*, card: SupervisionCard, kind: str, actor, at: datetime.datetime, note: str = "",
              step=None) -> CardEvent:
    """A line of the card's history (R1.3: who, when, why); the actor's notifications about the card are
    settled with it (issue 12: the bell counts what still waits)."""
    event = CardEvent.objects.create(card=card, kind=kind, actor=actor, at=at, note=note, step=step)
    notifications_settle(user=actor, urls=[card.get_absolute_url()])
    return event


def unit_answerer_ids(unit: Unit) -> set[int]:
    """The unit's liaisons (and, without one, its own activity office)."""
    rows = list(RoleAssignment.objects.filter(unit=unit, role__in=["liaison", "office"], user__is_active=True)
                .values_list("user_id", "role"))
    liaisons = {uid for uid, role in rows if role == "liaison"}
    return liaisons or {uid for uid, _role in rows}


def group_member_ids(card: SupervisionCard) -> set[int]:
    return card.group.member_ids()


def leader_ids_over(unit: Unit) -> set[int]:
    """Leaders whose scope covers the unit: the unit's own and its ancestors'."""
    prefixes = [unit.path[:end] for end in range(Unit.steplen, len(unit.path) + 1, Unit.steplen)]
    return set(RoleAssignment.objects.filter(role="leader", unit__path__in=prefixes, user__is_active=True)
               .values_list("user_id", flat=True))


def card_notify(*, card: SupervisionCard, user_ids: set[int], title: str, body: str = "",
                exclude: int | None = None) -> None:
    """Notify about a card in the site's language (recipients read it later, each in their own session)."""
    ids = {uid for uid in user_ids if uid and uid != exclude}
    if not ids:
        return
    notify(user_ids=ids, title=title, body=body, url=reverse("supervision:card_detail", args=[card.pk]))


def site_language():
    return translation.override(settings.LANGUAGE_CODE)


def require(user, perm: str, obj=None) -> None:
    """Refuse (``PermissionDenied``) unless ``user`` holds ``perm`` on ``obj`` (supervision.permissions).
    ``user=None`` is the system itself (a sweep, a migration): it needs no permission."""
    if user is not None and not user.has_perm(perm, obj):
        raise PermissionDenied
