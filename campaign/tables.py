"""The campaign app's lists as django-tables2 tables (on ``web.lists.Table``): sorting, lazy pages,
Excel export from the same table."""
from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
import django_tables2 as tables

from web.lists import Table as _BaseTable


# ---- core, study, exams, meetings, problems


class Table(_BaseTable):
    """The lists of these areas: ``records`` are the objects of the page shown."""

    class Meta(_BaseTable.Meta):
        pass

    @property
    def records(self) -> list:
        rows = self.page.object_list if getattr(self, "page", None) is not None else self.rows
        return [row.record for row in rows]


class CalendarDayTable(Table):
    """The working-day calendar's holidays and swapped working days; the provincial office gets a delete link."""

    date = tables.Column(verbose_name=_("Date"))
    kind = tables.Column(verbose_name=_("Kind"))
    name = tables.Column(verbose_name=_("Name"))
    delete = tables.TemplateColumn(
        '{% load i18n %}<a class="btn btn-sm btn-outline-danger" href="{% url \'campaign:calendar_delete\' record.pk %}">'
        '{% translate "Delete" %}</a>', verbose_name="", orderable=False, exclude_from_export=True)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "calendar-days"}
        empty_text = _("No holidays or swapped working days entered.")

    def __init__(self, *args, editable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not editable:
            self.columns.hide("delete")


class NotificationTable(Table):
    """The notification centre: each notification a button that marks it read and follows its link."""

    note = tables.TemplateColumn(
        '<form method="post" action="{% url \'campaign:notification_read\' record.pk %}"'
        '{% if not record.read_at %} class="bg-warning-subtle"{% endif %}>{% csrf_token %}'
        '<button type="submit" class="btn btn-link p-0 text-start text-decoration-none text-body">'
        '<div class="fw-semibold">{{ record.title }}</div><div class="small">{{ record.body }}</div>'
        '<div class="small text-muted">{{ record.created_at }}</div></button></form>',
        verbose_name=_("Notification"), accessor="pk", orderable=False)

    class Meta(Table.Meta):
        attrs = {"class": "table table-sm mb-0", "id": "notification-list"}
        empty_text = _("No notifications.")
        show_header = False


def _yes_no(value) -> str:
    return str(_("Yes") if value else _("No"))


class MeetingTable(Table):
    """R2.3 meetings: the page shows who spoke of the team; the export adds the speakers and comments."""

    date = tables.Column(verbose_name=_("Date"), linkify=True, exclude_from_export=True)
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    kind = tables.Column(verbose_name=_("Kind"))
    date_value = tables.Column(verbose_name=_("Date"), accessor="date", visible=False)
    place = tables.Column(verbose_name=_("Place"))
    spoke = tables.Column(verbose_name=_("Spoke"), accessor="team_spoken", order_by=("team_missing",),
                          exclude_from_export=True)
    team_size = tables.Column(verbose_name=_("Team members"), visible=False)
    team_spoken = tables.Column(verbose_name=_("Spoke"), visible=False)
    team_missing = tables.Column(verbose_name=_("Not yet spoken"), visible=False)
    speakers = tables.Column(verbose_name=_("Speakers"), accessor="pk", visible=False)
    summary = tables.Column(verbose_name=_("Summary"), visible=False)
    comments = tables.Column(verbose_name=_("On-the-spot comments"), accessor="pk", orderable=False,
                             exclude_from_export=True)
    secretary_comment = tables.Column(verbose_name=_("Party secretary's comment"), visible=False)
    supervision_comment = tables.Column(verbose_name=_("Supervision group's comment"), visible=False)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "meeting-table"}
        empty_text = _("No meetings match these filters.")

    def render_date(self, value):
        return date_format(value, "DATE_FORMAT")

    def render_spoke(self, record):
        text = f"{record.team_spoken} / {record.team_size}"
        if record.team_missing <= 0:
            return text
        missing = ngettext("%(count)s not yet spoken", "%(count)s not yet spoken", record.team_missing) % {
            "count": record.team_missing}
        return format_html('{} <span class="badge text-bg-warning missing-badge">{}</span>', text, missing)

    def render_comments(self, record):
        badges = []
        if record.secretary_comment:
            badges.append(format_html('<span class="badge text-bg-secondary">{}</span>', _("Secretary")))
        if record.supervision_comment:
            badges.append(format_html('<span class="badge text-bg-info">{}</span>', _("Supervision group")))
        return format_html_join(" ", "{}", ((badge,) for badge in badges))

    def value_team_missing(self, value):
        return max(value, 0)

    def value_speakers(self, record):
        return "、".join(s.cadre.name for s in record.speeches.all())


def _link(url: str, text) -> str:
    return format_html('<a href="{}">{}</a>', url, text)


class SessionTable(Table):
    """R2.2 study sessions; the export adds the unit code, the plan and the content."""

    date = tables.Column(verbose_name=_("Date"), attrs={"td": {"class": "text-nowrap"}})
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    kind = tables.Column(verbose_name=_("Form of study"))
    topic = tables.Column(verbose_name=_("Topic"))
    hours = tables.Column(verbose_name=_("Hours"), attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    attendee_count = tables.Column(verbose_name=_("Attendees"), attrs={"td": {"class": "text-end"},
                                                                      "th": {"class": "text-end"}})
    plan = tables.Column(verbose_name=_("Study plan"), accessor="plan__title", visible=False, default="")
    content = tables.Column(verbose_name=_("Content"), visible=False)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "session-table"}
        row_attrs = {"data-session": lambda record: record.pk, "data-unit": lambda record: record.unit_id}
        empty_text = _("No study sessions match. Pick a unit to record one.")

    def render_topic(self, record, value):
        link = _link(reverse("campaign:study_session_detail", args=[record.pk]), value)
        if record.plan_id:
            return format_html('{}<div class="small text-muted">{}</div>', link, record.plan.title)
        return link

    def value_topic(self, value):
        return value


