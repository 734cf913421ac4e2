"""The financial statements (reports/statements.py) of the bundled school, line by line against an
independent computation written here from the postings and the documented line table
(reports/statements_lines.py, docs/statements.md) — never against the statements' own helpers —
and their identities: 资产 = 负债 + 净资产 at every month end, 收入费用表's 本期盈余 = 净资产变动表's
本年盈余, 现金净增加额 = the change of the cash accounts."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount.core import data

from xiaozhang.reports import statements, statements_annual
from xiaozhang.reports import statements_lines as table
from xiaozhang.reports.statements import Period

D = Decimal
ZERO = D(0)
MONTHS = [Period(2025, m) for m in range(9, 13)] + [Period(2026, m) for m in range(1, 11)]


@pytest.fixture(scope="module")
def example(example_ledger):
    assert example_ledger.errors == []
    return example_ledger.entries, example_ledger.options_map


# -- the independent computation ------------------------------------------------------------------
def code(account: str) -> str:
    match = re.match(r"\d{4}", account.split(":")[1])
    return match.group(0) if match else ""


def txns(entries):
    return [e for e in entries if isinstance(e, data.Transaction)]


BUDGET_SIDE = ("Equity:6", "Equity:7", "Equity:8")  # 预算会计 (generated): not in the financial statements


def sums(entries, first, last) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for t in txns(entries):
        if (first is None or t.date >= first) and t.date <= last:
            for p in t.postings:
                if p.units.currency == "CNY" and not p.account.startswith(BUDGET_SIDE):
                    out[p.account] += p.units.number
    return out


def opening_day(entries, year: int) -> dt.date:
    """The documented 年初: 31 December, or the day of the first entries when the books begin
    in the year (建账)."""
    first = min(t.date for t in txns(entries))
    return first if first.year == year else dt.date(year - 1, 12, 31)


def marked(entries, key) -> list[str]:
    return [e.account for e in entries if isinstance(e, data.Open) and e.meta.get(key) is True]


def under(account, roots) -> bool:
    return any(account == r or account.startswith(r + ":") for r in roots)


def balance_lines(balances: dict[str, Decimal], closed: dict[str, Decimal]) -> dict[str, Decimal]:
    """Line → figure of the 资产负债表 from the balances of the accounts (`closed`: the postings
    of earlier years to the accounts closed yearly, which are 累计盈余)."""
    lines: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_code = {c: line.key for line in (*table.ASSET_LINES, *table.LIABILITY_LINES) for c in line.codes}
    for account, amount in balances.items():
        root, c = account.split(":")[0], code(account)
        if root == "Assets":
            if c in ("1001", "1002") and "受托代理" in account:
                lines["trust_assets"] += amount
            elif c in ("1602", "1702", "1802", "1832"):
                lines[by_code[c]] -= amount
            else:
                lines[by_code.get(c, "other_current")] += amount
        elif root == "Liabilities":
            lines[by_code.get(c, "other_current_liabilities")] -= amount
        elif root in ("Income", "Expenses") or c == "3301":
            lines["current_surplus"] -= amount
        elif c == "3401":
            lines["free_transfer"] -= amount
        elif c in ("3101", "3201"):
            lines[by_code[c]] -= amount
        else:
            lines["accumulated"] -= amount
    for amount in closed.values():
        lines["accumulated"] -= amount
    return lines


def independent_balance_sheet(entries, period: Period) -> tuple[dict, dict]:
    opening = opening_day(entries, period.year)
    before = sums(entries, None, opening)
    this_year = sums(entries, opening + dt.timedelta(days=1), period.last)
    yearly = ("Income:", "Expenses:", "Equity:3301", "Equity:3302", "Equity:3401", "Equity:3501")
    closed = {a: n for a, n in before.items() if a.startswith(yearly)}
    kept = {a: n for a, n in before.items() if not a.startswith(yearly)}
    start = balance_lines(kept, closed)
    end_balances = defaultdict(lambda: ZERO, kept)
    for account, amount in this_year.items():
        end_balances[account] += amount
    end = balance_lines(end_balances, closed)
    if period.month == 12:
        end["accumulated"] += end.pop("free_transfer", ZERO) + end.pop("current_surplus", ZERO)
    return end, start


def income_lines(entries, first, last) -> dict[str, Decimal]:
    """Line code → figure of the 收入费用表 (income positive, expenses positive)."""
    canteen = marked(entries, "canteen")
    government = marked(entries, "government_fund")
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for account, amount in sums(entries, first, last).items():
        root = account.split(":")[0]
        if root not in ("Income", "Expenses"):
            continue
        if under(account, canteen):
            out["canteen"] -= amount
            continue
        sign = -1 if root == "Income" else 1
        out[code(account)] += sign * amount
        if code(account) == "4001" and under(account, government):
            out["government"] += sign * amount
    out["4609"] += out["canteen"]
    return out


# -- 资产负债表 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", MONTHS, ids=lambda p: p.text)
def test_balance_sheet_every_line_and_balanced_at_every_month_end(example, period):
    sheet = statements.build_balance_sheet(*example, period)
    end, start = independent_balance_sheet(example[0], period)
    assert sheet.unlisted == ()
    for row in (*sheet.assets, *sheet.liabilities):
        if row.heading:
            continue
        line = next(line for line in (*table.ASSET_LINES, *table.LIABILITY_LINES) if line.key == row.key)
        if line.total:
            continue  # the totals are checked through the identity below
        assert row.values[0] == end.get(row.key, ZERO), (row.label, "期末")
        if not line.star:
            assert row.values[1] == start.get(row.key, ZERO), (row.label, "年初")
    assets = sum((end[k] for k in table.CURRENT_ASSETS + table.NONCURRENT_ASSETS if not k.endswith("_net")), ZERO)
    assets += end["fixed_cost"] - end["fixed_depreciation"] + end["trust_assets"]
    assert sheet.line("assets_total").values[0] == assets
    assert sheet.balanced
    total_assets = sheet.line("assets_total").values
    assert total_assets == sheet.line("liabilities_net_assets_total").values
    # the ledger's own identity: every asset = every liability + equity + income − expenses
    everything = sums(example[0], None, period.last)
    assert total_assets[0] == sum((n for a, n in everything.items() if a.startswith("Assets:")), ZERO)


def test_balance_sheet_december_is_the_annual_form(example):
    sheet = statements.build_balance_sheet(*example, Period(2025, 12))
    keys = [row.key for row in sheet.liabilities]
    assert "current_surplus" not in keys and "free_transfer" not in keys
    monthly = statements.build_balance_sheet(*example, Period(2026, 3))
    assert monthly.line("current_surplus").values[1] is None  # “——” in the 年初 column
    assert monthly.line("current_surplus").values[0] == statements.build_income_statement(
        *example, Period(2026, 3)).surplus.year


# -- 收入费用表 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", [Period(2025, 10), Period(2025, 12), Period(2026, 3), Period(2026, 10)],
                         ids=lambda p: p.text)
def test_income_statement_every_line(example, period):
    report = statements.build_income_statement(*example, period)
    month = income_lines(example[0], period.first, period.last)
    year = income_lines(example[0], period.year_start, period.last)
    for row in (*report.income, *report.expenses):
        key = {statements.CANTEEN_CODE: "canteen", statements.GOVERNMENT_FUND_CODE: "government"}.get(row.code, row.code)
        assert (row.month, row.year) == (month.get(key, ZERO), year.get(key, ZERO)), row.label
    assert year["canteen"] != 0 and report.line(statements.CANTEEN_CODE).year == year["canteen"]
    # 事业收入 no longer holds the canteen's meal income, nor 业务活动费用 its food
    everything = sums(example[0], period.year_start, period.last)
    assert report.line("4101").year == -sum((n for a, n in everything.items()
                                              if a.startswith("Income:4101") and "伙食费" not in a), ZERO)
    assert report.surplus.year == -sum((n for a, n in everything.items()
                                        if a.startswith(("Income:", "Expenses:"))), ZERO)


def test_income_statement_labels_follow_the_form(example):
    report = statements.build_income_statement(*example, Period(2026, 3))
    labels = [row.label for row in report.income]
    assert labels[:2] == ["（一）财政拨款收入", "其中：政府性基金收入"]
    assert labels[-2:] == ["（十一）其他收入", "其中：食堂净收入"]
    assert [row.label for row in report.expenses][:2] == ["（一）业务活动费用", "（二）单位管理费用"]


# -- 净资产变动表 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", [Period(2025, 12), Period(2026, 10)], ids=lambda p: p.text)
def test_net_assets_change_from_operations_is_the_surplus(example, period):
    nav = statements_annual.build_net_assets(*example, period)
    income = statements.build_income_statement(*example, period)
    assert nav.row("surplus").values[0] == income.surplus.year
    sheet = statements.build_balance_sheet(*example, period)
    assert nav.row("closing").values[3] == sheet.line("net_assets_total").values[0]
    assert nav.row("opening").values[3] == sheet.line("net_assets_total").values[1]
    end, start = independent_balance_sheet(example[0], period)
    assert nav.row("opening").values[0] == start["accumulated"]


# -- 现金流量表 --------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", [Period(2025, 12), Period(2026, 10)], ids=lambda p: p.text)
def test_cash_flow_lines(example, period):
    flow = statements_annual.build_cash_flow(*example, period)
    entries = example[0]
    first = opening_day(entries, period.year) + dt.timedelta(days=1)
    cash = ("Assets:1001", "Assets:1002", "Assets:1011", "Assets:1021", "Assets:1201")
    change = sum((n for a, n in sums(entries, first, period.last).items() if a.startswith(cash)), ZERO)
    assert flow.row("net_increase").values[0] == change == flow.cash_change[0]
    # every 财政拨款收入 posting is cash received (授权支付额度到账, or 财政直接支付)
    fiscal = sums(entries, first, period.last)
    assert flow.row("fiscal_basic").values[0] == -sum((n for a, n in fiscal.items() if a.startswith(
        "Income:4001") and "项目" not in a), ZERO)
    assert flow.row("fiscal_project").values[0] == -sum((n for a, n in fiscal.items() if a.startswith(
        "Income:4001") and "项目" in a), ZERO)
    # 支付给职工: the salary payments (2201 debits against cash or the treasury)
    staff = ZERO
    for t in txns(entries):
        if first <= t.date <= period.last:
            moves_cash = any(p.account.startswith(cash) for p in t.postings)
            direct = not moves_cash and any(p.account.startswith("Income:4001") for p in t.postings)
            if moves_cash or direct:
                staff += sum((p.units.number for p in t.postings if p.account.startswith("Liabilities:2201")
                              or (p.account.startswith("Expenses:") and "工资福利" in p.account)), ZERO)
    assert flow.row("staff").values[0] == staff > 0


# -- 附注 and the documents ----------------------------------------------------------------------------
def test_notes_tie_to_the_balance_sheet(example):
    from xiaozhang.reports import statement_notes

    period = Period(2026, 10)
    notes = statement_notes.build_notes(*example, period)
    sheet = statements.build_balance_sheet(*example, period)
    assert notes.money[4].values == sheet.line("money").values
    fixed = {r.label: r.values for r in notes.fixed_assets}
    assert (fixed["一、原值合计"][3], fixed["一、原值合计"][0]) == sheet.line("fixed_cost").values
    assert (fixed["二、累计折旧合计"][3], fixed["二、累计折旧合计"][0]) == sheet.line("fixed_depreciation").values
    assert (fixed["三、账面价值合计"][3], fixed["三、账面价值合计"][0]) == sheet.line("fixed_net").values
    income = statements.build_income_statement(*example, period)
    assert notes.canteen_net == income.line(statements.CANTEEN_CODE).year
    # the year's depreciation of the note is what the ledger charged in the year: 500104 (teaching)
    # and 510104 (行政及后勤, 单位管理费用)
    charged = sum((n for a, n in sums(example[0], period.year_start, period.last).items()
                   if a.startswith(("Expenses:5001业务活动费用:500104", "Expenses:5101单位管理费用:510104"))), ZERO)
    assert fixed["二、累计折旧合计"][1] == charged


def test_statements_command_writes_every_statement(tmp_path, example):
    """The files of `xiaozhang report statements` print the figures (checked line by line above)."""
    from click.testing import CliRunner

    from xiaozhang.cli import main
    from xiaozhang.reports import final_accounts, statement_notes
    from xiaozhang.reports.document import pdf_text

    result = CliRunner().invoke(main, ["report", "statements", "--period", "2026-10", "--out", str(tmp_path),
                                       "--date", "2026-11-05"])
    assert result.exit_code == 0, result.output
    assert "平衡" in result.output and "不平衡" not in result.output
    period = Period(2026, 10)
    sheet = statements.build_balance_sheet(*example, period)
    nav = statements_annual.build_net_assets(*example, period)
    notes = statement_notes.build_notes(*example, period)
    sangong = final_accounts.build_sangong(*example, period)
    money = lambda n: f"{n:,.2f}"  # noqa: E731
    for stem, needles in (("资产负债表", ["会政财01表", "货币资金", money(sheet.line("money").values[0]), "资产总计",
                                     money(sheet.line("assets_total").values[0])]),
                          ("收入费用表", ["会政财02表", "其中：食堂净收入", "其中：政府性基金收入", "30,000.00"]),
                          ("净资产变动表", ["会政财03表", "（一）本年盈余", money(nav.row("surplus").values[0])]),
                          ("现金流量表", ["会政财04表", "五、现金净增加额"]),
                          ("财务报表附注", ["固定资产", "食堂净收入", money(notes.canteen_net)]),
                          ("决算", ["财政拨款支出决算表", "公务接待费", money(sangong.total), "386.00"])):
        for fmt in ("html", "pdf", "png", "xlsx"):
            assert (tmp_path / f"{stem}-2026-10.{fmt}").exists()
        text = "".join(pdf_text(tmp_path / f"{stem}-2026-10.pdf")).replace(" ", "").replace("\n", "")
        for needle in needles:
            assert needle in text, (stem, needle)


# -- 决算 and 三公经费 ---------------------------------------------------------------------------------
SANGONG_LEDGER = """
option "operating_currency" "CNY"
2026-01-01 open Assets:1011零余额账户用款额度
2026-01-01 open Assets:1002银行存款:100201基本户
2026-01-01 open Assets:1601固定资产:160102通用设备
2026-01-01 open Income:4001财政拨款收入:400101基本支出拨款
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30217公务接待费
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30231公务用车运行维护费
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费
2026-01-01 open Equity:3001累计盈余

