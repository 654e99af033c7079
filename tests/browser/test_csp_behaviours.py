"""Issue 15 item 4/7 in the browser: the behaviours that were inline code (on…= handlers, a <script> block,
style="width: N%") still work now that static/js/behaviours.js does them; and the CSP check of
tests/browser/conftest.py, which every browser test runs under, does see a violation.

Served by Django's test client through tests/browser/bridge.py, as the accessibility walk is."""
from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.bridge import ORIGIN, bridge

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _open(page, client, user, url):
    client.force_login(user, backend="accounts.backends.PasswordBackend")
    bridge(page, client)
    page.goto(ORIGIN + url, wait_until="load")


def test_i15_the_check_sees_a_violation(page, client, csp_violations):
    """A page with a style attribute, an inline script and an onclick under the site's policy: Chromium
    refuses all three and the check has them (then they are forgotten, so this test passes)."""
    policy = client.get(reverse("feedback:board"))["Content-Security-Policy"]
    html = ('<!doctype html><html lang="en"><head><title>x</title></head><body>'
            '<p style="color:red">x</p><script>document.title = "ran"</script>'
            '<button onclick="document.title = \'clicked\'">b</button></body></html>')
    page.route(f"{ORIGIN}/probe/", lambda route: route.fulfill(
        status=200, body=html, headers={"content-type": "text/html; charset=utf-8",
                                        "content-security-policy": policy}))
    page.goto(f"{ORIGIN}/probe/", wait_until="load")
    page.locator("button").click()
    page.evaluate("0")  # a round trip: the console messages are in
    assert page.title() == "x"  # neither the script nor the handler ran
    assert len(csp_violations) >= 3, csp_violations
    assert any("inline style" in v for v in csp_violations), csp_violations
    assert any("script" in v for v in csp_violations), csp_violations
    csp_violations.clear()


def test_i15_the_unit_tree_turns_its_carets_also_in_loaded_branches(page, client, users, tree):
    """R0.2 the tree: a toggle's caret turns down when its branch opens, in the first level and in a
    branch htmx loaded (the handler is delegated, not inline)."""
    _open(page, client, users["admin"], reverse("units:tree"))
    root = page.locator("#unit-tree button.toggle").first
    root.click()
    expect(root.locator("i")).to_have_class("bi bi-caret-down-fill")
    branch = page.locator("#unit-tree .subtree button.toggle").first
    expect(branch).to_be_visible()
    branch.click()
    expect(branch.locator("i")).to_have_class("bi bi-caret-down-fill")
    branch.click()
    expect(branch.locator("i")).to_have_class("bi bi-caret-right-fill")


def test_i15_the_study_form_ticks_every_cadre(page, client, users, tree, campaign):
    _open(page, client, users["county_office"], reverse("campaign:study_session_add", kwargs={"pk": tree.county_a.pk}))
    boxes = page.locator("input[name=attendees]")
    assert boxes.count() >= 1
    page.locator("#tick-all").click()
    for i in range(boxes.count()):
        expect(boxes.nth(i)).to_be_checked()


def test_i15_the_notice_form_ticks_all_children_and_enter_does_not_send(page, client, users, tree, campaign):
    """X3 the addressees: "all units below" ticks and unticks them all, unticking one unticks "all"; Enter
    in the unit search searches, it does not send the form."""
    _open(page, client, users["city_office"], reverse("campaign:notice_create"))
    every, children = page.locator("#id_all_children"), page.locator("#child-units input[type=checkbox]")
    assert children.count() == 2
    every.check()
    expect(children.nth(0)).to_be_checked()
    expect(children.nth(1)).to_be_checked()
    children.nth(1).uncheck()
    expect(every).not_to_be_checked()
    expect(children.nth(0)).to_be_checked()
    every.check()
    every.uncheck()
    expect(children.nth(0)).not_to_be_checked()
    url = page.url
    page.locator("#unit-search").fill("正定")
    page.locator("#unit-search").press("Enter")
    expect(page.locator("#unit-search-box")).not_to_be_empty()
    assert page.url == url and page.locator("#notice-form").count() == 1


def test_i15_the_issuer_choice_submits_itself(page, client, tree, campaign):
    """X3 a user with two units chooses the issuing one: the select sends its form when changed."""
    from units.models import RoleAssignment

    from tests.factories import user_with_role

    user = user_with_role("two_units", "office", tree.county_a)
    RoleAssignment.objects.create(user=user, unit=tree.county_a2, role="office")
    _open(page, client, user, reverse("campaign:notice_create"))
    select = page.locator("#issuer-select")
    if select.count() == 0:
        pytest.skip("this user is offered one issuing unit")
    other = next(v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)")
                 if v != select.input_value())
    with page.expect_navigation():
        select.select_option(other)
    assert f"issuer={other}" in page.url


def test_i15_a_progress_bar_is_as_wide_as_its_percent(page, client, users, tree, campaign):
    """R2 the progress bars: their width (data-percent, set by behaviours.js) is the percent they show."""
    _open(page, client, users["county_office"], reverse("campaign:unit_progress", kwargs={"pk": tree.county_a.pk}))
    bar = page.locator("#subtree-progress .progress-bar")
    percent = int(bar.get_attribute("data-percent"))
    ratio = bar.evaluate("b => b.getBoundingClientRect().width / b.parentElement.getBoundingClientRect().width")
    assert abs(ratio * 100 - percent) < 1.5, (ratio, percent)
    assert bar.get_attribute("style") is not None or percent == 0  # set by script, through CSSOM


def test_i15_a_dashboard_tooltip_shows_without_a_violation(page, client, users, tree, campaign):
    from campaign.services.campaign import obligations_generate
    from tests.dashboards.builders import seed

    obligations_generate(campaign=campaign)
    seed(tree, campaign)
    _open(page, client, users["leader"], reverse("dashboards:home"))
    expect(page.locator("#chart-kinds")).to_have_attribute("data-ready", "1")
    page.locator('#chart-kinds path[fill="#2e7d32"]').first.hover(force=True)
    page.wait_for_timeout(500)


def test_i15_swagger_ui_and_redoc_render_under_the_policy(page, client):
    """Issue 14 pages under issue 15's policy: Swagger UI lists the operations, ReDoc draws its styled
    reference with its search box (its run-time styles carry the page's nonce)."""
    bridge(page, client)
    page.goto(ORIGIN + reverse("api:docs"), wait_until="load")
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible(timeout=15000)
    page.goto(ORIGIN + reverse("api:redoc"), wait_until="load")
    expect(page.locator("#redoc-container h1").first).to_be_visible(timeout=15000)
    expect(page.locator("#redoc-container input[placeholder]")).to_have_count(1)
    # styled-components' rules are in force: the three-panel layout puts the menu beside the content
    menu = page.locator("#redoc-container .menu-content").bounding_box()
    assert menu is not None and menu["width"] < 400
