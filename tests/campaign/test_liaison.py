"""R5.2 liaison: the weekly liaison officers' meeting with an agenda built from what is overdue, minutes whose
action items become tracked tasks, periodic progress reports (schedule, matrix, a reminder sweep that sends each
reminder once) and requests for instructions with answer and status."""
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from campaign.errors import CampaignError
from campaign.models import (
    AgendaItem,
    Exam,
    ExamResult,
    InstructionRequest,
    LiaisonMeeting,
    LiaisonTask,
    Notification,
    Obligation,
    ProgressReport,
    ProgressReportReminder,
    ProgressReportSchedule,
)
from campaign.selectors import liaison as selectors
from campaign.services import liaison as svc
from campaign.services.campaign import obligation_fulfil
from reports.excel import read_table
from tests.factories import CadreFactory, add
from units.models import Level, UnitKind

D = datetime.date
AFTER_BOTH_STAGES = D(2014, 5, 20)  # the city/county (30 April) and grassroots (15 May) study stages are over


def _meeting(users, tree, campaign, *, date=D(2014, 5, 19), today=AFTER_BOTH_STAGES, free=""):
    return svc.liaison_meeting_create(user=users["county_office"], campaign=campaign, unit=tree.county_a, date=date,
                                      title="每周联络员会议", free_items=free, today=today)


def _listed(response) -> list:
    """The records of the page of a list (its django-tables2 table)."""
    return [row.record for row in response.context["table"].paginated_rows]


def _items(meeting, source):
    return list(AgendaItem.objects.filter(meeting=meeting, source=source).order_by("order"))


# --- the agenda


