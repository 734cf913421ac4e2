"""Reading statement files into rows of text cells, whatever the encoding or container.

Bank and receipt exports arrive as CSV/TXT (GBK/GB18030 from Chinese Excel, UTF-8 with or
without BOM, comma or tab separated), XLSX, old Excel XLS (BIFF, read with xlrd), or an HTML
table saved with an .xls name.  `read_sheets` turns any of them into sheets (one per non-empty
worksheet) of `(row_number, cells)` where every cell is a cleaned string; `find_header`
locates the header row (after title lines and account blocks, possibly two rows high) by
header *names*.

Nothing here raises on bad input except `FileProblem`, which carries a Chinese message.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from decimal import Decimal
from pathlib import Path

from xiaozhang.io import TextDecodeError, decode
from xiaozhang.model.money import CENT
from xiaozhang.model.periods import Month

MAX_HEADER_SCAN = 40  # title and account lines above the header stay well below this
# Bounded work: a statement is at most this big (a year of a busy account is a few MB) ...
MAX_FILE_BYTES = 50 * 1024 * 1024
# ... and a workbook sheet at most this many cells (a damaged .xls may claim millions of rows)
MAX_SHEET_CELLS = 5_000_000
MAX_NAME = 200  # a header cell longer than this is not a column name
# The text of an Excel formula cell saved without its computed value (openpyxl, pandas and
# some bank systems write them): the importers report the row (re-save in Excel), never
# read it as blank.
FORMULA = "\x00公式"
# The file names the importers look at (contents decide: an .xls may be BIFF, xlsx or HTML).
SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"})


class FileProblem(Exception):
    """The whole file cannot be read; the message is for the accountant (Chinese)."""


Row = tuple[int, list[str]]


_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def clean(cell: str) -> str:
    """Strip padding (tabs, full-width spaces) and Excel's `="…"` text guard; a line break
    inside a quoted cell becomes a space."""
    cell = cell.strip(" \t\r\n\u3000\ufeff")
    if "\n" in cell or "\r" in cell:
        cell = _BREAKS.sub(" ", cell)
    if cell.startswith('="') and cell.endswith('"'):
        cell = cell[2:-1].strip()
    return cell


def _excel_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        cents = round(value, 2)
        return f"{cents:.2f}" if abs(value - cents) < 1e-9 else repr(value)
    return clean(str(value))


@dataclass
class Sheet:
    """One table of a file: the whole text file, or one worksheet of a workbook.

    `name` is None for text files and for workbooks with a single non-empty sheet, so that
    messages say `file:row`; otherwise they say `file[sheet]:row`."""

    name: str | None
    rows: list[Row]
    unterminated: int | None = None  # text files: the last row, when no line break ends it (cut off?)

    def where(self, path: str | Path) -> str:
        return str(path) if self.name is None else f"{path}[{self.name}]"


def _named(sheets: list[tuple[str, list[Row]]]) -> list[Sheet]:
    """Drop empty worksheets; name the sheets only when more than one is left.  The rows of a
    worksheet are padded to its width (a grid has no short rows), trailing empty rows dropped."""
    full = []
    for name, rows in sheets:
        while rows and not any(rows[-1][1]):
            rows.pop()
        if rows:
            width = max(len(cells) for _n, cells in rows)
            full.append((name, [(n, cells + [""] * (width - len(cells))) for n, cells in rows]))
    if len(full) <= 1:
        return [Sheet(None, full[0][1] if full else [])]
    return [Sheet(name, rows) for name, rows in full]


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise FileProblem("读取 xlsx 需要 openpyxl，请运行 make test 或 pip install openpyxl") from None
    books = []
    try:
        for data_only in (True, False):  # the values Excel saved, and which cells are formulas
            books.append(openpyxl.load_workbook(path, read_only=True, data_only=data_only))
    except Exception as error:  # openpyxl raises many types on damaged files
        for book in books:
            book.close()
        raise FileProblem(f"xlsx 文件已损坏或不是 Excel 工作簿（{type(error).__name__}）；"
                          "请在 Excel 中打开后重新另存为 xlsx") from None
    values_book, formula_book = books
    try:
        sheets = []
        for sheet, formulas in zip(values_book.worksheets, formula_book.worksheets):
            for each in (sheet, formulas):
                if hasattr(each, "reset_dimensions"):  # the stored dimension may be damaged or huge
                    each.reset_dimensions()
            rows = []
            cells_read = 0
            for number, (values, texts) in enumerate(zip(sheet.iter_rows(values_only=True),
                                                         formulas.iter_rows(values_only=True)), 1):
                cells_read += len(values)
                if cells_read > MAX_SHEET_CELLS:
                    raise FileProblem(f"工作表“{sheet.title}”过大（超过 {MAX_SHEET_CELLS} 个单元格）；"
                                      "请按月份分段导出后分别导入")
                cells = [_excel_value(v) for v in values]
                for column, text in enumerate(texts):
                    if isinstance(text, str) and text.startswith("=") and column < len(cells) and not cells[column]:
                        cells[column] = FORMULA + text[:60]
                rows.append((number, cells))
            sheets.append((sheet.title, rows))
        return _named(sheets)
    except FileProblem:
        raise
    except Exception as error:
        raise FileProblem(f"读取 xlsx 工作表失败（{type(error).__name__}）；"
                          "请在 Excel 中打开后重新另存为 xlsx") from None
    finally:
        for book in books:
            book.close()


def _read_xls(raw: bytes) -> list[Sheet]:
    """Old Excel (BIFF, .xls), as CCB and others still export, via xlrd."""
    try:
        import xlrd
    except ImportError:  # pragma: no cover - a declared dependency
        raise FileProblem("读取旧版 Excel（.xls）需要 xlrd，请运行 make test 或 pip install xlrd") from None
    try:
        book = xlrd.open_workbook(file_contents=raw, on_demand=True, logfile=io.StringIO(), ragged_rows=True)
    except Exception as error:  # xlrd raises many types on damaged files
        raise FileProblem(f".xls 文件已损坏或不是 Excel 工作簿（{type(error).__name__}）；"
                          "请在 Excel 中打开后另存为 xlsx 再导入") from None
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            cells_read = 0
            for number in range(sheet.nrows):
                types, values = sheet.row_types(number), sheet.row_values(number)
                cells_read += len(values)
                if cells_read > MAX_SHEET_CELLS:
                    raise FileProblem(f"工作表“{sheet.name}”过大（超过 {MAX_SHEET_CELLS} 个单元格）；"
                                      "请按月份分段导出后分别导入")
                cells = []
                for ctype, value in zip(types, values):
                    if ctype == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                        except Exception:  # a date cell holding an impossible serial
                            value = str(value)
                    elif ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        value = None
                    elif ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    cells.append(_excel_value(value))
                rows.append((number + 1, cells))
            sheets.append((sheet.name, rows))
            book.unload_sheet(index)
        return _named(sheets)
    except FileProblem:
        raise
    except Exception as error:
        raise FileProblem(f"读取 .xls 工作表失败（{type(error).__name__}）；"
                          "请在 Excel 中打开后另存为 xlsx 再导入") from None
    finally:
        book.release_resources()


class _HtmlTable(HTMLParser):
    """The rows of the tables in an HTML page (many banks' “Excel” downloads are HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables_closed = 0
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.tables_closed += 1

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<table", "<meta", "<?xml")) and "<table" in text[:200_000].lower()


def _read_html(text: str) -> list[Sheet]:
    parser = _HtmlTable()
    try:
        parser.feed(text)
        parser.close()
    except Exception as error:  # html.parser is lenient; this is a last resort
        raise FileProblem(f"网页格式的表格无法读取（{type(error).__name__}）；"
                          "请在 Excel 中打开后另存为 xlsx 再导入") from None
    if parser.rows and (not parser.tables_closed or parser._row is not None):
        raise FileProblem("网页格式的表格不完整（没有表格结束标记）：文件可能没有下载完整；请重新下载")
    return [Sheet(None, [(number, cells) for number, cells in enumerate(parser.rows, 1)])]


def _read_text(raw: bytes) -> list[Sheet]:
    try:
        text = decode(raw)  # the one reading of an exported file (xiaozhang.io)
    except TextDecodeError as error:
        raise FileProblem(str(error)) from None
    if "\x00" in text:
        raise FileProblem("文件含有空字符（NUL），不是文本表格；如是 Excel 文件请另存为 xlsx")
    if _looks_like_html(text):
        return _read_html(text)
    if "urn:schemas-microsoft-com:office:spreadsheet" in text[:4096]:
        raise FileProblem("这是 Excel 2003 XML 表格；请在 Excel 中打开后另存为 xlsx 再导入")
    sample = text[:4096]
    first_lines = sample.splitlines()[:MAX_HEADER_SCAN]
    delimiter = "\t" if sum(l.count("\t") for l in first_lines) > sum(l.count(",") for l in first_lines) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, [clean(c) for c in cells]))
            start = reader.line_num + 1
    except csv.Error as error:
        if "field larger" in str(error):
            raise FileProblem(f"第 {start} 行有一个超过 {csv.field_size_limit():,} 字的单元格，不像是流水；"
                              "请检查文件是否完整、引号是否成对") from None
        raise FileProblem(f"第 {start} 行 CSV 格式错误（{error}）；请检查引号是否成对") from None
    last = rows[-1][0] if rows and not text.endswith(("\n", "\r")) else None
    return [Sheet(None, rows, last)]