class PlanTable(Table):
    """R2.1 study plans; the export adds the unit code, topics, required texts and schedule."""

    title = tables.Column(verbose_name=_("Title"), linkify=lambda record: reverse("campaign:study_plan_detail",
                                                                                 args=[record.pk]))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    start_date = tables.Column(verbose_name=_("From"), attrs={"td": {"class": "text-nowrap"}})
    end_date = tables.Column(verbose_name=_("To"), attrs={"td": {"class": "text-nowrap"}})
    topics = tables.Column(verbose_name=_("Topics"), visible=False)
    required_texts = tables.Column(verbose_name=_("Required texts"), visible=False)
    schedule = tables.Column(verbose_name=_("Schedule and requirements"), visible=False)
    session_count = tables.Column(verbose_name=_("Sessions"), attrs={"td": {"class": "text-end"},
                                                                    "th": {"class": "text-end"}})

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "plan-table"}
        row_attrs = {"data-plan": lambda record: record.pk}
        empty_text = _("No study plans match. Pick a unit to make one.")
        sequence = ("title", "unit", "unit_code", "start_date", "end_date", "topics", "required_texts", "schedule",
                    "session_count")


class ShortfallTable(Table):
    """R2.2 leaders with their sessions against the minimum, most missing first."""

    name = tables.Column(verbose_name=_("Name"), linkify=True)
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    post = tables.Column(verbose_name=_("Post"))
    rank = tables.Column(verbose_name=_("Rank"))
    attended = tables.Column(verbose_name=_("Sessions attended"), attrs={"td": {"class": "text-end"},
                                                                        "th": {"class": "text-end"}})
    minimum = tables.Column(verbose_name=_("Minimum"), attrs={"td": {"class": "text-end"},
                                                             "th": {"class": "text-end"}})
    missing = tables.Column(verbose_name=_("Sessions missing"), attrs={"td": {"class": "text-end fw-semibold"},
                                                                      "th": {"class": "text-end"}})

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "shortfall-table"}
        row_attrs = {"data-cadre": lambda record: record.pk, "data-attended": lambda record: record.attended,
                     "data-minimum": lambda record: record.minimum,
                     "data-missing": lambda record: max(record.missing, 0),
                     "class": lambda record: "table-warning" if record.missing > 0 else ""}
        empty_text = _("Nobody here owes study sessions.")

    def render_missing(self, value):
        return value if value > 0 else format_html('<i class="{}" aria-hidden="true"></i>', "bi bi-check-lg text-success")

    def value_missing(self, value):
        return max(value, 0)


def _badge(ok: bool, yes, no) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', "success" if ok else "danger", yes if ok else no)


class ExamTable(Table):
    """R2.6 exams with the pass rate of each."""

    title = tables.Column(verbose_name=_("Exam"))
    unit = tables.Column(verbose_name=_("Organised by"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    date = tables.Column(verbose_name=_("Date"))
    is_resit = tables.Column(verbose_name=_("Re-sit"), visible=False)
    sat = tables.Column(verbose_name=_("Sat the exam"))
    passed_count = tables.Column(verbose_name=_("Passed"))
    rate = tables.Column(verbose_name=_("Pass rate"), accessor="pk", order_by=("passed_count",),
                         attrs={"td": {"class": "pass-rate"}})

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "exam-table"}
        empty_text = _("No exams match these filters.")

    def render_title(self, record, value):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        if record.is_resit:
            return format_html('{} <span class="badge text-bg-secondary">{}</span>', link, _("Re-sit"))
        return link

    def value_title(self, value):
        return value

    def render_date(self, value):
        return date_format(value, "DATE_FORMAT")

    def value_date(self, value):
        return value

    def value_is_resit(self, value):
        return _yes_no(value)

    def render_rate(self, record):
        from .selectors.exams import pass_rate

        rate = pass_rate(record.passed_count, record.sat)
        if rate is None:
            return format_html('<span class="text-muted">{}</span>', _("no results yet"))
        return f"{rate}%"

    def value_rate(self, record):
        from .selectors.exams import pass_rate

        return pass_rate(record.passed_count, record.sat)


class ResultTable(Table):
    """R2.6 an exam's results by cadre."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="cadre__unit__name", order_by=("cadre__unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="cadre__unit__code", visible=False)
    name = tables.Column(verbose_name=_("Name"), accessor="cadre__name",
                         linkify=lambda record: record.cadre.get_absolute_url())
    post = tables.Column(verbose_name=_("Post"), accessor="cadre__post", attrs={"td": {"class": "small"}})
    score = tables.Column(verbose_name=_("Score"))
    result = tables.Column(verbose_name=_("Result"), accessor="passed", exclude_from_export=True)
    passed = tables.Column(verbose_name=_("Passed"), visible=False)
    makeup_done_on = tables.Column(verbose_name=_("Make-up study done on"), default="")

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "result-table"}
        row_attrs = {"class": lambda record: "" if record.passed else "table-warning"}
        empty_text = _("No results entered yet.")

    def render_result(self, value):
        return _badge(value, _("Passed"), _("Failed"))

    def value_passed(self, value):
        return _yes_no(value)

    def render_makeup_done_on(self, record, value):
        return date_format(value, "DATE_FORMAT")


class CandidateTable(Table):
    """R2.6 the leading cadres who sit an exam (the score form is drawn beside them, a page at a time)."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name")
    name = tables.Column(verbose_name=_("Name"))

    class Meta(Table.Meta):
        orderable = False


