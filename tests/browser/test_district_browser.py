"""The bureau's pages in Chromium: a real `xiaozhang district serve` over a checked district of
two generated schools (one with a removed 收费公示 record), with a users file: the 教育局 user
signs in with the form; the table sorts by a click, a school's row leads to its problems, the
consolidated statements show a column per school and download as xlsx."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
from decimal import Decimal

import openpyxl
import pytest

from tests.browser.conftest import ARTIFACTS, DIRECT, free_port, watch
from xiaozhang.example import generate
from xiaozhang.example.config import ExampleConfig
from xiaozhang.reports.district.store import refresh
from xiaozhang.reports.serving.users import add_user

PASSWORD = "bureau-secret-1"


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
    add_user(root / "users.toml", "ju", "教育局", PASSWORD, name="区教育局财务科")
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
                    DIRECT.open(base + "_signin", timeout=2).read()
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(10)


@pytest.fixture
def signed_in(bureau, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
    watched = watch(page)
    page.goto(bureau + "_signin?next=/", wait_until="networkidle")
    page.fill("#login", "ju")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    yield watched
    page.close()


def test_sort_by_errors_and_drill_down(signed_in):
    page = signed_in.page
    assert "区教育局财务科" in page.content()
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
    assert signed_in.problems == [] and signed_in.outside == []


def test_consolidated_statements_with_a_column_per_school(signed_in, tmp_path):
    page = signed_in.page
    page.locator("nav a", has_text="汇总报表").click()
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.locator("input[name=by_school]").check()  # submits the form
    page.wait_for_load_state("networkidle")
    assert "by_school=1" in page.url
    money = page.locator("article").first.locator("tr", has_text="货币资金").first.locator("td")
    cells = [money.nth(i).inner_text() for i in range(money.count())]
    assert len(cells) == 5  # 项目, 期末, 年初, a, c
    total, schools = Decimal(cells[1].replace(",", "")), [Decimal(c.replace(",", "")) for c in cells[3:]]
    assert total == sum(schools) and total > 0
    page.screenshot(path=str(ARTIFACTS / "district-statements.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1400, "height": 1250})  # the top: the balance sheet
    with page.expect_download() as info:
        page.locator("a.download").click()
    assert info.value.suggested_filename == "全区报表2026-10.xlsx"
    path = tmp_path / "statements.xlsx"
    info.value.save_as(path)
    sheet = openpyxl.load_workbook(path)["资产负债表"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "货币资金")
    assert Decimal(str(row[1])) == total
    assert signed_in.problems == [] and signed_in.outside == []
