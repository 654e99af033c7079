"""R2.1, R2.2, R2.8: reads of the study area — sessions, each cadre's count against the minimum,
the shortfall list and the special groups' coverage — each in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from units.models import Cadre, Rank, SpecialGroup, Unit
from units.scoping import scope_paths

from .. import policy
from ..models import Attendance, Campaign, StudyPlan, StudySession


# --- sessions and plans


def sessions_visible(user, campaign: Campaign) -> QuerySet[StudySession]:
    """R2.2 the campaign's study sessions in the user's scope, with their attendance counts."""
    return (StudySession.objects.visible_to(user).filter(campaign=campaign).select_related("unit", "plan")
            .annotate(attendee_count=Count("attendance")).order_by("-date", "-pk"))


def plans_visible(user, campaign: Campaign) -> QuerySet[StudyPlan]:
    """R2.1 the campaign's study plans in the user's scope, with how many sessions follow each."""
    return (StudyPlan.objects.visible_to(user).filter(campaign=campaign).select_related("unit")
            .annotate(session_count=Count("sessions")).order_by("-start_date", "unit__path", "pk"))


def session_attendees(session: StudySession) -> list[Cadre]:
    return list(Cadre.objects.filter(attendance__session=session).order_by("-is_top_leader", "-is_team_member",
                                                                           "name"))


# --- R2.2 each cadre's sessions against the minimum


# ``policy.study_minimum`` as SQL, so a whole scope is judged in one query (R2.2; the test
# ``test_r2_2_minimum_expression_agrees_with_the_rule`` keeps the two in step).
_PROVINCIAL = Q(rank=Rank.PROVINCIAL)
_PARTY_LEADER = (Q(is_party_member=True) & (Q(is_team_member=True) | Q(is_top_leader=True))
                 & Q(unit__level__lte=policy.LOWEST_LEADING_LEVEL))
HAS_STUDY_MINIMUM = _PROVINCIAL | _PARTY_LEADER


def study_minimum_expression(campaign: Campaign) -> Case:
    """R2.2 each cadre's minimum number of sessions, read from the campaign row (NULL: none)."""
    return Case(
        When(_PROVINCIAL, then=Value(campaign.min_study_provincial)),
        When(_PARTY_LEADER, then=Value(campaign.min_study_other)),
        default=Value(None),
        output_field=IntegerField(),
    )


def _attended_count(campaign: Campaign) -> Coalesce:
    # A correlated subquery rather than a join + GROUP BY: filtering on the count stays a WHERE.
    counts = (Attendance.objects.filter(cadre=OuterRef("pk"), session__campaign=campaign)
              .order_by().values("cadre").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def cadres_with_study_counts(queryset: QuerySet[Cadre], campaign: Campaign) -> QuerySet[Cadre]:
    """R2.2 cadres annotated with ``attended`` (sessions in the campaign), ``minimum`` and ``missing``."""
    return (queryset.annotate(attended=_attended_count(campaign), minimum=study_minimum_expression(campaign))
            .annotate(missing=F("minimum") - F("attended")))


def study_standing(user, campaign: Campaign, *, only_short: bool = True) -> QuerySet[Cadre]:
    """R2.2 the leaders of the user's scope who have a minimum, with their counts; by default only
    those who still owe sessions (the shortfall list), most missing first. The list's filters
    (``ShortfallFilter``) narrow it by unit and rank."""
    # the plain condition (not the CASE) keeps the filter on indexed columns
    qs = cadres_with_study_counts(Cadre.objects.visible_to(user).filter(HAS_STUDY_MINIMUM), campaign)
    if only_short:
        qs = qs.filter(attended__lt=F("minimum"))
    return qs.select_related("unit").order_by("-missing", "unit__path", "name", "pk")


# --- R2.8 special groups' participation and coverage


@dataclass
class GroupCoverage:
    """One special group in one part of the tree: its cadres, how many attended a session, the share."""

    group: str
    label: str
    cadres: int = 0
    covered: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.cadres) if self.cadres else None


