"""R4.2 opinion seeking (sessions, coverage by target group) and R4.1 field research stays (records,
the compliance list of top leaders)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.history import history_rows
from units.models import Cadre, Unit
from units.scoping import scope_q
from web.decorators import campaign_required, permission_required
from web.downloads import wants_export
from web.forms import act, form_once, submit
from web.lists import configure, export_table, filtered, table_list

from .. import selectors
from ..filters import ComplianceFilterSet, CoverageFilterSet, OpinionFilterSet, StayFilterSet
from ..forms import OpinionSessionForm, StayForm
from ..models import FieldResearchStay, OpinionSession
from ..services import listening as services
from ..tables import ComplianceTable, CoverageTable, OpinionTable, StayTable


def _sessions(user):
    return OpinionSession.objects.visible_to(user).select_related("unit")


def _stays(user):
    return FieldResearchStay.objects.visible_to(user).select_related("cadre__unit", "host_unit")


def _cadres(user):
    return Cadre.objects.visible_to(user).select_related("unit")


# --- R4.2 opinion seeking

@login_required
@campaign_required
def opinion_list(request: HttpRequest, campaign) -> HttpResponse:
    """R4.2 the opinion sessions of the user's scope: filters, totals, pagination, Excel export."""
    scoped = _sessions(request.user).filter(campaign=campaign)
    session_filter, sessions = filtered(request, OpinionFilterSet, scoped, user=request.user)
    table = OpinionTable(sessions, user=request.user)
    if wants_export(request):
        return export_table(table, _("opinion-sessions"))
    focus = session_filter.focus_unit()
    return table_list(request, "feedback/opinions/list.html", table=table, filterset=session_filter, lazy=False,
                      context={
                          "totals": sessions.aggregate(sessions=Count("pk"), people=Sum("people_count"),
                                                       opinions=Sum("opinion_count")),
                          "focus_unit": focus if focus and request.user.has_perm(
                              "feedback.record_opinion_session", focus) else None,
                      })


@login_required
@campaign_required
def opinion_coverage(request: HttpRequest, campaign) -> HttpResponse:
    """R4.2 which target groups each unit of the scope has asked, and which not (a fixed number of queries).
    Only units of the viewer's scope are listed, counted or summed."""
    units = selectors.units_with_gaps(Unit.objects.visible_to(request.user), campaign, only_gaps=False)
    coverage_filter, rows = filtered(request, CoverageFilterSet, units, user=request.user)
    table = CoverageTable(rows, campaign=campaign, user=request.user)
    if wants_export(request):
        table.load(rows)
        return export_table(table, _("opinion-coverage"))
    configure(request, table, lazy=False)
    table.load(row.record for row in table.page.object_list)
    # the summary covers the units the filters name, whether or not they have gaps
    without_gaps = request.GET.copy()
    without_gaps.pop("gaps", None)
    summarised = CoverageFilterSet(without_gaps or None, queryset=units, user=request.user).rows()
    return render(request, "feedback/opinions/coverage.html", {
        "filter": coverage_filter, "table": table, "summary": selectors.group_summary(summarised, campaign),
    })


