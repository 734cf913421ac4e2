"""The bureau's page in Chromium: a real `xiaozhang district serve` over a checked district of
two generated schools (one with a removed 收费公示 record); the table sorts by a click and a
school's row leads to its problems."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error

import pytest

from tests.browser.conftest import ARTIFACTS, DIRECT, free_port
from xiaozhang.example import generate
from xiaozhang.example.config import ExampleConfig
from xiaozhang.reports.district.store import refresh


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    root = tmp_path_factory.mktemp("bureau") / "district"
    for school, seed in (("a", 21), ("c", 22)):
        generate(root / school, ExampleConfig.make(students=60, years=1, seed=seed))
    july = root / "c" / "2026" / "07.beancount"
    july.write_text("".join(line for line in july.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith('2026-07-08 custom "disclosure" "2026-06"')),
                    encoding="utf-8")
    refresh(root, workers=2)
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "district-serve.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "xiaozhang.cli", "district", "serve", str(root),
                                    "--port", str(port), "--school-url", "http://127.0.0.1:9/{school}/"],
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/"
        try:
            for _ in range(100):
                try:
                    DIRECT.open(base, timeout=2).read()
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(10)


def test_sort_by_errors_and_drill_down(bureau, open_page):
    watched = open_page(bureau)
    page = watched.page
    first = lambda: page.locator("#schools tbody tr").first.locator("td").first.inner_text()  # noqa: E731
    assert first() == "a"  # by school
    page.locator("#schools th", has_text="错误").click()  # ascending
    assert first() == "a"
    page.locator("#schools th", has_text="错误").click()  # descending: the school with the error first
    assert first() == "c"
    page.screenshot(path=str(ARTIFACTS / "district.png"), full_page=True)
    page.locator("#schools tbody tr").first.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert "FE05" in page.content() and page.locator("a", has_text="打开该校的账本页面").count() == 1
    assert watched.problems == [] and watched.outside == []
    page.close()
