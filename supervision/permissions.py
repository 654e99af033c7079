"""Who acts on supervision records, as predicates over the user's grants (units.scoping).

Out of scope is decided earlier, by ``visible_to`` (404); these answer "in scope, but may this
user do it?" (403 when not).
"""
from __future__ import annotations

from units.scoping import WRITE_ROLES, grants_of, in_scope

ANSWER_ROLES = frozenset({"liaison", "office", "admin"})


def _superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def manages_group(user, group) -> bool:
    """The activity office (or administrator) of the issuing leading group's subtree."""
    return in_scope(user, group.leading_unit, WRITE_ROLES)


def can_create_group(user) -> bool:
    return _superuser(user) or any(g.role in WRITE_ROLES for g in grants_of(user))


def acts_for_group(user, group) -> bool:
    """R1.3 the group's leader and members, and the activity office that sent the group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == group.leader_id or manages_group(user, group):
        return True
    return group.members.filter(pk=user.pk).exists()


def answers_for_unit(user, unit) -> bool:
    """R1.3 the unit's own liaison or activity office signs for and answers its cards."""
    if _superuser(user):
        return True
    return any(g.unit_id == unit.pk and g.role in ANSWER_ROLES for g in grants_of(user))


def approves_for_unit(user, unit) -> bool:
    """R1.3 a leader whose scope covers the unit approves interviews and accountability proposals."""
    return in_scope(user, unit, {"leader"})
