"""Units pages (R0) and the login pages in the URL × role walk."""
from . import ANON, LOGGED_IN_OK, MANAGE_COUNTY_A, OFFICES, POST_ONLY, READ_COUNTY_A, ROLES, WRITE_COUNTY_A_RECORDS

# R0.1 the account of 正定县's liaison: offices over 正定县 see and manage it; 迁安市's office, and everyone who
# is no office, do not find it (404)
ACCOUNT_COUNTY_A = READ_COUNTY_A | {"supervisor": 404, "liaison": 404, "leader": 404}

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
    "units:account_list": (lambda c: {}, OFFICES),
    "units:account_add": (lambda c: {}, OFFICES),
    "units:account_import": (lambda c: {}, OFFICES),
    "units:account_import_confirm": (lambda c: {"token": "0" * 32}, POST_ONLY),
    "units:account_import_template": (lambda c: {}, OFFICES),
    # R0.4 the user's own imports waiting for confirmation (issue 12): everyone logged in has the list (empty
    # unless they uploaded); discarding is a POST on one of their own
    "web:pending_imports": (lambda c: {}, LOGGED_IN_OK),
    "web:pending_import_discard": (lambda c: {"token": "0" * 32}, POST_ONLY),
    "units:whom_to_ask": (lambda c: {}, LOGGED_IN_OK),
    "units:account_detail": (lambda c: {"pk": c.users["liaison"].pk}, ACCOUNT_COUNTY_A),
    "units:account_grant": (lambda c: {"pk": c.users["liaison"].pk}, ACCOUNT_COUNTY_A),
    "units:account_reset_password": (lambda c: {"pk": c.users["liaison"].pk}, ACCOUNT_COUNTY_A),
    "units:account_deactivate": (lambda c: {"pk": c.users["liaison"].pk}, ACCOUNT_COUNTY_A),
    "units:account_revoke": (lambda c: {"pk": c.users["liaison"].role_assignments.get().pk}, POST_ONLY),
    "password_change": (lambda c: {}, LOGGED_IN_OK),
    "password_change_done": (lambda c: {}, LOGGED_IN_OK),
    "login": (lambda c: {}, {r: 302 for r in ROLES if r != ANON} | {ANON: 200}),
    "health": (lambda c: {}, {r: 200 for r in ROLES}),
    "logout": (lambda c: {}, {r: 405 for r in ROLES}),
}
# set_language is a POST redirect, tested in test_auth_language.py; Django's admin has its own checks.
NOT_WALKED = {"set_language"}
