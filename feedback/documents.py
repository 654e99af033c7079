"""R4.4 the weekly digest of an office as PDF (reports.pdf) and Excel (reports.excel), from ``DigestData``.

Neither document carries a citizen's name or phone: the digest only knows what ``digest_data`` reads.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape

from reports.excel import Sheet, write_xlsx
from reports.pdf import DocumentMeta, data_table, format_date_zh, heading, paragraph, render_pdf

from .selectors import DigestData, DigestLine


#: the small count tables stay narrow and centred instead of stretching over the page
PAIR = ["45%", "15%"]


def digest_title(data: DigestData) -> str:
    year, week, _weekday = data.start.isocalendar()
    return _("Message digest of %(office)s, week %(week)s of %(year)s") % {
        "office": data.office.name, "week": week, "year": year}


def _line_rows(lines: list[DigestLine], *, overdue: bool) -> tuple[list[str], list[list]]:
    if overdue:
        headers = [_("Tracking code"), _("Unit concerned"), _("Answering unit"), _("Answer due"), _("Days overdue"),
                   _("Message")]
        rows = [[line.code, line.unit, line.assigned_unit, line.due_date, line.days_overdue, line.text]
                for line in lines]
    else:
        headers = [_("Tracking code"), _("Received on"), _("Unit concerned"), _("Category"), _("Status"),
                   _("Message")]
        rows = [[line.code, line.received_on, line.unit, line.category, line.status, line.text] for line in lines]
    return headers, rows


def digest_pdf(data: DigestData) -> bytes:
    """R4.4 the digest as a portal document: totals, the three breakdowns, overdue and notable messages."""
    meta = DocumentMeta(
        title=digest_title(data), issuer=_("Activity office of %(unit)s") % {"unit": data.office.name},
        date=data.today, subtitle=f"{format_date_zh(data.start)} — {format_date_zh(data.end)}")

    def story(_styles):
        yield paragraph(_("From %(start)s to %(end)s the office received %(received)s messages and published "
                          "%(published)s answers; %(open)s messages are open, %(overdue)s answers are overdue.") % {
            "start": format_date_zh(data.start), "end": format_date_zh(data.end), "received": data.received,
            "published": data.published, "open": data.open_total, "overdue": len(data.overdue)})
        yield heading(_("By category"))
        yield data_table([_("Category"), _("Messages")], data.by_category, col_widths=PAIR)
        yield heading(_("By status"))
        yield data_table([_("Status"), _("Messages")], data.by_status, col_widths=PAIR)
        yield heading(_("By unit"))
        if data.by_unit:
            yield data_table([_("Unit concerned"), _("Unit code"), _("Messages")], data.by_unit,
                             col_widths=["40%", "25%", "15%"])
        else:
            yield paragraph(_("No message was received in this period."))
        yield heading(_("Overdue answers"))
        if data.overdue:
            yield data_table(*_line_rows(data.overdue, overdue=True))
        else:
            yield paragraph(_("No answer is overdue."))
        yield heading(_("Notable messages"))
        if data.notable:
            yield data_table(*_line_rows(data.notable, overdue=False))
        else:
            yield paragraph(_("No message of this period was marked notable."))

    return render_pdf(meta, story, pagesize=landscape(A4) if data.overdue or data.notable else A4)


def digest_xlsx(data: DigestData) -> bytes:
    """R4.4 the same digest as a workbook, one sheet per table."""
    return write_xlsx([
        Sheet(title=_("Overview"), headers=[_("Item"), _("Value")], rows=[
            [_("Activity office"), data.office.name], [_("From"), data.start], [_("To"), data.end],
            [_("Received"), data.received], [_("Answers published"), data.published],
            [_("Open messages"), data.open_total], [_("Overdue answers"), len(data.overdue)]]),
        Sheet(title=_("By category"), headers=[_("Category"), _("Messages")], rows=data.by_category),
        Sheet(title=_("By status"), headers=[_("Status"), _("Messages")], rows=data.by_status),
        Sheet(title=_("By unit"), headers=[_("Unit concerned"), _("Unit code"), _("Messages")], rows=data.by_unit),
        _lines_sheet(_("Overdue answers"), data.overdue, overdue=True),
        _lines_sheet(_("Notable messages"), data.notable, overdue=False),
    ])


def _lines_sheet(title: str, lines: list[DigestLine], *, overdue: bool) -> Sheet:
    headers, rows = _line_rows(lines, overdue=overdue)
    return Sheet(title=title, headers=headers, rows=rows)
