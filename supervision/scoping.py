"""Group membership widens a user's scope (DESIGN "Scoping"): to the group's assigned units, and
while a cross-inspection plan of the group runs, to the plan's target units (R5.3)."""
from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from units.scoping import Grant


def supervision_grants(user) -> list[Grant]:
    """R1.3, R5.3: a "supervisor" grant on each unit assigned to an active group the user leads or belongs
    to, and on each target of a running cross inspection of such a group (one query for both)."""
    from .models import CrossTarget, SupervisionGroup

    through = SupervisionGroup.units.through
    fields = ("unit_id", "unit__path", "unit__name", "unit__depth")
    assigned = (through.objects
                .filter(Q(supervisiongroup__leader=user) | Q(supervisiongroup__members=user),
                        supervisiongroup__is_active=True)
                .order_by().values_list(*fields))
    today = timezone.localdate()
    # outside the plan's dates (or once it is reported) the targets are out of scope again: a 404
    crossing = (CrossTarget.objects
                .filter(Q(plan__group__leader=user) | Q(plan__group__members=user), plan__group__is_active=True,
                        plan__closed_at__isnull=True, plan__start_date__lte=today, plan__end_date__gte=today)
                .order_by().values_list(*fields))
    rows = sorted(set(assigned.union(crossing)), key=lambda row: row[1])
    return [Grant("supervisor", unit_id, path, name, depth) for unit_id, path, name, depth in rows]
