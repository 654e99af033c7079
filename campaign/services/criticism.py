"""R6.3 public criticism: a leader confirms the units chosen from the ranking, then it is published.

Confirming also flags the units the ranking lists as *not reporting* (nothing recorded in their subtree for the
campaign, see ``dashboards.selectors.ranking``): the office over each is told once per campaign, unit and day
(``not_reporting_notify``), so reading the ranking writes nothing and confirming twice tells no one twice.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable

import rules
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from units.models import Unit

from ..errors import CampaignError
from ..models import Campaign, CriticismEntry, Notification, PublicCriticism
from .notifications import Recipients, store_notifications


def may_confirm_criticism(user, issuer: Unit) -> bool:
    """R6.3 ``campaign.confirm_criticism`` on the issuing unit (kept for the dashboards until they ask
    ``user.has_perm`` themselves)."""
    return user.has_perm("campaign.confirm_criticism", issuer)


def _require_confirm(user, issuer: Unit) -> None:
    if not rules.has_perm("campaign.confirm_criticism", user, issuer):
        raise CampaignError(_("Only a leader over %(unit)s confirms a public criticism.") % {"unit": issuer.name})


def _below(units: Iterable[Unit], issuer: Unit) -> None:
    for unit in units:
        if not unit.path.startswith(issuer.path) or unit.pk == issuer.pk:
            raise CampaignError(_("%(unit)s is not below %(issuer)s.") % {"unit": unit.name, "issuer": issuer.name})


@transaction.atomic
def criticism_issue(*, user, campaign: Campaign, issuer: Unit, number: str, title: str, body: str = "",
                    entries: list[tuple[Unit, str, float | None]],
                    not_reporting: Iterable[Unit] = ()) -> PublicCriticism:
    """R6.3 a leader confirms the criticised units (each with the reason the public will read, stored in the
    portal's language, that of the document, whatever the leader's); the offices over the units that reported
    nothing are told (``not_reporting_notify``). The criticism's ``offices_told`` is how many units were
    flagged now."""
    _require_confirm(user, issuer)
    if not entries:
        raise CampaignError(_("Choose at least one unit to criticise."))
    if len(entries) > campaign.criticism_count * 2:
        raise CampaignError(_("At most %(n)s units can be criticised at once.") % {"n": campaign.criticism_count * 2})
    seen: set[int] = set()
    # a reason given as a lazy translation is written in the document's language, not the request's
    with translation.override(settings.LANGUAGE_CODE):
        reasons = [str(reason or "").strip() for _unit, reason, _score in entries]
    for (unit, _reason, _score), reason in zip(entries, reasons):
        _below([unit], issuer)
        if not reason:
            raise CampaignError(_("Give the reason for criticising %(unit)s.") % {"unit": unit.name})
        if unit.pk in seen:
            raise CampaignError(_("%(unit)s is listed twice.") % {"unit": unit.name})
        seen.add(unit.pk)
    if not number.strip() or not title.strip():
        raise CampaignError(_("A document number and a title are required."))
    if PublicCriticism.objects.filter(issuer=issuer, number=number.strip()).exists():
        raise CampaignError(_("%(issuer)s already issued number %(number)s.") % {"issuer": issuer.name,
                                                                                 "number": number})
    not_reporting = list(not_reporting)
    _below(not_reporting, issuer)
    if seen & {unit.pk for unit in not_reporting}:
        raise CampaignError(_("A unit that reported nothing is flagged to its office, not criticised for it."))
    criticism = PublicCriticism.objects.create(campaign=campaign, issuer=issuer, number=number.strip(),
                                               title=title.strip(), body=body, confirmed_by=user,
                                               confirmed_at=timezone.now())
    CriticismEntry.objects.bulk_create([
        CriticismEntry(criticism=criticism, unit=unit, reason=reason, score=score, order=i)
        for i, ((unit, _reason, score), reason) in enumerate(zip(entries, reasons), 1)])
    criticism.offices_told = not_reporting_notify(user=user, campaign=campaign, issuer=issuer, units=not_reporting)
    return criticism


def _offices_over(unit: Unit, recipients: Recipients) -> list[int]:
    """The office staff of the unit's parent; when it has none, of the nearest office above it within
    ``Recipients.OFFICE_LEVELS_UP`` levels of the unit (a county's city, else its province)."""
    step = Unit.steplen
    lowest = max(step, len(unit.path) - Recipients.OFFICE_LEVELS_UP * step)
    for end in range(len(unit.path) - step, lowest - 1, -step):
        office = recipients.offices.get(unit.path[:end])
        if office:
            return sorted(set(office))
    return []


@transaction.atomic
def not_reporting_notify(*, user, campaign: Campaign, issuer: Unit, units: Iterable[Unit]) -> int:
    """R6.3 tell the office over each unit that reported nothing (one in-app notification per unit to each of
    its parent office's staff, in the portal's language), at most once per campaign, unit and day; returns
    how many units were flagged now."""
    _require_confirm(user, issuer)
    units = list(units)
    _below(units, issuer)
    if not units:
        return 0
    start = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    recipients = Recipients()
    notes: list[Notification] = []
    flagged = 0
    with translation.override(settings.LANGUAGE_CODE):
        drafts = []
        for unit in units:
            title = (_("Not reporting: %(unit)s has recorded nothing in %(campaign)s")
                     % {"unit": unit.name, "campaign": campaign.name})[:200]
            drafts.append((unit, title, reverse("campaign:unit_progress", args=[unit.pk])))
        # the (title, link) pair names the campaign and the unit: sent today already, not again
        sent = set(Notification.objects.filter(created_at__gte=start, url__in=[url for _u, _t, url in drafts])
                   .values_list("title", "url").distinct())
        for unit, title, url in drafts:
            office = _offices_over(unit, recipients)
            if (title, url) in sent or not office:
                continue
            body = _("%(unit)s has no study session, meeting, completed task, exam, field-research stay, opinion "
                     "session, answer to the public or progress report recorded in the portal. The ranking of "
                     "%(issuer)s lists it as not reporting instead of scoring it; please see that it reports its "
                     "work.") % {"unit": unit.name, "issuer": issuer.name}
            notes += [Notification(user_id=uid, title=title, body=body, url=url) for uid in office]
            flagged += 1
    store_notifications(notes)
    return flagged


@transaction.atomic
def criticism_publish(*, user, criticism: PublicCriticism, on: datetime.date | None = None) -> PublicCriticism:
    """R6.3 publish a confirmed criticism on the public site (once)."""
    if not rules.has_perm("campaign.publish_criticism", user, criticism):
        raise CampaignError(_("You may not publish this criticism."))
    if criticism.published_on:
        raise CampaignError(_("This criticism is already published."))
    criticism.published_on = on or timezone.localdate()
    criticism.save(update_fields=["published_on"])
    return criticism
