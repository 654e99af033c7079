"""Supervision pages (R1.3, R4.3) in the URL × role walk.

The group is 石家庄市's, led by the ``supervisor`` user and assigned 正定县 and 行唐县; its card for
正定县 has an extension request, a signed answer with evidence, and three ladder steps (the last an
interview awaiting approval).
"""
from __future__ import annotations

from . import LOGGED_IN_OK, OFFICES, POST_ONLY, READ_COUNTY_A, ROLES

# acts for the group: the sending city's office (and the offices above it) and the group's leader
GROUP_ACTS = READ_COUNTY_A | {"county_office": 403, "liaison": 403, "leader": 403}
GROUP_MANAGES = GROUP_ACTS | {"supervisor": 403}
# answers for 正定县: its own office and liaison only
UNIT_ANSWERS = READ_COUNTY_A | {"admin": 403, "prov_office": 403, "city_office": 403, "supervisor": 403,
                                "leader": 403}
LEADER_DECIDES = READ_COUNTY_A | {r: 403 for r in ("admin", "prov_office", "city_office", "county_office",
                                                   "supervisor", "liaison")}
PUBLIC = {r: 200 for r in ROLES}


def world(c):
    """Build the group, card, answer, extension and steps once per walked page."""
    if getattr(c, "supervision", None) is None:
        import datetime

        from django.core.files.uploadedfile import SimpleUploadedFile

        from supervision.models import StepKind, SupervisionGroup
        from supervision.services import cards, escalation

        t, u, today = c.tree, c.users, c.campaign.start_date
        group = SupervisionGroup.objects.create(leading_unit=t.city_a, name="市委第一督导组", card_prefix="石督卡",
                                                leader=u["supervisor"], phone="0311-86000001")
        group.units.set([t.county_a, t.county_a2])
        card = cards.card_issue(user=u["supervisor"], group=group, unit=t.county_a, problems=["awareness"],
                                facts="学习不深入", required_actions="补课", due_date=today + datetime.timedelta(days=10),
                                today=today)
        extension = cards.extension_request(user=u["liaison"], card=card, reason="需要时间", today=today,
                                            requested_due_date=today + datetime.timedelta(days=20))
        cards.card_sign(user=u["liaison"], card=card, today=today)
        answer = cards.card_answer(user=u["liaison"], card=card, text="已整改", today=today, files=[
            SimpleUploadedFile("整改.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")])
        reminder = escalation.step_take(card=card, kind=StepKind.REMINDER, reason="提醒", user=u["supervisor"],
                                        today=today, document=SimpleUploadedFile("提醒函.pdf", b"%PDF-1.4\n%%EOF\n"))
        escalation.step_take(card=card, kind=StepKind.LETTER, reason="写信", user=u["supervisor"], today=today)
        interview = escalation.step_take(card=card, kind=StepKind.INTERVIEW, reason="约谈", user=u["supervisor"],
                                         today=today)
        c.supervision = {"group": group.pk, "card": card.pk, "evidence": answer.evidence.get().pk,
                         "extension": extension.pk, "reminder": reminder.pk, "interview": interview.pk}
    return c.supervision


def pk(key: str):
    return lambda c: {"pk": world(c)[key]}


ALL_PAGES = {
    "supervision:group_list": (lambda c: {}, LOGGED_IN_OK),
    "supervision:group_create": (lambda c: {}, OFFICES),
    "supervision:group_detail": (pk("group"), READ_COUNTY_A),
    "supervision:group_edit": (pk("group"), GROUP_MANAGES),
    "supervision:public_groups": (lambda c: {}, PUBLIC),
    "supervision:public_group": (pk("group"), PUBLIC),
    "supervision:card_list": (lambda c: {}, LOGGED_IN_OK),
    "supervision:card_create": (pk("group"), GROUP_ACTS),
    "supervision:card_detail": (pk("card"), READ_COUNTY_A),
    "supervision:card_history": (pk("card"), READ_COUNTY_A),
    "supervision:card_pdf": (pk("card"), READ_COUNTY_A),
    "supervision:card_sign": (pk("card"), POST_ONLY),
    "supervision:card_answer": (pk("card"), UNIT_ANSWERS),
    "supervision:card_verify": (pk("card"), GROUP_ACTS),
    "supervision:card_extension": (pk("card"), UNIT_ANSWERS),
    "supervision:extension_decide": (pk("extension"), POST_ONLY),
    "supervision:evidence_download": (pk("evidence"), READ_COUNTY_A),
    "supervision:card_escalate": (pk("card"), GROUP_ACTS),
    "supervision:step_decide": (pk("interview"), LEADER_DECIDES),
    "supervision:step_outcome": (pk("reminder"), GROUP_ACTS),
    "supervision:step_document": (pk("reminder"), READ_COUNTY_A),
    "supervision:approvals": (lambda c: {}, LOGGED_IN_OK),
    "supervision:escalation_report": (pk("group"), READ_COUNTY_A),
}


PAGES = ALL_PAGES
