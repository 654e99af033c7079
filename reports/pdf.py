"""One ReportLab document template for every PDF the portal issues.

Each app's ``documents.py`` turns a selector's dataclass into flowables and calls
:func:`render_pdf`; this module owns the look shared by all of them:

* the letterhead of an official document (GB/T 9704): issuing body in red, the
  document number (发文字号, e.g. 冀群组发〔2014〕34号), a red rule, then the title;
* an optional cover page and an optional table of contents with PDF bookmarks;
* "第 1 页 共 3 页" page numbers, whose total comes from the previous layout pass;
* an embedded CJK TrueType font (see :mod:`reports.fonts`) with CJK line breaking;
* byte-identical output for identical input (``invariant=1``: fixed creation date
  and document ID), so a regenerated file can be compared with the one on record.

Typical use::

    def story(s: DocumentStyles) -> list[Flowable]:
        return [heading("一、基本情况"), paragraph(text), data_table(headers, rows)]

    data = render_pdf(DocumentMeta(title="关于……的通报", number="冀群组发〔2014〕34号",
                                   issuer="……领导小组", date=date(2014, 4, 30)), story)
    return pdf_response("通报.pdf", data)
"""
from __future__ import annotations

import datetime
import io
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from .fonts import CJK_BOLD_FONT, CJK_FONT, register_cjk_fonts

__all__ = [
    "DocumentMeta",
    "DocumentStyles",
    "StoryBuilder",
    "content_width",
    "data_table",
    "document_styles",
    "format_date_zh",
    "heading",
    "paragraph",
    "pdf_response",
    "render_pdf",
]

#: Red of the letterhead and its rule (公文版头红色).
LETTERHEAD_RED = colors.HexColor("#D40000")

# GB/T 9704-2012 page margins: top 37 mm, left 28 mm, text block 156 x 225 mm on A4.
MARGIN_TOP = 37 * mm
MARGIN_BOTTOM = 35 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
#: Baseline of the page number, a little below the text block.
FOOTER_BASELINE = 22 * mm

# Sizes in points. The standard's 2号/3号 (22/16 pt) suit letters; reports with tables
# read better a step smaller, so the body is 12 pt and the title 20 pt.
TITLE_SIZE = 20
BODY_SIZE = 12
ISSUER_MAX_SIZE = 28
ISSUER_MIN_SIZE = 14

# Paragraph styles whose paragraphs become TOC entries and bookmarks, by level.
_HEADING_LEVELS = {"cjk-heading1": 0, "cjk-heading2": 1, "cjk-heading3": 2}

# ReportLab's TTFont objects are process-wide and documented as not usable by two
# documents at the same time; a threaded server could otherwise interleave builds.
_build_lock = threading.Lock()


@dataclass
class DocumentMeta:
    """What the letterhead, cover, sign-off and PDF properties show."""

    title: str
    number: str = ""
    issuer: str = ""
    date: datetime.date | None = None
    subtitle: str = ""
    #: When the document was made, for the PDF's creation date; by default its ``date`` (midnight, local
    #: time), so the same input still gives the same bytes. Without either, ReportLab's fixed date.
    created: datetime.datetime | None = None


