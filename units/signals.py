"""R0.1 events of the unit tree that other apps answer (units imports no app; apps listen here).

- ``unit_added``: a unit was added or imported (kwargs ``unit``, ``today``); the campaign gives it its
  obligations for the deadlines still ahead.
- ``unit_open_items``: asked before a unit closes; each receiver returns ``{name: count}`` of the
  open items that someone must decide about (``{"cards": 3}`` for open supervision cards).
- ``unit_closed``: sent inside the closing transaction (kwargs ``unit``, ``on``, ``by``, ``cards``:
  "transfer" or "close" or None, ``merged_into``); receivers cancel, transfer or close what the unit
  still owes.
- ``figures_changed``: records were written in bulk (no model signal) in a way that may change the
  dashboards' figures of some units (kwargs ``unit_ids``, ``units``: querysets of unit ids, ``cadres``: the
  records are cadres); sent inside the writing transaction through ``figures_touched`` (issue 13:
  ``dashboards.rollups`` marks them).

``figures_quiet()``: a bulk loader that rebuilds the rollups itself afterwards (``demo_data``) asks the
receivers not to mark units one write at a time meanwhile.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

unit_added = Signal()
unit_open_items = Signal()
unit_closed = Signal()
figures_changed = Signal()

_quiet: ContextVar[bool] = ContextVar("figures_quiet", default=False)


@contextmanager
def figures_quiet():
    """Within: writes mark no figures (the caller rebuilds the rollups once it is done)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def figures_are_quiet() -> bool:
    return _quiet.get()


def figures_touched(unit_ids=(), *units, cadres: bool = False) -> None:
    """Issue 13: tell the dashboards' rollups that these units' records changed (ids and querysets of unit
    ids) — ``cadres=True`` when the records are cadres, which the home page's figures count; call it in the
    transaction that wrote them in bulk."""
    figures_changed.send(sender=None, unit_ids=unit_ids, units=units, cadres=cadres)


def open_items(unit) -> dict[str, int]:
    """The open items other apps hold about ``unit`` (what closing it must settle)."""
    items: dict[str, int] = {}
    for _receiver, answer in unit_open_items.send(sender=type(unit), unit=unit):
        for name, count in (answer or {}).items():
            items[name] = items.get(name, 0) + count
    return items
