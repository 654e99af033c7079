"""The shared PDF template: letterhead, page numbers, cover, contents, font, determinism.

The PDFs are checked the way a reader sees them, through poppler's ``pdftotext``,
``pdfinfo`` and ``pdffonts``, with zh-hans active: the footer and the contents
heading come from ``locale/zh_Hans`` (msgids "Page %(page)s of %(total)s" and
"Contents").
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation

from reports.fonts import SYSTEM_FONT, VENDORED_FONT, cjk_font_path
from reportlab.platypus import PageBreak, Spacer

from reports.pdf import (
    DocumentMeta,
    data_table,
    format_date_zh,
    heading,
    paragraph,
    pdf_response,
    render_pdf,
)

# The zh_Hans translations of the template's msgids. pdftotext drops the narrow spaces
# around the digits, so footers are matched with label_re(), not as plain substrings.
PAGE_LABEL = "第 {page} 页 共 {total} 页"
CONTENTS = "目录"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdffonts")),
    reason="poppler-utils (pdftotext, pdfinfo, pdffonts) not installed",
)

META = DocumentMeta(
    title="关于开展党的群众路线教育实践活动督导工作的通知",
    number="冀群组发〔2014〕34号",
    issuer="中共河北省委党的群众路线教育实践活动领导小组",
    date=datetime.date(2014, 4, 30),
    subtitle="（第一批）",
)
SENTENCE = "各级党组织要认真贯彻落实中央八项规定精神，坚决反对形式主义、官僚主义、享乐主义和奢靡之风。"


@pytest.fixture(autouse=True)
def chinese() -> None:
    with translation.override("zh-hans"):
        yield


def write(tmp_path: Path, data: bytes, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(path: Path, page: int | None = None, *, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeeze(text: str) -> str:
    """Drop all whitespace: CJK line breaking may split a title anywhere."""
    return re.sub(r"\s+", "", text)


def page_count(path: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def label_re(page: int | None = None, total: int | None = None) -> re.Pattern[str]:
    """The footer for ``page`` of ``total`` (any number when None), however spaced:
    pdftotext drops the narrow spaces between CJK characters and digits."""

    def token(part: str) -> str:
        if part in ("{page}", "{total}"):
            value = page if part == "{page}" else total
            return r"(?<!\d)" + (str(value) if value is not None else r"\d+") + r"(?!\d)"
        return re.escape(part)

    parts = re.findall(r"\{page\}|\{total\}|[^\s{}]+", PAGE_LABEL)
    return re.compile(r"\s*".join(token(part) for part in parts))


def has_label(text: str, page: int, total: int) -> bool:
    return bool(label_re(page, total).search(text))


def long_body(sections: int = 4) -> list:
    story = []
    for n in range(1, sections + 1):
        story.append(heading(f"第{n}部分 工作要求"))
        story += [paragraph(SENTENCE * 4) for _ in range(8)]
    return story


def test_first_page_has_letterhead_title_number_and_page_label(tmp_path: Path) -> None:
    path = write(tmp_path, render_pdf(META, [paragraph(SENTENCE)]))
    text = text_of(path)
    flat = squeeze(text)

    assert page_count(path) == 1
    assert squeeze(META.title) in flat
    assert "冀群组发〔2014〕34号" in text
    assert squeeze(META.issuer) in flat
    assert "（第一批）" in text
    assert "2014年4月30日" in text  # sign-off date
    assert has_label(text, 1, 1)


def test_letterhead_order_is_issuer_number_then_title(tmp_path: Path) -> None:
    flat = squeeze(text_of(write(tmp_path, render_pdf(META, [paragraph(SENTENCE)]))))
    assert flat.index(squeeze(META.issuer)) < flat.index("冀群组发") < flat.index("关于开展")


def test_every_page_shows_its_number_and_the_right_total(tmp_path: Path) -> None:
    path = write(tmp_path, render_pdf(META, long_body()))
    total = page_count(path)

    assert total >= 3
    for page in range(1, total + 1):
        assert has_label(text_of(path, page), page, total)


def test_cover_page_counts_as_page_one_without_showing_it(tmp_path: Path) -> None:
    """Issue 12: numbers count from the cover, so the printed number is the viewer's page number."""
    path = write(tmp_path, render_pdf(META, long_body(), cover=True))
    physical = page_count(path)
    cover = text_of(path, 1)

    assert squeeze(META.title) in squeeze(cover)
    assert "冀群组发〔2014〕34号" in cover
    assert "2014年4月30日" in cover
    assert not label_re().search(cover)  # no footer at all
    assert has_label(text_of(path, 2), 2, physical)
    assert has_label(text_of(path, physical), physical, physical)


