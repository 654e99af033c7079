"""Every number on a dashboard links to the list behind it: the existing list pages, limited to the
unit's subtree by ``?within=<code>``, which every list's unit filter (``units.filters.UnitFilter``)
reads as "this unit and everything below it, in the viewer's scope".

The list URLs are reversed once per page (``ListLinks``); each unit only adds its query string, so a
province's table of children costs no more than a few string joins per cell.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from django.urls import reverse

from units.filters import WITHIN
from units.models import Unit

# (link name, list URL name, fixed filters): the filters are each list's own (see the list views).
_LISTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("study_short", "campaign:study_shortfall", {}),
    ("study_all", "campaign:study_shortfall", {"everyone": "on"}),
    ("exams", "campaign:exams", {"resit": "no"}),
    ("exam_owed", "campaign:exam_owed", {}),
    ("research_short", "feedback:research_compliance", {}),
    ("research_all", "feedback:research_compliance", {"everyone": "on"}),
    ("opinion_gaps", "feedback:opinion_coverage", {"gaps": "on"}),
    ("opinions", "feedback:opinion_coverage", {}),
    ("cards", "supervision:card_list", {}),
    # ``open`` and ``escalated`` are the card list's filters for those states; a list without them
    # ignores the parameter and shows every card of the subtree
    ("cards_open", "supervision:card_list", {"open": "true"}),
    ("cards_overdue", "supervision:card_list", {"overdue": "true"}),
    ("cards_escalated", "supervision:card_list", {"open": "true", "escalated": "true"}),
    ("messages", "feedback:messages", {"show": "all"}),
    ("messages_overdue", "feedback:messages", {"show": "all", "overdue": "on"}),
)


@dataclass(frozen=True)
class UnitLinks:
    """The list links of one unit's subtree, as attributes for templates (``links.study_short``)."""

    urls: dict[str, str]

    def __getattr__(self, name: str) -> str:
        try:
            return self.urls[name]
        except KeyError:
            raise AttributeError(name) from None


class ListLinks:
    """Reverses the list pages once; ``for_unit`` adds a unit's filters."""

    def __init__(self) -> None:
        # each list's URL up to the unit's code, and its fixed filters after it (urlencode's output for
        # ``{WITHIN: code, **extra}``): a unit then costs one quoted code per link (issue 13: a province's
        # ranking encoded 2,500 query strings)
        self._bases = {name: (f"{reverse(url_name)}?{WITHIN}=", f"&{urlencode(extra)}" if extra else "")
                       for name, url_name, extra in _LISTS}
        # pk-based pages: reversed with a marker once, the pk substituted per unit
        self._progress = reverse("campaign:unit_progress", args=[0]).replace("/0/", "/{pk}/")
        self._dashboard = reverse("dashboards:unit", args=[0]).replace("/0/", "/{pk}/")

    def for_unit(self, unit: Unit) -> UnitLinks:
        code = quote_plus(unit.code)
        urls = {name: f"{base}{code}{extra}" for name, (base, extra) in self._bases.items()}
        urls["progress"] = self._progress.format(pk=unit.pk)
        urls["dashboard"] = self._dashboard.format(pk=unit.pk)
        return UnitLinks(urls)
