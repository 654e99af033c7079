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

from django.conf import settings
from django.utils import timezone
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

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        if self.cls is sender:
            sender._history_records = self  # issue 13: for a writer that stores the model in its own statement

    def own_values(self, instance, history_type: str) -> dict | None:
        """The history row's own columns for ``instance`` (by attname), drawn as ``create_historical_record``
        draws them — the date, the user of the request (or the instance's ``_history_user``), the change reason —
        for a writer that inserts the row itself (``feedback.services.arrival``); None when no row is kept."""
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or hasattr(instance, "skip_history_when_saving"):
            return None
        user = self.get_history_user(instance)
        return {"history_date": getattr(instance, "_history_date", timezone.now()),
                "history_user_id": getattr(user, "pk", None),
                "history_change_reason": self.get_change_reason_for_object(instance, history_type, None),
                "history_type": history_type}
