"""Demo meetings (R2.3, R5.1): several counties and townships, some team members not yet heard; and, so
the R6.3 ranking's progress differs from unit to unit, an enlarged meeting (sometimes a discussion meeting
too) at most other cities and counties — never at the silent counties, which record nothing."""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from units.models import Cadre, Level, Unit, UnitKind

from ..models import Campaign, MeetingKind
from ..services.meetings import meeting_record
from .study import SILENT_COUNTIES

#: Counties of the demo tree (units/demo.py): 正定县, 行唐县, 平山县, 长安区, 迁安市, 遵化市, 路南区.
COUNTY_CODES = ("130123", "130125", "130131", "130102", "130283", "130281", "130202")
TOWNSHIPS_PER_COUNTY = 2
PLACES = ("县委常委会议室", "机关第一会议室", "党员活动室", "政府三楼会议室")
#: R6.3 the other cities and counties: how likely each held its enlarged meeting, and then its discussion one.
OTHERS_ENLARGED = 0.8
OTHERS_DISCUSSION = 0.45
SUMMARIES = {
    MeetingKind.ENLARGED: "传达学习习近平总书记在兰考县委常委扩大会议上的重要讲话精神，班子成员逐一发言，"
                          "结合分管工作谈认识、谈打算。",
    MeetingKind.DISCUSSION: "围绕学习兰考讲话开展专题讨论，对照焦裕禄精神查找在“四风”方面的差距。",
    MeetingKind.DEMOCRATIC_LIFE: "召开专题民主生活会，班子成员逐一对照检查，开展批评和自我批评。",
}


@dataclass(frozen=True)
class DemoActor:
    """The demo loader acts as the system: everywhere in scope, recorded by nobody."""

    is_superuser: bool = True
    is_active: bool = True
    is_authenticated: bool = False


def _clamp(day: datetime.date, campaign: Campaign, latest: datetime.date) -> datetime.date:
    return max(campaign.start_date, min(day, latest, campaign.end_date))


def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Enlarged and discussion meetings of several counties and their first townships, plus democratic
    life meetings once their earliest date has come; a few team members are left not having spoken."""
    actor = DemoActor()
    counties = list(Unit.objects.filter(code__in=COUNTY_CODES).order_by("code"))
    units: list[Unit] = []
    for county in counties:
        units.append(county)
        units += list(Unit.objects.get_children(county).filter(level=Level.TOWNSHIP)[:TOWNSHIPS_PER_COUNTY])
    teams: dict[int, list[int]] = {}
    for cadre_id, unit_id in (Cadre.objects.filter(unit__in=units, is_team_member=True)
                              .order_by("-is_top_leader", "pk").values_list("pk", "unit_id")):
        teams.setdefault(unit_id, []).append(cadre_id)
    count = missing = 0
    for index, unit in enumerate(units):
        team = teams.get(unit.pk, [])
        kinds = [MeetingKind.ENLARGED]
        if index % 3 != 2:  # every third unit has not held its discussion meeting yet
            kinds.append(MeetingKind.DISCUSSION)
        if unit.level <= Level.COUNTY and today >= campaign.democratic_meeting_earliest and index % 2 == 0:
            kinds.append(MeetingKind.DEMOCRATIC_LIFE)
        for kind in kinds:
            if kind == MeetingKind.DEMOCRATIC_LIFE:
                day = _clamp(today - datetime.timedelta(days=rng.randint(0, 5)), campaign, today)
                day = max(day, campaign.democratic_meeting_earliest)
            else:
                day = _clamp(today - datetime.timedelta(days=rng.randint(8, 40)), campaign, today)
            # the top leader always speaks; one or two others are left to add later, now and then (and
            # always at the first unit's enlarged meeting, so the demo shows the "not yet spoken" list)
            left_out = rng.choice((0, 0, 1, 2)) if len(team) > 2 else 0
            if index == 0 and kind == MeetingKind.ENLARGED and len(team) > 1:
                left_out = max(left_out, 1)
            speakers = team[: len(team) - left_out]
            missing += left_out
            meeting_record(user=actor, campaign=campaign, unit=unit, kind=kind, date=day, place=rng.choice(PLACES),
                           summary=SUMMARIES[kind], speaker_ids=speakers,
                           secretary_comment="会议准备充分，发言紧扣主题。" if rng.random() < 0.6 else "")
            count += 1
    count += _others(campaign, today, rng, actor, exclude={u.pk for u in units})
    return {"meetings": count, "team members not yet heard": missing}


def _others(campaign: Campaign, today: datetime.date, rng: random.Random, actor: DemoActor, exclude: set[int]) -> int:
    """R6.3 an enlarged meeting at most other city and county party committees (the silent counties left out),
    some with a discussion meeting after it, every team member speaking: a few service calls per unit."""
    others = list(Unit.objects.filter(level__in=(Level.CITY, Level.COUNTY), kind=UnitKind.PARTY_COMMITTEE)
                  .exclude(pk__in=exclude).exclude(code__in=SILENT_COUNTIES).order_by("code"))
    teams: dict[int, list[int]] = {}
    for cadre_id, unit_id in (Cadre.objects.filter(unit__in=others, is_team_member=True)
                              .order_by("-is_top_leader", "pk").values_list("pk", "unit_id")):
        teams.setdefault(unit_id, []).append(cadre_id)
    count = 0
    for unit in others:
        if rng.random() >= OTHERS_ENLARGED:
            continue
        kinds = [MeetingKind.ENLARGED] + ([MeetingKind.DISCUSSION] if rng.random() < OTHERS_DISCUSSION else [])
        for kind in kinds:
            day = _clamp(today - datetime.timedelta(days=rng.randint(8, 40)), campaign, today)
            meeting_record(user=actor, campaign=campaign, unit=unit, kind=kind, date=day, place=rng.choice(PLACES),
                           summary=SUMMARIES[kind], speaker_ids=teams.get(unit.pk, []))
            count += 1
    return count
