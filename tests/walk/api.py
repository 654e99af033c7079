"""Issue 14: the user's account page with its API tokens, and the API's schema and docs, in the URL × role walk.

The API's own endpoints (``api:*-list``, ``api:*-detail`` and their actions) answer JSON, not pages: they
are walked over the API, for every role and county, by tests/api/ and the API half of
tests/test_cross_subtree.py."""
from . import ANON, LOGGED_IN_OK, ROLES


def _liaisons_token(c) -> dict:
    from api.services import token_create

    return {"pk": token_create(user=c.users["liaison"], name="联络员手机").token.pk}


def _everyones_token(c) -> dict:
    """Each user's account page is walked with a token listed (its table must fit a phone too)."""
    from api.services import token_create

    for user in c.users.values():
        token_create(user=user, name="office-automation-system-of-the-county")  # one long word: a wide table
    return {}


PAGES = {
    "account_me": (_everyones_token, LOGGED_IN_OK),
    # a token is its owner's alone: everyone else, the administrator included, does not find it
    "api_token_revoke": (_liaisons_token, {r: 404 for r in ROLES} | {ANON: 302, "liaison": 200}),
    # the schema and its docs describe the API and hold no data: open to all, served from our own files
    "api:schema": (lambda c: {}, {r: 200 for r in ROLES}),
    "api:docs": (lambda c: {}, {r: 200 for r in ROLES}),
    "api:redoc": (lambda c: {}, {r: 200 for r in ROLES}),
}

#: the API's endpoints: JSON for a token, walked by tests/api/ and tests/test_cross_subtree.py
NOT_WALKED = {
    f"api:{basename}-{suffix}"
    for basename, suffixes in {
        "unit": ("list", "detail", "progress", "figures"),
        "cadre": ("list", "detail"),
        "obligation": ("list", "detail"),
        "study-session": ("list", "detail"),
        "meeting": ("list", "detail"),
        "exam-result": ("list", "detail"),
        "card": ("list", "detail", "sign", "answer", "verify"),
        "escalation-step": ("list", "detail"),
        "message": ("list", "detail", "classify", "reject", "forward", "answer", "publish"),
        "notice": ("list", "detail", "read"),
    }.items()
    for suffix in suffixes
}


def _liaisons_session(c) -> dict:
    from units.models import UserSession

    return {"pk": UserSession.objects.create(user=c.users["liaison"], session_key=f"walk{c.users['liaison'].pk:036d}",
                                             ip="203.0.113.9").pk}


# issue 15: ending a signed-in session is a POST on one's own (everyone else does not find it)
PAGES["session_end"] = (_liaisons_session, {r: 405 for r in ROLES} | {ANON: 302})
