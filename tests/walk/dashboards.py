"""Leaders' dashboards, the R6.3 ranking and confirmation, the weekly report in the URL × role walk.

Every role reads the dashboards of its scope (out of scope: 404); only a leader or an administrator over
the unit confirms a public criticism (others: 403). ``PAGES`` is empty until config/urls.py mounts the
dashboards; meanwhile tests/dashboards/test_walk.py walks ``TABLE`` on a URLconf that mounts them.
"""

from . import LOGGED_IN_OK, POST_ONLY, READ_COUNTY_A

CONFIRM_COUNTY_A = READ_COUNTY_A | {role: 403 for role in ("prov_office", "city_office", "county_office",
                                                           "supervisor", "liaison")}


def _county_a(c) -> dict:
    return {"pk": c.tree.county_a.pk}


TABLE = {
    # the role-less user sees an empty state, not an error
    "dashboards:home": (lambda c: {}, LOGGED_IN_OK),
    # issue 12: the done tab (已办) of the to-do home ("home"): every logged-in user, their own actions only
    "dashboards:done": (lambda c: {}, LOGGED_IN_OK),
    "dashboards:unit": (_county_a, READ_COUNTY_A),
    "dashboards:ranking": (lambda c: {}, LOGGED_IN_OK),
    "dashboards:unit_ranking": (_county_a, READ_COUNTY_A),
    "dashboards:criticism_confirm": (_county_a, CONFIRM_COUNTY_A),
    "dashboards:not_reporting_flag": (_county_a, POST_ONLY),
    "dashboards:report_pdf": (_county_a, READ_COUNTY_A),
    "dashboards:report_xlsx": (_county_a, READ_COUNTY_A),
    # issue 12 item 3: the header's search box; every logged-in user (the role-less find nothing)
    "search": (lambda c: {}, LOGGED_IN_OK),
}


PAGES = TABLE