def is_xlsx(raw_head: bytes) -> bool:
    return raw_head.startswith(b"PK\x03\x04")


_last_read: dict[tuple, list[Sheet] | FileProblem] = {}


def read_sheets(path: str | Path) -> list[Sheet]:
    """Every non-empty table of the file, cells cleaned; FileProblem if unreadable.

    CSV/TXT/TSV (and HTML tables saved as .xls) give one sheet; .xlsx and .xls give one per
    non-empty worksheet (at least one, possibly empty).  The last file read is kept (every
    importer asks about the same file in turn); the sheets must not be changed."""
    path = Path(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is not None and key in _last_read:
        found = _last_read[key]
        if isinstance(found, FileProblem):
            raise found
        return found
    _last_read.clear()
    try:
        sheets = _read_sheets(path)
    except FileProblem as problem:
        if key is not None:
            _last_read[key] = problem
        raise
    if key is not None:
        _last_read[key] = sheets
    return sheets


def _read_sheets(path: Path) -> list[Sheet]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileProblem(f"文件过大（{size / 1024 / 1024:.1f} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）；"
                              "请按月份分段导出后分别导入")
        raw = path.read_bytes()
    except OSError as error:
        raise FileProblem(f"无法读取文件（{error.strerror}）") from None
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_xls(raw)
    if is_xlsx(raw[:4]):
        if not zipfile.is_zipfile(path):
            raise FileProblem("xlsx 文件已损坏（不是完整的 zip 包）；请重新下载")
        return _read_xlsx(path)
    return _read_text(raw)


# -- header names ------------------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000]+")


def _drop_pairs(text: str, opening: str, closing: str) -> str:
    """Remove every `opening … closing` span (no nesting), in one pass: linear in the text,
    where the regular expression `\\([^)]*\\)` is quadratic on a cell of many `(`."""
    parts, start = [], 0
    while True:
        left = text.find(opening, start)
        if left < 0:
            break
        right = text.find(closing, left + 1)
        if right < 0:
            break
        parts.append(text[start:left])
        start = right + 1
    parts.append(text[start:])
    return "".join(parts)


def normalize_name(name: str, keep_brackets: bool = False) -> str:
    """`借方发生额（支取）` → `借方发生额`, `交易日期[ Transaction Date ]` → `交易日期`, `账　　号` → `账号`.

    With `keep_brackets`, the parenthesis stays (`记账金额（收入）` → `记账金额(收入)`), so that
    columns that differ only there can be told apart.  A cell longer than MAX_NAME is no
    column name (bounded work per cell)."""
    if len(name) > MAX_NAME:
        return ""
    name = name.replace("（", "(").replace("）", ")").replace("：", ":")
    name = _drop_pairs(name, "[", "]")
    if not keep_brackets:
        name = _drop_pairs(name, "(", ")")
    name = _SPACES.sub("", name)
    name = name.replace("/元", "").rstrip(":*")
    return name.lower()


def column_names(cell: str) -> set[str]:
    """The names a header cell answers to: without and with its parenthesis."""
    names = {normalize_name(cell), normalize_name(cell, keep_brackets=True)}
    names.discard("")
    return names


@dataclass
class Header:
    row_index: int            # index in the rows list of the (last) header row
    names: list[set[str]]     # per column: the normalized names the column answers to
    preamble: list[Row]       # rows above the header (title, account block)

    def find(self, aliases: tuple[str, ...]) -> int | None:
        for alias in aliases:
            for index, names in enumerate(self.names):
                if alias in names:
                    return index
        return None

    def all_names(self) -> set[str]:
        return set().union(*self.names) if self.names else set()


def _is_header(cells: list[str], must: tuple[tuple[str, ...], ...]) -> bool:
    names = set().union(*(column_names(c) for c in cells if c)) if any(cells) else set()
    return all(any(alias in names for alias in group) for group in must)


def find_header(rows: list[Row], must: tuple[tuple[str, ...], ...],
                second_row: frozenset[str] = frozenset()) -> Header | None:
    """The first row within the first MAX_HEADER_SCAN rows naming every group in `must`.

    A two-row header (CCB: `发生额/元` spanning `借方 | 贷方`) is merged: when the next row
    holds only names from `second_row`, each column answers to its own name, the lower name,
    and the spanning upper name joined with the lower one."""
    for index, (_number, cells) in enumerate(rows[:MAX_HEADER_SCAN]):
        top = [normalize_name(c) for c in cells]
        below = rows[index + 1][1] if index + 1 < len(rows) else []
        lower = [normalize_name(c) for c in below]
        two_rows = bool(second_row) and any(lower) and all(n in second_row for n in lower if n)
        if two_rows:
            names: list[set[str]] = []
            span = ""
            for col in range(max(len(top), len(lower))):
                upper = top[col] if col < len(top) else ""
                low = lower[col] if col < len(lower) else ""
                span = upper or (span if low else "")
                column = {n for n in (upper, low) if n}
                if col < len(cells):
                    column |= column_names(cells[col])
                if low and span:
                    column.add(span + low)
                names.append(column)
            if all(any(alias in set().union(*names) for alias in group) for group in must):
                return Header(index + 1, names, rows[:index])
        if _is_header(cells, must):
            return Header(index, [column_names(c) for c in cells], rows[:index])
    return None


# -- values ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"^[-—–_*\s]*$")
MAX_AMOUNT = Decimal("1e12")  # 一万亿: more is a damaged cell, not a school's payment
# A well-formed amount: optional sign and currency (`¥`, `CNY`, `RMB`, `人民币`) before or after
# it, digits with thousands separators in groups of three, a decimal point; accounting
# brackets for a negative amount.  `1,2,3`, `12 34`, `1E2` and full-width digits are not.
_AMOUNT = re.compile(
    r"^(?P<open>\()?\s*(?P<sign1>[+-])?\s*(?:¥|￥|CNY|RMB|人民币)?\s*(?P<sign2>[+-])?\s*"
    r"(?P<number>[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
    r"\s*(?:元|CNY|RMB)?\s*(?P<close>\))?$", re.IGNORECASE)


_PLAIN = re.compile(r"-?[0-9]{1,12}\.[0-9]{2}\Z")


class ValueProblem(ValueError):
    """A cell that cannot be read; the message is Chinese."""


def parse_amount(text: str) -> Decimal | None:
    """`1,234.50`, `+10000.00`, `-20`, `¥3,240.28`, `CNY 123.18`, `(20.00)` → Decimal (2 places);
    blank or `-` → None; anything else (`1,2,3`, `12 34`, `1E2`, three decimals) ValueProblem."""
    if _PLAIN.match(text):  # the common case, 1234.50 or -20.00
        return Decimal(text)
    if not text or PLACEHOLDER.match(text):
        return None
    match = _AMOUNT.match(text.strip()) if len(text) <= 64 else None
    if match is None or bool(match["open"]) != bool(match["close"]) or (match["sign1"] and match["sign2"]):
        raise ValueProblem(f"金额“{text[:40]}”不是数字，或写法不规范（应如 1234.50 或 1,234.50）")
    number = Decimal(match["number"].replace(",", "").replace("，", ""))
    if number >= MAX_AMOUNT:
        raise ValueProblem(f"金额“{text[:40]}”过大，不像是真实的金额")
    rounded = number.quantize(CENT)
    if rounded != number:
        raise ValueProblem(f"金额“{text}”超过两位小数")
    negative = bool(match["open"]) != ((match["sign1"] or match["sign2"]) == "-")
    return -rounded if negative else rounded


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SHORT_DATE = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_FULL_DATES = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*[-/.月]?\s*(\d{1,2})(?!\d)")
_MONTHS = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)")


