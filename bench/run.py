#!/usr/bin/env python
"""``make bench`` — the leaders' dashboards and the beat sweeps at province scale, on PostgreSQL.

Run it with ``.venv/bin/python bench/run.py`` and ``DATABASE_URL=postgres://…`` pointing at a scratch
database. When the database has no units it is migrated and loaded with ``manage.py demo_data --scale
province`` (about 50,000 units, 300,000 cadres, the campaign demo); otherwise the data is reused. Then it
prints, for the province, one city and one county dashboard, the median and p95 latency over 20 requests
(Django's test client, in process, a logged-in leader), the queries per request, the time of a
hand-written SQL aggregate computing the same numbers and the ratio between the two; the time of each
beat sweep over all units; the time to build a city's escalation report PDF; and the peak memory of this
process. Sweeps run inside a transaction that is rolled back, so the data is left as found and a second
run measures the same work. It is a command, not a test: it never fails on a missed target, it says so.

Options: ``--requests N`` (default 20), ``--quick`` (skip the cold sweeps, which resend every reminder).
"""
from __future__ import annotations

import argparse
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
# measured as in production: no debug page, no per-query bookkeeping outside the counted request
os.environ.setdefault("DEBUG", "False")

TARGETS = {"p95_ms": 300, "ratio": 3.0, "sweep_s": 60, "pdf_s": 3, "rss_mb": 300}
SCOPES = (("province", "130000"), ("city", "130100"), ("county", "130123"))


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, cwd=BASE_DIR)


def load_data() -> None:
    """Migrate, and load the province demo when the database has no units (in a child process, so
    its memory does not count as the web process's)."""
    manage("migrate", "--verbosity", "0")
    from units.models import Unit

    if Unit.objects.exists():
        print(f"Reusing the data in the database ({Unit.objects.count():,} units).")
        return
    print("Loading the province-scale demo data (a few minutes)…", flush=True)
    manage("demo_data", "--scale", "province")


