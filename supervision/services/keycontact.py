"""R5.4: failings noted by a card or an inspection put the unit on key contact and the escalation queue."""
from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from campaign.models import Campaign
from units.models import Unit

from ..models import R54_CATEGORIES, UnitFailing


def r54_only(categories: Iterable[str]) -> list[str]:
    """The R5.4 failings among ``categories``, once each, in the order given."""
    return [c for c in dict.fromkeys(categories) if c in R54_CATEGORIES]


@transaction.atomic
def failings_sync(*, campaign: Campaign, unit: Unit, categories: Iterable[str], noted_on: datetime.date,
                  source: str, **owner) -> list[UnitFailing]:
    """R5.4 make the failings noted by one source (a card, an inspected unit, a cross-inspection target)
    exactly ``categories``: a failing noted before keeps its date, one no longer named is dropped."""
    wanted = r54_only(categories)
    existing = {f.category: f for f in UnitFailing.objects.select_for_update().filter(**owner)}
    stale = [f.pk for c, f in existing.items() if c not in wanted]
    if stale:
        UnitFailing.objects.filter(pk__in=stale).delete()
    UnitFailing.objects.bulk_create(
        [UnitFailing(campaign=campaign, unit=unit, category=c, noted_on=noted_on, source=source, **owner)
         for c in wanted if c not in existing],
        ignore_conflicts=True)  # a concurrent save of the same source noted it already
    return list(UnitFailing.objects.filter(**owner))
