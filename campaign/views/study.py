"""R2.1, R2.2, R2.4, R2.5, R2.8: study plans, study sessions with attendance, the shortfall list and the
special groups' coverage. Thin views: scoped object → form → one service call → redirect."""
from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.excel import Sheet, write_xlsx, xlsx_response
from units.models import Unit
from units.scoping import WRITE_ROLES, can_write_unit, grants_of
from units.selectors import ancestors_in_scope

from ..errors import CampaignError
from ..forms.study import (
    PlanFilterForm,
    SessionFilterForm,
    ShortfallFilterForm,
    StudyPlanForm,
    StudySessionForm,
    UnitPickerForm,
)
from ..models import StudyPlan, StudySession
from ..selectors import study as selectors
from ..services import study as services
from .common import current_campaign_or_none, no_campaign_response


def _writable_unit(request: HttpRequest, pk: int) -> Unit:
    """A unit of the user's scope (else 404) whose records the user may write (else 403)."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied
    return unit


def _export_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["export"] = "xlsx"
    query.pop("page", None)
    return query.urlencode()


def _wants_xlsx(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def _xlsx(title: str, headers: list[str], rows: list[list]) -> HttpResponse:
    data = write_xlsx([Sheet(title=title, headers=headers, rows=rows)])
    return xlsx_response(title + timezone.localdate().strftime("-%Y%m%d.xlsx"), data)


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def _recording_context(request: HttpRequest) -> dict:
    """The unit picker beside the lists: the user's own units first, then a search in scope."""
    user = request.user
    may_record = user.is_superuser or any(g.role in WRITE_ROLES or g.role == "liaison" for g in grants_of(user))
    if not may_record:
        return {"may_record": False}
    picker = UnitPickerForm(request.GET)
    text = picker.data.get("pick", "")
    found = selectors.units_to_record_for(user, text)
    own = {g.unit_id: g.unit_name for g in grants_of(user) if g.role in WRITE_ROLES or g.role == "liaison"}
    return {
        "may_record": True, "picker": picker, "pick": text,
        "picked": [(u, can_write_unit(user, u)) for u in found],
        "own_units": sorted(own.items(), key=lambda item: item[1]),
    }


