"""R1.2 three checks: the self-check item by item against the eight special rectifications (campaign
data), verification by an office or supervision group, and spot checks whose findings become cards."""
from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from tests.supervision.helpers import listed, total
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notification
from supervision.errors import SupervisionError
from supervision.models import (
    CheckVerdict,
    RectificationItem,
    SelfCheck,
    SelfCheckEntry,
    SpotCheck,
    SpotFinding,
    SupervisionCard,
)
from supervision.services import checks as svc

TODAY = datetime.date(2014, 4, 10)


@pytest.fixture
def items(campaign):
    return svc.rectification_items_for(campaign)


def _answers(items, **by_order):
    """Every item answered 'no problem', except those given as order=(status, text)."""
    return {i.pk: by_order.get(f"i{i.order}", ("no_problem", "")) for i in items}


def _form(items, **by_order) -> dict:
    data = {}
    for item, (status, text) in _answers(items, **by_order).items():
        data[f"status_{item}"], data[f"finding_{item}"] = status, text
    return data


def test_r1_2_the_eight_rectifications_are_campaign_data(campaign):
    """R1.2 a campaign gets the eight special rectifications once; an office's rewording is kept."""
    from campaign.services.campaign import campaign_create

    items = svc.rectification_items_for(campaign)
    assert [i.order for i in items] == list(range(1, 9)) and all(i.campaign == campaign for i in items)
    RectificationItem.objects.filter(pk=items[0].pk).update(title="整治“庸懒散奢”（本地表述）")
    again = svc.rectification_items_for(campaign)
    assert [i.pk for i in again] == [i.pk for i in items] and again[0].title == "整治“庸懒散奢”（本地表述）"
    other = campaign_create(name="另一次活动")
    assert len(svc.rectification_items_for(other)) == 8 and RectificationItem.objects.count() == 16


def test_r1_2_liaison_fills_in_the_self_check_item_by_item(login, users, tree, items):
    """R1.2 the unit's liaison answers all eight: a result per item, what was found where there is a problem."""
    client = login(users["liaison"])
    url = reverse("supervision:self_check_edit", args=[tree.county_a.pk])
    page = client.get(url)
    assert page.status_code == 200 and len(page.context["form"].rows()) == 8
    response = client.post(url, _form(items, i2=("problem", "两个村党支部长期不开展组织生活。"),
                                      i5=("rectified", "清退择校费 12 万元。")))
    assert response.status_code == 302
    check = SelfCheck.objects.get()
    assert check.unit == tree.county_a and check.submitted_by == users["liaison"]
    entries = {e.item.order: e for e in check.entries.select_related("item")}
    assert len(entries) == 8 and entries[2].status == "problem" and entries[5].finding == "清退择校费 12 万元。"
    assert {e.verdict for e in entries.values()} == {CheckVerdict.PENDING}
    shown = client.get(reverse("supervision:self_check_unit", args=[tree.county_a.pk]))
    assert "两个村党支部长期不开展组织生活" in shown.content.decode()


@pytest.mark.parametrize("bad", [
    {"i3": ("", "")},                      # an item left without a result
    {"i4": ("problem", "  ")},             # a problem without saying what
    {"i6": ("excellent", "")},             # not a result
])
def test_r1_2_bad_self_check_writes_nothing(login, users, tree, items, bad):
    """Bad input: a clear message, no self-check, no item written."""
    response = login(users["liaison"]).post(reverse("supervision:self_check_edit", args=[tree.county_a.pk]),
                                            _form(items, **bad))
    assert response.status_code == 200 and response.context["form"].errors
    assert not SelfCheck.objects.exists() and not SelfCheckEntry.objects.exists()
    with pytest.raises(SupervisionError):
        answers = _answers(items, **bad)
        svc.self_check_submit(user=users["liaison"], unit=tree.county_a, answers=answers, today=TODAY)
    with pytest.raises(SupervisionError, match=items[4].title):
        svc.self_check_submit(user=users["liaison"], unit=tree.county_a, answers={}, today=TODAY)
    assert not SelfCheck.objects.exists()


def _submit(users, unit, items, user="liaison", **by_order) -> SelfCheck:
    return svc.self_check_submit(user=users[user], unit=unit, answers=_answers(items, **by_order), today=TODAY)


def _verdict_form(check, **by_order) -> dict:
    data = {}
    for entry in check.entries.select_related("item"):
        verdict, note = by_order.get(f"i{entry.item.order}", ("", ""))
        data[f"verdict_{entry.pk}"], data[f"note_{entry.pk}"] = verdict, note
    return data


