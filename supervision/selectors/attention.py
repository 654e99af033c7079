"""R3.3 focus units and R5.4 key-contact units: the marks supervision shows beside a unit, their lists,
and the escalation queue. ``focus_unit_ids`` and ``key_contact_unit_ids`` are for dashboards too."""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import CharField, Count, F, Min, Q, QuerySet, Subquery, Value

from campaign.models import Campaign
from units.models import Unit

from ..models import (
    CardStatus,
    FailingSource,
    FindingResult,
    InspectionUnit,
    ProblemCategory,
    UnitFailing,
)
from . import card_rows


def _in_campaign(campaign: Campaign | None, lookup: str) -> Q:
    """The given campaign, or the current one as a subquery (no extra round trip)."""
    if campaign is not None:
        return Q(**{lookup: campaign})
    current = Campaign.objects.filter(is_active=True).order_by("-start_date", "-pk").values("pk")[:1]
    return Q(**{lookup: Subquery(current)})


def focus_rows_qs(campaign: Campaign | None = None) -> QuerySet:
    """R3.3 inspected units with problems found: the focus marks (重点关注)."""
    return InspectionUnit.objects.filter(_in_campaign(campaign, "inspection__campaign"), result=FindingResult.PROBLEM)


def key_contact_failings_qs(campaign: Campaign | None = None) -> QuerySet:
    """R5.4 failings noted in the campaign: each puts its unit on key contact."""
    return UnitFailing.objects.filter(_in_campaign(campaign, "campaign"))


def focus_unit_ids(*, campaign: Campaign | None = None, among: Iterable[int] | None = None) -> set[int]:
    """R3.3 the units a special inspection found problems in (the current campaign unless given); one query."""
    rows = focus_rows_qs(campaign)
    if among is not None:
        rows = rows.filter(unit_id__in=list(among))
    return set(rows.values_list("unit_id", flat=True))


def key_contact_unit_ids(*, campaign: Campaign | None = None, among: Iterable[int] | None = None) -> set[int]:
    """R5.4 the units on key contact (a card or an inspection noted an R5.4 failing); one query."""
    rows = key_contact_failings_qs(campaign)
    if among is not None:
        rows = rows.filter(unit_id__in=list(among))
    return set(rows.values_list("unit_id", flat=True))


def mark_units(units: Iterable[Unit], *, campaign: Campaign | None = None) -> None:
    """Set ``is_focus`` and ``is_key_contact`` on each unit, for the marks beside its name (one query)."""
    units = [u for u in units if u is not None]
    ids = list({u.pk for u in units})
    marks: set[tuple[int, str]] = set()
    if ids:
        mark = CharField()
        focus = (focus_rows_qs(campaign).filter(unit_id__in=ids).order_by()
                 .annotate(mark=Value("focus", output_field=mark)).values_list("unit_id", "mark"))
        key = (key_contact_failings_qs(campaign).filter(unit_id__in=ids).order_by()
               .annotate(mark=Value("key", output_field=mark)).values_list("unit_id", "mark"))
        marks = set(focus.union(key))
    for unit in units:
        unit.is_focus, unit.is_key_contact = (unit.pk, "focus") in marks, (unit.pk, "key") in marks


# --- the lists

@dataclass
class AttentionRow:
    """A unit on a list of focus or key-contact units: since when and why."""

    unit: Unit
    since: datetime.date
    reasons: list[str] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    open_cards: int = 0


def grouped_by_unit(qs: QuerySet, date_field: str) -> QuerySet:
    """One row per unit: ``unit_id`` and ``since`` (the earliest date), most recent first."""
    return (qs.values("unit_id", "unit__path").annotate(since=Min(date_field))
            .order_by("-since", "unit__path"))


def _open_cards(unit_ids: set[int], scoped_cards: QuerySet) -> dict[int, int]:
    return dict(scoped_cards.filter(unit_id__in=unit_ids).exclude(status=CardStatus.CLOSED)
                .values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))


