"""R4.4, issue 13: the board's math captcha is sealed in its token — opening the board writes nothing, a post
commits once — and its rules stay: an expired or altered token is refused, a token is spent by its first
attempt, right or wrong, and beat deletes spent tokens once they have expired anyway."""
from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback import captcha
from feedback.models import Message, SpentCaptcha

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_board(campaign, users):
    return campaign


def _token(client, tree, unit=None) -> str:
    page = client.get(reverse("feedback:board"), {"unit": (unit or tree.county_a).pk})
    return re.search(r'name="captcha_0" value="([^"]+)"', page.content.decode()).group(1)


def _post(client, tree, token, answer, text="文山会海", ip="192.0.2.9", unit=None):
    return client.post(reverse("feedback:board"), {
        "unit": (unit or tree.county_a).pk, "category": "formalism", "text": text, "website": "",
        "captcha_0": token, "captcha_1": answer}, REMOTE_ADDR=ip)


def _writes(sql: str) -> bool:
    """A statement that writes: INSERT, UPDATE, DELETE, or a WITH whose parts do (the message's arrival)."""
    head = sql.lstrip().upper()
    return head.startswith(("INSERT", "UPDATE", "DELETE")) or (
        head.startswith("WITH") and any(f"{verb} " in head for verb in ("INSERT INTO", "UPDATE", "DELETE FROM")))


@pytest.mark.django_db(transaction=True)  # the commits themselves are counted
def test_issue13_opening_the_board_writes_nothing_and_a_post_commits_once(open_board, tree, client):
    """R4.4 the sum lives in the page's token: no row per visitor; the post's captcha, message, history and
    the office's notification reach the database in one transaction."""
    with CaptureQueriesContext(connection) as opened:
        token = _token(client, tree)
    assert not [q["sql"] for q in opened if _writes(q["sql"])]
    assert captcha.question_of(token) and token not in str(captcha.answer_of(token))
    with CaptureQueriesContext(connection) as posted:
        assert _post(client, tree, token, captcha.answer_of(token)).status_code == 302
    assert Message.objects.count() == 1 and SpentCaptcha.objects.count() == 1
    if connection.vendor == "postgresql":  # SQLite's transactions do not show as statements
        sql = [q["sql"] for q in posted]
        writes = [i for i, s in enumerate(sql) if _writes(s)]
        assert sql.count("BEGIN") == sql.count("COMMIT") == 1  # no write commits on its own (autocommit)
        assert sql.index("BEGIN") < min(writes) and max(writes) < sql.index("COMMIT")
        assert any("feedback_spentcaptcha" in sql[i] for i in writes) and any("feedback_message" in sql[i] for i in writes)


def test_issue13_the_page_does_not_give_the_answer_away(open_board, tree, client):
    """The token is encrypted: neither the sum nor its answer can be read from the page."""
    page = client.get(reverse("feedback:board"), {"unit": tree.county_a.pk}).content.decode()
    token = re.search(r'name="captcha_0" value="([^"]+)"', page).group(1)
    question, answer = captcha.question_of(token), captcha.answer_of(token)
    form_html = page[page.index('id="board-form"'):]
    assert question not in form_html and f'value="{answer}"' not in form_html


def test_issue13_an_expired_or_altered_token_is_refused_and_a_wrong_answer_spends_it(open_board, tree, client,
                                                                                      settings, monkeypatch):
    token = _token(client, tree)
    later = timezone.now() + datetime.timedelta(minutes=settings.CAPTCHA_TIMEOUT + 1)
    monkeypatch.setattr("cryptography.fernet.time.time", lambda: later.timestamp())
    refused = _post(client, tree, token, captcha.answer_of(token) or "0")
    assert refused.status_code == 200 and refused.context["form"].errors["captcha"]
    monkeypatch.undo()
    token = _token(client, tree)
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    assert _post(client, tree, altered, captcha.answer_of(token)).context["form"].errors["captcha"]
    wrong = _post(client, tree, token, str(int(captcha.answer_of(token)) + 1))
    assert wrong.context["form"].errors["captcha"] == ["计算结果不对，请计算新的算式。"]
    again = _post(client, tree, token, captcha.answer_of(token))  # the right answer to a spent sum: refused
    assert again.status_code == 200 and again.context["form"].errors["captcha"]
    assert Message.objects.count() == 0


def test_issue13_a_form_sent_twice_stores_one_message(open_board, tree, client):
    """The same page posted twice (a double tap, a resend): the second use of its token is refused."""
    token = _token(client, tree)
    first = _post(client, tree, token, captcha.answer_of(token))
    second = _post(client, tree, token, captcha.answer_of(token))
    assert first.status_code == 302 and second.status_code == 200 and second.context["form"].errors["captcha"]
    assert Message.objects.count() == 1


def test_issue13_beat_deletes_spent_tokens_once_expired(open_board, tree, client):
    from feedback.tasks import captchas_purge

    for _i in range(2):
        token = _token(client, tree)
        assert _post(client, tree, token, captcha.answer_of(token), ip=f"192.0.2.{_i + 20}").status_code == 302
    stale = SpentCaptcha.objects.order_by("expires_at").first()
    SpentCaptcha.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert captchas_purge.run() == 1
    assert list(SpentCaptcha.objects.values_list("pk", flat=True)) != [stale.pk]
    assert SpentCaptcha.objects.count() == 1 and Message.objects.count() == 2


def test_issue13_a_post_about_a_village_is_routed_up_in_as_many_queries_as_one_about_its_county(
        open_board, tree, users, client):
    """R4.4 a message about 塔元庄村 lands in 正定县's queue (its nearest office, two levels up) and tells that
    office's staff; finding the office and its staff is one query however far up the office sits (issue 13:
    it was one query for the office's path, one for the unit and one for its staff)."""
    counted = {}
    for unit, ip in ((tree.county_a, "192.0.2.21"), (tree.village_a, "192.0.2.22")):
        token = _token(client, tree, unit)
        with CaptureQueriesContext(connection) as posted:
            assert _post(client, tree, token, captcha.answer_of(token), ip=ip, unit=unit).status_code == 302
        counted[unit.name] = len(posted)
        message = Message.objects.get(unit=unit)
        assert message.office_unit == tree.county_a
        assert users["county_office"].notifications.filter(url=message.get_absolute_url()).exists()
        assert not users["city_office"].notifications.filter(url=message.get_absolute_url()).exists()
    assert counted[tree.village_a.name] == counted[tree.county_a.name]
