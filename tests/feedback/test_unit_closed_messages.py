"""R0.1, R4.4 a unit closed or merged while public messages about it wait: none is left hanging."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import EventKind, Message, MessageEvent, MessageStatus
from feedback.services import messages as services

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_of_the_test():
    """TODAY is the day the test runs, not the day the module was imported: a run crossing midnight
    (Asia/Shanghai) would otherwise compare yesterday with the server's today."""
    global TODAY
    TODAY = timezone.localdate()


def _forwarded(campaign, unit, answerer, office_user, text="镇里办事拖拉"):
    message = services.message_submit(campaign=campaign, unit=unit, category="bureaucratism", text=text)
    services.message_forward(message=message, campaign=campaign, unit=answerer, cadre=None,
                             today=datetime.date(2014, 4, 1), by=office_user)
    return Message.objects.get(pk=message.pk)


def test_r4_4_a_closed_units_waiting_messages_go_back_to_triage(campaign, tree, users, login):
    """R0.1, R4.4 正定镇 closes outright (after its village) while a message waits for its answer: the close
    page says so, the message goes back to 正定县's office for triage, on the record, and is no longer overdue."""
    message = _forwarded(campaign, tree.township_a, tree.township_a, users["county_office"])
    client = login(users["county_office"])
    client.post(reverse("units:unit_close", args=[tree.village_a.pk]), {"closed_on": TODAY.isoformat(),
                                                                        "confirm": "on"})
    page = client.get(reverse("units:unit_close", args=[tree.township_a.pk])).content.decode()
    assert "该单位还有 1 条未办结的群众留言" in page
    client.post(reverse("units:unit_close", args=[tree.township_a.pk]), {"closed_on": TODAY.isoformat(),
                                                                         "confirm": "on"})
    message.refresh_from_db()
    assert message.status == MessageStatus.RECEIVED and message.assigned_unit is None and message.due_date is None
    assert "正定镇" in message.return_reason
    assert MessageEvent.objects.filter(message=message, kind=EventKind.RETURNED).exists()
    assert message.unit_id == tree.township_a.pk  # the citizen wrote about 正定镇: that stays true


def test_r4_4_a_merged_units_messages_pass_to_its_successor(campaign, tree, users, login):
    """R0.1, R4.4 行唐县 merges into 正定县: a message about 行唐县 waiting for its answer now concerns and is
    answered by 正定县, whose liaison finds it."""
    message = _forwarded(campaign, tree.county_a2, tree.county_a2, users["city_office"], text="县里会议太多")
    login(users["city_office"]).post(reverse("units:unit_close", args=[tree.county_a2.pk]), {
        "closed_on": TODAY.isoformat(), "confirm": "on", "merged_into": tree.county_a.pk})
    message.refresh_from_db()
    assert (message.unit_id, message.assigned_unit_id) == (tree.county_a.pk, tree.county_a.pk)
    assert message.status == MessageStatus.FORWARDED
    event = MessageEvent.objects.filter(message=message, kind=EventKind.FORWARDED).latest("pk")
    assert "行唐县" in event.note and "正定县" in event.note


def test_r4_4_the_public_board_no_longer_offers_a_closed_unit(campaign, tree, users, client, board_post):
    """R0.1, R4.4 塔元庄村 closes: the board's search stops offering it, an old link to it shows the plain board,
    and a form still naming it (a page left open) is refused with a message that says why; nothing is stored."""
    from feedback.services.messages import FeedbackError
    from units.services import unit_close

    unit_close(user=users["county_office"], unit=tree.village_a, on=TODAY)
    tree.village_a.refresh_from_db()
    name = tree.village_a.name
    hits = client.get(reverse("feedback:board_units"), {"q": name}).context["hits"]
    assert [hit.unit for hit in hits] == []
    assert client.get(reverse("feedback:board"), {"unit": tree.village_a.pk}).context["unit"] is None
    response = board_post(unit=tree.village_a.pk)
    assert response.status_code == 200
    assert f"{name}已撤销或合并" in response.content.decode()
    assert Message.objects.count() == 0
    try:
        services.message_submit(campaign=campaign, unit=tree.village_a, category="formalism", text="旧链接")
    except FeedbackError as error:
        assert name in str(error)
    else:
        raise AssertionError("the service took a message about a closed unit")
    assert Message.objects.count() == 0
    # the township above stays open and is still offered
    assert [hit.unit for hit in client.get(reverse("feedback:board_units"), {"q": tree.township_a.name})
            .context["hits"]] == [tree.township_a]
