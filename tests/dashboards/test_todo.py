"""Issue 12: the to-do home (待办) per role and the done tab (已办).

R0.1 every section is scoped to the user's subtree; R1.3/R5.4 cards, steps and extensions; R2.3–R3.2/R5.1
obligations and materials; R4.4 messages; R5.2 requests and progress reports; X3 notices.
"""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import add

TODAY = datetime.date(2014, 4, 10)


@pytest.fixture
def issue(group, users, campaign):
    from supervision.services.cards import card_issue

    def _issue(unit, *, due=None):
        return card_issue(user=users["supervisor"], group=group, unit=unit, problems=["awareness"],
                          facts="学习流于形式。", required_actions="重新组织专题学习。",
                          due_date=due or TODAY + datetime.timedelta(days=10), today=TODAY)

    return _issue


def _home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def _section(response, group: str, key: str):
    for g in response.context["todo"].groups:
        if g.key == group:
            for s in g.sections:
                if s.key == key:
                    return s
    raise AssertionError(f"no section {group}/{key}")


def _keys(response) -> dict[str, list[str]]:
    return {g.key: [s.key for s in g.sections] for g in response.context["todo"].groups}


def _list_count(client, url: str) -> int:
    """How many rows the list page behind a count holds (its table's paginator, or its queryset)."""
    response = client.get(url)
    assert response.status_code == 200, url
    table = response.context.get("table")
    return table.paginator.count if table is not None else len(response.context["page"].object_list)


# --- per role: the sections shown


def test_issue12_r0_1_each_role_sees_its_own_sections(login, users, campaign):
    assert set(_keys(_home(login(users["liaison"])))) == {"liaison"}
    liaison = _keys(_home(login(users["liaison"])))["liaison"]
    assert {"obligations", "cards_sign", "cards_answer", "messages", "reports", "replies", "notices"} <= set(liaison)
    office = _keys(_home(login(users["county_office"])))
    assert set(office) == {"office"}
    assert {"messages", "materials", "extensions", "requests", "notices_unread", "special"} <= set(office["office"])
    assert set(_keys(_home(login(users["supervisor"])))) == {"supervisor"}
    assert _keys(_home(login(users["supervisor"])))["supervisor"] == ["cards_verify", "extensions", "cross",
                                                                      "special", "overdue_cards"]
    assert _keys(_home(login(users["leader"]))) == {"leader": ["approvals", "escalations", "criticisms_confirm"]}
    no_role = _home(login(users["no_role"]))
    assert 'id="todo-none"' in no_role.content.decode()


def test_issue12_empty_states_per_section(login, users, campaign):
    page = _home(login(users["supervisor"])).content.decode()
    assert page.count("todo-empty") == 5
    assert "没有待核查的整改反馈。" in page or "No answer waits for verification." in page


# --- liaison: obligations, cards, counts equal to the lists behind them, scope


def test_issue12_r5_1_liaison_obligations_oldest_first_link_to_forms(login, users, campaign, tree):
    from campaign.models import Obligation

    client = login(users["liaison"])
    section = _section(_home(client), "liaison", "obligations")
    owed = Obligation.objects.open().filter(unit=tree.county_a, campaign=campaign)
    assert section.count == owed.count() > 0
    dues = [i.due for i in section.items]
    assert dues == sorted(dues)
    assert all(i.overdue for i in section.items)  # the 2014 campaign is long past
    assert section.list_url == reverse("campaign:unit_progress", args=[tree.county_a.pk])
    page = client.get(section.list_url).content.decode()
    assert page.count('text-bg-danger">') >= section.count  # each open obligation shows "overdue" there
    for item in section.items:
        assert client.get(item.url).status_code == 200, item.url