def test_the_creation_date_is_the_documents_date_not_a_fixed_one(tmp_path: Path) -> None:
    """Issue 12: the PDF's properties carry the document's date (2014-04-30, Beijing time), not
    ReportLab's fixed 2000-01-01; a given moment is used as it is."""
    def created(meta: DocumentMeta) -> str:
        info = subprocess.run(["pdfinfo", "-isodates", str(write(tmp_path, render_pdf(meta, [paragraph(SENTENCE)])))],
                              check=True, capture_output=True, text=True).stdout
        return next(line.split(None, 2)[-1] for line in info.splitlines() if line.startswith("CreationDate:"))

    assert created(META) == "2014-04-30T00:00:00+08"
    moment = datetime.datetime(2014, 5, 6, 1, 30, tzinfo=datetime.timezone.utc)
    assert created(DocumentMeta(title="标题", date=datetime.date(2014, 5, 6), created=moment)) == "2014-05-06T09:30:00+08"
    assert "2000" in created(DocumentMeta(title="标题"))  # no date at all: the fixed one


def test_contents_list_headings_with_the_pages_they_are_on(tmp_path: Path) -> None:
    story = []
    for n in range(1, 4):
        # One section per page, so section n is printed on page n + 1.
        story += [PageBreak(), heading(f"第{n}部分 工作要求"), paragraph(SENTENCE)]
    path = write(tmp_path, render_pdf(META, story, toc=True))
    contents = text_of(path, 1, layout=True)

    assert page_count(path) == 4
    assert CONTENTS in contents
    for n in range(1, 4):
        assert f"第{n}部分 工作要求" in text_of(path, n + 1)
        assert re.search(rf"第{n}部分 工作要求[ .]*{n + 1}$", contents, re.M), contents


def test_contents_after_a_cover_number_pages_like_the_footer(tmp_path: Path) -> None:
    story = [PageBreak(), heading("第1部分 工作要求"), paragraph(SENTENCE)]
    path = write(tmp_path, render_pdf(META, story, cover=True, toc=True))
    contents = text_of(path, 2, layout=True)

    # cover (page 1, no number shown), contents (page 2), title (page 3), section (page 4)
    assert page_count(path) == 4
    assert CONTENTS in contents
    assert has_label(contents, 2, 4)
    assert re.search(r"第1部分 工作要求[ .]*4$", contents, re.M), contents
    assert has_label(text_of(path, 4), 4, 4)


def test_cjk_font_is_embedded_and_no_other_font_is_used(tmp_path: Path) -> None:
    table = data_table(["序号", "单位"], [[1, "石家庄市"]])
    path = write(tmp_path, render_pdf(META, [heading("一、情况"), table], toc=True))
    out = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout
    fonts = out.splitlines()[2:]

    assert fonts, out
    for line in fonts:
        # columns: name type encoding emb sub uni object ID
        assert "WenQuanYi" in line, line
        assert line.split()[-5] == "yes", line


def test_same_input_gives_identical_bytes() -> None:
    first = render_pdf(META, long_body(), cover=True, toc=True)
    second = render_pdf(META, long_body(), cover=True, toc=True)
    assert first == second


