"""R4 reads: queue figures, the public unit search, the weekly digest's numbers, opinion coverage and
field research compliance. Each runs a fixed number of queries, whatever the amount of data."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import rules
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from campaign.models import Campaign
from units.models import Cadre, Unit
from units.scoping import WRITE_ROLES, grants_of
from web.fields import mask_phone

from . import policy
from .models import (
    Category,
    FieldResearchStay,
    Message,
    MessageStatus,
    OpinionSession,
    TargetGroup,
)

#: R4.4 the public unit search shows at most this many hits: enough to choose, too few to crawl the tree.
UNIT_SEARCH_LIMIT = 20


# --- units: the public search and breadcrumbs

@dataclass(frozen=True)
class UnitHit:
    unit: Unit
    trail: str  # "河北省 › 石家庄市 › 正定县"


def unit_trails(units: list[Unit]) -> dict[int, str]:
    """The ancestors' names of each unit, in one query for all of them."""
    prefixes = {p for u in units for p in Unit.path_prefixes(u.path, include_self=False)}
    names = dict(Unit.objects.filter(path__in=prefixes).values_list("path", "name")) if prefixes else {}
    return {u.pk: _trail(u.path, names) for u in units}


def _trail(path: str, names: dict[str, str]) -> str:
    """The names of the ancestors of the unit at ``path``, from the top down ("河北省 › 石家庄市 › 正定县")."""
    return " › ".join(names[p] for p in Unit.path_prefixes(path, include_self=False) if p in names)


#: The unit ``%(pk)s`` and its ancestors down to depth 4, found by the prefixes of its path (``%(step)s`` characters a
#: level), in one statement: every unit of the five levels gets its whole trail. Written out (issue 13): the same
#: question through the ORM (an OR of four prefix subqueries) took 1.8–2.5 ms, this 0.6 (province data, PostgreSQL).
#: A UNION, not an OR: ``id = … OR path IN (subquery)`` made PostgreSQL read every unit.
UNIT_AND_ANCESTORS_SQL = """
SELECT u.* FROM units_unit u WHERE u.id = %(pk)s
UNION ALL
SELECT a.* FROM units_unit t
JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) d ON d.n < t.depth
JOIN units_unit a ON a.path = substr(t.path, 1, %(step)s * d.n)
WHERE t.id = %(pk)s
"""
#: The deepest unit whose every ancestor the statement finds.
UNIT_AND_ANCESTORS_DEPTH = 5


def open_unit_with_trail(pk: int) -> tuple[Unit, str] | None:
    """R4.4 an open unit and its trail, as ``unit_trails`` writes it; ``None`` for an unknown or closed unit.
    Issue 13: one query (the board's page for a unit no visitor of this process chose yet). A unit deeper than the
    levels (the tree's shape rule forbids it) is traced as ``unit_trails`` does, with a second query."""
    rows = list(Unit.objects.raw(UNIT_AND_ANCESTORS_SQL, {"pk": pk, "step": Unit.steplen}))
    unit = next((row for row in rows if row.pk == pk), None)
    if unit is None or unit.closed_on is not None:
        return None
    if unit.depth > UNIT_AND_ANCESTORS_DEPTH:  # its upper ancestors lie below the prefixes asked for
        return unit, unit_trails([unit])[unit.pk]
    return unit, _trail(unit.path, {row.path: row.name for row in rows})


def unit_search(units: QuerySet[Unit], text: str, limit: int = UNIT_SEARCH_LIMIT) -> tuple[list[UnitHit], bool]:
    """R4.4 units whose name contains ``text`` (or whose code is ``text``), upper levels first; at most
    ``limit`` hits and whether there were more. Two queries."""
    text = (text or "").strip()[:50]
    if not text:
        return [], False
    found = list(units.search(text).order_by("depth", "path")[:limit + 1])
    more = len(found) > limit
    found = found[:limit]
    trails = unit_trails(found)
    return [UnitHit(u, trails[u.pk]) for u in found], more


# --- R4.4 the message lists and steps

def merge_candidates(message: Message, user) -> QuerySet[Message]:
    """R4.4 the open messages of the same office a duplicate may join (the newest 50, within the user's scope)."""
    candidates = (Message.objects.visible_to(user).filter(office_unit=message.office_unit).exclude(pk=message.pk)
                  .exclude(status__in=[MessageStatus.MERGED, MessageStatus.REJECTED]))
    ids = list(candidates.order_by("-received_on", "-pk").values_list("pk", flat=True)[:50])
    return Message.objects.filter(pk__in=ids).select_related("unit").order_by("-received_on", "-pk")


