"""The 合规 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves tests/fixtures/compliance.beancount (known violations). Leaves a full-page screenshot
in tests/artifacts/compliance.png (copied to docs/images/compliance.png for the docs).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "compliance.beancount"
SERVES = FIXTURE  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "校账合规测试小学"


def page_url(server: str, query: str = "") -> str:
    return f"{server}/{quote(SLUG)}/extension/Compliance/{query}"


OPENS = f"/{quote(SLUG)}/extension/Compliance/"
READY = ".xz-compliance .xz-problems"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "合规")


def test_screenshot_is_not_blank(loaded_page, drawn_screenshot):
    drawn_screenshot(loaded_page.page, "compliance.png", 1000, 1500)  # six sections, all drawn


def test_problems_are_grouped_by_month(loaded_page):
    page, _problems, _outside = loaded_page
    groups = page.locator(".xz-errors tbody")
    assert groups.count() == 3
    october = groups.nth(1)
    assert october.locator("tr.xz-group").inner_text().startswith("2025年10月")
    assert october.locator("tr:not(.xz-group)").count() == 3
    # Warnings are a table of their own.
    assert page.locator(".xz-warnings tbody tr:not(.xz-group)").inner_text().count("BG01") == 1


def test_states_are_coloured(loaded_page):
    page, _problems, _outside = loaded_page
    over = page.locator(".xz-budgets td.xz-over").first
    near = page.locator(".xz-budgets td.xz-near").first
    assert over.inner_text() == "超支" and near.inner_text() == "接近（≥90%）"
    plain = page.locator(".xz-budgets tbody tr").nth(2).locator("td").last
    assert plain.inner_text() == "正常"
    colour = over.evaluate("el => getComputedStyle(el).color")
    assert colour != near.evaluate("el => getComputedStyle(el).color")
    assert colour != plain.evaluate("el => getComputedStyle(el).color")


@pytest.mark.parametrize("selector", [".xz-compliance h2", ".xz-errors tr.xz-group th", ".xz-projects tbody td"])
def test_chinese_text_uses_a_cjk_font(loaded_page, platform_fonts, selector):
    page, _problems, _outside = loaded_page
    families = platform_fonts(page, selector)
    assert any("CJK SC" in family for family in families), families


def test_problem_opens_in_favas_context_view(server, open_page):
    watched = open_page(page_url(server, "?by=rule"))
    try:
        group = watched.page.locator('.xz-errors tbody[data-group="AP08"]')
        group.get_by_role("link", name="2025-10-20").click()
        assert "#context-" in watched.page.url
        source = watched.page.locator(".cm-content", has_text='* "育才文具店" "购买文件柜配件"')
        source.wait_for(timeout=10_000)
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_location_opens_the_editor_at_the_line(server, open_page):
    watched = open_page(page_url(server))
    try:
        watched.page.locator(".xz-treasury").get_by_role("link", name="compliance.beancount:120").click()
        watched.page.wait_for_url("**/editor/**", timeout=10_000)
        assert "line=120" in watched.page.url
        watched.page.locator(".cm-content", has_text="门面租金（非税收入）").wait_for(timeout=10_000)
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_sidebar_navigation_to_the_page(server, open_page):
    watched = open_page(f"{server}/{quote(SLUG)}/income_statement/")
    try:
        watched.page.locator("aside").get_by_role("link", name="合规").click()
        watched.page.wait_for_selector(".xz-compliance .xz-projects", timeout=10_000)
        assert "校园绿化2025" in watched.page.locator(".xz-projects").inner_text()
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()
