"""Issue 13 item 3: one e-mail task per batch, not per notification. A sweep that commits many cards one by
one queues a single e-mail sweep; once that sweep starts, the next commit queues another; every
notification is still e-mailed."""
from __future__ import annotations

import datetime

from campaign import tasks
from campaign.models import Notification
from campaign.services import notifications as notification_svc
from supervision.services import escalation as svc
from tests.supervision.conftest import TODAY

DUE = TODAY + datetime.timedelta(days=10)


def test_issue13_a_sweep_of_many_cards_queues_one_email_task(issue, users, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.notifications_email_pending, "delay", lambda *a, **k: queued.append(1))
    for _ in range(6):
        issue(due=DUE)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.cards_escalate_overdue(today=DUE + datetime.timedelta(days=1)) == 6
    assert Notification.objects.count() - before >= 6  # each card told its unit
    assert len(queued) == 1
    # the queued sweep starts and e-mails them all; what is committed afterwards queues the next one
    users["liaison"].email = "liaison@example.org"
    users["liaison"].save(update_fields=["email"])
    notification_svc.notifications_email_pending(limit=10_000)
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        notification_svc.notify(user_ids=[users["liaison"].pk], title="又一条")
    assert len(queued) == 2