@permission_required("feedback.record_opinion_session", Unit.objects.visible_to)
@campaign_required
@form_once
def opinion_add(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R4.2 record a session where the unit sought one group's opinions."""
    form = OpinionSessionForm(request.POST or None, initial={"target_group": request.GET.get("group")})
    if submit(request, form, lambda d: services.opinion_session_record(
            campaign=campaign, unit=unit, fields=d, today=timezone.localdate(), by=request.user),
              success=_("Opinion session recorded.")):
        return redirect(f"{reverse('feedback:opinion_coverage')}?unit={unit.code}")
    return render(request, "feedback/form.html", {
        "form": form, "unit": unit, "title": _("Record an opinion session"),
        "cancel_url": reverse("feedback:opinion_coverage")})


@permission_required("feedback.change_opinion_session", _sessions)
def opinion_edit(request: HttpRequest, session: OpinionSession) -> HttpResponse:
    """R4.2 correct a session."""
    form = OpinionSessionForm(request.POST or None, instance=session)
    if submit(request, form, lambda d: services.opinion_session_update(
            session=session, fields=d, today=timezone.localdate(), by=request.user),
              success=_("Opinion session saved.")):
        return redirect("feedback:opinions")
    return render(request, "feedback/form.html", {
        "form": form, "unit": session.unit, "title": _("Edit an opinion session"),
        "cancel_url": reverse("feedback:opinions")})


@permission_required("feedback.delete_opinion_session", _sessions)
def opinion_delete(request: HttpRequest, session: OpinionSession) -> HttpResponse:
    """R4.2 delete a session after a confirmation page."""
    if request.method == "POST" and act(request, lambda: services.opinion_session_delete(
            session=session, by=request.user), success=_("Opinion session deleted.")):
        return redirect("feedback:opinions")
    return render(request, "confirm_delete.html", {"object": session, "cancel_url": reverse("feedback:opinions")})


# --- R4.1 field research stays

@login_required
@campaign_required
def research_compliance(request: HttpRequest, campaign) -> HttpResponse:
    """R4.1 the top leaders who have not stayed the campaign's minimum days (or everyone, on request)."""
    cadres = Cadre.objects.visible_to(request.user)
    minimum = campaign.min_field_research_days
    # bound even without a query string: "only those short of the minimum" is the default filter
    compliance_filter = ComplianceFilterSet(request.GET, user=request.user, minimum=minimum,
                                            queryset=selectors.research_cadres(cadres, campaign, only_short=False))
    table = ComplianceTable(compliance_filter.rows(), minimum=minimum, user=request.user)
    if wants_export(request):
        return export_table(table, _("field-research-compliance"))
    counted = compliance_filter.by_unit(cadres)
    return table_list(request, "feedback/research/compliance.html", table=table, filterset=compliance_filter,
                      lazy=False, context={"minimum": minimum, "everyone": compliance_filter.shows_everyone,
                                           "figures": selectors.compliance_figures(counted, campaign)})


@login_required
@campaign_required
def stay_list(request: HttpRequest, campaign) -> HttpResponse:
    """R4.1 the field research stays of the user's scope, hardest units and backward villages marked."""
    stay_filter, stays = filtered(request, StayFilterSet, _stays(request.user).filter(campaign=campaign),
                                  user=request.user)
    table = StayTable(stays, minimum=campaign.min_field_research_days, user=request.user)
    if wants_export(request):
        return export_table(table, _("field-research-stays"))
    return table_list(request, "feedback/research/stays.html", table=table, filterset=stay_filter, lazy=False)


def _stay_page(request: HttpRequest, *, cadre: Cadre, stay: FieldResearchStay | None, campaign) -> HttpResponse:
    """The stay form with its host-unit search (units of the user's scope, hardest units marked)."""
    hosts = Unit.objects.visible_to(request.user)
    if request.method == "POST":
        raw_host = request.POST.get("host_unit")
    else:  # "?host=" (empty) clears the choice to search again
        raw_host = request.GET["host"] if "host" in request.GET else (stay.host_unit_id if stay else None)
    host = hosts.filter(pk=raw_host).first() if str(raw_host or "").isdigit() else None
    initial = {"host_unit": host.pk if host else None}
    if stay is not None:
        initial |= {"start_date": stay.start_date, "end_date": stay.end_date, "findings": stay.findings}
    form = StayForm(request.POST or None, hosts=hosts, initial=initial)
    today = timezone.localdate()

    def save(data: dict) -> FieldResearchStay:
        if stay is None:
            return services.stay_record(campaign=campaign, cadre=cadre, today=today, by=request.user, **data)
        return services.stay_update(stay=stay, today=today, by=request.user, **data)

    if submit(request, form, save, success=_("Field research stay saved.")):
        return redirect("feedback:stays")
    q = request.GET.get("q", "").strip()
    hits, more = selectors.unit_search(hosts, q) if q else ([], False)
    return render(request, "feedback/research/stay_form.html", {
        "form": form, "cadre": cadre, "stay": stay, "host": host, "q": q, "hits": hits, "more": more,
        "trail": selectors.unit_trails([host])[host.pk] if host else "",
        "minimum": campaign.min_field_research_days,
    })


@permission_required("feedback.record_research_stay", _cadres)
@campaign_required
@form_once
def stay_add(request: HttpRequest, cadre: Cadre, campaign) -> HttpResponse:
    """R4.1 record a cadre's stay: host unit, from and to (both counted), findings."""
    return _stay_page(request, cadre=cadre, stay=None, campaign=campaign)


@permission_required("feedback.change_research_stay", _stays)
@campaign_required
def stay_edit(request: HttpRequest, stay: FieldResearchStay, campaign) -> HttpResponse:
    """R4.1 correct a stay."""
    return _stay_page(request, cadre=stay.cadre, stay=stay, campaign=campaign)


@permission_required("feedback.delete_research_stay", _stays)
def stay_delete(request: HttpRequest, stay: FieldResearchStay) -> HttpResponse:
    """R4.1 delete a stay after a confirmation page."""
    if request.method == "POST" and act(request, lambda: services.stay_delete(stay=stay, by=request.user),
                                        success=_("Field research stay deleted.")):
        return redirect("feedback:stays")
    return render(request, "confirm_delete.html", {"object": stay, "cancel_url": reverse("feedback:stays")})


@permission_required(None, _stays)
def stay_history(request: HttpRequest, stay: FieldResearchStay) -> HttpResponse:
    """R4.1 who recorded and corrected a stay, and what changed (its dates decide compliance)."""
    rows = history_rows(stay.history.select_related("history_user", "host_unit"),
                        subject=lambda r: f"{r.host_unit.name} · {date_format(r.start_date)} – {date_format(r.end_date)}")
    title = f"{stay.cadre} · {stay.host_unit} · {date_format(stay.start_date)} – {date_format(stay.end_date)}"
    return render(request, "history.html", {"title": title, "rows": rows, "back_url": reverse("feedback:stays")})


#: the newest deletions shown on the page of deleted stays
DELETIONS_SHOWN = 200


@login_required
@campaign_required
def stay_deletions(request: HttpRequest, campaign) -> HttpResponse:
    """R4.1 the stays of the user's scope deleted in this campaign: when, by whom, whose and where (from
    their history: a deletion can make a top leader short of the minimum)."""
    records = (FieldResearchStay.history.filter(history_type="-", campaign_id=campaign.pk)
               .filter(scope_q(request.user, "cadre__unit__") | scope_q(request.user, "host_unit__"))
               .select_related("history_user", "cadre__unit", "host_unit")
               .order_by("-history_date", "-history_id")[:DELETIONS_SHOWN])
    return render(request, "feedback/research/stay_deletions.html", {"records": records, "limit": DELETIONS_SHOWN})


urlpatterns = [
    path("feedback/opinions/", opinion_list, name="opinions"),
    path("feedback/opinions/coverage/", opinion_coverage, name="opinion_coverage"),
    path("feedback/opinions/unit/<int:pk>/add/", opinion_add, name="opinion_add"),
    path("feedback/opinions/<int:pk>/edit/", opinion_edit, name="opinion_edit"),
    path("feedback/opinions/<int:pk>/delete/", opinion_delete, name="opinion_delete"),
    path("feedback/research/", research_compliance, name="research_compliance"),
    path("feedback/research/stays/", stay_list, name="stays"),
    path("feedback/research/cadre/<int:pk>/add/", stay_add, name="stay_add"),
    path("feedback/research/stays/<int:pk>/edit/", stay_edit, name="stay_edit"),
    path("feedback/research/stays/<int:pk>/delete/", stay_delete, name="stay_delete"),
    path("feedback/research/stays/<int:pk>/history/", stay_history, name="stay_history"),
    path("feedback/research/stays/deleted/", stay_deletions, name="stay_deletions"),
]
