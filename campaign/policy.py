"""The notice's rules, read from campaign data (X2): who owes what, how many sessions, by when.

Nothing here holds a number of its own: thresholds and dates come from the ``Campaign`` row.
"""
from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.models import Cadre, Level, Rank, Unit, UnitKind

from .models import Campaign, ObligationKind

K = ObligationKind
LEADING_KINDS = {UnitKind.PARTY_COMMITTEE, UnitKind.GOVERNMENT_DEPARTMENT, UnitKind.ENTERPRISE, UnitKind.UNIVERSITY,
                 UnitKind.PUBLIC_INSTITUTION}


def obligation_kinds_for(level: int, kind: str) -> list[str]:
    """R2.3, R2.4, R2.6, R3.1, R3.2, R5.1: the obligations that follow from a unit's level and kind."""
    if level <= Level.PROVINCE:
        return []  # the province organises; it owes nothing to itself
    if level <= Level.COUNTY and kind in LEADING_KINDS:
        kinds = [K.ENLARGED_MEETING, K.DISCUSSION_MEETING, K.FOUR_WINDS_LIST, K.COMPARISON_MATERIAL,
                 K.DEMOCRATIC_MEETING]
        if kind == UnitKind.PARTY_COMMITTEE:
            kinds.append(K.EXAM)  # R2.6: organised per city and per county
        return kinds
    grassroots = [K.COLLECTIVE_STUDY, K.EDUCATION_FILM, K.PARTY_LECTURE, K.FOUR_WINDS_LIST]
    if level == Level.TOWNSHIP:
        return [K.ENLARGED_MEETING, K.DISCUSSION_MEETING, *grassroots]
    return grassroots


def default_due_date(campaign: Campaign, kind: str, level: int) -> datetime.date:
    """R5.1 the notice's due date of an obligation kind at a level (the default ``Deadline`` row)."""
    if kind == K.DEMOCRATIC_MEETING:
        return campaign.end_date
    if kind == K.COMPARISON_MATERIAL:
        # reviewed upstream before the democratic life meetings may start
        return campaign.democratic_meeting_earliest - datetime.timedelta(days=1)
    return campaign.study_end_for(level)


# Leading cadres (领导干部) sit in the leadership teams of townships and above; village committees
# are grassroots cadres. R2.2's minimum and R2.6's exam both apply to leading cadres only.
LOWEST_LEADING_LEVEL = Level.TOWNSHIP


def study_minimum(cadre: Cadre, campaign: Campaign) -> int | None:
    """R2.2 provincial-level leaders at least 5 sessions; other party-member leaders at least 3; else none."""
    if cadre.rank == Rank.PROVINCIAL:
        return campaign.min_study_provincial
    if (cadre.is_party_member and (cadre.is_team_member or cadre.is_top_leader)
            and cadre.unit.level <= LOWEST_LEADING_LEVEL):
        return campaign.min_study_other
    return None


def passes_exam(score, campaign: Campaign) -> bool:
    """R2.6 a score at or above the campaign's pass mark passes."""
    return score >= campaign.exam_pass_mark


def unit_owes(unit: Unit, kind: str) -> bool:
    return kind in obligation_kinds_for(unit.level, unit.kind)


def date_error(campaign: Campaign, *days: datetime.date) -> str | None:
    """X2, R2.2, R2.3, R4.1, R4.2 why a record dated ``days`` cannot count in ``campaign``, or ``None``:
    every date of a meeting, study session, opinion session or field-research stay lies within the
    campaign, its first and last day included."""
    if all(campaign.start_date <= day <= campaign.end_date for day in days):
        return None
    start, end = (date_format(day, "DATE_FORMAT") for day in (campaign.start_date, campaign.end_date))
    return _("The date must lie within the campaign (%(start)s – %(end)s).") % {"start": start, "end": end}