_MAKEUP_CELL = (
    '{% load i18n rules %}{% if record.makeup_done_on %}<span class="badge text-bg-success">'
    '{{ record.makeup_done_on|date }}</span>{% else %}{% has_perm "campaign.record_makeup" user record as can %}'
    '{% if can %}<form method="post" action="{% url \'campaign:exam_makeup\' record.pk %}" '
    'class="d-flex gap-1 makeup-form">{% csrf_token %}'
    '<input type="hidden" name="next" value="{{ request.get_full_path }}">'
    '<input type="date" name="on" value="{{ makeup_form.initial.on|date:\'Y-m-d\' }}" '
    'class="form-control form-control-sm" required aria-label="{% translate \'make-up study done on\' %}">'
    '<button type="submit" class="btn btn-outline-danger btn-sm text-nowrap">{% translate "Make-up study done" %}'
    '</button></form>{% else %}<span class="text-danger small">{% translate "owed" %}</span>{% endif %}{% endif %}')
_RESIT_CELL = (
    '{% load i18n %}{% if record.resit_exam %}{{ record.resit_exam }}: {{ record.resit_score }} '
    '{% if record.resit_passed %}<span class="badge text-bg-success">{% translate "Passed" %}</span>'
    '{% else %}<span class="badge text-bg-danger">{% translate "Failed" %}</span>{% endif %}'
    '{% elif record.exam.is_resit %}<span class="small text-muted">{% translate "failed the re-sit; sits again" %}'
    '</span>{% else %}<span class="small text-muted">{% translate "awaiting re-sit" %}</span>{% endif %}')


class OwedTable(Table):
    """R2.6 failures owing make-up study or a re-sit; the unit's writers record the make-up study."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="cadre__unit__name", order_by=("cadre__unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="cadre__unit__code", visible=False)
    name = tables.Column(verbose_name=_("Name"), accessor="cadre__name")
    post = tables.Column(verbose_name=_("Post"), accessor="cadre__post", visible=False)
    exam = tables.Column(verbose_name=_("Exam"), accessor="exam__title", order_by=("exam__date", "exam__pk"))
    date = tables.Column(verbose_name=_("Date"), accessor="exam__date", visible=False)
    score = tables.Column(verbose_name=_("Score"))
    makeup = tables.TemplateColumn(_MAKEUP_CELL, verbose_name=_("Make-up study"), accessor="pk",
                                   orderable=False, exclude_from_export=True)
    makeup_done_on = tables.Column(verbose_name=_("Make-up study done on"), visible=False)
    resit = tables.TemplateColumn(_RESIT_CELL, verbose_name=_("Re-sit"), accessor="pk", orderable=False,
                                  exclude_from_export=True)
    resit_exam = tables.Column(verbose_name=_("Re-sit"), visible=False, default="")
    resit_score = tables.Column(verbose_name=_("Re-sit score"), visible=False)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "owed-table"}
        row_attrs = {"id": lambda record: f"owed-{record.pk}"}
        empty_text = _("Nobody owes make-up study or a re-sit.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>',
                           record.cadre.get_absolute_url(), value, record.cadre.post)

    def value_name(self, value):
        return value

    def render_exam(self, record, value):
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>',
                           record.exam.get_absolute_url(), value, date_format(record.exam.date, "DATE_FORMAT"))

    def value_exam(self, value):
        return value


def _problem_status(record, today) -> str:
    label = record.get_status_display()
    if record.status == "rectified":
        return format_html('<span class="badge text-bg-success">{}</span>', label)
    if record.due_date and record.due_date < today:
        return format_html('<span class="badge text-bg-danger" title="{}">{} · {}</span>',
                           _("Past its rectify-by date"), label, _("Overdue"))
    if record.status == "rectifying":
        return format_html('<span class="badge text-bg-info">{}</span>', label)
    return format_html('<span class="badge text-bg-secondary">{}</span>', label)


def _missing(text, shown):
    return shown if text else format_html('<span class="text-danger">{}</span>', _("Missing"))


class ProblemTable(Table):
    """R3.1 four-winds problems of the scope; the export adds code, common problem, source, texts, dates."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",),
                         linkify=lambda record: reverse("campaign:problem_unit", args=[record.unit_id]),
                         attrs={"td": {"class": "text-nowrap"}})
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    category = tables.Column(verbose_name=_("Category"))
    problem = tables.Column(verbose_name=_("Problem"), accessor="description", exclude_from_export=True)
    common_problem = tables.Column(verbose_name=_("Common problem"), visible=False, default="")
    route = tables.Column(verbose_name=_("How it was found"), attrs={"td": {"class": "small"}})
    source = tables.Column(verbose_name=_("Source"), visible=False)
    description = tables.Column(verbose_name=_("Problem"), visible=False)
    root_cause = tables.Column(verbose_name=_("Root cause"), attrs={"td": {"class": "small"}}, empty_values=())
    rectification = tables.Column(verbose_name=_("Rectification"), visible=False)
    status = tables.Column(verbose_name=_("Status"))
    due_date = tables.Column(verbose_name=_("Rectify by"), default="—", attrs={"td": {"class": "small text-nowrap"}})
    created_at = tables.Column(verbose_name=_("Recorded"), visible=False)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "problem-table"}
        row_attrs = {"id": lambda record: f"problem-{record.pk}"}
        empty_text = _("No problem matches.")

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def render_problem(self, record, value):
        text = Truncator(value).chars(80)
        if record.common_problem_id:
            return format_html('{}<div class="small text-muted">{}</div>', text, record.common_problem)
        return text

    def render_route(self, record):
        return format_html('{}<div class="text-muted">{}</div>', record.get_route_display(),
                           record.get_source_display())

    def value_route(self, record):
        return record.get_route_display()

    def value_common_problem(self, value):
        return str(value or "")

    def render_root_cause(self, value):
        return _missing(value, Truncator(value).chars(60))

    def value_root_cause(self, value):
        return value

    def render_status(self, record):
        return _problem_status(record, self.today)

    def value_status(self, record):
        return record.get_status_display()

    def render_due_date(self, value):
        return date_format(value, "DATE_FORMAT")

    def value_due_date(self, value):
        return value

    def value_created_at(self, value):
        return value  # the moment itself: reports.excel stores it as local time