def citizen_phone_for(user, message: Message) -> str | None:
    """Issue 15: the citizen's phone as ``user`` may see it — in full for the office answering the message,
    masked (``138****1234``) for the others handling it, ``None`` for everyone else. Pages and the API ask
    here."""
    if not user.has_perm("feedback.see_citizen_contact", message):
        return None
    # the rule alone (rules' registry), not ``user.has_perm``, which grants a superuser every
    # permission, and the technical administrator is not the office answering the citizen
    if rules.has_perm("feedback.see_citizen_phone", user, message):
        return message.citizen_phone
    return mask_phone(message.citizen_phone)


def letter_receivers(user) -> QuerySet[Unit]:
    """R4.3 the units that may have received a letter or visit the user records: their own units (a
    superuser: the province and the cities)."""
    if getattr(user, "is_superuser", False):
        return Unit.objects.visible_to(user).filter(depth__lte=2)
    return Unit.objects.filter(pk__in=[g.unit_id for g in grants_of(user)])


def own_offices(user) -> list[Unit]:
    """R4.4 the units whose activity office the user keeps (office staff or administrator bound there):
    the digests they may make."""
    return list(Unit.objects.filter(pk__in=[g.unit_id for g in grants_of(user) if g.role in WRITE_ROLES])
                .order_by("path"))


@dataclass(frozen=True)
class QueueFigures:
    total: int = 0
    received: int = 0
    forwarded: int = 0
    answered: int = 0
    published: int = 0
    closed: int = 0
    overdue: int = 0


def queue_figures(messages: QuerySet[Message], today: datetime.date) -> QueueFigures:
    """R4.4 counts by step of a (scoped) message queryset, in one query."""
    row = messages.aggregate(
        total=Count("pk"),
        received=Count("pk", filter=Q(status=MessageStatus.RECEIVED)),
        forwarded=Count("pk", filter=Q(status=MessageStatus.FORWARDED)),
        answered=Count("pk", filter=Q(status=MessageStatus.ANSWERED)),
        published=Count("pk", filter=Q(status=MessageStatus.PUBLISHED)),
        closed=Count("pk", filter=Q(status__in=[MessageStatus.REJECTED, MessageStatus.MERGED])),
        overdue=Count("pk", filter=Q(status=MessageStatus.FORWARDED, due_date__lt=today)),
    )
    return QueueFigures(**row)


def message_export_rows(messages: QuerySet[Message], today: datetime.date) -> tuple[list[str], list[list]]:
    """R4.4 the message list as spreadsheet rows — without the citizen's name or phone, ever."""
    headers = [_("Tracking code"), _("Channel"), _("Received on"), _("Unit concerned"), _("Unit code"),
               _("Activity office"), _("Category"), _("Notable"), _("Message"), _("Status"), _("Answering unit"),
               _("Cadre concerned"), _("Answer due"), _("Overdue"), _("Published answer"), _("Published")]
    rows = [[m.tracking_code, m.get_channel_display(), m.received_on, m.unit.name, m.unit.code, m.office_unit.name,
             m.get_category_display(), m.is_notable, m.text, m.get_status_display(),
             m.assigned_unit.name if m.assigned_unit else "", m.assigned_cadre.name if m.assigned_cadre else "",
             m.due_date, m.is_overdue(today), m.answer if m.status == MessageStatus.PUBLISHED else "", m.published_at]
            for m in messages.select_related("unit", "office_unit", "assigned_unit", "assigned_cadre")
            .defer("citizen_name", "citizen_phone").iterator(chunk_size=2000)]
    return headers, rows


# --- R4.4 the weekly digest of an office

@dataclass(frozen=True)
class DigestLine:
    code: str
    unit: str
    category: str
    status: str
    received_on: datetime.date
    text: str
    assigned_unit: str = ""
    due_date: datetime.date | None = None
    days_overdue: int = 0


@dataclass(frozen=True)
class DigestData:
    office: Unit
    start: datetime.date
    end: datetime.date
    today: datetime.date
    received: int
    published: int
    open_total: int
    by_category: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_unit: list[tuple[str, str, int]]
    overdue: list[DigestLine] = field(default_factory=list)
    notable: list[DigestLine] = field(default_factory=list)


