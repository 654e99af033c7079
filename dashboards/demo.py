"""Demo data of the dashboards: the rollups of the demo campaign, built once everything else is loaded
(dashboards comes after every app that records figures in INSTALLED_APPS, so ``demo_data`` calls this
last of them)."""
from __future__ import annotations

import datetime

from campaign.models import Campaign
from units.demo import analyze

from . import rollups


def build_all(*, scale: str, today: datetime.date, seed: int) -> dict[str, int]:
    analyze()  # the other apps' demo records were just bulk loaded
    counts = {}
    for campaign in Campaign.objects.filter(is_active=True):
        counts["unit_rollups"] = counts.get("unit_rollups", 0) + rollups.build(campaign, today=today)
    return counts
