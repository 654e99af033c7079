"""X4 accessibility (issue 12 item 5): axe-core finds no WCAG 2.1 AA violation on any page of the URL walk,
and no page is wider than a 375 px phone.

Every GET page of the walk (tests/walk/) that renders HTML is opened in Chromium as the first role it answers
200 for (the same choice as tests/test_language.py), in Chinese, on the walk's own records; axe-core 4.x (the
copy shipped in ``axe-playwright-python``) runs with the WCAG 2.0/2.1 A and AA rules at 1280 px, then the page
is narrowed to 375 px and must not scroll sideways (a wide table scrolls inside its own box). The browser is
served by Django's test client through ``tests/browser/bridge.py``.
"""
from __future__ import annotations

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.bridge import ORIGIN, bridge
from tests.test_language import RENDERED
from tests.test_url_walk import Ctx
from tests.walk import ANON, ROLES, collect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES, _ = collect()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}
AXE = Axe()
# The width of a page as the phone sees it, beyond the viewport: what makes a page scroll sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll('*')].filter(el => {
    if (el.closest('.table-responsive, pre, .overflow-auto, .echarts')) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1;
  }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                           (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


@pytest.fixture
def ctx(tree, users, campaign):
    from campaign.models import CalendarDay

    return Ctx(tree=tree, campaign=campaign, users=users,
               calendar_day=CalendarDay.objects.create(date=datetime.date(2014, 5, 1), kind="holiday", name="劳动节"))


def _node(node) -> str:
    target = " ".join(map(str, node["target"])) if isinstance(node["target"], list) else str(node["target"])
    data = (node.get("any") or [{}])[0].get("data") or {}
    if isinstance(data, dict) and "contrastRatio" in data:
        target += f" ({data.get('fgColor')} on {data.get('bgColor')}: {data['contrastRatio']})"
    return target


def describe(results) -> str:
    lines = []
    for violation in results.response["violations"]:
        targets = "; ".join(_node(node) for node in violation["nodes"][:4])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return "\n".join(lines)


def check_page(page, client, ctx, name: str, role: str, query: str = "") -> list[str]:
    """Open ``name`` as ``role``; the accessibility and phone-width problems found."""
    kwargs_of, _ = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(ctx))
    client.logout()
    if role != ANON:
        client.force_login(ctx.users[role], backend="django.contrib.auth.backends.ModelBackend")
    bridge(page, client)
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        response = page.goto(ORIGIN + url + query, wait_until="load")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            pytest.skip(f"{name} is a download")
        raise
    if response is None or not response.headers.get("content-type", "").startswith("text/html"):
        pytest.skip(f"{name} is not an HTML page")
    if not page.evaluate("() => document.documentElement.hasAttribute('lang')"):
        pytest.skip(f"{name} is an htmx fragment, checked inside its page")
    problems = []
    results = AXE.run(page, options=WCAG_AA)
    if results.violations_count:
        problems.append(f"{name} as {role} ({url}), axe-core:\n{describe(results)}")
    page.set_viewport_size({"width": 375, "height": 740})
    width = page.evaluate(OVERFLOW)
    if width["scroll"] > width["width"] + 1:
        problems.append(f"{name} as {role} ({url}) at 375 px is {width['scroll']} px wide: {width['wide']}")
    return problems


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_x4_every_page_passes_axe_and_fits_a_phone(name, page, client, ctx):
    """X4 no WCAG 2.1 AA violation and no sideways scrolling at 375 px, page by page."""
    problems = check_page(page, client, ctx, name, RENDERED[name])
    assert not problems, "\n".join(problems)


def test_x4_on_a_phone_the_card_list_comes_before_its_filters(page, client, ctx):
    """X4, R1.3 the supervisor's card list at 375 px: the seven filter fields fold behind a "筛选" button, the
    first card is on the first screen; the button opens the filters (and says it is open) and closes them."""
    card_kwargs, _ = PAGES["supervision:card_detail"]
    card_kwargs(ctx)  # the walk's card, in 正定县
    client.force_login(ctx.users["supervisor"], backend="django.contrib.auth.backends.ModelBackend")
    bridge(page, client)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(ORIGIN + reverse("supervision:card_list"), wait_until="load")
    filters, toggle = page.locator("#card-filters"), page.locator("button.filter-toggle")
    assert toggle.inner_text().strip() == "筛选"
    assert toggle.is_visible() and not filters.is_visible()
    first_card = page.locator("table tbody tr").first
    assert first_card.is_visible() and first_card.bounding_box()["y"] < 740
    toggle.click()
    expect(filters).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(filters).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 900})
    assert filters.is_visible() and not toggle.is_visible()


# The pages whose content changes most with the role: each is checked as every role that logs in, with a
# card, a public message and a material on record so the to-do sections have items.
PER_ROLE = ["home", "dashboards:done", "search"]
SEEDS = ["supervision:card_detail", "feedback:message_detail", "campaign:material_detail"]


@pytest.mark.parametrize("role", [role for role in ROLES if role != ANON])
@pytest.mark.parametrize("name", PER_ROLE)
def test_x4_the_home_pages_pass_axe_for_every_role(name, role, page, client, ctx):
    """X4 the to-do home, the done tab and the search page: no violation and no sideways scrolling for any
    role (their sections differ by role)."""
    for seed in SEEDS:
        if seed in PAGES:
            PAGES[seed][0](ctx)
    problems = check_page(page, client, ctx, name, role, "?q=正定" if name == "search" else "")
    assert not problems, "\n".join(problems)
