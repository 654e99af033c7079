"""Reusable filters of the units app; ``visible_to`` is the scoped door for each model."""
from __future__ import annotations

from django.db import models
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

from .scoping import scope_q


class UnitQuerySet(MP_NodeQuerySet):
    def visible_to(self, user) -> "UnitQuerySet":
        return self.filter(scope_q(user))

    def subtree_of(self, unit) -> "UnitQuerySet":
        return self.filter(path__startswith=unit.path)

    def search(self, text: str) -> "UnitQuerySet":
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(code__iexact=text))


class UnitManager(MP_NodeManager):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model).order_by("path")

    def visible_to(self, user) -> UnitQuerySet:
        return self.get_queryset().visible_to(user)


class CadreQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CadreQuerySet":
        return self.filter(scope_q(user, "unit__"))

    def in_subtree_of(self, unit) -> "CadreQuerySet":
        return self.filter(unit__path__startswith=unit.path)


class RoleAssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RoleAssignmentQuerySet":
        return self.filter(scope_q(user, "unit__"))