def test_issue12_r2_3_recording_a_meeting_moves_its_obligation_to_done(login, users, campaign, tree):
    """R2.3, R2.2 the liaison records the unit's enlarged party committee meeting and a study session: the
    meeting's obligation leaves the to-do, and both records are on the done tab, newest first, each opening
    its page; another county's office sees none of it."""
    from campaign.models import Obligation
    from campaign.services.meetings import meeting_record
    from campaign.services.study import session_record

    client = login(users["liaison"])
    before = _section(_home(client), "liaison", "obligations")
    owed = Obligation.objects.open().filter(campaign=campaign, unit=tree.county_a)
    assert owed.filter(kind="enlarged_meeting").exists()
    meeting = meeting_record(user=users["liaison"], campaign=campaign, unit=tree.county_a, kind="enlarged",
                             date=datetime.date(2014, 3, 10))
    session_record(campaign=campaign, unit=tree.county_a, kind="collective_study", date=datetime.date(2014, 3, 12),
                   topic="党的群众路线专题学习", hours=2, attendee_ids=[tree.cadre_a.pk], user=users["liaison"])
    after = _section(_home(client), "liaison", "obligations")
    assert not owed.filter(kind="enlarged_meeting").exists()
    assert after.count == owed.count() < before.count
    done = client.get(reverse("dashboards:done")).context["page"].object_list
    assert [(e.what, e.detail) for e in done] == [("学习已记录", tree.county_a.name), ("会议已记录", tree.county_a.name)]
    assert "党的群众路线专题学习" in done[0].title and done[1].url == meeting.get_absolute_url()
    assert all(client.get(e.url).status_code == 200 for e in done)
    assert login(users["county_office_b"]).get(reverse("dashboards:done")).context["page"].paginator.count == 0


def test_issue12_r5_1_last_obligation_done_settles_its_reminders(login, users, campaign, tree):
    from campaign.models import Notification, Obligation
    from campaign.services.campaign import obligation_fulfil
    from campaign.services.notifications import reminders_send_due

    reminders_send_due(today=datetime.date(2014, 5, 30))
    progress = reverse("campaign:unit_progress", args=[tree.county_a.pk])
    reminders = Notification.objects.filter(user=users["liaison"], url=progress)
    assert reminders.unread().exists()
    owed = Obligation.objects.open().filter(campaign=campaign, unit=tree.county_a).order_by("pk")
    last = owed.last()
    owed.exclude(pk=last.pk).update(completed_on=datetime.date(2014, 5, 1))
    client = login(users["liaison"])
    assert _section(_home(client), "liaison", "obligations").count == 1
    obligation_fulfil(campaign=campaign, unit=tree.county_a, kind=last.kind, on=datetime.date(2014, 5, 31))
    assert _section(_home(client), "liaison", "obligations").count == 0
    assert not reminders.unread().exists()


def test_issue12_r1_3_liaison_cards_counts_match_card_list_and_scope(login, users, issue, tree):
    client = login(users["liaison"])
    issue(tree.county_a)
    issue(tree.county_a)
    issue(tree.county_a2)  # 行唐县: not the liaison's subtree
    section = _section(_home(client), "liaison", "cards_sign")
    assert section.count == 2 == _list_count(client, section.list_url)
    assert all(i.detail == "正定县" for i in section.items)
    page = _home(client).content.decode()
    assert "行唐县" not in page.split('id="todo-liaison"')[1].split("</section>")[0]


def test_issue12_r0_1_other_county_office_sees_nothing_of_zhengding(login, users, issue, tree, campaign):
    from feedback.services.messages import message_submit

    issue(tree.county_a)
    message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="正定县开会太多。")
    response = _home(login(users["county_office_b"]))
    page = response.content.decode()
    assert "正定县" not in page.split('id="home-tabs"')[1].split('id="home-office"')[0]
    for group in response.context["todo"].groups:
        for s in group.sections:
            assert all("正定" not in i.detail for i in s.items), s.key
    county_a = _section(_home(login(users["county_office"])), "office", "messages")
    assert county_a.count == 1


def test_issue12_r4_4_office_messages_count_is_the_todo_list(login, users, campaign, tree):
    from feedback.services.messages import message_submit

    for i in range(7):
        message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text=f"留言{i}")
    client = login(users["county_office"])
    section = _section(_home(client), "office", "messages")
    assert section.count == 7 == _list_count(client, section.list_url)
    assert len(section.items) == 5 and section.more == 2
    assert f'href="{section.list_url}"'.replace("&", "&amp;") in _home(client).content.decode()


