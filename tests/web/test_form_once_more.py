"""Nothing is stored twice (issue 11, item 3) on the remaining create forms of offices, liaisons and
supervision groups: each sends the one-time token of ``{% form_once %}`` inside its POST form, and its view
(``@web.forms.form_once``) saves a double click or a re-sent form once, sending the second submission where
the first one led (the saved record, or the list it went back to), with a message.

The pages are opened on the records the URL walk builds for them (``tests/walk``), by a role the walk lets
in."""
from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.models import FourWindsProblem, LiaisonMeeting, LiaisonTask, Notice, PosterRecord, StudyPlan
from campaign.models.study import COMPULSORY_TEXT
from feedback.models import Message
from supervision.models import Dispatch, SpecialInspection
from tests.factories import CadreFactory
from tests.walk import collect
from tests.walk.campaign_publicity import tiny_png
from tests.web.test_form_once import assert_second_shows_the_first, post_twice, token_of
from units.models import Cadre, Rank, Unit

PAGES, _NOT_WALKED = collect()


def _days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


# --- every create form sends its token

#: (requirement, url name, a role the walk lets in, the page's query string from the walk's context)
CREATE_FORMS = [
    ("x3", "campaign:notice_create", "city_office", None),
    ("r6_1", "campaign:publicity_column_create", "county_office", None),
    ("r6_1", "campaign:publicity_article_create", "liaison", None),
    ("r6_2", "campaign:press_conference_create", "city_office", None),
    ("r6_4", "campaign:poster_create", "county_office", None),
    ("r6_5", "campaign:media_coverage_create", "county_office", None),
    ("r6_3", "campaign:disciplinary_case_create", "county_office", None),
    ("r5_2", "campaign:liaison_meeting_create", "county_office", None),
    ("r5_2", "campaign:liaison_meeting_minutes", "county_office", None),
    ("r5_2", "campaign:progress_report_submit", "liaison", None),
    ("r5_2", "campaign:instruction_request_create", "liaison", None),
    ("r2_1", "campaign:study_plan_add", "liaison", None),
    ("r3_1", "campaign:problem_add", "liaison", None),
    ("r3_2", "campaign:material_submit", "county_office", None),
    ("r2_7", "campaign:article_request", "prov_office", None),
    ("r2_7", "campaign:article_submit", "county_office", None),
    # without a unit the page shows the unit picker; the letter form comes with the unit chosen
    ("r4_3", "feedback:letter_add", "supervisor", lambda c: {"unit": c.tree.township_a.pk}),
    ("r1_1", "supervision:dispatch_create", "city_office", None),
    ("r3_3", "supervision:inspection_create", "city_office", None),
    ("r5_3", "supervision:cross_create", "city_office", None),
    ("r1_3", "supervision:group_create", "county_office", None),
    ("r1_2", "supervision:spot_check_create", "supervisor", None),
    ("r1_2", "supervision:spot_finding_add", "supervisor", None),
    ("r0_2", "units:cadre_add", "liaison", None),
    ("r0_1", "units:unit_add_child", "county_office", None),
]


@pytest.mark.parametrize("requirement,name,role,query", CREATE_FORMS,
                         ids=[f"{r}-{n.split(':')[1]}" for r, n, _role, _q in CREATE_FORMS])
def test_r0_r1_r2_r3_r4_r5_r6_x3_each_create_form_sends_a_one_time_token(login, users, tree, campaign,
                                                                         requirement, name, role, query):
    """R0.1, R0.2, R1.1-R1.3, R2.1, R2.7, R3.1-R3.3, R4.3, R5.2, R5.3, R6.1-R6.5, X3: the page a browser opens
    has the hidden ``form_once`` token inside its POST form, a new one at each opening (so a double click
    of that form is recognised, and a form opened again is a new submission)."""
    kwargs_of, statuses = PAGES[name]
    assert statuses[role] == 200, f"the walk does not let {role} into {name}"
    ctx = SimpleNamespace(tree=tree, campaign=campaign, users=users, calendar_day=None)
    url = reverse(name, kwargs=kwargs_of(ctx))
    client = login(users[role])
    params = query(ctx) if query else {}
    assert token_of(client.get(url, params)) != token_of(client.get(url, params))


