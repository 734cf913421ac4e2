"""预算指标控制 (plugins/budgets.py, BG01-BG02) and `xiaozhang check` with warnings.

Each test loads a small ledger with the real loader and compares the full list of
(code, line, is a warning) of the errors (a crashing plugin shows up there too).
"""

from __future__ import annotations

import textwrap

from beancount import loader
from click.testing import CliRunner
from school import SCHOOL_PROFILE

from xiaozhang.cli import main
from xiaozhang.plugins import is_warning

PLUGINS = 'plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.budgets"\n'
ACCOUNTS = textwrap.dedent("""\
    2015-01-01 open Assets:1011零余额账户用款额度 CNY
    2015-01-01 open Assets:1002银行存款:100201基本户 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费:3020101打印耗材 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30213维修费 CNY
    """)
HEADER = PLUGINS + SCHOOL_PROFILE + ACCOUNTS

QUOTA = "Assets:1011零余额账户用款额度"
GOODS = "Expenses:5001业务活动费用:500102商品和服务费用"
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
TONER = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费:3020101打印耗材"
TRAVEL = "Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费"
REPAIR = "Expenses:5001业务活动费用:500102商品和服务费用:30213维修费"

WARN, STOP = True, False


def budget(date, account, period, amount):
    return f'{date} custom "budget" {account} "{period}" {amount} CNY\n'


def spend(date, amount, account=OFFICE, flag="*", narration="购办公用品"):
    return (f'{date} {flag} "明德区晨光文具店" "{narration}"\n'
            f"  {account}  {amount} CNY\n  {QUOTA}\n")


def control(date, mode):
    return f'{date} custom "policy" "budget-control" "{mode}"\n'


def run(*parts):
    """[(code, line, is a warning)] of all errors, and the line each part starts at."""
    _entries, errors, _ = loader.load_string(HEADER + "".join(parts))
    starts, line = [], HEADER.count("\n") + 1
    for part in parts:
        starts.append(line)
        line += part.count("\n")
    return [(str(e.message)[1:5], e.source["lineno"], is_warning(e)) for e in errors], starts


YEARLY = budget("2025-01-01", OFFICE, "yearly", "10000.00")


def test_spending_within_the_budget_passes():
    parts = [YEARLY, spend("2025-03-02", "4000.00"), spend("2025-09-10", "6000.00"),
             spend("2025-10-01", "800.00", account=TRAVEL)]  # no budget line: not checked
    assert run(*parts)[0] == []


def test_bg01_warn_is_a_warning_on_the_crossing_entry_once_per_period():
    parts = [YEARLY, spend("2025-03-02", "6000.00"), spend("2025-09-10", "4200.50"),
             spend("2025-10-10", "300.00"),  # still over: not repeated
             spend("2026-02-01", "9000.00"), spend("2026-05-01", "1500.00")]  # a new year
    errors, at = run(*parts)
    assert errors == [("BG01", at[2], WARN), ("BG01", at[5], WARN)]


def test_bg01_stop_is_a_real_error():
    errors, at = run(control("2025-01-01", "stop"), YEARLY,
                     spend("2025-03-02", "6000.00"), spend("2025-09-10", "4200.50"))
    assert errors == [("BG01", at[3], STOP)]


def test_bg01_dated_switch_from_warn_to_stop():
    parts = [control("2025-01-01", "warn"), control("2026-01-01", "stop"), YEARLY,
             spend("2025-11-02", "10500.00"), spend("2026-11-02", "10500.00")]
    errors, at = run(*parts)
    assert errors == [("BG01", at[3], WARN), ("BG01", at[4], STOP)]


def test_bg01_subaccount_spending_counts_against_the_parent_line():
    parts = [YEARLY, budget("2025-01-01", GOODS, "yearly", "15000.00"),
             spend("2025-03-02", "6000.00"), spend("2025-04-02", "3000.00", account=TONER),
             spend("2025-05-02", "4000.00", account=REPAIR),  # 13000 of the 15000 group line
             spend("2025-06-02", "1500.00", account=TONER)]  # office 10500, group 14500
    errors, at = run(*parts)
    assert errors == [("BG01", at[5], WARN)]
    errors, at = run(*parts, spend("2025-07-02", "600.00", account=TRAVEL))  # group 15100
    assert errors == [("BG01", at[5], WARN), ("BG01", at[6], WARN)]


def test_bg01_refunds_count_and_pending_entries_count():
    refund = [YEARLY, spend("2025-03-02", "9000.00"), spend("2025-03-09", "-2000.00"),
              spend("2025-04-02", "2500.00")]
    assert run(*refund)[0] == []
    pending = [YEARLY, spend("2025-03-02", "9000.00"), spend("2025-04-02", "1200.00", flag="!")]
    errors, at = run(*pending)
    assert errors == [("BG01", at[2], WARN)]