_PROBLEM_ACTIONS = (
    '{% load i18n %}<a class="btn btn-outline-secondary btn-sm" href="{% url \'campaign:problem_edit\' record.pk %}">'
    '{% translate "Edit" %}</a> <a class="btn btn-outline-danger btn-sm" '
    'href="{% url \'campaign:problem_delete\' record.pk %}">{% translate "Delete" %}</a>')


class UnitProblemTable(Table):
    """R3.1 one unit's register; its writers get the edit and delete links."""

    category = tables.Column(verbose_name=_("Category"))
    description = tables.Column(verbose_name=_("Problem"))
    route = tables.Column(verbose_name=_("How it was found"), attrs={"td": {"class": "small"}})
    root_cause = tables.Column(verbose_name=_("Root cause"), attrs={"td": {"class": "small"}}, empty_values=())
    rectification = tables.Column(verbose_name=_("Rectification"), default="—", attrs={"td": {"class": "small"}})
    status = tables.Column(verbose_name=_("Status"))
    due_date = tables.Column(verbose_name=_("Rectify by"), default="—", attrs={"td": {"class": "small text-nowrap"}})
    actions = tables.TemplateColumn(_PROBLEM_ACTIONS, verbose_name="", accessor="pk", orderable=False,
                                    exclude_from_export=True, attrs={"td": {"class": "text-nowrap"}})

    class Meta(Table.Meta):
        attrs = {"class": "table table-sm align-middle", "id": "problem-table"}
        row_attrs = {"id": lambda record: f"problem-{record.pk}"}
        empty_text = _("No problem recorded for this unit yet.")

    def __init__(self, *args, today, can_change: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        if not can_change:
            self.columns.hide("actions")

    def render_description(self, record, value):
        text = linebreaksbr(value, autoescape=True)
        if record.common_problem_id:
            return format_html('{}<div class="small text-muted">{}</div>', text, record.common_problem)
        return text

    def render_route(self, record):
        return format_html('{}<div class="text-muted">{}</div>', record.get_route_display(),
                           record.get_source_display())

    def render_root_cause(self, value):
        return _missing(value, linebreaksbr(value, autoescape=True))

    def render_rectification(self, value):
        return linebreaksbr(value, autoescape=True)

    def render_status(self, record):
        return _problem_status(record, self.today)

    def render_due_date(self, value):
        return date_format(value, "DATE_FORMAT")


class MaterialTable(Table):
    """R3.2 the latest material of each unit and subject; the export adds code, comments and the file name."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",),
                         linkify=lambda record: reverse("campaign:material_unit", args=[record.unit_id]))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    subject = tables.Column(verbose_name=_("Whose material"),
                            linkify=lambda record: reverse("campaign:material_detail", args=[record.pk]))
    version = tables.Column(verbose_name=_("Version"))
    status = tables.Column(verbose_name=_("Status"))
    submitted_at = tables.Column(verbose_name=_("Submitted"), attrs={"td": {"class": "small"}})
    reviewed_at = tables.Column(verbose_name=_("Reviewed"), default="—", attrs={"td": {"class": "small"}})
    review_comment = tables.Column(verbose_name=_("Review comment"), visible=False)
    file = tables.Column(verbose_name=_("File"), accessor="file_name", visible=False, orderable=False)

    class Meta(Table.Meta):
        attrs = {**Table.Meta.attrs, "id": "material-table"}
        row_attrs = {"id": lambda record: f"material-{record.pk}"}
        empty_text = _("No material matches.")

    def render_status(self, record):
        tone = {"approved": "success", "returned": "danger"}.get(record.status, "warning")
        return format_html('<span class="badge text-bg-{}">{}</span>', tone, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_submitted_at(self, value):
        return date_format(timezone.localtime(value), "DATE_FORMAT")

    def value_submitted_at(self, value):
        return value  # the moment itself: reports.excel stores it as local time

    def render_reviewed_at(self, value):
        return date_format(timezone.localtime(value), "DATE_FORMAT")

    def value_reviewed_at(self, value):
        return value  # the moment itself: reports.excel stores it as local time


# ---- liaison, notices, publicity, articles

#: cells drawn by a template: ``template_code`` renders in the page's context (``template_name`` would run
#: the context processors again for every cell)
_PUBLISHED = '{% include "campaign/publicity/_published.html" with obj=record %}'


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def _speakers(record, sep: str = "、") -> str:
    return sep.join(f"{s.unit.name}{s.post}{s.name}" for s in record.speakers.all())


class PublicityArticleTable(_BaseTable):
    """R6.1 the publicity articles of the user's scope; the file adds byline, date and abstract."""

    title = tables.Column(verbose_name=_("Title"))
    kind = tables.Column(verbose_name=_("Kind"))
    column = tables.Column(verbose_name=_("Special column"), accessor="column__name", default="—",
                        order_by=("column__name",))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    byline = tables.Column(verbose_name=_("Byline"), visible=False)
    published_on = tables.Column(verbose_name=_("Published on"), visible=False,
                              order_by=("published_on", "created_at", "pk"))
    summary = tables.Column(verbose_name=_("Abstract"), visible=False)
    state = tables.TemplateColumn(template_code=_PUBLISHED, verbose_name=_("State"),
                               accessor="published_on", order_by=("published_on",), exclude_from_export=True)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "article-table"}
        row_attrs = {"data-article": lambda record: record.pk}
        empty_text = _("No article matches.")

    def render_title(self, record, value):
        byline = format_html('<div class="small text-muted">{}</div>', record.byline) if record.byline else ""
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, byline)

    def value_title(self, value):
        return value


