"""R1.1: an upper activity office records its dispatches of a lower unit's top leader."""
from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import Campaign
from campaign.services.notifications import notify
from units.models import Unit

from ..errors import SupervisionError
from ..models import Attitude, Dispatch, DispatchAttitude, DispatchWay
from ..permissions import office_unit_above
from .cards import top_leader_of
from .common import moment, site_language, unit_answerer_ids


def _check(*, unit: Unit, date: datetime.date, way: str, attitudes: Sequence[str], findings: str, follow_up: str,
           follow_up_due: datetime.date | None, today: datetime.date) -> list[str]:
    """The rules of a dispatch record; returns the attitudes, once each, in catalogue order."""
    if date > today:
        raise SupervisionError(_("The dispatch date %(date)s is in the future.") % {"date": date_format(date)})
    if way not in DispatchWay.values:
        raise SupervisionError(_("Choose how the dispatch was held: meeting, phone or on site."))
    unknown = set(attitudes) - set(Attitude.values)
    if unknown:
        raise SupervisionError(_("Unknown attitude: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    if not findings.strip():
        raise SupervisionError(_("State what the dispatch found about how the top leader runs the campaign in "
                                 "%(unit)s.") % {"unit": unit.name})
    if follow_up_due is not None:
        if not follow_up.strip():
            raise SupervisionError(_("Say which follow-up is due by %(date)s.") % {"date": date_format(follow_up_due)})
        if follow_up_due < date:
            raise SupervisionError(_("The follow-up due date %(due)s is before the dispatch (%(date)s).")
                                   % {"due": date_format(follow_up_due), "date": date_format(date)})
    return [a for a in Attitude.values if a in set(attitudes)]


def _notify_unit(dispatch: Dispatch) -> None:
    if not dispatch.follow_up.strip():
        return
    with site_language():
        due = date_format(dispatch.follow_up_due) if dispatch.follow_up_due else "—"
        notify(user_ids=unit_answerer_ids(dispatch.unit), body=dispatch.follow_up,
               url=dispatch.get_absolute_url(),
               title=_("Dispatch of the top leader of %(unit)s on %(date)s: follow-up due %(due)s")
               % {"unit": dispatch.unit.name, "date": date_format(dispatch.date), "due": due})


@transaction.atomic
def dispatch_record(*, user, unit: Unit, date: datetime.date, way: str, attitudes: Sequence[str], findings: str,
                    follow_up: str = "", follow_up_due: datetime.date | None = None,
                    campaign: Campaign | None = None, today: datetime.date | None = None) -> Dispatch:
    """R1.1 an upper office records a dispatch of a lower unit's top leader: way, attitudes found
    (complacency, wait-and-see, fear of difficulty — any or none), findings and the follow-up."""
    today, now = moment(today)
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise SupervisionError(_("No campaign is active; dispatches belong to a campaign."))
    if not user.has_perm("supervision.record_dispatch", unit):
        raise SupervisionError(_("Only an activity office above %(unit)s records dispatches of its top leader.")
                               % {"unit": unit.name})
    found = _check(unit=unit, date=date, way=way, attitudes=attitudes, findings=findings, follow_up=follow_up,
                   follow_up_due=follow_up_due, today=today)
    leader = top_leader_of(unit)
    if leader is None:
        raise SupervisionError(_("%(unit)s has no top leader on record; add the cadre to the unit first.")
                               % {"unit": unit.name})
    grant = office_unit_above(user, unit)
    by_unit = Unit.objects.get(pk=grant.unit_id) if grant else (unit.get_parent() or unit)
    dispatch = Dispatch.objects.create(
        campaign=campaign, unit=unit, by_unit=by_unit, top_leader=leader, top_leader_name=leader.name, date=date,
        way=way, findings=findings.strip(), follow_up=follow_up.strip(), follow_up_due=follow_up_due,
        recorded_by=user, recorded_at=now)
    DispatchAttitude.objects.bulk_create([DispatchAttitude(dispatch=dispatch, attitude=a) for a in found])
    _notify_unit(dispatch)
    return dispatch


@transaction.atomic
def dispatch_update(*, user, dispatch: Dispatch, date: datetime.date, way: str, attitudes: Sequence[str],
                    findings: str, follow_up: str = "", follow_up_due: datetime.date | None = None,
                    follow_up_done_on: datetime.date | None = None, follow_up_result: str = "",
                    today: datetime.date | None = None) -> Dispatch:
    """R1.1 correct a dispatch record and report its follow-up done."""
    today, _now = moment(today)
    dispatch = Dispatch.objects.select_for_update().select_related("unit").get(pk=dispatch.pk)
    if not user.has_perm("supervision.change_dispatch", dispatch):
        raise SupervisionError(_("Only an activity office above %(unit)s records dispatches of its top leader.")
                               % {"unit": dispatch.unit.name})
    found = _check(unit=dispatch.unit, date=date, way=way, attitudes=attitudes, findings=findings,
                   follow_up=follow_up, follow_up_due=follow_up_due, today=today)
    if follow_up_done_on is not None:
        if follow_up_done_on > today or follow_up_done_on < date:
            raise SupervisionError(_("The follow-up cannot be done on %(done)s: that is before the dispatch or "
                                     "in the future.") % {"done": date_format(follow_up_done_on)})
        if not follow_up_result.strip():
            raise SupervisionError(_("Describe the result of the follow-up."))
    dispatch.date, dispatch.way, dispatch.findings = date, way, findings.strip()
    dispatch.follow_up, dispatch.follow_up_due = follow_up.strip(), follow_up_due
    dispatch.follow_up_done_on, dispatch.follow_up_result = follow_up_done_on, follow_up_result.strip()
    dispatch.save()
    dispatch.attitudes.exclude(attitude__in=found).delete()
    DispatchAttitude.objects.bulk_create([DispatchAttitude(dispatch=dispatch, attitude=a) for a in found],
                                         ignore_conflicts=True)
    return dispatch
