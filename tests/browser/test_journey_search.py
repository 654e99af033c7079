"""Browser journey (issue 12 item 3, R0.1): the header's search box on a phone (375 px) and on a wide screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, build_tree, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("county_office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_search_from_the_folded_menu_on_a_phone(page: Page, live_server):
    """At 375 px the box folds into the menu with the links; opened, it spans the menu's width, finds
    正定县's units and not 迁安市's, and the first result opens the unit's page."""
    tree = build_tree()
    user_with_role("county_office", "office", tree.county_a)
    page.set_viewport_size({"width": 375, "height": 740})
    _log_in(page, live_server)

    box = page.get_by_role("searchbox", name="搜索单位、干部、督导卡、留言和通知")
    expect(box).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    expect(box).to_be_visible()
    assert box.bounding_box()["width"] > 250
    box.fill("正定")
    box.press("Enter")

    results = page.locator("#results-units")
    expect(results.get_by_role("link", name="正定县")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("迁安")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    results.get_by_role("link", name="正定镇").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("正定镇")


def test_search_box_beside_the_menus_keeps_the_query(page: Page, live_server):
    tree = build_tree()
    user_with_role("county_office", "office", tree.county_a)
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, live_server)

    box = page.locator("#site-search-q")
    expect(box).to_be_visible()
    box.fill("塔元庄")
    page.locator("#site-search").get_by_role("button", name="搜索").click()
    expect(page.locator("#results-units").get_by_role("link", name="塔元庄村")).to_be_visible()
    expect(box).to_have_value("塔元庄")
    expect(page.locator("#search-page-q")).to_have_value("塔元庄")
