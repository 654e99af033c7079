"""R4.4 triage and routing: the office of the same level classifies, merges, rejects with a reason, forwards
with a due date in working days; the unit answers; the office publishes or sends back. R4.3 letters and
visits enter the same pipeline. Overdue answers are reminded once each."""
from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign.models import CalendarDay, Notification
from campaign.services.campaign import add_working_days
from feedback.errors import FeedbackError
from feedback.models import EventKind, Message, MessageStatus, OverdueReminder
from feedback.services import messages as services
from tests.feedback.conftest import TODAY, records_of

pytestmark = pytest.mark.django_db


def submit(campaign, unit, text="反映问题", **kw) -> Message:
    return services.message_submit(campaign=campaign, unit=unit, category=kw.pop("category", "formalism"),
                                   text=text, **kw)


def forward(campaign, message, user, unit=None, cadre=None, today=TODAY) -> Message:
    return services.message_forward(message=message, campaign=campaign, unit=unit or message.unit, cadre=cadre,
                                    today=today, by=user)


# --- routing

def test_r4_4_routing_goes_to_the_office_of_the_same_level(campaign, tree, users):
    cases = {
        tree.village_a: tree.county_a,   # village → its county's office (no township office)
        tree.county_a: tree.county_a,    # the county's own office
        tree.county_a2: tree.city_a,     # 行唐县 has no office: the city's
        tree.township_b: tree.county_b,  # 迁安镇 → 迁安市
        tree.city_b: tree.province,      # 唐山市 has no office: the province's
        tree.province: tree.province,
    }
    for unit, office in cases.items():
        assert submit(campaign, unit).office_unit == office, unit.name


def test_r4_4_with_no_office_anywhere_the_message_lands_in_the_roots_queue(campaign, tree):
    """R4.4 before any office account exists a message still lands in a queue — the province's — and nobody
    is notified (there is nobody yet); it waits there for the first office account."""
    for unit in (tree.village_a, tree.city_b, tree.province):
        message = submit(campaign, unit)
        assert message.office_unit == tree.province, unit.name
    assert not Notification.objects.exists()


def test_r4_4_an_inactive_office_does_not_get_the_queue(campaign, tree, users):
    users["county_office"].is_active = False
    users["county_office"].save()
    assert submit(campaign, tree.village_a).office_unit == tree.city_a


def test_r4_4_the_queue_is_the_office_of_the_same_level(campaign, tree, users, login):
    village = submit(campaign, tree.village_a, "村务不公开")
    county2 = submit(campaign, tree.county_a2, "行唐县的事")
    county = login(users["county_office"])
    todo = county.get(reverse("feedback:messages"))
    assert [m.pk for m in records_of(todo)] == [village.pk]
    city = login(users["city_office"])
    assert [m.pk for m in records_of(city.get(reverse("feedback:messages")))] == [county2.pk]
    # the city reads everything below it under "all"
    everything = city.get(reverse("feedback:messages"), {"show": "all"})
    assert {m.pk for m in records_of(everything)} == {village.pk, county2.pk}
    # out of scope: a 404, not a 403
    assert login(users["county_office_b"]).get(village.get_absolute_url()).status_code == 404
    assert login(users["no_role"]).get(reverse("feedback:messages")).context["table"].paginator.count == 0


# --- triage

