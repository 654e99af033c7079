"""Campaign core pages (X2, R5.1, notifications) in the URL × role walk."""
from . import LOGGED_IN_OK, OFFICES, POST_ONLY, PROVINCIAL_OFFICE, READ_COUNTY_A, ROLES

PAGES = {
    "campaign:settings": (lambda c: {}, LOGGED_IN_OK),
    "campaign:start": (lambda c: {}, POST_ONLY),
    "campaign:deadlines": (lambda c: {}, LOGGED_IN_OK),
    "campaign:deadline_edit": (lambda c: {"pk": c.campaign.deadlines.first().pk}, POST_ONLY),
    "campaign:obligations_complete": (lambda c: {}, POST_ONLY),
    "campaign:calendar": (lambda c: {}, LOGGED_IN_OK),
    "campaign:calendar_delete": (lambda c: {"pk": c.calendar_day.pk}, PROVINCIAL_OFFICE),
    # the role-less user has no unit: sent home
    "campaign:my_progress": (lambda c: {}, {r: 302 for r in ROLES}),
    "campaign:unit_progress": (lambda c: {"pk": c.tree.county_a.pk}, READ_COUNTY_A),
    "campaign:notifications": (lambda c: {}, LOGGED_IN_OK),
    "campaign:notifications_read_all": (lambda c: {}, POST_ONLY),
    "campaign:notification_read": (lambda c: {"pk": 1}, POST_ONLY),
}
