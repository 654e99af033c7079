"""The escalation ladder (R1.3, R5.4): reminder → letter or call → interview → accountability proposal.

The sweep follows the campaign's policy (X2) and takes each step exactly once even when it runs
twice, late, or its worker dies mid-sweep; interviews and accountability need a leader's approval.
"""
from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from campaign.models import Notification
from supervision.errors import SupervisionError
from supervision.models import CardEvent, EscalationStep, StepKind, StepStatus
from supervision.policy import overdue_reason
from supervision.services import cards as card_svc
from supervision.services import escalation as svc
from tests.factories import UserFactory
from tests.supervision.conftest import TODAY
from tests.supervision.helpers import listed, pdf_text, pdf_upload, total
from units.models import RoleAssignment

DUE = TODAY + datetime.timedelta(days=10)


def day(n: int) -> datetime.date:
    """``n`` days after the card's due date."""
    return DUE + datetime.timedelta(days=n)


def rungs(card) -> list[tuple[int, str]]:
    return list(EscalationStep.objects.filter(card=card).order_by("step").values_list("step", "status"))


def titles(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def test_r1_3_sweep_climbs_the_ladder_by_the_campaign_policy(issue, users):
    """R1.3, X2: reminder 1 day overdue, letter 3 days later, interview 5 days later (a proposal),
    accountability 7 days after the interview was approved."""
    card = issue(due=DUE)
    assert svc.cards_escalate_overdue(today=day(0)) == 0
    assert svc.cards_escalate_overdue(today=day(1)) == 1
    assert rungs(card) == [(StepKind.REMINDER, StepStatus.TAKEN)]
    assert svc.cards_escalate_overdue(today=day(3)) == 0
    assert svc.cards_escalate_overdue(today=day(4)) == 1
    letter = EscalationStep.objects.get(card=card, step=StepKind.LETTER)
    assert letter.channel == "letter" and letter.automatic and letter.proposed_by is None
    assert svc.cards_escalate_overdue(today=day(8)) == 0
    assert svc.cards_escalate_overdue(today=day(9)) == 1
    assert rungs(card)[-1] == (StepKind.INTERVIEW, StepStatus.PROPOSED)
    # the ladder waits for the leader: no accountability while the interview is only proposed
    assert svc.cards_escalate_overdue(today=day(30)) == 0
    interview = EscalationStep.objects.get(card=card, step=StepKind.INTERVIEW)
    svc.step_decide(user=users["leader"], step=interview, approve=True, note="同意约谈", today=day(31))
    assert svc.cards_escalate_overdue(today=day(37)) == 0
    assert svc.cards_escalate_overdue(today=day(38)) == 1
    assert rungs(card)[-1] == (StepKind.ACCOUNTABILITY, StepStatus.PROPOSED)
    assert svc.cards_escalate_overdue(today=day(90)) == 0
    # each step told the liaison and the group; the proposals went to the leader too
    assert len(titles(users["liaison"])) == 1 + 4 + 1  # issued, four steps, interview approved
    assert sum("正定县" in t for t in titles(users["leader"])) == 2


def test_r1_3_the_sweeps_reason_names_the_due_date_as_the_language_writes_it(issue):
    """R1.3: the step the sweep takes says why — the card, its due date in Chinese format (not 2014-04-30), the
    days overdue; in English one day is "1 day", three are "3 days"."""
    card = issue(due=DUE)
    svc.cards_escalate_overdue(today=day(1))
    reminder = EscalationStep.objects.get(card=card, step=StepKind.REMINDER)
    zh_date = f"{DUE.year}年{DUE.month}月{DUE.day}日"
    assert reminder.reason == f"{card.number}整改时限为 {zh_date}，已逾期 1 天。"
    assert CardEvent.objects.get(card=card, step=reminder).note == reminder.reason
    # the sweep stores its texts in the portal's language, whichever is active where it runs
    with translation.override("en"):
        svc.cards_escalate_overdue(today=day(4))
    letter = EscalationStep.objects.get(card=card, step=StepKind.LETTER)
    assert letter.reason == f"{card.number}整改时限为 {zh_date}，已逾期 4 天。"
    with translation.override("en"):
        assert overdue_reason(card, day(1)) == (f"Card {card.number} was due on {date_format(DUE)} and is 1 day "
                                                "overdue.")
        assert overdue_reason(card, day(3)).endswith(" and is 3 days overdue.")


def test_r1_3_the_policy_is_campaign_data(issue, campaign):
    """X2: an office that allows three days before the reminder gets it on the third day."""
    campaign.escalation_reminder_days = 3
    campaign.save()
    card = issue(due=DUE)
    assert svc.cards_escalate_overdue(today=day(2)) == 0
    assert svc.cards_escalate_overdue(today=day(3)) == 1
    assert rungs(card) == [(StepKind.REMINDER, StepStatus.TAKEN)]


def test_r1_3_a_sweep_that_runs_twice_takes_each_step_once(issue, users):
    card = issue(due=DUE)
    assert svc.cards_escalate_overdue(today=day(1)) == 1
    notes = Notification.objects.count()
    assert svc.cards_escalate_overdue(today=day(1)) == 0
    assert svc.cards_escalate_overdue(today=day(2)) == 0
    assert rungs(card) == [(StepKind.REMINDER, StepStatus.TAKEN)] and Notification.objects.count() == notes


def test_r1_3_a_late_sweep_takes_the_due_step_once_and_skips_none(issue, users):
    """Beat was down for three weeks: the late run takes the reminder (not the letter too), and the
    next rung counts its days from the day the reminder actually went out."""
    card = issue(due=DUE)
    assert svc.cards_escalate_overdue(today=day(21)) == 1
    assert rungs(card) == [(StepKind.REMINDER, StepStatus.TAKEN)]
    assert EscalationStep.objects.get(card=card).taken_on == day(21)
    assert svc.cards_escalate_overdue(today=day(23)) == 0
    assert svc.cards_escalate_overdue(today=day(24)) == 1
    assert [s for s, _ in rungs(card)] == [StepKind.REMINDER, StepKind.LETTER]


def test_r1_3_a_worker_dying_mid_sweep_loses_and_repeats_nothing(issue, users, tree, monkeypatch):
    """Each batch of steps is claimed in the transaction that records and announces it: a crash leaves no
    half step — the batches before it are kept, the one it hit is not, and the next run takes it once."""
    first, second = issue(due=DUE), issue(tree.county_a2, due=DUE)
    real_store = svc.store_notifications
    calls = {"n": 0}

    def dying_store(notes):
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch's announcement
            raise SystemExit("worker killed")
        return real_store(notes)

    monkeypatch.setattr(svc, "store_notifications", dying_store)
    with pytest.raises(SystemExit):
        svc.cards_escalate_overdue(today=day(1), batch_size=1)
    assert rungs(first) == [(StepKind.REMINDER, StepStatus.TAKEN)] and rungs(second) == []
    assert not CardEvent.objects.filter(card=second, kind="escalated").exists()
    monkeypatch.setattr(svc, "store_notifications", real_store)
    assert svc.cards_escalate_overdue(today=day(1)) == 1
    assert rungs(first) == rungs(second) == [(StepKind.REMINDER, StepStatus.TAKEN)]
    assert CardEvent.objects.filter(kind="escalated").count() == 2


def test_issue13_the_sweep_escalates_many_cards_in_a_fixed_number_of_statements(
        issue, users, tree, django_assert_max_num_queries):
    """Issue 13: a batch costs the same statements for 3 cards as for 30 (steps, history, recipients and
    notifications written in bulk), and says what step_take says, to the same people."""
    from supervision.services.cards import card_sign

    few = [issue(due=DUE) for _ in range(3)]
    with django_assert_max_num_queries(15):
        assert svc.cards_escalate_overdue(today=day(1)) == 3
    many = [issue(tree.county_a2, due=DUE) for _ in range(30)]
    with django_assert_max_num_queries(15):
        assert svc.cards_escalate_overdue(today=day(1)) == 30
    card_sign(user=users["liaison"], card=few[0], today=TODAY)  # still overdue: the unit owes its answer
    reference = issue(tree.county_a, due=DUE)
    svc.step_take(card=reference, kind=StepKind.REMINDER, reason="逾期", automatic=True, today=day(1))
    swept, by_hand = (set(Notification.objects.filter(url__endswith=f"/{card.pk}/").values_list("user_id", "title"))
                      for card in (few[1], reference))
    assert {u for u, _t in swept} == {u for u, _t in by_hand} and len(swept) > 1
    assert {t.replace(few[1].number, "N") for _u, t in swept} == {t.replace(reference.number, "N")
                                                                  for _u, t in by_hand}
    assert all(rungs(card) == [(StepKind.REMINDER, StepStatus.TAKEN)] for card in few + many)
    # each swept step has its history from its creation on, as one taken by hand
    assert all(step.history.filter(history_type="+").count() == 1
               for step in EscalationStep.objects.filter(card__in=few + many + [reference]))


def test_r1_3_two_sweeps_racing_for_one_step_take_it_once(issue):
    """The (card, step) key is the claim: whoever comes second is refused, by rule or by the constraint."""
    card = issue(due=DUE)
    svc.step_take(card=card, kind=StepKind.REMINDER, reason="逾期", automatic=True, today=day(1))
    with pytest.raises(SupervisionError):
        svc.step_take(card=card, kind=StepKind.REMINDER, reason="逾期", automatic=True, today=day(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationStep.objects.create(card=card, step=StepKind.REMINDER, status=StepStatus.TAKEN, reason="重复",
                                      created_at=card.issued_at, taken_on=day(1))
    assert EscalationStep.objects.filter(card=card).count() == 1


def test_r1_3_answered_and_closed_cards_are_not_escalated(issue, users):
    answered, closed = issue(due=DUE), issue(due=DUE)
    for card in (answered, closed):
        card_svc.card_sign(user=users["liaison"], card=card, today=TODAY)
        card_svc.card_answer(user=users["liaison"], card=card, text="已整改", today=TODAY)
    card_svc.card_verify(user=users["supervisor"], card=closed, accept=True, today=TODAY)
    assert svc.cards_escalate_overdue(today=day(30)) == 0
    # sent back after the due date: the unit owes again, so the ladder starts
    card_svc.card_verify(user=users["supervisor"], card=answered, accept=False, reason="不到位", today=day(30))
    assert svc.cards_escalate_overdue(today=day(30)) == 1


def test_r1_3_the_group_escalates_by_hand_in_ladder_order(issue, users, login):
    """R1.3 the group may take the next rung early, calling the top leader and attaching a document;
    it may not skip a rung; a manual interview is a proposal."""
    card = issue(due=DUE)
    client = login(users["supervisor"])
    url = reverse("supervision:card_escalate", args=[card.pk])
    response = client.post(url, {"step": StepKind.LETTER, "reason": "跳级", "channel": "call"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not EscalationStep.objects.exists()
    assert client.post(url, {"step": StepKind.REMINDER, "reason": "学习进度滞后"}).status_code == 302
    response = client.post(url, {"step": StepKind.LETTER, "channel": "call", "reason": "电话调度县委书记",
                                 "document": pdf_upload("调度记录.pdf")})
    assert response.status_code == 302
    letter = EscalationStep.objects.get(step=StepKind.LETTER)
    assert letter.channel == "call" and letter.proposed_by == users["supervisor"] and letter.document_name == "调度记录.pdf"
    download = client.get(reverse("supervision:step_document", args=[letter.pk]))
    assert download.status_code == 200
    assert client.post(url, {"step": StepKind.INTERVIEW, "reason": "仍未整改"}).status_code == 302
    assert rungs(card)[-1] == (StepKind.INTERVIEW, StepStatus.PROPOSED)
    # the liaison may not escalate
    assert login(users["liaison"]).get(url).status_code == 403


def test_r1_3_a_leader_over_the_unit_approves_or_refuses(issue, users, login, tree):
    """R1.3 approval by a leader whose scope covers the unit; others cannot; a refusal stops the ladder."""
    card = issue(due=DUE)
    for n, kind in ((1, StepKind.REMINDER), (2, StepKind.LETTER), (3, StepKind.INTERVIEW)):
        svc.step_take(card=card, kind=kind, reason="逾期未改", user=users["supervisor"], today=day(n))
    interview = EscalationStep.objects.get(step=StepKind.INTERVIEW)
    url = reverse("supervision:step_decide", args=[interview.pk])
    other_leader = UserFactory(username="tangshan_leader")
    RoleAssignment.objects.create(user=other_leader, unit=tree.city_b, role="leader")
    assert login(other_leader).get(url).status_code == 404         # out of scope
    assert login(users["supervisor"]).get(url).status_code == 403  # in scope, not a leader
    with pytest.raises(SupervisionError):
        svc.step_decide(user=users["supervisor"], step=interview, approve=True)
    client = login(users["leader"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "refuse", "note": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()  # reasons required
    assert client.post(url, {"decision": "refuse", "note": "先由市委书记谈话提醒"}).status_code == 302
    interview.refresh_from_db()
    assert interview.status == StepStatus.REFUSED and interview.decided_by == users["leader"]
    # the ladder stops at a refused rung
    assert svc.cards_escalate_overdue(today=day(60)) == 0
    with pytest.raises(SupervisionError):
        svc.step_take(card=card, kind=StepKind.ACCOUNTABILITY, reason="问责", user=users["supervisor"])


def test_r1_3_approving_ones_own_step_is_refused(issue, users, group):
    """Bad input: a leader who proposed the interview (as a group member) may not approve it: nothing written."""
    group.members.add(users["leader"])
    card = issue(due=DUE)
    svc.step_take(card=card, kind=StepKind.REMINDER, reason="提醒", user=users["supervisor"], today=day(1))
    svc.step_take(card=card, kind=StepKind.LETTER, reason="写信", user=users["supervisor"], today=day(2))
    step = svc.step_take(card=card, kind=StepKind.INTERVIEW, reason="约谈", user=users["leader"], today=day(3))
    events = CardEvent.objects.count()
    with pytest.raises(SupervisionError):
        svc.step_decide(user=users["leader"], step=step, approve=True, today=day(4))
    step.refresh_from_db()
    assert step.status == StepStatus.PROPOSED and step.decided_by is None and CardEvent.objects.count() == events


def test_r1_3_closing_a_card_withdraws_a_pending_proposal(issue, users):
    card = issue(due=DUE)
    for n, kind in ((1, StepKind.REMINDER), (2, StepKind.LETTER), (3, StepKind.INTERVIEW)):
        svc.step_take(card=card, kind=kind, reason="逾期", user=users["supervisor"], today=day(n))
    card_svc.card_sign(user=users["liaison"], card=card, today=day(4))
    card_svc.card_answer(user=users["liaison"], card=card, text="已整改", today=day(4))
    card_svc.card_verify(user=users["supervisor"], card=card, accept=True, today=day(5))
    assert rungs(card)[-1] == (StepKind.INTERVIEW, StepStatus.WITHDRAWN)
    with pytest.raises(SupervisionError):
        svc.step_decide(user=users["leader"], step=EscalationStep.objects.get(step=StepKind.INTERVIEW), approve=True)


def test_r1_3_outcome_and_document_of_a_step(issue, users, login):
    """R1.3 each step records who, when, why, outcome and the document that went with it."""
    card = issue(due=DUE)
    svc.cards_escalate_overdue(today=day(1))
    step = EscalationStep.objects.get()
    url = reverse("supervision:step_outcome", args=[step.pk])
    assert login(users["leader"]).get(url).status_code == 403
    response = login(users["supervisor"]).post(url, {"outcome": "县委书记表示三日内整改", "document": pdf_upload("提醒函.pdf")})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.outcome == "县委书记表示三日内整改" and step.outcome_by == users["supervisor"]
    assert step.document_name == "提醒函.pdf"
    page = login(users["leader"]).get(card.get_absolute_url())
    assert "县委书记表示三日内整改" in page.content.decode()


def test_r1_3_approvals_page_lists_proposals_in_scope(issue, users, login, tree):
    card = issue(due=DUE)
    for n, kind in ((1, StepKind.REMINDER), (2, StepKind.LETTER), (3, StepKind.INTERVIEW)):
        svc.step_take(card=card, kind=kind, reason="逾期", user=users["supervisor"], today=day(n))
    response = login(users["leader"]).get(reverse("supervision:approvals"))
    page = listed(response)
    assert [s.card_id for s in page] == [card.pk]
    assert reverse("supervision:step_decide", args=[page[0].pk]) in response.content.decode()  # may decide
    assert total(login(users["county_office_b"]).get(reverse("supervision:approvals"))) == 0


def test_r1_3_escalation_report_pdf(issue, users, login, group, tree, tmp_path):
    """R1.3 the report for the upper leading group: each escalated unit, its cards and their history."""
    escalated = issue(due=DUE, facts="专题学习走过场。")
    quiet = issue(tree.county_a2, due=day(100))
    svc.cards_escalate_overdue(today=day(1))
    svc.step_take(card=escalated, kind=StepKind.LETTER, channel="call", reason="电话调度一把手", user=users["supervisor"],
                  today=day(2))
    response = login(users["leader"]).get(reverse("supervision:escalation_report", args=[group.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for expected in ("正定县", "王正定", escalated.number, "专题学习走过场", "电话调度一把手", "市委第一督导组",
                     "石家庄市党的群众路线教育实践活动领导小组"):
        assert expected in text
    assert quiet.number not in text and "行唐县" not in text
    # the ladder's and the history's words, as the card's page says them (issue 13: translated once per document)
    flat = "".join(text.split())
    with translation.override("zh-hans"):
        steps = list(EscalationStep.objects.filter(card=escalated).order_by("step"))
        words = ([s.label() for s in steps] + [s.get_status_display() for s in steps]
                 + [e.get_kind_display() for e in CardEvent.objects.filter(card=escalated)]
                 + [escalated.get_status_display(), translation.gettext("Escalation steps"),
                    translation.gettext("Outcome"), translation.gettext("Note")])
        letter_rung = str(StepKind.LETTER.label)
    # the letter rung is named by its kind only as the unit's highest step; its row and its history name the channel
    assert {s.channel for s in steps} >= {"call"} and flat.count("".join(letter_rung.split())) == 1
    assert [w for w in words if "".join(str(w).split()) not in flat] == []
    # out of scope: 迁安市's office does not even see the group
    assert login(users["county_office_b"]).get(
        reverse("supervision:escalation_report", args=[group.pk])).status_code == 404


def test_r1_3_the_beat_task_runs_the_sweep(issue, monkeypatch):
    from supervision import tasks

    seen = {}
    monkeypatch.setattr(svc, "cards_escalate_overdue", lambda **kw: seen.setdefault("called", 7))
    assert tasks.cards_escalate_overdue.run() == 7
    assert tasks.cards_escalate_overdue.name == "supervision.cards_escalate_overdue"
