"""Who may change the campaign's parameters and calendar (X2)."""
from __future__ import annotations

from units.scoping import WRITE_ROLES, grants_of


def is_provincial_office(user) -> bool:
    """X2: the provincial activity office (office staff or administrators bound to a root unit)."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.role in WRITE_ROLES and g.depth == 1 for g in grants_of(user))


def is_office(user) -> bool:
    """Office staff or administrators at any level."""
    if getattr(user, "is_superuser", False):
        return True
    return any(g.role in WRITE_ROLES for g in grants_of(user))
