"""Log-in, lockout after repeated failures, and the language switch (X4)."""
from __future__ import annotations

import pytest
from django.urls import reverse


def test_login_page_is_chinese_by_default(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录" in page


def test_login_and_logout(client, users, password):
    response = client.post(reverse("login"), {"username": "county_office", "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_lockout_after_repeated_failures(client, users, password, settings):
    """django-axes: after the failure limit even the right password is refused."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "county_office", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "county_office", "password": "wrong"})
    assert response.status_code == 429  # the limit is reached: locked
    response = client.post(reverse("login"), {"username": "county_office", "password": password})
    assert response.status_code == 429
    assert "home" not in response.get("Location", "")
    assert client.get(reverse("home")).status_code == 302  # not logged in


def test_a_wrong_password_says_so(client, users):
    response = client.post(reverse("login"), {"username": "county_office", "password": "wrong"})
    assert response.context["form"].errors


@pytest.mark.parametrize("language,expected,absent", [("en", "Unit tree", "单位树"), ("zh-hans", "单位树", "Unit tree")])
def test_x4_language_switch(client, users, language, expected, absent):
    """X4: the header switch changes the interface language and keeps the user on the page."""
    client.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    url = reverse("units:tree")
    response = client.post(reverse("set_language"), {"language": language, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert expected in page and absent not in page


def test_x4_browser_language_does_not_override_chinese_first(client, db):
    """X4: an English-language browser still gets Chinese until the user switches."""
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
