"""Demo liaison work (R5.2): weekly liaison meetings of 石家庄市 and 正定县 with agendas built from what is
overdue and action items (some done, some overdue); reporting schedules of the province, 石家庄市 and 正定县
with most reports in, a few late or missing (so the matrix and the reminders show something); and requests
for instructions in every status.

Meetings, action items and requests go through the services. Progress reports are written directly: the demo
back-dates their arrival, which ``progress_report_submit`` (it stamps ``now``) cannot do.
"""
from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from units.models import Unit

from ..models import Campaign, ProgressReport, ProgressReportSchedule
from ..services.liaison import (
    ActionItem,
    instruction_request_answer,
    instruction_request_ask,
    instruction_request_close,
    liaison_meeting_create,
    liaison_minutes_record,
    liaison_task_set_status,
    progress_reports_remind,
    progress_schedule_set,
)
from .meetings import DemoActor

PROVINCE, CITY, COUNTY = "130000", "130100", "130123"
#: How far back the reporting schedules start, and how far back reminders reach.
SCHEDULE_WEEKS = 6
REMINDED_WEEKS = 3
#: Share of reports that came in, and of those that came after their due day.
REPORTED, LATE = 0.8, 0.15

REPORT_TEXTS = [
    "本周组织班子成员集中学习兰考讲话两次，开展专题讨论一次；征求意见座谈会两场，收集意见建议{n}条。",
    "本周对照“四风”问题清单逐项整改，已完成{n}项；下周召开专题民主生活会筹备会议。",
    "本周开展蹲点调研，县级领导深入后进村{n}个，解决群众反映的实际问题，建立整改台账。",
    "本周召开党员大会，观看专题教育片，组织党课{n}次，学习焦裕禄同志事迹。",
]
FREE_ITEMS = ["研究下周督导安排", "通报宣传报道和标语张贴情况", "布置专题民主生活会准备工作"]
GUESTS = ["王立军（市委组织部）", "李春燕（督导组联络员）", "赵文斌（县纪委）"]
ACTIONS = [
    ("督促未报送进展情况的单位本周内补报", 3),
    ("整理群众意见建议，形成问题清单", 5),
    ("补开专题讨论会并报送会议记录", 4),
    ("组织学习考试补考人员参加补课", 6),
]
REQUESTS = [
    # (asking unit, addressee, subject, body, answer or None, close)
    (COUNTY, CITY, "关于调整专题民主生活会召开时间的请示",
     "我县原定于下周召开县委常委班子专题民主生活会。因省委督导组同期到我县调研，拟推迟一周召开。妥否，请批示。",
     "同意推迟一周召开，请提前三天将会议方案报市活动办备案，并做好督导组列席的准备。", False),
    ("130131", CITY, "关于村级组织活动经费使用范围的请示",
     "部分村反映开展学习教育活动经费不足，能否使用村级组织办公经费购买学习资料？请予明确。", None, False),
    (CITY, PROVINCE, "关于市直单位“八项规定”专项检查范围的请示",
     "市直单位中有部分省垂直管理单位，是否纳入本次专项检查范围？请省活动办明确。", None, False),
]


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60))))


def _users(codes: list[str]) -> dict[str, list]:
    """The demo accounts bound to each unit code, for attendees and action-item owners."""
    found: dict[str, list] = {}
    for user in (get_user_model().objects.filter(role_assignments__unit__code__in=codes, is_active=True)
                 .prefetch_related("role_assignments__unit").distinct().order_by("pk")):
        for assignment in user.role_assignments.all():
            if assignment.unit.code in codes:
                found.setdefault(assignment.unit.code, []).append(user)
    return found


def _reports(schedule: ProgressReportSchedule, today: datetime.date, rng: random.Random) -> list[ProgressReport]:
    rows = []
    children = list(Unit.objects.get_children(schedule.unit))
    for period in schedule.periods(until=today):
        if period.due > today:
            continue  # not yet due: left open, the matrix shows it pending
        for child in children:
            if rng.random() > REPORTED:
                continue
            late = rng.random() < LATE
            arrived = period.due + datetime.timedelta(days=rng.randint(1, 3) if late else -rng.randint(0, 2))
            rows.append(ProgressReport(
                schedule=schedule, unit=child, period_start=period.start, period_end=period.end, due_date=period.due,
                text=rng.choice(REPORT_TEXTS).format(n=rng.randint(3, 18)), submitted_at=_moment(arrived, rng)))
    return rows