class _Stamp:
    """A ReportLab ``TimeStamp`` for a given moment (the document's creation date in its properties)."""

    def __init__(self, moment: datetime.datetime) -> None:
        offset = moment.utcoffset() or datetime.timedelta()
        minutes = int(offset.total_seconds() // 60)
        self.t = moment.timestamp()
        self.lt = moment.timetuple()
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh, self.dmm = int(minutes / 60), abs(minutes) % 60
        self.tzname = moment.tzname()

    @property
    def datetime(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.t, datetime.timezone.utc)


def _created(meta: DocumentMeta) -> datetime.datetime | None:
    if meta.created is not None:
        moment = meta.created
    elif meta.date is not None:
        moment = datetime.datetime.combine(meta.date, datetime.time())
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return timezone.localtime(moment, timezone.get_default_timezone())


@dataclass(frozen=True)
class DocumentStyles:
    """The paragraph styles of the template, all on the embedded CJK font."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    number: ParagraphStyle
    heading1: ParagraphStyle
    heading2: ParagraphStyle
    heading3: ParagraphStyle
    body: ParagraphStyle
    body_flush: ParagraphStyle
    small: ParagraphStyle
    sign_off: ParagraphStyle
    table_header: ParagraphStyle
    table_cell: ParagraphStyle
    table_cell_right: ParagraphStyle
    toc_title: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]


#: A function that receives the styles and returns the document body.
StoryBuilder = Callable[[DocumentStyles], Iterable[Flowable]]


def format_date_zh(value: datetime.date | None) -> str:
    """Format a date the Chinese way, ``2014年4月30日`` (no zero padding), or ``""``.

    Aware datetimes are first converted to the current time zone, so an event late
    in the evening is not dated the next day (UTC) on the document.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


@lru_cache(maxsize=1)
def document_styles() -> DocumentStyles:
    """Build the styles once, after the CJK font is registered."""
    register_cjk_fonts()

    def style(name: str, **kw: Any) -> ParagraphStyle:
        # wordWrap="CJK" lets lines break between any two Chinese characters (there
        # are no spaces to break at) while keeping the no-break rules for punctuation.
        kw.setdefault("fontName", CJK_FONT)
        kw.setdefault("fontSize", BODY_SIZE)
        kw.setdefault("leading", kw["fontSize"] * 1.6)
        return ParagraphStyle(name, wordWrap="CJK", **kw)

    toc_levels = tuple(
        style(
            f"cjk-toc{level}",
            fontSize=BODY_SIZE,
            leading=BODY_SIZE * 1.8,
            leftIndent=level * 2 * BODY_SIZE,
        )
        for level in range(3)
    )
    return DocumentStyles(
        title=style("cjk-title", fontName=CJK_BOLD_FONT, fontSize=TITLE_SIZE,
                    leading=TITLE_SIZE * 1.5, alignment=TA_CENTER, spaceAfter=6),
        subtitle=style("cjk-subtitle", fontSize=14, alignment=TA_CENTER, spaceAfter=6),
        number=style("cjk-number", fontSize=14, alignment=TA_CENTER),
        heading1=style("cjk-heading1", fontName=CJK_BOLD_FONT, fontSize=15,
                       spaceBefore=10, spaceAfter=4, keepWithNext=1),
        heading2=style("cjk-heading2", fontName=CJK_BOLD_FONT, fontSize=13,
                       spaceBefore=8, spaceAfter=3, keepWithNext=1),
        heading3=style("cjk-heading3", fontName=CJK_BOLD_FONT, fontSize=BODY_SIZE,
                       spaceBefore=6, spaceAfter=2, keepWithNext=1),
        # Chinese paragraphs indent their first line by two characters.
        body=style("cjk-body", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE,
                   spaceAfter=4),
        body_flush=style("cjk-body-flush", alignment=TA_LEFT, spaceAfter=4),
        small=style("cjk-small", fontSize=9, leading=13),
        sign_off=style("cjk-sign-off", alignment=TA_RIGHT, rightIndent=2 * BODY_SIZE),
        table_header=style("cjk-table-header", fontName=CJK_BOLD_FONT, fontSize=10,
                           leading=14, alignment=TA_CENTER),
        table_cell=style("cjk-table-cell", fontSize=10, leading=14),
        table_cell_right=style("cjk-table-cell-right", fontSize=10, leading=14,
                               alignment=TA_RIGHT),
        toc_title=style("cjk-toc-title", fontName=CJK_BOLD_FONT, fontSize=16,
                        alignment=TA_CENTER, spaceAfter=12),
        toc_levels=toc_levels,
    )


def content_width(pagesize: tuple[float, float] = A4) -> float:
    """Width of the text block for ``pagesize``, in points (442 pt on A4 portrait)."""
    return pagesize[0] - MARGIN_LEFT - MARGIN_RIGHT


class _Paragraph(Paragraph):
    """A Paragraph that breaks its lines once per width. ReportLab's tables wrap every cell to size the rows
    and wrap it again to draw it; the result depends only on the width (issue 13: a city's escalation report
    of 200 cards wrapped 23,000 paragraphs, half of them a second time for nothing)."""

    _memo: tuple | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab API)
        memo = self._memo
        if memo is not None and memo[0] == availWidth:
            _width, self.width, self.height, self.blPara, self._wrapWidths = memo
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):  # not where nothing fits (ReportLab returns early)
            self._memo = (availWidth, self.width, self.height, self.blPara, self._wrapWidths)
        return size


