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
from units.models import Level, Rank, Unit, UnitKind

D = datetime.date


def test_x2_new_campaign_defaults_to_the_notice(db):
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


def test_x2_shifted_campaign_keeps_the_notice_intervals(db):
    """Demo data moves the dates around today; the gaps between them stay the notice's."""
    today = D(2026, 11, 26)
    campaign = campaign_create(shift_to=today)
    assert campaign.study_end_city_county == today
    assert campaign.study_end_grassroots - campaign.study_end_city_county == datetime.timedelta(days=15)
    assert campaign.democratic_meeting_earliest - today == datetime.timedelta(days=21)


def test_r5_1_obligations_follow_level_and_kind(campaign, tree):
    """R2.3, R2.4, R2.6, R3.1, R3.2: a county committee owes meetings, exam, list, material; a village the R2.4 trio."""
    county = set(Obligation.objects.filter(unit=tree.county_a).values_list("kind", flat=True))
    assert county == {"enlarged_meeting", "discussion_meeting", "four_winds_list", "comparison_material",
                      "democratic_meeting", "exam"}
    village = set(Obligation.objects.filter(unit=tree.village_a).values_list("kind", flat=True))
    assert village == {"collective_study", "education_film", "party_lecture", "four_winds_list"}
    assert not Obligation.objects.filter(unit=tree.province).exists()
    # generating again creates nothing twice
    assert obligations_generate(campaign=campaign).count == 0


