"""Issue 15 who must sign in with a second factor: the roles the site setting ``SECOND_FACTOR_ROLES`` names
(office staff, leaders and administrators by default in production; a superuser counts as an administrator).
Anyone else may turn it on for themselves; once on, it is asked at every log-in."""
from __future__ import annotations

from django.conf import settings

from units.scoping import roles_of


def second_factor_required(user) -> bool:
    """Whether the site asks this user for a second factor whatever they choose."""
    if not getattr(user, "is_authenticated", False):
        return False
    required = set(getattr(settings, "SECOND_FACTOR_ROLES", ()))
    if not required:
        return False
    roles = roles_of(user)
    if getattr(user, "is_superuser", False):
        roles = roles | {"admin"}
    return bool(roles & required)


def lock_limit() -> int:
    """Wrong codes in a row that lock the second step: the same number as wrong passwords (axes)."""
    return int(getattr(settings, "AXES_FAILURE_LIMIT", 5))


def lock_seconds() -> float:
    """How long that lock lasts: the same cool-off as wrong passwords (``AXES_COOLOFF_HOURS``)."""
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", 0.5)
    seconds = cooloff.total_seconds() if hasattr(cooloff, "total_seconds") else float(cooloff) * 3600
    return seconds