def _line(m: Message, today: datetime.date) -> DigestLine:
    return DigestLine(code=m.tracking_code, unit=m.unit.name, category=m.get_category_display(),
                      status=m.get_status_display(), received_on=m.received_on, text=m.text[:300],
                      assigned_unit=m.assigned_unit.name if m.assigned_unit else "", due_date=m.due_date,
                      days_overdue=(today - m.due_date).days if m.is_overdue(today) else 0)


def digest_data(office: Unit, start: datetime.date, end: datetime.date, today: datetime.date) -> DigestData:
    """R4.4 an office's messages of a period by category, unit and status, the overdue answers and the
    notable messages; no contact details. Six queries."""
    routed = Message.objects.filter(office_unit=office).defer("citizen_name", "citizen_phone")
    period = routed.filter(received_on__range=(start, end))
    totals = routed.aggregate(
        received=Count("pk", filter=Q(received_on__range=(start, end))),
        published=Count("pk", filter=Q(published_at__date__range=(start, end))),
        open_total=Count("pk", filter=Q(status__in=[MessageStatus.RECEIVED, MessageStatus.FORWARDED,
                                                    MessageStatus.ANSWERED])))
    categories = dict(period.values_list("category").annotate(n=Count("pk")))
    statuses = dict(period.values_list("status").annotate(n=Count("pk")))
    by_unit = [(name, code, n) for name, code, n in period.values_list("unit__name", "unit__code")
               .annotate(n=Count("pk")).order_by("-n", "unit__code")]
    with_units = ("unit", "assigned_unit")
    overdue = [_line(m, today) for m in routed.overdue(today).select_related(*with_units).order_by("due_date", "pk")]
    notable = [_line(m, today) for m in period.filter(is_notable=True).select_related(*with_units)
               .order_by("received_on", "pk")]
    return DigestData(
        office=office, start=start, end=end, today=today, **totals,
        by_category=[(label, categories.get(value, 0)) for value, label in Category.choices],
        by_status=[(label, statuses.get(value, 0)) for value, label in MessageStatus.choices],
        by_unit=by_unit, overdue=overdue, notable=notable)


# --- R4.2 opinion seeking coverage

@dataclass
class CoverageRow:
    unit: Unit
    sessions: dict[str, int]  # target group → sessions held
    people: int = 0
    opinions: int = 0

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(value, self.sessions.get(value, 0)) for value in TargetGroup.values]

    @property
    def missing(self) -> list[str]:
        return [value for value in TargetGroup.values if not self.sessions.get(value)]


def units_with_gaps(units: QuerySet[Unit], campaign: Campaign, only_gaps: bool) -> QuerySet[Unit]:
    """R4.2 the units of a (scoped, filtered) queryset, annotated with how many groups they asked."""
    annotated = units.annotate(groups_asked=Count(
        "opinion_sessions__target_group", distinct=True, filter=Q(opinion_sessions__campaign=campaign)))
    if only_gaps:
        annotated = annotated.filter(groups_asked__lt=len(TargetGroup.values))
    return annotated


def coverage_rows(units: list[Unit], campaign: Campaign) -> list[CoverageRow]:
    """R4.2 for a page of units: sessions per target group, people and opinions, in one query."""
    rows = {u.pk: CoverageRow(unit=u, sessions={}) for u in units}
    for unit_id, group, sessions, people, opinions in (
            OpinionSession.objects.filter(campaign=campaign, unit_id__in=list(rows))
            .values_list("unit_id", "target_group").annotate(Count("pk"), Sum("people_count"), Sum("opinion_count"))
            .order_by()):
        row = rows[unit_id]
        row.sessions[group] = sessions
        row.people += people or 0
        row.opinions += opinions or 0
    return list(rows.values())


def group_summary(units: QuerySet[Unit], campaign: Campaign) -> list[tuple[str, str, int, int, int]]:
    """R4.2 per target group, over a (scoped, filtered) set of units: units that asked it, people and
    opinions. One query."""
    found = {group: (n_units, people or 0, opinions or 0) for group, n_units, people, opinions in
             OpinionSession.objects.filter(campaign=campaign, unit__in=units.values("pk"))
             .values_list("target_group").annotate(Count("unit", distinct=True), Sum("people_count"),
                                                   Sum("opinion_count")).order_by()}
    return [(value, label, *found.get(value, (0, 0, 0))) for value, label in TargetGroup.choices]


