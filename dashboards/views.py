"""Leaders' dashboards with drill-down, the R6.3 ranking and the confirmation of a public criticism, and the
weekly progress report. Thin views on ``web``: a unit of the user's scope (else 404), the running campaign,
a selector, a template or a download; the one write goes through ``campaign.services.criticism``."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaign.selectors.study import default_unit_for
from campaign.services.criticism import criticism_issue, not_reporting_notify
from units.models import Unit
from units.scoping import roles_of
from units.selectors import my_units, roots_and_ancestors
from web.decorators import campaign_required, permission_required
from web.downloads import pdf_download, wants_export, xlsx_download
from web.forms import act, submit

from . import documents
from .charts import chart_data
from .forms import CriticismForm, SearchForm
from .links import ListLinks
from .selectors.dashboard import dashboard
from .selectors.ranking import ranking
from .selectors.search import search as search_for
from .selectors.todo import done_for, home as home_page
from .selectors.weekly import weekly_report


def _page_context(request: HttpRequest, unit: Unit) -> dict:
    """Breadcrumb within the scope, and the user's other scope roots to switch to."""
    roots, ancestors = roots_and_ancestors(request.user, unit)
    return {"unit": unit, "ancestors": ancestors, "roots": roots if len(roots) > 1 else []}


def _dashboard_page(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    data = dashboard(user=request.user, unit=unit, campaign=campaign, today=timezone.localdate())
    list_links = ListLinks()
    links = {row.unit.pk: list_links.for_unit(row.unit) for row in data.rows}
    links[unit.pk] = list_links.for_unit(unit)
    return render(request, "dashboards/dashboard.html", {
        **_page_context(request, unit), "d": data, "f": data.total, "links": links[unit.pk],
        "rows": [(row, links[row.unit.pk]) for row in data.rows], "charts": chart_data(data, links),
    })


def _default_unit_or_empty(request: HttpRequest, page, campaign) -> HttpResponse:
    unit = default_unit_for(request.user)
    if unit is None:
        return render(request, "dashboards/no_scope.html")
    return page(request, unit, campaign)


@permission_required(None)
@campaign_required
def home(request: HttpRequest, campaign) -> HttpResponse:
    """The dashboard of the user's scope root (the province for a provincial leader)."""
    return _default_unit_or_empty(request, _dashboard_page, campaign)


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def unit_dashboard(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R1.3, R2.2, R2.6, R4.1, R4.2, R4.4, R5.1 a unit's dashboard: its subtree's figures, each linking to
    its list, the charts, and a row per child that opens the child's dashboard."""
    return _dashboard_page(request, unit, campaign)


def _ranking_page(request: HttpRequest, issuer: Unit, campaign) -> HttpResponse:
    data = ranking(user=request.user, issuer=issuer, campaign=campaign, today=timezone.localdate())
    if wants_export(request):
        return xlsx_download(documents.ranking_xlsx(data), f"{issuer.name}-{_('ranking')}")
    list_links = ListLinks()
    return render(request, "dashboards/ranking.html", {
        **_page_context(request, issuer), "r": data,
        "lists": [(peers, [(row, list_links.for_unit(row.unit)) for row in peers.rows]) for peers in data.lists],
        "candidate_ids": {row.unit.pk for row in data.candidates},
        "can_confirm": request.user.has_perm("campaign.confirm_criticism", issuer),
    })


@permission_required(None)
@campaign_required
def ranking_home(request: HttpRequest, campaign) -> HttpResponse:
    """R6.3 the ranking below the user's scope root."""
    return _default_unit_or_empty(request, _ranking_page, campaign)


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def unit_ranking(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R6.3 the units below a unit ranked among their peers (cities among cities, counties among counties) by
    the campaign's weighted score, with each component beside the rank, the units not reporting apart, and the
    candidates for public criticism with their reasons; Excel export, a sheet per list."""
    return _ranking_page(request, unit, campaign)


@login_required
@require_POST
@permission_required("campaign.confirm_criticism", Unit.objects.visible_to)
@campaign_required
def not_reporting_flag(request: HttpRequest, issuer: Unit, campaign) -> HttpResponse:
    """R6.3 a leader tells the offices over the units of the ranking that reported nothing, without waiting
    for a criticism (once a day per unit; the list is the ranking's own, computed here)."""
    data = ranking(user=request.user, issuer=issuer, campaign=campaign, today=timezone.localdate())
    units = [row.unit for row in data.not_reporting]
    act(request, lambda: not_reporting_notify(user=request.user, campaign=campaign, issuer=issuer, units=units),
        success=lambda told: _("The offices over %(n)s units not reporting were told.") % {"n": told} if told
        else _("Their offices were already told today."))
    return redirect("dashboards:unit_ranking", pk=issuer.pk)


def _confirmed(criticism, count: int) -> str:
    message = _("Public criticism %(number)s confirmed with %(count)s units; the activity office publishes it.") % {
        "number": criticism.number, "count": count}
    if criticism.offices_told:
        message += " " + _("The offices over %(n)s units not reporting were told.") % {"n": criticism.offices_told}
    return message


@permission_required("campaign.confirm_criticism", Unit.objects.visible_to)
@campaign_required
def criticism_confirm(request: HttpRequest, issuer: Unit, campaign) -> HttpResponse:
    """R6.3 a leader over the unit picks the units to criticise from the worst-ranked of each list of peers,
    edits the reasons (in the document's language), the number and the title, and confirms; the offices over
    the units not reporting are told; the activity office then publishes it."""
    data = ranking(user=request.user, issuer=issuer, campaign=campaign, today=timezone.localdate())
    if not data.valid:
        messages.error(request, data.weights_error)
        return redirect("dashboards:unit_ranking", pk=issuer.pk)
    with translation.override(settings.LANGUAGE_CODE):  # the document's language, as its reasons
        title = _("Public criticism of units whose campaign is poorly organised")
    form = CriticismForm(request.POST or None, offered=data.offered, chosen={r.unit.pk for r in data.candidates},
                         labels={peers.level: peers.label for peers in data.lists}, initial={"title": title})
    if submit(request, form, lambda d: criticism_issue(
                user=request.user, campaign=campaign, issuer=issuer, number=d["number"], title=d["title"],
                body=d["body"], entries=form.entries(), not_reporting=[row.unit for row in data.not_reporting]),
              success=lambda criticism: _confirmed(criticism, len(form.entries()))):
        return redirect("dashboards:unit_ranking", pk=issuer.pk)
    return render(request, "dashboards/criticism_confirm.html", {
        **_page_context(request, issuer), "r": data, "form": form})


def _report_stem(unit: Unit) -> str:
    return f"{unit.name}-{_('weekly-report')}"


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def report_pdf(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """The weekly progress report of the unit's office as a PDF."""
    report = weekly_report(user=request.user, unit=unit, campaign=campaign, today=timezone.localdate())
    return pdf_download(documents.weekly_report_pdf(report),
                        f"{_report_stem(unit)}-{timezone.localdate():%Y%m%d}.pdf")


@permission_required(None, Unit.objects.visible_to)
@campaign_required
def report_xlsx(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """The weekly progress report of the unit's office as an Excel workbook."""
    report = weekly_report(user=request.user, unit=unit, campaign=campaign, today=timezone.localdate())
    return xlsx_download(documents.weekly_report_xlsx(report), _report_stem(unit))


@permission_required(None)
def search(request: HttpRequest) -> HttpResponse:
    """Issue 12 item 3: the header's search box: units, cadres, supervision cards, public messages and notices
    of the user's scope (R0.1) matching the text, grouped by kind; a user without roles finds nothing."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    results = search_for(user=request.user, text=form.cleaned_data["q"]) if form.is_valid() else None
    return render(request, "dashboards/search.html", {
        "form": form, "results": results, "search_query": request.GET.get("q", "")})


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    """Issue 12: the first page after login — what waits for the user, per role and within their scope (R0.1),
    each item one click from the page that settles it, each count the length of the list it links to; below,
    the figures of the user's scope and their roles."""
    todo, figures = home_page(request.user, today=timezone.localdate())
    return render(request, "dashboards/todo.html", {
        "todo": todo,
        "figures": figures,
        "my_units": my_units(request.user),
        "roles": roles_of(request.user),
    })


@login_required
def done(request: HttpRequest) -> HttpResponse:
    """Issue 12: the done tab (已办) — what the user signed, answered, verified, reviewed, decided or read."""
    return render(request, "dashboards/done.html", {"page": done_for(request.user, page=request.GET.get("page"))})
