"""R2.3, R5.1: record a unit's meetings, who of its leadership team spoke, and the comments on them."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
import rules
from django.utils.translation import gettext as _

from units.models import Cadre, Unit

from ..errors import CampaignError
from ..models import Campaign, Meeting, MeetingKind, MeetingSpeech, ObligationKind
from .campaign import obligation_fulfil

#: R2.3, R5.1 the obligation a meeting of each kind fulfils.
OBLIGATION_OF = {
    MeetingKind.ENLARGED: ObligationKind.ENLARGED_MEETING,
    MeetingKind.DISCUSSION: ObligationKind.DISCUSSION_MEETING,
    MeetingKind.DEMOCRATIC_LIFE: ObligationKind.DEMOCRATIC_MEETING,
}


class CommentBy:
    """Who comments on a meeting on the spot (R2.3): the party secretary or the supervision group."""

    SECRETARY = "secretary"
    SUPERVISION = "supervision"
    FIELDS = {SECRETARY: "secretary_comment", SUPERVISION: "supervision_comment"}
    #: the permission (campaign/permissions.py) of each kind of comment
    PERMS = {SECRETARY: "campaign.comment_meeting_secretary", SUPERVISION: "campaign.comment_meeting_supervision"}


def _d(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _check_date(campaign: Campaign, kind: str, day: datetime.date) -> None:
    if not (campaign.start_date <= day <= campaign.end_date):
        raise CampaignError(_("The date must lie within the campaign (%(start)s – %(end)s).") % {
            "start": _d(campaign.start_date), "end": _d(campaign.end_date)})
    if kind == MeetingKind.DEMOCRATIC_LIFE and day < campaign.democratic_meeting_earliest:
        raise CampaignError(_("Democratic life meetings may not be held before %(date)s.") % {
            "date": _d(campaign.democratic_meeting_earliest)})


def _team_speakers(unit: Unit, speaker_ids: Iterable[int], already: set[int]) -> list[int]:
    """The speakers as ids, each a team member of ``unit`` who has not spoken yet; else a CampaignError."""
    ids = [int(pk) for pk in speaker_ids]
    if len(set(ids)) != len(ids):
        raise CampaignError(_("A team member is listed twice as a speaker."))
    team = dict(Cadre.objects.filter(unit=unit, is_team_member=True, pk__in=ids).values_list("pk", "name"))
    strangers = [pk for pk in ids if pk not in team]
    if strangers:
        raise CampaignError(_("Only leadership team members of %(unit)s can be recorded as speakers.")
                            % {"unit": unit.name})
    repeated = [team[pk] for pk in ids if pk in already]
    if repeated:
        raise CampaignError(_("Already recorded as having spoken: %(names)s.") % {"names": "、".join(repeated)})
    return ids


@transaction.atomic
def meeting_record(*, user, campaign: Campaign, unit: Unit, kind: str, date: datetime.date, place: str = "",
                   summary: str = "", speaker_ids: Iterable[int] = (), secretary_comment: str = "") -> Meeting:
    """R2.3, R5.1 record a unit's meeting with the team members who spoke; it fulfils the unit's obligation."""
    if not rules.has_perm("campaign.record_meeting", user, unit):
        raise CampaignError(_("You may not record meetings of %(unit)s.") % {"unit": unit.name})
    if kind not in MeetingKind.values:
        raise CampaignError(_("Unknown kind of meeting."))
    _check_date(campaign, kind, date)
    ids = _team_speakers(unit, speaker_ids, set())
    meeting = Meeting.objects.create(
        campaign=campaign, unit=unit, kind=kind, date=date, place=place, summary=summary,
        secretary_comment=secretary_comment, recorded_by=user if user.is_authenticated else None)
    MeetingSpeech.objects.bulk_create([MeetingSpeech(meeting=meeting, cadre_id=pk) for pk in ids])
    obligation_fulfil(campaign=campaign, unit=unit, kind=OBLIGATION_OF[kind], on=date,
                      note=f"{meeting.get_kind_display()} {_d(date)}",
                      url=reverse("campaign:meeting_detail", args=[meeting.pk]))
    return meeting


@transaction.atomic
def meeting_speakers_add(*, user, meeting: Meeting, speaker_ids: Iterable[int]) -> int:
    """R2.3 add team members who spoke (in turn, every one of them) after the meeting was recorded."""
    if not rules.has_perm("campaign.add_meeting_speakers", user, meeting):
        raise CampaignError(_("You may not record meetings of %(unit)s.") % {"unit": meeting.unit.name})
    spoken = set(meeting.speeches.values_list("cadre_id", flat=True))
    ids = _team_speakers(meeting.unit, speaker_ids, spoken)
    if not ids:
        raise CampaignError(_("Choose at least one team member who spoke."))
    MeetingSpeech.objects.bulk_create([MeetingSpeech(meeting=meeting, cadre_id=pk) for pk in ids])
    return len(ids)


@transaction.atomic
def meeting_comment_set(*, user, meeting: Meeting, by: str, text: str) -> Meeting:
    """R2.3 the party secretary's or the supervision group's comment on the meeting."""
    if by not in CommentBy.FIELDS:
        raise CampaignError(_("Unknown kind of comment."))
    if not rules.has_perm(CommentBy.PERMS[by], user, meeting):
        raise CampaignError(_("You may not add this comment."))
    text = text.strip()
    if not text:
        raise CampaignError(_("The comment is empty."))
    field = CommentBy.FIELDS[by]
    setattr(meeting, field, text)
    meeting.save(update_fields=[field])
    return meeting
