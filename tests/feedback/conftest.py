"""Fixtures of the feedback tests (R4): routing through the feedback URLs, a test-mode captcha, a clean
rate-limit cache, and a few messages in each state."""
from __future__ import annotations

import datetime

import pytest

TODAY = datetime.date(2014, 4, 14)  # a Monday inside the notice's 2014 campaign


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """django-ratelimit counts in the default cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def captcha_test_mode(monkeypatch):
    """django-simple-captcha reads its settings once at import: switch test mode on its module."""
    from captcha.conf import settings as captcha_settings

    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", True)


@pytest.fixture
def board_post(client, captcha_test_mode):
    """POST to the public board as a citizen (test-mode captcha: the answer "PASSED")."""
    from django.urls import reverse

    def _post(*, ip: str = "203.0.113.7", **fields):
        data = {"category": "formalism", "text": "村里开会太多，办事要跑好几趟。", "citizen_name": "", "citizen_phone": "",
                "website": "", "captcha_0": "anykey", "captcha_1": "PASSED"} | fields
        return client.post(reverse("feedback:board"), data, REMOTE_ADDR=ip)

    return _post


def records_of(response) -> list:
    """The records of a list page's table, on the page shown (django-tables2 wraps them in rows)."""
    return [row.record for row in response.context["table"].page.object_list]
