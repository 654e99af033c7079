"""The cross-subtree matrix (R0.1, DESIGN "Scoping", issue 10 item 3).

For every role bound in 正定县 (county A) and every record of 迁安市 (county B) — built directly or hanging
off a relation county A shares (a group assigned both counties, 石家庄市's group inspecting 迁安市, a
provincial liaison meeting, a notice to both; see ``tests/cross_subtree_world.py``) — every page that
takes that record's id answers 404 to GET and to POST, and the database is unchanged afterwards.

The pages are not listed by hand: every named URL with a ``pk`` is in the matrix. The record a page takes
is read from its view's ``permission_required`` (``scoped(user).model``); views not yet on the decorator
name it in ``UNDECORATED``; a new page on neither fails ``test_r0_1_every_object_page_is_in_the_matrix``.
"""
from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test.utils import override_settings
from django.urls import get_resolver, reverse

from tests.cross_subtree_world import REQUESTERS, build

#: Pages whose id names something that is nobody's subtree: campaign-wide settings and public pages.
NOT_IN_MATRIX = {
    "campaign:deadline_edit": "a campaign-wide deadline, not a unit's record",
    "campaign:calendar_delete": "a campaign-wide calendar day, not a unit's record",
    "supervision:public_group": "the public page of a group: open to everyone by design (R1.3)",
    "campaign:public_article": "a published article: public by design (R6.1)",
    "campaign:public_press_conference": "a published press conference: public by design (R6.2)",
    "campaign:public_criticism_pdf": "a published criticism: public by design (R6.3)",
}

#: The record a page takes, for a view not on ``web.decorators.permission_required`` (whose ``scoped``
#: names it otherwise). Keep this short: a page belongs on the decorator.
UNDECORATED = {
    "campaign:notification_read": "campaign.Notification",  # fetched as one of the user's own: Notification(user=…)
}

#: Values for a page's other URL arguments (the id is the record's).
OTHER_KWARGS = {"kind": "pdf", "token": "0" * 32, "subject": "top_leader"}

#: An id no record has.
NO_SUCH_PK = 987654321

#: Tables a request writes by itself (the login session, the lockout log, the admin log, task results): left
#: out of the "nothing written" hash.
VOLATILE_APPS = {"sessions", "axes", "admin", "django_celery_results", "django_celery_beat"}

#: (role, page) → the leak found. Each is a strict xfail: when the app fixes it, the case passes, the
#: xfail fails, and the row goes.
KNOWN_LEAKS: dict[tuple[str, str], str] = {}


def _object_pages() -> dict:
    """Every named URL taking a ``pk``: ``name → (view, other kwarg names)``."""
    pages: dict = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = getattr(p, "namespace", None)
                if ns != "admin":
                    walk(p.url_patterns, f"{prefix}{ns}:" if ns else prefix)
            elif p.name and "pk" in p.pattern.converters:
                pages[prefix + p.name] = (p.callback, set(p.pattern.converters) - {"pk"})

    walk(get_resolver().url_patterns)
    return pages


def page_model(name: str, user=None) -> str | None:
    """The record the page's id names: read from its view's ``permission_required`` (the ``scoped`` model,
    followed along ``lookup`` when that is a relation, e.g. ``unit_id``), else ``UNDECORATED``. (Asked at
    run time: a ``scoped`` may query, e.g. for the running campaign.)"""
    view = OBJECT_PAGES[name][0]
    scoped = getattr(view, "scoped", None)
    if scoped is None or getattr(view, "url_kwarg", None) != "pk":
        return UNDECORATED.get(name)
    model = scoped(user or AnonymousUser()).model
    path = view.lookup
    for suffix in ("__pk", "__id", "_id"):
        path = path.removesuffix(suffix)
    if path not in ("pk", "id"):
        for part in path.split("__"):
            model = model._meta.get_field(part).related_model
    return model._meta.label


OBJECT_PAGES = _object_pages()


def _cases():
    for name in sorted(set(OBJECT_PAGES) - set(NOT_IN_MATRIX)):
        for role in REQUESTERS:
            leak = KNOWN_LEAKS.get((role, name))
            marks = [pytest.mark.xfail(strict=True, reason=f"leak: {leak}")] if leak else []
            yield pytest.param(role, name, marks=marks, id=f"{role}-{name}")


