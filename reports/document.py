"""One report, four formats: HTML, A4 PDF (Chinese font embedded), xlsx and PNG.

Every report command of 校账 computes its figures with a pure `build(...)` (Decimal, no
formatting) and then describes what to print as a `Document`: a title, a few `info` lines
(period, school, the ledger it came from), blocks (`Table`, `Text`, `Figure`), signature lines
and a closing (issuer, date). This module turns that one description into each format, so
the HTML a parent opens, the PDF the school prints and posts on the 公示栏, the spreadsheet
for WeChat groups and the PNG for phones always show the same figures.

    from xiaozhang.reports.document import Document, Table, Text, write

    doc = Document(
        title="作业本费代收费结算清单",
        subtitle="青禾市明德区实验小学 2025-2026 学年第一学期",
        info=[("期间", "2025-09-01 至 2026-01-31")],
        blocks=[
            Table(["项目", "标准（元）", "人数", "收取（元）"],
                  [["作业本费", Decimal("15.00"), 42, Decimal("630.00")]],
                  total=["合计", None, 42, Decimal("630.00")]),
            Text("多退少不补：每生退 1.20 元。"),
        ],
        signatures=["经办人", "审核人", "校长"],
        closing=["青禾市明德区实验小学", "2026年1月31日"],
        footer="监督电话：0000-1234567",
    )
    write(doc, Path("out"), "作业本费-一年级1班")   # -> .html .pdf .xlsx .png

Cells are `str`, `int` (counts, shown with thousands separators), `Decimal` (money: two
decimals, thousands separators, right-aligned; a number in xlsx with format `#,##0.00`),
`Percent` (a fraction shown as `5.20%`) or `None` (empty).

Formats:
- HTML (`render_html`): a self-contained page (inline CSS, figures as data URIs) that prints
  on A4; table headers repeat on every printed page. `standalone=False` gives the fragment
  for embedding in a Fava page.
- PDF (`write_pdf`, ReportLab): A4 portrait or landscape, the Chinese font embedded (subset),
  the document title in the running header, "第 N 页 共 M 页" and the footer on every page,
  table headers repeated on every page, long cells wrapped.
- xlsx (`write_xlsx`, openpyxl): one sheet per document (several documents -> several sheets),
  numbers as numbers, headers bold, column widths fitted.
- PNG: for a notice to parents (`Document.phone`), the phone picture (`phone_pngs`): one
  column 1080 px wide in large type, one card per table row, the school, the period and the
  contact, split into numbered pictures (`stem-1.png`, `stem-2.png`, …) when long — what a
  teacher forwards to the parents' WeChat group. Other documents (`write_png`): the PDF's
  pages rendered by PDFium and stacked into one image.

The PDF font is WenQuanYi Zen Hei (Debian package `fonts-wqy-zenhei`, installed by
`make serve` / `make test`): ReportLab embeds TrueType-outline fonts only, which rules out
Noto Sans CJK (CFF outlines). `XIAOZHANG_PDF_FONT` may name another TrueType font file.
Speed: after the first document of a process (font registration, ~0.1 s) a one-page document
takes milliseconds; for thousands of files, split the list over processes.
"""

from __future__ import annotations

import base64
import io
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple, Union

import jinja2

from xiaozhang.reports.render import money
from xiaozhang.io import write_atomic
from xiaozhang.model.money import format_ratio


class DocumentError(Exception):
    """A document cannot be written (missing font, bad output path); the message is for the user."""


class Percent(NamedTuple):
    """A ratio shown as a percentage: `Percent(Decimal("0.052"))` -> `5.20%`."""

    value: Decimal

    def __str__(self) -> str:
        return format_ratio(self.value)  # half up, as xiaozhang.model.money rounds


Cell = Union[str, int, Decimal, Percent, None]


@dataclass
class Table:
    """A table with one header row; `total` is an emphasised last row (合计)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    title: str = ""
    total: Sequence[Cell] | None = None
    widths: Sequence[float] | None = None  # relative column widths; fitted from content if None

    def __post_init__(self) -> None:
        n = len(self.columns)
        for index, row in enumerate([*self.rows, *([self.total] if self.total else [])]):
            if len(row) != n:
                raise ValueError(f"table {self.title!r}: row {index} has {len(row)} cells, not {n}")
        if self.widths is not None and len(self.widths) != n:
            raise ValueError(f"table {self.title!r}: {len(self.widths)} widths for {n} columns")


@dataclass
class Text:
    """A paragraph; `style` is "p" (body), "h" (a section heading) or "note" (small print)."""

    text: str
    style: str = "p"


@dataclass
class Figure:
    """A chart or picture (PNG bytes, e.g. from matplotlib), `width_mm` wide on paper."""

    png: bytes
    title: str = ""
    width_mm: float = 160


Block = Union[Table, Text, Figure]


@dataclass
class Document:
    """What a report prints; see the module docstring."""

    title: str
    blocks: Sequence[Block] = ()
    subtitle: str = ""
    info: Sequence[tuple[str, str]] = ()
    signatures: Sequence[str] = ()
    closing: Sequence[str] = ()
    footer: str = ""
    landscape: bool = False
    sheet: str = ""  # xlsx sheet name; the title when empty
    phone: bool = False  # a notice for parents: its PNG is the phone picture (`phone_pngs`)


# ---------------------------------------------------------------------------------------
# cells


def cell_text(value: Cell) -> str:
    """How a cell reads on paper and screen."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def is_number(value: Cell) -> bool:
    return isinstance(value, (int, Decimal, Percent)) and not isinstance(value, bool)


