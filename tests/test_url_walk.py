"""Every page × every role: the expected status, so no page leaks across scopes (R0.1, DESIGN "Scoping").

The pages and the record each is walked on live in ``tests/walk/``, one module per area; a page added
without a row there fails ``test_r0_1_every_url_is_walked``.

**The walk reads the model.** For a page whose view is on ``web.decorators.permission_required``, the
expected status of each role is computed from what the decorator stored on the view — ``permission``,
``scoped``, ``lookup``, ``url_kwarg`` — and the view's other decorators, outermost first:

- a ``login_required`` (any ``user_passes_test``) the user fails → 302 to the login page;
- a ``require_POST``/``require_http_methods`` without GET → 405 (GET is what the walk sends);
- ``permission_required``: the record not in ``scoped(user)`` → 404; ``user.has_perm(permission, record)``
  false → 403;
- else the page's success: 200, or the hand row's own 2xx, 3xx or 405 for that role (a page that sends a
  permitted user elsewhere, or refuses a GET in its body).

So a view that refuses (403, 404) what the model permits, or shows what the model refuses, fails with the
page, the role, the expected and the received status.

The hand rows stay, as the readable statement of R0.1 (who sees what, per role): for a page computed from
the model, the row must agree with the model; a disagreement is reported separately ("the table says …,
the model says …"). That is not a duplicate of the first check: the first proves the *view* obeys the
model, the second proves the *model* says what the requirement table says — a predicate changed by
mistake would otherwise pass the walk unnoticed. (The rows also tell tests/test_language.py which role
a page renders for.) Pages whose views are not (yet) on the decorator are checked against the hand row
only.
"""
from __future__ import annotations


import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import get_resolver, include, path, resolve, reverse

from web.decorators import permission_required

from tests.test_csp import inline_code
from tests.walk import ANON, ROLES, collect

PAGES, NOT_WALKED = collect()
#: statuses of a permitted user that a hand row may give as the page's own success (a form page that
#: sends the user on, a POST-only page)
SUCCESS = frozenset({200, 301, 302, 303, 405})


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


# -- the model -------------------------------------------------------------------------------------------

def _layers(view):
    """The view's decorators, outermost first, down to the view itself."""
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def _closure(layer, name: str):
    code = getattr(layer, "__code__", None)
    if code is None or name not in code.co_freevars:
        return None
    return layer.__closure__[code.co_freevars.index(name)].cell_contents


def _is_permission_layer(layer) -> bool:
    code = getattr(layer, "__code__", None)
    return (code is not None and code.co_filename.endswith("web/decorators.py")
            and {"perm", "scoped"} <= set(code.co_freevars))


def on_the_model(view) -> bool:
    """Is the view on ``permission_required`` (so the walk computes its statuses)?"""
    return any(_is_permission_layer(layer) for layer in _layers(view))


def model_status(view, kwargs: dict, user, success: int = 200) -> tuple[int, str]:
    """The status the permission model gives ``user`` (anonymous or not) for a GET of ``view`` with ``kwargs``,
    and why."""
    user = user or AnonymousUser()
    for layer in _layers(view):
        test_func = _closure(layer, "test_func")
        if test_func is not None and not test_func(user):
            return 302, "not logged in"
        methods = _closure(layer, "request_method_list")
        if methods is not None and "GET" not in methods:
            return 405, f"{'/'.join(methods)} only"
        if _is_permission_layer(layer):
            perm, scoped = view.permission, view.scoped
            obj = None
            if scoped is not None:
                obj = scoped(user).filter(**{view.lookup: kwargs[view.url_kwarg]}).first()
                if obj is None:
                    return 404, "not in scoped(user)"
            if perm and not user.has_perm(perm, obj):
                return 403, f"lacks {perm}"
    return success, "permitted"


# -- the walk --------------------------------------------------------------------------------------------

def walk_page(client, users: dict, name: str, kwargs: dict, hand: dict | None) -> list[str]:
    """GET the page as every role; the problems found, each naming the page, the role, expected and got."""
    url = reverse(name, kwargs=kwargs)
    view = resolve(url).func
    computed = on_the_model(view)
    assert computed or hand is not None, f"{name}: not on permission_required, so tests/walk/ must give its statuses"
    problems = []
    for role in ROLES:
        client.logout()
        user = None
        if role != ANON:
            user = get_user_model().objects.get(pk=users[role].pk)  # fresh: no cached grants
            client.force_login(user, backend="accounts.backends.PasswordBackend")
        response = client.get(url)
        got = response.status_code
        if got == 200 and response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            # issue 15: nothing on the page that the Content-Security-Policy refuses (tests/test_csp.py)
            problems += [f"{name} ({url}) as {role}: {found}" for found in inline_code(response.content.decode())]
        if computed:
            wanted = hand[role] if hand and hand[role] in SUCCESS else 200
            expected, why = model_status(view, kwargs, user, wanted)
            if got != expected:
                problems.append(f"{name} ({url}) as {role}: expected {expected} (model: {why}), got {got}")
            if hand is not None and hand[role] != expected:
                problems.append(f"{name} as {role}: the table in tests/walk/ says {hand[role]}, the model says "
                                f"{expected} ({why})")
        elif got != hand[role]:
            problems.append(f"{name} ({url}) as {role}: expected {hand[role]} (tests/walk/), got {got}")
    return problems


def test_r0_1_every_url_is_walked():
    """A new page must be given its record (and, off the decorator, its statuses) in tests/walk/."""
    assert _named_urls() - NOT_WALKED == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_r0_1_page_status_for_every_role(name, client, ctx):
    kwargs_of, hand = PAGES[name]
    problems = walk_page(client, ctx.users, name, kwargs_of(ctx), hand)
    assert not problems, "\n".join(problems)


# -- the walk catches a view that disobeys the model -----------------------------------------------------

@permission_required(None, lambda user: __import__("units.models").models.Unit.objects.visible_to(user))
def _refusing_view(request, unit):
    """On the decorator (seeing the unit is the permission), yet refusing by hand: the bug the walk exists for."""
    raise PermissionDenied


#: this module is also a URLconf (for the test below): the site plus the refusing page
urlpatterns = [path("walk-probe/<int:pk>/", _refusing_view, name="walk_probe"), path("", include("config.urls"))]


@pytest.mark.urls(__name__)
def test_r0_1_walk_names_a_view_that_refuses_what_the_model_permits(client, tree, users):
    """A view raising PermissionDenied where the model permits fails the walk, naming page, role, expected, got."""
    problems = walk_page(client, users, "walk_probe", {"pk": tree.county_a.pk}, None)
    url = f"/walk-probe/{tree.county_a.pk}/"
    assert f"walk_probe ({url}) as county_office: expected 200 (model: permitted), got 403" in problems
    # out of scope, the decorator answers 404 before the view runs; anonymous is sent to log in: as the model says
    assert not any(f" as {role}:" in p for p in problems for role in (ANON, "county_office_b", "no_role"))


@pytest.mark.urls(__name__)
def test_r0_1_walk_names_a_table_row_the_model_contradicts(client, tree, users):
    """A hand row the model disagrees with is reported as such (the table is R0.1's statement)."""
    hand = {role: 200 for role in ROLES} | {ANON: 302, "county_office_b": 403}
    problems = walk_page(client, users, "walk_probe", {"pk": tree.county_a.pk}, hand)
    assert ("walk_probe as county_office_b: the table in tests/walk/ says 403, the model says 404 "
            "(not in scoped(user))") in problems
