"""The 食堂 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves tests/fixtures/canteen.beancount; leaves a full-page screenshot in
tests/artifacts/canteen.png (docs/images/canteen.png is the example school's page, taken the
same way).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "canteen.beancount"
SERVES = FIXTURE  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "校账食堂测试小学"


def page_url(server: str, query: str = "") -> str:
    return f"{server}/{quote(SLUG)}/extension/Canteen/{query}"


OPENS = f"/{quote(SLUG)}/extension/Canteen/"
READY = ".xz-canteen figure svg"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "食堂")


def test_screenshot_is_not_blank(loaded_page, drawn_screenshot):
    drawn_screenshot(loaded_page.page, "canteen.png", 1000, 2000)  # five sections and two documents


def test_chart_and_tables_are_laid_out(loaded_page):
    page, _problems, _outside = loaded_page
    box = page.locator(".xz-canteen figure svg").bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 150
    september = page.locator('.xz-months tr[data-month="2025-09"]').inner_text().split("\t")
    assert september[:6] == ["2025年9月", "700", "30", "4,802.50", "4,650.00", "152.50"]
    assert page.locator(".xz-licences tbody tr").count() == 1
    # the two documents one after the other, each as wide as its tables (nothing cut off)
    for index in range(2):
        box = page.locator(".xz-docs > div").nth(index)
        assert box.bounding_box()["width"] > 600
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth")


def test_licence_running_out_is_amber(loaded_page):
    page, _problems, _outside = loaded_page
    cell = page.locator(".xz-licences td.xz-near")
    assert cell.inner_text() == "22"
    assert cell.evaluate("e => getComputedStyle(e).color") == "rgb(180, 83, 9)"


@pytest.mark.parametrize("selector", [".xz-canteen h2", ".xz-months tbody td a", ".xz-doc h1"])
def test_chinese_text_uses_a_cjk_font(loaded_page, platform_fonts, selector):
    page, _problems, _outside = loaded_page
    families = platform_fonts(page, selector)
    assert any("CJK SC" in family or "WenQuanYi" in family for family in families), families


def test_month_links_open_the_months_documents(loaded_page):
    page, problems, _outside = loaded_page
    page.locator('.xz-months tr[data-month="2025-09"] a').click()
    page.wait_for_url("**month=2025-09**")
    page.wait_for_selector(".xz-doc h1")
    assert "2025年9月" in page.locator("#notice h3").inner_text()
    assert "4,802.50" in page.locator(".xz-docs").inner_text()
    assert problems == []


def test_sidebar_navigation_to_the_page(server, open_page):
    watched = open_page(f"{server}/{quote(SLUG)}/income_statement/")
    try:
        watched.page.locator("aside").get_by_role("link", name="食堂").click()
        watched.page.wait_for_selector(".xz-canteen figure svg", timeout=10_000)
        assert "4,802.50" in watched.page.locator(".xz-months").inner_text()
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()