2026-01-05 * "额度到账"
  Assets:1011零余额账户用款额度   100000.00 CNY
  Income:4001财政拨款收入:400101基本支出拨款
2026-02-03 * "接待上级检查工作餐"
  Expenses:5001业务活动费用:500102商品和服务费用:30217公务接待费   380.00 CNY
  Assets:1011零余额账户用款额度
2026-02-10 * "校车加油（自有资金）"
  Expenses:5001业务活动费用:500102商品和服务费用:30231公务用车运行维护费   500.00 CNY
  Assets:1002银行存款:100201基本户
2026-03-10 * "公务用车保险"
  Expenses:5001业务活动费用:500102商品和服务费用:30231公务用车运行维护费   3200.00 CNY
  Assets:1011零余额账户用款额度
2026-04-01 * "购置公务用车"
  sangong: "公务用车购置费"
  Assets:1601固定资产:160102通用设备   150000.00 CNY
  Income:4001财政拨款收入:400101基本支出拨款
2026-04-02 * "办公用品"
  Expenses:5001业务活动费用:500102商品和服务费用:30201办公费   90.00 CNY
  Assets:1011零余额账户用款额度
"""


def test_sangong_counts_fiscal_money_only():
    from beancount import loader

    from xiaozhang.reports import final_accounts

    entries, errors, options_map = loader.load_string(SANGONG_LEDGER)
    assert errors == []
    report = final_accounts.build_sangong(entries, options_map, Period(2026, 12))
    assert report.amounts == {"因公出国(境)费": D(0), "公务用车购置费": D("150000.00"),
                              "公务用车运行维护费": D("3200.00"), "公务接待费": D("380.00")}
    assert report.cars == D("153200.00") and report.total == D("153580.00")
    assert report.other_funds == D("500.00")  # the car fuel paid from the school's own money
    march = final_accounts.build_sangong(entries, options_map, Period(2026, 3))
    assert march.total == D("3580.00")


def test_final_accounts_of_the_example_add_up_to_the_paid_spending(example):
    from xiaozhang.reports import final_accounts

    period = Period(2026, 10)
    fiscal = final_accounts.build_fiscal_spending(*example, period)
    detail = final_accounts.build_spending_by_economic(*example, period)
    assert fiscal.total[-1] == detail.total[0] > 0  # 同级财政拨款 both ways
    # independently: the fiscal money spent = what left 1011 plus what the treasury paid directly,
    # less the money moved between the school's fiscal accounts (none in the example)
    paid = ZERO
    for t in txns(example[0]):
        if period.year_start <= t.date <= period.last:
            fiscal_credit = [p for p in t.postings if p.account.startswith(("Assets:1011", "Income:4001"))
                             and p.units.number < 0]
            if fiscal_credit:
                paid += sum((p.units.number for p in t.postings if p.units.number > 0 and (
                    p.account.startswith(("Expenses:", "Liabilities:2201", "Assets:1601", "Assets:1302"))
                    and ":500104" not in p.account)), ZERO)
    assert fiscal.total[-1] == paid


# -- the rules of the line table on a small ledger ---------------------------------------------------
RULES_LEDGER = """
option "operating_currency" "CNY"
2025-01-01 open Assets:1002银行存款:100201基本户
2025-01-01 open Assets:1002银行存款:100209受托代理资金
2025-01-01 open Assets:1011零余额账户用款额度
2025-01-01 open Assets:1219坏账准备:121901其他应收款
2025-01-01 open Assets:1218其他应收款
2025-01-01 open Assets:1999某自定义资产
2025-01-01 open Assets:1601固定资产:160102通用设备
2025-01-01 open Liabilities:2901受托代理负债
2025-01-01 open Income:4001财政拨款收入:400101基本支出拨款
2025-01-01 open Income:4001财政拨款收入:400103政府性基金拨款
  government_fund: TRUE
