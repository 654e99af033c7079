"""Issue 12: the to-do home (待办) and the done tab (已办) — what waits for one user, within their scope, and
what they settled. Each section reads through the owning app's scoped queryset and names the list page (with
its filters) whose rows it counts, so the count on the home page is the length of that list.

R0.1 scope: every section starts from ``visible_to(user)`` or the user's own role rows (or, for imports
waiting, the user's own uploads); R0.4, R1.3, R2.3–R3.2,
R4.4, R5.1, R5.2, R5.4 and X3 name what waits. A fixed number of queries whatever the size of the tree: at
most two per section (the first rows, and a count only when there are more than are shown).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign.models import (
    Campaign,
    ComparisonMaterial,
    InstructionRequest,
    Meeting,
    Notice,
    NoticeRecipient,
    Obligation,
    ObligationKind,
    ProgressReport,
    PublicCriticism,
    RequestStatus,
    StudySession,
)
from campaign.selectors.liaison import office_units, owed_reports, own_units
from campaign.selectors.notices import bound_unit_ids
from campaign.selectors.problems import awaiting_review_q
from campaign.selectors.publicity import criticisms_for
from dashboards import rollups
from feedback.models import Message, MessageEvent
from feedback.querysets import awaiting_q
from supervision.models import (
    CardEvent,
    CardStatus,
    CrossInspection,
    ExtensionRequest,
    ExtensionStatus,
    SpecialInspection,
    SupervisionCard,
)
from supervision.querysets import acts_for_group_q
from supervision.selectors import awaiting_approval
from units import selectors as unit_selectors
from units.models import Level, Unit
from units.scoping import WRITE_ROLES, grants_of, scope_paths, scope_q
from units.selectors import HomeFigures, scope_roots
from web.models import PendingImport

#: Rows shown per section; the count says how many the list behind it holds.
ITEMS_SHOWN = 5
#: Rows per page of the done tab.
DONE_PER_PAGE = 20


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting: what, about which unit, due when, and the page that settles it."""

    title: str
    detail: str
    url: str
    due: datetime.date | None = None
    overdue: bool = False


