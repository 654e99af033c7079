"""R2.6 pages: exams with pass rates, entering results (form or spreadsheet), make-up study owed."""
from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.excel import Sheet, TableReadError, read_table, write_xlsx, xlsx_response
from units.models import Unit
from units.scoping import can_write_unit, scope_q

from ..errors import CampaignError
from ..forms.exams import (
    ExamFilterForm,
    ExamForm,
    MakeupForm,
    OwedFilterForm,
    ResultsImportForm,
    ScoresForm,
    UnitFilterForm,
    score_field_name,
)
from ..models import Exam, ExamResult
from ..permissions import is_office
from ..selectors import exams as selectors
from ..selectors.meetings import writable_units
from ..services import exams as services
from .common import current_campaign_or_none, no_campaign_response
from .common import export_query

SCORES_PER_PAGE = 100
PREVIEW_ROWS = 500
SESSION_KEY = "exam_imports"


def _stamp(name: str) -> str:
    return name + timezone.localdate().strftime("-%Y%m%d.xlsx")


@login_required
def exam_list(request: HttpRequest) -> HttpResponse:
    """R2.6 the exams of the user's scope with the pass rate of each; Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = ExamFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.exams_for(request.user, campaign,
                             selectors.ExamFilters(unit=data.get("unit", ""), resit=data.get("resit", "")))
    if request.GET.get("export") == "xlsx":
        headers = [_("Exam"), _("Organised by"), _("Unit code"), _("Date"), _("Re-sit"), _("Sat the exam"), _("Passed"),
                   _("Pass rate (%)")]
        rows = [[e.title, e.unit.name, e.unit.code, e.date, _("Yes") if e.is_resit else _("No"), e.sat,
                 e.passed_count, selectors.pass_rate(e.passed_count, e.sat)] for e in qs]
        return xlsx_response(_stamp(_("exams")), write_xlsx([Sheet(title=_("Exams"), headers=headers, rows=rows)]))
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for exam in page:
        exam.rate = selectors.pass_rate(exam.passed_count, exam.sat)
    return render(request, "campaign/exams/list.html", {
        "campaign": campaign, "form": form, "page": page, "export_query": export_query(request),
        "can_create": is_office(request.user),
        "organisers": writable_units(request.user, data.get("unit", ""), liaisons=False,
                                     level__in=selectors.ORGANISER_LEVELS, kind=selectors.ORGANISER_KIND),
    })


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not services.can_manage(request.user, unit):
        raise PermissionDenied
    return unit


def _managed_exam(request: HttpRequest, pk: int) -> Exam:
    exam = _scoped_exam(request, pk)
    if not services.can_manage(request.user, exam.unit):
        raise PermissionDenied
    return exam


def _scoped_exam(request: HttpRequest, pk: int) -> Exam:
    return get_object_or_404(Exam.objects.visible_to(request.user).select_related("unit", "campaign"), pk=pk)


@login_required
def exam_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.6 create the exam of a city or county."""
    unit = _managed_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = ExamForm(request.POST or None, initial={"title": _("%(unit)s leading cadres' exam") % {"unit": unit.name}})
    if request.method == "POST" and form.is_valid():
        try:
            exam = services.exam_create(user=request.user, campaign=campaign, unit=unit, **form.cleaned_data)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Exam created; enter the results once it is held."))
            return redirect(exam)
    return render(request, "campaign/exams/form.html", {"form": form, "unit": unit, "campaign": campaign})


@login_required
def exam_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.6 an exam: pass rate and results by cadre; Excel export of the results."""
    exam = _scoped_exam(request, pk)
    form = UnitFilterForm(request.GET or None)
    unit_text = form.cleaned_data.get("unit", "") if form.is_valid() else ""
    results = selectors.exam_results(exam, unit_text)
    if request.GET.get("export") == "xlsx":
        headers = [_("Unit"), _("Unit code"), _("Name"), _("Post"), _("Score"), _("Passed"),
                   _("Make-up study done on")]
        data = write_xlsx([Sheet(title=exam.title, headers=headers, rows=selectors.result_export_rows(results))])
        return xlsx_response(_stamp(exam.title), data)
    return render(request, "campaign/exams/detail.html", {
        "exam": exam, "summary": selectors.exam_summary(exam), "form": form,
        "page": Paginator(results, settings.PAGE_SIZE).get_page(request.GET.get("page")),
        "export_query": export_query(request),
        "can_manage": services.can_manage(request.user, exam.unit),
    })


@login_required
def exam_results(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.6 enter scores in bulk: the leading cadres who sit the exam, a page at a time, blank = not entered."""
    exam = _managed_exam(request, pk)
    filter_form = UnitFilterForm(request.GET or None)
    unit_text = filter_form.cleaned_data.get("unit", "") if filter_form.is_valid() else ""
    candidates = selectors.exam_candidates(exam)
    if unit_text:
        candidates = candidates.filter(selectors.unit_text_q(unit_text))
    page = Paginator(candidates, SCORES_PER_PAGE).get_page(request.GET.get("page"))
    cadres = list(page)
    entered = {r.cadre_id: r for r in exam.results.filter(cadre__in=cadres)}
    for cadre in cadres:
        cadre.result = entered.get(cadre.pk)
    form = ScoresForm(request.POST or None, cadres=cadres, campaign=exam.campaign,
                      initial={score_field_name(pk): r.score for pk, r in entered.items()})
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.exam_results_enter(user=request.user, exam=exam, scores=form.scores())
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Results saved: %(created)s new, %(updated)s changed, %(failed)s failed.")
                             % {"created": outcome.created, "updated": outcome.updated, "failed": outcome.failed})
            return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
    return render(request, "campaign/exams/results.html", {
        "exam": exam, "form": form, "filter_form": filter_form, "page": page,
    })