# --- sent twice with one token: stored once, the second submission lands where the first did


def test_x3_a_notice_issued_twice_is_issued_once(login, users, tree, campaign):
    """X3: "Issue" clicked twice on a notice with its PDF (a multipart form): one notice, one file, one set of
    addressees; the second click shows the notice."""
    client = login(users["city_office"])
    _token, first, second = post_twice(client, reverse("campaign:notice_create"), lambda: {
        "issuer": tree.city_a.pk, "number": "石群组发〔2014〕12号", "title": "关于深化学习教育的通知",
        "issued_on": "2014-04-05", "body": "", "addressees": [tree.county_a.pk, tree.county_a2.pk],
        "file": SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                                   content_type="application/pdf")})
    notice = Notice.objects.get()
    assert first.url == notice.get_absolute_url() and notice.file
    assert notice.recipients.count() == 2
    assert_second_shows_the_first(client, first, second)


def test_r4_3_a_letter_recorded_twice_enters_the_pipeline_once(login, users, tree, campaign):
    """R4.3: a supervision group records a letter and clicks twice: one message with one tracking code in the
    county office's queue; the second click shows it."""
    client = login(users["supervisor"])
    _token, first, second = post_twice(client, reverse("feedback:letter_add"), {
        "channel": "letter", "received_by": tree.city_a.pk, "received_on": "2014-04-10", "unit": tree.township_a.pk,
        "category": "extravagance", "text": "镇政府新建办公楼超标", "citizen_name": "来信人", "citizen_phone": ""},
        page=reverse("feedback:letter_add") + f"?unit={tree.township_a.pk}")
    message = Message.objects.get()
    assert first.url == message.get_absolute_url()
    assert_second_shows_the_first(client, first, second)


def test_r3_1_a_problem_recorded_twice_is_in_the_register_once(login, users, tree, campaign):
    """R3.1: a liaison records a four-winds problem with a double click: the register lists it once."""
    client = login(users["liaison"])
    _token, first, second = post_twice(client, reverse("campaign:problem_add", args=[tree.county_a.pk]), {
        "category": "formalism", "route": "masses", "source": "petition", "description": "文山会海，检查评比过多",
        "root_cause": "政绩观出现偏差", "rectification": "", "status": "found", "due_date": "2014-06-30",
        "common_problem": ""})
    assert FourWindsProblem.objects.filter(unit=tree.county_a).count() == 1
    assert first.url == reverse("campaign:problem_unit", args=[tree.county_a.pk])
    assert_second_shows_the_first(client, first, second)


def test_r0_2_a_cadre_added_twice_is_on_record_once(login, users, tree):
    """R0.2: a cadre added with a double click: one cadre of that name in the unit; the second click shows it."""
    client = login(users["liaison"])
    _token, first, second = post_twice(client, reverse("units:cadre_add", args=[tree.county_a.pk]), {
        "name": "张联络", "post": "办公室主任", "rank": "section", "is_party_member": "on"})
    cadre = Cadre.objects.get(name="张联络")
    assert cadre.unit == tree.county_a and first.url == cadre.get_absolute_url()
    assert_second_shows_the_first(client, first, second)


def test_r0_1_a_sub_unit_added_twice_lands_on_the_saved_unit(login, users, tree):
    """R0.1: a sub-unit added with a double click: one unit, and the second click shows it rather than
    refusing its code as taken."""
    client = login(users["county_office"])
    _token, first, second = post_twice(client, reverse("units:unit_add_child", args=[tree.county_a.pk]), {
        "name": "新安镇", "code": "130123002", "level": 4, "kind": "grassroots"})
    unit = Unit.objects.get(code="130123002")
    assert first.url == unit.get_absolute_url()
    assert_second_shows_the_first(client, first, second)


