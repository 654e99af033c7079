"""Issue 7 history: a card's page of changes names the user who made each one through the site."""
from __future__ import annotations

from django.urls import reverse


def test_r1_3_card_history_names_the_liaison_who_signed(issue, users, login):
    card = issue()
    liaison = login(users["liaison"])
    assert liaison.post(reverse("supervision:card_sign", args=[card.pk])).status_code == 302
    response = liaison.get(reverse("supervision:card_history", args=[card.pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    signed = rows[0]
    assert signed.who == users["liaison"].username and signed.changes  # the status change, by the liaison
    assert login(users["county_office_b"]).get(reverse("supervision:card_history", args=[card.pk])).status_code == 404