# --- settling an item moves it from 待办 to 已办; its notification is marked read


def test_issue12_r1_3_signing_moves_card_from_todo_to_done_and_reads_notification(login, users, issue, tree):
    from campaign.models import Notification
    from supervision.services.cards import card_sign

    card = issue(tree.county_a)
    note = Notification.objects.get(user=users["liaison"], url=card.get_absolute_url())
    assert note.read_at is None
    client = login(users["liaison"])
    assert _section(_home(client), "liaison", "cards_sign").count == 1
    assert client.get(reverse("dashboards:done")).context["page"].paginator.count == 0
    card_sign(user=users["liaison"], card=card)
    assert _section(_home(client), "liaison", "cards_sign").count == 0
    answer = _section(_home(client), "liaison", "cards_answer")
    assert [i.title for i in answer.items] == [card.number]
    done = client.get(reverse("dashboards:done"))
    entries = done.context["page"].object_list
    assert [e.title for e in entries] == [card.number]
    assert card.number in done.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_issue12_r1_3_supervisor_verifies_answer(login, users, issue, tree):
    from supervision.services.cards import card_answer, card_sign, card_verify

    card = issue(tree.county_a)
    card_sign(user=users["liaison"], card=card)
    card_answer(user=users["liaison"], card=card, text="已整改。")
    client = login(users["supervisor"])
    section = _section(_home(client), "supervisor", "cards_verify")
    assert section.count == 1 == _list_count(client, section.list_url)
    assert section.items[0].url == card.get_absolute_url()
    card_verify(user=users["supervisor"], card=card, accept=True)
    assert _section(_home(client), "supervisor", "cards_verify").count == 0
    titles = [e.what for e in client.get(reverse("dashboards:done")).context["page"].object_list]
    assert len(titles) == 2  # issued, then accepted and closed (newest first)


def test_issue12_r4_4_liaison_answers_forwarded_message(login, users, campaign, tree):
    from campaign.models import Notification
    from feedback.services.messages import message_answer, message_forward, message_submit

    message = message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="办事难。")
    message_forward(message=message, campaign=campaign, unit=tree.county_a, cadre=None, today=TODAY,
                    by=users["county_office"])
    client = login(users["liaison"])
    section = _section(_home(client), "liaison", "messages")
    assert section.count == 1 == _list_count(client, section.list_url)
    assert Notification.objects.filter(user=users["liaison"], url=message.get_absolute_url(),
                                       read_at__isnull=True).exists()
    message_answer(message=message, text="已解决。", by=users["liaison"])
    assert _section(_home(client), "liaison", "messages").count == 0
    assert not Notification.objects.filter(user=users["liaison"], url=message.get_absolute_url(),
                                           read_at__isnull=True).exists()
    assert [e.title for e in client.get(reverse("dashboards:done")).context["page"].object_list] == [
        message.tracking_code]
    office = _section(_home(login(users["county_office"])), "office", "messages")
    assert office.count == 1  # the answer now waits for the office's review


# --- leader: approvals waiting


def test_issue12_r1_3_leader_sees_proposed_interview(login, users, issue, tree):
    from supervision.models import StepKind
    from supervision.services.escalation import step_take

    card = issue(tree.county_a)
    for kind in (StepKind.REMINDER, StepKind.LETTER, StepKind.INTERVIEW):
        step_take(card=card, kind=kind, reason="仍未整改。", user=users["supervisor"], channel="letter"
                  if kind == StepKind.LETTER else "", document=None)
    client = login(users["leader"])
    approvals = _section(_home(client), "leader", "approvals")
    assert approvals.count == 1 == _list_count(client, approvals.list_url)
    assert client.get(approvals.items[0].url).status_code == 200
    escalations = _section(_home(client), "leader", "escalations")
    assert escalations.count == 1 == _list_count(client, escalations.list_url)


