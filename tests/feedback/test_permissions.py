"""R4 who may do what (feedback/permissions.py) and what a page shows about other units (DESIGN "Who may
do what — one home", "Scoping"): no page offers a link that answers 403; a forged request is a 404 out of
scope and a 403 in scope, and writes nothing; 迁安市 (county B) sees nothing of 正定县 (county A) through a
digest, a forwarded or merged message, the coverage table, the compliance list or the stays, and the reverse.
"""
from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse

from feedback.models import FieldResearchStay, Message, MessageStatus, OfficeDigest, OpinionSession
from feedback.services import listening
from feedback.services import messages as services
from tests.factories import user_with_role
from tests.feedback.conftest import TODAY, records_of

pytestmark = pytest.mark.django_db

D = datetime.date


def submit(campaign, unit, text="反映问题") -> Message:
    return services.message_submit(campaign=campaign, unit=unit, category="formalism", text=text)


def session(campaign, unit, group="old_cadres") -> OpinionSession:
    return listening.opinion_session_record(
        campaign=campaign, unit=unit, today=D(2014, 4, 30), by=None,
        fields={"target_group": group, "held_on": D(2014, 3, 10), "form": "座谈会", "people_count": 9,
                "opinion_count": 3, "summary": "会议多"})


def stay(campaign, cadre, host) -> FieldResearchStay:
    return listening.stay_record(campaign=campaign, cadre=cadre, host_unit=host, start_date=D(2014, 4, 1),
                                 end_date=D(2014, 4, 3), findings="蹲点", today=D(2014, 4, 30), by=None)


