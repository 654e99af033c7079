"""Browser journey (R5.1, R6.3): a provincial leader opens the dashboard, sees the charts drawn, drills down
to a city, a county and a unit by clicking, and downloads the weekly progress report as a PDF.

Selectors use ids, names and data attributes only: the UI may show English or Chinese."""
from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from campaign.services.campaign import campaign_create, obligations_generate
from tests.dashboards.builders import seed
from tests.factories import PASSWORD, build_tree, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provincial_leader_drills_down_and_downloads_the_weekly_report(page: Page, live_server, tmp_path):
    tree = build_tree()
    user_with_role("leader", "leader", tree.province)
    campaign = campaign_create()
    obligations_generate(campaign=campaign)
    seed(tree, campaign)
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill("leader")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=password]")).to_have_count(0)

    # the dashboard of the province: figures, charts drawn by ECharts from the page's JSON, the children
    page.goto(f"{base}/dashboards/")
    expect(page.locator("#dashboard-unit")).to_have_attribute("data-unit", str(tree.province.pk))
    expect(page.locator("#chart-children")).to_have_attribute("data-ready", "1")
    expect(page.locator("#chart-children svg")).to_have_count(1)
    expect(page.locator("#fig-obligations-overdue")).not_to_have_attribute("data-value", "0")

    # drill down: a city, a county in it
    for unit, parent in ((tree.city_a, tree.province), (tree.county_a, tree.city_a)):
        page.locator(f"#drill-{unit.pk}").click()
        expect(page.locator("#dashboard-unit")).to_have_attribute("data-unit", str(unit.pk))
        expect(page.locator(f"#dashboard-breadcrumb a[data-unit='{parent.pk}']")).to_be_visible()

    # a number opens the list behind it: the county's overdue supervision cards, as many as it said
    overdue = page.locator("#fig-cards-overdue")
    count = int(overdue.get_attribute("data-value"))
    assert count > 0
    overdue.click()
    expect(page).to_have_url(re.compile(r"/supervision/cards/\?.*overdue=true"))
    expect(page.locator("tr[data-card]")).to_have_count(count)
    page.go_back()

    # and on to a unit of the county
    page.locator(f"#drill-{tree.township_a.pk}").click()
    expect(page.locator("#dashboard-unit")).to_have_attribute("data-unit", str(tree.township_a.pk))
    expect(page.locator(f"#drill-{tree.village_a.pk}")).to_be_visible()

    # the weekly report of the township's office
    with page.expect_download() as download:
        page.locator("#report-pdf").click()
    path = tmp_path / "weekly.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "正定镇" in re.sub(r"\s+", "", text)
