"""R0.1, R1.3 a unit closed or merged while it holds open supervision cards: the office is asked what becomes
of them (transfer to the unit it merges into, or close them), and nothing is lost silently."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Obligation
from supervision.models import CardEvent, CardStatus, EventKind, SupervisionCard, SupervisionGroup
from units.models import Unit

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_of_the_test():
    """TODAY is the day the test runs, not the day the module was imported: a run crossing midnight
    (Asia/Shanghai) would otherwise compare yesterday with the server's today."""
    global TODAY
    TODAY = timezone.localdate()


def _close(client, unit, **data):
    return client.post(reverse("units:unit_close", args=[unit.pk]),
                       {"closed_on": TODAY.isoformat(), "confirm": "on", **data})


def test_r1_3_closing_a_unit_with_open_cards_asks_first_and_writes_nothing(issue, tree, users, login):
    """R0.1, R1.3 the close page names the open cards and refuses to close until the office chooses."""
    card = issue(unit=tree.county_a2)
    client = login(users["city_office"])
    page = client.get(reverse("units:unit_close", args=[tree.county_a2.pk])).content.decode()
    assert "该单位还有 1 张未办结的督导卡" in page
    refused = _close(client, tree.county_a2)
    assert refused.status_code == 200 and "cards" in refused.context["form"].errors
    # choosing "transfer" without a unit to merge into is refused too, in words
    refused = _close(client, tree.county_a2, cards="transfer")
    assert "未办结的督导卡只能移交给承接单位" in refused.content.decode()
    assert Unit.objects.get(pk=tree.county_a2.pk).closed_on is None
    card.refresh_from_db()
    assert card.status == CardStatus.ISSUED and card.unit_id == tree.county_a2.pk
    assert not Obligation.objects.filter(cancelled_on__isnull=False).exists()


def test_r1_3_merged_unit_hands_its_open_cards_on(issue, tree, users, login):
    """R0.1, R1.3 行唐县 merges into 正定县: its open card moves there, on the card's record, and 正定县's liaison
    now finds it among the cards to answer; 行唐县's obligations are cancelled."""
    card = issue(unit=tree.county_a2)
    closed = issue(unit=tree.county_a2)
    SupervisionCard.objects.filter(pk=closed.pk).update(status=CardStatus.CLOSED)
    response = _close(login(users["city_office"]), tree.county_a2, merged_into=tree.county_a.pk, cards="transfer")
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.unit_id == tree.county_a.pk and card.status == CardStatus.ISSUED
    event = CardEvent.objects.get(card=card, kind=EventKind.TRANSFERRED)
    assert event.actor == users["city_office"] and "行唐县" in event.note and "正定县" in event.note
    assert SupervisionCard.objects.get(pk=closed.pk).unit_id == tree.county_a2.pk  # closed ones stay as history
    listing = login(users["liaison"]).get(reverse("supervision:card_list")).content.decode()
    assert card.number in listing
    assert not Obligation.objects.filter(unit=tree.county_a2).open().exists()


def test_r1_3_closed_unit_closes_its_cards_on_the_record(issue, tree, users, login):
    """R0.1, R1.3 行唐县 closes outright and the office closes its cards with it: each card says why."""
    card = issue(unit=tree.county_a2)
    _close(login(users["city_office"]), tree.county_a2, cards="close")
    card.refresh_from_db()
    assert card.status == CardStatus.CLOSED and card.closed_at is not None
    event = CardEvent.objects.get(card=card, kind=EventKind.CLOSED_WITH_UNIT)
    assert "行唐县" in event.note
    page = login(users["supervisor"]).get(reverse("supervision:card_detail", args=[card.pk])).content.decode()
    assert "随单位撤并关闭" in page
    assert Unit.objects.get(pk=tree.county_a2.pk).closed_on == TODAY


def test_r1_3_a_transferred_card_stays_within_its_groups_reach(issue, group, member, tree, users, login):
    """R0.1, R1.3 the group issued a card to 行唐县 only; 行唐县 merges into 正定县, which the group was not
    assigned: the group is assigned 正定县 too, so its member can still verify the card (not a 404)."""
    group.units.set([tree.county_a2])
    card = issue(unit=tree.county_a2)
    _close(login(users["city_office"]), tree.county_a2, merged_into=tree.county_a.pk, cards="transfer")
    card.refresh_from_db()
    assert card.unit_id == tree.county_a.pk
    assert set(group.units.values_list("pk", flat=True)) == {tree.county_a2.pk, tree.county_a.pk}
    assert login(member).get(reverse("supervision:card_detail", args=[card.pk])).status_code == 200


def test_r0_1_the_successor_list_offers_only_units_the_office_manages(campaign, tree, users, login):
    """R0.1 正定县's office also sits in a group over 迁安市: it reads 迁安镇 but does not manage it, so the
    close page does not offer it as a successor, and a forged post is refused with nothing written."""
    other = SupervisionGroup.objects.create(leading_unit=tree.city_b, name="唐山市督导组", card_prefix="唐督卡",
                                            leader=users["county_office_b"])
    other.units.set([tree.county_b])
    other.members.add(users["county_office"])
    client = login(users["county_office"])
    url = reverse("units:unit_close", args=[tree.township_a.pk])
    form = client.get(url).context["form"]
    assert tree.township_b not in form.fields["merged_into"].queryset
    response = client.post(url, {"closed_on": TODAY.isoformat(), "confirm": "on", "merged_into": tree.township_b.pk})
    assert response.status_code == 200 and "merged_into" in response.context["form"].errors
    assert Unit.objects.get(pk=tree.township_a.pk).closed_on is None
