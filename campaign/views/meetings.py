"""R2.3, R5.1 pages: the meetings list, recording a meeting, and a meeting with who spoke and who has not."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.models import Cadre, Unit
from web.decorators import campaign_required, check_perm, permission_required
from web.downloads import wants_export
from web.forms import act, form_once, submit
from web.lists import filtered, table_list

from ..filters import MeetingFilter
from ..forms.meetings import CommentForm, MeetingForm, SpeakersAddForm
from ..models import Meeting
from ..selectors import meetings as selectors
from ..services import meetings as services
from ..tables import MeetingTable


def _scoped(user):
    return Meeting.objects.visible_to(user).select_related("unit", "campaign")


@login_required
@campaign_required
def meeting_list(request: HttpRequest, campaign) -> HttpResponse:
    """R2.3 the meetings of the user's scope; filter by unit, kind, team members not yet heard."""
    meetings = selectors.meetings_for(request.user, campaign)
    if wants_export(request):
        meetings = selectors.with_speakers(meetings)
    filterset, rows = filtered(request, MeetingFilter, meetings, user=request.user)
    return table_list(request, "campaign/meetings/list.html", table=MeetingTable(rows), filterset=filterset,
                      export_stem=_("meetings"), lazy=False, context={
                          "campaign": campaign,
                          "record_units": selectors.writable_units(request.user, request.GET.get("unit", "")),
                      })


@permission_required("campaign.record_meeting", Unit.objects.visible_to)
@campaign_required
@form_once
def meeting_add(request: HttpRequest, unit: Unit, campaign) -> HttpResponse:
    """R2.3 record a meeting of a unit and tick the team members who spoke."""
    team = list(Cadre.objects.filter(unit=unit, is_team_member=True).order_by("-is_top_leader", "name"))
    form = MeetingForm(request.POST or None, team=team)
    if meeting := submit(request, form, lambda d: services.meeting_record(
            user=request.user, campaign=campaign, unit=unit, kind=d["kind"], date=d["date"], place=d["place"],
            summary=d["summary"], speaker_ids=d["speakers"], secretary_comment=d["secretary_comment"]),
            success=_("Meeting recorded.")):
        return redirect(meeting)
    return render(request, "campaign/meetings/form.html", {"form": form, "unit": unit, "campaign": campaign})


@permission_required(None, _scoped)
def meeting_detail(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """R2.3 a meeting: who spoke, who of the team has not yet, and the comments."""
    sheet = selectors.meeting_sheet(meeting)
    can_record = request.user.has_perm("campaign.add_meeting_speakers", meeting)
    return render(request, "campaign/meetings/detail.html", {
        "meeting": meeting, "sheet": sheet, "can_record": can_record,
        "speakers_form": SpeakersAddForm(missing=sheet.missing) if can_record and sheet.missing else None,
        "can_comment_secretary": request.user.has_perm("campaign.comment_meeting_secretary", meeting),
        "can_comment_supervision": request.user.has_perm("campaign.comment_meeting_supervision", meeting),
    })


@login_required
@require_POST
@permission_required("campaign.add_meeting_speakers", _scoped)
def meeting_speakers(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """R2.3 add team members who spoke, after the meeting was recorded."""
    form = SpeakersAddForm(request.POST, missing=selectors.meeting_sheet(meeting).missing)
    if not form.is_valid():
        messages.error(request, _("Choose team members who have not spoken yet."))
        return redirect(meeting)
    act(request, lambda: services.meeting_speakers_add(user=request.user, meeting=meeting,
                                                       speaker_ids=form.cleaned_data["speakers"]),
        success=lambda count: _("%(count)s speakers added.") % {"count": count})
    return redirect(meeting)


@login_required
@require_POST
@permission_required("campaign.comment_meeting", _scoped)
def meeting_comment(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """R2.3 the party secretary's comment (writers of the unit) or the supervision group's (its members)."""
    by = request.POST.get("by", "")
    # the permission of this kind of comment; a forged kind is nobody's permission (403)
    check_perm(request, services.CommentBy.PERMS.get(by, "campaign.comment_meeting_unknown"), meeting)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the comment first."))
        return redirect(meeting)
    act(request, lambda: services.meeting_comment_set(user=request.user, meeting=meeting, by=by,
                                                      text=form.cleaned_data["text"]),
        success=_("Comment saved."))
    return redirect(meeting)


urlpatterns = [
    path("meetings/", meeting_list, name="meetings"),
    path("meetings/add/<int:pk>/", meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/speakers/", meeting_speakers, name="meeting_speakers"),
    path("meetings/<int:pk>/comment/", meeting_comment, name="meeting_comment"),
]