def test_r1_2_office_above_confirms_and_disputes_each_item(login, users, tree, items):
    """R1.2 石家庄市's office verifies 正定县's self-check: confirms items, disputes one with a note; the
    unit's liaison hears of the dispute."""
    check = _submit(users, tree.county_a, items, i2=("problem", "组织生活不经常。"))
    client = login(users["city_office"])
    url = reverse("supervision:self_check_verify", args=[tree.county_a.pk])
    response = client.post(url, _verdict_form(check, i1=("confirmed", ""), i2=("disputed", "抽查发现仍未整改。")))
    assert response.status_code == 302
    verdicts = {e.item.order: (e.verdict, e.verdict_note, e.verified_by)
                for e in check.entries.select_related("item")}
    assert verdicts[1] == ("confirmed", "", users["city_office"])
    assert verdicts[2] == ("disputed", "抽查发现仍未整改。", users["city_office"])
    assert verdicts[3][0] == "pending"  # left for later
    assert Notification.objects.filter(user=users["liaison"], body__contains="抽查发现仍未整改").exists()


def test_r1_2_a_group_member_verifies_too(member, users, tree, items):
    """R1.2 the supervision group assigned 正定县 verifies its self-check (核查 by office or group)."""
    check = _submit(users, tree.county_a, items)
    entry = check.entries.order_by("item__order").first()
    assert svc.self_check_verify(user=member, self_check=check, verdicts={entry.pk: ("confirmed", "")}) == 1


@pytest.mark.parametrize("case", ["dispute_without_note", "nothing_decided", "own_entry"])
def test_r1_2_bad_verification_changes_nothing(login, users, tree, items, case):
    """Bad input: a dispute without a reason, no decision at all, or verifying what one entered oneself —
    a clear message, no verdict written."""
    author = "city_office" if case == "own_entry" else "liaison"
    check = _submit(users, tree.county_a, items, user=author)
    by_order = {"dispute_without_note": {"i1": ("confirmed", ""), "i2": ("disputed", "")},
                "nothing_decided": {}, "own_entry": {"i1": ("confirmed", "")}}[case]
    response = login(users["city_office"]).post(reverse("supervision:self_check_verify", args=[tree.county_a.pk]),
                                                _verdict_form(check, **by_order))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert set(check.entries.values_list("verdict", flat=True)) == {CheckVerdict.PENDING}
    assert not Notification.objects.filter(user=users["liaison"], title__contains="正定县").exists()


def test_r1_2_confirmed_items_are_locked_disputed_ones_go_back(users, tree, items):
    """R1.2 a confirmed item cannot be changed (nothing written); a disputed one, changed, awaits verification."""
    check = _submit(users, tree.county_a, items, i2=("problem", "组织生活不经常。"))
    entries = {e.item.order: e for e in check.entries.select_related("item")}
    svc.self_check_verify(user=users["city_office"], self_check=check,
                          verdicts={entries[1].pk: ("confirmed", ""), entries[2].pk: ("disputed", "不实")})
    with pytest.raises(SupervisionError):
        _submit(users, tree.county_a, items, i1=("problem", "改口"), i2=("rectified", "已恢复组织生活。"))
    entries[2].refresh_from_db()
    assert entries[2].verdict == "disputed" and entries[2].status == "problem"  # the whole save rolled back
    _submit(users, tree.county_a, items, i2=("rectified", "已恢复组织生活。"))
    entries[1].refresh_from_db()
    entries[2].refresh_from_db()
    assert entries[1].verdict == "confirmed"
    assert (entries[2].verdict, entries[2].status, entries[2].verified_by) == ("pending", "rectified", None)


def test_r1_2_self_check_pages_by_scope(login, users, tree, items):
    """In scope with write (liaison fills in; an office above verifies), in scope read-only (the leader
    reads; 正定县's own office may not verify itself: 403), out of scope (迁安市's office: 404)."""
    _submit(users, tree.county_a, items)
    unit_url = reverse("supervision:self_check_unit", args=[tree.county_a.pk])
    edit = reverse("supervision:self_check_edit", args=[tree.county_a.pk])
    verify = reverse("supervision:self_check_verify", args=[tree.county_a.pk])
    assert login(users["liaison"]).get(edit).status_code == 200
    assert login(users["city_office"]).get(verify).status_code == 200
    leader = login(users["leader"])
    assert leader.get(unit_url).status_code == 200
    assert leader.get(edit).status_code == 403 and leader.get(verify).status_code == 403
    assert login(users["county_office"]).get(verify).status_code == 403
    outsider = login(users["county_office_b"])
    for url in (unit_url, edit, verify):
        assert outsider.get(url).status_code == 404
    assert total(outsider.get(reverse("supervision:self_check_list"))) == 0


