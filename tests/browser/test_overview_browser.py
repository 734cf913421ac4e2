"""The 概览 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves tests/fixtures/overview.beancount. Leaves a full-page screenshot in
tests/artifacts/overview.png.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "overview.beancount"
SERVES = FIXTURE  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "校账测试小学"  # from the fixture's `option "title"`


OPENS = f"/{quote(SLUG)}/extension/Overview/"
READY = ".xz-overview figure svg"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "概览")


def test_screenshot_is_not_blank(loaded_page, drawn_screenshot):
    drawn_screenshot(loaded_page.page, "overview.png", 1000, 800)  # text, tables and bars


def test_chart_is_visible(loaded_page):
    page, _problems, _outside = loaded_page
    box = page.locator(".xz-overview figure svg").bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 150


def test_fund_table_is_rendered(loaded_page):
    page, _problems, _outside = loaded_page
    rows = page.locator(".xz-funds tbody tr")
    assert rows.count() == 5
    assert rows.nth(0).inner_text().split("\t")[::2] == ["基本户", "97,112.34"]


@pytest.mark.parametrize("selector", [".xz-overview h2", ".xz-funds tbody td a", ".xz-months tfoot td"])
def test_chinese_text_uses_a_cjk_font(loaded_page, platform_fonts, selector):
    page, _problems, _outside = loaded_page
    families = platform_fonts(page, selector)
    assert any("CJK SC" in family for family in families), families


def test_pending_entry_opens_in_favas_context_view(server, open_page):
    watched = open_page(f"{server}/{quote(SLUG)}/extension/Overview/")
    try:
        watched.page.locator(".xz-pending tbody tr").first.get_by_role("link", name="10月电费（待审批）").click()
        assert "#context-" in watched.page.url
        source = watched.page.locator(".cm-content", has_text='! "区供电公司" "10月电费（待审批）"')
        source.wait_for(timeout=10_000)
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_sidebar_navigation_to_the_page(server, open_page):
    # Fava swaps pages in place (no reload): the page must work when reached that way too.
    watched = open_page(f"{server}/{quote(SLUG)}/income_statement/")
    try:
        watched.page.locator("aside").get_by_role("link", name="概览").click()
        watched.page.wait_for_selector(".xz-overview figure svg", timeout=10_000)
        assert "97,112.34" in watched.page.locator(".xz-funds").inner_text()
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_sidebar_lists_overview_first(loaded_page):
    page, _problems, _outside = loaded_page
    titles = ["概览", "合规", "录入凭证", "收费公示", "食堂", "固定资产"]
    links = [text.strip() for text in page.locator("aside a").all_inner_texts()]
    ours = [text for text in links if text in titles]
    assert ours == titles


def test_time_filter_in_favas_bar_changes_the_page(server, open_page, screenshot):
    """Typing 2025-10 into Fava's time filter reloads the page with October's figures: one
    month row, the balances at 2025-10-31, and the notice at the top."""
    watched = open_page(f"{server}/{quote(SLUG)}/extension/Overview/")
    try:
        page = watched.page
        page.wait_for_selector(".xz-overview figure svg")
        time_filter = page.get_by_placeholder("时间")
        time_filter.fill("2025-10")
        time_filter.press("Enter")
        page.wait_for_url("**time=2025-10**")
        page.wait_for_selector(".xz-overview .xz-filter")
        notice = page.locator(".xz-overview .xz-filter").inner_text()
        assert "时间 2025-10" in notice and "2025-10-31 日终余额" in notice
        # the notice is the first thing under the heading
        assert page.locator(".xz-overview > h2 + .xz-filter").count() == 1
        rows = page.locator(".xz-months tbody tr")
        assert rows.count() == 1
        assert rows.first.inner_text().split("\t") == ["2025年10月", "30,000.00", "7,145.67", "22,854.33"]
        basic = page.locator(".xz-funds tbody tr").nth(0).inner_text().split("\t")
        assert basic[0] == "基本户" and basic[2] == "81,512.34"  # 2025-10-31, not 97,112.34
        assert watched.problems == [] and watched.outside == []
        screenshot(page, "overview-time-filter.png")
    finally:
        watched.page.close()
