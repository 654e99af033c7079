"""Tables of the supervision lists (django-tables2 on ``web.lists.Table``): sorting, pagination and the
Excel file of the same table. Columns with ``visible=False`` are in the Excel file only."""
from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from web.lists import Table

from .models import (
    CrossInspection,
    Dispatch,
    EscalationStep,
    SelfCheck,
    SpecialInspection,
    SpotCheck,
    StepKind,
    SupervisionCard,
    SupervisionGroup,
)
from .selectors.attention import mark_units


def _marks(unit) -> str:
    """The focus and key-contact badges beside a unit (``supervision/partials/unit_marks.html``)."""
    return render_to_string("supervision/partials/unit_marks.html", {"u": unit})


def _yes(value) -> str:
    return _("Yes") if value else _("No")


class MarkedTable(Table):
    """A table whose rows name a unit: the units of the shown page get their marks (one query)."""

    unit_path = "unit"
    mark_campaign = None

    def before_render(self, request) -> None:
        units = []
        for row in self.paginated_rows:
            obj = row.record
            for attr in self.unit_path.split("."):
                obj = getattr(obj, attr, None)
            units.append(obj)
        mark_units(units, campaign=self.mark_campaign)


class GroupTable(Table):
    """R1.3 the supervision groups the user sees."""

    name = tables.Column(verbose_name=gettext_lazy("Name"), order_by=("name",))
    issuer = tables.Column(accessor="leading_unit__name", verbose_name=gettext_lazy("Issuing leading group"),
                           order_by=("leading_unit__path",))
    leader = tables.Column(verbose_name=gettext_lazy("Group leader"), order_by=("leader__username",))
    unit_count = tables.Column(verbose_name=gettext_lazy("Assigned units"), attrs={"td": {"class": "text-end"}})
    card_count = tables.Column(verbose_name=gettext_lazy("Cards"), attrs={"td": {"class": "text-end"}})
    contacts = tables.Column(verbose_name=gettext_lazy("Contacts"), accessor="phone", orderable=False,
                             empty_values=(), attrs={"td": {"class": "small"}})

    class Meta(Table.Meta):
        model = SupervisionGroup
        fields = ("name", "issuer", "leader", "unit_count", "card_count", "contacts")
        attrs = {**Table.Meta.attrs, "id": "group-table"}
        row_attrs = {"data-group": lambda record: record.pk}
        empty_text = gettext_lazy("No supervision group covers your units yet.")

    def render_name(self, record: SupervisionGroup, value) -> str:
        inactive = format_html(' <span class="badge text-bg-secondary">{}</span>', _("inactive")) \
            if not record.is_active else ""
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, inactive)

    def value_name(self, record: SupervisionGroup, value) -> str:
        return value

    def render_leader(self, record: SupervisionGroup) -> str:
        return record.leader.get_full_name() or record.leader.username

    value_leader = render_leader

    def render_contacts(self, record: SupervisionGroup) -> str:
        return " · ".join(x for x in (record.phone, record.email) if x) or "—"

    value_contacts = render_contacts


