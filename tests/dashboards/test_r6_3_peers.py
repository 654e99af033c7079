"""R6.3 ranking among peers (issue 11): cities among cities and counties among counties, units that reported
nothing shown apart and flagged to their office when a criticism is confirmed, ties ordered by a stated second
key, reasons stored in Chinese whatever the leader's language, closed units not ranked."""
from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaign.models import Campaign, CriticismEntry, Notification, Obligation, PublicCriticism, StudySession
from campaign.services.campaign import obligations_generate
from dashboards.selectors.ranking import candidate_shares
from tests.dashboards.builders import seed
from tests.factories import add, user_with_role
from units.models import Level, UnitKind

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def seeded(tree, campaign):
    return seed(tree, campaign)


def ranking_url(unit) -> str:
    return reverse("dashboards:unit_ranking", args=[unit.pk])


def confirm_url(unit) -> str:
    return reverse("dashboards:criticism_confirm", args=[unit.pk])


def _silent_county(tree, campaign, parent=None, name="灵寿县", code="130126"):
    """A county with its obligations all overdue and nothing recorded: the worst score, were it scored."""
    county = add(parent or tree.city_a, name=name, code=code, level=Level.COUNTY, kind=UnitKind.PARTY_COMMITTEE)
    obligations_generate(campaign=campaign)
    Obligation.objects.filter(unit=county).update(due_date=timezone.localdate() - datetime.timedelta(days=3),
                                                  completed_on=None)
    return county


def _confirm_data(ranking, number: str) -> dict:
    """The confirmation form as the page offers it: the ticked candidates with their reasons, unchanged."""
    data = {"number": number, "title": "关于对活动组织不力单位的通报批评"}
    for row in ranking.candidates:
        data[f"pick_{row.unit.pk}"] = "on"
        data[f"reason_{row.unit.pk}"] = row.document_reason_text
    return data


def test_r6_3_a_province_sees_cities_and_counties_in_two_lists_a_city_its_counties(tree, users, seeded, login):
    client = login(users["leader"])
    province = client.get(ranking_url(tree.province))
    assert [(p.level, {r.unit for r in p.rows}) for p in province.context["r"].lists] == [
        (Level.CITY, {tree.city_a, tree.city_b}), (Level.COUNTY, {tree.county_a, tree.county_a2, tree.county_b})]
    html = province.content.decode()
    assert f'id="peers-{Level.CITY}"' in html and f'id="peers-{Level.COUNTY}"' in html
    city = client.get(ranking_url(tree.city_a)).context["r"]
    assert [(p.level, [r.unit for r in p.rows]) for p in city.lists] == [
        (Level.COUNTY, [r.unit for r in city.rows])]
    assert {r.unit for r in city.rows} == {tree.county_a, tree.county_a2}
    assert [r.rank for r in city.rows] == [1, 2]


def test_r6_3_candidates_are_shared_among_the_lists_by_their_size():
    """About ten units: 11 cities and 33 counties give 3 and 7 (equal remainders: the higher level); 11 cities
    and 170 counties give 1 and 9; a list never proposes more units than it ranks."""
    assert candidate_shares([11, 33], 10) == [3, 7]
    assert candidate_shares([11, 170], 10) == [1, 9]
    assert candidate_shares([2, 3], 2) == [1, 1]
    assert candidate_shares([0, 5], 3) == [0, 3]
    assert candidate_shares([1, 1], 5) == [1, 1]
    assert candidate_shares([], 10) == []


def test_r6_3_a_unit_that_reported_nothing_is_listed_apart_not_scored_nor_proposed(tree, users, campaign, seeded,
                                                                                  login):
    """灵寿县 has every obligation overdue and nothing recorded: before, it scored worst and headed the
    candidates; now it is "not reporting", without a score or a position, and no candidate for that."""
    silent = _silent_county(tree, campaign)
    Campaign.objects.update(criticism_count=2)
    response = login(users["leader"]).get(ranking_url(tree.province))
    ranking = response.context["r"]
    counties = ranking.lists[1]
    assert [row.unit for row in counties.not_reporting] == [silent]
    assert silent not in {row.unit for row in counties.rows}
    row = counties.not_reporting[0]
    assert (row.reporting, row.score, row.rank) == (False, None, 0)
    assert row.figures.obligations_overdue > 0  # it owes: not reporting is not "nothing to measure"
    assert silent not in {r.unit for r in ranking.candidates + ranking.offered}
    assert [r.rank for r in counties.rows] == [1, 2, 3]
    html = response.content.decode()
    assert f'id="not-reporting-{Level.COUNTY}"' in html and f'id="silent-{silent.pk}"' in html
    assert f'id="rank-{silent.pk}"' not in html