def statement_period(texts) -> tuple[dt.date, dt.date] | None:
    """The first and last day written in `texts` (the title lines: 账单周期 2025/11/30-2025/12/29,
    查询时间范围, or a statement month 2024年01月, which covers the month before it too)."""
    days = []
    for text in texts:
        if len(text) > 200:
            continue
        for match in _FULL_DATES.finditer(text):
            try:
                days.append(dt.date(int(match[1]), int(match[2]), int(match[3])))
            except ValueError:
                continue
        for match in _MONTHS.finditer(text):
            try:
                first = dt.date(int(match[1]), int(match[2]), 1)
            except ValueError:
                continue
            # a card statement of a month lists the month before it (billing day mid-month)
            month = Month.of(first)
            days += [month.shift(-1).first, month.last]
    return (min(days), max(days)) if days else None


def parse_date(text: str, period: tuple[dt.date, dt.date] | None = None) -> dt.date:
    """`20250901`, `20250901123000`, `2025-09-01 10:11:12`, `2025/9/1`, `2025年9月1日`,
    `20250901 10:11:12`; `12/29` or `12月29日` (no year) within the statement `period`."""
    value = text.strip()
    if len(value) > 40:
        raise ValueProblem(f"日期“{value[:40]}…”无法识别")
    try:
        if len(value) >= 8 and value[:8].isdigit() and (len(value) in (8, 12, 14) and value.isdigit()
                                                         or len(value) > 8 and not value[8].isdigit()):
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if (len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit()
                and value[5:7].isdigit() and value[8:10].isdigit()):
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        match = _DATE.match(value)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        short = _SHORT_DATE.match(value)
        if short:
            if period is None:
                raise ValueProblem(f"日期“{text}”没有年份，文件标题中也找不到账单周期；"
                                   "请导出带年份的日期")
            month, day = int(short[1]), int(short[2])
            for year in range(period[0].year, period[1].year + 1):
                try:
                    candidate = dt.date(year, month, day)
                except ValueError:
                    continue
                if period[0] <= candidate <= period[1]:
                    return candidate
            raise ValueProblem(f"日期“{text}”不在账单周期 {period[0]} 至 {period[1]} 内")
    except ValueProblem:
        raise
    except (ValueError, OverflowError):
        raise ValueProblem(f"日期“{text}”不存在") from None
    raise ValueProblem(f"日期“{text}”无法识别（应为 20250901、2025-09-01 或 2025/9/1）")
