"""R4 list tables (django-tables2 on ``web.lists.Table``): the page and its Excel file come from the same
table. Columns with ``visible=False`` are in the Excel file only; action cells are never exported.

The Excel file is ``web.lists.export_table``'s, which keeps text such as a citizen's ``=HYPERLINK(…)``
inert — never a formula.
"""
from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from web.lists import DateColumn, Table

from . import policy
from .models import FieldResearchStay, Message, MessageStatus, OfficeDigest, OpinionSession, TargetGroup

TABLE_CLASS = "table table-sm table-hover align-middle"




def _short(text: str, n: int = 80) -> str:
    return Truncator(text or "").chars(n)


def _actions(template: str, user, record) -> str:
    return render_to_string(template, {"record": record, "user": user})


# --- R4.4 messages

class MessageTable(Table):
    tracking_code = tables.Column(verbose_name=_("Code"), attrs={"td": {"class": "font-monospace small"}})
    channel = tables.Column(verbose_name=_("Channel"), visible=False)
    received_on = DateColumn(verbose_name=_("Received on"), order_by=("received_on", "pk"),
                             attrs={"td": {"class": "small"}})
    unit = tables.Column(verbose_name=_("Unit concerned"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    office = tables.Column(verbose_name=_("Activity office"), accessor="office_unit__name", visible=False)
    category = tables.Column(verbose_name=_("Category"), attrs={"td": {"class": "small"}})
    is_notable = tables.BooleanColumn(verbose_name=_("Notable"), visible=False)
    text = tables.Column(verbose_name=_("Message"), orderable=False, attrs={"td": {"class": "small"}})
    status = tables.Column(verbose_name=_("Status"))
    assigned_unit = tables.Column(verbose_name=_("Answering unit"), accessor="assigned_unit__name", visible=False,
                                  default="")
    assigned_cadre = tables.Column(verbose_name=_("Cadre concerned"), accessor="assigned_cadre__name",
                                   visible=False, default="")
    due_date = DateColumn(verbose_name=_("Answer due"), attrs={"td": {"class": "small"}}, default="—")
    overdue = tables.Column(verbose_name=_("Overdue"), empty_values=(), orderable=False, visible=False)
    answer = tables.Column(verbose_name=_("Published answer"), visible=False, default="")
    published_at = tables.DateTimeColumn(verbose_name=_("Published"), visible=False, default="")

    class Meta(Table.Meta):
        model = Message
        fields: list[str] = []
        attrs = {"class": TABLE_CLASS, "id": "message-table"}
        row_attrs = {"id": lambda record: f"message-{record.pk}", "data-status": lambda record: record.status}
        order_by = ("-received_on",)
        template_name = "feedback/messages/_table.html"  # issue 13: the rows written out

    def __init__(self, *args, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def before_render(self, request) -> None:
        """The page's messages know whether they are overdue today (the written-out rows' status badge)."""
        for row in self.paginated_rows:
            row.record.overdue_now = row.record.is_overdue(self.today)

    def render_tracking_code(self, record: Message):
        channel = ("" if record.channel == "board" else
                   format_html('<div class="small text-muted">{}</div>', record.get_channel_display()))
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), record.tracking_code, channel)

    def value_tracking_code(self, record: Message) -> str:
        return record.tracking_code

    def value_channel(self, record: Message) -> str:
        return record.get_channel_display()

    def render_unit(self, record: Message):
        return format_html('{}<div class="small text-muted">{}</div>', record.unit.name, record.office_unit.name)

    def value_unit(self, record: Message) -> str:
        return record.unit.name

    def render_category(self, record: Message):
        star = (format_html(' <i class="bi bi-star-fill text-warning" title="{}"></i>', _("Notable"))
                if record.is_notable else "")
        return format_html("{}{}", record.get_category_display(), star)

    def value_category(self, record: Message) -> str:
        return record.get_category_display()

    def value_is_notable(self, record: Message) -> bool:
        return record.is_notable

    def render_text(self, record: Message) -> str:
        return _short(record.text)

    def value_text(self, record: Message) -> str:
        return record.text

    def render_status(self, record: Message):
        record.overdue_now = record.is_overdue(self.today)
        badge = render_to_string("feedback/messages/_status.html", {"m": record})
        unit = (format_html('<div class="small text-muted">{}</div>', record.assigned_unit.name)
                if record.assigned_unit_id else "")
        return format_html("{}{}", badge, unit)

    def value_status(self, record: Message) -> str:
        return record.get_status_display()

    def value_overdue(self, record: Message) -> bool:
        return record.is_overdue(self.today)

    def value_answer(self, record: Message) -> str:
        return record.answer if record.status == MessageStatus.PUBLISHED else ""

    def value_published_at(self, record: Message):
        return record.published_at


# --- R4.4 digests

class DigestTable(Table):
    office = tables.Column(verbose_name=_("Activity office"), accessor="office_unit__name",
                           order_by=("office_unit__path",))
    week = tables.Column(verbose_name=_("Week"), empty_values=(), order_by=("iso_year", "iso_week"))
    period = tables.Column(verbose_name=_("Period"), empty_values=(), orderable=False,
                           attrs={"td": {"class": "small"}})
    received_count = tables.Column(verbose_name=_("Received"), attrs={"td": {"class": "text-end"},
                                                                       "th": {"class": "text-end"}})
    overdue_count = tables.Column(verbose_name=_("Overdue"), attrs={
        "td": {"class": lambda record: "text-end text-danger" if record.overdue_count else "text-end"},
        "th": {"class": "text-end"}})
    files = tables.TemplateColumn(template_name="feedback/digests/_files.html", verbose_name=_("Files"),
                                  orderable=False, exclude_from_export=True, attrs={"td": {"class": "text-nowrap"}})

    class Meta(Table.Meta):
        model = OfficeDigest
        fields: list[str] = []
        attrs = {"class": TABLE_CLASS, "id": "digest-table"}
        row_attrs = {"id": lambda record: f"digest-{record.pk}", "data-office": lambda record: record.office_unit_id,
                     "data-week": lambda record: f"{record.iso_year}-W{record.iso_week}"}
        order_by = ("-week", "office")

    def render_office(self, record: OfficeDigest):
        return format_html('<a href="?office={}">{}</a>', record.office_unit_id, record.office_unit.name)

    def value_office(self, record: OfficeDigest) -> str:
        return record.office_unit.name

    def render_week(self, record: OfficeDigest) -> str:
        return _("Week %(week)s of %(year)s") % {"week": record.iso_week, "year": record.iso_year}

    def render_period(self, record: OfficeDigest) -> str:
        from django.template.defaultfilters import date

        return f"{date(record.period_start, 'DATE_FORMAT')} – {date(record.period_end, 'DATE_FORMAT')}"


# --- R4.2 opinion sessions and coverage

class OpinionTable(Table):
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    target_group = tables.Column(verbose_name=_("Target group"))
    held_on = DateColumn(verbose_name=_("Date"), order_by=("held_on", "pk"), attrs={"td": {"class": "small"}})
    form = tables.Column(verbose_name=_("Form"), visible=False, default="")
    people_count = tables.Column(verbose_name=_("People"), attrs={"td": {"class": "text-end"},
                                                                   "th": {"class": "text-end"}})
    opinion_count = tables.Column(verbose_name=_("Opinions"), attrs={"td": {"class": "text-end"},
                                                                      "th": {"class": "text-end"}})
    summary = tables.Column(verbose_name=_("Main opinions"), orderable=False, default="",
                            attrs={"td": {"class": "small"}})
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True,
                            attrs={"td": {"class": "text-nowrap small"}})

    class Meta(Table.Meta):
        model = OpinionSession
        fields: list[str] = []
        attrs = {"class": TABLE_CLASS, "id": "session-table"}
        row_attrs = {"id": lambda record: f"session-{record.pk}"}
        order_by = ("-held_on",)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def render_target_group(self, record: OpinionSession):
        form = format_html('<div class="small text-muted">{}</div>', record.form) if record.form else ""
        return format_html("{}{}", record.get_target_group_display(), form)

    def value_target_group(self, record: OpinionSession) -> str:
        return record.get_target_group_display()

    def render_summary(self, record: OpinionSession) -> str:
        return _short(record.summary)

    def value_summary(self, record: OpinionSession) -> str:
        return record.summary

    def render_actions(self, record: OpinionSession) -> str:
        return _actions("feedback/opinions/_actions.html", self.user, record)


