"""X2, R4.1, R4.2: field-research stays and opinion sessions are dated within the campaign, as meetings are —
on record and on correction; a date outside is refused in the user's language and nothing is written."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from campaign import policy
from feedback.errors import FeedbackError
from feedback.models import FieldResearchStay, OpinionSession
from feedback.services import listening as services

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2014, 12, 31)  # after the campaign: only the campaign's dates limit what may be recorded
REFUSED = "日期必须在活动期间内"


def _stay_post(host, start: str, end: str) -> dict:
    return {"host_unit": host.pk, "start_date": start, "end_date": end, "findings": "群众反映看病难"}


@pytest.mark.parametrize("start, end", [("2014-01-15", "2014-01-22"),   # started before the campaign
                                        ("2013-11-01", "2013-11-05"),   # a stay of the year before
                                        ("2014-09-29", "2014-10-02")])  # ends after the campaign
def test_x2_r4_1_a_stay_outside_the_campaign_is_refused(login, users, tree, campaign, start, end):
    client = login(users["county_office"])
    response = client.post(reverse("feedback:stay_add", args=[tree.cadre_a.pk]), _stay_post(tree.village_a, start, end))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert REFUSED in response.content.decode()
    assert not FieldResearchStay.objects.exists()


def test_x2_r4_1_a_stay_on_the_campaigns_first_days_is_recorded(tree, campaign):
    stay = services.stay_record(campaign=campaign, cadre=tree.cadre_a, host_unit=tree.village_a,
                                start_date=D(2014, 1, 20), end_date=D(2014, 1, 22), findings="调研", today=TODAY,
                                by=None)
    assert stay.days == 3


def test_x2_r4_1_a_stay_moved_outside_the_campaign_is_refused(login, users, tree, campaign):
    stay = services.stay_record(campaign=campaign, cadre=tree.cadre_a, host_unit=tree.village_a,
                                start_date=D(2014, 4, 1), end_date=D(2014, 4, 3), findings="调研", today=TODAY,
                                by=None)
    client = login(users["county_office"])
    response = client.post(reverse("feedback:stay_edit", args=[stay.pk]),
                           _stay_post(tree.village_a, "2014-01-10", "2014-01-21"))
    assert response.status_code == 200 and REFUSED in response.content.decode()
    stay.refresh_from_db()
    assert (stay.start_date, stay.end_date, stay.days) == (D(2014, 4, 1), D(2014, 4, 3), 3)
    assert stay.history.count() == 1  # the recording only: the refused edit left no row
    with translation.override("en"):
        with pytest.raises(FeedbackError) as refused:
            services.stay_update(stay=stay, host_unit=tree.village_a, start_date=D(2014, 9, 29),
                                 end_date=D(2014, 10, 1), findings="调研", today=TODAY, by=users["county_office"])
        assert str(refused.value) == policy.date_error(campaign, D(2014, 10, 1))
        assert "within the campaign" in str(refused.value)


def _session_post(day: str) -> dict:
    return {"target_group": "old_cadres", "held_on": day, "form": "座谈会", "people_count": "5",
            "opinion_count": "2", "summary": ""}


@pytest.mark.parametrize("day", ["2014-01-19", "2013-12-01", "2014-10-01"])
def test_x2_r4_2_an_opinion_session_outside_the_campaign_is_refused(login, users, tree, campaign, day):
    client = login(users["liaison"])
    response = client.post(reverse("feedback:opinion_add", args=[tree.county_a.pk]), _session_post(day))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert REFUSED in response.content.decode()
    assert not OpinionSession.objects.exists()


def test_x2_r4_2_an_opinion_session_moved_outside_the_campaign_is_refused(login, users, tree, campaign):
    client = login(users["liaison"])
    assert client.post(reverse("feedback:opinion_add", args=[tree.county_a.pk]),
                       _session_post("2014-01-20")).status_code == 302
    session = OpinionSession.objects.get()
    response = client.post(reverse("feedback:opinion_edit", args=[session.pk]), _session_post("2014-01-19"))
    assert response.status_code == 200 and REFUSED in response.content.decode()
    session.refresh_from_db()
    assert session.held_on == D(2014, 1, 20)
    with pytest.raises(FeedbackError):
        services.opinion_session_update(session=session, fields=_session_fields(D(2013, 5, 1)), today=TODAY,
                                        by=users["liaison"])
    session.refresh_from_db()
    assert session.held_on == D(2014, 1, 20)


def _session_fields(day: datetime.date) -> dict:
    return {"target_group": "old_cadres", "held_on": day, "form": "座谈会", "people_count": 5, "opinion_count": 2,
            "summary": ""}
