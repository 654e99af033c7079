"""R4.2 opinion seeking (sessions, coverage by target group) and R4.1 field research stays (records,
the compliance list of top leaders)."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign.views.articles import excel_download
from campaign.views.common import export_query
from campaign.views.common import current_campaign_or_none, no_campaign_response
from units.models import Cadre, Unit
from units.scoping import can_write_unit

from .. import policy, selectors
from ..errors import FeedbackError
from ..forms import ComplianceForm, CoverageForm, OpinionFilter, OpinionSessionForm, StayFilter, StayForm
from ..models import FieldResearchStay, OpinionSession, TargetGroup
from ..services import listening as services


def _subtree_q(text: str, prefix: str = "") -> Q | None:
    """A unit given by exact name or code means its subtree; otherwise names containing the text."""
    text = (text or "").strip()
    if not text:
        return None
    units = list(Unit.objects.filter(Q(code=text) | Q(name=text)).only("path")[:20])
    if not units:
        return Q(**{f"{prefix}name__icontains": text})
    q = Q()
    for unit in units:
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    return q


# --- R4.2 opinion seeking

@login_required
def opinion_list(request: HttpRequest) -> HttpResponse:
    """R4.2 the opinion sessions of the user's scope: filters, totals, pagination, Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    scoped = OpinionSession.objects.visible_to(request.user).filter(campaign=campaign)
    session_filter = OpinionFilter(request.GET or None, queryset=scoped)
    sessions = (session_filter.qs if session_filter.is_bound else scoped).order_by("-held_on", "-pk")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.opinion_export_rows(sessions)
        return excel_download(stem=_("opinion-sessions"), title=_("Opinion sessions"), headers=headers, rows=rows)
    totals = sessions.aggregate(sessions=Count("pk"), people=Sum("people_count"), opinions=Sum("opinion_count"))
    page = Paginator(sessions.select_related("unit"), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    xlsx_query = export_query(request)
    focus = session_filter.focus_unit
    return render(request, "feedback/opinions/list.html", {
        "filter": session_filter, "page": page, "totals": totals, "export_query": xlsx_query,
        "focus_unit": focus if focus and can_write_unit(request.user, focus) else None,
    })


@login_required
def opinion_coverage(request: HttpRequest) -> HttpResponse:
    """R4.2 which target groups each unit of the scope has asked, and which not (a fixed number of queries)."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = CoverageForm(request.GET or None)
    units = Unit.objects.visible_to(request.user)
    only_gaps = False
    if form.is_bound and form.is_valid():
        if subtree := _subtree_q(form.cleaned_data["unit"]):
            units = units.filter(subtree)
        if form.cleaned_data["level"]:
            units = units.filter(level=form.cleaned_data["level"])
        only_gaps = form.cleaned_data["gaps"]
    annotated = selectors.units_with_gaps(units, campaign, only_gaps).order_by("path")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.coverage_export_rows(annotated, campaign)
        return excel_download(stem=_("opinion-coverage"), title=_("Opinion coverage"), headers=headers, rows=rows)
    page = Paginator(annotated, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.coverage_rows(list(page.object_list), campaign)
    for row in rows:
        row.can_write = can_write_unit(request.user, row.unit)
    xlsx_query = export_query(request)
    return render(request, "feedback/opinions/coverage.html", {
        "form": form, "page": page, "rows": rows, "groups": TargetGroup.choices,
        "summary": selectors.group_summary(units, campaign), "unit_count": page.paginator.count,
        "export_query": xlsx_query,
    })


def _writable_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied
    return unit


@login_required
def opinion_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.2 record a session where the unit sought one group's opinions."""
    unit = _writable_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = OpinionSessionForm(request.POST or None, initial={"target_group": request.GET.get("group")})
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_session_record(campaign=campaign, unit=unit, fields=form.cleaned_data,
                                            today=timezone.localdate(), by=request.user)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Opinion session recorded."))
            return redirect(f"{reverse('feedback:opinion_coverage')}?unit={unit.code}")
    return render(request, "feedback/form.html", {
        "form": form, "unit": unit, "title": _("Record an opinion session"),
        "cancel_url": reverse("feedback:opinion_coverage")})


def _writable_session(request: HttpRequest, pk: int) -> OpinionSession:
    session = get_object_or_404(OpinionSession.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not can_write_unit(request.user, session.unit):
        raise PermissionDenied
    return session


@login_required
def opinion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.2 correct a session."""
    session = _writable_session(request, pk)
    form = OpinionSessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_session_update(session=session, fields=form.cleaned_data, today=timezone.localdate())
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Opinion session saved."))
            return redirect("feedback:opinions")
    return render(request, "feedback/form.html", {
        "form": form, "unit": session.unit, "title": _("Edit an opinion session"),
        "cancel_url": reverse("feedback:opinions")})


@login_required
def opinion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.2 delete a session after a confirmation page."""
    session = _writable_session(request, pk)
    if request.method == "POST":
        services.opinion_session_delete(session=session)
        flash.success(request, _("Opinion session deleted."))
        return redirect("feedback:opinions")
    return render(request, "confirm_delete.html", {"object": session, "cancel_url": reverse("feedback:opinions")})


# --- R4.1 field research stays

@login_required
def research_compliance(request: HttpRequest) -> HttpResponse:
    """R4.1 the top leaders who have not stayed the campaign's minimum days (or everyone, on request)."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = ComplianceForm(request.GET or None)
    cadres = Cadre.objects.visible_to(request.user)
    everyone = priority = False
    if form.is_bound and form.is_valid():
        if subtree := _subtree_q(form.cleaned_data["unit"], "unit__"):
            cadres = cadres.filter(subtree)
        everyone, priority = form.cleaned_data["everyone"], form.cleaned_data["priority"]
    listed = selectors.research_cadres(cadres, campaign, only_short=not everyone, priority_only=priority)
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.compliance_export_rows(listed, campaign)
        return excel_download(stem=_("field-research-compliance"), title=_("Field research compliance"),
                              headers=headers, rows=rows)
    page = Paginator(listed, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    minimum = campaign.min_field_research_days
    for cadre in page.object_list:
        cadre.complies = (cadre.longest or 0) >= minimum
        cadre.priority = policy.is_research_priority(cadre, cadre.unit.level)
        cadre.can_write = can_write_unit(request.user, cadre.unit)
    xlsx_query = export_query(request)
    return render(request, "feedback/research/compliance.html", {
        "form": form, "page": page, "minimum": minimum, "figures": selectors.compliance_figures(cadres, campaign),
        "export_query": xlsx_query, "everyone": everyone,
    })


@login_required
def stay_list(request: HttpRequest) -> HttpResponse:
    """R4.1 the field research stays of the user's scope, hardest units and backward villages marked."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    scoped = FieldResearchStay.objects.visible_to(request.user).filter(campaign=campaign)
    stay_filter = StayFilter(request.GET or None, queryset=scoped)
    stays = (stay_filter.qs if stay_filter.is_bound else scoped).order_by("-start_date", "-pk")
    if request.GET.get("export") == "xlsx":
        headers, rows = selectors.stay_export_rows(stays)
        return excel_download(stem=_("field-research-stays"), title=_("Field research stays"), headers=headers,
                              rows=rows)
    page = Paginator(stays.select_related("cadre__unit", "host_unit"), settings.PAGE_SIZE).get_page(
        request.GET.get("page"))
    xlsx_query = export_query(request)
    return render(request, "feedback/research/stays.html", {
        "filter": stay_filter, "page": page, "export_query": xlsx_query,
        "minimum": campaign.min_field_research_days,
    })


def _writable_cadre(request: HttpRequest, pk: int) -> Cadre:
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("unit"), pk=pk)
    if not can_write_unit(request.user, cadre.unit):
        raise PermissionDenied
    return cadre


def _stay_page(request: HttpRequest, *, cadre: Cadre, stay: FieldResearchStay | None) -> HttpResponse:
    """The stay form with its host-unit search (units of the user's scope, hardest units marked)."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if stay is None:
                services.stay_record(campaign=campaign, cadre=cadre, host_unit=data["host_unit"],
                                     start_date=data["start_date"], end_date=data["end_date"],
                                     findings=data["findings"], today=today, by=request.user)
            else:
                services.stay_update(stay=stay, host_unit=data["host_unit"], start_date=data["start_date"],
                                     end_date=data["end_date"], findings=data["findings"], today=today)
        except FeedbackError as exc:
            form.add_error(None, str(exc))
        else:
            flash.success(request, _("Field research stay saved."))
            return redirect("feedback:stays")
    q = request.GET.get("q", "").strip()
    hits, more = selectors.unit_search(hosts, q) if q else ([], False)
    return render(request, "feedback/research/stay_form.html", {
        "form": form, "cadre": cadre, "stay": stay, "host": host, "q": q, "hits": hits, "more": more,
        "trail": selectors.unit_trails([host])[host.pk] if host else "",
        "minimum": campaign.min_field_research_days,
    })


@login_required
def stay_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.1 record a cadre's stay: host unit, from and to (both counted), findings."""
    return _stay_page(request, cadre=_writable_cadre(request, pk), stay=None)


def _writable_stay(request: HttpRequest, pk: int) -> FieldResearchStay:
    stay = get_object_or_404(FieldResearchStay.objects.visible_to(request.user)
                             .select_related("cadre__unit", "host_unit"), pk=pk)
    if not can_write_unit(request.user, stay.cadre.unit):
        raise PermissionDenied
    return stay


@login_required
def stay_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.1 correct a stay."""
    stay = _writable_stay(request, pk)
    return _stay_page(request, cadre=stay.cadre, stay=stay)


@login_required
def stay_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """R4.1 delete a stay after a confirmation page."""
    stay = _writable_stay(request, pk)
    if request.method == "POST":
        services.stay_delete(stay=stay)
        flash.success(request, _("Field research stay deleted."))
        return redirect("feedback:stays")
    return render(request, "confirm_delete.html", {"object": stay, "cancel_url": reverse("feedback:stays")})


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
]
