"""Issue 12 item 3: the one search box of the header, over units, cadres, supervision cards, public messages
and notices — each kind through its model's scoped door (``visible_to``, R0.1), one query per kind.

Chinese text is matched by substring (``icontains``; cadres through ``CadreQuerySet.matching``, the cadre list's).
Each group carries its total in the same query (``COUNT(*) OVER ()`` is computed before the ``LIMIT``), so the
page shows "N found" and the first ``limit`` rows without a second query per kind.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Window
from django.urls import reverse

from campaign.models import Notice
from feedback.models import Message
from feedback.policy import CODE_LENGTH, normalise_tracking_code, tracking_code_candidates
from supervision.models import SupervisionCard
from units.filters import UNIT_STATUS_ALL
from units.models import Cadre, Unit
from units.querysets import unit_matching_q

#: The longest text the box accepts (a card or document number, a name, a phrase of a message).
MAX_QUERY_LENGTH = 100
#: Rows shown per kind; the group's "more" link opens the kind's own list with the same filter.
PER_KIND = 8

_OPENING = str.maketrans({"[": "〔", "(": "〔", "【": "〔", "［": "〔", "（": "〔",
                          "]": "〕", ")": "〕", "】": "〕", "］": "〕", "）": "〕"})


def number_fragment(text: str) -> str:
    """R1.3, X3 what a user typed of a card or document number (``石督卡〔2026〕3号``), as stored: no spaces,
    full-width digits made ASCII, any bracket made 〔〕; a serial is closed by 号 so that ``3号`` or
    ``〔2026〕3`` does not also find the 13th or the 31st card (``〕3号`` is what every 3rd card contains)."""
    fragment = unicodedata.normalize("NFKC", "".join((text or "").split())).translate(_OPENING)
    if re.fullmatch(r".*〕\d+", fragment):  # 〔2026〕3 → 〔2026〕3号
        fragment += "号"
    if re.fullmatch(r"\d+号", fragment):  # 3号 → 〕3号: the serial, not the end of a longer one
        fragment = "〕" + fragment
    return fragment


def tracking_codes(text: str) -> list[str]:
    """R4.4 the stored codes a typed tracking code may mean, forgiving case, spaces, dashes and look-alike
    characters exactly as the public tracking page does (older codes with I or L included); empty unless the
    text is a whole code."""
    compact = re.sub(r"[\s\-]", "", text or "")
    code = normalise_tracking_code(compact)
    return tracking_code_candidates(compact) if len(compact) == CODE_LENGTH == len(code) else []


@dataclass
class Group:
    """One kind's results: the first rows, how many match in all, the list that shows them all."""

    kind: str
    rows: list = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    more_query: dict = field(default_factory=dict)

    @property
    def has_more(self) -> bool:
        return self.total > len(self.rows)

    @property
    def more_href(self) -> str:
        """The kind's own list, filtered the same way (its count is this group's total)."""
        return f"{reverse(self.more_url)}?{urlencode(self.more_query)}"


@dataclass
class SearchResults:
    query: str
    groups: list[Group]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    def group(self, kind: str) -> Group:
        return next(g for g in self.groups if g.kind == kind)


def _first(qs: QuerySet, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows of ``qs`` and its total, in one query."""
    rows = list(qs.annotate(search_total=Window(Count("pk")))[:limit])
    return rows, (rows[0].search_total if rows else 0)


def _units(user, text: str, limit: int) -> Group:
    """R0.1 units whose name or code contains the text (the unit tree's own search)."""
    rows, total = _first(Unit.objects.visible_to(user).filter(unit_matching_q(text)).order_by("path"), limit)
    return Group("units", rows, total, "units:tree", {"q": text})


def _cadres(user, text: str, limit: int) -> Group:
    """R0.2 cadres whose name (or post, as the cadre list's search) contains the text — those of closed units too
    (marked): the list it links to is asked for all units, so it holds as many as the search counted."""
    qs = Cadre.objects.visible_to(user).matching(text).select_related("unit")
    rows, total = _first(qs, limit)
    return Group("cadres", rows, total, "units:cadre_list", {"q": text, "unit_status": UNIT_STATUS_ALL})


def _cards(user, text: str, limit: int) -> Group:
    """R1.3 supervision cards by number: whole (石督卡〔2026〕3号) or in part (3号, 〔2026〕3, 石督卡)."""
    fragment = number_fragment(text)
    qs = (SupervisionCard.objects.visible_to(user).filter(number__icontains=fragment)
          .select_related("unit").order_by("-issued_at", "-pk"))
    rows, total = _first(qs, limit)
    return Group("cards", rows, total, "supervision:card_list", {"q": fragment})


def _messages(user, text: str, limit: int) -> Group:
    """R4.4 public messages by tracking code or by text (of the message or its answer), as the message list
    searches; only the messages the user may open (``Message.visible_to``: the offices and units concerned)."""
    q = Q(text__icontains=text) | Q(answer__icontains=text)
    if codes := tracking_codes(text):
        q |= Q(tracking_code__in=codes)
    qs = (Message.objects.visible_to(user).filter(q).select_related("unit").order_by("-received_on", "-pk")
          .defer("citizen_name", "citizen_phone"))  # never shown here
    rows, total = _first(qs, limit)
    return Group("messages", rows, total, "feedback:messages", {"show": "all", "q": text})


def _notices(user, text: str, limit: int) -> Group:
    """X3 notices by title or by document number (冀群组发〔2014〕34号, in part as for cards)."""
    qs = (Notice.objects.visible_to(user)
          .filter(Q(title__icontains=text) | Q(number__icontains=text) | Q(number__icontains=number_fragment(text)))
          .select_related("issuer").order_by("-issued_on", "-pk"))
    rows, total = _first(qs, limit)
    return Group("notices", rows, total, "campaign:notices", {"q": text})


KINDS = (_units, _cadres, _cards, _messages, _notices)


def search(*, user, text: str, limit: int = PER_KIND) -> SearchResults:
    """Issue 12 item 3 (R0.1 scoping): what the user may see that matches ``text``, grouped by kind, at most
    ``limit`` rows per kind with each kind's total; one query per kind (plus the user's grants, loaded once per
    request)."""
    text = (text or "").strip()
    return SearchResults(text, [kind(user, text, limit) for kind in KINDS])
