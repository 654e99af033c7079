"""Campaign parameters (X2), deadlines (R5.1), obligations and progress roll-up, calendar."""
from __future__ import annotations

import datetime

from django.urls import reverse

from campaign import policy
from campaign.models import CalendarDay, Campaign, Deadline, Obligation, ObligationKind
from campaign.selectors.core import children_progress, subtree_progress
from campaign.services.campaign import (
    add_working_days,
    campaign_create,
    deadline_set,
    obligation_fulfil,
    obligations_generate,
)
from tests.factories import CadreFactory, add
from units.models import Level, Rank, UnitKind

D = datetime.date


def test_new_campaign_defaults_to_the_notice(db):
    """X2, R5.1, R2.2, R4.1, R6.3: a new campaign carries the notice's 2014 values."""
    campaign = campaign_create()
    assert campaign.study_end_city_county == D(2014, 4, 30)
    assert campaign.study_end_grassroots == D(2014, 5, 15)
    assert campaign.democratic_meeting_earliest == D(2014, 5, 21)
    assert (campaign.min_study_provincial, campaign.min_study_other) == (5, 3)
    assert campaign.min_field_research_days == 3 and campaign.criticism_count == 10
    assert campaign.reminder_lead_days == (7, 1)
    assert campaign.common_problems.count() == 10 and campaign.phases.count() == 3
    assert Deadline.objects.get(campaign=campaign, kind="enlarged_meeting", level=Level.COUNTY).due_date == D(2014, 4, 30)
    assert Deadline.objects.get(campaign=campaign, kind="collective_study", level=Level.VILLAGE).due_date == D(2014, 5, 15)


def test_shifted_campaign_keeps_the_notice_intervals(db):
    """Demo data moves the dates around today; the gaps between them stay the notice's."""
    today = D(2026, 11, 26)
    campaign = campaign_create(shift_to=today)
    assert campaign.study_end_city_county == today
    assert campaign.study_end_grassroots - campaign.study_end_city_county == datetime.timedelta(days=15)
    assert campaign.democratic_meeting_earliest - today == datetime.timedelta(days=21)


def test_obligations_follow_level_and_kind(campaign, tree):
    """R2.3, R2.4, R2.6, R3.1, R3.2: a county committee owes meetings, exam, list, material; a village the R2.4 trio."""
    county = set(Obligation.objects.filter(unit=tree.county_a).values_list("kind", flat=True))
    assert county == {"enlarged_meeting", "discussion_meeting", "four_winds_list", "comparison_material",
                      "democratic_meeting", "exam"}
    village = set(Obligation.objects.filter(unit=tree.village_a).values_list("kind", flat=True))
    assert village == {"collective_study", "education_film", "party_lecture", "four_winds_list"}
    assert not Obligation.objects.filter(unit=tree.province).exists()
    # generating again creates nothing twice
    assert obligations_generate(campaign=campaign) == 0


def test_study_minimum_reads_the_campaign(campaign, tree):
    """R2.2: 5 for provincial-level leaders, 3 for other party-member leaders, from campaign data."""
    provincial = CadreFactory(unit=tree.province, rank=Rank.PROVINCIAL, is_team_member=True)
    leader = CadreFactory(unit=tree.county_a, rank=Rank.COUNTY, is_team_member=True)
    staff = CadreFactory(unit=tree.county_a, rank=Rank.SECTION)
    non_member = CadreFactory(unit=tree.county_a, rank=Rank.COUNTY, is_team_member=True, is_party_member=False)
    township = CadreFactory(unit=tree.township_a, rank=Rank.SECTION, is_team_member=True)
    village = CadreFactory(unit=tree.village_a, rank=Rank.SECTION, is_top_leader=True, is_team_member=True)
    cadres = (provincial, leader, staff, non_member, township, village)
    # a township's team are leading cadres; a village committee is not
    assert [policy.study_minimum(c, campaign) for c in cadres] == [5, 3, None, None, 3, None]
    campaign.min_study_provincial = 6
    assert policy.study_minimum(provincial, campaign) == 6


def test_progress_rolls_up_the_tree(campaign, tree, django_assert_max_num_queries):
    """Progress % of a subtree counts every obligation below it; children grouped in one query."""
    today = D(2014, 5, 1)  # after the city/county deadline, before the grassroots one
    obligation_fulfil(campaign=campaign, unit=tree.county_a, kind="enlarged_meeting", on=D(2014, 4, 20))
    obligation_fulfil(campaign=campaign, unit=tree.village_a, kind="party_lecture", on=D(2014, 4, 21))
    p = subtree_progress(tree.county_a, campaign, today)
    # 正定县 6 + 正定镇 6 + 塔元庄村 4 obligations
    assert (p.total, p.done) == (16, 2)
    # past 30 April: the county's discussion meeting, problem list and exam; the material (20 May),
    # the democratic life meeting and everything grassroots (15 May) are still due
    assert p.overdue == 3
    city = dict((u.name, pr) for u, pr in children_progress(tree.city_a, campaign, today))
    assert city["正定县"].done == 2 and city["行唐县"].done == 0
    with django_assert_max_num_queries(2):
        children_progress(tree.province, campaign, today)