class CoverageTable(Table):
    """R4.2 a unit per row, the sessions held with each target group per column (filled by :meth:`load`
    for the rows shown — one query — so the units are paged before anything is counted)."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="name", order_by=("path",),
                         attrs={"td": {"class": "text-start"}, "th": {"class": "text-start"}})
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="code", visible=False)

    class Meta(Table.Meta):
        attrs = {"class": "table table-sm table-bordered align-middle text-center", "id": "coverage-table"}
        row_attrs = {"id": lambda record: f"coverage-{record.pk}",
                     "data-missing": lambda table, record: len(table.coverage[record.pk].missing)}
        order_by = ("unit",)

    def __init__(self, data, *args, campaign, user, **kwargs) -> None:
        # accessor="pk": a cell's value is never None, so its attributes are computed with the record
        extra = [(group, tables.Column(verbose_name=label, accessor="pk", orderable=False,
                                       attrs={"th": {"class": "small"}, "td": {
                                           "data-group": group,
                                           "data-sessions": lambda record, table, bound_column:
                                           table.cell(record, bound_column),
                                           "class": lambda record, table, bound_column:
                                           "" if table.cell(record, bound_column) else "table-danger"}}))
                 for group, label in TargetGroup.choices]
        extra += [("people", tables.Column(verbose_name=_("People"), accessor="pk", orderable=False,
                                           attrs={"th": {"class": "small"}})),
                  ("opinions", tables.Column(verbose_name=_("Opinions"), accessor="pk", orderable=False,
                                             attrs={"th": {"class": "small"}})),
                  ("missing", tables.Column(verbose_name=_("Groups not asked"), accessor="pk", orderable=False,
                                            visible=False))]
        super().__init__(data, *args, extra_columns=extra, **kwargs)
        self.campaign, self.user = campaign, user
        self.coverage: dict = {}

    def load(self, units) -> None:
        """Read the sessions of ``units`` (the page, or every row for the Excel file)."""
        from .selectors import coverage_rows

        units = list(units)
        self.coverage = {row.unit.pk: row for row in coverage_rows(units, self.campaign)}

    def cell(self, record, bound_column) -> int:
        return self.coverage[record.pk].sessions.get(bound_column.name, 0)

    def render_unit(self, record):
        return format_html('{} <span class="small text-muted">{}</span>', record.name, record.get_level_display())

    def value_unit(self, record) -> str:
        return record.name

    def render_people(self, record) -> int:
        return self.coverage[record.pk].people

    def render_opinions(self, record) -> int:
        return self.coverage[record.pk].opinions

    def render_missing(self, record) -> str:
        labels = dict(TargetGroup.choices)
        return "、".join(str(labels[g]) for g in self.coverage[record.pk].missing)


def _group_cell(self, value, record, bound_column):
    n = self.coverage[record.pk].sessions.get(bound_column.name, 0)
    if n:
        return n
    if self.user.has_perm("feedback.record_opinion_session", record):
        return format_html('<a href="{}?group={}" class="small" title="{}"><i class="bi bi-plus-circle"></i></a>',
                           reverse("feedback:opinion_add", args=[record.pk]), bound_column.name,
                           _("Record a session"))
    return ""


def _group_value(self, value, record, bound_column) -> int:
    return self.coverage[record.pk].sessions.get(bound_column.name, 0)


for _group in TargetGroup.values:
    setattr(CoverageTable, f"render_{_group}", _group_cell)
    setattr(CoverageTable, f"value_{_group}", _group_value)


# --- R4.1 field research

class ComplianceTable(Table):
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path", "name", "pk"))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    name = tables.Column(verbose_name=_("Cadre"))
    post = tables.Column(verbose_name=_("Post"), visible=False)
    priority = tables.Column(verbose_name=_("Party secretary of a city, county or township"), empty_values=(),
                             orderable=False, visible=False)
    stays = tables.Column(verbose_name=_("Stays"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    longest = tables.Column(verbose_name=_("Longest stay (days)"), empty_values=(),
                            attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    minimum = tables.Column(verbose_name=_("Minimum (days)"), empty_values=(), orderable=False, visible=False)
    complies = tables.Column(verbose_name=_("Status"), empty_values=(), orderable=False)
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta(Table.Meta):
        attrs = {"class": TABLE_CLASS, "id": "compliance-table"}
        row_attrs = {"id": lambda record: f"cadre-{record.pk}", "data-cadre": lambda record: record.pk,
                     "data-longest": lambda record: record.longest or 0,
                     "data-complies": lambda table, record: "1" if table.record_complies(record) else "0"}
        order_by = ("unit",)

    def __init__(self, *args, minimum: int, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.minimum, self.user = minimum, user

    def record_complies(self, record) -> bool:
        return policy.complies(record.longest, self.minimum)

    def render_unit(self, record):
        return format_html('{} <span class="small text-muted">{}</span>', record.unit.name,
                           record.unit.get_level_display())

    def value_unit(self, record) -> str:
        return record.unit.name

    def render_name(self, record):
        badge = (format_html(' <span class="badge text-bg-dark">{}</span>', _("Party secretary"))
                 if policy.is_research_priority(record, record.unit.level) else "")
        return format_html('{} <span class="small text-muted">{}</span>{}', record.name, record.post, badge)

    def value_name(self, record) -> str:
        return record.name

    def render_priority(self, record) -> bool:
        return policy.is_research_priority(record, record.unit.level)

    def render_longest(self, record) -> int:
        return record.longest or 0

    def render_minimum(self, record) -> int:
        return self.minimum

    def render_complies(self, record):
        return render_to_string("feedback/research/_complies.html",
                                {"complies": self.record_complies(record), "minimum": self.minimum})

    def value_complies(self, record) -> bool:
        return self.record_complies(record)

    def render_actions(self, record) -> str:
        if not self.user.has_perm("feedback.record_research_stay", record):
            return ""
        return format_html('<a class="btn btn-outline-danger btn-sm" href="{}" id="record-stay-{}">{}</a>',
                           reverse("feedback:stay_add", args=[record.pk]), record.pk, _("Record a stay"))


class StayTable(Table):
    cadre = tables.Column(verbose_name=_("Cadre"), accessor="cadre__name", order_by=("cadre__name", "pk"))
    post = tables.Column(verbose_name=_("Post"), accessor="cadre__post", visible=False)
    cadre_unit = tables.Column(verbose_name=_("Unit"), accessor="cadre__unit__name", visible=False)
    host_unit = tables.Column(verbose_name=_("Host unit"), accessor="host_unit__name", order_by=("host_unit__path",))
    host_code = tables.Column(verbose_name=_("Host unit code"), accessor="host_unit__code", visible=False)
    hardest = tables.BooleanColumn(verbose_name=_("Hardest unit"), accessor="host_unit__is_hardest_unit",
                                   visible=False)
    backward = tables.BooleanColumn(verbose_name=_("Backward village"), accessor="host_unit__is_backward_village",
                                    visible=False)
    start_date = DateColumn(verbose_name=_("From"), order_by=("start_date", "pk"), attrs={"td": {"class": "small"}})
    end_date = DateColumn(verbose_name=_("To"), attrs={"td": {"class": "small"}})
    days = tables.Column(verbose_name=_("Days"), attrs={
        "td": {"class": lambda table, record: "text-end text-danger" if record.days < table.minimum else "text-end"},
        "th": {"class": "text-end"}})
    findings = tables.Column(verbose_name=_("Findings"), orderable=False, attrs={"td": {"class": "small"}})
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True,
                            attrs={"td": {"class": "text-nowrap small"}})

    class Meta(Table.Meta):
        model = FieldResearchStay
        fields: list[str] = []
        attrs = {"class": "table table-sm align-middle", "id": "stay-table"}
        row_attrs = {"id": lambda record: f"stay-{record.pk}", "data-days": lambda record: record.days}
        order_by = ("-start_date",)

    def __init__(self, *args, minimum: int, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.minimum, self.user = minimum, user

    def render_cadre(self, record: FieldResearchStay):
        return format_html('{}<div class="small text-muted">{} · {}</div>', record.cadre.name,
                           record.cadre.unit.name, record.cadre.post)

    def value_cadre(self, record: FieldResearchStay) -> str:
        return record.cadre.name

    def render_host_unit(self, record: FieldResearchStay):
        flags = render_to_string("units/partials/flags.html", {"u": record.host_unit})
        return format_html("{} {}", record.host_unit.name, flags)

    def value_host_unit(self, record: FieldResearchStay) -> str:
        return record.host_unit.name

    def value_hardest(self, record: FieldResearchStay) -> bool:
        return record.host_unit.is_hardest_unit

    def value_backward(self, record: FieldResearchStay) -> bool:
        return record.host_unit.is_backward_village

    def render_findings(self, record: FieldResearchStay) -> str:
        return _short(record.findings)

    def value_findings(self, record: FieldResearchStay) -> str:
        return record.findings

    def render_actions(self, record: FieldResearchStay) -> str:
        return _actions("feedback/research/_actions.html", self.user, record)