def test_r4_4_classify_and_mark_notable(campaign, tree, users, login):
    message = submit(campaign, tree.county_a, category="other")
    client = login(users["county_office"])
    response = client.post(reverse("feedback:message_classify", args=[message.pk]),
                           {"category": "hedonism", "is_notable": "on"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.category, message.is_notable) == ("hedonism", True)
    assert message.events.filter(kind=EventKind.CLASSIFIED).exists()
    # readers may not classify
    assert login(users["leader"]).post(reverse("feedback:message_classify", args=[message.pk]),
                                       {"category": "other"}).status_code == 403


def test_r4_4_merge_duplicates_and_the_citizen_follows_the_answer(campaign, tree, users, login, client):
    first = submit(campaign, tree.county_a, "县医院挂号难")
    duplicate = submit(campaign, tree.county_a, "县医院挂号排长队")
    office = login(users["county_office"])
    form = office.get(reverse("feedback:message_merge", args=[duplicate.pk]))
    assert first in form.context["form"].fields["into"].queryset
    received = f"{first.received_on.year}年{first.received_on.month}月{first.received_on.day}日"  # not 2014-04-…
    assert f"{first.tracking_code} · 正定县 · {received} · 县医院挂号难" in form.content.decode()
    response = office.post(reverse("feedback:message_merge", args=[duplicate.pk]), {"into": first.pk})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == MessageStatus.MERGED and duplicate.merged_into == first
    forward(campaign, first, users["county_office"])
    services.message_answer(message=first, text="已开通网上预约挂号。", by=users["liaison"])
    services.message_publish(message=first, text="已开通网上预约挂号。", by=users["county_office"])
    client.logout()
    body = client.get(reverse("feedback:track", args=[duplicate.tracking_code])).content.decode()
    assert 'id="track-merged"' in body and "已开通网上预约挂号。" in body and 'data-status="published"' in body


def test_r4_4_merge_refuses_other_offices_and_itself(campaign, tree, users):
    mine = submit(campaign, tree.county_a)
    theirs = submit(campaign, tree.county_b)
    with pytest.raises(FeedbackError):
        services.message_merge(message=mine, into=theirs, by=users["admin"])
    with pytest.raises(FeedbackError):
        services.message_merge(message=mine, into=mine, by=users["admin"])
    mine.refresh_from_db()
    assert mine.status == MessageStatus.RECEIVED


def test_r4_4_reject_with_a_reason_the_citizen_sees(campaign, tree, users, login, client):
    message = submit(campaign, tree.county_a, "邻居噪音扰民")
    office = login(users["county_office"])
    empty = office.post(reverse("feedback:message_reject", args=[message.pk]), {"reason": "  "})
    assert empty.status_code == 200 and empty.context["form"].errors
    message.refresh_from_db()
    assert message.status == MessageStatus.RECEIVED
    office.post(reverse("feedback:message_reject", args=[message.pk]), {"reason": "属邻里纠纷，请向社区调解委员会反映。"})
    message.refresh_from_db()
    assert message.status == MessageStatus.REJECTED
    client.logout()
    body = client.get(reverse("feedback:track", args=[message.tracking_code])).content.decode()
    assert 'id="track-reason"' in body and "属邻里纠纷，请向社区调解委员会反映。" in body


def test_r4_4_forward_due_date_counts_working_days_of_the_calendar(campaign, tree, users, login):
    campaign.message_answer_working_days = 3
    campaign.save()
    monday = datetime.date(2014, 4, 28)
    CalendarDay.objects.create(date=datetime.date(2014, 4, 30), kind="holiday", name="调休")
    message = submit(campaign, tree.township_a)
    forward(campaign, message, users["county_office"], today=monday)
    # Tue 29, (Wed 30 holiday), Thu 1 May, Fri 2 May
    assert message.due_date == add_working_days(monday, 3) == datetime.date(2014, 5, 2)
    assert message.status == MessageStatus.FORWARDED and message.assigned_unit == tree.township_a


def test_r4_4_forward_to_a_named_cadre_notifies_the_unit(campaign, tree, users, login):
    message = submit(campaign, tree.county_a, "县委书记作风问题")
    office = login(users["county_office"])
    page = office.get(reverse("feedback:message_forward", args=[message.pk]))
    assert page.status_code == 200 and page.context["due_preview"]
    assert tree.cadre_a in page.context["form"].fields["cadre"].queryset
    response = office.post(reverse("feedback:message_forward", args=[message.pk]),
                           {"unit": tree.county_a.pk, "cadre": tree.cadre_a.pk})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.assigned_cadre == tree.cadre_a and message.assigned_unit == tree.county_a
    assert Notification.objects.filter(user=users["liaison"], url=message.get_absolute_url()).exists()


def test_r4_4_forward_stays_within_the_office_area(campaign, tree, users):
    message = submit(campaign, tree.village_a)
    with pytest.raises(FeedbackError):
        forward(campaign, message, users["county_office"], unit=tree.county_b)
    with pytest.raises(FeedbackError):  # a cadre of another unit
        forward(campaign, message, users["county_office"], unit=tree.village_a, cadre=tree.cadre_a)
    message.refresh_from_db()
    assert message.status == MessageStatus.RECEIVED


def test_r4_4_only_the_office_triages(campaign, tree, users, login):
    message = submit(campaign, tree.county_a)
    url = reverse("feedback:message_forward", args=[message.pk])
    for name in ("liaison", "leader", "supervisor"):
        assert login(users[name]).get(url).status_code == 403, name
    assert login(users["city_office"]).get(url).status_code == 200  # an office above may act
    assert login(users["county_office_b"]).get(url).status_code == 404


# --- answer, publish, send back

def test_r4_4_the_unit_answers_and_the_office_publishes(campaign, tree, users, login):
    message = submit(campaign, tree.county_a)
    forward(campaign, message, users["county_office"])
    liaison = login(users["liaison"])
    assert liaison.post(reverse("feedback:message_answer", args=[message.pk]), {"text": ""}).status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.FORWARDED
    liaison.post(reverse("feedback:message_answer", args=[message.pk]), {"text": "已约谈相关责任人。"})
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED and message.answered_by == users["liaison"]
    assert Notification.objects.filter(user=users["county_office"], title__contains=message.tracking_code).exists()
    # the liaison cannot publish their own answer
    assert liaison.get(reverse("feedback:message_publish", args=[message.pk])).status_code == 403
    office = login(users["county_office"])
    office.post(reverse("feedback:message_publish", args=[message.pk]), {"text": "已约谈相关责任人，限期整改。"})
    message.refresh_from_db()
    assert message.status == MessageStatus.PUBLISHED and message.answer == "已约谈相关责任人，限期整改。"


def test_r4_4_a_liaison_answers_only_for_their_own_unit(campaign, tree, users, login):
    message = submit(campaign, tree.village_a)
    forward(campaign, message, users["county_office"], unit=tree.township_a)
    assert login(users["liaison"]).get(reverse("feedback:message_answer", args=[message.pk])).status_code == 403


def test_r4_4_the_office_sends_an_answer_back_with_reasons(campaign, tree, users, login):
    message = submit(campaign, tree.county_a)
    forward(campaign, message, users["county_office"])
    services.message_answer(message=message, text="情况属实", by=users["liaison"])
    office = login(users["county_office"])
    past = office.post(reverse("feedback:message_return", args=[message.pk]),
                       {"reason": "没有说明整改措施", "due_date": "2000-01-01"})
    assert past.status_code == 200 and past.context["form"].non_field_errors()
    message.refresh_from_db()
    assert message.status == MessageStatus.ANSWERED
    office.post(reverse("feedback:message_return", args=[message.pk]), {"reason": "没有说明整改措施"})
    message.refresh_from_db()
    assert message.status == MessageStatus.FORWARDED and message.return_reason == "没有说明整改措施"
    assert Notification.objects.filter(user=users["liaison"], body__contains="没有说明整改措施").exists()
    page = login(users["liaison"]).get(message.get_absolute_url()).content.decode()
    assert 'id="return-reason"' in page and 'id="action-answer"' in page


def test_r4_4_steps_out_of_order_are_refused(campaign, tree, users, login):
    message = submit(campaign, tree.county_a)
    with pytest.raises(FeedbackError):
        services.message_publish(message=message, text="x", by=users["county_office"])
    with pytest.raises(FeedbackError):
        services.message_answer(message=message, text="x", by=users["liaison"])
    # a GET of a step not possible now leads back to the message
    response = login(users["county_office"]).get(reverse("feedback:message_publish", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == message.get_absolute_url()


# --- contact details

def test_r4_4_contact_details_only_for_the_staff_handling_the_message(campaign, tree, users, login):
    """R4.4, issue 15: the office the message is routed to sees the phone in full, the office above it
    masked, the others not at all; once forwarded, the answering unit's liaison sees it in full."""
    message = submit(campaign, tree.county_a, citizen_name="王五", citizen_phone="13700001111")
    for name, shown in [("county_office", "13700001111"), ("city_office", "137****1111"), ("liaison", None),
                        ("leader", None), ("supervisor", None)]:
        body = login(users[name]).get(message.get_absolute_url()).content.decode()
        assert ("13700001111" in body) is (shown == "13700001111"), name
        assert ("137****1111" in body) is (shown == "137****1111"), name
    forward(campaign, message, users["county_office"])
    assert "13700001111" in login(users["liaison"]).get(message.get_absolute_url()).content.decode()


def test_r4_4_the_excel_export_never_carries_contact_details(campaign, tree, users, login):
    submit(campaign, tree.county_a, "留言正文", citizen_name="赵六", citizen_phone="13600002222")
    submit(campaign, tree.county_a, '=HYPERLINK("http://evil.example","点我")')
    response = login(users["county_office"]).get(reverse("feedback:messages"), {"show": "all", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [str(c.value) for c in cells]
    assert "留言正文" in texts
    assert not any("赵六" in t or "13600002222" in t for t in texts)
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # a citizen's text stays inert text, never a formula


def test_r4_4_text_is_escaped_on_staff_pages(campaign, tree, users, login):
    message = submit(campaign, tree.county_a, "<b>粗体</b><script>x()</script>")
    office = login(users["county_office"])
    for url in (message.get_absolute_url(), reverse("feedback:messages")):
        body = office.get(url).content.decode()
        assert "<script>x()</script>" not in body and "&lt;script&gt;" in body


def test_r4_4_message_list_keeps_a_fixed_number_of_queries(campaign, tree, users, login,
                                                           django_assert_max_num_queries):
    office = login(users["county_office"])

    def count_queries() -> None:
        with django_assert_max_num_queries(14):
            assert office.get(reverse("feedback:messages"), {"show": "all"}).status_code == 200

    for _ in range(3):
        submit(campaign, tree.village_a)
    count_queries()
    for _ in range(30):
        forward(campaign, submit(campaign, tree.township_a), users["county_office"])
    count_queries()


# --- R4.3 letters and visits

def test_r4_3_a_supervision_group_records_a_letter_into_the_same_pipeline(campaign, tree, users, login):
    client = login(users["supervisor"])
    page = client.get(reverse("feedback:letter_add"), {"q": "正定镇"})
    assert [h.unit for h in page.context["hits"]] == [tree.township_a]
    response = client.post(reverse("feedback:letter_add"), {
        "channel": "letter", "received_by": tree.city_a.pk, "received_on": "2014-04-10", "unit": tree.township_a.pk,
        "category": "extravagance", "text": "镇政府新建办公楼超标", "citizen_name": "来信人", "citizen_phone": ""})
    message = Message.objects.get()
    assert response.status_code == 302 and response["Location"] == message.get_absolute_url()
    assert (message.channel, message.received_by, message.office_unit) == ("letter", tree.city_a, tree.county_a)
    assert message.recorded_by == users["supervisor"]
    # it is in the county office's queue like any board message
    queue = login(users["county_office"]).get(reverse("feedback:messages"))
    assert [m.pk for m in records_of(queue)] == [message.pk]


def test_r4_3_bad_letters_store_nothing(campaign, tree, users, login):
    client = login(users["county_office_b"])
    base = {"channel": "visit", "received_by": tree.county_b.pk, "received_on": "2014-04-10",
            "category": "other", "text": "来访反映"}
    out_of_scope = client.post(reverse("feedback:letter_add"), base | {"unit": tree.county_a.pk})
    assert out_of_scope.status_code == 200 and out_of_scope.context["form"].errors["unit"]
    future = client.post(reverse("feedback:letter_add"),
                         base | {"unit": tree.township_b.pk, "received_on": "2999-01-01"})
    assert future.status_code == 200 and future.context["form"].non_field_errors()
    not_mine = client.post(reverse("feedback:letter_add"), base | {"unit": tree.township_b.pk,
                                                                   "received_by": tree.county_a.pk})
    assert not_mine.context["form"].errors["received_by"]
    assert Message.objects.count() == 0
    assert login(users["no_role"]).get(reverse("feedback:letter_add")).status_code == 403


# --- the overdue sweep: once each, whether it runs twice, late, or after a crash

@pytest.fixture
def overdue_two(campaign, tree, users):
    messages = []
    for unit in (tree.county_a, tree.township_a):
        message = submit(campaign, unit)
        forward(campaign, message, users["county_office"], today=TODAY)
        messages.append(message)
    # what the sweeps send comes after the notifications of submitting and forwarding
    Notification.objects.all().delete()
    return messages


def _reminders(user) -> list[str]:
    """The sweep's notifications to ``user`` (each names the message's tracking code)."""
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_r4_4_overdue_answers_are_flagged_and_reminded_once(campaign, tree, users, overdue_two, login):
    due = overdue_two[0].due_date
    assert services.messages_flag_overdue(today=due) == 0  # due today is not overdue yet
    assert services.messages_flag_overdue(today=due + datetime.timedelta(days=1)) == 2
    assert len(_reminders(users["county_office"])) == 2
    assert len(_reminders(users["liaison"])) == 1  # the liaison of 正定县 only for 正定县's answer
    # twice: nothing more
    assert services.messages_flag_overdue(today=due + datetime.timedelta(days=1)) == 0
    # late (beat down for a week): still nothing more
    assert services.messages_flag_overdue(today=due + datetime.timedelta(days=8)) == 0
    assert OverdueReminder.objects.count() == 2
    page = login(users["county_office"]).get(reverse("feedback:messages"), {"show": "all", "overdue": "on"})
    assert page.status_code == 200


def test_r4_4_a_sweep_that_first_runs_late_reminds_once(campaign, tree, users, overdue_two):
    due = overdue_two[0].due_date
    assert services.messages_flag_overdue(today=due + datetime.timedelta(days=20)) == 2
    assert services.messages_flag_overdue(today=due + datetime.timedelta(days=21)) == 0
    assert len(_reminders(users["county_office"])) == 2


def test_r4_4_a_worker_dying_mid_sweep_loses_and_repeats_nothing(campaign, tree, users, overdue_two, monkeypatch):
    from campaign.services import notifications

    real = notifications.store_notifications
    calls = {"n": 0}

    def dying(notes):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")
        return real(notes)

    due = overdue_two[0].due_date
    monkeypatch.setattr(notifications, "store_notifications", dying)
    with pytest.raises(SystemExit):  # batches of one: the second batch dies while announcing its reminder
        services.messages_flag_overdue(today=due + datetime.timedelta(days=1), batch_size=1)
    assert OverdueReminder.objects.count() == 1  # the second claim rolled back with its notifications
    monkeypatch.setattr(notifications, "store_notifications", real)
    assert services.messages_flag_overdue(today=due + datetime.timedelta(days=1)) == 1
    titles = _reminders(users["county_office"])
    assert len(titles) == len(set(titles)) == 2


def test_r4_4_an_answer_sent_back_with_a_new_date_is_reminded_again_when_that_passes(campaign, tree, users,
                                                                                     overdue_two):
    message = overdue_two[0]
    first_due = message.due_date
    services.messages_flag_overdue(today=first_due + datetime.timedelta(days=1))
    services.message_answer(message=message, text="已办", by=users["liaison"])
    new_due = first_due + datetime.timedelta(days=10)
    services.message_return(message=message, reason="不具体", due_date=new_due, today=first_due, by=users["county_office"])
    assert services.messages_flag_overdue(today=new_due) == 0
    assert services.messages_flag_overdue(today=new_due + datetime.timedelta(days=1)) == 1
    assert services.messages_flag_overdue(today=new_due + datetime.timedelta(days=2)) == 0


def test_r4_4_answered_messages_are_not_reminded(campaign, tree, users, overdue_two):
    for message in overdue_two:
        services.message_answer(message=message, text="已办", by=users["county_office"])
    assert services.messages_flag_overdue(today=overdue_two[0].due_date + datetime.timedelta(days=5)) == 0


def test_r4_4_the_beat_task_runs_the_sweep(campaign, tree, users, overdue_two, monkeypatch):
    from django.utils import timezone

    from feedback.tasks import messages_flag_overdue

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: overdue_two[0].due_date + datetime.timedelta(days=1))
    assert messages_flag_overdue.apply().get() == 2


def test_issue13_the_overdue_sweep_reminds_many_in_a_fixed_number_of_statements(
        campaign, tree, users, overdue_two, django_assert_max_num_queries):
    """Issue 13: three overdue answers or thirty cost the same statements; each reminder still goes to the
    answering unit's liaisons and office and to the triaging office (feedback.policy), with its history."""
    from feedback import policy

    due = overdue_two[0].due_date
    expected = {m.pk: policy.answering_user_ids(m.assigned_unit) | policy.office_user_ids(m.office_unit)
                for m in overdue_two}
    with django_assert_max_num_queries(10):
        assert services.messages_flag_overdue(today=due + datetime.timedelta(days=1)) == 2
    for m in overdue_two:
        told = set(Notification.objects.filter(url=reverse("feedback:message_detail", args=[m.pk]))
                   .values_list("user_id", flat=True))
        assert told == expected[m.pk] and told
        assert m.events.filter(kind=EventKind.REMINDED).count() == 1
    more = []
    for i in range(30):
        message = submit(campaign, tree.township_a, text=f"反映问题{i}")
        more.append(forward(campaign, message, users["county_office"], today=TODAY))
    with django_assert_max_num_queries(10):
        assert services.messages_flag_overdue(today=due + datetime.timedelta(days=1)) == 30
    assert OverdueReminder.objects.count() == 32


def _rows(html: str) -> list[str]:
    """The table body's rows, whitespace between and inside tags evened out (``<td >`` is ``<td>``)."""
    body = html[html.index("<tbody"):html.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S)
    return [re.sub(r"\s+>", ">", re.sub(r">\s+<", "><", " ".join(row.split()))) for row in rows]


def test_issue13_the_message_rows_template_shows_what_the_table_columns_render(campaign, tree, users, rf):
    """The queue's written-out rows (``feedback/messages/_table.html``) are django-tables2's generic rendering of
    ``MessageTable``, cell for cell with their classes and the rows' ids: a letter's channel, a notable message's
    star, a long text cut, a name to escape, the answering unit, an overdue badge and an empty due date."""
    from django.template import Context, Template

    from feedback.tables import MessageTable

    tree.village_a.name = "塔元庄村<b>&</b>"
    tree.village_a.save()
    plain = submit(campaign, tree.village_a, text="长" * 100)
    letter = services.message_submit(campaign=campaign, unit=tree.township_a, category="hedonism", text="来信反映",
                                     channel="letter", received_by=tree.county_a, by=users["county_office"])
    services.message_classify(message=letter, category="hedonism", is_notable=True, by=users["county_office"])
    late = forward(campaign, submit(campaign, tree.county_a), users["county_office"], unit=tree.township_a)
    Message.objects.filter(pk=late.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    request = rf.get("/")
    request.user = users["prov_office"]
    rendered = {}
    for template in ("feedback/messages/_table.html", "web/table.html"):
        table = MessageTable(Message.objects.select_related("unit", "office_unit", "assigned_unit"), today=TODAY,
                             template_name=template)
        rendered[template] = Template("{% load django_tables2 %}{% render_table table %}").render(
            Context({"table": table, "request": request}))
    fast, generic = _rows(rendered["feedback/messages/_table.html"]), _rows(rendered["web/table.html"])
    assert len(fast) == 3 and fast == generic
    html = "".join(fast)
    assert all(f'id="message-{m.pk}"' in html for m in (plain, letter, late))
    assert "塔元庄村&lt;b&gt;&amp;&lt;/b&gt;" in html and "长" * 100 not in html
    assert "bi-star-fill" in html and 'data-overdue="1"' in html and "—" in html
