"""The notification centre and the reminder sweep: each reminder goes out exactly once."""
from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from units.bulk import insert_rows
from units.models import RoleAssignment, Unit

from ..models import Campaign, Notification, Obligation, ReminderClaim, ReminderStage

log = logging.getLogger(__name__)


def notify(*, user_ids: Iterable[int], title: str, body: str = "", url: str = "") -> list[Notification]:
    """Store one notification per user; e-mail follows from the e-mail sweep, after commit."""
    return store_notifications(prepared(user_ids=user_ids, title=title, body=body, url=url))


def prepared(*, user_ids: Iterable[int], title: str, body: str = "", url: str = "") -> list[Notification]:
    """The unsaved notifications ``notify`` stores: one per user, the title and link cut to their columns."""
    return [Notification(user_id=uid, title=title[:200], body=body, url=url[:300]) for uid in sorted(set(user_ids))]


def notifications_written(notes: list[Notification]) -> None:
    """Notifications just written (by ``store_notifications``, or by a service in its own statement:
    ``feedback.services.arrival``): e-mail follows after commit."""
    if notes:
        transaction.on_commit(_kick_email_sweep)


#: Set while an e-mail sweep is queued and has not started: commits meanwhile queue no other (issue 13: a
#: sweep committing 200 cards one by one queued 200 tasks). Expires on its own should the task be lost.
EMAIL_KICK_KEY = "campaign:notifications-email-queued"
EMAIL_KICK_SECONDS = 60


def _kick_email_sweep() -> None:
    """Ask a worker to e-mail now — once for however many commits store notifications before it starts; if
    the broker is down the beat sweep sends them later anyway."""
    from django.core.cache import cache

    from ..tasks import notifications_email_pending

    try:
        if not cache.add(EMAIL_KICK_KEY, 1, timeout=EMAIL_KICK_SECONDS):
            return  # one is queued already: it e-mails these too
    except Exception:  # noqa: BLE001 — without the cache, queue one per commit as before
        log.warning("cache unavailable; queueing an e-mail sweep for this commit", exc_info=True)
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


