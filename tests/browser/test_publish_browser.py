"""The parents' site in a real headless Chromium: opened from the file system (file://), on a
phone-sized viewport, with every network request blocked. Leaves tests/artifacts/publish-*.png
(copied to docs/images/ for docs/access.md)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.conftest import EXAMPLE_LEDGER

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(example_ledger, tmp_path_factory):
    from xiaozhang.reports import publish
    from xiaozhang.roster import read_roster

    out = tmp_path_factory.mktemp("parents-site")
    publish.publish(example_ledger.entries, example_ledger.options_map,
                    read_roster(EXAMPLE_LEDGER.parent / "students.csv"), out, ledger=str(EXAMPLE_LEDGER))
    return out


def test_the_site_opens_from_files_on_a_phone_without_network(site, browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    outside, problems = [], []

    def files_only(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", files_only)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto((site / "index.html").as_uri(), wait_until="load")
    assert "公示" in page.locator("h1").inner_text()
    page.screenshot(path=str(ARTIFACTS / "publish-index.png"))
    page.get_by_role("link", name="2026年1月").click()
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text().endswith("2026年1月公示")
    page.get_by_role("link", name="三(2)班").click()
    page.wait_for_load_state("load")
    assert "三(2)班" in page.title()
    # the page fits the phone: the document does not scroll sideways, its tables do
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(ARTIFACTS / "publish-class.png"))
    page.get_by_role("link", name="公示首页").click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="三(2)班").first.click()
    page.wait_for_load_state("load")
    assert page.locator("a").count() >= 2
    assert not outside and not problems, (outside, problems)
    context.close()
