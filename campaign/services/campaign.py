"""X2, R5.1: create a campaign with the notice's defaults, its deadlines, and the units' obligations."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import rules
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.bulk import insert_rows
from units.models import Level, Unit, UnitKind
from units.signals import figures_touched

from .. import policy
from ..errors import CampaignError
from ..models import CalendarDay, Campaign, CommonProblem, Deadline, Obligation, ObligationKind, Phase

# The notice's phases (second batch, 2014) and the ten common problems of the implementation plan.
DEFAULT_PHASES = [
    ("学习教育、听取意见", datetime.date(2014, 1, 20), datetime.date(2014, 5, 15)),
    ("查摆问题、开展批评", datetime.date(2014, 5, 16), datetime.date(2014, 7, 15)),
    ("整改落实、建章立制", datetime.date(2014, 7, 16), datetime.date(2014, 9, 30)),
]
COMMON_PROBLEMS = [
    "理想信念动摇，宗旨意识淡薄", "脱离群众、脱离实际，调查研究不深入", "文山会海、检查评比过多",
    "门难进、脸难看、事难办", "不作为、慢作为、乱作为", "侵害群众利益、与民争利",
    "公款吃喝、公款旅游、公车私用", "超标配车、多占住房、办公用房超标", "铺张浪费、大操大办",
    "庸懒散奢、纪律松弛",
]


@transaction.atomic
def campaign_create(*, name: str | None = None, shift_to: datetime.date | None = None, **overrides) -> Campaign:
    """X2 a campaign with the notice's values; ``shift_to`` moves every date so the study stage
    of cities and counties ends on that day (used by the demo data)."""
    campaign = Campaign(**({"name": name} if name else {}), **overrides)
    phases = list(DEFAULT_PHASES)
    if shift_to is not None:
        delta = shift_to - campaign.study_end_city_county
        for field in ("start_date", "end_date", "study_end_city_county", "study_end_grassroots",
                      "democratic_meeting_earliest"):
            setattr(campaign, field, getattr(campaign, field) + delta)
        phases = [(n, s + delta, e + delta) for n, s, e in phases]
    campaign.full_clean()
    campaign.save()
    Phase.objects.bulk_create(
        [Phase(campaign=campaign, order=i, name=n, start_date=s, end_date=e) for i, (n, s, e) in enumerate(phases, 1)]
    )
    CommonProblem.objects.bulk_create(
        [CommonProblem(campaign=campaign, number=i, title=t) for i, t in enumerate(COMMON_PROBLEMS, 1)]
    )
    deadlines_reset(campaign=campaign)
    return campaign


def _require(by, perm: str) -> None:
    if not rules.has_perm(perm, by):
        raise PermissionDenied


@transaction.atomic
def campaign_start(*, by) -> tuple[Campaign, int] | None:
    """X2 start a campaign with the notice's values and every unit's obligations (the provincial office);
    ``None`` when one is already running."""
    _require(by, "campaign.start_campaign")
    if Campaign.objects.current() is not None:
        return None
    campaign = campaign_create()
    return campaign, obligations_generate(campaign=campaign).count


@transaction.atomic
def campaign_update(*, campaign: Campaign, fields: dict, by) -> Campaign:
    """X2 change the campaign's parameters (the provincial office); the model's own checks apply."""
    _require(by, "campaign.change_campaign")
    for name, value in fields.items():
        if name != "is_active" and hasattr(campaign, name):
            setattr(campaign, name, value)
    campaign.save()
    return campaign


@transaction.atomic
def calendar_day_add(*, date: datetime.date, kind: str, name: str = "", by) -> CalendarDay:
    """A holiday or a swapped working day of the working-day calendar (offices)."""
    _require(by, "campaign.change_calendar")
    return CalendarDay.objects.create(date=date, kind=kind, name=name)


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, by) -> None:
    _require(by, "campaign.change_calendar")
    day.delete()


@transaction.atomic
def deadlines_reset(*, campaign: Campaign) -> int:
    """R5.1 one ``Deadline`` row per obligation kind and level, from the campaign's dates."""
    Deadline.objects.filter(campaign=campaign).delete()
    rows = []
    for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE):
        kinds = {k for unit_kind in ("party_committee", "grassroots", "village")
                 for k in policy.obligation_kinds_for(level, unit_kind)}
        rows += [Deadline(campaign=campaign, kind=k, level=level, due_date=policy.default_due_date(campaign, k, level))
                 for k in sorted(kinds)]
    Deadline.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def deadline_set(*, deadline: Deadline, due_date: datetime.date, by=None) -> Deadline:
    """R5.1 move a deadline (the provincial office): the open obligations it governs move with it, the
    liaisons and offices concerned get one "deadline moved" notice each, and the reminder stages re-arm
    for the new date (a reminder's claim names the date it announced), even where the old date had passed."""
    if by is not None:
        _require(by, "campaign.change_deadline")
    campaign = deadline.campaign
    if not (campaign.start_date <= due_date <= campaign.end_date):
        raise CampaignError(_("The due date must lie within the campaign (%(start)s – %(end)s).") % {
            "start": date_format(campaign.start_date), "end": date_format(campaign.end_date)})
    old_date = Deadline.objects.filter(pk=deadline.pk).values_list("due_date", flat=True).get()
    deadline.due_date = due_date
    deadline.save(update_fields=["due_date"])
    governed = Obligation.objects.open().filter(campaign=campaign, kind=deadline.kind, unit__level=deadline.level)
    moved = list(governed.exclude(due_date=due_date).values_list("unit_id", "unit__path"))
    governed.update(due_date=due_date)
    figures_touched([unit_id for unit_id, _path in moved])  # issue 13: overdue or not, by the new date
    if moved and old_date != due_date:
        _announce_moved_deadline(deadline, old_date, moved)
    return deadline


