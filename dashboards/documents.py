"""The weekly progress report of an office as PDF (reports.pdf, a table per section) and Excel
(reports.excel, a sheet per section), and the R6.3 ranking as Excel: both written from the same rows."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reportlab.lib.pagesizes import A4, landscape

from reports.excel import Sheet, write_xlsx
from reports.pdf import DocumentMeta, data_table, format_date_zh, heading, paragraph, render_pdf

from .selectors.figures import Figures
from .selectors.ranking import Ranking
from .selectors.weekly import WeeklyReport


def _pct(value: int | float | None) -> str:
    return "—" if value is None else f"{value}%"


@dataclass(frozen=True)
class Section:
    """One section of the report: a heading, a table, and what to say when the table is empty."""

    title: str
    headers: list[str]
    rows: list[list]
    empty: str = ""
    col_widths: list[str] | None = None


def _summary_rows(f: Figures) -> list[list]:
    return [
        [_("Obligations"), f.obligations,
         _("%(done)s done, %(due)s not yet due, %(overdue)s overdue") % {
             "done": f.obligations_done, "due": f.obligations_due, "overdue": f.obligations_overdue}],
        [_("Progress against deadlines"), _pct(f.progress_percent), ""],
        [_("Study compliance"), _pct(f.study_percent),
         _("%(short)s of %(required)s leaders below the minimum") % {"short": f.study_short,
                                                                    "required": f.study_required}],
        [_("Exam pass rate"), _pct(f.exam_rate),
         _("%(passed)s of %(sat)s passed; %(owed)s owe make-up study") % {
             "passed": f.exam_passed, "sat": f.exam_sat, "owed": f.exam_owed}],
        [_("Field research compliance"), _pct(f.research_percent),
         _("%(short)s of %(required)s top leaders have not stayed long enough") % {
             "short": f.research_short, "required": f.research_required}],
        [_("Opinion coverage"), _pct(f.opinion_percent),
         _("%(covered)s of %(units)s units asked every target group") % {"covered": f.opinion_covered,
                                                                        "units": f.units}],
        [_("Supervision cards"), f.cards,
         _("%(open)s open, %(overdue)s overdue, %(escalated)s escalated") % {
             "open": f.cards_open, "overdue": f.cards_overdue, "escalated": f.cards_escalated}],
        [_("Messages"), f.messages,
         _("%(open)s open, %(overdue)s answers overdue, %(days)s days to answer on average") % {
             "open": f.messages_open, "overdue": f.messages_overdue,
             "days": "—" if f.answer_days is None else f.answer_days}],
    ]


def branch_headers() -> list[str]:
    return [_("Unit"), _("Progress"), _("Overdue obligations"), _("Study compliance"), _("Exam pass rate"),
            _("Make-up study owed"), _("Field research compliance"), _("Opinion coverage"), _("Open cards"),
            _("Overdue cards"), _("Messages"), _("Overdue answers")]


def branch_cells(name: str, f: Figures) -> list:
    return [name, _pct(f.progress_percent), f.obligations_overdue, _pct(f.study_percent), _pct(f.exam_rate),
            f.exam_owed, _pct(f.research_percent), _pct(f.opinion_percent), f.cards_open, f.cards_overdue,
            f.messages, f.messages_overdue]


def weekly_sections(report: WeeklyReport) -> list[Section]:
    """The report's sections, in order; the PDF and the Excel file are both written from them."""
    today = report.end
    own = _("%(unit)s (own records)")
    return [
        Section(_("1. Overall state"), [_("Indicator"), _("Figure"), _("Details")], _summary_rows(report.total),
                col_widths=["26%", "12%", "62%"]),
        Section(_("2. This week"), [_("Records of the week"), _("Count")], [list(a) for a in report.activity]),
        Section(_("3. Sub-units"), branch_headers(),
                [branch_cells(own % {"unit": b.unit.name} if b.own else b.unit.name, b.figures) for b in report.rows],
                _("No sub-units."), col_widths=["16%"] + [f"{84 / 11:.3f}%"] * 11),
        Section(_("4. Overdue obligations"), [_("Unit"), _("Unit code"), _("Obligation"), _("Due date"),
                                              _("Days overdue")],
                [[o.unit.name, o.unit.code, o.get_kind_display(), o.due_date, (today - o.due_date).days]
                 for o in report.overdue_obligations], _("Nothing is overdue.")),
        Section(_("5. Overdue supervision cards"), [_("Card number"), _("Unit"), _("Supervision group"),
                                                    _("Due date"), _("Days overdue")],
                [[c.number, c.unit.name, c.group.name, c.due_date, c.days_overdue(today)]
                 for c in report.overdue_cards], _("No card is overdue.")),
        Section(_("6. Overdue answers to the public"), [_("Tracking code"), _("Unit concerned"), _("Answering unit"),
                                                        _("Answer due"), _("Days overdue")],
                [[m.tracking_code, m.unit.name, m.assigned_unit.name if m.assigned_unit else "", m.due_date,
                  (today - m.due_date).days] for m in report.overdue_messages], _("No answer is overdue.")),
    ]


