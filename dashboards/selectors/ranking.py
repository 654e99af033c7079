"""R6.3 the ranking of city- and county-level units among their peers by a composite score whose weights are
campaign data, the units that reported nothing, and the candidates for public criticism with reasons written
from their figures.

**Peers.** Units are ranked among units of the same level only: below the province, the cities form one list
and the counties another (a city's figures include its counties', so one list would compare a city with its own
counties); below a city, its counties; a county (which has no county below it) ranks its own sub-units, one
list per level. Closed units (``Unit.closed_on`` set) are not ranked.

**Score.** Each component is a score from 0 to 100 over the unit's whole subtree; a component with nothing to
measure yet (no obligation, no leader with a minimum, no exam…) scores 100, so missing records never count
against a unit that owes nothing. The composite is the weighted mean (weights in percent). Equal composites are
ordered by the higher progress component (against deadlines), then by the unit code, ascending; every unit gets
its own position (``TIE_RULE``, shown on the page).

**Not reporting.** A unit has *reported nothing* when nothing is recorded in its subtree for the campaign: its
``Figures`` count no obligation done, no leader who reached the study minimum, no exam sat, no field-research
stay long enough, no unit that asked every target group, no message answered (``_figures_report``), AND no
unit of its subtree recorded a study session, a meeting, an exam, a field-research stay, an opinion session or
a progress report (one grouped query, ``_recording_units``: the raw records the figures do not count on their
own). Such a unit gets no score and no position: it is listed apart as "not reporting" (未报送), is never a
candidate for public criticism for that reason, and its parent's office is told when a leader confirms a public
criticism (``campaign.services.criticism.criticism_issue``, idempotent per campaign, unit and day); a page view
writes nothing.

**Candidates.** ``Campaign.criticism_count`` (N, "about ten" units in R6.3) is shared among the lists in
proportion to their number of scored units (largest remainder; an equal remainder goes to the higher level), and
each list proposes its worst share, worst first; the confirmation form offers each list's worst twice its share
(so at most 2·N units in all, the service's limit). One confirmed criticism may thus name cities and counties,
each picked among its peers: below the province with 11 cities and 33 counties and N = 10, the 3 worst cities
and the 7 worst counties.

**Language.** Reasons are shown in the reader's language; the reasons the confirmation form starts from are
written in the portal's language (``settings.LANGUAGE_CODE``, Chinese), the language of the published document.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.models import Campaign, Exam, Meeting, ProgressReport, PublicCriticism, StudySession
from feedback.models import FieldResearchStay, OpinionSession
from units.models import Level, Unit, UnitKind

from .. import rollups
from .figures import Figures, collect

#: R6.3 "city- and county-level units": their party committees are ranked.
RANKED_LEVELS = (Level.CITY, Level.COUNTY)
RANKED_KIND = UnitKind.PARTY_COMMITTEE
#: At most this many weak components are named in a candidate's reason.
REASONS_SHOWN = 3
#: The criticisms this issuer already confirmed, newest first, listed under the ranking.
CRITICISMS_SHOWN = 20
#: The second key of the order, as the page states it.
TIE_RULE = gettext_lazy("Equal scores are ordered by the higher progress score, then by the unit code.")
#: The title of each list of peers.
PEER_LABELS = {
    Level.PROVINCE: gettext_lazy("Provincial-level units"),
    Level.CITY: gettext_lazy("Cities"),
    Level.COUNTY: gettext_lazy("Counties"),
    Level.TOWNSHIP: gettext_lazy("Townships"),
    Level.VILLAGE: gettext_lazy("Villages and communities"),
}


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
_DEFS = {c.key: c for c in COMPONENTS}


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

    # the score as the table shows it (as ``floatformat``, half up, without its per-call locale lookups:
    # a province's table has 900 scores, issue 13)
    @property
    def score_shown(self) -> str:
        return _fixed(self.score, 0)

    @property
    def score_value(self) -> str:
        return _fixed(self.score, 1)


def _fixed(value: float, places: int) -> str:
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@dataclass
class RankedUnit:
    unit: Unit
    figures: Figures
    components: list[Component]
    reporting: bool = True  # False: nothing recorded in its subtree for the campaign (not scored)
    score: float | None = None  # None while the weights are invalid, or when not reporting
    rank: int = 0
    tied: bool = False  # another unit of the list has the same score (ordered by ``TIE_RULE``)
    reason_keys: list[str] = field(default_factory=list)  # the weak components named, costliest first
    reasons: list[str] = field(default_factory=list)  # their sentences in the reader's language

    @property
    def reason_text(self) -> str:
        return _("; ").join(self.reasons)

    @property
    def progress_score(self) -> float:
        return next(c.score for c in self.components if c.key == "progress")

    @property
    def document_reason_text(self) -> str:
        """The reasons in the portal's language (Chinese), the language of the published criticism."""
        with translation.override(settings.LANGUAGE_CODE):
            return _("; ").join(_DEFS[key].reason(self.figures) for key in self.reason_keys)


