"""Reusable filters of the supervision app; ``visible_to`` goes through units.scoping like every app."""
from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from units.scoping import scope_q


class SupervisionGroupQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SupervisionGroupQuerySet":
        """Groups issued within the user's scope, assigned to a unit in it, or that the user belongs to."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser and user.is_active:
            return self.all()
        through = self.model.units.through
        members = self.model.members.through
        # subqueries, not joins across the M2M tables: no duplicate rows, no DISTINCT
        return self.filter(
            scope_q(user, "leading_unit__")
            | Q(pk__in=through.objects.filter(scope_q(user, "unit__")).values("supervisiongroup_id"))
            | Q(pk__in=members.objects.filter(user=user).values("supervisiongroup_id"))
            | Q(leader=user)
        )

    def public(self) -> "SupervisionGroupQuerySet":
        """R4.3 the groups shown to the public: the active ones."""
        return self.filter(is_active=True)


class CardQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CardQuerySet":
        return self.filter(scope_q(user, "unit__"))

    def open(self) -> "CardQuerySet":
        return self.exclude(status="closed")

    def unit_owes(self) -> "CardQuerySet":
        from .models.cards import UNIT_OWES

        return self.filter(status__in=UNIT_OWES)

    def overdue(self, today: datetime.date) -> "CardQuerySet":
        """Cards whose unit still owes the next move after the due date."""
        return self.unit_owes().filter(due_date__lt=today)

    def not_overdue(self, today: datetime.date) -> "CardQuerySet":
        return self.exclude(pk__in=self.model.objects.overdue(today).values("pk"))

    def escalated(self) -> "CardQuerySet":
        from .models.escalation import EscalationStep

        return self.filter(pk__in=EscalationStep.objects.values("card_id"))
