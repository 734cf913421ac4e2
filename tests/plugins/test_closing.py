"""The closing rule (plugins/closing.py): a closed month's entries may not change.

Each test writes a small ledger kept in month files, closes a month with the real command code
(`xiaozhang.closing_cli.close_months`, real files, real loader), edits the files as an
accountant would, and checks the errors of a real load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from xiaozhang import chart
from xiaozhang.closing_cli import close_months, retire_assertions
from xiaozhang.io import load
from xiaozhang.model.periods import Month

BANK = chart.BANK_BASIC
OFFICE = chart.goods_services("30201")
FEE = "Expenses:5901其他费用:590101银行手续费"
MAIN = f"""\
option "operating_currency" "CNY"
plugin "xiaozhang.plugins.closing"

2025-01-01 open {BANK}
2025-01-01 open {OFFICE}
2025-01-01 open {FEE}
2025-01-01 open {chart.FISCAL_INCOME_BASIC}
2026-04-30 custom "as-of" "评判日期"

include "2026/*.beancount"
"""
MARCH = f"""\
; 2026年3月

2026-03-02 * "财政拨款" "3月基本支出拨款"
  {BANK}   50000.00 CNY
  {chart.FISCAL_INCOME_BASIC}

2026-03-05 * "百汇办公" "购办公用品"
  handler: "张伟"
  {OFFICE}   980.00 CNY
  {BANK}   -980.00 CNY

2026-03-31 * "银行" "3月手续费" #fees
  {FEE}   12.00 CNY
  {BANK}   -12.00 CNY
"""
APRIL = f"""\
; 2026年4月

2026-04-03 * "银行" "4月手续费"
  {FEE}   12.00 CNY
  {BANK}   -12.00 CNY
