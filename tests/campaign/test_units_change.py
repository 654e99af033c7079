"""R0.1, R5.1 the campaign under a changing tree: units added, imported, closed, merged and moved mid-campaign,
each played in time order as the office, the liaison and the sweep see it."""
from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from campaign.models import Notification, Obligation
from campaign.selectors.core import children_progress, subtree_progress
from campaign.services import notifications as reminders
from campaign.services.campaign import campaign_create, obligation_fulfil, obligations_generate
from dashboards.selectors.figures import collect
from units.errors import UnitsError
from units.models import Level, Unit, UnitKind
from tests.factories import user_with_role
from units.services import import_apply, unit_close, unit_move

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today_of_the_test():
    """TODAY is the day the test runs, not the day the module was imported: a run crossing midnight
    (Asia/Shanghai) would otherwise compare yesterday with the server's today."""
    global TODAY
    TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def live_campaign(tree):
    """A campaign running now: the city and county study stage ended three days ago, the grassroots
    one ends in twelve days; every unit of the tree has its obligations."""
    campaign = campaign_create(shift_to=TODAY - 3 * DAY)
    obligations_generate(campaign=campaign)
    return campaign


def _kinds(unit) -> set[str]:
    return set(Obligation.objects.filter(unit=unit).values_list("kind", flat=True))


def _messages(response) -> list[str]:
    """The messages the page shown after the redirect displays (read once, as the browser would)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1:]


def test_r0_1_a_unit_added_mid_campaign_owes_the_deadlines_ahead(live_campaign, tree, users, login):
    """R0.1, R5.1 the county office adds a township and the city office a county, through the page: each owes
    what is still ahead by its level and kind, nothing already past, and is reminded like the others."""
    client = login(users["county_office"])
    response = client.post(reverse("units:unit_add_child", args=[tree.county_a.pk]), {
        "name": "新城镇", "code": "130123009", "level": Level.TOWNSHIP, "kind": UnitKind.GRASSROOTS})
    township = Unit.objects.get(code="130123009")
    assert response.status_code == 302
    # the grassroots stage ends in twelve days: a township owes its meetings and the grassroots trio
    assert _kinds(township) == {"enlarged_meeting", "discussion_meeting", "collective_study", "education_film",
                                "party_lecture", "four_winds_list"}
    assert all(ob.due_date == live_campaign.study_end_grassroots for ob in Obligation.objects.filter(unit=township))

    login(users["city_office"]).post(reverse("units:unit_add_child", args=[tree.city_a.pk]), {
        "name": "新区", "code": "130199", "level": Level.COUNTY, "kind": UnitKind.PARTY_COMMITTEE})
    county = Unit.objects.get(code="130199")
    # the county study stage ended three days ago: only the material and the democratic life meeting lie ahead
    assert _kinds(county) == {"comparison_material", "democratic_meeting"}
    assert not Obligation.objects.filter(unit=county, due_date__lt=TODAY).exists()

    # the sweep a week before the grassroots deadline reminds the county office of the new township too
    reminders.reminders_send_due(today=live_campaign.study_end_grassroots - 7 * DAY)
    titles = list(Notification.objects.filter(user=users["county_office"]).values_list("title", flat=True))
    assert any("新城镇" in t for t in titles)
    # and its progress page lists what it owes instead of "owes nothing"
    page = login(users["county_office"]).get(reverse("campaign:unit_progress", args=[township.pk]))
    assert "本单位自身没有任务" not in page.content.decode()
    assert page.content.decode().count('class="badge text-bg-secondary"') == 6


def test_r0_1_a_unit_imported_mid_campaign_owes_too(live_campaign, tree, users):
    """R0.4, R0.1 units from the spreadsheet import get their obligations in the import's transaction."""
    table = [["单位编码", "单位名称", "上级编码", "层级", "单位类型"],
             ["130123010", "南楼乡", "130123", "乡镇", "基层党组织"],
             ["130123010001", "东村", "130123010", "村", "村"]]
    assert import_apply(user=users["prov_office"], kind="units", table=table) == 2
    assert len(_kinds(Unit.objects.get(code="130123010"))) == 6
    assert _kinds(Unit.objects.get(code="130123010001")) == {"collective_study", "education_film", "party_lecture",
                                                              "four_winds_list"}