def test_bg01_quarterly():
    parts = [budget("2025-01-01", TRAVEL, "quarterly", "3000.00"),
             spend("2025-02-10", "2000.00", account=TRAVEL),
             spend("2025-03-31", "900.00", account=TRAVEL),  # Q1 2900
             spend("2025-04-01", "2900.00", account=TRAVEL),  # Q2 starts afresh
             spend("2025-06-30", "200.00", account=TRAVEL)]  # Q2 3100
    errors, at = run(*parts)
    assert errors == [("BG01", at[4], WARN)]


def test_bg01_monthly():
    parts = [budget("2025-01-01", OFFICE, "monthly", "1000.00"),
             spend("2025-01-31", "1000.00"), spend("2025-02-01", "1000.00"),
             spend("2025-02-28", "0.01")]
    errors, at = run(*parts)
    assert errors == [("BG01", at[3], WARN)]


def test_bg01_weekly_weeks_run_monday_to_sunday():
    parts = [budget("2025-01-01", OFFICE, "weekly", "500.00"),
             spend("2025-09-07", "400.00"),  # Sunday
             spend("2025-09-08", "400.00"),  # Monday: a new week
             spend("2025-09-14", "100.00"),  # Sunday: 500, at the line
             spend("2025-09-14", "0.50")]
    errors, at = run(*parts)
    assert errors == [("BG01", at[4], WARN)]


def test_bg01_daily():
    parts = [budget("2025-01-01", TRAVEL, "daily", "300.00"),
             spend("2025-09-08", "300.00", account=TRAVEL),
             spend("2025-09-09", "200.00", account=TRAVEL),
             spend("2025-09-09", "150.00", account=TRAVEL)]
    errors, at = run(*parts)
    assert errors == [("BG01", at[3], WARN)]


def test_bg01_a_budget_raised_mid_year_applies_to_the_whole_year():
    parts = [YEARLY, spend("2025-03-02", "9000.00"),
             budget("2025-07-01", OFFICE, "yearly", "14000.00"), spend("2025-08-02", "4000.00")]
    assert run(*parts)[0] == []
    lowered = [YEARLY, spend("2025-03-02", "9000.00"),
               budget("2025-07-01", OFFICE, "yearly", "12000.00"), spend("2025-08-02", "4000.00")]
    errors, at = run(*lowered)
    assert errors == [("BG01", at[3], WARN)]


def test_bg01_a_budget_written_after_a_same_day_entry_still_counts_it():
    # both dated 2026-01-01; in a file the transaction may come first
    parts = [spend("2026-01-01", "8000.00"), budget("2026-01-01", OFFICE, "yearly", "10000.00"),
             spend("2026-03-01", "2500.00")]
    errors, at = run(*parts)
    assert errors == [("BG01", at[2], WARN)]


def test_bg02_malformed_budget_lines():
    no_period = f'2025-01-01 custom "budget" {OFFICE} 10000.00 CNY\n'
    bad_period = f'2025-01-01 custom "budget" {OFFICE} "annual" 10000.00 CNY\n'
    no_amount = f'2025-01-01 custom "budget" {OFFICE} "yearly"\n'
    errors, at = run(no_period, bad_period, no_amount, spend("2025-03-02", "20000.00"))
    assert errors == [("BG02", at[0], STOP), ("BG02", at[1], STOP), ("BG02", at[2], STOP)]


def test_bg01_a_line_lowered_below_what_was_spent_is_reported_at_the_line():
    """Before, a line lowered below the year's spending was reported only if more was spent
    later (and never if nothing was)."""
    lowered = [YEARLY, spend("2025-03-02", "9000.00"), budget("2025-07-01", OFFICE, "yearly", "8000.00")]
    errors, at = run(*lowered)
    assert errors == [("BG01", at[2], WARN)]
    _entries, found, _ = loader.load_string(HEADER + "".join(lowered))
    assert "2025年预算 调整为 8000.00 元，低于本期已发生的支出 9000.00 元，超出 1000.00 元" in found[0].message
    # once, then not again at the next spending; a line still above the spending is clean
    errors, at = run(*lowered, spend("2025-08-02", "100.00"))
    assert errors == [("BG01", at[2], WARN)]
    assert run(YEARLY, spend("2025-03-02", "9000.00"),
               budget("2025-07-01", OFFICE, "yearly", "9000.00"))[0] == []


def test_bg01_a_period_crossed_again_after_the_line_was_raised_is_reported_again():
    parts = [YEARLY, spend("2025-03-02", "10500.00"),
             budget("2025-07-01", OFFICE, "yearly", "15000.00"),  # raised (approved): within again
             spend("2025-09-02", "4000.00"),  # 14500
             spend("2025-10-02", "600.00")]  # 15100: over the raised line
    errors, at = run(*parts)
    assert errors == [("BG01", at[1], WARN), ("BG01", at[4], WARN)]


