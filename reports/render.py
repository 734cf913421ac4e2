"""Rendering helpers shared by the Fava pages and the report commands: money formatting and
server-side charts (inline SVG for the pages, PNG for printed reports).

Charts are drawn with matplotlib on the server and inlined into the page as SVG, so they
need no JavaScript, no network and no font on the reader's machine: every glyph, Chinese
included, is written as an SVG path (`svg.fonttype = path`) from Noto Sans CJK SC
(Debian package fonts-noto-cjk, installed by `make serve`/`make test`).

Text and axes are drawn in `currentColor`, so the chart follows Fava's light or dark theme
through the CSS `color` of the element around it.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import os
import re
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from markupsafe import Markup

from xiaozhang.model.money import format_money
from xiaozhang.model.periods import Month, SchoolYear, month_end

CJK_FONT = "Noto Sans CJK SC"
FALLBACK_FONT = "DejaVu Sans"  # ships with matplotlib; used only if the CJK font is missing

# Chart colours (Fava's palette is chosen by its JS; these read well on light and dark).
INCOME_COLOUR = "#3b7dd8"
EXPENSES_COLOUR = "#e8833a"

# A colour nothing else uses; replaced by `currentColor` in the SVG text.
_TEXT_SENTINEL = "#010203"
# matplotlib's rcParams are global: one chart at a time (Fava serves from several threads).
_RENDER_LOCK = threading.Lock()


@functools.cache  # looked for once per process
def cjk_font_path() -> str | None:
    """The file matplotlib draws Chinese from (`CJK_FONT`), None when it is not installed.

    matplotlib keeps its list of fonts in a cache made the first time it runs; when that was
    before the CJK font was installed (`make serve` installs fonts-noto-cjk, but matplotlib
    may have run earlier on the machine), the list lacks it and every Chinese label would be
    an empty box.  The installed Noto Sans CJK files are then added to the list once."""
    from matplotlib import font_manager

    wanted = font_manager.FontProperties(family=CJK_FONT)
    try:
        return font_manager.findfont(wanted, fallback_to_default=False)
    except ValueError:
        pass
    for path in font_manager.findSystemFonts():
        if os.path.basename(path).startswith("NotoSansCJK"):
            font_manager.fontManager.addfont(path)
    try:
        return font_manager.findfont(wanted, fallback_to_default=False)
    except ValueError:
        return None


money = format_money  # documents and pages print money one way (xiaozhang.model.money)


def period_label(first: dt.date, last: dt.date) -> str:
    """A period as the pages name it: `2025年10月`, `2025年`, `2025-2026学年`, else
    `2025-10-08 至 2025-11-20` (both days included)."""
    if first.day == 1 and last == month_end(first) and first.month == last.month \
            and first.year == last.year:
        return Month.of(first).label
    if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31) and first.year == last.year:
        return f"{first.year}年"
    school_year = SchoolYear.of(first)
    if (first, last) == (school_year.first, school_year.last):
        return school_year.label
    return f"{first} 至 {last}"


class Series(NamedTuple):
    """One series of a grouped bar chart."""

    label: str
    values: Sequence[Decimal]
    colour: str


def bar_chart_svg(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    draw_title: bool = False,
    y_label: str | None = None,
    width_in: float = 9.0,
    height_in: float = 3.6,
) -> Markup:
    """A grouped bar chart (one group per category) as an inline `<svg>` element.

    `title` is the chart's accessible name; it is drawn only with `draw_title` (pages
    usually have a heading right above the chart).
    """
    document = _bar_chart(categories, series, title=title, draw_title=draw_title, y_label=y_label,
                          width_in=width_in, height_in=height_in, fmt="svg")
    return Markup(_inline_svg(document.decode("utf-8"), title))


def bar_chart_png(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    y_label: str | None = None,
    width_in: float = 9.0,
    height_in: float = 3.6,
    horizontal: bool = False,
    dpi: int = 150,
) -> bytes:
    """The same chart as a PNG for printed reports (`document.Figure`): black text on white,
    the title drawn, Chinese labels rasterised from the CJK font. `horizontal` puts the
    categories on the vertical axis (long labels such as account names)."""
    return _bar_chart(categories, series, title=title, draw_title=True, y_label=y_label,
                      width_in=width_in, height_in=height_in, fmt="png", horizontal=horizontal,
                      dpi=dpi)


def _bar_chart(categories, series, *, title, draw_title, y_label, width_in, height_in, fmt,
               horizontal=False, dpi=100) -> bytes:
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    text = _TEXT_SENTINEL if fmt == "svg" else "black"
    rc = {
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FONT, FALLBACK_FONT],
        "font.size": 10,
        "svg.fonttype": "path",
        "svg.hashsalt": "xiaozhang",  # stable element ids: the same data gives the same SVG
        "axes.unicode_minus": False,
        "text.color": text,
        "axes.labelcolor": text,
        "axes.edgecolor": text,
        "xtick.color": text,
        "ytick.color": text,
    }
    with _RENDER_LOCK, rc_context(rc):
        cjk_font_path()  # (once per process: the CJK font in matplotlib's list of fonts)
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        ax = fig.add_subplot()
        group_width = 0.8
        bar_width = group_width / max(len(series), 1)
        positions = range(len(categories))
        for index, one in enumerate(series):
            offset = (index - (len(series) - 1) / 2) * bar_width
            places = [x + offset for x in positions]
            values = [float(value) for value in one.values]
            if horizontal:
                ax.barh(places, values, height=bar_width, label=one.label, color=one.colour)
            else:
                ax.bar(places, values, width=bar_width, label=one.label, color=one.colour)
        amounts = FuncFormatter(lambda y, _pos: f"{y:,.0f}")
        if horizontal:
            ax.set_yticks(list(positions), list(categories))
            ax.invert_yaxis()  # the first category on top, as in the table
            ax.xaxis.set_major_formatter(amounts)
        else:
            ax.set_xticks(list(positions), list(categories))
            ax.yaxis.set_major_formatter(amounts)
        if y_label:
            (ax.set_xlabel if horizontal else ax.set_ylabel)(y_label)
        if draw_title:
            ax.set_title(title)
        ax.margins(**({"x": 0.12} if horizontal else {"y": 0.12}))  # headroom past the longest bar
        if all(value >= 0 for one in series for value in one.values):
            (ax.set_xlim if horizontal else ax.set_ylim)(0, None)
        ax.grid(axis="x" if horizontal else "y", alpha=0.3)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        # Above the plot, right-aligned: never covers a bar.
        ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1, 1), ncols=len(series))
        buffer = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
        else:
            fig.savefig(buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()


def _inline_svg(document: str, title: str) -> str:
    """Make matplotlib's SVG document an element to inline in HTML: responsive, themed."""
    svg = document[document.index("<svg") :]
    # Drop the fixed size; the viewBox keeps the proportions and CSS sets the width.
    svg = re.sub(r'^<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{_attr(title)}"', 1)
    return svg.replace(_TEXT_SENTINEL, "currentColor")


def _attr(text: str) -> str:
    return str(Markup.escape(text))
