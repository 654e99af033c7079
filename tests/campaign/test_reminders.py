"""Reminders before, on and after each deadline (R5.1), each sent exactly once; the notification centre."""
from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from campaign.models import Notification, ReminderClaim
from campaign.services import notifications as svc
from campaign.services.campaign import obligation_fulfil

D = datetime.date
COUNTY_DUE = D(2014, 4, 30)  # city and county study stage (R5.1)


def _titles(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


@pytest.fixture
def county_users(users):
    return users["county_office"], users["liaison"]


def test_r5_1_reminders_at_lead_days_on_the_day_and_overdue(campaign, tree, county_users):
    office, liaison = county_users
    assert svc.reminders_send_due(today=COUNTY_DUE - datetime.timedelta(days=8)) == 0
    first = svc.reminders_send_due(today=COUNTY_DUE - datetime.timedelta(days=7))
    assert first > 0
    # 正定县 owes 4 things due 30 April (meetings, list, exam): its liaison gets one reminder each
    liaison_titles = _titles(liaison)
    assert len(liaison_titles) == 4 and all("正定县" in t for t in liaison_titles)
    # the county office also hears about 正定县's townships? no: their deadline is 15 May
    assert all("正定县" in t for t in _titles(office))
    svc.reminders_send_due(today=COUNTY_DUE - datetime.timedelta(days=1))
    svc.reminders_send_due(today=COUNTY_DUE)
    svc.reminders_send_due(today=COUNTY_DUE + datetime.timedelta(days=1))
    assert len(_titles(liaison)) == 16  # 4 obligations × (7 days, 1 day, due, overdue)


def test_r5_1_a_sweep_that_runs_twice_sends_once(campaign, tree, county_users):
    _, liaison = county_users
    day = COUNTY_DUE - datetime.timedelta(days=7)
    svc.reminders_send_due(today=day)
    before = Notification.objects.count()
    assert svc.reminders_send_due(today=day) == 0
    assert Notification.objects.count() == before
    assert len(_titles(liaison)) == 4


def test_r5_1_a_late_sweep_sends_only_the_latest_stage_once(campaign, tree, county_users):
    """Beat was down for a week: on the day after the deadline only 'overdue' goes out, once."""
    _, liaison = county_users
    svc.reminders_send_due(today=COUNTY_DUE + datetime.timedelta(days=1))
    titles = _titles(liaison)
    assert len(titles) == 4
    ob_claims = ReminderClaim.objects.filter(obligation__unit=tree.county_a)
    assert ob_claims.filter(notified=True, stage="overdue").count() == 4
    assert ob_claims.filter(notified=False).count() == 4 * 3  # earlier stages recorded as superseded
    svc.reminders_send_due(today=COUNTY_DUE + datetime.timedelta(days=3))
    assert len(_titles(liaison)) == 4


def test_r5_1_issue13_a_stage_sent_before_stays_sent_when_a_late_sweep_supersedes_the_others(
        campaign, tree, county_users):
    """The first reminder went out; beat then stopped until after the deadline: the late sweep sends
    'overdue', records 'second' and 'due' as superseded, and leaves the 'first' it sent as sent — one row per
    stage (the sweep no longer reads the claims before writing: the unique claim keeps the earlier row)."""
    _, liaison = county_users
    svc.reminders_send_due(today=COUNTY_DUE - datetime.timedelta(days=7))
    svc.reminders_send_due(today=COUNTY_DUE + datetime.timedelta(days=1))
    assert len(_titles(liaison)) == 8  # 4 first reminders, then 4 overdue
    claims = ReminderClaim.objects.filter(obligation__unit=tree.county_a, due_date=COUNTY_DUE)
    assert sorted(claims.values_list("stage", "notified").distinct()) == [
        ("due", False), ("first", True), ("overdue", True), ("second", False)]
    assert claims.count() == 4 * 4


@pytest.mark.parametrize("batch_size,claimed_before_crash", [(1, 2), (svc.REMINDER_BATCH, 0)])
def test_r5_1_a_worker_dying_mid_sweep_loses_and_repeats_nothing(campaign, tree, county_users, monkeypatch,
                                                            batch_size, claimed_before_crash):
    """Claims and notifications share a transaction per batch: a crash leaves no half-sent item.

    With batches of one, the two batches before the crash stay sent; with the default batch the
    whole batch rolls back. Either way the next sweep sends each remaining reminder once.
    """
    _, liaison = county_users
    day = COUNTY_DUE - datetime.timedelta(days=7)
    real_insert = svc.insert_rows
    calls = {"n": 0}

    def dying_insert(model, fields, rows, **kwargs):
        # the notifications of a batch are written last, after its claims
        if model is Notification:
            calls["n"] += 1
            if calls["n"] == 3 or batch_size > 1:
                raise SystemExit("worker killed")
        return real_insert(model, fields, rows, **kwargs)

    monkeypatch.setattr(svc, "insert_rows", dying_insert)
    with pytest.raises(SystemExit):
        svc.reminders_send_due(today=day, batch_size=batch_size)
    assert ReminderClaim.objects.count() == claimed_before_crash
    monkeypatch.setattr(svc, "insert_rows", real_insert)
    svc.reminders_send_due(today=day, batch_size=batch_size)
    titles = _titles(liaison)
    assert len(titles) == len(set(titles)) == 4


def test_r5_1_a_sweep_racing_another_sends_what_the_other_did_not_claim(campaign, tree, county_users, monkeypatch):
    """Issue 13: claims are written as plain rows; one obligation claimed by another sweep after this one
    listed it makes the batch's claim fail whole (IntegrityError, as Django raises it on every database),
    and the batch is sent one by one: the other three reminders go out once, the claimed one not again."""
    _, liaison = county_users
    day = COUNTY_DUE - datetime.timedelta(days=7)
    ob = tree.county_a.obligations.filter(campaign=campaign, due_date=COUNTY_DUE).order_by("pk").first()
    real_batch = svc._remind_batch

    def racing(batch, *args, **kwargs):
        if not kwargs.get("quiet") and not ReminderClaim.objects.filter(obligation=ob).exists():
            # the other sweep commits its claim for ``ob`` now (same stage, same announced date)
            ReminderClaim.objects.create(obligation=ob, stage="first", due_date=ob.due_date)
        return real_batch(batch, *args, **kwargs)

    monkeypatch.setattr(svc, "_remind_batch", racing)
    svc.reminders_send_due(today=day)
    titles = _titles(liaison)
    assert len(titles) == len(set(titles)) == 3
    assert ReminderClaim.objects.filter(obligation=ob).count() == 1


def test_r5_1_done_obligations_are_not_reminded(campaign, tree, county_users):
    _, liaison = county_users
    for kind in ("enlarged_meeting", "discussion_meeting", "four_winds_list", "exam"):
        obligation_fulfil(campaign=campaign, unit=tree.county_a, kind=kind, on=D(2014, 4, 1))
    svc.reminders_send_due(today=COUNTY_DUE + datetime.timedelta(days=1))
    assert _titles(liaison) == []


def test_r5_1_reminders_are_emailed_once(campaign, tree, county_users):
    office, liaison = county_users
    liaison.email = "liaison@example.org"
    liaison.save()
    svc.reminders_send_due(today=COUNTY_DUE)
    assert svc.notifications_email_pending() == 4
    assert svc.notifications_email_pending() == 0
    assert len(mail.outbox) == 4 and mail.outbox[0].to == ["liaison@example.org"]
    assert "正定县" in mail.outbox[0].subject


def test_r5_1_notification_centre_and_unread_count(campaign, tree, county_users, login):
    _, liaison = county_users
    svc.reminders_send_due(today=COUNTY_DUE)
    client = login(liaison)
    page = client.get(reverse("home")).content.decode()
    assert 'id="unread-count">4<' in page
    response = client.get(reverse("campaign:notifications"))
    assert len(response.context["table"].page.object_list) == 4
    note = Notification.objects.filter(user=liaison).first()
    response = client.post(reverse("campaign:notification_read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("campaign:unit_progress",
                                                                            args=[tree.county_a.pk])
    assert 'id="unread-count">3<' in client.get(reverse("home")).content.decode()
    client.post(reverse("campaign:notifications_read_all"))
    assert 'id="unread-count"' not in client.get(reverse("home")).content.decode()
    # someone else's notification cannot be read through the centre
    other = login(county_users[0])
    assert other.post(reverse("campaign:notification_read", args=[note.pk])).status_code == 404


def test_r5_1_a_sweep_with_nothing_new_reads_only_its_own_query(campaign, tree, county_users,
                                                           django_assert_max_num_queries):
    """The already-claimed obligations are left out in SQL: a repeat sweep costs its campaign and its pending
    query — it does not read the recipients (every liaison and office of the province) before it has something
    to send (issue 13: a repeat sweep ≤ 0.2 s at province scale)."""
    day = COUNTY_DUE - datetime.timedelta(days=7)
    svc.reminders_send_due(today=day)
    with django_assert_max_num_queries(2):
        assert svc.reminders_send_due(today=day) == 0


def test_r5_1_a_sweep_in_small_batches_sends_the_same(campaign, tree, county_users):
    _, liaison = county_users
    assert svc.reminders_send_due(today=COUNTY_DUE, batch_size=3) == 20  # 2 cities and 3 counties × 4
    assert svc.reminders_send_due(today=COUNTY_DUE, batch_size=3) == 0
    assert len(_titles(liaison)) == 4


@pytest.mark.django_db
def test_issue13_rows_written_in_bulk_keep_every_character(users):
    """The sweep's plain-row insert (COPY on PostgreSQL) stores text as given: tabs, line breaks,
    backslashes, quotes and an empty body; missing values stay NULL; times keep their zone."""
    from django.utils import timezone

    now = timezone.now()
    title = "第1\t列\\N \\ \"引号\" 'x'\r\n下一行"
    svc.insert_rows(Notification, ["user", "title", "body", "url", "created_at", "read_at", "emailed_at"],
                    [(users["liaison"].pk, title, "", "/x/?a=1&b=2", now, None, None)])
    note = Notification.objects.get(user=users["liaison"])
    assert (note.title, note.body, note.url, note.read_at) == (title, "", "/x/?a=1&b=2", None)
    assert abs(note.created_at - now) < datetime.timedelta(seconds=5)  # elsewhere bulk_create stamps it anew


@pytest.mark.django_db
def test_issue13_bulk_rows_keep_each_columns_values_whatever_their_mix(campaign, tree, users):
    """Issue 13: the rows are written a column at a time (a column of one type by that type's rule); every
    row still gets its own values — ids, true and false, dates, one moment repeated or several, texts with
    tabs and line breaks, and a column mixing NULL with times."""
    import zoneinfo

    from django.utils import timezone

    from campaign.models import ReminderClaim

    t1 = timezone.now().replace(microsecond=123456)
    t2 = t1 - datetime.timedelta(days=3, seconds=7)
    t1_shanghai = t1.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))  # the same moment, written with its own zone
    who = [users["liaison"].pk, users["county_office"].pk, users["liaison"].pk]
    titles = ["一\t二", "三\n四\\五", "plain"]
    svc.insert_rows(Notification, ["user", "title", "body", "url", "created_at", "read_at", "emailed_at"],
                    [(who[0], titles[0], "", "/a/", t1, None, None),
                     (who[1], titles[1], "b", "/b/", t1_shanghai, t2, None),
                     (who[2], titles[2], "c\r", "/c/", t2, t1, t2)])
    stored = list(Notification.objects.filter(url__in=["/a/", "/b/", "/c/"]).order_by("url")
                  .values_list("user", "title", "body", "created_at", "read_at", "emailed_at"))
    assert stored == [(who[0], titles[0], "", t1, None, None), (who[1], titles[1], "b", t1, t2, None),
                      (who[2], titles[2], "c\r", t2, t1, t2)]

    obligations = list(tree.county_a.obligations.filter(campaign=campaign).order_by("pk")[:3])
    days = [datetime.date(2014, 4, 30), datetime.date(2014, 4, 30), datetime.date(2014, 5, 15)]
    rows = list(zip(obligations, days, (True, False, True)))
    svc.insert_rows(ReminderClaim, ["obligation", "stage", "due_date", "claimed_at", "notified"],
                    [(ob.pk, "first", day, t1, notified) for ob, day, notified in rows])
    assert list(ReminderClaim.objects.filter(obligation__in=obligations).order_by("obligation")
                .values_list("obligation", "due_date", "notified")) == [(ob.pk, day, notified) for ob, day, notified in rows]