def test_r5_2_agenda_lists_the_overdue_obligations_of_the_office_subtree_only(users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    overdue = _items(meeting, "overdue_obligations")
    # one item per kind, most units first: only the four-winds list is owed by all three levels —
    # 正定县 (due 30 April), 正定镇 and 塔元庄村 (due 15 May)
    assert [(item.count, item.detail) for item in overdue if item.count == 3] == [(3, "正定县、正定镇、塔元庄村")]
    assert overdue[0].count == 3
    assert sorted(item.detail for item in overdue if item.count == 2) == ["正定县、正定镇", "正定县、正定镇"] + [
        "正定镇、塔元庄村"] * 3
    assert all(item.link == reverse("campaign:unit_progress", args=[tree.county_a.pk]) for item in overdue)
    # 行唐县 is 正定县's sibling: not on 正定县's agenda
    assert not any("行唐县" in item.detail for item in meeting.agenda_items.all())


def test_r5_2_agenda_counts_study_shortfall_and_owed_make_up_study(users, tree, campaign):
    exam = Exam.objects.create(campaign=campaign, unit=tree.county_a, title="正定县领导干部考试", date=D(2014, 4, 20))
    ExamResult.objects.create(exam=exam, cadre=tree.cadre_a, score=50, passed=False)
    meeting = _meeting(users, tree, campaign)
    [study] = _items(meeting, "study_shortfall")
    assert study.count == 1  # 王正定, county top leader, no session against a minimum of 3
    assert study.link == reverse("campaign:study_shortfall") + "?unit=130123"
    [makeup] = _items(meeting, "exam_makeup")
    assert makeup.count == 1 and makeup.link.endswith("?unit=130123")


def test_r5_2_before_the_study_stage_ends_nobody_is_short_yet(users, tree, campaign):
    meeting = _meeting(users, tree, campaign, date=D(2014, 4, 21), today=D(2014, 4, 21))
    assert not _items(meeting, "study_shortfall")
    assert not _items(meeting, "overdue_obligations")


def test_r5_2_refreshing_the_agenda_follows_what_was_done_and_keeps_the_office_items(users, tree, campaign):
    meeting = _meeting(users, tree, campaign, free="研究下周督导安排\n\n通报宣传工作")
    before = sum(item.count for item in _items(meeting, "overdue_obligations"))
    for kind in ("four_winds_list", "enlarged_meeting"):
        obligation_fulfil(campaign=campaign, unit=tree.county_a, kind=kind, on=D(2014, 5, 1))
    svc.liaison_agenda_refresh(user=users["county_office"], meeting=meeting, today=AFTER_BOTH_STAGES)
    assert sum(item.count for item in _items(meeting, "overdue_obligations")) == before - 2
    items = list(meeting.agenda_items.order_by("order"))
    assert [i.title for i in items if i.source == "free"] == ["研究下周督导安排", "通报宣传工作"]
    assert items[-1].source == "free" and items[-2].source == "free"  # still after the automatic items


def test_r5_2_agenda_shows_missing_reports_open_requests_and_overdue_action_items(users, tree, campaign):
    svc.progress_schedule_set(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                              frequency="weekly", due_weekday=4, due_day=25, starts_on=D(2014, 5, 5),
                              today=D(2014, 5, 5))
    InstructionRequest.objects.create(campaign=campaign, unit=tree.township_a, addressee=tree.county_a,
                                      title="关于村级活动经费的请示", body="请示内容")
    earlier = _meeting(users, tree, campaign, date=D(2014, 5, 12), today=D(2014, 5, 12))
    LiaisonTask.objects.create(meeting=earlier, text="收集塔元庄村群众意见", owner_unit=tree.township_a,
                               due_date=D(2014, 5, 16))
    meeting = _meeting(users, tree, campaign)
    [missing] = _items(meeting, "missing_reports")
    assert missing.count == 1 and missing.detail == "正定镇"  # the report due 16 May never came
    [requests] = _items(meeting, "open_requests")
    assert requests.count == 1 and "关于村级活动经费的请示" in requests.detail
    [tasks] = _items(meeting, "overdue_tasks")
    assert tasks.count == 1 and "收集塔元庄村群众意见" in tasks.detail


def _grow(tree, campaign, count: int, start: int) -> None:
    """Add townships below 正定县, each owing overdue obligations and with a leader short of study."""
    for n in range(start, start + count):
        town = add(tree.county_a, name=f"新镇{n}", code=f"13012309{n:03d}", level=Level.TOWNSHIP,
                   kind=UnitKind.GRASSROOTS)
        Obligation.objects.bulk_create([Obligation(campaign=campaign, unit=town, kind=kind, due_date=D(2014, 5, 15))
                                        for kind in ("collective_study", "party_lecture", "four_winds_list")])
        CadreFactory(unit=town, name=f"镇长{n}", is_team_member=True)
        tree.county_a.refresh_from_db()


def test_r5_2_agenda_is_built_in_a_fixed_number_of_queries(tree, campaign, django_assert_max_num_queries):
    _grow(tree, campaign, 2, 0)
    with django_assert_max_num_queries(11) as small:
        entries = selectors.agenda_for(tree.county_a, campaign, AFTER_BOTH_STAGES)
    assert entries
    _grow(tree, campaign, 25, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        selectors.agenda_for(tree.county_a, campaign, AFTER_BOTH_STAGES)


# --- meetings through the pages


def test_r5_2_county_office_calls_a_meeting_through_the_form(login, users, tree, campaign):
    client = login(users["county_office"])
    response = client.post(reverse("campaign:liaison_meeting_create"), {
        "unit": tree.county_a.pk, "date": "2014-05-19", "title": "第三次联络员会议", "location": "县委三楼会议室",
        "attendees": [users["liaison"].pk], "guest_names": "张三（正定镇联络员）", "free_items": "安排宣传报道"})
    meeting = LiaisonMeeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert list(meeting.attendees.all()) == [users["liaison"]] and meeting.guest_list == ["张三（正定镇联络员）"]
    page = client.get(meeting.get_absolute_url())
    assert page.context["auto_items"] and [i.title for i in page.context["free_items"]] == ["安排宣传报道"]
    assert "张三（正定镇联络员）" in page.content.decode()


@pytest.mark.parametrize("date", ["2015-03-02", "2013-12-30"])
def test_r5_2_a_meeting_outside_the_campaign_is_refused_and_nothing_written(login, users, tree, campaign, date):
    response = login(users["county_office"]).post(reverse("campaign:liaison_meeting_create"), {
        "unit": tree.county_a.pk, "date": date, "title": "会议"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not LiaisonMeeting.objects.exists() and not AgendaItem.objects.exists()


def test_r5_2_two_meetings_of_one_office_on_one_day_are_refused(login, users, tree, campaign):
    _meeting(users, tree, campaign)
    response = login(users["county_office"]).post(reverse("campaign:liaison_meeting_create"), {
        "unit": tree.county_a.pk, "date": "2014-05-19", "title": "重复"})
    assert response.context["form"].non_field_errors() and LiaisonMeeting.objects.count() == 1


def test_r5_2_an_office_cannot_call_a_meeting_for_another_county(login, users, tree, campaign):
    response = login(users["county_office_b"]).post(reverse("campaign:liaison_meeting_create"), {
        "unit": tree.county_a.pk, "date": "2014-05-19", "title": "越权"})
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    with pytest.raises(CampaignError):
        svc.liaison_meeting_create(user=users["county_office_b"], campaign=campaign, unit=tree.county_a,
                                   date=D(2014, 5, 19), title="越权")
    assert not LiaisonMeeting.objects.exists()


def test_r5_2_meeting_list_is_scoped_and_exports(login, users, tree, campaign):
    _meeting(users, tree, campaign)
    other = login(users["county_office_b"]).get(reverse("campaign:liaison_meetings"))
    assert other.context["table"].paginator.count == 0
    client = login(users["city_office"])
    assert client.get(reverse("campaign:liaison_meetings"), {"unit": "正定"}).context["table"].paginator.count == 1
    assert client.get(reverse("campaign:liaison_meetings"), {"unit": "130283"}).context["table"].paginator.count == 0
    rows = read_table(client.get(reverse("campaign:liaison_meetings"), {"export": "xlsx"}).content, "m.xlsx")
    assert len(rows) == 2 and rows[1][1] == "正定县" and rows[1][2] == "每周联络员会议"


# --- minutes and action items


def _minutes_post(meeting, rows, minutes="会议纪要"):
    data = {"minutes": minutes, "items-TOTAL_FORMS": str(len(rows)), "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "30"}
    for i, row in enumerate(rows):
        data.update({f"items-{i}-{k}": v for k, v in row.items()})
    return data


def test_r5_2_action_items_of_the_minutes_become_tracked_tasks_and_owners_are_told(login, users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    response = login(users["county_office"]).post(
        reverse("campaign:liaison_meeting_minutes", args=[meeting.pk]), _minutes_post(meeting, [
            {"text": "正定镇补开专题讨论会", "owner_unit": tree.township_a.pk, "due_date": "2014-05-23"},
            {"text": "汇总本周学习情况", "owner_user": users["liaison"].pk, "due_date": "2014-05-22"},
            {"text": "", "due_date": ""},  # an untouched row is skipped
        ]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "会议纪要"
    tasks = {t.text: t for t in meeting.tasks.all()}
    assert set(tasks) == {"正定镇补开专题讨论会", "汇总本周学习情况"}
    assert tasks["正定镇补开专题讨论会"].owner_unit == tree.township_a and tasks["正定镇补开专题讨论会"].status == "open"
    assert Notification.objects.filter(user=users["liaison"], title__contains="汇总本周学习情况").exists()


def test_r5_2_one_bad_action_item_writes_nothing(login, users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    response = login(users["county_office"]).post(
        reverse("campaign:liaison_meeting_minutes", args=[meeting.pk]), _minutes_post(meeting, [
            {"text": "好的一条", "owner_unit": tree.township_a.pk, "due_date": "2014-05-23"},
            {"text": "没有负责人", "due_date": "2014-05-23"},
        ], minutes="不应保存"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    meeting.refresh_from_db()
    assert meeting.minutes == "" and not LiaisonTask.objects.exists()


def test_r5_2_action_items_outside_the_subtree_or_before_the_meeting_are_refused(users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    for item in (svc.ActionItem("别的县", D(2014, 5, 23), owner_unit=tree.county_b),
                 svc.ActionItem("日期早于会议", D(2014, 5, 1), owner_unit=tree.township_a)):
        with pytest.raises(CampaignError):
            svc.liaison_minutes_record(user=users["county_office"], meeting=meeting, minutes="x", action_items=[item])
    assert not LiaisonTask.objects.exists()


def test_r5_2_owner_marks_the_task_done_and_overdue_tasks_are_flagged(login, users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    [mine, other] = svc.liaison_minutes_record(user=users["county_office"], meeting=meeting, minutes="", action_items=[
        svc.ActionItem("汇总学习情况", D(2014, 5, 22), owner_user=users["liaison"]),
        svc.ActionItem("镇里整改", D(2014, 5, 23), owner_unit=tree.township_a)])
    liaison = login(users["liaison"])
    listing = liaison.get(reverse("campaign:liaison_tasks"), {"mine": "1"})
    assert [t.pk for t in _listed(listing)] == [mine.pk]
    assert _listed(listing)[0].overdue  # due in May 2014: long past
    assert listing.context["figures"].overdue == 2
    response = liaison.post(reverse("campaign:liaison_task_status", args=[mine.pk]),
                            {"status": "done", "on": "2014-05-21", "note": "已报送"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.done_on, mine.note) == ("done", D(2014, 5, 21), "已报送")
    # the liaison of 正定县 owns neither the township's task nor is its office
    assert liaison.post(reverse("campaign:liaison_task_status", args=[other.pk]), {"status": "done"}).status_code == 403
    assert login(users["county_office_b"]).post(reverse("campaign:liaison_task_status", args=[other.pk]),
                                                {"status": "done"}).status_code == 404
    overdue = login(users["county_office"]).get(reverse("campaign:liaison_tasks"), {"state": "overdue"})
    assert [t.pk for t in _listed(overdue)] == [other.pk]


def test_r5_2_a_task_cannot_be_done_before_its_meeting(users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    [task] = svc.liaison_minutes_record(user=users["county_office"], meeting=meeting, minutes="", action_items=[
        svc.ActionItem("任务", D(2014, 5, 22), owner_unit=tree.township_a)])
    with pytest.raises(CampaignError):
        svc.liaison_task_set_status(user=users["county_office"], task=task, status="done", on=D(2014, 5, 1))
    task.refresh_from_db()
    assert task.status == "open" and task.done_on is None


def test_r5_2_task_list_exports_to_excel(login, users, tree, campaign):
    meeting = _meeting(users, tree, campaign)
    svc.liaison_minutes_record(user=users["county_office"], meeting=meeting, minutes="", action_items=[
        svc.ActionItem("镇里整改", D(2014, 5, 23), owner_unit=tree.township_a)])
    rows = read_table(login(users["city_office"]).get(reverse("campaign:liaison_tasks"),
                                                      {"state": "all", "export": "xlsx"}).content, "t.xlsx")
    assert rows[1][0] == "镇里整改" and rows[1][1] == "正定县" and rows[1][3] == "正定镇"


# --- progress reports


def _schedule(users, tree, campaign, *, unit=None, starts=D(2014, 4, 7), today=D(2014, 4, 7), **rule):
    rule = {"frequency": "weekly", "due_weekday": 4, "due_day": 25} | rule
    return svc.progress_schedule_set(user=users["city_office"], campaign=campaign, unit=unit or tree.city_a,
                                     starts_on=starts, today=today, **rule)


def test_r5_2_periods_follow_the_schedule():
    schedule = ProgressReportSchedule(starts_on=D(2014, 4, 9), frequency="weekly", due_weekday=4)
    week = schedule.period_containing(D(2014, 4, 16))
    assert (week.start, week.end, week.due) == (D(2014, 4, 14), D(2014, 4, 20), D(2014, 4, 18))
    schedule.frequency = "fortnightly"
    fortnight = schedule.period_containing(D(2014, 4, 23))
    assert (fortnight.start, fortnight.end, fortnight.due) == (D(2014, 4, 21), D(2014, 5, 4), D(2014, 5, 2))
    schedule.frequency, schedule.due_day = "monthly", 25
    month = schedule.period_containing(D(2014, 2, 3))
    assert (month.start, month.end, month.due) == (D(2014, 2, 1), D(2014, 2, 28), D(2014, 2, 25))
    assert [p.start for p in schedule.periods(until=D(2014, 6, 1))] == [D(2014, m, 1) for m in (4, 5, 6)]


def test_r5_2_upper_office_sets_the_schedule_and_its_subordinates_are_told(login, users, tree, campaign):
    response = login(users["city_office"]).post(reverse("campaign:progress_schedule_edit", args=[tree.city_a.pk]), {
        "frequency": "weekly", "due_weekday": "4", "due_day": "25", "starts_on": "2014-04-07",
        "instructions": "报送本周学习教育进展", "is_active": "on"})
    assert response.status_code == 302
    schedule = ProgressReportSchedule.objects.get(unit=tree.city_a)
    assert (schedule.frequency, schedule.due_weekday) == ("weekly", 4)
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"county_office", "liaison"}  # 正定县's people; 迁安市 is not below 石家庄市


def test_r5_2_a_schedule_starting_outside_the_campaign_is_refused(login, users, tree, campaign):
    response = login(users["city_office"]).post(reverse("campaign:progress_schedule_edit", args=[tree.city_a.pk]), {
        "frequency": "weekly", "due_weekday": "4", "due_day": "25", "starts_on": "2015-01-05"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not ProgressReportSchedule.objects.exists()


def test_r5_2_liaison_sends_the_report_with_a_file_and_the_upper_office_hears(login, users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    Notification.objects.all().delete()
    client = login(users["liaison"])
    page = client.get(reverse("campaign:progress_report_submit", args=[tree.county_a.pk]))
    assert page.status_code == 200 and page.context["form"].fields["period"].choices[0][0] == "2014-09-29"
    response = client.post(reverse("campaign:progress_report_submit", args=[tree.county_a.pk]), {
        "period": "2014-04-14", "text": "本周召开专题学习会两次。",
        "file": SimpleUploadedFile("周报.txt", "附件".encode())})
    report = ProgressReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.schedule, report.period_start, report.period_end, report.due_date) == (
        schedule, D(2014, 4, 14), D(2014, 4, 20), D(2014, 4, 18))
    assert report.is_late  # sent years after 18 April 2014
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"city_office"}
    download = client.get(reverse("campaign:progress_report_file", args=[report.pk]))
    assert b"".join(download.streaming_content) == "附件".encode()
    assert login(users["county_office_b"]).get(report.get_absolute_url()).status_code == 404


def test_r5_2_sending_again_corrects_the_report(users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    for text in ("初稿", "修改稿"):
        svc.progress_report_submit(user=users["liaison"], schedule=schedule, unit=tree.county_a,
                                   period_start=D(2014, 4, 14), text=text, today=D(2014, 4, 18))
    assert list(ProgressReport.objects.values_list("text", flat=True)) == ["修改稿"]


@pytest.mark.parametrize("name,data", [
    ("renamed.pdf", b"MZ\x90\x00 not a pdf"),
    ("virus.exe", b"MZ\x90\x00"),
])
def test_r5_2_a_bad_file_is_refused_and_nothing_written(login, users, tree, campaign, name, data):
    _schedule(users, tree, campaign)
    response = login(users["liaison"]).post(reverse("campaign:progress_report_submit", args=[tree.county_a.pk]), {
        "period": "2014-04-14", "text": "正文", "file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_r5_2_reports_for_no_period_a_future_period_or_the_wrong_office_are_refused(users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    attempts = [
        dict(unit=tree.county_a, period_start=D(2014, 4, 15)),  # a Tuesday: no period starts then
        dict(unit=tree.county_a, period_start=D(2014, 5, 5)),  # has not begun on 18 April
        dict(unit=tree.county_a, period_start=D(2014, 3, 31)),  # before the first period
        dict(unit=tree.township_a, period_start=D(2014, 4, 14)),  # reports to 正定县, not 石家庄市
    ]
    for attempt in attempts:
        with pytest.raises(CampaignError):
            svc.progress_report_submit(user=users["city_office"], schedule=schedule, text="正文", today=D(2014, 4, 18),
                                       **attempt)
    with pytest.raises(CampaignError):
        svc.progress_report_submit(user=users["county_office_b"], schedule=schedule, unit=tree.county_a,
                                   period_start=D(2014, 4, 14), text="正文", today=D(2014, 4, 18))
    assert not ProgressReport.objects.exists()


def _report(schedule, unit, start, *, submitted: datetime.date):
    period = schedule.period_containing(start)
    moment = timezone.make_aware(datetime.datetime.combine(submitted, datetime.time(10)))
    return ProgressReport.objects.create(schedule=schedule, unit=unit, period_start=period.start,
                                         period_end=period.end, due_date=period.due, text="进展", submitted_at=moment)


def test_r5_2_matrix_shows_who_has_and_has_not_reported(users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    _report(schedule, tree.county_a, D(2014, 4, 7), submitted=D(2014, 4, 11))  # on the due Friday
    _report(schedule, tree.county_a, D(2014, 4, 14), submitted=D(2014, 4, 19))  # a day late
    matrix = selectors.report_matrix(schedule, D(2014, 4, 22))
    assert [p.start for p in matrix.periods] == [D(2014, 4, 7), D(2014, 4, 14), D(2014, 4, 21)]
    rows = {row.unit.name: [c.state for c in row.cells] for row in matrix.rows}
    assert rows == {"正定县": ["on_time", "late", "pending"], "行唐县": ["missing", "missing", "pending"]}
    assert matrix.column_totals == [(1, 1), (1, 1), (0, 0)] and matrix.missing_total == 2


def test_r5_2_matrix_page_exports_and_keeps_a_fixed_number_of_queries(login, users, tree, campaign,
                                                                     django_assert_max_num_queries):
    schedule = _schedule(users, tree, campaign)
    client = login(users["city_office"])
    url = reverse("campaign:progress_matrix", args=[tree.city_a.pk])

    def grow(count, start):
        for n in range(start, start + count):
            county = add(tree.city_a, name=f"新县{n}", code=f"1301{90 + n:02d}", level=Level.COUNTY,
                         kind=UnitKind.PARTY_COMMITTEE)
            _report(schedule, county, D(2014, 4, 7), submitted=D(2014, 4, 10))
            tree.city_a.refresh_from_db()

    grow(1, 0)
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    grow(8, 1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["matrix"].rows) == 11
    rows = read_table(client.get(url, {"export": "xlsx"}).content, "m.xlsx")
    assert rows[1][0] == "正定县" and len(rows) == 12


def test_r5_2_units_see_what_they_owe_on_the_reports_page(login, users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    _report(schedule, tree.county_a, D(2014, 9, 29), submitted=D(2014, 9, 30))
    owed = login(users["liaison"]).get(reverse("campaign:progress_reports")).context["owed"]
    assert [(o.unit.name, o.schedule.unit.name) for o in owed] == [("正定县", "石家庄市")]
    assert [c.state for c in owed[0].cells] == ["on_time", "missing", "missing", "missing"]


def test_r5_2_late_reports_filter(login, users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    _report(schedule, tree.county_a, D(2014, 4, 7), submitted=D(2014, 4, 11))
    late = _report(schedule, tree.county_a2, D(2014, 4, 7), submitted=D(2014, 4, 12))
    response = login(users["city_office"]).get(reverse("campaign:progress_reports"), {"late": "on"})
    assert [r.pk for r in _listed(response)] == [late.pk]


# --- the reminder sweep: each (unit, period) once


def _reminders(username):
    return list(Notification.objects.filter(user__username=username).order_by("pk").values_list("title", flat=True))


@pytest.fixture
def weekly(users, tree, campaign):
    schedule = _schedule(users, tree, campaign)
    Notification.objects.all().delete()
    return schedule


def test_r5_2_reminders_go_out_on_the_due_day_to_units_that_have_not_reported(users, tree, weekly):
    assert svc.progress_reports_remind(today=D(2014, 4, 10)) == 0
    assert svc.progress_reports_remind(today=D(2014, 4, 11)) == 2
    [title] = _reminders("liaison")
    assert "正定县" in title and "石家庄市" in title
    # 行唐县 has nobody of its own: its office above, 石家庄市, hears instead
    assert any("行唐县" in t for t in _reminders("city_office"))
    _report(weekly, tree.county_a, D(2014, 4, 14), submitted=D(2014, 4, 17))
    assert svc.progress_reports_remind(today=D(2014, 4, 18)) == 1  # only 行唐县 this week
    assert len(_reminders("liaison")) == 1


def test_r5_2_a_sweep_that_runs_twice_sends_once(users, tree, weekly):
    svc.progress_reports_remind(today=D(2014, 4, 11))
    count = Notification.objects.count()
    assert svc.progress_reports_remind(today=D(2014, 4, 11)) == 0
    assert svc.progress_reports_remind(today=D(2014, 4, 12)) == 0
    assert Notification.objects.count() == count
    assert ProgressReportReminder.objects.count() == 2


def test_r5_2_a_late_sweep_sends_one_reminder_naming_every_missed_period(users, tree, weekly):
    """Beat was down for three weeks: each unit gets one notification for its three missing reports."""
    assert svc.progress_reports_remind(today=D(2014, 4, 26)) == 2
    [title] = _reminders("liaison")
    for day in ("2014年4月11日", "2014年4月18日", "2014年4月25日"):
        assert day in title
    assert ProgressReportReminder.objects.filter(unit=tree.county_a).count() == 3
    assert svc.progress_reports_remind(today=D(2014, 4, 27)) == 0


def test_r5_2_a_worker_dying_mid_sweep_loses_and_repeats_nothing(users, tree, weekly, monkeypatch):
    real_notify = svc.notify
    calls = {"n": 0}

    def dying_notify(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real_notify(**kwargs)

    monkeypatch.setattr(svc, "notify", dying_notify)
    with pytest.raises(SystemExit):
        svc.progress_reports_remind(today=D(2014, 4, 11))
    assert ProgressReportReminder.objects.count() == 1  # the second unit's claim died with its notification
    weekly.refresh_from_db()
    assert weekly.reminded_through == D(2014, 4, 6)  # the cursor did not move
    monkeypatch.setattr(svc, "notify", real_notify)
    assert svc.progress_reports_remind(today=D(2014, 4, 11)) == 1
    assert ProgressReportReminder.objects.count() == 2
    assert len(_reminders("liaison")) == 1


def test_r5_2_a_new_schedule_does_not_remind_of_periods_long_past(users, tree, campaign):
    _schedule(users, tree, campaign, starts=D(2014, 4, 7), today=D(2014, 5, 20))
    Notification.objects.all().delete()
    assert svc.progress_reports_remind(today=D(2014, 5, 20)) == 0
    assert svc.progress_reports_remind(today=D(2014, 5, 23)) == 2  # the first Friday after it was set


def test_r5_2_inactive_schedules_send_nothing(users, tree, weekly):
    weekly.is_active = False
    weekly.save()
    assert svc.progress_reports_remind(today=D(2014, 4, 11)) == 0


# --- requests for instructions


def test_r5_2_liaison_asks_the_city_and_the_city_office_answers(login, users, tree, campaign):
    asker = login(users["liaison"])
    response = asker.post(reverse("campaign:instruction_request_create"), {
        "unit": tree.county_a.pk, "addressee": tree.city_a.pk, "title": "关于推迟民主生活会的请示",
        "body": "拟推迟一周，妥否，请批示。", "file": SimpleUploadedFile("请示.pdf", b"%PDF-1.4 request")})
    asked = InstructionRequest.objects.get()
    assert response.status_code == 302 and asked.status == "open" and asked.asked_by == users["liaison"]
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"city_office"}
    # 正定县's own office sees it but does not answer: the request is addressed to 石家庄市
    county = login(users["county_office"])
    assert county.get(asked.get_absolute_url()).context["can_answer"] is False
    assert county.post(reverse("campaign:instruction_request_answer", args=[asked.pk]),
                       {"answer": "同意"}).status_code == 403
    assert login(users["county_office_b"]).get(asked.get_absolute_url()).status_code == 404
    city = login(users["city_office"])
    city.post(reverse("campaign:instruction_request_answer", args=[asked.pk]), {"answer": "同意推迟，报市督导组备案。"})
    asked.refresh_from_db()
    assert (asked.status, asked.answer, asked.answered_by) == ("answered", "同意推迟，报市督导组备案。", users["city_office"])
    assert Notification.objects.filter(user=users["liaison"], title__contains="关于推迟民主生活会的请示").exists()
    asker = login(users["liaison"])
    asker.post(reverse("campaign:instruction_request_close", args=[asked.pk]))
    asked.refresh_from_db()
    assert asked.status == "closed" and asked.closed_at
    with pytest.raises(CampaignError):
        svc.instruction_request_answer(user=users["city_office"], request=asked, answer="再答")


def test_r5_2_requests_go_only_to_units_above_and_need_a_subject(users, tree, campaign):
    for addressee in (tree.county_b, tree.county_a, tree.township_a):
        with pytest.raises(CampaignError):
            svc.instruction_request_ask(user=users["liaison"], campaign=campaign, unit=tree.county_a,
                                        addressee=addressee, title="请示", body="内容")
    with pytest.raises(CampaignError):
        svc.instruction_request_ask(user=users["liaison"], campaign=campaign, unit=tree.county_a,
                                    addressee=tree.city_a, title=" ", body="内容")
    with pytest.raises(CampaignError):  # 迁安市's office cannot ask for 正定县
        svc.instruction_request_ask(user=users["county_office_b"], campaign=campaign, unit=tree.county_a,
                                    addressee=tree.city_a, title="请示", body="内容")
    assert not InstructionRequest.objects.exists()


def test_r5_2_request_form_offers_own_units_and_the_units_above(login, users, tree, campaign):
    form = login(users["liaison"]).get(reverse("campaign:instruction_request_create")).context["form"]
    assert list(form.fields["unit"].queryset) == [tree.county_a]
    assert [u.name for u in form.fields["addressee"].queryset] == ["河北省", "石家庄市"]
    assert form.initial["addressee"] == tree.city_a.pk


def test_r5_2_request_list_filters_by_box_and_status_and_exports(login, users, tree, campaign):
    first = svc.instruction_request_ask(user=users["liaison"], campaign=campaign, unit=tree.county_a,
                                        addressee=tree.city_a, title="请示一", body="内容")
    svc.instruction_request_ask(user=users["city_office"], campaign=campaign, unit=tree.city_a,
                                addressee=tree.province, title="请示二", body="内容")
    svc.instruction_request_answer(user=users["city_office"], request=first, answer="同意")
    city = login(users["city_office"])
    received = _listed(city.get(reverse("campaign:instruction_requests"), {"box": "received"}))
    assert [r.title for r in received] == ["请示一"]
    sent = _listed(city.get(reverse("campaign:instruction_requests"), {"box": "sent"}))
    assert [r.title for r in sent] == ["请示二"]
    assert [r.title for r in _listed(city.get(reverse("campaign:instruction_requests"),
                                              {"status": "open"}))] == ["请示二"]
    rows = read_table(city.get(reverse("campaign:instruction_requests"), {"export": "xlsx"}).content, "r.xlsx")
    assert {r[2] for r in rows[1:]} == {"请示一", "请示二"}
    # 正定县 sees only its own request; 迁安市 none
    assert [r.title for r in _listed(login(users["county_office"]).get(
        reverse("campaign:instruction_requests")))] == ["请示一"]
    assert login(users["county_office_b"]).get(reverse("campaign:instruction_requests")).context[
        "table"].paginator.count == 0


# --- demo data


def test_r5_2_demo_gives_meetings_tasks_reports_reminders_and_requests(db):
    import random

    from campaign.demo import liaison as demo_liaison
    from campaign.services.campaign import campaign_create, obligations_generate
    from units import demo

    demo.build("demo", seed=2014)
    demo.create_demo_accounts()
    today = timezone.localdate()
    campaign = campaign_create(shift_to=today - datetime.timedelta(days=10))
    obligations_generate(campaign=campaign)
    counts = demo_liaison.build(campaign=campaign, today=today, rng=random.Random(2014))
    assert counts["liaison meetings"] >= 4 and LiaisonMeeting.objects.count() == counts["liaison meetings"]
    assert LiaisonTask.objects.overdue(today).exists() and LiaisonTask.objects.filter(status="done").exists()
    assert AgendaItem.objects.filter(source="overdue_obligations").exists()
    assert ProgressReport.objects.exists() and ProgressReportReminder.objects.exists()
    assert InstructionRequest.objects.filter(status="open").exists()
    assert InstructionRequest.objects.filter(status="answered").exists()
    # the demo county office sees its own matrix with someone missing
    schedule = ProgressReportSchedule.objects.get(unit__code="130100")
    assert selectors.report_matrix(schedule, today).missing_total > 0


def _fill(users, tree, campaign, count: int, start: int) -> None:
    """``count`` more meetings (each with an action item), progress reports and requests around 正定县."""
    schedule = ProgressReportSchedule.objects.filter(unit=tree.city_a).first() or _schedule(users, tree, campaign)
    for n in range(start, start + count):
        meeting = _meeting(users, tree, campaign, date=D(2014, 3, 1) + datetime.timedelta(days=n), today=D(2014, 3, 1))
        LiaisonTask.objects.create(meeting=meeting, text=f"任务{n}", owner_unit=tree.township_a,
                                   owner_user=users["liaison"], due_date=D(2014, 4, 1))
        InstructionRequest.objects.create(campaign=campaign, unit=tree.county_a, addressee=tree.city_a,
                                          title=f"请示{n}", body="内容")
        _report(schedule, tree.county_a, D(2014, 4, 7) + datetime.timedelta(weeks=n), submitted=D(2014, 9, 1))


@pytest.mark.parametrize("name", ["campaign:liaison_meetings", "campaign:liaison_tasks", "campaign:progress_reports",
                                  "campaign:instruction_requests"])
def test_r5_2_liaison_lists_keep_a_fixed_number_of_queries(login, users, tree, campaign, name,
                                                           django_assert_max_num_queries):
    client = login(users["county_office"])
    _fill(users, tree, campaign, 1, 0)
    with django_assert_max_num_queries(20) as small:
        assert client.get(reverse(name), {"state": "all"}).status_code == 200
    _fill(users, tree, campaign, 12, 1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse(name), {"state": "all"})
    assert response.context["table"].paginator.count >= 13


# --- issue 10: visibility does not travel through a shared liaison meeting

@pytest.mark.parametrize("viewer, own_unit, other_unit", [("county_office_b", "county_b", "county_a"),
                                                           ("county_office", "county_a", "county_b")])
def test_r5_2_a_shared_liaison_meeting_shows_nothing_of_the_other_county(login, users, tree, campaign, viewer,
                                                                        own_unit, other_unit):
    """R5.2 (issue 10): the province's meeting sets one action item for 正定县 and one for 迁安市. Each county
    sees its own item in the task list; the meeting (its agenda, attendees, the other item) is 404 to it, and
    the other county's item can neither be seen, exported nor updated."""
    meeting = svc.liaison_meeting_create(user=users["prov_office"], campaign=campaign, unit=tree.province,
                                         date=D(2014, 5, 19), title="全省联络员会议", attendees=[users["county_office"]],
                                         today=AFTER_BOTH_STAGES)
    own, other = svc.liaison_minutes_record(user=users["prov_office"], meeting=meeting, minutes="", action_items=[
        svc.ActionItem(f"{getattr(tree, own_unit).name}补报学习台账", D(2014, 5, 22), owner_unit=getattr(tree, own_unit)),
        svc.ActionItem(f"{getattr(tree, other_unit).name}补开专题会", D(2014, 5, 23),
                       owner_unit=getattr(tree, other_unit))])
    client = login(users[viewer])
    for name in ("liaison_meeting_detail", "liaison_meeting_edit", "liaison_meeting_minutes"):
        assert client.get(reverse(f"campaign:{name}", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("campaign:liaison_meeting_agenda_refresh", args=[meeting.pk])).status_code == 404
    listing = client.get(reverse("campaign:liaison_tasks"), {"state": "all"})
    assert [t.pk for t in _listed(listing)] == [own.pk]
    assert other.text not in listing.content.decode() and listing.context["figures"].open == 1
    exported = read_table(client.get(reverse("campaign:liaison_tasks"), {"state": "all", "export": "xlsx"}).content,
                          "t.xlsx")
    assert [row[0] for row in exported[1:]] == [own.text]
    assert client.post(reverse("campaign:liaison_task_status", args=[other.pk]),
                       {"status": "done", "on": "2014-05-21"}).status_code == 404
    other.refresh_from_db()
    assert other.status == "open"
    # the province sees the whole meeting
    assert len(selectors.meeting_tasks(users["prov_office"], meeting)) == 2


def test_r5_2_requests_and_reports_of_one_county_are_404_to_the_other(login, users, tree, campaign):
    """R5.2 (issue 10): 正定县's request to the province and its progress report are out of 迁安市's scope."""
    asked = svc.instruction_request_ask(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                                        addressee=tree.province, title="关于推迟民主生活会的请示", body="妥否，请批示。")
    client = login(users["county_office_b"])
    assert client.get(reverse("campaign:instruction_request_detail", args=[asked.pk])).status_code == 404
    for name in ("instruction_request_answer", "instruction_request_close"):
        assert client.post(reverse(f"campaign:{name}", args=[asked.pk]), {"answer": "同意"}).status_code == 404
    assert "推迟民主生活会" not in client.get(reverse("campaign:instruction_requests")).content.decode()
    assert client.get(reverse("campaign:progress_matrix", args=[tree.city_a.pk])).status_code == 404
    asked.refresh_from_db()
    assert asked.status == "open" and not asked.answer
