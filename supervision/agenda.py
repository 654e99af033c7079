"""R5.2 / R1.3 escalated supervision cards on the weekly liaison meeting's agenda.

The agenda is built in ``campaign`` (``campaign.selectors.liaison.agenda_for``), which may not import
``supervision`` (the arrows point down: supervision → campaign). ``campaign`` keeps a registry of agenda
providers for exactly this; ``SupervisionConfig.ready`` registers :func:`escalated_cards_agenda` there, so
the item is built here, where cards are known, and stored with the other automatic items.
"""
from __future__ import annotations

import datetime

from django.db.models import Max
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import ngettext

from campaign.models import Campaign
from campaign.selectors.liaison import NAMES_SHOWN, AgendaEntry
from units.models import Unit

from .models import SupervisionCard
from .models.escalation import StepKind


def escalated_cards_agenda(unit: Unit, campaign: Campaign, today: datetime.date) -> list[AgendaEntry]:
    """R5.2 the open supervision cards of the office's subtree that went up the escalation ladder (R1.3),
    highest rung first, each with its number, unit, rung and due date; two queries, none without cards."""
    cards = (SupervisionCard.objects.filter(campaign=campaign, unit__path__startswith=unit.path)
             .open().escalated())
    rows = list(cards.select_related("unit").annotate(rung=Max("steps__step"))
                .order_by("-rung", "due_date", "pk")[:NAMES_SHOWN + 1])
    if not rows:
        return []
    total = cards.count() if len(rows) > NAMES_SHOWN else len(rows)
    rungs = dict(StepKind.choices)
    detail = "\n".join(f"{card.number} {card.unit.name}：{rungs.get(card.rung, '')}（{date_format(card.due_date)}）"
                       for card in rows[:NAMES_SHOWN])
    link = reverse("supervision:card_list") + "?" + urlencode({"within": unit.code, "escalated": "true",
                                                                "open": "true"})
    return [AgendaEntry("supervision_cards",
                        ngettext("%(n)s escalated supervision card is still open",
                                 "%(n)s escalated supervision cards are still open", total) % {"n": total},
                        detail, total, link)]