# --- spreadsheet import: upload → preview with row errors → confirm, all or nothing (as units/views.py)

def _import_dir() -> Path:
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@login_required
def exam_import(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.6 upload a results spreadsheet (单位编码, 姓名, 分数) and see every row checked before anything is written."""
    exam = _managed_exam(request, pk)
    form = ResultsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = uuid.uuid4().hex
        stored = _import_dir() / f"{token}{Path(upload.name).suffix.lower()}"
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            plan = services.exam_import_check(user=request.user, exam=exam,
                                              table=read_table(stored.read_bytes(), upload.name))
        except (TableReadError, CampaignError) as exc:
            stored.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            if plan.ok:
                request.session.setdefault(SESSION_KEY, {})[token] = {
                    "exam": exam.pk, "file": stored.name, "name": upload.name}
                request.session.modified = True
            else:
                stored.unlink(missing_ok=True)
            shown = (plan.error_rows or plan.rows)[:PREVIEW_ROWS]
            columns = services.RESULT_COLUMNS
            return render(request, "campaign/exams/import_preview.html", {
                "exam": exam, "plan": plan, "token": token, "filename": upload.name, "columns": columns,
                "scored": sum(1 for r in plan.rows if r.values.get("score")),
                "shown": [(row, [row.values.get(c.key, "") for c in columns]) for row in shown],
                "truncated": len(plan.error_rows or plan.rows) > PREVIEW_ROWS,
            })
    labels = pgettext("list separator", ", ").join(c.label_in(get_language()) for c in services.RESULT_COLUMNS)
    return render(request, "campaign/exams/import_upload.html", {"exam": exam, "form": form, "column_labels": labels})


@login_required
@require_POST
def exam_import_confirm(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """R2.6 enter a checked file's scores: checked again, in one transaction, or nothing."""
    exam = _managed_exam(request, pk)
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if pending is None or pending["exam"] != exam.pk:
        raise Http404
    stored = _import_dir() / pending["file"]
    try:
        outcome = services.exam_import_apply(user=request.user, exam=exam,
                                             table=read_table(stored.read_bytes(), pending["name"]))
    except (OSError, TableReadError, CampaignError) as exc:
        messages.error(request, _("The uploaded file is gone; upload it again.") if isinstance(exc, OSError)
                       else str(exc))
        return redirect("campaign:exam_import", pk=exam.pk)
    finally:
        request.session[SESSION_KEY].pop(token, None)
        request.session.modified = True
    stored.unlink(missing_ok=True)
    messages.success(request, _("Results imported from %(name)s: %(created)s new, %(updated)s changed, "
                                "%(failed)s failed.") % {"name": pending["name"], "created": outcome.created,
                                                         "updated": outcome.updated, "failed": outcome.failed})
    return redirect(exam)


@login_required
def exam_import_template(request: HttpRequest, pk: int) -> HttpResponse:
    """A results spreadsheet listing every leading cadre who sits the exam, scores blank."""
    exam = _managed_exam(request, pk)
    headers = [c.label for c in services.RESULT_COLUMNS] + [_("Unit"), _("Post")]
    data = write_xlsx([Sheet(title=exam.title, headers=headers, rows=services.import_template_rows(exam))])
    return xlsx_response(f"{exam.title}.xlsx", data)


# --- make-up study owed

@login_required
def exam_owed(request: HttpRequest) -> HttpResponse:
    """R2.6 cadres whose latest result is a fail: make-up study, then a passed re-sit, clear them."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = OwedFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.owed_for(request.user, campaign,
                            selectors.OwedFilters(unit=data.get("unit", ""), state=data.get("state", "")))
    if request.GET.get("export") == "xlsx":
        headers = [_("Unit"), _("Unit code"), _("Name"), _("Post"), _("Exam"), _("Date"), _("Score"),
                   _("Make-up study done on"), _("Re-sit"), _("Re-sit score")]
        data = write_xlsx([Sheet(title=_("Make-up study owed"), headers=headers,
                                 rows=selectors.owed_export_rows(qs))])
        return xlsx_response(_stamp(_("make-up-study")), data)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    for result in page:
        result.can_record = not result.makeup_done_on and can_write_unit(request.user, result.cadre.unit)
    return render(request, "campaign/exams/owed.html", {
        "campaign": campaign, "form": form, "page": page, "export_query": export_query(request),
        "makeup_form": MakeupForm(initial={"on": timezone.localdate()}),
    })


@login_required
@require_POST
def exam_makeup(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.6 record that a failed cadre has done make-up study."""
    result = get_object_or_404(ExamResult.objects.filter(scope_q(request.user, "cadre__unit__"))
                               .select_related("cadre__unit", "exam"), pk=pk)
    if not can_write_unit(request.user, result.cadre.unit):
        raise PermissionDenied
    form = MakeupForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
    else:
        try:
            services.exam_makeup_record(user=request.user, result=result, on=form.cleaned_data["on"])
        except CampaignError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Make-up study of %(name)s recorded; the re-sit is still owed.")
                             % {"name": result.cadre.name})
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(reverse("campaign:exam_owed")) else "campaign:exam_owed")


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
]
