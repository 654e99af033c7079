"""Issue 14: API clients holding a personal token of each role user."""
from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from api.services import token_create


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with no request counted against any token (the counts live in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def api(users):
    """``api(name)``: an API client sending a fresh token of that role user (zh-hans unless asked)."""

    made = []

    def _client(name: str, *, language: str = "zh-hans") -> APIClient:
        client = APIClient()
        made.append(name)
        key = token_create(user=users[name], name=f"test {name} {len(made)}").key
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE=language)
        client.key = key
        return client

    return _client


@pytest.fixture
def card(campaign, tree, users, group):
    """A card the city's group issued to 正定县 (its liaison signs and answers it)."""
    from supervision.services.cards import card_issue

    return card_issue(user=users["supervisor"], group=group, unit=tree.county_a, problems=["awareness"],
                      facts="学习走过场", required_actions="补学并报告",
                      due_date=datetime.date.today() + datetime.timedelta(days=10))


def pdf(name: str = "整改报告.pdf", size: int = 0):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = b"%PDF-1.4\n" + b"0" * size + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")
