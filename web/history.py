"""``HistoricalRecords`` whose history manager class is built once, not on every read of ``instance.history``.

django-simple-history's ``HistoryDescriptor.__get__`` returns ``HistoryManager.from_queryset(HistoricalQuerySet)(…)``
— a new manager class each time, its methods copied over by ``inspect.getmembers`` — and ``create_historical_record``
reads ``instance.history`` for every history row it writes: about 0.09 ms each, on every save of a record with
history (the public board's post among them). ``from_queryset`` of this manager keeps the class it built
(``history_manager`` is the library's own option for a custom manager); what it builds is unchanged.

Toolkit piece: imports no app.
"""
from __future__ import annotations

import functools

from simple_history import manager, models


class HistoryManager(manager.HistoryManager):
    """simple-history's manager; the class made for a queryset class is made once and kept."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(models.HistoricalRecords):
    """simple-history's ``HistoricalRecords`` with ``HistoryManager`` above as its default manager."""

    def __init__(self, *args, history_manager=HistoryManager, **kwargs):
        super().__init__(*args, history_manager=history_manager, **kwargs)
