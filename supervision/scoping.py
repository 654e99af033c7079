"""Group membership widens a user's scope to the group's assigned units (DESIGN "Scoping")."""
from __future__ import annotations

from django.db.models import Q

from units.scoping import Grant


def supervision_grants(user) -> list[Grant]:
    """R1.3: a "supervisor" grant on each unit assigned to an active group the user leads or belongs to."""
    from .models import SupervisionGroup

    through = SupervisionGroup.units.through
    rows = (through.objects
            .filter(Q(supervisiongroup__leader=user) | Q(supervisiongroup__members=user),
                    supervisiongroup__is_active=True)
            .values_list("unit_id", "unit__path", "unit__name", "unit__depth")
            .order_by("unit__path")
            .distinct())
    return [Grant("supervisor", unit_id, path, name, depth) for unit_id, path, name, depth in rows]
