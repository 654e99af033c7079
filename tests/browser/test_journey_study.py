"""Browser journey (R2.2): a unit liaison records study sessions with attendance and watches the
shortfall list follow — a provincial-level leader with 4 sessions is short, with 5 is not.

Selectors use ids, names and data attributes only: the UI may show English or Chinese."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from campaign.services.campaign import campaign_create, obligations_generate
from campaign.services.study import session_record
from tests.factories import PASSWORD, CadreFactory, build_tree, user_with_role
from units.models import Rank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def record_in_browser(page: Page, cadre_ids: list[int], topic: str, date: str) -> None:
    page.locator("select[name=kind]").select_option("central_group")
    page.locator("input[name=date]").fill(date)
    page.locator("input[name=topic]").fill(topic)
    page.locator("input[name=hours]").fill("2")
    for pk in cadre_ids:
        page.locator(f"input[name=attendees][value='{pk}']").check()
    page.locator("#submit-id-submit").click()
    expect(page.locator("#session-topic")).to_have_text(topic)


def test_liaison_records_sessions_and_the_shortfall_follows(page: Page, live_server):
    tree = build_tree()
    user_with_role("liaison", "liaison", tree.county_a)
    campaign = campaign_create()
    obligations_generate(campaign=campaign)
    provincial = CadreFactory(unit=tree.county_a, name="周省级", post="挂职省领导", rank=Rank.PROVINCIAL)
    for day in (3, 4, 5):
        session_record(campaign=campaign, unit=tree.county_a, kind="report", date=datetime.date(2014, 3, day),
                       topic=f"听报告{day}", hours=Decimal("2"), attendee_ids=[provincial.pk])

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("liaison")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#home-liaison")).to_be_visible()

    page.goto(f"{live_server.url}/campaign/study/shortfall/")
    row = page.locator(f"#shortfall-table tr[data-cadre='{provincial.pk}']")
    expect(row).to_have_attribute("data-attended", "3")
    expect(row).to_have_attribute("data-missing", "2")

    # the unit picker leads the liaison to their own unit's form
    page.locator("#nav-study-sessions").click()
    page.locator(f"#record-for-{tree.county_a.pk}").click()
    expect(page.locator("#session-unit")).to_have_attribute("data-unit", str(tree.county_a.pk))
    record_in_browser(page, [provincial.pk, tree.cadre_a.pk], "学习兰考讲话", "2014-03-10")
    expect(page.locator("#attendees tr[data-cadre]")).to_have_count(2)
    expect(page.locator(f"#attendees tr[data-cadre='{provincial.pk}']")).to_contain_text("周省级")

    page.goto(f"{live_server.url}/campaign/study/shortfall/")
    row = page.locator(f"#shortfall-table tr[data-cadre='{provincial.pk}']")
    expect(row).to_have_attribute("data-attended", "4")
    expect(row).to_have_attribute("data-missing", "1")  # 4 sessions: still short of 5
    expect(page.locator(f"#shortfall-table tr[data-cadre='{tree.cadre_a.pk}']")).to_have_attribute("data-missing", "2")

    page.go_back()
    page.locator("#record-another").click()
    record_in_browser(page, [provincial.pk], "观看专题片", "2014-03-17")
    page.goto(f"{live_server.url}/campaign/study/shortfall/")
    expect(page.locator(f"#shortfall-table tr[data-cadre='{tree.cadre_a.pk}']")).to_be_visible()
    expect(page.locator(f"#shortfall-table tr[data-cadre='{provincial.pk}']")).to_have_count(0)  # 5: done

    # with everyone shown, the leader is there with nothing missing
    page.locator("input[name=everyone]").check()
    page.locator("#filter-submit").click()
    expect(page.locator(f"#shortfall-table tr[data-cadre='{provincial.pk}']")).to_have_attribute("data-missing", "0")