def display_width(text: str) -> int:
    """Width in half-width character cells (a Chinese character counts two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _numeric_columns(table: Table) -> list[bool]:
    """A column is right-aligned when it holds numbers (in its rows or its total) and nothing
    else but short placeholders ("—", "无记录")."""
    result = []
    for col in range(len(table.columns)):
        values = [row[col] for row in table.rows if row[col] is not None]
        total = table.total[col] if table.total else None
        result.append((any(is_number(v) for v in values) or is_number(total))
                      and all(is_number(v) or _placeholder(v) for v in values))
    return result


def _placeholder(value: Cell) -> bool:
    """A short word standing for a missing number (—, 无记录), not a label."""
    text = cell_text(value)
    return display_width(text) <= 6 and not any(ch.isdigit() for ch in text)


def _content_widths(table: Table) -> list[float]:
    if table.widths is not None:
        return [float(w) for w in table.widths]
    widths = []
    sample = list(table.rows[:400]) + ([table.total] if table.total else [])
    for col, header in enumerate(table.columns):
        longest = max([display_width(cell_text(row[col])) for row in sample] or [0])
        widths.append(float(max(4, min(max(longest, display_width(header)), 40))))
    return widths


# ---------------------------------------------------------------------------------------
# HTML

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("xiaozhang.reports", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(doc: Document, *, standalone: bool = True) -> str:
    """The document as HTML: a whole page, or (standalone=False) an `<article>` fragment."""
    blocks = []
    for block in doc.blocks:
        if isinstance(block, Table):
            numeric = _numeric_columns(block)
            blocks.append({
                "kind": "table", "title": block.title, "columns": block.columns,
                "rows": [[(cell_text(v), numeric[i]) for i, v in enumerate(row)] for row in block.rows],
                "total": ([(cell_text(v), numeric[i]) for i, v in enumerate(block.total)]
                          if block.total else None),
                "numeric": numeric,
            })
        elif isinstance(block, Text):
            blocks.append({"kind": "text", "text": block.text, "style": block.style})
        elif isinstance(block, Figure):
            blocks.append({"kind": "figure", "title": block.title, "width_mm": block.width_mm,
                           "src": "data:image/png;base64," + base64.b64encode(block.png).decode()})
    template = _TEMPLATES.get_template("document.html")
    return template.render(doc=doc, blocks=blocks, standalone=standalone)


def write_html(doc: Document, path: Path) -> Path:
    return _write_bytes(Path(path), render_html(doc).encode("utf-8"))


# ---------------------------------------------------------------------------------------
# PDF

_FONT = "XZSans"
# Space a heading or table caption needs below it (itself plus a few rows) to stay on this page.
_KEEP_WITH_NEXT = 45 * 2.834645669  # 45 mm in points
# A last table of at most this many rows moves to the next page with the signatures rather
# than leaving them alone there.
_KEEP_TABLE_ROWS = 20
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)


def _font_file() -> str:
    """The Chinese TrueType font of the documents (PDF and phone pictures)."""
    configured = os.environ.get("XIAOZHANG_PDF_FONT")
    candidates = [configured] if configured else list(_FONT_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise DocumentError(
        "找不到生成 PDF 所需的中文字体（文泉驿正黑 wqy-zenhei.ttc）。"
        "请安装 Debian 软件包 fonts-wqy-zenhei（make serve / make test 会自动安装），"
        "或用环境变量 XIAOZHANG_PDF_FONT 指定一个 TrueType 中文字体文件。")


@cache
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    candidate = _font_file()
    try:
        font = TTFont(_FONT, candidate, subfontIndex=0)
    except TTFError as error:
        raise DocumentError(
            f"PDF 字体 {candidate} 无法使用（{error}）；请用 TrueType 字体，"
            "例如 Debian 软件包 fonts-wqy-zenhei。") from error
    _keep_font_tables(font.face)
    pdfmetrics.registerFont(font)
    return _FONT


def _keep_font_tables(face) -> None:
    """ReportLab copies each table it needs out of the font file for every document's subset
    (the whole 9 MB `glyf` of WenQuanYi Zen Hei included): keep each table once. The font
    data never changes, so this only saves time (about a fifth of a one-page document)."""
    tables: dict[str, bytes] = {}
    read = face.get_table

    def get_table(tag: str) -> bytes:
        if tag not in tables:
            tables[tag] = read(tag)
        return tables[tag]

    face.get_table = get_table


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = _register_font()
    base = ParagraphStyle("xz", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "title": ParagraphStyle("xz-title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("xz-subtitle", parent=base, fontSize=11.5, leading=17,
                                   alignment=TA_CENTER, spaceAfter=6),
        "info": ParagraphStyle("xz-info", parent=base, fontSize=9.5, leading=13),
        "p": ParagraphStyle("xz-p", parent=base, spaceBefore=3, spaceAfter=3),
        "h": ParagraphStyle("xz-h", parent=base, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=3),
        "note": ParagraphStyle("xz-note", parent=base, fontSize=8.5, leading=12, spaceBefore=2),
        "caption": ParagraphStyle("xz-caption", parent=base, fontSize=11, leading=16, spaceBefore=6,
                                  spaceAfter=3),
        "cell": ParagraphStyle("xz-cell", parent=base, fontSize=9, leading=11.5),
        "cell-right": ParagraphStyle("xz-cell-r", parent=base, fontSize=9, leading=11.5,
                                     alignment=TA_RIGHT),
        "closing": ParagraphStyle("xz-closing", parent=base, alignment=TA_RIGHT, leading=18),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _pdf_table(table: Table, avail_width: float, styles) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table as RLTable, TableStyle

    numeric = _numeric_columns(table)
    weights = _content_widths(table)
    scale = avail_width / sum(weights)
    col_widths = [w * scale for w in weights]
    font_size = 9
    # characters (half-width cells) that fit in a column at 9 pt, less the padding
    capacity = [max(1, int((w - 6) / (font_size * 0.52))) for w in col_widths]

    def cell(value: Cell, col: int):
        text = cell_text(value)
        if display_width(text) > capacity[col]:
            return Paragraph(_escape(text), styles["cell-right" if numeric[col] else "cell"])
        return text

    header = [Paragraph(_escape(c), styles["cell"]) if display_width(c) > capacity[i] else c
              for i, c in enumerate(table.columns)]
    data = [header] + [[cell(v, i) for i, v in enumerate(row)] for row in table.rows]
    if table.total:
        data.append([cell(v, i) for i, v in enumerate(table.total)])
    style = [
        ("FONT", (0, 0), (-1, -1), _FONT, font_size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for col, is_num in enumerate(numeric):
        if is_num:
            style.append(("ALIGN", (col, 1), (col, -1), "RIGHT"))
    if table.total:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f3f3f3")))
        style.append(("LINEABOVE", (0, -1), (-1, -1), 1.2, colors.black))
    flowable = RLTable(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
    flowable.setStyle(TableStyle(style))
    out = []
    if table.title:
        out.append(Paragraph(_escape(table.title), styles["caption"]))
    out.append(flowable)
    return out


def _signature_table(labels: Sequence[str], avail_width: float):
    from reportlab.platypus import Table as RLTable, TableStyle

    per_row = 3 if len(labels) != 4 else 2
    cells = [f"{label}：________________" for label in labels]
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows = [row + [""] * (per_row - len(row)) for row in rows]
    flowable = RLTable(rows, colWidths=[avail_width / per_row] * per_row, hAlign="CENTER")
    flowable.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), _FONT, 10.5),
        ("TOPPADDING", (0, 0), (-1, -1), 12),
    ]))
    return flowable


def pdf_bytes(doc: Document) -> bytes:
    """The document as an A4 PDF."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import CondPageBreak, Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    styles = _styles()
    pagesize = landscape(A4) if doc.landscape else A4
    margin = 15 * mm
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=margin, rightMargin=margin,
        topMargin=margin + 4 * mm, bottomMargin=margin + 2 * mm,
        title=doc.title, author="校账 xiaozhang", subject=doc.subtitle or doc.title,
    )
    avail = pagesize[0] - 2 * margin
    story: list = [Paragraph(_escape(doc.title), styles["title"])]
    if doc.subtitle:
        story.append(Paragraph(_escape(doc.subtitle), styles["subtitle"]))
    for key, value in doc.info:
        story.append(Paragraph(_escape(f"{key}：{value}"), styles["info"]))
    if doc.info:
        story.append(Spacer(1, 3 * mm))
    after_heading = False
    last_table = None  # where the flowables of the last (short) table start in the story
    blocks_start = len(story)
    for block in doc.blocks:
        # A heading or a table caption never ends a page: it needs room for a few lines below
        # it, else it starts the next page. The table itself splits (no whole-table jump).
        if isinstance(block, Table):
            if block.title and not after_heading:
                story.append(CondPageBreak(_KEEP_WITH_NEXT))
            last_table = len(story) if len(block.rows) <= _KEEP_TABLE_ROWS else None
            story.extend(_pdf_table(block, avail, styles))
            story.append(Spacer(1, 2 * mm))
        elif isinstance(block, Text):
            if block.style == "h":
                story.append(CondPageBreak(_KEEP_WITH_NEXT))
            story.append(Paragraph(_escape(block.text), styles.get(block.style, styles["p"])))
        elif isinstance(block, Figure):
            image = Image(io.BytesIO(block.png))
            width = min(block.width_mm * mm, avail)
            image.drawHeight = image.imageHeight * width / image.imageWidth
            image.drawWidth = width
            parts = [Paragraph(_escape(block.title), styles["caption"])] if block.title else []
            last_table = len(story)  # a figure stays with what follows it, alone
            story.append(KeepTogether([*parts, image]))
        after_heading = isinstance(block, Text) and block.style == "h"
    tail: list = []
    if doc.signatures:
        tail.append(_signature_table(doc.signatures, avail))
    if doc.closing:
        tail.append(Spacer(1, 6 * mm))
        tail.extend(Paragraph(_escape(line), styles["closing"]) for line in doc.closing)
    if tail:
        # the signatures and the closing stay with what they sign: the notes after the last
        # table, and that table too when it is short (a long one splits over pages anyway)
        keep_from = last_table
        if keep_from is None:
            keep_from = len(story)
            while keep_from > blocks_start and isinstance(story[keep_from - 1], (Paragraph, Spacer)):
                keep_from -= 1
        story[keep_from:] = [KeepTogether([*story[keep_from:], *tail])]

    title, footer = doc.title, doc.footer

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws the running header and "第 N 页 共 M 页" once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = pagesize
            self.setFont(_FONT, 8.5)
            self.setFillGray(0.35)
            self.drawString(margin, height - margin + 1 * mm, title)
            self.setLineWidth(0.4)
            self.setStrokeGray(0.6)
            self.line(margin, height - margin, width - margin, height - margin)
            self.drawCentredString(width / 2, margin - 2 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            if footer:
                self.drawString(margin, margin - 7 * mm, footer)

    template.build(story, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


def write_pdf(doc: Document, path: Path) -> Path:
    return _write_bytes(Path(path), pdf_bytes(doc))


# ---------------------------------------------------------------------------------------
# PNG (through the PDF, so the picture is exactly the printed notice)


def pdf_png(pdf: bytes | Path, *, scale: float = 2.0, grayscale: bool = False) -> bytes:
    """Render every page of a PDF with PDFium and stack them into one PNG (white gaps between);
    `grayscale` for documents without pictures: a third of the pixels to encode."""
    import pypdfium2 as pdfium
    from PIL import Image as PILImage

    source = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    document = pdfium.PdfDocument(source)
    try:
        mode = "L" if grayscale else "RGB"
        pages = [document[i].render(scale=scale, grayscale=grayscale).to_pil().convert(mode)
                 for i in range(len(document))]
    finally:
        document.close()
    gap = int(12 * scale)
    width = max(p.width for p in pages)
    height = sum(p.height for p in pages) + gap * (len(pages) - 1)
    sheet = PILImage.new(mode, (width, height), "white")
    top = 0
    for page in pages:
        sheet.paste(page, (0, top))
        top += page.height + gap
    out = io.BytesIO()
    # zlib level 1: several times faster than the default for a tall page image, ~10% larger
    sheet.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def write_png(doc: Document, path: Path, *, scale: float = 2.0) -> Path:
    return _write_bytes(Path(path), pdf_png(pdf_bytes(doc), scale=scale, grayscale=is_plain(doc)))


# ---------------------------------------------------------------------------------------
# the phone picture (a notice forwarded to the parents' WeChat group)

PHONE_WIDTH = 1080  # px: a phone screen's width, shown without zooming
PHONE_PART = 4000  # px (about two screens): a longer picture is split into numbered parts of at most about this height
PHONE_MARGIN = 48
PHONE_SIZES = {"title": 54, "h": 44, "p": 36, "note": 32, "label": 32, "value": 36, "card": 38}
PHONE_LINE = 1.45  # line height / font size


@cache
def _phone_font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(), size, index=0)


@lru_cache(maxsize=8192)
def _text_mask(text: str, size: int, bold: bool):
    """`text` drawn once as a mask (labels and amounts repeat on every card: drawn once)."""
    from PIL import Image, ImageDraw

    font = _phone_font(size)
    left, top, right, bottom = font.getbbox(text, stroke_width=1 if bold else 0)
    mask = Image.new("L", (max(1, right), max(1, bottom)), 0)
    ImageDraw.Draw(mask).text((0, 0), text, font=font, fill=255, stroke_width=1 if bold else 0, stroke_fill=255)
    return mask


def _draw(image, xy: tuple[float, float], text: str, size: int, *, fill: int = 0, bold: bool = False) -> None:
    mask = _text_mask(text, size, bold)
    image.paste(fill, (round(xy[0]), round(xy[1])), mask)


_NO_LINE_START = set("）》」』】、，。；：！？%)")


def _wrap(text: str, font, width: int) -> list[str]:
    """`text` in lines of at most `width` pixels (a line may break between any two characters
    of Chinese; a run of Latin letters or digits is kept whole when it fits)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.findall(r"[A-Za-z0-9.,%:/\-()]+|.", paragraph):
            # closing punctuation never starts a line (it may stand a little into the margin)
            if font.getlength(line + token) <= width or not line or token in _NO_LINE_START:
                line += token
                while font.getlength(line) > width and len(token) > 1 and len(line) > 1:  # a very long token
                    lines.append(line[:-1])
                    line = line[-1]
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line)
    return lines


class _Canvas:
    """Pieces of the phone picture: each a full-width strip drawn on its own (a heading, a
    paragraph, a card), kept whole when the picture is split."""

    def __init__(self) -> None:
        self.pieces: list = []

    def text(self, text: str, kind: str, *, centre: bool = False, grey: int = 0, gap: int = 10) -> None:
        from PIL import Image

        size = PHONE_SIZES[kind]
        font = _phone_font(size)
        width = PHONE_WIDTH - 2 * PHONE_MARGIN
        lines = _wrap(text, font, width)
        step = int(size * PHONE_LINE)
        image = Image.new("L", (PHONE_WIDTH, step * len(lines) + 2 * gap), 255)
        bold = 1 if kind in ("title", "h") else 0
        for index, line in enumerate(lines):
            x = PHONE_MARGIN + ((width - font.getlength(line)) / 2 if centre else 0)
            _draw(image, (x, gap + index * step), line, size, fill=grey, bold=bool(bold))
        self.pieces.append(image)

    def card(self, heading: str, pairs: list[tuple[str, str]], *, total: bool = False) -> None:
        """One item (a table row): its name, then each figure with its label, two to a line."""
        from PIL import Image, ImageDraw

        head_font, label_font, value_font = (_phone_font(PHONE_SIZES[k]) for k in ("card", "label", "value"))
        inner = PHONE_WIDTH - 2 * PHONE_MARGIN - 2 * 24
        head_lines = _wrap(heading, head_font, inner) if heading else []
        half = inner // 2 - 16
        rows: list[list[tuple[str, str]]] = []
        open_row = False  # the last row has one narrow pair and room for another
        for label, value in pairs:
            narrow = label_font.getlength(label) + value_font.getlength(value) + 24 <= half
            if narrow and open_row:
                rows[-1].append((label, value))
                open_row = False
            else:
                rows.append([(label, value)])
                open_row = narrow
        head_step = int(PHONE_SIZES["card"] * PHONE_LINE)
        step = int(PHONE_SIZES["value"] * PHONE_LINE)
        wrapped_rows = []
        for row in rows:
            if len(row) == 1 and label_font.getlength(row[0][0]) + value_font.getlength(row[0][1]) + 24 > inner:
                wrapped_rows.append((row, _wrap(row[0][1], value_font, inner)))
            else:
                wrapped_rows.append((row, None))
        height = 20 + head_step * len(head_lines) + sum(
            step * (1 + len(extra)) if extra else step for _row, extra in wrapped_rows) + 20
        image = Image.new("L", (PHONE_WIDTH, height + 16), 255)
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle((PHONE_MARGIN, 0, PHONE_WIDTH - PHONE_MARGIN, height), radius=18,
                               fill=225 if total else 244)
        left, y = PHONE_MARGIN + 24, 20
        for line in head_lines:
            _draw(image, (left, y), line, PHONE_SIZES["card"], bold=True)
            y += head_step
        for row, extra in wrapped_rows:
            if extra:
                _draw(image, (left, y + 4), row[0][0], PHONE_SIZES["label"], fill=70)
                y += step
                for line in extra:
                    _draw(image, (left, y), line, PHONE_SIZES["value"])
                    y += step
                continue
            cell = inner if len(row) == 1 else inner // 2
            for column, (label, value) in enumerate(row):
                x = left + column * (inner // 2 + (16 if column else 0))
                _draw(image, (x, y + 4), label, PHONE_SIZES["label"], fill=70)
                end = left + inner if column or len(row) == 1 else x + cell - 16
                _draw(image, (end - value_font.getlength(value), y), value, PHONE_SIZES["value"])
            y += step
        self.pieces.append(image)

    def picture(self, png: bytes) -> None:
        from PIL import Image

        with Image.open(io.BytesIO(png)) as source:
            image = source.convert("L")
        width = PHONE_WIDTH - 2 * PHONE_MARGIN
        image = image.resize((width, max(1, round(image.height * width / image.width))))
        strip = Image.new("L", (PHONE_WIDTH, image.height + 20), 255)
        strip.paste(image, (PHONE_MARGIN, 10))
        self.pieces.append(strip)


def _phone_table(canvas: _Canvas, table: Table) -> None:
    """A table as cards: one per row, named by its label cells, its figures with their headers."""
    if table.title:
        canvas.text(table.title, "h")
    # a row number (序号) names the card with the label cells
    numeric = [n and not (i == 0 and table.columns[0] == "序号") for i, n in enumerate(_numeric_columns(table))]
    for values, is_total in [(row, False) for row in table.rows] + ([(table.total, True)] if table.total else []):
        label = [cell_text(v) for v, n in zip(values, numeric) if not n and v is not None and cell_text(v)]
        pairs = [(str(column), cell_text(v)) for column, v, n in zip(table.columns, values, numeric)
                 if n and v is not None]
        name_columns = [i for i, n in enumerate(numeric) if not n]
        if len(label) > 2:  # long text columns (a basis, a payee): label them too
            pairs = [(str(table.columns[i]), cell_text(values[i])) for i in name_columns[2:]
                     if values[i] is not None and cell_text(values[i])] + pairs
            label = label[:2]
        canvas.card("　".join(label), pairs, total=is_total)


def phone_pngs(doc: Document) -> list[bytes]:
    """The document as pictures for a phone: one column `PHONE_WIDTH` px wide, type of at least
    32 px (readable without zooming), one item (table row) per card, the school, the period
    and the contact; no page headers or footers. A long document is split into numbered
    pictures ("第 1 张，共 3 张") of about `PHONE_PART` px, never inside an item."""
    from PIL import Image

    body = _Canvas()
    for key, value in doc.info:
        body.text(f"{key}：{value}", "note", grey=40, gap=4)
    for block in doc.blocks:
        if isinstance(block, Table):
            _phone_table(body, block)
        elif isinstance(block, Text):
            body.text(block.text, "h" if block.style == "h" else block.style if block.style in PHONE_SIZES else "p")
        elif isinstance(block, Figure):
            if block.title:
                body.text(block.title, "h")
            body.picture(block.png)
    for line in doc.closing:
        body.text(line, "p", gap=4)
    contact = doc.footer
    parts: list[list] = [[]]
    height = 0
    for piece in body.pieces:
        if parts[-1] and height + piece.height > PHONE_PART:
            parts.append([])
            height = 0
        parts[-1].append(piece)
        height += piece.height
    images = []
    for number, pieces in enumerate(parts, start=1):
        frame = _Canvas()
        counter = f"第 {number} 张，共 {len(parts)} 张" if len(parts) > 1 else ""
        if doc.subtitle or counter:
            frame.text("　".join(s for s in (doc.subtitle, counter) if s), "p", centre=True, gap=6)
        frame.text(doc.title, "title", centre=True, gap=14)
        tail = _Canvas()
        if contact:
            tail.text(contact, "note", centre=True, grey=40, gap=16)
        strips = [*frame.pieces, *pieces, *tail.pieces]
        sheet = Image.new("L", (PHONE_WIDTH, sum(s.height for s in strips) + 2 * PHONE_MARGIN), 255)
        top = PHONE_MARGIN
        for strip in strips:
            sheet.paste(strip, (0, top))
            top += strip.height
        images.append(_png_bytes(sheet))
    return images


def phone_png(doc: Document) -> bytes:
    """All the phone pictures of `doc` in one (for a single download)."""
    from PIL import Image

    pictures = phone_pngs(doc)
    if len(pictures) == 1:
        return pictures[0]
    parts = [Image.open(io.BytesIO(png)) for png in pictures]
    sheet = Image.new("L", (PHONE_WIDTH, sum(p.height for p in parts)), 255)
    top = 0
    for part in parts:
        sheet.paste(part, (0, top))
        top += part.height
    return _png_bytes(sheet)


_GREYS = [value // 17 for value in range(256)]  # 16 shades: enough for text on white


def _png_bytes(image) -> bytes:
    """A grey picture as a 4-bit PNG (16 shades): half the size, and faster to encode."""
    shades = image.point(_GREYS).convert("P")
    shades.putpalette([c for value in range(16) for c in (value * 17,) * 3])
    out = io.BytesIO()
    shades.save(out, format="PNG", compress_level=1, bits=4)
    return out.getvalue()


def phone_stems(stem: str, count: int) -> list[str]:
    """File names of the phone pictures: `stem` alone, or `stem-1` … `stem-N` when split."""
    return [stem] if count == 1 else [f"{stem}-{n}" for n in range(1, count + 1)]


def is_plain(doc: Document) -> bool:
    """Text and tables only (no figure): its picture loses nothing in shades of grey."""
    return not any(isinstance(block, Figure) for block in doc.blocks)


def pdf_text(pdf: bytes | Path) -> list[str]:
    """The text of each page of a PDF (for checks and tests)."""
    import pypdfium2 as pdfium

    source = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    document = pdfium.PdfDocument(source)
    try:
        texts = []
        for i in range(len(document)):
            textpage = document[i].get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
        return texts
    finally:
        document.close()


# ---------------------------------------------------------------------------------------
# xlsx

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(doc: Document, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", doc.sheet or doc.title)[:31] or "Sheet"
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def _text_cell(sheet, row: int, column: int, text):
    """A cell holding `text` as text: openpyxl stores a string starting with `=` as a live
    formula, so a bank memo like `=HYPERLINK(…)` would run in whoever opens the workbook; the
    cell is typed as a string whatever it starts with (`=`, `+`, `-`, `@`, tab, CR)."""
    cell = sheet.cell(row=row, column=column, value=text)
    if isinstance(text, str):
        cell.data_type = "s"
    return cell


def _fill_sheet(sheet, doc: Document) -> None:
    from openpyxl.drawing.image import Image as XLImage
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    width = max([len(b.columns) for b in doc.blocks if isinstance(b, Table)] or [4])
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="E8E8E8")
    total_fill = PatternFill("solid", fgColor="F3F3F3")
    col_width = [8.0] * width
    row = 1

    def line(text: str, *, size: float = 11, bold: bool = False, centre: bool = False) -> None:
        nonlocal row
        cell = _text_cell(sheet, row, 1, text)
        cell.font = Font(size=size, bold=bold)
        if width > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell.alignment = Alignment(horizontal="center" if centre else "left", wrap_text=not centre)
        row += 1

    line(doc.title, size=16, bold=True, centre=True)
    if doc.subtitle:
        line(doc.subtitle, size=12, centre=True)
    for key, value in doc.info:
        line(f"{key}：{value}")
    for block in doc.blocks:
        if isinstance(block, Text):
            line(block.text, bold=block.style == "h", size=12 if block.style == "h" else 11)
        elif isinstance(block, Figure):
            if block.title:
                line(block.title, bold=True)
            image = XLImage(io.BytesIO(block.png))
            ratio = (block.width_mm * 3.78) / image.width  # ~96 px per inch
            image.width, image.height = image.width * ratio, image.height * ratio
            sheet.add_image(image, f"A{row}")
            row += int(image.height / 20) + 1
        elif isinstance(block, Table):
            if block.title:
                line(block.title, bold=True)
            numeric = _numeric_columns(block)
            for col, label in enumerate(block.columns, start=1):
                cell = _text_cell(sheet, row, col, label)
                cell.font, cell.fill, cell.border = Font(bold=True), header_fill, border
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                col_width[col - 1] = max(col_width[col - 1], min(display_width(label) + 2, 40))
            row += 1
            body = [(r, False) for r in block.rows] + ([(block.total, True)] if block.total else [])
            for values, is_total in body:
                for col, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row, column=col)
                    if isinstance(value, Percent):
                        cell.value, cell.number_format = float(value.value), "0.00%"
                    elif isinstance(value, Decimal):
                        cell.value, cell.number_format = value, "#,##0.00"
                    elif isinstance(value, int) and not isinstance(value, bool):
                        cell.value, cell.number_format = value, "#,##0"
                    else:
                        cell = _text_cell(sheet, row, col, cell_text(value) or None)
                    cell.border = border
                    if is_total:
                        cell.font, cell.fill = Font(bold=True), total_fill
                    if numeric[col - 1]:
                        cell.alignment = Alignment(horizontal="right")
                    col_width[col - 1] = max(col_width[col - 1],
                                             min(display_width(cell_text(value)) + 2, 40))
                row += 1
        row += 1
    if doc.signatures:
        for i, label in enumerate(doc.signatures):
            _text_cell(sheet, row + i // width, i % width + 1, f"{label}：")
        row += (len(doc.signatures) - 1) // width + 2
    for text in doc.closing:
        cell = _text_cell(sheet, row, width, text)
        cell.alignment = Alignment(horizontal="right")
        row += 1
    if doc.footer:
        line(doc.footer, size=9)
    for col, w in enumerate(col_width, start=1):
        sheet.column_dimensions[_column_letter(col)].width = w
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if doc.landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def write_xlsx(docs: Document | Iterable[Document], path: Path) -> Path:
    """One workbook, one sheet per document (in order)."""
    return _write_bytes(Path(path), xlsx_bytes(docs))


def xlsx_bytes(docs: Document | Iterable[Document]) -> bytes:
    """The workbook of `write_xlsx` as bytes (e.g. for a download from a Fava page)."""
    from openpyxl import Workbook

    documents = [docs] if isinstance(docs, Document) else list(docs)
    if not documents:
        raise ValueError("write_xlsx needs at least one document")
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for doc in documents:
        _fill_sheet(workbook.create_sheet(_sheet_name(doc, taken)), doc)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------
# all formats

FORMATS = ("html", "pdf", "xlsx", "png")


def write(doc: Document, out_dir: Path, stem: str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write `doc` as `out_dir/stem.<format>` for each format; returns the paths written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown formats {unknown}; choose from {FORMATS}")
    out_dir = Path(out_dir)
    written = []
    pdf = pdf_bytes(doc) if ("pdf" in formats or ("png" in formats and not doc.phone)) else b""
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        if fmt == "html":
            written.append(write_html(doc, path))
        elif fmt == "pdf":
            written.append(_write_bytes(path, pdf))
        elif fmt == "xlsx":
            written.append(write_xlsx(doc, path))
        elif fmt == "png" and doc.phone:
            pictures = phone_pngs(doc)
            for name, picture in zip(phone_stems(stem, len(pictures)), pictures):
                written.append(_write_bytes(out_dir / f"{name}.png", picture))
        elif fmt == "png":
            written.append(_write_bytes(path, pdf_png(pdf, grayscale=is_plain(doc))))
    return written


WriteJob = tuple[Document, Path, str, Sequence[str]]  # document, folder, stem, formats


def _write_jobs(jobs: Sequence[WriteJob]) -> list[Path]:
    return [path for doc, out_dir, stem, formats in jobs for path in write(doc, out_dir, stem, formats)]


_INHERITED: Sequence[WriteJob] = ()  # the jobs of `write_many`, inherited by its forked workers


def write_many(jobs: Sequence[WriteJob], processes: int | None = None) -> list[Path]:
    """Write many documents (one statement per student…), split over `processes` worker
    processes (default: the number of CPUs; 1 writes in this process); returns the paths in
    the order of `jobs`. The jobs are dealt out in turn, so that a run of heavy documents (the
    class notices before the statements) is shared by all workers; forked workers inherit the
    jobs (nothing is pickled but their numbers). Use more than one process only from a
    command, not inside a threaded server."""
    global _INHERITED
    processes = min(processes or os.cpu_count() or 1, len(jobs))
    if processes <= 1:
        return _write_jobs(jobs)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    count = min(len(jobs), processes * 8)  # a few chunks per worker evens out their speed
    chunks = [range(i, len(jobs), count) for i in range(count)]
    _INHERITED = jobs
    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_write_inherited, chunks))
    finally:
        _INHERITED = ()
    ordered: list[list[Path]] = [[] for _ in jobs]
    for chunk, paths in zip(chunks, done):
        for index, job_paths in zip(chunk, paths):
            ordered[index] = job_paths
    return [path for paths in ordered for path in paths]


def _write_inherited(indexes: range) -> list[list[Path]]:
    return [write(*_INHERITED[i]) for i in indexes]


def safe_filename(text: str) -> str:
    """A file name from a label (class names, item names): no path separators or control chars."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip(" .-")
    return cleaned or "document"


def _write_bytes(path: Path, data: bytes) -> Path:
    """Write through a temporary file and rename (`xiaozhang.io.write_atomic`), so a reader
    never sees half a file."""
    try:
        return write_atomic(path, data)
    except OSError as error:
        raise DocumentError(f"无法写入 {path}：{error.strerror or error}") from error


__all__ = [
    "Block", "Cell", "Document", "DocumentError", "FORMATS", "Figure", "Percent", "Table", "Text",
    "cell_text", "display_width", "is_plain", "pdf_bytes", "pdf_png", "pdf_text", "phone_png", "phone_pngs",
    "render_html", "safe_filename",
    "write", "write_html", "write_many", "write_pdf", "write_png", "write_xlsx", "xlsx_bytes",
]

