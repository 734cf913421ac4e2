"""`xiaozhang import …` end to end, as the accountant runs it (a real subprocess, real files)."""

import shutil
import subprocess
import sys
from pathlib import Path

from beancount import loader

from importer_fixtures import BAD, FIXTURES
from xiaozhang.example import ExampleConfig, accounts_file

XIAOZHANG = str(Path(sys.executable).parent / "xiaozhang")
ICBC = FIXTURES / "icbc" / "icbc-historydetail-2025-09.csv"
CCB = FIXTURES / "ccb" / "ccb-two-row-header-2025-09.csv"


def make_ledger(folder: Path) -> Path:
    (folder / "accounts.beancount").write_text(accounts_file(ExampleConfig.make()), encoding="utf-8")
    (folder / "imported.beancount").write_text("", encoding="utf-8")
    main = folder / "main.beancount"
    main.write_text('option "operating_currency" "CNY"\ninclude "accounts.beancount"\n'
                    'include "imported.beancount"\n'
                    '2025-08-31 * "期初余额"\n'
                    '  Assets:1002银行存款:100201基本户  186432.57 CNY\n'
                    '  Equity:3001累计盈余\n', encoding="utf-8")
    return main


def run(*args, cwd=None):
    return subprocess.run([XIAOZHANG, "import", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_extract_writes_then_a_second_import_adds_nothing(tmp_path):
    main = make_ledger(tmp_path)
    target = tmp_path / "imported.beancount"
    first = run("extract", ICBC, CCB, "--ledger", main, "-o", target)
    assert first.returncode == 0, first.stderr
    assert "导入 8 行，重复 0 行，错误 0 行" in first.stderr
    assert "230799待查款项" in target.read_text(encoding="utf-8")
    entries, errors, _ = loader.load_file(str(main))
    assert errors == []  # the closing balance assertion holds against the opening balance
    written = target.read_text(encoding="utf-8")

    second = run("extract", ICBC, CCB, "--ledger", main, "-o", target)
    assert second.returncode == 0, second.stderr
    assert "导入 0 行，重复 8 行，错误 0 行" in second.stderr
    assert target.read_text(encoding="utf-8") == written


def test_overlapping_statements_in_one_run_import_each_row_once(tmp_path):
    main = make_ledger(tmp_path)
    copy = tmp_path / "again.csv"
    shutil.copy(ICBC, copy)
    result = run("extract", ICBC, copy, "--ledger", main)
    assert result.returncode == 0, result.stderr
    assert "导入 5 行，重复 5 行" in result.stderr
    assert result.stdout.count("bank_ref:") == 5


def test_bad_rows_are_reported_by_file_and_row_and_nothing_is_written(tmp_path):
    main = make_ledger(tmp_path)
    target = tmp_path / "imported.beancount"
    bad = BAD / "icbc-malformed.csv"
    result = run("extract", bad, "--ledger", main, "-o", target)
    assert result.returncode == 1
    assert f"{bad}:4: 日期“2025-13-45 09:00:00”不存在" in result.stderr
    assert f"{bad}:5: 金额“abc”不是数字" in result.stderr
    assert f"{bad}:6: 借方（支出）100.00 和贷方（收入）50.00 同时有金额" in result.stderr
    assert f"{bad}:7: 借方（支出）和贷方（收入）金额都为空" in result.stderr
    assert "导入 2 行，重复 0 行，错误 4 行" in result.stderr
    assert "未写出任何分录" in result.stderr
    assert target.read_text(encoding="utf-8") == ""

    forced = run("extract", bad, "--ledger", main, "-o", target, "--allow-errors")
    assert forced.returncode == 1
    assert target.read_text(encoding="utf-8").count("bank_ref:") == 2


def test_empty_and_header_only_files(tmp_path):
    main = make_ledger(tmp_path)
    empty = run("extract", BAD / "empty.csv", "--ledger", main)
    assert empty.returncode == 1 and "文件为空" in empty.stderr
    header_only = run("extract", BAD / "icbc-header-only.csv", "--ledger", main)
    assert header_only.returncode == 0, header_only.stderr
    assert "只有表头，没有交易行" in header_only.stderr
    assert "导入 0 行，重复 0 行，错误 0 行" in header_only.stderr


def test_unknown_account_number_asks_for_account_and_account_forces_it(tmp_path):
    main = make_ledger(tmp_path)
    boc = FIXTURES / "boc" / "boc-bilingual-2025-11.csv"
    unknown = run("extract", boc, "--ledger", main)
    assert unknown.returncode == 1
    assert "账号 178912345678 不是账本中任何银行科目的 bank_account" in unknown.stderr
    forced = run("extract", boc, "--ledger", main, "--account", "Assets:1002银行存款:100201基本户")
    assert forced.returncode == 0, forced.stderr
    assert "Assets:1002银行存款:100201基本户" in forced.stdout


def test_identify_and_archive(tmp_path):
    main = make_ledger(tmp_path)
    look_alike = FIXTURES / "negative" / "unknown-bank.csv"
    result = run("identify", ICBC, look_alike, "--ledger", main)
    assert f"{ICBC}: 中国工商银行（银行流水）→ Assets:1002银行存款:100201基本户" in result.stdout
    assert f"{look_alike}: 无法识别的文件：不是已知银行的流水" in result.stdout  # the reason, as extract says it
    assert result.returncode == 1

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(ICBC, inbox / "download.csv")
    archive = tmp_path / "archive"
    archive.mkdir()
    moved = run("archive", inbox, "-o", archive, "--ledger", main)
    assert moved.returncode == 0, moved.stderr
    assert (archive / "Assets" / "1002银行存款" / "100201基本户" / "2025-09-22.download.csv").exists()
    assert not (inbox / "download.csv").exists()


def test_a_rules_file_changes_the_booking_and_a_bad_one_is_explained(tmp_path):
    main = make_ledger(tmp_path)
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nname = "退款"\ncounterparty = "张三"\naccount = "2307"\n', encoding="utf-8")
    result = run("extract", ICBC, "--ledger", main, "--rules", rules)
    assert result.returncode == 0, result.stderr
    assert "Liabilities:2307其他应付款  " in result.stdout
    assert result.stdout.count("230799待查款项") == 4  # the default rules are replaced, not merged

    rules.write_text('[[rule]]\ncounterparty = "供电"\naccount = "39999"\n', encoding="utf-8")
    bad = run("extract", ICBC, "--ledger", main, "--rules", rules)
    assert bad.returncode == 1
    assert "第 1 条规则：科目“39999”在账本中找不到" in bad.stderr


def test_a_copied_ledger_folder_is_imported_into_on_its_own_entries(tmp_path):
    """A ledger folder copied with Beancount's pickle cache (which lists the ORIGINAL folder's
    files): a re-import into the copy still finds the copy's own imported rows."""
    import functools

    original = tmp_path / "original"
    original.mkdir()
    main = make_ledger(original)
    getter = functools.partial(loader.get_cache_filename, loader.PICKLE_CACHE_FILENAME)
    loader.pickle_cache_function(getter, 0, loader._uncached_load_file)(str(main), None, None, None)
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    assert (copy / f".{main.name}.picklecache").exists()
    target = copy / "imported.beancount"
    first = run("extract", ICBC, "--ledger", copy / main.name, "-o", target)
    assert first.returncode == 0 and "导入 5 行，重复 0 行" in first.stderr, first.stderr
    later = copy / "later.beancount"  # a new output file: only the ledger says what is there
    second = run("extract", ICBC, "--ledger", copy / main.name, "-o", later)
    assert second.returncode == 0 and "导入 0 行，重复 5 行" in second.stderr, second.stderr
