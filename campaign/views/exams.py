"""R2.6 pages: exams with pass rates, entering results (form or spreadsheet), make-up study owed."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.excel import Sheet, write_xlsx
from units.importers import read_spreadsheet
from units.models import Unit
from units.scoping import scope_q
from web import imports as import_flow
from web.decorators import campaign_required, permission_required
from web.redirects import next_or
from web.downloads import XLSX, download
from web.forms import act, form_once, submit
from web.lists import configure, filtered, table_list
from web.models import PendingImport

from ..filters import CandidateFilter, ExamFilter, OwedFilter, ResultFilter
from ..forms.exams import ExamForm, MakeupForm, ScoresForm, score_field_name
from ..models import Exam, ExamResult
from ..selectors import exams as selectors
from ..selectors.meetings import writable_units
from ..services import exams as services
from ..tables import CandidateTable, ExamTable, OwedTable, ResultTable

SCORES_PER_PAGE = 100


def _scoped(user):
    return Exam.objects.visible_to(user).select_related("unit", "campaign")


@login_required
@campaign_required
def exam_list(request: HttpRequest, campaign) -> HttpResponse:
    """R2.6 the exams of the user's scope with the pass rate of each; Excel export."""
    filterset, rows = filtered(request, ExamFilter, selectors.exams_for(request.user, campaign), user=request.user)
    return table_list(request, "campaign/exams/list.html", table=ExamTable(rows), filterset=filterset,
                      export_stem=_("exams"), lazy=False, context={
                          "campaign": campaign, "can_create": request.user.has_perm("campaign.add_exam"),
                          "organisers": writable_units(request.user, request.GET.get("unit", ""), liaisons=False,
                                                       level__in=selectors.ORGANISER_LEVELS,
                                                       kind=selectors.ORGANISER_KIND),
                      })


