"""The shared document renderer: real PDFs (ReportLab) read back and rendered by PDFium,
real xlsx read back by openpyxl, HTML parsed as text."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from xiaozhang.reports import document
from xiaozhang.reports.document import Document, Figure, Percent, Table, Text

from documents_check import (AMOUNT_AS_TEXT, ASCII_COMMA_IN_CHINESE, INTERNAL, document_texts, every_document,
                             text_lines)


def sample(rows: int = 5) -> Document:
    body = [[f"{i + 1:02d}", f"一年级{i % 4 + 1}班", 40 + i, Decimal("600.00") + i, Percent(Decimal("0.052"))]
            for i in range(rows)]
    total_amount = sum((row[3] for row in body), Decimal(0))
    return Document(
        title="作业本费代收费结算清单",
        subtitle="青禾市明德区实验小学 2025-2026 学年第一学期",
        info=[("期间", "2025-09-01 至 2026-01-31"), ("账本", "ledger/main.beancount")],
        blocks=[
            Text("一、收支情况", style="h"),
            Table(["序号", "班级", "人数", "收取（元）", "比例"], body, title="各班收取情况",
                  total=["合计", None, sum(row[2] for row in body), total_amount, None]),
            Text("多退少不补：每生退 1.20 元。" * 6),
            Text("注：本表由校账根据账本自动生成。", style="note"),
        ],
        signatures=["经办人", "审核人", "校长"],
        closing=["青禾市明德区实验小学", "2026年1月31日"],
        footer="监督电话：0000-1234567",
    )


def test_pdf_has_the_chinese_text_page_numbers_and_an_embedded_font():
    pdf = document.pdf_bytes(sample())
    assert b"/FontFile2" in pdf  # the TrueType font is embedded, not referenced
    (text,) = document.pdf_text(pdf)
    for expected in ("作业本费代收费结算清单", "各班收取情况", "一年级1班", "600.00", "3,010.00",
                     "5.20%", "经办人", "监督电话：0000-1234567", "第 1 页 共 1 页", "2026年1月31日"):
        assert expected in text


def test_long_tables_repeat_their_header_on_every_page():
    pdf = document.pdf_bytes(sample(rows=120))
    pages = document.pdf_text(pdf)
    assert len(pages) >= 3
    table_pages = [text for text in pages if "一年级" in text]
    assert len(table_pages) >= 3
    for text in table_pages:
        assert "收取（元）" in text  # the header row, repeated
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "作业本费代收费结算清单" in text  # the running header
    assert "合计" in table_pages[-1] and "校长" in pages[-1]


def test_png_is_the_rendered_notice_not_a_blank_page(tmp_path):
    path = document.write_png(sample(), tmp_path / "notice.png")
    image = Image.open(path).convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.02  # one A4 page
    dark = sum(image.histogram()[:128])
    assert dark > width * height * 0.005  # text and rules were drawn


def test_png_stacks_all_pages(tmp_path):
    doc = sample(rows=120)
    pages = len(document.pdf_text(document.pdf_bytes(doc)))
    image = Image.open(document.write_png(doc, tmp_path / "long.png", scale=1))
    assert image.height > pages * image.width * 1.3


def test_html_escapes_and_aligns_numbers():
    doc = sample()
    doc.blocks = [*doc.blocks, Text("<script>alert(1)</script>")]
    html = document.render_html(doc)
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert '<td class="num">3,010.00</td>' in html
    assert '<tr class="total">' in html
    fragment = document.render_html(doc, standalone=False)
    assert "<html" not in fragment and '<article class="xz-doc">' in fragment


def test_xlsx_keeps_numbers_as_numbers_one_sheet_per_document(tmp_path):
    second = sample()
    second.title = "教辅资料费代收费结算清单：一年级[1]班/备用名称很长很长很长很长很长很长"
    path = document.write_xlsx([sample(), second, sample()], tmp_path / "book.xlsx")
    workbook = load_workbook(path)
    assert len(workbook.sheetnames) == 3 and len(set(workbook.sheetnames)) == 3
    assert all(len(name) <= 31 and "/" not in name and "[" not in name for name in workbook.sheetnames)
    sheet = workbook[workbook.sheetnames[0]]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert cells["作业本费代收费结算清单"].font.bold
    assert cells[600].number_format == "#,##0.00"
    assert cells[3010].number_format == "#,##0.00"  # the total row, a number
    assert cells[0.052].number_format == "0.00%"
    assert "经办人：" in cells


def test_write_all_formats_atomically(tmp_path):
    written = document.write(sample(), tmp_path / "out", document.safe_filename("一年级/1班"))
    assert [p.name for p in written] == [f"一年级-1班.{fmt}" for fmt in document.FORMATS]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)
    assert all(p.stat().st_size > 500 for p in written)


def test_figures_are_embedded(tmp_path):
    from xiaozhang.reports.document import pdf_png

    png = pdf_png(document.pdf_bytes(sample()), scale=0.3)
    doc = Document(title="图表", blocks=[Figure(png, title="示意图", width_mm=60)])
    assert "示意图" in document.pdf_text(document.pdf_bytes(doc))[0]
    assert 'src="data:image/png;base64,' in document.render_html(doc)
    load_workbook(document.write_xlsx(doc, tmp_path / "fig.xlsx"))


def test_missing_font_is_a_clear_message(monkeypatch):
    monkeypatch.setenv("XIAOZHANG_PDF_FONT", "/nonexistent/font.ttf")
    document._register_font.cache_clear()
    try:
        with pytest.raises(document.DocumentError, match="fonts-wqy-zenhei"):
            document.pdf_bytes(sample())
    finally:
        monkeypatch.delenv("XIAOZHANG_PDF_FONT")
        document._register_font.cache_clear()


def test_rows_must_match_the_columns():
    with pytest.raises(ValueError, match="row 1 has 2 cells"):
        Table(["a", "b", "c"], [["1", "2", "3"], ["1", "2"]])


def test_a_heading_never_ends_a_page_away_from_its_table():
    """Whatever comes before it, a section heading is printed on the page of its table."""
    for filler in range(30, 60):
        doc = Document(title="分页测试", blocks=[
            *[Text(f"第{n}行说明文字。") for n in range(filler)],
            Text("三、支出明细", style="h"),
            Table(["项目", "金额"], [["作业本费", Decimal("1.00")]] * 20),
        ])
        pages = document.pdf_text(document.pdf_bytes(doc))
        heading_page = next(i for i, text in enumerate(pages) if "三、支出明细" in text)
        assert "作业本费" in pages[heading_page], filler


def test_write_many_in_worker_processes(tmp_path):
    jobs = [(sample(rows=n + 1), tmp_path / "many", f"doc-{n:02d}", ("pdf", "html")) for n in range(20)]
    paths = document.write_many(jobs, processes=2)  # 16 chunks: jobs dealt out in turn, then reordered
    assert [p.name for p in paths] == [f"doc-{n:02d}.{f}" for n in range(20) for f in ("pdf", "html")]
    assert all(p.stat().st_size > 1000 for p in paths)
    (text,) = document.pdf_text(tmp_path / "many" / "doc-05.pdf")
    assert "一年级2班" in text and "合计" in text
    assert document.write_many(jobs[:1], processes=2) == [tmp_path / "many" / "doc-00.pdf",
                                                          tmp_path / "many" / "doc-00.html"]


def test_png_of_a_plain_document_is_grey_and_of_a_chart_in_colour(tmp_path):
    from xiaozhang.reports.render import Series, bar_chart_png

    plain = Image.open(document.write_png(sample(), tmp_path / "plain.png"))
    assert plain.mode == "L"
    chart = bar_chart_png(["9月"], [Series("支出", [Decimal("10")], "#e8833a")], title="图")
    doc = Document(title="带图的报表", blocks=[Figure(chart, title="支出")])
    (png,) = document.write(doc, tmp_path, "chart", ("png",))
    coloured = Image.open(png)
    assert coloured.mode == "RGB"
    assert (232, 131, 58) in {colour for _n, colour in coloured.getcolors(maxcolors=1 << 20)}


def test_a_table_that_does_not_fit_splits_instead_of_jumping_to_the_next_page():
    """A long first table fills most of page 1; the second table starts on page 1's remainder
    when there is room for its caption and a few rows, and splits, repeating its header."""
    first = [[f"{i:02d}", "一年级1班", 40, Decimal("1.00"), None] for i in range(30)]
    second = [[f"{i:02d}", "二年级1班", 40, Decimal("2.00"), None] for i in range(40)]
    columns = ["序号", "班级", "人数", "金额", "备注"]
    doc = Document(title="分页", blocks=[Table(columns, first, title="表一"),
                                       Table(columns, second, title="表二")])
    pages = document.pdf_text(document.pdf_bytes(doc))
    assert "表二" in pages[0] and "二年级1班" in pages[0]  # no blank gap after table one
    assert "二年级1班" in pages[1] and "金额" in pages[1]


def test_text_that_looks_like_a_formula_is_written_as_text_in_xlsx(tmp_path):
    """Bank memos such as `=HYPERLINK(…)` reach reports; in the workbook every such string is a
    text cell, never a live formula (titles, headers, cells, signatures, closing lines)."""
    from zipfile import ZipFile

    nasty = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1+1"]
    doc = Document(title="=1+2", info=[("备注", "=A1")], signatures=["=B1"], closing=["=C1"],
                   blocks=[Text("=D1"), Table(["=列", "金额"], [[text, Decimal("1.00")] for text in nasty],
                                              title="=表")])
    path = document.write_xlsx(doc, tmp_path / "x.xlsx")
    with ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in the workbook
    sheet = load_workbook(path).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    types = {c.value: c.data_type for row in sheet.iter_rows() for c in row if isinstance(c.value, str)}
    for text in nasty + ["=1+2", "=列", "=D1", "=表", "=B1：", "=C1"]:
        assert text in values and types[text] == "s", text
    assert Decimal(str(sheet.cell(row=[c.value for c in sheet["A"]].index(nasty[0]) + 1, column=2).value)) == 1


# -- every document type of the example school, as its reader gets it ------------------------------
EXAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "ledger" / "students.csv"


@pytest.fixture(scope="module")
def example_documents(example_ledger):
    """One document of every type, for the bundled example school."""
    from xiaozhang.roster import read_roster

    return every_document(example_ledger.entries, example_ledger.options_map, read_roster(EXAMPLE_ROSTER))


def test_public_documents_show_no_internal_detail(example_documents):
    """Issue 14: no file path, rule code, metadata key or account name on any document; the
    school, the period, the contact and the signature lines stay."""
    for name, doc in example_documents.items():
        for fmt, text in document_texts(doc).items():
            found = sorted({m.group(0) for m in INTERNAL.finditer(text)})
            assert found == [], (name, fmt, found)
            assert not ASCII_COMMA_IN_CHINESE.search(text), (name, fmt, ASCII_COMMA_IN_CHINESE.search(text))
            assert "青禾市明德区实验小学" in text, (name, fmt)
            if doc.signatures and fmt != "xlsx":
                assert f"{doc.signatures[0]}：" in text, (name, fmt)


def test_amounts_are_numbers_in_every_spreadsheet(example_documents):
    """Issue 14: money cells are numbers with a money format, never "退 1.40" strings."""
    for name, doc in example_documents.items():
        book = load_workbook(io.BytesIO(document.xlsx_bytes(doc)))
        cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
        assert not [c.value for c in cells if isinstance(c.value, str) and AMOUNT_AS_TEXT.match(c.value)], name
        money = [c for c in cells if isinstance(c.value, float)]
        assert all(c.number_format in ("#,##0.00", "0.00%") for c in money), name


def test_money_columns_are_right_aligned_in_html(example_documents):
    doc = example_documents["班级公示"]
    page = document.render_html(doc)
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert document._numeric_columns(table)[2:] == [True] * (len(table.columns) - 2)
    assert page.count('class="num"') >= len(table.rows) * (len(table.columns) - 2)


def test_per_student_totals_on_class_notice_and_statement(example_documents):
    notice = example_documents["班级公示"]
    totals = next(b for b in notice.blocks if isinstance(b, Table) and b.title == "每生合计（元）")
    assert totals.columns[2:4] == ["应退合计", "应补合计"]
    assert all(isinstance(row[2], Decimal) for row in totals.rows)
    statement = example_documents["个人结算单"]
    assert any(isinstance(b, Text) and b.text.startswith("本学期应退合计") for b in statement.blocks)


def test_phone_picture_is_one_readable_column(example_documents):
    """Issue 14: the parents' picture is ~1080 px wide, in type large enough to read without
    zooming (every line of text at least 22 px high: no small print, no page header or footer),
    one card per item, split into numbered pictures when long; school and contact on each."""
    for name in ("收费公示", "班级公示", "伙食费收支公示"):
        doc = example_documents[name]
        assert doc.phone, name
        pictures = document.phone_pngs(doc)
        for index, png in enumerate(pictures):
            with Image.open(io.BytesIO(png)) as image:
                assert image.width == document.PHONE_WIDTH, name
                assert image.height <= document.PHONE_PART + 900, (name, image.height)
                lines = text_lines(image)
                assert len(lines) >= 3 and min(lines) >= 22, (name, index, sorted(lines)[:5])
        assert len(pictures) > 1 or name == "伙食费收支公示", (name, len(pictures))
    # the class notice: one card per student, never cut between two pictures
    doc = example_documents["班级公示"]
    total = sum(Image.open(io.BytesIO(png)).height for png in document.phone_pngs(doc))
    assert total > len(next(b for b in doc.blocks if isinstance(b, Table)).rows) * 150


def test_phone_pictures_are_written_numbered(tmp_path):
    rows = [[f"{n:02d}", f"学生{n}", Decimal("15.00"), Decimal("1.20")] for n in range(1, 80)]
    doc = Document(title="班级收费结算公示", subtitle="青禾市明德区实验小学", phone=True,
                   blocks=[Table(["序号", "姓名", "已缴", "应退"], rows)], footer="监督电话：0000-1234567")
    written = document.write(doc, tmp_path, "一(1)班", ("png",))
    assert [p.name for p in written] == [f"一(1)班-{n}.png" for n in range(1, len(written) + 1)]
    assert len(written) >= 2
    short = document.write(Document(title="公示", phone=True, blocks=[Text("本月没有收支。")]), tmp_path, "短", ("png",))
    assert [p.name for p in short] == ["短.png"]


def test_signatures_stay_with_the_last_table():
    """Issue 14: a signature block never stands alone on a page: a short last table (and the
    notes after it) move to the next page with it."""
    for filler in range(20, 40, 2):  # push the last table towards the page's end
        rows = [[f"{i}", Decimal("1.00")] for i in range(filler)]
        doc = Document(title="固定资产增减变动表", blocks=[
            Table(["类别", "原值"], rows, title="一、原值（元）"),
            Table(["类别", "累计折旧"], [[f"类{i}", Decimal("2.00")] for i in range(9)], title="二、累计折旧与净值（元）",
                  total=["合计", Decimal("18.00")]),
            Text("各类别：年初原值＋本年增加－本年减少＝年末原值。", "note")],
            signatures=["单位负责人", "财务负责人", "制表人"], closing=["青禾市明德区实验小学", "2025年12月31日"])
        pages = document.pdf_text(document.pdf_bytes(doc))
        signed = next(page for page in pages if "单位负责人" in page)
        assert "二、累计折旧与净值" in signed and "合计" in signed and "各类别" in signed, (filler, len(pages))
