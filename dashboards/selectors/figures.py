"""R2–R5 the campaign's figures of a subtree, rolled up by branch: the numbers behind every dashboard.

Each source (units, obligations, study, exams, field research, supervision cards, messages) is read by
ONE grouped query over the whole subtree, grouped by the path prefix of the branch a record lies in
(``Substr(path, 1, depth * steplen)``, as ``campaign.selectors.core.children_progress`` does). A record
of the root itself keeps its shorter path as its key. The number of queries is therefore fixed, however
many children or records there are. Every figure is a count (or a sum), so branches add up to their
ancestors in Python: the ranking groups at the depth of its deepest ranked unit and rolls up from there.

Each count is taken the way the list it links to counts (see ``dashboards.links``), so a leader who
clicks a number finds that many rows.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import Substr

from campaign.models import Attendance, Campaign, ExamResult, Obligation
from campaign.selectors.exams import owed_all, owed_in_state
from campaign.selectors.study import HAS_STUDY_MINIMUM, cadres_with_study_counts
from feedback.models import OPEN_STATUSES, FieldResearchStay, Message, MessageStatus, OpinionSession, TargetGroup
from feedback.policy import research_required_q
from supervision.models import UNIT_OWES, CardStatus, EscalationStep, SupervisionCard
from units.models import Cadre, Unit


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Figures:
    """The campaign's counts over one subtree (or one branch of it). All fields add up."""

    # R0.1 units, R4.2 units that sought the opinions of every target group
    units: int = 0
    opinion_covered: int = 0
    # R0.1 the cadres on the rolls of those units (the home page's "cadres in your scope")
    cadres: int = 0
    # R5.1 obligations against their deadlines
    obligations: int = 0
    obligations_done: int = 0
    obligations_overdue: int = 0
    # R2.2 leaders with a minimum of study sessions, and those who reached it
    study_required: int = 0
    study_met: int = 0
    # R2.6 first sittings of the exams organised here, passed; failures still owing make-up study
    exam_sat: int = 0
    exam_passed: int = 0
    exam_owed: int = 0
    # R4.1 top leaders who must make a field-research stay, and those who stayed long enough
    research_required: int = 0
    research_met: int = 0
    # R1.3 supervision cards
    cards: int = 0
    cards_open: int = 0
    cards_overdue: int = 0
    cards_escalated: int = 0
    cards_troubled: int = 0  # open and overdue or escalated: what the ranking counts against a unit
    # R4.4 messages about the units, answers, answer time and overdue answers
    messages: int = 0
    messages_open: int = 0
    messages_answered: int = 0
    answer_seconds: float = 0.0
    messages_overdue: int = 0
    messages_assigned: int = 0  # forwarded for an answer with a due date
    messages_late: int = 0  # overdue now, or answered after the due date

    def add(self, row: Mapping[str, Any]) -> None:
        """Add a grouped query's row (keys that are not figures, such as ``branch``, are skipped)."""
        for key, value in row.items():
            if key in _FIELD_NAMES and value:
                if isinstance(value, datetime.timedelta):
                    value = value.total_seconds()
                setattr(self, key, getattr(self, key) + value)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{name: getattr(self, name) + getattr(other, name) for name in _FIELD_NAMES})

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in _FIELD_NAMES if name not in ("units", "cadres"))

    # --- the rates a leader reads (None: nothing to measure yet)

    @property
    def obligations_due(self) -> int:
        return self.obligations - self.obligations_done - self.obligations_overdue

    @property
    def progress_percent(self) -> int | None:
        return _percent(self.obligations_done, self.obligations)

    @property
    def study_short(self) -> int:
        return self.study_required - self.study_met

    @property
    def study_percent(self) -> int | None:
        return _percent(self.study_met, self.study_required)

    @property
    def exam_rate(self) -> int | None:
        return _percent(self.exam_passed, self.exam_sat)

    @property
    def research_short(self) -> int:
        return self.research_required - self.research_met

    @property
    def research_percent(self) -> int | None:
        return _percent(self.research_met, self.research_required)

    @property
    def opinion_gaps(self) -> int:
        return self.units - self.opinion_covered

    @property
    def opinion_percent(self) -> int | None:
        return _percent(self.opinion_covered, self.units)

    @property
    def answer_days(self) -> float | None:
        """Average days from forwarding to the unit's answer."""
        return round(self.answer_seconds / 86400 / self.messages_answered, 1) if self.messages_answered else None


_FIELD_NAMES = frozenset(f.name for f in fields(Figures))


def _branch(path_field: str, depth: int) -> Substr:
    return Substr(path_field, 1, depth * Unit.steplen)


