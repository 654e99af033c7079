#!/usr/bin/env python
"""``make bench`` — issue 13's targets measured at province scale, on PostgreSQL.

Run it with ``.venv/bin/python bench/run.py`` and ``DATABASE_URL=postgres://…`` pointing at an empty scratch
database: it is migrated and loaded with ``manage.py demo_data --scale province`` (about 51,000 units and
300,000 cadres; the load is timed). A database bench loaded before is reused; one holding other data, or
not PostgreSQL, stops the run (exit 2) before anything is measured.

It prints, for the province, one city and one county dashboard, the median and p95 latency over 20
requests (Django's test client, in process, a logged-in leader), the queries per request, the time of a
hand-written SQL statement computing the same numbers from the records, and their ratio — **only when the
SQL computes exactly the page's numbers** (every figure of every drill-down row, the breakdowns by kind,
status and level, the message weeks and opinion groups: ``sql_differences``). When any number differs,
the ratio is not shown, the differences are listed and the run exits 1: a baseline that computes other
numbers is no baseline. Then the ranking, the weekly report (PDF, Excel), the cadre list (pages and
filters), the beat sweeps (cold and repeated reminders, 4,000 overdue cards, 2,000 overdue messages, each
prepared and run in a transaction rolled back afterwards, so the data is left as found), a city's
escalation report PDF with 200 escalated cards, and peak memory — each with its target and met/MISSED.
A missed target is printed, not an error: timings belong to the machine.

Finally the load (issue 13 item 4): gunicorn with two workers on 127.0.0.1 driven by locust, headless, 40
users for 30 s — citizens posting to the public board from many addresses with the rate limit, captcha and
honeypot on, and staff reading their pages; accepted posts per second and the workers' memory are held to
their targets, and the posts are deleted afterwards; then the same burst without the staff users, for
information. No Celery worker runs meanwhile: the e-mails the offices' notifications queue are not sent
within the measured seconds. locust comes from ``requirements-bench.txt``.

Options: ``--requests N`` (default 20), ``--quick`` (skip the cold sweeps), ``--load-only`` (only the load),
``--strict`` (exit 3 when a target is missed or not measured; without it only an SQL disagreement fails the run;
2 is a run that could not start).
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

#: Issue 13's targets (PostgreSQL, province data, a 2-core machine).
TARGETS = {
    "dashboard_p95_ms": {"province": 150, "city": 60, "county": 30},
    "province_sql_ratio": 2.0,
    "ranking_ms": 150, "report_pdf_ms": 300, "report_xlsx_ms": 200, "cadre_list_ms": 100,
    "reminders_cold_s": 10, "reminders_repeat_s": 0.2,
    "escalation_s": 5, "escalation_cards": 4000,
    "overdue_messages_s": 2, "overdue_messages": 2000,
    "escalation_pdf_s": 1, "board_posts_per_s": 200, "demo_s": 60, "rss_mb": 300,
}
SCOPES = (("province", "130000"), ("city", "130100"), ("county", "130123"))
#: The province demo's root: a database holding units but not this one holds somebody else's data.
DEMO_ROOT = "130000"
#: A province-scale load has at least this many units (demo_data --scale province: about 51,000).
PROVINCE_UNITS = 40_000


def python_speed() -> float:
    """Milliseconds of a fixed pure-Python workload (dicts, strings, sorting: what a page and a PDF spend their
    time on), the best of five: machines of the same kind differ by half from one day to the next, and this
    number says by how much, so a timing is read against its machine's."""
    def work() -> int:
        table = {f"unit-{i}": i * 7 % 1000 for i in range(60_000)}
        names = sorted(table, key=table.get)
        return sum(len(name) for name in names if table[name] % 3)

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def vacuum() -> None:
    """``VACUUM (ANALYZE)`` of the whole database, as PostgreSQL's autovacuum does after a bulk load: fresh
    statistics, and visibility maps, without which an index-only scan (the cadre list's deep pages, the
    dashboards' rollup reads) still visits every heap page. Some servers run with autovacuum off (this
    machine's did on 2026-12-04: a freshly loaded province was then never vacuumed, and the same code ran
    half as fast as on a server that vacuumed); the bench says so and does the autovacuum's work itself."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] != "on":
            print("note: this PostgreSQL runs with autovacuum off; the bench vacuums after loading, as it would")
        started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        print(f"VACUUM (ANALYZE) {time.perf_counter() - started:.1f} s")


def child(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh Django process: (seconds, its peak memory in MB)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", f"import django, resource; django.setup(); {code}; "
                           "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                          check=True, cwd=BASE_DIR, capture_output=True, text=True)
    return time.perf_counter() - started, int(done.stdout.split()[-1]) / 1024


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


class NotScratch(Exception):
    """The database holds data bench did not load: it stops rather than measure (or change) it."""


def units_loaded() -> int:
    """How many units the province demo bench loaded holds (0: an empty database, to load); a database
    holding anything else raises ``NotScratch``."""
    from units.models import Unit

    count = Unit.objects.count()
    if count and (count < PROVINCE_UNITS or not Unit.objects.filter(code=DEMO_ROOT, depth=1).exists()):
        raise NotScratch(f"the database holds {count:,} units that are not the province-scale demo: bench "
                         f"needs an empty scratch database (it loads ~50,000 units) or one it loaded itself")
    return count


def load_data() -> float | None:
    """Migrate, and load the province demo when the database has no units (in a child process, so its
    memory does not count as the web process's); the seconds the load took, or ``None`` when the data
    was reused. A database holding other data (units, but not the province demo at its scale) stops the run."""
    manage("migrate", "--verbosity", "0")
    count = units_loaded()
    if count:
        print(f"Reusing the data in the database ({count:,} units).")
        return None
    print("Loading the province-scale demo data…", flush=True)
    started = time.perf_counter()
    manage("demo_data", "--scale", "province")
    return time.perf_counter() - started


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def leader_user():
    """The demo ``leader`` (provincial leader), or a bench leader over the root when absent."""
    from django.contrib.auth import get_user_model

    from units.models import RoleAssignment, Unit

    User = get_user_model()
    user = User.objects.filter(username="leader", is_active=True).first()
    if user is None:
        user, _created = User.objects.get_or_create(username="bench-leader")
        RoleAssignment.objects.get_or_create(user=user, unit=Unit.objects.get_first_root_node(), role="leader")
    return user


# --- the hand-written SQL: the same figures as dashboards.selectors.figures.collect(detail=True), the
# message weeks and the opinion groups, one statement per dashboard

HAND_SQL = """
WITH u AS (SELECT id, path, level, closed_on FROM units_unit WHERE path LIKE %(like)s),
covered AS (
  SELECT o.unit_id FROM feedback_opinionsession o JOIN u ON u.id = o.unit_id WHERE o.campaign_id = %(c)s
  GROUP BY o.unit_id HAVING count(DISTINCT o.target_group) >= %(groups)s),
attended AS (
  SELECT a.cadre_id, count(*) AS n FROM campaign_attendance a JOIN campaign_studysession s ON s.id = a.session_id
  WHERE s.campaign_id = %(c)s GROUP BY a.cadre_id),
stayed AS (
  SELECT DISTINCT cadre_id FROM feedback_fieldresearchstay WHERE campaign_id = %(c)s AND days >= %(min_days)s)
SELECT 'units', substr(u.path, 1, %(n)s), u.level::text, count(*), count(*) FILTER (WHERE cv.unit_id IS NOT NULL),
       0, 0, 0, 0, 0::float
  FROM u LEFT JOIN covered cv ON cv.unit_id = u.id WHERE u.closed_on IS NULL GROUP BY 2, 3
UNION ALL
SELECT 'obligations', substr(u.path, 1, %(n)s), o.kind, count(*), count(*) FILTER (WHERE o.completed_on IS NOT NULL),
       count(*) FILTER (WHERE o.completed_on IS NULL AND o.due_date < %(today)s), 0, 0, 0, 0
  FROM campaign_obligation o JOIN u ON u.id = o.unit_id
  WHERE o.campaign_id = %(c)s AND o.cancelled_on IS NULL AND u.closed_on IS NULL GROUP BY 2, 3
UNION ALL
SELECT 'cadres', substr(u.path, 1, %(n)s), '',
       count(*) FILTER (WHERE x.study), count(*) FILTER (WHERE x.study AND coalesce(a.n, 0) >= x.minimum),
       count(*) FILTER (WHERE x.research), count(*) FILTER (WHERE x.research AND st.cadre_id IS NOT NULL),
       count(*), 0, 0
  FROM units_cadre cd JOIN u ON u.id = cd.unit_id
  CROSS JOIN LATERAL (SELECT cd.rank = 'provincial' OR (cd.is_party_member AND (cd.is_team_member OR cd.is_top_leader)
                                                        AND u.level <= %(lowest_leading)s) AS study,
                             cd.is_top_leader AND u.level = ANY(%(research_levels)s) AS research,
                             CASE WHEN cd.rank = 'provincial' THEN %(min_prov)s ELSE %(min_other)s END AS minimum) x
  LEFT JOIN attended a ON a.cadre_id = cd.id LEFT JOIN stayed st ON st.cadre_id = cd.id
  WHERE u.closed_on IS NULL GROUP BY 2
UNION ALL
SELECT 'exams', substr(eu.path, 1, %(n)s), '', count(*), count(*) FILTER (WHERE r.passed), 0, 0, 0, 0, 0
  FROM campaign_examresult r JOIN campaign_exam e ON e.id = r.exam_id JOIN units_unit eu ON eu.id = e.unit_id
  WHERE e.campaign_id = %(c)s AND NOT e.is_resit AND eu.path LIKE %(like)s GROUP BY 2
UNION ALL
SELECT 'owed', substr(u.path, 1, %(n)s), '', count(*), 0, 0, 0, 0, 0, 0
  FROM campaign_examresult r JOIN campaign_exam e ON e.id = r.exam_id JOIN units_cadre cd ON cd.id = r.cadre_id
  JOIN u ON u.id = cd.unit_id
  WHERE e.campaign_id = %(c)s AND NOT r.passed AND NOT EXISTS (
    SELECT 1 FROM campaign_examresult r2 JOIN campaign_exam e2 ON e2.id = r2.exam_id
    WHERE r2.cadre_id = r.cadre_id AND e2.campaign_id = e.campaign_id
      AND (e2.date > e.date OR (e2.date = e.date AND e2.id > e.id)))
  GROUP BY 2
UNION ALL
SELECT 'cards', substr(u.path, 1, %(n)s), sc.status, count(*), count(*) FILTER (WHERE sc.status <> 'closed'),
       count(*) FILTER (WHERE x.overdue), count(*) FILTER (WHERE sc.status <> 'closed' AND x.escalated),
       count(*) FILTER (WHERE sc.status <> 'closed' AND (x.overdue OR x.escalated)), 0, 0
  FROM supervision_supervisioncard sc JOIN u ON u.id = sc.unit_id
  CROSS JOIN LATERAL (SELECT sc.status IN ('issued', 'signed', 'returned') AND sc.due_date < %(today)s AS overdue,
                             EXISTS (SELECT 1 FROM supervision_escalationstep es
                                     WHERE es.card_id = sc.id) AS escalated) x
  WHERE sc.campaign_id = %(c)s GROUP BY 2, 3
UNION ALL
SELECT 'messages', substr(u.path, 1, %(n)s), '', count(*),
       count(*) FILTER (WHERE m.status IN ('received', 'forwarded', 'answered')),
       count(*) FILTER (WHERE m.answered_at IS NOT NULL AND m.forwarded_at IS NOT NULL),
       count(*) FILTER (WHERE m.status = 'forwarded' AND m.due_date < %(today)s),
       count(*) FILTER (WHERE m.due_date IS NOT NULL),
       count(*) FILTER (WHERE m.status = 'forwarded' AND m.due_date < %(today)s
                        OR (m.answered_at AT TIME ZONE %(tz)s)::date > m.due_date),
       extract(epoch FROM sum(m.answered_at - m.forwarded_at)
                          FILTER (WHERE m.answered_at IS NOT NULL AND m.forwarded_at IS NOT NULL))::float
  FROM feedback_message m JOIN u ON u.id = m.unit_id WHERE m.campaign_id = %(c)s GROUP BY 2
UNION ALL
SELECT 'week_received', '', date_trunc('week', m.received_on)::date::text, count(*), 0, 0, 0, 0, 0, 0
  FROM feedback_message m JOIN u ON u.id = m.unit_id
  WHERE m.campaign_id = %(c)s AND m.received_on >= %(first_monday)s GROUP BY 3
UNION ALL
SELECT 'week_answered', '', date_trunc('week', m.answered_at AT TIME ZONE %(tz)s)::date::text, count(*),
       0, 0, 0, 0, 0, 0
  FROM feedback_message m JOIN u ON u.id = m.unit_id
  WHERE m.campaign_id = %(c)s AND (m.answered_at AT TIME ZONE %(tz)s)::date >= %(first_monday)s GROUP BY 3
UNION ALL
SELECT 'groups', '', o.target_group, count(DISTINCT o.unit_id), sum(o.people_count), sum(o.opinion_count), 0, 0, 0, 0
  FROM feedback_opinionsession o JOIN u ON u.id = o.unit_id WHERE o.campaign_id = %(c)s GROUP BY 3
"""


def hand_sql(unit, campaign, today: datetime.date, **overrides) -> list[tuple]:
    """HAND_SQL's rows for ``unit``'s subtree (``overrides`` replace its parameters: the tests use them to
    show that a changed rule is caught)."""
    from django.conf import settings
    from django.db import connection

    from campaign import policy
    from dashboards.selectors.dashboard import MESSAGE_WEEKS
    from feedback import policy as feedback_policy
    from feedback.models import TargetGroup

    first_monday = today - datetime.timedelta(days=today.weekday() + 7 * (MESSAGE_WEEKS - 1))
    params = {"like": unit.path + "%", "n": (unit.depth + 1) * unit.steplen, "c": campaign.pk, "today": today,
              "groups": len(TargetGroup.values), "min_days": campaign.min_field_research_days,
              "min_prov": campaign.min_study_provincial, "min_other": campaign.min_study_other,
              "tz": settings.TIME_ZONE, "first_monday": first_monday,
              # R2.2 leading cadres only (townships and above); R4.1 the levels whose top leaders stay
              "lowest_leading": int(policy.LOWEST_LEADING_LEVEL),
              "research_levels": [int(level) for level in feedback_policy.RESEARCH_LEVELS]} | overrides
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


#: which figure each column of a HAND_SQL row (after source, branch, key) adds to
SQL_COLUMNS = {
    "units": ("units", "opinion_covered"),
    "obligations": ("obligations", "obligations_done", "obligations_overdue"),
    "cadres": ("study_required", "study_met", "research_required", "research_met", "cadres"),
    "exams": ("exam_sat", "exam_passed"), "owed": ("exam_owed",),
    "cards": ("cards", "cards_open", "cards_overdue", "cards_escalated", "cards_troubled"),
    "messages": ("messages", "messages_open", "messages_answered", "messages_overdue", "messages_assigned",
                 "messages_late", "answer_seconds"),
}


def _close(a, b) -> bool:
    return abs(float(a or 0) - float(b or 0)) < 1e-6


def sql_differences(rows: list[tuple], dash) -> dict[str, tuple]:
    """Each number of the dashboard ``dash`` (``dashboards.selectors.dashboard.dashboard``) that the hand-written
    SQL's ``rows`` compute differently, as ``{what: (SQL, page)}``: every figure of every row of the drill-down
    (the unit's own records and each child), the obligations per kind, the cards per status, the units and
    their opinion coverage per level, the messages per week and the opinion groups. Empty when the two
    compute the same numbers — which is when, and only when, timing one against the other means anything."""
    from dashboards.selectors.figures import Figures

    sql_branches: dict[str, dict[str, float]] = {}
    by_kind: dict[str, dict[str, int]] = {}
    by_status: dict[str, int] = {}
    by_level: dict[int, tuple[int, int]] = {}
    weeks: dict[str, list[int]] = {}
    groups: dict[str, tuple] = {}
    for source, branch, key, *values in rows:
        figures = sql_branches.setdefault(branch, {})
        for name, value in zip(SQL_COLUMNS.get(source, ()), values):
            figures[name] = figures.get(name, 0) + (value or 0)
        if source == "obligations":
            count, done, overdue = values[:3]
            kind = by_kind.setdefault(key, {"done": 0, "overdue": 0, "due": 0})
            kind["done"] += done
            kind["overdue"] += overdue
            kind["due"] += count - done - overdue
        elif source == "cards":
            by_status[key] = by_status.get(key, 0) + values[0]
        elif source == "units":
            units, covered = by_level.get(int(key), (0, 0))
            by_level[int(key)] = (units + values[0], covered + values[1])
        elif source in ("week_received", "week_answered"):
            weeks.setdefault(key, [0, 0])[source == "week_answered"] = values[0]
        elif source == "groups":
            groups[key] = (values[0], values[1] or 0, values[2] or 0)

    found: dict[str, tuple] = {}
    page_branches = {row.unit.path: row.figures for row in dash.rows}
    empty = Figures()
    for path in set(sql_branches) | set(page_branches):
        page = page_branches.get(path, empty)
        sql = sql_branches.get(path, {})
        for names in SQL_COLUMNS.values():
            for name in names:
                if not _close(sql.get(name, 0), getattr(page, name)):
                    found[f"{name} of {path}"] = (sql.get(name, 0), getattr(page, name))
    page_kinds = {kind: counts for kind, _label, counts in dash.by_kind}
    for kind in set(by_kind) | set(page_kinds):
        if by_kind.get(kind, {}) != page_kinds.get(kind, {}):
            found[f"obligations of kind {kind}"] = (by_kind.get(kind), page_kinds.get(kind))
    for status, _label, count in dash.card_status:
        if by_status.get(status, 0) != count:
            found[f"cards {status}"] = (by_status.get(status, 0), count)
    page_levels = {level: (units, covered) for level, _label, units, covered in dash.by_level}
    if by_level != page_levels:
        found["units and coverage per level"] = (by_level, page_levels)
    for monday, received, answered in dash.message_weeks:
        sql = weeks.pop(monday.isoformat(), [0, 0])
        if sql != [received, answered]:
            found[f"messages of the week of {monday}"] = (sql, [received, answered])
    if any(any(counts) for counts in weeks.values()):
        found["messages of weeks the page does not show"] = (weeks, {})
    for group, _label, units, people, opinions in dash.opinion_groups:
        if groups.get(group, (0, 0, 0)) != (units, people, opinions):
            found[f"opinion group {group}"] = (groups.get(group, (0, 0, 0)), (units, people, opinions))
    return found


# --- the sweeps, each in a transaction rolled back afterwards


class Rollback(Exception):
    pass


#: Escalated cards added (and rolled back) to time the escalation report at a realistic size: one per
#: township of the city, each two rungs up the ladder with its history.
ESCALATED_CARDS = 200


def add_escalated_cards(group, campaign, today: datetime.date, count: int) -> None:
    """``count`` overdue cards of the group's city, two rungs up the ladder, with their history (bulk)."""
    from django.utils import timezone

    from supervision.models import CardEvent, CardStatus, EscalationStep, StepKind, StepStatus, SupervisionCard
    from units.models import Level, Unit

    units = list(Unit.objects.filter(path__startswith=group.leading_unit.path, level=Level.TOWNSHIP)
                 .order_by("path")[:count])
    now = timezone.now()
    last = SupervisionCard.objects.filter(group=group, year=today.year).order_by("-serial").values_list(
        "serial", flat=True).first() or 0
    cards = SupervisionCard.objects.bulk_create([
        SupervisionCard(group=group, campaign=campaign, year=today.year, serial=last + i, unit=unit,
                        number=f"{group.card_prefix}〔{today.year}〕{last + i}号-bench", top_leader_name="张某某",
                        facts="专题学习走过场，班子成员发言照本宣科，群众反映的问题未见整改。" * 3,
                        required_actions="重新组织专题学习，逐一谈认识。", due_date=today - datetime.timedelta(days=20),
                        status=CardStatus.SIGNED, issued_by=group.leader, issued_at=now)
        for i, unit in enumerate(units, 1)])
    steps = EscalationStep.objects.bulk_create([
        EscalationStep(card=card, step=step, status=StepStatus.TAKEN, automatic=True, created_at=now,
                       taken_on=today, effective_on=today, reason=f"督导卡{card.number}逾期未整改。")
        for card in cards for step in (StepKind.REMINDER, StepKind.LETTER)])
    CardEvent.objects.bulk_create([CardEvent(card=step.card, kind="escalated", at=now, note=step.reason, step=step)
                                   for step in steps])


def pdf_time(build: Callable[[], tuple[int, int]], group, campaign, today: datetime.date,
             extra: int) -> tuple[float, tuple[int, int]]:
    """The median of three builds, with ``extra`` escalated cards added in a transaction rolled back after."""
    out = {}
    _total, median = in_rollback(lambda: add_escalated_cards(group, campaign, today, extra) if extra else None,
                                 lambda: statistics.median(timed(lambda: out.update(result=build()), 3)))
    return median, out["result"]


def add_overdue_cards(campaign, today: datetime.date, count: int) -> int:
    """``count`` signed cards past their due date, without any escalation step, spread over the townships and
    villages of the province under the groups that exist (bulk): what the escalation sweep must climb."""
    from django.utils import timezone

    from supervision.models import CardStatus, SupervisionCard, SupervisionGroup
    from units.models import Level, Unit

    groups = list(SupervisionGroup.objects.order_by("pk"))
    units = list(Unit.objects.filter(level__gte=Level.TOWNSHIP, closed_on__isnull=True).order_by("path")[:count])
    now = timezone.now()
    last = SupervisionCard.objects.filter(year=today.year).order_by("-serial").values_list("serial", flat=True).first()
    cards = [SupervisionCard(group=groups[i % len(groups)], campaign=campaign, year=today.year,
                             serial=(last or 0) + 1 + i, unit=unit,
                             number=f"bench〔{today.year}〕{(last or 0) + 1 + i}号", top_leader_name="张某某",
                             facts="专题学习走过场。", required_actions="重新组织专题学习。",
                             due_date=today - datetime.timedelta(days=40), status=CardStatus.SIGNED,
                             issued_by=groups[i % len(groups)].leader, issued_at=now)
             for i, unit in enumerate(units)]
    SupervisionCard.objects.bulk_create(cards, batch_size=1000)
    return len(cards)


def add_overdue_messages(campaign, today: datetime.date, count: int) -> int:
    """``count`` public messages forwarded for an answer whose due date has passed (bulk)."""
    import secrets

    from django.utils import timezone

    from feedback.models import Message, MessageStatus
    from units.models import Level, Unit

    units = list(Unit.objects.filter(level=Level.COUNTY, closed_on__isnull=True).order_by("path"))
    office = Unit.objects.get_parent(units[0])  # the queue they sit in: one office is enough to time the sweep
    forwarded = timezone.now() - datetime.timedelta(days=30)
    messages = [Message(campaign=campaign, tracking_code=f"B{secrets.token_hex(6).upper()}",
                        unit=units[i % len(units)], office_unit=office, category="formalism",
                        text="反映会议多、文件多，基层负担重。", received_on=today - datetime.timedelta(days=30),
                        status=MessageStatus.FORWARDED, assigned_unit=units[i % len(units)],
                        forwarded_at=forwarded, due_date=today - datetime.timedelta(days=5))
                for i in range(count)]
    Message.objects.bulk_create(messages, batch_size=1000)
    return len(messages)


def in_rollback(prepare: Callable[[], object], fn: Callable[[], object]) -> tuple[float, object]:
    """Time ``fn`` after ``prepare``, both in one transaction rolled back afterwards."""
    from django.db import transaction

    out: dict = {}
    try:
        with transaction.atomic():
            prepare()
            started = time.perf_counter()
            out["result"] = fn()
            out["seconds"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return out["seconds"], out["result"]


#: The board burst: citizens and staff users (9 to 1), how long, through gunicorn with two workers.
LOAD_USERS = 40
LOAD_SECONDS = 30
GUNICORN_WORKERS = 2


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def board_load(seconds: int = LOAD_SECONDS, users: int = LOAD_USERS, classes: tuple[str, ...] = ()) -> dict:
    """Issue 13 item 4: gunicorn (two workers, production settings, behind a proxy as nginx would set the
    client's address) on 127.0.0.1, driven by locust headless for ``seconds`` with ``users`` users — citizens
    posting to the board from many addresses (rate limit, captcha and honeypot on) and staff reading pages.
    Returns accepted posts per second, the staff pages' p95, the workers' peak memory. The messages posted
    are deleted afterwards (the data is left as found)."""
    import csv
    import tempfile
    import urllib.request

    import psutil
    from django.db import connection

    from campaign.models import Notification
    from feedback.captcha import sealing_key
    from feedback.models import Message

    last = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        # what an earlier burst (or the sweeps) left dead in the tables a post writes, cleared as autovacuum
        # would between runs: without it each burst of a bench run (or of runs compared) met more than the last
        cursor.execute("VACUUM (ANALYZE) feedback_message, feedback_historicalmessage, feedback_messageevent, "
                       "campaign_notification, dashboards_unitrollup, feedback_spentcaptcha")
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = os.environ | {"DEBUG": "False", "BEHIND_PROXY": "true", "ALLOWED_HOSTS": "127.0.0.1",
                        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
                        # TLS ends at the proxy in production; locust speaks plain HTTP to gunicorn, so the
                        # redirect to https and the Secure flag on cookies (which it would not send back) are off
                        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false",
                        "BENCH_DATABASE": os.environ["DATABASE_URL"]}
    env["CAPTCHA_SEALING_KEY"] = sealing_key(env["SECRET_KEY"])
    # the portal's own gunicorn settings (threaded workers, keep-alive), two workers
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "config" / "gunicorn.py"),
                               "config.wsgi", "--workers", str(GUNICORN_WORKERS),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=BASE_DIR, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/healthz", timeout=2)  # noqa: S310 — our own server on 127.0.0.1
                break
            except OSError:
                time.sleep(0.2)
        cpu_before = _cpu_start(server.pid)
        with tempfile.TemporaryDirectory() as tmp:
            prefix = f"{tmp}/load"
            subprocess.run([str(Path(sys.executable).with_name("locust")), "-f", str(BASE_DIR / "bench" / "locustfile.py"),
                            "--headless", "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", host,
                            "--csv", prefix, "--only-summary", "--loglevel", "ERROR", *classes],
                           cwd=BASE_DIR, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cpu = _cpu_spent(cpu_before, server.pid)
            with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
                rows = {row["Name"]: row for row in csv.DictReader(f)}
        rss = []
        for worker in psutil.Process(server.pid).children():
            with contextlib.suppress(psutil.Error):
                rss.append(worker.memory_info().rss)
        rss_mb = max(rss, default=0) / 1024 / 1024
    finally:
        server.terminate()
        server.wait(timeout=30)
    posts = rows.get("board post accepted", {})
    accepted = int(posts.get("Request Count", 0)) - int(posts.get("Failure Count", 0))
    staff = [row for name, row in rows.items() if name.startswith("staff:")]
    staff_p95 = max((float(row["95%"]) for row in staff if row.get("95%") not in (None, "", "N/A")), default=0.0)
    # the posts leave with what they brought: messages, their history, the offices' notifications
    new = Message.objects.filter(pk__gt=last)
    Notification.objects.filter(url__regex=r"^/feedback/messages/[0-9]+/").filter(
        url__in=[f"/feedback/messages/{pk}/" for pk in new.values_list("pk", flat=True)]).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_historicalmessage WHERE id > %s", [last])
    new.delete()
    return {"accepted_per_s": accepted / seconds, "accepted": accepted, "cpu_s": cpu,
            "refused": int(posts.get("Failure Count", 0)), "staff_p95_ms": staff_p95,
            "staff_requests": sum(int(row["Request Count"]) for row in staff), "worker_rss_mb": rss_mb}


def _tree_cpu(process) -> float:
    """CPU seconds of a process, of its live children and of the children it has reaped (a gunicorn worker
    replaced, a PostgreSQL backend or autovacuum worker that exited): a child that exits between two readings
    moves from the second term to the third, so it is counted once."""
    import psutil

    times = process.cpu_times()
    spent = times.user + times.system + times.children_user + times.children_system
    for child in process.children():
        with contextlib.suppress(psutil.Error):
            times = child.cpu_times()
            spent += times.user + times.system
    return spent


def _cpu_seconds(server_pid: int) -> dict[str, float | None]:
    """CPU seconds spent so far by gunicorn (the arbiter and its workers) and by this machine's PostgreSQL (each
    postmaster and its processes; ``None`` when none can be read: the database is elsewhere, or another user's)."""
    import psutil

    spent: dict[str, float | None] = {"web workers": _tree_cpu(psutil.Process(server_pid)), "PostgreSQL": None}
    postgres = {process.pid: process for process in psutil.process_iter(["name", "ppid"])
                if (process.info["name"] or "").startswith("postgres")}
    for process in postgres.values():
        if process.info["ppid"] not in postgres:  # a postmaster: its tree holds the backends
            with contextlib.suppress(psutil.Error):
                spent["PostgreSQL"] = (spent["PostgreSQL"] or 0.0) + _tree_cpu(process)
    return spent


def _busy_seconds() -> float:
    """The machine's busy CPU seconds: not idle, not waiting on disk; a guest's time is inside user time on Linux
    (not counted twice), and time stolen by the hypervisor was not ours."""
    import psutil

    times = psutil.cpu_times()
    not_busy = ("idle", "iowait", "guest", "guest_nice", "steal")
    return sum(times) - sum(getattr(times, name, 0.0) for name in not_busy)


def _cores() -> int:
    """The cores this process may run on (a container's or ``taskset``'s limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        import psutil

        return psutil.cpu_count() or 1


def _cpu_start(server_pid: int) -> tuple:
    return (_cpu_seconds(server_pid), resource.getrusage(resource.RUSAGE_CHILDREN), _busy_seconds(),
            time.perf_counter())


def _cpu_spent(before: tuple, server_pid: int) -> dict:
    """Where the machine's CPU went during the burst, in seconds: the web workers, PostgreSQL, the load generator
    and the whole machine's busy time — so that a missed rate says whether the cores were full and who filled
    them. locust is this process's only child waited for between the two readings (gunicorn, the other child, is
    reaped after them), so the difference of ``RUSAGE_CHILDREN`` is locust's."""
    processes_before, children_before, busy_before, started = before
    now = _cpu_seconds(server_pid)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    spent = {name: None if now[name] is None or processes_before[name] is None else now[name] - processes_before[name]
             for name in now}
    return {**spent,
            "locust": (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime),
            "machine": _busy_seconds() - busy_before, "cores": _cores(), "wall": time.perf_counter() - started}


def _cpu_line(load: dict, *, staff: bool) -> str:
    """The CPU each accepted post cost, by whom, against what the machine's cores allow at the target rate."""
    cpu, accepted = load["cpu_s"], load["accepted"]
    busy = f"its {cpu['cores']} cores {cpu['machine'] / (cpu['cores'] * cpu['wall']):.0%} busy"
    if not accepted:
        return "  no post accepted; CPU seconds: " + ", ".join(
            f"{name} {'n/a' if cpu[name] is None else f'{cpu[name]:.1f} s'}"
            for name in ("web workers", "PostgreSQL", "locust", "machine")) + f"; {busy}"

    def per_post(seconds: float | None) -> str:
        return "n/a" if seconds is None else f"{seconds / accepted * 1000:.1f} ms"

    parts = ", ".join(f"{name} {per_post(cpu[name])}" for name in ("web workers", "PostgreSQL", "locust"))
    budget = cpu["cores"] * 1000 / TARGETS["board_posts_per_s"]
    return (f"  CPU per accepted post{' (staff pages included)' if staff else ''}: {parts}; the machine "
            f"{per_post(cpu['machine'])}, {busy} — {TARGETS['board_posts_per_s']} posts/s leave {budget:.1f} ms "
            f"per post")


def load_report(report: "Report") -> None:
    """Run ``board_load`` and put its figures against their targets."""
    print(f"\nboard burst through gunicorn ({GUNICORN_WORKERS} workers), locust {LOAD_USERS} users for "
          f"{LOAD_SECONDS} s…", flush=True)
    try:
        load = board_load()
    except Exception as exc:  # a missing tool or a server that would not start is reported, not fatal
        print(f"  failed: {exc}")
        report.not_measured(f"public board through gunicorn ≥ {TARGETS['board_posts_per_s']} posts/s", "failed")
    else:
        print(f"  {load['accepted']:,} posts accepted ({load['refused']:,} refused), staff pages p95 "
              f"{load['staff_p95_ms']:.0f} ms over {load['staff_requests']:,} requests")
        print(_cpu_line(load, staff=True))
        report.check("public board through gunicorn, accepted posts", load["accepted_per_s"],
                     TARGETS["board_posts_per_s"], "/s", at_least=True)
        report.check("web worker peak memory after the run", load["worker_rss_mb"], TARGETS["rss_mb"], "MB")
    # the same burst without the staff users: what the board alone accepts (information; the target is held to the
    # run above, with staff reading their pages meanwhile)
    print("board burst alone (citizens only, same users and time)…", flush=True)
    try:
        alone = board_load(classes=("Citizen",))
    except Exception as exc:  # noqa: BLE001 — reported, not fatal
        print(f"  failed: {exc}")
    else:
        print(f"  {alone['accepted']:,} posts accepted ({alone['refused']:,} refused)")
        print(_cpu_line(alone, staff=False))
        report.info("public board alone, citizens only, accepted posts", f"{alone['accepted_per_s']:.0f} /s")


class Report:
    """The targets' lines: each with its target and met / MISSED (or "not measured" and why)."""

    def __init__(self):
        self.lines: list[tuple[str, str, bool | None]] = []
        self.disagreements: list[str] = []

    def check(self, label: str, value: float, target: float, unit: str, *, at_least: bool = False) -> None:
        met = value >= target if at_least else value <= target
        sign = "≥" if at_least else "≤"
        shown = f"{value:.0f} {unit}" if unit in ("ms", "MB", "/s") else f"{value:.2f} {unit}"
        self.lines.append((f"{label} {sign} {target:g} {unit}", shown, met))

    def not_measured(self, label: str, why: str) -> None:
        self.lines.append((label, why, False))

    def info(self, label: str, value: str) -> None:
        self.lines.append((f"({label})", value, None))

    @property
    def missed(self) -> list[str]:
        """The targets missed or not measured."""
        return [label for label, _value, met in self.lines if met is False]

    def exit_code(self, *, strict: bool) -> int:
        """1 when the hand-written SQL computes other numbers than a page (whatever the timings); 3 with ``--strict``
        when a target was missed or not measured (a gate for a machine that should meet them all; 2 is a run that
        could not start); else 0: a missed target is printed, as timings belong to the machine."""
        if self.disagreements:
            return 1
        return 3 if strict and self.missed else 0

    def print(self) -> None:
        print("targets (issue 13; PostgreSQL, province data, this machine):")
        for label, value, met in self.lines:
            mark = "      " if met is None else "met   " if met else "MISSED"
            print(f"  {mark}  {label:<66}{value:>22}")
        if self.disagreements:
            print("\nthe hand-written SQL does not compute the page's numbers, so no ratio is a comparison:")
            for line in self.disagreements:
                print(f"  {line}")


def page_times(client, url: str, runs: int) -> list[float]:
    from reports import pdf

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)

    def get():
        pdf.forget_parsed()  # a PDF parses its paragraphs afresh: no help from the same document built before
        return client.get(url)

    return timed(get, runs)


def measured_as_in_production() -> None:
    """The environment of a measurement (set in ``main``, not at import: tests import this module, and their
    process and its subprocesses must keep the test environment)."""
    # measured as in production: no debug page, no per-query bookkeeping outside the counted request
    os.environ.setdefault("DEBUG", "False")
    # a local measurement over plain HTTP: a key of its own (DEBUG=false refuses the development key) and no HTTPS
    # redirect (on by default with DEBUG=false, issue 15)
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    # DEBUG=false also asks for an encryption key of citizens' phone numbers and sends office staff to two-step sign-in
    # (issue 15): a key of its own, and the pages measured without the sign-in step (the bench logs in by session)
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "YmVuY2gtb25seS1maWVsZC1rZXktMDEyMzQ1Njc4OWE=")
    os.environ.setdefault("SECOND_FACTOR_ROLES", "")