def test_r2_1_a_study_plan_saved_twice_is_one_plan(login, users, tree, campaign):
    """R2.1: a study plan saved with a double click: one plan for the unit; the second click shows it."""
    client = login(users["liaison"])
    _token, first, second = post_twice(client, reverse("campaign:study_plan_add", args=[tree.county_a.pk]), {
        "title": "正定县学习计划", "topics": "焦裕禄精神\n反对四风", "required_texts": COMPULSORY_TEXT,
        "schedule": "每周五下午集中学习", "start_date": "2014-02-01", "end_date": "2014-04-30"})
    plan = StudyPlan.objects.get()
    assert first.url == reverse("campaign:study_plan_detail", args=[plan.pk])
    assert_second_shows_the_first(client, first, second)


def test_r1_1_a_dispatch_recorded_twice_is_one_dispatch(login, users, tree, campaign):
    """R1.1: 石家庄市's office records a dispatch of 正定县's top leader with a double click: one dispatch."""
    client = login(users["city_office"])
    _token, first, second = post_twice(client, reverse("supervision:dispatch_create", args=[tree.county_a.pk]), {
        "date": _days(-1), "way": "on_site", "attitudes": ["complacency", "fear_of_difficulty"],
        "findings": "县委书记满足于面上推进，对查摆问题有畏难情绪。", "follow_up": "一周内报送整改方案。",
        "follow_up_due": _days(6)})
    dispatch = Dispatch.objects.get()
    assert first.url == dispatch.get_absolute_url() and dispatch.attitudes.count() == 2
    assert_second_shows_the_first(client, first, second)


def test_r3_3_an_inspection_created_twice_is_one_inspection(login, users, tree, campaign):
    """R3.3: a special inspection created with a double click: one inspection, its units listed once."""
    chief = CadreFactory(unit=tree.city_a, name="钱厅长", post="市委常委、组织部部长", rank=Rank.DEPARTMENT)
    client = login(users["city_office"])
    _token, first, second = post_twice(client, reverse("supervision:inspection_create"), {
        "title": "听取意见环节专题调研", "organising_unit": tree.city_a.pk, "leader": chief.pk, "topic": "征求意见是否扎实",
        "start_date": _days(0), "end_date": _days(3), "units": [tree.county_a.pk, tree.township_a.pk]})
    inspection = SpecialInspection.objects.get()
    assert first.url == inspection.get_absolute_url() and inspection.rows.count() == 2
    assert_second_shows_the_first(client, first, second)


def test_r6_4_a_poster_with_its_photo_sent_twice_is_one_record(login, users, tree, campaign):
    """R6.4: posters recorded with their photo (a multipart form) and a double click: one record, one photo."""
    client = login(users["county_office"])
    _token, first, second = post_twice(client, reverse("campaign:poster_create"), lambda: {
        "unit": tree.township_a.pk, "kind": "slogan", "wording": "做焦裕禄式的好党员好干部", "site": "镇政府门口",
        "put_up_on": "2014-04-02", "quantity": "3", "photo": SimpleUploadedFile("标语.png", tiny_png())})
    poster = PosterRecord.objects.get()
    assert first.url == poster.get_absolute_url() and poster.photo
    assert_second_shows_the_first(client, first, second)


def test_r5_2_minutes_saved_twice_set_each_action_item_once(login, users, tree, campaign):
    """R5.2: the minutes of a liaison meeting with one action item, saved with a double click: one tracked
    task, not two; the second click shows the meeting."""
    meeting = LiaisonMeeting.objects.create(campaign=campaign, unit=tree.county_a, date=datetime.date(2014, 5, 19),
                                            title="每周联络员会议")
    client = login(users["county_office"])
    _token, first, second = post_twice(client, reverse("campaign:liaison_meeting_minutes", args=[meeting.pk]), {
        "minutes": "会议纪要", "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "30", "items-0-text": "正定镇补开专题讨论会", "items-0-owner_unit": tree.township_a.pk,
        "items-0-due_date": "2014-05-23"})
    assert list(LiaisonTask.objects.values_list("text", flat=True)) == ["正定镇补开专题讨论会"]
    assert first.url == meeting.get_absolute_url()
    assert_second_shows_the_first(client, first, second)
