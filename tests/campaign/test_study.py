"""Study plans, sessions with attendance, the shortfall list and special groups' coverage
(R2.1, R2.2, R2.4, R2.5, R2.8, R0.3)."""
from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from campaign import policy
from campaign.errors import CampaignError
from campaign.models import COMPULSORY_TEXT, Attendance, Obligation, StudyPlan, StudySession
from campaign.selectors import study as selectors
from campaign.services import study as services
from campaign.services.campaign import campaign_create
from reports.excel import read_table
from tests.factories import CadreFactory, add
from units.models import Cadre, Level, Rank, SpecialGroup, UnitKind

D = datetime.date


def record(campaign, unit, attendees, *, kind="central_group", date=D(2014, 3, 10), topic="学习兰考讲话", **extra):
    return services.session_record(campaign=campaign, unit=unit, kind=kind, date=date, topic=topic,
                                   hours=Decimal("2"), attendee_ids=[c.pk for c in attendees], **extra)


def session_post(cadres, **overrides):
    data = {"kind": "central_group", "date": "2014-03-10", "topic": "学习兰考讲话", "content": "读原著",
            "hours": "2.5", "plan": "", "attendees": [str(c.pk) for c in cadres]}
    data.update(overrides)
    return data


def plan_post(**overrides):
    data = {"title": "正定县学习计划", "topics": "焦裕禄精神\n反对四风", "required_texts": COMPULSORY_TEXT,
            "schedule": "每周五下午集中学习", "start_date": "2014-02-01", "end_date": "2014-04-30"}
    data.update(overrides)
    return data


@pytest.fixture
def leaders(tree):
    """正定县's leaders: a provincial-level cadre (minimum 5), a deputy (3), a stepped-back cadre, a clerk."""
    return {
        "provincial": CadreFactory(unit=tree.county_a, name="周省级", post="挂职省领导", rank=Rank.PROVINCIAL),
        "deputy": CadreFactory(unit=tree.county_a, name="陈副县", post="副县长", rank=Rank.COUNTY, is_team_member=True),
        "stepped": CadreFactory(unit=tree.county_a, name="孙二线", post="原副县长", special_group=SpecialGroup.STEPPED_BACK),
        "clerk": CadreFactory(unit=tree.county_a, name="刘科员", post="科员"),
    }


# --- R2.1 study plans


def test_r2_1_plan_form_prefills_the_compulsory_text_and_saves(login, users, tree, campaign):
    """R2.1: a new plan starts with the Lankao speech among its required texts."""
    client = login(users["liaison"])
    url = reverse("campaign:study_plan_add", args=[tree.county_a.pk])
    assert COMPULSORY_TEXT in client.get(url).content.decode()
    response = client.post(url, plan_post(required_texts=COMPULSORY_TEXT + "\n《焦裕禄》"))
    plan = StudyPlan.objects.get()
    assert response.url == reverse("campaign:study_plan_detail", args=[plan.pk])
    assert (plan.unit, plan.campaign, plan.end_date) == (tree.county_a, campaign, D(2014, 4, 30))
    detail = client.get(response.url)
    assert detail.context["texts"] == [COMPULSORY_TEXT, "《焦裕禄》"]


