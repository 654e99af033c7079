"""R0.1 what the feedback app does when the unit tree changes (``units.signals``)."""
from __future__ import annotations

from django.dispatch import receiver

from units.signals import unit_closed, unit_open_items

from .services.messages import messages_settle_for_closed_unit, open_messages_of


@receiver(unit_open_items, dispatch_uid="feedback.open_messages")
def _open_messages(sender, unit, **kwargs) -> dict[str, int]:
    return {"messages": open_messages_of(unit).count()}


@receiver(unit_closed, dispatch_uid="feedback.settle_messages")
def _settle_messages(sender, unit, by, merged_into, **kwargs) -> None:
    messages_settle_for_closed_unit(unit=unit, merged_into=merged_into, by=by)
