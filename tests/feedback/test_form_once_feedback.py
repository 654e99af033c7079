"""Nothing is stored twice (issue 11, item 3) on the feedback forms of liaisons and offices: an opinion
session (R4.2), a field research stay (R4.1) and the answer to a public message (R4.4), sent twice with the
page's one-time token, are saved once; the second submission goes where the first one went, with a
message."""
from __future__ import annotations

import pytest
from django.urls import reverse

from feedback.models import EventKind, FieldResearchStay, MessageStatus, OpinionSession
from feedback.services import listening as listening_services
from feedback.services import messages as message_services
from tests.feedback.conftest import TODAY
from tests.web.test_form_once import assert_second_shows_the_first, post_twice, refuse_if_called, token_of
from web.forms import FORM_ONCE

pytestmark = pytest.mark.django_db

OPINION = {"target_group": "service_users", "held_on": "2014-03-12", "form": "座谈会", "people_count": "25",
           "opinion_count": "9", "summary": "窗口服务"}


# --- R4.2 opinion sessions


def test_r4_2_the_opinion_form_carries_a_one_time_token(campaign, tree, users, login):
    """R4.2: the opinion-session form sends its token."""
    token_of(login(users["liaison"]).get(reverse("feedback:opinion_add", args=[tree.county_a.pk])))


def test_r4_2_an_opinion_session_sent_twice_is_recorded_once(campaign, tree, users, login):
    """R4.2: one session in the coverage, however often the form is sent; the second shows where the first
    went (the unit's coverage)."""
    client = login(users["liaison"])
    _token, first, second = post_twice(client, reverse("feedback:opinion_add", args=[tree.county_a.pk]), OPINION)
    assert OpinionSession.objects.count() == 1
    assert first.url == f"{reverse('feedback:opinion_coverage')}?unit={tree.county_a.code}"
    assert_second_shows_the_first(client, first, second)


def test_r4_2_an_invalid_opinion_session_leaves_the_token_for_the_corrected_form(campaign, tree, users, login):
    """R4.2: no people asked is refused; corrected, with the same token, it is recorded."""
    client = login(users["liaison"])
    url = reverse("feedback:opinion_add", args=[tree.county_a.pk])
    token = token_of(client.get(url))
    assert client.post(url, OPINION | {"people_count": "0", FORM_ONCE: token}).status_code == 200
    assert client.post(url, OPINION | {FORM_ONCE: token}).status_code == 302
    assert OpinionSession.objects.count() == 1


# --- R4.1 field research stays


def _stay(tree, **overrides) -> dict:
    return {"host_unit": tree.village_a.pk, "start_date": "2014-04-08", "end_date": "2014-04-10",
            "findings": "调研"} | overrides


def test_r4_1_the_stay_form_carries_a_one_time_token(campaign, tree, users, login):
    """R4.1: once the host unit is chosen, the stay form sends its token."""
    url = reverse("feedback:stay_add", args=[tree.cadre_a.pk])
    token_of(login(users["county_office"]).get(url, {"host": tree.village_a.pk}))


def test_r4_1_a_stay_sent_twice_is_recorded_once(campaign, tree, users, login):
    """R4.1: a stay sent twice counts its days once; the second submission lands on the stays list too."""
    client = login(users["county_office"])
    url = reverse("feedback:stay_add", args=[tree.cadre_a.pk])
    _token, first, second = post_twice(client, url, _stay(tree), page=f"{url}?host={tree.village_a.pk}")
    assert FieldResearchStay.objects.get().days == 3
    assert first.url == reverse("feedback:stays")
    assert_second_shows_the_first(client, first, second)


def test_r4_1_a_refused_stay_leaves_the_token_for_the_corrected_form(campaign, tree, users, login):
    """R4.1: a stay ending before it starts is refused; corrected, with the same token, it is recorded."""
    client = login(users["county_office"])
    url = reverse("feedback:stay_add", args=[tree.cadre_a.pk])
    token = token_of(client.get(url, {"host": tree.village_a.pk}))
    assert client.post(url, _stay(tree, end_date="2014-04-07") | {FORM_ONCE: token}).status_code == 200
    assert not FieldResearchStay.objects.exists()
    assert client.post(url, _stay(tree) | {FORM_ONCE: token}).status_code == 302
    assert FieldResearchStay.objects.count() == 1


def test_r4_1_a_stay_whose_token_was_used_calls_no_service(campaign, tree, users, login, monkeypatch):
    """R4.1: the second submission does not reach the service at all."""
    client = login(users["county_office"])
    url = reverse("feedback:stay_add", args=[tree.cadre_a.pk])
    token = token_of(client.get(url, {"host": tree.village_a.pk}))
    assert client.post(url, _stay(tree) | {FORM_ONCE: token}).status_code == 302
    calls = refuse_if_called(monkeypatch, listening_services, "stay_record")
    assert client.post(url, _stay(tree) | {FORM_ONCE: token}).url == reverse("feedback:stays")
    assert calls == []


# --- R4.4 answers to public messages


@pytest.fixture
def forwarded(campaign, tree, users):
    """A message on 正定县, forwarded by its office to the unit for an answer."""
    message = message_services.message_submit(campaign=campaign, unit=tree.county_a, category="formalism",
                                              text="办事要跑好几趟。")
    return message_services.message_forward(message=message, campaign=campaign, unit=tree.county_a, cadre=None,
                                            today=TODAY, by=users["county_office"])


def test_r4_4_the_answer_form_carries_a_one_time_token(forwarded, users, login):
    """R4.4: the answer form sends its token."""
    token_of(login(users["liaison"]).get(reverse("feedback:message_answer", args=[forwarded.pk])))


def test_r4_4_an_answer_sent_twice_is_sent_once(forwarded, users, login):
    """R4.4: the answer sent twice: one answer event for the office to review, and the second submission
    shows the message (not "that step is not possible now")."""
    client = login(users["liaison"])
    _token, first, second = post_twice(client, reverse("feedback:message_answer", args=[forwarded.pk]),
                                       {"text": "已约谈相关责任人。"})
    forwarded.refresh_from_db()
    assert forwarded.status == MessageStatus.ANSWERED and first.url == forwarded.get_absolute_url()
    assert forwarded.events.filter(kind=EventKind.ANSWERED).count() == 1
    assert_second_shows_the_first(client, first, second)


def test_r4_4_an_empty_answer_leaves_the_token_for_the_corrected_form(forwarded, users, login):
    """R4.4: an empty answer is refused; written, with the same token, it is sent."""
    client = login(users["liaison"])
    url = reverse("feedback:message_answer", args=[forwarded.pk])
    token = token_of(client.get(url))
    assert client.post(url, {"text": "", FORM_ONCE: token}).status_code == 200
    assert client.post(url, {"text": "已整改。", FORM_ONCE: token}).status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.status == MessageStatus.ANSWERED