#: issue 13: the parsed fragments of the paragraphs built so far, by (markup, style). ReportLab parses every
#: paragraph's markup with an HTML parser; a report repeats the same dates, names and statuses hundreds of
#: times. Each paragraph gets its own copies of the fragments, as a parse would give it.
_FRAGS: dict[tuple[str, ParagraphStyle], list] = {}
_FRAGS_MAX = 5_000  # a few MB at most; emptied when full


def forget_parsed() -> None:
    """Empty the parsed paragraphs kept so far: the next document parses its own (``make bench`` times each
    build from here, so none is helped by the one before)."""
    _FRAGS.clear()


#: texts longer than this (facts, messages: they do not repeat) are parsed each time and never kept
_FRAGS_LONGEST = 200


def _para(markup: str, style: ParagraphStyle) -> _Paragraph:
    if len(markup) > _FRAGS_LONGEST:
        return _Paragraph(markup, style)
    frags = _FRAGS.get((markup, style))
    if frags is not None:
        return _Paragraph(markup, style, frags=[f.clone() for f in frags])
    made = _Paragraph(markup, style)
    if len(_FRAGS) >= _FRAGS_MAX:
        forget_parsed()
    _FRAGS[(markup, style)] = [f.clone() for f in made.frags]  # before any layout touches them
    return made


