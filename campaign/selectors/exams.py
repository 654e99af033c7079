"""R2.6 reads: exams with their pass rates, the cadres who sit them, and the failures that owe make-up study."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from units.models import Cadre, Level, Unit, UnitKind
from units.scoping import scope_q

from .. import policy
from ..models import Campaign, Exam, ExamResult

#: R2.6 the exam is for leading cadres (领导干部): leadership teams down to townships. Village
#: committees are grassroots cadres, not leading cadres, and do not sit it.
EXAM_LOWEST_LEVEL = policy.LOWEST_LEADING_LEVEL
#: R2.6 exams are organised per city and per county, by its party committee.
ORGANISER_LEVELS = (Level.CITY, Level.COUNTY)
ORGANISER_KIND = UnitKind.PARTY_COMMITTEE


def exam_candidates(exam: Exam) -> QuerySet[Cadre]:
    """R2.6 who sits an exam: top leaders and team members of the organiser's subtree (one query to build).

    Counties below a city organise their own exam, so a city's exam leaves their subtrees out and
    nobody sits two first exams.
    """
    organiser = exam.unit
    own_exams = Q()
    for path in Unit.objects.filter(path__startswith=organiser.path, depth__gt=organiser.depth,
                                    level__in=ORGANISER_LEVELS, kind=ORGANISER_KIND).values_list("path", flat=True):
        own_exams |= Q(unit__path__startswith=path)
    qs = (Cadre.objects.filter(unit__path__startswith=organiser.path, unit__level__lte=EXAM_LOWEST_LEVEL)
          .filter(Q(is_team_member=True) | Q(is_top_leader=True)))
    if own_exams:
        qs = qs.exclude(own_exams)
    return qs.select_related("unit").order_by("unit__path", "-is_top_leader", "name", "pk")


def with_previous_result(cadres: QuerySet[Cadre], exam: Exam) -> QuerySet[Cadre]:
    """R2.6 each cadre with their latest result before ``exam`` in its campaign (by exam date, then by the
    order exams were created): ``previous_passed`` (``None``: never sat), ``previous_makeup_on``,
    ``previous_exam`` (its title). One query."""
    earlier = (ExamResult.objects.filter(cadre=OuterRef("pk"), exam__campaign_id=exam.campaign_id)
               .filter(Q(exam__date__lt=exam.date) | Q(exam__date=exam.date, exam__pk__lt=exam.pk))
               .order_by("-exam__date", "-exam__pk"))
    return cadres.annotate(previous_passed=Subquery(earlier.values("passed")[:1]),
                           previous_makeup_on=Subquery(earlier.values("makeup_done_on")[:1]),
                           previous_exam=Subquery(earlier.values("exam__title")[:1]))


def may_sit_q(exam: Exam) -> Q:
    """R2.6 over ``with_previous_result``: whoever failed sits again only once make-up study is recorded
    (on or before the exam's date); a re-sit is for them alone."""
    made_up = Q(previous_passed=False, previous_makeup_on__lte=exam.date)
    if exam.is_resit:
        return made_up
    return Q(previous_passed__isnull=True) | Q(previous_passed=True) | made_up


def exam_sitters(exam: Exam) -> QuerySet[Cadre]:
    """R2.6 the cadres whose scores may be entered for ``exam``: its candidates who may sit it (a re-sit
    lists only those who failed and have done make-up study), and whoever already has a result in it (so
    it can be corrected)."""
    entered = ExamResult.objects.filter(exam=exam, cadre=OuterRef("pk"))
    return with_previous_result(exam_candidates(exam), exam).filter(may_sit_q(exam) | Exists(entered))


def exams_for(user, campaign: Campaign) -> QuerySet[Exam]:
    """R2.6 the campaign's exams in the user's scope, each with results entered and passed (one query)."""
    return (Exam.objects.visible_to(user).filter(campaign=campaign).select_related("unit")
            .annotate(sat=Count("results"), passed_count=Count("results", filter=Q(results__passed=True)))
            .order_by("-date", "-pk"))


def pass_rate(passed: int, sat: int) -> int | None:
    """Percent of those who sat that passed; ``None`` while no result is entered."""
    return round(100 * passed / sat) if sat else None


@dataclass
class ExamSummary:
    """R2.6 an exam's figures: how many sat, passed, failed and still owe make-up study."""

    sat: int
    passed: int
    makeup_owed: int

    @property
    def failed(self) -> int:
        return self.sat - self.passed

    @property
    def rate(self) -> int | None:
        return pass_rate(self.passed, self.sat)


def exam_summary(exam: Exam, user=None) -> ExamSummary:
    """R2.6 the exam's figures, over the results of the viewer's subtree when ``user`` is given."""
    results = exam.results.filter(scope_q(user, "cadre__unit__")) if user is not None else exam.results.all()
    agg = results.aggregate(n_sat=Count("pk"), n_passed=Count("pk", filter=Q(passed=True)),
                                 n_owed=Count("pk", filter=Q(passed=False, makeup_done_on__isnull=True)))
    return ExamSummary(sat=agg["n_sat"], passed=agg["n_passed"], makeup_owed=agg["n_owed"])


def exam_results(exam: Exam, user) -> QuerySet[ExamResult]:
    """R2.6 an exam's results, limited again to the viewer's subtree (a visible exam shows nothing of
    cadres outside it)."""
    return (exam.results.filter(scope_q(user, "cadre__unit__")).select_related("cadre__unit")
            .order_by("cadre__unit__path", "-cadre__is_top_leader", "cadre__name", "pk"))


def _later_results() -> QuerySet[ExamResult]:
    """The same cadre's results after OuterRef's (by exam date, then by the order exams were created)."""
    return ExamResult.objects.filter(
        Q(exam__date__gt=OuterRef("exam__date")) | Q(exam__date=OuterRef("exam__date"), exam__pk__gt=OuterRef("exam__pk")),
        cadre=OuterRef("cadre"), exam__campaign=OuterRef("exam__campaign"),
    ).order_by("exam__date", "exam__pk")


class OwedState:
    OWED = ""  # latest result a fail: make-up study or re-sit outstanding
    MAKEUP = "makeup"  # make-up study not yet recorded
    RESIT = "resit"  # make-up study done, re-sit not yet passed
    ALL = "all"  # every failure, also those since passed in a re-sit


def owed_all(user, campaign: Campaign) -> QuerySet[ExamResult]:
    """R2.6 failed results in the user's scope (``None``: everywhere, for the dashboards' rollups), each with
    the cadre's next result (the re-sit) if any.

    One query for the page, whatever the number of cadres; ``owed_in_state`` narrows it.
    """
    later = _later_results()
    scope = scope_q(user, "cadre__unit__") if user is not None else Q()
    return (ExamResult.objects.filter(scope, exam__campaign=campaign, passed=False)
            .select_related("cadre__unit", "exam__unit")
            .annotate(has_later=Exists(later),
                      resit_score=Subquery(later.values("score")[:1]),
                      resit_passed=Subquery(later.values("passed")[:1]),
                      resit_exam=Subquery(later.values("exam__title")[:1]))
            .order_by("cadre__unit__path", "cadre__name", "exam__date", "pk"))


def owed_in_state(qs: QuerySet[ExamResult], state: str = OwedState.OWED) -> QuerySet[ExamResult]:
    """A failure stays owed while it is the cadre's latest result: make-up study, then a passed re-sit,
    clear it."""
    if state != OwedState.ALL:
        qs = qs.filter(has_later=False)
    if state == OwedState.MAKEUP:
        qs = qs.filter(makeup_done_on__isnull=True)
    elif state == OwedState.RESIT:
        qs = qs.filter(makeup_done_on__isnull=False)
    return qs


def owed_for(user, campaign: Campaign) -> QuerySet[ExamResult]:
    """R2.6 the failures in the user's scope still owing make-up study or a re-sit."""
    return owed_in_state(owed_all(user, campaign))