@dataclass
class TodoSection:
    """One kind of waiting work: its first items (oldest or most urgent first), their number and the list."""

    key: str
    title: str
    empty: str
    list_url: str
    count: int = 0
    items: list[TodoItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


@dataclass
class TodoGroup:
    """The sections of one role (liaison, activity office, supervision group, leader)."""

    key: str
    title: str
    sections: list[TodoSection]

    @property
    def count(self) -> int:
        return sum(s.count for s in self.sections)


@dataclass
class TodoPage:
    groups: list[TodoGroup]

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def _url(name: str, args: list | None = None, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _take(qs: QuerySet, build) -> tuple[int, list[TodoItem]]:
    """The first rows as items and the number of rows: one query, two when there are more than shown."""
    rows = list(qs[:ITEMS_SHOWN + 1])
    count = len(rows) if len(rows) <= ITEMS_SHOWN else qs.count()
    return count, [build(r) for r in rows[:ITEMS_SHOWN]]


def _section(key: str, title: str, empty: str, list_url: str, qs: QuerySet, build) -> TodoSection:
    count, items = _take(qs, build)
    return TodoSection(key, title, empty, list_url, count, items)


# --- where an obligation is settled: the form that records what fulfils it (R2.3–R3.2, R5.1)

_OBLIGATION_FORM = {
    ObligationKind.ENLARGED_MEETING: "campaign:meeting_add",
    ObligationKind.DISCUSSION_MEETING: "campaign:meeting_add",
    ObligationKind.DEMOCRATIC_MEETING: "campaign:meeting_add",
    ObligationKind.COLLECTIVE_STUDY: "campaign:study_session_add",
    ObligationKind.EDUCATION_FILM: "campaign:study_session_add",
    ObligationKind.PARTY_LECTURE: "campaign:study_session_add",
    ObligationKind.FOUR_WINDS_LIST: "campaign:problem_unit",
    ObligationKind.COMPARISON_MATERIAL: "campaign:material_unit",
    ObligationKind.EXAM: "campaign:unit_progress",
}


def _obligations(user, campaign: Campaign | None, units: list[int], today: datetime.date) -> TodoSection:
    """R5.1 the obligations still owed by the user's own units, the longest overdue first."""
    list_url = _url("campaign:unit_progress", [units[0]]) if units else _url("campaign:my_progress")
    qs = (Obligation.objects.visible_to(user).open().filter(unit_id__in=units)
          .select_related("unit").order_by("due_date", "unit__path", "kind")
          if campaign else Obligation.objects.none())
    if campaign:
        qs = qs.filter(campaign=campaign)

    def build(ob: Obligation) -> TodoItem:
        return TodoItem(ob.get_kind_display(), ob.unit.name,
                        _url(_OBLIGATION_FORM.get(ob.kind, "campaign:unit_progress"), [ob.unit_id]),
                        ob.due_date, ob.due_date < today)

    return _section("obligations", _("Obligations due and overdue"),
                    _("Your units owe nothing at the moment."), list_url, qs, build)


def _cards(user, key: str, title: str, empty: str, status: str, today: datetime.date) -> TodoSection:
    """R1.3 cards of the user's scope in one state, as the card list filtered on that state shows them,
    the earliest due first."""
    qs = (SupervisionCard.objects.visible_to(user).filter(status=status).select_related("unit")
          .order_by("due_date", "pk"))

    def build(card: SupervisionCard) -> TodoItem:
        return TodoItem(card.number, card.unit.name, card.get_absolute_url(), card.due_date,
                        card.is_overdue(today))

    return _section(key, title, empty, _url("supervision:card_list", status=status), qs, build)


def _messages(user, today: datetime.date) -> TodoSection:
    """R4.4 the messages waiting for the user: an office's triage and review, a unit's answers."""
    qs = (Message.objects.visible_to(user).filter(awaiting_q(user)).select_related("unit")
          .order_by(F("due_date").asc(nulls_last=True), "received_on", "pk"))

    def build(m: Message) -> TodoItem:
        return TodoItem(f"{m.tracking_code} · {m.get_status_display()}", m.unit.name, m.get_absolute_url(),
                        m.due_date, m.is_overdue(today))

    return _section("messages", _("Public messages waiting for you"), _("No message waits for you."),
                    _url("feedback:messages", show="todo"), qs, build)


def _reports_owed(user, campaign: Campaign | None, today: datetime.date) -> TodoSection:
    """R5.2 progress reports the user's own units owe the office above them (due and not sent)."""
    section = TodoSection("reports", _("Progress reports due"), _("No progress report is due."),
                          _url("campaign:progress_reports"))
    if campaign is None:
        return section
    missing = sorted(((owed.unit, owed.schedule, cell) for owed in owed_reports(user, campaign, today)
                      for cell in owed.cells if cell.state == "missing"), key=lambda t: t[2].period.due)
    section.count = len(missing)
    section.items = [
        TodoItem(_("Report to %(upper)s for %(start)s–%(end)s") % {
            "upper": schedule.unit.name, "start": date_format(cell.period.start), "end": date_format(cell.period.end)},
            unit.name, _url("campaign:progress_report_submit", [unit.pk], period=cell.period.start.isoformat()),
            cell.period.due, cell.period.due < today)
        for unit, schedule, cell in missing[:ITEMS_SHOWN]]
    return section


def _requests_received(user, campaign: Campaign | None) -> TodoSection:
    """R5.2 requests for instructions addressed to the user's offices and not yet answered, oldest first."""
    offices = [u.pk for u in office_units(user)]
    qs = (InstructionRequest.objects.visible_to(user).filter(status=RequestStatus.OPEN, addressee_id__in=offices)
          .select_related("unit").order_by("asked_at", "pk"))
    if campaign:
        qs = qs.filter(campaign=campaign)

    def build(r: InstructionRequest) -> TodoItem:
        return TodoItem(r.title, r.unit.name, r.get_absolute_url())

    return _section("requests", _("Requests for instructions to answer"), _("No request waits for an answer."),
                    _url("campaign:instruction_requests", box="received", status="open"), qs, build)


def _replies_to_settle(user, campaign: Campaign | None) -> TodoSection:
    """R5.2 requests the user's own units asked that the upper office has answered: read the reply and
    settle the request (or ask again), oldest reply first."""
    own = [u.pk for u in own_units(user)]
    qs = (InstructionRequest.objects.visible_to(user).filter(status=RequestStatus.ANSWERED, unit_id__in=own)
          .select_related("addressee").order_by("answered_at", "pk"))
    if campaign:
        qs = qs.filter(campaign=campaign)

    def build(r: InstructionRequest) -> TodoItem:
        return TodoItem(r.title, r.addressee.name, r.get_absolute_url())

    return _section("replies", _("Replies to your requests to settle"), _("No reply waits to be settled."),
                    _url("campaign:instruction_requests", box="sent", status="answered"), qs, build)


def _notices_to_read(user) -> TodoSection:
    """X3 notices addressed to the user's units and not yet marked read there."""
    qs = (Notice.objects.visible_to(user).addressed_to(bound_unit_ids(user), unread=True)
          .order_by("issued_on", "pk"))

    def build(n: Notice) -> TodoItem:
        return TodoItem(n.number, n.title, n.get_absolute_url(), n.issued_on)

    return _section("notices", _("Notices to read"), _("Every notice addressed to your units is read."),
                    _url("campaign:notices", unread="on"), qs, build)


def _notices_not_read(user) -> TodoSection:
    """X3 notices issued within the user's subtree that an addressee of it has not read yet."""
    unread = NoticeRecipient.objects.filter(scope_q(user, "unit__"), notice=OuterRef("pk"), read_at__isnull=True)
    qs = Notice.objects.visible_to(user).issued_within(user).filter(Exists(unread)).order_by("issued_on", "pk")

    def build(n: Notice) -> TodoItem:
        return TodoItem(n.number, n.title, n.get_absolute_url(), n.issued_on)

    return _section("notices_unread", _("Notices not yet read by subordinate units"),
                    _("Every addressee has read your notices."), _url("campaign:notices", not_read="on"), qs, build)


def _materials(user, campaign: Campaign | None) -> TodoSection:
    """R3.2 the latest comparison-check materials waiting for the user's review, the oldest first."""
    qs = (ComparisonMaterial.objects.visible_to(user).filter(campaign=campaign).latest_versions()
          .filter(awaiting_review_q(user)).select_related("unit").order_by("submitted_at", "pk")
          if campaign else ComparisonMaterial.objects.none())

    def build(m: ComparisonMaterial) -> TodoItem:
        return TodoItem(f"{m.get_subject_display()} · v{m.version}", m.unit.name,
                        reverse("campaign:material_detail", args=[m.pk]))

    return _section("materials", _("Comparison-check materials to review"), _("No material waits for your review."),
                    _url("campaign:materials", awaiting="on"), qs, build)


def _extensions(user, today: datetime.date) -> TodoSection:
    """R1.3 extension requests on cards of the user's scope that the user decides, acting for the card's
    group (its leader, members, the office that sends it), oldest first."""
    qs = (ExtensionRequest.objects.filter(acts_for_group_q(user, "card__group__"), status=ExtensionStatus.PENDING,
                                          card__in=SupervisionCard.objects.visible_to(user).values("pk"))
          .select_related("card__unit").order_by("requested_at", "pk"))

    def build(x: ExtensionRequest) -> TodoItem:
        return TodoItem(_("%(card)s: until %(date)s") % {"card": x.card.number,
                                                        "date": date_format(x.requested_due_date)},
                        x.card.unit.name, f"{x.card.get_absolute_url()}#extensions",
                        x.previous_due_date, x.previous_due_date < today)

    return _section("extensions", _("Extension requests to decide"), _("No extension request waits."),
                    _url("supervision:card_list", extension="true"), qs, build)


def _imports(user) -> TodoSection:
    """R0.4 the user's checked spreadsheets not yet confirmed, the oldest first (only the uploader sees them)."""
    qs = PendingImport.objects.of(user).order_by("created_at", "pk")

    def build(p: PendingImport) -> TodoItem:
        rows = ngettext("%(count)s row", "%(count)s rows", p.rows) % {"count": p.rows}
        uploaded = _("uploaded %(date)s") % {"date": date_format(timezone.localdate(p.created_at))}
        return TodoItem(p.name, f"{p.label} · {rows} · {uploaded}",
                        f"{reverse('web:pending_imports')}#import-{p.token}")

    return _section("imports", _("Imports waiting for confirmation"), _("No import waits for your confirmation."),
                    reverse("web:pending_imports"), qs, build)


def _criticisms(user) -> TodoSection:
    """R6.3 public criticisms a leader confirmed that the office has not yet published."""
    qs = criticisms_for(user).filter(published_on__isnull=True).order_by("created_at", "pk")

    def build(c) -> TodoItem:
        return TodoItem(c.number, c.title, reverse("campaign:criticism_detail", args=[c.pk]))

    return _section("criticisms", _("Public criticisms to publish"), _("No confirmed criticism waits."),
                    _url("campaign:criticisms", state="draft"), qs, build)


def _cross_running(user, campaign: Campaign | None, today: datetime.date) -> TodoSection:
    """R5.3 cross inspections of the user's groups under way today."""
    qs = (CrossInspection.objects.visible_to(user).running(today).filter(campaign=campaign).select_related("group")
          .order_by("end_date", "pk"))

    def build(p: CrossInspection) -> TodoItem:
        return TodoItem(str(p), p.group.name, reverse("supervision:cross_detail", args=[p.pk]), p.end_date)

    return _section("cross", _("Inspections under way"), _("No cross inspection is under way."),
                    _url("supervision:cross_list", state="running"), qs, build)


def _special_running(user, campaign: Campaign | None, today: datetime.date) -> TodoSection:
    """R3.3 special inspections organised in or covering the user's scope, under way today, ending first."""
    qs = (SpecialInspection.objects.visible_to(user).running(today).filter(campaign=campaign)
          .select_related("organising_unit").order_by("end_date", "pk"))

    def build(i: SpecialInspection) -> TodoItem:
        return TodoItem(i.title, i.organising_unit.name, i.get_absolute_url(), i.end_date)

    return _section("special", _("Special inspections under way"), _("No special inspection is under way."),
                    _url("supervision:inspection_list", state="running"), qs, build)


def _overdue_cards(user, today: datetime.date) -> TodoSection:
    """R1.3, R5.4 cards whose unit is late: the next rung of the ladder comes on them, the longest late first."""
    qs = SupervisionCard.objects.visible_to(user).overdue(today).select_related("unit").order_by("due_date", "pk")

    def build(card: SupervisionCard) -> TodoItem:
        return TodoItem(card.number, card.unit.name, card.get_absolute_url(), card.due_date, True)

    return _section("overdue_cards", _("Overdue cards nearing escalation"), _("No card is overdue."),
                    _url("supervision:card_list", overdue="true"), qs, build)


def _approvals(user, today: datetime.date) -> TodoSection:
    """R1.3, R5.4 interviews and accountability proposals waiting for a leader's approval, oldest first."""
    qs = awaiting_approval(SupervisionCard.objects.visible_to(user))

    def build(step) -> TodoItem:
        return TodoItem(f"{step.card.number} · {step.label()}", step.card.unit.name,
                        reverse("supervision:step_decide", args=[step.pk]), step.taken_on)

    return _section("approvals", _("Approvals waiting"), _("Nothing waits for your approval."),
                    _url("supervision:approvals"), qs, build)


def _criticisms_to_confirm(user, grants, campaign: Campaign | None, today: datetime.date) -> TodoSection:
    """R6.3 the units a leader leads at province, city or county level that have not yet confirmed their
    public criticism of the worst-run units below them in the running campaign, due by its end; the item
    opens the unit's ranking, where the leader picks the units and confirms (which settles it)."""
    issuers = sorted({g.unit_id for g in grants if g.role == "leader"})
    qs = (Unit.objects.visible_to(user).filter(pk__in=issuers, level__lte=Level.COUNTY, closed_on__isnull=True)
          .exclude(Exists(PublicCriticism.objects.filter(campaign=campaign, issuer=OuterRef("pk"))))
          .order_by("path") if campaign and issuers else Unit.objects.none())

    def build(unit: Unit) -> TodoItem:
        return TodoItem(_("Public criticism of %(unit)s") % {"unit": unit.name},
                        _("Pick the worst-run units from the ranking and confirm"),
                        reverse("dashboards:unit_ranking", args=[unit.pk]), campaign.end_date,
                        campaign.end_date < today)

    list_url = reverse("dashboards:unit_ranking", args=[issuers[0]]) if issuers else reverse("campaign:criticisms")
    return _section("criticisms_confirm", _("Public criticisms to confirm"),
                    _("Every unit you lead has confirmed its public criticism."), list_url, qs, build)


def _escalations(user, today: datetime.date) -> TodoSection:
    """R1.3, R5.4 open cards of the user's subtree on which the escalation ladder has started."""
    qs = (SupervisionCard.objects.visible_to(user).open().escalated().select_related("unit")
          .order_by("due_date", "pk"))

    def build(card: SupervisionCard) -> TodoItem:
        return TodoItem(card.number, card.unit.name, card.get_absolute_url(), card.due_date, card.is_overdue(today))

    return _section("escalations", _("Escalated cards in your subtree"), _("No open card is escalated."),
                    _url("supervision:card_list", open="true", escalated="true"), qs, build)


def home(user, *, today: datetime.date) -> tuple[TodoPage, HomeFigures]:
    """The home page's two halves — the to-do and the scope's figures — with the running campaign looked up once."""
    campaign = Campaign.objects.current()
    return _todo(user, campaign, today), _home_figures(user, campaign, today)


def _todo(user, campaign: Campaign | None, today: datetime.date) -> TodoPage:
    """Issue 12: what waits for this user, grouped by the roles they hold (R0.1: each within its scope)."""
    grants = grants_of(user)
    roles = {g.role for g in grants}
    superuser = scope_paths(user) is None
    is_office = bool(roles & WRITE_ROLES) or superuser
    groups: list[TodoGroup] = []
    if "liaison" in roles:
        units = sorted({g.unit_id for g in grants if g.role == "liaison"})
        groups.append(TodoGroup("liaison", _("Unit liaison"), [
            _obligations(user, campaign, units, today),
            _cards(user, "cards_sign", _("Supervision cards to sign for"), _("No card waits for a signature."),
                   CardStatus.ISSUED, today),
            _cards(user, "cards_answer", _("Supervision cards to answer"), _("No card waits for an answer."),
                   CardStatus.SIGNED, today),
            _cards(user, "cards_returned", _("Cards sent back for more rectification"), _("No card was sent back."),
                   CardStatus.RETURNED, today),
            _reports_owed(user, campaign, today),
            _replies_to_settle(user, campaign),
            _notices_to_read(user),
        ]))
    if is_office:
        units = sorted({g.unit_id for g in grants if g.role in WRITE_ROLES})
        sections = [_messages(user, today), _materials(user, campaign), _extensions(user, today),
                    _requests_received(user, campaign), _replies_to_settle(user, campaign), _imports(user),
                    _notices_not_read(user), _criticisms(user), _special_running(user, campaign, today)]
        if units:
            sections += [_obligations(user, campaign, units, today), _notices_to_read(user)]
        groups.append(TodoGroup("office", _("Activity office"), sections))
    elif "liaison" in roles:
        groups[0].sections.insert(4, _messages(user, today))
    if "supervisor" in roles:
        groups.append(TodoGroup("supervisor", _("Supervision group"), [
            _cards(user, "cards_verify", _("Answers to verify"), _("No answer waits for verification."),
                   CardStatus.ANSWERED, today),
            _extensions(user, today),
            _cross_running(user, campaign, today),
            _special_running(user, campaign, today),
            _overdue_cards(user, today),
        ]))
    if "leader" in roles or superuser:
        groups.append(TodoGroup("leader", _("Leader"), [_approvals(user, today), _escalations(user, today),
                                                        _criticisms_to_confirm(user, grants, campaign, today)]))
    return TodoPage(groups)


# --- the done tab (已办): what the user settled, newest first

@dataclass(frozen=True)
class DoneEntry:
    at: datetime.datetime
    what: str
    title: str
    detail: str
    url: str


def _acts(qs: QuerySet, tag: str, *, when: str, oid: str = "pk", field: str = "", what: str = "") -> QuerySet:
    """One part of the done tab's UNION: (kind tag, the record's id, when, what was done — a field of the row
    or a fixed word)."""
    text = CharField()
    return qs.annotate(t=Value(tag, output_field=text), oid=F(oid), when=F(when),
                       what=F(field) if field else Value(what, output_field=text))


def _done_rows(user) -> QuerySet:
    """One UNION over the tables that record who acted: card events, message events, material reviews,
    answers to requests, progress reports sent, notices marked read, public criticisms confirmed, study
    sessions and meetings recorded (kind, id, when, what)."""
    parts = [
        _acts(CardEvent.objects.filter(actor=user), "card", oid="card_id", when="at", field="kind"),
        _acts(MessageEvent.objects.filter(by=user), "message", oid="message_id", when="at", field="kind"),
        _acts(ComparisonMaterial.objects.filter(reviewed_by=user, reviewed_at__isnull=False), "material",
              when="reviewed_at", field="status"),
        _acts(InstructionRequest.objects.filter(answered_by=user, answered_at__isnull=False), "request",
              when="answered_at", what="answered"),
        _acts(ProgressReport.objects.filter(submitted_by=user), "report", when="submitted_at", what="submitted"),
        _acts(NoticeRecipient.objects.filter(read_by=user, read_at__isnull=False), "notice", oid="notice_id",
              when="read_at", what="read"),
        _acts(PublicCriticism.objects.filter(confirmed_by=user, confirmed_at__isnull=False), "criticism",
              when="confirmed_at", what="confirmed"),
        # R2.2, R2.3 the records that fulfil a unit's obligations: study sessions and meetings the user entered
        _acts(StudySession.objects.filter(recorded_by=user), "session", when="created_at", what="recorded"),
        _acts(Meeting.objects.filter(recorded_by=user), "meeting", when="created_at", what="recorded"),
    ]
    fields = ("t", "oid", "when", "what")
    # each part without its model's default ordering (SQL allows ORDER BY only on the whole UNION)
    first, *rest = [qs.order_by().values_list(*fields) for qs in parts]
    return first.union(*rest, all=True).order_by("-when", "-oid")


def _done_sources() -> dict:
    """Per kind of the done tab's UNION: the records' queryset and how one of them reads as an entry
    (given the record, when and what)."""
    from campaign.models import MaterialStatus
    from feedback.models import EventKind as MessageEventKind
    from supervision.models import EventKind as CardEventKind

    return {
        "card": (SupervisionCard.objects.select_related("unit"), lambda c, when, what: DoneEntry(
            when, str(CardEventKind(what).label), c.number, c.unit.name, c.get_absolute_url())),
        "message": (Message.objects.select_related("unit"), lambda m, when, what: DoneEntry(
            when, str(MessageEventKind(what).label), m.tracking_code, m.unit.name, m.get_absolute_url())),
        "material": (ComparisonMaterial.objects.select_related("unit"), lambda m, when, what: DoneEntry(
            when, str(MaterialStatus(what).label), f"{m.get_subject_display()} · v{m.version}", m.unit.name,
            reverse("campaign:material_detail", args=[m.pk]))),
        "request": (InstructionRequest.objects.select_related("unit"), lambda r, when, what: DoneEntry(
            when, _("Replied"), r.title, r.unit.name, r.get_absolute_url())),
        "report": (ProgressReport.objects.select_related("unit"), lambda r, when, what: DoneEntry(
            when, _("Progress report sent"), f"{date_format(r.period_start)}–{date_format(r.period_end)}",
            r.unit.name, r.get_absolute_url())),
        "notice": (Notice.objects.all(), lambda n, when, what: DoneEntry(
            when, _("Marked read"), n.number, n.title, n.get_absolute_url())),
        "criticism": (PublicCriticism.objects.select_related("issuer"), lambda c, when, what: DoneEntry(
            when, _("Public criticism confirmed"), c.number, c.issuer.name,
            reverse("campaign:criticism_detail", args=[c.pk]))),
        "session": (StudySession.objects.select_related("unit"), lambda ss, when, what: DoneEntry(
            when, _("Study session recorded"), f"{date_format(ss.date)} {ss.topic}", ss.unit.name,
            reverse("campaign:study_session_detail", args=[ss.pk]))),
        "meeting": (Meeting.objects.select_related("unit"), lambda mt, when, what: DoneEntry(
            when, _("Meeting recorded"), f"{date_format(mt.date)} {mt.get_kind_display()}", mt.unit.name,
            mt.get_absolute_url())),
    }


def done_for(user, *, page: str | int | None) -> Page:
    """Issue 12: the user's settled items, newest first, one page (a fixed number of queries: the page, and
    one per kind of record on it)."""
    paginator = Paginator(_done_rows(user), DONE_PER_PAGE)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    ids: dict[str, set[int]] = {}
    for kind, oid, _when, _what in rows:
        ids.setdefault(kind, set()).add(oid)
    sources = _done_sources()
    records = {kind: sources[kind][0].filter(pk__in=pks).in_bulk() for kind, pks in ids.items()}
    entries = []
    for kind, oid, when, what in rows:
        record = records[kind].get(oid)
        if record is not None:
            entries.append(sources[kind][1](record, when, what))
    current.object_list = entries
    return current


def home_figures(user, *, today: datetime.date) -> HomeFigures:
    """R0.1 the figures of the user's scope below the to-do (open units by level, their cadres): read from the
    running campaign's rollups when they serve ``today`` — issue 13: the first page of every sign-in counted a
    province's 51,000 units and 299,000 cadres, a parallel scan of 50 ms on three processes — else counted live.
    The two are the same numbers (``tests/dashboards/test_rollups.py``)."""
    return _home_figures(user, Campaign.objects.current(), today)


def _home_figures(user, campaign: Campaign | None, today: datetime.date) -> HomeFigures:
    if campaign is not None:
        counts = rollups.scope_counts(campaign=campaign, roots=scope_roots(user), today=today)
        if counts is not None:
            return HomeFigures.of(*counts)
    return unit_selectors.home_figures(user)
