"""R6.3 the ranking of city- and county-level units by a composite score whose weights are campaign data,
and the candidates for public criticism with reasons written from their figures.

Each component is a score from 0 to 100 over the unit's whole subtree; a component with nothing to
measure yet (no obligation, no leader with a minimum, no exam…) scores 100, so missing records never
count against a unit that owes nothing. The composite is the weighted mean (weights in percent).
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.models import Campaign, PublicCriticism
from units.models import Level, Unit, UnitKind

from .figures import Figures, collect

#: R6.3 "city- and county-level units": their party committees are ranked.
RANKED_LEVELS = (Level.CITY, Level.COUNTY)
RANKED_KIND = UnitKind.PARTY_COMMITTEE
#: At most this many weak components are named in a candidate's reason.
REASONS_SHOWN = 3
#: The criticisms this issuer already confirmed, newest first, listed under the ranking.
CRITICISMS_SHOWN = 20


def _share(good: int, whole: int) -> float | None:
    return 100 * good / whole if whole else None


@dataclass(frozen=True)
class ComponentDef:
    key: str  # as in Campaign.rank_weights
    label: str
    score: Callable[[Figures], float | None]
    reason: Callable[[Figures], str]


def _progress_reason(f: Figures) -> str:
    return _("Progress behind: %(done)s%% done, %(overdue)s items overdue") % {
        "done": f.progress_percent or 0, "overdue": f.obligations_overdue}


def _study_reason(f: Figures) -> str:
    return _("Shallow study: %(short)s of %(required)s leaders below the minimum of study sessions") % {
        "short": f.study_short, "required": f.study_required}


def _exam_reason(f: Figures) -> str:
    return _("Exam: pass rate %(rate)s%%, %(owed)s cadres owe make-up study") % {
        "rate": f.exam_rate or 0, "owed": f.exam_owed}


def _cards_reason(f: Figures) -> str:
    return _("Supervision cards not acted on: %(overdue)s overdue, %(escalated)s escalated") % {
        "overdue": f.cards_overdue, "escalated": f.cards_escalated}


def _messages_reason(f: Figures) -> str:
    return _("Answers to the public late: %(late)s of %(assigned)s messages") % {
        "late": f.messages_late, "assigned": f.messages_assigned}


COMPONENTS: tuple[ComponentDef, ...] = (
    # on schedule = done, or not yet due
    ComponentDef("progress", gettext_lazy("Progress against deadlines"),
                 lambda f: _share(f.obligations - f.obligations_overdue, f.obligations), _progress_reason),
    ComponentDef("study", gettext_lazy("Study compliance"), lambda f: _share(f.study_met, f.study_required),
                 _study_reason),
    ComponentDef("exam", gettext_lazy("Exam pass rate"), lambda f: _share(f.exam_passed, f.exam_sat), _exam_reason),
    ComponentDef("cards", gettext_lazy("Supervision cards"),
                 lambda f: _share(f.cards - f.cards_troubled, f.cards), _cards_reason),
    ComponentDef("messages", gettext_lazy("Answers to the public"),
                 lambda f: _share(f.messages_assigned - f.messages_late, f.messages_assigned), _messages_reason),
)


@dataclass
class Component:
    key: str
    label: str
    weight: int
    score: float
    measured: bool  # False: nothing to measure, scored 100

    @property
    def weighted_loss(self) -> float:
        return self.weight * (100 - self.score)


@dataclass
class RankedUnit:
    unit: Unit
    figures: Figures
    components: list[Component]
    score: float | None = None  # None while the weights are invalid
    rank: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_text(self) -> str:
        return _("; ").join(self.reasons)


@dataclass
class Ranking:
    issuer: Unit
    campaign: Campaign
    weights: list[tuple[str, str, int]]  # (key, label, percent)
    weights_error: str  # Campaign.clean()'s message when the weights do not add up
    rows: list[RankedUnit]  # best first
    candidates: list[RankedUnit]  # the worst ``criticism_count``, worst first
    offered: list[RankedUnit]  # the units a leader may pick from (the worst, twice as many)
    criticisms: list[PublicCriticism]

    @property
    def valid(self) -> bool:
        return not self.weights_error


def weights_error(campaign: Campaign) -> str:
    """R6.3 the message ``Campaign.clean`` gives for the ranking weights, or "" when they are valid."""
    try:
        campaign.clean()
    except ValidationError as exc:
        return " ".join(exc.message_dict.get("rank_weight_progress", []))
    return ""


def ranked_units(issuer: Unit) -> list[Unit]:
    """R6.3 the city- and county-level party committees below ``issuer``; a county (which has none
    below it) picks its own among its sub-units. One or two queries."""
    units = list(Unit.objects.filter(path__startswith=issuer.path, depth__gt=issuer.depth, level__in=RANKED_LEVELS,
                                     kind=RANKED_KIND))
    return units or list(Unit.objects.get_children(issuer))


def _components(figures: Figures, weights: dict[str, int]) -> list[Component]:
    result = []
    for c in COMPONENTS:
        score = c.score(figures)
        result.append(Component(key=c.key, label=str(c.label), weight=weights[c.key],
                                score=100.0 if score is None else score, measured=score is not None))
    return result


def _reasons(row: RankedUnit) -> list[str]:
    """The components that cost the unit most (weight × shortfall), at most ``REASONS_SHOWN`` and none
    costing less than half the costliest, each as a sentence with the unit's figures."""
    defs = {c.key: c for c in COMPONENTS}
    weak = sorted((c for c in row.components if c.measured and c.score < 100 and c.weight > 0),
                  key=lambda c: (-c.weighted_loss, c.key))
    if not weak:
        return []
    chosen = [c for c in weak if 2 * c.weighted_loss >= weak[0].weighted_loss][:REASONS_SHOWN]
    return [defs[c.key].reason(row.figures) for c in chosen]


def ranking(*, user, issuer: Unit, campaign: Campaign, today: datetime.date) -> Ranking:
    """R6.3 the units below ``issuer`` ranked by the campaign's weighted score, with each component, and the
    candidates for public criticism with their reasons (a fixed number of queries: the units, the six
    grouped figure queries at the deepest ranked level, the criticisms already issued)."""
    units = ranked_units(issuer)
    weights = campaign.rank_weights
    error = weights_error(campaign)
    labels = {c.key: str(c.label) for c in COMPONENTS}
    rows: list[RankedUnit] = []
    if units:
        collected = collect(user=user, root=issuer, depth=max(u.depth for u in units), campaign=campaign,
                            today=today)
        by_unit = collected.rolled_up(units)
        rows = [RankedUnit(unit=u, figures=by_unit[u.pk], components=_components(by_unit[u.pk], weights))
                for u in units]
    if not error and rows:
        for row in rows:
            row.score = round(sum(c.weight * c.score for c in row.components) / 100, 2)
        rows.sort(key=lambda r: (-r.score, r.unit.path))
        for rank, row in enumerate(rows, 1):
            row.rank = rank
        for row in rows:
            row.reasons = _reasons(row)
    worst_first = list(reversed(rows)) if not error else []
    count = campaign.criticism_count
    return Ranking(
        issuer=issuer, campaign=campaign, weights=[(key, labels[key], weight) for key, weight in weights.items()],
        weights_error=error, rows=rows, candidates=worst_first[:count], offered=worst_first[:2 * count],
        criticisms=list(PublicCriticism.objects.filter(campaign=campaign, issuer=issuer)
                        .annotate(unit_count=Count("entries")).order_by("-created_at")[:CRITICISMS_SHOWN]),
    )
