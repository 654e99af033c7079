"""Demo records of the campaign app, one module per area (``demo.<area>.build``).

The campaign's dates are shifted around today so a newcomer sees, at once, deadlines that passed
(overdue obligations), deadlines coming (reminders already sent) and records of every kind.
"""
from __future__ import annotations

import datetime
import random

from units.demo import analyze

from ..models import Obligation
from ..services.campaign import campaign_create, obligations_generate
from ..services.notifications import reminders_send_due
from . import articles, changes, exams, liaison, meetings, notices, problems, publicity, study

# liaison after the areas whose overdue records its meetings' agendas list
AREAS = [study, meetings, exams, articles, problems, notices, liaison, publicity]
# The city and county study stage ended ten days ago; the grassroots one ends in five days,
# inside the first reminder window; democratic life meetings may start in eleven days.
DAYS_SINCE_CITY_COUNTY_DEADLINE = 10


def build_all(*, scale: str, today: datetime.date, seed: int) -> dict[str, int]:
    """Create the demo campaign, every unit's obligations, each area's records, and the reminders due."""
    rng = random.Random(seed)
    campaign = campaign_create(shift_to=today - datetime.timedelta(days=DAYS_SINCE_CITY_COUNTY_DEADLINE))
    counts = {"obligations": obligations_generate(campaign=campaign).count}
    analyze(Obligation)  # 200,000 rows just bulk loaded: every service below looks obligations up
    for area in AREAS:
        counts.update(area.build(campaign=campaign, today=today, rng=rng))
    counts["reminders"] = reminders_send_due(today=today)
    # then what happens to a campaign that lives for months: a unit added, one closed, a deadline extended
    counts.update(changes.build(campaign=campaign, today=today, rng=rng))
    return counts
