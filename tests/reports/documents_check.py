"""What every public document must satisfy, as the tests read it back (issue 14): shared by the
checks of the bundled school (test_document.py, test_disclosure_files.py) and of the
3,000-student school (test_big_school_documents.py).

- `every_document`: one document of every type (fee notices and statement, canteen notice and
  盈亏表, the three asset reports, the four monthly reports) for a loaded school;
- `texts_of` / `document_texts`: what a reader sees of a file / a document in each format;
- `INTERNAL`, `ASCII_COMMA_IN_CHINESE`: what must not be printed; `leaks`: full names and 学号;
- `AMOUNT_AS_TEXT`, `xlsx_amount_problems`: money in a spreadsheet is a number;
- `text_lines`: the heights of the lines of text in a picture (the phone picture's glyph size).
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from xiaozhang.reports import document
from xiaozhang.reports.document import Document

# what only the software and its operator know: file paths, rule codes, metadata keys, the
# ledger's account names and the ledger syntax
INTERNAL = re.compile(
    r"账本[：:]|\.beancount|ledger/|规则\s*[A-Z]{2}\d{2}|\[[A-Z]{2}\d{2}\]|\b[A-Z]{2}\d{2}\b|canteen:|TRUE"
    r"|(Assets|Liabilities|Income|Expenses|Equity|NetAssets):|custom \"|xiaozhang|\bitem\b")
ASCII_COMMA_IN_CHINESE = re.compile(r"[\u4e00-\u9fff]\s*,\s*[\u4e00-\u9fff]")
AMOUNT_AS_TEXT = re.compile(r"^\s*(退|补|不补)\s*[\d,]+\.\d\d\s*$")
# a ledger path as the report commands pass it: it must not reach the page
LEDGER = "/somewhere/ledger/main.beancount"


def every_document(entries, options_map, roster) -> dict[str, Document]:
    """One document of every type for a school of the example's calendar: the fee notices and one
    statement for January 2026 (the first class, the first student), the canteen's October 2025,
    the asset reports of 2025, the monthly reports of March 2026."""
    from xiaozhang.reports import canteen, disclosure, disclosure_documents, monthly
    from xiaozhang.reports.asset_documents import changes_document, depreciation_document, register_document
    from xiaozhang.reports.asset_years import build_changes, build_depreciation
    from xiaozhang.reports.assets import build_register
    from xiaozhang.reports.canteen_documents import notice_document, statement_document

    issued = dt.date(2026, 2, 9)
    report = disclosure.build(entries, options_map, roster, "2026-01", ledger=LEDGER)
    docs = {
        "收费公示": disclosure_documents.school_notice(report, issued),
        "班级公示": disclosure_documents.class_notice(report, report.classes[0], issued),
        "个人结算单": disclosure_documents.student_statement(report, report.statements[0], issued),
    }
    month = canteen.build(entries, options_map, dt.date(2025, 10, 1))
    docs["伙食费收支公示"] = notice_document(month)
    docs["食堂收支盈亏表"] = statement_document(month)
    docs["资产卡片清单"] = register_document(build_register(entries, options_map, dt.date(2025, 12, 31)), LEDGER)
    docs["折旧计提表"] = depreciation_document(build_depreciation(entries, options_map, 2025), LEDGER)
    docs["固定资产增减变动表"] = changes_document(build_changes(entries, options_map, 2025), LEDGER)
    period = monthly.Period.parse("2026-03")
    school = monthly.school_name(entries, period.last)
    for name, (_stem, build, make, _help) in monthly.REPORTS.items():
        docs[name] = make(build(entries, options_map, period), school, LEDGER, issued)
    return docs


def html_text(page: str) -> str:
    """The text a browser shows of an HTML page (no styles, scripts or tags)."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html_module.unescape(re.sub(r"<[^>]+>", " ", page))


def xlsx_text(book) -> str:
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row
                     if c.value is not None)


def document_texts(doc: Document) -> dict[str, str]:
    """What a reader sees of the document in each format: PDF text, HTML text, xlsx cells."""
    book = load_workbook(io.BytesIO(document.xlsx_bytes(doc)))
    return {"pdf": "\n".join(document.pdf_text(document.pdf_bytes(doc))),
            "html": html_text(document.render_html(doc)),
            "xlsx": xlsx_text(book)}


def texts_of(path: Path) -> str:
    """Everything a reader of the file could see, as text (of an HTML file: its source)."""
    if path.suffix == ".pdf":
        return "\n".join(document.pdf_text(path))
    if path.suffix == ".xlsx":
        return xlsx_text(load_workbook(path))
    return path.read_text(encoding="utf-8")


HAN = "\u4e00-\u9fff"


def leaks(text: str, roster) -> list[str]:
    """The full names (of two characters or more) and 学号 of the roster's students in `text`.

    A name counts as a whole word only, not inside a longer run of Chinese characters: a large
    school has students called 李明 and a teacher called 李明华 on the asset cards. A 学号 counts
    only as a whole number, not inside a longer one (an invoice number)."""
    numbers = set(re.findall(r"\d+", text))
    found = []
    for student in roster.values():
        name = student.name
        if name and len(name) >= 2 and name in text and re.search(rf"(?<![{HAN}]){re.escape(name)}(?![{HAN}])", text):
            found.append(name)
        whole = (student.sid in numbers if student.sid.isdigit()
                 else re.search(rf"(?<!\d){re.escape(student.sid)}(?!\d)", text))
        if whole:
            found.append(student.sid)
    return found


def xlsx_amount_problems(book) -> list:
    """Money written as text ("退 1.40"), and numbers without a money or percent format."""
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    as_text = [c.value for c in cells if isinstance(c.value, str) and AMOUNT_AS_TEXT.match(c.value)]
    unformatted = [(c.coordinate, c.value, c.number_format) for c in cells
                   if isinstance(c.value, float) and c.number_format not in ("#,##0.00", "0.00%")]
    return as_text + unformatted


def text_lines(image) -> list[int]:
    """The heights (px) of the lines of text in a picture: runs of pixel rows holding dark
    pixels, between rows without any."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    dark_rows = [any(pixels[x, y] < 110 for x in range(0, width, 2)) for y in range(height)]
    runs, run = [], 0
    for dark in dark_rows + [False]:
        if dark:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    return runs