def analyze() -> None:
    """Fresh statistics, as autovacuum would gather after a bulk load: plans depend on them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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
       count(*) FILTER (WHERE x.research), count(*) FILTER (WHERE x.research AND st.cadre_id IS NOT NULL), 0, 0, 0
  FROM units_cadre cd JOIN u ON u.id = cd.unit_id
  CROSS JOIN LATERAL (SELECT cd.rank = 'provincial' OR (cd.is_party_member AND (cd.is_team_member OR cd.is_top_leader))
                             AS study,
                             cd.is_top_leader AND u.level <= 4 AS research,
                             CASE WHEN cd.rank = 'provincial' THEN %(min_prov)s ELSE %(min_other)s END AS minimum) x
  LEFT JOIN attended a ON a.cadre_id = cd.id LEFT JOIN stayed st ON st.cadre_id = cd.id
  WHERE (x.study OR x.research) AND u.closed_on IS NULL GROUP BY 2
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


def hand_sql(unit, campaign, today: datetime.date) -> list[tuple]:
    from django.conf import settings
    from django.db import connection

    from dashboards.selectors.dashboard import MESSAGE_WEEKS
    from feedback.models import TargetGroup

    first_monday = today - datetime.timedelta(days=today.weekday() + 7 * (MESSAGE_WEEKS - 1))
    params = {"like": unit.path + "%", "n": (unit.depth + 1) * unit.steplen, "c": campaign.pk, "today": today,
              "groups": len(TargetGroup.values), "min_days": campaign.min_field_research_days,
              "min_prov": campaign.min_study_provincial, "min_other": campaign.min_study_other,
              "tz": settings.TIME_ZONE, "first_monday": first_monday}
    with connection.cursor() as cursor:
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


def sql_agrees(rows: list[tuple], figures) -> bool:
    """The hand-written SQL's subtree totals equal the dashboard's (so the two compute the same numbers)."""
    columns = {
        "units": ("units", "opinion_covered"),
        "obligations": ("obligations", "obligations_done", "obligations_overdue"),
        "cadres": ("study_required", "study_met", "research_required", "research_met"),
        "exams": ("exam_sat", "exam_passed"), "owed": ("exam_owed",),
        "cards": ("cards", "cards_open", "cards_overdue", "cards_escalated", "cards_troubled"),
        "messages": ("messages", "messages_open", "messages_answered", "messages_overdue", "messages_assigned",
                     "messages_late"),
    }
    totals: dict[str, float] = {}
    for source, _branch, _key, *values in rows:
        for name, value in zip(columns.get(source, ()), values):
            totals[name] = totals.get(name, 0) + (value or 0)
    return all(totals.get(name, 0) == getattr(figures, name) for names in columns.values() for name in names)


# --- the sweeps, each in a transaction rolled back afterwards


class Rollback(Exception):
    pass


def sweep_time(fn: Callable[[], int], prepare: Callable[[], object] | None = None) -> tuple[float, int]:
    from django.db import transaction

    result = {}
    try:
        with transaction.atomic():
            if prepare is not None:
                prepare()
            started = time.perf_counter()
            result["n"] = fn()
            result["s"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return result["s"], result["n"]


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
    from django.db import transaction

    out = {}
    try:
        with transaction.atomic():
            if extra:
                add_escalated_cards(group, campaign, today, extra)
            times = timed(lambda: out.update(result=build()), 3)
            out["seconds"] = statistics.median(times)
            raise Rollback
    except Rollback:
        pass
    return out["seconds"], out["result"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="skip the cold sweeps")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("bench needs DATABASE_URL=postgres://… (a scratch database: it loads ~50,000 units)", file=sys.stderr)
        return 2

    import django

    django.setup()
    load_data()
    analyze()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from campaign.models import Campaign, ReminderClaim
    from campaign.services.notifications import reminders_send_due
    from dashboards.selectors.dashboard import dashboard
    from dashboards.selectors.figures import collect
    from feedback.models import OverdueReminder
    from feedback.services.messages import messages_flag_overdue
    from supervision import documents as supervision_documents
    from supervision import selectors as supervision_selectors
    from supervision.models import EscalationStep, SupervisionCard, SupervisionGroup
    from supervision.services.escalation import cards_escalate_overdue
    from units.models import Unit

    campaign = Campaign.objects.current()
    if campaign is None:
        print("The database has no active campaign: load it with demo_data.", file=sys.stderr)
        return 2
    today = timezone.localdate()
    user = leader_user()
    client = Client()
    client.force_login(user)
    results: list[tuple[str, str, bool | None]] = []

    print(f"\nPostgreSQL {connection.pg_version // 10000}, {Unit.objects.count():,} units, campaign "
          f"“{campaign.name}”, {os.cpu_count()} CPUs, {args.requests} requests per dashboard\n")
    print(f"{'dashboard':<20}{'median':>11}{'p95':>11}{'queries':>9}{'selectors':>12}{'hand SQL':>12}{'ratio':>7}"
          f"{'sel/SQL':>9}  SQL agrees")
    for label, code in SCOPES:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
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
        rows = hand_sql(unit, campaign, today)
        agrees = sql_agrees(rows, collect(user=user, root=unit, depth=unit.depth + 1, campaign=campaign,
                                          today=today).total())
        median, sql_median = statistics.median(times), statistics.median(sql_times)
        ratio = median / sql_median
        selector_ratio = statistics.median(selector_times) / sql_median
        print(f"{label + ' ' + unit.name:<16}{ms(median)}{ms(p95(times))}{n_queries:>9}"
              f"{ms(statistics.median(selector_times))}{ms(sql_median)}{ratio:>7.2f}{selector_ratio:>9.2f}  "
              f"{'yes' if agrees else 'NO'}")
        if label == "province":
            results.append((f"province dashboard p95 ≤ {TARGETS['p95_ms']} ms", f"{p95(times) * 1000:.0f} ms",
                            p95(times) * 1000 <= TARGETS["p95_ms"]))
            results.append((f"province dashboard / hand SQL ≤ {TARGETS['ratio']}", f"{ratio:.2f}",
                            ratio <= TARGETS["ratio"]))
        else:
            # a small subtree's SQL takes a few milliseconds: the request's fixed cost (session, user,
            # menus, template) dominates the ratio, so it is shown beside the target, not held to it
            results.append((f"({label} dashboard / hand SQL, for information)", f"{ratio:.2f}", None))

    province = Unit.objects.get_first_root_node()
    for name, label in (("dashboards:unit_ranking", "province ranking"), ("dashboards:report_pdf",
                                                                           "province weekly report PDF")):
        url = reverse(name, args=[province.pk])
        client.get(url)
        times = timed(lambda: client.get(url), 5)
        print(f"{label:<28}{ms(statistics.median(times))} (median of 5)")
    web_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append((f"peak memory serving the pages ≤ {TARGETS['rss_mb']} MB", f"{web_rss_mb:.0f} MB",
                    web_rss_mb <= TARGETS["rss_mb"]))

    print(f"\n{'beat sweep':<46}{'time':>11}{'items':>9}")
    sweeps = [
        ("campaign reminders_send_due (as found)", lambda: reminders_send_due(today=today), None),
        ("supervision cards_escalate_overdue (as found)", lambda: cards_escalate_overdue(today=today), None),
        ("feedback messages_flag_overdue (as found)", lambda: messages_flag_overdue(today=today), None),
    ]
    if not args.quick:
        sweeps += [
            # every claim removed first: the sweep sends everything due at once (the first run ever)
            ("campaign reminders_send_due (cold)", lambda: reminders_send_due(today=today),
             lambda: ReminderClaim.objects.filter(obligation__campaign=campaign).delete()),
            ("supervision cards_escalate_overdue (cold)", lambda: cards_escalate_overdue(today=today),
             lambda: EscalationStep.objects.filter(automatic=True).delete()),
            ("feedback messages_flag_overdue (cold)", lambda: messages_flag_overdue(today=today),
             lambda: OverdueReminder.objects.all().delete()),
        ]
    for label, fn, prepare in sweeps:
        try:
            seconds, items = sweep_time(fn, prepare)
        except Exception as exc:  # a sweep that cannot run on this data is reported, not fatal
            print(f"{label:<46}  failed: {exc}")
            results.append((f"{label} ≤ {TARGETS['sweep_s']} s", "failed", False))
            continue
        print(f"{label:<46}{seconds:>9.2f} s{items:>9,}")
        results.append((f"{label} ≤ {TARGETS['sweep_s']} s", f"{seconds:.1f} s", seconds <= TARGETS["sweep_s"]))

    group = (SupervisionGroup.objects.filter(leading_unit__level=2).order_by("leading_unit__path", "pk").first()
             or SupervisionGroup.objects.order_by("pk").first())
    if group is not None:
        cards = SupervisionCard.objects.all()

        def build_pdf() -> tuple[int, int]:
            units = supervision_selectors.escalation_report(group, cards)
            return len(units), len(supervision_documents.escalation_report_pdf(group, units, today))

        build_pdf()  # fonts registered once per process, as in a running server
        for label, extra in (("as found", 0), ("with escalated cards added", ESCALATED_CARDS)):
            seconds, (units, size) = pdf_time(build_pdf, group, campaign, today, extra)
            print(f"escalation report PDF of {group.name}, {label}: {units} units, {ms(seconds)}, {size:,} bytes")
            results.append((f"city escalation report PDF ({units} units) ≤ {TARGETS['pdf_s']} s",
                            f"{seconds:.2f} s", seconds <= TARGETS["pdf_s"]))

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append(("(peak memory after the sweeps, as a worker, for information)", f"{rss_mb:.0f} MB", None))
    print(f"\npeak memory (max RSS): {web_rss_mb:.0f} MB after serving the pages, {rss_mb:.0f} MB after the sweeps\n")
    print("targets (2-core machine):")
    for label, value, met in results:
        mark = "      " if met is None else "met   " if met else "MISSED"
        print(f"  {mark}  {label:<62}{value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