2025-01-01 open Income:4101事业收入:410102伙食费收入
  canteen: TRUE
2025-01-01 open Expenses:5001业务活动费用:500106食堂伙食成本
  canteen: TRUE
2025-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费
2025-01-01 open Expenses:5101单位管理费用:510102商品和服务费用:30201办公费
2025-01-01 open Equity:3001累计盈余
2025-01-01 open Equity:3101专用基金
2025-01-01 open Equity:3401无偿调拨净资产

2025-01-02 * "期初"
  Assets:1002银行存款:100201基本户   50000.00 CNY
  Equity:3001累计盈余
2025-03-01 * "彩票公益金拨款（政府性基金）"
  Assets:1011零余额账户用款额度   8000.00 CNY
  Income:4001财政拨款收入:400103政府性基金拨款
2025-03-02 * "基本支出拨款"
  Assets:1011零余额账户用款额度   20000.00 CNY
  Income:4001财政拨款收入:400101基本支出拨款
2025-03-05 * "食堂：伙食费收入（亏损月）"
  Assets:1002银行存款:100201基本户   1000.00 CNY
  Income:4101事业收入:410102伙食费收入
2025-03-06 * "食堂：食材"
  Expenses:5001业务活动费用:500106食堂伙食成本   1300.00 CNY
  Assets:1002银行存款:100201基本户