"""


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    (tmp_path / "2026").mkdir()
    (tmp_path / "main.beancount").write_text(MAIN, encoding="utf-8")
    (tmp_path / "2026" / "03.beancount").write_text(MARCH, encoding="utf-8")
    (tmp_path / "2026" / "04.beancount").write_text(APRIL, encoding="utf-8")
    return tmp_path / "main.beancount"


def errors(main: Path) -> list[tuple[str, str, int]]:
    """(code, file name, line) of each problem of a real load."""
    found = []
    for error in load(main).errors:
        code = re.match(r"\[(\w+)\]", str(error.message))
        found.append((code.group(1) if code else type(error).__name__,
                      Path(error.source["filename"]).name, error.source["lineno"]))
    return found


def close(main: Path, *months: str) -> None:
    close_months(load(main), [Month.parse(m) for m in months], "陈静")


def line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def record_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(i for i, line in enumerate(lines, 1) if '"month-close"' in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_closed_month_untouched_is_clean(ledger):
    close(ledger, "2026-03")
    march = ledger.parent / "2026" / "03.beancount"
    text = march.read_text(encoding="utf-8")
    assert 'custom "month-close" "2026-03" "v1:' in text
    assert "  entries: 3\n" in text
    assert f"2026-04-01 balance {BANK}" in text and "49008.00 CNY" in text
    assert errors(ledger) == []


def test_a_changed_amount_is_reported_at_the_entry(ledger):
    close(ledger, "2026-03")
    march = ledger.parent / "2026" / "03.beancount"
    edit(march, f"  {OFFICE}   980.00 CNY\n  {BANK}   -980.00 CNY",
         f"  {OFFICE}   890.00 CNY\n  {BANK}   -890.00 CNY")
    at = line_of(march, '2026-03-05 * "百汇办公" "购办公用品"')
    # the money balance asserted at the close fails too (Beancount's own check)
    assert errors(ledger) == [("CL02", "03.beancount", at),
                              ("BalanceError", "03.beancount", line_of(march, next(
                                  l for l in march.read_text(encoding="utf-8").splitlines()
                                  if l.startswith(f"2026-04-01 balance {BANK}"))))]


def test_a_changed_meta_value_is_reported(ledger):
    close(ledger, "2026-03")
    march = ledger.parent / "2026" / "03.beancount"
    edit(march, 'handler: "张伟"', 'handler: "李明华"')
    assert errors(ledger) == [("CL02", "03.beancount", line_of(march, '2026-03-05 * "百汇办公" "购办公用品"'))]


def test_an_entry_added_in_another_file_is_reported_at_it(ledger):
    close(ledger, "2026-03")
    april = ledger.parent / "2026" / "04.beancount"
    edit(april, "; 2026年4月\n", f'; 2026年4月\n\n2026-03-20 * "补记" "3月漏记"\n  {FEE}  1.00 CNY\n  {BANK}  -1.00 CNY\n')
    found = errors(ledger)
    assert ("CL02", "04.beancount", line_of(april, '2026-03-20 * "补记" "3月漏记"')) in found
    assert {code for code, _f, _l in found} == {"CL02", "BalanceError"}


def test_a_removed_entry_is_reported_at_the_closing_record(ledger):
    close(ledger, "2026-03")
    march = ledger.parent / "2026" / "03.beancount"
    edit(march, f'2026-03-31 * "银行" "3月手续费" #fees\n  {FEE}   12.00 CNY\n  {BANK}   -12.00 CNY\n', "")
    found = errors(ledger)
    assert ("CL03", "03.beancount", record_line(march)) in found
    assert [c for c, _f, _l in found if c.startswith("CL")] == ["CL03"]


def test_moving_and_reformatting_entries_is_not_a_change(ledger):
    close(ledger, "2026-03")
    march, april = ledger.parent / "2026" / "03.beancount", ledger.parent / "2026" / "04.beancount"
    moved = f'2026-03-02 * "财政拨款" "3月基本支出拨款"\n  {BANK}   50000.00 CNY\n  {chart.FISCAL_INCOME_BASIC}\n'
    edit(march, moved, "")
    edit(april, "; 2026年4月\n", "; 2026年4月\n; 从3月文件移来\n\n" + moved.replace("   ", "        "))
    edit(march, f"  {OFFICE}   980.00 CNY", f"  {OFFICE}                 980.00 CNY  ; 对齐")
    edit(march, '2026-03-05 *', '\n\n; 办公用品\n2026-03-05 *')
    edit(march, '#fees', '#fees   ')
    assert errors(ledger) == []


def test_reopen_then_change_then_close_again(ledger):
    from click.testing import CliRunner

    from xiaozhang.cli import main

    close(ledger, "2026-03")
    march = ledger.parent / "2026" / "03.beancount"
    runner = CliRunner()
    result = runner.invoke(main, ["close", "reopen", "2026-03", "--by", "王建国", "--reason", "发票金额录错",
                                  "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    text = march.read_text(encoding="utf-8")
    assert 'custom "month-reopen" "2026-03"\n  by: "王建国"\n  reason: "发票金额录错"' in text
    assert "; [2026年3月重新打开，作废] 2026-04-01 balance" in text
    edit(march, f"  {OFFICE}   980.00 CNY\n  {BANK}   -980.00 CNY",
         f"  {OFFICE}   890.00 CNY\n  {BANK}   -890.00 CNY")
    assert errors(ledger) == []  # reopened: changes are allowed
    close(ledger, "2026-03")
    assert errors(ledger) == []
    edit(march, f"  {OFFICE}   890.00 CNY\n  {BANK}   -890.00 CNY",
         f"  {OFFICE}   980.00 CNY\n  {BANK}   -980.00 CNY")
    assert [c for c, _f, _l in errors(ledger)] == ["CL02", "BalanceError"]


def test_malformed_records(ledger):
    april = ledger.parent / "2026" / "04.beancount"
    edit(april, "; 2026年4月\n", '; 2026年4月\n2026-04-30 custom "month-close" "2026-03"\n'
                                 '2026-04-30 custom "month-reopen" "三月"\n')
    assert errors(ledger) == [("CL01", "04.beancount", 2), ("CL01", "04.beancount", 3)]


def test_year_end_entries_are_checked_by_the_year_record(ledger):
    """A 结转 entry (year-end meta, 31 December) is left out of December's digest and checked
    against the year's record instead."""
    (ledger.parent / "2025").mkdir()
    december = ledger.parent / "2025" / "12.beancount"
    december.write_text(f'2025-12-10 * "银行" "手续费"\n  {FEE}  3.00 CNY\n  {BANK}  -3.00 CNY\n',
                        encoding="utf-8")
    edit(ledger, 'include "2026/*.beancount"', 'include "2025/*.beancount"\ninclude "2026/*.beancount"')
    close(ledger, "2025-12")
    carried = (f'2025-12-31 * "年末结转：本年费用转入本期盈余"\n  year-end: "2025"\n'
               f'  {chart.CURRENT_SURPLUS}  3.00 CNY\n  {FEE}  -3.00 CNY\n')
    (ledger.parent / "yearend.beancount").write_text(carried, encoding="utf-8")
    edit(ledger, 'include "2025/*.beancount"', 'include "2025/*.beancount"\ninclude "yearend.beancount"')
    edit(ledger, f"2025-01-01 open {FEE}", f"2025-01-01 open {FEE}\n2025-01-01 open {chart.CURRENT_SURPLUS}")
    # no year record: reported at the entry
    assert errors(ledger) == [("CL04", "yearend.beancount", 1)]
    from xiaozhang.closing_cli import year_digest

    digest, count = year_digest(carried)
    record = f'2025-12-31 custom "year-close" "2025" "{digest}"\n  entries: {count}\n\n'
    (ledger.parent / "yearend.beancount").write_text(record + carried, encoding="utf-8")
    assert errors(ledger) == []
    edit(ledger.parent / "yearend.beancount", "3.00 CNY\n  Expenses", "4.00 CNY\n  Expenses")
    edit(ledger.parent / "yearend.beancount", f"{FEE}  -3.00", f"{FEE}  -4.00")
    assert errors(ledger) == [("CL04", "yearend.beancount", 1)]