def test_bg01_the_first_line_counts_its_whole_period():
    """A yearly line approved in March holds for the whole year: January's spending counts
    (before, spending before the first line's date was never counted)."""
    parts = [spend("2025-01-10", "8000.00"), budget("2025-03-01", OFFICE, "yearly", "10000.00"),
             spend("2025-04-01", "2500.00")]
    errors, at = run(*parts)
    assert errors == [("BG01", at[2], WARN)]
    # the year before is another period: clean
    assert run(spend("2024-12-20", "8000.00"), budget("2025-03-01", OFFICE, "yearly", "10000.00"),
               spend("2025-04-01", "2500.00"))[0] == []


def test_bg02_a_line_that_could_never_be_reached():
    """A misspelt account (Beancount does not check a custom directive's accounts), a negative
    amount, or another currency than the books': the line never applied, without a word."""
    misspelt = f'2025-01-01 custom "budget" {OFFICE}x "yearly" 100.00 CNY\n'
    negative = f'2025-01-01 custom "budget" {TRAVEL} "yearly" -100.00 CNY\n'
    currency = f'2025-01-01 custom "budget" {REPAIR} "yearly" 100.00 RMB\n'
    option = 'option "operating_currency" "CNY"\n'
    errors, at = run(option, misspelt, negative, currency, spend("2025-03-01", "150.00"),
                     spend("2025-03-01", "150.00", account=TRAVEL),
                     spend("2025-03-01", "150.00", account=REPAIR))
    assert errors == [("BG02", at[1], STOP), ("BG02", at[2], STOP), ("BG02", at[3], STOP)]
    _entries, found, _ = loader.load_string(HEADER + option + misspelt + negative + currency)
    assert "没有开设" in found[0].message and "不能为负数" in found[1].message
    assert "RMB 不是账本的记账币种 CNY" in found[2].message
    # without `operating_currency` the books are kept in CNY (`money.ledger_currency`, docs/
    # conventions.md §10): an RMB line was not checked there and never applied
    errors, at = run(currency, spend("2025-03-01", "150.00", account=REPAIR))
    assert errors == [("BG02", at[0], STOP)]
    _entries, found, _ = loader.load_string(HEADER + currency)
    assert "RMB 不是账本的记账币种 CNY" in found[0].message
    # a parent account that is only opened through its sub-accounts, and a zero line, are fine
    errors, at = run(option, budget("2025-01-01", "Expenses:5001业务活动费用", "yearly", "100000.00"),
                     budget("2025-01-01", TRAVEL, "yearly", "0.00"))
    assert errors == []


def test_bg02_two_lines_of_one_account_on_one_date():
    """Which one held depended on the order of the files: the second is not used."""
    errors, at = run(YEARLY, budget("2025-01-01", OFFICE, "yearly", "20000.00"),
                     spend("2025-03-02", "15000.00"))
    assert errors == [("BG02", at[1], STOP), ("BG01", at[2], WARN)]
    assert run(YEARLY, budget("2025-01-02", OFFICE, "yearly", "20000.00"),
               spend("2025-03-02", "15000.00"))[0] == []


# -- xiaozhang check -------------------------------------------------------------------------

def _check(tmp_path, *parts):
    ledger = tmp_path / "main.beancount"
    ledger.write_text(HEADER + "".join(parts), encoding="utf-8")
    _errors, at = run(*parts)
    return CliRunner().invoke(main, ["check", str(ledger)]), ledger, at


def test_check_passes_with_only_a_budget_warning(tmp_path):
    result, ledger, at = _check(tmp_path, YEARLY, spend("2025-03-02", "10500.00"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{ledger}:{at[1]}: [BG01] 超预算预警")
    assert "共 0 个错误、1 个预警" in result.stderr


def test_check_fails_on_a_stopped_overrun(tmp_path):
    result, ledger, at = _check(tmp_path, control("2025-01-01", "stop"), YEARLY,
                                spend("2025-03-02", "10500.00"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{ledger}:{at[2]}: [BG01] 超预算（禁止）")
    assert "共 1 个错误、0 个预警" in result.stderr


def test_check_fails_on_an_error_next_to_a_warning(tmp_path):
    bad = f'2025-01-01 custom "budget" {OFFICE} "annual" 10000.00 CNY\n'
    result, ledger, at = _check(tmp_path, YEARLY, bad, spend("2025-03-02", "10500.00"))
    assert result.exit_code == 1
    assert sorted(line[:line.index("]") + 1] for line in result.stdout.splitlines()) == [
        f"{ledger}:{at[1]}: [BG02]", f"{ledger}:{at[2]}: [BG01]"]
    assert "共 1 个错误、1 个预警" in result.stderr


def test_bg02_a_quoted_account_is_accepted_as_fava_does():
    errors, at = run(f'2025-01-01 custom "budget" "{OFFICE}" "yearly" 100.00 CNY\n',
                     spend("2025-03-01", "150.00"),
                     '2025-01-01 custom "budget" "不是科目" "yearly" 100.00 CNY\n')
    assert sorted(errors) == [("BG01", at[1], WARN), ("BG02", at[2], STOP)]