class PressConferenceTable(_BaseTable):
    """R6.2 press conferences with their top-leader speakers; the file adds the topics."""

    held_on = tables.Column(verbose_name=_("Date"), order_by=("held_on", "pk"))
    title = tables.Column(verbose_name=_("Title"))
    unit = tables.Column(verbose_name=_("Holding unit"), accessor="unit__name", visible=False)
    speakers = tables.Column(verbose_name=_("Speakers"), accessor="pk", orderable=False, attrs={"td": {"class": "small"}})
    topics = tables.Column(verbose_name=_("Press conference topics"), visible=False)
    published_on = tables.Column(verbose_name=_("Published on"), visible=False)
    state = tables.TemplateColumn(template_code=_PUBLISHED, verbose_name=_("State"), accessor="published_on",
                               order_by=("published_on",), exclude_from_export=True)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "conference-table"}
        row_attrs = {"data-conference": lambda record: record.pk}
        empty_text = _("No press conference matches.")

    def render_held_on(self, value):
        return _day(value)

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>', record.get_absolute_url(), value,
                     record.unit.name)

    def value_title(self, value):
        return value

    def render_speakers(self, record):
        return format_html_join("", "<div>{}{} {}</div>", ((s.unit.name, s.post, s.name) for s in record.speakers.all()))

    def value_speakers(self, record):
        return _speakers(record)

    def value_topics(self, record):
        return "；".join(record.topic_list)


class PosterTable(_BaseTable):
    """R6.4 posters and slogans, shown as photo cards; the file is a plain table."""

    put_up_on = tables.Column(verbose_name=_("Date put up"), order_by=("put_up_on", "pk"))
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    kind = tables.Column(verbose_name=_("Kind"))
    wording = tables.Column(verbose_name=_("Wording"))
    site = tables.Column(verbose_name=_("Site"))
    quantity = tables.Column(verbose_name=_("Quantity"))

    class Meta(_BaseTable.Meta):
        template_name = "campaign/publicity/_poster_cards.html"


class MediaCoverageTable(_BaseTable):
    """R6.5 the media coverage log; edit and delete only where the user may."""

    published_on = tables.Column(verbose_name=_("Date"), order_by=("published_on", "pk"))
    outlet = tables.Column(verbose_name=_("Outlet"))
    kind = tables.Column(verbose_name=_("Medium"), visible=False)
    title = tables.Column(verbose_name=_("Title"))
    link = tables.Column(verbose_name=_("Link"), visible=False)
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    note = tables.Column(verbose_name=_("Note"), visible=False)
    actions = tables.TemplateColumn(template_code='{% include "campaign/publicity/_coverage_actions.html" %}',
                                 verbose_name="",
                                 orderable=False, exclude_from_export=True, attrs={"td": {"class": "text-nowrap"}})

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "coverage-table"}
        row_attrs = {"data-coverage": lambda record: record.pk}
        empty_text = _("No media report logged in your scope yet.")

    def render_published_on(self, value):
        return _day(value)

    def render_outlet(self, record, value):
        return format_html('{}<div class="small text-muted">{}</div>', value, record.get_kind_display())

    def value_outlet(self, value):
        return value

    def render_title(self, record, value):
        note = format_html('<div class="small text-muted">{}</div>', record.note) if record.note else ""
        if record.link:
            return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{} '
                         '<i class="bi bi-box-arrow-up-right"></i></a>{}', record.link, value, note)
        return format_html("{}{}", value, note)

    def value_title(self, value):
        return value


class CriticismTable(_BaseTable):
    """R6.3 the public criticisms issued in the user's scope with the units they name."""

    number = tables.Column(verbose_name=_("Document number"))
    title = tables.Column(verbose_name=_("Title"))
    issuer = tables.Column(verbose_name=_("Issuer"), accessor="issuer__name", order_by=("issuer__path",))
    units = tables.Column(verbose_name=_("Units criticised"), accessor="pk", orderable=False,
                       attrs={"td": {"class": "small"}})
    state = tables.TemplateColumn(template_code=_PUBLISHED, verbose_name=_("State"), accessor="published_on",
                               order_by=("published_on",))

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "criticism-table"}
        row_attrs = {"data-criticism": lambda record: record.pk}
        empty_text = _("No public criticism has been confirmed in your scope.")

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("campaign:criticism_detail", args=[record.pk]), value)

    def render_units(self, record):
        return "、".join(e.unit.name for e in record.entries.all())


