"""Rendering helpers of the Fava pages: money formatting and the SVG bar chart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from matplotlib import font_manager

from xiaozhang.reports.render import (CJK_FONT, Series, bar_chart_png, bar_chart_svg,
                                      cjk_font_path, money)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1234567.8"), "1,234,567.80"),
        (Decimal("97112.34"), "97,112.34"),
        (Decimal("0.005"), "0.01"),  # half up, not banker's rounding
        (Decimal("-1234.5"), "-1,234.50"),
        (Decimal("-0.001"), "0.00"),  # never -0.00
        (Decimal("0"), "0.00"),
        (12, "12.00"),
        (None, ""),
    ],
)
def test_money(amount, text):
    assert money(amount) == text


def test_cjk_font_is_installed():
    # Debian package fonts-noto-cjk (installed by `make test`); without it the chart's
    # Chinese labels would be empty boxes.  `cjk_font_path` also finds it when matplotlib's
    # font cache was made before the font was installed.
    path = cjk_font_path()
    assert path is not None and "NotoSansCJK" in path
    assert font_manager.findfont(
        font_manager.FontProperties(family=CJK_FONT), fallback_to_default=False) == path


def test_bar_chart_svg_is_inline_and_deterministic():
    def draw():
        return bar_chart_svg(
            ["9月", "10月"],
            [
                Series("收入", [Decimal("100.00"), Decimal("50.00")], "#3b7dd8"),
                Series("费用", [Decimal("80.00"), Decimal("0")], "#e8833a"),
            ],
            title="测试图表",
        )

    svg = str(draw())
    assert svg.startswith('<svg role="img" aria-label="测试图表"')
    assert svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert "viewBox=" in svg and ' width="' not in svg.split(">", 1)[0]
    assert "<text" not in svg  # glyphs as paths
    assert "#010203" not in svg and "currentColor" in svg
    assert svg == str(draw())


@pytest.mark.parametrize("horizontal", [False, True])
def test_bar_chart_png_draws_bars_and_is_deterministic(horizontal):
    import io

    from PIL import Image

    def draw():
        return bar_chart_png(["30201办公费", "30205水费"],
                             [Series("预算", [Decimal("34000"), Decimal("9000")], "#3b7dd8"),
                              Series("支出", [Decimal("30000"), Decimal("0")], "#e8833a")],
                             title="预算执行", horizontal=horizontal)

    png = draw()
    assert png == draw()
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1350, 540)  # 9 x 3.6 inches at 150 dpi
        colours = {colour for _count, colour in rgb.getcolors(maxcolors=1 << 20)}
        # both series' colours are drawn, on white
        assert (59, 125, 216) in colours and (232, 131, 58) in colours and (255, 255, 255) in colours
