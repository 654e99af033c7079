"""Issue 13, R4.3, R4.4: on PostgreSQL a message arrives in one statement (``feedback.services.arrival``); the rows
it writes are those of the ORM's path (SQLite's, and the reference): the message, its history row, its "received"
step, the office's notifications, the dashboards' mark and the e-mail after commit — for a citizen's post and for
a letter recorded by staff. A receiver added to one of these models would be skipped by the statement: the last
test names the ones it stands in for."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import signals
from simple_history import signals as history_signals

from campaign.models import Notification
from dashboards import rollups
from dashboards.models import UnitRollup
from feedback.models import Channel, Message, MessageEvent
from feedback.services import messages as services
from web.history import HistoricalRecords

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the one statement is PostgreSQL's")]

#: Columns that differ between any two arrivals (ids, codes, clocks).
VARYING = {"id", "tracking_code", "created_at", "history_id", "history_date", "at", "message_id", "url"}


def _row(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
            if f.attname not in VARYING}


def _arrive(one_statement: bool, monkeypatch, django_capture_on_commit_callbacks, **kwargs) -> dict:
    """``message_submit`` on one path; what it wrote, read back from the database."""
    monkeypatch.setattr(services, "in_one_statement", lambda: one_statement)
    UnitRollup.objects.update(dirty=False)
    with django_capture_on_commit_callbacks() as after_commit:
        message = services.message_submit(**kwargs)
    message = Message.objects.get(pk=message.pk)
    notes = Notification.objects.filter(url=message.get_absolute_url()).order_by("user_id")
    return {"message": _row(message) | {"citizen_phone": message.citizen_phone},
            "history": [_row(h) for h in message.history.all()],
            "history_date_set": all(h.history_date for h in message.history.all()),
            "events": [_row(e) for e in MessageEvent.objects.filter(message=message)],
            "notifications": [_row(n) for n in notes],
            "dirty": sorted(UnitRollup.objects.filter(dirty=True).values_list("unit_id", "campaign_id")),
            "after_commit": [getattr(c, "__name__", repr(c)) for c in after_commit]}


@pytest.fixture
def built(campaign):
    rollups.build(campaign, today=datetime.date(2014, 4, 14))
    return campaign


@pytest.mark.parametrize("who", ["citizen", "letter in a request", "letter outside a request"])
def test_issue13_one_statement_writes_what_the_orm_writes(who, built, tree, users, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    """The same rows either way, field by field (but ids, codes and clocks): a citizen's post with a name and a
    phone (encrypted), a letter recorded by the county's office — its history row names that user as
    django-simple-history names the request's user, or no one outside a request."""
    staff = users["county_office"]
    if who == "citizen":
        kwargs = {"campaign": built, "unit": tree.township_a, "category": "formalism", "text": "会议太多",
                  "citizen_name": "张三 ", "citizen_phone": "13800138000"}
    else:
        kwargs = {"campaign": built, "unit": tree.township_a, "category": "bureaucratism", "text": "来信反映",
                  "channel": Channel.LETTER, "received_by": tree.county_a, "by": staff,
                  "received_on": datetime.date(2014, 4, 10)}
    if who == "letter in a request":
        monkeypatch.setattr(HistoricalRecords.context, "request", type("R", (), {"user": staff})(), raising=False)
    one, orm = (_arrive(flag, monkeypatch, django_capture_on_commit_callbacks, **kwargs) for flag in (True, False))
    assert one == orm
    # and what they are, so that two empty answers could not agree
    assert one["message"]["citizen_phone"] == ("13800138000" if who == "citizen" else "")
    assert [h["history_type"] for h in one["history"]] == ["+"] and one["history_date_set"]
    assert one["history"][0]["history_user_id"] == (staff.pk if who == "letter in a request" else None)
    assert [e["kind"] for e in one["events"]] == ["received"]
    assert [n["user_id"] for n in one["notifications"]] == sorted({users["county_office"].pk})
    assert (tree.township_a.pk, built.pk) in one["dirty"]
    assert one["after_commit"] == ["_kick_email_sweep"]


@pytest.mark.parametrize("staff", ["none", "several"])
def test_issue13_one_statement_notifies_the_offices_staff_as_the_orm_does(staff, built, tree, users, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    """The office's staff, however many: several active members (an inactive one left out) each get their
    notification; with no office up the tree the message goes to the root's queue and nobody is notified. (Rows
    of several members once went in by UNION, whose NULL columns PostgreSQL typed as text: every post failed.)"""
    from tests.factories import user_with_role
    from units.models import RoleAssignment

    if staff == "several":
        expected = sorted([users["county_office"].pk, user_with_role("office_2", "office", tree.county_a).pk])
        user_with_role("office_gone", "office", tree.county_a).__class__.objects.filter(
            username="office_gone").update(is_active=False)
    else:
        RoleAssignment.objects.filter(role="office").delete()
        expected = []
    kwargs = {"campaign": built, "unit": tree.village_a, "category": "formalism", "text": "会议太多"}
    one, orm = (_arrive(flag, monkeypatch, django_capture_on_commit_callbacks, **kwargs) for flag in (True, False))
    assert one == orm
    assert [n["user_id"] for n in one["notifications"]] == expected
    assert one["message"]["office_unit_id"] == (tree.county_a.pk if staff == "several" else tree.province.pk)
    assert one["after_commit"] == (["_kick_email_sweep"] if expected else [])


def test_issue13_a_taken_code_draws_another_without_a_savepoint(built, tree, monkeypatch):
    """The statement inserts nothing on a taken code (no savepoint to roll back to); the next code stands, and the
    message's rows are written once."""
    taken = services.message_submit(campaign=built, unit=tree.county_a, category="formalism", text="第一条")
    codes = iter([taken.tracking_code, "ABCDEFGH2K"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        second = services.message_submit(campaign=built, unit=tree.county_a, category="formalism", text="第二条")
    assert second.tracking_code == "ABCDEFGH2K" and Message.objects.count() == 2
    assert not [q for q in queries if "SAVEPOINT" in q["sql"]]
    assert MessageEvent.objects.filter(message=second).count() == second.history.count() == 1


def test_issue13_the_statement_stands_in_for_these_receivers_only():
    """The receivers the one statement does the work of: simple-history's row, the dashboards' mark (and the
    post_init that remembers the unit). Another one connected to these models would be skipped on PostgreSQL —
    add its work to ``feedback.services.arrival`` (or send the message through the ORM), then name it here."""
    connected = set()
    for model in (Message, MessageEvent, Notification, Message.history.model):
        for signal in (signals.pre_init, signals.post_init, signals.pre_save, signals.post_save):
            connected |= {(model.__name__, name_of(signal), getattr(r, "__qualname__", repr(r)))
                          for r in signal._live_receivers(model)[0]}
        for signal in (history_signals.pre_create_historical_record, history_signals.post_create_historical_record):
            connected |= {(model.__name__, "history", getattr(r, "__qualname__", repr(r)))
                          for r in signal._live_receivers(model)[0]}
    assert connected == {("Message", "post_init", "_loaded_unit"), ("Message", "post_save", "_by_unit"),
                         ("Message", "post_save", "HistoricalRecords.post_save")}


def name_of(signal) -> str:
    return next(name for name in ("pre_init", "post_init", "pre_save", "post_save") if getattr(signals, name) is signal)
