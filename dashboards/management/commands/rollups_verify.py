"""Issue 13: compare the dashboards' rollups with a fresh count of the records; name the units that differ
and repair them."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from dashboards import rollups
from dashboards.models import RollupState
from units.receivers import cadre_paths_repair

#: Units named in full; the rest are counted.
SHOWN = 50


class Command(BaseCommand):
    help = ("Compare every unit's dashboard rollups with a fresh count of its records, list the units that "
            "differ and store the right figures (--dry-run: only list them, and exit 1 if any differ); the same "
            "for the cadres' copies of their units' paths (the cadre list's order).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--campaign", type=int, help="campaign id (default: every active campaign)")
        parser.add_argument("--dry-run", action="store_true", help="list the units that differ; change nothing")

    def handle(self, *args, campaign=None, dry_run=False, **options) -> None:
        # the cadre list's copy of each cadre's unit path (``Cadre.unit_path``), denormalised as the rollups are;
        # checked whether a campaign runs or not
        drifted = cadre_paths_repair(dry_run=dry_run)
        if drifted:
            self.stdout.write(self.style.WARNING(f"{drifted} cadres hold another path than their unit's"
                                                 + ("." if dry_run else "; repaired.")))
        campaigns = Campaign.objects.filter(pk=campaign) if campaign else Campaign.objects.filter(is_active=True)
        if not campaigns.exists():
            raise CommandError("No such campaign." if campaign else "No campaign is running.")
        for c in campaigns.order_by("pk"):
            state = RollupState.objects.filter(campaign=c).first()
            if state is None or state.as_of is None or state.version != rollups.VERSION:  # built by an older release
                self.stdout.write(f"{c}: no rollups in use (pages count live)"
                                  + ("." if dry_run else "; building them now."))
                if not dry_run:
                    self.stdout.write(f"  built {rollups.build(c)} units.")
                continue
            drifts = rollups.verify(c, today=state.as_of, repair=not dry_run)
            drifted += len(drifts)
            if not drifts:
                self.stdout.write(self.style.SUCCESS(f"{c}: the rollups of every unit equal a fresh count "
                                                     f"(figures as of {state.as_of})."))
                continue
            self.stdout.write(self.style.WARNING(f"{c}: {len(drifts)} units differ from a fresh count"
                                                 + ("." if dry_run else "; repaired:")))
            for drift in drifts[:SHOWN]:
                self.stdout.write(f"  {drift}")
            if len(drifts) > SHOWN:
                self.stdout.write(f"  … and {len(drifts) - SHOWN} more")
        if dry_run and drifted:
            raise SystemExit(1)