def test_issue12_r6_3_leader_confirms_the_public_criticism_then_it_moves_to_done(login, users, tree, campaign):
    """R6.3 the provincial leader's to-do names the province's public criticism until it is confirmed (due
    by the campaign's end, one click from the ranking that confirms it); once confirmed, the item leaves the
    to-do and the confirmation is on the done tab. A city's leader is not asked for the province's."""
    from campaign.services.criticism import criticism_issue
    from tests.factories import user_with_role

    client = login(users["leader"])
    section = _section(_home(client), "leader", "criticisms_confirm")
    assert section.count == 1 and tree.province.name in section.items[0].title
    item = section.items[0]
    assert item.url == reverse("dashboards:unit_ranking", args=[tree.province.pk]) == section.list_url
    assert item.due == campaign.end_date and client.get(item.url).status_code == 200
    city_leader = user_with_role("city_leader", "leader", tree.city_a)
    city = _section(_home(login(city_leader)), "leader", "criticisms_confirm")
    assert [i.title for i in city.items] == [f"{tree.city_a.name}的通报批评"]
    client = login(users["leader"])
    criticism = criticism_issue(user=users["leader"], campaign=campaign, issuer=tree.province,
                                number="冀群组发〔2014〕41号", title="关于对活动组织不力单位的通报批评", body="",
                                entries=[(tree.county_a, "学习教育走过场。", 41.5)])
    section = _section(_home(client), "leader", "criticisms_confirm")
    assert section.count == 0 and section.empty in client.get(reverse("home")).content.decode()
    done = client.get(reverse("dashboards:done")).context["page"].object_list
    assert [(e.title, e.detail) for e in done] == [(criticism.number, tree.province.name)]
    assert client.get(done[0].url).status_code == 200
    # the city's own criticism is still owed: the province's does not settle it
    assert _section(_home(login(city_leader)), "leader", "criticisms_confirm").count == 1


def test_issue12_r1_3_extension_requests_for_those_who_decide(login, users, issue, tree):
    from supervision.services.cards import card_sign, extension_decide, extension_request

    card = issue(tree.county_a)
    card_sign(user=users["liaison"], card=card, today=TODAY)
    extension = extension_request(user=users["liaison"], card=card, today=TODAY, reason="材料较多。",
                                  requested_due_date=TODAY + datetime.timedelta(days=20))
    for name, expected in [("supervisor", 1), ("city_office", 1), ("county_office", 0), ("county_office_b", 0)]:
        client = login(users[name])
        section = _section(_home(client), "supervisor" if name == "supervisor" else "office", "extensions")
        assert section.count == expected == _list_count(client, section.list_url), name
        if expected:  # one click from the form that decides it, never a 403
            assert client.get(section.items[0].url).status_code == 200
    extension_decide(user=users["supervisor"], extension=extension, approve=True)
    client = login(users["supervisor"])
    assert _section(_home(client), "supervisor", "extensions").count == 0
    assert [e.title for e in client.get(reverse("dashboards:done")).context["page"].object_list] == [
        card.number, card.number]  # approved the extension, and issued the card before


def test_issue12_x3_notice_to_read_then_done_and_office_follows_unread(login, users, tree, campaign,
                                                                      django_capture_on_commit_callbacks):
    from campaign.models import Notification
    from campaign.services.notices import notice_issue, notice_mark_read

    with django_capture_on_commit_callbacks(execute=True):  # addressees are told after commit
        notice = notice_issue(user=users["city_office"], issuer=tree.city_a, number="石群组发〔2014〕5号",
                              title="关于深入学习的通知", body="各县认真组织学习。", issued_on=TODAY,
                              addressees=[tree.county_a, tree.county_a2])
    city = login(users["city_office"])
    follow = _section(_home(city), "office", "notices_unread")
    assert follow.count == 1 == _list_count(city, follow.list_url)
    client = login(users["liaison"])
    section = _section(_home(client), "liaison", "notices")
    assert section.count == 1 == _list_count(client, section.list_url)
    assert section.items[0].url == notice.get_absolute_url()
    note = Notification.objects.get(user=users["liaison"], url=notice.get_absolute_url())
    notice_mark_read(user=users["liaison"], notice=notice)
    assert _section(_home(client), "liaison", "notices").count == 0
    note.refresh_from_db()
    assert note.read_at is not None
    assert [e.title for e in client.get(reverse("dashboards:done")).context["page"].object_list] == [notice.number]
    city = login(users["city_office"])  # (one test client: log in again)
    assert _section(_home(city), "office", "notices_unread").count == 1  # 行唐县 has not read it yet
    assert _section(_home(login(users["county_office_b"])), "office", "notices_unread").count == 0


