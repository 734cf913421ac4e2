"""The 收费公示 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves tests/fixtures/disclosure.beancount. Leaves a full-page screenshot in
tests/artifacts/disclosure.png (copied to docs/images/disclosure.png for the docs).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from xiaozhang.reports.document import pdf_text
from xiaozhang.roster import read_roster

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "disclosure.beancount"
ROSTER = ROOT / "tests" / "fixtures" / "disclosure-students.csv"
SERVES = FIXTURE  # the `server` fixture (tests/browser/conftest.py) serves it
SLUG = "校账收费公示测试小学"


def page_url(server: str, query: str = "") -> str:
    return f"{server}/{quote(SLUG)}/extension/Disclosure/{query}"


OPENS = f"/{quote(SLUG)}/extension/Disclosure/?period=2026-01&class={quote('一(1)班')}"
READY = "#class-notice .xz-notice table"  # the `loaded_page` fixture (conftest.py) waits for it


def test_no_console_errors(loaded_page, clean_page):
    clean_page(loaded_page, "收费公示")


def test_screenshot_is_not_blank(loaded_page, drawn_screenshot):
    drawn_screenshot(loaded_page.page, "disclosure.png", 1000, 2000)  # status, school notice and class notice


def test_the_class_notice_is_masked(loaded_page):
    page, _problems, _outside = loaded_page
    notice = page.locator("#class-notice .xz-notice").inner_text()
    assert "张*明" in notice and "欧**娜" in notice and "4.85" in notice
    body = page.locator(".xz-disclosure").inner_text()
    for student in read_roster(ROSTER).values():
        assert student.name not in body and student.sid not in body


@pytest.mark.parametrize("selector", [".xz-disclosure h2", "#class-notice .xz-notice tbody td:nth-child(2)", ".xz-status td"])
def test_chinese_text_uses_a_cjk_font(loaded_page, platform_fonts, selector):
    page, _problems, _outside = loaded_page
    families = platform_fonts(page, selector)
    assert any("CJK SC" in family for family in families), families


def test_pdf_download_link(loaded_page, tmp_path):
    page, problems, _outside = loaded_page
    with page.expect_download() as info:
        page.locator("#class-notice .xz-downloads").get_by_role("link", name="PDF").click()
    download = info.value
    assert download.suggested_filename == "一(1)班-2026-01.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = "".join(pdf_text(saved))
    assert "一(1)班收费结算公示（2026年1月）" in text and "张*明" in text
    assert problems == []


def test_choosing_a_class_and_a_month(server, open_page):
    watched = open_page(page_url(server, "?period=2026-01"))
    try:
        watched.page.locator(".xz-classes").get_by_role("link", name="二(1)班").click()
        watched.page.wait_for_selector("#class-notice .xz-notice table", timeout=10_000)
        assert "二(1)班收费结算公示（2026年1月）" in watched.page.locator("#class-notice").inner_text()
        watched.page.locator(".xz-status").get_by_role("link", name="2025年9月").first.click()
        watched.page.wait_for_function("() => document.querySelector('h2').innerText.includes('2025年9月')",
                                       timeout=10_000)
        assert "收费公示（2025年9月）" in watched.page.locator("#school-notice").inner_text()
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_the_notice_preview_fits_the_content_box(loaded_page):
    """Issue 13: the school notice was 1,817 px wide in a 978 px box. Each notice now fits the
    page's content box: no scrolling inside the notice, and the page itself does not overflow."""
    page, _problems, _outside = loaded_page
    sizes = page.evaluate("""() => {
        const box = document.querySelector('.xz-disclosure').getBoundingClientRect();
        const article = document.querySelector('article') || document.scrollingElement;
        return {
            box: [box.left, box.right],
            article: [article.scrollWidth, article.clientWidth],
            notices: [...document.querySelectorAll('.xz-notice')].map(n => {
                const r = n.getBoundingClientRect();
                return [n.parentElement.id, n.scrollWidth, n.clientWidth, r.left, r.right];
            }),
        };
    }""")
    assert [n[0] for n in sizes["notices"]] == ["school-notice", "class-notice"]
    for _id, scroll_width, client_width, left, right in sizes["notices"]:
        assert scroll_width <= client_width + 1, sizes
        assert sizes["box"][0] - 1 <= left and right <= sizes["box"][1] + 1, sizes
    assert sizes["article"][0] <= sizes["article"][1] + 1, sizes
