"""R2.1, R2.2, R2.4, R2.5: study plans and study sessions with attendance; every rule of the study area."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

import rules
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from units.models import Cadre, Unit
from units.signals import figures_touched
from web.errors import AlreadyRecorded

from .. import policy
from ..errors import CampaignError
from ..models import COMPULSORY_TEXT, Attendance, Campaign, ObligationKind, SessionKind, StudyPlan, StudySession
from . import campaign as campaign_services

#: R2.4 the forms of study that fulfil a grassroots organisation's obligation of the same name.
FULFILS: dict[str, str] = {
    SessionKind.COLLECTIVE_STUDY: ObligationKind.COLLECTIVE_STUDY,
    SessionKind.EDUCATION_FILM: ObligationKind.EDUCATION_FILM,
    SessionKind.PARTY_LECTURE: ObligationKind.PARTY_LECTURE,
}


_SYSTEM = object()  # the default "by" of callers acting as the system (demo loader, tests of rules): no check


def _require(perm: str, by, obj, unit: Unit) -> None:
    """Refuse unless ``by`` holds ``perm`` on ``obj`` (campaign/permissions.py); the system may."""
    if by is not _SYSTEM and by is not None and not rules.has_perm(perm, by, obj):
        raise CampaignError(_("You may not record the study of %(unit)s.") % {"unit": unit.name})


def obligation_fulfilled_by(session: StudySession) -> str | None:
    """R2.4 the obligation a session counts towards: its form is one of the three and its unit owes it."""
    kind = FULFILS.get(session.kind)
    return kind if kind and policy.unit_owes(session.unit, kind) else None


def _squeeze(text: str) -> str:
    return "".join((text or "").split())


def _check_plan(*, start_date: datetime.date, end_date: datetime.date, required_texts: str) -> None:
    # Whitespace and line breaks do not matter; the speech itself must stay on the list.
    if _squeeze(COMPULSORY_TEXT) not in _squeeze(required_texts):
        raise CampaignError(_("The required texts must include the compulsory text: %(text)s.")
                            % {"text": COMPULSORY_TEXT})
    if end_date < start_date:
        raise CampaignError(_("The plan ends before it starts."))


@transaction.atomic
def plan_create(*, campaign: Campaign, unit: Unit, title: str, topics: str, required_texts: str, schedule: str,
                start_date: datetime.date, end_date: datetime.date, by=_SYSTEM) -> StudyPlan:
    """R2.1 a unit's study plan: topics, required texts (the Lankao speech compulsory), schedule, dates."""
    _require("campaign.add_study_plan", by, unit, unit)
    _check_plan(start_date=start_date, end_date=end_date, required_texts=required_texts)
    return StudyPlan.objects.create(campaign=campaign, unit=unit, title=title, topics=topics,
                                    required_texts=required_texts, schedule=schedule, start_date=start_date,
                                    end_date=end_date)


@transaction.atomic
def plan_update(*, plan: StudyPlan, title: str, topics: str, required_texts: str, schedule: str,
                start_date: datetime.date, end_date: datetime.date, by=_SYSTEM) -> StudyPlan:
    """R2.1 change a study plan under the same rules as when it was made."""
    _require("campaign.change_study_plan", by, plan, plan.unit)
    _check_plan(start_date=start_date, end_date=end_date, required_texts=required_texts)
    plan.title, plan.topics, plan.required_texts, plan.schedule = title, topics, required_texts, schedule
    plan.start_date, plan.end_date = start_date, end_date
    plan.save(update_fields=["title", "topics", "required_texts", "schedule", "start_date", "end_date"])
    return plan


def _check_attendees(unit: Unit, cadre_ids: list[int]) -> None:
    if len(set(cadre_ids)) != len(cadre_ids):
        raise CampaignError(_("A cadre is listed twice in the attendance."))
    found = set(Cadre.objects.filter(pk__in=cadre_ids, unit=unit).values_list("pk", flat=True))
    if found != set(cadre_ids):
        raise CampaignError(_("Only cadres of %(unit)s can be recorded as attending its study session.")
                            % {"unit": unit.name})


def _check_session(*, campaign: Campaign, unit: Unit, kind: str, date: datetime.date, hours: Decimal | None,
                   plan: StudyPlan | None, cadre_ids: list[int]) -> None:
    """The rules a session meets when recorded and when corrected (R2.2, R2.4, X2 dates in the campaign)."""
    if kind not in SessionKind.values:
        raise CampaignError(_("Unknown form of study."))
    error = policy.date_error(campaign, date)
    if error:
        raise CampaignError(error)
    if hours is None or hours <= 0:
        raise CampaignError(_("The hours of study must be more than zero."))
    if plan is not None and (plan.unit_id != unit.pk or plan.campaign_id != campaign.pk):
        raise CampaignError(_("The study plan belongs to another unit."))
    _check_attendees(unit, cadre_ids)