def test_r0_1_the_office_button_adds_what_is_missing_once_and_says_so(live_campaign, tree, users, login):
    """R0.1 a unit that came in by another door (the admin's tree) lacks obligations: the office's button adds
    them for its own area only, says what it added, and adds nothing the second time."""
    lost = Unit.objects.add_child(tree.township_a, dict(name="西村", code="130123001002", level=Level.VILLAGE,
                                                        kind=UnitKind.VILLAGE))
    assert not _kinds(lost)
    url = reverse("campaign:obligations_complete")
    # another county's office has no such unit in its area: nothing is added for 正定县's village
    other = login(users["county_office_b"]).post(url)
    assert not _kinds(lost)
    assert "没有新增" in _messages(other)[0]

    client = login(users["county_office"])
    page = client.get(reverse("campaign:deadlines"))
    assert url in page.content.decode()  # the office is offered the button
    first = client.post(url)
    assert _kinds(lost) == {"collective_study", "education_film", "party_lecture", "four_winds_list"}
    assert _messages(first)[0].startswith("已为 1 个单位新增 4 项任务（")
    second = client.post(url)
    assert "没有新增" in _messages(second)[0]
    assert Obligation.objects.filter(unit=lost).count() == 4
    # the liaison is not offered the button, and is refused if they post
    assert url not in login(users["liaison"]).get(reverse("campaign:deadlines")).content.decode()
    assert login(users["liaison"]).post(url).status_code == 403


def test_r0_1_a_closed_unit_owes_nothing_and_leaves_the_counts(live_campaign, tree, users, login):
    """R0.1 the county office closes a village: its open obligations are cancelled (not overdue for ever), it
    gets no reminder, and the county's progress and dashboard denominators leave it out; done work stays."""
    obligation_fulfil(campaign=live_campaign, unit=tree.village_a, kind="party_lecture", on=TODAY - 5 * DAY)
    before = subtree_progress(tree.county_a, live_campaign, TODAY)
    figures_before = collect(user=users["county_office"], root=tree.county_a, depth=tree.county_a.depth + 1,
                             campaign=live_campaign, today=TODAY).total()

    client = login(users["county_office"])
    page = client.get(reverse("units:unit_detail", args=[tree.village_a.pk]))
    assert reverse("units:unit_close", args=[tree.village_a.pk]) in page.content.decode()
    response = client.post(reverse("units:unit_close", args=[tree.village_a.pk]),
                           {"closed_on": TODAY.isoformat(), "confirm": "on"})
    assert response.status_code == 302
    village = Unit.objects.get(pk=tree.village_a.pk)
    assert village.closed_on == TODAY
    obligations = Obligation.objects.filter(unit=village)
    assert obligations.filter(cancelled_on=TODAY).count() == 3
    assert obligations.get(kind="party_lecture").completed_on == TODAY - 5 * DAY  # history kept

    after = subtree_progress(tree.county_a, live_campaign, TODAY)
    assert after.total == before.total - 4
    assert after.done == before.done - 1
    figures_after = collect(user=users["county_office"], root=tree.county_a, depth=tree.county_a.depth + 1,
                            campaign=live_campaign, today=TODAY).total()
    assert figures_after.units == figures_before.units - 1
    assert figures_after.obligations == figures_before.obligations - 4

    # the sweep past every deadline names no closed unit
    reminders.reminders_send_due(today=live_campaign.end_date + DAY)
    assert not Notification.objects.filter(title__contains="塔元庄村").exists()
    # its page says it is closed and offers no more closing or adding
    page = client.get(reverse("units:unit_detail", args=[village.pk])).content.decode()
    assert 'id="unit-closed"' in page
    assert reverse("units:unit_close", args=[village.pk]) not in page
    progress = client.get(reverse("campaign:unit_progress", args=[village.pk])).content.decode()
    assert progress.count("单位撤并") == 3


