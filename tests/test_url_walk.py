"""Every page × every role: the expected status, so no page leaks across scopes (R0.1, DESIGN "Scoping").

A page added without a row here fails ``test_every_url_is_walked``.
"""
from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

ANON = "anonymous"
ROLES = [ANON, "admin", "prov_office", "city_office", "county_office", "county_office_b", "supervisor", "liaison",
         "leader", "no_role"]

LOGGED_IN_OK = {r: 200 for r in ROLES if r != ANON} | {ANON: 302}
# The object pages below are about 正定县 (county_a) and its cadre: out of scope for 迁安市's office.
READ_COUNTY_A = LOGGED_IN_OK | {"county_office_b": 404, "no_role": 404}
MANAGE_COUNTY_A = READ_COUNTY_A | {"supervisor": 403, "liaison": 403, "leader": 403}
WRITE_COUNTY_A_RECORDS = MANAGE_COUNTY_A | {"liaison": 200}
IMPORTERS = LOGGED_IN_OK | {"supervisor": 403, "liaison": 403, "leader": 403, "no_role": 403}
POST_ONLY = {r: 405 for r in ROLES if r != ANON} | {ANON: 302}

# url name → (kwargs from the tree, expected status per role)
PAGES = {
    "home": (lambda t: {}, LOGGED_IN_OK),
    "units:tree": (lambda t: {}, LOGGED_IN_OK),
    "units:unit_detail": (lambda t: {"pk": t.county_a.pk}, READ_COUNTY_A),
    "units:unit_children": (lambda t: {"pk": t.county_a.pk}, READ_COUNTY_A),
    "units:unit_edit": (lambda t: {"pk": t.county_a.pk}, MANAGE_COUNTY_A),
    "units:unit_add_child": (lambda t: {"pk": t.county_a.pk}, MANAGE_COUNTY_A),
    "units:cadre_add": (lambda t: {"pk": t.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "units:cadre_list": (lambda t: {}, LOGGED_IN_OK),
    "units:cadre_detail": (lambda t: {"pk": t.cadre_a.pk}, READ_COUNTY_A),
    "units:cadre_edit": (lambda t: {"pk": t.cadre_a.pk}, WRITE_COUNTY_A_RECORDS),
    "units:cadre_delete": (lambda t: {"pk": t.cadre_a.pk}, WRITE_COUNTY_A_RECORDS),
    "units:import": (lambda t: {}, IMPORTERS),
    "units:import_confirm": (lambda t: {"token": "0" * 32}, POST_ONLY),
    "units:import_template": (lambda t: {"kind": "cadres"}, IMPORTERS),
    "login": (lambda t: {}, {r: 302 for r in ROLES if r != ANON} | {ANON: 200}),
    "logout": (lambda t: {}, {r: 405 for r in ROLES}),
}
# Walked elsewhere or not ours: Django's admin has its own staff checks; set_language is a POST
# redirect tested in test_language.py.
NOT_WALKED = {"set_language"}


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
    """A new page must be given its expected status for every role here."""
    assert _named_urls() - NOT_WALKED == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_status_for_every_role(name, client, tree, users):
    kwargs_of, expected = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(tree))
    got = {}
    for role in ROLES:
        client.logout()
        if role != ANON:
            client.force_login(users[role], backend="django.contrib.auth.backends.ModelBackend")
        got[role] = client.get(url).status_code
    assert got == {role: expected[role] for role in ROLES}