class CardTable(MarkedTable):
    """R1.3 the card list; its Excel file adds the group, top leader, overdue flag and issue date."""

    number = tables.Column(verbose_name=gettext_lazy("Card number"), order_by=("year", "serial"),
                           attrs={"td": {"class": "text-nowrap"}})
    group = tables.Column(accessor="group__name", visible=False, verbose_name=gettext_lazy("Supervision group"))
    unit = tables.Column(verbose_name=gettext_lazy("Unit"), order_by=("unit__path",),
                         attrs={"td": {"class": "text-nowrap"}})
    top_leader = tables.Column(accessor="top_leader_name", visible=False, verbose_name=gettext_lazy("Top leader"))
    problems = tables.Column(verbose_name=gettext_lazy("Problems found"), empty_values=(), orderable=False,
                             attrs={"td": {"class": "small"}})
    due_date = tables.Column(verbose_name=gettext_lazy("Due date"), attrs={"td": {"class": "text-nowrap"}})
    status = tables.Column(verbose_name=gettext_lazy("Status"))
    overdue = tables.Column(verbose_name=gettext_lazy("Overdue"), empty_values=(), visible=False, orderable=False)
    level = tables.Column(verbose_name=gettext_lazy("Highest step reached"), empty_values=(),
                          attrs={"td": {"class": "small"}})
    issued = tables.Column(accessor="issued_at", visible=False, verbose_name=gettext_lazy("Issued"))

    class Meta(Table.Meta):
        model = SupervisionCard
        fields = ("number", "group", "unit", "top_leader", "problems", "due_date", "status", "overdue", "level",
                  "issued")
        attrs = {**Table.Meta.attrs, "id": "card-table"}
        row_attrs = {"data-card": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)
        template_name = "supervision/cards/_table.html"  # issue 13: the rows written out

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def before_render(self, request) -> None:
        """The units' marks; and the page's cards know whether they are overdue today and the label of their step
        (the written-out rows' status badge and step)."""
        super().before_render(request)
        for row in self.paginated_rows:
            card = row.record
            card.overdue_now = card.is_overdue(self.today)
            level = getattr(card, "level", None)
            card.level_label = StepKind(level).label if level else ""

    def render_number(self, record: SupervisionCard, value) -> str:
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>', record.get_absolute_url(),
                           value, record.group.name)

    def value_number(self, value) -> str:
        return value

    def render_unit(self, record: SupervisionCard) -> str:
        leader = format_html('<div class="small text-muted">{}</div>', record.top_leader_name) \
            if record.top_leader_name else ""
        return format_html("{}{}{}", record.unit.name, _marks(record.unit), leader)

    def value_unit(self, record: SupervisionCard) -> str:
        return record.unit.name

    def render_problems(self, record: SupervisionCard) -> str:
        return "、".join(record.problem_labels())

    value_problems = render_problems

    def render_status(self, record: SupervisionCard) -> str:
        return render_to_string("supervision/partials/status.html",
                                {"card": record, "overdue": record.is_overdue(self.today)})

    def value_status(self, record: SupervisionCard) -> str:
        return record.get_status_display()

    def value_overdue(self, record: SupervisionCard) -> str:
        return _("Yes") if record.is_overdue(self.today) else ""

    def render_level(self, record: SupervisionCard) -> str:
        level = getattr(record, "level", None)
        return format_html('<span data-level="{}">{}</span>', level, StepKind(level).label) if level else ""

    def value_level(self, record: SupervisionCard) -> str:
        level = getattr(record, "level", None)
        return str(StepKind(level).label) if level else ""

    def value_issued(self, record: SupervisionCard):
        return timezone.localtime(record.issued_at).date()


