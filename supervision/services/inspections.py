"""R3.3 special inspections and their focus units; R5.3 cross inspections and their report."""
from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import Campaign
from campaign.services.notifications import notify
from units.models import Cadre, Level, Rank, RoleAssignment, Unit
from units.permissions import manages_unit, require
from units.scoping import WRITE_ROLES, in_scope


from ..errors import SupervisionError
from ..models import (
    R54_CATEGORIES,
    CrossInspection,
    CrossTarget,
    FailingSource,
    FindingResult,
    InspectionUnit,
    SpecialInspection,
    SupervisionGroup,
    TargetKind,
)
from .common import moment, site_language
from .keycontact import failings_sync


def _check_dates(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise SupervisionError(_("The end date %(end)s is before the start date %(start)s.")
                               % {"end": date_format(end), "start": date_format(start)})


def _check_finding(result: str, finding: str, failings: Sequence[str]) -> list[str]:
    """A finding's result and text; the R5.4 failings it names (only with problems found)."""
    if result not in (FindingResult.CLEAR, FindingResult.PROBLEM):
        raise SupervisionError(_("Choose the result: no problem found, or problems found."))
    if not finding.strip():
        raise SupervisionError(_("Write down the findings."))
    unknown = set(failings) - set(R54_CATEGORIES)
    if unknown:
        raise SupervisionError(_("Unknown failing: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    if failings and result != FindingResult.PROBLEM:
        raise SupervisionError(_("Failings are problems: choose “problems found” to record them."))
    return list(dict.fromkeys(failings))


# --- R3.3 special inspections

@transaction.atomic
def inspection_create(*, user, title: str, organising_unit: Unit, leader: Cadre, units: Sequence[Unit],
                      start_date: datetime.date, end_date: datetime.date, topic: str = "",
                      campaign: Campaign | None = None, today: datetime.date | None = None) -> SpecialInspection:
    """R3.3 a special inspection led by a department-level cadre over units below the organising office."""
    _today, now = moment(today)
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise SupervisionError(_("No campaign is active; inspections belong to a campaign."))
    if not (user.has_perm("supervision.create_inspection") and manages_unit(user, organising_unit)):
        raise SupervisionError(_("Only the activity office of %(unit)s organises its inspections.")
                               % {"unit": organising_unit.name})
    if leader.rank != Rank.DEPARTMENT:
        raise SupervisionError(_("%(name)s is not a department-level cadre; a special inspection is led by one.")
                               % {"name": leader.name})
    if not title.strip():
        raise SupervisionError(_("Give the inspection a title."))
    _check_dates(start_date, end_date)
    units = list(dict.fromkeys(units))
    if not units:
        raise SupervisionError(_("Choose the units to inspect."))
    outside = [u.name for u in units if u.pk == organising_unit.pk or not u.path.startswith(organising_unit.path)
               or not in_scope(user, u, WRITE_ROLES)]
    if outside:
        raise SupervisionError(_("An inspection covers units below the organising office, in your scope; not: "
                                 "%(units)s.") % {"units": "、".join(outside)})
    inspection = SpecialInspection.objects.create(
        campaign=campaign, title=title.strip(), organising_unit=organising_unit, leader=leader,
        leader_name=leader.name, topic=topic.strip(), start_date=start_date, end_date=end_date, created_by=user,
        created_at=now)
    InspectionUnit.objects.bulk_create([InspectionUnit(inspection=inspection, unit=u) for u in units])
    return inspection


@transaction.atomic
def inspection_finding_record(*, user, row: InspectionUnit, result: str, finding: str, failings: Sequence[str] = (),
                              today: datetime.date | None = None) -> InspectionUnit:
    """R3.3, R5.4 the findings at one inspected unit: problems make it a focus unit, R5.4 failings put it on
    key contact."""
    today, now = moment(today)
    row = InspectionUnit.objects.select_for_update().select_related("inspection", "unit").get(pk=row.pk)
    if not user.has_perm("supervision.record_inspection_finding", row):
        raise SupervisionError(_("Only the organising activity office records the findings."))
    if today < row.inspection.start_date:
        raise SupervisionError(_("The inspection starts on %(date)s; findings come after that.")
                               % {"date": date_format(row.inspection.start_date)})
    failings = _check_finding(result, finding, failings)
    row.result, row.finding, row.recorded_by, row.recorded_at = result, finding.strip(), user, now
    row.save(update_fields=["result", "finding", "recorded_by", "recorded_at"])
    failings_sync(campaign=row.inspection.campaign, unit=row.unit, categories=failings, noted_on=today,
                  source=FailingSource.INSPECTION, inspection_row=row)
    return row


# --- R5.3 cross inspections

def _overlaps(a: Unit, b: Unit) -> bool:
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def target_kind_for(unit: Unit) -> str | None:
    """R5.3 a county is dissected, a township verified; other levels are no cross-inspection target."""
    return {Level.COUNTY: TargetKind.DISSECT, Level.TOWNSHIP: TargetKind.VERIFY}.get(unit.level)


def own_region_refusal(group: SupervisionGroup, unit: Unit) -> str | None:
    """Why ``unit`` lies in the group's own region (the units it is assigned to supervise), or None.

    R5.3: the upper leading group sends its groups across regions, so the region that counts is
    the one a group supervises, not the leading group's whole subtree: a provincial group assigned
    to 石家庄市 may cross into 唐山市, and a city's group may swap counties with another group.
    """
    for assigned in group.units.all():
        if _overlaps(unit, assigned):
            return _("%(unit)s is in the group's own region (%(region)s); a cross inspection goes into another "
                     "region.") % {"unit": unit.name, "region": assigned.name}
    return None


@transaction.atomic
def cross_plan_save(*, user, group: SupervisionGroup, title: str, start_date: datetime.date,
                    end_date: datetime.date, targets: Sequence[Unit], plan: CrossInspection | None = None,
                    campaign: Campaign | None = None, today: datetime.date | None = None) -> CrossInspection:
    """R5.3 plan (or change) a group's cross inspection into counties and townships of another region."""
    require(user, "supervision.change_cross_inspection" if plan is not None else "supervision.plan_cross_inspection",
            plan if plan is not None else group)
    _today, now = moment(today)
    if plan is not None:
        plan = CrossInspection.objects.select_for_update().get(pk=plan.pk)
        if plan.is_closed:
            raise SupervisionError(_("This cross inspection is reported and closed."))
        campaign = plan.campaign
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise SupervisionError(_("No campaign is active; cross inspections belong to a campaign."))
    if not group.is_active:
        raise SupervisionError(_("This supervision group is no longer active."))
    if not title.strip():
        raise SupervisionError(_("Give the plan a title."))
    _check_dates(start_date, end_date)
    targets = list(dict.fromkeys(targets))
    if not targets:
        raise SupervisionError(_("Choose at least one county to dissect or township to verify."))
    for unit in targets:
        refusal = own_region_refusal(group, unit)
        if refusal:
            raise SupervisionError(refusal)
        if target_kind_for(unit) is None:
            raise SupervisionError(_("%(unit)s is neither a county nor a township: a cross inspection dissects "
                                     "counties and verifies townships.") % {"unit": unit.name})
        if not in_scope(user, unit, WRITE_ROLES):
            raise SupervisionError(_("%(unit)s is outside your scope.") % {"unit": unit.name})
    if plan is None:
        plan = CrossInspection.objects.create(campaign=campaign, group=group, title=title.strip(),
                                              start_date=start_date, end_date=end_date, created_by=user,
                                              created_at=now)
    else:
        plan.title, plan.start_date, plan.end_date = title.strip(), start_date, end_date
        plan.save(update_fields=["title", "start_date", "end_date"])
        dropped = plan.targets.exclude(unit__in=[u.pk for u in targets])
        recorded = [t.unit.name for t in dropped.select_related("unit") if t.has_finding]
        if recorded:
            raise SupervisionError(_("Findings are recorded for %(units)s; such a target stays in the plan.")
                                   % {"units": "、".join(recorded)})
        dropped.delete()
    present = set(plan.targets.values_list("unit_id", flat=True))
    CrossTarget.objects.bulk_create([CrossTarget(plan=plan, unit=u, kind=target_kind_for(u))
                                     for u in targets if u.pk not in present])
    return plan


@transaction.atomic
def cross_finding_record(*, user, target: CrossTarget, result: str, finding: str, failings: Sequence[str] = (),
                         today: datetime.date | None = None) -> CrossTarget:
    """R5.3, R5.4 the group's findings at a county it dissects or a township it verifies, while the plan runs."""
    require(user, "supervision.record_cross_finding", target)
    today, now = moment(today)
    target = CrossTarget.objects.select_for_update().select_related("plan", "unit").get(pk=target.pk)
    plan = target.plan
    if not plan.is_running(today):
        raise SupervisionError(_("Findings are recorded while the plan runs (%(start)s to %(end)s, not yet reported).")
                               % {"start": date_format(plan.start_date), "end": date_format(plan.end_date)})
    failings = _check_finding(result, finding, failings)
    target.result, target.finding, target.recorded_by, target.recorded_at = result, finding.strip(), user, now
    target.save(update_fields=["result", "finding", "recorded_by", "recorded_at"])
    failings_sync(campaign=plan.campaign, unit=target.unit, categories=failings, noted_on=today,
                  source=FailingSource.CROSS, cross_target=target)
    return target


def plan_is_complete(targets: Sequence[CrossTarget]) -> bool:
    """R5.3 at least one county dissected and one township verified, each with findings."""
    done = {t.kind for t in targets if t.has_finding}
    return {TargetKind.DISSECT, TargetKind.VERIFY} <= done


def cross_addressee(plan: CrossInspection, targets: Sequence[CrossTarget]) -> Unit:
    """R5.3 the upper party committee the results go to: the nearest unit above both the group's home
    and every target (the committee whose leading group sends groups across these regions)."""
    paths = [plan.group.leading_unit.path, *[t.unit.path for t in targets]]
    common = paths[0]
    for path in paths[1:]:
        end = 0
        while end < min(len(common), len(path)) and common[end] == path[end]:
            end += 1
        common = common[:end]
    common = common[: len(common) - len(common) % Unit.steplen] or paths[0][: Unit.steplen]
    # the group's home contains no target, so the committee sits strictly above the home whenever targets exist
    return Unit.objects.get(path=common)


@transaction.atomic
def cross_close(*, user, plan: CrossInspection, summary: str, today: datetime.date | None = None) -> CrossInspection:
    """R5.3 report a complete cross inspection: the results go to the top leader of the upper party committee."""
    require(user, "supervision.close_cross_inspection", plan)
    _today, now = moment(today)
    plan = CrossInspection.objects.select_for_update().select_related("group__leading_unit").get(pk=plan.pk)
    if plan.is_closed:
        raise SupervisionError(_("This cross inspection is reported and closed."))
    targets = list(plan.targets.select_related("unit"))
    if not plan_is_complete(targets):
        raise SupervisionError(_("The plan is incomplete: it needs at least one county dissected and one township "
                                 "verified, each with findings."))
    if not summary.strip():
        raise SupervisionError(_("Write the overall conclusion of the cross inspection."))
    plan.summary, plan.closed_by, plan.closed_at = summary.strip(), user, now
    plan.save(update_fields=["summary", "closed_by", "closed_at"])
    addressee = cross_addressee(plan, targets)
    leaders = set(RoleAssignment.objects.filter(unit=addressee, role="leader", user__is_active=True)
                  .values_list("user_id", flat=True))
    with site_language():
        notify(user_ids=leaders, url=reverse("supervision:cross_report", args=[plan.pk]), body=plan.summary,
               title=_("Cross inspection by %(group)s reported: %(title)s") % {"group": plan.group.name,
                                                                               "title": plan.title})
    return plan
