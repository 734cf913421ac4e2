"""`xiaozhang close …` and `xiaozhang new-year` on copies of the bundled school (real files,
real loader, the real command line through click's runner)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from click.testing import CliRunner

from xiaozhang import chart
from xiaozhang.cli import main as cli
from xiaozhang.io import load

BUNDLED = Path(__file__).resolve().parents[1] / "ledger"
YEAR_END = dt.date(2025, 12, 31)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def closed_2025(tmp_path_factory) -> Path:
    """The bundled school with 2025-08 … 2025-12 closed and the 2025 结转 file written."""
    folder = tmp_path_factory.mktemp("school") / "ledger"
    shutil.copytree(BUNDLED, folder)
    main = folder / "main.beancount"
    refused = run("close", "year", "2025", "--ledger", str(main))
    assert refused.exit_code == 1 and "以下月份未结账：2025年8月、2025年9月" in refused.output
    result = run("close", "month", "2025-08", "2025-12", "--ledger", str(main))
    assert result.exit_code == 0, result.output
    assert "2025年12月已结账" in result.output
    result = run("close", "year", "2025", "--ledger", str(main))
    assert result.exit_code == 0, result.output
    assert 'include "年结/2025.beancount"' in result.output
    return main


def test_close_month_refuses_a_month_with_errors(tmp_path):
    folder = tmp_path / "ledger"
    shutil.copytree(BUNDLED, folder)
    october = folder / "2025" / "10.beancount"
    text = october.read_text(encoding="utf-8")
    october.write_text(text.replace('  approver: "王建国"\n  approved: 2025-10-05\n', "", 1), encoding="utf-8")
    before = {p: p.read_bytes() for p in folder.rglob("*.beancount")}
    result = run("close", "month", "2025-09", "2025-11", "--ledger", str(folder / "main.beancount"))
    assert result.exit_code == 1
    assert "10.beancount:29: [AP01]" in result.output
    assert "不能结账：2025年11月及以前未结账的月份有 1 个错误" in result.output
    assert {p: p.read_bytes() for p in folder.rglob("*.beancount")} == before  # nothing written
    # an earlier month without errors closes
    result = run("close", "month", "2025-09", "--ledger", str(folder / "main.beancount"))
    assert result.exit_code == 0, result.output


def test_close_month_refuses_a_month_not_over(tmp_path):
    folder = tmp_path / "ledger"
    shutil.copytree(BUNDLED, folder)
    result = run("close", "month", "2026-11", "--ledger", str(folder / "main.beancount"))
    assert result.exit_code == 1 and "2026年11月尚未结束（评判日期 2026-10-31）" in result.output


def test_close_status_and_again(closed_2025):
    result = run("close", "status", "--ledger", str(closed_2025))
    assert "2025年12月  已结账  2026-10-31  陈静" in result.output
    again = run("close", "month", "2025-12", "--ledger", str(closed_2025))
    assert again.exit_code == 0 and "2025年12月已结账（2026-10-31），无需重复" in again.output


def test_close_year_refuses_twice_and_when_the_file_exists(closed_2025):
    result = run("close", "year", "2025", "--ledger", str(closed_2025))
    assert result.exit_code == 1 and "已存在" in result.output


def _balances(entries, day, skip_year_end: bool) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= day:
            if skip_year_end and "year-end" in entry.meta and entry.date == YEAR_END:
                continue
            for posting in entry.postings:
                sums[posting.account] += posting.units.number
    return sums


def _canteen_accounts() -> tuple[str, ...]:
    """From the chart: the accounts opened `canteen: TRUE` (docs/canteen.md)."""
    return tuple(a.account for a in chart.CHART if dict(a.meta).get("canteen") is True)


def test_year_end_carry_forward_zeroes_income_and_expenses(closed_2025, tmp_path):
    folder = tmp_path / "ledger"
    shutil.copytree(closed_2025.parent, folder)
    main = folder / "main.beancount"
    with main.open("a", encoding="utf-8") as out:
        out.write('include "年结/2025.beancount"\n')
    loaded = load(main)
    assert [str(e.message) for e in loaded.errors] == []
    after = _balances(loaded.entries, YEAR_END, skip_year_end=False)
    assert {a: n for a, n in after.items() if a.startswith(("Income:", "Expenses:")) and n} == {}
    for account in (chart.CURRENT_SURPLUS, chart.YEAR_SURPLUS_DISTRIBUTION):
        assert after.get(account, Decimal(0)) == 0
    # independent: 3001's own balance = its balance before + the school's income and expenses
    # + 3401 + 3501; 300101 = its balance before + the canteen's income and expenses
    before = _balances(loaded.entries, YEAR_END, skip_year_end=True)
    canteen = _canteen_accounts()

    def is_canteen(account):
        return any(account == c or account.startswith(c + ":") for c in canteen)

    school = sum((n for a, n in before.items()
                  if a.startswith(("Income:", "Expenses:")) and not is_canteen(a)), Decimal(0))
    canteen_result = sum((n for a, n in before.items()
                          if a.startswith(("Income:", "Expenses:")) and is_canteen(a)), Decimal(0))
    assert canteen_result != 0 and school != 0
    own_3001 = before.get(chart.ACCUMULATED_SURPLUS, Decimal(0)) + school \
        + before.get(chart.FREE_TRANSFER_EQUITY, Decimal(0)) + before.get(chart.PRIOR_YEAR_ADJUSTMENT, Decimal(0))
    assert after[chart.ACCUMULATED_SURPLUS] == own_3001
    assert after[chart.CANTEEN_EQUITY] == before.get(chart.CANTEEN_EQUITY, Decimal(0)) + canteen_result
    # the budget side: 6xxx / 7xxx zero; 8101 累计结转 and 8202 累计结余 from the postings
    assert {a: n for a, n in after.items() if a.startswith(("Equity:6", "Equity:7")) and n} == {}
    fiscal = (chart.BUDGET_FISCAL_INCOME, chart.BUDGET_SPENDING_FISCAL)
    project = (chart.BUDGET_SPENDING_PROJECT,)

    def total(predicate):
        return sum((n for a, n in before.items() if predicate(a)), Decimal(0))

    carry_8101 = total(lambda a: a.startswith(fiscal) or a.startswith(chart.FISCAL_CARRYOVER))
    assert carry_8101 != 0
    assert after[f"{chart.FISCAL_CARRYOVER}:810107累计结转"] == carry_8101
    other = total(lambda a: a.startswith(("Equity:6", "Equity:7")) and not a.startswith(fiscal + project))
    surplus_8202 = other + total(lambda a: a.startswith((chart.OTHER_SURPLUS, chart.SURPLUS_DISTRIBUTION,
                                                         chart.NON_FISCAL_SURPLUS)))
    assert surplus_8202 != 0
    assert after[f"{chart.NON_FISCAL_SURPLUS}:820204累计结余"] == surplus_8202
    for account in (chart.OTHER_SURPLUS, chart.SURPLUS_DISTRIBUTION):
        assert after.get(account, Decimal(0)) == 0
    # the figures in the file, as the accountant reads them
    text = (folder / "年结" / "2025.beancount").read_text(encoding="utf-8")
    assert 'custom "year-close" "2025"' in text and "年末结转：本期盈余转入本年盈余分配" in text
    assert 'custom "budget-rule"' not in text  # 3301 / 3302 "不记" are in the policy's table
    assert "年末注销" not in text  # the bundled school cancelled its quota itself (2025/12)


def test_close_year_names_the_rule_lines_a_table_lacks():
    """The 平行记账 table must keep the financial 结转 (3301, 3302) out of the budget side; the
    default table has both lines, a table without them gets the lines to add."""
    from xiaozhang.model import yearend
    from xiaozhang.model.budget_rules import DEFAULT_RULES, IGNORE, Rule, RuleTable

    full = RuleTable([Rule(a, t, dt.date(2019, 1, 1), None) for a, t, _s, _n in DEFAULT_RULES])
    assert yearend.missing_rules(full, 2025) == []
    assert yearend.missing_rules(RuleTable([]), 2025) == []  # no budget side kept
    lacking = RuleTable([r for r in full.rules if r.account != chart.YEAR_SURPLUS_DISTRIBUTION])
    assert yearend.missing_rules(lacking, 2025) == [
        f'2019-01-01 custom "budget-rule" "{chart.YEAR_SURPLUS_DISTRIBUTION}" "{IGNORE}"']


def test_budget_statements_after_the_year_end_carry_forward(closed_2025, tmp_path):
    """会政预02 and the 决算's 年初/年末 结转结余 read the 结转 entries; the year's 收支 (会政预01,
    收入费用表) skip them, so including the 结转 file changes no 本年 figure."""
    from xiaozhang.model.books import SchoolBooks
    from xiaozhang.reports import budget_statements as bs
    from xiaozhang.reports import final_accounts, statements
    from xiaozhang.reports.statements import Period

    folder = tmp_path / "ledger"
    shutil.copytree(closed_2025.parent, folder)
    with (folder / "main.beancount").open("a", encoding="utf-8") as out:
        out.write('include "年结/2025.beancount"\n')
    loaded, before = load(folder / "main.beancount"), load(closed_2025)
    assert [str(e.message) for e in loaded.errors] == []
    books, plain = SchoolBooks.of(loaded.entries, loaded.options_map), SchoolBooks.of(before.entries, before.options_map)
    for year in (2025, 2026):
        assert bs.income_expenditure(books, year) == bs.income_expenditure(plain, year)
        assert bs.fiscal(books, year) == bs.fiscal(plain, year)
    december = Period(2025, 12)
    assert statements.build_income_statement(loaded.entries, loaded.options_map, december) == \
        statements.build_income_statement(before.entries, before.options_map, december)
    # independent: the balances from the postings after 结转
    after = _balances(loaded.entries, YEAR_END, skip_year_end=False)

    def balance(prefix):
        return sum((n for a, n in after.items() if a.startswith(prefix)), Decimal(0))

    fund_balance = balance("Equity:8001")
    assert fund_balance != 0
    lines = {(l.label, l.level): l.current for l in bs.carryover(books, 2025)}
    assert lines[("四、年末预算结转结余", 0)] == fund_balance
    assert lines[("1.财政拨款结转", 2)] == -balance("Equity:8101")
    assert lines[("2.非财政拨款结余", 2)] == -balance("Equity:8202")
    assert lines[("1.非财政拨款结转", 2)] == -balance("Equity:8201")
    # the same 年末 as before 结转 (computed from the year's 收支), and 2026 opens with it
    unclosed = {(l.label, l.level): l.current for l in bs.carryover(plain, 2025)}
    assert unclosed[("四、年末预算结转结余", 0)] == fund_balance
    opening = {(l.label, l.level): l.current for l in bs.carryover(books, 2026)}
    assert opening[("一、年初预算结转结余", 0)] + opening[("二、年初余额调整", 0)] == fund_balance
    summary = final_accounts.build_summary(loaded.entries, loaded.options_map, december)
    assert summary.carryover is not None and summary.carryover[1] == fund_balance


CANCELLATION = """2025-12-31 * "年末注销未使用授权支付额度，转财政应返还额度"
  voucher: "记-2025-12-122"
  reviewer: "陈静"
  Assets:1201财政应返还额度                                       22119.74 CNY
  Assets:1011零余额账户用款额度                                  -22119.74 CNY