def weekly_meta(report: WeeklyReport) -> DocumentMeta:
    return DocumentMeta(
        title=_("Weekly progress report of %(unit)s") % {"unit": report.unit.name},
        issuer=_("Activity office of %(unit)s") % {"unit": report.unit.name}, date=report.end,
        subtitle=_("%(campaign)s · %(start)s to %(end)s") % {
            "campaign": report.campaign.name, "start": format_date_zh(report.start), "end": format_date_zh(report.end)})


def weekly_report_pdf(report: WeeklyReport) -> bytes:
    """The weekly progress report as a PDF: a heading and a table per section (an empty one says so)."""
    sections = weekly_sections(report)

    def story(s):
        parts = [paragraph(_("State of the campaign in %(unit)s and its sub-units on %(date)s, and the records of "
                             "the seven days before.") % {"unit": report.unit.name,
                                                          "date": format_date_zh(report.end)})]
        for section in sections:
            parts.append(heading(section.title, 1))
            parts.append(data_table(section.headers, section.rows, col_widths=section.col_widths) if section.rows
                         else paragraph(section.empty, s.body_flush))
        return parts

    # landscape: the sub-units' table has a column per figure
    return render_pdf(weekly_meta(report), story, pagesize=landscape(A4))


def weekly_report_xlsx(report: WeeklyReport) -> bytes:
    """The weekly progress report as an Excel workbook: one sheet per section."""
    return write_xlsx([Sheet(title=section.title, headers=section.headers, rows=section.rows)
                       for section in weekly_sections(report)])


def ranking_xlsx(data: Ranking) -> bytes:
    """R6.3 the ranking as the page shows it: a sheet per list of peers (cities; counties), each unit with its
    position, score, each component and its weight, and the automatic reasons; then the units not reporting,
    without a position or a score. An empty workbook keeps one sheet with the headers."""
    headers = [_("Position"), _("Unit"), _("Unit code"), _("Score"),
               *[f"{label} ({weight}%)" for _key, label, weight in data.weights], _("Reasons")]
    blank = [""] * len(data.weights)
    sheets = []
    for peers in data.lists:
        rows = [[r.rank or "", r.unit.name, r.unit.code, r.score, *[round(c.score, 1) for c in r.components],
                 r.reason_text] for r in peers.rows]
        rows += [[_("Not reporting"), r.unit.name, r.unit.code, "", *blank, _("Nothing recorded for the campaign")]
                 for r in peers.not_reporting]
        sheets.append(Sheet(title=str(peers.label)[:31], headers=headers, rows=rows))
    return write_xlsx(sheets or [Sheet(title=_("Ranking"), headers=headers, rows=[])])
