"""R3.3, R5.3 reads behind the inspection pages and the cross-inspection report."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from units.models import Cadre, Unit
from units.scoping import in_scope, scope_q

from ..models import CrossInspection, CrossTarget, FindingResult, InspectionUnit, TargetKind, UnitFailing


def inspection_rows(qs: QuerySet, user) -> QuerySet:
    """R3.3 inspections with counts of units, inspected units and units with problems — counted over the
    inspected units of the user's subtree only (one query per page)."""
    mine = scope_q(user, "rows__unit__")
    return (qs.select_related("organising_unit", "leader")
            .annotate(unit_count=Count("rows", filter=mine),
                      done=Count("rows", filter=mine & ~Q(rows__result=FindingResult.PENDING)),
                      problems=Count("rows", filter=mine & Q(rows__result=FindingResult.PROBLEM)))
            .order_by("-start_date", "-pk"))


def inspection_units(inspection, user) -> list[InspectionUnit]:
    """R3.3 the inspected units the user sees, with their findings and failings (two queries)."""
    return list(inspection.rows.filter(scope_q(user, "unit__")).select_related("unit", "recorded_by")
                .prefetch_related("failings").order_by("unit__path"))


def cross_rows(qs: QuerySet, user) -> QuerySet:
    """R5.3 plans with their group, their targets by kind (counties to dissect, townships to verify) and how
    many of them have their finding (one query per page): all targets for those who act for the plan's group,
    the targets in their own subtree for the others. Targets are counted, never findings or failings."""
    from ..querysets import acts_for_plan_q

    mine = scope_q(user, "targets__unit__") | acts_for_plan_q(user)
    done = ~Q(targets__result=FindingResult.PENDING)
    dissect, verify = mine & Q(targets__kind=TargetKind.DISSECT), mine & Q(targets__kind=TargetKind.VERIFY)
    return (qs.select_related("group")
            .annotate(targets_count=Count("targets", filter=mine),
                      dissect_targets=Count("targets", filter=dissect),
                      verify_targets=Count("targets", filter=verify),
                      dissected=Count("targets", filter=dissect & done),
                      verified=Count("targets", filter=verify & done))
            .order_by("-start_date", "-pk"))


@dataclass
class CrossDetail:
    """R5.3 a plan with its targets, whether it is complete, and where its results go."""

    plan: CrossInspection
    targets: list[CrossTarget]
    complete: bool
    addressee: Unit | None = None
    addressee_leader: Cadre | None = None
    failings: dict[int, list[str]] = field(default_factory=dict)
    #: some targets are outside the viewer's subtree and left out (with the summary, which covers them)
    partial: bool = False


def cross_detail(pk: int, scoped: QuerySet, user=None) -> CrossDetail:
    """One plan from a scoped queryset, with everything its page and report show (fixed queries). Given
    ``user``, one who does not act for the plan's group sees only the targets in their own subtree."""
    from ..permissions import acts_for_group
    from ..services.cards import top_leader_of
    from ..services.inspections import cross_addressee, plan_is_complete

    plan = get_object_or_404(
        scoped.select_related("group__leading_unit", "created_by", "closed_by", "campaign").prefetch_related(
            Prefetch("targets", queryset=CrossTarget.objects.select_related("unit", "recorded_by")
                     .prefetch_related(Prefetch("failings", queryset=UnitFailing.objects.order_by("category")))
                     .order_by("kind", "unit__path"))),
        pk=pk)
    every = list(plan.targets.all())
    addressee = cross_addressee(plan, every) if every else None
    targets = every
    if user is not None and not acts_for_group(user, plan.group):
        targets = [t for t in every if in_scope(user, t.unit)]
    return CrossDetail(plan=plan, targets=targets, complete=plan_is_complete(every), addressee=addressee,
                       addressee_leader=top_leader_of(addressee) if addressee else None,
                       failings={t.pk: [f.get_category_display() for f in t.failings.all()] for t in targets},
                       partial=len(targets) < len(every))


def plan_state(plan: CrossInspection, today: datetime.date) -> tuple[str, str]:
    """R5.3 where a plan stands in time: (code, label); completeness is shown beside it."""
    from django.utils.translation import gettext as _

    if plan.is_closed:
        return "closed", _("Reported")
    if today < plan.start_date:
        return "planned", _("Planned")
    if today > plan.end_date:
        return "ended", _("Ended, not reported")
    return "running", _("Running")