def _announce_moved_deadline(deadline: Deadline, old_date: datetime.date, units: list[tuple[int, str]]) -> None:
    """One notice per person concerned (the units' liaisons and their nearest offices), in the portal's
    language, stored with the move; the e-mail follows after commit."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from .notifications import Recipients, notify

    recipients = Recipients()
    users: set[int] = set()
    for unit_id, path in units:
        users |= recipients.for_unit(unit_id, path)
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Deadline moved: %(kind)s of %(level)s units, now due on %(new)s (was %(old)s)") % {
            "kind": deadline.get_kind_display(), "level": deadline.get_level_display(),
            "new": date_format(deadline.due_date), "old": date_format(old_date)}
        body = _("%(count)s units are concerned. Reminders follow the new date.") % {"count": len(units)}
    notify(user_ids=users, title=title, body=body, url=reverse("campaign:deadlines"))


@dataclass
class Generated:
    """What ``obligations_generate`` added: the count, and the units and kinds it added them for."""

    count: int = 0
    units: set[int] = dataclass_field(default_factory=set)
    by_kind: dict[str, int] = dataclass_field(default_factory=dict)

    def add(self, unit_id: int, kind: str) -> None:
        self.count += 1
        self.units.add(unit_id)
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def describe(self) -> str:
        if not self.count:
            return _("Every unit already has its obligations; nothing was added.")
        kinds = "、".join(f"{ObligationKind(k).label} {n}" for k, n in sorted(self.by_kind.items()))
        return _("Added %(count)s obligations for %(units)s units (%(kinds)s).") % {
            "count": self.count, "units": len(self.units), "kinds": kinds}


def obligations_generate(*, campaign: Campaign, units=None, ahead_of: datetime.date | None = None,
                         batch_size: int = 5000) -> Generated:
    """R2.3–R3.2, R5.1 create each open unit's obligations from its level and kind; existing ones are kept,
    so running it again adds only what is missing (a unit added since). ``units`` limits it to some units
    (a queryset); ``ahead_of`` to the deadlines still ahead of that day (a unit added mid-campaign owes
    nothing whose date has passed)."""
    owed = _owed(campaign, ahead_of)
    candidates = (units if units is not None else Unit.objects.all()).filter(~Q(level=Level.PROVINCE),
                                                                               closed_on__isnull=True)
    if connection.vendor == "postgresql":
        return _obligations_insert_select(campaign, candidates, owed)
    existing = set(Obligation.objects.filter(campaign=campaign, unit__in=candidates.values("pk"))
                   .values_list("unit_id", "kind"))
    result = Generated()
    batch: list[tuple] = []  # plain rows (issue 13: 210,000 Obligation objects for a province cost 8 s)

    def flush() -> None:
        # one written meanwhile by another run is skipped by the unique constraint, as before
        insert_rows(Obligation, ["campaign", "unit", "kind", "due_date", "completed_on", "evidence_note",
                                 "evidence_url", "cancelled_on"], batch, ignore_conflicts=True)
        figures_touched({row[1] for row in batch})  # issue 13
        for _campaign, unit_id, kind, *_rest in batch:
            result.add(unit_id, kind)
        batch.clear()

    for unit_id, level, kind in candidates.order_by().values_list("pk", "level", "kind").iterator():
        for ob_kind, due_date in owed.get((level, kind), ()):
            if (unit_id, ob_kind) in existing:
                continue
            batch.append((campaign.pk, unit_id, ob_kind, due_date, None, "", "", None))
            if len(batch) >= batch_size:
                flush()
    if batch:
        flush()
    return result


def _owed(campaign: Campaign, ahead_of: datetime.date | None) -> dict[tuple[int, str], list[tuple[str, datetime.date]]]:
    """R5.1 what a unit of each (level, kind) owes: ``(obligation kind, due date)`` pairs, the date its
    ``Deadline`` row gives or else the notice's; with ``ahead_of``, only those due on or after that day."""
    due = {(d.kind, d.level): d.due_date for d in campaign.deadlines.all()}
    owed: dict[tuple[int, str], list[tuple[str, datetime.date]]] = {}
    for level in Level.values:
        for unit_kind in UnitKind.values:
            pairs = [(str(ob_kind), due.get((ob_kind, level)) or policy.default_due_date(campaign, ob_kind, level))
                     for ob_kind in policy.obligation_kinds_for(level, unit_kind)]
            owed[level, str(unit_kind)] = [(k, d) for k, d in pairs if ahead_of is None or d >= ahead_of]
    return owed


