"""X4 accessibility (issue 12 item 5): axe-core finds no WCAG 2.1 AA violation on any page of the URL walk,
and no page is wider than a 375 px phone.

Every GET page of the walk (tests/walk/) that renders HTML is opened in Chromium as the first role it answers
200 for (the same choice as tests/test_language.py), in Chinese, on the walk's own records; axe-core 4.x (the
copy shipped in ``axe-playwright-python``) runs with the WCAG 2.0/2.1 A and AA rules at 1280 px, then the page
is narrowed to 375 px and must not scroll sideways (a wide table scrolls inside its own box, which axe's
keyboard rule for scrolling boxes then checks: a keyboard must reach it); a page with such a box is checked so
in English too, whose words do not wrap as Chinese does. The browser is served by Django's test
client through ``tests/browser/bridge.py``.
"""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.bridge import ORIGIN, bridge
from tests.test_language import RENDERED
from tests.walk import ANON, ROLES, collect

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGES, _ = collect()
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}
#: At 375 px, what the narrower page changes: a table wider than the phone scrolls inside its box, which a keyboard
#: must be able to reach and scroll (WCAG 2.1.1; at 1280 px the tables fit and axe had nothing to check).
PHONE_RULES = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}, "resultTypes": ["violations"]}
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


def _log_in(client, ctx, role: str) -> None:
    client.logout()
    if role != ANON:
        client.force_login(ctx.users[role], backend="accounts.backends.PasswordBackend")


def check_page(page, client, ctx, name: str, role: str, query: str = "", url: str | None = None) -> list[str]:
    """Open ``name`` (at ``url`` when its record is built already) as ``role``; the accessibility and
    phone-width problems found."""
    if url is None:
        kwargs_of, _ = PAGES[name]
        url = reverse(name, kwargs=kwargs_of(ctx))
    _log_in(client, ctx, role)
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
    # the page's own resize handlers (the dashboard's charts redraw on "resize") run after the viewport
    # changes: measure once they had their frames, or after a second of trying
    try:
        page.wait_for_function("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1",
                               timeout=1000)
    except PlaywrightError:
        pass
    problems += on_the_phone(page, f"{name} as {role} ({url})")
    if page.locator(".table-responsive").count():
        # English words do not wrap as Chinese does: the same tables in English are the ones that scroll
        client.cookies["django_language"] = "en"
        try:
            page.goto(ORIGIN + url + query, wait_until="load")
            problems += on_the_phone(page, f"{name} as {role} ({url}) in English")
        finally:
            del client.cookies["django_language"]
    return problems


def on_the_phone(page, what: str) -> list[str]:
    """What is wrong with the page as it is now, at 375 px: wider than the phone, or a scrolling box a keyboard
    cannot reach."""
    width = page.evaluate(OVERFLOW)
    wide = [f"{what} at 375 px is {width['scroll']} px wide: {width['wide']}"] if width["scroll"] > width["width"] + 1 \
        else []
    return wide + phone_axe(page, what)


def two_frames(page) -> None:
    """Until the page's resize handlers and observers (``static/js/behaviours.js``) have had two frames."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def phone_axe(page, what: str) -> list[str]:
    """axe-core's keyboard rule for scrolling boxes on the page as it is now (narrowed to a phone), once the
    page's resize handlers had two frames."""
    two_frames(page)
    results = AXE.run(page, options=PHONE_RULES)
    return [f"{what} at 375 px, axe-core:\n{describe(results)}"] if results.violations_count else []


class _Shapes(HTMLParser):
    """The kinds of element a page is made of: tag, classes, role, type and the names of its other
    attributes (not their values, not the text): two renderings of one template that differ only in their
    data have the same kinds; a role's extra button, form or badge adds a kind."""

    def __init__(self):
        super().__init__()
        self.kinds: set[tuple] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        names = tuple(sorted(k for k in values if k not in {"id", "href", "value", "class", "role", "type",
                                                            "title", "action", "for", "name", "content"}))
        self.kinds.add((tag, tuple(sorted((values.get("class") or "").split())), values.get("role"),
                        values.get("type"), names))


def shapes(client, ctx, role: str, url: str) -> set[tuple] | None:
    """The element kinds of ``url`` as ``role`` (Django's test client, no browser), or ``None`` when the role
    does not get an HTML page there."""
    _log_in(client, ctx, role)
    response = client.get(url)
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    parser = _Shapes()
    parser.feed(response.content.decode())
    return parser.kinds


#: The element kinds axe has checked in the browser so far in this run, on any page as any role.
CHECKED: set[tuple] = set()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_x4_every_page_passes_axe_and_fits_a_phone(name, page, client, ctx):
    """X4 no WCAG 2.1 AA violation and no sideways scrolling at 375 px, page by page, for every role that
    opens it: the first role the walk renders it for, then each other role whose page holds a kind of
    element (a button, a form, a badge…) that axe has not checked yet — what only that role is shown.
    (Opening every page as every role in Chromium, ~1,400 runs, would take the suite over its time budget;
    the server's HTML tells which renderings hold something new: about twenty.)"""
    kwargs_of, _ = PAGES[name]
    url = reverse(name, kwargs=kwargs_of(ctx))
    first = RENDERED[name]
    problems = check_page(page, client, ctx, name, first, url=url)
    CHECKED.update(shapes(client, ctx, first, url) or ())
    for role in ROLES:
        kinds = shapes(client, ctx, role, url) if role != first else None
        if kinds is None or kinds <= CHECKED:
            continue
        problems += check_page(page, client, ctx, name, role, url=url)
        CHECKED.update(kinds)
    assert not problems, "\n".join(problems)


