"""R0.1 what the supervision app does when the unit tree changes (``units.signals``)."""
from __future__ import annotations

from django.dispatch import receiver

from units.signals import unit_closed, unit_open_items

from .services.cards import cards_settle_for_closed_unit, open_cards_of


@receiver(unit_open_items, dispatch_uid="supervision.open_cards")
def _open_cards(sender, unit, **kwargs) -> dict[str, int]:
    return {"cards": open_cards_of(unit).count()}


@receiver(unit_closed, dispatch_uid="supervision.settle_cards")
def _settle_cards(sender, unit, on, by, cards, merged_into, **kwargs) -> None:
    cards_settle_for_closed_unit(unit=unit, action=cards, merged_into=merged_into, by=by, on=on)
