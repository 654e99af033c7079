"""R1.2 three checks: self-check item by item, verification of it, spot checks whose findings become cards."""
from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaign.models import Campaign
from campaign.services.notifications import notify
from units.models import Unit
from units.permissions import require

from ..errors import SupervisionError
from ..models import (
    CheckVerdict,
    EntryStatus,
    ProblemCategory,
    RectificationItem,
    SelfCheck,
    SelfCheckEntry,
    SpotCheck,
    SpotFinding,
    SupervisionCard,
    SupervisionGroup,
)
from ..policy import DEFAULT_RECTIFICATIONS
from .cards import card_issue
from .common import moment, site_language, unit_answerer_ids


def rectification_items_for(campaign: Campaign) -> list[RectificationItem]:
    """R1.2 the campaign's eight special rectifications, created from the notice's defaults when it has none."""
    items = list(RectificationItem.objects.filter(campaign=campaign).order_by("order"))
    if items:
        return items
    try:
        with transaction.atomic():
            RectificationItem.objects.bulk_create([
                RectificationItem(campaign=campaign, order=n, title=title, description=description)
                for n, (title, description) in enumerate(DEFAULT_RECTIFICATIONS, start=1)])
    except IntegrityError:
        pass  # another request created them at the same moment
    return list(RectificationItem.objects.filter(campaign=campaign).order_by("order"))


def self_check_of(campaign: Campaign, unit: Unit) -> SelfCheck | None:
    return SelfCheck.objects.filter(campaign=campaign, unit=unit).first()


@transaction.atomic
def self_check_submit(*, user, unit: Unit, answers: Mapping[int, tuple[str, str]], campaign: Campaign | None = None,
                      today: datetime.date | None = None) -> SelfCheck:
    """R1.2 the unit's self-check (自查), item by item against the eight special rectifications.

    ``answers`` maps each item's id to (result, what was found). Every item must be answered; an item
    the verifier confirmed stays as confirmed; a changed item goes back for verification.
    """
    require(user, "supervision.submit_self_check", unit)
    _today, now = moment(today)
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise SupervisionError(_("No campaign is active; self-checks belong to a campaign."))
    items = rectification_items_for(campaign)
    missing = [i.title for i in items if i.pk not in answers]
    if missing:
        raise SupervisionError(_("Answer every special rectification; missing: %(items)s.")
                               % {"items": "、".join(missing)})
    for item in items:
        status, finding = answers[item.pk]
        if status not in EntryStatus.values:
            raise SupervisionError(_("Choose a result for “%(item)s”.") % {"item": item.title})
        if status != EntryStatus.NO_PROBLEM and not finding.strip():
            raise SupervisionError(_("Describe what was found under “%(item)s” and what is being done.")
                                   % {"item": item.title})
    check, created = SelfCheck.objects.select_for_update().get_or_create(
        campaign=campaign, unit=unit, defaults={"submitted_by": user, "submitted_at": now, "updated_at": now})
    entries = {e.item_id: e for e in check.entries.all()}
    for item in items:
        status, finding = answers[item.pk][0], answers[item.pk][1].strip()
        entry = entries.get(item.pk)
        if entry is not None and (entry.status, entry.finding) == (status, finding):
            continue
        if entry is not None and entry.verdict == CheckVerdict.CONFIRMED:
            raise SupervisionError(_("“%(item)s” was confirmed by verification and can no longer be changed.")
                                   % {"item": item.title})
        if entry is None:
            SelfCheckEntry.objects.create(self_check=check, item=item, status=status, finding=finding,
                                          answered_by=user, answered_at=now)
        else:
            entry.status, entry.finding, entry.answered_by, entry.answered_at = status, finding, user, now
            entry.verdict, entry.verdict_note = CheckVerdict.PENDING, ""
            entry.verified_by, entry.verified_at = None, None
            entry.save()
    if not created:
        check.updated_at = now
        check.save(update_fields=["updated_at"])
    return check


