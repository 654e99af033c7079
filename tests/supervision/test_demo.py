"""The supervision demo records on the demo tree: every card state, and the ladder at each rung."""
from __future__ import annotations

import datetime
import random
import time

import pytest

from campaign.services.campaign import campaign_create
from supervision import demo
from supervision.models import CardStatus, EscalationStep, StepKind, StepStatus, SupervisionCard, SupervisionGroup
from units import demo as units_demo
from units.models import Unit


@pytest.fixture
def demo_tree(db):
    units_demo.build("demo")
    units_demo.create_demo_accounts()


def test_demo_has_every_state_and_rung(demo_tree, django_user_model):
    today = datetime.date(2026, 4, 20)
    campaign = campaign_create(shift_to=today)
    started = time.perf_counter()
    counts = demo.build(campaign=campaign, today=today, rng=random.Random(2014))
    assert time.perf_counter() - started < 3
    group = SupervisionGroup.objects.get()
    assert group.leading_unit.name == "石家庄市" and group.leader.username == "supervisor"
    assert set(group.units.values_list("name", flat=True)) == {"正定县", "长安区", "平山县"}
    assert counts["supervision_cards"] == SupervisionCard.objects.count() == 10
    assert set(SupervisionCard.objects.values_list("status", flat=True)) == set(CardStatus.values)
    overdue = SupervisionCard.objects.overdue(today)
    assert overdue.count() >= 3
    letter = EscalationStep.objects.get(step=StepKind.LETTER, card__unit__name="平山县")
    assert not letter.card.steps.filter(step__gt=StepKind.LETTER).exists()
    interview = EscalationStep.objects.get(step=StepKind.INTERVIEW)
    assert interview.status == StepStatus.PROPOSED and interview.card.unit.name == "正定县"
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