def test_issue12_r3_2_material_review_moves_to_done(login, users, tree, campaign):
    from campaign.services.problems import material_review, material_submit

    material = material_submit(campaign=campaign, unit=tree.township_a, subject="team", text="对照检查材料。",
                               file=None, by=users["county_office"])
    client = login(users["county_office"])
    section = _section(_home(client), "office", "materials")
    assert section.count == 1 == _list_count(client, section.list_url)
    assert client.get(section.items[0].url).status_code == 200
    assert _section(_home(login(users["county_office_b"])), "office", "materials").count == 0
    material_review(material=material, approve=True, comment="", by=users["county_office"])
    client = login(users["county_office"])
    assert _section(_home(client), "office", "materials").count == 0
    done = client.get(reverse("dashboards:done")).context["page"].object_list
    assert [e.detail for e in done] == ["正定镇"]


def test_issue12_r5_2_request_for_instructions_answered_then_settled(login, users, tree, campaign):
    from campaign.models import Notification
    from campaign.services.liaison import (instruction_request_answer, instruction_request_ask,
                                           instruction_request_close)

    request = instruction_request_ask(user=users["county_office"], campaign=campaign, unit=tree.county_a,
                                      addressee=tree.city_a, title="关于专项检查范围的请示", body="请予批示。")
    city = login(users["city_office"])
    section = _section(_home(city), "office", "requests")
    assert section.count == 1 == _list_count(city, section.list_url)
    assert city.get(section.items[0].url).status_code == 200
    assert _section(_home(login(users["county_office_b"])), "office", "requests").count == 0
    instruction_request_answer(user=users["city_office"], request=request, answer="同意。")
    city = login(users["city_office"])
    assert _section(_home(city), "office", "requests").count == 0
    assert [e.title for e in city.get(reverse("dashboards:done")).context["page"].object_list] == [request.title]
    client = login(users["liaison"])
    replies = _section(_home(client), "liaison", "replies")
    assert replies.count == 1 == _list_count(client, replies.list_url)
    note = Notification.objects.get(user=users["liaison"], url=request.get_absolute_url())
    instruction_request_close(user=users["liaison"], request=request)
    assert _section(_home(client), "liaison", "replies").count == 0
    note.refresh_from_db()
    assert note.read_at is not None


def test_issue12_done_tab_newest_first_and_paginated(login, users, issue, tree):
    from supervision.models import CardEvent

    card = issue(tree.county_a)
    start = timezone.now() - datetime.timedelta(days=30)
    CardEvent.objects.bulk_create([CardEvent(card=card, kind="signed", actor=users["liaison"],
                                             at=start + datetime.timedelta(hours=i)) for i in range(25)])
    client = login(users["liaison"])
    first = client.get(reverse("dashboards:done"))
    page = first.context["page"]
    assert page.paginator.count == 25 and len(page.object_list) == 20
    times = [e.at for e in page.object_list]
    assert times == sorted(times, reverse=True)
    second = client.get(reverse("dashboards:done"), {"page": 2}).context["page"]
    assert len(second.object_list) == 5 and second.object_list[-1].at == start
    assert 'id="page-next"' in first.content.decode()
    assert login(users["supervisor"]).get(reverse("dashboards:done")).context["page"].paginator.count == 1  # issued