2025-03-07 * "行政办公用品"
  Expenses:5101单位管理费用:510102商品和服务费用:30201办公费   200.00 CNY
  Assets:1011零余额账户用款额度
2025-03-08 * "教学办公用品"
  Expenses:5001业务活动费用:500102商品和服务费用:30201办公费   300.00 CNY
  Assets:1011零余额账户用款额度
2025-03-09 * "从结余提取专用基金"
  Equity:3001累计盈余   1500.00 CNY
  Equity:3101专用基金
2025-03-10 * "无偿调入设备"
  Assets:1601固定资产:160102通用设备   2600.00 CNY
  Equity:3401无偿调拨净资产
2025-03-11 * "代管资金（受托代理）"
  Assets:1002银行存款:100209受托代理资金   700.00 CNY
  Liabilities:2901受托代理负债
2025-03-12 * "计提坏账准备、其他资产"
  Assets:1999某自定义资产   100.00 CNY
  Assets:1218其他应收款   400.00 CNY
  Assets:1219坏账准备:121901其他应收款   -40.00 CNY
  Assets:1002银行存款:100201基本户  -460.00 CNY
2025-12-31 * "使用专用基金"
  Equity:3101专用基金   600.00 CNY
  Assets:1002银行存款:100201基本户
"""


@pytest.fixture(scope="module")
def rules():
    from beancount import loader

    entries, errors, options_map = loader.load_string(RULES_LEDGER)
    assert errors == []
    return entries, options_map


def test_income_statement_government_fund_canteen_loss_and_5101(rules):
    report = statements.build_income_statement(*rules, Period(2025, 3))
    assert report.line("4001").month == D("28000.00")
    assert report.line(statements.GOVERNMENT_FUND_CODE).month == D("8000.00")
    assert report.line(statements.CANTEEN_CODE).month == D("-300.00")  # a loss: negative (“-”号)
    assert report.line("4609").month == D("-300.00") and report.line("4101").month == 0
    assert report.line("5001").month == D("300.00") and report.line("5101").month == D("200.00")
    assert report.income_total.month == D("27700.00") and report.expense_total.month == D("500.00")
    assert report.surplus.month == D("27200.00")


def test_balance_sheet_trust_money_bad_debts_and_unlisted_codes(rules):
    sheet = statements.build_balance_sheet(*rules, Period(2025, 3))
    assert sheet.line("trust_assets").values[0] == D("700.00")
    assert sheet.line("money").values[0] == D("50000.00") + 1000 - 1300 - 460 + 28000 - 500
    assert sheet.line("other_receivable").values[0] == D("360.00")  # 400 less its 坏账准备
    assert sheet.line("other_current").values[0] == D("100.00")
    assert sheet.unlisted == ("Assets:1999某自定义资产",)
    assert sheet.line("free_transfer").values == (D("2600.00"), None)
    assert sheet.line("special_funds").values[0] == D("1500.00")
    assert sheet.line("accumulated").values[0] == D("48500.00")
    assert sheet.balanced


def test_net_assets_rows_of_special_funds_and_free_transfers(rules):
    nav = statements_annual.build_net_assets(*rules, Period(2025, 12))
    row = {r.key: r.values[:4] for r in nav.rows}
    # the books begin on 2025-01-02 (建账): the opening entry is the 上年年末余额
    assert row["opening"] == (D("50000.00"), D(0), D(0), D("50000.00"))
    assert row["surplus"][0] == D("27200.00")
    assert row["free_transfer"][0] == D("2600.00")
    assert row["fund_from_balance"][:2] == (D("-1500.00"), D("1500.00"))
    assert row["fund_used"][1] == D("-600.00") and row["fund_used"][0] == D(0)
    assert row["closing"][3] == statements.build_balance_sheet(*rules, Period(2025, 12)).line("net_assets_total").values[0]
    assert row["closing"] == (D("78300.00"), D("900.00"), D(0), D("79200.00"))


def test_example_has_a_government_fund_grant_and_a_reception(example):
    from xiaozhang.reports import final_accounts

    income = statements.build_income_statement(*example, Period(2026, 5))
    granted = -sum((n for a, n in sums(example[0], dt.date(2026, 5, 1), dt.date(2026, 5, 31)).items()
                    if a.startswith("Income:4001财政拨款收入:400103")), ZERO)
    assert income.line(statements.GOVERNMENT_FUND_CODE).month == granted == D("30000.00")
    reception = sum((n for a, n in sums(example[0], dt.date(2026, 1, 1), dt.date(2026, 10, 31)).items()
                     if "30217" in a), ZERO)
    assert final_accounts.build_sangong(*example, Period(2026, 10)).amounts["公务接待费"] == reception == D("386.00")


SUBSIDY_LEDGER = """
option "operating_currency" "CNY"
2026-01-01 open Assets:1002银行存款:100201基本户
2026-01-01 open Assets:1002银行存款:100202食堂结算户
  canteen: TRUE
