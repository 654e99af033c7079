"""Issue 11, R2.2, R2.4: correcting or deleting a study session keeps every figure that counted it right — the
shortfall list, the unit's obligation, the dashboards — and is kept in the session's history (who, what).
Each test plays the events in time order: record → figures → correct → figures and history."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from campaign.errors import CampaignError
from campaign.models import Obligation, StudySession
from campaign.services import study as services

D = datetime.date


def _record(campaign, unit, attendees, *, kind="central_group", date=D(2014, 3, 10), topic="学习兰考讲话",
            user=None) -> StudySession:
    return services.session_record(campaign=campaign, unit=unit, kind=kind, date=date, topic=topic,
                                   hours=Decimal("2"), attendee_ids=[c.pk for c in attendees], user=user)


def _post(session, attendees, **overrides) -> dict:
    return {"kind": session.kind, "date": session.date.isoformat(), "topic": session.topic, "content": "",
            "hours": "2", "plan": "", "attendees": [str(c.pk) for c in attendees]} | overrides


def _shortfall(client) -> dict[str, tuple[int, int]]:
    """The shortfall page as the leader reads it: name → (attended, minimum), everyone shown."""
    records = client.get(reverse("campaign:study_shortfall"), {"everyone": "on"}).context["table"].records
    return {r.name: (r.attended, r.minimum) for r in records}


def _dashboard(client, unit):
    return client.get(reverse("dashboards:unit", args=[unit.pk])).context["f"]


def test_r2_2_removing_a_leader_from_a_sessions_attendance_puts_him_back_on_the_shortfall(
        login, users, tree, campaign):
    """王正定 (minimum 3) attended three sessions; one is corrected without him: the shortfall list, the
    county's dashboard and the session's history follow."""
    sessions = [_record(campaign, tree.county_a, [tree.cadre_a], date=D(2014, 3, day), topic=f"第{day}次学习")
                for day in (3, 10, 17)]
    leader = login(users["leader"])
    assert _shortfall(leader)["王正定"] == (3, 3)
    before = _dashboard(leader, tree.county_a)
    assert before.study_met >= 1

    liaison = login(users["liaison"])
    edit_url = reverse("campaign:study_session_edit", args=[sessions[1].pk])
    page = liaison.get(edit_url)
    assert page.context["form"].initial["attendees"] == [tree.cadre_a.pk]
    assert liaison.post(edit_url, _post(sessions[1], [])).status_code == 302

    leader = login(users["leader"])
    assert _shortfall(leader)["王正定"] == (2, 3)
    after = _dashboard(leader, tree.county_a)
    assert (after.study_required, after.study_met) == (before.study_required, before.study_met - 1)
    newest = sessions[1].history.order_by("-history_date", "-history_id").first()
    assert (newest.history_type, newest.history_user) == ("~", users["liaison"])
    assert "王正定" in newest.history_change_reason
    # the page of the session's history names who changed it
    rows = leader.get(reverse("campaign:study_session_history", args=[sessions[1].pk])).context["rows"]
    assert [row.who for row in rows] == ["liaison", "—"]  # corrected by the liaison; recorded by the system


def test_r2_2_deleting_a_session_lowers_the_attendance_and_is_kept_in_history(login, users, tree, campaign):
    sessions = [_record(campaign, tree.county_a, [tree.cadre_a], date=D(2014, 3, day)) for day in (3, 10, 17)]
    leader = login(users["leader"])
    assert _shortfall(leader)["王正定"] == (3, 3)
    met = _dashboard(leader, tree.county_a).study_met

    office = login(users["county_office"])
    url = reverse("campaign:study_session_delete", args=[sessions[0].pk])
    assert office.get(url).status_code == 200  # the confirmation page first
    assert office.post(url).status_code == 302
    assert not StudySession.objects.filter(pk=sessions[0].pk).exists()

    leader = login(users["leader"])
    assert _shortfall(leader)["王正定"] == (2, 3)
    assert _dashboard(leader, tree.county_a).study_met == met - 1
    gone = StudySession.history.get(id=sessions[0].pk, history_type="-")
    assert gone.history_user == users["county_office"] and gone.topic == "学习兰考讲话"
    # the page of deleted sessions shows it to those who see the unit, with who deleted it
    listed = leader.get(reverse("campaign:study_session_deletions")).context["records"]
    assert [(r.id, r.history_user) for r in listed] == [(sessions[0].pk, users["county_office"])]
    assert list(login(users["county_office_b"]).get(reverse("campaign:study_session_deletions"))
                .context["records"]) == []


def test_r2_4_a_correction_moves_the_obligation_with_the_session(login, users, tree, campaign):
    """正定镇 owes a party lecture and a collective study: the lecture recorded fulfils the first; corrected to
    a collective study it fulfils the second and the first opens again; deleted, both are open."""
    lecture = _record(campaign, tree.township_a, [], kind="party_lecture", date=D(2014, 3, 5), topic="党课")
    obligations = {o.kind: o for o in Obligation.objects.filter(unit=tree.township_a,
                                                                kind__in=["party_lecture", "collective_study"])}
    office = login(users["county_office"])
    done_before = _dashboard(office, tree.township_a).obligations_done
    obligations["party_lecture"].refresh_from_db()
    assert obligations["party_lecture"].completed_on == D(2014, 3, 5)

    response = office.post(reverse("campaign:study_session_edit", args=[lecture.pk]),
                           _post(lecture, [], kind="collective_study", date="2014-03-07", topic="集体学习"))
    assert response.status_code == 302
    for ob in obligations.values():
        ob.refresh_from_db()
    assert obligations["party_lecture"].completed_on is None
    assert (obligations["collective_study"].completed_on, obligations["collective_study"].evidence_note) == (
        D(2014, 3, 7), "集体学习")
    assert _dashboard(office, tree.township_a).obligations_done == done_before

    office.post(reverse("campaign:study_session_delete", args=[lecture.pk]))
    for ob in obligations.values():
        ob.refresh_from_db()
    assert obligations["collective_study"].completed_on is None and obligations["collective_study"].evidence_url == ""
    assert _dashboard(office, tree.township_a).obligations_done == done_before - 1


def test_r2_4_moving_the_fulfilling_session_later_hands_the_obligation_to_the_earlier_one(tree, campaign, users):
    first = _record(campaign, tree.township_a, [], kind="party_lecture", date=D(2014, 3, 5), topic="第一课")
    _record(campaign, tree.township_a, [], kind="party_lecture", date=D(2014, 3, 20), topic="第二课")
    services.session_update(session=first, kind="party_lecture", date=D(2014, 4, 2), topic="第一课", hours=Decimal("2"),
                            attendee_ids=[], by=users["county_office"])
    ob = Obligation.objects.get(unit=tree.township_a, kind="party_lecture")
    assert (ob.completed_on, ob.evidence_note) == (D(2014, 3, 20), "第二课")


def test_r2_2_corrections_are_refused_to_those_who_may_not_and_bad_input_writes_nothing(login, users, tree, campaign):
    session = _record(campaign, tree.county_a, [tree.cadre_a])
    url = reverse("campaign:study_session_edit", args=[session.pk])
    assert login(users["leader"]).post(url, _post(session, [])).status_code == 403
    assert login(users["county_office_b"]).post(url, _post(session, [])).status_code == 404
    with pytest.raises(CampaignError):
        services.session_update(session=session, kind="central_group", date=session.date, topic="x",
                                hours=Decimal("2"), attendee_ids=[tree.cadre_b.pk], by=users["county_office"])
    response = login(users["liaison"]).post(url, _post(session, [tree.cadre_a], hours="0"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    session.refresh_from_db()
    assert list(session.attendees.all()) == [tree.cadre_a] and session.hours == Decimal("2")
    assert session.history.count() == 1
    # the detail page offers the correction only to those who may make it
    assert 'id="edit-session"' in login(users["liaison"]).get(
        reverse("campaign:study_session_detail", args=[session.pk])).content.decode()
    assert 'id="edit-session"' not in login(users["leader"]).get(
        reverse("campaign:study_session_detail", args=[session.pk])).content.decode()


def test_r2_2_a_correction_cannot_make_a_session_twice(tree, campaign, users):
    """Issue 11 item 3 on correction: two sessions may not become the same record (unit, form, date, topic)."""
    _record(campaign, tree.county_a, [tree.cadre_a], date=D(2014, 3, 3), topic="学习兰考讲话")
    other = _record(campaign, tree.county_a, [], date=D(2014, 3, 10), topic="学习兰考讲话")
    with pytest.raises(CampaignError):
        services.session_update(session=other, kind="central_group", date=D(2014, 3, 3), topic="学习兰考讲话",
                                hours=Decimal("2"), attendee_ids=[], by=users["liaison"])
    other.refresh_from_db()
    assert other.date == D(2014, 3, 10)
