"""The 预算会计 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves the example school (ledger/main.beancount); leaves a full-page screenshot in
tests/artifacts/budget.png (copied to docs/images/budget.png for the docs).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVES = ROOT / "ledger" / "main.beancount"  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "青禾市明德区实验小学示例"


OPENS = f"/{quote(SLUG)}/extension/BudgetAccounting/?year=2026"
READY = ".xz-budget table.xz-invariant"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "预算会计")


def test_statements_and_the_monthly_check_are_shown(loaded_page):
    page, _problems, _outside = loaded_page
    text = page.locator(".xz-budget").inner_text()
    for title in ("预算收入支出表", "预算结转结余变动表", "财政拨款预算收入支出表",
                  "本年盈余与预算结余的差异情况说明", "中小学校事业支出明细表"):
        assert title in text
    rows = page.locator(".xz-budget table.xz-invariant tbody tr")
    assert rows.count() == 3 * 15  # three sub-accounts at 15 month ends (2025-08 … 2026-10)
    assert page.locator(".xz-budget table.xz-invariant tr.xz-bad").count() == 0
    box = page.locator(".xz-budget .xz-doc").first.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 300


def test_screenshot_is_not_blank(loaded_page, screenshot):
    page, _problems, _outside = loaded_page
    from PIL import Image

    path = screenshot(page, "budget.png")
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        assert width >= 1000 and height >= 2000
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 100
