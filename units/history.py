"""Who changed what and when: readable rows from django-simple-history records (issue 7, history)."""
from __future__ import annotations

from dataclasses import dataclass, field

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
                label = str(record.instance._meta.get_field(change.field).verbose_name)
                changes.append((label, _display(change.old), _display(change.new)))
        user = record.history_user
        rows.append(HistoryRow(when=record.history_date, who=(user.get_full_name() or user.username) if user else "—",
                               kind=str(KINDS.get(record.history_type, record.history_type)),
                               subject=subject(record), changes=changes))
        previous[record.id] = record
    rows.reverse()  # newest first
    return rows


def _display(value) -> str:
    return "—" if value in (None, "") else str(value)