@dataclass
class CoverageRow:
    """R2.8 the special groups of a scope, a unit's own cadres, or one child's subtree."""

    label: object  # a unit name, or a lazily translated label
    unit: Unit | None
    groups: list[GroupCoverage] = field(default_factory=list)

    @property
    def cadres(self) -> int:
        return sum(g.cadres for g in self.groups)

    @property
    def covered(self) -> int:
        return sum(g.covered for g in self.groups)

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.cadres) if self.cadres else None


SPECIAL_GROUPS = [g for g in SpecialGroup if g.value]


def _coverage_aggregates() -> dict:
    aggs = {}
    for g in SPECIAL_GROUPS:
        aggs[f"n_{g.value}"] = Count("pk", filter=Q(special_group=g.value))
        aggs[f"c_{g.value}"] = Count("pk", filter=Q(special_group=g.value, took_part=True))
    return aggs


def _special_cadres(queryset: QuerySet[Cadre], campaign: Campaign) -> QuerySet[Cadre]:
    took_part = Exists(Attendance.objects.filter(cadre=OuterRef("pk"), session__campaign=campaign))
    return queryset.exclude(special_group="").annotate(took_part=took_part).order_by()


def _row(label: str, unit: Unit | None, agg: dict) -> CoverageRow:
    return CoverageRow(label=label, unit=unit, groups=[
        GroupCoverage(group=g.value, label=g.label, cadres=agg.get(f"n_{g.value}") or 0,
                      covered=agg.get(f"c_{g.value}") or 0) for g in SPECIAL_GROUPS])


@dataclass
class Coverage:
    """R2.8 the page: the user's whole scope, the chosen unit's subtree, its own cadres, and each child."""

    scope: CoverageRow
    unit: Unit
    subtree: CoverageRow
    own: CoverageRow
    children: list[CoverageRow]


def special_group_coverage(user, campaign: Campaign, unit: Unit) -> Coverage:
    """R0.3, R2.8 participation of the special groups for the scope and for each child of ``unit``
    (four queries however large the tree: scope, children, grouped counts by branch)."""
    scoped = _special_cadres(Cadre.objects.visible_to(user), campaign)
    scope_row = _row(_("Whole scope"), None, scoped.aggregate(**_coverage_aggregates()))
    children = list(Unit.objects.get_children(unit))
    prefix_len = len(unit.path) + Unit.steplen
    rows = (scoped.filter(unit__path__startswith=unit.path)
            .annotate(branch=Substr("unit__path", 1, prefix_len))
            .values("branch").annotate(**_coverage_aggregates()))
    by_branch = {r.pop("branch"): r for r in rows}
    own = _row(unit.name, unit, by_branch.get(unit.path, {}))
    child_rows = [_row(child.name, child, by_branch.get(child.path, {})) for child in children]
    subtree = CoverageRow(label=unit.name, unit=unit, groups=[
        GroupCoverage(group=g.value, label=g.label,
                      cadres=sum(r.groups[i].cadres for r in [own, *child_rows]),
                      covered=sum(r.groups[i].covered for r in [own, *child_rows]))
        for i, g in enumerate(SPECIAL_GROUPS)])
    return Coverage(scope=scope_row, unit=unit, subtree=subtree, own=own, children=child_rows)


def default_unit_for(user) -> Unit | None:
    """Where a scoped page starts: the first root of the user's scope (the tree's root for a superuser)."""
    paths = scope_paths(user)
    if paths is None:
        return Unit.get_first_root_node()
    return Unit.objects.filter(path__in=paths).order_by("path").first()


def units_to_record_for(user, text: str, limit: int = 20) -> list[Unit]:
    """The unit picker: units of the user's scope matching a name or code (R2.2 record a session)."""
    text = (text or "").strip()
    if not text:
        return []
    return list(Unit.objects.visible_to(user).search(text).order_by("path")[:limit])
