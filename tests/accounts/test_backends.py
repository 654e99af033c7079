"""Issue 13: signing in with a portal password grants no Django model permission (``accounts.backends``).

The rules decide who may do what; Django's ModelBackend read the user's and the groups' model permissions on
nearly every page (a menu entry the rules refuse) to find none.
"""
from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory

BACKEND = "accounts.backends.PasswordBackend"
PERMISSION_TABLES = ("auth_permission", "auth_group_permissions", "auth_user_user_permissions")


def _menu(html: str) -> tuple[bool, bool]:
    """Whether the page's menu offers the import and the accounts."""
    return reverse("units:import") in html, 'id="nav-accounts"' in html


@pytest.mark.parametrize("name, offered", [("leader", (False, False)), ("county_office", (True, True)),
                                           ("liaison", (False, False))])
def test_issue13_a_staff_page_reads_no_model_permissions_and_its_menu_follows_the_rules(name, offered, users,
                                                                                      login, campaign):
    """Issue 13: the dashboard of each role's own unit shows the menu the rules allow, without a query on Django's
    permission tables (before: two per page for everyone the rules refused a menu entry)."""
    client = login(users[name])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert _menu(response.content.decode()) == offered
    read = [q["sql"] for q in queries if any(table in q["sql"] for table in PERMISSION_TABLES)]
    assert read == []


def test_issue13_a_model_permission_ticked_in_the_admin_gives_nothing(users, login):
    """Issue 13: the Django admin is for superusers only: a model permission given to a user, directly or through a
    group, opens neither the admin site nor anything else."""
    user = users["county_office"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    change_user = Permission.objects.get(content_type__app_label="auth", codename="change_user")
    user.user_permissions.add(change_user)
    group = Group.objects.create(name="editors")
    group.permissions.add(Permission.objects.get(content_type__app_label="units", codename="change_unit"))
    user.groups.add(group)
    user = get_user_model().objects.get(pk=user.pk)  # no permission kept from before
    assert not user.has_perm("auth.change_user")
    assert not user.has_perm("units.change_unit")
    assert not user.has_module_perms("auth")
    assert user.has_perm("units.import_units")  # the rules still answer
    assert list(get_user_model().objects.with_perm("auth.change_user", backend=BACKEND)) == []
    assert login(user).get(reverse("admin:auth_user_changelist")).status_code == 403


def test_issue13_a_superuser_keeps_the_admin_and_a_password_still_signs_in(db, password, rf):
    """Issue 13: a superuser passes every model permission (Django answers for them before any backend) and
    ``with_perm`` names them; a portal password signs in through ``PasswordBackend``, a wrong one does not."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root.set_password(password)
    root.save()
    assert root.has_perm("auth.change_user")
    assert list(get_user_model().objects.with_perm("auth.change_user", backend=BACKEND)) == [root]
    assert list(get_user_model().objects.with_perm("auth.change_user", backend=BACKEND, obj=root)) == []
    signed_in = authenticate(rf.post("/accounts/login/"), username="root", password=password)
    assert signed_in == root and signed_in.backend == BACKEND
    assert authenticate(rf.post("/accounts/login/"), username="root", password=password + "x") is None


def test_issue13_a_session_signed_in_before_the_upgrade_stays_signed_in(users, client, campaign):
    """Issue 13: a session that Django's ModelBackend signed in is signed out by a Django that no longer lists
    that backend; the migration renames the backend in every stored session, so nobody signs in again (and back)."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    migration = importlib.import_module("accounts.migrations.0001_sessions_sign_in_with_password_backend")
    user = users["county_office"]
    old = SessionStore()
    old.update({"_auth_user_id": str(user.pk), "_auth_user_backend": migration.OLD,
                "_auth_user_hash": user.get_session_auth_hash()})
    old.create()
    other = SessionStore()
    other.update({"note": "a visitor's session, not signed in"})
    other.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = old.session_key
    home = reverse("dashboards:home")
    assert client.get(home).status_code == 302  # signed out: the backend it names is gone

    editor = SimpleNamespace(connection=connection)
    migration.forwards(apps, editor)
    assert SessionStore(old.session_key).load()["_auth_user_backend"] == BACKEND
    assert SessionStore(other.session_key).load() == {"note": "a visitor's session, not signed in"}
    response = client.get(home)
    assert response.status_code == 200 and response.context["user"] == user

    migration.backwards(apps, editor)
    assert SessionStore(old.session_key).load()["_auth_user_backend"] == migration.OLD
