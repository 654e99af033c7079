"""R2.3, R5.1 pages: the meetings list, recording a meeting, and a meeting with who spoke and who has not."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.excel import Sheet, write_xlsx, xlsx_response
from units.models import Cadre, Unit

from ..errors import CampaignError
from ..forms.meetings import CommentForm, MeetingFilterForm, MeetingForm, SpeakersAddForm
from ..models import Meeting
from ..selectors import meetings as selectors
from ..services import meetings as services
from .common import current_campaign_or_none, export_query, no_campaign_response



@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """R2.3 the meetings of the user's scope; filter by unit subtree, kind, team members not yet heard."""
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    form = MeetingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.MeetingFilters(unit=data.get("unit", ""), kind=data.get("kind", ""),
                                       missing_only=bool(data.get("missing")))
    qs = selectors.meetings_for(request.user, campaign, filters)
    if request.GET.get("export") == "xlsx":
        headers = [_("Unit"), _("Unit code"), _("Kind"), _("Date"), _("Place"), _("Team members"), _("Spoke"),
                   _("Not yet spoken"), _("Speakers"), _("Summary"), _("Party secretary's comment"),
                   _("Supervision group's comment")]
        data = write_xlsx([Sheet(title=_("Meetings"), headers=headers, rows=selectors.meeting_export_rows(qs))])
        return xlsx_response(_("meetings") + timezone.localdate().strftime("-%Y%m%d.xlsx"), data)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaign/meetings/list.html", {
        "campaign": campaign, "form": form, "page": page, "export_query": export_query(request),
        "record_units": selectors.writable_units(request.user, filters.unit),
    })


@login_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.3 record a meeting of a unit and tick the team members who spoke."""
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not services.can_record(request.user, unit):
        raise PermissionDenied
    campaign = current_campaign_or_none()
    if campaign is None:
        return no_campaign_response(request)
    team = list(Cadre.objects.filter(unit=unit, is_team_member=True).order_by("-is_top_leader", "name"))
    form = MeetingForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(
                user=request.user, campaign=campaign, unit=unit, kind=data["kind"], date=data["date"],
                place=data["place"], summary=data["summary"], speaker_ids=data["speakers"],
                secretary_comment=data["secretary_comment"])
        except CampaignError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect(meeting)
    return render(request, "campaign/meetings/form.html", {"form": form, "unit": unit, "campaign": campaign})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.3 a meeting: who spoke, who of the team has not yet, and the comments."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("unit", "campaign"), pk=pk)
    sheet = selectors.meeting_sheet(meeting)
    can_record = services.can_record(request.user, meeting.unit)
    return render(request, "campaign/meetings/detail.html", {
        "meeting": meeting, "sheet": sheet, "can_record": can_record,
        "speakers_form": SpeakersAddForm(missing=sheet.missing) if can_record and sheet.missing else None,
        "can_comment_secretary": services.can_comment(request.user, meeting, services.CommentBy.SECRETARY),
        "can_comment_supervision": services.can_comment(request.user, meeting, services.CommentBy.SUPERVISION),
    })


def _scoped_meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("unit"), pk=pk)


@login_required
@require_POST
def meeting_speakers(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.3 add team members who spoke, after the meeting was recorded."""
    meeting = _scoped_meeting(request, pk)
    if not services.can_record(request.user, meeting.unit):
        raise PermissionDenied
    form = SpeakersAddForm(request.POST, missing=selectors.meeting_sheet(meeting).missing)
    if not form.is_valid():
        messages.error(request, _("Choose team members who have not spoken yet."))
        return redirect(meeting)
    try:
        count = services.meeting_speakers_add(user=request.user, meeting=meeting,
                                              speaker_ids=form.cleaned_data["speakers"])
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(count)s speakers added.") % {"count": count})
    return redirect(meeting)


@login_required
@require_POST
def meeting_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.3 the party secretary's comment (writers of the unit) or the supervision group's (its members)."""
    meeting = _scoped_meeting(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        if form.has_error("by"):
            raise PermissionDenied
        messages.error(request, _("Write the comment first."))
        return redirect(meeting)
    by = form.cleaned_data["by"]
    if not services.can_comment(request.user, meeting, by):
        raise PermissionDenied
    try:
        services.meeting_comment_set(user=request.user, meeting=meeting, by=by, text=form.cleaned_data["text"])
    except CampaignError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Comment saved."))
    return redirect(meeting)


urlpatterns = [
    path("meetings/", meeting_list, name="meetings"),
    path("meetings/add/<int:pk>/", meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/speakers/", meeting_speakers, name="meeting_speakers"),
    path("meetings/<int:pk>/comment/", meeting_comment, name="meeting_comment"),
]
