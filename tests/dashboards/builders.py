"""Records in every area the dashboards read, below the test tree's counties, at any scale.

``seed(tree, campaign, scale=n)`` adds ``n`` townships (with two villages each) under each county, then
for every county and township: a top leader and a team member, obligations done / overdue / not yet
due, study sessions (the team member reaches the minimum, the top leader does not), an exam per county
(half fail, some of them with make-up study done), field-research stays (the county's secretary long
enough, township leaders too short), opinion sessions (counties ask every group, townships three),
supervision cards (overdue, escalated, closed, not yet due) and messages (received, overdue, answered).
Rows go in with ``bulk_create``: ten times the data costs ten times the rows, never more queries to read.
"""
from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from campaign.models import Attendance, Exam, ExamResult, Obligation, StudySession
from campaign.services.campaign import obligations_generate
from feedback.models import FieldResearchStay, Message, MessageStatus, OpinionSession, TargetGroup
from supervision.models import CardStatus, EscalationStep, StepKind, StepStatus, SupervisionCard, SupervisionGroup
from tests.factories import UserFactory, add
from units.models import Cadre, Level, Rank, Unit, UnitKind

_codes = itertools.count(1)
# card numbers and tracking codes are unique across the database: seeding twice must not repeat them
_serials = itertools.count(1)
_tracking = itertools.count(1)


@dataclass
class Seeded:
    today: datetime.date
    counties: list[Unit]
    townships: list[Unit] = field(default_factory=list)
    villages: list[Unit] = field(default_factory=list)
    group: SupervisionGroup | None = None


def _leaders(unit: Unit) -> tuple[Cadre, Cadre]:
    rank = Rank.COUNTY if unit.level <= Level.COUNTY else Rank.SECTION
    top = Cadre.objects.create(unit=unit, name=f"{unit.name}书记", post="书记", rank=rank, is_top_leader=True,
                               is_team_member=True, is_party_secretary=True)
    member = Cadre.objects.create(unit=unit, name=f"{unit.name}委员", post="委员", rank=Rank.SECTION,
                                  is_team_member=True)
    return top, member


def seed(tree, campaign, *, scale: int = 1, today: datetime.date | None = None) -> Seeded:
    today = today or timezone.localdate()
    counties = [tree.county_a, tree.county_a2, tree.county_b]
    out = Seeded(today=today, counties=counties)
    for county in counties:
        for _ in range(scale):
            n = next(_codes)
            township = add(county, name=f"{county.name}第{n}镇", code=f"{county.code}9{n:04d}", level=Level.TOWNSHIP,
                           kind=UnitKind.GRASSROOTS)
            out.townships.append(township)
            for v in range(2):
                out.villages.append(add(township, name=f"{township.name}{v + 1}村", code=f"{township.code}{v}",
                                        level=Level.VILLAGE, kind=UnitKind.VILLAGE))
    obligations_generate(campaign=campaign)
    _obligations(campaign, today)
    units = counties + out.townships
    leaders = {unit.pk: _leaders(unit) for unit in units}
    _study(campaign, units, leaders, today)
    _exams(campaign, counties, units, leaders, today)
    _stays(campaign, units, leaders, out.villages, today)
    _opinions(campaign, units, today)
    out.group = _cards(campaign, tree, units, today)
    _messages(campaign, tree, units, today)
    return out


def _obligations(campaign, today: datetime.date) -> None:
    """A third done, a third overdue, a third not yet due (by primary key, so it holds at any scale)."""
    obligations = list(Obligation.objects.filter(campaign=campaign).order_by("pk"))
    for i, ob in enumerate(obligations):
        if i % 3 == 0:
            ob.completed_on, ob.due_date = today - datetime.timedelta(days=2), today - datetime.timedelta(days=1)
        elif i % 3 == 1:
            ob.completed_on, ob.due_date = None, today - datetime.timedelta(days=3)
        else:
            ob.completed_on, ob.due_date = None, today + datetime.timedelta(days=5)
    Obligation.objects.bulk_update(obligations, ["completed_on", "due_date"])


def _study(campaign, units, leaders, today) -> None:
    """Three sessions per unit: the team member attends all three (meets 3), the top leader one (short)."""
    sessions = StudySession.objects.bulk_create([
        StudySession(campaign=campaign, unit=unit, kind="collective_study", date=today - datetime.timedelta(days=d),
                     topic=f"{unit.name}学习{d}", hours=Decimal("2")) for unit in units for d in (1, 2, 3)])
    rows = []
    for session in sessions:
        top, member = leaders[session.unit_id]
        rows.append(Attendance(session=session, cadre=member))
        if session.topic.endswith("学习1"):
            rows.append(Attendance(session=session, cadre=top))
    Attendance.objects.bulk_create(rows)