def test_retired_assertions_only_of_that_record():
    text = ('2026-04-30 custom "month-close" "2026-03" "v1:x"\n  entries: 0\n'
            '2026-04-01 balance Assets:1001库存现金  1.00 CNY\n'
            '2026-04-01 balance Assets:1002银行存款  2.00 CNY\n\n'
            '2026-05-01 balance Assets:1001库存现金  1.00 CNY\n')
    out = retire_assertions(text, 1, Month(2026, 3)).splitlines()
    assert out[2].startswith("; [2026年3月重新打开，作废] 2026-04-01 balance")
    assert out[3].startswith("; [2026年3月重新打开，作废]")
    assert out[5] == "2026-05-01 balance Assets:1001库存现金  1.00 CNY"


# -- the bundled ledger, edited by hand and through Fava ---------------------------------------
BUNDLED = Path(__file__).resolve().parents[2] / "ledger"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Path:
    """A copy of the bundled school with 2025-08 … 2025-10 closed."""
    folder = tmp_path_factory.mktemp("school") / "ledger"
    shutil.copytree(BUNDLED, folder)
    main = folder / "main.beancount"
    close(main, "2025-08", "2025-09", "2025-10")
    return main


def first_approved(path: Path) -> tuple[int, str, str]:
    """The line of the first transaction of a month file with an `approved:` date, and that
    meta line as it is and changed by one day (the bundled ledger is generated: no fixed text)."""
    import datetime as dt

    lines = path.read_text(encoding="utf-8").splitlines()
    head = None
    for number, line in enumerate(lines, 1):
        if re.match(r"^\d{4}-\d{2}-\d{2} [*!] ", line):
            head = number
        match = re.match(r"^  approved: (\d{4}-\d{2}-\d{2})$", line)
        if match and head:
            day = dt.date.fromisoformat(match.group(1)) - dt.timedelta(days=1)
            block = lines[head - 1:number - 1]
            return head, "\n".join(block + [line]) + "\n", "\n".join(block + [f"  approved: {day}"]) + "\n"
    raise AssertionError(f"no approved entry in {path}")


def test_bundled_ledger_closed_months_edited_by_hand(bundled, tmp_path):
    folder = tmp_path / "ledger"
    shutil.copytree(bundled.parent, folder)
    main = folder / "main.beancount"
    assert errors(main) == []
    october = folder / "2025" / "10.beancount"
    at, before, after = first_approved(october)
    edit(october, before, after)
    assert errors(main) == [("CL02", "10.beancount", at)]


def test_bundled_ledger_closed_month_edited_through_fava(bundled, tmp_path):
    from fava.application import create_app

    folder = tmp_path / "ledger"
    shutil.copytree(bundled.parent, folder)
    main = folder / "main.beancount"
    app = create_app([str(main)], load=True)
    slug = app.config["LEDGERS"].first_slug()
    client = app.test_client()
    fava_ledger = app.config["LEDGERS"][slug]
    assert [e for e in fava_ledger.errors if str(e.message).startswith("[CL")] == []
    response = client.get(f"/{slug}/extension/Compliance/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[-500:]
    assert "已结账月份：2025年8月、2025年9月、2025年10月" in page
    october = folder / "2025" / "10.beancount"
    # Fava's editor: read the file through the source API, save it changed
    got = client.get(f"/{slug}/api/source", query_string={"filename": str(october)}).get_json()["data"]
    at, before, after = first_approved(october)
    changed = got["source"].replace(before, after, 1)
    assert changed != got["source"]
    response = client.put(f"/{slug}/api/source", json={
        "file_path": str(october), "source": changed, "sha256sum": got["sha256sum"]})
    assert response.status_code == 200, response.get_json()
    fava_ledger.load_file()
    found = [(str(e.message)[:6], Path(e.source["filename"]).name, e.source["lineno"])
             for e in fava_ledger.errors
             if Path(e.source["filename"]).suffix == ".beancount"]  # (not Fava's import-config)
    assert found == [("[CL02]", "10.beancount", at)]
