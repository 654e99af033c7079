"""Browser journey (R4.4): a citizen on a phone-sized screen posts a message and follows it by its code;
the county office forwards it; the township's liaison answers; the office publishes; the citizen reads
the answer. Selectors use ids, names and data attributes only: the UI may show English or Chinese."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from campaign.services.campaign import campaign_create
from tests.factories import PASSWORD, build_tree, user_with_role


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
QUESTION = "镇便民服务大厅中午无人值班，外出务工人员回来办事很不方便。"
ANSWER = "已安排中午轮流值班，并公布值班电话。"


@pytest.fixture(autouse=True)
def _board_ready():
    from django.core.cache import cache

    cache.clear()


def sum_answer(page: Page) -> str:
    """What a citizen reads off the sum's picture: here, the answer sealed in the page's token."""
    from feedback.captcha import answer_of

    expect(page.locator("#captcha-image")).to_be_visible()
    assert page.evaluate("document.getElementById('captcha-image').naturalWidth") > 0  # the picture loaded
    return answer_of(page.locator("input[name=captcha_0]").input_value())


def login(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{base}/")
    return page


def open_message(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/feedback/messages/")
    page.locator("#message-table a", has_text=code).click()
    expect(page.locator("#message-code")).to_have_text(code)


def test_citizen_posts_on_a_phone_and_reads_the_published_answer(browser: Browser, live_server):
    tree = build_tree()
    user_with_role("county_office", "office", tree.county_a)
    user_with_role("town_liaison", "liaison", tree.township_a)
    campaign_create()
    base = live_server.url

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{base}/board/")
    phone.locator("#unit-search-input").fill("正定镇")  # htmx lists the matches as one types
    phone.locator(f"#unit-hit-{tree.township_a.pk}").click()
    expect(phone.locator("#chosen-unit")).to_have_attribute("data-unit", str(tree.township_a.pk))
    phone.locator("input[name=category][value=bureaucratism]").check()
    phone.locator("textarea[name=text]").fill(QUESTION)
    phone.locator("input[name=citizen_name]").fill("王大姐")
    phone.locator("input[name=citizen_phone]").fill("13812345678")
    phone.locator("input[name=captcha_1]").fill(sum_answer(phone))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    phone.locator("#board-submit").click()
    code = phone.locator("#tracking-code").inner_text().strip()
    assert len(code) == 10

    # following it by code, typed in lower case
    phone.goto(f"{base}/board/track/")
    phone.locator("input[name=code]").fill(code.lower())
    phone.locator("#track-submit").click()
    expect(phone.locator("#track-status")).to_have_attribute("data-status", "received")
    tracking_url = phone.url

    office = login(browser, base, "county_office")
    open_message(office, base, code)
    expect(office.locator("#citizen-phone")).to_have_text("13812345678")  # the office sees the contact
    office.locator("#action-forward").click()
    expect(office.locator("select[name=unit]")).to_have_value(str(tree.township_a.pk))
    office.locator("#submit-id-submit").click()
    expect(office.locator("#message-assigned")).to_contain_text("正定镇")

    liaison = login(browser, base, "town_liaison")
    open_message(liaison, base, code)
    liaison.locator("#action-answer").click()
    liaison.locator("textarea[name=text]").fill(ANSWER)
    liaison.locator("#submit-id-submit").click()
    expect(liaison.locator("#message-answer")).to_have_text(ANSWER)

    phone.goto(tracking_url)
    expect(phone.locator("#track-status")).to_have_attribute("data-status", "answered")
    expect(phone.locator("#track-answer")).to_have_count(0)  # not published yet

    office.reload()
    office.locator("#action-publish").click()
    office.locator("#submit-id-submit").click()
    expect(office.locator("#message-closed")).to_be_visible()

    phone.reload()
    expect(phone.locator("#track-status")).to_have_attribute("data-status", "published")
    expect(phone.locator("#track-answer-text")).to_have_text(ANSWER)
    body = phone.content()
    assert "王大姐" not in body and "13812345678" not in body


def test_r4_4_the_message_text_counts_its_characters_as_one_types(browser: Browser, live_server):
    """Issue 12: a live count under the text (N/2000字), red with what is too many past the limit; the
    pasted text is kept whole (no maxlength cutting it), and the server refuses it with the count."""
    tree = build_tree()
    campaign_create()
    page = browser.new_context(**PHONE).new_page()
    page.goto(f"{live_server.url}/board/?unit={tree.county_a.pk}")
    counter = page.locator("#id_text-counter")
    expect(counter).to_have_text("0/2000字")
    page.locator("textarea[name=text]").fill("村里开会太多")
    expect(counter).to_have_text("6/2000字")
    expect(counter).not_to_have_class(re.compile("text-danger"))
    page.locator("textarea[name=text]").fill("字" * 2003)
    expect(counter).to_have_text("超出3字")
    expect(counter).to_have_class(re.compile("text-danger"))
    assert page.locator("textarea[name=text]").input_value() == "字" * 2003
    page.locator("input[name=category][value=other]").check()
    page.locator("input[name=captcha_1]").fill(sum_answer(page))
    page.locator("#board-submit").click()
    expect(page.locator("#id_text-counter")).to_have_text("超出3字")  # the text is still there, counted
    expect(page.locator("#board-form")).to_contain_text("留言不超过2000字，当前2003字")