@dataclass
class PeerList:
    """The units of one level, ranked among themselves."""

    level: int
    label: str
    rows: list[RankedUnit]  # the reporting units, best first
    not_reporting: list[RankedUnit]  # by unit code
    share: int = 0  # this list's part of ``criticism_count``
    candidates: list[RankedUnit] = field(default_factory=list)  # its worst ``share``, worst first
    offered: list[RankedUnit] = field(default_factory=list)  # its worst twice ``share``, worst first


@dataclass
class Ranking:
    issuer: Unit
    campaign: Campaign
    weights: list[tuple[str, str, int]]  # (key, label, percent)
    weights_error: str  # Campaign.clean()'s message when the weights do not add up
    lists: list[PeerList]  # one per level, the higher level first
    criticisms: list[PublicCriticism]
    tie_rule: str = ""

    @property
    def valid(self) -> bool:
        return not self.weights_error

    @property
    def rows(self) -> list[RankedUnit]:
        """Every ranked (reporting) unit, list after list."""
        return [row for peers in self.lists for row in peers.rows]

    @property
    def not_reporting(self) -> list[RankedUnit]:
        return [row for peers in self.lists for row in peers.not_reporting]

    @property
    def candidates(self) -> list[RankedUnit]:
        """The candidates for public criticism, list after list, each list's worst first."""
        return [row for peers in self.lists for row in peers.candidates]

    @property
    def offered(self) -> list[RankedUnit]:
        """The units a leader may pick from when confirming, list after list."""
        return [row for peers in self.lists for row in peers.offered]

    @property
    def units(self) -> int:
        return sum(len(peers.rows) + len(peers.not_reporting) for peers in self.lists)


def weights_error(campaign: Campaign) -> str:
    """R6.3 the message ``Campaign.clean`` gives for the ranking weights, or "" when they are valid."""
    try:
        campaign.clean()
    except ValidationError as exc:
        return " ".join(exc.message_dict.get("rank_weight_progress", []))
    return ""


def ranked_units(issuer: Unit) -> list[Unit]:
    """R6.3 the active city- and county-level party committees below ``issuer``; a county (which has none
    below it) picks its own among its active sub-units. One or two queries."""
    units = list(Unit.objects.filter(path__startswith=issuer.path, depth__gt=issuer.depth, level__in=RANKED_LEVELS,
                                     kind=RANKED_KIND).active())
    return units or list(Unit.objects.get_children(issuer).active())


