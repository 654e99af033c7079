"""The series the dashboard's ECharts draw, as one JSON-ready dict handed to the page with ``json_script``
(no data inside JavaScript strings). Labels are translated here, so the script needs no catalogue."""
from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .links import UnitLinks
from .selectors.dashboard import Dashboard


def chart_data(data: Dashboard, links: dict[int, UnitLinks]) -> dict:
    """``links``: each row's list links by unit pk (as the children table shows them)."""
    children = data.children
    return {
        "labels": {
            "done": _("Done"), "due": _("Not yet due"), "overdue": _("Overdue"), "progress": _("Progress (%)"),
            "overdue_count": _("Overdue obligations"), "received": _("Messages received"),
            "answered": _("Messages answered"), "units": _("Units that asked the group"),
        },
        # R5.1 each child's progress; a click on a bar opens that child's dashboard (drill-down)
        "children": {
            "names": [row.unit.name for row in children],
            "urls": [links[row.unit.pk].dashboard for row in children],
            "progress": [row.figures.progress_percent for row in children],
            "overdue": [row.figures.obligations_overdue for row in children],
        },
        "kinds": {
            "names": [str(label) for _kind, label, _counts in data.by_kind],
            "done": [counts["done"] for *_rest, counts in data.by_kind],
            "due": [counts["due"] for *_rest, counts in data.by_kind],
            "overdue": [counts["overdue"] for *_rest, counts in data.by_kind],
        },
        "cards": [{"name": str(label), "value": n} for _status, label, n in data.card_status if n],
        "messages": {
            "weeks": [date_format(monday, "MONTH_DAY_FORMAT") for monday, *_rest in data.message_weeks],
            "received": [received for _monday, received, _answered in data.message_weeks],
            "answered": [answered for _monday, _received, answered in data.message_weeks],
        },
        "opinions": {
            "names": [str(label) for _value, label, *_rest in data.opinion_groups],
            "units": [units for _value, _label, units, *_rest in data.opinion_groups],
        },
    }
