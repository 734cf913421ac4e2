"""Sign-in and roles in a real headless Chromium against a real `xiaozhang serve` process with a
users file (a copy of the small example school).

- without signing in, a page answers 401 with the sign-in form (tests/artifacts/access-signin.png,
  copied to docs/images/ for docs/access.md);
- the accountant signs in and sees the school's pages; the principal signs in, edits in Fava's
  editor and saves: the server refuses, the editor shows the Chinese message;
- a class teacher lands on their class's 收费公示 and cannot open another class by editing the URL.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.browser.conftest import ARTIFACTS, DIRECT, free_port, watch
from tests.serving.conftest import PASSWORD, make_school


@pytest.fixture(scope="module")
def server(small_school, tmp_path_factory):
    ledger = make_school(small_school, tmp_path_factory.mktemp("access-browser") / "school")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "access-server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "xiaozhang.cli", "serve", str(ledger),
                                    "--host", "127.0.0.1", "--port", str(port)],
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, log.read_text(errors="replace")
                try:
                    with DIRECT.open(f"{base}/_signin", timeout=2) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.2)
            yield base, ledger
        finally:
            process.terminate()
            process.wait(timeout=20)


def sign_in(browser, base: str, login: str, target: str = "/"):
    page = browser.new_page(viewport={"width": 1300, "height": 850}, locale="zh-CN")
    watched = watch(page)
    response = page.goto(base + target)
    assert response.status == 401
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit]")
    return watched


def test_unauthenticated_gets_401_and_the_sign_in_form(server, browser):
    base, _ledger = server
    page = browser.new_page(viewport={"width": 900, "height": 700}, locale="zh-CN")
    watched = watch(page)
    response = page.goto(base + "/", wait_until="networkidle")
    assert response.status == 401
    assert page.locator("h1").inner_text() == "校账 · 登录"
    page.fill("#login", "kuaiji")
    page.fill("#password", "wrong-password")
    page.click("button[type=submit]")
    page.wait_for_selector(".message")
    assert page.locator(".message").inner_text() == "用户名或口令不正确"
    page.fill("#login", "kuaiji")
    page.screenshot(path=str(ARTIFACTS / "access-signin.png"))
    assert not watched.outside
    page.close()


def test_accountant_reads_principal_cannot_save(server, browser):
    base, ledger = server
    accountant = sign_in(browser, base, "kuaiji")
    page = accountant.page
    assert "/extension/Overview/" in page.url
    assert "王会计（会计）" in page.locator("#xz-user").inner_text()
    page.close()

    principal = sign_in(browser, base, "xiaozhang")
    page = principal.page
    assert "王校长（校长）" in page.locator("#xz-user").inner_text()
    before = ledger.read_text(encoding="utf-8")
    slug = page.url.split("/")[3]
    page.goto(f"{base}/{slug}/editor/", wait_until="networkidle")
    page.locator(".cm-content").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" ; 校长试图修改")
    page.keyboard.press("Control+s")
    message = page.get_by_text("只读角色，不能修改账本")
    message.first.wait_for(timeout=10000)
    assert "校长为只读角色" in message.first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "access-readonly.png"))
    assert ledger.read_text(encoding="utf-8") == before
    page.close()


def test_class_teacher_cannot_open_another_class(server, browser):
    base, _ledger = server
    teacher = sign_in(browser, base, "banzhuren")
    page = teacher.page
    assert page.url.endswith("/extension/Disclosure/")
    assert "刘老师（班主任 三(1)班）" in page.locator("#xz-user").inner_text()
    own = page.url + "?class=" + quote("三(1)班")
    assert page.goto(own, wait_until="networkidle").status == 200
    page.screenshot(path=str(ARTIFACTS / "access-class-teacher.png"))
    shown = [text.strip() for text in page.locator("aside li:visible").all_inner_texts()]
    assert shown == ["收费公示"], shown  # the sidebar offers only their page
    other = page.goto(page.url.split("?")[0] + "?class=" + quote("四(1)班"), wait_until="networkidle")
    assert other.status == 403
    assert "班主任只能查看本班（三(1)班）的收费公示" in page.locator(".reason").inner_text()
    for path in ("income_statement/", "editor/", "extension/Compliance/"):
        slug = page.url.split("/")[3]
        assert page.goto(f"{base}/{slug}/{path}").status == 403
    page.close()


def test_bureau_reads_every_page_and_cannot_save(server, browser):
    """The 教育局 role: signs in, opens the school's pages (Fava's and ours), and a write sent
    from its signed-in browser session is refused by the server with the Chinese reason."""
    base, ledger = server
    bureau = sign_in(browser, base, "jyj")
    page = bureau.page
    assert "区教育局（教育局）" in page.locator("#xz-user").inner_text()
    slug = page.url.split("/")[3]
    for path in ("income_statement/", "balance_sheet/", "extension/Compliance/",
                 "extension/Disclosure/", "extension/FixedAssets/"):
        assert page.goto(f"{base}/{slug}/{path}", wait_until="networkidle").status == 200, path
    before = ledger.read_text(encoding="utf-8")
    answer = page.evaluate("""async (url) => {
        const response = await fetch(url, {method: "PUT", headers: {"Content-Type": "application/json"},
            body: JSON.stringify({file_path: "main.beancount", source: "", sha256sum: ""})});
        return [response.status, await response.text()];
    }""", f"{base}/{slug}/api/source")
    assert answer[0] == 403
    assert "只读角色，不能修改账本" in answer[1]
    assert ledger.read_text(encoding="utf-8") == before
    page.close()