def _markup(text: str) -> str:
    """Escape plain text for Paragraph markup, keeping line breaks.

    User data (messages, names) may contain ``<`` or ``&``, which would otherwise be
    parsed as markup and abort the whole document.
    """
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def paragraph(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A paragraph of *plain text* (escaped; newlines kept) in the body style by default."""
    return _para(_markup(text), style or document_styles().body)


def heading(text: str, level: int = 1) -> Paragraph:
    """A heading of level 1–3; it becomes a table-of-contents entry and a bookmark."""
    s = document_styles()
    styles = {1: s.heading1, 2: s.heading2, 3: s.heading3}
    if level not in styles:
        raise ValueError(f"heading level must be 1, 2 or 3, not {level!r}")
    return _para(_markup(text), styles[level])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{format_date_zh(value)} {value:%H:%M}"
    if isinstance(value, datetime.date):
        return format_date_zh(value)
    return str(value)


def _display_width(text: str) -> int:
    """Width in half-width cells: wide (CJK) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_weights(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[float]:
    """Relative column widths from the longest text of each column, clamped.

    Clamping keeps a short code column readable and stops one long free-text column
    from squeezing every other column to a character per line.
    """
    weights = []
    for col, title in enumerate(header):
        longest = max(
            [_display_width(title)] + [_display_width(row[col]) for row in rows if col < len(row)]
        )
        weights.append(float(min(max(longest, 6), 40)))
    return weights


#: the most of the narrowest page's text width that a column's one-line width may claim before the rest is shared
_COLUMN_SHARE_MAX = 0.25


def _column_shares(header: Sequence[str], rows: Sequence[Sequence[str]], header_widths: Sequence[float],
                   widths: Sequence[Sequence[float]]) -> list[float]:
    """Each column's share of the width, in per cent, laid out as a browser lays out a table: a column gets
    what its header and its cells need to stay on one line on the narrowest page (A4 portrait; at most a
    quarter of it), and what is left goes to the columns whose text is longer than that (free text), in
    proportion to ``_column_weights``. Shared by weight alone, a short header or a date beside a long
    free-text column broke into one character per line (状/态, Sta/tus, 2026年12月/2日). ``header_widths`` and
    ``widths`` are the texts' widths in points, as ``data_table`` measured them."""
    frame = content_width(A4)
    cap = frame * _COLUMN_SHARE_MAX
    needs = []
    for col, title_width in enumerate(header_widths):
        widest = max([title_width] + [row[col] for row in widths])
        needs.append(min(widest + _CELL_PADDING + 0.5, cap))  # the half point: shares are rounded to 0.001 %
    if sum(needs) >= frame:  # not all on one line: the widest columns wrap, at one width, the others keep theirs
        return [100 * min(need, _level(needs, frame)) / frame for need in needs]
    weights = _column_weights(header, rows)
    longer = [need >= cap for need in needs]  # the columns that wrap anyway take what is left
    if not any(longer):
        longer, weights = [True] * len(needs), needs
    shared = sum(w for w, takes in zip(weights, longer) if takes)
    rest = frame - sum(needs)
    return [100 * (need + (rest * w / shared if takes else 0)) / frame
            for need, w, takes in zip(needs, weights, longer)]


def _level(needs: list[float], total: float) -> float:
    """The width ``w`` at which ``sum(min(need, w))`` is ``total``: the narrower columns keep what they need, the
    wider ones share what is left equally."""
    left, count = total, len(needs)
    for need in sorted(needs):
        if need * count > left:
            return left / count
        left, count = left - need, count - 1
    return max(needs)


def data_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    col_widths: Sequence[float | str] | None = None,
    numeric_right: bool = True,
) -> Table:
    """A ruled table with a bold header row repeated on every page it spans.

    Cells are wrapped paragraphs (escaped plain text), so long Chinese text breaks
    inside its cell instead of overflowing. Dates print as 2014年4月30日. Without
    ``col_widths``, columns share the full text width in proportion to their content;
    otherwise give points or ReportLab percentages (``"20%"``).
    """
    s = document_styles()
    header_texts = [str(h) for h in headers]
    raw_rows = [list(r) for r in rows]
    for number, row in enumerate(raw_rows, start=1):
        # A longer row would silently lose cells or break the grid: fail loudly.
        if len(row) > len(header_texts):
            raise ValueError(f"row {number} has {len(row)} cells for {len(header_texts)} headers")
        row.extend([None] * (len(header_texts) - len(row)))
    text_rows = [[_cell_text(v) for v in r] for r in raw_rows]
    # each text measured once: for the columns' widths and for whether it fits on one line of its column
    header_widths = [stringWidth(h, CJK_BOLD_FONT, 10) for h in header_texts]
    text_widths = [[stringWidth(t, CJK_FONT, 10) for t in texts] for texts in text_rows]

    if col_widths is None and header_texts:
        # Percentages resolve against the frame width at layout time, so the same
        # table fits portrait and landscape pages.
        col_widths = [f"{share:.3f}%" for share in _column_shares(header_texts, text_rows, header_widths,
                                                                  text_widths)]

    # issue 13: a text that fits on one line of its column, even on the narrowest page (A4 portrait), is drawn
    # as it is; only longer texts (and line breaks) become Paragraphs, which ReportLab parses as markup and
    # breaks into lines one by one (most of a 140-page escalation report's time)
    fits = _one_line_widths(col_widths, len(header_texts))
    right_cells: list[tuple[int, int]] = []

    def cell(value: Any, text: str, row: int, col: int) -> Any:
        right = numeric_right and isinstance(value, (int, float, Decimal)) and not isinstance(
            value, bool
        )
        # printable only: a tab or line separator is left to the paragraph, which folds white space
        if text.isprintable() and text_widths[row - 1][col] <= fits[col]:
            if right:
                right_cells.append((col, row))
            return text
        return _para(_markup(text), s.table_cell_right if right else s.table_cell)

    # a header that fits on one line is drawn as it is too, bold and centred by the table's style (a report of
    # 200 cards has 400 tables: their headers were a third of its paragraphs)
    data: list[list[Any]] = [[h if h.isprintable() and header_widths[c] <= fits[c]
                              else _para(_markup(h), s.table_header) for c, h in enumerate(header_texts)]]
    data += [[cell(v, t, r, c) for c, (v, t) in enumerate(zip(raw, texts))]
             for r, (raw, texts) in enumerate(zip(raw_rows, text_rows), start=1)]

    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                # Text cells are drawn in this font (Paragraph cells bring their own); a font left at
                # Helvetica would also be listed as an unembedded font.
                ("FONT", (0, 0), (-1, -1), CJK_FONT, 10, 14),
                ("FONT", (0, 0), (-1, 0), CJK_BOLD_FONT, 10, 14),
                ("ALIGN", (0, 0), (-1, 0), "CENTER"),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E6E6E6")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F7F7F7")]),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
            + [("ALIGN", at, at, "RIGHT") for at in right_cells]
        )
    )
    return table


#: a cell's left and right padding in ``data_table`` (ReportLab's default), and a margin for rounding
_CELL_PADDING = 6 + 6 + 1