def notifications_settle(*, user, urls: Iterable[str]) -> int:
    """Issue 12: the item behind these links is settled by ``user``: their unread notifications that point
    to it (same link, with or without a query) are marked read, so the bell counts what is still waiting."""
    if not getattr(user, "pk", None):
        return 0
    urls = {u for u in urls if u}
    if not urls:
        return 0
    q = Q()
    for url in urls:
        q |= Q(url=url) | Q(url__startswith=f"{url}?")
    return Notification.objects.filter(q, user=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_email_pending(*, limit: int = 500) -> int:
    """E-mail notifications not yet e-mailed; each is claimed by a conditional UPDATE before sending.

    A worker that dies between the claim and the send loses that e-mail (at most once);
    the in-app notification, written with the claim that caused it, is never lost.
    """
    from django.core.cache import cache

    try:
        cache.delete(EMAIL_KICK_KEY)  # started: what is committed from now on queues the next sweep
    except Exception:  # noqa: BLE001 — the key expires by itself
        log.warning("cache unavailable; the e-mail kick expires on its own", exc_info=True)
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


# Obligations are handled in batches: one transaction per batch holds its claims and its
# notifications, so a crash loses no reminder and sends none twice, at a few queries per batch.
REMINDER_BATCH = 1000


def _latest_stage(today: datetime.date, campaign: Campaign) -> Case:
    """The latest reminder stage an open obligation has reached, from its due date alone (SQL)."""
    return Case(
        When(due_date__lt=today, then=Value(ReminderStage.OVERDUE)),
        When(due_date=today, then=Value(ReminderStage.DUE)),
        When(due_date__lte=today + datetime.timedelta(days=campaign.reminder_lead_days_second),
             then=Value(ReminderStage.SECOND)),
        default=Value(ReminderStage.FIRST),
        output_field=CharField(),
    )


def reminders_send_due(*, today: datetime.date | None = None, batch_size: int = REMINDER_BATCH) -> int:
    """Send the reminders that are due: before a deadline, on the day and when overdue (R5.1).

    Each (obligation, stage, announced due date) is claimed by a unique row in the same transaction as
    its notifications, so a sweep that runs twice, late, or after a worker died sends each once, and a
    deadline moved after its reminders went out re-arms every stage for the new date.
    A late sweep sends only the latest stage reached and records the earlier ones as superseded.
    Obligations whose latest stage is already claimed are left out by the database, so a sweep
    with nothing new to send reads nothing but its own query.
    """
    today = today or timezone.localdate()
    campaign = Campaign.objects.current()
    if campaign is None:
        return 0
    horizon = today + datetime.timedelta(days=campaign.reminder_lead_days_first)
    # a claim names the date it announced: a moved deadline finds no claim for its new date (re-armed)
    pending = (Obligation.objects.open().filter(campaign=campaign, due_date__lte=horizon)
               .annotate(latest_stage=_latest_stage(today, campaign))
               .filter(~Exists(ReminderClaim.objects.filter(obligation=OuterRef("pk"),
                                                            stage=OuterRef("latest_stage"),
                                                            due_date=OuterRef("due_date"))))
               .order_by("pk"))
    # the ids first, in one query: each batch then reads its rows by id (checked again: done or claimed
    # since is left out) instead of the whole pending query again (issue 13: 209 runs of it took 20 s)
    ids = list(pending.values_list("pk", flat=True))
    if not ids:  # a repeat sweep reads nothing else
        return 0
    recipients, sent = Recipients(), 0
    with translation.override(settings.LANGUAGE_CODE):
        texts = _ReminderTexts()
        for start in range(0, len(ids), batch_size):
            # tuples, not models: 200,000 Obligation objects cost more than the rows they stand for. Read by id
            # (one done since is left out); one claimed since fails the batch's claim, which then goes one
            # by one — the unique claim, not this read, is what sends each reminder once
            # the ids are sorted: their range lets the database read one stretch of the key's index rather than
            # look each id up (issue 13: 2 ms a batch instead of 10 on a province's cold sweep)
            chunk = ids[start:start + batch_size]
            batch = [_Due(*row) for row in Obligation.objects.open()
                     .filter(pk__in=chunk, pk__range=(chunk[0], chunk[-1]))
                     .order_by("pk").values_list("pk", "kind", "due_date", "unit_id", "unit__name", "unit__path")]
            if not batch:
                continue
            try:
                sent += _remind_batch(batch, today, campaign, recipients, texts)
            except IntegrityError:
                # another sweep claimed part of this batch meanwhile: go one by one
                sent += sum(_remind_batch([ob], today, campaign, recipients, texts, quiet=True) for ob in batch)
    return sent


class _Due(NamedTuple):
    """An obligation a reminder is due for, as the sweep reads it."""

    pk: int
    kind: str
    due_date: datetime.date
    unit_id: int
    unit_name: str
    unit_path: str


class _ReminderTexts:
    """What a reminder's text is made of, worked out once per sweep rather than once per obligation (issue 13:
    the labels, dates and links of 200,000 reminders cost more than writing them): obligation labels, dates in
    the portal's format and each unit's progress link. Made inside the sweep's language."""

    def __init__(self) -> None:
        self.body = _("Record it in the portal once it is done; the reminders then stop.")
        self.kinds = {value: str(label) for value, label in Obligation._meta.get_field("kind").flatchoices}
        self.titles = {stage: _(title) for stage, title in STAGE_TITLES.items()}
        self._dates: dict[datetime.date, str] = {}
        # the progress link of unit 0, its id swapped in per unit: reverse() resolves the pattern once
        self._url = reverse("campaign:unit_progress", args=[0]).rsplit("/0/", 1)

    def date(self, day: datetime.date) -> str:
        if day not in self._dates:
            self._dates[day] = date_format(day)
        return self._dates[day]

    def url(self, unit_id: int) -> str:
        return f"{self._url[0]}/{unit_id}/{self._url[1]}"


def _remind_batch(batch: list[_Due], today: datetime.date, campaign: Campaign, recipients: Recipients,
                  texts: _ReminderTexts, *, quiet: bool = False) -> int:
    body = texts.body
    now = timezone.now()
    try:
        with transaction.atomic():
            claims, superseded, notes = [], [], []
            for ob in batch:
                stages = _stages_reached(ob.due_date, today, campaign)
                latest = stages[-1]
                claims.append((ob.pk, latest, ob.due_date, now, True))
                # the earlier stages, recorded as superseded; one recorded before is left as it is by the
                # unique claim (issue 13: reading the batch's claims first cost a query of 1,000 look-ups)
                superseded += [(ob.pk, s, ob.due_date, now, False) for s in stages[:-1]]
                title = texts.titles[latest] % {"kind": texts.kinds.get(ob.kind, ob.kind), "unit": ob.unit_name,
                                                "date": texts.date(ob.due_date)}
                url = texts.url(ob.unit_id)
                notes += [(uid, title[:200], body, url, now, None, None)
                          for uid in sorted(recipients.for_unit(ob.unit_id, ob.unit_path))]
            claim_fields = ["obligation", "stage", "due_date", "claimed_at", "notified"]
            insert_rows(ReminderClaim, claim_fields, claims)  # the claim: fails whole if any was taken
            insert_rows(ReminderClaim, claim_fields, superseded, ignore_conflicts=True)
            insert_rows(Notification, ["user", "title", "body", "url", "created_at", "read_at", "emailed_at"], notes)
            if notes:
                transaction.on_commit(_kick_email_sweep)
    except IntegrityError:
        if not quiet:
            raise
        log.info("reminder of obligation %s already claimed by another sweep", batch[0].pk)
        return 0
    return len(batch)


def store_notifications(notes: list[Notification]) -> list[Notification]:
    """Store prepared notifications in bulk; e-mail follows after commit (as ``notify``)."""
    created = Notification.objects.bulk_create(notes, batch_size=2000)
    notifications_written(created)
    return created
