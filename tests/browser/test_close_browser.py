"""Closed months on the 合规 page, in a real headless Chromium against `xiaozhang serve`.

A small school ledger is written into a temporary folder when the module is imported, March
2026 is closed with the real command code, then one amount of March is changed by hand: the
page lists the closed month and the [CL02] at the changed entry.  The screenshot
(tests/artifacts/close.png) is the picture of docs/close.md (docs/images/close.png).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

from xiaozhang import chart
from xiaozhang.closing_cli import close_months
from xiaozhang.io import load
from xiaozhang.model.periods import Month

ROOT = Path(__file__).resolve().parents[2]
SLUG = "校账月结测试小学"
BANK, OFFICE = chart.BANK_BASIC, chart.goods_services("30201")
PROFILE = """\
2025-08-25 custom "school" "校账月结测试小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
"""
MARCH = f"""\
; 2026年3月

2026-03-02 * "财政拨款" "3月基本支出拨款"
  {BANK}   50000.00 CNY
  {chart.FISCAL_INCOME_BASIC}

2026-03-05 * "百汇办公" "购办公用品"
  handler: "张伟"
  {OFFICE}   980.00 CNY
  {BANK}   -980.00 CNY
"""


def _ledger() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="xz-close-")) / "ledger"
    (folder / "2026").mkdir(parents=True)
    accounts = (ROOT / "ledger" / "accounts.beancount").read_text(encoding="utf-8")
    (folder / "accounts.beancount").write_text(accounts, encoding="utf-8")
    main = folder / "main.beancount"
    main.write_text(f'''option "title" "{SLUG}"
option "operating_currency" "CNY"
2025-01-01 custom "fava-extension" "xiaozhang.reports.fava_ext"
plugin "xiaozhang.plugins.closing"
include "accounts.beancount"
{PROFILE}
2026-04-30 custom "as-of" "评判日期"
include "2026/*.beancount"
''', encoding="utf-8")
    (folder / "2026" / "03.beancount").write_text(MARCH, encoding="utf-8")
    close_months(load(main), [Month(2026, 3)], "陈静")
    march = folder / "2026" / "03.beancount"
    text = march.read_text(encoding="utf-8")
    march.write_text(text.replace(f"  {OFFICE}   980.00 CNY\n  {BANK}   -980.00 CNY",
                                  f"  {OFFICE}   890.00 CNY\n  {BANK}   -890.00 CNY", 1), encoding="utf-8")
    return main


SERVES = _ledger()  # the `server` fixture (tests/browser/conftest.py) serves it


@pytest.fixture(scope="module")
def loaded_page(server, open_page):
    watched = open_page(f"{server}/{quote(SLUG)}/extension/Compliance/")
    watched.page.wait_for_selector(".xz-compliance #closed-months")
    yield watched
    watched.page.close()
    shutil.rmtree(SERVES.parent.parent, ignore_errors=True)


def test_closed_months_and_the_changed_entry(loaded_page, screenshot):
    page, problems, outside = loaded_page
    assert problems == [] and outside == []
    closed = page.locator("#closed-months").inner_text()
    assert closed.startswith("已结账月份：2026年3月")
    errors = page.locator("#errors").inner_text()
    assert "CL02" in errors and "2026年3月已结账" in errors
    path = screenshot(page, "close.png")
    assert path.stat().st_size > 10_000
    images = ROOT / "docs" / "images"
    shutil.copyfile(path, images / "close.png")
