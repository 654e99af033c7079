"""Issue 11, R4.1: correcting or deleting a field-research stay keeps the top leaders' compliance ("at least
the campaign's minimum days at the hardest unit") and the dashboards right, and is kept in the stay's
history (who, what). Played in time order: record → figures → correct/delete → figures and history."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from feedback.models import FieldResearchStay
from feedback.services import listening as services

pytestmark = pytest.mark.django_db

D = datetime.date


def _form(host, start: str, end: str) -> dict:
    return {"host_unit": host.pk, "start_date": start, "end_date": end, "findings": "群众反映看病难"}


def _compliance(client):
    """The compliance page as the leader reads it: the figures above the list, and who is listed short."""
    response = client.get(reverse("feedback:research_compliance"))
    return response.context["figures"], {row.name for row in response.context["table"].data}


def _research(client, unit) -> tuple[int, int]:
    f = client.get(reverse("dashboards:unit", args=[unit.pk])).context["f"]
    return f.research_required, f.research_met


def test_r4_1_a_stay_shortened_below_the_minimum_and_deleted_changes_compliance(login, users, tree, campaign):
    """王正定, 正定县's party secretary, stays 3 days at 正定镇 (the hardest unit): he complies. Corrected to 2
    days he is short again; lengthened he complies; deleted he is short — each step on the pages the leader
    reads, and each kept in the history under the office that made it."""
    office = login(users["county_office"])
    assert office.post(reverse("feedback:stay_add", args=[tree.cadre_a.pk]),
                       _form(tree.township_a, "2014-04-01", "2014-04-03")).status_code == 302
    stay = FieldResearchStay.objects.get()
    leader = login(users["leader"])
    figures, short = _compliance(leader)
    assert "王正定" not in short
    compliant = figures.compliant
    required, met = _research(leader, tree.county_a)
    assert met == 1

    # corrected: the stay was two days, not three
    office = login(users["county_office"])
    assert office.post(reverse("feedback:stay_edit", args=[stay.pk]),
                       _form(tree.township_a, "2014-04-01", "2014-04-02")).status_code == 302
    leader = login(users["leader"])
    figures, short = _compliance(leader)
    assert "王正定" in short and figures.compliant == compliant - 1
    assert _research(leader, tree.county_a) == (required, 0)
    rows = leader.get(reverse("feedback:stay_history", args=[stay.pk])).context["rows"]
    assert rows[0].who == "county_office"
    assert any(old == "2014年4月3日" and new == "2014年4月2日" for _label, old, new in rows[0].changes)
    assert stay.history.order_by("-history_id").first().days == 2

    # corrected again: four days
    services.stay_update(stay=stay, host_unit=tree.township_a, start_date=D(2014, 4, 1), end_date=D(2014, 4, 4),
                         findings="调研", today=D(2014, 12, 31), by=users["city_office"])
    figures, short = _compliance(leader)
    assert "王正定" not in short and figures.compliant == compliant
    assert _research(leader, tree.county_a) == (required, 1)
    assert stay.history.order_by("-history_id").first().history_user == users["city_office"]

    # deleted after the confirmation page
    office = login(users["county_office"])
    delete_url = reverse("feedback:stay_delete", args=[stay.pk])
    assert office.get(delete_url).status_code == 200
    assert office.post(delete_url).status_code == 302
    leader = login(users["leader"])
    figures, short = _compliance(leader)
    assert "王正定" in short and figures.compliant == compliant - 1
    assert _research(leader, tree.county_a) == (required, 0)
    gone = FieldResearchStay.history.get(id=stay.pk, history_type="-")
    assert (gone.history_user, gone.days) == (users["county_office"], 4)
    listed = leader.get(reverse("feedback:stay_deletions")).context["records"]
    assert [(r.id, r.history_user, r.cadre) for r in listed] == [(stay.pk, users["county_office"], tree.cadre_a)]
    assert list(login(users["county_office_b"]).get(reverse("feedback:stay_deletions")).context["records"]) == []


def test_r4_1_stays_list_offers_the_history_to_readers(login, users, tree, campaign):
    stay = services.stay_record(campaign=campaign, cadre=tree.cadre_a, host_unit=tree.township_a,
                                start_date=D(2014, 4, 1), end_date=D(2014, 4, 3), findings="调研",
                                today=D(2014, 12, 31), by=users["county_office"])
    page = login(users["leader"]).get(reverse("feedback:stays")).content.decode()
    assert reverse("feedback:stay_history", args=[stay.pk]) in page
    assert reverse("feedback:stay_edit", args=[stay.pk]) not in page  # a leader reads only
    rows = login(users["leader"]).get(reverse("feedback:stay_history", args=[stay.pk])).context["rows"]
    assert [row.who for row in rows] == ["county_office"]
    assert login(users["county_office_b"]).get(reverse("feedback:stay_history", args=[stay.pk])).status_code == 404