def _grouped(qs: QuerySet, path_field: str, scope: "Scope", keys: Iterable[str] = (), **aggregates) -> QuerySet:
    """``qs`` within ``scope``, grouped by branch (and ``keys``): one query."""
    return (qs.filter(scope.q(path_field)).annotate(branch=scope.branch(path_field)).order_by()
            .values("branch", *keys).annotate(**aggregates))


@dataclass(frozen=True)
class Scope:
    """Where the figures are counted and how records are grouped: ``root``'s subtree by the branch at
    ``depth`` (absolute tree depth), or — for ``dashboards.rollups`` — the records of the units at
    ``paths`` (``None``: of every unit), each unit apart."""

    root: Unit | None = None
    depth: int | None = 0  # None: each unit of root's subtree apart
    paths: tuple[str, ...] | None = ()

    def q(self, path_field: str) -> Q:
        if self.root is None:
            return Q() if self.paths is None else Q(**{f"{path_field}__in": self.paths})
        return Q(**{f"{path_field}__startswith": self.root.path})

    def branch(self, path_field: str):
        if self.root is None or self.depth is None:
            return F(path_field)
        return _branch(path_field, self.depth)


@dataclass
class Collected:
    """The figures of each branch of a subtree, and the breakdowns the dashboard's charts show."""

    branches: dict[str, Figures] = field(default_factory=lambda: defaultdict(Figures))
    # obligation kind → {"done", "overdue", "due"} (with ``detail``)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    # card status → count (with ``detail``)
    card_status: dict[str, int] = field(default_factory=dict)
    # unit level → (units, opinion_covered) (with ``detail``)
    by_level: dict[int, list[int]] = field(default_factory=dict)
    # the same breakdowns per branch (with ``detail``): {"kind": …, "status": …, "level": …}
    branch_detail: dict[str, dict] = field(default_factory=lambda: defaultdict(
        lambda: {"kind": {}, "status": {}, "level": {}}))

    def total(self) -> Figures:
        result = Figures()
        for figures in self.branches.values():
            result = result + figures
        return result

    def rolled_up(self, units: Iterable[Unit]) -> dict[int, Figures]:
        """Each unit's subtree figures from the branches below it (the units must lie at or above the
        grouping depth). Dictionary lookups only: a branch key is cut to each unit's path length."""
        by_path = {u.path: u.pk for u in units}
        lengths = sorted({len(path) for path in by_path})
        result: dict[int, Figures] = {pk: Figures() for pk in by_path.values()}
        for branch, figures in self.branches.items():
            for length in lengths:
                if len(branch) < length:
                    break
                pk = by_path.get(branch[:length])
                if pk is not None:
                    result[pk] = result[pk] + figures
        return result


