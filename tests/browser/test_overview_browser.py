"""The 概览 page in a real headless Chromium against a real `xiaozhang serve` process.

Uses Debian's /usr/bin/chromium (never a downloaded browser); `make test` installs it.
Leaves a full-page screenshot in tests/artifacts/overview.png.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import quote, urlparse

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "overview.beancount"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SLUG = "校账测试小学"  # from the fixture's `option "title"`
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignore *_proxy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(ledger: Path, log: Path):
    """Base URL of a `xiaozhang serve` process serving `ledger`; its output goes to `log`."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "xiaozhang.cli", "serve", str(ledger),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    pytest.fail(f"xiaozhang serve exited early:\n{log.read_text(errors='replace')}")
                try:
                    with DIRECT.open(f"{base}/", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"xiaozhang serve did not answer:\n{log.read_text(errors='replace')}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def server():
    """Base URL of a `xiaozhang serve` process serving the fixture ledger."""
    with serve(FIXTURE, ARTIFACTS / "overview-server.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Watched(NamedTuple):
    """A page and everything the browser complained about while showing it."""

    page: Page
    problems: list[str]  # console errors, uncaught exceptions, failed requests
    outside: list[str]  # requests that tried to leave 127.0.0.1


def open_page(browser, url: str) -> Watched:
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    watched = Watched(page, [], [])
    page.on("console", lambda msg: msg.type == "error" and watched.problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda error: watched.problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda req: watched.problems.append(f"request failed: {req.url} {req.failure}"))

    def local_only(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:  # no network: anything else is a defect of the page
            watched.outside.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200
    return watched


def screenshot(page: Page, path: Path) -> Path:
    """A screenshot of the whole page to `path`."""
    # Fava scrolls inside <article>, not the document: grow the viewport to show it all.
    height = page.evaluate(
        "() => Math.ceil(document.querySelector('article').getBoundingClientRect().top"
        " + document.querySelector('article').scrollHeight)"
    )
    page.set_viewport_size({"width": 1400, "height": max(900, height)})
    page.screenshot(path=str(path), full_page=True)
    return path


def platform_fonts(page: Page, selector: str) -> set[str]:
    """The font families Chromium actually drew the first `selector` element's text with."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {font["familyName"] for font in fonts}


@pytest.fixture(scope="module")
def loaded_page(server, browser):
    """The overview page, loaded."""
    watched = open_page(browser, f"{server}/{quote(SLUG)}/extension/Overview/")
    watched.page.wait_for_selector(".xz-overview figure svg")
    yield watched
    watched.page.close()


def test_no_console_errors(loaded_page):
    page, problems, outside = loaded_page
    assert problems == []
    assert outside == []
    assert page.title().startswith("概览")


def test_screenshot_is_not_blank(loaded_page):
    page, _problems, _outside = loaded_page
    from PIL import Image

    path = screenshot(page, ARTIFACTS / "overview.png")
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        width, height = rgb.size
        assert width >= 1000 and height >= 800
        colours = rgb.getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 200
        white = sum(count for count, colour in colours if min(colour) >= 245)
        assert white / (width * height) < 0.97  # text, tables and bars are drawn


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
def test_chinese_text_uses_a_cjk_font(loaded_page, selector):
    page, _problems, _outside = loaded_page
    families = platform_fonts(page, selector)
    assert any("CJK SC" in family for family in families), families


def test_pending_entry_opens_in_favas_context_view(server, browser):
    watched = open_page(browser, f"{server}/{quote(SLUG)}/extension/Overview/")
    try:
        watched.page.locator(".xz-pending tbody tr").first.get_by_role("link", name="10月电费（待审批）").click()
        assert "#context-" in watched.page.url
        source = watched.page.locator(".cm-content", has_text='! "区供电公司" "10月电费（待审批）"')
        source.wait_for(timeout=10_000)
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()


def test_sidebar_navigation_to_the_page(server, browser):
    # Fava swaps pages in place (no reload): the page must work when reached that way too.
    watched = open_page(browser, f"{server}/{quote(SLUG)}/income_statement/")
    try:
        watched.page.locator("aside").get_by_role("link", name="概览").click()
        watched.page.wait_for_selector(".xz-overview figure svg", timeout=10_000)
        assert "97,112.34" in watched.page.locator(".xz-funds").inner_text()
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()
