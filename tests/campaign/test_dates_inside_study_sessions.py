"""X2, R2.2: a study session is dated within the campaign, as meetings are — on record and on correction;
a date outside is refused with the meetings' message, in the user's language, and nothing is written."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from campaign import policy
from campaign.errors import CampaignError
from campaign.models import StudySession
from campaign.services import study as services
from campaign.services.meetings import meeting_record

D = datetime.date


def _post(cadres, date: str, **overrides) -> dict:
    return {"kind": "central_group", "date": date, "topic": "学习兰考讲话", "content": "", "hours": "2",
            "plan": "", "attendees": [str(c.pk) for c in cadres]} | overrides


@pytest.mark.parametrize("day", ["2014-01-19", "2014-10-01", "2013-06-01"])
def test_x2_study_session_outside_the_campaign_is_refused_on_the_page(login, users, tree, campaign, day):
    """The campaign runs 20 January – 30 September 2014: a day before or after is refused, in Chinese."""
    client = login(users["liaison"])
    response = client.post(reverse("campaign:study_session_add", args=[tree.county_a.pk]), _post([tree.cadre_a], day))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert "日期必须在活动期间内" in response.content.decode()
    assert not StudySession.objects.exists()


def test_x2_the_campaigns_first_and_last_days_count(login, users, tree, campaign):
    client = login(users["liaison"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    for day in ("2014-01-20", "2014-09-30"):
        assert client.post(url, _post([tree.cadre_a], day, topic=day)).status_code == 302
    assert sorted(StudySession.objects.values_list("date", flat=True)) == [D(2014, 1, 20), D(2014, 9, 30)]


def test_x2_study_sessions_and_meetings_share_the_rule_and_the_message(users, tree, campaign):
    """The same helper (campaign.policy.date_error) answers for both records."""
    day = D(2014, 1, 10)
    with translation.override("en"):
        with pytest.raises(CampaignError) as study:
            services.session_record(campaign=campaign, unit=tree.county_a, kind="central_group", date=day,
                                    topic="学习", hours=Decimal("2"), attendee_ids=[], user=users["liaison"])
        with pytest.raises(CampaignError) as meeting:
            meeting_record(user=users["liaison"], campaign=campaign, unit=tree.county_a, kind="enlarged", date=day)
        assert str(study.value) == str(meeting.value) == policy.date_error(campaign, day)
        assert "within the campaign" in str(study.value)
    assert policy.date_error(campaign, D(2014, 5, 1)) is None


def test_x2_a_session_moved_outside_the_campaign_is_refused_and_left_as_it_was(login, users, tree, campaign):
    """On correction too: the edit page refuses the date, the session keeps its date, no history row."""
    session = services.session_record(campaign=campaign, unit=tree.county_a, kind="central_group",
                                       date=D(2014, 3, 10), topic="学习兰考讲话", hours=Decimal("2"),
                                       attendee_ids=[tree.cadre_a.pk], user=users["liaison"])
    rows_before = session.history.count()
    client = login(users["liaison"])
    response = client.post(reverse("campaign:study_session_edit", args=[session.pk]),
                           _post([tree.cadre_a], "2014-10-08"))
    assert response.status_code == 200 and "日期必须在活动期间内" in response.content.decode()
    session.refresh_from_db()
    assert session.date == D(2014, 3, 10) and session.history.count() == rows_before
    with pytest.raises(CampaignError):
        services.session_update(session=session, kind="central_group", date=D(2014, 1, 1), topic="x",
                                hours=Decimal("2"), attendee_ids=[], by=users["liaison"])
    session.refresh_from_db()
    assert session.date == D(2014, 3, 10) and list(session.attendees.all()) == [tree.cadre_a]
