"""平行记账 (plugins/budget_accounting.py): every case of the research table (wave2-research.md
§1.2), a financial entry in, the budget entry out (or none), and the rule's errors.

Each ledger is the chart of accounts, the school profile, the default rule table
(`default_rules_text`, the one the example writes into policy.beancount) and the case, loaded
with the real Beancount loader and the budget plugin alone.  The expected budget postings are
written out by hand from the 制度's entries quoted in each test.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.budget import default_rules_text

D = Decimal
QUOTA = chart.ZERO_BALANCE
BASIC = chart.BANK_BASIC
CASH = chart.CASH
OFFICE = chart.goods_services("30201")
PAYROLL_BASIC = "Liabilities:2201应付职工薪酬:220101基本工资"
EQUIPMENT = chart.fixed_asset_account("通用设备")
Q, M, R = chart.FUND_BALANCE_QUOTA, chart.FUND_BALANCE_MONEY, chart.FUND_BALANCE_RECEIVABLE

OPENS = "".join(f"2019-01-01 open {a.account}\n" for a in chart.CHART)
PROFILE = """2019-01-01 custom "school" "测试小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
"""


def load(case: str, rules: str | None = None, opening: bool = False):
    text = (('plugin "xiaozhang.plugins.budget_accounting"\n' + OPENS + PROFILE
             + (default_rules_text() if rules is None else rules)) + case)
    entries, errors, _ = loader.load_string(text)
    return entries, errors


def budget_entries(entries):
    return [e for e in entries if isinstance(e, data.Transaction)
            and e.meta.get("__xiaozhang__") == "budget"]


def postings(entry):
    """{account: amount} of a generated entry."""
    found = {}
    for p in entry.postings:
        found[p.account] = found.get(p.account, D(0)) + p.units.number
    return found


def one(case: str):
    entries, errors = load(case)
    assert [e.message for e in errors] == []
    generated = budget_entries(entries)
    assert len(generated) <= 1, generated
    return (postings(generated[0]), generated[0]) if generated else (None, None)


def txn(*lines: str, date="2026-03-02", meta: str = "") -> str:
    body = "".join(f"  {line}\n" for line in lines)
    return f'{date} * "测试" "测试分录"\n{meta}{body}\n'


# -- the research table, row by row -----------------------------------------------------------
def test_quota_arrives():
    """授权支付额度到账：借 8001 零余额账户用款额度 / 贷 6001 财政拨款预算收入（制度 6001 三（二））."""
    found, entry = one(txn(f"{QUOTA}  1000.00 CNY", f"{chart.FISCAL_INCOME_BASIC}  -1000.00 CNY"))
    assert found == {Q: D("1000.00"), chart.BUDGET_FISCAL_BASIC: D("-1000.00")}
    income = [p for p in entry.postings if p.account == chart.BUDGET_FISCAL_BASIC][0]
    assert income.meta["budget_class"] == "日常公用经费" and income.meta["func"] == "2050202"


@pytest.mark.parametrize("account", [OFFICE, EQUIPMENT, PAYROLL_BASIC,
                                     "Assets:1302库存物品"])
def test_spending_from_the_quota(account):
    """支用额度（费用、存货、固定资产、支付应付职工薪酬）：借 7201 事业支出 / 贷 8001 零余额."""
    found, entry = one(txn(f"{account}  300.00 CNY", f"{QUOTA}  -300.00 CNY"))
    assert found == {chart.BUDGET_SPENDING_FISCAL: D("300.00"), Q: D("-300.00")}
    spending = [p for p in entry.postings if p.account == chart.BUDGET_SPENDING_FISCAL][0]
    assert spending.meta["kind"] == "基本支出" and spending.meta["fund"] == "同级财政拨款"


def test_spending_carries_the_economic_code_and_personnel_class():
    _found, entry = one(txn(f"{PAYROLL_BASIC}  300.00 CNY", f"{QUOTA}  -300.00 CNY"))
    meta = entry.postings[0].meta if entry.postings[0].meta else entry.postings[1].meta
    assert meta["econ"] == "30101" and meta["budget_class"] == "人员经费"


def test_cash_drawn_from_the_quota():
    """从零余额账户提现：借 8001 货币资金 / 贷 8001 零余额账户用款额度."""
    found, _ = one(txn(f"{CASH}  500.00 CNY", f"{QUOTA}  -500.00 CNY"))
    assert found == {M: D("500.00"), Q: D("-500.00")}


def test_direct_payment_of_wages():
    """财政直接支付：借 7201 事业支出 / 贷 6001 财政拨款预算收入（人员经费）."""
    found, entry = one(txn(f"{PAYROLL_BASIC}  7000.00 CNY",
                           f"{chart.FISCAL_INCOME_BASIC}  -7000.00 CNY"))
    assert found == {chart.BUDGET_SPENDING_FISCAL: D("7000.00"),
                     chart.BUDGET_FISCAL_BASIC: D("-7000.00")}
    income = [p for p in entry.postings if p.account == chart.BUDGET_FISCAL_BASIC][0]
    assert income.meta["budget_class"] == "人员经费"


def test_year_end_direct_payment_balance_and_undelivered_quota():
    """年末直接支付指标结余 / 授权指标大于下达数：借 8001 财政应返还额度 / 贷 6001."""
    found, _ = one(txn(f"{chart.RECEIVABLE_QUOTA}  800.00 CNY",
                       f"{chart.FISCAL_INCOME_BASIC}  -800.00 CNY", date="2025-12-31"))
    assert found == {R: D("800.00"), chart.BUDGET_FISCAL_BASIC: D("-800.00")}


def test_year_end_cancellation_of_unused_quota():
    """年末注销未用授权额度：借 8001 财政应返还额度 / 贷 8001 零余额账户用款额度."""
    found, _ = one(txn(f"{QUOTA}  900.00 CNY", f"{chart.FISCAL_INCOME_BASIC}  -900.00 CNY",
                       date="2025-12-01")
                   .replace("\n\n", "\n\n") + "")
    entries, errors = load(
        txn(f"{QUOTA}  900.00 CNY", f"{chart.FISCAL_INCOME_BASIC}  -900.00 CNY", date="2025-12-01")
        + txn(f"{chart.RECEIVABLE_QUOTA}  900.00 CNY", f"{QUOTA}  -900.00 CNY", date="2025-12-31")
        + txn(f"{QUOTA}  900.00 CNY", f"{chart.RECEIVABLE_QUOTA}  -900.00 CNY", date="2026-01-01"))
    assert [e.message for e in errors] == []
    by_date = {str(e.date): postings(e) for e in budget_entries(entries)}
    assert by_date["2025-12-31"] == {R: D("900.00"), Q: D("-900.00")}
    # 次年恢复额度：借 8001 零余额账户用款额度 / 贷 8001 财政应返还额度
    assert by_date["2026-01-01"] == {Q: D("900.00"), R: D("-900.00")}


def test_depreciation_and_accrued_wages_give_nothing():
    """计提折旧、计提工资：不做预算会计处理（收付实现制）."""
    assert one(txn(f"{chart.DEPRECIATION_EXPENSE}  100.00 CNY",
                   f"{chart.depreciation_account('通用设备')}  -100.00 CNY")) == (None, None)
    assert one(txn(f"{chart.salaries('30101')}  100.00 CNY",
                   f"{PAYROLL_BASIC}  -100.00 CNY")) == (None, None)


@pytest.mark.parametrize("held", [chart.ACCOMMODATION_FEE, chart.agency_fee_account("01")])
def test_money_held_for_others_gives_nothing(held):
    """收非税收入（2103）、代收费（2307）：收到和付出都不做预算会计处理."""
    assert one(txn(f"{BASIC}  450.00 CNY", f"{held}  -450.00 CNY")) == (None, None)
    assert one(txn(f"{held}  450.00 CNY", f"{BASIC}  -450.00 CNY")) == (None, None)


def test_refund_from_the_fiscal_account_is_operating_income():
    """财政专户返还（事业收入）：借 8001 货币资金 / 贷 6101 事业预算收入."""
    found, _ = one(txn(f"{BASIC}  2000.00 CNY", f"{chart.OPERATING_INCOME_REFUND}  -2000.00 CNY"))
    assert found == {M: D("2000.00"), chart.BUDGET_OPERATING_INCOME: D("-2000.00")}


def test_canteen_cards_and_costs():
    """食堂（补充规定 三）：饭卡充值为食堂预算收入，食堂付款为食堂支出，年末相抵为食堂净预算收入."""
    found, _ = one(txn(f"{chart.BANK_CANTEEN}  600.00 CNY", f"{chart.MEAL_CARDS}  -600.00 CNY"))
    assert found == {M: D("600.00"), chart.BUDGET_CANTEEN_INCOME: D("-600.00")}
    found, _ = one(txn(f"{chart.CANTEEN_PAYABLE}  200.00 CNY", f"{chart.BANK_CANTEEN}  -200.00 CNY"))
    assert found == {chart.BUDGET_CANTEEN_SPENDING: D("200.00"), M: D("-200.00")}
    # card consumption (non-cash) gives nothing
    assert one(txn(f"{chart.MEAL_CARDS}  50.00 CNY", f"{chart.MEAL_INCOME}  -50.00 CNY")) == (None, None)


def test_transfer_between_own_accounts_gives_nothing():
    assert one(txn(f"{CASH}  300.00 CNY", f"{BASIC}  -300.00 CNY")) == (None, None)


def test_fund_nature_of_spending():
    """7201 明细：自有资金支付 → 其他资金支出；带 project → 非财政专项资金支出."""
    found, entry = one(txn(f"{OFFICE}  80.00 CNY", f"{BASIC}  -80.00 CNY"))
    assert found == {chart.BUDGET_SPENDING_OTHER: D("80.00"), M: D("-80.00")}
    found, entry = one(txn(f"{OFFICE}  80.00 CNY", f"{BASIC}  -80.00 CNY",
                           meta='  project: "读书节"\n'))
    assert found == {chart.BUDGET_SPENDING_PROJECT: D("80.00"), M: D("-80.00")}
    spending = [p for p in entry.postings if p.account == chart.BUDGET_SPENDING_PROJECT][0]
    assert spending.meta["kind"] == "项目支出" and spending.meta["budget_project"] == "读书节"


def test_project_grant_is_project_income():
    found, _ = one(txn(f"{QUOTA}  5000.00 CNY", f"{chart.FISCAL_INCOME_PROJECT}  -5000.00 CNY"))
    assert found == {Q: D("5000.00"), chart.BUDGET_FISCAL_PROJECT: D("-5000.00")}


def test_generated_entry_and_source_share_a_link():
    entries, errors = load(txn(f"{OFFICE}  80.00 CNY", f"{QUOTA}  -80.00 CNY"))
    assert errors == []
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    generated = budget_entries(entries)
    source = [e for e in txns if e not in generated][0]
    assert generated[0].links == source.links and len(source.links) == 1
    assert generated[0].meta["lineno"] == source.meta["lineno"]


def test_alike_sources_of_a_day_share_one_budget_entry():
    case = "".join(txn(f"{BASIC}  280.00 CNY", f"{chart.AFTER_SCHOOL_INCOME}  -280.00 CNY")
                   for _ in range(3))
    entries, errors = load(case)
    assert errors == []
    generated = budget_entries(entries)
    assert len(generated) == 1 and postings(generated[0])[M] == D("840.00")
    sources = [e for e in entries if isinstance(e, data.Transaction) and e not in generated]
    assert {frozenset(s.links) for s in sources} == {generated[0].links}


# -- hand-written budget entries, unclassified entries, the rule table --------------------------
def test_hand_written_budget_lines_are_not_generated_twice():
    case = txn(f"{BASIC}  800.00 CNY", "Income:4609其他收入  -800.00 CNY",
               f"{M}  800.00 CNY", f"{chart.NON_FISCAL_SURPLUS}:820201年初余额调整  -800.00 CNY")
    entries, errors = load(case)
    assert [e.message for e in errors] == []
    assert budget_entries(entries) == []


def test_unbalanced_hand_written_budget_lines():
    case = txn(f"{BASIC}  800.00 CNY", "Income:4609其他收入  -800.00 CNY",
               f"{M}  800.00 CNY", f"{chart.NON_FISCAL_SURPLUS}:820201年初余额调整  -700.00 CNY",
               "Equity:3001累计盈余  -100.00 CNY")
    _entries, errors = load(case)
    # 资金结存 still matches the bank (800 each side): only the imbalance is reported
    assert [e.message[:6] for e in errors] == ["[YS03]"]


def test_unclassified_cash_entry_names_the_line_to_add():
    rules = default_rules_text().replace('"Income:4603捐赠收入"', '"Income:4603X"')
    _entries, errors = load(txn(f"{BASIC}  1000.00 CNY", "Income:4603捐赠收入  -1000.00 CNY"),
                            rules=rules)
    assert len(errors) == 1, [e.message for e in errors]  # left out of the 资金结存 check
    assert errors[0].message.startswith("[YS01]")
    assert 'custom "budget-rule" "Income:4603捐赠收入" "Equity:6609其他预算收入"' in errors[0].message
    assert errors[0].source["lineno"] > 0


def test_bad_rule_line():
    rules = default_rules_text() + '2019-01-01 custom "budget-rule" "Income:4603捐赠收入" "捐赠"\n'
    _entries, errors = load("", rules=rules)
    assert [e.message[:6] for e in errors] == ["[YS04]"]


def test_no_rule_table_no_budget_side():
    entries, errors = load(txn(f"{OFFICE}  80.00 CNY", f"{QUOTA}  -80.00 CNY"), rules="")
    assert errors == [] and budget_entries(entries) == []


# -- the 资金结存 invariant ---------------------------------------------------------------------
OPENING = (txn(f"{BASIC}  1000.00 CNY", "Equity:3001累计盈余  -1000.00 CNY", date="2026-01-31")
           + txn(f"{M}  1000.00 CNY", f"{chart.NON_FISCAL_SURPLUS}:820204累计结余  -1000.00 CNY",
                 date="2026-01-31"))


def test_invariant_holds_with_the_opening_entry():
    _entries, errors = load(OPENING + txn(f"{OFFICE}  80.00 CNY", f"{BASIC}  -80.00 CNY"))
    assert errors == []


def test_invariant_broken_is_reported_at_the_first_day():
    """Cash against an account the table says 不记 (3001) on 2026-03-10: the February month end
    holds, the March month end does not; reported at the entry of 2026-03-10."""
    case = (OPENING + txn(f"{OFFICE}  80.00 CNY", f"{BASIC}  -80.00 CNY", date="2026-02-05")
            + txn(f"{BASIC}  50.00 CNY", "Equity:3001累计盈余  -50.00 CNY", date="2026-03-10")
            + txn(f"{OFFICE}  20.00 CNY", f"{BASIC}  -20.00 CNY", date="2026-03-20"))
    _entries, errors = load(case)
    assert len(errors) == 1
    message = errors[0].message
    assert message.startswith("[YS02]") and "2026-03-31" in message and "自 2026-03-10" in message
    assert "差额 50.00" in message
    lines = case.splitlines()
    assert lines[errors[0].source["lineno"] - 1 - (len((OPENS + PROFILE + default_rules_text())
                                                      .splitlines()) + 1)].startswith("2026-03-10")


def test_invariant_missing_opening():
    _entries, errors = load(txn(f"{BASIC}  1000.00 CNY", "Equity:3001累计盈余  -1000.00 CNY",
                                date="2026-01-31"))
    assert [e.message[:6] for e in errors] == ["[YS02]"]
    assert "2026-01-31" in errors[0].message


def test_dated_and_one_sided_lines():
    """A line for debits only, and a later line replacing an earlier one from its date."""
    rules = (default_rules_text()
             + '2019-01-01 custom "budget-rule" "Assets:1214预付账款" "在途"\n  side: "借"\n'
             + '2026-03-01 custom "budget-rule" "Income:4605租金收入" "Equity:6609其他预算收入:660999其他"\n')
    entries, errors = load(
        txn(f"Assets:1214预付账款  90.00 CNY", f"{BASIC}  -90.00 CNY", date="2026-02-01")
        + txn(f"{BASIC}  10.00 CNY", f"{chart.RENT_INCOME}  -10.00 CNY", date="2026-02-02")
        + txn(f"{BASIC}  20.00 CNY", f"{chart.RENT_INCOME}  -20.00 CNY", date="2026-03-02")
        + txn(f"{BASIC}  5.00 CNY", "Assets:1214预付账款  -5.00 CNY", date="2026-03-03"),
        rules=rules)
    assert [e.message for e in errors] == []
    by_date = {str(e.date): postings(e) for e in budget_entries(entries)}
    assert "2026-02-01" not in by_date  # 预付 paid: 在途 (debit line), nothing
    assert by_date["2026-02-02"] == {M: D("10.00"), chart.BUDGET_RENT_INCOME: D("-10.00")}
    assert by_date["2026-03-02"] == {M: D("20.00"), chart.BUDGET_MISC_INCOME: D("-20.00")}
    # a refund of the prepayment (credit): the general 1214 line, 7201 reduced
    assert by_date["2026-03-03"] == {M: D("5.00"), chart.BUDGET_SPENDING_OTHER: D("-5.00")}
