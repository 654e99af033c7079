"""Playwright drives Debian's Chromium (/usr/bin/chromium); no browser is downloaded."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS, "headless": True}


# -- issue 15: no Content-Security-Policy violation on any page a browser test opens ----------------------

#: Chromium logs every refused inline style, inline script, event handler or foreign source to the console,
#: as "Refused to … because it violates the following Content Security Policy directive: …"
CSP_REPORT = "Content Security Policy"
#: refusals the policy makes on purpose: ReDoc's sidebar credits Redocly with a logo from its CDN, which is no
#: request of ours to make (no third-party requests, issue 14); ReDoc hides the image that fails (api/urls.py)
CSP_INTENDED = ("Loading the image 'https://cdn.redoc.ly/",)
CSP_VIOLATIONS = pytest.StashKey[list]()
_CSP_CONTEXTS = pytest.StashKey[list]()


@pytest.fixture(autouse=True)
def csp_violations(request, browser, monkeypatch):
    """Every browser context of the test (the ``page`` fixture's, and the ones tests open with
    ``browser.new_context()``) reports its CSP violations into this list; ``pytest_runtest_call`` below fails
    the test when it is not empty. Autouse fixtures are set up first, so the wrapper is in place before
    pytest-playwright's ``context`` fixture opens its context."""
    seen: list[str] = []
    contexts = []
    opened = browser.new_context

    def new_context(*args, **kwargs):
        context = opened(*args, **kwargs)
        contexts.append(context)

        def on_console(message):
            if CSP_REPORT in message.text and not message.text.startswith(CSP_INTENDED):
                seen.append(f"{message.page.url if message.page else '?'}: {message.text}")

        context.on("console", on_console)
        return context

    monkeypatch.setattr(browser, "new_context", new_context)
    request.node.stash[CSP_VIOLATIONS] = seen
    request.node.stash[_CSP_CONTEXTS] = contexts
    return seen



def _flush_console(contexts) -> None:
    """Console events reach Python when Playwright next talks to the browser: one round trip per open
    page, so a violation logged after the test's last step is counted too."""
    for context in contexts:
        try:
            for page in context.pages:
                if not page.is_closed():
                    page.evaluate("0")
        except Exception:  # a context or page the test closed meanwhile  # noqa: BLE001
            continue


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    seen = item.stash.get(CSP_VIOLATIONS, None)
    if seen is not None:
        _flush_console(item.stash.get(_CSP_CONTEXTS, []))
        if seen:
            pytest.fail("Content-Security-Policy violations in the browser:\n" + "\n".join(dict.fromkeys(seen)),
                        pytrace=False)
    return result
