"""Issue 12 item 6: each role's day in the browser — log in, open the to-do home (待办), settle the first
item, see it leave the to-do list and appear under 已办. R1.3 (cards), R1.3/R5.4 (approvals), R3.2
(materials); R0.1 each user sees the work of their own scope.

The browser is Chromium, served by Django's test client (tests/browser/bridge.py), in Chinese; labels are
read from the catalogue so the test follows the wording users see.
"""
from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.browser.bridge import ORIGIN, bridge
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TODAY = datetime.date(2014, 4, 10)


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def card(tree, users, campaign):
    """A card issued to 正定县 by the city's first group, led by the supervisor."""
    from supervision.models import SupervisionGroup
    from supervision.services.cards import card_issue

    group = SupervisionGroup.objects.create(
        leading_unit=tree.city_a, name="市委第一督导组", card_prefix="石督卡", leader=users["supervisor"],
        office_address="石家庄市中华南大街1号", phone="0311-86000001", email="dudao1@example.cn",
        letters_and_visits="来信请寄。")
    group.units.set([tree.county_a])
    return card_issue(user=users["supervisor"], group=group, unit=tree.county_a, problems=["awareness"],
                      facts="学习流于形式。", required_actions="重新组织专题学习。",
                      due_date=TODAY + datetime.timedelta(days=10), today=TODAY)


def log_in(page: Page, client, username: str) -> None:
    bridge(page, client)
    page.set_viewport_size({"width": 375, "height": 740})  # a phone: the to-do is what the day starts with
    page.goto(f"{ORIGIN}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#tab-todo")).to_have_attribute("aria-current", "page")


def settled(page: Page, section: str, title: str) -> None:
    """Back home, ``section`` counts nothing; the done tab lists ``title``."""
    page.goto(f"{ORIGIN}/")
    expect(page.locator(f"#{section} [data-count]")).to_have_attribute("data-count", "0")
    page.locator("#tab-done").click()
    expect(page.locator("main")).to_contain_text(title)


def test_issue12_r1_3_the_liaisons_day_signs_for_a_card(page, client, users, card):
    log_in(page, client, "liaison")
    section = page.locator("#todo-liaison-cards_sign")
    expect(section.locator("[data-count]")).to_have_attribute("data-count", "1")
    section.get_by_role("link", name=card.number).click()
    page.get_by_role("button", name=zh("Sign for the card")).click()
    expect(page.locator("#sign-card")).to_have_count(0)
    settled(page, "todo-liaison-cards_sign", card.number)


def test_issue12_r1_3_the_supervisors_day_verifies_an_answer(page, client, users, card):
    from supervision.services.cards import card_answer, card_sign

    card_sign(user=users["liaison"], card=card)
    card_answer(user=users["liaison"], card=card, text="已整改。")
    log_in(page, client, "supervisor")
    section = page.locator("#todo-supervisor-cards_verify")
    expect(section.locator("[data-count]")).to_have_attribute("data-count", "1")
    section.get_by_role("link", name=card.number).click()
    page.locator("#verify-card").click()
    page.get_by_label(zh("Accept and close the card")).check()
    page.get_by_role("button", name=zh("Record the verdict")).click()
    expect(page.locator("#verify-card")).to_have_count(0)
    settled(page, "todo-supervisor-cards_verify", card.number)


def test_issue12_r5_4_the_leaders_day_approves_an_interview(page, client, users, card):
    from supervision.models import StepKind
    from supervision.services.escalation import step_take

    for kind in (StepKind.REMINDER, StepKind.LETTER, StepKind.INTERVIEW):
        step_take(card=card, kind=kind, reason="仍未整改。", user=users["supervisor"],
                  channel="letter" if kind == StepKind.LETTER else "", document=None)
    log_in(page, client, "leader")
    section = page.locator("#todo-leader-approvals")
    expect(section.locator("[data-count]")).to_have_attribute("data-count", "1")
    section.locator("li.list-group-item a").first.click()
    if page.locator("[id^=decide-step-]").count():
        page.locator("[id^=decide-step-]").first.click()
    page.get_by_label(zh("Approve"), exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name=zh("Record the decision")).click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    settled(page, "todo-leader-approvals", card.number)


def test_issue12_r3_2_the_offices_day_reviews_a_material(page, client, users, tree, campaign):
    from campaign.services.problems import material_submit

    material_submit(campaign=campaign, unit=tree.township_a, subject="team", text="对照检查材料。", file=None,
                    by=users["county_office"])
    log_in(page, client, "county_office")
    section = page.locator("#todo-office-materials")
    expect(section.locator("[data-count]")).to_have_attribute("data-count", "1")
    section.locator("li.list-group-item a").first.click()
    page.locator("#review-form").get_by_label(zh("Approve"), exact=True).check()
    with page.expect_navigation():
        page.locator("#review-form").get_by_role("button", name=zh("Record the decision")).click()
    expect(page.locator(".alert-danger")).to_have_count(0)
    settled(page, "todo-office-materials", tree.township_a.name)
