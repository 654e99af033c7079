"""Issue 15: optional single sign-on against the province's LDAP directory (django-auth-ldap).

In AUTHENTICATION_BACKENDS only when LDAP_SERVER_URI is set (config/settings/base.py): this module needs
python-ldap, which `make run` does not install.

- Roles: a directory group is mapped to a portal role by LDAP_GROUP_ROLES (group cn → "role" or "role@unit code");
  without "@code" the unit is the one whose code is in the person's LDAP_USER_UNIT_ATTR (departmentNumber by
  default). At each directory log-in the portal grants the roles the directory gives and revokes the ones the
  directory granted earlier and gives no more — through ``units.services`` (RoleChange rows, the audit log), with
  the directory as the actor (``by`` empty). A role an office granted stays whatever the directory says.
- A local account (one with a password in the portal) is never taken over by a directory entry of the same name:
  the directory refuses it and ``accounts.backends.PasswordBackend`` checks its own password.
- A directory that does not answer (SERVER_DOWN, TIMEOUT) flags the request; the log-in page says so and local
  accounts log in with their passwords meanwhile.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

import ldap
from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error

from units.errors import UnitsError
from units.models import Role, RoleAssignment, RoleChange, Unit
from units.services import role_grant, role_revoke

from .login import directory_unreachable_mark

log = logging.getLogger(__name__)

#: the directory did not answer (refused, timed out): not the person's mistake
UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)

RoleKey = tuple[int, str]  # (unit id, role)


def _parse_mapping(value: str) -> tuple[str, str | None]:
    """"office" → ("office", None); "leader@130000" → ("leader", "130000")."""
    role, _at, code = str(value).partition("@")
    return role.strip(), (code.strip() or None)


def directory_roles(*, group_names: Iterable[str], unit_codes: Iterable[str]) -> dict[RoleKey, Unit]:
    """Issue 15: the roles (unit, role) the directory gives a person in the groups ``group_names`` whose own unit
    codes (LDAP_USER_UNIT_ATTR) are ``unit_codes``, by LDAP_GROUP_ROLES. Unknown roles and units, and closed
    units, give nothing (and are logged: the mapping or the directory needs fixing)."""
    mapping = {str(cn).lower(): value for cn, value in getattr(settings, "LDAP_GROUP_ROLES", {}).items()}
    own_codes = [code for code in unit_codes if code]
    wanted: list[tuple[str, str]] = []
    for name in group_names:
        if name.lower() not in mapping:
            continue
        role, code = _parse_mapping(mapping[name.lower()])
        if role not in Role.values:
            log.error("LDAP_GROUP_ROLES maps group %s to %r, which is not a role (%s)", name, role,
                      ", ".join(Role.values))
            continue
        wanted.extend((role, c) for c in ([code] if code else own_codes))
        if not code and not own_codes:
            log.warning("directory group %s gives role %s on the person's unit, but the person has no %s", name,
                        role, settings.LDAP_USER_UNIT_ATTR)
    units = {u.code: u for u in Unit.objects.filter(code__in={code for _role, code in wanted})}
    roles: dict[RoleKey, Unit] = {}
    for role, code in wanted:
        unit = units.get(code)
        if unit is None:
            log.warning("directory role %s: no unit has the code %s", role, code)
        elif unit.closed_on is not None:
            log.info("directory role %s: unit %s is closed", role, code)
        else:
            roles[(unit.pk, role)] = unit
    return roles


def directory_granted(account) -> set[RoleKey]:
    """The roles of ``account`` the directory granted: the last grant of the (unit, role) was made with nobody as
    the actor (a log-in syncing the directory). An office's grant names the office: never the directory's."""
    last_grant: dict[RoleKey, int | None] = {}
    for unit_id, role, by_id in (RoleChange.objects.filter(user=account, action=RoleChange.Action.GRANTED)
                                 .order_by("at", "pk").values_list("unit_id", "role", "by_id")):
        last_grant[(unit_id, role)] = by_id
    return {key for key, by_id in last_grant.items() if by_id is None}


@transaction.atomic
def directory_roles_sync(*, account, roles: dict[RoleKey, Unit]) -> set[RoleKey]:
    """Issue 15: make ``account``'s roles follow the directory: grant the ``roles`` it gives that the account does
    not hold, revoke those the directory granted and gives no more; an office's grants are never touched. Returns
    the roles the account holds afterwards that the directory does not withdraw (a revocation ``role_revoke``
    refuses — the account's only role — stays, and is not counted)."""
    held = {(a.unit_id, a.role): a for a in RoleAssignment.objects.filter(user=account).select_related("unit")}
    for key, unit in roles.items():
        if key not in held:
            try:
                held[key] = role_grant(user=None, account=account, unit=unit, role=key[1])
            except UnitsError:  # granted meanwhile by a log-in of the same person in parallel
                pass
    withdrawn = (directory_granted(account) & set(held)) - set(roles)
    kept_anyway = set()
    for key in withdrawn:
        try:
            role_revoke(user=None, assignment=held[key])
        except UnitsError as refusal:
            log.warning("directory withdrew %s from %s, which the portal keeps: %s", key, account.username, refusal)
            kept_anyway.add(key)
    return set(held) - withdrawn - kept_anyway


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap's backend for the portal: local accounts stay local, groups become roles, and a directory
    that does not answer is told to the log-in page."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        self._request = request  # a backend is made for each authenticate() call
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        # called once the directory accepted the password, inside django-auth-ldap's handling of LDAP errors
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.has_usable_password():
            raise ldap_user.AuthenticationFailed(f"{username} is a local account: the directory does not take it over")
        roles = directory_roles(group_names=ldap_user.group_names,
                                unit_codes=(ldap_user.attrs or {}).get(settings.LDAP_USER_UNIT_ATTR, []))
        if not roles:
            kept = set() if built else directory_roles_sync(account=user, roles=roles)
            if not kept and not user.is_superuser:
                request = getattr(self, "_request", None)
                if request is not None:
                    request.directory_no_role = True
                raise ldap_user.AuthenticationFailed(f"the directory gives {username} no role in the portal")
        ldap_user.portal_roles = roles
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        request = getattr(self, "_request", None)
        if not getattr(request, "directory_unreachable", False):
            directory_unreachable_mark(request, False)  # it answered (the password may have been wrong)
        if user is not None:
            directory_roles_sync(account=user, roles=getattr(ldap_user, "portal_roles", {}))
        return user


@receiver(ldap_error, sender=DirectoryBackend, dispatch_uid="accounts.ldap.unreachable")
def _directory_error(sender, context, user, request, exception, **kwargs) -> None:
    """django-auth-ldap swallows LDAP errors (logged, the log-in fails); the unreachable ones reach the page."""
    if isinstance(exception, UNREACHABLE):
        directory_unreachable_mark(request, True)