class CriticismEntryTable(_BaseTable):
    """R6.3 the Excel file of the criticisms: one row per criticised unit, with the reason."""

    number = tables.Column(verbose_name=_("Document number"), accessor="criticism__number")
    title = tables.Column(verbose_name=_("Title"), accessor="criticism__title")
    issuer = tables.Column(verbose_name=_("Issuer"), accessor="criticism__issuer__name")
    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name")
    reason = tables.Column(verbose_name=_("Reason"))
    published_on = tables.Column(verbose_name=_("Published on"), accessor="criticism__published_on")


class DisciplinaryCaseTable(_BaseTable):
    """R6.3 the closed cases recorded for exposure; the exposing office publishes, edits and deletes."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    post = tables.Column(verbose_name=_("Post of the person"), visible=False)
    violation = tables.Column(verbose_name=_("Violation"), attrs={"td": {"class": "small"}})
    handling = tables.Column(verbose_name=_("Handling"), attrs={"td": {"class": "small"}})
    closed_on = tables.Column(verbose_name=_("Closed on"), order_by=("closed_on", "pk"))
    issuer = tables.Column(verbose_name=_("Exposing office"), accessor="issuer__name", visible=False)
    published_on = tables.Column(verbose_name=_("Published on"), visible=False)
    state = tables.TemplateColumn(template_code=_PUBLISHED, verbose_name=_("State"), accessor="published_on",
                               order_by=("published_on",), exclude_from_export=True)
    actions = tables.TemplateColumn(template_code='{% include "campaign/publicity/_case_actions.html" %}',
                                 verbose_name="",
                                 orderable=False, exclude_from_export=True)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "case-table"}
        row_attrs = {"data-case": lambda record: record.pk}
        empty_text = _("No disciplinary case recorded for exposure in your scope.")

    def render_unit(self, record, value):
        return format_html('{}<div class="small text-muted">{}</div>', value, record.post)

    def value_unit(self, value):
        return value

    def render_violation(self, value):
        return linebreaksbr(value, autoescape=True)

    render_handling = render_violation

    def render_closed_on(self, value):
        return _day(value)


class _CardTable(_BaseTable):
    """A public list drawn as cards (phones first) with the pager of every table."""

    id = tables.Column(visible=False)


class PublicArticleTable(_CardTable):
    class Meta(_BaseTable.Meta):
        template_name = "campaign/publicity/public/_article_cards.html"


class PublicConferenceTable(_CardTable):
    class Meta(_BaseTable.Meta):
        template_name = "campaign/publicity/public/_conference_cards.html"


class PublicCaseTable(_CardTable):
    class Meta(_BaseTable.Meta):
        template_name = "campaign/publicity/public/_case_cards.html"
# R5.2 liaison


class LiaisonMeetingTable(_BaseTable):
    """R5.2 the liaison meetings of the user's scope with their agenda and action item counts."""

    date = tables.Column(verbose_name=_("Date"), order_by=("date", "-unit__path", "pk"))
    unit = tables.Column(verbose_name=_("Activity office"), accessor="unit__name", order_by=("unit__path",))
    title = tables.Column(verbose_name=_("Title"))
    location = tables.Column(verbose_name=_("Location"), visible=False)
    item_count = tables.Column(verbose_name=_("Agenda items"), attrs={"td": {"class": "text-end"}})
    task_count = tables.Column(verbose_name=_("Action items"), visible=False)
    open_count = tables.Column(verbose_name=_("Open action items"), attrs={"td": {"class": "text-end"}})

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "meeting-table"}
        row_attrs = {"data-meeting": lambda record: record.pk}
        empty_text = _("No liaison meeting matches.")

    def render_date(self, value):
        return _day(value)

    def render_title(self, record, value):
        where = format_html('<div class="small text-muted">{}</div>', record.location) if record.location else ""
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, where)

    def value_title(self, value):
        return value

    def render_open_count(self, record, value):
        return f"{value} / {record.task_count}"

    def value_open_count(self, value):
        return value


_TASK_STATUS = '{% with task=record %}{% include "campaign/liaison/_task_status.html" %}{% endwith %}'
_TASK_ACTIONS = '{% with task=record %}{% include "campaign/liaison/_task_actions.html" %}{% endwith %}'


