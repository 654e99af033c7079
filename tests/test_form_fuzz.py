"""A 500 page is a bug (the brief: bad input gets a clear message, never an error page). Every form on every page
of the URL walk, sent back by the role the walk renders the page for with hostile values — far too long, markup,
a NUL character, a date that does not exist, numbers out of range, an id that names nothing — is answered with a
page (the form and its errors, a redirect, a refusal), never a server error.

The walk's pages and records are ``tests/walk/``'s; the forms are read from each page's HTML (every ``<form
method="post">`` and its named fields, the CSRF token left to the test client, which does not check it), so a
form added to a page is sent without a line here.
"""
from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_language import RENDERED
from tests.test_url_walk import Ctx
from tests.walk import ANON, collect

pytestmark = pytest.mark.django_db

PAGES, _ = collect()

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
    """The page's POST forms: their action and their fields' names, types and the values of choices."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "enctype": a.get("enctype") or ""}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", tag) if tag == "input" else tag
            if a["name"] != "csrfmiddlewaretoken" and kind not in ("submit", "button", "image", "reset"):
                self._form["fields"].setdefault(a["name"], kind)
            if tag == "select":
                self._select = a["name"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _value(kind: str, variant: str) -> str:
    if variant == "text":
        return HOSTILE["text"] if kind not in ("checkbox", "radio", "select", "file") else HOSTILE["id"]
    if variant == "mixed":  # each field given what its kind reads worst
        return {"date": HOSTILE["date"], "datetime-local": HOSTILE["date"] + "T25:61", "number": HOSTILE["number"],
                "select": HOSTILE["id"], "checkbox": HOSTILE["id"], "radio": HOSTILE["id"],
                "hidden": HOSTILE["id"], "email": "@" * 300}.get(kind, HOSTILE["nul"])
    raise ValueError(variant)


@pytest.fixture
def ctx(tree, users, campaign):
    from campaign.models import CalendarDay

    return Ctx(tree=tree, campaign=campaign, users=users,
               calendar_day=CalendarDay.objects.create(date=datetime.date(2014, 5, 1), kind="holiday", name="劳动节"))


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_every_form_answers_hostile_values_without_a_server_error(name, client, ctx):
    kwargs_of, _ = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(ctx))
    role = RENDERED[name]
    if role != ANON:
        client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")
    page = client.get(url)
    if page.status_code != 200 or page.streaming or not page.get("Content-Type", "").startswith("text/html"):
        pytest.skip(f"{name} is not an HTML page")
    parser = _Forms()
    parser.feed(page.content.decode())
    forms = [f for f in parser.forms if f["fields"] and not f["action"].startswith(("http:", "https:"))]
    if not forms:
        pytest.skip(f"{name} has no form to send")
    problems = []
    for form in forms:
        target = form["action"] or url
        if target.startswith("?"):
            target = url + target
        if target.startswith(settings.LOGOUT_REDIRECT_URL or "/accounts/logout") or "logout" in target:
            continue
        for variant in ("text", "mixed"):
            data = {field: _value(kind, variant) for field, kind in form["fields"].items() if kind != "file"}
            client.raise_request_exception = False
            response = client.post(target, data)
            if response.status_code >= 500:
                problems.append(f"{name} as {role}: POST {target} ({variant}) → {response.status_code}")
            if role != ANON:  # a form that logs out, or a step that ends the session, does not stop the rest
                client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sent, back", [
    ("/campaign/liaison/tasks/?status=open", "/campaign/liaison/tasks/?status=open"),
    ("正定县", "/campaign/liaison/tasks/"),  # a word, not a path: redirect() would look it up as a URL name
    ("/campaign/\x00tasks/", "/campaign/liaison/tasks/"),  # no control character in a Location header
    ("//evil.example/", "/campaign/liaison/tasks/"),
    ("https://evil.example/", "/campaign/liaison/tasks/"),
    ("/accounts/", "/campaign/liaison/tasks/"),  # outside the section the caller allows
])
def test_a_form_sends_back_only_to_a_page_of_the_site(rf, sent, back):
    """``web.redirects.next_or``: where a form's ``next`` may send the user (the liaison, exam, import and
    two-step forms use it)."""
    from web.redirects import next_or

    request = rf.post("/campaign/liaison/tasks/1/status/", {"next": sent})
    assert next_or(request, "campaign:liaison_tasks", within="/campaign/") == back


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
