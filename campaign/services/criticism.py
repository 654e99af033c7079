"""R6.3 public criticism: a leader confirms the units chosen from the ranking, then it is published."""
from __future__ import annotations

import datetime

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit

from ..errors import CampaignError
from ..models import Campaign, CriticismEntry, PublicCriticism


def may_confirm_criticism(user, issuer: Unit) -> bool:
    """R6.3 ``campaign.confirm_criticism`` on the issuing unit (kept for the dashboards until they ask
    ``user.has_perm`` themselves)."""
    return user.has_perm("campaign.confirm_criticism", issuer)


@transaction.atomic
def criticism_issue(*, user, campaign: Campaign, issuer: Unit, number: str, title: str, body: str = "",
                    entries: list[tuple[Unit, str, float | None]]) -> PublicCriticism:
    """R6.3 a leader confirms the criticised units (each with the reason the public will read)."""
    if not rules.has_perm("campaign.confirm_criticism", user, issuer):
        raise CampaignError(_("Only a leader over %(unit)s confirms a public criticism.") % {"unit": issuer.name})
    if not entries:
        raise CampaignError(_("Choose at least one unit to criticise."))
    if len(entries) > campaign.criticism_count * 2:
        raise CampaignError(_("At most %(n)s units can be criticised at once.") % {"n": campaign.criticism_count * 2})
    seen: set[int] = set()
    for unit, reason, _score in entries:
        if not unit.path.startswith(issuer.path) or unit.pk == issuer.pk:
            raise CampaignError(_("%(unit)s is not below %(issuer)s.") % {"unit": unit.name, "issuer": issuer.name})
        if not (reason or "").strip():
            raise CampaignError(_("Give the reason for criticising %(unit)s.") % {"unit": unit.name})
        if unit.pk in seen:
            raise CampaignError(_("%(unit)s is listed twice.") % {"unit": unit.name})
        seen.add(unit.pk)
    if not number.strip() or not title.strip():
        raise CampaignError(_("A document number and a title are required."))
    if PublicCriticism.objects.filter(issuer=issuer, number=number.strip()).exists():
        raise CampaignError(_("%(issuer)s already issued number %(number)s.") % {"issuer": issuer.name,
                                                                                 "number": number})
    criticism = PublicCriticism.objects.create(campaign=campaign, issuer=issuer, number=number.strip(),
                                               title=title.strip(), body=body, confirmed_by=user,
                                               confirmed_at=timezone.now())
    CriticismEntry.objects.bulk_create([
        CriticismEntry(criticism=criticism, unit=unit, reason=reason.strip(), score=score, order=i)
        for i, (unit, reason, score) in enumerate(entries, 1)])
    return criticism


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