def digest(office) -> OfficeDigest:
    made = OfficeDigest(office_unit=office, iso_year=2014, iso_week=16, period_start=D(2014, 4, 14),
                        period_end=D(2014, 4, 20))
    made.pdf.save("digest.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    made.xlsx.save("digest.xlsx", ContentFile(b"PK test"), save=False)
    made.save()
    return made


@pytest.fixture
def records(campaign, tree):
    """A session, a stay and a forwarded message of each county."""
    cadre_b = tree.cadre_b
    forwarded = {}
    for key, county, township, cadre in (("a", tree.county_a, tree.township_a, tree.cadre_a),
                                         ("b", tree.county_b, tree.township_b, cadre_b)):
        message = submit(campaign, county, f"县{key}的留言")
        services.message_forward(message=message, campaign=campaign, unit=township, cadre=None, today=TODAY, by=None)
        forwarded[key] = message
    return {
        "session_a": session(campaign, tree.county_a), "session_b": session(campaign, tree.county_b),
        "stay_a": stay(campaign, tree.cadre_a, tree.village_a), "stay_b": stay(campaign, cadre_b, tree.township_b),
        "message_a": forwarded["a"], "message_b": forwarded["b"], "cadre_b": cadre_b,
    }


# --- the issue: a leader was shown edit links that answer 403

def test_r4_2_a_leader_is_offered_no_edit_link_of_a_session(records, users, login):
    edit = reverse("feedback:opinion_edit", args=[records["session_a"].pk])
    delete = reverse("feedback:opinion_delete", args=[records["session_a"].pk])
    body = login(users["leader"]).get(reverse("feedback:opinions")).content.decode()
    assert f'id="session-{records["session_a"].pk}"' in body  # the leader reads the session…
    assert edit not in body and delete not in body             # …and is offered nothing to do with it
    office = login(users["county_office"]).get(reverse("feedback:opinions")).content.decode()
    assert edit in office and delete in office


def test_r4_1_a_leader_is_offered_no_edit_link_of_a_stay(records, users, login):
    edit = reverse("feedback:stay_edit", args=[records["stay_a"].pk])
    body = login(users["leader"]).get(reverse("feedback:stays")).content.decode()
    assert f'id="stay-{records["stay_a"].pk}"' in body and edit not in body
    assert edit in login(users["county_office"]).get(reverse("feedback:stays")).content.decode()


def test_r4_1_the_host_unit_reads_a_stay_but_is_offered_no_edit_link(campaign, tree, users, login):
    """A stay of 正定县's secretary at 迁安镇: 迁安市's office sees it (it was at their unit) but may not correct it."""
    hosted = stay(campaign, tree.cadre_a, tree.township_b)
    body = login(users["county_office_b"]).get(reverse("feedback:stays")).content.decode()
    assert f'id="stay-{hosted.pk}"' in body
    assert reverse("feedback:stay_edit", args=[hosted.pk]) not in body
    assert login(users["county_office_b"]).get(reverse("feedback:stay_edit", args=[hosted.pk])).status_code == 403


HREF = re.compile(r'href="(/feedback/[^"?#]*)')


@pytest.mark.parametrize("role", ["leader", "supervisor", "liaison", "county_office", "county_office_b",
                                  "city_office"])
def test_r4_4_no_feedback_page_offers_a_link_that_answers_403(role, records, campaign, tree, users, login):
    client = login(users[role])
    received = submit(campaign, tree.county_a, "待分办")
    answered = records["message_a"]
    services.message_answer(message=answered, text="已办", by=None)
    digest(tree.county_a)
    pages = [reverse(name) for name in ("feedback:messages", "feedback:opinions", "feedback:opinion_coverage",
                                        "feedback:research_compliance", "feedback:stays", "feedback:digests")]
    pages += [m.get_absolute_url() for m in (received, answered, records["message_b"])]
    offered = set()
    for page in pages:
        response = client.get(page, {"show": "all"} if page.endswith("/messages/") else {})
        if response.status_code == 200:
            offered |= set(HREF.findall(response.content.decode()))
    assert offered
    forbidden = {url for url in offered if client.get(url).status_code == 403}
    assert forbidden == set()


# --- forged requests: 404 out of scope, 403 in scope, nothing written

def test_r4_2_forged_posts_write_nothing(records, users, login):
    kept = records["session_a"]
    url = reverse("feedback:opinion_delete", args=[kept.pk])
    assert login(users["county_office_b"]).post(url).status_code == 404
    assert login(users["leader"]).post(url).status_code == 403
    edit = reverse("feedback:opinion_edit", args=[kept.pk])
    data = {"target_group": "regulated", "held_on": "2014-03-11", "people_count": "99", "opinion_count": "1"}
    assert login(users["leader"]).post(edit, data).status_code == 403
    kept.refresh_from_db()
    assert (kept.target_group, kept.people_count) == ("old_cadres", 9)


def test_r4_1_forged_stay_posts_write_nothing(records, tree, users, login):
    mine = records["stay_a"]
    data = {"host_unit": tree.township_a.pk, "start_date": "2014-04-01", "end_date": "2014-04-02", "findings": "改"}
    assert login(users["county_office_b"]).post(reverse("feedback:stay_edit", args=[mine.pk]), data).status_code == 404
    assert login(users["leader"]).post(reverse("feedback:stay_edit", args=[mine.pk]), data).status_code == 403
    assert login(users["leader"]).post(reverse("feedback:stay_delete", args=[mine.pk])).status_code == 403
    mine.refresh_from_db()
    assert (mine.host_unit, mine.days) == (tree.village_a, 3)


def test_r4_4_forged_message_steps_write_nothing(records, tree, users, login):
    message = records["message_b"]  # 迁安市's, forwarded to 迁安镇
    url = reverse("feedback:message_forward", args=[message.pk])
    assert login(users["county_office"]).post(url, {"unit": tree.county_a.pk}).status_code == 404
    assert login(users["leader"]).post(url, {"unit": message.unit.pk}).status_code == 403
    assert login(users["liaison"]).post(reverse("feedback:message_answer", args=[message.pk]),
                                        {"text": "越权答复"}).status_code == 404
    message.refresh_from_db()
    assert (message.status, message.assigned_unit, message.answer) == (MessageStatus.FORWARDED, tree.township_b, "")


def test_r4_4_services_check_the_permission_themselves(records, campaign, tree, users):
    """The API and the pages share the services: a user without the permission is refused there too."""
    message = submit(campaign, tree.county_a)
    with pytest.raises(PermissionDenied):
        services.message_forward(message=message, campaign=campaign, unit=tree.county_a, cadre=None, today=TODAY,
                                 by=users["liaison"])
    with pytest.raises(PermissionDenied):
        services.message_reject(message=message, reason="不归我们管", by=users["county_office_b"])
    with pytest.raises(PermissionDenied):
        listening.stay_delete(stay=records["stay_a"], by=users["leader"])
    with pytest.raises(PermissionDenied):
        listening.opinion_session_record(campaign=campaign, unit=tree.county_a, today=D(2014, 4, 30),
                                         by=users["county_office_b"], fields={})
    message.refresh_from_db()
    assert message.status == MessageStatus.RECEIVED
    assert FieldResearchStay.objects.filter(pk=records["stay_a"].pk).exists()


# --- visibility through relations: county B sees nothing of county A, and the reverse

@pytest.mark.parametrize("viewer, mine, theirs", [("county_office", "a", "b"), ("county_office_b", "b", "a")])
def test_r4_4_digests_per_office_stay_in_the_subtree(viewer, mine, theirs, tree, users, login):
    digests = {"a": digest(tree.county_a), "b": digest(tree.county_b)}
    client = login(users[viewer])
    assert {d.pk for d in records_of(client.get(reverse("feedback:digests")))} == {digests[mine].pk}
    # naming the other office in the filter shows nothing of it
    other = digests[theirs].office_unit_id
    assert records_of(client.get(reverse("feedback:digests"), {"office": other})) == []
    assert client.get(reverse("feedback:digest_download", args=[digests[theirs].pk, "pdf"])).status_code == 404
    assert client.get(reverse("feedback:digest_download", args=[digests[mine].pk, "pdf"])).status_code == 200


@pytest.mark.parametrize("viewer, mine, theirs", [("county_office", "a", "b"), ("county_office_b", "b", "a")])
def test_r4_4_messages_forwarded_to_units_stay_in_the_subtree(viewer, mine, theirs, records, users, login):
    client = login(users[viewer])
    listed = {m.pk for m in records_of(client.get(reverse("feedback:messages"), {"show": "all"}))}
    assert listed == {records[f"message_{mine}"].pk}
    assert client.get(records[f"message_{theirs}"].get_absolute_url()).status_code == 404
    figures = client.get(reverse("feedback:messages")).context["figures"]
    assert (figures.total, figures.forwarded) == (1, 1)


def test_r4_4_a_message_shows_merged_duplicates_only_within_the_scope(campaign, tree, users, login):
    """行唐县 has no office: its messages and 石家庄市's own go to the city's office, which may merge them.
    行唐县's liaison sees its message, but not the one about 石家庄市 merged into it, nor a link that 404s."""
    liaison = user_with_role("liaison_a2", "liaison", tree.county_a2)
    about_county = submit(campaign, tree.county_a2, "行唐县的留言")
    about_city = submit(campaign, tree.city_a, "石家庄市的留言（重复）")
    services.message_merge(message=about_city, into=about_county, by=users["city_office"])
    client = login(liaison)
    page = client.get(about_county.get_absolute_url())
    assert list(page.context["duplicates"]) == []
    assert about_city.get_absolute_url() not in page.content.decode()
    assert "石家庄市的留言（重复）" not in page.content.decode()
    assert list(login(users["city_office"]).get(about_county.get_absolute_url()).context["duplicates"]) == [
        about_city]
    # the other way round: a duplicate about 行唐县 merged into the city's message names it without a link
    city_first = submit(campaign, tree.city_a, "石家庄市的留言")
    county_dup = submit(campaign, tree.county_a2, "行唐县的留言（重复）")
    services.message_merge(message=county_dup, into=city_first, by=users["city_office"])
    body = login(liaison).get(county_dup.get_absolute_url()).content.decode()
    assert city_first.tracking_code in body and city_first.get_absolute_url() not in body


@pytest.mark.parametrize("viewer, mine, theirs", [("county_office", "county_a", "county_b"),
                                                  ("county_office_b", "county_b", "county_a")])
def test_r4_2_opinion_coverage_stays_in_the_subtree(viewer, mine, theirs, records, tree, users, login):
    client = login(users[viewer])
    response = client.get(reverse("feedback:opinion_coverage"))
    shown = set(response.context["table"].coverage)
    assert getattr(tree, mine).pk in shown and getattr(tree, theirs).pk not in shown
    summary = {value: units for value, _label, units, _p, _o in response.context["summary"]}
    assert summary["old_cadres"] == 1  # its own session only
    named = client.get(reverse("feedback:opinion_coverage"), {"unit": getattr(tree, theirs).name})
    assert named.context["table"].coverage == {}
    assert {s.unit for s in records_of(client.get(reverse("feedback:opinions")))} == {getattr(tree, mine)}


@pytest.mark.parametrize("viewer, mine, theirs", [("county_office", "a", "b"), ("county_office_b", "b", "a")])
def test_r4_1_research_compliance_and_stays_stay_in_the_subtree(viewer, mine, theirs, records, tree, users, login):
    cadres = {"a": tree.cadre_a, "b": records["cadre_b"]}
    client = login(users[viewer])
    response = client.get(reverse("feedback:research_compliance"), {"everyone": "on"})
    assert {c.pk for c in records_of(response)} == {cadres[mine].pk}
    assert response.context["figures"].required == 1
    assert records_of(client.get(reverse("feedback:research_compliance"),
                                 {"everyone": "on", "unit": cadres[theirs].unit.name})) == []
    assert {s.pk for s in records_of(client.get(reverse("feedback:stays")))} == {records[f"stay_{mine}"].pk}
    assert client.get(reverse("feedback:stay_add", args=[cadres[theirs].pk])).status_code == 404


# --- filters: one meaning for a unit, and a value that does not parse is a field error

def test_r4_4_the_unit_filter_means_name_or_code_contains(records, tree, users, login):
    client = login(users["city_office"])
    by_name = client.get(reverse("feedback:messages"), {"show": "all", "unit": "正定"})
    assert {m.pk for m in records_of(by_name)} == {records["message_a"].pk}
    by_code = client.get(reverse("feedback:messages"), {"show": "all", "unit": tree.county_a.code[:6]})
    assert {m.pk for m in records_of(by_code)} == {records["message_a"].pk}
    # within the viewer's subtree only: 迁安市 is outside 石家庄市's
    assert records_of(client.get(reverse("feedback:messages"), {"show": "all", "unit": "迁安"})) == []


@pytest.mark.parametrize("name, params", [
    ("feedback:messages", {"status": "lost"}),
    ("feedback:messages", {"channel": "pigeon"}),
    ("feedback:opinions", {"held_after": "not-a-date"}),
    ("feedback:opinion_coverage", {"level": "99"}),
    ("feedback:stays", {"held_after": "x"}),  # not a filter of this list: ignored
    ("feedback:digests", {"office": "abc"}),
])
def test_r4_4_a_filter_value_that_does_not_parse_is_a_field_error(name, params, records, users, login):
    response = login(users["county_office"]).get(reverse(name), params)
    assert response.status_code == 200
    if name == "feedback:stays":
        assert records_of(response)
    else:
        assert response.context["filter"].errors and records_of(response) == []


def test_r4_4_lists_show_the_newest_first(campaign, tree, users, login):
    older = services.message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="旧",
                                    received_on=D(2014, 4, 1))
    newer = services.message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="新",
                                    received_on=D(2014, 4, 10))
    same_day = services.message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="同日",
                                       received_on=D(2014, 4, 10))
    client = login(users["county_office"])
    assert [m.pk for m in records_of(client.get(reverse("feedback:messages"), {"show": "all"}))] == [
        same_day.pk, newer.pk, older.pk]
    weeks = []
    for week in (15, 16):
        made = OfficeDigest(office_unit=tree.county_a, iso_year=2014, iso_week=week, period_start=D(2014, 4, 7),
                            period_end=D(2014, 4, 13))
        made.save()
        weeks.append(made)
    assert [d.iso_week for d in records_of(client.get(reverse("feedback:digests")))] == [16, 15]


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "999"}, {"sort": "nonsense"}, {"sort": "-unit"}])
def test_r4_4_a_bad_page_or_sort_still_shows_the_list(params, records, users, login):
    client = login(users["county_office"])
    for name in ("feedback:messages", "feedback:opinions", "feedback:opinion_coverage",
                 "feedback:research_compliance", "feedback:stays", "feedback:digests"):
        assert client.get(reverse(name), params).status_code == 200, name


def test_r4_4_within_limits_each_list_to_a_subtree_of_the_scope(records, tree, users, login):
    """A dashboard figure links to ``?within=<code>``: that unit's subtree, and nothing for a unit out of scope."""
    city = login(users["city_office"])
    assert {m.pk for m in records_of(city.get(reverse("feedback:messages"),
                                              {"show": "all", "within": tree.county_a.code}))} == {
        records["message_a"].pk}
    assert {s.pk for s in records_of(city.get(reverse("feedback:stays"), {"within": tree.county_a.code}))} == {
        records["stay_a"].pk}
    assert {c.pk for c in records_of(city.get(reverse("feedback:research_compliance"),
                                              {"everyone": "on", "within": tree.county_a.code}))} == {tree.cadre_a.pk}
    other = login(users["county_office_b"])
    for name in ("feedback:messages", "feedback:opinions", "feedback:opinion_coverage", "feedback:stays",
                 "feedback:research_compliance"):
        assert records_of(other.get(reverse(name), {"show": "all", "everyone": "on",
                                                    "within": tree.county_a.code})) == [], name
