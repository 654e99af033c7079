"""Issue 14: personal API tokens — made, named and revoked by their owner on the account page; stored
hashed, shown once, last use recorded; a revoked or unknown token is a 401."""
from __future__ import annotations

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken, token_digest
from api.services import LAST_USED_EVERY, MAX_LIVE_TOKENS, TokenError, token_create, token_revoke

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_issue14_token_made_on_the_account_page_shown_once_stored_hashed(login, users, tree):
    client = login(users["liaison"])
    page = client.get("/accounts/me/").content.decode()
    assert "正定县" in page and 'id="no-tokens"' in page and 'id="token-form"' in page
    made = client.post("/accounts/me/", {"name": "王联络员的手机"})
    assert made.status_code == 200
    html = made.content.decode()
    key = re.search(r'id="new-token-key">(ddt_[^<]+)<', html).group(1)
    token = ApiToken.objects.get()
    assert token.name == "王联络员的手机" and token.user == users["liaison"]
    assert token.digest == token_digest(key) and key not in str(list(ApiToken.objects.values_list()))
    assert f"ddt_{token.hint}…" in html and key.startswith(f"ddt_{token.hint}")
    # shown once: the next view of the page lists the token, never its key
    again = client.get("/accounts/me/").content.decode()
    assert key not in again and "王联络员的手机" in again and 'id="new-token"' not in again
    # the key works, and its use is recorded
    assert token.last_used_at is None
    assert _bearer(key).get("/api/v1/units/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    from django.utils.formats import date_format

    shown = date_format(timezone.localtime(token.last_used_at), "SHORT_DATETIME_FORMAT")
    assert shown in client.get("/accounts/me/").content.decode()


def test_issue14_last_use_written_at_most_once_a_minute(users, tree, django_assert_num_queries):
    made = token_create(user=users["liaison"], name="手机")
    client = _bearer(made.key)
    client.get("/api/v1/units/")
    first = ApiToken.objects.get().last_used_at
    client.get("/api/v1/units/")
    assert ApiToken.objects.get().last_used_at == first  # within the minute: not written again
    ApiToken.objects.update(last_used_at=first - timezone.timedelta(seconds=LAST_USED_EVERY + 1))
    client.get("/api/v1/units/")
    assert ApiToken.objects.get().last_used_at > first


def test_issue14_revoked_after_confirmation_then_401(login, users, tree):
    made = token_create(user=users["liaison"], name="OA 系统")
    client = login(users["liaison"])
    page = client.get("/accounts/me/").content.decode()
    assert f'/accounts/me/tokens/{made.token.pk}/revoke/' in page
    confirm = client.get(f"/accounts/me/tokens/{made.token.pk}/revoke/")
    assert confirm.status_code == 200 and "OA 系统" in confirm.content.decode()
    assert ApiToken.objects.get().revoked_at is None  # asking is not revoking
    client.post(f"/accounts/me/tokens/{made.token.pk}/revoke/")
    assert ApiToken.objects.get().revoked_at is not None
    response = _bearer(made.key).get("/api/v1/units/")
    assert response.status_code == 401 and response.json()["detail"]
    after = client.get("/accounts/me/").content.decode()
    assert f'/accounts/me/tokens/{made.token.pk}/revoke/' not in after  # no button for a revoked token
    # a revoke sent twice changes nothing and is no error
    assert client.post(f"/accounts/me/tokens/{made.token.pk}/revoke/").status_code == 403
    assert token_revoke(user=users["liaison"], token=made.token).revoked_at == ApiToken.objects.get().revoked_at


def test_issue14_nobody_else_sees_or_revokes_a_token(login, users, tree):
    """Another user — an office above, or the administrator — does not find someone's token: 404."""
    made = token_create(user=users["liaison"], name="塔元庄联络员终端")
    for name in ("county_office", "admin", "county_office_b"):
        client = login(users[name])
        assert client.get(f"/accounts/me/tokens/{made.token.pk}/revoke/").status_code == 404
        assert client.post(f"/accounts/me/tokens/{made.token.pk}/revoke/").status_code == 404
        assert "塔元庄联络员终端" not in client.get("/accounts/me/").content.decode()
    assert ApiToken.objects.get().revoked_at is None


def test_issue14_bad_names_and_form_sent_twice(login, users, tree):
    """A blank name is refused with a message; the same name twice (a form sent twice) makes one token."""
    client = login(users["liaison"])
    blank = client.post("/accounts/me/", {"name": "  "})
    assert blank.status_code == 400 and not ApiToken.objects.exists()
    client.post("/accounts/me/", {"name": "手机"})
    twice = client.post("/accounts/me/", {"name": "手机"}, follow=True)
    assert ApiToken.objects.count() == 1
    assert "已有一个名为“手机”的有效令牌" in twice.content.decode()


def test_issue14_at_most_ten_live_tokens(users, tree):
    for i in range(MAX_LIVE_TOKENS):
        token_create(user=users["liaison"], name=f"系统{i}")
    with pytest.raises(TokenError):
        token_create(user=users["liaison"], name="再一个")
    token_revoke(user=users["liaison"], token=ApiToken.objects.first())
    token_create(user=users["liaison"], name="再一个")
    assert ApiToken.objects.live().count() == MAX_LIVE_TOKENS


def test_issue14_a_token_sees_what_its_owner_sees(users, tree):
    """The same user's token and session see the same units."""
    made = token_create(user=users["county_office"], name="OA")
    by_token = {u["id"] for u in _bearer(made.key).get("/api/v1/units/").json()["results"]}
    session = APIClient()
    session.force_login(users["county_office"], backend="accounts.backends.PasswordBackend")
    assert by_token == {u["id"] for u in session.get("/api/v1/units/").json()["results"]}
    assert by_token == {tree.county_a.pk, tree.township_a.pk, tree.village_a.pk}