def test_r1_2_self_check_list_filters_export_and_queries(login, users, tree, items, django_assert_max_num_queries):
    """R1.2 the list shows each unit's verification state; filters; Excel; a fixed number of queries."""
    check = _submit(users, tree.county_a, items, i1=("problem", "问题"))
    first = check.entries.get(item__order=1)
    svc.self_check_verify(user=users["city_office"], self_check=check, verdicts={first.pk: ("disputed", "不实")})
    _submit(users, tree.county_a2, items, user="city_office")
    client = login(users["prov_office"])
    url = reverse("supervision:self_check_list")
    with django_assert_max_num_queries(10):
        page = listed(client.get(url))
    rows = {c.unit.name: c for c in page}
    assert rows["正定县"].problems == 1 and rows["正定县"].disputed == 1 and rows["正定县"].pending == 7
    assert [c.unit.name for c in listed(client.get(url, {"state": "disputed"}))] == ["正定县"]
    assert [c.unit.name for c in listed(client.get(url, {"state": "pending"}))] == ["正定县", "行唐县"]
    export = client.get(url, {"state": "disputed", "export": "xlsx"})
    sheet = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in sheet[1:]] == ["正定县"]
    from tests.factories import add
    from units.models import Level, UnitKind

    for n in range(12):
        unit = add(tree.county_a2, name=f"行唐乡{n}", code=f"130125{n:03d}", level=Level.TOWNSHIP,
                   kind=UnitKind.GRASSROOTS)
        _submit(users, unit, items, user="city_office")
    with django_assert_max_num_queries(10):
        assert total(client.get(url)) == 14


# --- spot checks

def test_r1_2_spot_check_finding_becomes_a_card_for_the_groups_unit(login, users, tree, group, campaign):
    """R1.2, R1.3 the group spot-checks a department of 正定镇 (below its unit 正定县); "make a card" fills
    the card form for 正定县 with the finding; the card is issued once and linked to the finding."""
    client = login(users["supervisor"])
    response = client.post(reverse("supervision:spot_check_create", args=[group.pk]), {
        "unit": tree.township_a.pk, "department": "镇财政所", "posts": "所长、会计",
        "checked_on": timezone.localdate().isoformat(), "summary": "查阅接待台账。",
        "findings": "公务接待超标准 2 次。\n\n公车私用 1 次。"})
    spot = SpotCheck.objects.get()
    assert response.status_code == 302 and spot.group == group and spot.unit == tree.township_a
    assert list(spot.findings.values_list("text", flat=True)) == ["公务接待超标准 2 次。", "公车私用 1 次。"]
    finding = spot.findings.get(text="公车私用 1 次。")
    detail = client.get(spot.get_absolute_url())
    assert f'id="make-card-{finding.pk}"' in detail.content.decode()
    url = reverse("supervision:card_create", args=[group.pk]) + f"?finding={finding.pk}"
    form = client.get(url).context["form"]
    assert form.initial["unit"] == tree.county_a.pk and "公车私用 1 次。" in form.initial["facts"]
    assert "镇财政所" in form.initial["facts"]
    response = client.post(url, {"unit": tree.county_a.pk, "problems": ["awareness"], "facts": form.initial["facts"],
                                 "required_actions": "严肃处理，建立公车登记制度。", "due_date": "2099-06-01"})
    card = SupervisionCard.objects.get()
    finding.refresh_from_db()
    assert response.status_code == 302 and finding.card == card and card.unit == tree.county_a
    # once only: the action now leads to the card
    again = client.get(url)
    assert again.status_code == 302 and again.url == card.get_absolute_url()
    with pytest.raises(SupervisionError):
        svc.spot_finding_make_card(user=users["supervisor"], finding=finding, unit=tree.county_a, problems=["study"],
                                   facts="再开", required_actions="再改", due_date=datetime.date(2099, 7, 1))
    assert SupervisionCard.objects.count() == 1


