"""Excel export and spreadsheet import shared by every list of the portal.

* :func:`write_xlsx` turns :class:`Sheet` objects into an ``.xlsx`` file: bold, frozen
  header row with an autofilter, column widths that allow for double-width Chinese
  characters, and dates stored as real Excel dates shown as ``2014年4月30日``.
* :func:`read_table` reads an uploaded ``.xlsx`` or ``.csv`` (UTF-8 with or without
  BOM, or GB18030 as saved by Chinese Excel) into rows of stripped strings, for the
  importers that validate row by row. Anything unreadable raises
  :class:`TableReadError` with a message fit to show the user.
"""
from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = [
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "XLSX_CONTENT_TYPE",
    "Sheet",
    "TableReadError",
    "read_table",
    "write_xlsx",
    "xlsx_response",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Excel number formats: the cell keeps a sortable date, the reader sees 2014年4月30日.
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'

# Excel's limits: longer text makes Excel call the file corrupt; sheet names.
_MAX_CELL_CHARS = 32767
_MAX_SHEET_TITLE = 31
_SHEET_TITLE_FORBIDDEN = str.maketrans({c: "_" for c in '[]:*?/\\'})

_MIN_WIDTH = 8
_MAX_WIDTH = 60

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass
class Sheet:
    """One worksheet: a title, header labels and rows of cell values.

    Values may be ``str``, numbers, ``bool``, ``date``/``datetime`` or ``None``;
    anything else is written as ``str(value)``. ``column_widths`` (in Excel character
    units) overrides the computed widths.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    column_widths: Sequence[float] | None = None


class TableReadError(Exception):
    """An uploaded table cannot be read; ``message`` is translated, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- writing


def _display_width(text: str) -> int:
    """Width in half-width cells: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return "0000年00月00日 00:00"  # the shown width of DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return "0000年00月00日"
    return str(value)


def _excel_value(value: Any) -> tuple[Any, str | None]:
    """The value openpyxl should store, and the number format it needs, if any."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value, None
    if isinstance(value, datetime.datetime):
        # Excel has no time zones (openpyxl refuses aware values): store local time.
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value, DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if len(text) > _MAX_CELL_CHARS:
        text = text[: _MAX_CELL_CHARS - 1] + "…"
    return text, None


def _cell(ws: Any, value: Any, *, header: bool = False) -> WriteOnlyCell:
    stored, number_format = _excel_value(value)
    cell = WriteOnlyCell(ws, value=stored)
    if isinstance(stored, str) and cell.data_type in ("f", "e"):
        # openpyxl treats "=…" as a formula and "#N/A" as an error. Exported text comes
        # from users (the public message board): keep it inert text, never a formula.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if header:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGNMENT
    return cell


def _sheet_title(title: str, taken: set[str], index: int) -> str:
    """A title Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    base = (title or "").translate(_SHEET_TITLE_FORBIDDEN).strip().strip("'")
    base = base[:_MAX_SHEET_TITLE] or f"Sheet{index}"
    candidate, n = base, 2
    while candidate.lower() in taken:  # Excel compares sheet names case-insensitively
        suffix = f" ({n})"
        candidate = base[: _MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    widths = []
    for col, header in enumerate(headers):
        longest = max(
            [_display_width(str(header))]
            + [_display_width(_text_of(row[col])) for row in rows if col < len(row)]
        )
        widths.append(float(min(max(longest + 2, _MIN_WIDTH), _MAX_WIDTH)))
    return widths


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """Write the sheets to an ``.xlsx`` file and return its bytes."""
    if not sheets:
        raise ValueError("write_xlsx needs at least one sheet")
    # Write-only mode streams rows to the file instead of keeping a cell object per
    # value, so exporting a whole province's list stays within memory.
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    for index, sheet in enumerate(sheets, start=1):
        ws = wb.create_sheet(_sheet_title(sheet.title, taken, index))
        headers = list(sheet.headers)
        rows = [list(r) for r in sheet.rows]  # widths need every row before writing

        # Column widths, the frozen pane and the filter must be set before any row.
        widths = list(sheet.column_widths or _column_widths(headers, rows))
        for col, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        if headers:
            ws.freeze_panes = "A2"
            last_column = get_column_letter(max(len(headers), max(map(len, rows), default=0)))
            ws.auto_filter.ref = f"A1:{last_column}{len(rows) + 1}"
            ws.append([_cell(ws, h, header=True) for h in headers])
        for row in rows:
            ws.append([_cell(ws, v) for v in row])

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, data: bytes) -> HttpResponse:
    """Serve ``.xlsx`` bytes as a download; a Chinese name goes as RFC 5987 UTF-8."""
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(data))
    return response


# --------------------------------------------------------------------------- reading


def _read_bytes(source: bytes | IO[bytes]) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "seek"):
        source.seek(0)  # a form's clean() may already have read it
    return source.read()


def _cell_string(value: Any) -> str:
    """A spreadsheet value as the string an importer validates; dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Excel has no date-only type: a date typed into a cell comes back as midnight.
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # Excel stores every number as a float: phone numbers and IDs typed as
        # numbers must not come back as "13800138000.0".
        return str(int(value))
    return str(value).strip()


def _tidy(rows: Iterable[Sequence[Any]]) -> list[list[str]]:
    """Rows of stripped strings, rectangular, without trailing empty rows or columns.

    Interior empty rows are kept so that ``index + 2`` stays the spreadsheet row of a
    data row in error reports (row 1 being the header).
    """
    table = [[_cell_string(v) for v in row] for row in rows]
    while table and not any(table[-1]):
        table.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if v), default=0) for r in table), default=0)
    return [(r + [""] * width)[:width] for r in table]