def test_r0_1_closing_twice_or_in_the_future_is_refused(live_campaign, tree, users, login):
    """R0.1 bad input: a future closing day or a second closing writes nothing and says why."""
    client = login(users["county_office"])
    url = reverse("units:unit_close", args=[tree.village_a.pk])
    response = client.post(url, {"closed_on": (TODAY + DAY).isoformat(), "confirm": "on"})
    assert response.status_code == 200
    assert "撤并日期不能晚于今天" in response.content.decode()
    assert Unit.objects.get(pk=tree.village_a.pk).closed_on is None
    assert not Obligation.objects.filter(cancelled_on__isnull=False).exists()
    unit_close(user=users["county_office"], unit=tree.village_a, on=TODAY)
    with pytest.raises(UnitsError):
        unit_close(user=users["county_office"], unit=Unit.objects.get(pk=tree.village_a.pk), on=TODAY)


def test_r0_1_a_unit_with_sub_units_merges_and_its_sub_units_follow(live_campaign, tree, users, login):
    """R0.1 a township with a village cannot close outright; merged into a neighbour, its village moves there
    and is still seen by the county office; the merged township's obligations are cancelled."""
    neighbour = Unit.objects.add_child(tree.county_a, dict(name="诸福屯镇", code="130123002", level=Level.TOWNSHIP,
                                                           kind=UnitKind.GRASSROOTS))
    obligations_generate(campaign=live_campaign)
    client = login(users["county_office"])
    url = reverse("units:unit_close", args=[tree.township_a.pk])
    refused = client.post(url, {"closed_on": TODAY.isoformat(), "confirm": "on"})
    assert refused.status_code == 200 and "个未撤并的下级单位" in refused.content.decode()
    assert Unit.objects.get(pk=tree.township_a.pk).closed_on is None

    client.post(url, {"closed_on": TODAY.isoformat(), "merged_into": neighbour.pk, "confirm": "on"})
    township = Unit.objects.get(pk=tree.township_a.pk)
    assert township.closed_on == TODAY and township.merged_into == neighbour
    village = Unit.objects.get(pk=tree.village_a.pk)
    assert Unit.objects.get_parent(village) == neighbour
    assert not Obligation.objects.filter(unit=township).open().exists()
    assert Obligation.objects.filter(unit=village).open().count() == 4  # the village still owes
    assert [child.pk for child, _ in children_progress(tree.county_a, live_campaign, TODAY)] == [neighbour.pk]
    assert client.get(reverse("units:unit_detail", args=[village.pk])).status_code == 200


def test_r0_1_a_moved_unit_follows_its_new_parents_scope(live_campaign, tree, users, login):
    """R0.1 the provincial office moves 正定镇 (with its village) from 正定县 to 迁安市: 迁安市's office now sees
    and counts it, 正定县's office no longer reaches it (404) nor counts it."""
    before_a = subtree_progress(tree.county_a, live_campaign, TODAY).total
    before_b = subtree_progress(tree.county_b, live_campaign, TODAY).total
    unit_move(user=users["prov_office"], unit=tree.township_a, parent=tree.county_b)
    moved = Unit.objects.get(pk=tree.township_a.pk)
    assert login(users["county_office"]).get(reverse("units:unit_detail", args=[moved.pk])).status_code == 404
    assert login(users["county_office"]).get(
        reverse("campaign:unit_progress", args=[tree.village_a.pk])).status_code == 404
    assert login(users["county_office_b"]).get(reverse("units:unit_detail", args=[moved.pk])).status_code == 200
    assert subtree_progress(tree.county_a, live_campaign, TODAY).total == before_a - 10  # 6 + 4 obligations
    assert subtree_progress(tree.county_b, live_campaign, TODAY).total == before_b + 10


