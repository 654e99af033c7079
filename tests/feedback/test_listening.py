"""R4.2 opinion seeking by target group with coverage; R4.1 field research stays and the compliance list
of top leaders (city, county and township party secretaries above all)."""
from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from feedback.errors import FeedbackError
from feedback.models import FieldResearchStay, OpinionSession, TargetGroup, stay_days
from feedback.services import listening as services
from tests.factories import CadreFactory, add
from units.models import Level, Rank, UnitKind

from tests.feedback.conftest import records_of

pytestmark = pytest.mark.django_db

D = datetime.date


def session(campaign, unit, group, *, people=12, opinions=5, on=D(2014, 3, 10)) -> OpinionSession:
    return services.opinion_session_record(
        campaign=campaign, unit=unit, today=D(2014, 4, 30), by=None,
        fields={"target_group": group, "held_on": on, "form": "座谈会", "people_count": people,
                "opinion_count": opinions, "summary": "会议多"})


# --- R4.2

def test_r4_2_a_liaison_records_a_session_of_their_unit(campaign, tree, users, login):
    client = login(users["liaison"])
    url = reverse("feedback:opinion_add", args=[tree.county_a.pk])
    response = client.post(url, {"target_group": "service_users", "held_on": "2014-03-12", "form": "座谈会",
                                 "people_count": "25", "opinion_count": "9", "summary": "窗口服务"})
    assert response.status_code == 302
    recorded = OpinionSession.objects.get()
    assert (recorded.unit, recorded.target_group, recorded.people_count) == (tree.county_a, "service_users", 25)
    # not for another unit, even one below
    assert client.get(reverse("feedback:opinion_add", args=[tree.township_a.pk])).status_code == 403
    assert client.get(reverse("feedback:opinion_add", args=[tree.county_b.pk])).status_code == 404


def test_r4_2_bad_sessions_store_nothing(campaign, tree, users, login):
    client = login(users["county_office"])
    url = reverse("feedback:opinion_add", args=[tree.county_a.pk])
    base = {"target_group": "old_cadres", "held_on": "2014-03-12", "people_count": "5", "opinion_count": "2"}
    assert client.post(url, base | {"people_count": "0"}).context["form"].errors["people_count"]
    assert client.post(url, base | {"target_group": "aliens"}).context["form"].errors["target_group"]
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    assert client.post(url, base | {"held_on": future}).context["form"].non_field_errors()
    assert OpinionSession.objects.count() == 0


def test_r4_2_coverage_shows_the_groups_each_unit_has_not_asked(campaign, tree, users, login):
    for group in TargetGroup.values:
        session(campaign, tree.county_a, group)
    session(campaign, tree.township_a, "old_party_members", people=30, opinions=11)
    session(campaign, tree.township_a, "old_party_members", people=10, opinions=4)
    session(campaign, tree.county_b, "regulated")
    client = login(users["county_office"])
    response = client.get(reverse("feedback:opinion_coverage"))
    rows = {row.unit: row for row in response.context["table"].coverage.values()}
    assert set(rows) == {tree.county_a, tree.township_a, tree.village_a}  # 迁安市 is out of scope
    assert rows[tree.county_a].missing == []
    assert rows[tree.township_a].missing == [g for g in TargetGroup.values if g != "old_party_members"]
    assert (rows[tree.township_a].sessions["old_party_members"], rows[tree.township_a].people) == (2, 40)
    assert len(rows[tree.village_a].missing) == 8
    summary = {value: units for value, _label, units, _p, _o in response.context["summary"]}
    assert summary["old_party_members"] == 2 and summary["regulated"] == 1
    gaps = client.get(reverse("feedback:opinion_coverage"), {"gaps": "on"})
    assert {row.unit for row in gaps.context["table"].coverage.values()} == {tree.township_a, tree.village_a}
    body = gaps.content.decode()
    assert f'id="coverage-{tree.township_a.pk}" data-missing="7"' in body


