"""Issue 14 at scale: every document type of a school of 3,000 students, made by the real
generator (`xiaozhang.example`, as `xiaozhang example --students 3000 --years 1`), loaded by the
real loader, written by the project's document writer (`document.write`: PDF, its PNG, xlsx,
HTML, the phone pictures) and read back: no path or code strings, amounts as numbers in the
xlsx, per-student totals, phone pictures 1080 px wide in readable type, no full student name or
学号 outside the student's own statement.

One class notice and one statement (the first of each), not all: the school's size shows in the
school notice (every class), the roster (the leak check reads every student's name) and the
figures; the same checks for the bundled school are in test_document.py and
test_disclosure_files.py (the shared helpers: documents_check.py)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest
from beancount import loader
from openpyxl import load_workbook
from PIL import Image

from xiaozhang.reports import document
from xiaozhang.reports.document import Document, Table, Text
from xiaozhang.roster import read_roster

from documents_check import (ASCII_COMMA_IN_CHINESE, INTERNAL, every_document, html_text, leaks, text_lines,
                             texts_of, xlsx_amount_problems)

BIG_SCHOOL_STUDENTS = 3000
SCHOOL = "青禾市明德区实验小学"
# the document types, by the name the tests give them (`every_document`)
TYPES = ["收费公示", "班级公示", "个人结算单", "伙食费收支公示", "食堂收支盈亏表",
         "资产卡片清单", "折旧计提表", "固定资产增减变动表"]
MONTHLY = 4  # the four monthly reports to the bureau (`monthly.REPORTS`)


@pytest.fixture(scope="session")
def big_school(tmp_path_factory) -> Path:
    """The folder of a school of 3,000 students, one school year, made once per test run."""
    from xiaozhang.example import ExampleConfig, generate

    out = tmp_path_factory.mktemp("big-school")
    generate(out, ExampleConfig.make(students=BIG_SCHOOL_STUDENTS, years=1))
    return out


class Rendered(NamedTuple):
    docs: dict[str, Document]
    files: dict[str, list[Path]]  # per document type, the files written
    roster: dict


@pytest.fixture(scope="module")
def rendered(big_school, tmp_path_factory) -> Rendered:
    entries, errors, options_map = loader.load_file(str(big_school / "main.beancount"))
    assert errors == []
    roster = read_roster(big_school / "students.csv")
    assert len([s for s in roster.values() if s.class_name]) >= BIG_SCHOOL_STUDENTS * 0.9
    docs = every_document(entries, options_map, roster)
    out = tmp_path_factory.mktemp("big-school-documents")
    files = {name: document.write(doc, out, document.safe_filename(name)) for name, doc in docs.items()}
    return Rendered(docs, files, roster)


def files_of(rendered: Rendered, name: str, suffix: str) -> list[Path]:
    return [p for p in rendered.files[name] if p.suffix == suffix]


def test_every_document_type_is_written_in_every_format(rendered):
    assert list(rendered.docs)[:len(TYPES)] == TYPES and len(rendered.docs) == len(TYPES) + MONTHLY
    for name, paths in rendered.files.items():
        assert sorted({p.suffix for p in paths}) == [".html", ".pdf", ".png", ".xlsx"], name
        assert all(p.stat().st_size > 500 for p in paths), name
    # the school's size shows: about 3,000 payers on the school notice, a full class on its notice
    notice = "\n".join(document.pdf_text(files_of(rendered, "收费公示", ".pdf")[0]))
    assert max(int(n) for n in re.findall(r"（(\d+)人）", notice)) >= BIG_SCHOOL_STUDENTS * 0.9
    class_rows = next(b for b in rendered.docs["班级公示"].blocks if isinstance(b, Table)).rows
    assert len(class_rows) >= 40


def test_no_path_or_code_strings(rendered):
    """What the reader sees of each file (PDF text, HTML text, xlsx cells): no file path, rule
    code, metadata key or account name; the school and the signature lines stay."""
    for name, doc in rendered.docs.items():
        for path in rendered.files[name]:
            if path.suffix == ".png":
                continue
            text = html_text(path.read_text(encoding="utf-8")) if path.suffix == ".html" else texts_of(path)
            found = sorted({m.group(0) for m in INTERNAL.finditer(text)})
            assert found == [], (path.name, found)
            assert not ASCII_COMMA_IN_CHINESE.search(text), (path.name, ASCII_COMMA_IN_CHINESE.search(text))
            assert SCHOOL in text, path.name
            if doc.signatures and path.suffix != ".xlsx":
                assert f"{doc.signatures[0]}：" in text, path.name


def test_amounts_are_numbers_in_every_spreadsheet(rendered):
    for name in rendered.docs:
        (path,) = files_of(rendered, name, ".xlsx")
        book = load_workbook(path)
        assert xlsx_amount_problems(book) == [], name
        numbers = [c.value for sheet in book for row in sheet.iter_rows() for c in row
                   if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
        assert numbers, name


def test_per_student_totals_on_the_class_notice_and_the_statement(rendered):
    """Each student's 应退合计 is the sum of their 应退 over the items, a number in the xlsx;
    the statement ends with the student's total."""
    notice = rendered.docs["班级公示"]
    tables = [b for b in notice.blocks if isinstance(b, Table)]
    totals = next(t for t in tables if t.title == "每生合计（元）")
    assert totals.columns[2:4] == ["应退合计", "应补合计"]
    refunds: dict[int, Decimal] = {}
    for table in tables[:-1]:
        columns = [i for i, c in enumerate(table.columns) if c.endswith("应退")]
        for row in table.rows:
            refunds[row[0]] = refunds.get(row[0], Decimal(0)) + sum((row[i] or Decimal(0) for i in columns),
                                                                     Decimal(0))
    assert len(totals.rows) == len(tables[0].rows)
    for row in totals.rows:
        assert isinstance(row[2], Decimal) and row[2] == refunds[row[0]], row
    assert sum(row[2] for row in totals.rows) > 0
    (xlsx,) = files_of(rendered, "班级公示", ".xlsx")
    cells = [c.value for sheet in load_workbook(xlsx) for row in sheet.iter_rows() for c in row]
    assert "应退合计" in cells
    numbers = {Decimal(str(v)).quantize(Decimal("0.01")) for v in cells if isinstance(v, (int, float))}
    assert {row[2] for row in totals.rows if row[2]} <= numbers
    pdf = re.sub(r"\s+", "", texts_of(files_of(rendered, "班级公示", ".pdf")[0]))
    assert "每生合计（元）" in pdf and "应退合计" in pdf

    statement = rendered.docs["个人结算单"]
    summary = next(b.text for b in statement.blocks
                   if isinstance(b, Text) and b.text.startswith("本学期应退合计"))
    table = next(b for b in statement.blocks if isinstance(b, Table))
    refund = sum((row[5] or Decimal(0) for row in table.rows), Decimal(0))
    assert summary.startswith(f"本学期应退合计 {refund:,.2f} 元")
    assert summary in texts_of(files_of(rendered, "个人结算单", ".pdf")[0]).replace("\n", "")


