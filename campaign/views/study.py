"""R2.1, R2.2, R2.4, R2.5, R2.8: study plans, study sessions with attendance, the shortfall list and the
special groups' coverage. Thin views: scoped object → form → one service call → redirect."""
from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reports.excel import Sheet, write_xlsx
from units.models import Unit
from units.scoping import WRITE_ROLES, grants_of, scope_q
from units.selectors import ancestors_in_scope
from web.decorators import campaign_required, permission_required
from web.downloads import wants_export, xlsx_download
from web.forms import act, form_once, submit
from web.lists import filtered, table_list

from ..filters import PlanFilter, SessionFilter, ShortfallFilter
from ..forms.study import StudyPlanForm, StudySessionForm, UnitPickerForm
from ..models import StudyPlan, StudySession
from ..selectors import study as selectors
from ..services import study as services
from ..tables import PlanTable, SessionTable, ShortfallTable


def _recording_context(request: HttpRequest) -> dict:
    """The unit picker beside the lists: the user's own units first, then a search in scope."""
    user = request.user
    if not user.has_perm("campaign.record_study"):
        return {"may_record": False}
    picker = UnitPickerForm(request.GET)
    text = picker.data.get("pick", "")
    found = selectors.units_to_record_for(user, text)
    own = {g.unit_id: g.unit_name for g in grants_of(user) if g.role in WRITE_ROLES or g.role == "liaison"}
    return {
        "may_record": True, "picker": picker, "pick": text,
        "picked": [(u, user.has_perm("campaign.record_study", u)) for u in found],
        "own_units": sorted(own.items(), key=lambda item: item[1]),
    }


def _scoped_session(user):
    return StudySession.objects.visible_to(user).select_related("unit", "plan", "campaign")


def _scoped_plan(user):
    return StudyPlan.objects.visible_to(user).select_related("unit")


# --- R2.2 sessions


@login_required
@campaign_required
def session_list(request: HttpRequest, campaign) -> HttpResponse:
    """R2.2 the study sessions of the user's scope: filters, pagination, Excel export, and a unit
    picker to record a new session."""
    filterset, rows = filtered(request, SessionFilter, selectors.sessions_visible(request.user, campaign),
                               user=request.user)
    return table_list(request, "campaign/study/session_list.html", table=SessionTable(rows), filterset=filterset,
                      export_stem=_("Study sessions"), lazy=False,
                      context={"campaign": campaign, **_recording_context(request)})