def _obligations_insert_select(campaign: Campaign, candidates, owed: dict) -> Generated:
    """``obligations_generate`` on PostgreSQL: one ``INSERT … SELECT`` joining the units to the ``_owed``
    table (a few dozen rows), the existing ones left out by an anti-join and a concurrent run's by
    ``ON CONFLICT DO NOTHING`` (issue 13: 210,000 rows built in Python and sent as 105 statements of values
    were 6 s of a province's load)."""
    table = [(level, unit_kind, ob_kind, due_date)
             for (level, unit_kind), pairs in owed.items() for ob_kind, due_date in pairs]
    result = Generated()
    if not table:
        return result
    units_sql, units_params = candidates.order_by().values("pk").query.sql_with_params()
    mapping = ", ".join(["(%s, %s, %s, %s::date)"] * len(table))
    obligations, units = (connection.ops.quote_name(m._meta.db_table) for m in (Obligation, Unit))
    # every name is the models', quoted; every value a parameter. The units are the candidates' own query
    sql = f"""
        INSERT INTO {obligations} (campaign_id, unit_id, kind, due_date, completed_on, evidence_note,
                                         evidence_url, cancelled_on)
        SELECT %s, u.id, m.ob_kind, m.due_date, NULL, '', '', NULL
        FROM {units} u JOIN (VALUES {mapping}) AS m(level, unit_kind, ob_kind, due_date)
             ON u.level = m.level AND u.kind = m.unit_kind
        WHERE u.id IN ({units_sql})
          AND NOT EXISTS (SELECT 1 FROM {obligations} o
                          WHERE o.campaign_id = %s AND o.unit_id = u.id AND o.kind = m.ob_kind)
        ORDER BY u.id, m.ob_kind
        ON CONFLICT DO NOTHING
        RETURNING unit_id, kind"""  # nosec B608
    params = [campaign.pk, *[value for row in table for value in row], *units_params, campaign.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for unit_id, kind in cursor.fetchall():
            result.add(unit_id, kind)
    figures_touched(result.units)  # issue 13
    return result


@transaction.atomic
def obligations_complete_missing(*, by, today: datetime.date) -> Generated:
    """R0.1, R5.1 the office's button: give the open units of its subtree that lack them (added since the
    campaign started) their obligations for the deadlines still ahead. Idempotent."""
    _require(by, "campaign.generate_obligations")
    campaign = Campaign.objects.current()
    if campaign is None:
        raise CampaignError(_("No campaign is running."))
    from units.scoping import WRITE_ROLES, scope_q

    # the units the office manages: not those it reads through another role (a leader's, a group's)
    return obligations_generate(campaign=campaign, units=Unit.objects.filter(scope_q(by, roles=WRITE_ROLES)),
                                ahead_of=max(today, campaign.start_date))


def obligations_for_new_unit(*, unit: Unit, today: datetime.date) -> Generated:
    """R0.1 a unit added (or imported) while a campaign runs owes the obligations whose deadlines lie
    ahead, by its level and kind; before the campaign starts, all of them."""
    campaign = Campaign.objects.current()
    if campaign is None or unit.level == Level.PROVINCE:
        return Generated()
    return obligations_generate(campaign=campaign, units=Unit.objects.filter(pk=unit.pk),
                                ahead_of=max(today, campaign.start_date))


def obligations_cancel_for_unit(*, unit: Unit, on: datetime.date) -> int:
    """R0.1 a unit closed or merged owes nothing more: its open obligations are cancelled (kept, marked),
    so they are neither overdue for ever nor reminded nor counted; done ones stay as history."""
    figures_touched([unit.pk])  # issue 13
    return Obligation.objects.open().filter(unit=unit).update(cancelled_on=on)


def obligation_fulfil(*, campaign: Campaign, unit: Unit, kind: str, on: datetime.date, note: str = "",
                      url: str = "") -> bool:
    """Mark a unit's obligation done by the record that fulfils it; the first record counts.

    Returns whether this call completed it. A unit that does not owe ``kind`` is left alone.
    """
    updated = Obligation.objects.open().filter(campaign=campaign, unit=unit, kind=kind).update(
        completed_on=on, evidence_note=note[:200], evidence_url=url[:200])
    if updated:
        figures_touched([unit.pk])  # issue 13
    if updated and not Obligation.objects.open().filter(campaign=campaign, unit=unit).exists():
        _reminders_settle(unit)
    return bool(updated)


def _reminders_settle(unit: Unit) -> int:
    """Issue 12: the reminders of a unit's obligations all point to its progress page; once the unit owes
    nothing more there, they are settled for everyone who got them (the bell counts what still waits)."""
    from django.urls import reverse
    from django.utils import timezone

    from ..models import Notification

    return (Notification.objects.filter(url=reverse("campaign:unit_progress", args=[unit.pk]), read_at__isnull=True)
            .update(read_at=timezone.now()))


def obligation_reopen(*, campaign: Campaign, unit: Unit, kind: str) -> None:
    """Undo a completion whose record was withdrawn (e.g. a material returned after approval)."""
    if Obligation.objects.live().filter(campaign=campaign, unit=unit, kind=kind).update(
            completed_on=None, evidence_note="", evidence_url=""):
        figures_touched([unit.pk])  # issue 13


# --- working-day calendar

def is_working_day(day: datetime.date, exceptions: dict[datetime.date, str] | None = None) -> bool:
    """Monday–Friday, except public holidays, plus weekend days swapped into working days."""
    if exceptions is None:
        exceptions = dict(CalendarDay.objects.filter(date=day).values_list("date", "kind"))
    kind = exceptions.get(day)
    if kind == "holiday":
        return False
    if kind == "workday":
        return True
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` by the office-edited calendar (R4.4 answer due dates)."""
    if days < 0:
        raise ValueError("days must not be negative")
    horizon = start + datetime.timedelta(days=days * 3 + 30)
    exceptions = dict(CalendarDay.objects.filter(date__gt=start, date__lte=horizon).values_list("date", "kind"))
    day, left = start, days
    while left:
        day += datetime.timedelta(days=1)
        if is_working_day(day, exceptions):
            left -= 1
    return day