def db_hash() -> str:
    """A hash of every row of every table but the volatile ones."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.label):
        if model._meta.app_label in VOLATILE_APPS:
            continue
        digest.update(model._meta.label.encode())
        digest.update(repr(list(model._base_manager.order_by("pk").values_list())).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction rolled back at its end (each test then runs in a
    savepoint of it)."""
    media = tmp_path_factory.mktemp("cross_subtree_media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media,
                                                       IMPORT_DIR=tmp_path_factory.mktemp("imports")):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
            built.media = media
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_media(_tmp_dirs, settings, world):
    """The files of the world stay where it saved them (conftest points each test at a fresh dir)."""
    settings.MEDIA_ROOT = world.media


def test_r0_1_every_object_page_is_in_the_matrix(db):
    """A page taking an id is on ``permission_required`` (its ``scoped`` names the record) or in
    ``UNDECORATED``, or ``NOT_IN_MATRIX`` says why not."""
    unknown = sorted(n for n in OBJECT_PAGES if n not in NOT_IN_MATRIX and page_model(n) is None)
    assert not unknown, f"pages with an id the matrix cannot place: {unknown}"
    others = {n: kw - set(OTHER_KWARGS) for n, (_, kw) in OBJECT_PAGES.items() if kw - set(OTHER_KWARGS)}
    assert not others, f"give OTHER_KWARGS a value for: {others}"


def test_r0_1_county_b_world_is_built(world, db):
    """Every walked page's county-B twin is built, and every record a page takes has a county-B row."""
    assert not world.errors, world.errors
    models = {page_model(n) for n in OBJECT_PAGES if n not in NOT_IN_MATRIX} - {None}
    missing = sorted(m for m in models if not world.objects.get(m))
    assert not missing, f"no county-B record of {missing}: build one in tests/cross_subtree_world.py"


@pytest.mark.parametrize(("role", "name"), list(_cases()))
def test_r0_1_county_a_gets_404_for_county_b(role, name, world, client, db):
    """404 to GET and POST on every county-B record the page takes (a POST-only page may answer a GET 405, as
    it does for a record that does not exist), and nothing written."""
    model = page_model(name, world.users[role])
    assert model, f"{name}: not on permission_required and not in UNDECORATED"
    pks = world.objects.get(model)
    if not pks:
        pytest.fail(f"no county-B {model} to try {name} on (see test_r0_1_county_b_world_is_built)")
    client.force_login(world.users[role], backend="accounts.backends.PasswordBackend")
    before = db_hash()

    def url_of(pk):
        return reverse(name, kwargs={"pk": pk, **{k: OTHER_KWARGS[k] for k in OBJECT_PAGES[name][1]}})

    # a POST-only page may refuse a GET before it looks the record up: as it does for a record that does not
    # exist, so the 405 tells nothing
    get_ok = {404, 405} if client.get(url_of(NO_SUCH_PK)).status_code == 405 else {404}
    leaks = []
    for pk in pks:
        url = url_of(pk)
        for method, ok in (("get", get_ok), ("post", {404})):
            status = getattr(client, method)(url).status_code
            if status not in ok:
                leaks.append(f"{method.upper()} {url} ({model} #{pk}) → {status}")
    assert not leaks, f"{role} of 正定县 reaches 迁安市's records through {name}:\n" + "\n".join(leaks)
    assert db_hash() == before, f"{role}'s requests to {name} wrote to the database"


#: The hubs county A sees on purpose, and their pages: shown (or out of scope), never naming 迁安市.
HUB_PAGES = {
    "shared_group": "supervision:group_detail",  # the provincial group assigned 正定县 and 迁安市
    "group_a": "supervision:group_detail",  # 石家庄市's group, which cross-inspects 迁安市
    "notice": "campaign:notice_detail",  # the provincial notice to both counties
    "liaison_meeting": "campaign:liaison_meeting_detail",  # the provincial meeting with 迁安市's action item
}
#: (role, hub) → the leak found (strict xfail, as KNOWN_LEAKS).
KNOWN_HUB_LEAKS: dict[tuple[str, str], str] = {}


def _hub_cases():
    for hub in HUB_PAGES:
        for role in REQUESTERS:
            leak = KNOWN_HUB_LEAKS.get((role, hub))
            marks = [pytest.mark.xfail(strict=True, reason=f"leak: {leak}")] if leak else []
            yield pytest.param(role, hub, marks=marks, id=f"{role}-{hub}")


