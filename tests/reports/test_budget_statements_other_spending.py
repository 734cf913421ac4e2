"""会政预01's （八）其他支出 and its 其中：利息支出、捐赠支出 on a small ledger that has them.

The bundled school pays no interest and gives no donations (its chart has only 7901 其他支出), so
its lines are 0; here a school keeps them the two ways the 制度 allows (7901 其他支出 二: “单位发生
利息支出、捐赠支出等其他支出金额较大或业务较多的，可单独设置‘7902 利息支出’、‘7903 捐赠支出’等科目”;
编制说明: the 其中 lines “根据‘其他支出’科目明细账记录分析填列”): a 7901 sub-account named 利息支出,
and an account 7903 捐赠支出 set apart, each fed by a line of its rule table.  The expected figures
are computed here from the financial postings and the test's own table, not from the report.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budget import default_rules_text
from xiaozhang.reports import budget_statements as bs

D = Decimal
INTEREST_EXPENSE = "Expenses:5901其他费用:590102利息费用"
DONATION_EXPENSE = "Expenses:5901其他费用:590103对外捐赠"
INTEREST = f"{chart.BUDGET_OTHER_SPENDING}:790101利息支出"
DONATION = "Equity:7903捐赠支出"
INCOME = "Income:4101事业收入"
EXTRA = {INTEREST_EXPENSE: INTEREST, DONATION_EXPENSE: DONATION}  # the school's own rule lines
OPENS = "".join(f"2019-01-01 open {a.account}\n" for a in chart.CHART) + "".join(
    f"2019-01-01 open {account}\n" for account in (*EXTRA, *EXTRA.values()))
PROFILE = """2019-01-01 custom "school" "测试小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
"""
RULES = default_rules_text() + "".join(
    f'2019-01-01 custom "budget-rule" "{account}" "{target}"\n  note: "学校自设"\n'
    for account, target in EXTRA.items())
PAYMENTS = (("2026-01-05", INCOME, "-20000.00"), ("2026-03-20", INTEREST_EXPENSE, "1250.40"),
            ("2026-06-01", DONATION_EXPENSE, "3000.00"), ("2026-06-02", INTEREST_EXPENSE, "980.10"),
            ("2026-07-15", "Expenses:5901其他费用", "66.00"), ("2025-12-20", INTEREST_EXPENSE, "700.00"),
            ("2025-12-01", INCOME, "-5000.00"))


def ledger_text(payments=PAYMENTS, rules: str = RULES) -> str:
    body = ""
    for day, account, amount in sorted(payments):
        body += (f'{day} * "测试" "{account.rsplit(":", 1)[-1]}"\n  {account}  {amount} CNY\n'
                 f"  {chart.BANK_BASIC}\n\n")
    return 'plugin "xiaozhang.plugins.budget_accounting"\n' + OPENS + PROFILE + rules + body


def expected(year: int) -> dict[str, Decimal]:
    """From the financial postings and the test's table: 5901 sub-accounts by EXTRA, the rest of
    5901 to 7901 其他支出 (the default table)."""
    found: dict[str, Decimal] = defaultdict(D)
    for day, account, amount in PAYMENTS:
        if not day.startswith(str(year)) or not account.startswith("Expenses:5901"):
            continue
        found["（八）其他支出"] += D(amount)
        target = EXTRA.get(account)
        if target == INTEREST:
            found["其中：利息支出"] += D(amount)
        elif target == DONATION:
            found["捐赠支出"] += D(amount)
    return found


def test_interest_and_donations_are_shown_under_other_spending():
    entries, errors, options = loader.load_string(ledger_text())
    assert [e.message for e in errors] == []
    generated = [e for e in entries if isinstance(e, data.Transaction) and e.meta.get("__xiaozhang__") == "budget"]
    assert {p.account for e in generated for p in e.postings} >= {INTEREST, DONATION}
    books = SchoolBooks.of(entries, options)
    lines = {line.label: (line.current, line.previous) for line in bs.income_expenditure(books, 2026)}
    this, last = expected(2026), expected(2025)
    for label in ("（八）其他支出", "其中：利息支出", "捐赠支出"):
        assert lines[label] == (this[label], last[label]), label
    assert lines["其中：利息支出"][0] == D("2230.50") and lines["捐赠支出"][0] == D("3000.00")
    assert lines["（八）其他支出"][0] == D("5296.50")  # the 66.00 of 5901 itself: in the line, in no 其中
    spending = {label: current for label, (current, _previous) in lines.items()}
    assert spending["二、本年预算支出"] == sum((spending[label] for label, _ in bs.SPENDING_LINES), D(0))
    assert spending["二、本年预算支出"] == this["（八）其他支出"]  # the only spending of this school


def test_the_other_spending_lines_are_zero_without_such_accounts():
    """The bundled school's chart has no such sub-accounts: the 其中 lines are 0, the line is 7901."""
    plain = [(day, "Expenses:5901其他费用" if account in EXTRA else account, amount) for day, account, amount in PAYMENTS]
    entries, errors, options = loader.load_string(ledger_text(plain, default_rules_text()))
    assert [e.message for e in errors] == []
    lines = {line.label: line.current for line in bs.income_expenditure(SchoolBooks.of(entries, options), 2026)}
    assert lines["其中：利息支出"] == lines["捐赠支出"] == 0
    assert lines["（八）其他支出"] == D("5296.50")