class InspectionTable(Table):
    """R3.3 special inspections; counts over the viewer's own inspected units."""

    title = tables.Column(verbose_name=gettext_lazy("Title"), linkify=True)
    organising_unit = tables.Column(accessor="organising_unit__name", verbose_name=gettext_lazy("Organised by"),
                                    order_by=("organising_unit__path",))
    leader_name = tables.Column(verbose_name=gettext_lazy("Led by"))
    start_date = tables.Column(verbose_name=gettext_lazy("Start date"), attrs={"td": {"class": "small text-nowrap"}})
    end_date = tables.Column(verbose_name=gettext_lazy("End date"), attrs={"td": {"class": "small text-nowrap"}})
    unit_count = tables.Column(verbose_name=gettext_lazy("Units"), visible=False)
    done = tables.Column(verbose_name=gettext_lazy("Inspected"), attrs={"td": {"class": "text-end"}})
    problems = tables.Column(verbose_name=gettext_lazy("With problems"), attrs={"td": {"class": "text-end"}})

    class Meta(Table.Meta):
        model = SpecialInspection
        fields = ("title", "organising_unit", "leader_name", "start_date", "end_date", "unit_count", "done",
                  "problems")
        attrs = {**Table.Meta.attrs, "id": "inspection-table"}
        row_attrs = {"data-inspection": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def render_done(self, record) -> str:
        return f"{record.done}/{record.unit_count}"

    def value_done(self, record) -> int:
        return record.done

    def render_problems(self, record, value) -> str:
        return format_html('<span class="text-danger fw-semibold">{}</span>', value) if value else "0"

    def value_problems(self, value) -> int:
        return value


class CrossTable(Table):
    """R5.3 cross inspections with their state and completeness (targets counted as the viewer may see)."""

    title = tables.Column(verbose_name=gettext_lazy("Title"), linkify=True)
    group = tables.Column(accessor="group__name", verbose_name=gettext_lazy("Supervision group"))
    start_date = tables.Column(verbose_name=gettext_lazy("Start date"), attrs={"td": {"class": "small text-nowrap"}})
    end_date = tables.Column(verbose_name=gettext_lazy("End date"), attrs={"td": {"class": "small text-nowrap"}})
    # issue 12: the targets, with how many have their finding ("2 · 1 done"), not a count of findings alone
    dissect_targets = tables.Column(verbose_name=gettext_lazy("Counties to dissect"),
                                    attrs={"td": {"class": "text-end text-nowrap", "data-col": "dissect"}})
    dissected = tables.Column(verbose_name=gettext_lazy("Counties dissected"), visible=False)
    verify_targets = tables.Column(verbose_name=gettext_lazy("Townships to verify"),
                                   attrs={"td": {"class": "text-end text-nowrap", "data-col": "verify"}})
    verified = tables.Column(verbose_name=gettext_lazy("Townships verified"), visible=False)
    state = tables.Column(verbose_name=gettext_lazy("State"), empty_values=(), orderable=False)
    complete = tables.Column(verbose_name=gettext_lazy("Complete"), empty_values=(), visible=False, orderable=False)

    class Meta(Table.Meta):
        model = CrossInspection
        fields = ("title", "group", "start_date", "end_date", "state", "dissect_targets", "dissected",
                  "verify_targets", "verified", "complete")
        attrs = {**Table.Meta.attrs, "id": "cross-table"}
        row_attrs = {"data-plan": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def _state(self, record):
        from .selectors.inspections import plan_state

        return plan_state(record, self.today)

    def render_state(self, record) -> str:
        state, label = self._state(record)
        return render_to_string("supervision/partials/plan_state.html", {
            "state": state, "state_label": label, "complete": bool(record.dissected and record.verified)})

    def value_state(self, record) -> str:
        return str(self._state(record)[1])

    @staticmethod
    def _targets(planned: int, done: int) -> str:
        return format_html('{} <span class="small text-muted">· {}</span>', planned,
                           _("%(done)s done") % {"done": done})

    def render_dissect_targets(self, record) -> str:
        return self._targets(record.dissect_targets, record.dissected)

    def render_verify_targets(self, record) -> str:
        return self._targets(record.verify_targets, record.verified)

    def value_dissect_targets(self, record) -> int:
        return record.dissect_targets

    def value_verify_targets(self, record) -> int:
        return record.verify_targets

    def value_complete(self, record) -> str:
        return _yes(record.dissected and record.verified)


class AttentionTable(Table):
    """A unit on a list of focus or key-contact units (``selectors.attention.AttentionRow``)."""

    unit = tables.Column(verbose_name=gettext_lazy("Unit"), order_by=("unit__path",),
                         attrs={"td": {"class": "text-nowrap"}})
    since = tables.DateColumn(verbose_name=gettext_lazy("Since"), attrs={"td": {"class": "small text-nowrap"}})
    open_cards = tables.Column(verbose_name=gettext_lazy("Open cards"), attrs={"td": {"class": "text-end"}})

    class Meta(Table.Meta):
        row_attrs = {"data-unit": lambda record: record.unit.pk}

    def render_unit(self, record) -> str:
        from django.urls import reverse

        return format_html('<a href="{}">{}</a>{}', reverse("supervision:unit_supervision", args=[record.unit.pk]),
                           record.unit.name, _marks(record.unit))

    def value_unit(self, record) -> str:
        return record.unit.name

    def value_since(self, record):
        since = record.since
        return timezone.localtime(since).date() if hasattr(since, "hour") else since

    @staticmethod
    def _sources(record) -> str:
        return format_html("".join('<div><a href="{}">{}</a></div>' for _s in record.sources),
                           *[x for label, url in record.sources for x in (url, label)])


class FocusTable(AttentionTable):
    """R3.3 focus units: since when, the inspections and their findings, open cards."""

    sources = tables.Column(verbose_name=gettext_lazy("Inspections"), empty_values=(), orderable=False,
                            attrs={"td": {"class": "small"}})
    reasons = tables.Column(verbose_name=gettext_lazy("Findings"), empty_values=(), orderable=False,
                            attrs={"td": {"class": "small"}})

    class Meta(AttentionTable.Meta):
        sequence = ("unit", "since", "sources", "reasons", "open_cards")
        attrs = {**Table.Meta.attrs, "id": "focus-table"}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def render_sources(self, record) -> str:
        return self._sources(record)

    def value_sources(self, record) -> str:
        return "\n".join(label for label, _url in record.sources)


class KeyContactTable(AttentionTable):
    """R5.4 key-contact units: since when, the failings, where they were noted, open cards."""

    reasons = tables.Column(verbose_name=gettext_lazy("Failings"), empty_values=(), orderable=False)
    sources = tables.Column(verbose_name=gettext_lazy("Noted by"), empty_values=(), orderable=False,
                            attrs={"td": {"class": "small"}})

    class Meta(AttentionTable.Meta):
        sequence = ("unit", "since", "reasons", "sources", "open_cards")
        attrs = {**Table.Meta.attrs, "id": "key-contact-table"}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def render_reasons(self, record) -> str:
        return format_html("".join('<span class="badge text-bg-warning me-1">{}</span>' for _r in record.reasons),
                           *record.reasons)

    def value_reasons(self, record) -> str:
        return "、".join(record.reasons)

    def render_sources(self, record) -> str:
        return self._sources(record)

    def value_sources(self, record) -> str:
        return "\n".join(label for label, _url in record.sources)

    def render_open_cards(self, record, value) -> str:
        from django.urls import reverse
        from django.utils.http import urlencode

        if not value:
            return "0"
        return format_html('<a href="{}?{}">{}</a>', reverse("supervision:escalation_queue"),
                           urlencode({"unit": record.unit.code}), value)


class QueueTable(CardTable):
    """R5.4 the escalation queue: the open cards of key-contact units, the highest rung first."""

    failings = tables.Column(verbose_name=gettext_lazy("Failings"), empty_values=(), orderable=False)

    class Meta(CardTable.Meta):
        fields = ("number", "group", "unit", "top_leader", "failings", "due_date", "status", "overdue", "level",
                  "issued")
        sequence = ("number", "group", "unit", "top_leader", "failings", "due_date", "status", "overdue", "level",
                    "issued", "...")
        exclude = ("problems",)
        attrs = {**Table.Meta.attrs, "id": "queue-table"}
        empty_text = None  # the page says why the list is empty (filtered or not)
        template_name = "web/table.html"  # cell by cell: its columns are not the card list's written-out rows

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark_campaign = campaign

    def before_render(self, request) -> None:
        from .selectors.attention import failings_by_unit

        super().before_render(request)
        cards = [row.record for row in self.paginated_rows]
        reasons = failings_by_unit({c.unit_id for c in cards}, self.mark_campaign)
        for card in cards:
            card.failings = reasons.get(card.unit_id, [])

    def _failings(self, record) -> list[str]:
        from .selectors.attention import failings_by_unit

        if not hasattr(record, "failings"):
            record.failings = failings_by_unit({record.unit_id}, self.mark_campaign).get(record.unit_id, [])
        return record.failings

    def render_failings(self, record) -> str:
        failings = self._failings(record)
        return format_html("".join('<span class="badge text-bg-warning me-1">{}</span>' for _f in failings), *failings)

    def value_failings(self, record) -> str:
        return "、".join(self._failings(record))

    def render_due_date(self, record, value) -> str:
        """The due date in the portal's date format (it read 2026-11-15), and how many days the card is overdue."""
        days = record.days_overdue(self.today)
        if not record.is_overdue(self.today):
            return date_format(value)
        return format_html('{}<div class="small text-danger">{}</div>', date_format(value),
                           ngettext("%(days)s day overdue", "%(days)s days overdue", days) % {"days": days})

    def value_due_date(self, record):
        return record.due_date  # a date in the Excel file


class ApprovalTable(Table):
    """R1.3 proposed interviews and accountability steps on cards in the user's scope, oldest first."""

    step = tables.Column(verbose_name=gettext_lazy("Step"))
    unit = tables.Column(accessor="card__unit__name", verbose_name=gettext_lazy("Unit"),
                         order_by=("card__unit__path",))
    card = tables.Column(accessor="card__number", verbose_name=gettext_lazy("Card"),
                         order_by=("card__year", "card__serial"))
    proposed = tables.Column(accessor="taken_on", verbose_name=gettext_lazy("Proposed"),
                             attrs={"td": {"class": "small"}})
    reason = tables.Column(verbose_name=gettext_lazy("Why"), attrs={"td": {"class": "small"}}, orderable=False)
    decide = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(Table.Meta):
        model = EscalationStep
        fields = ("step", "unit", "card", "proposed", "reason", "decide")
        attrs = {**Table.Meta.attrs, "id": "approval-table"}
        row_attrs = {"data-step": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def render_step(self, record) -> str:
        return record.label()

    value_step = render_step

    def render_unit(self, record, value) -> str:
        return format_html('{}<div class="small text-muted">{}</div>', value, record.card.top_leader_name)

    def render_card(self, record, value) -> str:
        return format_html('<a href="{}">{}</a>', record.card.get_absolute_url(), value)

    def render_proposed(self, record, value) -> str:
        who = record.proposed_by.get_full_name() or record.proposed_by.username if record.proposed_by \
            else _("the overdue sweep")
        return format_html("{}<br>{}", value, who)

    def render_decide(self, record) -> str:
        from django.urls import reverse

        if self.user is None or record.proposed_by_id == self.user.pk \
                or not self.user.has_perm("supervision.decide_step", record):
            return ""
        return format_html('<a class="btn btn-sm btn-warning" href="{}">{}</a>',
                           reverse("supervision:step_decide", args=[record.pk]), _("Approve or refuse"))


class DispatchTable(Table):
    """R1.1 dispatches of top leaders; the Excel file adds the follow-up in full."""

    date = tables.Column(verbose_name=gettext_lazy("Date of the dispatch"), attrs={"td": {"class": "text-nowrap"}})
    unit = tables.Column(verbose_name=gettext_lazy("Unit"), order_by=("unit__path",),
                         attrs={"td": {"class": "text-nowrap"}})
    top_leader = tables.Column(accessor="top_leader_name", verbose_name=gettext_lazy("Top leader"), visible=False)
    by_unit = tables.Column(accessor="by_unit__name", verbose_name=gettext_lazy("Dispatched by"), visible=False)
    way = tables.Column(verbose_name=gettext_lazy("Way"), attrs={"td": {"class": "small"}})
    attitudes = tables.Column(verbose_name=gettext_lazy("Attitudes found"), empty_values=(), orderable=False)
    findings = tables.Column(verbose_name=gettext_lazy("Findings"), attrs={"td": {"class": "small"}},
                             orderable=False)
    follow_up = tables.Column(verbose_name=gettext_lazy("Follow-up required"), visible=False)
    follow_up_due = tables.Column(verbose_name=gettext_lazy("Follow-up"), empty_values=(),
                                  attrs={"td": {"class": "small"}})
    follow_up_done_on = tables.Column(verbose_name=gettext_lazy("Follow-up done on"), visible=False)
    follow_up_result = tables.Column(verbose_name=gettext_lazy("Result of the follow-up"), visible=False)

    class Meta(Table.Meta):
        model = Dispatch
        fields = ("date", "unit", "top_leader", "by_unit", "way", "attitudes", "findings", "follow_up",
                  "follow_up_due", "follow_up_done_on", "follow_up_result")
        attrs = {**Table.Meta.attrs, "id": "dispatch-table"}
        row_attrs = {"data-dispatch": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def render_date(self, record, value) -> str:
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>', record.get_absolute_url(),
                           value, record.by_unit.name)

    def value_date(self, value):
        return value

    def render_unit(self, record) -> str:
        from django.urls import reverse

        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>',
                           reverse("supervision:unit_supervision", args=[record.unit_id]), record.unit.name,
                           record.top_leader_name)

    def value_unit(self, record) -> str:
        return record.unit.name

    def render_way(self, record) -> str:
        return record.get_way_display()

    value_way = render_way

    def render_attitudes(self, record) -> str:
        labels = record.attitude_labels()
        if not labels:
            return format_html('<span class="small text-muted">{}</span>', _("None"))
        return format_html("".join('<span class="badge text-bg-warning me-1">{}</span>' for _l in labels), *labels)

    def value_attitudes(self, record) -> str:
        return "、".join(record.attitude_labels()) or _("None")

    def render_findings(self, value) -> str:
        return value if len(value) <= 80 else value[:79] + "…"

    def value_findings(self, value) -> str:
        return value

    def render_follow_up_due(self, record) -> str:
        if record.follow_up_done_on:
            return format_html('<span class="text-success">{} {}</span>', _("Done"), record.follow_up_done_on)
        if record.follow_up_due:
            overdue = format_html(' <span class="badge text-bg-danger" data-overdue="1">{}</span>', _("Overdue")) \
                if record.follow_up_overdue(self.today) else ""
            return format_html("{}{}", record.follow_up_due, overdue)
        return "—"

    def value_follow_up_due(self, record):
        return record.follow_up_due


class SelfCheckTable(MarkedTable):
    """R1.2 self-checks of the user's scope with their verification state."""

    unit = tables.Column(verbose_name=gettext_lazy("Unit"), order_by=("unit__path",))
    updated_at = tables.Column(verbose_name=gettext_lazy("Submitted"), attrs={"td": {"class": "small"}})
    items = tables.Column(verbose_name=gettext_lazy("Items"), visible=False)
    problems = tables.Column(verbose_name=gettext_lazy("Problems found"), attrs={"td": {"class": "text-end"}})
    confirmed = tables.Column(verbose_name=gettext_lazy("Confirmed"), attrs={"td": {"class": "text-end text-success"}})
    disputed = tables.Column(verbose_name=gettext_lazy("Disputed"), attrs={"td": {"class": "text-end"}})
    pending = tables.Column(verbose_name=gettext_lazy("Awaiting verification"), attrs={"td": {"class": "text-end"}})

    class Meta(Table.Meta):
        model = SelfCheck
        fields = ("unit", "updated_at", "items", "problems", "confirmed", "disputed", "pending")
        attrs = {**Table.Meta.attrs, "id": "self-check-table"}
        row_attrs = {"data-self-check": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def render_unit(self, record) -> str:
        from django.urls import reverse

        return format_html('<a href="{}">{}</a>{}', reverse("supervision:self_check_unit", args=[record.unit_id]),
                           record.unit.name, _marks(record.unit))

    def value_unit(self, record) -> str:
        return record.unit.name

    def render_updated_at(self, value) -> str:
        from django.utils.formats import date_format

        return date_format(timezone.localtime(value).date(), "DATE_FORMAT")

    def value_updated_at(self, value):
        return timezone.localtime(value).date()

    def render_problems(self, record) -> str:
        return f"{record.problems}/{record.items}"

    def value_problems(self, record) -> int:
        return record.problems

    def render_disputed(self, value) -> str:
        return format_html('<span class="text-danger fw-semibold">{}</span>', value) if value else "0"

    def value_disputed(self, value) -> int:
        return value


class SpotCheckTable(MarkedTable):
    """R1.2 spot checks of key departments and posts; the Excel file adds the cards made."""

    checked_on = tables.Column(verbose_name=gettext_lazy("Checked on"), attrs={"td": {"class": "text-nowrap"}})
    group = tables.Column(accessor="group__name", verbose_name=gettext_lazy("Supervision group"), visible=False)
    unit = tables.Column(verbose_name=gettext_lazy("Unit"), order_by=("unit__path",),
                         attrs={"td": {"class": "text-nowrap"}})
    department = tables.Column(verbose_name=gettext_lazy("Key department"))
    posts = tables.Column(verbose_name=gettext_lazy("Key posts checked"), attrs={"td": {"class": "small"}})
    findings = tables.Column(verbose_name=gettext_lazy("Findings"), empty_values=(), orderable=False,
                             attrs={"td": {"class": "small"}})
    cards = tables.Column(verbose_name=gettext_lazy("Cards made"), empty_values=(), orderable=False, visible=False)

    class Meta(Table.Meta):
        model = SpotCheck
        fields = ("checked_on", "group", "unit", "department", "posts", "findings", "cards")
        attrs = {**Table.Meta.attrs, "id": "spot-check-table"}
        row_attrs = {"data-spot-check": lambda record: record.pk}
        empty_text = None  # the page says why the list is empty (filtered or not)

    def render_checked_on(self, record, value) -> str:
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>', record.get_absolute_url(),
                           value, record.group.name)

    def value_checked_on(self, value):
        return value

    def render_unit(self, record) -> str:
        return format_html("{}{}", record.unit.name, _marks(record.unit))

    def value_unit(self, record) -> str:
        return record.unit.name

    def render_findings(self, record) -> str:
        findings = list(record.findings.all())
        if not findings:
            return format_html('<span class="text-muted">{}</span>', _("No finding."))
        parts = []
        for f in findings:
            text = f.text if len(f.text) <= 60 else f.text[:59] + "…"
            card = format_html(' → <a href="{}">{}</a>', f.card.get_absolute_url(), f.card.number) \
                if f.card_id in self.shown_cards else ""
            parts.append(format_html("<div>{}{}</div>", text, card))
        return format_html("".join("{}" for _p in parts), *parts)

    def value_findings(self, record) -> str:
        return "\n".join(f.text for f in record.findings.all())

    def value_cards(self, record) -> str:
        return "、".join(f.card.number for f in record.findings.all() if f.card_id in self.shown_cards)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self._shown: set[int] | None = None

    @property
    def shown_cards(self) -> set[int]:
        """The cards made from these findings that the viewer sees: a card goes to the group's unit over the
        department checked, which may lie above the viewer's subtree (one query)."""
        if self._shown is None:
            from .selectors import visible_card_ids

            ids = [f.card_id for row in self.paginated_rows for f in row.record.findings.all() if f.card_id]
            self._shown = visible_card_ids(self.user, ids) if self.user is not None else set(ids)
        return self._shown