@transaction.atomic
def self_check_verify(*, user, self_check: SelfCheck, verdicts: Mapping[int, tuple[str, str]],
                      today: datetime.date | None = None) -> int:
    """R1.2 verification (核查) by an office above the unit or its supervision group: confirm or dispute
    each item, with a note (required to dispute). Returns how many items were decided."""
    _today, now = moment(today)
    check = SelfCheck.objects.select_for_update().select_related("unit").get(pk=self_check.pk)
    if not user.has_perm("supervision.verify_self_check", check.unit):
        raise SupervisionError(_("Only an activity office above %(unit)s or its supervision group verifies its "
                                 "self-check.") % {"unit": check.unit.name})
    entries = {e.pk: e for e in check.entries.select_related("item")}
    decided: list[SelfCheckEntry] = []
    for entry_id, (verdict, note) in verdicts.items():
        entry = entries.get(entry_id)
        if entry is None or verdict not in (CheckVerdict.CONFIRMED, CheckVerdict.DISPUTED):
            continue
        if entry.answered_by_id == user.pk:
            raise SupervisionError(_("You entered “%(item)s” yourself; someone else must verify it.")
                                   % {"item": entry.item.title})
        if verdict == CheckVerdict.DISPUTED and not note.strip():
            raise SupervisionError(_("Say why “%(item)s” is disputed.") % {"item": entry.item.title})
        entry.verdict, entry.verdict_note, entry.verified_by, entry.verified_at = verdict, note.strip(), user, now
        decided.append(entry)
    if not decided:
        raise SupervisionError(_("Confirm or dispute at least one item."))
    SelfCheckEntry.objects.bulk_update(decided, ["verdict", "verdict_note", "verified_by", "verified_at"])
    disputed = [e for e in decided if e.verdict == CheckVerdict.DISPUTED]
    if disputed:
        with site_language():
            notify(user_ids=unit_answerer_ids(check.unit) - {user.pk}, url=check.get_absolute_url(),
                   title=_("Self-check of %(unit)s: %(n)s items disputed by verification")
                   % {"unit": check.unit.name, "n": len(disputed)},
                   body="\n".join(f"{e.item.title}：{e.verdict_note}" for e in disputed))
    return len(decided)


def assigned_unit_over(group: SupervisionGroup, unit: Unit) -> Unit | None:
    """The group's assigned unit whose subtree holds ``unit`` (the deepest, when they nest)."""
    covering = [u for u in group.units.all() if unit.path.startswith(u.path)]
    return max(covering, key=lambda u: u.depth, default=None)


def _finding_rows(spot: SpotCheck, findings: Sequence[tuple[str, str]], user, now) -> list[SpotFinding]:
    rows = []
    for text, category in findings:
        if not text.strip():
            continue
        if category and category not in ProblemCategory.values:
            raise SupervisionError(_("Unknown problem: %(codes)s.") % {"codes": category})
        rows.append(SpotFinding(spot_check=spot, text=text.strip(), category=category, created_by=user,
                                created_at=now))
    return SpotFinding.objects.bulk_create(rows)


@transaction.atomic
def spot_check_record(*, user, group: SupervisionGroup, unit: Unit, department: str, posts: str,
                      checked_on: datetime.date, summary: str = "", findings: Sequence[tuple[str, str]] = (),
                      campaign: Campaign | None = None, today: datetime.date | None = None) -> SpotCheck:
    """R1.2 a group's spot check (抽查) of a key department and its key posts on the eight-point regulation."""
    require(user, "supervision.record_spot_check", group)
    today, now = moment(today)
    campaign = campaign or Campaign.objects.current()
    if campaign is None:
        raise SupervisionError(_("No campaign is active; spot checks belong to a campaign."))
    if not group.is_active:
        raise SupervisionError(_("This supervision group is no longer active."))
    if assigned_unit_over(group, unit) is None:
        raise SupervisionError(_("%(unit)s is not among the units of %(group)s.") % {"unit": unit.name,
                                                                                    "group": group.name})
    if checked_on > today:
        raise SupervisionError(_("The date %(date)s is in the future.") % {"date": date_format(checked_on)})
    if not department.strip() or not posts.strip():
        raise SupervisionError(_("Name the key department and the key posts checked."))
    spot = SpotCheck.objects.create(campaign=campaign, group=group, unit=unit, department=department.strip(),
                                    posts=posts.strip(), checked_on=checked_on, summary=summary.strip(),
                                    created_by=user, created_at=now)
    _finding_rows(spot, findings, user, now)
    return spot


@transaction.atomic
def spot_finding_add(*, user, spot_check: SpotCheck, text: str, category: str = "",
                     today: datetime.date | None = None) -> SpotFinding:
    """R1.2 add a finding to a spot check."""
    require(user, "supervision.add_spot_finding", spot_check)
    _today, now = moment(today)
    if not text.strip():
        raise SupervisionError(_("Describe the finding."))
    return _finding_rows(spot_check, [(text, category)], user, now)[0]


@transaction.atomic
def spot_finding_make_card(*, user, finding: SpotFinding, unit: Unit, problems: Sequence[str], facts: str,
                           required_actions: str, due_date: datetime.date,
                           today: datetime.date | None = None) -> SupervisionCard:
    """R1.2, R1.3 turn a spot-check finding into a supervision card of the group (once)."""
    finding = SpotFinding.objects.select_for_update().select_related("spot_check__group").get(pk=finding.pk)
    if finding.card_id is not None:
        raise SupervisionError(_("A card was already made from this finding."))
    card = card_issue(user=user, group=finding.spot_check.group, unit=unit, problems=problems, facts=facts,
                      required_actions=required_actions, due_date=due_date, today=today,
                      campaign=finding.spot_check.campaign)
    finding.card = card
    finding.save(update_fields=["card"])
    return card
