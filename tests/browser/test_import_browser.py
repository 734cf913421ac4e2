"""Fava's Import page (导入) in a real headless Chromium against a real `xiaozhang serve` process.

Serves a COPY of the bundled example school whose `imports/` holds a statement of the school's
basic account, a statement with bad rows and a picture renamed `.csv`: the statement is
extracted (导出) and saved (保存) into its month files with the ledger still clean; the bad
file shows its rows' problems in Chinese and the picture says why it cannot be imported —
never an "HTTP 500 … Traceback" toast. Leaves tests/artifacts/import-*.png (copied to
docs/images/ for docs/import.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from beancount import loader

ROOT = Path(__file__).resolve().parents[2]
SLUG = "青禾市明德区实验小学示例"  # Fava's slug of the example's `option "title"`
BASIC = "Assets:1002银行存款:100201基本户"
HEADER = "凭证号,对方账号,交易时间,借贷标志,对方单位,对方行号,用途,摘要,附言,回单个性化信息,余额,转出金额,转入金额,本方账号"
BAD_ROWS = ROOT / "tests" / "importers" / "bad" / "icbc-malformed.csv"
UNIDENTIFIED = "无法识别（点“导出”查看原因）"


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> Path:
    """A copy of the example school (its pickle cache left behind), the importer config it names
    (`../importers/fava_import.py`) linked next to it, and three files in `../imports`."""
    folder = tmp_path_factory.mktemp("import-browser")
    shutil.copytree(ROOT / "ledger", folder / "ledger", ignore=shutil.ignore_patterns("*.picklecache"))
    (folder / "importers").symlink_to(ROOT / "importers")
    main = folder / "ledger" / "main.beancount"
    entries, _errors, _options = loader.load_file(str(main))
    balance = sum((p.units.number for e in entries for p in getattr(e, "postings", ()) if p.account == BASIC),
                  Decimal(0))
    imports = folder / "imports"
    imports.mkdir()
    rows = [("2026-10-21", Decimal("100.00")), ("2026-11-05", Decimal("200.00"))]
    lines = ["[HISTORYDETAIL]", HEADER]
    for day, amount in rows:
        balance += amount
        lines.append(f',,{day} 00:00:00,贷,,,,结息,,,"{balance:,.2f}",,{amount:.2f},1202020109900012345')
    (imports / "a-工行10-11月.csv").write_bytes(("\n".join(lines) + "\n").encode("gbk"))
    shutil.copy(BAD_ROWS, imports / "b-有错误行.csv")
    (imports / "c-图片.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return main


@pytest.fixture(scope="module")
def server(servers, school) -> str:
    return servers.base_url(school)


def extract_button(page, school: Path, name: str):
    path = school.parent.parent / "imports" / name
    return page.locator(f'div.header[title="{path}"] + div.flex-column button', has_text="导出")


def dialog_texts(page) -> list[str]:
    """What the import dialog's fields hold (Fava shows a note's text in an input)."""
    return page.locator("dialog form input, dialog form textarea").evaluate_all("els => els.map(e => e.value)")


def toasts(page) -> str:
    return " ".join(page.locator(".notifications").all_inner_texts())


def test_the_import_page_in_chinese(server, school, open_page, screenshot):
    watched = open_page(f"{server}/{quote(SLUG)}/import/")
    page = watched.page
    try:
        page.get_by_text("可导入的文件").wait_for(timeout=30_000)
        text = page.locator("article").inner_text()
        assert "中国工商银行" in text and UNIDENTIFIED in text and "xiaozhang." not in text
        screenshot(page, "import-files.png")

        # a picture renamed .csv: 导出 says why
        extract_button(page, school, "c-图片.csv").click()
        page.locator("dialog form").wait_for(timeout=30_000)
        assert any(t.startswith("不能导入：") for t in dialog_texts(page)), dialog_texts(page)
        screenshot(page, "import-unidentified.png")
        page.keyboard.press("Escape")

        # a statement with bad rows: the rows' problems, no traceback
        extract_button(page, school, "b-有错误行.csv").click()
        page.locator("dialog form").wait_for(timeout=30_000)
        texts = dialog_texts(page)
        assert any(t.startswith("文件有 ") and "处错误，未导入任何分录" in t for t in texts), texts
        assert "Traceback" not in toasts(page) and "HTTP 500" not in toasts(page)
        screenshot(page, "import-bad-rows.png")
        page.keyboard.press("Escape")

        # the statement: 导出, through the entries, 保存 into the month files
        october = school.parent / "2026" / "10.beancount"
        main_before = school.read_text(encoding="utf-8")
        extract_button(page, school, "a-工行10-11月.csv").click()
        dialog = page.locator("dialog form")
        dialog.wait_for(timeout=30_000)
        screenshot(page, "import-extract.png")
        while dialog.get_by_role("button", name="下一个", exact=True).count():
            dialog.get_by_role("button", name="下一个", exact=True).click()
        dialog.get_by_role("button", name="保存", exact=True).click()
        november = school.parent / "2026" / "11.beancount"
        page.wait_for_function("() => !document.querySelector('dialog[open]')", timeout=30_000)
        for _ in range(100):
            if november.exists() and "balance" in november.read_text(encoding="utf-8"):
                break
            page.wait_for_timeout(100)
        assert '2026-10-21 * "结息"' in october.read_text(encoding="utf-8")
        assert '2026-11-05 * "结息"' in november.read_text(encoding="utf-8")
        assert school.read_text(encoding="utf-8") == main_before
        assert "Traceback" not in toasts(page)
        check = subprocess.run([sys.executable, "-m", "xiaozhang.cli", "check", str(school)],
                               capture_output=True, text=True, env={**os.environ}, timeout=300)
        assert check.returncode == 0, check.stdout + check.stderr
        assert watched.outside == []
    finally:
        page.close()