def coverage_export_rows(units: QuerySet[Unit], campaign: Campaign) -> tuple[list[str], list[list]]:
    """R4.2 the coverage table as spreadsheet rows: one column per group (sessions held), then what is missing."""
    unit_list = list(units.order_by("path"))
    headers = [_("Unit"), _("Unit code"), *[str(label) for label in TargetGroup.labels], _("People"), _("Opinions"),
               _("Groups not asked")]
    labels = dict(TargetGroup.choices)
    rows = [[r.unit.name, r.unit.code, *[r.sessions.get(value, 0) for value in TargetGroup.values], r.people,
             r.opinions, "、".join(str(labels[g]) for g in r.missing)]
            for r in coverage_rows(unit_list, campaign)]
    return headers, rows


def opinion_export_rows(sessions: QuerySet[OpinionSession]) -> tuple[list[str], list[list]]:
    headers = [_("Unit"), _("Unit code"), _("Target group"), _("Date"), _("Form"), _("People"), _("Opinions"),
               _("Main opinions")]
    rows = [[s.unit.name, s.unit.code, s.get_target_group_display(), s.held_on, s.form, s.people_count,
             s.opinion_count, s.summary] for s in sessions.select_related("unit").iterator(chunk_size=2000)]
    return headers, rows


# --- R4.1 field research compliance

def research_cadres(cadres: QuerySet[Cadre], campaign: Campaign, *, only_short: bool,
                    priority_only: bool = False) -> QuerySet[Cadre]:
    """R4.1 the top leaders who must stay, with their longest stay (days) and number of stays; with
    ``only_short`` just those whose longest stay is under the campaign's minimum."""
    in_campaign = Q(field_research_stays__campaign=campaign)
    qs = (cadres.filter(policy.research_required_q())
          .annotate(longest=Max("field_research_stays__days", filter=in_campaign),
                    stays=Count("field_research_stays", filter=in_campaign))
          .select_related("unit"))
    if priority_only:
        qs = qs.filter(policy.research_priority_q())
    if only_short:
        qs = qs.filter(Q(longest__lt=campaign.min_field_research_days) | Q(longest__isnull=True))
    return qs.order_by("unit__path", "name", "pk")


@dataclass(frozen=True)
class ComplianceFigures:
    required: int
    compliant: int
    short: int
    priority_short: int


def compliance_figures(cadres: QuerySet[Cadre], campaign: Campaign) -> ComplianceFigures:
    """R4.1 how many top leaders must stay, have, and have not (the priority secretaries apart). One query."""
    annotated = research_cadres(cadres, campaign, only_short=False)
    minimum = campaign.min_field_research_days
    short = Q(longest__lt=minimum) | Q(longest__isnull=True)
    row = annotated.order_by().aggregate(
        required=Count("pk"), short=Count("pk", filter=short),
        priority_short=Count("pk", filter=short & policy.research_priority_q()))
    return ComplianceFigures(required=row["required"], compliant=row["required"] - row["short"], short=row["short"],
                             priority_short=row["priority_short"])


def compliance_export_rows(cadres: QuerySet[Cadre], campaign: Campaign) -> tuple[list[str], list[list]]:
    headers = [_("Unit"), _("Unit code"), _("Cadre"), _("Post"), _("Party secretary of a city, county or township"),
               _("Stays"), _("Longest stay (days)"), _("Minimum (days)"), _("Complies")]
    minimum = campaign.min_field_research_days
    rows = [[c.unit.name, c.unit.code, c.name, c.post, policy.is_research_priority(c, c.unit.level), c.stays,
             c.longest or 0, minimum, policy.complies(c.longest, minimum)] for c in cadres]
    return headers, rows


def stay_export_rows(stays: QuerySet[FieldResearchStay]) -> tuple[list[str], list[list]]:
    headers = [_("Cadre"), _("Post"), _("Unit"), _("Host unit"), _("Host unit code"), _("Hardest unit"),
               _("Backward village"), _("From"), _("To"), _("Days"), _("Findings")]
    rows = [[s.cadre.name, s.cadre.post, s.cadre.unit.name, s.host_unit.name, s.host_unit.code,
             s.host_unit.is_hardest_unit, s.host_unit.is_backward_village, s.start_date, s.end_date, s.days, s.findings]
            for s in stays.select_related("cadre__unit", "host_unit").iterator(chunk_size=2000)]
    return headers, rows
