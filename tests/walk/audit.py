"""Issue 15: the audit log in the URL × role walk — administrators only."""
from . import ANON, ROLES

PAGES = {
    "audit:log": (lambda c: {}, {r: 403 for r in ROLES} | {ANON: 302, "admin": 200}),
}
