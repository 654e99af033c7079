"""R0.1, R5.1 demo events of a campaign that lives for months: a township added after the start, a village
closed, and a deadline extended after its overdue reminders went out, so a newcomer sees what each does.

Runs after the reminder sweep, as the events would: the extended deadline's offices and liaisons get one
"deadline moved" notice, and the sweep that follows re-arms its reminders for the new date.
"""
from __future__ import annotations

import datetime
import random

from django.db import transaction

from units.models import Cadre, Level, Rank, Unit, UnitKind
from units.services import unit_close
from units.signals import unit_added

from ..models import Campaign, Deadline, Obligation, ObligationKind
from ..services.campaign import deadline_set
from ..services.notifications import reminders_send_due

#: the county whose area shows the events (the demo's 正定县), and the deadline extended when it has none overdue
COUNTY_NAME = "正定县"
EXTENDED = (ObligationKind.FOUR_WINDS_LIST, Level.COUNTY)
EXTENDED_BY_DAYS = 15


@transaction.atomic
def build(*, campaign: Campaign, today: datetime.date, rng: random.Random) -> dict[str, int]:
    county = Unit.objects.filter(name=COUNTY_NAME, level=Level.COUNTY).first()
    counts = {"units_added": 0, "units_closed": 0, "deadlines_moved": 0}
    if county is not None:
        code = f"{county.code}901"
        if not Unit.objects.filter(code=code).exists():
            township = Unit.objects.add_child(county, dict(name="新城镇", code=code, level=Level.TOWNSHIP,
                                                           kind=UnitKind.GRASSROOTS))
            unit_added.send(sender=Unit, unit=township, today=today)  # as the office's form does
            Cadre.objects.bulk_create([
                Cadre(unit=township, unit_path=township.path, name="郑新民", post="镇党委书记", rank=Rank.SECTION,
                      is_top_leader=True, is_team_member=True, is_party_secretary=True,
                      phone=f"139{rng.randrange(10**8):08d}"),
                Cadre(unit=township, unit_path=township.path, name="冯建华", post="镇长", rank=Rank.SECTION,
                      is_team_member=True, phone=f"138{rng.randrange(10**8):08d}"),
                Cadre(unit=township, unit_path=township.path, name="宋丽", post="镇党委副书记", rank=Rank.SECTION,
                      is_team_member=True, phone=f"137{rng.randrange(10**8):08d}"),
            ])
            counts["units_added"] = 1
        villages = Unit.objects.filter(path__startswith=county.path, level=Level.VILLAGE, closed_on__isnull=True)
        village = villages.filter(numchild=0).order_by("-path").first()
        if village is not None:
            unit_close(user=None, unit=village, on=today - datetime.timedelta(days=2), cards="close")
            counts["units_closed"] = 1
    # the county's own overdue obligation is extended, so its liaison sees the move and the re-armed reminders
    overdue = (Obligation.objects.overdue(today).filter(campaign=campaign, unit=county).order_by("kind").first()
               if county is not None else None)
    kind, level = (overdue.kind, county.level) if overdue is not None else EXTENDED
    deadline = Deadline.objects.filter(campaign=campaign, kind=kind, level=level).first()
    if deadline is not None and deadline.due_date < today:
        deadline_set(deadline=deadline, due_date=today + datetime.timedelta(days=EXTENDED_BY_DAYS))
        counts["deadlines_moved"] = 1
    counts["reminders_after_changes"] = reminders_send_due(today=today)
    return counts