def candidate_shares(sizes: list[int], count: int) -> list[int]:
    """R6.3 ``count`` candidates shared among lists of ``sizes`` units in proportion to their size, by the
    largest remainder (an equal remainder goes to the earlier list); never more than a list holds."""
    total = sum(sizes)
    count = min(count, total)
    if not count:
        return [0] * len(sizes)
    shares = [count * size // total for size in sizes]
    by_remainder = sorted(range(len(sizes)), key=lambda i: (-(count * sizes[i] % total), i))
    for i in by_remainder[:count - sum(shares)]:
        shares[i] += 1
    return shares


def _figures_report(f: Figures) -> bool:
    """The figures count something the unit's subtree recorded (not cards or messages others raised)."""
    return any((f.obligations_done, f.study_met, f.exam_sat, f.research_met, f.opinion_covered,
                f.messages_answered))


def _recording_units(issuer: Unit, depth: int, campaign: Campaign) -> dict[str, int]:
    """Per branch at ``depth``, the active units that recorded any study session, meeting, exam, field-research
    stay, opinion session or progress report of the campaign (one grouped query)."""
    def by(model, unit_field: str = "unit_id") -> Q:
        return Q(pk__in=model.objects.filter(campaign=campaign).order_by().values(unit_field))

    recorded = (by(StudySession) | by(Meeting) | by(Exam) | by(OpinionSession)
                | by(FieldResearchStay, "cadre__unit_id")
                | Q(pk__in=ProgressReport.objects.filter(schedule__campaign=campaign).order_by().values("unit_id")))
    rows = (Unit.objects.filter(path__startswith=issuer.path).active().filter(recorded)
            .annotate(branch=Substr("path", 1, depth * Unit.steplen)).order_by()
            .values("branch").annotate(n=Count("pk")))
    return {row["branch"]: row["n"] for row in rows}


def _rolled_up(counts: dict[str, int], units: list[Unit]) -> dict[int, int]:
    """Each unit's total over the branches below it (or at it)."""
    result = {u.pk: 0 for u in units}
    by_path = {u.path: u.pk for u in units}
    lengths = sorted({len(path) for path in by_path})
    for branch, n in counts.items():
        for length in lengths:
            if len(branch) < length:
                break
            pk = by_path.get(branch[:length])
            if pk is not None:
                result[pk] += n
    return result


def _components(figures: Figures, weights: dict[str, int]) -> list[Component]:
    result = []
    for c in COMPONENTS:
        score = c.score(figures)
        result.append(Component(key=c.key, label=str(c.label), weight=weights[c.key],
                                score=100.0 if score is None else score, measured=score is not None))
    return result


def _reason_keys(row: RankedUnit) -> list[str]:
    """The components that cost the unit most (weight × shortfall), at most ``REASONS_SHOWN`` and none
    costing less than half the costliest."""
    weak = sorted((c for c in row.components if c.measured and c.score < 100 and c.weight > 0),
                  key=lambda c: (-c.weighted_loss, c.key))
    if not weak:
        return []
    return [c.key for c in weak if 2 * c.weighted_loss >= weak[0].weighted_loss][:REASONS_SHOWN]


def order_key(row: RankedUnit) -> tuple:
    """R6.3 the order of a list: the higher score, then (``TIE_RULE``) the higher progress score, then the
    unit code."""
    return (-row.score, -row.progress_score, row.unit.code)


def _rank(rows: list[RankedUnit]) -> None:
    rows.sort(key=order_key)
    counts: dict[float, int] = defaultdict(int)
    for row in rows:
        counts[row.score] += 1
    for position, row in enumerate(rows, 1):
        row.rank = position
        row.tied = counts[row.score] > 1
        row.reason_keys = _reason_keys(row)
        row.reasons = [_DEFS[key].reason(row.figures) for key in row.reason_keys]


def ranking(*, user, issuer: Unit, campaign: Campaign, today: datetime.date) -> Ranking:
    """R6.3 the units below ``issuer`` ranked among their peers (one list per level) by the campaign's weighted
    score, with each component; the units that reported nothing, apart; and the candidates for public
    criticism with their reasons. A fixed number of queries: the units, the grouped figure queries at the
    deepest ranked level, the units that recorded anything, the criticisms already issued."""
    units = ranked_units(issuer)
    weights = campaign.rank_weights
    error = weights_error(campaign)
    labels = {c.key: str(c.label) for c in COMPONENTS}
    by_level: dict[int, list[RankedUnit]] = defaultdict(list)
    if units:
        depth = max(u.depth for u in units)
        by_unit = rollups.subtree_figures(campaign=campaign, under=issuer, units=units, today=today)
        if by_unit is None:
            by_unit = collect(user=user, root=issuer, depth=depth, campaign=campaign, today=today).rolled_up(units)
        recording = _rolled_up(_recording_units(issuer, depth, campaign), units)
        for u in units:
            figures = by_unit[u.pk]
            by_level[u.level].append(RankedUnit(
                unit=u, figures=figures, components=_components(figures, weights),
                reporting=_figures_report(figures) or recording[u.pk] > 0))
    lists = []
    for level in sorted(by_level):
        rows = [row for row in by_level[level] if row.reporting]
        silent = sorted((row for row in by_level[level] if not row.reporting), key=lambda r: r.unit.code)
        if not error:
            for row in rows:
                row.score = round(sum(c.weight * c.score for c in row.components) / 100, 2)
            _rank(rows)
        else:
            rows.sort(key=lambda r: r.unit.code)
        lists.append(PeerList(level=level, label=str(PEER_LABELS.get(level, Level(level).label)), rows=rows,
                              not_reporting=silent))
    if not error:
        for peers, share in zip(lists, candidate_shares([len(p.rows) for p in lists], campaign.criticism_count)):
            worst_first = list(reversed(peers.rows))
            peers.share, peers.candidates, peers.offered = share, worst_first[:share], worst_first[:2 * share]
    return Ranking(
        issuer=issuer, campaign=campaign, weights=[(key, labels[key], weight) for key, weight in weights.items()],
        weights_error=error, lists=lists, tie_rule=str(TIE_RULE),
        criticisms=list(PublicCriticism.objects.filter(campaign=campaign, issuer=issuer)
                        .annotate(unit_count=Count("entries")).order_by("-created_at")[:CRITICISMS_SHOWN]),
    )