@permission_required("campaign.record_study", Unit.objects.visible_to)
@campaign_required
@form_once
def session_add(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R2.2, R2.4, R2.5 record a study session of a unit with its attendance."""
    form = StudySessionForm(request.POST or None, unit=unit, campaign=campaign,
                            initial={"date": _default_session_date(campaign), "plan": request.GET.get("plan")})
    if session := submit(request, form, lambda d: services.session_record(
            campaign=campaign, unit=unit, kind=d["kind"], date=d["date"], topic=d["topic"], content=d["content"],
            hours=d["hours"], plan=d["plan"], attendee_ids=[c.pk for c in d["attendees"]], user=request.user),
            success=lambda s: ngettext("Study session recorded with %(count)s attendee.",
                                       "Study session recorded with %(count)s attendees.",
                                       len(form.cleaned_data["attendees"]))
            % {"count": len(form.cleaned_data["attendees"])}):
        return redirect("campaign:study_session_detail", pk=session.pk)
    return render(request, "campaign/study/session_form.html", {"form": form, "unit": unit, "campaign": campaign})


def _default_session_date(campaign) -> datetime.date:
    """Today, kept inside the campaign so the form never proposes a date it would refuse."""
    return min(max(timezone.localdate(), campaign.start_date), campaign.end_date)


@permission_required(None, _scoped_session)
def session_detail(request: HttpRequest, session: StudySession) -> HttpResponse:
    """R2.2 a study session and the cadres who attended it (all of its own unit, so in scope)."""
    return render(request, "campaign/study/session_detail.html", {
        "session": session, "attendees": selectors.session_attendees(session),
        "can_write": request.user.has_perm("campaign.delete_study_session", session),
        "can_edit": request.user.has_perm("campaign.change_study_session", session),
        "fulfils": services.obligation_fulfilled_by(session),
    })


@permission_required("campaign.change_study_session", _scoped_session)
def session_edit(request: HttpRequest, session: StudySession) -> HttpResponse:
    """R2.2, R2.4 correct a study session (form, date, topic, hours, attendance); the shortfall, the
    obligation and the dashboards follow, and the change is kept in its history."""
    form = StudySessionForm(request.POST or None, unit=session.unit, campaign=session.campaign,
                            initial=StudySessionForm.initial_of(session), submit_label=_("Save"))
    if submit(request, form, lambda d: services.session_update(
            session=session, kind=d["kind"], date=d["date"], topic=d["topic"], content=d["content"],
            hours=d["hours"], plan=d["plan"], attendee_ids=[c.pk for c in d["attendees"]], by=request.user),
            success=_("Study session saved.")):
        return redirect("campaign:study_session_detail", pk=session.pk)
    return render(request, "campaign/study/session_edit.html", {
        "form": form, "session": session, "unit": session.unit, "campaign": session.campaign})


@permission_required("campaign.delete_study_session", _scoped_session)
def session_delete(request: HttpRequest, session: StudySession) -> HttpResponse:
    """Withdraw a session recorded by mistake, after a confirmation page."""
    if request.method == "POST":
        if act(request, lambda: services.session_delete(session=session, by=request.user),
               success=_("Study session deleted.")):
            return redirect("campaign:study_sessions")
    return render(request, "confirm_delete.html", {
        "object": session, "cancel_url": reverse("campaign:study_session_detail", args=[session.pk])})


#: the newest deletions shown on the page of deleted sessions
DELETIONS_SHOWN = 200


@login_required
@campaign_required
def session_deletions(request: HttpRequest, campaign) -> HttpResponse:
    """R2.2 the study sessions of the user's scope deleted in this campaign: when, by whom, what (from
    their history, so a deletion that changed the shortfall stays accountable)."""
    records = (StudySession.history.filter(history_type="-", campaign_id=campaign.pk)
               .filter(scope_q(request.user, "unit__")).select_related("history_user", "unit")
               .order_by("-history_date", "-history_id")[:DELETIONS_SHOWN])
    return render(request, "campaign/study/session_deletions.html", {
        "campaign": campaign, "records": records, "limit": DELETIONS_SHOWN})


# --- R2.1 plans


@login_required
@campaign_required
def plan_list(request: HttpRequest, campaign) -> HttpResponse:
    """R2.1 the study plans of the user's scope: filters, pagination, Excel export."""
    filterset, rows = filtered(request, PlanFilter, selectors.plans_visible(request.user, campaign),
                               user=request.user)
    return table_list(request, "campaign/study/plan_list.html", table=PlanTable(rows), filterset=filterset,
                      export_stem=_("Study plans"), lazy=False,
                      context={"campaign": campaign, **_recording_context(request)})