def test_phone_pictures_are_one_readable_column(rendered):
    """The parents' pictures: 1080 px wide, at most about two screens each, every line of text at
    least 22 px high (no small print, no page header); numbered parts when long."""
    for name, doc in rendered.docs.items():
        pictures = files_of(rendered, name, ".png")
        if not doc.phone:
            continue
        assert pictures, name
        if len(pictures) > 1:
            stem = document.safe_filename(name)
            assert [p.name for p in pictures] == [f"{stem}-{n}.png" for n in range(1, len(pictures) + 1)]
        for index, path in enumerate(pictures):
            with Image.open(path) as image:
                assert image.width == document.PHONE_WIDTH, (name, index)
                assert image.height <= document.PHONE_PART + 900, (name, index, image.height)
                lines = text_lines(image)
                assert len(lines) >= 3 and min(lines) >= 22, (name, index, sorted(lines)[:5])
    # the school notice of a large school: more than one picture
    assert len(files_of(rendered, "收费公示", ".png")) > 1


def test_a4_pictures_are_the_rendered_pages(rendered):
    """The documents without a phone picture are rendered page by page (PDFium): A4 pages, text
    drawn on them."""
    for name, doc in rendered.docs.items():
        if doc.phone:
            continue
        (path,) = files_of(rendered, name, ".png")
        pages = len(document.pdf_text(files_of(rendered, name, ".pdf")[0]))
        with Image.open(path) as image:
            grey = image.convert("L")
            width, height = grey.size
            ratio = height / width / pages
            assert min(abs(ratio - 297 / 210), abs(ratio - 210 / 297)) < 0.05, (name, width, height, pages)
            dark = sum(grey.histogram()[:128])
            assert dark > width * height * 0.002, name


def test_no_full_name_or_student_id_in_public_files(rendered):
    """Every file but the student's own statement: no student's full name, no 学号; the statement
    names its own student only."""
    for name in rendered.docs:
        if name == "个人结算单":
            continue
        for path in rendered.files[name]:
            if path.suffix != ".png":
                assert leaks(texts_of(path), rendered.roster) == [], path.name
    student = rendered.docs["个人结算单"].info[0][1]
    sid = re.search(r"学号 (\d+)", student).group(1)
    own = rendered.roster[sid]
    for path in files_of(rendered, "个人结算单", ".pdf") + files_of(rendered, "个人结算单", ".xlsx"):
        found = leaks(texts_of(path), rendered.roster)  # a namesake of the student shows up too
        assert sid in found and set(found) <= {own.name, sid}, (path.name, found)
        assert own.name in found or len(own.name) < 2, path.name
