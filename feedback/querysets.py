"""Reusable filters of the feedback app; ``visible_to`` is each model's scoped door (DESIGN "Scoping")."""
from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from units.scoping import WRITE_ROLES, grants_of, scope_q


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MessageQuerySet":
        """The unit concerned or the answering unit lies in the user's subtrees (both are plain FKs:
        no row is duplicated)."""
        return self.filter(scope_q(user, "unit__") | scope_q(user, "assigned_unit__"))

    def open(self) -> "MessageQuerySet":
        from .models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> "MessageQuerySet":
        from .models import MessageStatus

        return self.filter(status=MessageStatus.FORWARDED, due_date__lt=today)

    def awaiting(self, user) -> "MessageQuerySet":
        """R4.4 the user's own to-do: triage and review for their office, answers for their units."""
        return self.filter(awaiting_q(user))


def awaiting_q(user) -> Q:
    """What waits for the user: an office triages and reviews what was routed to it and answers
    what was forwarded to its own unit; a liaison answers what was forwarded to their unit."""
    from .models import MessageStatus

    if getattr(user, "is_superuser", False):
        return Q(status__in=[MessageStatus.RECEIVED, MessageStatus.ANSWERED])
    office_units = [g.unit_id for g in grants_of(user) if g.role in WRITE_ROLES]
    answering_units = office_units + [g.unit_id for g in grants_of(user) if g.role == "liaison"]
    q = Q(pk__in=[])
    if office_units:
        q |= Q(office_unit_id__in=office_units, status__in=[MessageStatus.RECEIVED, MessageStatus.ANSWERED])
    if answering_units:
        q |= Q(assigned_unit_id__in=answering_units, status=MessageStatus.FORWARDED)
    return q


class OfficeDigestQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OfficeDigestQuerySet":
        return self.filter(scope_q(user, "office_unit__"))


class OpinionSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "OpinionSessionQuerySet":
        return self.filter(scope_q(user, "unit__"))


class FieldResearchStayQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FieldResearchStayQuerySet":
        """The cadre's unit or the host unit lies in the user's subtrees."""
        return self.filter(scope_q(user, "cadre__unit__") | scope_q(user, "host_unit__"))
