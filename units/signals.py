"""R0.1 events of the unit tree that other apps answer (units imports no app; apps listen here).

- ``unit_added``: a unit was added or imported (kwargs ``unit``, ``today``); the campaign gives it its
  obligations for the deadlines still ahead.
- ``unit_open_items``: asked before a unit closes; each receiver returns ``{name: count}`` of the
  open items that someone must decide about (``{"cards": 3}`` for open supervision cards).
- ``unit_closed``: sent inside the closing transaction (kwargs ``unit``, ``on``, ``by``, ``cards``:
  "transfer" or "close" or None, ``merged_into``); receivers cancel, transfer or close what the unit
  still owes.
"""
from __future__ import annotations

from django.dispatch import Signal

unit_added = Signal()
unit_open_items = Signal()
unit_closed = Signal()


def open_items(unit) -> dict[str, int]:
    """The open items other apps hold about ``unit`` (what closing it must settle)."""
    items: dict[str, int] = {}
    for _receiver, answer in unit_open_items.send(sender=type(unit), unit=unit):
        for name, count in (answer or {}).items():
            items[name] = items.get(name, 0) + count
    return items