# --- R2.2 sessions


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    """R2.2 the study sessions of the user's scope: filters, pagination, Excel export, and a unit
    picker to record a new session."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = SessionFilterForm(request.GET)
    qs = selectors.sessions_visible(request.user, campaign)
    if form.is_valid():
        data = form.cleaned_data
        qs = selectors.unit_subtree_filter(qs, data["unit"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["date_from"]:
            qs = qs.filter(date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(date__lte=data["date_to"])
    if _wants_xlsx(request):
        rows = [[s.date, s.unit.name, s.unit.code, s.get_kind_display(), s.topic, s.hours, s.attendee_count,
                 s.plan.title if s.plan else "", s.content] for s in qs]
        return _xlsx(_("Study sessions"), [_("Date"), _("Unit"), _("Unit code"), _("Form of study"), _("Topic"),
                                            _("Hours"), _("Attendees"), _("Study plan"), _("Content")], rows)
    return render(request, "campaign/study/session_list.html", {
        "campaign": campaign, "form": form, "page": _page(request, qs), "export_query": _export_query(request),
        **_recording_context(request),
    })


@login_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.2, R2.4, R2.5 record a study session of a unit with its attendance."""
    unit = _writable_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = StudySessionForm(request.POST or None, unit=unit, campaign=campaign,
                            initial={"date": _default_session_date(campaign), "plan": request.GET.get("plan")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_record(
                campaign=campaign, unit=unit, kind=data["kind"], date=data["date"], topic=data["topic"],
                content=data["content"], hours=data["hours"], plan=data["plan"],
                attendee_ids=[c.pk for c in data["attendees"]], user=request.user)
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            count = len(data["attendees"])
            messages.success(request, ngettext("Study session recorded with %(count)s attendee.",
                                               "Study session recorded with %(count)s attendees.", count)
                             % {"count": count})
            return redirect("campaign:study_session_detail", pk=session.pk)
    return render(request, "campaign/study/session_form.html", {"form": form, "unit": unit, "campaign": campaign})


def _default_session_date(campaign) -> datetime.date:
    """Today, kept inside the campaign so the form never proposes a date it would refuse."""
    return min(max(timezone.localdate(), campaign.start_date), campaign.end_date)


def _scoped_session(request: HttpRequest, pk: int) -> StudySession:
    return get_object_or_404(StudySession.objects.visible_to(request.user).select_related("unit", "plan", "campaign"),
                             pk=pk)


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.2 a study session and the cadres who attended it."""
    session = _scoped_session(request, pk)
    return render(request, "campaign/study/session_detail.html", {
        "session": session, "attendees": selectors.session_attendees(session),
        "can_write": can_write_unit(request.user, session.unit),
        "fulfils": services.obligation_fulfilled_by(session),
    })


@login_required
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a session recorded by mistake, after a confirmation page."""
    session = _scoped_session(request, pk)
    if not can_write_unit(request.user, session.unit):
        raise PermissionDenied
    if request.method == "POST":
        services.session_delete(session=session)
        messages.success(request, _("Study session deleted."))
        return redirect("campaign:study_sessions")
    return render(request, "confirm_delete.html", {
        "object": session, "cancel_url": reverse("campaign:study_session_detail", args=[session.pk])})


# --- R2.1 plans


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """R2.1 the study plans of the user's scope: filters, pagination, Excel export."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = PlanFilterForm(request.GET)
    qs = selectors.plans_visible(request.user, campaign)
    if form.is_valid():
        qs = selectors.unit_subtree_filter(qs, form.cleaned_data["unit"])
        if text := form.cleaned_data["q"].strip():
            qs = qs.filter(Q(title__icontains=text) | Q(topics__icontains=text))
    if _wants_xlsx(request):
        rows = [[p.title, p.unit.name, p.unit.code, p.start_date, p.end_date, p.topics, p.required_texts, p.schedule,
                 p.session_count] for p in qs]
        return _xlsx(_("Study plans"), [_("Title"), _("Unit"), _("Unit code"), _("From"), _("To"), _("Topics"),
                                         _("Required texts"), _("Schedule and requirements"), _("Sessions")], rows)
    return render(request, "campaign/study/plan_list.html", {
        "campaign": campaign, "form": form, "page": _page(request, qs), "export_query": _export_query(request),
        **_recording_context(request),
    })


def _plan_fields(form: StudyPlanForm) -> dict:
    return {f: form.cleaned_data[f] for f in StudyPlanForm.Meta.fields}


@login_required
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.1 a new study plan for a unit, its required texts pre-filled with the compulsory speech."""
    unit = _writable_unit(request, pk)
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = StudyPlanForm(request.POST or None, initial={"start_date": campaign.start_date,
                                                        "end_date": campaign.study_end_for(unit.level)})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(campaign=campaign, unit=unit, **_plan_fields(form))
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Study plan saved."))
            return redirect("campaign:study_plan_detail", pk=plan.pk)
    return render(request, "campaign/study/plan_form.html", {"form": form, "unit": unit, "title": _("New study plan")})


def _scoped_plan(request: HttpRequest, pk: int) -> StudyPlan:
    return get_object_or_404(StudyPlan.objects.visible_to(request.user).select_related("unit"), pk=pk)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.1 change a study plan (writers of its unit)."""
    plan = _scoped_plan(request, pk)
    if not can_write_unit(request.user, plan.unit):
        raise PermissionDenied
    # Bound to a copy: a refused edit must not leave the instance half-changed for the page.
    form = StudyPlanForm(request.POST or None, instance=StudyPlan.objects.get(pk=plan.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, **_plan_fields(form))
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Study plan saved."))
            return redirect("campaign:study_plan_detail", pk=plan.pk)
    return render(request, "campaign/study/plan_form.html", {"form": form, "unit": plan.unit, "plan": plan,
                                                             "title": _("Edit study plan")})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.1 a study plan with the sessions held under it."""
    plan = _scoped_plan(request, pk)
    return render(request, "campaign/study/plan_detail.html", {
        "plan": plan, "texts": [t for t in plan.required_texts.splitlines() if t.strip()],
        "topics": [t for t in plan.topics.splitlines() if t.strip()],
        "sessions": selectors.sessions_visible(request.user, plan.campaign).filter(plan=plan),
        "can_write": can_write_unit(request.user, plan.unit),
    })


# --- R2.2 shortfall, R2.8 coverage


@login_required
def shortfall(request: HttpRequest) -> HttpResponse:
    """R2.2 the leaders of the user's scope who have attended fewer sessions than their minimum."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = ShortfallFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"unit": "", "rank": "", "everyone": False}
    qs = selectors.study_standing(request.user, campaign, unit=filters["unit"], rank=filters["rank"],
                                  only_short=not filters["everyone"])
    if _wants_xlsx(request):
        rows = [[c.name, c.unit.name, c.unit.code, c.post, c.get_rank_display(), c.attended, c.minimum,
                 max(c.missing, 0)] for c in qs]
        return _xlsx(_("Study shortfall"), [_("Name"), _("Unit"), _("Unit code"), _("Post"), _("Rank"),
                                             _("Sessions attended"), _("Minimum"), _("Sessions missing")], rows)
    return render(request, "campaign/study/shortfall.html", {
        "campaign": campaign, "form": form, "page": _page(request, qs), "export_query": _export_query(request),
    })


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """R0.3, R2.8 how many cadres of each special group took part in a study session, per unit subtree."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    unit_pk = request.GET.get("unit")
    if unit_pk:
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk if unit_pk.isdigit() else 0)
    else:
        unit = selectors.default_unit_for(request.user)
    if unit is None:
        return render(request, "campaign/study/coverage.html", {"campaign": campaign, "data": None})
    data = selectors.special_group_coverage(request.user, campaign, unit)
    if _wants_xlsx(request):
        rows = [[str(row.label), g.label, g.cadres, g.covered, g.percent]
                for row in [data.scope, data.subtree, data.own, *data.children] for g in row.groups]
        return _xlsx(_("Special groups coverage"), [_("Unit"), _("Special group"), _("Cadres"),
                                                     _("Took part"), _("Coverage %")], rows)
    return render(request, "campaign/study/coverage.html", {
        "campaign": campaign, "data": data, "groups": selectors.SPECIAL_GROUPS,
        "colspan": 2 * len(selectors.SPECIAL_GROUPS) + 3,
        "ancestors": ancestors_in_scope(request.user, unit), "export_query": _export_query(request),
    })


urlpatterns = [
    path("study/sessions/", session_list, name="study_sessions"),
    path("study/units/<int:pk>/sessions/add/", session_add, name="study_session_add"),
    path("study/sessions/<int:pk>/", session_detail, name="study_session_detail"),
    path("study/sessions/<int:pk>/delete/", session_delete, name="study_session_delete"),
    path("study/plans/", plan_list, name="study_plans"),
    path("study/units/<int:pk>/plans/add/", plan_add, name="study_plan_add"),
    path("study/plans/<int:pk>/", plan_detail, name="study_plan_detail"),
    path("study/plans/<int:pk>/edit/", plan_edit, name="study_plan_edit"),
    path("study/shortfall/", shortfall, name="study_shortfall"),
    path("study/coverage/", coverage, name="study_coverage"),
]