@pytest.mark.parametrize("overrides", [
    {"required_texts": "《县委书记的榜样——焦裕禄》"},
    {"required_texts": ""},
    {"start_date": "2014-04-30", "end_date": "2014-02-01"},
], ids=["speech-dropped", "texts-empty", "ends-before-start"])
def test_r2_1_plan_refused_without_the_speech_or_with_dates_reversed(login, users, tree, campaign, overrides):
    """R2.1: dropping the compulsory speech or ending before starting writes nothing and says why."""
    client = login(users["county_office"])
    response = client.post(reverse("campaign:study_plan_add", args=[tree.county_a.pk]), plan_post(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not StudyPlan.objects.exists()


def test_r2_1_plan_service_messages_name_the_problem(tree, campaign):
    """R2.1: the service says which rule was broken (the speech is named in the message)."""
    with pytest.raises(CampaignError, match="兰考"):
        services.plan_create(campaign=campaign, unit=tree.county_a, title="t", topics="x", required_texts="别的文章",
                             schedule="", start_date=D(2014, 2, 1), end_date=D(2014, 4, 30))
    # line breaks inside the title do not count as dropping it
    spaced = COMPULSORY_TEXT[:10] + "\n" + COMPULSORY_TEXT[10:]
    plan = services.plan_create(campaign=campaign, unit=tree.county_a, title="t", topics="x", required_texts=spaced,
                                schedule="", start_date=D(2014, 2, 1), end_date=D(2014, 2, 1))
    assert plan.pk


def test_r2_1_plan_edit_keeps_the_rules_and_the_writers(login, users, tree, campaign):
    """R2.1: writers of the unit edit; a refused edit changes nothing; readers get 403."""
    plan = services.plan_create(campaign=campaign, unit=tree.county_a, title="旧标题", topics="x",
                                required_texts=COMPULSORY_TEXT, schedule="", start_date=D(2014, 2, 1),
                                end_date=D(2014, 4, 30))
    url = reverse("campaign:study_plan_edit", args=[plan.pk])
    client = login(users["liaison"])
    refused = client.post(url, plan_post(title="新标题", required_texts="只学别的"))
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    plan.refresh_from_db()
    assert plan.title == "旧标题"
    assert client.post(url, plan_post(title="新标题")).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "新标题"
    assert login(users["supervisor"]).post(url, plan_post(title="督导改")).status_code == 403
    assert login(users["county_office_b"]).get(url).status_code == 404


def test_r2_1_plan_list_is_scoped_filtered_paginated_and_exported(login, users, tree, campaign, settings):
    """R2.1: each office sees its own subtree's plans; filters by unit and text; pages; Excel export."""
    settings.PAGE_SIZE = 1
    for unit, title in [(tree.county_a, "正定县计划"), (tree.township_a, "正定镇计划"), (tree.county_b, "迁安市计划")]:
        services.plan_create(campaign=campaign, unit=unit, title=title, topics="焦裕禄", required_texts=COMPULSORY_TEXT,
                             schedule="", start_date=D(2014, 2, 1), end_date=D(2014, 4, 30))
    url = reverse("campaign:study_plans")
    county = login(users["county_office"])
    first = county.get(url).context["table"]
    assert {p.title for p in first.data.data} == {"正定县计划", "正定镇计划"}
    assert len(first.records) == 1 and first.page.has_next()
    assert {p.title for p in county.get(url, {"unit": "正定镇"}).context["table"].records} == {"正定镇计划"}
    assert {p.title for p in county.get(url, {"q": "正定县"}).context["table"].records} == {"正定县计划"}
    assert {p.title for p in county.get(url, {"unit": "130123"}).context["table"].data.data} == {
        "正定县计划", "正定镇计划"}
    assert {p.title for p in login(users["county_office_b"]).get(url).context["table"].records} == {"迁安市计划"}
    export = login(users["prov_office"]).get(url, {"export": "xlsx"})
    table = read_table(export.content, "plans.xlsx")
    assert sorted(row[0] for row in table[1:]) == ["正定县计划", "正定镇计划", "迁安市计划"]


# --- R2.2, R2.4, R2.5 sessions


def test_r2_2_liaison_records_a_session_with_attendance(login, users, tree, campaign, leaders):
    """R2.2: the liaison ticks the unit's cadres; the session and its attendance are stored."""
    client = login(users["liaison"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    form_page = client.get(url)
    assert set(form_page.context["form"].fields["attendees"].queryset) == {tree.cadre_a, *leaders.values()}
    assert form_page.context["form"].initial["date"] == campaign.end_date  # today, kept inside the 2014 campaign
    response = client.post(url, session_post([tree.cadre_a, leaders["provincial"]]))
    session = StudySession.objects.get()
    assert response.url == reverse("campaign:study_session_detail", args=[session.pk])
    assert (session.unit, session.hours, session.recorded_by) == (tree.county_a, Decimal("2.5"), users["liaison"])
    assert set(session.attendees.all()) == {tree.cadre_a, leaders["provincial"]}
    detail = client.get(response.url)
    assert {c.name for c in detail.context["attendees"]} == {"王正定", "周省级"}
    assert 'data-cadre="%d"' % leaders["provincial"].pk in detail.content.decode()


def test_r2_1_session_from_a_plan_of_the_unit(login, users, tree, campaign):
    """R2.1/R2.2: a session may follow one of the unit's plans; a plan of another unit is refused."""
    own = services.plan_create(campaign=campaign, unit=tree.county_a, title="计划", topics="x",
                               required_texts=COMPULSORY_TEXT, schedule="", start_date=D(2014, 2, 1),
                               end_date=D(2014, 4, 30))
    other = services.plan_create(campaign=campaign, unit=tree.county_b, title="迁安计划", topics="x",
                                 required_texts=COMPULSORY_TEXT, schedule="", start_date=D(2014, 2, 1),
                                 end_date=D(2014, 4, 30))
    client = login(users["liaison"])
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    assert client.post(url, session_post([tree.cadre_a], plan=str(other.pk))).status_code == 200
    assert not StudySession.objects.exists()
    client.post(url, session_post([tree.cadre_a], plan=str(own.pk)))
    assert StudySession.objects.get().plan == own
    with pytest.raises(CampaignError):
        record(campaign, tree.county_a, [tree.cadre_a], plan=other)
    assert [s.pk for s in client.get(reverse("campaign:study_plan_detail", args=[own.pk])).context["sessions"]] == [
        StudySession.objects.get().pk]


@pytest.mark.parametrize("overrides", [
    {"date": "2013-12-31"}, {"date": "2014-10-01"}, {"hours": "0"}, {"hours": "-1.5"}, {"kind": "picnic"},
], ids=["before-campaign", "after-campaign", "zero-hours", "negative-hours", "unknown-kind"])
def test_r2_2_bad_session_input_is_refused_and_nothing_written(login, users, tree, campaign, overrides):
    """R2.2: a date outside the campaign, hours ≤ 0 or an unknown form: a message, no session, no attendance."""
    client = login(users["liaison"])
    response = client.post(reverse("campaign:study_session_add", args=[tree.county_a.pk]),
                           session_post([tree.cadre_a], **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not StudySession.objects.exists() and not Attendance.objects.exists()


def test_r2_2_tampered_attendance_from_another_unit_is_refused(login, users, tree, campaign):
    """R2.2: a cadre of 迁安市 slipped into 正定县's attendance is refused; nothing is written."""
    client = login(users["liaison"])
    response = client.post(reverse("campaign:study_session_add", args=[tree.county_a.pk]),
                           session_post([tree.cadre_a, tree.cadre_b]))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert not StudySession.objects.exists() and not Attendance.objects.exists()
    # the service refuses it on its own too (e.g. called from an import)
    with pytest.raises(CampaignError, match="正定县"):
        record(campaign, tree.county_a, [tree.cadre_a, tree.cadre_b])
    # a cadre of a sub-unit is not the unit's own cadre either
    village_cadre = CadreFactory(unit=tree.village_a)
    with pytest.raises(CampaignError):
        record(campaign, tree.county_a, [village_cadre])
    assert not StudySession.objects.exists()


def test_r2_2_duplicate_attendance_is_refused(login, users, tree, campaign):
    """R2.2: the same cadre twice in one session is refused, in the form and in the service."""
    client = login(users["liaison"])
    data = session_post([tree.cadre_a])
    data["attendees"] = [str(tree.cadre_a.pk), str(tree.cadre_a.pk)]
    response = client.post(reverse("campaign:study_session_add", args=[tree.county_a.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors["attendees"]
    with pytest.raises(CampaignError):
        record(campaign, tree.county_a, [tree.cadre_a, tree.cadre_a])
    assert not StudySession.objects.exists() and not Attendance.objects.exists()


def test_r2_2_session_add_permissions(login, users, tree, campaign):
    """A liaison writes only their own unit; readers get 403, outsiders 404."""
    township_url = reverse("campaign:study_session_add", args=[tree.township_a.pk])
    assert login(users["liaison"]).get(township_url).status_code == 403
    assert login(users["county_office"]).get(township_url).status_code == 200
    url = reverse("campaign:study_session_add", args=[tree.county_a.pk])
    assert login(users["leader"]).post(url, session_post([tree.cadre_a])).status_code == 403
    assert login(users["county_office_b"]).post(url, session_post([tree.cadre_a])).status_code == 404
    assert not StudySession.objects.exists()


@pytest.mark.parametrize("kind", ["collective_study", "education_film", "party_lecture"])
def test_r2_4_grassroots_session_fulfils_the_matching_obligation(login, users, tree, campaign, kind):
    """R2.4: a township's collective study / education film / party lecture completes that obligation,
    with the topic as evidence and a link to the session."""
    cadre = CadreFactory(unit=tree.township_a, name="镇书记", is_top_leader=True)
    client = login(users["county_office"])
    client.post(reverse("campaign:study_session_add", args=[tree.township_a.pk]),
                session_post([cadre], kind=kind, topic="学习焦裕禄事迹", date="2014-03-12"))
    session = StudySession.objects.get()
    done = Obligation.objects.get(campaign=campaign, unit=tree.township_a, kind=kind)
    assert done.completed_on == D(2014, 3, 12)
    assert done.evidence_note == "学习焦裕禄事迹"
    assert done.evidence_url == reverse("campaign:study_session_detail", args=[session.pk])
    others = Obligation.objects.filter(unit=tree.township_a).exclude(kind=kind)
    assert not others.filter(completed_on__isnull=False).exists()
    assert client.get(done.evidence_url).context["fulfils"] == kind


def test_r2_4_a_unit_that_does_not_owe_the_obligation_is_left_alone(login, users, tree, campaign):
    """R2.4: a county party committee owes no collective study; its session is recorded, nothing completed."""
    session = record(campaign, tree.county_a, [tree.cadre_a], kind="collective_study")
    assert not Obligation.objects.filter(unit=tree.county_a, completed_on__isnull=False).exists()
    detail = login(users["county_office"]).get(reverse("campaign:study_session_detail", args=[session.pk]))
    assert detail.context["fulfils"] is None
    assert 'id="fulfils-obligation"' not in detail.content.decode()


def test_r2_4_other_forms_of_study_fulfil_nothing(tree, campaign):
    """R2.4: a central-group study is not one of the three grassroots obligations."""
    record(campaign, tree.township_a, [], kind="central_group")
    assert not Obligation.objects.filter(unit=tree.township_a, completed_on__isnull=False).exists()


def test_r2_4_deleting_a_session_moves_or_reopens_the_obligation(login, users, tree, campaign):
    """R2.4: withdrawing the fulfilling session hands the obligation to the next one, else reopens it."""
    first = record(campaign, tree.township_a, [], kind="party_lecture", date=D(2014, 3, 1), topic="第一课")
    second = record(campaign, tree.township_a, [], kind="party_lecture", date=D(2014, 3, 20), topic="第二课")
    ob = Obligation.objects.get(unit=tree.township_a, kind="party_lecture")
    assert ob.evidence_note == "第一课"
    client = login(users["county_office"])
    confirm = client.get(reverse("campaign:study_session_delete", args=[first.pk]))
    assert confirm.status_code == 200 and StudySession.objects.filter(pk=first.pk).exists()
    client.post(reverse("campaign:study_session_delete", args=[first.pk]))
    ob.refresh_from_db()
    assert (ob.evidence_note, ob.completed_on) == ("第二课", D(2014, 3, 20))
    client.post(reverse("campaign:study_session_delete", args=[second.pk]))
    ob.refresh_from_db()
    assert ob.completed_on is None and ob.evidence_url == ""
    assert login(users["leader"]).post(reverse("campaign:study_session_delete", args=[99])).status_code == 404


def test_r2_2_session_list_scope_filters_pagination_export(login, users, tree, campaign, settings):
    """R2.2: sessions of the user's scope, filtered by unit subtree, form and dates; paginated; exported."""
    settings.PAGE_SIZE = 3
    for day in range(1, 6):
        record(campaign, tree.county_a, [tree.cadre_a], date=D(2014, 3, day), topic=f"县学习{day}")
    record(campaign, tree.township_a, [], kind="party_lecture", date=D(2014, 4, 2), topic="镇党课")
    record(campaign, tree.county_b, [tree.cadre_b], date=D(2014, 3, 3), topic="迁安学习")
    url = reverse("campaign:study_sessions")
    client = login(users["county_office"])
    response = client.get(url)
    assert response.context["table"].paginator.count == 6
    assert len(response.context["table"].records) == 3
    assert len(client.get(url, {"page": 2}).context["table"].records) == 3

    def topics(**query):
        return {s.topic for s in client.get(url, query).context["table"].data.data}

    assert topics(unit="130123001") == {"镇党课"}  # R0.1 the unit's name or code contains the text
    assert topics(kind="party_lecture") == {"镇党课"}
    assert topics(date_from="2014-03-04", date_to="2014-03-05") == {"县学习4", "县学习5"}
    assert topics(unit="130283") == set()  # another county's code stays outside the scope
    export = client.get(url, {"kind": "central_group", "export": "xlsx"})
    rows = read_table(export.content, "sessions.xlsx")[1:]
    assert sorted(r[4] for r in rows) == [f"县学习{d}" for d in range(1, 6)]
    assert {r[6] for r in rows} == {"1"}
    assert {s.topic for s in login(users["county_office_b"]).get(url).context["table"].records} == {"迁安学习"}


def test_r2_2_session_list_has_a_unit_picker_leading_to_the_add_page(login, users, tree, campaign):
    """R2.2: the picker searches units of the scope; units the user may write link to the add page."""
    liaison = login(users["liaison"])
    page = liaison.get(reverse("campaign:study_sessions"), {"pick": "正定"})
    assert [(u.name, w) for u, w in page.context["picked"]] == [("正定县", True), ("正定镇", False)]
    assert reverse("campaign:study_session_add", args=[tree.county_a.pk]) in page.content.decode()
    assert page.context["own_units"] == [(tree.county_a.pk, "正定县")]
    assert [u.name for u, _ in liaison.get(reverse("campaign:study_sessions"), {"pick": "迁安"}).context["picked"]] == []
    assert not login(users["leader"]).get(reverse("campaign:study_sessions")).context["may_record"]


def test_r2_2_session_list_uses_a_fixed_number_of_queries(login, users, tree, campaign, django_assert_max_num_queries):
    client = login(users["prov_office"])
    url = reverse("campaign:study_sessions")
    record(campaign, tree.county_a, [tree.cadre_a])
    with django_assert_max_num_queries(12):
        client.get(url, {"pick": "正定"})
    cadres = CadreFactory.create_batch(5, unit=tree.county_a)
    for i in range(30):
        record(campaign, tree.county_a, cadres, date=D(2014, 3, 1 + i % 28), topic=f"学习{i}")
        plan = services.plan_create(campaign=campaign, unit=tree.county_a, title=f"计划{i}", topics="x",
                                    required_texts=COMPULSORY_TEXT, schedule="", start_date=D(2014, 2, 1),
                                    end_date=D(2014, 4, 30))
        record(campaign, tree.county_a, cadres[:2], plan=plan, topic=f"计划学习{i}")
    with django_assert_max_num_queries(12):
        client.get(url, {"pick": "正定"})
    with django_assert_max_num_queries(12):
        client.get(reverse("campaign:study_plans"))


# --- R2.2 counts against the minimum, the shortfall list


def test_r2_2_minimum_expression_agrees_with_the_rule(tree, campaign):
    """R2.2: the SQL minimum used by the lists is exactly ``policy.study_minimum`` for every kind of cadre."""
    campaign.min_study_provincial, campaign.min_study_other = 6, 4
    campaign.save()
    for unit, rank, top, team, member in itertools.product([tree.township_a, tree.village_a], Rank.values,
                                                           [False, True], [False, True], [False, True]):
        CadreFactory(unit=unit, rank=rank, is_top_leader=top, is_team_member=team, is_party_member=member)
    annotated = selectors.cadres_with_study_counts(Cadre.objects.select_related("unit"), campaign)
    for cadre in annotated:
        assert cadre.minimum == policy.study_minimum(cadre, campaign), cadre.__dict__


def test_r2_2_provincial_leader_short_with_four_sessions_not_with_five(login, users, tree, campaign, leaders):
    """R2.2: a provincial-level leader owes 5 sessions: listed with 4 (missing 1), gone with 5."""
    url = reverse("campaign:study_shortfall")
    client = login(users["county_office"])
    for day in range(1, 5):
        record(campaign, tree.county_a, [leaders["provincial"], leaders["deputy"]], date=D(2014, 3, day))
    rows = {c.name: (c.attended, c.minimum, c.missing) for c in client.get(url).context["table"].records}
    assert rows["周省级"] == (4, 5, 1)
    assert "陈副县" not in rows  # 4 ≥ 3
    assert rows["王正定"] == (0, 3, 3)  # the top leader has not studied yet
    assert "刘科员" not in rows and "孙二线" not in rows  # no minimum for them
    record(campaign, tree.county_a, [leaders["provincial"]], date=D(2014, 3, 5))
    assert "周省级" not in {c.name for c in client.get(url).context["table"].records}
    everyone = {c.name: c.missing for c in client.get(url, {"everyone": "on"}).context["table"].records}
    assert everyone["周省级"] == 0 and everyone["陈副县"] == -1


def test_r2_2_minimums_come_from_the_campaign_row(login, users, tree, campaign, leaders):
    """X2/R2.2: an office raising the minimum for other leaders puts them back on the list."""
    for day in range(1, 4):
        record(campaign, tree.county_a, [leaders["deputy"]], date=D(2014, 3, day))
    client = login(users["county_office"])
    url = reverse("campaign:study_shortfall")
    assert "陈副县" not in {c.name for c in client.get(url).context["table"].records}
    campaign.min_study_other = 4
    campaign.save()
    assert {c.name: c.missing for c in client.get(url).context["table"].records}["陈副县"] == 1


def test_r2_2_only_sessions_of_the_current_campaign_count(tree, campaign, leaders):
    """R2.2: attendance in another campaign does not reduce this campaign's shortfall."""
    old = campaign_create(name="第一批", is_active=False, start_date=D(2013, 6, 1), end_date=D(2013, 12, 31),
                          study_end_city_county=D(2013, 8, 1), study_end_grassroots=D(2013, 9, 1),
                          democratic_meeting_earliest=D(2013, 9, 15))
    for day in range(1, 6):
        record(old, tree.county_a, [leaders["provincial"]], date=D(2013, 7, day))
    cadre = selectors.cadres_with_study_counts(Cadre.objects.filter(pk=leaders["provincial"].pk), campaign).get()
    assert (cadre.attended, cadre.missing) == (0, 5)


def test_r2_2_shortfall_scope_filters_pagination_export(login, users, tree, campaign, leaders, settings):
    """R2.2: only the user's scope; filters by unit subtree and rank; pages; Excel export."""
    settings.PAGE_SIZE = 2
    CadreFactory(unit=tree.township_a, name="镇书记", is_top_leader=True)
    url = reverse("campaign:study_shortfall")
    county = login(users["county_office"])
    names = {c.name for c in county.get(url).context["table"].data.data}
    assert names == {"王正定", "周省级", "陈副县", "镇书记"}
    assert len(county.get(url).context["table"].records) == 2
    assert {c.name for c in county.get(url, {"unit": "130123001"}).context["table"].records} == {"镇书记"}
    assert {c.name for c in county.get(url, {"rank": "provincial"}).context["table"].records} == {"周省级"}
    rows = read_table(county.get(url, {"export": "xlsx"}).content, "s.xlsx")[1:]
    assert {r[0]: r[7] for r in rows} == {"周省级": "5", "王正定": "3", "陈副县": "3", "镇书记": "3"}
    assert {c.name for c in login(users["county_office_b"]).get(url).context["table"].records} == {"李迁安"}


def test_r2_2_shortfall_uses_a_fixed_number_of_queries(login, users, tree, campaign, django_assert_max_num_queries):
    """R2.2: counts are annotated; a bigger scope does not mean more queries."""
    client = login(users["prov_office"])
    url = reverse("campaign:study_shortfall")
    with django_assert_max_num_queries(9):
        client.get(url)
    for i in range(15):
        town = add(tree.county_a, name=f"新镇{i}", code=f"X{i:03}", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)
        team = CadreFactory.create_batch(3, unit=town, is_team_member=True)
        record(campaign, town, team[:2])
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.context["table"].paginator.count == 15 * 3 + 3  # every township leader still short


# --- R0.3, R2.8 special groups


def test_r2_8_special_group_coverage_per_child_unit(login, users, tree, campaign, django_assert_max_num_queries):
    """R2.8: per special group, how many cadres took part in ≥ 1 session, for the scope and each child."""
    stepped = CadreFactory(unit=tree.township_a, special_group=SpecialGroup.STEPPED_BACK)
    CadreFactory(unit=tree.township_a, special_group=SpecialGroup.STEPPED_BACK)
    mobile = CadreFactory(unit=tree.village_a, special_group=SpecialGroup.MOBILE_MEMBER)
    CadreFactory(unit=tree.county_a, special_group=SpecialGroup.SANCTIONED)
    CadreFactory(unit=tree.county_b, special_group=SpecialGroup.SANCTIONED)
    record(campaign, tree.township_a, [stepped])
    record(campaign, tree.township_a, [stepped], date=D(2014, 3, 11))  # twice still counts once
    record(campaign, tree.village_a, [mobile])
    client = login(users["city_office"])
    url = reverse("campaign:study_coverage")
    with django_assert_max_num_queries(12):
        response = client.get(url, {"unit": tree.county_a.pk})
    data = response.context["data"]

    def figures(row):
        return {g.group: (g.covered, g.cadres) for g in row.groups}

    assert figures(data.subtree) == {"stepped_back": (1, 2), "sanctioned": (0, 1), "mobile_member": (1, 1)}
    assert figures(data.own) == {"stepped_back": (0, 0), "sanctioned": (0, 1), "mobile_member": (0, 0)}
    assert [(r.label, figures(r)) for r in data.children] == [
        ("正定镇", {"stepped_back": (1, 2), "sanctioned": (0, 0), "mobile_member": (1, 1)})]
    assert data.children[0].percent == 67
    assert figures(data.scope)["sanctioned"] == (0, 1)  # 迁安市 is outside 石家庄市's scope
    assert data.scope.groups[0].percent == 50
    # default: the user's scope root, its children listed
    start = client.get(url).context["data"]
    assert start.unit == tree.city_a and [r.label for r in start.children] == ["正定县", "行唐县"]
    assert client.get(url, {"unit": tree.county_b.pk}).status_code == 404
    rows = read_table(client.get(url, {"unit": tree.county_a.pk, "export": "xlsx"}).content, "c.xlsx")[1:]
    assert len(rows) == 4 * 3  # scope, subtree, own, one child × three groups


def test_r2_8_coverage_uses_a_fixed_number_of_queries(login, users, tree, campaign, django_assert_max_num_queries):
    client = login(users["prov_office"])
    url = reverse("campaign:study_coverage")
    with django_assert_max_num_queries(12):
        client.get(url)
    for i in range(12):
        township = add(tree.county_a, name=f"新镇{i}", code=f"T{i:03}", level=Level.TOWNSHIP, kind=UnitKind.GRASSROOTS)
        people = CadreFactory.create_batch(2, unit=township, special_group=SpecialGroup.MOBILE_MEMBER)
        record(campaign, township, people[:1])
    with django_assert_max_num_queries(12):
        client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url, {"unit": tree.county_a.pk})
    assert len(response.context["data"].children) == 13
    assert response.context["data"].subtree.groups[2].cadres == 24


def test_x2_pages_show_an_empty_state_without_a_campaign(login, users, tree):
    client = login(users["county_office"])
    for name in ("campaign:study_sessions", "campaign:study_plans", "campaign:study_shortfall",
                 "campaign:study_coverage"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert 'id="no-campaign"' in response.content.decode()


# --- demo


def test_r2_2_r2_8_demo_build_leaves_leaders_short_and_special_groups_covered(db):
    """The demo shows at once: plans, sessions with attendance, provincial- and county-level leaders
    short of their minimum, and special-group cadres who took part."""
    from campaign.demo import study as demo
    from campaign.services.campaign import obligations_generate
    from units import demo as units_demo

    units_demo.build("demo", seed=2014)
    today = D(2014, 4, 20)
    campaign = campaign_create(shift_to=D(2014, 4, 30))
    obligations_generate(campaign=campaign)
    counts = demo.build(campaign=campaign, today=today, rng=random.Random(2014))
    assert counts["study_sessions"] == StudySession.objects.count() > 50
    assert counts["attendance"] == Attendance.objects.count()
    assert StudyPlan.objects.filter(unit__code="130123").exists()
    assert StudySession.objects.filter(unit__code="130123").exists()
    assert not StudySession.objects.filter(date__gt=today).exists()
    short = selectors.cadres_with_study_counts(Cadre.objects.all(), campaign).filter(
        minimum__isnull=False, missing__gt=0)
    assert short.filter(rank=Rank.PROVINCIAL).exists()
    assert short.filter(rank=Rank.COUNTY, unit__level=Level.COUNTY).exists()
    assert selectors.cadres_with_study_counts(Cadre.objects.filter(rank=Rank.PROVINCIAL), campaign).filter(
        missing__lte=0).exists()
    covered = Cadre.objects.exclude(special_group="").filter(attendance__isnull=False).distinct()
    assert covered.exists()
    assert Cadre.objects.exclude(special_group="").exclude(pk__in=covered).exists()
    assert Obligation.objects.filter(kind="collective_study", completed_on__isnull=False).exists()