def test_x4_on_a_phone_the_card_list_comes_before_its_filters(page, client, ctx):
    """X4, R1.3 the supervisor's card list at 375 px: the seven filter fields fold behind a "筛选" button, the
    first card is on the first screen; the button opens the filters (and says it is open) and closes them."""
    card_kwargs, _ = PAGES["supervision:card_detail"]
    card_kwargs(ctx)  # the walk's card, in 正定县
    client.force_login(ctx.users["supervisor"], backend="accounts.backends.PasswordBackend")
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


def test_x4_a_table_wider_than_the_phone_is_reached_and_scrolled_by_keyboard(page, client, ctx):
    """X4 (WCAG 2.1.1): in English at 375 px a card's history — English words do not wrap as Chinese does — is
    wider than the phone and scrolls inside its box. The box takes the keyboard focus, is a region named by its
    card's header, and the arrow keys scroll it; at 1280 px, where it fits, it is no extra Tab stop."""
    kwargs_of, _ = PAGES["supervision:card_detail"]
    url = reverse("supervision:card_detail", kwargs=kwargs_of(ctx))
    client.force_login(ctx.users["supervisor"], backend="accounts.backends.PasswordBackend")
    client.cookies["django_language"] = "en"
    bridge(page, client)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(ORIGIN + url, wait_until="load")
    history = page.locator("#history .table-responsive")
    assert history.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(history).to_have_attribute("tabindex", "0")
    expect(history).to_have_attribute("role", "region")
    expect(history).to_have_attribute("aria-label", "History")
    history.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # the browser scrolls smoothly, over a few frames: wait for it (a busy machine takes longer)
    page.wait_for_function("box => box.scrollLeft > 0", arg=history.element_handle(), timeout=10_000)
    assert not phone_axe(page, "the card in English")
    history.blur()  # a focused box keeps its Tab stop: the focus is not thrown back to the page
    page.set_viewport_size({"width": 1280, "height": 900})
    two_frames(page)
    assert history.evaluate("box => box.scrollWidth <= box.clientWidth + 1")
    assert history.get_attribute("tabindex") is None and history.get_attribute("role") is None
    assert history.get_attribute("aria-label") is None


def test_x4_a_scrolling_box_opened_later_is_reached_too_and_a_templates_own_role_stays(page):
    """X4 (WCAG 2.1.1), behaviours.js on a page of its own: a wide table inside a hidden section (a collapse, a tab)
    measures nothing until shown, and then becomes a focusable region named by its card's header without the header's
    count badge; a box whose template gave it a role and a name keeps both and only gains (and loses) the Tab
    stop; widened so that nothing scrolls, the boxes lose what the script gave them."""
    wide = "表" * 5 + "x" * 400  # a word no line breaks: wider than any phone
    html = ('<!doctype html><html lang="en"><head><title>x</title></head><body><main><h1>Page</h1>'
            '<div id="more" hidden><div class="card"><div class="card-header">Reports '
            f'<span class="badge">12</span></div><div class="table-responsive" id="later"><table><tr><td>{wide}'
            '</td></tr></table></div></div></div>'
            '<div class="table-responsive" id="own" role="group" aria-label="Own">'
            f'<table><tr><td>{wide}</td></tr></table></div></main>'
            '<script src="/static/js/behaviours.js"></script></body></html>')
    bridge_static = {"/static/js/behaviours.js": (Path(settings.BASE_DIR) / "static/js/behaviours.js").read_bytes()}
    page.route(f"{ORIGIN}/**", lambda route: route.fulfill(
        status=200, body=bridge_static.get(route.request.url[len(ORIGIN):], html.encode()),
        headers={"content-type": "text/javascript" if route.request.url.endswith(".js") else "text/html"}))
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{ORIGIN}/probe/", wait_until="load")
    later, own = page.locator("#later"), page.locator("#own")
    expect(own).to_have_attribute("tabindex", "0")
    expect(own).to_have_attribute("role", "group")
    expect(own).to_have_attribute("aria-label", "Own")
    assert later.get_attribute("tabindex") is None  # hidden: nothing to scroll yet
    page.evaluate("() => { document.getElementById('more').hidden = false; }")  # as a collapse opens
    expect(later).to_have_attribute("tabindex", "0")
    expect(later).to_have_attribute("role", "region")
    expect(later).to_have_attribute("aria-label", "Reports")
    page.set_viewport_size({"width": 5000, "height": 740})
    expect(later).not_to_have_attribute("tabindex", "0")
    expect(own).not_to_have_attribute("tabindex", "0")
    assert later.get_attribute("role") is None and later.get_attribute("aria-label") is None
    assert own.get_attribute("role") == "group" and own.get_attribute("aria-label") == "Own"
