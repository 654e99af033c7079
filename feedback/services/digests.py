"""R4.4 regular summaries: one digest per activity office and ISO week, as PDF and Excel, stored and listed.

The weekly sweep (beat: ``feedback.digest_send_weekly``) makes what is missing for the last completed
weeks; an office may make the current week's digest on demand at any time (it is remade later, once
the week is over). The unique (office, year, week) row is the claim: a sweep that runs twice, late,
or beside another worker stores and announces each digest once.
"""
from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaign.models import Campaign
from campaign.services import notifications
from units.models import Role, RoleAssignment, Unit
from units.permissions import require

from .. import documents, policy, selectors
from ..errors import FeedbackError
from ..models import OfficeDigest

log = logging.getLogger(__name__)

#: After a beat outage the sweep still makes the digests of this many past weeks, no more.
CATCH_UP_WEEKS = 4


def office_units() -> list[Unit]:
    """The units that have an activity office: active office staff bound to them."""
    ids = RoleAssignment.objects.filter(role=Role.OFFICE, user__is_active=True).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


def digest_make(*, office_unit: Unit, year: int, week: int, today: datetime.date, by=None,
                only_if_incomplete: bool = False) -> OfficeDigest | None:
    """R4.4 make (or remake) an office's digest of one ISO week, up to ``today`` if the week is not over.

    With ``only_if_incomplete`` (the sweep) nothing is done when a complete digest of the week exists,
    and the office staff are told of the new one. Returns the digest, or None when nothing was done.
    """
    start, end = policy.iso_week_bounds(year, week)
    if start > today:
        raise FeedbackError(_("A digest cannot cover a week that has not started."))
    period_end = min(end, today)
    data = selectors.digest_data(office_unit, start, period_end, today)
    pdf, xlsx = documents.digest_pdf(data), documents.digest_xlsx(data)
    stem = f"digest-{office_unit.code}-{year}-W{week:02d}"
    try:
        with transaction.atomic():
            digest, created = OfficeDigest.objects.select_for_update().get_or_create(
                office_unit=office_unit, iso_year=year, iso_week=week,
                defaults={"period_start": start, "period_end": period_end})
            if not created and only_if_incomplete and digest.period_end >= end:
                return None  # another run made it meanwhile
            old_files = [] if created else [digest.pdf.name, digest.xlsx.name]
            digest.period_start, digest.period_end = start, period_end
            digest.received_count, digest.overdue_count = data.received, len(data.overdue)
            digest.created_by = by if getattr(by, "pk", None) else None
            digest.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            digest.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            digest.save()
            if only_if_incomplete:
                notifications.notify(
                    user_ids=policy.office_user_ids(office_unit),
                    title=documents.digest_title(data),
                    body=_("%(received)s messages received, %(overdue)s answers overdue.") % {
                        "received": data.received, "overdue": len(data.overdue)},
                    url=reverse("feedback:digests"))
            transaction.on_commit(lambda: _delete_files(digest.pdf.storage, old_files))
    except IntegrityError:  # two sweeps created the same week at once: the other one won
        log.info("digest %s of %s already made", stem, office_unit.pk)
        return None
    return digest


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        if name:
            storage.delete(name)


def digest_make_now(*, office_unit: Unit, today: datetime.date, by) -> OfficeDigest:
    """R4.4 the digest on demand: the current week so far, by the office's own staff."""
    require(by, "feedback.make_digest", office_unit)
    year, week, _weekday = today.isocalendar()
    return digest_make(office_unit=office_unit, year=year, week=week, today=today, by=by)


def digests_send_weekly(*, today: datetime.date | None = None) -> int:
    """R4.4 make each office's digest of the last completed week (and of up to ``CATCH_UP_WEEKS`` weeks
    a stopped beat missed); weeks before the campaign are skipped. Returns how many were made."""
    today = today or timezone.localdate()
    campaign = Campaign.objects.current()
    if campaign is None:
        return 0
    last_sunday = today - datetime.timedelta(days=today.isoweekday())
    weeks = []
    for back in reversed(range(CATCH_UP_WEEKS)):
        year, week, _weekday = (last_sunday - datetime.timedelta(weeks=back)).isocalendar()
        if policy.iso_week_bounds(year, week)[1] >= campaign.start_date:
            weeks.append((year, week))
    offices = office_units()
    complete = {(d.office_unit_id, d.iso_year, d.iso_week) for d in OfficeDigest.objects.filter(
        office_unit__in=offices, iso_year__in={y for y, _w in weeks}, iso_week__in={w for _y, w in weeks})
        if d.period_end >= policy.iso_week_bounds(d.iso_year, d.iso_week)[1]}
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for office in offices:
            for year, week in weeks:
                if (office.pk, year, week) in complete:
                    continue
                if digest_make(office_unit=office, year=year, week=week, today=today, only_if_incomplete=True):
                    made += 1
    return made
