"""Demo records of the study area (R2.1, R2.2, R2.4, R2.5, R2.8) for the tree of ``demo_data``.

Study plans and sessions with attendance at the province, every city, most counties (all but the
``SILENT_COUNTIES``, which record nothing at all so the R6.3 ranking shows units "not reporting"),
the townships of a dozen counties (正定县 and 迁安市 always among them) and some villages — all
through the services, so the townships' study obligations are fulfilled as in real use. Each city
and county holds three to five sessions and its leaders attend with a diligence of its own, so the
ranking's study component differs from unit to unit. Attendance is drawn so that a newcomer sees at
once provincial-level and county-level leaders who are short of their minimum, and special-group
cadres who took part beside others who did not.
"""
from __future__ import annotations

import datetime
import operator
import random
from collections import defaultdict
from decimal import Decimal
from functools import reduce

from django.db.models import Q

from units.models import Cadre, Level, Unit, UnitKind

from ..models import COMPULSORY_TEXT, Campaign, SessionKind, StudyPlan
from ..services import study as services

K = SessionKind
# (form of study, topic, content): R2.5 "read the originals, study the records, watch the specials,
# hear the reports", Jiao Yulu's deeds and words.
LEADER_SESSIONS = [
    (K.CENTRAL_GROUP, "学习总书记在兰考调研指导时的重要讲话", "读原著：逐段学习讲话全文，班子成员逐一交流学习体会。"),
    (K.READ_ORIGINALS, "学纪实：重温《县委书记的榜样——焦裕禄》", "集体学习焦裕禄同志的事迹和言论，对照查找差距。"),
    (K.REPORT, "听报告：焦裕禄精神专题报告会", "邀请焦裕禄干部学院专家作专题辅导报告。"),
    (K.EDUCATION_FILM, "看专辑：观看电影《焦裕禄》", "观看后分组座谈，联系“四风”问题谈体会。"),
    (K.CENTRAL_GROUP, "对照焦裕禄精神查摆“四风”问题", "围绕“为民务实清廉”开展专题学习讨论。"),
]
GRASSROOTS_SESSIONS = [
    (K.COLLECTIVE_STUDY, "集中学习讨论：学习兰考讲话精神", "集中学习讲话原文，党员逐一发言，查找自身差距。"),
    (K.EDUCATION_FILM, "观看专题教育片《焦裕禄》", "组织党员干部集中观看，会后交流观后感。"),
    (K.PARTY_LECTURE, "党委书记讲党课：做焦裕禄式的好党员", "结合本地实际讲党课，讲清群众路线的要求。"),
]
PLAN_TOPICS = "焦裕禄同志的事迹和言论\n总书记在兰考调研时的重要讲话精神\n反对“四风”、践行群众路线"
PLAN_TEXTS = f"{COMPULSORY_TEXT}\n《县委书记的榜样——焦裕禄》\n《论群众路线——重要论述摘编》"
PLAN_SCHEDULE = "每周五下午集中学习半天；中心组每月至少两次专题学习。\n要求：读原著、学纪实、看专辑、听报告，人人撰写学习体会。"

#: The counties always given study records: those of the demo accounts' units.
FIXED_COUNTIES = ("130123", "130283")  # 正定县, 迁安市
#: How many other counties also get their townships' study recorded.
EXTRA_COUNTIES = 10
#: R6.3 counties that record nothing in any demo area (meetings skip them too): "not reporting".
SILENT_COUNTIES = ("130726", "131125")  # 蔚县, 安平县
#: Sessions a city or county holds (of the five leader forms) and how likely each leader attends one.
SESSIONS_HELD = (3, 5)
ATTENDANCE = (0.5, 0.95)


def _dates(campaign: Campaign, today: datetime.date, count: int, rng: random.Random) -> list[datetime.date]:
    """``count`` sorted days in the last seven weeks before today, inside the campaign."""
    low = max(campaign.start_date, today - datetime.timedelta(days=49))
    high = min(campaign.end_date, today)
    if low > high:  # a campaign wholly before or after today: spread over the campaign itself
        low, high = campaign.start_date, campaign.end_date
    span = (high - low).days
    return sorted(low + datetime.timedelta(days=rng.randint(0, span)) for _ in range(count))


def _under(units: list[Unit], prefix: str = "") -> Q:
    """Rows in the subtrees of ``units`` (nothing when there are none)."""
    return reduce(operator.or_, (Q(**{f"{prefix}path__startswith": u.path}) for u in units), Q(pk__in=[]))


def _plan(campaign: Campaign, unit: Unit) -> StudyPlan:
    return services.plan_create(
        campaign=campaign, unit=unit, title=f"{unit.name}第二批教育实践活动学习计划", topics=PLAN_TOPICS,
        required_texts=PLAN_TEXTS, schedule=PLAN_SCHEDULE, start_date=campaign.start_date,
        end_date=campaign.study_end_for(unit.level))


