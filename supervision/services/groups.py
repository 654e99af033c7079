"""R1.3, R4.3: supervision groups: who sends them, who is in them, which units they supervise."""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from units.models import Unit

from ..errors import SupervisionError
from ..models import SupervisionGroup


@transaction.atomic
def group_save(*, group: SupervisionGroup, user=None, units: Iterable[Unit] | None = None,
               members: Iterable | None = None) -> SupervisionGroup:
    """R1.3 save a group; its assigned units must lie below the leading group that sends it. With ``user``
    (every page), the user must be allowed to create groups, or to change this one."""
    if user is not None:
        may = (user.has_perm("supervision.change_group", group) if group.pk
               else user.has_perm("supervision.create_group"))
        if not may:
            raise PermissionDenied
    if group.leading_unit_id is None:
        raise SupervisionError(_("Choose the leading group that sends the supervision group."))
    units = list(units) if units is not None else None
    if units is not None:
        outside = [u.name for u in units
                   if u.pk == group.leading_unit_id or not u.path.startswith(group.leading_unit.path)]
        if outside:
            raise SupervisionError(_("A group supervises units below its leading group; not: %(units)s.")
                                   % {"units": "、".join(outside)})
    if SupervisionGroup.objects.filter(card_prefix=group.card_prefix).exclude(pk=group.pk).exists():
        raise SupervisionError(_("Another group already numbers its cards with “%(prefix)s”.")
                               % {"prefix": group.card_prefix})
    group.save()
    if units is not None:
        group.units.set(units)
    if members is not None:
        group.members.set(list(members))
    return group
