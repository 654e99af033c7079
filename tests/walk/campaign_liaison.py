"""Liaison (R5.2) in the URL × role walk.

The walked records belong to 正定县 (county_a): its weekly liaison meeting with an action item for 正定镇,
its reporting schedule for 正定镇, its progress report to 石家庄市 (whose schedule asks for it), and its
request for instructions to 石家庄市. 迁安市's office and the role-less get 404; readers get 200; only
offices over 正定县 manage its meeting and schedule; 正定县's liaison also reports and asks for its unit.
"""
from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from . import (
    LOGGED_IN_OK,
    MANAGE_COUNTY_A,
    OFFICES,
    POST_ONLY,
    READ_COUNTY_A,
    WRITE_COUNTY_A_RECORDS,
)

D = datetime.date
#: Units that own a unit below the province: they ask for instructions; the province and readers do not.
ASKERS = OFFICES | {"admin": 403, "prov_office": 403, "liaison": 200}


def _meeting(c):
    from campaign.models import LiaisonMeeting, LiaisonTask

    meeting, created = LiaisonMeeting.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a, date=D(2014, 4, 21), defaults={"title": "每周联络员会议"})
    if created:
        LiaisonTask.objects.create(meeting=meeting, text="督促正定镇补开专题讨论会", owner_unit=c.tree.township_a,
                                   due_date=D(2014, 4, 25))
    return meeting


def _schedule(c, unit):
    from campaign.models import ProgressReportSchedule

    schedule, _ = ProgressReportSchedule.objects.get_or_create(
        campaign=c.campaign, unit=unit, defaults={"starts_on": D(2014, 4, 7)})
    return schedule


def _report(c):
    from campaign.models import ProgressReport

    schedule = _schedule(c, c.tree.city_a)
    report, created = ProgressReport.objects.get_or_create(
        schedule=schedule, unit=c.tree.county_a, period_start=D(2014, 4, 7),
        defaults={"period_end": D(2014, 4, 13), "due_date": D(2014, 4, 11), "text": "本周召开专题学习会两次。",
                  "submitted_at": timezone.now()})
    if created:
        report.file.save("周报.txt", ContentFile("本周进展".encode()), save=True)
    return {"pk": report.pk}


def _request(c):
    from campaign.models import InstructionRequest

    asked, created = InstructionRequest.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a, addressee=c.tree.city_a, title="关于推迟民主生活会的请示",
        defaults={"body": "拟推迟一周召开，妥否，请批示。"})
    if created:
        asked.file.save("请示.txt", ContentFile("请示正文".encode()), save=True)
    return {"pk": asked.pk}


def _submit(c):
    _schedule(c, c.tree.city_a)
    return {"pk": c.tree.county_a.pk}


def _matrix(c):
    _schedule(c, c.tree.county_a)
    return {"pk": c.tree.county_a.pk}


PAGES = {
    "campaign:liaison_meetings": (lambda c: {}, LOGGED_IN_OK),
    "campaign:liaison_meeting_create": (lambda c: {}, OFFICES),
    "campaign:liaison_meeting_detail": (lambda c: {"pk": _meeting(c).pk}, READ_COUNTY_A),
    "campaign:liaison_meeting_edit": (lambda c: {"pk": _meeting(c).pk}, MANAGE_COUNTY_A),
    "campaign:liaison_meeting_minutes": (lambda c: {"pk": _meeting(c).pk}, MANAGE_COUNTY_A),
    "campaign:liaison_meeting_agenda_refresh": (lambda c: {"pk": _meeting(c).pk}, POST_ONLY),
    "campaign:liaison_tasks": (lambda c: {}, LOGGED_IN_OK),
    "campaign:liaison_task_status": (lambda c: {"pk": _meeting(c).tasks.get().pk}, POST_ONLY),
    "campaign:progress_reports": (lambda c: {}, LOGGED_IN_OK),
    "campaign:progress_matrix": (_matrix, READ_COUNTY_A),
    "campaign:progress_schedule_edit": (lambda c: {"pk": c.tree.county_a.pk}, MANAGE_COUNTY_A),
    "campaign:progress_report_submit": (_submit, WRITE_COUNTY_A_RECORDS),
    "campaign:progress_report_detail": (_report, READ_COUNTY_A),
    "campaign:progress_report_file": (_report, READ_COUNTY_A),
    "campaign:instruction_requests": (lambda c: {}, LOGGED_IN_OK),
    "campaign:instruction_request_create": (lambda c: {}, ASKERS),
    "campaign:instruction_request_detail": (_request, READ_COUNTY_A),
    "campaign:instruction_request_answer": (_request, POST_ONLY),
    "campaign:instruction_request_close": (_request, POST_ONLY),
    "campaign:instruction_request_file": (_request, READ_COUNTY_A),
}
