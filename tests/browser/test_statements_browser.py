"""The 财务报表 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves the bundled example school (ledger/main.beancount); leaves a full-page screenshot in
tests/artifacts/statements.png and the top of the page in tests/artifacts/statements-top.png
(docs/images/statements-page.png is that picture).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVES = ROOT / "ledger" / "main.beancount"  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "青禾市明德区实验小学示例"  # Fava's slug of the option "title"


OPENS = f"/{quote(SLUG)}/extension/Statements/?period=2026-10"
READY = ".xz-statements .xz-doc table"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "财务报表")


def _drawn_whole(sections) -> None:
    for index in range(sections.count()):
        box = sections.nth(index).bounding_box()
        assert box is not None and box["width"] > 600 and box["height"] > 200
        assert sections.nth(index).evaluate("e => e.scrollWidth <= e.clientWidth")  # nothing cut off


def test_every_statement_is_drawn_whole(loaded_page, screenshot):
    """The page opens on the monthly statements (资产负债表, 收入费用表); each other part is one click
    away (净资产变动表, 现金流量表, 附注, 决算, 预算会计报表) and every statement is drawn whole."""
    page, _problems, _outside = loaded_page
    from PIL import Image

    docs = page.locator(".xz-docs > section")
    assert docs.count() == 2
    _drawn_whole(docs)
    assert "资产总计" in docs.nth(0).inner_text() and "其中：食堂净收入" in docs.nth(1).inner_text()
    path = screenshot(page, "statements.png")
    with Image.open(path) as image:
        width, height = image.size
        assert width >= 1000 and height >= 1500
        image.crop((0, 0, width, min(height, 1900))).save(path.with_name("statements-top.png"))
    for label, needle in (("净资产变动表", "五、本年年末余额"), ("现金流量表", "日常活动产生的现金流量"),
                          ("附注", "中小学校事业支出明细表"), ("决算", "三公")):
        page.locator(".xz-parts a", has_text=label).first.click()
        page.wait_for_selector(f".xz-parts strong:has-text('{label}')")
        page.wait_for_selector(".xz-docs > section .xz-doc table")
        docs = page.locator(".xz-docs > section")
        assert docs.count() == 1
        _drawn_whole(docs)
        assert needle in docs.nth(0).inner_text(), label
    page.locator(".xz-parts a", has_text="预算会计报表").click()
    page.wait_for_selector(".xz-budget-docs > section .xz-doc table")
    budget = page.locator(".xz-budget-docs > section")
    assert budget.count() == 4
    _drawn_whole(budget)
    assert "食堂净预算收入" in budget.first.inner_text()  # 会政预01


def test_month_links_switch_the_month(loaded_page):
    page, _problems, _outside = loaded_page
    page.locator(".xz-parts a", has_text="资产负债表").click()
    page.wait_for_selector(".xz-parts strong:has-text('资产负债表')")
    page.locator(".xz-months a", has_text="2025-12").click()
    page.wait_for_selector("text=2025年12月（年报）")
    assert "本期盈余*" not in page.locator(".xz-docs > section").nth(0).inner_text()
