"""R5.2 the weekly liaison meeting's agenda lists the escalated supervision cards (R1.3) of the office's
subtree: supervision registers an agenda provider with campaign (which may not import supervision)."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from campaign.models import AgendaItem
from campaign.services import liaison as liaison_services
from supervision.models.escalation import StepKind
from supervision.services import cards as card_services
from supervision.services import escalation as escalation_services

pytestmark = pytest.mark.django_db
MEETING_DAY = datetime.date(2014, 5, 19)


def _meeting(users, tree, campaign, unit=None, user="county_office"):
    return liaison_services.liaison_meeting_create(user=users[user], campaign=campaign, unit=unit or tree.county_a,
                                                   date=MEETING_DAY, title="每周联络员会议", free_items="",
                                                   today=MEETING_DAY)


def test_r5_2_the_agenda_lists_escalated_cards_of_the_subtree_only(login, users, tree, group, campaign, issue):
    escalated = issue(tree.county_a)
    later = issue(tree.county_a)  # issued, not escalated: not on the agenda
    elsewhere = issue(tree.county_a2)  # 行唐县: another county's office
    closed = issue(tree.county_a)
    for card in (escalated, elsewhere, closed):
        escalation_services.step_take(card=card, kind=StepKind.REMINDER, reason="逾期未签收", user=users["supervisor"],
                                      today=datetime.date(2014, 4, 25))
    escalation_services.step_take(card=escalated, kind=StepKind.LETTER, reason="提醒后仍未整改",
                                  user=users["supervisor"], today=datetime.date(2014, 4, 28))
    from supervision.models import SupervisionCard

    SupervisionCard.objects.filter(pk=closed.pk).update(status="closed")

    meeting = _meeting(users, tree, campaign)
    items = [item for item in AgendaItem.objects.filter(meeting=meeting) if "督导卡" in item.title]
    assert len(items) == 1
    item = items[0]
    assert item.count == 1 and item.title == "1张升级处理的督导卡尚未办结"
    assert escalated.number in item.detail and "正定县" in item.detail and "写信或直接调度一把手" in item.detail
    assert later.number not in item.detail and elsewhere.number not in item.detail and closed.number not in item.detail
    # the link opens the card list on these cards, for the county office
    page = login(users["county_office"]).get(item.link)
    assert page.status_code == 200
    assert [row.record for row in page.context["table"].paginated_rows] == [escalated]
    # and the meeting's page shows it
    assert escalated.number in login(users["county_office"]).get(
        reverse("campaign:liaison_meeting_detail", args=[meeting.pk])).content.decode()


def test_r5_2_no_escalated_card_no_agenda_item(users, tree, group, campaign, issue):
    issue(tree.county_a)
    meeting = _meeting(users, tree, campaign)
    assert not [item for item in AgendaItem.objects.filter(meeting=meeting) if "督导卡" in item.title]


def test_r5_2_campaign_does_not_import_supervision():
    """The arrows stay pointing down: the agenda reaches cards through the registry only."""
    from pathlib import Path

    from django.conf import settings

    campaign_code = "\n".join(p.read_text(encoding="utf-8") for p in (Path(settings.BASE_DIR) / "campaign").rglob("*.py"))
    assert "from supervision" not in campaign_code and "import supervision" not in campaign_code
    assert card_services  # imported above: the card services are supervision's own