def test_identical_bytes_in_another_process() -> None:
    """What is compared in practice: a file on record with one regenerated later."""
    script = (
        "import datetime, django, sys;"
        "django.setup();"
        "from django.utils import translation;"
        "translation.activate('zh-hans');"
        "from reports.pdf import DocumentMeta, paragraph, render_pdf;"
        "m = DocumentMeta(title='标题', number='冀群组发〔2014〕34号', issuer='领导小组',"
        " date=datetime.date(2014, 4, 30));"
        "sys.stdout.buffer.write(render_pdf(m, [paragraph('正文' * 500)]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            check=True,
            capture_output=True,
            env={**env, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0].startswith(b"%PDF")
    assert outputs[0] == outputs[1]


def test_user_text_is_not_parsed_as_markup(tmp_path: Path) -> None:
    hostile = 'a < b & c <script>alert("x")</script> <b>未闭合'
    path = write(tmp_path, render_pdf(META, [heading(hostile), paragraph(hostile)]))
    assert text_of(path).count("<script>") == 2


def test_long_table_repeats_its_header_on_each_page(tmp_path: Path) -> None:
    rows = [[n, f"某某县委组织部{n}", 95.5, datetime.date(2014, 5, 1 + n % 28), "无"] for n in range(120)]
    table = data_table(["序号", "单位名称", "完成率", "截止日期", "备注"], rows)
    path = write(tmp_path, render_pdf(META, [table]))
    total = page_count(path)

    assert total >= 2
    for page in range(1, total + 1):
        assert "单位名称" in text_of(path, page)
    assert "2014年5月2日" in text_of(path)


def test_data_table_rejects_rows_longer_than_the_header() -> None:
    with pytest.raises(ValueError):
        data_table(["a"], [[1, 2]])


def test_heading_levels_are_one_to_three() -> None:
    with pytest.raises(ValueError):
        heading("x", level=4)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2014, 4, 30), "2014年4月30日"),
        (datetime.date(2014, 12, 1), "2014年12月1日"),
        (None, ""),
        # 20:00 UTC on the 29th is already the 30th in China (TIME_ZONE Asia/Shanghai).
        (datetime.datetime(2014, 4, 29, 20, 0, tzinfo=datetime.timezone.utc), "2014年4月30日"),
    ],
)
def test_format_date_zh(value: datetime.date | None, expected: str) -> None:
    assert format_date_zh(value) == expected


def test_pdf_response_sends_chinese_file_name_as_rfc5987() -> None:
    response = pdf_response("督导卡 冀群组发〔2014〕34号.pdf", b"%PDF-1.4")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == "8"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E7%9D%A3%E5%AF%BC%E5%8D%A1%20%E5%86%80%E7%BE%A4"
        "%E7%BB%84%E5%8F%91%E3%80%942014%E3%80%9534%E5%8F%B7.pdf"
    )
    assert pdf_response("card.pdf", b"", inline=True)["Content-Disposition"] == (
        'inline; filename="card.pdf"'
    )


def test_font_setting_must_name_an_existing_file(tmp_path: Path) -> None:
    with override_settings(REPORTS_CJK_FONT=str(tmp_path / "missing.ttc")):
        with pytest.raises(ImproperlyConfigured):
            cjk_font_path()
    existing = SYSTEM_FONT if SYSTEM_FONT.exists() else VENDORED_FONT
    with override_settings(REPORTS_CJK_FONT=str(existing)):
        assert cjk_font_path() == existing


@override_settings(REPORTS_CJK_FONT=None)
def test_vendored_font_is_the_default() -> None:
    assert VENDORED_FONT.is_file()
    assert cjk_font_path() == VENDORED_FONT