def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    """Plans and sessions with attendance; some leaders short of their minimum, some special groups covered."""
    counts = {"study_plans": 0, "study_sessions": 0, "attendance": 0}

    def record(unit: Unit, session: tuple, date: datetime.date, attendees: list[Cadre],
               plan: StudyPlan | None = None) -> None:
        kind, topic, content = session
        services.session_record(campaign=campaign, unit=unit, kind=kind, date=date, topic=topic, content=content,
                                hours=Decimal(rng.choice(("1.5", "2.0", "2.0", "3.0"))), plan=plan,
                                attendee_ids=[c.pk for c in attendees])
        counts["study_sessions"] += 1
        counts["attendance"] += len(attendees)

    province = Unit.objects.filter(level=Level.PROVINCE).order_by("path").first()
    if province is None:
        return counts
    committees = Unit.objects.filter(kind=UnitKind.PARTY_COMMITTEE).exclude(code__in=SILENT_COUNTIES)
    county_codes = list(committees.filter(level=Level.COUNTY).exclude(code__in=FIXED_COUNTIES)
                        .order_by("code").values_list("code", flat=True))
    chosen = [*FIXED_COUNTIES, *rng.sample(county_codes, min(EXTRA_COUNTIES, len(county_codes)))]
    counties = list(Unit.objects.filter(code__in=chosen).order_by("path"))
    # R6.3 every city and every county but the silent ones hold leaders' sessions
    cities = list(committees.filter(level=Level.CITY).order_by("path"))
    all_counties = list(committees.filter(level=Level.COUNTY).order_by("path"))
    townships = list(Unit.objects.filter(_under(counties), level=Level.TOWNSHIP).order_by("path"))
    units = [province, *cities, *all_counties, *townships]
    cadres: dict[int, list[Cadre]] = defaultdict(list)
    for cadre in Cadre.objects.filter(unit__in=units).order_by("-is_top_leader", "-is_team_member", "pk"):
        cadres[cadre.unit_id].append(cadre)

    # R2.2 provincial-level leaders: five central-group sessions; two leaders miss some and stay short.
    leaders = [c for c in cadres[province.pk] if c.is_team_member or c.is_top_leader]
    plan = _plan(campaign, province)
    counts["study_plans"] += 1
    short = [c.pk for c in leaders[-2:]] if len(leaders) >= 3 else []
    absent = {3: set(short[1:]), 4: set(short)}  # one leader attends four sessions, another three
    for i, date in enumerate(_dates(campaign, today, len(LEADER_SESSIONS), rng)):
        record(province, LEADER_SESSIONS[i], date, [c for c in leaders if c.pk not in absent.get(i, set())], plan)

    # R2.2 cities and counties: three to five sessions each, the leaders of each unit attending with its own
    # diligence, so some reach the minimum and others fall short, more in one unit than in another.
    for unit in [*cities, *all_counties]:
        plan = _plan(campaign, unit)
        counts["study_plans"] += 1
        team = [c for c in cadres[unit.pk] if c.is_team_member or c.is_top_leader]
        held = rng.randint(*SESSIONS_HELD)
        diligence = rng.uniform(*ATTENDANCE)
        for session, date in zip(rng.sample(LEADER_SESSIONS, held), _dates(campaign, today, held, rng)):
            record(unit, session, date, [c for c in team if rng.random() < diligence], plan)

    # R2.4 townships: the grassroots forms of study (fulfilling their obligations), most of the cadres
    # present — special groups included, so their coverage shows.
    for unit in townships:
        held = GRASSROOTS_SESSIONS[: rng.randint(1, len(GRASSROOTS_SESSIONS))]
        for session, date in zip(held, _dates(campaign, today, len(held), rng)):
            record(unit, session, date, [c for c in cadres[unit.pk] if rng.random() < 0.8])

    # R2.8 villages where special-group cadres live: about half organise a study they take part in.
    special = defaultdict(list)
    for cadre in (Cadre.objects.filter(_under(counties, "unit__"), unit__level=Level.VILLAGE)
                  .exclude(special_group="").order_by("unit_id", "pk")):
        special[cadre.unit_id].append(cadre)
    villages = {u.pk: u for u in Unit.objects.filter(pk__in=special)}
    for unit_id in sorted(special):
        if rng.random() < 0.5:
            unit = villages[unit_id]
            others = list(unit.cadres.filter(special_group="").order_by("pk")[:3])
            record(unit, GRASSROOTS_SESSIONS[0], _dates(campaign, today, 1, rng)[0], [*others, *special[unit_id]])
    return counts
