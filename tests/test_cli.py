"""The `xiaozhang` command line, run for real through click."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from xiaozhang.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_check_passes_on_the_example_school():
    result = CliRunner().invoke(main, ["check", str(ROOT / "ledger" / "main.beancount")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("账本无问题：检查了 ")
    assert lines[0].endswith("评判日期 2026-10-31（账本指定）。")  # the example's pin
    transactions = int(lines[0].split("检查了 ")[1].split(" 笔")[0].replace(",", ""))
    assert transactions > 5000  # the whole example school, not an empty load


def test_check_takes_a_path_relative_to_the_working_folder(monkeypatch):
    monkeypatch.chdir(ROOT)  # as `make check` runs it
    result = CliRunner().invoke(main, ["check", "ledger/main.beancount"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("账本无问题：检查了 ")


def test_check_prints_one_line_per_problem_and_fails(tmp_path):
    ledger = tmp_path / "bad.beancount"
    ledger.write_text(
        'plugin "xiaozhang.plugins.policy"\n'
        '2025-08-25 custom "school" "某小学"\n'
        '  principal: "王建国"\n'
        '  director: "李明华"\n'
        '  accountant: "陈静"\n'
        '  hotline: "0736-7215318"\n'
        '  func: "2050202"\n'
        '2025-09-01 custom "policy" "cash-limit" "五千"\n'
        '2025-09-01 open Assets:1001库存现金\n'
        '2025-09-02 * "x"\n'
        '  Assets:1001库存现金  10.00 CNY\n'
        '  Assets:1002银行存款:100201基本户\n',
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(ledger)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{ledger}:8: [PL03] 库存现金限额")
    assert lines[1].startswith(f"{ledger}:10: ")  # the unopened account, from Beancount itself
    assert "共 2 个错误、0 个预警" in result.stderr


def test_example_command_writes_a_loadable_ledger(tmp_path):
    result = CliRunner().invoke(main, ["example", "--out", str(tmp_path), "--students", "120",
                                       "--years", "1", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "main.beancount").exists() and (tmp_path / "students.csv").exists()
    check = CliRunner().invoke(main, ["check", str(tmp_path / "main.beancount")])
    assert check.exit_code == 0, check.output


def test_example_rejects_a_too_small_school(tmp_path):
    result = CliRunner().invoke(main, ["example", "--out", str(tmp_path), "--students", "10"])
    assert result.exit_code != 0
    assert "学生人数至少" in result.output


def test_check_takes_the_ledger_as_argument_or_as_the_one_ledger_option(tmp_path, monkeypatch):
    ledger = ROOT / "docs" / "examples" / "violations.beancount"
    as_argument = CliRunner().invoke(main, ["check", str(ledger)])
    as_option = CliRunner().invoke(main, ["check", "--ledger", str(ledger)])
    assert as_argument.exit_code == as_option.exit_code == 1
    assert as_argument.stdout == as_option.stdout and "[TL04]" in as_option.stdout
    assert "个错误、1 个预警" in as_option.stderr  # BG01 under "warn" is the one warning
    both = CliRunner().invoke(main, ["check", str(ledger), "--ledger", str(ROOT / "ledger" / "main.beancount")])
    assert both.exit_code == 2 and "账本指定了两次" in both.output
    monkeypatch.chdir(tmp_path)  # no ledger/main.beancount here: the default is missing
    missing = CliRunner().invoke(main, ["check"])
    assert missing.exit_code == 2 and "找不到账本 ledger/main.beancount" in missing.output


def cached_load(main_file: Path) -> None:
    """Load as `bean-check` does, leaving Beancount's pickle cache beside the ledger (written
    whatever the load time)."""
    import functools

    from beancount import loader

    getter = functools.partial(loader.get_cache_filename, loader.PICKLE_CACHE_FILENAME)
    loader.pickle_cache_function(getter, 0, loader._uncached_load_file)(str(main_file), None, None, None)


BAD_ENTRY = ('\n2026-10-30 * "（复制的账本中新增）购买办公用品"\n'
             '  Expenses:5001业务活动费用:500102商品和服务费用:30201办公费  120.00 CNY\n'
             '  Assets:1002银行存款:100201基本户  -120.00 CNY\n')


def test_a_copied_ledger_is_judged_on_its_own_files(tmp_path):
    """Beancount's pickle cache copied along with a ledger folder (`cp -r`) must not make
    the copy report the original: every command loads from the files themselves."""
    original = tmp_path / "original"
    shutil.copytree(ROOT / "ledger", original)
    cached_load(original / "main.beancount")
    assert (original / ".main.beancount.picklecache").exists()
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    assert (copy / ".main.beancount.picklecache").exists()
    month = copy / "2026" / "10.beancount"
    month.write_text(month.read_text(encoding="utf-8") + BAD_ENTRY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(copy / "main.beancount")])
    assert result.exit_code == 1, result.output
    assert str(month) in result.stdout and "[AP01]" in result.stdout
    clean = CliRunner().invoke(main, ["check", str(original / "main.beancount")])
    assert clean.exit_code == 0, clean.output


def test_a_new_month_file_matched_by_an_include_glob_is_seen(tmp_path):
    folder = tmp_path / "ledger"
    shutil.copytree(ROOT / "ledger", folder)
    cached_load(folder / "main.beancount")  # a cache listing today's files
    (folder / "2026" / "12.beancount").write_text(BAD_ENTRY, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(folder / "main.beancount")])
    assert result.exit_code == 1 and "12.beancount" in result.stdout, result.output


def test_report_output_folders_of_the_docs_are_ignored_by_git():
    """The docs write reports with `--out 公示/2026-01` etc. from the repository's folder:
    every such folder is in .gitignore, so report output never ends up in a commit."""
    import re

    ignored = {line.strip() for line in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()}
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    folders = set()
    for path in texts:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "xiaozhang " in line and " example " not in line:
                folders.update(match.split("/")[0] for match in re.findall(r"--out (\S+)", line))
    folders.discard("目录")  # the placeholder of a usage line
    assert folders >= {"公示", "报表"}
    assert {f"/{folder}/" for folder in folders} <= ignored


PENDING = """\
plugin "xiaozhang.plugins.policy"
plugin "xiaozhang.plugins.approvals"
2025-08-25 custom "school" "某小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
2025-08-25 custom "policy" "pending-days" 30
2025-09-01 open Assets:1011零余额账户用款额度
2025-09-01 open Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费
2025-10-20 ! "待报销" "差旅费"
  Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费  300.00 CNY
  Assets:1011零余额账户用款额度
