"""The 固定资产 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves tests/fixtures/assets.beancount. Leaves a full-page screenshot in
tests/artifacts/assets.png (copied to docs/images/assets.png for the docs).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assets.beancount"
SERVES = FIXTURE  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "校账资产测试小学"


def page_url(server: str, query: str = "") -> str:
    return f"{server}/{quote(SLUG)}/extension/FixedAssets/{query}"


OPENS = f"/{quote(SLUG)}/extension/FixedAssets/"
READY = ".xz-assets .xz-register"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "固定资产")


def test_screenshot_is_not_blank(loaded_page, drawn_screenshot):
    drawn_screenshot(loaded_page.page, "assets.png", 1000, 1200)  # four sections, all drawn


def test_chart_and_tables_are_visible(loaded_page):
    page, _problems, _outside = loaded_page
    chart = page.locator("#categories svg")
    box = chart.bounding_box()
    assert box is not None and box["width"] > 400 and box["height"] > 100
    assert page.locator(".xz-register tbody tr").count() == 5
    assert page.locator(".xz-depreciation tbody tr").count() == 3
    total = page.locator(".xz-categories tfoot td").nth(4).inner_text()
    assert total == "1,013,889.18"


def test_choosing_a_classroom_filters_the_register(server, open_page):
    watched = open_page(page_url(server))
    try:
        page = watched.page
        page.wait_for_selector(".xz-register")
        with page.expect_navigation():
            page.select_option('select[name="location"]', "一(1)班教室")
        assert "location=" in page.url and "一(1)班教室" in unquote(page.url)
        rows = page.locator(".xz-register tbody tr")
        assert rows.count() == 1
        assert "学生课桌椅" in rows.first.inner_text()
        assert page.locator('select[name="location"]').input_value() == "一(1)班教室"
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_card_link_opens_the_editor_at_the_card(server, open_page):
    watched = open_page(page_url(server, "?custodian=孙强"))
    try:
        page = watched.page
        link = page.locator(".xz-register tbody tr").first.get_by_role("link")
        target = link.inner_text()
        assert target.startswith("assets.beancount:")
        link.click()
        page.wait_for_url("**/editor/**", timeout=10_000)
        assert f"line={target.split(':')[1]}" in page.url
        page.locator(".cm-content", has_text='asset_id: "ZC20250002"').wait_for(timeout=10_000)
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


@pytest.mark.parametrize("selector", [".xz-assets h2", ".xz-register tbody td:nth-child(2)"])
def test_chinese_text_uses_a_cjk_font(loaded_page, platform_fonts, selector):
    page, _problems, _outside = loaded_page
    families = platform_fonts(page, selector)
    assert any("CJK SC" in family for family in families), families


def test_sidebar_navigation_to_the_page(server, open_page):
    watched = open_page(f"{server}/{quote(SLUG)}/income_statement/")
    try:
        watched.page.locator("aside").get_by_role("link", name="固定资产").click()
        watched.page.wait_for_selector(".xz-assets .xz-categories", timeout=10_000)
        assert "房屋及构筑物" in watched.page.locator(".xz-categories").inner_text()
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()