def test_footer_follows_the_active_language(tmp_path: Path) -> None:
    with translation.override("en"):
        text = text_of(write(tmp_path, render_pdf(META, [paragraph(SENTENCE)])))
    assert "Page 1 of 1" in text
    assert squeeze(META.title) in squeeze(text)  # the data stays Chinese


def test_issue13_reportlab_measures_text_with_its_c_accelerator():
    """Issue 13: the PDFs' string widths are measured by ReportLab's C accelerator (rl_accel in
    requirements.txt), not by its pure-Python fallback that made a 200-card report take seconds."""
    from reportlab.lib import rl_accel

    assert rl_accel.instanceStringWidthTTF.__module__ == "_rl_accel"
    assert rl_accel.escapePDF.__module__ == "_rl_accel"


def test_issue13_a_document_without_contents_is_laid_out_once(tmp_path: Path) -> None:
    """Issue 13: "page N of M" no longer needs a second layout pass — every flowable is drawn once and the
    footers still carry the right total; a document with contents still settles its page numbers."""
    from reportlab.platypus import Flowable

    class Counted(Flowable):
        draws = 0

        def wrap(self, available_width, available_height):
            return 10, 10

        def draw(self):
            Counted.draws += 1

    path = write(tmp_path, render_pdf(META, [Counted(), *long_body()]))
    assert Counted.draws == 1
    total = page_count(path)
    assert total >= 3 and all(has_label(text_of(path, page), page, total) for page in (1, total))
    Counted.draws = 0
    render_pdf(META, [Counted(), *long_body()], toc=True)
    assert Counted.draws >= 2  # the contents' page numbers take more passes


def test_issue_13_short_cells_drawn_as_text_long_ones_wrapped_and_repeats_parsed_once(tmp_path: Path) -> None:
    """issue 13: cells that fit on one line are drawn as plain text (numbers still right-aligned, user text
    never parsed as markup); longer ones still wrap inside their column; a text repeated on 300 rows (its
    parse reused) is printed 300 times, each row in its place."""
    long_text = "此单位的整改措施需要进一步细化落实到人，" * 6
    rows = [[n, "已签收", "a<b & c", long_text if n == 7 else "短"] for n in range(300)]
    table = data_table(["序号", "状态", "备注", "说明"], rows)
    cells = table._cellvalues
    assert cells[1][1] == "已签收" and cells[1][2] == "a<b & c" and cells[1][0] == "0"
    assert not isinstance(cells[8][3], str)  # the long text is a paragraph that wraps in its column
    assert table._cellStyles[1][0].alignment == "RIGHT" and table._cellStyles[1][1].alignment != "RIGHT"
    path = write(tmp_path, render_pdf(META, [table]))
    text = "".join(text_of(path, page) for page in range(1, page_count(path) + 1))
    assert text.count("已签收") == 300
    assert text.count("a<b & c") == 300
    assert "此单位的整改措施需要进一步细化落实到人" in text
    assert "299" in text


def test_issue_13_a_repeated_paragraph_is_parsed_once_and_prints_the_same(monkeypatch) -> None:
    """issue 13: a text too long for one line, repeated on 200 rows, is parsed by ReportLab's markup parser
    once (its fragments copied for each row), and the document is byte for byte the one built without that
    reuse; a tab keeps a short cell a paragraph (white space folded, not drawn as a box)."""
    from reportlab.platypus import paraparser

    from reports import pdf as pdf_module

    repeated = "整改措施需要进一步细化落实到每一个责任人并按期报送督导组"
    rows = [[n, repeated, "甲\t乙"] for n in range(200)]
    calls = []
    real_parse = paraparser.ParaParser.parse
    monkeypatch.setattr(paraparser.ParaParser, "parse",
                        lambda self, *a, **kw: calls.append(1) or real_parse(self, *a, **kw))
    pdf_module.forget_parsed()
    table = data_table(["序号", "说明", "备注"], rows, col_widths=["10%", "30%", "60%"])
    assert not isinstance(table._cellvalues[1][1], str) and not isinstance(table._cellvalues[1][2], str)
    assert len(calls) < 10  # three headers, the repeated text and the tabbed one: not 400 parses
    reused = render_pdf(META, [table])

    monkeypatch.setattr(pdf_module, "_FRAGS_MAX", 0)  # nothing kept: every paragraph parsed afresh
    pdf_module.forget_parsed()
    calls.clear()
    fresh = render_pdf(META, [data_table(["序号", "说明", "备注"], rows, col_widths=["10%", "30%", "60%"])])
    assert len(calls) >= 400
    assert reused == fresh