def _meetings(unit: Unit, campaign: Campaign, today: datetime.date, rng: random.Random, actor,
              people: list) -> tuple[int, int]:
    """Three weekly meetings (two past with minutes and action items, this week's with its fresh agenda)."""
    meetings = tasks = 0
    children = list(Unit.objects.get_children(unit)[:4])
    this_week = _monday(today)
    for weeks_ago in (2, 1, 0):
        day = this_week - datetime.timedelta(weeks=weeks_ago)
        if not campaign.start_date <= day <= campaign.end_date:
            continue
        meeting = liaison_meeting_create(
            user=actor, campaign=campaign, unit=unit, date=day, title="每周联络员会议",
            location=f"{unit.name}活动办会议室", attendees=people, guest_names="\n".join(rng.sample(GUESTS, 2)),
            free_items=rng.choice(FREE_ITEMS), today=min(day, today))
        meetings += 1
        if weeks_ago == 0 or not children:
            continue
        items = [ActionItem(text=text, due_date=day + datetime.timedelta(days=days),
                            owner_unit=children[i % len(children)], owner_user=people[0] if people and i == 0 else None)
                 for i, (text, days) in enumerate(rng.sample(ACTIONS, 3))]
        created = liaison_minutes_record(
            user=actor, meeting=meeting, action_items=items,
            minutes=f"会议听取了各单位联络员关于本周活动进展的汇报，分析了{unit.name}活动中存在的问题，"
                    "对下一步工作作出安排。会议要求，各单位要对照时间节点，抓紧补齐短板。")
        tasks += len(created)
        # the older meeting's items are mostly done; last week's are partly overdue
        for task in created[: 2 if weeks_ago == 2 else 1]:
            liaison_task_set_status(user=actor, task=task, status="done",
                                    on=min(task.due_date - datetime.timedelta(days=1), today))
    return meetings, tasks


@transaction.atomic
def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """R5.2 liaison meetings, action items, reporting schedules with reports and reminders, and requests."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[PROVINCE, CITY, COUNTY, *(r[0] for r in REQUESTS)])}
    if CITY not in units or COUNTY not in units:
        return {"liaison meetings": 0}
    actor = DemoActor()
    people = _users([CITY, COUNTY])
    counts = {"liaison meetings": 0, "action items": 0}
    for code in (CITY, COUNTY):
        meetings, tasks = _meetings(units[code], campaign, today, rng, actor, people.get(code, []))
        counts["liaison meetings"] += meetings
        counts["action items"] += tasks
    starts = max(campaign.start_date, _monday(today) - datetime.timedelta(weeks=SCHEDULE_WEEKS))
    reports: list[ProgressReport] = []
    for code, weekday in ((PROVINCE, 4), (CITY, 3), (COUNTY, 4)):
        if code not in units:
            continue
        schedule = progress_schedule_set(
            user=actor, campaign=campaign, unit=units[code], frequency="weekly", due_weekday=weekday, due_day=25,
            starts_on=starts, instructions="报送本周学习教育、征求意见和整改落实进展，附典型做法。",
            today=today - datetime.timedelta(weeks=REMINDED_WEEKS))
        reports += _reports(schedule, today, rng)
    ProgressReport.objects.bulk_create(reports)
    counts["progress reports"] = len(reports)
    counts["progress report reminders"] = progress_reports_remind(today=today)
    asked = 0
    for unit_code, addressee_code, title, body, answer, close in REQUESTS:
        if unit_code not in units or addressee_code not in units:
            continue
        request = instruction_request_ask(user=actor, campaign=campaign, unit=units[unit_code],
                                          addressee=units[addressee_code], title=title, body=body)
        if answer:
            instruction_request_answer(user=actor, request=request, answer=answer)
        if close:
            instruction_request_close(user=actor, request=request)
        asked += 1
    counts["requests for instructions"] = asked
    return counts