@pytest.mark.parametrize(("role", "hub"), list(_hub_cases()))
def test_r0_1_shared_relations_show_nothing_of_county_b(role, hub, world, client, db):
    """Seeing a group, a notice or a liaison meeting shared with 迁安市 shows nothing of 迁安市 (DESIGN
    "Scoping": visibility never travels through a relation), and reading it writes nothing."""
    client.force_login(world.users[role], backend="accounts.backends.PasswordBackend")
    url = reverse(HUB_PAGES[hub], kwargs={"pk": world.hubs[hub].pk})
    before = db_hash()
    response = client.get(url)
    assert response.status_code in (200, 404), f"{role}: GET {url} → {response.status_code}"
    if response.status_code == 200:
        page = response.content.decode()
        shown = sorted({name for name in ("迁安市", "迁安镇", "迁安") if name in page})
        assert not shown, f"{role} of 正定县 sees {shown} on {HUB_PAGES[hub]} ({url})"
    assert db_hash() == before, f"{role}'s GET {url} wrote to the database"


# --- the same matrix over the API (issue 14): a token never reaches more than its owner's pages


def _api_routes():
    """``(basename, prefix, model label, [(method, url suffix)], has a ``within`` filter)`` of every API resource: its detail and each of its
    detail actions, read from the router (a new resource or action comes along by itself)."""
    from api.urls import router

    for prefix, viewset, basename in router.registry:
        calls = [("get", "")]
        for extra in viewset.get_extra_actions():
            if extra.detail:
                calls += [(m, f"{extra.url_path}/") for m in extra.mapping if m in ("get", "post")]
        has_within = "within" in getattr(viewset.filterset_class, "base_filters", {})
        yield basename, prefix, viewset.model._meta.label, calls, has_within


API_ROUTES = list(_api_routes())


def _api_client(user):
    from rest_framework.test import APIClient

    from api.services import token_create

    client = APIClient()
    key = token_create(user=user, name=f"matrix {user.pk} {token_create.__name__}-{id(client)}").key
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def _no_api_throttle(settings):
    settings.API_TOKEN_RATE = "100000/min"


@pytest.mark.parametrize("role", list(REQUESTERS))
@pytest.mark.parametrize(("basename", "prefix", "model", "calls", "has_within"), API_ROUTES,
                         ids=[r[0] for r in API_ROUTES])
def test_issue14_county_a_token_gets_404_for_county_b_over_the_api(role, basename, prefix, model, calls, has_within,
                                                                    world, db, _no_api_throttle):
    """Every county-B record of the resource: 404 to its detail and to each of its actions, for a token of every
    county-A role; the list never names it, nor does ``?within=`` 迁安市; and nothing is written."""
    pks = world.objects.get(model)
    if not pks:
        pytest.fail(f"no county-B {model} to try /api/v1/{prefix}/ on: build one in tests/cross_subtree_world.py")
    client = _api_client(world.users[role])
    client.get(f"/api/v1/{prefix}/")  # the token's first use is recorded once, before the hash
    before = db_hash()
    leaks = []
    for pk in pks:
        for method, suffix in calls:
            url = f"/api/v1/{prefix}/{pk}/{suffix}"
            response = getattr(client, method)(url, {}, format="json") if method == "post" else client.get(url)
            if response.status_code != 404:
                leaks.append(f"{method.upper()} {url} ({model} #{pk}) → {response.status_code}")
    listed = client.get(f"/api/v1/{prefix}/", {"page_size": 200})
    assert listed.status_code == 200, listed.content
    shown = {row["id"] for row in listed.json()["results"]} & set(pks)
    if shown:
        leaks.append(f"GET /api/v1/{prefix}/ lists {model} {sorted(shown)}")
    within = client.get(f"/api/v1/{prefix}/", {"within": world.tree.county_b.pk}) if has_within else None
    if within is not None and (within.status_code != 200 or within.json()["results"]):
        leaks.append(f"GET /api/v1/{prefix}/?within=迁安市 → {within.status_code} {within.content[:200]!r}")
    assert not leaks, f"{role} of 正定县 reaches 迁安市's records over the API:\n" + "\n".join(leaks)
    assert db_hash() == before, f"{role}'s API requests to /api/v1/{prefix}/ wrote to the database"


@pytest.mark.parametrize("role", list(REQUESTERS))
def test_issue14_shared_notice_over_the_api_shows_nothing_of_county_b(role, world, db, _no_api_throttle):
    """The provincial notice to both counties, read over the API by county A: no 迁安市 in the list or the
    detail (receipts and read status are county A's own)."""
    client = _api_client(world.users[role])
    notice = world.hubs["notice"]
    for url in ("/api/v1/notices/", f"/api/v1/notices/{notice.pk}/"):
        response = client.get(url)
        assert response.status_code in (200, 404), f"{role}: GET {url} → {response.status_code}"
        page = response.content.decode("unicode_escape") if response.status_code == 200 else ""
        assert "迁安" not in response.content.decode() and "迁安" not in page, f"{role} sees 迁安 in {url}"