@pytest.mark.parametrize("name", ["liaison", "county_office", "city_office", "supervisor", "leader", "admin"])
def test_issue12_every_item_opens_for_its_user(login, users, issue, tree, campaign, name):
    """No item of the to-do is a link that answers 403, 404 or 405 (DESIGN: a link answering 403 is a bug)."""
    from feedback.services.messages import message_forward, message_submit
    from supervision.models import StepKind
    from supervision.services.cards import card_answer, card_sign, extension_request
    from supervision.services.escalation import step_take

    issue(tree.county_a)
    signed = issue(tree.county_a)
    card_sign(user=users["liaison"], card=signed, today=TODAY)
    extension_request(user=users["liaison"], card=signed, today=TODAY, reason="材料较多。",
                      requested_due_date=TODAY + datetime.timedelta(days=20))
    answered = issue(tree.county_a)
    card_sign(user=users["liaison"], card=answered, today=TODAY)
    card_answer(user=users["liaison"], card=answered, text="已整改。")
    escalated = issue(tree.county_a)
    for kind in (StepKind.REMINDER, StepKind.LETTER, StepKind.INTERVIEW):
        step_take(card=escalated, kind=kind, reason="仍未整改。", user=users["supervisor"],
                  channel="letter" if kind == StepKind.LETTER else "")
    message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="留言一。")
    forwarded = message_submit(campaign=campaign, unit=tree.county_a, category="formalism", text="留言二。")
    message_forward(message=forwarded, campaign=campaign, unit=tree.county_a, cadre=None, today=TODAY,
                    by=users["county_office"])
    client = login(users[name])
    shown = 0
    for group in _home(client).context["todo"].groups:
        for section in group.sections:
            assert client.get(section.list_url).status_code == 200, section.list_url
            for item in section.items:
                assert client.get(item.url).status_code == 200, (section.key, item.url)
                shown += 1
    assert shown > 0


# --- query count: fixed whatever the size of the tree


@pytest.mark.parametrize("name", ["liaison", "county_office", "supervisor", "leader", "admin"])
def test_issue12_home_queries_do_not_grow_with_data(login, users, issue, tree, campaign, name,
                                                     django_assert_max_num_queries):
    from feedback.services.messages import message_submit

    client = login(users[name])
    issue(tree.county_a)
    with django_assert_max_num_queries(30):
        _home(client)
    for i in range(12):
        village = add(tree.township_a, name=f"新村{i}", code=f"X{i:03}", level=5, kind="village")
        issue(tree.county_a)
        message_submit(campaign=campaign, unit=village, category="formalism", text=f"留言{i}")
    with django_assert_max_num_queries(30):
        _home(client)
    with django_assert_max_num_queries(14):
        client.get(reverse("dashboards:done"))


def test_issue13_home_looks_the_running_campaign_up_once(login, users, campaign):
    """The to-do and the scope's figures below it share one lookup of the running campaign."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(users["county_office"])
    with CaptureQueriesContext(connection) as queries:
        response = _home(client)
    assert response.context["figures"].units == 3
    lookups = [q["sql"] for q in queries.captured_queries
               if 'FROM "campaign_campaign"' in q["sql"] and '"is_active"' in q["sql"]]
    assert len(lookups) == 1, lookups


def test_issue12_r3_3_special_inspections_under_way_for_supervisor_and_office(login, users, tree, campaign):
    """R3.3 a special inspection of 正定县 under way today: the supervisor and the organising city office see it
    under "special inspections under way", the count is the inspection list filtered to those under way, an
    inspection that ended is not listed, and 迁安市's office sees none (R0.1)."""
    from supervision.services.inspections import inspection_create
    from tests.factories import CadreFactory
    from units.models import Rank

    today = timezone.localdate()
    chief = CadreFactory(unit=tree.city_a, name="钱厅长", post="市委常委、组织部部长", rank=Rank.DEPARTMENT)

    def create(title, start, end):
        return inspection_create(user=users["city_office"], title=title, organising_unit=tree.city_a, leader=chief,
                                 units=[tree.county_a], start_date=start, end_date=end, campaign=campaign,
                                 today=start)

    running = create("学习教育环节专题调研", today - datetime.timedelta(days=2), today + datetime.timedelta(days=5))
    create("上一轮专题调研", today - datetime.timedelta(days=30), today - datetime.timedelta(days=20))
    for role, group in (("supervisor", "supervisor"), ("city_office", "office")):
        client = login(users[role])
        section = _section(_home(client), group, "special")
        assert [i.title for i in section.items] == [running.title], role
        assert section.count == 1 == _list_count(client, section.list_url), role
        assert client.get(section.items[0].url).status_code == 200
    assert _section(_home(login(users["county_office_b"])), "office", "special").count == 0
