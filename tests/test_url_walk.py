"""Every page × every role: the expected status, so no page leaks across scopes (R0.1, DESIGN "Scoping").

The table lives in ``tests/walk/``, one module per area. A page added without a row there fails
``test_every_url_is_walked``.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse

from tests.walk import ANON, ROLES, collect

PAGES, NOT_WALKED = collect()


@dataclass
class Ctx:
    tree: object
    campaign: object
    users: dict
    calendar_day: object = None


def _named_urls() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = getattr(p, "namespace", None)
                if ns == "admin":
                    continue
                walk(p.url_patterns, f"{prefix}{ns}:" if ns else prefix)
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_walked():
    """A new page must be given its expected status for every role in tests/walk/."""
    assert _named_urls() - NOT_WALKED == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_status_for_every_role(name, client, tree, users, campaign):
    from campaign.models import CalendarDay

    ctx = Ctx(tree=tree, campaign=campaign, users=users,
              calendar_day=CalendarDay.objects.create(date=datetime.date(2014, 5, 1), kind="holiday", name="劳动节"))
    kwargs_of, expected = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(ctx))
    got = {}
    for role in ROLES:
        client.logout()
        if role != ANON:
            client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
        got[role] = client.get(url).status_code
    assert got == {role: expected[role] for role in ROLES}
