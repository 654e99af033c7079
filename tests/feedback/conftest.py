"""Fixtures of the feedback tests (R4): routing through the feedback URLs, real captcha tokens, a clean
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


def solved_captcha() -> dict:
    """A fresh captcha token and its right answer, as a citizen who read the picture would send them."""
    from feedback import captcha

    token = captcha.new_token()
    return {"captcha_0": token, "captcha_1": captcha.answer_of(token)}


@pytest.fixture
def board_post(client):
    """POST to the public board as a citizen who works out the sum (a new captcha each post)."""
    from django.urls import reverse

    def _post(*, ip: str = "203.0.113.7", **fields):
        data = {"category": "formalism", "text": "村里开会太多，办事要跑好几趟。", "citizen_name": "", "citizen_phone": "",
                "website": ""} | solved_captcha() | fields
        return client.post(reverse("feedback:board"), data, REMOTE_ADDR=ip)

    return _post


def records_of(response) -> list:
    """The records of a list page's table, on the page shown (django-tables2 wraps them in rows)."""
    return [row.record for row in response.context["table"].page.object_list]