def test_r5_1_issue13_generation_writes_what_the_policy_calls_for_at_the_deadlines_dates(db, tree):
    """R5.1, issue 13: the obligations generated in one statement are, for every open unit of every level and
    kind, the kinds ``policy.obligation_kinds_for`` names, each due on its deadline's date (one moved before
    generating included); a closed unit owes nothing; ``describe`` counts what was written; ``ahead_of`` leaves
    out what fell due before it."""
    campaign = campaign_create()
    moved = Deadline.objects.get(campaign=campaign, kind="four_winds_list", level=Level.VILLAGE)
    moved.due_date = D(2014, 6, 1)
    moved.save()
    enterprise = add(tree.province, name="省属企业", code="E001", level=Level.CITY, kind=UnitKind.ENTERPRISE)
    university = add(tree.province, name="省属高校", code="U001", level=Level.CITY, kind=UnitKind.UNIVERSITY)
    community = add(tree.township_b, name="社区", code="C001", level=Level.VILLAGE, kind=UnitKind.COMMUNITY)
    closed = add(tree.township_b, name="撤并村", code="V999", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    closed.closed_on = D(2014, 2, 1)
    closed.save()
    generated = obligations_generate(campaign=campaign)
    due = {(d.kind, d.level): d.due_date for d in campaign.deadlines.all()}
    expected = {(unit.pk, str(kind), due.get((kind, unit.level)) or policy.default_due_date(campaign, kind, unit.level))
                for unit in Unit.objects.filter(closed_on__isnull=True)
                for kind in policy.obligation_kinds_for(unit.level, unit.kind)}
    stored = set(Obligation.objects.filter(campaign=campaign).values_list("unit_id", "kind", "due_date"))
    assert stored == expected and generated.count == len(expected)
    assert {enterprise.pk, university.pk, community.pk} <= generated.units and closed.pk not in generated.units
    assert (community.pk, "four_winds_list", D(2014, 6, 1)) in stored
    assert generated.by_kind["four_winds_list"] == sum(1 for _u, kind, _d in expected if kind == "four_winds_list")
    late = add(tree.township_b, name="新村", code="V998", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    added = obligations_generate(campaign=campaign, units=Unit.objects.filter(pk=late.pk), ahead_of=D(2014, 5, 20))
    assert set(Obligation.objects.filter(unit=late).values_list("kind", flat=True)) == {"four_winds_list"}
    assert added.count == 1 and added.units == {late.pk}


def test_r2_2_study_minimum_reads_the_campaign(campaign, tree):
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


def test_r5_1_progress_rolls_up_the_tree(campaign, tree, django_assert_max_num_queries):
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


def test_r5_1_progress_query_count_does_not_grow(login, campaign, tree, users, django_assert_max_num_queries):
    client = login(users["prov_office"])
    url = reverse("campaign:unit_progress", args=[tree.province.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    for i in range(20):
        add(tree.township_b, name=f"村{i}", code=f"V{i:03}", level=Level.VILLAGE, kind=UnitKind.VILLAGE)
    obligations_generate(campaign=campaign)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_r5_1_unit_progress_page_shows_done_due_overdue(login, campaign, tree, users):
    obligation_fulfil(campaign=campaign, unit=tree.county_a, kind="enlarged_meeting", on=D(2014, 4, 20),
                      note="扩大会议 2014-04-20", url="/x/")
    response = login(users["county_office"]).get(reverse("campaign:unit_progress", args=[tree.county_a.pk]))
    states = {ob.kind: ob.current_state for ob in response.context["obligations"]}
    assert states["enlarged_meeting"] == "done"
    assert "扩大会议 2014-04-20" in response.content.decode()
    # today (2026) is long after 2014: everything open is overdue
    assert states["discussion_meeting"] == "overdue"


def test_x2_only_the_provincial_office_changes_parameters(login, campaign, users):
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


def test_x2_bad_parameters_are_refused_and_nothing_changes(login, campaign, users):
    data = {f.name: getattr(campaign, f.name) for f in Campaign._meta.fields if f.name not in ("id", "is_active")}
    data.update(exam_pass_mark=120, reminder_lead_days_second=9, end_date=D(2013, 1, 1))
    response = login(users["prov_office"]).post(reverse("campaign:settings"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"exam_pass_mark", "reminder_lead_days_second", "end_date"} <= set(errors)
    campaign.refresh_from_db()
    assert campaign.exam_pass_mark == 60 and campaign.end_date == D(2014, 9, 30)


def test_r5_1_moving_a_deadline_moves_open_obligations(campaign, tree, login, users):
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


def test_r4_4_working_days_follow_the_calendar(db):
    """Holidays are skipped and swapped weekend days count (the 2014 May Day holiday)."""
    CalendarDay.objects.bulk_create([
        CalendarDay(date=D(2014, 5, 1), kind="holiday"), CalendarDay(date=D(2014, 5, 2), kind="holiday"),
        CalendarDay(date=D(2014, 5, 4), kind="workday"),  # Sunday worked instead
    ])
    # Wed 30 April + 3 working days: Sun 4 May (swapped), Mon 5, Tue 6
    assert add_working_days(D(2014, 4, 30), 3) == D(2014, 5, 6)
    assert add_working_days(D(2014, 4, 30), 0) == D(2014, 4, 30)


def test_r4_4_calendar_edited_by_the_provincial_office_only(login, users, db):
    """R4.4, R0.1: the one working-day calendar sets every county's answer dates, so only the provincial office
    keeps it; a county's office reads it without the form (never offered an action that answers 403), and its post
    is refused with nothing written."""
    url = reverse("campaign:calendar")
    response = login(users["prov_office"]).post(url, {"date": "2014-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302 and CalendarDay.objects.filter(date=D(2014, 10, 1)).exists()
    for role in ("county_office", "city_office", "leader"):
        client = login(users[role])
        page = client.get(url)
        assert page.status_code == 200 and "国庆节" in page.content.decode()
        assert page.context["form"] is not None and not page.context["editable"]
        day = CalendarDay.objects.get(date=D(2014, 10, 1))
        main = page.content.decode().split("<main", 1)[1]
        assert 'method="post"' not in main and reverse("campaign:calendar_delete", args=[day.pk]) not in main
        assert client.post(url, {"date": "2014-10-02", "kind": "holiday"}).status_code == 403
        assert client.post(reverse("campaign:calendar_delete", args=[day.pk])).status_code == 403
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2014, 10, 1)]
    response = login(users["prov_office"]).post(url, {"date": "2014-10-01", "kind": "holiday"})
    assert response.status_code == 200 and response.context["form"].errors["date"]  # already there


def test_x2_no_campaign_shows_an_empty_state(login, users, tree):
    response = login(users["leader"]).get(reverse("campaign:unit_progress", args=[tree.county_a.pk]))
    assert response.status_code == 200 and 'id="no-campaign"' in response.content.decode()
    prov = login(users["prov_office"])
    assert prov.post(reverse("campaign:start")).status_code == 302
    assert Campaign.objects.current() is not None
    assert Obligation.objects.filter(unit=tree.county_a).count() == 6


def test_r5_1_obligation_kinds_cover_every_kind():
    kinds = {k for level in (2, 3, 4, 5) for uk in UnitKind.values for k in policy.obligation_kinds_for(level, uk)}
    assert kinds == set(ObligationKind.values)


# --- issue 10: one permission model for the campaign's core, study, exams, meetings and problems;
# nothing of another county reached through them (R0.1, R0.3)


def _county_records(campaign, unit, cadre, tag: str) -> dict:
    """One of each record of these areas for ``unit`` (a session with ``cadre`` attending, a plan,
    a meeting where ``cadre`` spoke, an exam with ``cadre`` failed, a problem, a material)."""
    from campaign.models import (
        Attendance,
        ComparisonMaterial,
        Exam,
        ExamResult,
        FourWindsProblem,
        Meeting,
        MeetingSpeech,
        StudyPlan,
        StudySession,
    )

    session = StudySession.objects.create(campaign=campaign, unit=unit, kind="collective_study",
                                          date=D(2014, 3, 3), topic=f"{tag}学习")
    Attendance.objects.create(session=session, cadre=cadre)
    meeting = Meeting.objects.create(campaign=campaign, unit=unit, kind="enlarged", date=D(2014, 4, 2))
    MeetingSpeech.objects.create(meeting=meeting, cadre=cadre)
    exam = Exam.objects.create(campaign=campaign, unit=unit, title=f"{tag}考试", date=D(2014, 4, 20))
    return {
        "session": session, "meeting": meeting, "exam": exam,
        "plan": StudyPlan.objects.create(campaign=campaign, unit=unit, title=f"{tag}计划", topics="焦裕禄精神",
                                         start_date=campaign.start_date, end_date=campaign.end_date),
        "result": ExamResult.objects.create(exam=exam, cadre=cadre, score=40, passed=False),
        "problem": FourWindsProblem.objects.create(campaign=campaign, unit=unit, category="formalism", route="self",
                                                   description=f"{tag}问题", root_cause="根源"),
        "material": ComparisonMaterial.objects.create(campaign=campaign, unit=unit, subject="team", version=1,
                                                      status="submitted", text=f"{tag}材料"),
    }


def _row_counts() -> dict:
    from campaign.models import (
        Attendance,
        ComparisonMaterial,
        Exam,
        ExamResult,
        FourWindsProblem,
        Meeting,
        MeetingSpeech,
        Obligation,
        StudyPlan,
        StudySession,
    )

    models = [Attendance, ComparisonMaterial, Exam, ExamResult, FourWindsProblem, Meeting, MeetingSpeech, StudyPlan,
              StudySession]
    counts = {m.__name__: m.objects.count() for m in models}
    counts["done"] = Obligation.objects.filter(completed_on__isnull=False).count()
    counts["state"] = sorted(ComparisonMaterial.objects.values_list("pk", "status", "review_comment"))
    counts["comments"] = sorted(Meeting.objects.values_list("pk", "secretary_comment", "supervision_comment"))
    counts["problems"] = sorted(FourWindsProblem.objects.values_list("pk", "description", "status"))
    counts["makeup"] = sorted(ExamResult.objects.values_list("pk", "score", "makeup_done_on"))
    counts["plans"] = sorted(StudyPlan.objects.values_list("pk", "title"))
    return counts


def _pages_and_posts(r: dict, unit) -> tuple[list[str], list[tuple[str, dict]]]:
    pages = [reverse("campaign:study_session_detail", args=[r["session"].pk]),
             reverse("campaign:study_session_history", args=[r["session"].pk]),
             reverse("campaign:study_plan_detail", args=[r["plan"].pk]),
             reverse("campaign:meeting_detail", args=[r["meeting"].pk]),
             reverse("campaign:exam_detail", args=[r["exam"].pk]),
             reverse("campaign:exam_history", args=[r["exam"].pk]),
             reverse("campaign:exam_detail", args=[r["exam"].pk]) + "?export=xlsx",
             reverse("campaign:problem_unit", args=[unit.pk]),
             reverse("campaign:material_unit", args=[unit.pk]),
             reverse("campaign:material_detail", args=[r["material"].pk]),
             reverse("campaign:material_file", args=[r["material"].pk]),
             reverse("campaign:unit_progress", args=[unit.pk])]
    posts = [(reverse("campaign:study_session_add", args=[unit.pk]),
              {"kind": "collective_study", "date": "2014-03-05", "topic": "伪造", "hours": "2"}),
             (reverse("campaign:study_session_delete", args=[r["session"].pk]), {}),
             (reverse("campaign:study_plan_add", args=[unit.pk]), {"title": "伪造"}),
             (reverse("campaign:study_plan_edit", args=[r["plan"].pk]), {"title": "伪造"}),
             (reverse("campaign:meeting_add", args=[unit.pk]), {"kind": "discussion", "date": "2014-04-10"}),
             (reverse("campaign:meeting_speakers", args=[r["meeting"].pk]), {"speakers": [r["result"].cadre_id]}),
             (reverse("campaign:meeting_comment", args=[r["meeting"].pk]), {"by": "supervision", "text": "伪造"}),
             (reverse("campaign:meeting_comment", args=[r["meeting"].pk]), {"by": "secretary", "text": "伪造"}),
             (reverse("campaign:exam_add", args=[unit.pk]), {"title": "伪造", "date": "2014-04-22"}),
             (reverse("campaign:exam_results", args=[r["exam"].pk]), {f"score_{r['result'].cadre_id}": "99"}),
             (reverse("campaign:exam_makeup", args=[r["result"].pk]), {"on": "2014-04-25"}),
             (reverse("campaign:problem_add", args=[unit.pk]), {"category": "formalism", "route": "self",
                                                                "description": "伪造"}),
             (reverse("campaign:problem_edit", args=[r["problem"].pk]), {"description": "伪造"}),
             (reverse("campaign:problem_delete", args=[r["problem"].pk]), {}),
             (reverse("campaign:problem_list_submit", args=[unit.pk]), {}),
             (reverse("campaign:material_submit", args=[unit.pk, "top_leader"]), {"text": "伪造"}),
             (reverse("campaign:material_review", args=[r["material"].pk]), {"decision": "approve"})]
    return pages, posts


def test_r0_1_county_b_reaches_nothing_of_county_a_through_campaign_records(login, users, tree, campaign):
    """Issue 10: every page and action on a record of 正定县 answers 404 to 迁安市's office (and the
    reverse), GET or forged POST, and nothing is written."""
    records = {"a": _county_records(campaign, tree.county_a, tree.cadre_a, "正定县"),
               "b": _county_records(campaign, tree.county_b, tree.cadre_b, "迁安市")}
    before = _row_counts()
    for side, unit, user in (("a", tree.county_a, "county_office_b"), ("b", tree.county_b, "county_office")):
        client = login(users[user])
        pages, posts = _pages_and_posts(records[side], unit)
        for url in pages:
            assert client.get(url).status_code == 404, (user, url)
        for url, data in posts:
            assert client.post(url, data).status_code == 404, (user, url)
    assert _row_counts() == before


def test_r0_3_forged_posts_in_scope_without_the_permission_answer_403(login, users, tree, campaign):
    """Issue 10: in scope but not permitted (a leader, the supervision group, a liaison) → 403, nothing written."""
    records = _county_records(campaign, tree.county_a, tree.cadre_a, "正定县")
    before = _row_counts()
    _, posts = _pages_and_posts(records, tree.county_a)
    for role in ("leader",):
        client = login(users[role])
        for url, data in posts:
            assert client.post(url, data).status_code == 403, (role, url)
    liaison = login(users["liaison"])
    for name in ("exam_add", "material_review"):
        url, data = next(p for p in posts if p[0].startswith(reverse(f"campaign:{name}", args=[
            tree.county_a.pk if name == "exam_add" else records["material"].pk])))
        assert liaison.post(url, data).status_code == 403, url
    own = login(users["county_office"])  # reviews its townships, not its own material
    assert own.post(reverse("campaign:material_review", args=[records["material"].pk]),
                    {"decision": "approve"}).status_code == 403
    supervisor = login(users["supervisor"])
    assert supervisor.post(reverse("campaign:meeting_comment", args=[records["meeting"].pk]),
                           {"by": "secretary", "text": "伪造"}).status_code == 403
    assert supervisor.post(reverse("campaign:meeting_comment", args=[records["meeting"].pk]),
                           {"by": "forged", "text": "伪造"}).status_code == 403
    assert _row_counts() == before


def test_r0_1_lists_name_no_unit_outside_the_viewers_subtree(login, users, tree, campaign):
    """Issue 10: the lists of these areas (and their Excel files) hold nothing of the other county."""
    _county_records(campaign, tree.county_a, tree.cadre_a, "正定县")
    _county_records(campaign, tree.county_b, tree.cadre_b, "迁安市")
    lists = ["campaign:study_sessions", "campaign:study_plans", "campaign:study_shortfall", "campaign:meetings",
             "campaign:exams", "campaign:exam_owed", "campaign:problems", "campaign:materials"]
    for user, own, other in (("county_office", "正定县", "迁安"), ("county_office_b", "迁安市", "正定")):
        client = login(users[user])
        for name in lists:
            page = client.get(reverse(name), {"everyone": "on"} if name.endswith("shortfall") else {})
            assert page.status_code == 200 and other not in page.content.decode(), (user, name)
            assert own in page.content.decode(), (user, name)
            exported = client.get(reverse(name), {"export": "xlsx"})
            assert exported.status_code == 200 and other.encode() not in exported.content, (user, name)
        # a unit filter naming the other county lists nothing
        assert client.get(reverse("campaign:problems"), {"unit": other}).context["table"].records == []


def test_r2_6_an_exams_results_and_history_show_only_the_viewers_subtree(users, tree, campaign):
    """Issue 10: following an exam to its results never shows cadres outside the viewer's subtree."""
    from campaign.models import Exam, ExamResult
    from campaign.selectors.exams import exam_results, exam_summary

    exam = Exam.objects.create(campaign=campaign, unit=tree.city_a, title="石家庄市考试", date=D(2014, 4, 20))
    other = CadreFactory(unit=tree.county_a2, name="行唐干部", is_team_member=True)
    for cadre in (tree.cadre_a, other):
        ExamResult.objects.create(exam=exam, cadre=cadre, score=80, passed=True)
    assert [r.cadre for r in exam_results(exam, users["county_office"])] == [tree.cadre_a]
    assert exam_summary(exam, users["county_office"]).sat == 1 and exam_summary(exam, users["city_office"]).sat == 2
    assert {r.cadre for r in exam_results(exam, users["city_office"])} == {tree.cadre_a, other}
    assert list(exam_results(exam, users["county_office_b"])) == []


def test_r0_3_the_campaign_areas_permissions(users, tree, campaign):
    """Issue 10: who may do what is one permission per action (campaign/permissions.py)."""
    from campaign.models import ComparisonMaterial, Meeting

    meeting = Meeting.objects.create(campaign=campaign, unit=tree.county_a, kind="enlarged", date=D(2014, 4, 2))
    material = ComparisonMaterial.objects.create(campaign=campaign, unit=tree.county_a, subject="team", text="x")

    def who(perm, obj=None) -> set[str]:
        return {name for name, user in users.items() if user.has_perm(perm, obj)}

    writers_a = {"admin", "prov_office", "city_office", "county_office", "liaison"}
    assert who("campaign.record_study", tree.county_a) == writers_a
    assert who("campaign.record_study", tree.township_a) == writers_a - {"liaison"}
    assert who("campaign.record_study") == writers_a | {"county_office_b"}  # for some unit: offers the picker
    assert who("campaign.record_meeting", tree.county_a) == writers_a
    assert who("campaign.comment_meeting_secretary", meeting) == writers_a
    assert who("campaign.comment_meeting_supervision", meeting) == {"supervisor"}
    assert who("campaign.manage_exam", tree.county_a) == writers_a - {"liaison"}
    assert who("campaign.record_makeup", tree.county_a) == writers_a
    assert who("campaign.review_material", material) == {"admin", "prov_office", "city_office"}
    assert who("campaign.change_problem", tree.county_b) == {"admin", "prov_office", "county_office_b"}
    # the one calendar moves every county's dates: a county's office changing it would change 迁安市's
    assert who("campaign.change_calendar") == {"admin", "prov_office"}
    assert who("campaign.change_deadline") == who("campaign.start_campaign") == {"admin", "prov_office"}


_LISTS = {
    "campaign:study_sessions": ["date", "unit", "kind", "topic", "hours", "attendee_count"],
    "campaign:study_plans": ["title", "unit", "start_date", "end_date", "session_count"],
    "campaign:study_shortfall": ["name", "unit", "post", "rank", "attended", "minimum", "missing"],
    "campaign:meetings": ["date", "unit", "kind", "place", "spoke"],
    "campaign:exams": ["title", "unit", "date", "sat", "passed_count", "rate"],
    "campaign:exam_owed": ["unit", "name", "exam", "score"],
    "campaign:problems": ["unit", "category", "problem", "route", "root_cause", "status", "due_date"],
    "campaign:materials": ["unit", "subject", "version", "status", "submitted_at", "reviewed_at"],
    "campaign:calendar": ["date", "kind", "name"],
}


def test_r0_1_lists_sort_export_and_show_bad_filter_values_as_errors(login, users, tree, campaign):
    """Issue 10: every list of these areas sorts by each column, exports the same table, and a value that
    does not parse gives the list with a field error, never a 500."""
    r = _county_records(campaign, tree.county_a, tree.cadre_a, "正定县")
    c = login(users["prov_office"])
    for name, cols in _LISTS.items():
        for col in cols:
            for s in (col, "-" + col):
                resp = c.get(reverse(name), {"sort": s})
                assert resp.status_code == 200, (name, s)
        bad = c.get(reverse(name), {"date_from": "x", "kind": "nope", "rank": "zz", "resit": "q", "state": "q",
                                    "status": "q", "common_problem": "abc", "unit": "x" * 300})
        assert bad.status_code == 200, name
        if bad.context["filter"] is not None:
            assert bad.context["filter"].errors and bad.context["table"].records == [], name
        assert c.get(reverse(name), {"export": "xlsx", "sort": cols[0]}).status_code == 200, name
    for url in (reverse("campaign:exam_detail", args=[r["exam"].pk]),
                reverse("campaign:exam_results", args=[r["exam"].pk]),
                reverse("campaign:problem_unit", args=[tree.county_a.pk]), reverse("campaign:notifications")):
        assert c.get(url, {"sort": "score", "unit": "x" * 300, "page": "zz"}).status_code == 200, url
        assert c.get(url, {"page": "999"}).status_code in (200, 404), url