2026-01-01 open Income:4101事业收入:410102伙食费收入
  canteen: TRUE
2026-01-01 open Income:4609其他收入:460901食堂其他收入
  canteen: TRUE
2026-01-01 open Expenses:5001业务活动费用:500106食堂伙食成本
  canteen: TRUE
2026-01-01 open Expenses:5001业务活动费用:500103对个人和家庭的补助费用
2026-01-01 open Equity:3001累计盈余

2026-01-01 * "期初"
  Assets:1002银行存款:100201基本户   10000.00 CNY
  Equity:3001累计盈余
2026-03-03 * "伙食费"
  Assets:1002银行存款:100202食堂结算户   5000.00 CNY
  Income:4101事业收入:410102伙食费收入
2026-03-04 * "食材"
  Expenses:5001业务活动费用:500106食堂伙食成本   4800.00 CNY
  Assets:1002银行存款:100202食堂结算户
2026-03-20 * "学校补助食堂（内部业务）"
  Expenses:5001业务活动费用:500103对个人和家庭的补助费用   600.00 CNY
  Assets:1002银行存款:100201基本户   -600.00 CNY
  Assets:1002银行存款:100202食堂结算户   600.00 CNY
  Income:4609其他收入:460901食堂其他收入   -600.00 CNY
"""


def test_internal_business_with_the_canteen_is_offset():
    from beancount import loader

    from xiaozhang.reports import statement_notes

    entries, errors, options_map = loader.load_string(SUBSIDY_LEDGER)
    assert errors == []
    report = statements.build_income_statement(entries, options_map, Period(2026, 3))
    # without the offset: 食堂净收入 800 and 业务活动费用 600 (school subsidy) + nothing else
    assert report.line(statements.CANTEEN_CODE).month == D("200.00")
    assert report.line("5001").month == D(0)
    assert report.internal == (D("600.00"), D("600.00"))
    assert report.surplus.month == D("200.00")  # the whole's surplus is unchanged: 5000 − 4800
    notes = statement_notes.build_notes(entries, options_map, Period(2026, 3))
    assert (notes.internal, notes.offset, notes.canteen_net) == (1, D("600.00"), D("200.00"))


def test_docs_list_every_line_and_its_accounts():
    """docs/statements.md prints the line table of the 资产负债表: each line with its account codes."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "statements.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().removeprefix("**").removesuffix("**"): line
            for line in doc.splitlines() if line.startswith("| ")}
    for line in (*table.ASSET_LINES, *table.LIABILITY_LINES):
        assert line.label in rows, line.label
        for code_ in line.codes:
            assert code_ in rows[line.label], (line.label, code_)
    for code_, name in (*table.INCOME_LINES, *table.EXPENSE_LINES):
        assert any(name in label and code_ in row for label, row in rows.items()), name
    for name in ("statements-page", "statements-资产负债表", "statements-收入费用表", "statements-净资产变动表",
                 "statements-现金流量表", "statements-财务报表附注", "statements-决算"):
        assert f"images/{name}.png" in doc and (Path(__file__).resolve().parents[2] / "docs" / "images" / f"{name}.png").exists()


