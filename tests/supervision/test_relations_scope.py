"""Visibility never travels through a relation (DESIGN "Scoping", issue 10 item 2): seeing a supervision
group, a cross inspection or a special inspection does not show what it holds about units outside the
viewer's subtree. Each relation followed from a visible object to other units is proved here both ways:
the liaison of 正定县 (county A) sees nothing of 迁安市 (county B) through it, and 迁安市's office sees
nothing of county A."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision.models import CrossInspection, CrossTarget
from supervision.services import cards as card_svc
from supervision.services import inspections as svc
from tests.factories import CadreFactory, user_with_role
from tests.supervision.helpers import listed
from units.models import Rank


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def plan(users, tree, group, member, campaign):
    """The group (of 石家庄市, over 正定县 and 行唐县) crosses into 迁安市 and 迁安镇; the member finds
    a problem at 迁安市 and the plan is reported."""
    plan = svc.cross_plan_save(user=users["prov_office"], group=group, title="赴唐山市交叉互查", start_date=_days(-1),
                               end_date=_days(10), targets=[tree.county_b, tree.township_b])
    svc.cross_finding_record(user=member, target=plan.targets.get(unit=tree.county_b), result="problem",
                             finding="迁安市为赶进度压缩学习时间", failings=["rushing"])
    svc.cross_finding_record(user=member, target=plan.targets.get(unit=tree.township_b), result="clear",
                             finding="迁安镇学习讨论记录完整")
    svc.cross_close(user=member, plan=plan, summary="迁安市问题突出，须整改")
    return plan


def _plan_urls(plan) -> list[str]:
    target = plan.targets.order_by("pk").first()
    return [plan.get_absolute_url(), reverse("supervision:cross_report", args=[plan.pk]),
            reverse("supervision:cross_edit", args=[plan.pk]), reverse("supervision:cross_close", args=[plan.pk]),
            reverse("supervision:cross_finding", args=[target.pk])]


def test_r5_3_liaison_of_county_a_sees_nothing_of_county_b_through_the_groups_cross_inspection(
        plan, users, login, group):
    """The liaison of 正定县 sees the group (正定县 is assigned to it) but not its plan into 迁安市: every
    page of the plan is a 404 to GET and POST, the list does not show it, and nothing is written."""
    client = login(users["liaison"])
    assert client.get(group.get_absolute_url()).status_code == 200
    for url in _plan_urls(plan):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"summary": "改", "result": "clear", "finding": "改"}).status_code == 404, url
    response = client.get(reverse("supervision:cross_list"))
    assert listed(response) == [] and "迁安市" not in response.content.decode()
    for name in ("liaison", "county_office"):
        assert CrossInspection.objects.visible_to(users[name]).count() == 0
    assert CrossTarget.objects.get(unit__name="迁安镇").finding == "迁安镇学习讨论记录完整"


def test_r5_3_a_viewer_of_one_target_sees_only_that_target(plan, users, login, tree, tmp_path):
    """迁安镇's liaison sees the plan that came into its township, but neither 迁安市's finding nor the
    conclusion (which covers 迁安市), on the page or in the report PDF."""
    from tests.supervision.helpers import pdf_text

    township = user_with_role("liaison_qa", "liaison", tree.township_b)
    client = login(township)
    page = client.get(plan.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200 and [t.unit.name for t in page.context["d"].targets] == ["迁安镇"]
    assert "迁安镇学习讨论记录完整" in html and "压缩学习时间" not in html and "问题突出" not in html
    report = client.get(reverse("supervision:cross_report", args=[plan.pk]))
    text = pdf_text(report.content, tmp_path)
    assert "迁安镇学习讨论记录完整" in text and "压缩学习时间" not in text and "问题突出" not in text
    # 迁安市's office sees both of its own targets and the conclusion
    office_b = login(users["county_office_b"]).get(plan.get_absolute_url())
    assert len(office_b.context["d"].targets) == 2 and "问题突出" in office_b.content.decode()
    assert plan.group.get_absolute_url() not in office_b.content.decode()  # no link that answers 404
    # the group's side sees everything
    assert len(login(users["supervisor"]).get(plan.get_absolute_url()).context["d"].targets) == 2


def test_r1_3_group_page_shows_a_non_member_only_its_own_units(users, login, group, tree, issue, campaign):
    """The group's contacts for everyone who sees it; its assigned units, their key-contact badges and its
    cards only where they concern the viewer's subtree (正定县's liaison does not see 行唐县)."""
    card_b = issue(tree.county_a2, problems=["rushing"])  # puts 行唐县 on key contact
    issue(tree.county_a, problems=["study"])
    liaison = login(users["liaison"])
    response = liaison.get(group.get_absolute_url())
    html = response.content.decode()
    assert [u.name for u in response.context["units"]] == ["正定县"]
    assert "行唐县" not in html and 'data-mark="key-contact"' not in html and "0311-86000001" in html
    assert response.context["figures"].total == 1
    assert liaison.get(card_b.get_absolute_url()).status_code == 404
    listing = listed(liaison.get(reverse("supervision:group_list")))
    assert [(g.pk, g.unit_count, g.card_count) for g in listing] == [(group.pk, 1, 1)]
    # those who act for the group see all of its units, with their badges
    leader = login(users["supervisor"]).get(group.get_absolute_url())
    assert [u.name for u in leader.context["units"]] == ["正定县", "行唐县"]
    assert 'data-mark="key-contact"' in leader.content.decode()
    assert listed(login(users["city_office"]).get(reverse("supervision:group_list")))[0].unit_count == 2


def test_r1_3_county_b_sees_nothing_of_county_a_through_a_group(users, login, group, issue, campaign):
    card = issue()
    client = login(users["county_office_b"])
    for url in (group.get_absolute_url(), card.get_absolute_url(),
                reverse("supervision:escalation_report", args=[group.pk])):
        assert client.get(url).status_code == 404, url
    assert listed(client.get(reverse("supervision:group_list"))) == []
    assert listed(client.get(reverse("supervision:card_list"))) == []


def test_r3_3_special_inspection_shows_only_the_viewers_units(users, login, tree, campaign):
    """An inspection of 正定县 and 行唐县: 正定县's office sees its own row and counts only, and cannot
    find the inspection by 行唐县's name; 迁安市's office does not see it at all."""
    chief = CadreFactory(unit=tree.city_a, name="钱厅长", post="市委常委", rank=Rank.DEPARTMENT)
    inspection = svc.inspection_create(user=users["city_office"], title="专题调研", organising_unit=tree.city_a,
                                       leader=chief, units=[tree.county_a, tree.county_a2], start_date=_days(-2),
                                       end_date=_days(5))
    svc.inspection_finding_record(user=users["city_office"], row=inspection.rows.get(unit=tree.county_a2),
                                  result="problem", finding="行唐县学习走过场", failings=["two_skins"])
    client = login(users["county_office"])
    detail = client.get(inspection.get_absolute_url())
    assert [r.unit.name for r in detail.context["rows"]] == ["正定县"]
    assert "行唐县" not in detail.content.decode()
    url = reverse("supervision:inspection_list")
    (row,) = listed(client.get(url))
    assert (row.unit_count, row.done, row.problems) == (1, 0, 0)
    assert listed(client.get(url, {"unit": "行唐"})) == []
    assert listed(client.get(reverse("supervision:focus_units"))) == []
    assert listed(client.get(reverse("supervision:key_contacts"))) == []
    office_b = login(users["county_office_b"])
    assert office_b.get(inspection.get_absolute_url()).status_code == 404
    assert listed(office_b.get(url)) == []
    # the organiser sees the whole inspection
    (whole,) = listed(login(users["city_office"]).get(url))
    assert (whole.unit_count, whole.problems) == (2, 1)


def test_r5_4_escalation_queue_and_key_contacts_stay_in_scope(users, login, tree, issue, campaign):
    """A card naming rushing at 行唐县 puts it on key contact: 正定县's office and 迁安市's office see
    neither the unit nor its card in the key-contact list or the escalation queue."""
    issue(tree.county_a2, problems=["rushing"])
    for name in ("county_office", "county_office_b"):
        client = login(users[name])
        assert listed(client.get(reverse("supervision:key_contacts"))) == []
        assert listed(client.get(reverse("supervision:escalation_queue"))) == []
    assert [r.unit.name for r in listed(login(users["city_office"]).get(reverse("supervision:key_contacts")))] \
        == ["行唐县"]


def test_r1_3_services_refuse_what_the_permission_model_refuses(users, group, issue, tree):
    """The services check the same permissions as the pages (the API shares them)."""
    from django.core.exceptions import PermissionDenied

    card = issue()
    with pytest.raises(PermissionDenied):
        card_svc.card_sign(user=users["county_office_b"], card=card)
    with pytest.raises(PermissionDenied):
        card_svc.card_issue(user=users["liaison"], group=group, unit=tree.county_a, problems=["study"], facts="事实",
                            required_actions="要求", due_date=_days(10))
    card.refresh_from_db()
    assert card.status == "issued"


def test_r1_2_a_spot_check_below_the_card_shows_no_card_above_the_viewer(users, login, group, tree, campaign):
    """A spot check at 正定镇 becomes a card for 正定县 (the group's unit over it): 正定镇's liaison sees the
    spot check but neither the card's number nor a link to it (a 404 for them)."""
    from supervision.services import checks as check_svc

    spot = check_svc.spot_check_record(user=users["supervisor"], group=group, unit=tree.township_a,
                                       department="镇财政所", posts="所长", checked_on=timezone.localdate(),
                                       findings=[("公务接待超标", "")])
    finding = spot.findings.get()
    card = check_svc.spot_finding_make_card(user=users["supervisor"], finding=finding, unit=tree.county_a,
                                            problems=["study"], facts="事实", required_actions="要求",
                                            due_date=_days(10))
    township = login(user_with_role("liaison_zd", "liaison", tree.township_a))
    for url in (spot.get_absolute_url(), reverse("supervision:spot_check_list")):
        html = township.get(url).content.decode()
        assert "镇财政所" in html and card.number not in html and card.get_absolute_url() not in html, url
    assert township.get(card.get_absolute_url()).status_code == 404
    html = login(users["county_office"]).get(spot.get_absolute_url()).content.decode()
    assert card.get_absolute_url() in html