def test_r6_3_one_study_session_is_reporting(tree, users, campaign, seeded, login):
    """"Reported nothing" means nothing at all: a single study session below every minimum (no obligation done,
    no leader at the minimum) makes the county a reporting unit, scored and ranked."""
    county = _silent_county(tree, campaign)
    StudySession.objects.create(campaign=campaign, unit=county, kind="central_group", date=campaign.start_date,
                                topic="学习", hours=2)
    ranking = login(users["leader"]).get(ranking_url(tree.province)).context["r"]
    assert ranking.not_reporting == []
    assert county in {row.unit for row in ranking.lists[1].rows}


def test_r6_3_the_office_over_a_unit_not_reporting_is_told_once_a_day_when_a_criticism_is_confirmed(
        tree, users, campaign, seeded, login):
    """Reading the ranking writes nothing; confirming tells the office of the silent county's city (not the
    province's) once; confirming a second criticism the same day tells no one again."""
    silent = _silent_county(tree, campaign)
    city_colleague = user_with_role("city_office_2", "office", tree.city_a)
    notes = Notification.objects.filter(url=reverse("campaign:unit_progress", args=[silent.pk]))
    client = login(users["leader"])
    before = Notification.objects.count()
    client.get(ranking_url(tree.province))
    page = client.get(confirm_url(tree.province))
    assert Notification.objects.count() == before  # a GET writes nothing
    assert f'data-unit="{silent.pk}"' in page.content.decode()  # named as the office to be told
    response = client.post(confirm_url(tree.province), _confirm_data(page.context["r"], "冀群组发〔2014〕40号"))
    assert response.status_code == 302
    assert sorted(notes.values_list("user_id", flat=True)) == sorted([users["city_office"].pk, city_colleague.pk])
    assert all(silent.name in note.title for note in notes)
    client.post(confirm_url(tree.province), _confirm_data(page.context["r"], "冀群组发〔2014〕41号"))
    assert PublicCriticism.objects.count() == 2
    assert notes.count() == 2  # still one per office user


