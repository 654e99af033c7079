"""The supervision demo records on the demo tree: every card state, and the ladder at each rung."""
from __future__ import annotations

import datetime
import random

import pytest

from campaign.services.campaign import campaign_create
from supervision import demo, policy
from supervision.models import CardStatus, EscalationStep, StepKind, StepStatus, SupervisionCard, SupervisionGroup
from units import demo as units_demo
from units.models import Unit


@pytest.fixture
def demo_tree(db):
    units_demo.build("demo")
    units_demo.create_demo_accounts()


def test_r1_3_demo_has_every_state_and_rung(demo_tree, django_user_model):
    today = datetime.date(2026, 4, 20)
    campaign = campaign_create(shift_to=today)
    counts = demo.build(campaign=campaign, today=today, rng=random.Random(2014))
    group = SupervisionGroup.objects.get()
    assert group.leading_unit.name == "石家庄市" and group.leader.username == "supervisor"
    assert set(group.units.values_list("name", flat=True)) == {"正定县", "长安区", "平山县"}
    # ten cards in every state, and one made from a spot-check finding
    assert counts["supervision_cards"] == SupervisionCard.objects.count() == 11
    assert set(SupervisionCard.objects.values_list("status", flat=True)) == set(CardStatus.values)
    overdue = SupervisionCard.objects.overdue(today)
    assert overdue.count() >= 3
    letter = EscalationStep.objects.get(step=StepKind.LETTER, card__unit__name="平山县")
    assert not letter.card.steps.filter(step__gt=StepKind.LETTER).exists()
    interview = EscalationStep.objects.get(step=StepKind.INTERVIEW)
    assert interview.status == StepStatus.PROPOSED and interview.card.unit.name == "正定县"
    # R1.3 the sweep's own wording, its due dates in Chinese format (the demo had written 2026-04-10)
    automatic = list(EscalationStep.objects.filter(automatic=True).select_related("card"))
    assert len(automatic) == 6
    for step in automatic:
        assert step.reason == policy.overdue_reason(step.card, step.taken_on)
        assert f"{step.card.due_date:%Y-%m-%d}" not in step.reason and "年" in step.reason
    reminder = next(s for s in automatic if s.card.unit.name == "长安区")
    due = reminder.card.due_date
    assert reminder.reason == f"{reminder.card.number}整改时限为 {due.year}年{due.month}月{due.day}日，已逾期 1 天。"
    # the demo leader may approve it (in scope, not the proposer)
    from supervision.permissions import approves_for_unit

    leader = django_user_model.objects.get(username="leader")
    assert approves_for_unit(leader, interview.card.unit) and interview.proposed_by_id != leader.pk
    # the demo supervisor sees the group's units through the group
    supervisor = django_user_model.objects.get(username="supervisor")
    assert Unit.objects.visible_to(supervisor).filter(code="130123").exists()
    # the sweep, run on the demo's "today", has nothing left to do: the demo is consistent with the policy
    from supervision.services.escalation import cards_escalate_overdue

    assert cards_escalate_overdue(today=today) == 0


def test_r1_1_demo_shows_dispatches_checks_inspections_and_key_contacts(demo_tree, django_user_model):
    """R1.1, R1.2, R3.3, R5.3, R5.4: a newcomer sees each kind of record, with something owed or overdue."""
    from django.test import Client
    from django.urls import reverse

    from supervision.models import (
        CheckVerdict,
        CrossInspection,
        Dispatch,
        SelfCheckEntry,
        SpecialInspection,
        SpotFinding,
    )
    from supervision.selectors import focus_unit_ids, key_contact_unit_ids
    from supervision.selectors.inspections import cross_detail

    today = datetime.date.today()
    campaign = campaign_create(shift_to=today)
    counts = demo.build(campaign=campaign, today=today, rng=random.Random(2014))
    assert counts["dispatches"] == Dispatch.objects.count() == 4
    assert Dispatch.objects.follow_up_overdue(today).get().unit.name == "正定县"
    assert Dispatch.objects.filter(attitudes__isnull=True).count() == 1  # a dispatch that found none
    verdicts = set(SelfCheckEntry.objects.filter(self_check__unit__name="正定县").values_list("verdict", flat=True))
    assert verdicts == set(CheckVerdict.values)
    assert SpotFinding.objects.filter(card__isnull=False).count() == 1
    assert SpotFinding.objects.filter(card__isnull=True).exists()  # one left for a tester to turn into a card
    assert SpecialInspection.objects.count() == counts["special_inspections"] >= 1
    pingshan = Unit.objects.get(code="130131")
    assert pingshan.pk in focus_unit_ids(campaign=campaign)
    assert {"正定县", "平山县"} <= set(Unit.objects.filter(pk__in=key_contact_unit_ids(campaign=campaign))
                                  .values_list("name", flat=True))
    running, reported = CrossInspection.objects.order_by("-start_date")
    assert running.is_running(today) and not cross_detail(running.pk, CrossInspection.objects.all()).complete
    assert reported.is_closed and cross_detail(reported.pk, CrossInspection.objects.all()).complete
    # the demo supervisor enters the running plan's county, not the reported one's
    client = Client()
    client.force_login(django_user_model.objects.get(username="supervisor"))
    running_county = running.targets.get(kind="dissect").unit
    reported_county = reported.targets.get(kind="dissect").unit
    assert client.get(reverse("units:unit_detail", args=[running_county.pk])).status_code == 200
    assert client.get(reverse("units:unit_detail", args=[reported_county.pk])).status_code == 404
