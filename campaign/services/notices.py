"""X3: issuing numbered notices down the tree and acknowledging them."""
from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import partial

import rules
from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from units.models import RoleAssignment, Unit

from ..errors import CampaignError
from ..models import Notice, NoticeRecipient
from ..selectors.notices import bound_unit_ids, issuer_title
from .notifications import notifications_settle, notify


class NoticeError(CampaignError):
    """A notice rule was broken; ``field`` names the form field the message belongs to, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _strictly_below(unit: Unit, issuer: Unit) -> bool:
    return unit.path.startswith(issuer.path) and unit.depth > issuer.depth


@transaction.atomic
def notice_issue(*, user, issuer: Unit, number: str, title: str, issued_on: datetime.date, body: str = "",
                 file: File | None = None, addressees: Iterable[Unit] = (), all_children: bool = False) -> Notice:
    """X3 issue a numbered notice to units below the issuer; their users are notified after commit."""
    if not rules.has_perm("campaign.issue_notice", user, issuer):
        raise NoticeError(_("You can issue notices only from the unit of your activity office role."), "issuer")
    number, title, body = number.strip(), title.strip(), body.strip()
    if not number or not title:
        raise NoticeError(_("Enter the document number and the title."))
    if not body and not file:
        raise NoticeError(_("Enter the text of the notice or attach it as a PDF."), "body")
    units = {u.pk: u for u in addressees}
    if all_children:
        units.update({c.pk: c for c in Unit.objects.get_children(issuer)})
    if not units:
        raise NoticeError(_("Choose at least one addressee."), "addressees")
    outside = sorted(u.name for u in units.values() if not _strictly_below(u, issuer))
    if outside:
        raise NoticeError(_("Notices from %(issuer)s can only go to units below it, not to: %(units)s.")
                          % {"issuer": issuer.name, "units": "、".join(outside)}, "addressees")
    duplicate = NoticeError(_("%(issuer)s has already issued a notice numbered %(number)s.")
                            % {"issuer": issuer.name, "number": number}, "number")
    if Notice.objects.filter(issuer=issuer, number=number).exists():
        raise duplicate
    notice = Notice(issuer=issuer, number=number, title=title, body=body, issued_on=issued_on,
                    issued_by=user)
    if file:
        notice.file = file
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:  # the same number issued at the same moment by a colleague
        if notice.file:
            notice.file.delete(save=False)
        raise duplicate from None
    NoticeRecipient.objects.bulk_create([NoticeRecipient(notice=notice, unit_id=pk) for pk in sorted(units)])
    user_ids = set(RoleAssignment.objects.filter(unit_id__in=list(units), user__is_active=True)
                   .values_list("user_id", flat=True))
    # Stored first; the notifications follow only once the notice is committed, and a failure
    # there is logged rather than undoing a notice that is already issued.
    transaction.on_commit(partial(_notify_addressees, notice, user_ids), robust=True)
    return notice


def addressee_message(notice: Notice) -> dict[str, str]:
    """The notification an addressee gets, in the portal's default language (it is stored, not rendered)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {"title": _("Notice %(number)s: %(title)s") % {"number": notice.number, "title": notice.title},
                "body": _("Issued by %(issuer)s. Open it and mark it read.") % {"issuer": issuer_title(notice.issuer)},
                "url": notice.get_absolute_url()}


def _notify_addressees(notice: Notice, user_ids: set[int]) -> None:
    notify(user_ids=user_ids, **addressee_message(notice))


@transaction.atomic
def notice_mark_read(*, user, notice: Notice, unit_id: int | None = None) -> int:
    """X3 mark a notice read for the user's own addressee unit(s); the first reader and time are kept."""
    rows = NoticeRecipient.objects.filter(notice=notice, unit_id__in=list(bound_unit_ids(user)))
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if not rows.exists():
        raise NoticeError(_("This notice is not addressed to a unit of yours."))
    # A conditional UPDATE: a second reader (or a double click) changes nothing.
    marked = rows.filter(read_at__isnull=True).update(read_at=timezone.now(), read_by=user)
    notifications_settle(user=user, urls=[notice.get_absolute_url()])
    return marked
