"""Excel export and spreadsheet import: written files read back with openpyxl and
with read_table, CSV encodings from Chinese Excel, and the errors users see."""
from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation

from reports.excel import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    XLSX_CONTENT_TYPE,
    Sheet,
    TableReadError,
    read_table,
    write_xlsx,
    xlsx_response,
)

HEADERS = ["序号", "单位名称", "截止日期", "完成率", "联系电话", "备注"]
ROWS = [
    [1, "石家庄市委组织部", datetime.date(2014, 4, 30), 95.5, 13800138000, None],
    [2, "保定市委宣传部", datetime.date(2014, 12, 1), 100, 13900139000, "已完成"],
]


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    return buffer.getvalue()


@pytest.fixture
def exported() -> bytes:
    return write_xlsx([Sheet("进度统计", HEADERS, ROWS)])


def test_header_is_bold_frozen_and_filtered(exported: bytes) -> None:
    ws = workbook(exported)["进度统计"]

    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.b for c in ws[1])
    assert not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:F3"


def test_dates_are_real_dates_shown_in_chinese(exported: bytes) -> None:
    cell = workbook(exported)["进度统计"]["C2"]

    assert cell.is_date
    assert cell.value == datetime.datetime(2014, 4, 30)
    assert cell.number_format == DATE_FORMAT == 'yyyy"年"m"月"d"日"'


def test_aware_datetimes_are_written_in_local_time() -> None:
    moment = datetime.datetime(2014, 4, 29, 20, 30, tzinfo=datetime.timezone.utc)
    cell = workbook(write_xlsx([Sheet("t", ["时间"], [[moment]])]))["t"]["A2"]

    assert cell.value == datetime.datetime(2014, 4, 30, 4, 30)  # Asia/Shanghai
    assert cell.number_format == DATETIME_FORMAT


def test_numbers_stay_numbers(exported: bytes) -> None:
    ws = workbook(exported)["进度统计"]
    assert ws["A2"].value == 1
    assert ws["D2"].value == 95.5
    assert ws["E2"].data_type == "n"


def test_chinese_characters_count_double_in_column_widths(exported: bytes) -> None:
    widths = workbook(exported)["进度统计"].column_dimensions

    # "石家庄市委组织部": 8 wide characters = 16 cells, plus 2 of padding.
    assert widths["B"].width == 18
    # A short column still gets the minimum width, a date the width of 2014年12月31日.
    assert widths["A"].width == 8
    assert widths["C"].width == 16


def test_explicit_column_widths_win() -> None:
    data = write_xlsx([Sheet("t", ["a", "b"], [["x", "y"]], column_widths=[30, 12])])
    widths = workbook(data)["t"].column_dimensions
    assert (widths["A"].width, widths["B"].width) == (30, 12)


def test_text_that_looks_like_a_formula_stays_text() -> None:
    hostile = ['=HYPERLINK("http://evil.example","点我")', "#N/A", "+1", "tab\x07bell"]
    ws = workbook(write_xlsx([Sheet("t", ["a", "b", "c", "d"], [hostile])]))["t"]

    assert [c.data_type for c in ws[2]] == ["s", "s", "s", "s"]
    assert ws["A2"].value == hostile[0]
    assert ws["D2"].value == "tabbell"  # control characters Excel rejects are dropped


def test_sheet_titles_are_made_valid_and_unique() -> None:
    data = write_xlsx(
        [
            Sheet("进度/统计:表[1]", ["a"], []),
            Sheet("进度/统计:表[1]", ["a"], []),
            Sheet("很长的工作表名称" * 5, ["a"], []),
            Sheet("", ["a"], []),
        ]
    )
    titles = workbook(data).sheetnames

    assert titles[0] == "进度_统计_表_1_"
    assert titles[1] == "进度_统计_表_1_ (2)"
    assert len(titles[2]) == 31
    assert titles[3] == "Sheet4"


def test_write_needs_a_sheet() -> None:
    with pytest.raises(ValueError):
        write_xlsx([])


def test_round_trip_through_read_table(exported: bytes) -> None:
    assert read_table(exported, "进度统计.xlsx") == [
        HEADERS,
        ["1", "石家庄市委组织部", "2014-04-30", "95.5", "13800138000", ""],
        ["2", "保定市委宣传部", "2014-12-01", "100", "13900139000", "已完成"],
    ]


