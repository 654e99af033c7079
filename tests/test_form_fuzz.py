"""A 500 page is a bug (the brief: bad input gets a clear message, never an error page). Every form on every page
of the URL walk, sent back by the role the walk renders the page for with hostile values — far too long, markup,
a NUL character, a date that does not exist, numbers out of range, an id that names nothing — is answered with a
page (the form and its errors, a redirect, a refusal), never a server error. Each page is sent by every role the
walk lets read it (a liaison's page shows forms an office's does not, and a refused role must be refused cleanly).
A form answered with its errors or a refusal (200, 4xx) wrote nothing: on PostgreSQL every table but the log-in
and audit records is compared before and after.

The walk's pages and records are ``tests/walk/``'s; the forms are read from each page's HTML (every ``<form
method="post">`` and its named fields and buttons, the CSRF token left to the test client, which does not check
it), so a form added to a page is sent without a line here. Not sent: file uploads (each upload's tests send bad
files), the log-out form.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse

from tests.walk import ANON, ROLES, collect

pytestmark = pytest.mark.django_db

PAGES, _ = collect()
#: Every page and every role the walk expects it to render for.
READERS = sorted((name, role) for name, (_, expected) in PAGES.items() for role in ROLES if expected.get(role) == 200)
#: What a refused request may still write: the session and the log-in's own records (django-axes), and the audit
#: trail, which records a refusal (403) on purpose.
MAY_CHANGE = ("django_session", "axes_", "audit_")

#: One hostile value per kind of field, sent to every field of the form at once (a value a field cannot read
#: must become the form's error message, whatever the other fields hold).
HOSTILE = {
    "text": "长" * 20_000 + "<script>alert(1)</script>",
    "nul": "正定\x00县",
    "date": "2014-02-30",
    "number": "-99999999999999999999",
    "id": "999999999",
}


class _Forms(HTMLParser):
    """The page's POST forms: their action and their named fields (inputs, text areas, selects and the buttons
    that send a value) with their kinds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button") and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower() if tag in ("input", "button") \
                else tag
            if a["name"] != "csrfmiddlewaretoken" and kind not in ("button", "image", "reset"):
                self._form["fields"].setdefault(a["name"], kind)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _value(kind: str, variant: str) -> str:
    if variant == "text":
        return HOSTILE["text"] if kind not in ("checkbox", "radio", "select", "file") else HOSTILE["id"]
    if variant == "mixed":  # each field given what its kind reads worst
        return {"date": HOSTILE["date"], "datetime-local": HOSTILE["date"] + "T25:61", "number": HOSTILE["number"],
                "select": HOSTILE["id"], "checkbox": HOSTILE["id"], "radio": HOSTILE["id"],
                "hidden": HOSTILE["id"], "email": "@" * 300}.get(kind, HOSTILE["nul"])
    raise ValueError(variant)



def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if not t.startswith(MAY_CHANGE))


