"""Issue 13 item 3: a post to the public board no longer deletes every expired captcha (beat does, hourly);
the captcha rules stay: an expired captcha is refused, a captcha is spent by its first attempt, right or
wrong."""
from __future__ import annotations

import datetime

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_board(campaign, users):
    return campaign


def _fresh(client, tree):
    from captcha.models import CaptchaStore

    client.get(reverse("feedback:board"), {"unit": tree.county_a.pk})
    return CaptchaStore.objects.latest("pk")


def _post(client, tree, store, answer, text="文山会海", ip="192.0.2.9"):
    return client.post(reverse("feedback:board"), {
        "unit": tree.county_a.pk, "category": "formalism", "text": text, "website": "",
        "captcha_0": store.hashkey, "captcha_1": answer}, REMOTE_ADDR=ip)


def test_issue13_a_post_leaves_expired_captchas_to_beat(open_board, tree, client):
    from captcha.models import CaptchaStore

    from feedback.tasks import captchas_purge

    stale = _fresh(client, tree)
    CaptchaStore.objects.filter(pk=stale.pk).update(expiration=timezone.now() - datetime.timedelta(minutes=1))
    store = _fresh(client, tree)
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, tree, store, store.response).status_code == 302
    assert Message.objects.count() == 1
    captcha_sql = [q["sql"] for q in queries if "captcha_captchastore" in q["sql"]]
    assert len(captcha_sql) == 2 and not any("expiration\" <=" in sql for sql in captcha_sql)
    assert CaptchaStore.objects.filter(pk=stale.pk).exists()  # still there: the post did not sweep it
    assert captchas_purge.run() == 1
    assert not CaptchaStore.objects.filter(pk=stale.pk).exists()


def test_issue13_an_expired_captcha_is_refused_and_a_wrong_answer_spends_it(open_board, tree, client):
    from captcha.models import CaptchaStore

    expired = _fresh(client, tree)
    CaptchaStore.objects.filter(pk=expired.pk).update(expiration=timezone.now() - datetime.timedelta(seconds=1))
    refused = _post(client, tree, expired, expired.response)
    assert refused.status_code == 200 and refused.context["form"].errors["captcha"]
    store = _fresh(client, tree)
    wrong = _post(client, tree, store, str(int(store.response) + 1))
    assert wrong.context["form"].errors["captcha"] == ["计算结果不对，请计算新的算式。"]
    again = _post(client, tree, store, store.response)  # the right answer to a spent captcha: refused
    assert again.status_code == 200 and again.context["form"].errors["captcha"]
    assert Message.objects.count() == 0