def _one_line_widths(col_widths: Sequence[float | str] | None, columns: int) -> list[float]:
    """How wide (points) a text may be to stay on one line in each column on the narrowest page, A4 portrait
    (wider pages only give more room); 0 where the width is not known beforehand."""
    if col_widths is None:
        return [0.0] * columns
    frame = content_width(A4)
    widths = []
    for width in col_widths:
        if isinstance(width, str) and width.endswith("%"):
            width = frame * float(width[:-1]) / 100
        widths.append(max(0.0, float(width) - _CELL_PADDING) if isinstance(width, (int, float)) else 0.0)
    return widths + [0.0] * (columns - len(widths))


# --------------------------------------------------------------------------- template


class _PageTotal(Flowable):
    """Zero-size indexing flowable that makes ``multiBuild`` lay out until the page
    count is stable, so each page can print the total found by the previous pass.

    Unlike the usual "NumberedCanvas" trick (delaying ``showPage`` until the end),
    this keeps every page emitted in order, so bookmarks and TOC links point at the
    right pages.
    """

    def __init__(self, doc: _PortalDocTemplate) -> None:
        super().__init__()
        self._doc = doc
        self.previous: int | None = None
        self.current: int | None = None

    def isIndexing(self) -> int:  # noqa: N802 (ReportLab API)
        return 1

    def beforeBuild(self) -> None:  # noqa: N802
        self.previous = self.current
        self.current = None

    def afterBuild(self) -> None:  # noqa: N802
        self.current = self._doc.page

    def isSatisfied(self) -> bool:  # noqa: N802
        return self.previous is not None and self.previous == self.current

    def notify(self, kind: str, stuff: Any) -> None:
        """Indexing flowables receive every notification; this one needs none."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        pass


class _KeepWithStart(KeepTogether):
    """What ``keepWithNext`` groups (a heading and what follows it): when they do not fit on the rest of the
    page and the last of them is a table, the heading stays with the start of the table and the table goes on
    over the page, its header row repeated — at least ``ROWS`` rows on each side, so no row is left alone —
    instead of the whole group moving on and leaving the rest of the page empty (a county's weekly report was
    five pages, most of each blank). Anything else moves on whole, as ReportLab's ``KeepTogether`` does."""

    #: the fewest of a table's rows (after its header) under the heading, and on the next page
    ROWS = 3

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 (ReportLab API)
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        *lead, table = self._content
        heights = getattr(table, "_rowHeights", None) if isinstance(table, Table) else None
        if self._H > aH and lead and heights and getattr(table, "repeatRows", 0) == 1:
            room = aH - table.getSpaceBefore() - sum(
                f.wrapOn(self.canv, aW, aH)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in lead)
            # how many rows, the header row first, fit under the heading (the running heights only grow)
            fit = sum(1 for bottom in accumulate(heights) if bottom <= room)
            fit = min(fit, len(heights) - self.ROWS)  # and enough of them left for the next page
            if fit >= 1 + self.ROWS:
                parts = table.split(aW, sum(heights[:fit]) + 0.01)
                if len(parts) == 2:  # the rest on the next page, even where a row or two more would fit here
                    return [*lead, parts[0], self.FrameBreak(), parts[1]]
        return super().split(aW, aH)