def _fingerprint(tables: list[str]) -> dict[str, tuple[int, int]]:
    """Each table's row count and the sum of its rows' hashes (PostgreSQL): a row added, changed or deleted
    changes it."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(
            f"SELECT %s, count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM {quote(table)} t"
            for table in tables), tables)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


@pytest.mark.parametrize("name, role", READERS)
def test_every_form_answers_hostile_values_without_a_server_error(name, role, client, ctx):
    kwargs_of, _ = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(ctx))
    if role != ANON:
        client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")
    page = client.get(url)
    assert page.status_code == 200, f"{name} as {role}: {page.status_code}"
    if page.streaming or not page.get("Content-Type", "").startswith("text/html"):
        pytest.skip(f"{name} is not an HTML page")
    parser = _Forms()
    parser.feed(page.content.decode())
    # a form with no field but its token (a confirmation, a delete) is sent too: as it is, and with a stray field
    forms = [f for f in parser.forms if not f["action"].startswith(("http:", "https:"))]
    if not forms:
        pytest.skip(f"{name} has no form to send")
    client.raise_request_exception = False
    logout = reverse("logout")
    tables = _tables() if connection.vendor == "postgresql" else []
    problems = []
    for form in forms:
        target = form["action"] or url
        if target.startswith("?"):
            target = url + target
        if target.startswith(logout):
            continue
        for variant in ("text", "mixed"):
            # file inputs are left out: an upload's bad files are each upload's own tests
            data = {field: _value(kind, variant) for field, kind in form["fields"].items() if kind != "file"}
            data = data or {"next": HOSTILE["nul"]}
            before = _fingerprint(tables) if tables else {}
            response = client.post(target, data)
            if response.status_code >= 500:
                error = response.exc_info[1] if getattr(response, "exc_info", None) else ""
                problems.append(f"{name} as {role}: POST {target} ({variant}) → {response.status_code}: {error!r}")
                break  # on PostgreSQL the test's transaction is spoilt: what follows would only repeat it
            if tables and (response.status_code == 200 or 400 <= response.status_code < 500):
                after = _fingerprint(tables)
                if changed := sorted(table for table in tables if before[table] != after[table]):
                    problems.append(f"{name} as {role}: POST {target} ({variant}) answered "
                                    f"{response.status_code} but changed {', '.join(changed)}")
            if role != ANON:  # a form that ends the session (a password change) does not stop the rest
                client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")
        if problems:
            break
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sent, back", [
    ("/campaign/liaison/tasks/?status=open", "/campaign/liaison/tasks/?status=open"),
    ("正定县", "/campaign/liaison/tasks/"),  # a word, not a path: redirect() would look it up as a URL name
    ("/campaign/\x00tasks/", "/campaign/liaison/tasks/"),  # no control character in a Location header
    ("//evil.example/", "/campaign/liaison/tasks/"),
    ("https://evil.example/", "/campaign/liaison/tasks/"),
    ("/accounts/", "/campaign/liaison/tasks/"),  # outside the section the caller allows
    ("/campaignX/", "/campaign/liaison/tasks/"),  # a longer name is not inside the section
    ("/campaign/../accounts/", "/campaign/liaison/tasks/"),  # .. resolved before the check
    ("/\\evil.example/", "/campaign/liaison/tasks/"),  # a backslash is a slash to browsers
])
def test_a_form_sends_back_only_to_a_page_of_the_site(rf, sent, back):
    """``web.redirects.next_or``: where a form's ``next`` may send the user (the liaison, exam, import and
    two-step forms use it)."""
    from web.redirects import next_or

    request = rf.post("/campaign/liaison/tasks/1/status/", {"next": sent})
    assert next_or(request, "campaign:liaison_tasks", within="/campaign/") == back


def test_a_forms_next_wins_over_the_addresss(rf):
    from web.redirects import next_or

    both = rf.post("/campaign/liaison/tasks/1/status/?next=/campaign/b/", {"next": "/campaign/a/"})
    assert next_or(both, "campaign:liaison_tasks") == "/campaign/a/"
    address = rf.post("/campaign/liaison/tasks/1/status/?next=/campaign/b/", {})
    assert next_or(address, "campaign:liaison_tasks") == "/campaign/b/"


def test_a_user_name_longer_than_an_account_is_refused_with_a_message(client, users):
    """The log-in form: a 300-character name is a message on the page (Django drew the length but did not
    check it, and django-axes' record of the failed log-in refused it on PostgreSQL: a server error); nothing is
    recorded against that name."""
    from axes.models import AccessAttempt

    response = client.post(reverse("login"), {"username": "长" * 300, "password": "x"})
    assert response.status_code == 200
    assert "确保该变量包含不超过 150 字符" in response.content.decode()  # Django's own message, in Chinese
    assert not AccessAttempt.objects.exists()
    wrong = client.post(reverse("login"), {"username": "liaison", "password": "wrong"})
    assert wrong.status_code == 200 and AccessAttempt.objects.filter(username="liaison").exists()
    # the Django admin's own log-in page (for superusers) the same
    admin = client.post(reverse("admin:login"), {"username": "长" * 300, "password": "x"})
    assert admin.status_code == 200 and "确保该变量包含不超过 150 字符" in admin.content.decode()
    assert not AccessAttempt.objects.exclude(username="liaison").exists()
