"""Issue 15 item 1 in the browser: an office user logs in with the password, is taken to set up two-step
sign-in, adds the key to an "app" (the test computes the code from the key shown under the QR code), keeps the
recovery codes, and reaches the portal; at the next log-in the code page asks for a code. Every page of the
way passes axe-core (WCAG 2.1 AA) and fits a 375 px phone, with no CSP violation."""
from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.browser.bridge import ORIGIN, bridge
from tests.browser.test_accessibility import AXE, OVERFLOW, WCAG_AA, describe
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _code(secret: str, *, step_offset: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * step_offset
    return f"{totp.token():06d}"


def _checked(page: Page, what: str) -> None:
    results = AXE.run(page, options=WCAG_AA)
    assert not results.violations_count, f"{what}: {describe(results)}"
    width = page.evaluate(OVERFLOW)
    assert width["scroll"] <= width["width"] + 1, f"{what} at 375 px is {width['scroll']} px wide: {width['wide']}"


def _password(page: Page, username: str) -> None:
    page.goto(f"{ORIGIN}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_issue15_office_user_sets_up_and_uses_two_step_sign_in(page: Page, client, users, settings):
    settings.SECOND_FACTOR_ROLES = ["office", "leader", "admin"]
    bridge(page, client)
    page.set_viewport_size({"width": 375, "height": 740})
    _password(page, "county_office")
    expect(page.get_by_role("heading", level=1)).to_have_text("设置两步登录")  # not the portal: the set-up
    expect(page.locator("#qr-code svg")).to_be_visible()
    _checked(page, "set-up page")
    secret = page.locator("#totp-secret").inner_text()

    page.get_by_label("动态码").fill("000000" if _code(secret) != "000000" else "111111")
    page.get_by_role("button", name="开启两步登录").click()
    expect(page.locator("#id_code")).to_have_class(re.compile(r"\bis-invalid\b"))  # wrong code: said, not saved
    _checked(page, "set-up page with an error")

    page.get_by_label("动态码").fill(_code(secret))
    page.get_by_role("button", name="开启两步登录").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    _checked(page, "recovery codes")
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.locator("#tab-todo")).to_have_attribute("aria-current", "page")  # the to-do home

    page.goto(f"{ORIGIN}/accounts/me/")
    expect(page.locator("#two-step")).to_contain_text("已开启")
    _checked(page, "my account with two-step sign-in on")

    client.logout()  # the browser's session lives in the test client the bridge answers with
    _password(page, "county_office")
    expect(page.get_by_role("heading", level=1)).to_have_text("两步登录")
    page.goto(f"{ORIGIN}/cadres/")  # the password alone opens nothing
    expect(page.get_by_role("heading", level=1)).to_have_text("两步登录")
    _checked(page, "code page")
    page.get_by_label("动态码").fill(_code(secret, step_offset=1))
    page.get_by_role("button", name="继续").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("干部")  # where the password alone was refused
