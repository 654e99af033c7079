"""The README's tour: the main pages on the demo data, rendered in Chromium and photographed.

With ``DOCS_SCREENSHOTS=docs/screenshots`` the pictures are written there (commit them after a
visual check); otherwise to a temporary folder, so the suite still proves every page draws.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (file, account, path or None for the page reached by clicking, element that must be visible)
TOUR = [
    ("01-dashboard.png", "leader", "/dashboards/", "#dashboard-unit"),
    ("02-unit-tree.png", "county_office", "/units/", "#unit-tree"),
    ("03-progress.png", "county_office", "/campaign/progress/", "#unit-obligations"),
    ("04-study-shortfall.png", "county_office", "/campaign/study/shortfall/", "table"),
    ("05-supervision-cards.png", "supervisor", "/supervision/cards/", "table"),
    ("06-messages.png", "county_office", "/feedback/messages/", "main"),
]


def _folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DOCS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_tour_of_the_main_pages(browser: Browser, live_server, tmp_path):
    call_command("demo_data", "--scale", "demo", verbosity=0)
    folder = _folder(tmp_path)
    for filename, account, path, selector in TOUR:
        context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill(account)
        page.locator("input[name=password]").fill("Demo@2014")
        page.locator("form button[type=submit]").last.click()
        expect(page.locator("input[name=password]")).to_have_count(0)
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        expect(page.locator(selector).first).to_be_visible()
        page.screenshot(path=str(folder / filename))
        context.close()
    # the public board, as a citizen on a phone
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = phone.new_page()
    response = page.goto(f"{live_server.url}/board/")
    assert response is not None and response.status == 200
    page.screenshot(path=str(folder / "07-message-board-phone.png"), full_page=True)
    phone.close()
    assert len(list(folder.glob("*.png"))) >= len(TOUR) + 1