class LiaisonTaskTable(_BaseTable):
    """R5.2 action items; each row says whether it is overdue and offers what the user may do to it."""

    text = tables.Column(verbose_name=_("Action item"))
    meeting = tables.Column(verbose_name=_("Meeting"), accessor="meeting__date", order_by=("meeting__date",),
                         attrs={"td": {"class": "small"}}, exclude_from_export=True)
    office = tables.Column(verbose_name=_("Activity office"), accessor="meeting__unit__name", visible=False)
    meeting_date = tables.Column(verbose_name=_("Meeting date"), accessor="meeting__date", visible=False)
    owner = tables.Column(verbose_name=_("Owner"), accessor="owner_label", orderable=False)
    due_date = tables.Column(verbose_name=_("Due date"), order_by=("due_date", "pk"))
    status = tables.TemplateColumn(template_code=_TASK_STATUS, verbose_name=_("Status"), exclude_from_export=True)
    status_value = tables.Column(verbose_name=_("Status"), accessor="status", visible=False)
    done_on = tables.Column(verbose_name=_("Done on"), visible=False)
    overdue = tables.Column(verbose_name=_("Overdue"), accessor="pk", visible=False)
    note = tables.Column(verbose_name=_("Outcome"), visible=False)
    actions = tables.TemplateColumn(template_code=_TASK_ACTIONS, verbose_name="", orderable=False,
                                 exclude_from_export=True)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "task-table"}
        row_attrs = {"data-task": lambda record: record.pk,
                     "class": lambda record: "table-danger" if getattr(record, "overdue", False) else ""}
        empty_text = _("No action item matches.")

    def __init__(self, data, *, user, today, **kwargs):
        super().__init__(data, **kwargs)
        self.user, self.today = user, today

    def before_render(self, request):
        from .selectors.liaison import mark_tasks

        rows = self.page.object_list if getattr(self, "page", None) is not None else self.rows
        mark_tasks(self.user, [row.record for row in rows], self.today)

    def render_text(self, record, value):
        note = format_html('<div class="small text-muted">{}</div>', record.note) if record.note else ""
        return format_html("{}{}", value, note)

    def value_text(self, value):
        return value

    def render_meeting(self, record):
        label = f"{record.meeting.unit.name} · {_day(record.meeting.date)}"
        if getattr(record, "meeting_visible", False):
            return format_html('<a href="{}">{}</a>', record.meeting.get_absolute_url(), label)
        return label

    def render_due_date(self, value):
        return _day(value)

    def value_status_value(self, record):
        return record.get_status_display()

    def value_overdue(self, record):
        from django.utils.translation import gettext

        return gettext("Yes") if record.is_overdue(self.today) else ""


class ProgressReportTable(_BaseTable):
    """R5.2 the progress reports of the user's scope, newest period first; the file adds the text."""

    unit = tables.Column(verbose_name=_("Reporting unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    upper = tables.Column(verbose_name=_("Upper office"), accessor="schedule__unit__name")
    period = tables.Column(verbose_name=_("Period"), accessor="period_start", exclude_from_export=True,
                        order_by=("period_start", "-unit__path"))
    period_start = tables.Column(verbose_name=_("Period from"), visible=False, order_by=("period_start", "-unit__path"))
    period_end = tables.Column(verbose_name=_("Period to"), visible=False)
    due_date = tables.Column(verbose_name=_("Due date"))
    submitted_at = tables.Column(verbose_name=_("Submitted"))
    late = tables.Column(verbose_name=_("Late"), accessor="pk", visible=False)
    text = tables.Column(verbose_name=_("Report"), visible=False)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "report-table"}
        row_attrs = {"data-report": lambda record: record.pk}
        empty_text = _("No progress report matches.")

    def render_unit(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def value_unit(self, value):
        return value

    def render_period(self, record):
        return f"{_day(record.period_start)}–{_day(record.period_end)}"

    def render_due_date(self, value):
        return _day(value)

    def render_submitted_at(self, record, value):
        from django.utils.translation import gettext
        from django.utils import timezone as _tz

        late = format_html(' <span class="badge text-bg-warning">{}</span>', gettext("Late")) if record.is_late else ""
        return format_html("{}{}", date_format(_tz.localtime(value), "DATETIME_FORMAT"), late)

    def value_submitted_at(self, value):
        return value  # the moment itself: reports.excel stores it as local time

    def value_late(self, record):
        from django.utils.translation import gettext

        return gettext("Yes") if record.is_late else ""


class InstructionRequestTable(_BaseTable):
    """R5.2 requests for instructions with their status; the file adds the request and the reply."""

    subject = tables.Column(verbose_name=_("Subject"), accessor="title", exclude_from_export=True)
    unit = tables.Column(verbose_name=_("Asking unit"), accessor="unit__name", order_by=("unit__path",))
    addressee = tables.Column(verbose_name=_("Addressed to"), accessor="addressee__name",
                           order_by=("addressee__path",))
    title = tables.Column(verbose_name=_("Subject"), visible=False)
    asked_at = tables.Column(verbose_name=_("Asked"))
    status = tables.TemplateColumn(
        template_code='{% with asked=record %}{% include "campaign/liaison/_request_status.html" %}{% endwith %}',
        verbose_name=_("Status"), exclude_from_export=True)
    status_value = tables.Column(verbose_name=_("Status"), accessor="status", visible=False)
    answered_at = tables.Column(verbose_name=_("Replied at"), visible=False)
    body = tables.Column(verbose_name=_("Request"), visible=False)
    answer = tables.Column(verbose_name=_("Reply"), visible=False)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "request-table"}
        row_attrs = {"data-request": lambda record: record.pk}
        empty_text = _("No request for instructions matches.")

    def render_subject(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_asked_at(self, value):
        return _day(value)

    def value_asked_at(self, value):
        return value  # the moment itself: reports.excel stores it as local time

    def value_answered_at(self, value):
        return value  # the moment itself: reports.excel stores it as local time

    def value_status_value(self, record):
        return record.get_status_display()


# X3 notices


class NoticeTable(_BaseTable):
    """X3 the notices a user sees; read counts only on the issuer's side (and only of the viewer's subtrees)."""

    number = tables.Column(verbose_name=_("Document number"), attrs={"td": {"class": "text-nowrap"}})
    title = tables.TemplateColumn(template_code='{% include "campaign/notices/_title_cell.html" with n=record %}',
                               verbose_name=_("Title"), exclude_from_export=True)
    title_value = tables.Column(verbose_name=_("Title"), accessor="title", visible=False)
    issuer = tables.Column(verbose_name=_("Issuer"), accessor="issuer__name", order_by=("issuer__path",))
    issued_on = tables.Column(verbose_name=_("Date issued"), attrs={"td": {"class": "text-nowrap"}},
                           order_by=("issued_on", "pk"))
    status = tables.Column(verbose_name=_("Read status"), accessor="pk", orderable=False, exclude_from_export=True,
                        attrs={"td": {"class": "text-nowrap"}})
    recipient_count = tables.Column(verbose_name=_("Addressees"), visible=False)
    read_count = tables.Column(verbose_name=_("Read"), visible=False)
    unread_count = tables.Column(verbose_name=_("Unread"), accessor="pk", visible=False)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "notice-table"}
        row_attrs = {"id": lambda record: f"notice-{record.pk}",
                     "class": lambda record: "table-warning" if record.unread_by_me else ""}
        empty_text = _("No notice matches these filters.")

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    def before_render(self, request):
        from .selectors.notices import mark_issuer_side

        rows = self.page.object_list if getattr(self, "page", None) is not None else self.rows
        mark_issuer_side(self.user, [row.record for row in rows])

    def render_issued_on(self, value):
        return _day(value)

    def render_status(self, record):
        from django.utils.translation import gettext

        if not getattr(record, "issuer_side", False):
            return "—"
        return gettext("%(read)s of %(total)s read") % {"read": record.read_count, "total": record.recipient_count}

    def value_unread_count(self, record):
        return record.recipient_count - record.read_count


class RecipientTable(_BaseTable):
    """X3 who has read a notice (the issuer's side, its own subtrees only)."""

    unit = tables.Column(verbose_name=_("Unit"), accessor="unit__name", order_by=("unit__path",))
    unit_code = tables.Column(verbose_name=_("Unit code"), accessor="unit__code", visible=False)
    level = tables.Column(verbose_name=_("Level"), accessor="unit__level", visible=False)
    read = tables.Column(verbose_name=_("Read"), accessor="pk", visible=False)
    read_at = tables.Column(verbose_name=_("Read at"), empty_values=())
    read_by = tables.Column(verbose_name=_("Read by"), empty_values=(), orderable=False)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "recipients", "class": "table table-sm mb-0"}
        row_attrs = {"id": lambda record: f"recipient-{record.unit_id}",
                     "class": lambda record: "" if record.read_at else "table-warning"}
        empty_text = _("No addressees.")

    def render_read_at(self, value):
        from django.utils import timezone
        from django.utils.translation import gettext

        if value is None:
            return format_html('<span class="badge text-bg-warning">{}</span>', gettext("Unread"))
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")

    def value_read_at(self, value):
        return value or ""

    def render_read_by(self, record):
        return (record.read_by.get_full_name() or record.read_by.username) if record.read_by else ""

    value_read_by = render_read_by

    def value_level(self, record):
        return record.unit.get_level_display()

    def value_read(self, record):
        return record.read_at is not None