def test_final_accounts_tables_agree_with_each_other(example):
    from xiaozhang.reports import final_accounts

    period = Period(2026, 10)
    built = final_accounts.build_all(*example, period)
    detail = built["detail"]
    assert built["by_function"].total[-1] == detail.total[-1] == built["summary"].spending_total
    assert built["fiscal"].total[-1] == built["fiscal_economic"].total[-1] == detail.total[0]
    income = statements.build_income_statement(*example, period)
    summary = dict(built["summary"].income)
    assert built["summary"].income_total == income.income_total.year
    assert summary["财政拨款收入"] == income.line("4001").year
    assert summary["其中：政府性基金预算财政拨款"] == D("30000.00")
    assert [label for label, _ in built["summary"].spending] == ["205 教育支出"]


# -- 中小学校事业支出明细表 (补充规定 附表1) ------------------------------------------------------------
SCHOOL_SPENDING_LEDGER = """
option "operating_currency" "CNY"
2026-01-01 open Assets:1011零余额账户用款额度
2026-01-01 open Assets:1002银行存款:100201基本户
2026-01-01 open Income:4001财政拨款收入:400101基本支出拨款
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30209物业管理费:学校安保费
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30209物业管理费
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费:实验耗材费
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费
2026-01-01 open Equity:3001累计盈余

2026-01-02 * "期初"
  Assets:1002银行存款:100201基本户   5000.00 CNY
  Equity:3001累计盈余
2026-01-05 * "额度"
  Assets:1011零余额账户用款额度   10000.00 CNY
  Income:4001财政拨款收入:400101基本支出拨款
2026-02-01 * "保安服务费"
  Expenses:5001业务活动费用:500102商品和服务费用:30209物业管理费:学校安保费   3000.00 CNY
  Assets:1011零余额账户用款额度
2026-02-02 * "绿化养护"
  Expenses:5001业务活动费用:500102商品和服务费用:30209物业管理费   800.00 CNY
  Assets:1011零余额账户用款额度
2026-02-03 * "化学实验试剂（科技项目）"
  project: "科技创新项目"
  Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费:实验耗材费   450.00 CNY
  Assets:1002银行存款:100201基本户
2026-02-04 * "粉笔"
  Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费   120.00 CNY
  Assets:1002银行存款:100201基本户
"""