2025-10-31 custom "as-of" "评判日期"
"""


def test_check_as_of_overrides_the_ledger_pin(tmp_path):
    """`--as-of` judges the deadlines on the day given (the pin says 2025-10-31: 11 days)."""
    from xiaozhang.model.asof import ENV

    ledger = tmp_path / "main.beancount"
    ledger.write_text(PENDING, encoding="utf-8")
    runner = CliRunner()
    clean = runner.invoke(main, ["check", str(ledger)], env={ENV: None})
    assert clean.exit_code == 0, clean.output
    assert clean.output.strip() == f"账本无问题：检查了 1 笔交易（{ledger}），评判日期 2025-10-31（账本指定）。"
    late = runner.invoke(main, ["check", "--as-of", "2025-12-01", str(ledger)], env={ENV: None})
    assert late.exit_code == 1
    assert late.stdout.splitlines() == [
        f"{ledger}:12: [AP10] 待审批分录已挂账 42 天，超过 30 天（截至评判日期 2025-12-01），须补齐审批手续"]
    bad = runner.invoke(main, ["check", "--as-of", "2025-13-01", str(ledger)], env={ENV: None})
    assert bad.exit_code == 2 and "日期应写成 2026-01-08 的形式" in bad.output


def test_check_without_a_pin_judges_by_today(tmp_path):
    import datetime as dt

    from xiaozhang.model.asof import ENV

    ledger = tmp_path / "main.beancount"
    ledger.write_text(PENDING.replace('2025-10-31 custom "as-of" "评判日期"\n', ""), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(ledger)], env={ENV: None})
    assert result.exit_code == 1
    assert f"（截至评判日期 {dt.date.today()}）" in result.stdout


def test_serve_as_of_reaches_the_pages_through_the_environment(monkeypatch, tmp_path):
    """`serve --as-of` sets XIAOZHANG_AS_OF for Fava's process; the books read it when built."""
    import fava.cli

    from xiaozhang.model.asof import ENV

    seen = {}

    class FakeFava:
        @staticmethod
        def main(args, prog_name):
            import os
            seen["args"], seen["as_of"] = args, os.environ.get(ENV)

    monkeypatch.setattr(fava.cli, "main", FakeFava)
    ledger = tmp_path / "main.beancount"
    ledger.write_text(PENDING, encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--as-of", "2025-12-01", str(ledger)], env={ENV: None})
    assert result.exit_code == 0, result.output
    assert seen == {"args": [str(ledger), "--host", "127.0.0.1", "--port", "5000"], "as_of": "2025-12-01"}


def test_the_load_pauses_the_cycle_collector_and_restores_it(tmp_path):
    """`xiaozhang.io.load` runs Beancount's load with the collector paused (docs/performance.md)
    and leaves it as it found it: enabled, or disabled by the caller."""
    import gc

    from xiaozhang.io import load

    ledger = tmp_path / "main.beancount"
    ledger.write_text('plugin "xiaozhang.plugins.school"\n'
                      '2025-09-01 open Assets:1001库存现金 CNY\n', encoding="utf-8")
    seen = []
    original = gc.callbacks[:]
    gc.callbacks.append(lambda phase, info: seen.append(info["generation"]) if phase == "start" else None)
    assert gc.isenabled()
    try:
        loaded = load(ledger)
    finally:
        gc.callbacks[:] = original
    assert loaded.entries
    assert seen == []  # not one collection during the load
    assert gc.isenabled()
    gc.disable()
    try:
        load(ledger)
        assert not gc.isenabled()
    finally:
        gc.enable()