def collect(*, user, root: Unit | None = None, depth: int | None = 0, campaign: Campaign, today: datetime.date,
            detail: bool = False, paths: Iterable[str] | None = ()) -> Collected:
    """R2–R5 the figures of ``root``'s subtree grouped by branch at ``depth`` (absolute tree depth),
    in seven queries (``depth`` ``None``: each unit apart); ``detail`` adds the breakdowns by obligation kind, card status and unit level
    to the same queries (more rows, no more queries). Without ``root``, the own records of the units at
    ``paths`` (``None``: of every unit), each its own branch (``dashboards.rollups``); ``user`` ``None``
    counts without scope."""
    if root is not None:
        scope = Scope(root=root, depth=depth)
    else:
        scope = Scope(paths=None if paths is None else tuple(paths))
    out = Collected()

    def take(qs: QuerySet, path_field: str, breakdown: str = "", sink=None, **aggregates) -> None:
        """Run one grouped query; with ``detail``, also group by ``breakdown`` and hand each row to ``sink``."""
        key = breakdown if detail and breakdown else ""
        for row in _grouped(qs, path_field, scope, (key,) if key else (), **aggregates):
            value = row.pop(key) if key else None
            branch = row.pop("branch")
            out.branches[branch].add(row)
            if key:
                sink(out.branch_detail[branch], value, row)

    # units and R4.2 opinion coverage: a unit is covered once it asked every target group
    covered = (OpinionSession.objects.filter(scope.q("unit__path"), campaign=campaign).order_by()
               .values("unit_id").annotate(groups=Count("target_group", distinct=True))
               .filter(groups__gte=len(TargetGroup.values)).values("unit_id"))

    def level_sink(branch: dict, level: int, row: dict) -> None:
        for into in (out.by_level, branch["level"]):
            units, done = into.get(level, (0, 0))
            into[level] = [units + row["units"], done + row["opinion_covered"]]

    # R0.1 closed units owe nothing and leave the denominators: their units, obligations and cadres
    take(Unit.objects.active(), "path", "level", level_sink,
         units=Count("pk"), opinion_covered=Count("pk", filter=Q(pk__in=covered)))

    # R5.1 obligations (as campaign.selectors.core.subtree_progress counts them)
    def kind_sink(branch: dict, kind: str, row: dict) -> None:
        for into in (out.by_kind, branch["kind"]):
            counts = into.setdefault(kind, {"done": 0, "overdue": 0, "due": 0})
            counts["done"] += row["obligations_done"]
            counts["overdue"] += row["obligations_overdue"]
            counts["due"] += row["obligations"] - row["obligations_done"] - row["obligations_overdue"]

    take(Obligation.objects.live().filter(campaign=campaign, unit__closed_on__isnull=True), "unit__path", "kind",
         kind_sink,
         obligations=Count("pk"), obligations_done=Count("pk", filter=Q(completed_on__isnull=False)),
         obligations_overdue=Count("pk", filter=Q(completed_on__isnull=True, due_date__lt=today)))

    # One scan of the cadres for three figures. R0.1 every cadre of an open unit. R2.2 the leaders with a
    # minimum, met when they attended at least their minimum — judged as the shortfall list judges
    # (cadres_with_study_counts), over the few cadres who attended anything (nobody meets a minimum without
    # attending). R4.1 the top leaders who must stay, one stay of the campaign's minimum days fulfilling it
    # (feedback.policy).
    attended = Attendance.objects.filter(session__campaign=campaign).values("cadre_id")
    met = (cadres_with_study_counts(Cadre.objects.filter(scope.q("unit__path"), pk__in=attended),
                                    campaign).filter(attended__gte=F("minimum")).order_by().values("pk"))
    stayed = (FieldResearchStay.objects.filter(campaign=campaign, days__gte=campaign.min_field_research_days)
              .order_by().values("cadre_id"))
    research = research_required_q()
    take(Cadre.objects.filter(unit__closed_on__isnull=True), "unit__path", cadres=Count("pk"),
         study_required=Count("pk", filter=HAS_STUDY_MINIMUM),
         study_met=Count("pk", filter=HAS_STUDY_MINIMUM & Q(pk__in=met)),
         research_required=Count("pk", filter=research),
         research_met=Count("pk", filter=research & Q(pk__in=stayed)))

    # R2.6 first sittings of the exams organised in the subtree (the exam list with re-sits left out)
    take(ExamResult.objects.filter(exam__campaign=campaign, exam__is_resit=False), "exam__unit__path",
         exam_sat=Count("pk"), exam_passed=Count("pk", filter=Q(passed=True)))
    # failures still owing make-up study or a passed re-sit (the make-up list, by the cadre's unit)
    take(owed_in_state(owed_all(user, campaign)), "cadre__unit__path", exam_owed=Count("pk"))

    # R1.3 supervision cards: open, overdue (the unit owes the next move after the due date), escalated
    is_open = ~Q(status=CardStatus.CLOSED)
    overdue = Q(status__in=UNIT_OWES, due_date__lt=today)
    escalated = Q(pk__in=EscalationStep.objects.order_by().values("card_id"))

    def status_sink(branch: dict, status: str, row: dict) -> None:
        for into in (out.card_status, branch["status"]):
            into[status] = into.get(status, 0) + row["cards"]

    take(SupervisionCard.objects.filter(campaign=campaign), "unit__path", "status", status_sink,
         cards=Count("pk"), cards_open=Count("pk", filter=is_open), cards_overdue=Count("pk", filter=overdue),
         cards_escalated=Count("pk", filter=is_open & escalated),
         cards_troubled=Count("pk", filter=is_open & (overdue | escalated)))

    # R4.4 messages about the subtree's units
    answered = Q(answered_at__isnull=False, forwarded_at__isnull=False)
    overdue_now = Q(status=MessageStatus.FORWARDED, due_date__lt=today)
    take(Message.objects.filter(campaign=campaign), "unit__path",
         messages=Count("pk"), messages_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
         messages_answered=Count("pk", filter=answered),
         answer_seconds=Sum(ExpressionWrapper(F("answered_at") - F("forwarded_at"), output_field=DurationField()),
                            filter=answered),
         messages_overdue=Count("pk", filter=overdue_now),
         messages_assigned=Count("pk", filter=Q(due_date__isnull=False)),
         messages_late=Count("pk", filter=overdue_now | Q(answered_at__date__gt=F("due_date"))))
    return out
