"""Who acts on supervision records, as predicates over the user's grants (units.scoping).

Out of scope is decided earlier, by ``visible_to`` (404); these answer "in scope, but may this
user do it?" (403 when not).
"""
from __future__ import annotations

from units.permissions import is_office, is_superuser
from units.scoping import WRITE_ROLES, grants_of, in_scope

ANSWER_ROLES = frozenset({"liaison", "office", "admin"})


def manages_group(user, group) -> bool:
    """The activity office (or administrator) of the issuing leading group's subtree."""
    return in_scope(user, group.leading_unit, WRITE_ROLES)


def can_create_group(user) -> bool:
    return is_office(user)


def office_unit_above(user, unit):
    """R1.1, R1.2 the grant of the nearest activity office above ``unit`` the user works for, or ``None``.

    An office bound to the unit itself is not above it: a unit neither dispatches nor verifies itself.
    """
    above = [g for g in grants_of(user)
             if g.role in WRITE_ROLES and g.unit_id != unit.pk and unit.path.startswith(g.path)]
    return max(above, key=lambda g: g.depth, default=None)


def upper_office_of(user, unit) -> bool:
    """R1.1 an activity office (or administrator) above the unit: it dispatches the unit's top leader."""
    return (is_superuser(user) and unit.depth > 1) or office_unit_above(user, unit) is not None


def verifies_unit(user, unit) -> bool:
    """R1.2 verification (核查) of a unit's self-check: an office above it, or a supervision group over it."""
    return upper_office_of(user, unit) or in_scope(user, unit, {"supervisor"})


def acts_for_group(user, group) -> bool:
    """R1.3 the group's leader and members, and the activity office that sent the group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == group.leader_id or manages_group(user, group):
        return True
    return group.members.filter(pk=user.pk).exists()


def answers_for_unit(user, unit) -> bool:
    """R1.3 the unit's own liaison or activity office signs for and answers its cards."""
    if is_superuser(user):
        return True
    return any(g.unit_id == unit.pk and g.role in ANSWER_ROLES for g in grants_of(user))


def approves_for_unit(user, unit) -> bool:
    """R1.3 a leader whose scope covers the unit approves interviews and accountability proposals."""
    return in_scope(user, unit, {"leader"})
