"""Reusable filters of the supervision app; ``visible_to`` goes through units.scoping like every app."""
from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q

from units.scoping import WRITE_ROLES, scope_q


def acts_for_group_q(user, prefix: str = "") -> Q:
    """R1.3 the groups (``prefix`` leading to a group) the user acts for: its leader, its members and the
    activity office of its leading group's subtree (the same people as ``supervision.act_for_group``)."""
    from .models.groups import SupervisionGroup

    if user.is_superuser and user.is_active:
        return Q(**{f"{prefix}pk__isnull": False})
    members = SupervisionGroup.members.through.objects.filter(user=user).values("supervisiongroup_id")
    return (Q(**{f"{prefix}leader": user}) | Q(**{f"{prefix}pk__in": members})
            | scope_q(user, f"{prefix}leading_unit__", WRITE_ROLES))


def acts_for_plan_q(user) -> Q:
    """R5.3 the cross inspections whose group the user acts for."""
    return acts_for_group_q(user, "group__")


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


class UnitScopedQuerySet(models.QuerySet):
    """Records about one unit: visible where the unit is (the unit's subtree of each role)."""

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(scope_q(user, "unit__"))


class DispatchQuerySet(UnitScopedQuerySet):
    def follow_up_overdue(self, today: datetime.date) -> "DispatchQuerySet":
        """R1.1 dispatches whose follow-up was due before ``today`` and is not reported done."""
        return self.filter(follow_up_due__lt=today, follow_up_done_on__isnull=True)


class SelfCheckQuerySet(UnitScopedQuerySet):
    pass


class SpotCheckQuerySet(UnitScopedQuerySet):
    pass


class UnitFailingQuerySet(UnitScopedQuerySet):
    pass


class SpecialInspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SpecialInspectionQuerySet":
        """Inspections organised within the user's scope, or covering a unit in it."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser and user.is_active:
            return self.all()
        from .models.inspections import InspectionUnit

        return self.filter(scope_q(user, "organising_unit__")
                           | Q(pk__in=InspectionUnit.objects.filter(scope_q(user, "unit__")).values("inspection_id")))

    def running(self, today) -> "SpecialInspectionQuerySet":
        """R3.3 inspections under way on ``today`` (between their first and last day)."""
        return self.filter(start_date__lte=today, end_date__gte=today)


class CrossInspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CrossInspectionQuerySet":
        """Plans of the groups the user acts for (leader, member, the office that sends the group), and plans
        that go into a unit of the user's scope. Seeing a group because one's unit is assigned to it does
        not open its plans into other regions (their findings are about units outside one's subtree)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser and user.is_active:
            return self.all()
        from .models.inspections import CrossTarget

        return self.filter(acts_for_plan_q(user)
                           | Q(pk__in=CrossTarget.objects.filter(scope_q(user, "unit__")).values("plan_id")))

    def running(self, today: datetime.date) -> "CrossInspectionQuerySet":
        return self.filter(closed_at__isnull=True, start_date__lte=today, end_date__gte=today)
