"""R3.3 special inspections led by department-level cadres make focus units; R5.3 cross inspections go into
another region, stay incomplete until a county is dissected and a township verified, open the targets to
the group only while they run, and report to the top leader of the upper party committee."""
from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notification
from supervision.errors import SupervisionError
from supervision.models import CrossInspection, CrossTarget, InspectionUnit, SpecialInspection, UnitFailing
from supervision.selectors import focus_unit_ids, key_contact_unit_ids
from supervision.services import inspections as svc
from tests.factories import CadreFactory, add
from tests.supervision.helpers import listed, pdf_text, total
from units.models import Level, Rank, UnitKind


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def chief(tree):
    """A department-level cadre of 石家庄市 (a member of its standing committee)."""
    return CadreFactory(unit=tree.city_a, name="钱厅长", post="市委常委、组织部部长", rank=Rank.DEPARTMENT)


@pytest.fixture
def inspection(users, tree, chief, campaign):
    return svc.inspection_create(user=users["city_office"], title="学习教育环节专题调研", organising_unit=tree.city_a,
                                 leader=chief, units=[tree.county_a, tree.county_a2], start_date=_days(-2),
                                 end_date=_days(5))


def _row(inspection, unit) -> InspectionUnit:
    return inspection.rows.get(unit=unit)


# --- R3.3 special inspections


def test_r3_3_office_creates_an_inspection_led_by_a_department_level_cadre(login, users, tree, chief, campaign):
    client = login(users["city_office"])
    url = reverse("supervision:inspection_create")
    form = client.get(url).context["form"]
    assert list(form.fields["leader"].queryset) == [chief]  # only department-level cadres are offered
    response = client.post(url, {"title": "听取意见环节专题调研", "organising_unit": tree.city_a.pk, "leader": chief.pk,
                                 "topic": "征求意见是否扎实", "start_date": _days(0).isoformat(),
                                 "end_date": _days(3).isoformat(), "units": [tree.county_a.pk, tree.township_a.pk]})
    inspection = SpecialInspection.objects.get()
    assert response.status_code == 302 and response.url == inspection.get_absolute_url()
    assert inspection.leader_name == "钱厅长" and inspection.created_by == users["city_office"]
    assert set(inspection.rows.values_list("unit__name", "result")) == {("正定县", "pending"), ("正定镇", "pending")}