def test_read_table_takes_an_uploaded_file(exported: bytes) -> None:
    upload = SimpleUploadedFile("进度.xlsx", exported, content_type=XLSX_CONTENT_TYPE)
    upload.read()  # a form may have consumed it already
    assert read_table(upload, upload.name)[1][1] == "石家庄市委组织部"


def test_read_table_strips_cells_and_trims_empty_edges() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["  单位 ", "日期", None, None])
    ws.append(["甲", datetime.datetime(2014, 4, 30, 14, 30), None, None])
    ws.append([None, None, None, None])  # interior blank row keeps row numbers right
    ws.append(["乙", None, None, None])
    ws.append([None, None, None, None])
    ws["F10"].value = "   "  # whitespace only: trailing rows and columns are dropped
    buffer = io.BytesIO()
    wb.save(buffer)

    assert read_table(buffer.getvalue(), "a.XLSX") == [
        ["单位", "日期"],
        ["甲", "2014-04-30 14:30:00"],
        ["", ""],
        ["乙", ""],
    ]


CSV_TEXT = '单位,日期,备注\r\n石家庄市委组织部,2014-04-30,"含逗号,和""引号"""\r\n'
CSV_ROWS = [["单位", "日期", "备注"], ["石家庄市委组织部", "2014-04-30", '含逗号,和"引号"']]


@pytest.mark.parametrize(
    "encoded",
    [
        CSV_TEXT.encode("utf-8-sig"),  # Excel "CSV UTF-8"
        CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("gb18030"),  # Excel "CSV" on Chinese Windows (GBK)
    ],
    ids=["utf-8-bom", "utf-8", "gb18030"],
)
def test_csv_encodings(encoded: bytes) -> None:
    assert read_table(encoded, "导入.csv") == CSV_ROWS


def test_gb18030_beyond_gbk() -> None:
    text = "姓名\r\n𠀀\r\n"  # a CJK Extension B character: 4-byte GB18030
    assert read_table(text.encode("gb18030"), "x.csv") == [["姓名"], ["𠀀"]]


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"this is not a zip file", "bad.xlsx"),
        (zip_without_workbook(), "renamed.xlsm"),
        (b"", "empty.xlsx"),
        (b"", "empty.csv"),
        (b"\r\n , \r\n", "blank.csv"),
        ("单位\r\n".encode("utf-16"), "unicode.csv"),  # NUL bytes: not UTF-8/GB18030
        (b"\xff\xfe\xfd\x80", "garbage.csv"),
        (b"\xd0\xcf\x11\xe0", "old.xls"),
        (b"a,b", "table.txt"),
        (b"a,b", "no-extension"),
    ],
)
def test_unreadable_files_raise_table_read_error(content: bytes, filename: str) -> None:
    with pytest.raises(TableReadError) as info:
        read_table(content, filename)
    assert info.value.message
    assert str(info.value) == info.value.message


def test_corrupt_workbook_names_the_file() -> None:
    with translation.override("en"), pytest.raises(TableReadError) as info:
        read_table(b"PK\x03\x04 truncated", "uploads/进度.xlsx")
    assert info.value.message == "The file “进度.xlsx” is not a valid Excel workbook."


def test_error_messages_are_translated() -> None:
    with translation.override("en"), pytest.raises(TableReadError) as english:
        read_table(b"x", "old.xls")
    with translation.override("zh-hans"), pytest.raises(TableReadError) as chinese:
        read_table(b"x", "old.xls")

    assert english.value.message.startswith("Excel 97-2003 files (.xls) are not supported")
    assert chinese.value.message != english.value.message
    assert "old.xls" in chinese.value.message


@override_settings(IMPORT_MAX_BYTES=10)
def test_oversized_upload_is_refused() -> None:
    with pytest.raises(TableReadError):
        read_table(b"a,b\r\n" * 10, "big.csv")


def test_xlsx_response_headers(exported: bytes) -> None:
    response = xlsx_response("进度统计.xlsx", exported)

    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Length"] == str(len(exported))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%BF%9B%E5%BA%A6%E7%BB%9F%E8%AE%A1.xlsx"
    )
    assert response.content == exported


def test_export_of_a_naive_datetime_keeps_it() -> None:
    naive = datetime.datetime(2014, 4, 30, 9, 0)
    assert not timezone.is_aware(naive)
    cell = workbook(write_xlsx([Sheet("t", ["时间"], [[naive]])]))["t"]["A2"]
    assert cell.value == naive
