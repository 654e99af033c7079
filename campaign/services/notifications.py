"""The notification centre and the reminder sweep: each reminder goes out exactly once."""
from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.models import RoleAssignment, Unit

from ..models import Campaign, Notification, Obligation, ReminderClaim, ReminderStage

log = logging.getLogger(__name__)


def notify(*, user_ids: Iterable[int], title: str, body: str = "", url: str = "") -> list[Notification]:
    """Store one notification per user; e-mail follows from the e-mail sweep, after commit."""
    rows = [Notification(user_id=uid, title=title[:200], body=body, url=url[:300]) for uid in sorted(set(user_ids))]
    created = Notification.objects.bulk_create(rows)
    if created:
        transaction.on_commit(_kick_email_sweep)
    return created


def _kick_email_sweep() -> None:
    """Ask a worker to e-mail now; if the broker is down the beat sweep sends them later anyway."""
    from ..tasks import notifications_email_pending

    try:
        notifications_email_pending.delay()
    except Exception:  # noqa: BLE001 — the notification is stored; only the early e-mail is lost
        log.warning("could not enqueue the e-mail sweep; the next beat run sends the e-mails", exc_info=True)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or all) of the user's notifications read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def notifications_email_pending(*, limit: int = 500) -> int:
    """E-mail notifications not yet e-mailed; each is claimed by a conditional UPDATE before sending.

    A worker that dies between the claim and the send loses that e-mail (at most once);
    the in-app notification, written with the claim that caused it, is never lost.
    """
    sent = 0
    pending = (Notification.objects.filter(emailed_at__isnull=True).select_related("user")
               .order_by("pk")[:limit])
    for note in pending:
        claimed = Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
        if not claimed or not note.user.email:
            continue
        link = f"{settings.SITE_URL}{note.url}" if note.url else settings.SITE_URL
        send_mail(note.title, f"{note.body}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [note.user.email],
                  fail_silently=False)
        sent += 1
    return sent


# --- the reminder sweep (beat: reminders_send_due)

def _stages_reached(due: datetime.date, today: datetime.date, campaign: Campaign) -> list[str]:
    stages = []
    if today >= due - datetime.timedelta(days=campaign.reminder_lead_days_first):
        stages.append(ReminderStage.FIRST)
    if today >= due - datetime.timedelta(days=campaign.reminder_lead_days_second):
        stages.append(ReminderStage.SECOND)
    if today >= due:
        stages.append(ReminderStage.DUE)
    if today > due:
        stages.append(ReminderStage.OVERDUE)
    return stages


class Recipients:
    """The liaisons of a unit and the staff of its activity office: the nearest office at most
    two levels up (a village's county, a county's city), so the province is not told of every village."""

    OFFICE_LEVELS_UP = 2

    def __init__(self) -> None:
        self.liaisons: dict[int, list[int]] = defaultdict(list)
        self.offices: dict[str, list[int]] = defaultdict(list)
        for user_id, unit_id, path, role in RoleAssignment.objects.filter(
                role__in=["liaison", "office"], user__is_active=True).values_list(
                "user_id", "unit_id", "unit__path", "role"):
            if role == "liaison":
                self.liaisons[unit_id].append(user_id)
            else:
                self.offices[path].append(user_id)

    def for_unit(self, unit_id: int, path: str) -> set[int]:
        users = set(self.liaisons.get(unit_id, []))
        lowest = max(Unit.steplen, len(path) - self.OFFICE_LEVELS_UP * Unit.steplen)
        for end in range(len(path), lowest - 1, -Unit.steplen):
            office = self.offices.get(path[:end])
            if office:
                users.update(office)
                break
        return users


# Marked for extraction here, translated when the reminder is written (in the portal's language).
STAGE_TITLES = {
    ReminderStage.FIRST: gettext_noop("Reminder: %(kind)s of %(unit)s is due on %(date)s"),
    ReminderStage.SECOND: gettext_noop("Reminder: %(kind)s of %(unit)s is due on %(date)s"),
    ReminderStage.DUE: gettext_noop("Due today: %(kind)s of %(unit)s"),
    ReminderStage.OVERDUE: gettext_noop("Overdue: %(kind)s of %(unit)s was due on %(date)s"),
}


def reminders_send_due(*, today: datetime.date | None = None) -> int:
    """Send the reminders that are due: before a deadline, on the day and when overdue (R5.1).

    Each (obligation, stage) is claimed by a unique row in the same transaction as its
    notifications, so a sweep that runs twice, late, or after a worker died sends each once.
    A late sweep sends only the latest stage reached and records the earlier ones as superseded.
    """
    today = today or timezone.localdate()
    campaign = Campaign.objects.current()
    if campaign is None:
        return 0
    horizon = today + datetime.timedelta(days=campaign.reminder_lead_days_first)
    candidates = list(Obligation.objects.filter(campaign=campaign, completed_on__isnull=True, due_date__lte=horizon)
                      .select_related("unit").order_by("due_date", "pk"))
    claimed: dict[int, set[str]] = defaultdict(set)
    for ob_id, stage in ReminderClaim.objects.filter(obligation__in=[o.pk for o in candidates]).values_list(
            "obligation_id", "stage"):
        claimed[ob_id].add(stage)
    recipients = Recipients()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for ob in candidates:
            stages = _stages_reached(ob.due_date, today, campaign)
            if not stages or stages[-1] in claimed[ob.pk]:
                continue
            if _remind(ob, stages, claimed[ob.pk], recipients):
                sent += 1
    return sent


def _remind(ob: Obligation, stages: list[str], already: set[str], recipients: Recipients) -> bool:
    latest = stages[-1]
    try:
        with transaction.atomic():
            ReminderClaim.objects.create(obligation=ob, stage=latest, notified=True)
            ReminderClaim.objects.bulk_create(
                [ReminderClaim(obligation=ob, stage=s, notified=False) for s in stages[:-1] if s not in already],
                ignore_conflicts=True)
            params = {"kind": ob.get_kind_display(), "unit": ob.unit.name,
                      "date": date_format(ob.due_date)}
            notify(user_ids=recipients.for_unit(ob.unit_id, ob.unit.path), title=_(STAGE_TITLES[latest]) % params,
                   body=_("Record it in the portal once it is done; the reminders then stop."),
                   url=reverse("campaign:unit_progress", args=[ob.unit_id]))
    except IntegrityError:
        log.info("reminder %s of obligation %s already claimed by another sweep", latest, ob.pk)
        return False
    return True
