"""Units pages (R0) and the login pages in the URL × role walk."""
from . import ANON, LOGGED_IN_OK, MANAGE_COUNTY_A, OFFICES, POST_ONLY, READ_COUNTY_A, ROLES, WRITE_COUNTY_A_RECORDS

PAGES = {
    "home": (lambda c: {}, LOGGED_IN_OK),
    "units:tree": (lambda c: {}, LOGGED_IN_OK),
    "units:unit_detail": (lambda c: {"pk": c.tree.county_a.pk}, READ_COUNTY_A),
    "units:unit_children": (lambda c: {"pk": c.tree.county_a.pk}, READ_COUNTY_A),
    "units:unit_edit": (lambda c: {"pk": c.tree.county_a.pk}, MANAGE_COUNTY_A),
    "units:unit_add_child": (lambda c: {"pk": c.tree.county_a.pk}, MANAGE_COUNTY_A),
    # closing a unit is for the office above it: 正定县's own office may not close 正定县
    "units:unit_close": (lambda c: {"pk": c.tree.county_a.pk}, MANAGE_COUNTY_A | {"county_office": 403}),
    "units:unit_move": (lambda c: {"pk": c.tree.county_a.pk}, MANAGE_COUNTY_A | {"county_office": 403}),
    "units:cadre_add": (lambda c: {"pk": c.tree.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "units:cadre_list": (lambda c: {}, LOGGED_IN_OK),
    "units:cadre_detail": (lambda c: {"pk": c.tree.cadre_a.pk}, READ_COUNTY_A),
    "units:cadre_edit": (lambda c: {"pk": c.tree.cadre_a.pk}, WRITE_COUNTY_A_RECORDS),
    "units:cadre_delete": (lambda c: {"pk": c.tree.cadre_a.pk}, WRITE_COUNTY_A_RECORDS),
    "units:import": (lambda c: {}, OFFICES),
    "units:import_confirm": (lambda c: {"token": "0" * 32}, POST_ONLY),
    "units:import_template": (lambda c: {"kind": "cadres"}, OFFICES),
    "login": (lambda c: {}, {r: 302 for r in ROLES if r != ANON} | {ANON: 200}),
    "health": (lambda c: {}, {r: 200 for r in ROLES}),
    "logout": (lambda c: {}, {r: 405 for r in ROLES}),
}
# set_language is a POST redirect, tested in test_auth_language.py; Django's admin has its own checks.
NOT_WALKED = {"set_language"}
