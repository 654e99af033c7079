"""R0.1 what the campaign does when the unit tree changes (``units.signals``)."""
from __future__ import annotations

from django.dispatch import receiver

from units.signals import unit_added, unit_closed

from .services.campaign import obligations_cancel_for_unit, obligations_for_new_unit


@receiver(unit_added, dispatch_uid="campaign.obligations_for_new_unit")
def _new_unit_owes(sender, unit, today, **kwargs) -> None:
    obligations_for_new_unit(unit=unit, today=today)


@receiver(unit_closed, dispatch_uid="campaign.cancel_obligations")
def _closed_unit_owes_nothing(sender, unit, on, **kwargs) -> None:
    obligations_cancel_for_unit(unit=unit, on=on)