# R2.7 reflection articles


class ReflectionArticleTable(_BaseTable):
    """R2.7 the requested articles with their state; the file adds post, submission, selection and file."""

    author = tables.Column(verbose_name=_("Author"), accessor="cadre__name", order_by=("cadre__name",))
    post = tables.Column(verbose_name=_("Post"), accessor="cadre__post", visible=False)
    unit = tables.Column(verbose_name=_("Unit"), accessor="cadre__unit__name", order_by=("cadre__unit__path",))
    due_date = tables.Column(verbose_name=_("Due date"), order_by=("due_date", "cadre__unit__path", "pk"))
    title = tables.Column(verbose_name=_("Title"), default="—")
    submitted_at = tables.Column(verbose_name=_("Submitted"), visible=False)
    is_best = tables.Column(verbose_name=_("Selected for the volume"), visible=False)
    file_name = tables.Column(verbose_name=_("File"), accessor="pk", visible=False)
    state = tables.TemplateColumn(
        template_code='{% include "campaign/articles/_state.html" with state=record.current_state %}',
        verbose_name=_("State"), orderable=False, exclude_from_export=True)

    class Meta(_BaseTable.Meta):
        attrs = {**_BaseTable.Meta.attrs, "id": "article-table"}
        row_attrs = {"id": lambda record: f"article-{record.pk}"}
        sequence = ("author", "post", "unit", "due_date", "title", "...")
        empty_text = _("No article matches these filters.")

    def __init__(self, data, *, today, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today

    def before_render(self, request):
        rows = self.page.object_list if getattr(self, "page", None) is not None else self.rows
        for row in rows:
            row.record.current_state = row.record.state(self.today)

    def render_author(self, record, value):
        return format_html('<a href="{}">{}</a><div class="small text-muted">{}</div>',
                     reverse("campaign:article_detail", args=[record.pk]), value, record.cadre.post)

    def value_author(self, value):
        return value

    def render_due_date(self, value):
        return _day(value)

    def value_title(self, value):
        return value or ""

    def value_submitted_at(self, value):
        return value or ""

    def value_is_best(self, value):
        from django.utils.translation import gettext

        return gettext("Yes") if value else ""

    def value_file_name(self, record):
        return record.file_name
