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
    return answerers_of([unit.pk]).get(unit.pk, set())


def answerers_of(unit_ids) -> dict[int, set[int]]:
    """``unit_answerer_ids`` of many units in one query: each unit's liaisons, else its own office."""
    rows: dict[int, dict[str, set[int]]] = {}
    for unit_id, user_id, role in RoleAssignment.objects.filter(
            unit_id__in=set(unit_ids), role__in=["liaison", "office"], user__is_active=True
    ).values_list("unit_id", "user_id", "role"):
        rows.setdefault(unit_id, {}).setdefault(role, set()).add(user_id)
    return {unit_id: roles.get("liaison") or set().union(*roles.values()) for unit_id, roles in rows.items()}


def group_member_ids(card: SupervisionCard) -> set[int]:
    return card.group.member_ids()


def leader_ids_over(unit: Unit) -> set[int]:
    """Leaders whose scope covers the unit: the unit's own and its ancestors'."""
    return leaders_over([unit]).get(unit.path, set())


def leaders_over(units) -> dict[str, set[int]]:
    """``leader_ids_over`` of many units in one query: unit path → the leaders of it and its ancestors."""
    if not units:
        return {}
    by_prefix: dict[str, set[int]] = {}
    for path, user_id in RoleAssignment.objects.filter(
            role="leader", unit__path__in={p for unit in units for p in Unit.path_prefixes(unit.path)},
            user__is_active=True
    ).values_list("unit__path", "user_id"):
        by_prefix.setdefault(path, set()).add(user_id)
    return {unit.path: set().union(*(by_prefix.get(p, set()) for p in Unit.path_prefixes(unit.path))) for unit in units}


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
