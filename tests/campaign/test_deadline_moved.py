"""R5.1 reminders follow the deadline they announce: a deadline moved after its reminders went out (even past
due) tells those concerned once and re-arms every stage for the new date; no stage goes out twice for one date."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from campaign.models import Deadline, Notification, Obligation, ReminderClaim
from campaign.services import notifications as svc

D = datetime.date
DAY = datetime.timedelta(days=1)
OLD_DUE = D(2014, 4, 30)  # the city and county study stage
NEW_DUE = OLD_DUE + 21 * DAY


MOVED = "截止日期调整"


def _titles(user, containing: str = "扩大会议") -> list[str]:
    """The user's notifications about ``containing``: the meeting's reminders, or (``MOVED``) the move notices."""
    notes = Notification.objects.filter(user=user, title__contains=containing)
    if containing != MOVED:
        notes = notes.exclude(title__startswith=MOVED)
    return list(notes.order_by("pk").values_list("title", flat=True))


@pytest.fixture
def deadline(campaign):
    return Deadline.objects.get(campaign=campaign, kind="enlarged_meeting", level=3)


def _move(login, user, deadline, to: datetime.date):
    return login(user).post(reverse("campaign:deadline_edit", args=[deadline.pk]), {"due_date": to.isoformat()})


def test_r5_1_an_overdue_deadline_extended_reminds_again_for_the_new_date(campaign, deadline, tree, users, login):
    """R5.1 in time order: overdue reminder sent → the province extends by three weeks → one notice of the move
    → 7-day, 1-day, due-day and overdue reminders name the new date, each once however often the sweep runs."""
    liaison = users["liaison"]
    svc.reminders_send_due(today=OLD_DUE + DAY)
    overdue_before = _titles(liaison)
    assert len(overdue_before) == 1 and overdue_before[0].startswith("已逾期")

    response = _move(login, users["prov_office"], deadline, NEW_DUE)
    assert response.status_code == 302
    assert Obligation.objects.get(unit=tree.county_a, kind="enlarged_meeting").due_date == NEW_DUE
    moved = _titles(liaison, MOVED)
    assert len(moved) == 1 and date_format(NEW_DUE) in moved[0] and date_format(OLD_DUE) in moved[0]
    # the county office hears once too, the other county's liaison (same level, also moved) as well
    assert len(_titles(users["county_office"], MOVED)) == 1

    # the day after the move: nothing is due yet for the new date, and the old overdue is not repeated
    svc.reminders_send_due(today=OLD_DUE + 2 * DAY)
    assert _titles(liaison) == overdue_before
    for day in (NEW_DUE - 7 * DAY, NEW_DUE - DAY, NEW_DUE, NEW_DUE + DAY):
        svc.reminders_send_due(today=day)
        svc.reminders_send_due(today=day)  # a second run the same day sends nothing more
    titles = _titles(liaison)
    assert len(titles) == 5  # the old overdue, then four stages for the new date
    assert [t.split("：")[0] for t in titles[1:]] == ["提醒", "提醒", "今日到期", "已逾期"]
    assert all(date_format(NEW_DUE) in t for t in titles[1:] if not t.startswith("今日到期"))
    stages = list(ReminderClaim.objects.filter(obligation__unit=tree.county_a, obligation__kind="enlarged_meeting",
                                               due_date=NEW_DUE, notified=True).values_list("stage", flat=True))
    assert sorted(stages) == ["due", "first", "overdue", "second"]


def test_r5_1_moving_back_to_an_announced_date_sends_no_stage_twice(campaign, deadline, tree, users, login):
    """R5.1 moved away and back: the stages already sent for the original date are not sent again for it."""
    svc.reminders_send_due(today=OLD_DUE - 7 * DAY)
    first = _titles(users["liaison"])
    assert len(first) == 1
    _move(login, users["prov_office"], deadline, NEW_DUE)
    _move(login, users["prov_office"], deadline, OLD_DUE)
    assert len(_titles(users["liaison"], MOVED)) == 2
    svc.reminders_send_due(today=OLD_DUE - 7 * DAY)
    assert _titles(users["liaison"]) == first


def test_r5_1_a_deadline_outside_the_campaign_is_refused(campaign, deadline, users, login):
    """R5.1 bad input: before the start or after the end of the campaign → a message, nothing moves or is sent."""
    for bad in (campaign.start_date - DAY, campaign.end_date + DAY):
        response = login(users["prov_office"]).post(
            reverse("campaign:deadline_edit", args=[deadline.pk]), {"due_date": bad.isoformat()}, follow=True)
        assert "截止日期须在活动期间内" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.due_date == OLD_DUE
    assert not Obligation.objects.filter(kind="enlarged_meeting", due_date__gt=OLD_DUE, unit__level=3).exists()
    assert not Notification.objects.exists()


def test_r5_1_done_obligations_keep_their_date_and_hear_nothing(campaign, deadline, tree, users, login):
    """R5.1 a unit that already held its meeting is not told of the move, and its record keeps its date."""
    from campaign.services.campaign import obligation_fulfil

    obligation_fulfil(campaign=campaign, unit=tree.county_a, kind="enlarged_meeting", on=OLD_DUE - 3 * DAY)
    _move(login, users["prov_office"], deadline, NEW_DUE)
    assert Obligation.objects.get(unit=tree.county_a, kind="enlarged_meeting").due_date == OLD_DUE
    assert not _titles(users["liaison"], MOVED)
    assert len(_titles(users["county_office_b"], MOVED)) == 1
