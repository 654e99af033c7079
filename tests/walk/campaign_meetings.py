"""Meetings pages (R2.3, R5.1) in the URL × role walk."""
from . import LOGGED_IN_OK, POST_ONLY, READ_COUNTY_A, WRITE_COUNTY_A_RECORDS


def _meeting(c) -> dict:
    """A meeting of 正定县 to walk its page."""
    from campaign.models import Meeting

    meeting = Meeting.objects.create(campaign=c.campaign, unit=c.tree.county_a, kind="enlarged",
                                     date=c.campaign.study_end_city_county)
    return {"pk": meeting.pk}


PAGES = {
    "campaign:meetings": (lambda c: {}, LOGGED_IN_OK),
    "campaign:meeting_add": (lambda c: {"pk": c.tree.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "campaign:meeting_detail": (_meeting, READ_COUNTY_A),
    "campaign:meeting_speakers": (_meeting, POST_ONLY),
    "campaign:meeting_comment": (_meeting, POST_ONLY),
}
