"""Browser journey (R0.1, X4): county office staff log in, browse the tree, open a unit, switch language."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, build_tree, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_office_browses_the_tree_and_switches_language(page: Page, live_server):
    tree = build_tree()
    user_with_role("county_office", "office", tree.county_a)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label("用户名").fill("county_office")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#home-office")).to_be_visible()

    page.get_by_role("link", name="单位", exact=True).click()
    tree_box = page.locator("#unit-tree")
    expect(tree_box.get_by_role("link", name="正定县")).to_be_visible()
    expect(tree_box).not_to_contain_text("迁安市")
    tree_box.get_by_role("button", name="展开").first.click()
    expect(tree_box.get_by_role("link", name="正定镇")).to_be_visible()
    tree_box.get_by_role("link", name="正定镇").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("正定镇")
    expect(page.locator("#sub-units")).to_contain_text("塔元庄村")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("正定镇")
    expect(page.locator("#sub-units")).to_be_visible()
    expect(page.get_by_role("link", name="Units", exact=True)).to_be_visible()
    expect(page.get_by_text("Sub-units")).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_text("下级单位").first).to_be_visible()