@pytest.mark.parametrize("headers, short", [
    (["步骤", "日期", "经办人", "事由", "状态", "结果"], ["提醒", datetime.date(2026, 12, 2), "逾期自动督办", "已执行", ""]),
    # English words are wider: the short columns no longer all fit beside the free text at their widths
    (["Step", "Date", "By", "Why", "Status", "Outcome"], ["Reminder", datetime.date(2026, 12, 2), "the overdue sweep",
                                                         "Taken", ""]),
])
def test_issue_13_short_columns_keep_their_line_beside_free_text(headers, short, tmp_path: Path) -> None:
    """Leaders' tables are laid out as a browser lays out one: a header, a date, a name or a status that fits on
    a line keeps it beside a long free-text column, which takes what is left and wraps (shared by text length
    alone, 状态 and Status broke into a character or two per line, and so did the dates)."""
    long_text = "石督卡〔2026〕8号于2026-12-01到期，逾期1天未反馈整改情况，县委书记表示三日内整改到位。" * 2
    row = [*short[:3], long_text, *short[3:]]
    table = data_table(headers, [row])
    shares = [float(width.rstrip("%")) for width in table._argW]
    assert abs(sum(shares) - 100) < 0.01
    assert all(isinstance(cell, str) for cell in table._cellvalues[0])  # every header on one line
    assert [isinstance(cell, str) for cell in table._cellvalues[1]] == [True, True, True, False, True, True]
    text = text_of(write(tmp_path, render_pdf(META, [table])), 1)
    assert "2026年12月2日" in text and headers[4] in text


def test_issue_13_a_heading_stays_with_the_start_of_its_table_and_no_rows_are_left_alone(tmp_path: Path) -> None:
    """Compact documents for leaders: a heading and its table that do not fit on the rest of a page no longer
    move on whole, leaving the page blank below what came before — the heading stays with the table's first
    rows and the table goes on over the page, its header repeated. Wherever the page ends, at least three rows
    stand under the heading and at least three go over, every row is printed once, and a table with room for
    fewer rows than that moves on whole under its heading."""
    from reportlab.lib.units import mm as millimetre

    rows = [[f"第{n:02d}行", n] for n in range(1, 13)]
    seen_split = False
    for filler in range(20, 110, 3):  # how much of page 1 the text before the heading takes, in millimetres
        table = data_table(["名称", "数量"], rows)
        path = write(tmp_path, render_pdf(META, [Spacer(1, filler * millimetre), heading("二、明细"), table]))
        pages = [text_of(path, page) for page in range(1, page_count(path) + 1)]
        on_page = [[row[0] for row in rows if row[0] in text] for text in pages]
        assert sorted(name for names in on_page for name in names) == [row[0] for row in rows]
        assert sum("".join(text.split()).count("第01行") for text in pages) == 1
        heading_page = next(i for i, text in enumerate(pages) if "二、明细" in text)
        assert on_page[heading_page][:1] == ["第01行"] and len(on_page[heading_page]) >= 3
        for names, text in zip(on_page, pages):
            assert not names or (len(names) >= 3 and "名称" in text)  # no row alone; the header on each page
        seen_split |= heading_page == 0 and len(on_page[0]) < len(rows)
    assert seen_split  # somewhere the table began under its heading on page 1 and went on over the page