def test_r6_3_ties_are_ordered_by_progress_then_unit_code_as_the_page_says(tree, users, seeded, login):
    """All the weight on answers to the public, which every unit gives alike: every county ties. With every
    obligation done, the unit code orders them; with one of 正定县's overdue, its lower progress puts it last."""
    Campaign.objects.update(rank_weight_progress=0, rank_weight_study=0, rank_weight_exam=0, rank_weight_cards=0,
                            rank_weight_messages=100)
    Obligation.objects.update(completed_on=timezone.localdate())
    client = login(users["leader"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(ranking_url(tree.province))
    counties = response.context["r"].lists[1]
    assert len({row.score for row in counties.rows}) == 1 and all(row.tied for row in counties.rows)
    assert [row.unit for row in counties.rows] == [tree.county_a, tree.county_a2, tree.county_b]  # 130123, 130125, 130283
    assert ('<div class="text-muted small" id="tie-rule">Equal scores are ordered by the higher progress score, '
            'then by the unit code.</div>') in response.content.decode()
    Obligation.objects.filter(pk=Obligation.objects.filter(unit=tree.county_a).values("pk")[:1]).update(
        completed_on=None, due_date=timezone.localdate() - datetime.timedelta(days=1))
    counties = client.get(ranking_url(tree.province)).context["r"].lists[1]
    assert len({row.score for row in counties.rows}) == 1
    assert [row.unit for row in counties.rows] == [tree.county_a2, tree.county_b, tree.county_a]
    assert [row.rank for row in counties.rows] == [1, 2, 3]


def test_r6_3_reasons_are_stored_in_chinese_when_the_leader_reads_english(tree, users, seeded, login):
    """The leader's pages are in English; the reasons the form starts from, and so the stored ones, are the
    document's language (settings.LANGUAGE_CODE)."""
    Campaign.objects.update(criticism_count=2)
    client = login(users["leader"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ranking_page = client.get(ranking_url(tree.province))
    candidate = ranking_page.context["r"].candidates[0]
    assert candidate.reason_text and not HAN.search(candidate.reason_text)  # the leader reads English
    page = client.get(confirm_url(tree.province))
    assert "Confirm the public criticism" in page.content.decode()
    form = page.context["form"]
    data = {"number": "冀群组发〔2014〕42号", "title": form["title"].value()}
    for row in page.context["r"].candidates:
        data[f"pick_{row.unit.pk}"] = "on"
        data[f"reason_{row.unit.pk}"] = form[f"reason_{row.unit.pk}"].value()  # as offered, unedited
    assert client.post(confirm_url(tree.province), data).status_code == 302
    entries = list(CriticismEntry.objects.order_by("order"))
    assert len(entries) == 2
    for entry in entries:
        assert HAN.search(entry.reason), entry.reason
        assert not re.search(r"[A-Za-z]{3,}", entry.reason), entry.reason
    assert HAN.search(PublicCriticism.objects.get().title)


def test_r6_3_closed_units_are_not_ranked(tree, users, seeded, login):
    """A county closed during the campaign is neither ranked nor listed as not reporting."""
    tree.county_a2.closed_on = timezone.localdate()
    tree.county_a2.save(update_fields=["closed_on"])
    ranking = login(users["leader"]).get(ranking_url(tree.province)).context["r"]
    listed = {row.unit for row in ranking.rows + ranking.not_reporting}
    assert tree.county_a2 not in listed
    assert {tree.county_a, tree.county_b, tree.city_a, tree.city_b} <= listed


def test_r6_3_without_an_office_at_the_parent_the_next_office_up_is_told(tree, users, campaign, seeded):
    """A silent county of 唐山市, which has no office user: the province's office is told; one who may not
    confirm a criticism may not send these either."""
    from campaign.errors import CampaignError
    from campaign.services.criticism import not_reporting_notify

    silent = _silent_county(tree, campaign, parent=tree.city_b, name="滦南县", code="130224")
    told = not_reporting_notify(user=users["leader"], campaign=campaign, issuer=tree.province, units=[silent])
    notes = Notification.objects.filter(url=reverse("campaign:unit_progress", args=[silent.pk]))
    assert told == 1 and list(notes.values_list("user_id", flat=True)) == [users["prov_office"].pk]
    assert not_reporting_notify(user=users["leader"], campaign=campaign, issuer=tree.province, units=[silent]) == 0
    with pytest.raises(CampaignError):
        not_reporting_notify(user=users["prov_office"], campaign=campaign, issuer=tree.province, units=[silent])
    assert notes.count() == 1


def test_r6_3_a_leader_tells_the_offices_of_units_not_reporting_without_a_criticism(
        tree, users, campaign, seeded, login):
    """R6.3 the ranking page's "tell their offices" button: the city office over the silent county is told once
    a day, without any criticism confirmed; an office (who may not confirm) is not offered the button."""
    silent = _silent_county(tree, campaign)
    notes = Notification.objects.filter(url=reverse("campaign:unit_progress", args=[silent.pk]))
    url = reverse("dashboards:not_reporting_flag", args=[tree.province.pk])
    assert url not in login(users["prov_office"]).get(ranking_url(tree.province)).content.decode()
    client = login(users["leader"])
    assert url in client.get(ranking_url(tree.province)).content.decode()
    first = client.post(url, follow=True)
    assert "已通知 1 个未报送单位的上级活动办公室" in first.content.decode()
    assert list(notes.values_list("user_id", flat=True)) == [users["city_office"].pk]
    again = client.post(url, follow=True)
    assert notes.count() == 1 and "今天已通知过" in again.content.decode()
    assert not PublicCriticism.objects.exists()
