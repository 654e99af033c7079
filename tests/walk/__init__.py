"""The URL × role table, one module per area: each defines ``PAGES`` (and may define ``NOT_WALKED``).

A page is ``url name → (kwargs(ctx), {role: status})``; ``ctx`` has ``tree``, ``campaign`` and
``users``. Areas add their module here without touching anyone else's.

For a page whose view is on ``web.decorators.permission_required`` the walk computes each role's status
from the permission model (tests/test_url_walk.py) and checks that the row here agrees (the row is R0.1's
statement, and tests/test_language.py picks from it a role the page renders for). ``kwargs(ctx)`` also builds the record the page is walked on; tests/cross_subtree_world.py builds
it a second time for 迁安市 (on a mirrored tree), so keep it to ``ctx.tree``, ``ctx.users`` and
``ctx.campaign`` (no literal ids, no 正定县 looked up by name).
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

ANON = "anonymous"
ROLES = [ANON, "admin", "prov_office", "city_office", "county_office", "county_office_b", "supervisor", "liaison",
         "leader", "no_role"]

LOGGED_IN_OK = {r: 200 for r in ROLES if r != ANON} | {ANON: 302}
# Pages about 正定县 (county_a) or something in it: out of scope for 迁安市's office and the role-less.
READ_COUNTY_A = LOGGED_IN_OK | {"county_office_b": 404, "no_role": 404}
MANAGE_COUNTY_A = READ_COUNTY_A | {"supervisor": 403, "liaison": 403, "leader": 403}
WRITE_COUNTY_A_RECORDS = MANAGE_COUNTY_A | {"liaison": 200}
OFFICES = LOGGED_IN_OK | {"supervisor": 403, "liaison": 403, "leader": 403, "no_role": 403}
PROVINCIAL_OFFICE = OFFICES | {"city_office": 403, "county_office": 403, "county_office_b": 403}
POST_ONLY = {r: 405 for r in ROLES if r != ANON} | {ANON: 302}


@dataclass
class Ctx:
    """What a page's ``kwargs(ctx)`` builds its record from (the ``ctx`` fixture of tests/conftest.py)."""

    tree: object
    campaign: object
    users: dict
    calendar_day: object = None


def collect() -> tuple[dict, set]:
    pages: dict = {}
    not_walked: set = set()
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        overlap = set(pages) & set(module.PAGES)
        assert not overlap, f"{info.name} walks pages already walked: {overlap}"
        pages.update(module.PAGES)
        not_walked |= getattr(module, "NOT_WALKED", set())
    return pages, not_walked
