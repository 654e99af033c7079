"""R4.1 field research stays and R4.2 opinion seeking sessions: record, correct, delete."""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from campaign import policy as campaign_policy
from campaign.models import Campaign
from units.models import Cadre, Unit
from units.permissions import require

from ..errors import FeedbackError
from ..models import FieldResearchStay, OpinionSession, TargetGroup

# --- R4.2 opinion seeking

SESSION_FIELDS = ("target_group", "held_on", "form", "people_count", "opinion_count", "summary")


def _check_session(campaign: Campaign, fields: dict, today: datetime.date) -> None:
    if fields["target_group"] not in TargetGroup.values:
        raise FeedbackError(_("Choose the group whose opinions were sought."))
    error = campaign_policy.date_error(campaign, fields["held_on"])
    if error:
        raise FeedbackError(error)
    if fields["held_on"] > today:
        raise FeedbackError(_("A session is recorded once it has been held: the date is in the future."))
    if fields["people_count"] < 1:
        raise FeedbackError(_("At least one person must have been asked."))


@transaction.atomic
def opinion_session_record(*, campaign: Campaign, unit: Unit, fields: dict, today: datetime.date,
                           by) -> OpinionSession:
    """R4.2 a unit sought the opinions of one target group: how many people, how many opinions."""
    require(by, "feedback.record_opinion_session", unit)
    _check_session(campaign, fields, today)
    return OpinionSession.objects.create(campaign=campaign, unit=unit, recorded_by=by,
                                         **{k: fields[k] for k in SESSION_FIELDS})


@transaction.atomic
def opinion_session_update(*, session: OpinionSession, fields: dict, today: datetime.date, by) -> OpinionSession:
    """R4.2 correct a recorded session (its date within the campaign, as when recorded)."""
    require(by, "feedback.change_opinion_session", session)
    _check_session(session.campaign, fields, today)
    for key in SESSION_FIELDS:
        setattr(session, key, fields[key])
    session.save()
    return session


@transaction.atomic
def opinion_session_delete(*, session: OpinionSession, by) -> None:
    """R4.2 remove a session recorded by mistake."""
    require(by, "feedback.delete_opinion_session", session)
    session.delete()


# --- R4.1 field research stays

def _as_history_user(stay: FieldResearchStay, by) -> None:
    """Name ``by`` in the history row of the next save or delete (the request's user otherwise)."""
    if getattr(by, "is_authenticated", False):
        stay._history_user = by


def _check_stay(*, campaign: Campaign, cadre: Cadre, start: datetime.date, end: datetime.date,
                today: datetime.date, exclude_pk: int | None = None) -> None:
    if end < start:
        raise FeedbackError(_("The stay ends before it starts."))
    error = campaign_policy.date_error(campaign, start, end)
    if error:
        raise FeedbackError(error)
    if end > today:
        raise FeedbackError(_("Record a stay once it is over: the end date is in the future."))
    overlapping = FieldResearchStay.objects.filter(cadre=cadre, start_date__lte=end, end_date__gte=start)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.select_related("host_unit").first()
    if clash is not None:
        raise FeedbackError(_("%(cadre)s already stayed at %(unit)s from %(start)s to %(end)s; stays cannot overlap.")
                            % {"cadre": cadre.name, "unit": clash.host_unit.name, "start": clash.start_date,
                               "end": clash.end_date})


@transaction.atomic
def stay_record(*, campaign: Campaign, cadre: Cadre, host_unit: Unit, start_date: datetime.date,
                end_date: datetime.date, findings: str, today: datetime.date, by) -> FieldResearchStay:
    """R4.1 a cadre stayed at a host unit from one date to another (both counted), with the findings."""
    require(by, "feedback.record_research_stay", cadre)
    _check_stay(campaign=campaign, cadre=cadre, start=start_date, end=end_date, today=today)
    if not findings.strip():
        raise FeedbackError(_("Write down what the stay found."))
    stay = FieldResearchStay(campaign=campaign, cadre=cadre, host_unit=host_unit, start_date=start_date,
                             end_date=end_date, findings=findings.strip(), recorded_by=by)
    _as_history_user(stay, by)
    stay.save()
    return stay


@transaction.atomic
def stay_update(*, stay: FieldResearchStay, host_unit: Unit, start_date: datetime.date, end_date: datetime.date,
                findings: str, today: datetime.date, by) -> FieldResearchStay:
    """R4.1 correct a recorded stay (its dates within the campaign, as when recorded); the compliance of
    top leaders and the dashboards follow its days, and the change is kept in its history."""
    require(by, "feedback.change_research_stay", stay)
    _check_stay(campaign=stay.campaign, cadre=stay.cadre, start=start_date, end=end_date, today=today,
                exclude_pk=stay.pk)
    if not findings.strip():
        raise FeedbackError(_("Write down what the stay found."))
    stay.host_unit, stay.start_date, stay.end_date, stay.findings = host_unit, start_date, end_date, findings.strip()
    _as_history_user(stay, by)
    stay.save()
    return stay


@transaction.atomic
def stay_delete(*, stay: FieldResearchStay, by) -> None:
    """R4.1 remove a stay recorded by mistake; the deletion is kept in the stay's history."""
    require(by, "feedback.delete_research_stay", stay)
    _as_history_user(stay, by)
    stay.delete()
