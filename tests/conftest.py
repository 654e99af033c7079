"""Fixtures shared by the whole suite."""
from __future__ import annotations

import datetime
import os

import pytest

from tests.factories import PASSWORD, build_tree, user_with_role

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROLE_USERS = {
    # name: (role, unit attribute of the tree)
    "admin": ("admin", "province"),
    "prov_office": ("office", "province"),
    "city_office": ("office", "city_a"),
    "county_office": ("office", "county_a"),
    "county_office_b": ("office", "county_b"),
    "supervisor": ("supervisor", "city_a"),
    "liaison": ("liaison", "county_a"),
    "leader": ("leader", "province"),
    "no_role": (None, None),
}


@pytest.fixture(scope="session", autouse=True)
def _no_stray_sessions_at_teardown(django_db_setup, django_db_blocker):
    """``make test`` runs the suite in two processes (pytest-xdist), each with its own test database, which it
    drops at the end. In each, a second PostgreSQL session on that database, idle after a ROLLBACK, was still open
    at the end (a run in one process has none; I did not find which test leaves it), and the drop failed with "is
    being accessed by other users". Before the drop: the garbage collector, then any such session ended.
    Depending on ``django_db_setup`` puts this teardown before the drop."""
    yield  # torn down before django_db_setup, which drops the database
    import gc

    from django.db import connection

    gc.collect()
    if connection.vendor != "postgresql" or not connection.settings_dict["NAME"].startswith("test_"):
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def _tmp_dirs(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_queued_email_sweep():
    """Each test starts with no e-mail sweep marked as queued (the mark lives in the cache, Redis in CI)."""
    from django.core.cache import cache

    from campaign.services.notifications import EMAIL_KICK_KEY

    cache.delete(EMAIL_KICK_KEY)


@pytest.fixture(autouse=True)
def _no_kept_pages():
    """Each test starts with no page kept from an earlier one (issue 13: the board's pages, kept per process; a
    rolled-back test leaves no signal that its units or campaign are gone)."""
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def users(tree):
    """One user per role row of ROLE_USERS, bound to the small test tree."""
    return {
        name: user_with_role(name, role, getattr(tree, unit_attr) if unit_attr else None)
        for name, (role, unit_attr) in ROLE_USERS.items()
    }


@pytest.fixture
def login(client):
    """Log a user into the test client and return the client."""

    def _login(user):
        client.force_login(user, backend="accounts.backends.PasswordBackend")
        return client

    return _login


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def campaign(tree):
    """The notice's campaign (2014 dates) with every unit's obligations generated."""
    from campaign.services.campaign import campaign_create, obligations_generate

    created = campaign_create()
    obligations_generate(campaign=created)
    return created


@pytest.fixture
def ctx(tree, users, campaign):
    """The URL walk's context (``tests.walk.Ctx``): the tree, the users, the campaign and a holiday on record."""
    from campaign.models import CalendarDay
    from tests.walk import Ctx

    return Ctx(tree=tree, campaign=campaign, users=users,
               calendar_day=CalendarDay.objects.create(date=datetime.date(2014, 5, 1), kind="holiday", name="劳动节"))


@pytest.fixture
def group(tree, users):
    """A group sent by 石家庄市, led by the supervisor, assigned 正定县 and 行唐县."""
    from supervision.models import SupervisionGroup

    g = SupervisionGroup.objects.create(
        leading_unit=tree.city_a, name="市委第一督导组", card_prefix="石督卡", leader=users["supervisor"],
        office_address="石家庄市中华南大街1号", phone="0311-86000001", email="dudao1@example.cn",
        letters_and_visits="来信请寄石家庄市中华南大街1号第一督导组，工作日上午接待来访。")
    g.units.set([tree.county_a, tree.county_a2])
    return g
