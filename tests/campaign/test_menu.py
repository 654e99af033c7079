"""The header's menus (``campaign.context_processors.campaign_menu``): their addresses are reversed once per process
and script prefix (issue 13), their labels drawn in each page's language."""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse, set_script_prefix


def _menu_link(html: str, href: str) -> str:
    """The label of the menu entry that opens ``href``."""
    start = html.index(f'<a class="dropdown-item" href="{href}">') + len(f'<a class="dropdown-item" href="{href}">')
    return html[start:html.index("</a>", start)]


def test_issue13_the_menus_keep_their_addresses_and_follow_the_language_and_the_prefix(users, login, campaign):
    """Issue 13: one process serves the menus in Chinese, then English, then under a script prefix (a portal mounted
    at /dudao/ behind its proxy): each page's labels are in its language, its links carry its prefix."""
    client = login(users["county_office"])
    sessions, cards = reverse("campaign:study_sessions"), reverse("supervision:card_list")
    html = client.get(reverse("home")).content.decode()
    assert _menu_link(html, sessions) == "学习活动" and _menu_link(html, cards) == "督导卡"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("home")).content.decode()
    assert _menu_link(html, sessions) == "Study sessions" and _menu_link(html, cards) == "Supervision cards"
    home = reverse("home")  # the address within the site, as the handler resolves it after the prefix
    set_script_prefix("/dudao/")  # as the WSGI handler sets it from SCRIPT_NAME (Django's test client does not)
    try:
        response = client.get(home)
    finally:
        set_script_prefix("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _menu_link(html, "/dudao" + sessions) == "Study sessions"
    assert f'href="{sessions}"' not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("home")).content.decode()
    assert _menu_link(html, sessions) == "学习活动" and "/dudao/" not in html


def test_issue13_no_menu_for_a_visitor(client, campaign):
    """The public board has no staff menu."""
    html = client.get(reverse("feedback:board")).content.decode()
    assert reverse("campaign:study_sessions") not in html
