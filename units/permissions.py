"""Who may do what — the shared predicates every app builds its permissions on, and the units app's
own permissions (django-rules; loaded in ``UnitsConfig.ready``).

Seeing is scoping (``visible_to``, a 404 outside it); these answer "in scope, may this user do it?"
(403 when not). Every other app's ``permissions.py`` combines these predicates; none defines its own
notion of "office" or "superuser".
"""
from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied

from .models import Unit
from .scoping import WRITE_ROLES, can_write_unit, grants_of, in_scope, scope_paths

RECORD_ROLES = frozenset({"office", "admin", "liaison"})


@rules.predicate
def is_superuser(user) -> bool:
    """An active Django superuser: sees and may do everything."""
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


@rules.predicate
def is_office(user) -> bool:
    """R0.3 activity office staff or an administrator at any level (or a superuser). The one definition."""
    return is_superuser(user) or any(g.role in WRITE_ROLES for g in grants_of(user))


@rules.predicate
def is_provincial_office(user) -> bool:
    """X2 the provincial activity office: office staff or administrators bound to a root unit."""
    return is_superuser(user) or any(g.role in WRITE_ROLES and g.depth == 1 for g in grants_of(user))


@rules.predicate
def records_for_some_unit(user) -> bool:
    """R0.3 an office, administrator or liaison somewhere: may record a unit's records (study, meetings…)."""
    return is_superuser(user) or any(g.role in RECORD_ROLES for g in grants_of(user))


@rules.predicate
def has_any_role(user) -> bool:
    """Any staff role (or a superuser)."""
    return is_superuser(user) or bool(grants_of(user))


@rules.predicate
def is_leader(user) -> bool:
    """R6 a leader of a leading group somewhere (reads dashboards, approves escalations)."""
    return any(g.role == "leader" for g in grants_of(user))


@rules.predicate
def manages_unit(user, unit) -> bool:
    """R0.3 an office (or administrator) whose subtree holds ``unit``."""
    return unit is not None and in_scope(user, unit, WRITE_ROLES)


@rules.predicate
def writes_unit_records(user, unit) -> bool:
    """R0.3 an office over ``unit``, or the unit's own liaison: enters the unit's records."""
    return unit is not None and can_write_unit(user, unit)


@rules.predicate
def leads_over_unit(user, unit) -> bool:
    """R1.3, R6.3 a leader whose subtree holds ``unit``."""
    return unit is not None and in_scope(user, unit, {"leader"})


@rules.predicate
def unit_is_open(user, obj) -> bool:
    """R0.1 the unit an action creates something in (the object itself, or its ``unit``) is not closed:
    a closed unit keeps its records but takes no new ones. Without an object: nothing to check."""
    unit = getattr(obj, "unit", obj) if obj is not None and not isinstance(obj, Unit) else obj
    return unit is None or getattr(unit, "closed_on", None) is None


def require(user, perm: str, obj=None) -> None:
    """A service's check: refuse (``PermissionDenied``) unless ``user`` holds ``perm`` (on ``obj``).
    ``user=None`` is the system itself (a sweep, the demo data, the public board): it needs no permission."""
    if user is not None and not user.has_perm(perm, obj):
        raise PermissionDenied


rules.add_perm("units.add_unit", manages_unit & unit_is_open)
rules.add_perm("units.change_unit", manages_unit)
rules.add_perm("units.import_units", is_office)
rules.add_perm("units.add_cadre", writes_unit_records & unit_is_open)
rules.add_perm("units.change_cadre_of", writes_unit_records)


@rules.predicate
def writes_cadre(user, cadre) -> bool:
    """R0.2 an office over the cadre's unit, or that unit's own liaison: edits or removes the cadre."""
    return cadre is not None and can_write_unit(user, cadre.unit)


rules.add_perm("units.change_cadre", writes_cadre)

# R0.1 moving a unit (with its subtree): an office over the unit's parent, as for closing it; the new
# parent is checked with add_unit


@rules.predicate
def manages_parent_of(user, unit) -> bool:
    """R0.1 an office over the unit's parent: closes or merges the unit (never its own top unit)."""
    if unit is None or unit.depth <= 1:
        return False
    return in_scope(user, Unit.objects.get_parent(unit), WRITE_ROLES)


# R0.1 closing or merging a unit during the campaign: an office over the unit's parent
rules.add_perm("units.close_unit", manages_parent_of)
rules.add_perm("units.move_unit", manages_parent_of)


# --- R0.1 accounts and roles, managed by the activity offices within their subtree ---------------------
#
# Decision: an office (or administrator) manages an account only when *every* role the account holds lies
# in the office's subtree. Otherwise a county office could reset the password of, or deactivate, an account
# that also acts for the province or for a neighbouring county, and so take it over. An account holding a
# role elsewhere is still listed to each office whose subtree holds one of its roles (read only). Accounts
# without any role (created in the admin, or before this page) are the provincial office's; superuser
# accounts are the superusers'. Roles are granted on units of one's own subtree only, never above or beside.


def _account_unit_paths(account) -> list[str]:
    from .models import RoleAssignment

    return list(RoleAssignment.objects.filter(user=account).values_list("unit__path", flat=True))


@rules.predicate
def manages_account(user, account) -> bool:
    """R0.1 an office whose subtree holds every role of ``account``: resets, deactivates it, grants it roles."""
    if account is None:
        return False
    if is_superuser(user):
        return True
    if getattr(account, "is_superuser", False):
        return False
    paths = scope_paths(user, WRITE_ROLES)
    if not paths:
        return False
    unit_paths = _account_unit_paths(account)
    if not unit_paths:
        return is_provincial_office(user)
    return all(any(path.startswith(p) for p in paths) for path in unit_paths)


@rules.predicate
def manages_assignment(user, assignment) -> bool:
    """R0.1 an office over the role's unit that manages the account holding it: revokes the role."""
    return assignment is not None and manages_unit(user, assignment.unit) and manages_account(user, assignment.user)


rules.add_perm("units.manage_accounts", is_office)
rules.add_perm("units.manage_account", manages_account)
rules.add_perm("units.grant_role", manages_unit & unit_is_open)
rules.add_perm("units.revoke_role", manages_assignment)


@rules.predicate
def owns_live_session(user, session) -> bool:
    return session is not None and session.user_id == getattr(user, "pk", None) and session.ended_at is None


# issue 15: a user ends their own signed-in sessions, nobody else's
rules.add_perm("units.end_session", owns_live_session)