def test_progress_query_count_does_not_grow(login, campaign, tree, users, django_assert_max_num_queries):
    client = login(users["prov_office"])
    url = reverse("campaign:unit_progress", args=[tree.province.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for i in range(20):
        add(tree.township_b, name=f"村{i}", code=f"V{i:03}", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    obligations_generate(campaign=campaign)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_unit_progress_page_shows_done_due_overdue(login, campaign, tree, users):
    obligation_fulfil(campaign=campaign, unit=tree.county_a, kind="enlarged_meeting", on=D(2014, 4, 20),
                      note="扩大会议 2014-04-20", url="/x/")
    response = login(users["county_office"]).get(reverse("campaign:unit_progress", args=[tree.county_a.pk]))
    states = {ob.kind: ob.current_state for ob in response.context["obligations"]}
    assert states["enlarged_meeting"] == "done"
    assert "扩大会议 2014-04-20" in response.content.decode()
    # today (2026) is long after 2014: everything open is overdue
    assert states["discussion_meeting"] == "overdue"


def test_only_the_provincial_office_changes_parameters(login, campaign, users):
    """X2: the provincial office edits; a city office reads only."""
    url = reverse("campaign:settings")
    data = {f.name: getattr(campaign, f.name) for f in Campaign._meta.fields if f.name not in ("id", "is_active")}
    data["min_study_provincial"] = 6
    assert login(users["city_office"]).post(url, data).status_code == 403
    campaign.refresh_from_db()
    assert campaign.min_study_provincial == 5
    response = login(users["prov_office"]).post(url, data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.min_study_provincial == 6


def test_bad_parameters_are_refused_and_nothing_changes(login, campaign, users):
    data = {f.name: getattr(campaign, f.name) for f in Campaign._meta.fields if f.name not in ("id", "is_active")}
    data.update(exam_pass_mark=120, reminder_lead_days_second=9, end_date=D(2013, 1, 1))
    response = login(users["prov_office"]).post(reverse("campaign:settings"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"exam_pass_mark", "reminder_lead_days_second", "end_date"} <= set(errors)
    campaign.refresh_from_db()
    assert campaign.exam_pass_mark == 60 and campaign.end_date == D(2014, 9, 30)


def test_moving_a_deadline_moves_open_obligations(campaign, tree, login, users):
    """R5.1: dates are data; done obligations keep their record."""
    obligation_fulfil(campaign=campaign, unit=tree.county_a, kind="enlarged_meeting", on=D(2014, 4, 20))
    deadline = Deadline.objects.get(campaign=campaign, kind="enlarged_meeting", level=Level.COUNTY)
    login(users["prov_office"]).post(reverse("campaign:deadline_edit", args=[deadline.pk]), {"due_date": "2014-05-08"})
    assert Obligation.objects.get(unit=tree.county_a2, kind="enlarged_meeting").due_date == D(2014, 5, 8)
    assert Obligation.objects.get(unit=tree.county_a, kind="enlarged_meeting").due_date == D(2014, 4, 30)
    # outside the campaign: refused, nothing moves
    response = login(users["prov_office"]).post(reverse("campaign:deadline_edit", args=[deadline.pk]),
                                                {"due_date": "2015-01-01"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    deadline.refresh_from_db()
    assert deadline.due_date == D(2014, 5, 8)
    assert login(users["county_office"]).post(
        reverse("campaign:deadline_edit", args=[deadline.pk]), {"due_date": "2014-05-09"}).status_code == 403


def test_working_days_follow_the_calendar(db):
    """Holidays are skipped and swapped weekend days count (the 2014 May Day holiday)."""
    CalendarDay.objects.bulk_create([
        CalendarDay(date=D(2014, 5, 1), kind="holiday"), CalendarDay(date=D(2014, 5, 2), kind="holiday"),
        CalendarDay(date=D(2014, 5, 4), kind="workday"),  # Sunday worked instead
    ])
    # Wed 30 April + 3 working days: Sun 4 May (swapped), Mon 5, Tue 6
    assert add_working_days(D(2014, 4, 30), 3) == D(2014, 5, 6)
    assert add_working_days(D(2014, 4, 30), 0) == D(2014, 4, 30)


def test_calendar_edited_by_offices_only(login, users, db):
    url = reverse("campaign:calendar")
    response = login(users["county_office"]).post(url, {"date": "2014-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302 and CalendarDay.objects.filter(date=D(2014, 10, 1)).exists()
    assert login(users["leader"]).post(url, {"date": "2014-10-02", "kind": "holiday"}).status_code == 403
    response = login(users["county_office"]).post(url, {"date": "2014-10-01", "kind": "holiday"})
    assert response.status_code == 200 and response.context["form"].errors["date"]  # already there


def test_no_campaign_shows_an_empty_state(login, users, tree):
    response = login(users["leader"]).get(reverse("campaign:unit_progress", args=[tree.county_a.pk]))
    assert response.status_code == 200 and 'id="no-campaign"' in response.content.decode()
    prov = login(users["prov_office"])
    assert prov.post(reverse("campaign:start")).status_code == 302
    assert Campaign.objects.current() is not None
    assert Obligation.objects.filter(unit=tree.county_a).count() == 6


def test_obligation_kinds_cover_every_kind():
    kinds = {k for level in (2, 3, 4, 5) for uk in UnitKind.values for k in policy.obligation_kinds_for(level, uk)}
    assert kinds == set(ObligationKind.values)
