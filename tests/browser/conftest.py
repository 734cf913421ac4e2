"""What the browser tests share: a real `xiaozhang serve` process per ledger, one headless
Chromium, pages that record every console error, and full-page screenshots.

Uses Debian's /usr/bin/chromium (never a downloaded browser); `make test` installs it.
A module names the ledger it serves in `SERVES`; modules that serve the same ledger share one
server for the whole run. Server logs and screenshots go to tests/artifacts/.
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
from typing import TYPE_CHECKING, Callable, NamedTuple
from urllib.parse import urlparse

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
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


class Servers:
    """One `xiaozhang serve` process per ledger, started when first asked for, all stopped at
    the end of the run."""

    def __init__(self, stack: contextlib.ExitStack):
        self._stack = stack
        self._bases: dict[Path, str] = {}

    def base_url(self, ledger: Path) -> str:
        ledger = ledger.resolve()
        if ledger not in self._bases:
            log = ARTIFACTS / f"{ledger.stem}-server.log"
            self._bases[ledger] = self._stack.enter_context(serve(ledger, log))
        return self._bases[ledger]


@pytest.fixture(scope="session")
def servers():
    with contextlib.ExitStack() as stack:
        yield Servers(stack)


@pytest.fixture(scope="module")
def server(request, servers) -> str:
    """Base URL of the server for the ledger named by the module's `SERVES`."""
    ledger = getattr(request.module, "SERVES", None)
    if ledger is None:
        pytest.fail(f"{request.module.__name__} uses `server` but names no ledger in SERVES")
    return servers.base_url(Path(ledger))


@pytest.fixture(scope="session")
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


def watch(page: Page) -> Watched:
    """Collect the page's console errors, uncaught exceptions and failed requests, and block
    (and record) every request that is not for 127.0.0.1."""
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
    return watched


@pytest.fixture(scope="session")
def open_page(browser: Browser) -> Callable[[str], Watched]:
    """`open_page(url)`: a new watched page (its own browser context) showing `url`, loaded
    with status 200. The caller closes it."""

    def opener(url: str) -> Watched:
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        watched = watch(page)
        response = page.goto(url, wait_until="networkidle")
        assert response is not None and response.status == 200
        return watched

    return opener


@pytest.fixture(scope="session")
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: the whole page to tests/artifacts/<name>."""

    def take(page: Page, name: str) -> Path:
        # Fava scrolls inside <article>, not the document: grow the viewport to show it all.
        height = page.evaluate(
            "() => Math.ceil(document.querySelector('article').getBoundingClientRect().top"
            " + document.querySelector('article').scrollHeight)"
        )
        page.set_viewport_size({"width": 1400, "height": max(900, height)})
        path = ARTIFACTS / name
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def platform_fonts() -> Callable[[Page, str], set[str]]:
    """`platform_fonts(page, selector)`: the font families Chromium actually drew the first
    `selector` element's text with."""

    def fonts_of(page: Page, selector: str) -> set[str]:
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

    return fonts_of


@pytest.fixture(scope="module")
def loaded_page(request, server, open_page):
    """The module's page, opened once per module: `server` + the module's `OPENS` (path and
    query), ready when its `READY` selector shows. A module that needs more set-up or clean-up
    defines its own `loaded_page`."""
    module = request.module
    watched = open_page(server + module.OPENS)
    watched.page.wait_for_selector(module.READY)
    yield watched
    watched.page.close()


@pytest.fixture(scope="session")
def clean_page() -> Callable[[Watched, str], None]:
    """`clean_page(watched, title)`: no console error, no request outside 127.0.0.1, and the
    page's title starts with `title`."""

    def check(watched: Watched, title: str) -> None:
        assert watched.problems == []
        assert watched.outside == []
        assert watched.page.title().startswith(title)

    return check


@pytest.fixture(scope="session")
def drawn_screenshot(screenshot) -> Callable[[Page, str, int, int], Path]:
    """`drawn_screenshot(page, name, min_width, min_height)`: the whole page to
    tests/artifacts/<name>, checked to be at least that large and not blank (many colours, at
    most 97% near-white: text, tables and charts were drawn)."""
    from PIL import Image

    def take(page: Page, name: str, min_width: int, min_height: int) -> Path:
        path = screenshot(page, name)
        with Image.open(path) as image:
            rgb = image.convert("RGB")
            width, height = rgb.size
            assert width >= min_width and height >= min_height, (width, height)
            colours = rgb.getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 200
            white = sum(count for count, colour in colours if min(colour) >= 245)
            assert white / (width * height) < 0.97
        return path

    return take
