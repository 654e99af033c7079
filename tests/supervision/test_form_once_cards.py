"""Nothing is stored twice (issue 11, item 3) on supervision cards (R1.3): a card issued, or a card
answered, twice with the page's one-time token is saved once (one card number, one answer with its
evidence); the second submission shows the card, with a message."""
from __future__ import annotations

from django.urls import reverse

from supervision.models import CardAnswer, Evidence, SupervisionCard
from supervision.services import cards as card_services
from tests.supervision.helpers import pdf_upload, stored_files
from tests.web.test_form_once import assert_second_shows_the_first, post_twice, refuse_if_called, token_of
from web.forms import FORM_ONCE

CARD = {"problems": ["study", "rushing"], "facts": "未按要求开展学习。", "required_actions": "补课。",
        "due_date": "2099-05-01"}


def test_r1_3_the_card_form_carries_a_one_time_token(login, users, group, campaign):
    """R1.3: the new-card form sends its token."""
    token_of(login(users["supervisor"]).get(reverse("supervision:card_create", args=[group.pk])))


def test_r1_3_a_card_issued_twice_is_issued_once(login, users, group, campaign, tree):
    """R1.3: "Issue" clicked twice: one card, one number used; the second submission shows that card."""
    client = login(users["supervisor"])
    _token, first, second = post_twice(client, reverse("supervision:card_create", args=[group.pk]),
                                       CARD | {"unit": tree.county_a.pk})
    card = SupervisionCard.objects.get()
    assert first.url == card.get_absolute_url()
    assert_second_shows_the_first(client, first, second)


def test_r1_3_a_refused_card_leaves_the_token_for_the_corrected_form(login, users, group, campaign, tree,
                                                                     monkeypatch):
    """R1.3: a past due date is refused and nothing issued; corrected, with the same token, the card is
    issued; sent again, the service is not called."""
    client = login(users["supervisor"])
    url = reverse("supervision:card_create", args=[group.pk])
    token = token_of(client.get(url))
    refused = client.post(url, CARD | {"unit": tree.county_a.pk, "due_date": "2000-01-01", FORM_ONCE: token})
    assert refused.status_code == 200 and not SupervisionCard.objects.exists()
    assert client.post(url, CARD | {"unit": tree.county_a.pk, FORM_ONCE: token}).status_code == 302
    calls = refuse_if_called(monkeypatch, card_services, "card_issue")
    assert client.post(url, CARD | {"unit": tree.county_a.pk, FORM_ONCE: token}).status_code == 302
    assert calls == [] and SupervisionCard.objects.count() == 1


def _signed_card(issue, users):
    card = issue()
    return card_services.card_sign(user=users["liaison"], card=card)


def test_r1_3_the_answer_form_carries_a_one_time_token(login, users, issue):
    """R1.3: the answer form (with its evidence files) sends its token."""
    card = _signed_card(issue, users)
    token_of(login(users["liaison"]).get(reverse("supervision:card_answer", args=[card.pk])))


def test_r1_3_an_answer_sent_twice_is_kept_once_with_its_evidence_once(login, users, issue, settings):
    """R1.3: the answer and its file sent twice: one answer, one evidence file stored; the second
    submission shows the card."""
    card = _signed_card(issue, users)
    client = login(users["liaison"])
    _token, first, second = post_twice(client, reverse("supervision:card_answer", args=[card.pk]),
                                       lambda: {"text": "已重新组织专题学习。", "files": [pdf_upload()]})
    assert first.url == card.get_absolute_url()
    assert CardAnswer.objects.filter(card=card).count() == 1 and Evidence.objects.count() == 1
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    assert_second_shows_the_first(client, first, second)


def test_r1_3_an_empty_answer_leaves_the_token_for_the_corrected_form(login, users, issue):
    """R1.3: an answer without text is shown again; written, with the same token, it is sent."""
    card = _signed_card(issue, users)
    client = login(users["liaison"])
    url = reverse("supervision:card_answer", args=[card.pk])
    token = token_of(client.get(url))
    assert client.post(url, {"text": "", FORM_ONCE: token}).status_code == 200
    assert not CardAnswer.objects.exists()
    assert client.post(url, {"text": "已整改。", FORM_ONCE: token}).status_code == 302
    assert CardAnswer.objects.filter(card=card).count() == 1