class _PortalDocTemplate(BaseDocTemplate):
    """Page templates, page numbers and TOC/bookmark notifications."""

    def __init__(
        self,
        buffer: io.BytesIO,
        *,
        meta: DocumentMeta,
        pagesize: tuple[float, float],
        unnumbered_pages: int,
        page_label: str,
    ) -> None:
        super().__init__(
            buffer,
            pagesize=pagesize,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=meta.title,
            author=meta.issuer,
            subject=meta.subtitle or meta.number,
            creator=meta.issuer,
            lang="zh-CN",
            # Without this every page stream starts in Helvetica, which is then listed
            # as an unembedded font although no text uses it.
            initialFontName=CJK_FONT,
            # Fixed creation date and document ID: same input, same bytes.
            invariant=1,
            keepTogetherClass=_KeepWithStart,
        )
        self._unnumbered = unnumbered_pages
        self._page_label = page_label
        self._created = _created(meta)
        self.page_total = _PageTotal(self)
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="text",
        )
        body = PageTemplate(id="body", frames=[frame], onPage=self._draw_footer)
        cover = PageTemplate(id="cover", frames=[frame])
        # The first template in the list is the one the first page uses.
        self.addPageTemplates([cover, body] if unnumbered_pages else [body, cover])

    def _makeCanvas(self, *args: Any, **kwargs: Any) -> Canvas:  # noqa: N802 (ReportLab API)
        canvas = super()._makeCanvas(*args, **kwargs)
        if self._created is not None:
            # the real creation date (issue 12) instead of invariant mode's 2000-01-01; still a pure
            # function of the input, so the same document gives the same bytes
            canvas._doc._timeStamp = _Stamp(self._created)
        return canvas

    def beforeDocument(self) -> None:  # noqa: N802
        # Called at the start of every multiBuild pass: keys must repeat exactly.
        self._heading_count = 0
        self._outline_level = -1

    #: set by ``render_pdf`` for a document without contents: laid out once, the footers drawn at the end
    single_pass = False

    def _draw_footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        # The cover counts as page 1 without showing it (issue 12): the printed number is the PDF
        # viewer's page number, so "page 5" in the contents is page 5 everywhere.
        number = self.page
        if number <= self._unnumbered:
            return
        if self.single_pass:
            # issue 13: the total is not known while the page is laid out; the page shows a form
            # (an XObject) that ``_endBuild`` fills in once the last page is done — one layout pass
            canvas.doForm(self._footer_form(number))
            return
        # First pass: no total yet; that pass is thrown away by multiBuild.
        self._draw_label(canvas, number, self.page_total.previous or self.page)

    def _draw_label(self, canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(CJK_FONT, 10.5)
        canvas.drawCentredString(
            self.pagesize[0] / 2,
            FOOTER_BASELINE,
            self._page_label % {"page": number, "total": total},
        )
        canvas.restoreState()

    @staticmethod
    def _footer_form(number: int) -> str:
        return f"pageFooter{number}"

    def _endBuild(self) -> None:  # noqa: N802 (ReportLab API)
        if not self.single_pass:
            return super()._endBuild()
        self._doSave = 0  # the footers first: every page is finished, so the total is known
        super()._endBuild()
        total = self.page
        for number in range(self._unnumbered + 1, total + 1):  # every page that shows a footer
            self.canv.beginForm(self._footer_form(number))
            self._draw_label(self.canv, number, total)
            self.canv.endForm()
        self.canv.save()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        if not isinstance(flowable, Paragraph):
            return
        level = _HEADING_LEVELS.get(flowable.style.name)
        if level is None:
            return
        self._heading_count += 1
        key = f"h{self._heading_count}"
        text = flowable.getPlainText()
        self.canv.bookmarkPage(key)
        # PDF outlines cannot skip a level (h1 → h3); clamp so odd input still renders.
        outline_level = min(level, self._outline_level + 1)
        self.canv.addOutlineEntry(text, key, level=outline_level, closed=False)
        self._outline_level = outline_level
        self.notify("TOCEntry", (level, escape(text), self.page, key))


def _issuer_paragraph(issuer: str, width: float) -> Paragraph:
    """The issuing body in red on one line, shrunk to fit long names of bodies."""
    natural = stringWidth(issuer, CJK_FONT, 1) or 1
    size = max(ISSUER_MIN_SIZE, min(ISSUER_MAX_SIZE, width / natural * 0.98))
    style = ParagraphStyle(
        "cjk-issuer",
        fontName=CJK_BOLD_FONT,
        fontSize=size,
        leading=size * 1.3,
        alignment=TA_CENTER,
        textColor=LETTERHEAD_RED,
        wordWrap="CJK",
    )
    return Paragraph(_markup(issuer), style)


def _letterhead(meta: DocumentMeta, width: float) -> list[Flowable]:
    """发文机关标志 (red), 发文字号, then the red rule — in GB/T 9704 order."""
    s = document_styles()
    parts: list[Flowable] = []
    if meta.issuer:
        parts += [_issuer_paragraph(meta.issuer, width), Spacer(1, 8 * mm)]
    if meta.number:
        parts.append(Paragraph(_markup(meta.number), s.number))
    if parts:
        parts.append(
            HRFlowable(width="100%", thickness=1.5, color=LETTERHEAD_RED,
                       spaceBefore=2 * mm, spaceAfter=8 * mm)
        )
    return parts


def _title_block(meta: DocumentMeta) -> list[Flowable]:
    s = document_styles()
    parts: list[Flowable] = [Paragraph(_markup(meta.title), s.title)]
    if meta.subtitle:
        parts.append(Paragraph(_markup(meta.subtitle), s.subtitle))
    parts.append(Spacer(1, 4 * mm))
    return parts


def _cover(meta: DocumentMeta, width: float, height: float) -> list[Flowable]:
    s = document_styles()
    parts = _letterhead(meta, width)
    parts.append(Spacer(1, height * 0.18))
    big_title = ParagraphStyle("cjk-cover-title", parent=s.title, fontSize=26, leading=40)
    parts.append(Paragraph(_markup(meta.title), big_title))
    if meta.subtitle:
        parts.append(Paragraph(_markup(meta.subtitle), s.subtitle))
    parts.append(Spacer(1, height * 0.25))
    centred = ParagraphStyle("cjk-cover-line", parent=s.subtitle)
    if meta.issuer:
        parts.append(Paragraph(_markup(meta.issuer), centred))
    if meta.date:
        parts.append(Paragraph(format_date_zh(meta.date), centred))
    return parts


def _sign_off(meta: DocumentMeta) -> list[Flowable]:
    """发文机关署名 and 成文日期, right-aligned after the body."""
    s = document_styles()
    lines = [text for text in (meta.issuer, format_date_zh(meta.date)) if text]
    if not lines:
        return []
    return [Spacer(1, 10 * mm)] + [Paragraph(_markup(t), s.sign_off) for t in lines]


def render_pdf(
    meta: DocumentMeta,
    content: StoryBuilder | Iterable[Flowable],
    *,
    cover: bool = False,
    toc: bool = False,
    sign_off: bool = True,
    pagesize: tuple[float, float] = A4,
) -> bytes:
    """Lay out a portal document and return the PDF bytes.

    ``content`` is the body: a list of flowables, or a :data:`StoryBuilder` called
    with :class:`DocumentStyles`. The first page carries the letterhead and title,
    unless ``cover`` puts them on a cover page of their own, which counts as page 1
    but shows no number. ``toc`` adds a table of contents of the
    :func:`heading` paragraphs (after the title, or on its own page after the cover).
    ``sign_off`` ends the body with the issuer and the date. Use
    ``reportlab.lib.pagesizes.landscape(A4)`` for wide tables.

    Output is deterministic: the same arguments give byte-identical files.
    Flowables are laid out (and tables split) in place, so pass a builder rather than
    a shared list when the same body is rendered more than once.
    """
    register_cjk_fonts()
    styles = document_styles()
    body = list(content(styles) if callable(content) else content)

    buffer = io.BytesIO()
    doc = _PortalDocTemplate(
        buffer,
        meta=meta,
        pagesize=pagesize,
        unnumbered_pages=1 if cover else 0,
        # Resolved here, in the caller's active language, not later inside ReportLab.
        page_label=gettext("Page %(page)s of %(total)s"),
    )

    story: list[Flowable] = [doc.page_total]
    if cover:
        story.append(NextPageTemplate("body"))  # for the page after the cover
        story += _cover(meta, doc.width, doc.height)
        story.append(PageBreak())
        if toc:
            story += _toc(styles) + [PageBreak()]
        story += _title_block(meta)
    else:
        story += _letterhead(meta, doc.width) + _title_block(meta)
        if toc:
            story += _toc(styles) + [Spacer(1, 6 * mm)]
    story += body
    if sign_off:
        story += _sign_off(meta)

    with _build_lock:
        if toc:
            # the contents need their page numbers: ReportLab lays the document out until they settle
            doc.multiBuild(story)
        else:
            # one pass (issue 13): "page N of M" is filled in once the last page is laid out
            doc.single_pass = True
            doc.build(story)
    return buffer.getvalue()


def _toc(styles: DocumentStyles) -> list[Flowable]:
    table_style = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), CJK_FONT, BODY_SIZE),  # not Helvetica (unembedded)
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    toc = TableOfContents(
        levelStyles=list(styles.toc_levels), tableStyle=table_style, dotsMinLevel=0
    )
    return [Paragraph(_markup(gettext("Contents")), styles.toc_title), toc]


def pdf_response(filename: str, data: bytes, *, inline: bool = False) -> HttpResponse:
    """Serve PDF bytes as a download (or ``inline`` for the browser's viewer).

    Chinese file names are sent as RFC 5987 ``filename*=utf-8''…`` (Django's
    ``content_disposition_header``); ASCII names as a plain quoted ``filename``.
    """
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    response["Content-Length"] = str(len(data))
    return response
