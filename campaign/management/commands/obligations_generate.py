"""R0.1, R5.1 give every open unit the obligations it lacks (a unit added or imported since the start)."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone, translation

from campaign.models import Campaign
from campaign.services.campaign import obligations_generate


class Command(BaseCommand):
    help = ("Create the obligations units lack in the current campaign, for the deadlines still ahead "
            "(--all: every deadline); says what it added. Running it again adds nothing twice.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true",
                            help="also create obligations whose deadline has already passed")

    def handle(self, *args, **options) -> None:
        campaign = Campaign.objects.current()
        if campaign is None:
            raise CommandError("No campaign is running.")
        ahead_of = None if options["all"] else max(timezone.localdate(), campaign.start_date)
        with transaction.atomic():
            generated = obligations_generate(campaign=campaign, ahead_of=ahead_of)
        with translation.override(settings.LANGUAGE_CODE):
            self.stdout.write(generated.describe())