@permission_required("campaign.add_study_plan", Unit.objects.visible_to)
@campaign_required
@form_once
def plan_add(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R2.1 a new study plan for a unit, its required texts pre-filled with the compulsory speech."""
    form = StudyPlanForm(request.POST or None, initial={"start_date": campaign.start_date,
                                                        "end_date": campaign.study_end_for(unit.level)})
    if plan := submit(request, form, lambda d: services.plan_create(campaign=campaign, unit=unit, by=request.user, **d),
                      success=_("Study plan saved.")):
        return redirect("campaign:study_plan_detail", pk=plan.pk)
    return render(request, "campaign/study/plan_form.html", {"form": form, "unit": unit, "title": _("New study plan")})


@permission_required("campaign.change_study_plan", _scoped_plan)
def plan_edit(request: HttpRequest, plan: StudyPlan) -> HttpResponse:
    """R2.1 change a study plan (writers of its unit)."""
    # Bound to a copy: a refused edit must not leave the instance half-changed for the page.
    form = StudyPlanForm(request.POST or None, instance=StudyPlan.objects.get(pk=plan.pk))
    if submit(request, form, lambda d: services.plan_update(plan=plan, by=request.user, **d),
              success=_("Study plan saved.")):
        return redirect("campaign:study_plan_detail", pk=plan.pk)
    return render(request, "campaign/study/plan_form.html", {"form": form, "unit": plan.unit, "plan": plan,
                                                             "title": _("Edit study plan")})


@permission_required(None, _scoped_plan)
def plan_detail(request: HttpRequest, plan: StudyPlan) -> HttpResponse:
    """R2.1 a study plan with the sessions held under it."""
    return render(request, "campaign/study/plan_detail.html", {
        "plan": plan, "texts": [t for t in plan.required_texts.splitlines() if t.strip()],
        "topics": [t for t in plan.topics.splitlines() if t.strip()],
        "sessions": selectors.sessions_visible(request.user, plan.campaign).filter(plan=plan),
        "can_write": request.user.has_perm("campaign.change_study_plan", plan),
        "can_record": request.user.has_perm("campaign.record_study", plan.unit),
    })


# --- R2.2 shortfall, R2.8 coverage


@login_required
@campaign_required
def shortfall(request: HttpRequest, campaign) -> HttpResponse:
    """R2.2 the leaders of the user's scope who have attended fewer sessions than their minimum."""
    standing = selectors.study_standing(request.user, campaign, only_short=False)
    filterset, rows = filtered(request, ShortfallFilter, standing, user=request.user)
    return table_list(request, "campaign/study/shortfall.html", table=ShortfallTable(rows), filterset=filterset,
                      export_stem=_("Study shortfall"), lazy=False, context={"campaign": campaign})


@login_required
@campaign_required
def coverage(request: HttpRequest, campaign) -> HttpResponse:
    """R0.3, R2.8 how many cadres of each special group took part in a study session, per unit subtree."""
    unit_pk = request.GET.get("unit")
    if unit_pk:
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_pk if unit_pk.isdigit() else 0)
    else:
        unit = selectors.default_unit_for(request.user)
    if unit is None:
        return render(request, "campaign/study/coverage.html", {"campaign": campaign, "data": None})
    data = selectors.special_group_coverage(request.user, campaign, unit)
    if wants_export(request):
        title = _("Special groups coverage")
        rows = [[str(row.label), g.label, g.cadres, g.covered, g.percent]
                for row in [data.scope, data.subtree, data.own, *data.children] for g in row.groups]
        headers = [_("Unit"), _("Special group"), _("Cadres"), _("Took part"), _("Coverage %")]
        return xlsx_download(write_xlsx([Sheet(title=title, headers=headers, rows=rows)]), title)
    return render(request, "campaign/study/coverage.html", {
        "campaign": campaign, "data": data, "groups": selectors.SPECIAL_GROUPS,
        "colspan": 2 * len(selectors.SPECIAL_GROUPS) + 3,
        "ancestors": ancestors_in_scope(request.user, unit),
    })


urlpatterns = [
    path("study/sessions/", session_list, name="study_sessions"),
    path("study/units/<int:pk>/sessions/add/", session_add, name="study_session_add"),
    path("study/sessions/<int:pk>/", session_detail, name="study_session_detail"),
    path("study/sessions/<int:pk>/edit/", session_edit, name="study_session_edit"),
    path("study/sessions/<int:pk>/delete/", session_delete, name="study_session_delete"),
    path("study/sessions/deleted/", session_deletions, name="study_session_deletions"),
    path("study/plans/", plan_list, name="study_plans"),
    path("study/units/<int:pk>/plans/add/", plan_add, name="study_plan_add"),
    path("study/plans/<int:pk>/", plan_detail, name="study_plan_detail"),
    path("study/plans/<int:pk>/edit/", plan_edit, name="study_plan_edit"),
    path("study/shortfall/", shortfall, name="study_shortfall"),
    path("study/coverage/", coverage, name="study_coverage"),
]