@pytest.mark.parametrize("bad", [
    {"unit": "county_b"},                 # outside the group's units
    {"checked_on": "2099-01-01"},         # in the future
    {"department": ""},                   # no department
])
def test_r1_2_bad_spot_check_writes_nothing(login, users, tree, group, campaign, bad):
    """Bad input: a clear message, no spot check, no finding."""
    data = {"unit": tree.county_a.pk, "department": "县财政局", "posts": "局长",
            "checked_on": timezone.localdate().isoformat(), "findings": "一条发现"}
    data.update({k: (getattr(tree, v).pk if k == "unit" else v) for k, v in bad.items()})
    response = login(users["supervisor"]).post(reverse("supervision:spot_check_create", args=[group.pk]), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not SpotCheck.objects.exists() and not SpotFinding.objects.exists()
    with pytest.raises(SupervisionError, match="迁安市"):
        svc.spot_check_record(user=users["supervisor"], group=group, unit=tree.county_b, department="局",
                              posts="局长", checked_on=TODAY, today=TODAY)
    assert not SpotCheck.objects.exists()


def test_r1_2_spot_check_pages_by_scope(login, users, tree, group, member, campaign):
    """In scope with write (a group member adds findings), in scope read-only (正定县's office and the leader
    read, 403 on writing), out of scope (迁安市's office: 404)."""
    spot = svc.spot_check_record(user=users["supervisor"], group=group, unit=tree.county_a, department="县教育局",
                                 posts="局长", checked_on=TODAY, today=TODAY, findings=[("收取择校费", "")])
    add = reverse("supervision:spot_finding_add", args=[spot.pk])
    client = login(member)
    assert client.get(spot.get_absolute_url()).status_code == 200
    assert client.post(add, {"text": "补课收费", "category": "awareness"}).status_code == 302
    assert client.post(add, {"text": " "}).status_code == 200  # bad input: no text, nothing added
    assert spot.findings.count() == 2
    for name in ("county_office", "leader"):
        reader = login(users[name])
        assert reader.get(spot.get_absolute_url()).status_code == 200
        assert reader.get(add).status_code == 403
        assert reader.get(reverse("supervision:spot_check_create", args=[group.pk])).status_code == 403
    outsider = login(users["county_office_b"])
    assert outsider.get(spot.get_absolute_url()).status_code == 404 and outsider.get(add).status_code == 404
    assert total(outsider.get(reverse("supervision:spot_check_list"))) == 0
    finding = spot.findings.first()
    url = reverse("supervision:card_create", args=[group.pk]) + f"?finding={finding.pk}"
    assert outsider.get(url).status_code == 404


def test_r1_2_spot_check_list_filters_and_export(login, users, tree, group, campaign):
    spot = svc.spot_check_record(user=users["supervisor"], group=group, unit=tree.county_a, department="县国土局",
                                 posts="局长", checked_on=TODAY, today=TODAY, findings=[("超标接待", "")])
    svc.spot_check_record(user=users["supervisor"], group=group, unit=tree.county_a2, department="县财政局",
                          posts="局长", checked_on=TODAY, today=TODAY)
    svc.spot_finding_make_card(user=users["supervisor"], finding=spot.findings.get(), unit=tree.county_a,
                               problems=["awareness"], facts="超标接待", required_actions="整改",
                               due_date=datetime.date(2099, 1, 1))
    client = login(users["city_office"])
    url = reverse("supervision:spot_check_list")
    assert total(client.get(url)) == 2
    assert [s.department for s in listed(client.get(url, {"with_card": "true"}))] == ["县国土局"]
    assert [s.department for s in listed(client.get(url, {"unit": "行唐"}))] == ["县财政局"]
    sheet = list(openpyxl.load_workbook(io.BytesIO(client.get(url, {"with_card": "true", "export": "xlsx"}).content))
                 .active.iter_rows(values_only=True))
    assert len(sheet) == 2 and sheet[1][3] == "县国土局" and sheet[1][6] == SupervisionCard.objects.get().number


def test_r1_2_bad_card_from_a_finding_writes_nothing(login, users, tree, group, campaign):
    """Bad input: a card made from a finding with a due date in the past — a clear message, no card, and the
    finding stays free to make a card later."""
    spot = svc.spot_check_record(user=users["supervisor"], group=group, unit=tree.county_a, department="县教育局",
                                 posts="局长", checked_on=TODAY, today=TODAY, findings=[("收取择校费", "")])
    finding = spot.findings.get()
    url = reverse("supervision:card_create", args=[group.pk]) + f"?finding={finding.pk}"
    response = login(users["supervisor"]).post(url, {"unit": tree.county_a.pk, "problems": ["awareness"],
                                                     "facts": "收取择校费", "required_actions": "清退",
                                                     "due_date": "2000-01-01"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    finding.refresh_from_db()
    assert finding.card is None and not SupervisionCard.objects.exists()
    assert login(users["supervisor"]).get(
        reverse("supervision:card_create", args=[group.pk]) + "?finding=abc").status_code == 404