def _exams(campaign, counties, units, leaders, today) -> None:
    """An exam per county: the leaders of the county and its townships sit it; every top leader fails, and
    the county's top leader has done make-up study (still owed: the re-sit)."""
    for county in counties:
        exam = Exam.objects.create(campaign=campaign, unit=county, title=f"{county.name}考试",
                                   date=today - datetime.timedelta(days=4))
        rows = []
        for unit in (u for u in units if u.path.startswith(county.path)):
            top, member = leaders[unit.pk]
            rows.append(ExamResult(exam=exam, cadre=member, score=Decimal("80"), passed=True))
            rows.append(ExamResult(exam=exam, cadre=top, score=Decimal("40"), passed=False,
                                   makeup_done_on=today if unit.pk == county.pk else None))
        ExamResult.objects.bulk_create(rows)


def _stays(campaign, units, leaders, villages, today) -> None:
    """County secretaries stay the minimum; township secretaries one day short."""
    minimum = campaign.min_field_research_days
    rows = []
    for unit in units:
        top, _member = leaders[unit.pk]
        host = next((v for v in villages if v.path.startswith(unit.path)), unit)
        days = minimum if unit.level == Level.COUNTY else minimum - 1
        start = today - datetime.timedelta(days=10)
        rows.append(FieldResearchStay(campaign=campaign, cadre=top, host_unit=host, start_date=start,
                                      end_date=start + datetime.timedelta(days=days - 1), days=days, findings="调研"))
    FieldResearchStay.objects.bulk_create(rows)


def _opinions(campaign, units, today) -> None:
    groups = TargetGroup.values
    OpinionSession.objects.bulk_create([
        OpinionSession(campaign=campaign, unit=unit, target_group=group, held_on=today, people_count=10,
                       opinion_count=3)
        for unit in units for group in (groups if unit.level == Level.COUNTY else groups[:3])])


def _cards(campaign, tree, units, today) -> SupervisionGroup:
    """Per unit: an overdue card, an escalated one (also overdue), a closed one and one not yet due."""
    issuer = UserFactory(username="dashboard-issuer")
    n = next(_serials)
    group = SupervisionGroup.objects.create(leading_unit=tree.province, name=f"省委第{n}督导组",
                                            card_prefix=f"冀督卡{n}", leader=issuer)
    now = timezone.now()
    cards = []
    for unit in units:
        for status, due in ((CardStatus.SIGNED, -2), (CardStatus.ISSUED, -9), (CardStatus.CLOSED, -5),
                            (CardStatus.ISSUED, 4)):
            s = next(_serials)
            cards.append(SupervisionCard(group=group, campaign=campaign, year=today.year, serial=s,
                                         number=f"冀督卡〔{today.year}〕{s}号", unit=unit, facts="事实",
                                         required_actions="整改", due_date=today + datetime.timedelta(days=due),
                                         status=status, issued_by=issuer, issued_at=now))
    cards = SupervisionCard.objects.bulk_create(cards)
    EscalationStep.objects.bulk_create([
        EscalationStep(card=card, step=StepKind.REMINDER, status=StepStatus.TAKEN, automatic=True, created_at=now,
                       taken_on=today, effective_on=today, reason="逾期")
        for card in cards if card.due_date == today - datetime.timedelta(days=9)])
    return group


def _messages(campaign, tree, units, today) -> None:
    """Per unit: one waiting for triage, one overdue, one answered in two days but after its due date,
    one answered in time."""
    now = timezone.now()
    rows = []
    for unit in units:
        def message(**kw) -> Message:
            return Message(campaign=campaign, tracking_code=f"T{next(_tracking):09d}", unit=unit,
                           office_unit=tree.province, category="formalism", text="留言",
                           received_on=today - datetime.timedelta(days=20), **kw)

        rows += [
            message(status=MessageStatus.RECEIVED),
            message(status=MessageStatus.FORWARDED, assigned_unit=unit, forwarded_at=now - datetime.timedelta(days=10),
                    due_date=today - datetime.timedelta(days=1)),
            message(status=MessageStatus.PUBLISHED, assigned_unit=unit, forwarded_at=now - datetime.timedelta(days=6),
                    answered_at=now - datetime.timedelta(days=4), due_date=today - datetime.timedelta(days=5)),
            message(status=MessageStatus.ANSWERED, assigned_unit=unit, forwarded_at=now - datetime.timedelta(days=3),
                    answered_at=now - datetime.timedelta(days=1), due_date=today + datetime.timedelta(days=3)),
        ]
    Message.objects.bulk_create(rows)
