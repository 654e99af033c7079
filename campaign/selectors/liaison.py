"""R5.2 reads of the liaison area: the agenda built from what is overdue, the report matrix of an upper office,
the reports a user's units owe, and the units and people a form may offer — each in a fixed number of queries."""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncDate
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from units.models import Cadre, Level, RoleAssignment, Unit
from units.scoping import WRITE_ROLES, grants_of, scope_paths

from ..models import (
    AgendaSource,
    Campaign,
    ExamResult,
    InstructionRequest,
    LiaisonMeeting,
    LiaisonTask,
    Obligation,
    ObligationKind,
    ProgressReport,
    ProgressReportSchedule,
    RequestStatus,
)
from ..models.liaison import Period
from .exams import _later_results
from .study import HAS_STUDY_MINIMUM, cadres_with_study_counts

#: Unit names listed under one agenda item; the count says how many there are in all.
NAMES_SHOWN = 10
#: Periods shown in a report matrix (the latest ones).
PERIODS_SHOWN = 8


# --- units and people a form offers


def own_units(user, *, liaisons: bool = True, children: bool = False) -> list[Unit]:
    """The units the user's own office (and, with ``liaisons``, liaison) roles are bound to, in tree order.

    With ``children`` the units directly below their office units are added: an office records for its
    subordinates too. A superuser without roles acts for the roots. Two queries at most.
    """
    roles = WRITE_ROLES | ({"liaison"} if liaisons else set())
    grants = [g for g in grants_of(user) if g.role in roles]
    if not grants:
        if scope_paths(user) is None:
            roots = list(Unit.objects.get_root_nodes())
            return roots + (list(Unit.objects.filter(depth=2).order_by("path")) if children else [])
        return []
    q = Q(pk__in=[g.unit_id for g in grants])
    if children:
        for g in grants:
            if g.role in WRITE_ROLES:
                q |= Q(path__startswith=g.path, depth=g.depth + 1)
    return list(Unit.objects.filter(q).order_by("path"))


def office_units(user) -> list[Unit]:
    """The units the user runs an activity office for (office staff and administrators)."""
    return own_units(user, liaisons=False)


def people_around(units: Iterable[Unit]) -> QuerySet:
    """Users who may attend an office's liaison meeting or own its action items: those with a role at the
    office's unit, above it (supervision and upper offices) or directly below it (the subordinates' liaisons)."""
    near_q = Q(pk__in=[])
    for unit in units:
        above = Unit.path_prefixes(unit.path)
        near_q |= Q(unit__path__in=above) | Q(unit__path__startswith=unit.path, unit__depth=unit.depth + 1)
    near = RoleAssignment.objects.filter(near_q)
    return (get_user_model().objects.filter(is_active=True, pk__in=near.values("user_id"))
            .order_by("first_name", "username"))


def task_owner_units(unit: Unit) -> QuerySet:
    """The units an action item may be given to: the office's own unit and those directly below it."""
    return Unit.objects.filter(Q(pk=unit.pk) | Q(path__startswith=unit.path, depth=unit.depth + 1)).order_by("path")


# --- R5.2 the agenda of a liaison meeting


@dataclass
class AgendaEntry:
    """One automatic agenda item: what is overdue, how many, and the list page behind it."""

    source: str
    title: str
    detail: str = ""
    count: int | None = None
    link: str = ""


AgendaProvider = Callable[[Unit, Campaign, datetime.date], Iterable[AgendaEntry]]
_agenda_providers: list[AgendaProvider] = []


def register_agenda_provider(provider: AgendaProvider) -> None:
    """Let a higher app (supervision: overdue and escalated cards) add agenda items without this app
    importing it; called from that app's ``AppConfig.ready``. Its items are stored as ``other_area``."""
    if provider not in _agenda_providers:
        _agenda_providers.append(provider)


def _names(names: list[str], total: int) -> str:
    text = "、".join(names)
    return text + ("……" if total > len(names) else "")


def _with_query(name: str, args: list | None = None, **query) -> str:
    url = reverse(name, args=args or [])
    return f"{url}?{urlencode(query)}" if query else url


