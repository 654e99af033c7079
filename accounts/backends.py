"""Signing in with a portal password, without Django's model permissions (issue 13).

Who may do what is a django-rules rule (each app's ``permissions.py``, asked through
``rules.permissions.ObjectPermissionBackend``); the portal never gives a user or a group a Django model permission,
and the Django admin is for superusers only (README, "Roles and scope"). Django's ``ModelBackend`` still looked them
up: every ``user.has_perm`` a rule answered "no" to — a menu entry the user may not see, on nearly every page —
went on to ModelBackend, which read the user's and the groups' permissions, two queries per request, to find none.

``PasswordBackend`` is ModelBackend for signing in and loading the signed-in user, and grants no model permission,
so that question costs nothing. A superuser still passes every ``has_perm`` (Django's ``PermissionsMixin`` answers
for them before asking any backend), so the admin site works as before; a model permission ticked for a user in
the admin gives them nothing.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PasswordBackend(ModelBackend):
    """ModelBackend's sign-in (password, ``is_active``) and ``get_user``; no model permissions."""

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    async def aget_user_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    async def aget_group_permissions(self, user_obj, obj=None) -> set[str]:
        return set()

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        """The users holding ``perm`` through this backend: the superusers only (when asked for)."""
        users = get_user_model()._default_manager
        if not include_superusers or obj is not None:  # as ModelBackend: nobody holds a permission on an object
            return users.none()
        found = users.filter(is_superuser=True)
        return found.filter(is_active=is_active) if is_active is not None else found
