"""The feedback demo (R4.1–R4.4): a newcomer finds messages in every state with some overdue, letters and
visits, digests, opinion coverage with gaps, and top leaders short of their field research stay."""
from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from campaign.models import Campaign
from campaign.services.campaign import campaign_create
from feedback import demo as feedback_demo
from feedback import selectors
from feedback.models import Channel, FieldResearchStay, Message, MessageStatus, OfficeDigest, OverdueReminder
from units import demo as units_demo
from units.models import Cadre, Unit

pytestmark = pytest.mark.django_db


def test_demo_records_in_every_state():
    units_demo.build("demo", seed=2014)
    units_demo.create_demo_accounts()
    today = timezone.localdate()
    campaign_create(shift_to=today - datetime.timedelta(days=10))  # as the campaign demo does
    counts = feedback_demo.build_all(scale="demo", today=today, seed=2014)

    assert counts["messages"] == Message.objects.count() > 30
    assert set(Message.objects.values_list("status", flat=True)) == set(MessageStatus.values)
    assert {Channel.LETTER, Channel.VISIT} <= set(Message.objects.values_list("channel", flat=True))
    overdue = Message.objects.overdue(today)
    assert overdue.exists() and counts["overdue_reminders"] == OverdueReminder.objects.count() == overdue.count()
    assert counts["digests"] == OfficeDigest.objects.count() >= 2
    # the demo accounts' offices each have a queue
    for code in ("130123", "130100", "130283"):
        assert Message.objects.filter(office_unit__code=code).exists(), code

    campaign = Campaign.objects.current()
    units = Unit.objects.filter(opinion_sessions__isnull=False).distinct()
    rows = selectors.coverage_rows(list(units), campaign)
    assert any(row.missing for row in rows) and any(not row.missing for row in rows)

    figures = selectors.compliance_figures(Cadre.objects.all(), campaign)
    assert figures.short > 0 and figures.compliant > 0
    assert FieldResearchStay.objects.filter(days__lt=campaign.min_field_research_days).exists()