@transaction.atomic
def session_record(*, campaign: Campaign, unit: Unit, kind: str, date: datetime.date, topic: str, hours: Decimal,
                   attendee_ids: Iterable[int], content: str = "", plan: StudyPlan | None = None,
                   user=None) -> StudySession:
    """R2.2, R2.4, R2.5 record a unit's study session with its attendance; the session fulfils the
    unit's collective-study, education-film or party-lecture obligation (R2.4). ``user`` (when given)
    must hold ``campaign.record_study`` on the unit."""
    _require("campaign.record_study", user, unit, unit)
    cadre_ids = [int(pk) for pk in attendee_ids]
    _check_session(campaign=campaign, unit=unit, kind=kind, date=date, hours=hours, plan=plan, cadre_ids=cadre_ids)
    existing = StudySession.objects.filter(campaign=campaign, unit=unit, date=date, kind=kind, topic=topic).first()
    if existing is not None:
        # its natural key: a form sent twice (from two pages, each with its own token) is not stored twice;
        # the page shows the session already recorded
        raise AlreadyRecorded(_("%(unit)s already has this session on record: %(kind)s on %(date)s, “%(topic)s”. "
                              "It is not recorded twice.") % {"unit": unit.name, "kind": SessionKind(kind).label,
                                                              "date": date_format(date), "topic": topic},
                              existing)
    session = StudySession.objects.create(campaign=campaign, unit=unit, plan=plan, kind=kind, date=date,
                                          topic=topic, content=content, hours=hours,
                                          recorded_by=user if getattr(user, "is_authenticated", False) else None)
    Attendance.objects.bulk_create([Attendance(session=session, cadre_id=pk) for pk in cadre_ids])
    figures_touched((), Cadre.objects.filter(pk__in=list(cadre_ids)).values("unit_id"))  # issue 13
    _fulfil(session)
    return session


def _fulfil(session: StudySession) -> None:
    obligation = FULFILS.get(session.kind)
    if obligation:
        campaign_services.obligation_fulfil(
            campaign=session.campaign, unit=session.unit, kind=obligation, on=session.date, note=session.topic,
            url=_session_url(session))


def _session_url(session: StudySession) -> str:
    return reverse("campaign:study_session_detail", args=[session.pk])


def _hand_over(*, campaign: Campaign, unit: Unit, kind: str, url: str) -> None:
    """R2.4 if the session at ``url`` fulfilled the unit's obligation of form ``kind``, the obligation
    opens again and falls to the unit's earliest session of that form still on record (if any)."""
    obligation = FULFILS.get(kind)
    if not obligation or not campaign.obligations.filter(unit=unit, kind=obligation, evidence_url=url).exists():
        return
    campaign_services.obligation_reopen(campaign=campaign, unit=unit, kind=obligation)
    successor = StudySession.objects.filter(campaign=campaign, unit=unit, kind=kind).order_by("date", "pk").first()
    if successor is not None:
        _fulfil(successor)


def _as_history_user(record, by) -> None:
    """Name ``by`` in the history row of the next save or delete (the request's user otherwise)."""
    if by is not _SYSTEM and getattr(by, "is_authenticated", False):
        record._history_user = by


def _attendance_change(before: set[int], after: set[int]) -> str:
    """A line for the history row: who was added to and removed from the attendance (at most 100 characters)."""
    if before == after:
        return ""
    names = dict(Cadre.objects.filter(pk__in=before ^ after).values_list("pk", "name"))
    added = "、".join(names[pk] for pk in sorted(after - before)) or "—"
    removed = "、".join(names[pk] for pk in sorted(before - after)) or "—"
    text = _("Attendance: added %(added)s; removed %(removed)s") % {"added": added, "removed": removed}
    return text if len(text) <= 100 else text[:99] + "…"


@transaction.atomic
def session_update(*, session: StudySession, kind: str, date: datetime.date, topic: str, hours: Decimal,
                   attendee_ids: Iterable[int], content: str = "", plan: StudyPlan | None = None,
                   by=_SYSTEM) -> StudySession:
    """R2.2, R2.4 correct a recorded session under the rules it was recorded by; the attendance, the
    shortfall it feeds and the obligation it fulfils follow, and the change is kept in its history."""
    _require("campaign.change_study_session", by, session, session.unit)
    cadre_ids = [int(pk) for pk in attendee_ids]
    campaign, unit = session.campaign, session.unit
    _check_session(campaign=campaign, unit=unit, kind=kind, date=date, hours=hours, plan=plan, cadre_ids=cadre_ids)
    if StudySession.objects.filter(campaign=campaign, unit=unit, date=date, kind=kind, topic=topic).exclude(
            pk=session.pk).exists():
        # the natural key session_record keeps unique: a correction must not make two of one session
        raise CampaignError(_("%(unit)s already has this session on record: %(kind)s on %(date)s, “%(topic)s”.")
                            % {"unit": unit.name, "kind": SessionKind(kind).label, "date": date_format(date),
                               "topic": topic})
    old_kind = session.kind
    before = set(session.attendance.values_list("cadre_id", flat=True))
    after = set(cadre_ids)
    session.kind, session.date, session.topic, session.content, session.hours, session.plan = (
        kind, date, topic, content, hours, plan)
    _as_history_user(session, by)
    reason = _attendance_change(before, after)
    if reason:
        session._change_reason = reason
    session.save()
    session.__dict__.pop("_change_reason", None)
    session.attendance.filter(cadre_id__in=before - after).delete()
    Attendance.objects.bulk_create([Attendance(session=session, cadre_id=pk) for pk in cadre_ids if pk not in before])
    figures_touched((), Cadre.objects.filter(pk__in=list(after - before)).values("unit_id"))  # issue 13
    # the obligation the session fulfilled (its old form) is handed over again: its date, topic or form
    # may have changed, and the first session of the form counts; then its new form's obligation
    _hand_over(campaign=campaign, unit=unit, kind=old_kind, url=_session_url(session))
    _fulfil(session)
    return session


@transaction.atomic
def session_delete(*, session: StudySession, by=_SYSTEM) -> None:
    """R2.4 withdraw a session recorded by mistake; an obligation it fulfilled falls to the unit's
    next session of the same form, or opens again. The deletion is kept in the session's history."""
    _require("campaign.delete_study_session", by, session, session.unit)
    url = _session_url(session)
    campaign, unit, kind = session.campaign, session.unit, session.kind
    _as_history_user(session, by)
    session.delete()
    _hand_over(campaign=campaign, unit=unit, kind=kind, url=url)