"""


def test_close_year_cancels_the_unused_quota_on_both_sides(tmp_path):
    """Without the accountant's 年末注销, `close year` writes it (1011 → 1201, 800101 → 800103): after
    it both 零余额 balances are zero and 1201 / 800103 hold what the bundled school's own 注销 moved."""
    folder = tmp_path / "ledger"
    shutil.copytree(BUNDLED, folder)
    december = folder / "2025" / "12.beancount"
    text = december.read_text(encoding="utf-8")
    assert CANCELLATION in text
    december.write_text(text.replace(CANCELLATION, ""), encoding="utf-8")
    main = folder / "main.beancount"
    assert run("close", "month", "2025-08", "2025-12", "--ledger", str(main)).exit_code == 0
    result = run("close", "year", "2025", "--ledger", str(main))
    assert result.exit_code == 0, result.output
    assert "财务会计、预算会计  年末注销未使用的零余额账户用款额度，转入财政应返还额度  4 行" in result.output
    written = (folder / "年结" / "2025.beancount").read_text(encoding="utf-8")
    assert "; 次年恢复额度 22119.74 CNY：由 xiaozhang new-year 2026 写入新年度账本" in written
    with main.open("a", encoding="utf-8") as out:
        out.write('include "年结/2025.beancount"\n')
    loaded = load(main)
    assert [str(e.message) for e in loaded.errors] == []
    after = _balances(loaded.entries, YEAR_END, skip_year_end=False)
    bundled = _balances(load(BUNDLED / "main.beancount").entries, YEAR_END, skip_year_end=False)
    assert after[chart.ZERO_BALANCE] == 0 and after[chart.FUND_BALANCE_QUOTA] == 0
    assert after[chart.RECEIVABLE_QUOTA] == bundled[chart.RECEIVABLE_QUOTA] != 0
    assert after[chart.FUND_BALANCE_RECEIVABLE] == after[chart.RECEIVABLE_QUOTA]
    # a ledger whose 1011 is already zero at 31 December (the bundled school) gets no 注销
    assert "年末注销" not in (BUNDLED / "main.beancount").read_text(encoding="utf-8")


