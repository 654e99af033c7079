"""X3 reads of notices: who may issue from where, addressee choices, lists and read status."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from units.models import RoleAssignment, Unit
from units.scoping import WRITE_ROLES, grants_of, in_scope, scope_paths, scope_q

from ..models import Notice, NoticeRecipient

#: How many units a name/code search below the issuer returns (the user narrows the text beyond that).
SEARCH_LIMIT = 30
#: Children offered as checkboxes; a unit with more (a province of enterprises) is searched instead.
CHILDREN_SHOWN = 300

INBOX, SENT, ALL = "inbox", "sent", "all"
BOXES = (ALL, INBOX, SENT)


def issuer_title(unit: Unit) -> str:
    """The issuing body as a letterhead names it: the unit's campaign leading group."""
    return _("%(unit)s campaign leading group") % {"unit": unit.name}


def issuing_units(user) -> list[Unit]:
    """X3 the units a user may issue notices from: those of their office or administrator roles."""
    unit_ids = [g.unit_id for g in grants_of(user) if g.role in WRITE_ROLES]
    if not unit_ids and scope_paths(user) is None:  # a superuser without roles acts for the roots
        return list(Unit.objects.get_root_nodes())
    return list(Unit.objects.filter(pk__in=unit_ids))


def bound_unit_ids(user) -> set[int]:
    """Units the user's own role rows are bound to exactly: those they receive and acknowledge notices for.

    Read from ``RoleAssignment`` rather than ``grants_of``: grants also carry the units a supervision
    group is assigned to, and a group inspecting a unit does not acknowledge that unit's mail.
    Kept on the user object for the rest of the request, like the grants.
    """
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_dudao_notice_units", None)
    if cached is None:
        cached = set(RoleAssignment.objects.filter(user=user).values_list("unit_id", flat=True))
        user._dudao_notice_units = cached
    return cached


def below(issuer: Unit) -> QuerySet:
    """Units strictly below the issuer: the only possible addressees."""
    return Unit.objects.filter(path__startswith=issuer.path, depth__gt=issuer.depth)


@dataclass
class AddresseeChoices:
    """The issuer's children as checkboxes, plus deeper units already chosen (kept after an error)."""

    children: list[Unit]
    deeper: list[Unit]
    selected: set[int]
    more_children: bool


def addressee_choices(issuer: Unit, selected_ids: set[int]) -> AddresseeChoices:
    """X3 the checkboxes of the issue form, in two queries."""
    children = list(Unit.objects.get_children(issuer)[: CHILDREN_SHOWN + 1])
    shown = {c.pk for c in children[:CHILDREN_SHOWN]}
    extra = selected_ids - shown
    deeper = list(below(issuer).filter(pk__in=extra)) if extra else []
    return AddresseeChoices(children[:CHILDREN_SHOWN], deeper, selected_ids, len(children) > CHILDREN_SHOWN)


def addressee_search(issuer: Unit, text: str) -> list[Unit]:
    """X3 units below the issuer whose name or code contains ``text`` (the one meaning of a unit search)."""
    text = (text or "").strip()
    if not text:
        return []
    return list(below(issuer).matching(text).order_by("path")[:SEARCH_LIMIT])


def notice_list(user) -> QuerySet:
    """X3 the notices a user sees, newest first, with addressee and read counts in the same query
    (``campaign.filters.NoticeFilter`` narrows them to the inbox, the issued or the unread ones).
    """
    mine = bound_unit_ids(user)
    qs = Notice.objects.visible_to(user)
    own = NoticeRecipient.objects.filter(notice=OuterRef("pk"), unit_id__in=list(mine))
    # counted within the viewer's subtrees only: an addressee of a provincial notice learns nothing of
    # the other counties it went to (the issuer side's subtree holds every addressee, so it sees all)
    seen = scope_q(user, "recipients__unit__")
    return (qs.select_related("issuer")
            .annotate(recipient_count=Count("recipients", filter=seen),
                      read_count=Count("recipients", filter=seen & Q(recipients__read_at__isnull=False)),
                      to_me=Exists(own), unread_by_me=Exists(own.filter(read_at__isnull=True)))
            .order_by("-issued_on", "-pk"))


def mark_issuer_side(user, notices) -> None:
    """Flag each notice of a page: is the user on its issuer's side (sees the read status)? No query."""
    for notice in notices:
        notice.issuer_side = in_scope(user, notice.issuer)


@dataclass
class ReadStatus:
    total: int = 0
    read: int = 0

    @property
    def unread(self) -> int:
        return self.total - self.read

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


@dataclass
class NoticeDetail:
    """X3 what the notice page shows this user: their own addressee rows and, for the issuer side,
    everyone's read status."""

    notice: Notice
    issuer_side: bool
    my_recipients: list[NoticeRecipient]
    status: ReadStatus = field(default_factory=ReadStatus)

    @property
    def my_unread(self) -> list[NoticeRecipient]:
        return [r for r in self.my_recipients if r.read_at is None]


def notice_detail(user, notice: Notice) -> NoticeDetail:
    """X3 the notice page's figures: two queries however many addressees it has."""
    mine = bound_unit_ids(user)
    my_rows = list(notice.recipients.filter(unit_id__in=list(mine)).select_related("unit", "read_by")
                   .order_by("unit__path"))
    detail = NoticeDetail(notice, in_scope(user, notice.issuer), my_rows)
    if detail.issuer_side:
        detail.status = ReadStatus(**notice.recipients.filter(scope_q(user, "unit__")).aggregate(
            total=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False))))
    return detail


def recipients_of(notice: Notice, *, user, unread: bool = False) -> QuerySet:
    """X3 the addressees of a notice in tree order, with who read it and when — those in the viewer's
    subtrees only (visibility does not travel through the notice)."""
    qs = (notice.recipients.filter(scope_q(user, "unit__")).select_related("unit", "read_by")
          .order_by("unit__path"))
    return qs.filter(read_at__isnull=True) if unread else qs


@dataclass
class NoticeDocument:
    """The printable form of a text notice: letterhead, addressees (主送机关), paragraphs."""

    number: str
    title: str
    issuer: str
    issued_on: object
    addressees: str
    paragraphs: list[str]


def notice_document(notice: Notice, *, user) -> NoticeDocument:
    """X3 a text notice as a document, addressees joined the Chinese way (、) in tree order: the issuer
    side prints them all, an addressee only those in its own subtrees."""
    names = [r.unit.name for r in notice.recipients.filter(scope_q(user, "unit__")).select_related("unit")
             .order_by("unit__path")]
    paragraphs = [p.strip() for p in notice.body.replace("\r\n", "\n").split("\n") if p.strip()]
    return NoticeDocument(notice.number, notice.title, issuer_title(notice.issuer), notice.issued_on,
                          "、".join(names) + "：" if names else "", paragraphs)
