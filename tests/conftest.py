"""Fixtures shared by the whole suite."""
from __future__ import annotations

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


@pytest.fixture(autouse=True)
def _tmp_dirs(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"


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
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
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