def main() -> int:
    measured_as_in_production()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="skip the cold sweeps")
    parser.add_argument("--load-only", action="store_true", help="only the board burst through gunicorn")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target is missed or not measured")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench needs DATABASE_URL=postgres://… pointing at an empty scratch PostgreSQL database (it loads "
              "~50,000 units); SQLite measures nothing of production", file=sys.stderr)
        return 2

    import django

    django.setup()
    try:
        demo_seconds = load_data()
    except NotScratch as exc:
        print(f"bench stops: {exc}.", file=sys.stderr)
        return 2
    from units.demo import analyze

    analyze()  # fresh statistics, as autovacuum would gather after a bulk load: plans depend on them

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from campaign.models import Campaign, ReminderClaim
    from campaign.services.notifications import reminders_send_due
    from dashboards.selectors.dashboard import dashboard
    from feedback.services.messages import messages_flag_overdue
    from supervision import documents as supervision_documents
    from supervision import selectors as supervision_selectors
    from supervision.models import SupervisionCard, SupervisionGroup
    from supervision.services.escalation import cards_escalate_overdue
    from units.models import Cadre, Unit

    campaign = Campaign.objects.current()
    if campaign is None:
        print("The database has no active campaign: load it with demo_data.", file=sys.stderr)
        return 2
    today = timezone.localdate()
    user = leader_user()
    client = Client()
    client.force_login(user)
    report = Report()
    if demo_seconds is None:
        report.info("demo_data --scale province: data reused, load time not measured", "—")
    else:
        report.check("demo_data --scale province", demo_seconds, TARGETS["demo_s"], "s")
    if args.load_only:
        load_report(report)
        report.print()
        return report.exit_code(strict=args.strict)

    # issue 13: the dashboards read per-unit rollups; rebuilt here as the nightly beat does (demo_data built
    # them already), in a child process as in a Celery worker: its memory is not the web process's
    from dashboards import rollups

    seconds, rss_mb = child("from campaign.models import Campaign; from dashboards import rollups; "
                            "rollups.build(Campaign.objects.current())")
    report.info("rollups rebuilt for every unit (beat, after midnight), time and peak memory",
                f"{seconds:.1f} s, {rss_mb:.0f} MB")
    # the units an earlier run's board bursts marked (the build leaves marks alone), settled as the beat's sweep of
    # every minute would have; else the first page measured settles thousands of them itself
    seconds, rss_mb = child("from dashboards import rollups; rollups.refresh()")
    report.info("marked units settled (beat, every minute), time and peak memory", f"{seconds:.1f} s, {rss_mb:.0f} MB")
    vacuum()  # as autovacuum would after a bulk load and a rewrite of every rollup row

    print(f"\nPostgreSQL {connection.pg_version // 10000}, {Unit.objects.count():,} units, "
          f"{Cadre.objects.count():,} cadres, campaign “{campaign.name}”, {os.cpu_count()} CPUs, "
          f"{args.requests} requests per dashboard; this machine's Python: {python_speed():.0f} ms for a fixed "
          f"workload (the same number on two machines: their timings compare)\n")
    print(f"{'dashboard':<20}{'median':>11}{'p95':>11}{'queries':>9}{'selectors':>12}{'hand SQL':>12}{'ratio':>7}"
          f"  SQL computes the page's numbers")
    for label, code in SCOPES:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            report.not_measured(f"{label} dashboard", f"no unit {code}")
            continue
        url = reverse("dashboards:unit", args=[unit.pk])
        assert client.get(url).status_code == 200  # warm: URL resolver, templates, connection
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        n_queries = len(queries)  # now: the log is read lazily and the next request clears it
        times = timed(lambda: client.get(url), args.requests)
        # the aggregates alone, as the page runs them, without the request around them
        selector_times = timed(lambda: dashboard(user=user, unit=unit, campaign=campaign, today=today),
                               args.requests)
        sql_times = timed(lambda: hand_sql(unit, campaign, today), args.requests)
        differences = sql_differences(hand_sql(unit, campaign, today),
                                      dashboard(user=user, unit=unit, campaign=campaign, today=today))
        median, sql_median = statistics.median(times), statistics.median(sql_times)
        # a ratio against SQL that computes other numbers measures nothing: shown only when they agree
        ratio = f"{median / sql_median:>7.2f}" if not differences else f"{'—':>7}"
        print(f"{label + ' ' + unit.name:<16}{ms(median)}{ms(p95(times))}{n_queries:>9}"
              f"{ms(statistics.median(selector_times))}{ms(sql_median)}{ratio}  "
              f"{'yes' if not differences else f'NO ({len(differences)} numbers differ)'}")
        report.disagreements += [f"{label}: {what}: SQL {sql}, page {page}"
                                 for what, (sql, page) in list(differences.items())[:10]]
        report.check(f"{label} dashboard p95", p95(times) * 1000, TARGETS["dashboard_p95_ms"][label], "ms")
        if label == "province":
            if differences:
                report.not_measured(f"province dashboard ≤ {TARGETS['province_sql_ratio']:g}× its bare SQL",
                                    "SQL disagrees")
            else:
                report.check("province dashboard / bare SQL", median / sql_median, TARGETS["province_sql_ratio"],
                             "×")

    province = Unit.objects.get_first_root_node()
    # the page settles the units written since the last settling before it reads: 500 units marked (as a
    # busy hour of writes would) cost the first view after them
    marked = list(Unit.objects.filter(level=4).order_by("?").values_list("pk", flat=True)[:500])
    rollups.mark(marked)
    started = time.perf_counter()
    assert client.get(reverse("dashboards:unit", args=[province.pk])).status_code == 200
    report.info(f"province dashboard right after {len(marked)} units were written", ms(time.perf_counter() - started).strip())
    # every row against a fresh count (the command a operator runs; exit 1 when a unit differs)
    started = time.perf_counter()
    verified = subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), "rollups_verify", "--dry-run"],
                              cwd=BASE_DIR, capture_output=True, text=True)
    report.info("rollups_verify, every unit against a fresh count", f"{time.perf_counter() - started:.1f} s, "
                + ("none differ" if verified.returncode == 0 else "DRIFT"))
    if verified.returncode != 0:
        report.disagreements += [f"rollups_verify: {line}" for line in verified.stdout.splitlines()[:10]]
    print()
    for name, label, target in (("dashboards:unit_ranking", "province ranking", "ranking_ms"),
                                ("dashboards:report_pdf", "province weekly report PDF", "report_pdf_ms"),
                                ("dashboards:report_xlsx", "province weekly report Excel", "report_xlsx_ms")):
        times = page_times(client, reverse(name, args=[province.pk]), 10)
        print(f"{label:<34}{ms(statistics.median(times))} median, {ms(p95(times))} p95 (10 requests)")
        report.check(f"{label} p95", p95(times) * 1000, TARGETS[target], "ms")

    # the cadre list: first, middle and last page unfiltered, and a filter of each kind
    cadres = reverse("units:cadre_list")
    per_page = 50
    pages = max(1, Cadre.objects.count() // per_page)
    worst = 0.0
    for query in ("", f"?page={pages // 2}", f"?page={pages}", "?q=书记", "?q=张伟", "?level=4&is_top_leader=true",
                  "?rank=county&page=20", f"?unit={Unit.objects.filter(code='130100').values_list('pk', flat=True).first()}",
                  "?unit_status=closed", f"?unit_status=all&page={pages}"):
        times = page_times(client, cadres + query, 5)
        worst = max(worst, p95(times))
        print(f"cadre list {query or '(first page)':<32}{ms(statistics.median(times))} median")
    report.check("cadre list, worst page or filter, p95", worst * 1000, TARGETS["cadre_list_ms"], "ms")
    web_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.check("web process peak memory after the pages", web_rss_mb, TARGETS["rss_mb"], "MB")

    print(f"\n{'beat sweep':<52}{'time':>11}{'items':>9}")

    def sweep(label: str, fn, prepare, target: str | None = None) -> None:
        try:
            seconds, items = in_rollback(prepare or (lambda: None), fn)
        except Exception as exc:  # a sweep that cannot run on this data is reported, not fatal
            print(f"{label:<52}  failed: {exc}")
            report.not_measured(label, "failed")
            return
        print(f"{label:<52}{seconds:>9.2f} s{items:>9,}")
        if target:
            report.check(label, seconds, TARGETS[target], "s")

    sweep("reminders_send_due, a repeat (all claimed already)", lambda: reminders_send_due(today=today), None,
          "reminders_repeat_s")
    if not args.quick:
        # every claim removed first: the sweep sends everything due at once (the first run ever)
        sweep("reminders_send_due, cold", lambda: reminders_send_due(today=today),
              lambda: ReminderClaim.objects.filter(obligation__campaign=campaign).delete(), "reminders_cold_s")
        sweep(f"cards_escalate_overdue, {TARGETS['escalation_cards']:,} overdue cards",
              lambda: cards_escalate_overdue(today=today),
              lambda: add_overdue_cards(campaign, today, TARGETS["escalation_cards"]), "escalation_s")
        sweep(f"messages_flag_overdue, {TARGETS['overdue_messages']:,} overdue messages",
              lambda: messages_flag_overdue(today=today),
              lambda: add_overdue_messages(campaign, today, TARGETS["overdue_messages"]), "overdue_messages_s")
    else:
        for label in ("reminders_send_due, cold", "cards_escalate_overdue", "messages_flag_overdue"):
            report.not_measured(label, "skipped (--quick)")

    group = (SupervisionGroup.objects.filter(leading_unit__level=2).order_by("leading_unit__path", "pk").first()
             or SupervisionGroup.objects.order_by("pk").first())
    if group is not None:
        cards = SupervisionCard.objects.all()

        def build_pdf() -> tuple[int, int]:
            from reports import pdf

            pdf.forget_parsed()  # each build parses its own paragraphs: no help from the previous build
            units = supervision_selectors.escalation_report(group, cards)
            return len(units), len(supervision_documents.escalation_report_pdf(group, units, today))

        build_pdf()  # fonts registered once per process, as in a running server
        seconds, (units, size) = pdf_time(build_pdf, group, campaign, today, ESCALATED_CARDS)
        print(f"\nescalation report PDF of {group.name}, {ESCALATED_CARDS} escalated cards added: {units} units, "
              f"{ms(seconds)}, {size:,} bytes")
        report.check(f"city escalation report PDF, {ESCALATED_CARDS} cards", seconds, TARGETS["escalation_pdf_s"], "s")
    else:
        report.not_measured("city escalation report PDF", "no supervision group")

    load_report(report)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.info("peak memory after the sweeps, as a worker", f"{rss_mb:.0f} MB")
    print()
    report.print()
    # different numbers are no baseline: the run fails, whatever the timings say
    return report.exit_code(strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
