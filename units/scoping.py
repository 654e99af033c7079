"""The one door to data: every list or count a user sees is limited to their subtree.

A user's roles are rows (user, unit, role). ``scope_q`` ORs the subtrees of those
units into one ``Q`` on the materialized path, so a scoped query is a single filter
with no extra joins (DESIGN.md, "Scoping"). Every ``visible_to(user)`` is built on it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

WRITE_ROLES = frozenset({"office", "admin"})


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    path: str
    unit_name: str
    depth: int


GrantProvider = Callable[[object], Iterable[Grant]]
_providers: list[GrantProvider] = []


def register_grant_provider(provider: GrantProvider) -> None:
    """Let a higher app add grants (e.g. supervision groups → their assigned units) without
    this app importing it: called from that app's ``AppConfig.ready``."""
    if provider not in _providers:
        _providers.append(provider)


def grants_of(user) -> tuple[Grant, ...]:
    """The user's role rows (and provided grants), loaded once per request and kept on the user."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_dudao_grants", None)
    if cached is None:
        from .models import RoleAssignment

        rows = [
            Grant(r.role, r.unit_id, r.unit.path, r.unit.name, r.unit.depth)
            for r in RoleAssignment.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")
        ]
        for provider in _providers:
            rows.extend(provider(user))
        cached = tuple(rows)
        user._dudao_grants = cached
    return cached


def roles_of(user) -> set[str]:
    return {g.role for g in grants_of(user)}


def _collapse(paths: list[str]) -> list[str]:
    """Drop paths that lie inside another one: their subtree is already covered."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_paths(user, roles: frozenset[str] | set[str] | None = None) -> list[str] | None:
    """Root paths of the user's subtrees; ``None`` means everything (superuser)."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return None
    return _collapse([g.path for g in grants_of(user) if roles is None or g.role in roles])


def scope_q(user, prefix: str = "", roles=None) -> Q:
    """Q limiting ``<prefix>path`` to the user's subtrees (nothing for a user without roles). ``prefix`` is a
    relation (``"unit__"``) or the start of a field holding a copy of the path (``"unit_"``: ``Cadre.unit_path``)."""
    paths = scope_paths(user, roles)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])  # nothing (on the model's own key: ``prefix`` may name a copied path field)
    q = Q()
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def in_scope(user, unit, roles=None) -> bool:
    """Whether ``unit`` lies in the user's subtrees (optionally only those of ``roles``)."""
    paths = scope_paths(user, roles)
    if paths is None:
        return True
    return any(unit.path.startswith(p) for p in paths)


def can_write_unit(user, unit) -> bool:
    """Office staff and administrators write within their subtree; a liaison only in their own unit."""
    if in_scope(user, unit, WRITE_ROLES):
        return True
    return any(g.role == "liaison" and g.unit_id == unit.pk for g in grants_of(user))
