"""R3.1 the four-winds problem register: recording by the unit's writers, the scoped list with filters,
pagination and Excel export, deletion with confirmation, and submission of the list (its obligation)."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import CommonProblem, FourWindsProblem, Obligation
from reports.excel import read_table


def problem_data(**overrides) -> dict:
    data = {"category": "formalism", "route": "masses", "source": "petition", "description": "文山会海，检查评比过多",
            "root_cause": "政绩观出现偏差", "rectification": "", "status": "found", "due_date": "2014-06-30",
            "common_problem": ""}
    data.update(overrides)
    return data


def make(campaign, unit, **fields) -> FourWindsProblem:
    defaults = {"category": "formalism", "route": "self", "description": f"{unit.name}的问题", "root_cause": "思想根源"}
    return FourWindsProblem.objects.create(campaign=campaign, unit=unit, **(defaults | fields))


def four_winds_obligation(campaign, unit) -> Obligation:
    return Obligation.objects.get(campaign=campaign, unit=unit, kind="four_winds_list")


# --- recording

def test_r3_1_liaison_records_a_problem_of_their_unit(login, users, tree, campaign):
    common = CommonProblem.objects.get(campaign=campaign, number=3)
    response = login(users["liaison"]).post(reverse("campaign:problem_add", args=[tree.county_a.pk]),
                                            problem_data(common_problem=common.pk))
    assert response.status_code == 302
    problem = FourWindsProblem.objects.get()
    assert (problem.unit, problem.common_problem, problem.route, problem.source, problem.recorded_by) == (
        tree.county_a, common, "masses", "petition", users["liaison"])
    assert problem.due_date == datetime.date(2014, 6, 30)


@pytest.mark.parametrize("role,unit,status", [
    ("liaison", "township_a", 403),  # a liaison writes only their own unit
    ("supervisor", "county_a", 403), ("leader", "county_a", 403),
    ("county_office_b", "county_a", 404), ("no_role", "county_a", 404),
])
def test_r3_1_only_writers_of_the_unit_record(login, users, tree, campaign, role, unit, status):
    response = login(users[role]).post(reverse("campaign:problem_add", args=[getattr(tree, unit).pk]), problem_data())
    assert response.status_code == status
    assert not FourWindsProblem.objects.exists()


def test_r3_1_county_office_records_for_a_township_below(login, users, tree, campaign):
    login(users["county_office"]).post(reverse("campaign:problem_add", args=[tree.township_a.pk]), problem_data())
    assert FourWindsProblem.objects.get().unit == tree.township_a


def test_r3_1_rectified_problem_needs_its_rectification(login, users, tree, campaign):
    response = login(users["liaison"]).post(reverse("campaign:problem_add", args=[tree.county_a.pk]),
                                            problem_data(status="rectified", rectification="  "))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not FourWindsProblem.objects.exists()


def test_r3_1_common_problem_of_another_campaign_is_not_offered(login, users, tree, campaign):
    from campaign.services.campaign import campaign_create

    other = campaign_create(name="另一活动", is_active=False)
    foreign = CommonProblem.objects.get(campaign=other, number=1)
    response = login(users["liaison"]).post(reverse("campaign:problem_add", args=[tree.county_a.pk]),
                                            problem_data(common_problem=foreign.pk))
    assert response.status_code == 200 and "common_problem" in response.context["form"].errors
    assert not FourWindsProblem.objects.exists()


def test_r3_1_edit_moves_the_status_on(login, users, tree, campaign):
    problem = make(campaign, tree.county_a)
    response = login(users["county_office"]).post(reverse("campaign:problem_edit", args=[problem.pk]), problem_data(
        status="rectified", rectification="精简会议文件三成"))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.rectification) == ("rectified", "精简会议文件三成")


def test_r3_1_edit_is_refused_to_readers(login, users, tree, campaign):
    problem = make(campaign, tree.county_a)
    response = login(users["supervisor"]).post(reverse("campaign:problem_edit", args=[problem.pk]),
                                               problem_data(description="篡改"))
    assert response.status_code == 403
    problem.refresh_from_db()
    assert problem.description == "正定县的问题"


def test_r3_1_delete_asks_for_confirmation_first(login, users, tree, campaign):
    problem = make(campaign, tree.county_a)
    client = login(users["liaison"])
    url = reverse("campaign:problem_delete", args=[problem.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["object"] == problem
    assert FourWindsProblem.objects.exists()
    assert client.post(url).status_code == 302
    assert not FourWindsProblem.objects.exists()
    assert login(users["county_office_b"]).post(
        reverse("campaign:problem_delete", args=[make(campaign, tree.county_a).pk])).status_code == 404


# --- submitting the list

def submit_list(client, unit):
    return client.post(reverse("campaign:problem_list_submit", args=[unit.pk]))


def test_r3_1_empty_list_cannot_be_submitted(login, users, tree, campaign):
    response = submit_list(login(users["liaison"]), tree.county_a)
    assert response.status_code == 302
    assert four_winds_obligation(campaign, tree.county_a).completed_on is None


def test_r3_1_problem_without_root_cause_blocks_the_list(login, users, tree, campaign):
    make(campaign, tree.county_a)
    make(campaign, tree.county_a, root_cause="")
    submit_list(login(users["liaison"]), tree.county_a)
    assert four_winds_obligation(campaign, tree.county_a).completed_on is None


def test_r3_1_submitted_list_fulfils_the_obligation(login, users, tree, campaign):
    make(campaign, tree.county_a)
    make(campaign, tree.township_a)  # a sub-unit's problem does not count for 正定县, nor the reverse
    submit_list(login(users["liaison"]), tree.county_a)
    ob = four_winds_obligation(campaign, tree.county_a)
    assert ob.completed_on == timezone.localdate()
    assert ob.evidence_url == reverse("campaign:problem_unit", args=[tree.county_a.pk])
    assert four_winds_obligation(campaign, tree.township_a).completed_on is None


def test_r3_1_readers_cannot_submit_the_list(login, users, tree, campaign):
    make(campaign, tree.county_a)
    assert submit_list(login(users["supervisor"]), tree.county_a).status_code == 403
    assert four_winds_obligation(campaign, tree.county_a).completed_on is None


def test_r3_1_deleting_the_last_problem_reopens_the_list(login, users, tree, campaign):
    problem = make(campaign, tree.county_a)
    client = login(users["liaison"])
    submit_list(client, tree.county_a)
    client.post(reverse("campaign:problem_delete", args=[problem.pk]))
    assert four_winds_obligation(campaign, tree.county_a).completed_on is None


def test_r3_1_register_page_shows_the_list_state(login, users, tree, campaign):
    make(campaign, tree.county_a, root_cause="")
    response = login(users["liaison"]).get(reverse("campaign:problem_unit", args=[tree.county_a.pk]))
    assert response.context["obligation_state"] in {"due", "overdue"}
    assert response.context["figures"].no_root_cause == 1
    assert b'id="submit-list"' in response.content


# --- the list

@pytest.fixture
def spread(campaign, tree):
    """Problems across both cities, each wind and route."""
    c1, c2 = CommonProblem.objects.filter(campaign=campaign).order_by("number")[:2]
    return {
        "county_a": make(campaign, tree.county_a, category="formalism", route="masses", common_problem=c1),
        "township_a": make(campaign, tree.township_a, category="hedonism", route="self", status="rectifying"),
        "county_a2": make(campaign, tree.county_a2, category="bureaucratism", route="superiors", common_problem=c2),
        "county_b": make(campaign, tree.county_b, category="extravagance", route="mutual", status="rectified",
                         rectification="退还公车"),
    }


def listed(client, **params) -> set[str]:
    response = client.get(reverse("campaign:problems"), params)
    assert response.status_code == 200
    return {p.unit.name for p in response.context["table"].records}


def test_r3_1_list_is_scoped(login, users, spread):
    assert listed(login(users["prov_office"])) == {"正定县", "正定镇", "行唐县", "迁安市"}
    assert listed(login(users["county_office"])) == {"正定县", "正定镇"}
    assert listed(login(users["county_office_b"])) == {"迁安市"}
    assert listed(login(users["no_role"])) == set()


@pytest.mark.parametrize("params,expected", [
    # R0.1 one meaning (issue 10): the unit's name or code contains the text
    ({"unit": "1301"}, {"正定县", "正定镇", "行唐县"}),
    ({"unit": "正定"}, {"正定县", "正定镇"}),
    ({"unit": "正定县"}, {"正定县"}),
    ({"unit": "迁安"}, {"迁安市"}),
    ({"category": "hedonism"}, {"正定镇"}),
    ({"route": "superiors"}, {"行唐县"}),
    ({"status": "rectified"}, {"迁安市"}),
    ({"unit": "1301", "status": "found"}, {"正定县", "行唐县"}),
])
def test_r3_1_list_filters(login, users, spread, params, expected):
    assert listed(login(users["prov_office"]), **params) == expected


def test_r3_1_list_filters_by_common_problem(login, users, spread):
    common = spread["county_a2"].common_problem
    assert listed(login(users["prov_office"]), common_problem=common.pk) == {"行唐县"}


def test_r3_1_unit_filter_never_widens_the_scope(login, users, spread):
    assert listed(login(users["county_office_b"]), unit="1301") == set()


def test_r3_1_list_figures_count_the_four_winds(login, users, spread):
    response = login(users["city_office"]).get(reverse("campaign:problems"))
    figures = response.context["figures"]
    assert figures.total == 3
    assert {value: n for value, _, n in figures.by_category} == {
        "formalism": 1, "bureaucratism": 1, "hedonism": 1, "extravagance": 0}


def test_r3_1_excel_export_follows_the_filters(login, users, spread):
    response = login(users["prov_office"]).get(reverse("campaign:problems"), {"unit": "1301", "export": "xlsx"})
    rows = read_table(response.content, "p.xlsx")
    assert sorted(r[0] for r in rows[1:]) == sorted(["正定县", "正定镇", "行唐县"])
    assert {r[1] for r in rows[1:]} == {"130123", "130123001", "130125"}


def test_r3_1_list_is_paginated_keeping_the_filters(login, users, tree, campaign, settings):
    for n in range(settings.PAGE_SIZE + 7):
        make(campaign, tree.county_a, description=f"问题{n}")
    make(campaign, tree.county_b)
    client = login(users["prov_office"])
    response = client.get(reverse("campaign:problems"), {"unit": "130123", "page": 2})
    assert len(response.context["table"].records) == 7
    assert "?unit=130123&amp;page=1" in response.content.decode()  # the pager keeps the filter


def test_r3_1_list_uses_a_fixed_number_of_queries(login, users, tree, campaign, django_assert_max_num_queries):
    client = login(users["prov_office"])
    for unit in (tree.county_a, tree.county_b):
        make(campaign, unit)
    with django_assert_max_num_queries(14) as small:
        client.get(reverse("campaign:problems"), {"category": "formalism"})
    commons = list(CommonProblem.objects.filter(campaign=campaign))
    for n in range(40):
        make(campaign, [tree.county_a, tree.township_a, tree.county_b][n % 3], common_problem=commons[n % 10])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("campaign:problems"), {"category": "formalism"})


def test_r3_1_r3_2_demo_shows_problems_and_materials_in_every_state(db):
    import random

    from campaign.demo import problems as demo_problems
    from campaign.models import ComparisonMaterial
    from campaign.services.campaign import campaign_create, obligations_generate
    from units import demo

    demo.build("demo", seed=2014)
    today = timezone.localdate()
    campaign = campaign_create(shift_to=today - datetime.timedelta(days=10))
    obligations_generate(campaign=campaign)
    counts = demo_problems.build(campaign=campaign, today=today, rng=random.Random(2014))
    problems = FourWindsProblem.objects.filter(campaign=campaign)
    assert counts["four-winds problems"] == problems.count() > 10
    assert set(problems.values_list("route", flat=True)) == {"masses", "self", "mutual", "superiors"}
    assert problems.filter(root_cause="").exists()  # one list still cannot be submitted
    done = Obligation.objects.filter(campaign=campaign, kind="four_winds_list", completed_on__isnull=False)
    assert done.count() == counts["problem lists submitted"] > 0
    assert not done.filter(unit__code=demo_problems.INCOMPLETE_CODE).exists()
    materials = ComparisonMaterial.objects.filter(campaign=campaign)
    assert set(materials.values_list("status", flat=True)) == {"submitted", "approved", "returned"}
    assert materials.filter(version=2, status="submitted").exists()
    assert Obligation.objects.get(campaign=campaign, kind="comparison_material",
                                  unit__code="130123").completed_on == today


def test_r3_1_unit_filter_offers_the_units_register_only_within_scope(login, users, spread, tree):
    response = login(users["city_office"]).get(reverse("campaign:problems"), {"unit": "130123"})
    assert response.context["focus_unit"] == tree.county_a
    assert login(users["county_office_b"]).get(reverse("campaign:problems"),
                                               {"unit": "130123"}).context["focus_unit"] is None