def test_r0_1_only_the_office_above_may_close_a_unit(live_campaign, tree, users, login):
    """R0.1 a liaison, a leader and the office of another county are not offered closing, and are refused."""
    url = reverse("units:unit_close", args=[tree.village_a.pk])
    assert login(users["liaison"]).get(url).status_code == 403
    assert url not in login(users["liaison"]).get(reverse("units:unit_detail",
                                                          args=[tree.village_a.pk])).content.decode()
    assert login(users["county_office_b"]).get(url).status_code == 404
    # an office never closes its own top unit
    assert login(users["county_office"]).get(reverse("units:unit_close", args=[tree.county_a.pk])).status_code == 403
    assert Unit.objects.filter(closed_on__isnull=False).count() == 0


def test_r0_1_a_closed_unit_takes_no_new_records_nor_sub_units(live_campaign, tree, users, login):
    """R0.1 after 塔元庄村 closes, its page offers no new cadre, sub-unit or study session, a forged post is
    refused with nothing written, and an import naming it as a parent is refused row by row."""
    unit_close(user=users["county_office"], unit=tree.village_a, on=TODAY)
    client = login(users["county_office"])
    page = client.get(reverse("units:unit_detail", args=[tree.village_a.pk])).content.decode()
    for name in ("units:cadre_add", "units:unit_add_child", "campaign:study_session_add"):
        assert reverse(name, args=[tree.village_a.pk]) not in page
        assert client.get(reverse(name, args=[tree.village_a.pk])).status_code == 403
    response = client.post(reverse("units:unit_add_child", args=[tree.village_a.pk]), {
        "name": "新组", "code": "130123001001009", "level": Level.VILLAGE, "kind": UnitKind.VILLAGE})
    assert response.status_code == 403 and not Unit.objects.filter(code="130123001001009").exists()
    with pytest.raises(UnitsError):
        import_apply(user=users["county_office"], kind="units", table=[
            ["单位编码", "单位名称", "上级编码", "层级", "单位类型"],
            ["130123001001009", "新组", tree.village_a.code, "村", "村"]])
    # nor does a closed township take a village moved in
    empty = Unit.objects.add_child(tree.county_a, dict(name="空镇", code="130123008", level=Level.TOWNSHIP,
                                                       kind=UnitKind.GRASSROOTS))
    unit_close(user=users["county_office"], unit=empty, on=TODAY)
    with pytest.raises(PermissionDenied):
        unit_move(user=users["prov_office"], unit=Unit.objects.get(pk=tree.village_a.pk),
                  parent=Unit.objects.get(pk=empty.pk))
    assert Unit.objects.get_parent(Unit.objects.get(pk=tree.village_a.pk)) == tree.township_a


def test_r0_1_the_city_office_moves_a_township_and_scope_and_counts_follow(live_campaign, tree, users, login):
    """R0.1 through the page: 石家庄市's office moves 正定镇 (with its village) from 正定县 to 行唐县; 正定县's office
    no longer reaches it, 行唐县's counts it, and 正定县's office is not offered moving its own county."""
    county_a2_office = user_with_role("xingtang_office", "office", tree.county_a2)
    before = subtree_progress(tree.county_a2, live_campaign, TODAY).total
    client = login(users["city_office"])
    page = client.get(reverse("units:unit_detail", args=[tree.township_a.pk])).content.decode()
    url = reverse("units:unit_move", args=[tree.township_a.pk])
    assert url in page
    form = client.get(url).context["form"]
    assert list(form.fields["parent"].queryset) == [tree.county_a2]  # its own county is not offered
    response = client.post(url, {"parent": tree.county_a2.pk}, follow=True)
    assert "正定镇 已移至 行唐县 之下" in response.content.decode()
    assert Unit.objects.get_parent(Unit.objects.get(pk=tree.township_a.pk)) == tree.county_a2
    assert login(users["county_office"]).get(reverse("units:unit_detail",
                                                     args=[tree.township_a.pk])).status_code == 404
    assert login(county_a2_office).get(reverse("campaign:unit_progress",
                                               args=[tree.village_a.pk])).status_code == 200
    assert subtree_progress(tree.county_a2, live_campaign, TODAY).total == before + 10
    own = reverse("units:unit_move", args=[tree.county_a.pk])
    assert own not in login(users["county_office"]).get(reverse("units:unit_detail",
                                                                args=[tree.county_a.pk])).content.decode()
