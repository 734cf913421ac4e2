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
from decimal import Decimal, InvalidOperation
from pathlib import Path

MAX_HEADER_SCAN = 40  # title and account lines above the header stay well below this
# The file names the importers look at (contents decide: an .xls may be BIFF, xlsx or HTML).
SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"})


class FileProblem(Exception):
    """The whole file cannot be read; the message is for the accountant (Chinese)."""


Row = tuple[int, list[str]]


def decode(raw: bytes) -> str:
    """BOM → strict UTF-8 → GB18030 (a superset of GBK), as Chinese exports require."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileProblem(f"文件以 UTF-8 BOM 开头，但第 {error.start} 字节不是有效的 UTF-8") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise FileProblem("文件以 UTF-16 BOM 开头，但内容不是有效的 UTF-16") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise FileProblem("无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）；"
                          "请用 Excel 另存为“CSV UTF-8”或 xlsx 后重试") from None


def clean(cell: str) -> str:
    """Strip padding (tabs, full-width spaces) and Excel's `="…"` text guard."""
    cell = cell.strip(" \t\r\n\u3000\ufeff")
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

    def where(self, path: str | Path) -> str:
        return str(path) if self.name is None else f"{path}[{self.name}]"


def _named(sheets: list[tuple[str, list[Row]]]) -> list[Sheet]:
    """Drop empty worksheets; name the sheets only when more than one is left."""
    full = [(name, rows) for name, rows in sheets if any(any(cells) for _n, cells in rows)]
    if len(full) <= 1:
        return [Sheet(None, full[0][1] if full else [])]
    return [Sheet(name, rows) for name, rows in full]


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a declared dependency
        raise FileProblem("读取 xlsx 需要 openpyxl，请运行 make test 或 pip install openpyxl") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types on damaged files
        raise FileProblem(f"xlsx 文件已损坏或不是 Excel 工作簿（{type(error).__name__}）；"
                          "请在 Excel 中打开后重新另存为 xlsx") from None
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = [(number, [_excel_value(v) for v in values])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), 1)]
            sheets.append((sheet.title, rows))
        return _named(sheets)
    except Exception as error:
        raise FileProblem(f"读取 xlsx 工作表失败（{type(error).__name__}）；"
                          "请在 Excel 中打开后重新另存为 xlsx") from None
    finally:
        book.close()


def _read_xls(raw: bytes) -> list[Sheet]:
    """Old Excel (BIFF, .xls), as CCB and others still export, via xlrd."""
    try:
        import xlrd
    except ImportError:  # pragma: no cover - a declared dependency
        raise FileProblem("读取旧版 Excel（.xls）需要 xlrd，请运行 make test 或 pip install xlrd") from None
    try:
        book = xlrd.open_workbook(file_contents=raw, on_demand=True, logfile=io.StringIO())
    except Exception as error:  # xlrd raises many types on damaged files
        raise FileProblem(f".xls 文件已损坏或不是 Excel 工作簿（{type(error).__name__}）；"
                          "请在 Excel 中打开后另存为 xlsx 再导入") from None
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            rows = []
            for number in range(sheet.nrows):
                cells = []
                for cell in sheet.row(number):
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                        except Exception:  # a date cell holding an impossible serial
                            value = str(value)
                    elif cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        value = None
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(value)
                    cells.append(_excel_value(value))
                rows.append((number + 1, cells))
            sheets.append((sheet.name, rows))
            book.unload_sheet(index)
        return _named(sheets)
    except Exception as error:
        raise FileProblem(f"读取 .xls 工作表失败（{type(error).__name__}）；"
                          "请在 Excel 中打开后另存为 xlsx 再导入") from None
    finally:
        book.release_resources()


class _HtmlTable(HTMLParser):
    """The rows of the tables in an HTML page (many banks' “Excel” downloads are HTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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
    return [Sheet(None, [(number, cells) for number, cells in enumerate(parser.rows, 1)])]


def _read_text(raw: bytes) -> list[Sheet]:
    text = decode(raw)
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
        raise FileProblem(f"第 {start} 行 CSV 格式错误（{error}）；请检查引号是否成对") from None
    return [Sheet(None, rows)]


def is_xlsx(raw_head: bytes) -> bool:
    return raw_head.startswith(b"PK\x03\x04")


def read_sheets(path: str | Path) -> list[Sheet]:
    """Every non-empty table of the file, cells cleaned; FileProblem if unreadable.

    CSV/TXT/TSV (and HTML tables saved as .xls) give one sheet; .xlsx and .xls give one per
    non-empty worksheet (at least one, possibly empty)."""
    path = Path(path)
    try:
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

_BILINGUAL = re.compile(r"\[[^\]]*\]")
_PAREN = re.compile(r"\([^)]*\)")
_SPACES = re.compile(r"[\s\u3000]+")


def normalize_name(name: str) -> str:
    """`借方发生额（支取）` → `借方发生额`, `交易日期[ Transaction Date ]` → `交易日期`, `账　　号` → `账号`."""
    name = name.replace("（", "(").replace("）", ")").replace("：", ":")
    name = _BILINGUAL.sub("", name)
    name = _PAREN.sub("", name)
    name = _SPACES.sub("", name)
    name = name.replace("/元", "").rstrip(":*")
    return name.lower()


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
    names = {normalize_name(c) for c in cells if c}
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
                if low and span:
                    column.add(span + low)
                names.append(column)
            if all(any(alias in set().union(*names) for alias in group) for group in must):
                return Header(index + 1, names, rows[:index])
        if _is_header(cells, must):
            return Header(index, [{n} if n else set() for n in top], rows[:index])
    return None


# -- values ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"^[-—–_*\s]*$")
_AMOUNT_JUNK = str.maketrans("", "", ",，¥￥元 \u3000")
CENT = Decimal("0.01")


class ValueProblem(ValueError):
    """A cell that cannot be read; the message is Chinese."""


def parse_amount(text: str) -> Decimal | None:
    """`1,234.50`, `+10000.00`, `-20`, `¥3,240.28` → Decimal (2 places); blank or `-` → None."""
    if not text or PLACEHOLDER.match(text):
        return None
    value = text.translate(_AMOUNT_JUNK)
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueProblem(f"金额“{text}”不是数字") from None
    if not number.is_finite():
        raise ValueProblem(f"金额“{text}”不是数字")
    rounded = number.quantize(CENT) if abs(number) < Decimal("1e15") else None
    if rounded is None or rounded != number:
        raise ValueProblem(f"金额“{text}”超过两位小数或过大")
    return -rounded if negative else rounded


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def parse_date(text: str) -> dt.date:
    """`20250901`, `2025-09-01 10:11:12`, `2025/9/1`, `2025年9月1日`, `20250901 10:11:12`."""
    value = text.strip()
    try:
        if len(value) >= 8 and value[:8].isdigit() and (len(value) == 8 or not value[8].isdigit()):
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        if (len(value) >= 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit()
                and value[5:7].isdigit() and value[8:10].isdigit()):
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:10]))
        match = _DATE.match(value)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueProblem(f"日期“{text}”不存在") from None
    raise ValueProblem(f"日期“{text}”无法识别（应为 20250901、2025-09-01 或 2025/9/1）")
