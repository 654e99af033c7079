"""Issue 15 item 4: a strict Content-Security-Policy (django-csp) — scripts and styles come from our own files only,
and no page holds inline code the policy would refuse.

The header is checked here; ``inline_code`` is the page rule, applied by the URL walk (tests/test_url_walk.py) to
every HTML page it renders for every role; tests/browser/conftest.py fails a browser test whose pages log a CSP
violation in Chromium's console.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

#: a <script> the browser does not run: a data block (Django's json_script), allowed under any policy
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script_start: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self._script_start = None

    def _check(self, tag, attrs):
        where = self.get_starttag_text() or f"<{tag}>"
        where = where if len(where) <= 160 else where[:157] + "..."
        values = dict(attrs)
        if "style" in values:
            self.found.append(f"a style attribute: {where}")
        handlers = [name for name in values if re.fullmatch(r"on[a-z]+", name)]
        if handlers:
            self.found.append(f"an event-handler attribute ({', '.join(handlers)}): {where}")
        for name in ("href", "src", "action", "formaction"):
            if (values.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"a javascript: URL: {where}")
        if tag == "style":
            self.found.append(f"a <style> element: {where}")
        if tag == "script" and not values.get("src") and (values.get("type") or "").lower() not in DATA_SCRIPT_TYPES:
            self._script_start, self._script_text = where, []

    def handle_data(self, data):
        if self._script_start is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script_start is not None:
            code = " ".join("".join(self._script_text).split())
            self.found.append(f"an inline <script>: {self._script_start}{code[:80]}")
            self._script_start = None


def inline_code(html: str) -> list[str]:
    """What in ``html`` the site's CSP refuses: style attributes, <style> elements, <script> elements without
    ``src`` (JSON data blocks excepted), on…= event handlers and javascript: URLs."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy header on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(directives: dict[str, list[str]]) -> None:
    assert directives["script-src"] == ["'self'"], directives["script-src"]
    assert directives["style-src"] == ["'self'"], directives["style-src"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


# -- the header -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_i15_the_csp_header_is_strict_for_an_anonymous_visitor(client):
    """The public message board: scripts and styles from 'self' only, no 'unsafe-inline', no eval."""
    response = client.get(reverse("feedback:board"))
    assert response.status_code == 200
    assert_strict(policy(response))


def test_i15_the_csp_header_is_strict_for_a_logged_in_user(login, users):
    response = login(users["county_office"]).get(reverse("home"))
    assert response.status_code == 200
    assert_strict(policy(response))
    assert not inline_code(response.content.decode())


def test_i15_the_csp_header_is_on_a_redirect_too(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302  # to the login page
    assert_strict(policy(response))


@pytest.mark.django_db
def test_i15_swagger_ui_runs_under_the_plain_policy(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    assert_strict(policy(response))
    assert not inline_code(response.content.decode())


@pytest.mark.django_db
def test_i15_redoc_alone_adds_its_nonce_for_styles_and_scripts_stay_self(client):
    """ReDoc writes <style> elements at run time: its page (only) lets styles with the response's nonce in,
    and ReDoc's search worker from a blob: URL; scripts stay 'self' (api/urls.py)."""
    response = client.get(reverse("api:redoc"))
    assert response.status_code == 200
    directives = policy(response)
    nonce = re.search(r'data-nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in directives["style-src"] and "'self'" in directives["style-src"]
    assert directives["script-src"] == ["'self'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)
    assert not inline_code(response.content.decode())
    # a nonce is fresh on every response, and no other page gets one
    assert client.get(reverse("api:redoc")).content.decode().count(nonce) == 0
    assert not any("nonce" in s for s in policy(client.get(reverse("api:docs")))["style-src"])


# -- the page rule that the URL walk applies ---------------------------------------------------------------

@pytest.mark.parametrize(("html", "found"), [
    ('<div class="card" style="max-width:40rem">', "a style attribute"),
    ("<p STYLE='color:red'>x</p>", "a style attribute"),
    ("<style>body { margin: 0 }</style>", "a <style> element"),
    ("<script>alert(1)</script>", "an inline <script>"),
    ('<script type="module">import "x";</script>', "an inline <script>"),
    ('<select onchange="this.form.submit()">', "an event-handler attribute (onchange)"),
    ('<button type="button" onclick="go()">', "an event-handler attribute (onclick)"),
    ('<a href="javascript:void(0)">x</a>', "a javascript: URL"),
])
def test_i15_the_page_rule_finds_inline_code(html, found):
    problems = inline_code(f"<!doctype html><html><body>{html}</body></html>")
    assert len(problems) == 1 and problems[0].startswith(found), problems


def test_i15_the_page_rule_lets_files_and_data_through():
    html = """<!doctype html><html><head><link rel="stylesheet" href="/static/css/dudao.css"></head>
    <body data-hx-headers='{"X-CSRFToken": "t"}'><div class="mw-40rem" data-percent="40" data-on="x">
    <p>style="not an attribute" onclick=</p><img src="data:image/png;base64,AAAA" alt="">
    <script src="/static/js/behaviours.js"></script><script src="/static/js/x.js" defer></script>
    <script id="dashboard-data" type="application/json">{"a": "<b style=x>"}</script></div></body></html>"""
    assert inline_code(html) == []