def test_r4_2_coverage_keeps_a_fixed_number_of_queries(campaign, tree, users, login, django_assert_max_num_queries):
    client = login(users["prov_office"])

    def check():
        with django_assert_max_num_queries(12):
            assert client.get(reverse("feedback:opinion_coverage")).status_code == 200

    session(campaign, tree.county_a, "regulated")
    check()
    for i in range(20):
        unit = add(tree.township_a, name=f"村{i}", code=f"1301230019{i:02d}", level=Level.VILLAGE,
                   kind=UnitKind.VILLAGE)
        for group in TargetGroup.values[: i % 8]:
            session(campaign, unit, group)
    check()


def test_r4_2_sessions_list_export_and_delete(campaign, tree, users, login):
    kept = session(campaign, tree.county_a, "old_models")
    gone = session(campaign, tree.county_a, "old_cadres")
    client = login(users["county_office"])
    export = client.get(reverse("feedback:opinions"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 3
    confirm = client.get(reverse("feedback:opinion_delete", args=[gone.pk]))
    assert confirm.status_code == 200
    client.post(reverse("feedback:opinion_delete", args=[gone.pk]))
    assert list(OpinionSession.objects.all()) == [kept]
    assert login(users["leader"]).post(reverse("feedback:opinion_delete", args=[kept.pk])).status_code == 403


# --- R4.1

def test_r4_1_days_are_counted_inclusively():
    assert stay_days(D(2014, 4, 1), D(2014, 4, 3)) == 3
    assert stay_days(D(2014, 4, 1), D(2014, 4, 1)) == 1


def stay(campaign, cadre, host, start, end) -> FieldResearchStay:
    return services.stay_record(campaign=campaign, cadre=cadre, host_unit=host, start_date=start, end_date=end,
                                findings="群众反映看病难", today=D(2014, 12, 31), by=None)


@pytest.fixture
def leaders(tree):
    """Top leaders at each level of 石家庄市's subtree (party secretaries), and a non-leader."""
    return {
        "city": CadreFactory(unit=tree.city_a, name="石书记", post="市委书记", rank=Rank.DEPARTMENT, is_top_leader=True,
                             is_party_secretary=True, is_team_member=True),
        "county": tree.cadre_a,  # 王正定, 正定县委书记
        "township": CadreFactory(unit=tree.township_a, name="镇书记", post="镇党委书记", is_top_leader=True,
                                 is_party_secretary=True, is_team_member=True),
        "village": CadreFactory(unit=tree.village_a, name="村书记", post="村党支部书记", is_top_leader=True,
                                is_party_secretary=True),
        "member": CadreFactory(unit=tree.county_a, name="副县长", post="副县长", is_team_member=True),
    }


def test_r4_1_compliance_lists_top_leaders_short_of_the_minimum(campaign, tree, users, leaders, login):
    stay(campaign, leaders["city"], tree.village_a, D(2014, 4, 1), D(2014, 4, 3))        # 3 days: complies
    stay(campaign, leaders["county"], tree.village_a, D(2014, 4, 7), D(2014, 4, 8))      # 2 days
    stay(campaign, leaders["county"], tree.township_a, D(2014, 4, 14), D(2014, 4, 15))   # 2 more: no sum
    client = login(users["city_office"])
    response = client.get(reverse("feedback:research_compliance"))
    listed = {c.name: c for c in records_of(response)}
    assert set(listed) == {"王正定", "镇书记"}  # the village secretary and team members are not required
    assert (listed["王正定"].longest, listed["王正定"].stays) == (2, 2)
    figures = response.context["figures"]
    assert (figures.required, figures.compliant, figures.short, figures.priority_short) == (3, 1, 2, 2)
    everyone = client.get(reverse("feedback:research_compliance"), {"everyone": "on"})
    assert {c.name for c in records_of(everyone)} == {"石书记", "王正定", "镇书记"}
    body = everyone.content.decode()
    assert f'data-cadre="{leaders["city"].pk}" data-longest="3" data-complies="1"' in body


def test_r4_1_the_minimum_comes_from_the_campaign(campaign, tree, users, leaders, login):
    stay(campaign, leaders["city"], tree.village_a, D(2014, 4, 1), D(2014, 4, 3))
    campaign.min_field_research_days = 5
    campaign.save()
    listed = records_of(login(users["city_office"]).get(reverse("feedback:research_compliance")))
    assert "石书记" in {c.name for c in listed}


def test_r4_1_compliance_keeps_a_fixed_number_of_queries(campaign, tree, users, login, leaders,
                                                        django_assert_max_num_queries):
    client = login(users["prov_office"])

    def check():
        with django_assert_max_num_queries(12):
            assert client.get(reverse("feedback:research_compliance"), {"everyone": "on"}).status_code == 200

    check()
    for i in range(15):
        unit = add(tree.county_a2, name=f"镇{i}", code=f"130125{i:03d}", level=Level.TOWNSHIP,
                   kind=UnitKind.GRASSROOTS)
        cadre = CadreFactory(unit=unit, name=f"书记{i}", is_top_leader=True, is_party_secretary=True)
        stay(campaign, cadre, tree.village_a, D(2014, 4, 1), D(2014, 4, 1 + i % 4))
    check()


def test_r4_1_a_stay_ending_before_it_starts_is_refused(campaign, tree, users, login):
    client = login(users["county_office"])
    url = reverse("feedback:stay_add", args=[tree.cadre_a.pk])
    page = client.get(url, {"q": "塔元庄"})
    assert [h.unit for h in page.context["hits"]] == [tree.village_a]
    response = client.post(url, {"host_unit": tree.village_a.pk, "start_date": "2014-04-10",
                                 "end_date": "2014-04-08", "findings": "调研"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert FieldResearchStay.objects.count() == 0
    ok = client.post(url, {"host_unit": tree.village_a.pk, "start_date": "2014-04-08", "end_date": "2014-04-10",
                           "findings": "调研"})
    assert ok.status_code == 302 and FieldResearchStay.objects.get().days == 3


def test_r4_1_overlapping_or_unfinished_stays_are_refused(campaign, tree, leaders):
    stay(campaign, tree.cadre_a, tree.village_a, D(2014, 4, 1), D(2014, 4, 3))
    with pytest.raises(FeedbackError):
        stay(campaign, tree.cadre_a, tree.township_a, D(2014, 4, 3), D(2014, 4, 5))
    with pytest.raises(FeedbackError):
        services.stay_record(campaign=campaign, cadre=tree.cadre_a, host_unit=tree.village_a,
                             start_date=D(2014, 5, 1), end_date=D(2014, 5, 9), findings="x", today=D(2014, 5, 5),
                             by=None)
    assert FieldResearchStay.objects.count() == 1


def test_r4_1_host_units_outside_the_scope_cannot_be_chosen(campaign, tree, users, login):
    client = login(users["county_office"])
    response = client.post(reverse("feedback:stay_add", args=[tree.cadre_a.pk]), {
        "host_unit": tree.township_b.pk, "start_date": "2014-04-08", "end_date": "2014-04-10", "findings": "调研"})
    assert response.context["form"].errors["host_unit"]
    assert FieldResearchStay.objects.count() == 0
    # writers only: a leader reads, a liaison writes only their own unit's cadres
    assert login(users["leader"]).get(reverse("feedback:stay_add", args=[tree.cadre_a.pk])).status_code == 403
    assert login(users["county_office_b"]).get(reverse("feedback:stay_add", args=[tree.cadre_a.pk])
                                              ).status_code == 404


def test_r4_1_stays_list_marks_hardest_units_and_exports(campaign, tree, users, leaders, login):
    stay(campaign, leaders["township"], tree.village_a, D(2014, 4, 1), D(2014, 4, 4))   # backward village
    stay(campaign, leaders["county"], tree.county_a2, D(2014, 4, 1), D(2014, 4, 4))
    client = login(users["city_office"])
    marked = client.get(reverse("feedback:stays"), {"marked": "on"})
    assert [s.host_unit for s in records_of(marked)] == [tree.village_a]
    export = client.get(reverse("feedback:stays"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 3
    edit = client.post(reverse("feedback:stay_edit", args=[records_of(marked)[0].pk]), {
        "host_unit": tree.township_a.pk, "start_date": "2014-04-01", "end_date": "2014-04-02", "findings": "改"})
    assert edit.status_code == 302
    assert FieldResearchStay.objects.get(cadre=leaders["township"]).days == 2
