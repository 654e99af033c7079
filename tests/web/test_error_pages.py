"""Issue 12 polish: error answers a user or an operator meets — a 405 page, and a 403 logged in one line."""
from __future__ import annotations

import logging

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, words", [("zh-hans", "返回首页"), ("en", "Back to the home page")])
def test_a_get_on_a_post_only_address_shows_the_site_error_page(users, login, language, words):
    """A bookmarked or reloaded form action (GET on require_POST) answers 405 with the site's page, in the
    user's language, not an empty page."""
    client = login(users["prov_office"])
    client.cookies["django_language"] = language
    response = client.get(reverse("campaign:start"))
    assert response.status_code == 405 and response["Allow"] == "POST"
    body = response.content.decode()
    assert 'id="not-allowed"' in body and words in body and 'id="notification-bell"' in body  # the site's frame


def test_a_head_on_a_post_only_address_stays_empty(users, login):
    response = login(users["prov_office"]).head(reverse("campaign:start"))
    assert response.status_code == 405 and response.content == b""


def test_a_403_is_logged_in_one_line_without_a_traceback(users, login, caplog):
    """Issue 12: a refused action is routine (a warning of one line), not a traceback that reads
    like a crash in the logs."""
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = login(users["liaison"]).post(reverse("campaign:start"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    assert records[0].exc_info is None and records[0].exc_text is None
    handler = logging.getLogger().handlers[0]  # the console handler of settings.LOGGING
    line = handler.format(records[0])
    assert "Traceback" not in line and "\n" not in line and "Forbidden" in line


def test_a_500_keeps_its_traceback():
    """Only the routine answers lose the traceback: a server error keeps it."""
    from config.logging import OneLineFor4xxFilter

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (),
                                   sys.exc_info())
    record.status_code = 500
    assert OneLineFor4xxFilter().filter(record) and record.exc_info is not None
