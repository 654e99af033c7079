"""Who changed what and when: readable rows from django-simple-history records (issue 7, history)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class HistoryRow:
    when: object
    who: str
    kind: str
    subject: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def history_rows(records, subject=str) -> list[HistoryRow]:
    """Each record with the fields it changed against the record before it of the same object."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    previous: dict[object, object] = {}
    rows: list[HistoryRow] = []
    for record in ordered:
        changes = []
        before = previous.get(record.id)
        if before is not None and record.history_type == "~":
            for change in record.diff_against(before).changes:
                model_field = record.instance._meta.get_field(change.field)
                changes.append((str(model_field.verbose_name), _display(model_field, change.old),
                                _display(model_field, change.new)))
        user = record.history_user
        rows.append(HistoryRow(when=record.history_date, who=(user.get_full_name() or user.username) if user else "—",
                               kind=str(KINDS.get(record.history_type, record.history_type)),
                               subject=subject(record), changes=changes))
        previous[record.id] = record
    rows.reverse()  # newest first
    return rows


def _display(model_field, value) -> str:
    """A stored value as the pages show it: 是/否 for a yes-or-no field (not True/False), a choice by its
    label, a date in the reader's format (2014年4月30日)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)
