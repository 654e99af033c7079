"""R2.6: exams per city and county, results by cadre (form or spreadsheet), make-up study and re-sits."""
from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import rules
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from units.models import Cadre, RoleAssignment, Unit
from units.signals import figures_touched
from web.imports import Column, ImportPlan, ImportRow, map_header, plan_failed

from .. import policy
from ..errors import CampaignError
from ..models import Campaign, Exam, ExamResult, ObligationKind
from ..selectors.exams import ORGANISER_KIND, ORGANISER_LEVELS, exam_candidates, exam_sitters, with_previous_result
from .campaign import obligation_fulfil, obligation_reopen
from .notifications import notify

IMPORT_KIND = "exam_results"
RESULT_COLUMNS = [
    Column("unit_code", ("unit_code", "unit code", "单位编码"), True),
    Column("name", ("name", "姓名"), True),
    Column("score", ("score", "分数", "成绩"), True),
]
ONE_DECIMAL = Decimal("0.1")


def _d(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _require_manager(user, exam_unit: Unit, perm: str = "campaign.manage_exam") -> None:
    if not rules.has_perm(perm, user, exam_unit):
        raise CampaignError(_("You may not manage the exams of %(unit)s.") % {"unit": exam_unit.name})


def score_error(score: Decimal, campaign: Campaign) -> str | None:
    """Why a score cannot be recorded, or ``None``: 0 to the campaign's full mark, one decimal at most."""
    if not score.is_finite() or score < 0 or score > campaign.exam_full_mark:
        return _("The score must be between 0 and %(full)s.") % {"full": campaign.exam_full_mark}
    if score != score.quantize(ONE_DECIMAL):
        return _("The score may have at most one decimal place.")
    return None


@transaction.atomic
def exam_create(*, user, campaign: Campaign, unit: Unit, title: str, date: datetime.date,
                is_resit: bool = False) -> Exam:
    """R2.6 an exam for leading cadres, organised by a city or county party committee."""
    _require_manager(user, unit, "campaign.add_exam")
    if unit.level not in ORGANISER_LEVELS or unit.kind != ORGANISER_KIND:
        raise CampaignError(_("Exams are organised by the party committee of a city or a county, not by %(unit)s.")
                            % {"unit": unit.name})
    error = policy.date_error(campaign, date)
    if error:
        raise CampaignError(error)
    title = title.strip()
    if not title:
        raise CampaignError(_("The exam needs a title."))
    return Exam.objects.create(campaign=campaign, unit=unit, title=title, date=date, is_resit=is_resit)


def _history_user(user):
    """The user a history row names: a person, not the system (demo loader) acting without one."""
    return user if getattr(user, "is_authenticated", False) else None


def sitting_error(exam: Exam, *, name: str, previous_passed: bool | None, previous_makeup_on: datetime.date | None,
                  previous_exam: str | None) -> str | None:
    """R2.6 why a cadre may not sit ``exam`` (a new result), or ``None``: whoever failed sits again only
    after the make-up study is recorded, on or before the exam's date; a re-sit is for them alone.
    The arguments are those of ``selectors.exams.with_previous_result``."""
    if previous_passed is False:
        if previous_makeup_on is None:
            return _("%(name)s failed %(exam)s and may sit again only after the make-up study is recorded.") % {
                "name": name, "exam": previous_exam}
        if previous_makeup_on > exam.date:
            return _("%(name)s did the make-up study on %(makeup)s, after this exam (%(date)s): the make-up study "
                     "comes before the re-sit.") % {"name": name, "makeup": _d(previous_makeup_on),
                                                     "date": _d(exam.date)}
        return None
    if exam.is_resit:
        return _("%(name)s has not failed an earlier exam: a re-sit is only for cadres who failed and have done "
                 "the make-up study.") % {"name": name}
    return None


def _cadre_sitting_error(exam: Exam, cadre) -> str | None:
    return sitting_error(exam, name=cadre.name, previous_passed=cadre.previous_passed,
                         previous_makeup_on=cadre.previous_makeup_on, previous_exam=cadre.previous_exam)


@dataclass
class ResultsEntered:
    created: int = 0
    updated: int = 0
    failed: int = 0  # results that became a failure now (new, or a pass corrected to a fail)


@transaction.atomic
def exam_results_enter(*, user, exam: Exam, scores: dict[int, Decimal]) -> ResultsEntered:
    """R2.6 enter scores by cadre id: pass or fail by the campaign's pass mark; fulfils the exam obligation.

    A failure owes make-up study and a re-sit: the liaisons of each failed cadre's unit are told. A cadre
    who failed before gets a new result only once the make-up study is recorded (``sitting_error``);
    a result already entered in this exam may always be corrected. Every result written or corrected is
    kept in the history, under ``user``.
    """
    _require_manager(user, exam.unit, "campaign.record_exam_result")
    campaign = exam.campaign
    if exam.date > timezone.localdate():
        raise CampaignError(_("Results can be entered from the exam date (%(date)s) on.") % {"date": _d(exam.date)})
    if not scores:
        raise CampaignError(_("Enter at least one score."))
    cadres = {c.pk: c for c in with_previous_result(exam_candidates(exam).filter(pk__in=list(scores)), exam)}
    if len(cadres) != len(scores):
        raise CampaignError(_("Scores can only be entered for leading cadres of %(unit)s.") % {"unit": exam.unit.name})
    existing = {r.cadre_id: r for r in exam.results.filter(cadre_id__in=list(scores))}
    for cadre_id, score in scores.items():
        error = score_error(score, campaign)
        if error:
            raise CampaignError(f"{cadres[cadre_id].name}: {error}")
        error = None if cadre_id in existing else _cadre_sitting_error(exam, cadres[cadre_id])
        if error:
            raise CampaignError(error)
    outcome = ResultsEntered()
    new_rows, changed, newly_failed = [], [], []
    for cadre_id, score in scores.items():
        passed = policy.passes_exam(score, campaign)
        result = existing.get(cadre_id)
        if result is None:
            new_rows.append(ExamResult(exam=exam, cadre_id=cadre_id, score=score, passed=passed))
            if not passed:
                newly_failed.append(cadres[cadre_id])
        elif result.score != score:
            if result.passed and not passed:
                newly_failed.append(cadres[cadre_id])
            result.score, result.passed = score, passed
            changed.append(result)
    bulk_create_with_history(new_rows, ExamResult, default_user=_history_user(user))
    bulk_update_with_history(changed, ExamResult, ["score", "passed"], default_user=_history_user(user))
    # issue 13: sittings count for the exam's unit, make-up owed for each cadre's
    figures_touched([exam.unit_id],
                    Cadre.objects.filter(pk__in=[r.cadre_id for r in (*new_rows, *changed)]).values("unit_id"))
    outcome.created, outcome.updated, outcome.failed = len(new_rows), len(changed), len(newly_failed)
    obligation_fulfil(campaign=campaign, unit=exam.unit, kind=ObligationKind.EXAM, on=exam.date,
                      note=f"{exam.title} {_d(exam.date)}", url=_exam_url(exam))
    _notify_makeup_owed(exam, newly_failed)
    return outcome


def _notify_makeup_owed(exam: Exam, failed) -> None:
    """R2.6 tell the liaisons of each failed cadre's unit that make-up study and a re-sit are owed."""
    by_unit: dict[int, list] = defaultdict(list)
    for cadre in failed:
        by_unit[cadre.unit_id].append(cadre)
    if not by_unit:
        return
    liaisons: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in RoleAssignment.objects.filter(
            role="liaison", unit_id__in=list(by_unit), user__is_active=True).values_list("unit_id", "user_id"):
        liaisons[unit_id].append(user_id)
    for unit_id, cadres in by_unit.items():
        if not liaisons.get(unit_id):
            continue
        unit = cadres[0].unit
        title = ngettext(
            "Make-up study owed: %(count)s cadre of %(unit)s failed %(exam)s",
            "Make-up study owed: %(count)s cadres of %(unit)s failed %(exam)s", len(cadres),
        ) % {"count": len(cadres), "unit": unit.name, "exam": exam.title}
        body = _("%(names)s must do make-up study and sit the exam again. Record the make-up study once done.") % {
            "names": "、".join(c.name for c in cadres)}
        notify(user_ids=liaisons[unit_id], title=title, body=body,
               url=f"{reverse('campaign:exam_owed')}?unit={unit.code}")


# --- spreadsheet import (R2.6): columns 单位编码, 姓名, 分数; a row-by-row report, all or nothing

def _parse_score(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def exam_import_check(*, user, exam: Exam, table: list[list[str]]) -> ImportPlan:
    """R2.6 check every row of a results file (unit code, name, score); write nothing.

    A row with an empty score means the cadre did not sit: it is skipped, not an error.
    """
    _require_manager(user, exam.unit)
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        return ImportPlan(IMPORT_KIND, [], [_("The file is empty.")])
    index, file_errors = map_header(table[0], RESULT_COLUMNS)
    rows = [ImportRow(line=n, values={key: (raw[i].strip() if i < len(raw) else "") for key, i in index.items()})
            for n, raw in enumerate(table[1:], start=2)]
    if not file_errors and not any(r.values.get("score") for r in rows):
        file_errors.append(_("No row has a score."))
    if file_errors:
        return ImportPlan(IMPORT_KIND, rows, file_errors)
    codes = {r.values.get("unit_code", "") for r in rows}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    leading: dict[tuple[str, str], list[int]] = defaultdict(list)
    previous: dict[int, tuple] = {}
    candidates = with_previous_result(exam_candidates(exam).filter(unit__code__in=codes), exam)
    for pk, code, name, *before in candidates.values_list("pk", "unit__code", "name", "previous_passed",
                                                          "previous_makeup_on", "previous_exam"):
        leading[(code, name)].append(pk)
        previous[pk] = tuple(before)
    entered = set(exam.results.values_list("cadre_id", flat=True))
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        v, e = row.values, row.errors
        code, name, score_text = v.get("unit_code", ""), v.get("name", ""), v.get("score", "")
        if not score_text:
            continue
        unit = units.get(code)
        matches = leading.get((code, name), [])
        if unit is None:
            e.append(_("Unit %(code)s does not exist.") % {"code": code})
        elif not unit.path.startswith(exam.unit.path):
            e.append(_("Unit %(code)s is not under %(organiser)s.") % {"code": code, "organiser": exam.unit.name})
        elif not name:
            e.append(_("The name is empty."))
        elif not matches:
            e.append(_("%(name)s is not a leading cadre of %(unit)s.") % {"name": name, "unit": unit.name})
        elif len(matches) > 1:
            e.append(_("%(unit)s has several leading cadres named %(name)s; enter their scores in the form.")
                     % {"name": name, "unit": unit.name})
        elif matches[0] not in entered:
            passed, makeup_on, previous_exam = previous[matches[0]]
            refusal = sitting_error(exam, name=name, previous_passed=passed, previous_makeup_on=makeup_on,
                                    previous_exam=previous_exam)
            if refusal:
                e.append(refusal)
        if (code, name) in seen:
            e.append(_("%(name)s appears twice (also on row %(line)s).") % {"name": name, "line": seen[(code, name)]})
        seen.setdefault((code, name), row.line)
        score = _parse_score(score_text)
        if score is None:
            e.append(_("Score “%(value)s” is not a number.") % {"value": score_text})
        else:
            error = score_error(score, exam.campaign)
            if error:
                e.append(error)
    return ImportPlan(IMPORT_KIND, rows)


@transaction.atomic
def exam_import_apply(*, user, exam: Exam, table: list[list[str]]) -> ResultsEntered:
    """R2.6 check the file again and enter all its scores in one transaction, or nothing."""
    plan = exam_import_check(user=user, exam=exam, table=table)
    if not plan.ok:
        raise CampaignError(plan_failed(plan))
    keys = {(r.values["unit_code"], r.values["name"]): _parse_score(r.values["score"])
            for r in plan.rows if r.values.get("score")}
    ids = {(code, name): pk for pk, code, name in exam_candidates(exam).filter(
        unit__code__in={code for code, _name in keys}).values_list("pk", "unit__code", "name")}
    return exam_results_enter(user=user, exam=exam, scores={ids[key]: score for key, score in keys.items()})


def import_template_rows(exam: Exam) -> list[list[str]]:
    """The results template: one row per leading cadre who may sit the exam (R2.6: for a re-sit, those who
    failed and have done the make-up study), the score left blank."""
    return [[c.unit.code, c.name, "", c.unit.name, c.post] for c in exam_sitters(exam).iterator(chunk_size=2000)]


@dataclass(frozen=True)
class ExamResultsImporter:
    """R2.6 the results of one exam in the one import flow (``web.imports``): checked by
    ``exam_import_check``, written (checked again) by ``exam_import_apply``."""

    exam: Exam
    kind: str = IMPORT_KIND

    @property
    def label(self) -> str:
        return _("Exam results")

    @property
    def columns(self) -> list[Column]:
        return RESULT_COLUMNS

    def check(self, *, user, table: list[list[str]]) -> ImportPlan:
        return exam_import_check(user=user, exam=self.exam, table=table)

    def write(self, *, user, table: list[list[str]]) -> ResultsEntered:
        return exam_import_apply(user=user, exam=self.exam, table=table)

    @staticmethod
    def _scored(plan: ImportPlan) -> int:
        return sum(1 for row in plan.rows if row.values.get("score"))

    def summary(self, plan: ImportPlan) -> str:
        scored = self._scored(plan)
        return ngettext("%(count)s score checked, no errors. Nothing is written until you confirm.",
                        "%(count)s scores checked, no errors. Nothing is written until you confirm.",
                        scored) % {"count": scored}

    def preview_context(self, plan: ImportPlan) -> dict:
        return {"scored": self._scored(plan)}


@transaction.atomic
def exam_makeup_record(*, user, result: ExamResult, on: datetime.date) -> ExamResult:
    """R2.6 a failed cadre has done make-up study; the re-sit is still owed until passed."""
    if not rules.has_perm("campaign.record_makeup", user, result):
        raise CampaignError(_("You may not record make-up study for %(name)s.") % {"name": result.cadre.name})
    if result.passed:
        raise CampaignError(_("%(name)s passed; no make-up study is owed.") % {"name": result.cadre.name})
    if result.makeup_done_on:
        raise CampaignError(_("Make-up study of %(name)s is already recorded (%(date)s).") % {
            "name": result.cadre.name, "date": _d(result.makeup_done_on)})
    if on < result.exam.date or on > timezone.localdate():
        raise CampaignError(_("The make-up study date must lie between the exam (%(exam)s) and today.") % {
            "exam": _d(result.exam.date)})
    result.makeup_done_on = on
    if _history_user(user):
        result._history_user = user
    result.save(update_fields=["makeup_done_on"])
    return result


def _exam_url(exam: Exam) -> str:
    return reverse("campaign:exam_detail", args=[exam.pk])


@transaction.atomic
def exam_result_delete(*, user, result: ExamResult) -> None:
    """R2.6 withdraw a result entered by mistake: the pass rate, the make-up list and the dashboards no
    longer count it, the deletion is kept in the exam's history, and an exam obligation this exam
    fulfilled falls to the organiser's next exam with results, or opens again.

    A failure that a later result (the re-sit) rests on is kept until that result is withdrawn."""
    exam = result.exam
    if not rules.has_perm("campaign.delete_exam_result", user, result):
        raise CampaignError(_("You may not manage the exams of %(unit)s.") % {"unit": exam.unit.name})
    if not result.passed:
        later = (ExamResult.objects.filter(cadre_id=result.cadre_id, exam__campaign_id=exam.campaign_id)
                 .filter(Q(exam__date__gt=exam.date) | Q(exam__date=exam.date, exam__pk__gt=exam.pk))
                 .select_related("exam").order_by("exam__date", "exam__pk").first())
        if later is not None:
            raise CampaignError(_("%(name)s sat %(exam)s after failing this exam; delete that result first.")
                                % {"name": result.cadre.name, "exam": later.exam.title})
    if _history_user(user):
        result._history_user = user
    result.delete()
    if exam.results.exists():
        return
    url = _exam_url(exam)
    campaign = exam.campaign
    if not campaign.obligations.filter(unit=exam.unit, kind=ObligationKind.EXAM, evidence_url=url).exists():
        return
    obligation_reopen(campaign=campaign, unit=exam.unit, kind=ObligationKind.EXAM)
    successor = (Exam.objects.filter(campaign=campaign, unit=exam.unit, results__isnull=False)
                 .order_by("date", "pk").distinct().first())
    if successor is not None:
        obligation_fulfil(campaign=campaign, unit=exam.unit, kind=ObligationKind.EXAM, on=successor.date,
                          note=f"{successor.title} {_d(successor.date)}", url=_exam_url(successor))