def _check_expansion(data: bytes, name: str) -> None:
    """Issue 15: a workbook is a zip; a small file can expand to gigabytes of sheet XML (a "zip bomb"). Its
    entries' declared sizes are added up before anything is unpacked (``zipfile`` stops reading an entry at its
    declared size, so a lying header cannot get past this)."""
    limit = getattr(settings, "IMPORT_MAX_EXPANDED_BYTES", None)
    if not limit:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise TableReadError(
            gettext("The file “%(filename)s” is not a valid Excel workbook.") % {"filename": name}
        ) from exc
    size = f"{expanded / (1024 * 1024):.0f}"
    if expanded > limit:
        raise TableReadError(
            gettext("The file “%(filename)s” unpacks to %(size)s MB, more than the %(limit)s MB a workbook may hold.")
            % {"filename": name, "size": size, "limit": f"{limit / (1024 * 1024):g}"}
        )
    ratio = getattr(settings, "IMPORT_MAX_EXPANSION_RATIO", None)
    # a real workbook packs its XML 5 to 30 times; a bomb hundreds of times (small files are left alone)
    if ratio and expanded > 8 * 1024 * 1024 and expanded > ratio * len(data):
        raise TableReadError(
            gettext("The file “%(filename)s” unpacks to %(size)s MB, %(times)s times its own size: it is refused as "
                    "a possible zip bomb. Save it again from Excel or WPS.")
            % {"filename": name, "size": size, "times": expanded // len(data)}
        )


def _limited(rows: Iterable, name: str) -> Iterable:
    """The rows, refusing a sheet longer than ``IMPORT_MAX_ROWS`` (issue 15) before it is all in memory."""
    limit = getattr(settings, "IMPORT_MAX_ROWS", None)
    for count, row in enumerate(rows, start=1):
        if limit and count > limit:
            raise TableReadError(
                gettext("The file “%(filename)s” has more than %(rows)s rows: split it into smaller files.")
                % {"filename": name, "rows": limit}
            )
        yield row


def _read_xlsx(data: bytes, name: str) -> list[list[str]]:
    _check_expansion(data, name)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        # A damaged or disguised upload can fail in the zip, XML or openpyxl layer,
        # with many exception types; to the user each means "not a workbook".
        raise TableReadError(
            gettext("The file “%(filename)s” is not a valid Excel workbook.") % {"filename": name}
        ) from exc
    try:
        if not wb.worksheets:
            raise TableReadError(
                gettext("The file “%(filename)s” has no worksheet.") % {"filename": name}
            )
        ws = wb.worksheets[0]
        # Some writers (WPS, generators) record a wrong sheet size, and read-only mode
        # trusts it; resetting makes openpyxl read every row actually present.
        ws.reset_dimensions()
        try:
            return _tidy(_limited(ws.iter_rows(values_only=True), name))
        except TableReadError:
            raise
        except Exception as exc:
            raise TableReadError(
                gettext("The file “%(filename)s” is not a valid Excel workbook.")
                % {"filename": name}
            ) from exc
    finally:
        wb.close()


def _decode_text(data: bytes, name: str) -> str:
    not_text = TableReadError(
        gettext(
            "The file “%(filename)s” is not a CSV text file in UTF-8 or GB18030 encoding."
        )
        % {"filename": name}
    )
    # NUL bytes mean a binary file or UTF-16 ("Unicode text" from Excel), which
    # GB18030 would otherwise decode into nonsense without complaint.
    if b"\x00" in data:
        raise not_text
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise not_text from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Chinese Windows saves "CSV" in the ANSI code page (GBK), a subset
        # of GB18030.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise not_text from exc


def _read_csv(data: bytes, name: str) -> list[list[str]]:
    text = _decode_text(data, name)
    try:
        return _tidy(_limited(csv.reader(io.StringIO(text, newline="")), name))
    except csv.Error as exc:
        raise TableReadError(
            gettext("The CSV file “%(filename)s” could not be parsed: %(error)s")
            % {"filename": name, "error": exc}
        ) from exc


def read_table(source: bytes | IO[bytes], filename: str) -> list[list[str]]:
    """Read the first sheet of an ``.xlsx``/``.xlsm`` or a ``.csv`` into rows of strings.

    ``source`` is the file content or a binary file object (a Django
    ``UploadedFile``); ``filename`` decides the format by its extension. Cells are
    stripped strings, dates ISO (``2014-04-30``, ``2014-04-30 14:30:00``), and the
    table is rectangular with trailing empty rows and columns removed.
    Raises :class:`TableReadError` for unsupported, empty, oversized or unreadable
    files.
    """
    name = PurePath(filename or "").name
    extension = PurePath(name).suffix.lower()
    if extension == ".xls":
        raise TableReadError(
            gettext(
                "Excel 97-2003 files (.xls) are not supported: save “%(filename)s” "
                "as .xlsx and upload it again."
            )
            % {"filename": name}
        )
    if extension not in (".xlsx", ".xlsm", ".csv"):
        raise TableReadError(
            gettext("Unsupported file type “%(extension)s”: upload an .xlsx or .csv file.")
            % {"extension": extension or name}
        )

    empty = TableReadError(gettext("The file “%(filename)s” is empty.") % {"filename": name})
    data = _read_bytes(source)
    if not data:
        raise empty
    limit = getattr(settings, "IMPORT_MAX_BYTES", None)
    if limit and len(data) > limit:
        raise TableReadError(
            gettext("The file “%(filename)s” is larger than the limit of %(limit)s MB.")
            % {"filename": name, "limit": f"{limit / (1024 * 1024):g}"}
        )

    rows = _read_csv(data, name) if extension == ".csv" else _read_xlsx(data, name)
    if not rows:
        raise empty
    return rows