def _overdue_obligations(unit: Unit, campaign: Campaign, today: datetime.date) -> list[AgendaEntry]:
    overdue = Obligation.objects.filter(campaign=campaign, unit__path__startswith=unit.path).overdue(today)
    counts = dict(overdue.values_list("kind").annotate(n=Count("pk")).order_by())
    if not counts:
        return []
    # the first few units of each kind, in tree order, in one query (a window per kind)
    named: dict[str, list[str]] = {}
    for kind, name in (overdue.annotate(rank=Window(RowNumber(), partition_by=F("kind"),
                                                    order_by=[F("unit__path").asc()]))
                       .filter(rank__lte=NAMES_SHOWN).order_by("kind", "rank").values_list("kind", "unit__name")):
        named.setdefault(kind, []).append(name)
    link = reverse("campaign:unit_progress", args=[unit.pk])
    labels = dict(ObligationKind.choices)
    return [AgendaEntry(AgendaSource.OVERDUE_OBLIGATIONS,
                        ngettext("%(kind)s overdue in %(n)s unit", "%(kind)s overdue in %(n)s units", n)
                        % {"kind": labels.get(kind, kind), "n": n},
                        _names(named.get(kind, []), n), n, link)
            for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _study_shortfall(unit: Unit, campaign: Campaign, today: datetime.date) -> list[AgendaEntry]:
    # only the levels whose study stage has ended owe their sessions by now (R5.1 dates, R2.2 minimums)
    levels = ([Q(unit__level__lte=Level.COUNTY)] if campaign.study_end_city_county < today else []) + (
        [Q(unit__level__gt=Level.COUNTY)] if campaign.study_end_grassroots < today else [])
    if not levels:
        return []
    ended = levels[0] if len(levels) == 1 else levels[0] | levels[1]
    leaders = Cadre.objects.filter(ended, HAS_STUDY_MINIMUM, unit__path__startswith=unit.path)
    agg = (cadres_with_study_counts(leaders, campaign).filter(attended__lt=F("minimum"))
           .aggregate(n=Count("pk"), units=Count("unit", distinct=True)))
    if not agg["n"]:
        return []
    return [AgendaEntry(AgendaSource.STUDY_SHORTFALL,
                        ngettext("%(n)s leader short of the minimum study sessions after the study stage ended "
                                 "(%(units)s units)",
                                 "%(n)s leaders short of the minimum study sessions after the study stage ended "
                                 "(%(units)s units)", agg["n"]) % agg,
                        "", agg["n"], _with_query("campaign:study_shortfall", unit=unit.code))]


def _exam_makeup(unit: Unit, campaign: Campaign) -> list[AgendaEntry]:
    n = (ExamResult.objects.filter(cadre__unit__path__startswith=unit.path, exam__campaign=campaign, passed=False)
         .annotate(has_later=Exists(_later_results())).filter(has_later=False).count())
    if not n:
        return []
    return [AgendaEntry(AgendaSource.EXAM_MAKEUP,
                        ngettext("%(n)s cadre failed the exam and still owes make-up study or a re-sit",
                                 "%(n)s cadres failed the exam and still owe make-up study or a re-sit", n)
                        % {"n": n}, "", n, _with_query("campaign:exam_owed", unit=unit.code))]


def latest_due_period(schedule: ProgressReportSchedule, today: datetime.date) -> Period | None:
    """The most recent period whose report was due by ``today`` (within the campaign)."""
    last = min(today, schedule.campaign.end_date)
    due = [p for p in schedule.periods(until=last) if p.due <= today]
    return due[-1] if due else None


def _missing_reports(unit: Unit, campaign: Campaign, today: datetime.date) -> list[AgendaEntry]:
    schedule = (ProgressReportSchedule.objects.filter(campaign=campaign, unit=unit, is_active=True)
                .select_related("campaign").first())
    period = latest_due_period(schedule, today) if schedule else None
    if period is None:
        return []
    children = list(Unit.objects.get_children(unit).values_list("pk", "name"))
    reported = set(ProgressReport.objects.filter(schedule=schedule, period_start=period.start)
                   .values_list("unit_id", flat=True))
    missing = [name for pk, name in children if pk not in reported]
    if not missing:
        return []
    return [AgendaEntry(AgendaSource.MISSING_REPORTS,
                        _("%(n)s of %(total)s subordinate units have not sent their progress report due on %(date)s")
                        % {"n": len(missing), "total": len(children), "date": date_format(period.due)},
                        _names(missing[:NAMES_SHOWN], len(missing)), len(missing),
                        reverse("campaign:progress_matrix", args=[unit.pk]))]


def _open_requests(unit: Unit) -> list[AgendaEntry]:
    rows = list(InstructionRequest.objects.filter(addressee=unit, status=RequestStatus.OPEN)
                .order_by("asked_at").values_list("title", "unit__name")[:NAMES_SHOWN + 1])
    if not rows:
        return []
    total = InstructionRequest.objects.filter(addressee=unit, status=RequestStatus.OPEN).count() \
        if len(rows) > NAMES_SHOWN else len(rows)
    detail = "\n".join(f"{name}：{title}" for title, name in rows[:NAMES_SHOWN])
    return [AgendaEntry(AgendaSource.OPEN_REQUESTS,
                        ngettext("%(n)s request for instructions awaits an answer",
                                 "%(n)s requests for instructions await an answer", total) % {"n": total},
                        detail, total, _with_query("campaign:instruction_requests", box="received", status="open"))]


def _overdue_tasks(unit: Unit, today: datetime.date) -> list[AgendaEntry]:
    tasks = list(LiaisonTask.objects.filter(meeting__unit=unit).overdue(today)
                 .select_related("owner_unit", "owner_user").order_by("due_date", "pk")[:NAMES_SHOWN + 1])
    if not tasks:
        return []
    total = (LiaisonTask.objects.filter(meeting__unit=unit).overdue(today).count()
             if len(tasks) > NAMES_SHOWN else len(tasks))
    detail = "\n".join(f"{t.text}（{t.owner_label}，{date_format(t.due_date)}）" for t in tasks[:NAMES_SHOWN])
    return [AgendaEntry(AgendaSource.OVERDUE_TASKS,
                        ngettext("%(n)s action item of earlier meetings is overdue",
                                 "%(n)s action items of earlier meetings are overdue", total) % {"n": total},
                        detail, total, _with_query("campaign:liaison_tasks", unit=unit.code, state="overdue"))]


def agenda_for(unit: Unit, campaign: Campaign, today: datetime.date) -> list[AgendaEntry]:
    """R5.2 what is overdue in an office's subtree, as agenda items, in at most eleven queries
    (more only from areas that registered a provider)."""
    entries = [*_overdue_obligations(unit, campaign, today), *_study_shortfall(unit, campaign, today),
               *_exam_makeup(unit, campaign), *_missing_reports(unit, campaign, today), *_open_requests(unit),
               *_overdue_tasks(unit, today)]
    for provider in _agenda_providers:
        entries += [AgendaEntry(AgendaSource.OTHER_AREA, e.title, e.detail, e.count, e.link)
                    for e in provider(unit, campaign, today)]
    return entries


# --- meetings and tasks


def meetings_for(user, campaign: Campaign) -> QuerySet[LiaisonMeeting]:
    """R5.2 the liaison meetings of the user's scope, with their open and overdue action items counted."""
    return (LiaisonMeeting.objects.visible_to(user).filter(campaign=campaign).select_related("unit")
            .annotate(task_count=Count("tasks", distinct=True),
                      open_count=Count("tasks", filter=Q(tasks__status="open"), distinct=True),
                      item_count=Count("agenda_items", distinct=True))
            .order_by("-date", "unit__path", "-pk"))


def tasks_for(user, campaign: Campaign) -> QuerySet[LiaisonTask]:
    """R5.2 the action items the user sees (of meetings in scope, owned by a unit in scope, or their own)."""
    return (LiaisonTask.objects.visible_to(user).filter(meeting__campaign=campaign)
            .select_related("meeting__unit", "owner_unit", "owner_user"))


@dataclass(frozen=True)
class TaskFigures:
    open: int = 0
    overdue: int = 0
    done: int = 0


def task_figures(tasks: QuerySet[LiaisonTask], today: datetime.date) -> TaskFigures:
    return TaskFigures(**tasks.aggregate(open=Count("pk", filter=Q(status="open")),
                                         overdue=Count("pk", filter=Q(status="open", due_date__lt=today)),
                                         done=Count("pk", filter=Q(status="done"))))


# --- R5.2 progress reports


@dataclass
class MatrixCell:
    """One subordinate in one period: ``on_time``, ``late``, ``missing`` (due and not in) or ``pending``."""

    period: Period
    state: str
    report: ProgressReport | None = None


@dataclass
class MatrixRow:
    unit: Unit
    cells: list[MatrixCell]

    @property
    def missing(self) -> int:
        return sum(1 for c in self.cells if c.state == "missing")


@dataclass
class ReportMatrix:
    """R5.2 who has and has not reported, subordinate by period, for the latest periods of a schedule."""

    schedule: ProgressReportSchedule
    periods: list[Period]
    rows: list[MatrixRow] = field(default_factory=list)

    @property
    def column_totals(self) -> list[tuple[int, int]]:
        """(reported, missing) per period."""
        return [(sum(1 for r in self.rows if r.cells[i].report is not None),
                 sum(1 for r in self.rows if r.cells[i].state == "missing")) for i in range(len(self.periods))]

    @property
    def missing_total(self) -> int:
        return sum(r.missing for r in self.rows)


def _cell(period: Period, report: ProgressReport | None, today: datetime.date) -> MatrixCell:
    if report is not None:
        return MatrixCell(period, "late" if report.is_late else "on_time", report)
    return MatrixCell(period, "missing" if period.due < today else "pending")


def shown_periods(schedule: ProgressReportSchedule, today: datetime.date, shown: int = PERIODS_SHOWN) -> list[Period]:
    """The latest periods that have begun (the current one included), at most ``shown``."""
    return schedule.periods(until=min(today, schedule.campaign.end_date))[-shown:] if shown else []


def report_matrix(schedule: ProgressReportSchedule, today: datetime.date, *,
                  shown: int = PERIODS_SHOWN) -> ReportMatrix:
    """R5.2 the matrix of an upper office: its direct subordinates × the latest periods, in two queries."""
    periods = shown_periods(schedule, today, shown)
    children = list(Unit.objects.get_children(schedule.unit))
    reports = {}
    if periods and children:
        for report in ProgressReport.objects.filter(schedule=schedule, period_start__gte=periods[0].start,
                                                    period_start__lte=periods[-1].start):
            reports[(report.unit_id, report.period_start)] = report
    rows = [MatrixRow(child, [_cell(p, reports.get((child.pk, p.start)), today) for p in periods])
            for child in children]
    return ReportMatrix(schedule, periods, rows)


@dataclass
class OwedReports:
    """R5.2 one of the user's units and the schedule of the office above it, with its latest periods."""

    unit: Unit
    schedule: ProgressReportSchedule
    cells: list[MatrixCell]

    @property
    def missing(self) -> int:
        return sum(1 for c in self.cells if c.state == "missing")


def owed_reports(user, campaign: Campaign, today: datetime.date, *, shown: int = 4) -> list[OwedReports]:
    """R5.2 the reports the user's own units owe the office above them: three queries."""
    units = [u for u in own_units(user) if u.depth > 1]
    if not units:
        return []
    parents = {u.path[:-Unit.steplen] for u in units}
    schedules = {s.unit.path: s for s in ProgressReportSchedule.objects.filter(
        campaign=campaign, is_active=True, unit__path__in=parents).select_related("unit", "campaign")}
    pairs = [(u, schedules[u.path[:-Unit.steplen]]) for u in units if u.path[:-Unit.steplen] in schedules]
    if not pairs:
        return []
    reports = {(r.schedule_id, r.unit_id, r.period_start): r for r in ProgressReport.objects.filter(
        schedule__in=[s for _, s in pairs], unit__in=[u for u, _ in pairs])}
    return [OwedReports(u, s, [_cell(p, reports.get((s.pk, u.pk, p.start)), today)
                               for p in reversed(shown_periods(s, today, shown))])
            for u, s in pairs]


def reports_for(user, campaign: Campaign) -> QuerySet[ProgressReport]:
    """R5.2 the progress reports of the user's scope, newest period first."""
    return (ProgressReport.objects.visible_to(user).filter(schedule__campaign=campaign)
            .select_related("unit", "schedule__unit", "submitted_by").order_by("-period_start", "unit__path"))


def late_only(reports: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """Reports that came in after their due day (the day of arrival in the portal's time zone)."""
    return reports.annotate(submitted_day=TruncDate("submitted_at")).filter(submitted_day__gt=F("due_date"))


def schedules_for(user, campaign: Campaign) -> QuerySet[ProgressReportSchedule]:
    """R5.2 the schedules set by offices in the user's scope."""
    return ProgressReportSchedule.objects.visible_to(user).filter(campaign=campaign).select_related("unit")


def matrix_export_rows(matrix: ReportMatrix) -> tuple[list[str], list[list]]:
    headers = [_("Unit"), _("Unit code")] + [f"{date_format(p.start)}–{date_format(p.end)}" for p in matrix.periods]
    labels = {"on_time": _("Reported"), "late": _("Reported late"), "missing": _("Not reported"),
              "pending": _("Not yet due")}
    return headers, [[r.unit.name, r.unit.code] + [labels[c.state] for c in r.cells] for r in matrix.rows]


# --- R5.2 requests for instructions


def requests_for(user, campaign: Campaign) -> QuerySet[InstructionRequest]:
    """R5.2 requests for instructions of the user's scope (asked by a unit in it, hence also those it receives)."""
    return (InstructionRequest.objects.visible_to(user).filter(campaign=campaign)
            .select_related("unit", "addressee", "asked_by", "answered_by"))


def bound_users(unit_ids: Iterable[int], roles: Iterable[str] = ("office", "liaison")) -> list[int]:
    """Active users bound to these units by one of ``roles`` (those a notification goes to)."""
    return list(RoleAssignment.objects.filter(unit_id__in=list(unit_ids), role__in=list(roles), user__is_active=True)
                .values_list("user_id", flat=True).distinct())


# --- what the liaison pages look up (views build no queries of their own)


def meeting_tasks(user, meeting: LiaisonMeeting) -> list[LiaisonTask]:
    """R5.2 the action items of a meeting the user sees — filtered by the user's scope again (issue 10:
    seeing the meeting does not show what it holds about units outside the viewer's subtrees)."""
    return list(LiaisonTask.objects.visible_to(user).filter(meeting=meeting)
                .select_related("owner_unit", "owner_user", "meeting__unit").order_by("pk"))


def mark_tasks(user, tasks: Iterable[LiaisonTask], today: datetime.date) -> None:
    """Flag each task: overdue, whether the user may update it, whether they see its meeting (a unit owning
    a task of the office above sees the task, not that office's meeting)."""
    paths = scope_paths(user)
    for task in tasks:
        task.overdue = task.is_overdue(today)
        task.may_update = user.has_perm("campaign.update_liaison_task", task)
        task.meeting_visible = paths is None or any(task.meeting.unit.path.startswith(p) for p in paths)


def schedule_of(campaign: Campaign, unit: Unit) -> ProgressReportSchedule | None:
    """R5.2 the reporting schedule an office set for its direct subordinates, if any."""
    return (ProgressReportSchedule.objects.filter(campaign=campaign, unit=unit)
            .select_related("unit", "campaign").first())


def schedule_above(campaign: Campaign, unit: Unit) -> ProgressReportSchedule | None:
    """R5.2 the active schedule of the office directly above ``unit`` (the one it reports to)."""
    return (ProgressReportSchedule.objects.filter(campaign=campaign, is_active=True,
                                                  unit__path=unit.path[:-Unit.steplen])
            .select_related("unit", "campaign").first())


def report_of(schedule: ProgressReportSchedule, unit: Unit, period_start: str) -> ProgressReport | None:
    return ProgressReport.objects.filter(schedule=schedule, unit=unit, period_start=period_start).first()


def units_above(units: Iterable[Unit]) -> list[Unit]:
    """R5.2 the units above any of ``units``: the offices a request for instructions may go to."""
    above = {p for u in units for p in Unit.path_prefixes(u.path, include_self=False)}
    return list(Unit.objects.filter(path__in=above).order_by("path"))


def sees_unit(user, unit: Unit) -> bool:
    """Whether ``unit`` lies in the user's subtrees (what a link to its pages may assume)."""
    paths = scope_paths(user)
    return paths is None or any(unit.path.startswith(p) for p in paths)