def key_contact_rows(groups: Iterable[dict], failings: QuerySet, scoped_cards: QuerySet) -> list[AttentionRow]:
    """R5.4 the key-contact units of ``groups`` (from ``grouped_by_unit``) with their failings, the cards or
    inspections that noted them, and their open cards (three queries)."""
    groups = list(groups)
    ids = {g["unit_id"] for g in groups}
    units = Unit.objects.in_bulk(ids)
    by_unit: dict[int, list[UnitFailing]] = defaultdict(list)
    for f in (failings.filter(unit_id__in=ids)
              .select_related("card", "inspection_row__inspection", "cross_target__plan").order_by("noted_on", "pk")):
        by_unit[f.unit_id].append(f)
    cards = _open_cards(ids, scoped_cards)
    rows = []
    for g in groups:
        found = by_unit[g["unit_id"]]
        codes = {f.category for f in found}
        sources: dict[str, str] = {}
        for f in found:
            if f.source == FailingSource.CARD and f.card is not None:
                sources.setdefault(f.card.number, f.card.get_absolute_url())
            elif f.source == FailingSource.INSPECTION and f.inspection_row is not None:
                sources.setdefault(f.inspection_row.inspection.title, f.inspection_row.inspection.get_absolute_url())
            elif f.cross_target is not None:
                sources.setdefault(f.cross_target.plan.title, f.cross_target.plan.get_absolute_url())
        rows.append(AttentionRow(unit=units[g["unit_id"]], since=g["since"],
                                 reasons=[str(c.label) for c in ProblemCategory if c.value in codes],
                                 sources=list(sources.items()), open_cards=cards.get(g["unit_id"], 0)))
    return rows


def focus_rows(groups: Iterable[dict], findings: QuerySet, scoped_cards: QuerySet) -> list[AttentionRow]:
    """R3.3 the focus units of ``groups`` with the inspections that found problems there (three queries)."""
    groups = list(groups)
    ids = {g["unit_id"] for g in groups}
    units = Unit.objects.in_bulk(ids)
    by_unit: dict[int, list[InspectionUnit]] = defaultdict(list)
    for row in findings.filter(unit_id__in=ids).select_related("inspection").order_by("recorded_at", "pk"):
        by_unit[row.unit_id].append(row)
    cards = _open_cards(ids, scoped_cards)
    return [AttentionRow(unit=units[g["unit_id"]], since=g["since"],
                         reasons=[r.finding for r in by_unit[g["unit_id"]]],
                         sources=[(r.inspection.title, r.inspection.get_absolute_url()) for r in by_unit[g["unit_id"]]],
                         open_cards=cards.get(g["unit_id"], 0))
            for g in groups]


def escalation_queue(scoped_cards: QuerySet, campaign: Campaign | None = None) -> QuerySet:
    """R5.4 the open cards of key-contact units: the highest rung reached first, then the longest overdue."""
    key_units = key_contact_failings_qs(campaign).values("unit_id")
    cards = scoped_cards.filter(_in_campaign(campaign, "campaign"), unit_id__in=key_units).exclude(
        status=CardStatus.CLOSED)
    return card_rows(cards).order_by(F("level").desc(nulls_last=True), "due_date", "pk")


def failings_by_unit(unit_ids: set[int], campaign: Campaign | None = None) -> dict[int, list[str]]:
    """R5.4 the failing labels noted at each unit (one query)."""
    codes: dict[int, set[str]] = defaultdict(set)
    for unit_id, category in (key_contact_failings_qs(campaign).filter(unit_id__in=unit_ids).order_by()
                              .values_list("unit_id", "category")):
        codes[unit_id].add(category)
    return {uid: [str(c.label) for c in ProblemCategory if c.value in found] for uid, found in codes.items()}



@dataclass
class UnitSupervision:
    """R1.1–R5.4 what supervision knows of one unit: the newest of each kind of record."""

    failings: list[str]
    dispatches: list
    self_check: object | None
    spot_checks: list
    inspections: list
    cross_targets: list
    cards: list


def unit_supervision(unit: Unit, campaign: Campaign, scoped_cards: QuerySet, *, shown: int = 20) -> UnitSupervision:
    """R1.1–R5.4 a unit's dispatches, self-check figures, spot checks, inspection findings and cards in the
    campaign (a fixed number of queries)."""
    from ..models import CrossTarget, Dispatch, SelfCheck, SpotCheck
    from .checks import self_check_rows
    from .dispatch import dispatch_rows

    cards = (card_rows(scoped_cards.filter(campaign=campaign, unit=unit))
             .order_by(F("closed_at").desc(nulls_first=True), "due_date"))
    return UnitSupervision(
        failings=failings_by_unit({unit.pk}, campaign).get(unit.pk, []),
        dispatches=list(dispatch_rows(Dispatch.objects.filter(campaign=campaign, unit=unit))[:shown]),
        self_check=self_check_rows(SelfCheck.objects.filter(campaign=campaign, unit=unit)).first(),
        spot_checks=list(SpotCheck.objects.filter(campaign=campaign, unit=unit).select_related("group")
                         .order_by("-checked_on", "-pk")[:shown]),
        inspections=list(InspectionUnit.objects.filter(inspection__campaign=campaign, unit=unit)
                         .select_related("inspection").order_by("-inspection__start_date")[:shown]),
        cross_targets=list(CrossTarget.objects.filter(plan__campaign=campaign, unit=unit)
                           .select_related("plan__group").order_by("-plan__start_date")[:shown]),
        cards=list(cards[:shown]))
