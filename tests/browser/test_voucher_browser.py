"""The 录入凭证 page in a real headless Chromium against a real `xiaozhang serve` process.

Serves a COPY of the bundled example school (ledger/ copied into a temporary folder, never
ledger/ itself): fills in a payment, sees the missing approver (AP01) next to 审批人, fixes it,
saves, and finds the entry in 2026/10.beancount with `xiaozhang check` still clean. Leaves
tests/artifacts/voucher-problem.png and voucher-saved.png (copied to docs/images/ for
docs/voucher.md).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
SLUG = "青禾市明德区实验小学示例"  # Fava's slug of the example's `option "title"`
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
QUOTA = "Assets:1011零余额账户用款额度"
AP01 = "[AP01] 付款缺少审批人（一支笔审批，收支须有审批手续）"
ENTRY = [  # the saved entry, whitespace collapsed
    '2026-10-30 * "明德区晨光文具店" "购打印纸和墨盒"',
    'voucher: "记-2026-10-104"',
    'handler: "赵敏"',
    'inspector: "李明华"',
    'reviewer: "陈静"',
    'approver: "王建国"',
    "approved: 2026-10-28",
    'invoice: "26000000000000000999"',
    "attachments: 2",
    f"{OFFICE} 860.00 CNY",
    f"{QUOTA} -860.00 CNY",
]


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    """A copy of the example school (its pickle cache left behind); the importer config it names
    (`../importers/fava_import.py`) is linked next to it."""
    folder = tmp_path_factory.mktemp("voucher-browser")
    shutil.copytree(ROOT / "ledger", folder / "ledger", ignore=shutil.ignore_patterns("*.picklecache"))
    (folder / "importers").symlink_to(ROOT / "importers")
    return folder / "ledger" / "main.beancount"


@pytest.fixture(scope="module")
def server(servers, school) -> str:
    return servers.base_url(school)


def page_url(server: str) -> str:
    return f"{server}/{quote(SLUG)}/extension/Voucher/"


def problems_shown(page) -> list[str]:
    return [text.strip() for text in page.locator(".xz-problem").all_inner_texts()]


def pick(row, typed: str, shown: str) -> None:
    """Type into a row's account picker and choose the first account offered."""
    row.locator(".xz-account").fill(typed)
    first = row.locator(".xz-picks li").first
    first.wait_for(timeout=10_000)
    assert first.inner_text().startswith(shown)
    first.click()
    assert row.locator(".xz-account").input_value() == shown


def english(text: str) -> list[str]:
    """ASCII words in the page's text, apart from file names (`2026/10.beancount`) and rule codes."""
    text = re.sub(r"[\w/.-]+\.beancount|\[[A-Z]{2}\d{2}\]", " ", text)
    return re.findall(r"[A-Za-z]+", text)


def test_payment_is_checked_fixed_saved_and_the_ledger_stays_clean(server, school, open_page, screenshot):
    watched = open_page(page_url(server))
    page = watched.page
    try:
        assert page.title().startswith("录入凭证")
        rows = page.locator("table.xz-lines tbody tr.xz-line")
        rows.nth(1).wait_for()
        assert re.findall(r"[A-Za-z]+", page.locator(".xz-voucher").inner_text()) == []  # no English

        page.fill("#xz-date", "2026-10-30")
        page.wait_for_function("document.querySelector('#xz-number').value === '记-2026-10-104'")
        page.fill("#xz-payee", "明德区晨光文具店")
        page.fill("#xz-narration", "购打印纸和墨盒")
        pick(rows.nth(0), "30201", "30201 办公费")
        rows.nth(0).locator("[name=debit]").fill("860.00")
        pick(rows.nth(1), "零余额", "1011 零余额账户用款额度")
        rows.nth(1).locator("[name=credit]").fill("860.00")
        assert page.locator(".xz-total-debit").inner_text() == "860.00"
        assert [rows.nth(i).get_attribute("data-account") for i in (0, 1)] == [OFFICE, QUOTA]
        page.fill("#xz-meta-handler", "赵敏")
        page.fill("#xz-meta-inspector", "李明华")
        page.fill("#xz-meta-reviewer", "陈静")
        page.fill("#xz-meta-approved", "2026-10-28")
        page.fill("#xz-meta-invoice", "26000000000000000999")
        page.fill("#xz-meta-attachments", "2")

        page.get_by_role("button", name="保存", exact=True).click()
        beside = page.locator('[data-field="approver"] .xz-problem')
        beside.wait_for(timeout=60_000)
        assert beside.inner_text() == AP01
        assert problems_shown(page) == [AP01]  # only that one, and next to 审批人
        assert page.locator(".xz-status").inner_text() == "检查发现 1 个问题，请改正后再保存。"
        assert page.locator(".xz-where").inner_text() == "保存到：2026/10.beancount"
        assert english(page.locator(".xz-voucher").inner_text()) == []
        october = school.parent / "2026" / "10.beancount"
        before = october.read_text(encoding="utf-8")
        assert "记-2026-10-104" not in before
        screenshot(page, "voucher-problem.png")

        page.fill("#xz-meta-approver", "王建国")
        page.get_by_role("button", name="保存", exact=True).click()
        page.locator(".xz-saved").wait_for(timeout=60_000)
        assert page.locator(".xz-status").inner_text() == "已保存凭证 记-2026-10-104，写入 2026/10.beancount。"
        assert problems_shown(page) == []
        assert english(page.locator(".xz-voucher").inner_text()) == []
        screenshot(page, "voucher-saved.png")

        after = october.read_text(encoding="utf-8")
        assert after.startswith(before)
        added = [" ".join(line.split()) for line in after[len(before):].splitlines() if line.strip()]
        assert added == ENTRY
        check = subprocess.run([sys.executable, "-m", "xiaozhang.cli", "check", str(school)],
                               capture_output=True, text=True, env={**os.environ}, timeout=300)
        assert check.returncode == 0, check.stdout + check.stderr

        page.get_by_role("button", name="录入下一张凭证").click()
        assert page.locator("#xz-number").input_value() == "记-2026-10-105"
        assert page.locator("#xz-date").input_value() == "2026-10-30"
        assert page.locator("#xz-narration").input_value() == ""
        assert rows.count() == 2 and rows.nth(0).locator(".xz-account").input_value() == ""
        assert watched.problems == [] and watched.outside == []
    finally:
        page.close()


def test_sidebar_navigation_to_the_page(server, open_page):
    # Fava swaps pages in place (no reload): the form's script must run when reached that way too.
    watched = open_page(f"{server}/{quote(SLUG)}/income_statement/")
    try:
        watched.page.locator("aside").get_by_role("link", name="录入凭证").click()
        watched.page.locator("table.xz-lines tbody tr.xz-line").nth(1).wait_for(timeout=10_000)
        row = watched.page.locator("table.xz-lines tbody tr.xz-line").first
        pick(row, "办公费", "30201 办公费")
        assert watched.problems == [] and watched.outside == []
    finally:
        watched.page.close()