# -- new-year --------------------------------------------------------------------------------
RESTORATION = """2026-01-01 * "青禾市明德区财政局" "恢复上年度财政应返还额度"
  voucher: "记-2026-01-002"
  reviewer: "陈静"
  Assets:1011零余额账户用款额度                                   22119.74 CNY
  Assets:1201财政应返还额度                                      -22119.74 CNY

"""


def april_school(tmp_path: Path, restored: bool = True) -> Path:
    """The bundled school up to April 2026 (judged then), 2025 closed, carried forward and the
    结转 file included; `restored=False`: without the school's own 次年恢复 of January."""
    import re

    folder = tmp_path / "ledger"
    shutil.copytree(BUNDLED, folder)
    for month in range(5, 13):
        (folder / "2026" / f"{month:02d}.beancount").unlink(missing_ok=True)
    policy = folder / "policy.beancount"
    policy.write_text(re.sub(r'^\d{4}-\d{2}-\d{2} custom "as-of"', '2026-04-30 custom "as-of"',
                             policy.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    if not restored:
        january = folder / "2026" / "01.beancount"
        text = january.read_text(encoding="utf-8")
        assert RESTORATION in text
        january.write_text(text.replace(RESTORATION, ""), encoding="utf-8")
    main = folder / "main.beancount"
    assert run("close", "month", "2025-08", "2025-12", "--ledger", str(main)).exit_code == 0
    assert run("close", "year", "2025", "--ledger", str(main)).exit_code == 0
    with main.open("a", encoding="utf-8") as out:
        out.write('include "年结/2025.beancount"\n')
    return main


def test_new_year_opening_balances_equal_the_old_year_end(tmp_path):
    """`new-year 2026` on the school up to April 2026.  The new working year and the archive both
    load clean, and every account's balance on 2025-12-31 in the new year (its opening) equals the
    old year-end balance; the school restored its quota itself in January: no 次年恢复 written."""
    main = april_school(tmp_path)
    folder = main.parent
    old = load(main)
    assert [str(e.message) for e in old.errors] == []
    old_end = _balances(old.entries, YEAR_END, skip_year_end=False)

    new_folder = tmp_path / "2026"
    result = run("new-year", "2026", "--out", str(new_folder), "--ledger", str(main))
    assert result.exit_code == 0, result.output
    new = load(new_folder / "main.beancount")
    assert [str(e.message) for e in new.errors] == []
    opening = _balances(new.entries, YEAR_END, skip_year_end=False)
    assert {a: n for a, n in opening.items() if n} == {a: n for a, n in old_end.items() if n}
    assert (new_folder / "2026" / "04.beancount").exists() and not (folder / "2026").exists()
    assert "恢复上年末注销" not in (new_folder / "期初.beancount").read_text(encoding="utf-8")
    # the archive: 2025 only, judged on its last day, read-only
    archive = load(main)
    assert [str(e.message) for e in archive.errors] == []
    assert max(e.date for e in archive.entries if isinstance(e, data.Transaction)) == YEAR_END
    assert not (main.stat().st_mode & 0o222)
    refused = run("new-year", "2026", "--out", str(tmp_path / "again"), "--ledger", str(new_folder / "main.beancount"))
    assert refused.exit_code == 1 and "2025 年没有年结" in refused.output


def test_new_year_restores_the_cancelled_quota_on_both_sides(tmp_path):
    """Without the school's own 次年恢复, `new-year` writes it (2026-01-01, 借 1011 / 贷 1201 and
    借 800101 / 贷 800103): the working year loads clean and on 2026-04-30 1011, 1201 and 8001's
    accounts hold what the bundled school (which restored the quota itself) holds."""
    main = april_school(tmp_path, restored=False)
    new_folder = tmp_path / "2026"
    result = run("new-year", "2026", "--out", str(new_folder), "--ledger", str(main))
    assert result.exit_code == 0, result.output
    text = (new_folder / "期初.beancount").read_text(encoding="utf-8")
    assert text.count('"恢复上年末注销的零余额账户用款额度"') == 1 and 'restores: "2025"' in text
    new = load(new_folder / "main.beancount")
    assert [str(e.message) for e in new.errors] == []
    april = dt.date(2026, 4, 30)
    got = _balances(new.entries, april, skip_year_end=False)
    bundled = _balances(load(BUNDLED / "main.beancount").entries, april, skip_year_end=False)
    for account in (chart.ZERO_BALANCE, chart.RECEIVABLE_QUOTA, chart.FUND_BALANCE_QUOTA,
                    chart.FUND_BALANCE_RECEIVABLE):
        assert got[account] == bundled[account], account
    # independent: the restoration is what the December 注销 moved, on both sides
    restoration = [e for e in new.entries if isinstance(e, data.Transaction) and "restores" in e.meta]
    assert len(restoration) == 1
    legs = {p.account: p.units.number for p in restoration[0].postings}
    cancelled = -Decimal(CANCELLATION.split()[-2])  # its 1011 line: 贷 1011
    assert legs == {chart.ZERO_BALANCE: cancelled, chart.RECEIVABLE_QUOTA: -cancelled,
                    chart.FUND_BALANCE_QUOTA: cancelled, chart.FUND_BALANCE_RECEIVABLE: -cancelled}


def test_no_cancelled_quota_no_restoration():
    """A year-end without 注销 (the bundled ledger without its December 注销 entry) gives no 次年恢复;
    with it, the restoration is the 注销 less what January already restored (here: all of it)."""
    from xiaozhang.model import yearend

    entries = load(BUNDLED / "main.beancount").entries
    without = [e for e in entries if not (isinstance(e, data.Transaction) and e.date == YEAR_END
                                          and e.narration == "年末注销未使用授权支付额度，转财政应返还额度")]
    assert len(without) < len(entries)  # the 注销 (and the budget entry generated from it)
    january = [e for e in without if not (isinstance(e, data.Transaction) and e.date.year == 2026)]
    assert yearend.restore_quota(january, 2026, True) == []
    assert yearend.restore_quota(entries, 2026, True) == []  # the school restored it itself
    before_2026 = [e for e in entries if e.date.year < 2026]
    [made] = yearend.restore_quota(before_2026, 2026, False)
    assert made.postings == ((chart.ZERO_BALANCE, Decimal("22119.74"), "CNY"),
                             (chart.RECEIVABLE_QUOTA, Decimal("-22119.74"), "CNY"))


def _budget_txn(day: dt.date, legs: list[tuple[str, str]]) -> data.Transaction:
    from beancount.core.amount import Amount

    postings = [data.Posting(a, Amount(Decimal(n), "CNY"), None, None, None, None) for a, n in legs]
    return data.Transaction({}, day, "*", None, "经营", data.EMPTY_SET, data.EMPTY_SET, postings)


@pytest.mark.parametrize("income, spending, carried", [("-1000.00", "600.00", True), ("-500.00", "800.00", False)])
def test_business_surplus_carried_when_a_credit_a_loss_stays(income, spending, carried):
    """8401 三（一）: 经营预算收入 and 经营支出 go to 8401; 三（二）: a credit balance goes on to 8701
    (and with it to 820204 累计结余), a debit balance (经营亏损) stays in 8401."""
    from xiaozhang.model import yearend

    money = f"{chart.FUND_BALANCE}:800102货币资金"
    entries = [_budget_txn(dt.date(2025, 6, 30), [(money, str(-Decimal(income))), ("Equity:6401经营预算收入", income)]),
               _budget_txn(dt.date(2025, 7, 31), [("Equity:7301经营支出", spending), (money, str(-Decimal(spending)))])]
    made = yearend.carry(entries, 2025, (), yearend.BUDGET_RULES)
    after: dict[str, Decimal] = defaultdict(Decimal)
    for item in made:
        for account, number, _currency in item.postings:
            after[account] += number
    net = Decimal(income) + Decimal(spending)  # negative: a credit (surplus)
    assert after["Equity:6401经营预算收入"] == -Decimal(income) and after["Equity:7301经营支出"] == -Decimal(spending)
    business = after[chart.BUSINESS_SURPLUS]
    accumulated = after[f"{chart.NON_FISCAL_SURPLUS}:820204累计结余"]
    if carried:
        assert business == 0 and accumulated == net < 0
    else:
        assert business == net > 0 and accumulated == 0
    assert all(item.rule.target != chart.OTHER_SURPLUS for item in made)  # not through 8501


ADDITION = """
2025-12-10 * "青禾市明德建筑工程有限公司" "教学楼加固改造"
  voucher: "记-2025-12-901"
  handler: "李明华"
  inspector: "张伟,胡斌"
  reviewer: "陈静"
  approver: "王建国"
  approved: 2025-12-08
  quotes: 3
  Assets:1601固定资产:160101房屋及构筑物              36000.00 CNY
    asset_id: "ZC20060001"
    addition: "改扩建"
    life: 55
  Assets:1002银行存款:100201基本户                    -36000.00 CNY
"""


def test_new_year_carries_a_card_with_an_addition(tmp_path):
    """A card with an addition (改扩建) and a revised life in the old year: the opening card has
    the cost with the addition, the revised life and the months run since the card's first month,
    so the working year depreciates it exactly as the one ledger does (1601 / 1602 and the card's
    charge in April 2026 compared with the same ledger kept in one piece)."""
    from xiaozhang.model.books import SchoolBooks
    from xiaozhang.model.periods import month_index

    whole = tmp_path / "whole"
    shutil.copytree(BUNDLED, whole)
    with (whole / "2025" / "12.beancount").open("a", encoding="utf-8") as out:
        out.write(ADDITION)
    one = load(whole / "main.beancount")
    assert [str(e.message) for e in one.errors] == []
    main = april_school(tmp_path / "years")
    with (main.parent / "2025" / "12.beancount").open("a", encoding="utf-8") as out:
        out.write(ADDITION)
    # December was closed before the addition: reopen, close again, carry forward again
    assert run("close", "reopen", "2025-12", "--by", "王建国", "--reason", "补记加装", "--ledger", str(main)).exit_code == 0
    assert run("close", "month", "2025-12", "--ledger", str(main)).exit_code == 0
    (main.parent / "年结" / "2025.beancount").unlink()
    main.write_text(main.read_text(encoding="utf-8").replace('include "年结/2025.beancount"\n', ""), encoding="utf-8")
    result = run("close", "year", "2025", "--ledger", str(main))
    assert result.exit_code == 0, result.output
    with main.open("a", encoding="utf-8") as out:
        out.write('include "年结/2025.beancount"\n')
    result = run("new-year", "2026", "--out", str(tmp_path / "2026"), "--ledger", str(main))
    assert result.exit_code == 0, result.output
    new = load(tmp_path / "2026" / "main.beancount")
    assert [str(e.message) for e in new.errors] == []
    april = dt.date(2026, 4, 30)
    got, want = _balances(new.entries, april, False), _balances(one.entries, april, False)
    for account in (chart.fixed_asset_account("房屋及构筑物"), chart.depreciation_account("房屋及构筑物")):
        assert got[account] == want[account], account
    cards = [SchoolBooks.of(x.entries, x.options_map).assets.cards["ZC20060001"] for x in (new, one)]
    assert cards[0].cost == cards[1].total_cost and cards[0].life == 55
    month = month_index(april)
    assert [c.schedule.charge(month) for c in cards] == [cards[1].schedule.charge(month)] * 2