@permission_required("campaign.add_exam", Unit.objects.visible_to)
@campaign_required
@form_once
def exam_add(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R2.6 create the exam of a city or county."""
    form = ExamForm(request.POST or None, initial={"title": _("%(unit)s leading cadres' exam") % {"unit": unit.name}})
    if exam := submit(request, form, lambda d: services.exam_create(user=request.user, campaign=campaign, unit=unit,
                                                                    **d),
                      success=_("Exam created; enter the results once it is held.")):
        return redirect(exam)
    return render(request, "campaign/exams/form.html", {"form": form, "unit": unit, "campaign": campaign})


@permission_required(None, _scoped)
def exam_detail(request: HttpRequest, exam: Exam) -> HttpResponse:
    """R2.6 an exam: pass rate and results by cadre (of the viewer's subtree); Excel export of the results."""
    filterset, rows = filtered(request, ResultFilter, selectors.exam_results(exam, request.user), user=request.user)
    return table_list(request, "campaign/exams/detail.html", table=ResultTable(rows), filterset=filterset,
                      export_stem=exam.title, context={
                          "exam": exam, "summary": selectors.exam_summary(exam, request.user),
                          "can_manage": request.user.has_perm("campaign.record_exam_result", exam),
                      })


@permission_required("campaign.record_exam_result", _scoped)
@form_once
def exam_results(request: HttpRequest, exam: Exam) -> HttpResponse:
    """R2.6 enter or correct scores in bulk: the leading cadres who may sit the exam (a re-sit: those who
    failed and have done the make-up study), a page at a time, blank = not entered."""
    filterset, candidates = filtered(request, CandidateFilter, selectors.exam_sitters(exam), user=request.user)
    table = configure(request, CandidateTable(candidates), per_page=SCORES_PER_PAGE, lazy=False)
    cadres = table.records
    entered = {r.cadre_id: r for r in exam.results.filter(cadre__in=cadres)}
    for cadre in cadres:
        cadre.result = entered.get(cadre.pk)
    form = ScoresForm(request.POST or None, cadres=cadres, campaign=exam.campaign,
                      initial={score_field_name(pk): r.score for pk, r in entered.items()})
    if submit(request, form, lambda d: services.exam_results_enter(user=request.user, exam=exam, scores=form.scores()),
              success=lambda outcome: _("Results saved: %(created)s new, %(updated)s changed, %(failed)s failed.")
              % {"created": outcome.created, "updated": outcome.updated, "failed": outcome.failed}):
        return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
    return render(request, "campaign/exams/results.html", {
        "exam": exam, "form": form, "filter": filterset, "table": table,
    })


def _scoped_results(user):
    """Results of cadres in the user's subtrees (as an exam's page shows them)."""
    return ExamResult.objects.filter(scope_q(user, "cadre__unit__")).select_related("cadre__unit", "exam__unit",
                                                                                    "exam__campaign")


@permission_required("campaign.delete_exam_result", _scoped_results)
def exam_result_delete(request: HttpRequest, result: ExamResult) -> HttpResponse:
    """R2.6 withdraw a result entered by mistake, after a confirmation page; the figures follow."""
    back = reverse("campaign:exam_results", args=[result.exam_id])
    if request.method == "POST" and act(
            request, lambda: services.exam_result_delete(user=request.user, result=result),
            success=_("The result of %(name)s was deleted.") % {"name": result.cadre.name}):
        return redirect(back)
    return render(request, "confirm_delete.html", {"object": result, "cancel_url": back})


# --- spreadsheet import (R2.6): the one flow of web.imports — upload → preview with row errors → confirm

def _results_import(exam: Exam) -> dict:
    return {services.IMPORT_KIND: services.ExamResultsImporter(exam)}


@permission_required("campaign.manage_exam", _scoped)
def exam_import(request: HttpRequest, exam: Exam) -> HttpResponse:
    """R2.6 upload a results spreadsheet (单位编码, 姓名, 分数) and see every row checked before anything is written."""
    labels = pgettext("list separator", ", ").join(c.label_in(get_language()) for c in services.RESULT_COLUMNS)
    return import_flow.upload(
        request, _results_import(exam), read=read_spreadsheet, template="campaign/exams/import_upload.html",
        confirm_url=lambda token: reverse("campaign:exam_import_confirm", args=[exam.pk, token]),
        again_url=reverse("campaign:exam_import", args=[exam.pk]), scope=f"exam:{exam.pk}",
        context={"exam": exam, "column_labels": labels, "heading": exam.title,
                 "crumbs": [(reverse("campaign:exams"), _("Exams")), (exam.get_absolute_url(), exam.title)]})


@login_required
@require_POST
@permission_required("campaign.manage_exam", _scoped)
def exam_import_confirm(request: HttpRequest, exam: Exam, token: str) -> HttpResponse:
    """R2.6 enter a checked file's scores: checked again, in one transaction, or nothing."""

    def done(outcome, pending: PendingImport) -> HttpResponse:
        messages.success(request, _("Results imported from %(name)s: %(created)s new, %(updated)s changed, "
                                    "%(failed)s failed.") % {"name": pending.name, "created": outcome.created,
                                                             "updated": outcome.updated, "failed": outcome.failed})
        return redirect(exam)

    return import_flow.confirm(request, token, _results_import(exam), read=read_spreadsheet,
                               again_url=reverse("campaign:exam_import", args=[exam.pk]), done=done,
                               scope=f"exam:{exam.pk}")


@permission_required("campaign.manage_exam", _scoped)
def exam_import_template(request: HttpRequest, exam: Exam) -> HttpResponse:
    """A results spreadsheet listing every leading cadre who sits the exam, scores blank."""
    headers = [c.label for c in services.RESULT_COLUMNS] + [_("Unit"), _("Post")]
    data = write_xlsx([Sheet(title=exam.title, headers=headers, rows=services.import_template_rows(exam))])
    return download(data, f"{exam.title}.xlsx", XLSX)


# --- make-up study owed

@login_required
@campaign_required
def exam_owed(request: HttpRequest, campaign) -> HttpResponse:
    """R2.6 cadres whose latest result is a fail: make-up study, then a passed re-sit, clear them."""
    filterset, rows = filtered(request, OwedFilter, selectors.owed_all(request.user, campaign), user=request.user)
    return table_list(request, "campaign/exams/owed.html", table=OwedTable(rows), filterset=filterset,
                      export_stem=_("make-up-study"), lazy=False, context={
                          "campaign": campaign, "makeup_form": MakeupForm(initial={"on": timezone.localdate()}),
                      })


@login_required
@require_POST
@permission_required("campaign.record_makeup",
                     lambda u: ExamResult.objects.filter(scope_q(u, "cadre__unit__")).select_related("cadre__unit",
                                                                                                     "exam"))
def exam_makeup(request: HttpRequest, result: ExamResult) -> HttpResponse:
    """R2.6 record that a failed cadre has done make-up study."""
    form = MakeupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
    else:
        act(request, lambda: services.exam_makeup_record(user=request.user, result=result, on=form.cleaned_data["on"]),
            success=_("Make-up study of %(name)s recorded; the re-sit is still owed.") % {"name": result.cadre.name})
    return redirect(next_or(request, "campaign:exam_owed", within=reverse("campaign:exam_owed")))


urlpatterns = [
    path("exams/", exam_list, name="exams"),
    path("exams/add/<int:pk>/", exam_add, name="exam_add"),
    path("exams/owed/", exam_owed, name="exam_owed"),
    path("exams/<int:pk>/", exam_detail, name="exam_detail"),
    path("exams/<int:pk>/results/", exam_results, name="exam_results"),
    path("exams/<int:pk>/import/", exam_import, name="exam_import"),
    path("exams/<int:pk>/import/template/", exam_import_template, name="exam_import_template"),
    path("exams/<int:pk>/import/<str:token>/", exam_import_confirm, name="exam_import_confirm"),
    path("exams/results/<int:pk>/makeup/", exam_makeup, name="exam_makeup"),
    path("exams/results/<int:pk>/delete/", exam_result_delete, name="exam_result_delete"),
]