def test_school_spending_lines_and_columns():
    from beancount import loader

    from xiaozhang.reports import school_spending

    entries, errors, options_map = loader.load_string(SCHOOL_SPENDING_LEDGER)
    assert errors == []
    report = school_spending.build_school_spending(entries, options_map, Period(2026, 12))
    rows = {name: values for name, values, _heading in report.rows}
    col = school_spending.COLUMNS.index
    assert rows["学校安保费"][0] == D("3000.00") and rows["学校安保费"][col("同级财政拨款·基本支出")] == D("3000.00")
    assert rows["其他物业管理费"][0] == D("800.00")  # 30209 without a 附表1 sub-account
    assert rows["实验耗材费"][col("事业收入·项目支出")] == D("450.00")
    assert rows["其他材料费"][col("事业收入·基本支出")] == D("120.00")
    assert rows["二、商品和服务支出"][0] == report.total[0] == D("4370.00")
    assert report.total[col("同级财政拨款·小计")] == D("3800.00") and report.total[col("事业收入·小计")] == D("570.00")


def test_school_spending_of_the_example_adds_up(example):
    from xiaozhang.reports import final_accounts

    built = final_accounts.build_all(*example, Period(2026, 10))
    table_ = built["school_spending"]
    assert table_.total[0] == built["detail"].total[-1]
    rows = {name: values for name, values, _ in table_.rows}
    assert rows["公务接待费"][0] == D("386.00") and rows["图书购置"][0] > 0