@pytest.mark.parametrize("bad", ["county_rank_leader", "unit_outside", "end_before_start", "no_units"])
def test_r3_3_bad_inspection_writes_nothing(login, users, tree, chief, campaign, bad):
    """Bad input: a leader not of department level, a unit outside the office's scope, dates the wrong way
    round, no unit — a clear message, no inspection."""
    data = {"title": "专题调研", "organising_unit": tree.city_a.pk, "leader": chief.pk, "start_date": "2099-01-05",
            "end_date": "2099-01-09", "units": [tree.county_a.pk]}
    data.update({"county_rank_leader": {"leader": tree.cadre_a.pk}, "unit_outside": {"units": [tree.county_b.pk]},
                 "end_before_start": {"end_date": "2099-01-01"}, "no_units": {"units": []}}[bad])
    response = login(users["city_office"]).post(reverse("supervision:inspection_create"), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not SpecialInspection.objects.exists() and not InspectionUnit.objects.exists()


def test_r3_3_service_refuses_leaders_and_units_it_must_not_take(users, tree, chief, campaign):
    base = {"user": users["city_office"], "title": "调研", "organising_unit": tree.city_a, "start_date": _days(0),
            "end_date": _days(1)}
    with pytest.raises(SupervisionError, match="王正定"):
        svc.inspection_create(leader=tree.cadre_a, units=[tree.county_a], **base)
    with pytest.raises(SupervisionError, match="迁安市"):
        svc.inspection_create(leader=chief, units=[tree.county_b], **base)
    with pytest.raises(SupervisionError):  # 正定县's office may not organise 石家庄市's inspection
        svc.inspection_create(leader=chief, units=[tree.county_a], **{**base, "user": users["county_office"]})
    assert not SpecialInspection.objects.exists()


def test_r3_3_a_problem_finding_makes_a_focus_unit_marked_wherever_supervision_shows_it(
        login, users, tree, group, inspection, issue):
    """R3.3 problems found at 正定县 make it a focus unit: the mark shows on the card list, card detail,
    group page and the focus-unit list; 行唐县, found clear, carries none."""
    card = issue(problems=["study"])
    client = login(users["city_office"])
    response = client.post(reverse("supervision:inspection_finding", args=[_row(inspection, tree.county_a).pk]),
                           {"result": "problem", "finding": "学习流于形式，班子成员发言雷同。"})
    assert response.status_code == 302
    svc.inspection_finding_record(user=users["city_office"], row=_row(inspection, tree.county_a2), result="clear",
                                  finding="学习扎实。")
    assert focus_unit_ids() == {tree.county_a.pk}
    assert focus_unit_ids(among=[tree.county_a2.pk]) == set()
    assert key_contact_unit_ids() == set()  # no R5.4 failing named
    for url in (reverse("supervision:card_list"), card.get_absolute_url(), group.get_absolute_url(),
                reverse("supervision:focus_units"), reverse("supervision:unit_supervision", args=[tree.county_a.pk])):
        html = client.get(url).content.decode()
        assert html.count('data-mark="focus"') >= 1, url
    cards_page = listed(client.get(reverse("supervision:card_list")))
    assert cards_page[0].unit.is_focus
    group_units = {u.name: u.is_focus for u in client.get(group.get_absolute_url()).context["units"]}
    assert group_units == {"正定县": True, "行唐县": False}
    focus = listed(client.get(reverse("supervision:focus_units")))
    assert [(r.unit.name, [s[0] for s in r.sources]) for r in focus] == [("正定县", ["学习教育环节专题调研"])]
    export = client.get(reverse("supervision:focus_units"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["正定县"] and "学习流于形式" in rows[1][3]


@pytest.mark.parametrize("bad", [
    {"result": "problem", "finding": " "},                            # problems without findings
    {"result": "clear", "finding": "无问题", "failings": ["rushing"]},  # a failing but "no problem"
    {"result": "pending", "finding": "未查"},                           # not a result
])
def test_r3_3_bad_finding_writes_nothing(login, users, tree, inspection, bad):
    row = _row(inspection, tree.county_a)
    response = login(users["city_office"]).post(reverse("supervision:inspection_finding", args=[row.pk]), bad)
    assert response.status_code == 200 and response.context["form"].errors
    row.refresh_from_db()
    assert row.result == "pending" and row.finding == "" and not UnitFailing.objects.exists()
    assert focus_unit_ids() == set()


def test_r3_3_inspection_pages_by_scope(login, users, tree, inspection):
    """In scope with write (石家庄市's office records), in scope read-only (正定县's office sees only its own
    row, 403 on recording), out of scope (迁安市's office: 404)."""
    row_a, row_a2 = _row(inspection, tree.county_a), _row(inspection, tree.county_a2)
    finding = reverse("supervision:inspection_finding", args=[row_a.pk])
    assert login(users["city_office"]).get(finding).status_code == 200
    reader = login(users["county_office"])
    detail = reader.get(inspection.get_absolute_url())
    assert detail.status_code == 200 and [r.unit.name for r in detail.context["rows"]] == ["正定县"]
    assert not detail.context["may_record"] and reader.get(finding).status_code == 403
    assert reader.get(reverse("supervision:inspection_finding", args=[row_a2.pk])).status_code == 404
    assert reader.get(reverse("supervision:inspection_create")).status_code == 200  # an office sets up its own
    assert login(users["leader"]).get(reverse("supervision:inspection_create")).status_code == 403
    outsider = login(users["county_office_b"])
    assert outsider.get(inspection.get_absolute_url()).status_code == 404 and outsider.get(finding).status_code == 404
    assert total(outsider.get(reverse("supervision:inspection_list"))) == 0


def test_r3_3_inspection_list_counts_and_export(login, users, tree, inspection, django_assert_max_num_queries):
    svc.inspection_finding_record(user=users["city_office"], row=_row(inspection, tree.county_a), result="problem",
                                  finding="问题")
    client = login(users["prov_office"])
    url = reverse("supervision:inspection_list")
    with django_assert_max_num_queries(8):
        row = listed(client.get(url))[0]
    assert (row.unit_count, row.done, row.problems) == (2, 1, 1)
    assert total(client.get(url, {"unit": "迁安"})) == 0
    assert total(client.get(url, {"q": "钱厅长"})) == 1
    sheet = list(openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
                 .active.iter_rows(values_only=True))
    assert sheet[1][:3] == ("学习教育环节专题调研", "石家庄市", "钱厅长")


# --- R5.3 cross inspections


def _plan(users, tree, group, *, start=-1, end=10, targets=None) -> CrossInspection:
    return svc.cross_plan_save(user=users["prov_office"], group=group, title="赴唐山市交叉互查", start_date=_days(start),
                               end_date=_days(end), targets=targets or [tree.county_b, tree.township_b])


def test_r5_3_provincial_office_plans_a_cross_inspection_into_another_region(login, users, tree, group, campaign):
    client = login(users["prov_office"])
    url = reverse("supervision:cross_create", args=[group.pk])
    response = client.post(url, {"title": "赴唐山市交叉互查", "start_date": _days(0).isoformat(),
                                 "end_date": _days(7).isoformat(), "targets": [tree.county_b.pk, tree.township_b.pk]})
    plan = CrossInspection.objects.get()
    assert response.status_code == 302 and plan.group == group
    assert set(plan.targets.values_list("unit__name", "kind")) == {("迁安市", "dissect"), ("迁安镇", "verify")}


def test_r5_3_a_city_group_may_cross_into_a_county_it_does_not_supervise(users, tree, group, campaign):
    """The own region is what the group supervises: 石家庄市's group (正定县, 行唐县) may inspect 灵寿县."""
    neighbour = add(tree.city_a, name="灵寿县", code="130126", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    plan = _plan(users, tree, group, targets=[neighbour, tree.township_b])
    assert set(plan.targets.values_list("unit__name", flat=True)) == {"灵寿县", "迁安镇"}


@pytest.mark.parametrize("target", ["township_a", "county_a2", "province", "village_a"])
def test_r5_3_a_plan_into_the_groups_own_region_is_refused(login, users, tree, group, campaign, target):
    """Bad input: 正定镇 and 行唐县 (in its assigned units), the whole province (it contains them), or a
    village (neither county nor township) — a clear message, no plan."""
    unit = getattr(tree, target)
    response = login(users["prov_office"]).post(reverse("supervision:cross_create", args=[group.pk]), {
        "title": "互查", "start_date": _days(0).isoformat(), "end_date": _days(5).isoformat(),
        "targets": [unit.pk, tree.township_b.pk]})
    assert response.status_code == 200
    errors = response.context["form"].errors
    if unit.level in (Level.COUNTY, Level.TOWNSHIP):
        assert unit.name in " ".join(response.context["form"].non_field_errors())
    else:  # not even offered: only counties and townships are
        assert errors["targets"]
    with pytest.raises(SupervisionError, match=unit.name):
        _plan(users, tree, group, targets=[unit, tree.township_b])
    assert not CrossInspection.objects.exists() and not CrossTarget.objects.exists()


def test_r5_3_plan_stays_incomplete_until_a_county_is_dissected_and_a_township_verified(
        login, users, tree, group, campaign, tmp_path):
    """R5.3 the status shows "incomplete" until both findings exist; reporting before that is refused;
    then the PDF goes to the top leader of the upper party committee (河北省, 赵省委) and its leaders."""
    plan = _plan(users, tree, group)
    targets = {t.unit: t for t in plan.targets.all()}
    client = login(users["supervisor"])
    detail = client.get(plan.get_absolute_url())
    assert not detail.context["d"].complete and 'data-complete="0"' in detail.content.decode()
    d = detail.context["d"]
    assert d.addressee == tree.province and d.addressee_leader == tree.cadre_province
    close = reverse("supervision:cross_close", args=[plan.pk])
    response = client.post(close, {"summary": "总体情况"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(reverse("supervision:cross_finding", args=[targets[tree.county_b].pk]),
                           {"result": "problem", "finding": "迁安市为赶进度压缩学习时间。", "failings": ["rushing"]})
    assert response.status_code == 302
    assert not client.get(plan.get_absolute_url()).context["d"].complete
    svc.cross_finding_record(user=users["supervisor"], target=targets[tree.township_b], result="clear",
                             finding="迁安镇学习讨论记录完整。")
    assert client.get(plan.get_absolute_url()).context["d"].complete
    assert client.post(close, {"summary": " "}).status_code == 200  # a conclusion is required
    plan.refresh_from_db()
    assert plan.closed_at is None
    assert client.post(close, {"summary": "县级盲目赶进度，乡镇工作扎实。"}).status_code == 302
    plan.refresh_from_db()
    assert plan.is_closed and plan.closed_by == users["supervisor"]
    assert Notification.objects.filter(user=users["leader"], title__contains="赴唐山市交叉互查").exists()
    with pytest.raises(SupervisionError):
        svc.cross_close(user=users["supervisor"], plan=plan, summary="再报")
    report = client.get(reverse("supervision:cross_report", args=[plan.pk]))
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    text = pdf_text(report.content, tmp_path)
    for expected in ("赴唐山市交叉互查", "市委第一督导组", "河北省", "赵省委", "迁安市", "迁安镇", "迁安市为赶进度压缩学习时间",
                     "迁安镇学习讨论记录完整", "县级盲目赶进度"):
        assert expected in text, expected
    # the failing found puts 迁安市 on key contact
    assert key_contact_unit_ids() == {tree.county_b.pk}


def test_r5_3_members_see_the_targets_only_while_the_plan_runs(login, users, tree, group, member, campaign):
    """R5.3 scope: a member sees 迁安市 while the plan runs; before its start, after its end, and once it
    is reported, 迁安市 is a 404 again."""
    url = reverse("units:unit_detail", args=[tree.county_b.pk])
    client = login(member)
    assert client.get(url).status_code == 404
    plan = _plan(users, tree, group, start=1, end=5)
    assert client.get(url).status_code == 404  # not started
    CrossInspection.objects.filter(pk=plan.pk).update(start_date=_days(-1))
    assert client.get(url).status_code == 200
    assert client.get(reverse("units:unit_detail", args=[tree.township_b.pk])).status_code == 200
    assert client.get(reverse("supervision:unit_supervision", args=[tree.county_b.pk])).status_code == 200
    CrossInspection.objects.filter(pk=plan.pk).update(start_date=_days(-9), end_date=_days(-1))
    assert client.get(url).status_code == 404  # ended
    CrossInspection.objects.filter(pk=plan.pk).update(end_date=_days(3), closed_at=timezone.now())
    assert client.get(url).status_code == 404  # reported
    # the rest of the province never opens up
    assert client.get(reverse("units:unit_detail", args=[tree.city_b.pk])).status_code == 404


def test_r5_3_findings_only_while_the_plan_runs(users, tree, group, campaign):
    """Bad input: findings outside the plan's dates are refused, nothing written."""
    plan = _plan(users, tree, group, start=2, end=6)
    target = plan.targets.get(unit=tree.county_b)
    with pytest.raises(SupervisionError):
        svc.cross_finding_record(user=users["supervisor"], target=target, result="clear", finding="提前")
    with pytest.raises(SupervisionError):
        svc.cross_finding_record(user=users["supervisor"], target=target, result="clear", finding="过期",
                                 today=_days(7))
    target.refresh_from_db()
    assert not target.has_finding and target.finding == ""


def test_r5_3_targets_with_findings_stay_in_the_plan(users, tree, group, campaign):
    plan = _plan(users, tree, group)
    svc.cross_finding_record(user=users["supervisor"], target=plan.targets.get(unit=tree.county_b), result="clear",
                             finding="无问题")
    with pytest.raises(SupervisionError, match="迁安市"):
        svc.cross_plan_save(user=users["prov_office"], group=group, plan=plan, title="改", start_date=_days(-1),
                            end_date=_days(10), targets=[tree.township_b])
    assert plan.targets.count() == 2 and CrossInspection.objects.get().title == "赴唐山市交叉互查"


def test_r5_3_cross_pages_by_scope(login, users, tree, group, member, campaign):
    """In scope with write (the group's member records findings), in scope read-only (迁安市's office reads
    the plan that concerns it, 403 on recording; 石家庄市's office may not plan outside its scope), out of
    scope (a user without role: 404)."""
    plan = _plan(users, tree, group)
    target = plan.targets.get(unit=tree.county_b)
    finding = reverse("supervision:cross_finding", args=[target.pk])
    assert login(member).get(finding).status_code == 200
    reader = login(users["county_office_b"])
    assert reader.get(plan.get_absolute_url()).status_code == 200
    assert reader.get(finding).status_code == 403
    assert reader.get(reverse("supervision:cross_close", args=[plan.pk])).status_code == 403
    assert total(reader.get(reverse("supervision:cross_list"))) == 1
    city = login(users["city_office"])
    response = city.post(reverse("supervision:cross_create", args=[group.pk]), {
        "title": "互查", "start_date": _days(0).isoformat(), "end_date": _days(5).isoformat(),
        "targets": [tree.county_b.pk]})
    assert response.status_code == 200 and response.context["form"].errors["targets"]
    outsider = login(users["no_role"])
    for url in (plan.get_absolute_url(), finding, reverse("supervision:cross_report", args=[plan.pk])):
        assert outsider.get(url).status_code == 404
    assert CrossInspection.objects.count() == 1


def test_r5_3_cross_list_state_filter_and_export(login, users, tree, group, campaign, django_assert_max_num_queries):
    _plan(users, tree, group)
    _plan(users, tree, group, start=-30, end=-20)
    client = login(users["prov_office"])
    url = reverse("supervision:cross_list")
    with django_assert_max_num_queries(9):
        html = client.get(url).content.decode()
    assert set(re.findall(r'data-state="(\w+)"', html)) == {"running", "ended"} and 'data-complete="1"' not in html
    assert total(client.get(url, {"state": "running"})) == 1
    sheet = list(openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
                 .active.iter_rows(values_only=True))
    assert len(sheet) == 3 and {r[1] for r in sheet[1:]} == {"市委第一督导组"}


def test_r5_3_bad_plan_and_finding_input_on_the_pages_writes_nothing(login, users, tree, group, member, campaign):
    """Bad input on the pages: a plan ending before it starts, no target; a finding without text or with a
    failing but "no problem" — a clear message, nothing written."""
    client = login(users["prov_office"])
    create = reverse("supervision:cross_create", args=[group.pk])
    for data in ({"title": "互查", "start_date": _days(5).isoformat(), "end_date": _days(1).isoformat(),
                  "targets": [tree.county_b.pk]},
                 {"title": "互查", "start_date": _days(0).isoformat(), "end_date": _days(1).isoformat(), "targets": []}):
        response = client.post(create, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not CrossInspection.objects.exists()
    plan = _plan(users, tree, group)
    edit = reverse("supervision:cross_edit", args=[plan.pk])
    response = client.post(edit, {"title": "改名", "start_date": _days(0).isoformat(), "end_date": _days(-3).isoformat(),
                                  "targets": [tree.county_b.pk]})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    plan.refresh_from_db()
    assert plan.title == "赴唐山市交叉互查" and plan.targets.count() == 2
    target = plan.targets.get(unit=tree.county_b)
    url = reverse("supervision:cross_finding", args=[target.pk])
    member_client = login(member)
    for data in ({"result": "problem", "finding": ""}, {"result": "clear", "finding": "无", "failings": ["rushing"]}):
        response = member_client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    target.refresh_from_db()
    assert not target.has_finding and not UnitFailing.objects.exists()


def test_r5_3_cross_list_counts_the_targets_with_those_done(login, users, tree, group, campaign):
    """Issue 12: the list says how many counties and townships a plan goes to (2 and 1), and how many
    have their finding (1 and 0) — targets, not findings or the failings they name."""
    other = add(tree.city_b, name="遵化市", code="130281", level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    plan = _plan(users, tree, group, targets=[tree.county_b, other, tree.township_b])
    svc.cross_finding_record(user=users["supervisor"], target=plan.targets.get(unit=tree.county_b), result="problem",
                             finding="迁安市为赶进度压缩学习时间。", failings=["rushing", "two_skins"])
    client = login(users["prov_office"])
    url = reverse("supervision:cross_list")
    html = client.get(url).content.decode()
    cells = {col: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for col, text in
             re.findall(r'data-col="(dissect|verify)"[^>]*>(.*?)</td>', html, re.S)}
    assert cells == {"dissect": "2 · 已完成1个", "verify": "1 · 已完成0个"}
    sheet = list(openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
                 .active.iter_rows(values_only=True))
    row = dict(zip(sheet[0], sheet[1]))
    assert (row["剖析县数"], row["剖析的县"], row["核查乡镇数"]) == (2, 1, 1)
