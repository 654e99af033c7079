"""The feedback app (R4) in the URL × role walk: the public board and tracking pages for everyone, the
message pipeline, letters and visits, digests, opinion seeking and field research stays of 正定县.
"""
from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from feedback.captcha import new_token as _captcha_token

from . import LOGGED_IN_OK, MANAGE_COUNTY_A, POST_ONLY, READ_COUNTY_A, ROLES, WRITE_COUNTY_A_RECORDS

EVERYONE = {role: 200 for role in ROLES}
ANY_ROLE = LOGGED_IN_OK | {"no_role": 403}


def _message(c, status: str = "received"):
    """A message about 正定县 brought to ``status`` through the services."""
    from feedback.models import Message
    from feedback.services import messages as services

    text = f"走访用留言（{status}）"
    message = Message.objects.filter(text=text).first()
    if message is None:
        office = c.users["county_office"]
        message = services.message_submit(campaign=c.campaign, unit=c.tree.county_a, category="formalism", text=text,
                                          citizen_name="走访人", citizen_phone="13000000000")
        if status in ("forwarded", "answered"):
            services.message_forward(message=message, campaign=c.campaign, unit=c.tree.county_a, cadre=None,
                                     today=datetime.date(2014, 4, 14), by=office)
        if status == "answered":
            services.message_answer(message=message, text="答复", by=c.users["liaison"])
    return message


def _pk(status: str):
    return lambda c: {"pk": _message(c, status).pk}


def _digest(c) -> dict:
    from feedback.models import OfficeDigest

    digest = OfficeDigest.objects.filter(office_unit=c.tree.county_a).first()
    if digest is None:
        digest = OfficeDigest(office_unit=c.tree.county_a, iso_year=2014, iso_week=16,
                              period_start=datetime.date(2014, 4, 14), period_end=datetime.date(2014, 4, 20))
        digest.pdf.save("digest.pdf", ContentFile(b"%PDF-1.4 walk"), save=False)
        digest.xlsx.save("digest.xlsx", ContentFile(b"PK walk"), save=False)
        digest.save()
    return {"pk": digest.pk, "kind": "pdf"}


def _session(c) -> dict:
    from feedback.models import OpinionSession

    session, _ = OpinionSession.objects.get_or_create(
        campaign=c.campaign, unit=c.tree.county_a, target_group="old_cadres",
        defaults={"held_on": datetime.date(2014, 3, 10), "people_count": 8, "opinion_count": 3})
    return {"pk": session.pk}


def _stay(c) -> dict:
    from feedback.models import FieldResearchStay

    stay = FieldResearchStay.objects.filter(cadre=c.tree.cadre_a).first()
    if stay is None:
        stay = FieldResearchStay(campaign=c.campaign, cadre=c.tree.cadre_a, host_unit=c.tree.village_a,
                                 start_date=datetime.date(2014, 4, 1), end_date=datetime.date(2014, 4, 3),
                                 findings="蹲点调研")
        stay.save()
    return {"pk": stay.pk}


FEEDBACK_PAGES = {
    # public: no login, nothing to hide
    "feedback:board": (lambda c: {}, EVERYONE),
    "feedback:board_units": (lambda c: {}, EVERYONE),
    "feedback:captcha_image": (lambda c: {"token": _captcha_token()}, EVERYONE),
    "feedback:track_lookup": (lambda c: {}, EVERYONE),
    "feedback:track": (lambda c: {"code": _message(c).tracking_code}, EVERYONE),
    # the pipeline: 正定县's office triages, its liaison answers what is forwarded to it
    "feedback:messages": (lambda c: {}, LOGGED_IN_OK),
    "feedback:message_detail": (_pk("received"), READ_COUNTY_A),
    "feedback:message_history": (_pk("received"), READ_COUNTY_A),
    "feedback:message_classify": (_pk("received"), POST_ONLY),
    "feedback:message_merge": (_pk("received"), MANAGE_COUNTY_A),
    "feedback:message_reject": (_pk("received"), MANAGE_COUNTY_A),
    "feedback:message_forward": (_pk("received"), MANAGE_COUNTY_A),
    "feedback:message_answer": (_pk("forwarded"), WRITE_COUNTY_A_RECORDS),
    "feedback:message_publish": (_pk("answered"), MANAGE_COUNTY_A),
    "feedback:message_return": (_pk("answered"), MANAGE_COUNTY_A),
    "feedback:letter_add": (lambda c: {}, ANY_ROLE),
    # digests
    "feedback:digests": (lambda c: {}, LOGGED_IN_OK),
    "feedback:digest_generate": (lambda c: {}, POST_ONLY),
    "feedback:digest_download": (_digest, READ_COUNTY_A),
    # R4.2 opinion seeking
    "feedback:opinions": (lambda c: {}, LOGGED_IN_OK),
    "feedback:opinion_coverage": (lambda c: {}, LOGGED_IN_OK),
    "feedback:opinion_add": (lambda c: {"pk": c.tree.county_a.pk}, WRITE_COUNTY_A_RECORDS),
    "feedback:opinion_edit": (_session, WRITE_COUNTY_A_RECORDS),
    "feedback:opinion_delete": (_session, WRITE_COUNTY_A_RECORDS),
    # R4.1 field research
    "feedback:research_compliance": (lambda c: {}, LOGGED_IN_OK),
    "feedback:stays": (lambda c: {}, LOGGED_IN_OK),
    "feedback:stay_add": (lambda c: {"pk": c.tree.cadre_a.pk}, WRITE_COUNTY_A_RECORDS),
    "feedback:stay_edit": (_stay, WRITE_COUNTY_A_RECORDS),
    "feedback:stay_delete": (_stay, WRITE_COUNTY_A_RECORDS),
    "feedback:stay_history": (_stay, READ_COUNTY_A),
    "feedback:stay_deletions": (lambda c: {}, LOGGED_IN_OK),
}

PAGES = FEEDBACK_PAGES
