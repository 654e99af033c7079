"""Leaders' dashboards with drill-down, the R6.3 ranking and the confirmation of a public criticism, and the
weekly progress report. Thin views: a unit of the user's scope (else 404), a selector, a template; the one
write goes through ``campaign.services.criticism``."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.errors import CampaignError
from campaign.selectors.study import default_unit_for
from campaign.services.criticism import criticism_issue, may_confirm_criticism
from campaign.views.common import current_campaign_or_none, no_campaign_response
from reports.excel import xlsx_response
from reports.pdf import pdf_response
from units.models import Unit
from units.selectors import ancestors_in_scope, scope_roots

from . import documents
from .charts import chart_data
from .forms import CriticismForm
from .links import ListLinks
from .selectors.dashboard import dashboard
from .selectors.ranking import ranking
from .selectors.weekly import weekly_report


def _scoped_unit(request: HttpRequest, pk: int) -> Unit:
    return get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)


def _page_context(request: HttpRequest, unit: Unit) -> dict:
    """Breadcrumb within the scope, and the user's other scope roots to switch to."""
    roots = scope_roots(request.user)
    return {"unit": unit, "ancestors": ancestors_in_scope(request.user, unit),
            "roots": roots if len(roots) > 1 else []}


def _dashboard_page(request: HttpRequest, unit: Unit) -> HttpResponse:
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    data = dashboard(user=request.user, unit=unit, campaign=campaign, today=timezone.localdate())
    list_links = ListLinks()
    links = {row.unit.pk: list_links.for_unit(row.unit) for row in data.rows}
    links[unit.pk] = list_links.for_unit(unit)
    return render(request, "dashboards/dashboard.html", {
        **_page_context(request, unit), "d": data, "f": data.total, "links": links[unit.pk],
        "rows": [(row, links[row.unit.pk]) for row in data.rows], "charts": chart_data(data, links),
    })


def _no_scope(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/no_scope.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's scope root (the province for a provincial leader)."""
    unit = default_unit_for(request.user)
    return _no_scope(request) if unit is None else _dashboard_page(request, unit)


@login_required
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 a unit's dashboard: its subtree's figures, each linking to
    its list, the charts, and a row per child that opens the child's dashboard."""
    return _dashboard_page(request, _scoped_unit(request, pk))


def _ranking_page(request: HttpRequest, issuer: Unit) -> HttpResponse:
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    data = ranking(user=request.user, issuer=issuer, campaign=campaign, today=timezone.localdate())
    if request.GET.get("export") == "xlsx":
        name = f"{issuer.name}-{_('ranking')}-{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(name, documents.ranking_xlsx(data))
    list_links = ListLinks()
    return render(request, "dashboards/ranking.html", {
        **_page_context(request, issuer), "r": data,
        "rows": [(row, list_links.for_unit(row.unit)) for row in data.rows],
        "candidate_ids": {row.unit.pk for row in data.candidates},
        "can_confirm": may_confirm_criticism(request.user, issuer),
    })


@login_required
def ranking_home(request: HttpRequest) -> HttpResponse:
    """R6.3 the ranking below the user's scope root."""
    unit = default_unit_for(request.user)
    return _no_scope(request) if unit is None else _ranking_page(request, unit)


@login_required
def unit_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 the city- and county-level units below a unit, ranked by the campaign's weighted score, with each
    component beside the rank and the candidates for public criticism with their reasons; Excel export."""
    return _ranking_page(request, _scoped_unit(request, pk))


@login_required
def criticism_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """R6.3 a leader over the unit picks the units to criticise from the worst-ranked, edits the reasons,
    the number and the title, and confirms; the activity office then publishes it."""
    issuer = _scoped_unit(request, pk)
    if not may_confirm_criticism(request.user, issuer):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    data = ranking(user=request.user, issuer=issuer, campaign=campaign, today=timezone.localdate())
    if not data.valid:
        messages.error(request, data.weights_error)
        return redirect("dashboards:unit_ranking", pk=issuer.pk)
    form = CriticismForm(request.POST or None, offered=data.offered, chosen={r.unit.pk for r in data.candidates},
                         initial={"title": _("Public criticism of units whose campaign is poorly organised")})
    if request.method == "POST" and form.is_valid():
        try:
            criticism = criticism_issue(user=request.user, campaign=campaign, issuer=issuer,
                                        number=form.cleaned_data["number"], title=form.cleaned_data["title"],
                                        body=form.cleaned_data["body"], entries=form.entries())
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Public criticism %(number)s confirmed with %(count)s units; the activity "
                                        "office publishes it.") % {"number": criticism.number,
                                                                    "count": len(form.entries())})
            return redirect("dashboards:unit_ranking", pk=issuer.pk)
    return render(request, "dashboards/criticism_confirm.html", {
        **_page_context(request, issuer), "r": data, "form": form})


def _report(request: HttpRequest, pk: int):
    unit = _scoped_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return unit, None
    return unit, weekly_report(user=request.user, unit=unit, campaign=campaign, today=timezone.localdate())


def _report_name(unit: Unit, suffix: str) -> str:
    return f"{unit.name}-{_('weekly-report')}-{timezone.localdate():%Y%m%d}.{suffix}"


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The weekly progress report of the unit's office as a PDF."""
    unit, report = _report(request, pk)
    if report is None:
        return no_campaign_response(request)
    return pdf_response(_report_name(unit, "pdf"), documents.weekly_report_pdf(report))


@login_required
def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The weekly progress report of the unit's office as an Excel workbook."""
    unit, report = _report(request, pk)
    if report is None:
        return no_campaign_response(request)
    return xlsx_response(_report_name(unit, "xlsx"), documents.weekly_report_xlsx(report))
