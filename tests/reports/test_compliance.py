"""reports.compliance.build on tests/fixtures/compliance.beancount (figures worked out by hand)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from xiaozhang.plugins import RULES
from xiaozhang.reports import compliance

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "compliance.beancount"
D = Decimal
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
POWER = "Expenses:5001业务活动费用:500102商品和服务费用:30206电费"
REPAIRS = "Expenses:5001业务活动费用:500102商品和服务费用:30213维修费"
LODGING = "Liabilities:2103应缴财政款:210301住宿费"
RENT = "Liabilities:2103应缴财政款:210302门面租金"


@pytest.fixture(scope="module")
def loaded():
    return loader.load_file(str(FIXTURE))


@pytest.fixture(scope="module")
def result(loaded) -> compliance.Compliance:
    return compliance.build(*loaded)


def fixture_line(lineno: int) -> str:
    return FIXTURE.read_text(encoding="utf-8").splitlines()[lineno - 1]


def test_as_of_is_the_last_transaction(result):
    # The balance directive of 2025-11-29 is not a transaction.
    assert result.as_of == datetime.date(2025, 11, 28)
    assert result.currency == "CNY"


def test_errors_grouped_by_rule(result):
    assert [(g.code, g.name, g.count, g.warning) for g in result.errors.by_rule] == [
        ("AP01", "缺少经手、审核、审批手续", 1, False),
        ("AP08", "不相容职务未分离", 1, False),
        ("AP10", "待审批超期或在已结账期间", 1, False),
        ("TL04", "非税收入超期未缴", 2, False),
        ("PJ02", "专项资金用于登记用途以外", 1, False),
        ("PJ03", "专项支出超过资金总额", 1, False),
        ("", "账本检查（Beancount / Fava）", 1, False),  # the failed balance assertion
    ]
    assert result.errors.count == 8
    tl04 = result.errors.by_rule[3].problems
    assert [(p.date, p.lineno) for p in tl04] == [
        (datetime.date(2025, 10, 8), 94),
        (datetime.date(2025, 11, 3), 120),
    ]
    assert tl04[0].message.startswith("非税收入 住宿费 2025-10-08 收取")  # code prefix removed


def test_errors_grouped_by_month(result):
    assert [(g.month, g.label, [p.code for p in g.problems]) for g in result.errors.by_month] == [
        ("2025-09", "2025年9月", ["AP01"]),
        ("2025-10", "2025年10月", ["TL04", "AP10", "AP08"]),  # by date within the month
        ("2025-11", "2025年11月", ["TL04", "PJ02", "PJ03", ""]),
    ]


def test_each_problem_points_at_its_entry(result, loaded):
    in_ledger = {id(entry) for entry in loaded[0]}
    for group in result.errors.by_month:
        for problem in group.problems:
            assert problem.filename == str(FIXTURE)
            assert problem.entry is not None and problem.entry.meta["lineno"] == problem.lineno
            assert fixture_line(problem.lineno).startswith(str(problem.date))
            # The ledger's own copy (links resolve), even where the check reported another:
            # Beancount's balance check reports the Balance without its diff_amount.
            assert id(problem.entry) in in_ledger, problem


def test_warnings_are_apart(result):
    assert [(g.code, g.name, g.count, g.warning) for g in result.warnings.by_rule] == [
        ("BG01", "超预算", 1, True),
    ]
    [month] = result.warnings.by_month
    assert month.month == "2025-11"
    assert month.problems[0].lineno == 136  # the 500.00 that took 办公费 over 2000.00
    assert all(p.code != "BG01" for g in result.errors.by_rule for p in g.problems)


def test_problem_without_an_entry_is_unlocated():
    # No school profile: [PL01] has no entry to point at.
    entries, errors, options_map = loader.load_string(
        'option "operating_currency" "CNY"\n'
        'plugin "xiaozhang.plugins.policy"\n'
        "2025-09-01 open Assets:1002银行存款:100201基本户\n"
        "2025-09-01 open Equity:3001累计盈余\n"
        '2025-09-02 * "期初"\n'
        "  Assets:1002银行存款:100201基本户  10.00 CNY\n"
        "  Equity:3001累计盈余\n"
        '2025-09-03 custom "policy" "no-such-key" 1\n'
    )
    result = compliance.build(entries, errors, options_map)
    assert [(g.code, g.count) for g in result.errors.by_rule] == [("PL01", 1), ("PL02", 1)]
    assert [(g.month, [p.code for p in g.problems]) for g in result.errors.by_month] == [
        ("2025-09", ["PL02"]),
        ("未定位", ["PL01"]),  # last
    ]
    unlocated = result.errors.by_month[-1].problems[0]
    assert unlocated.entry is None and unlocated.date is None and unlocated.lineno == 0


def test_treasury_aging(result):
    assert [(a.account, a.item, a.total, a.overdue_total) for a in result.treasury] == [
        (LODGING, "住宿费", D("3500.00"), D("2000.00")),
        (RENT, "门面租金", D("800.00"), D("800.00")),
    ]
    lots = [(lot.received, lot.amount, lot.deadline, lot.days_held, lot.overdue, lot.lineno)
            for account in result.treasury for lot in account.lots]
    assert lots == [
        # 3000.00 received; 1000.00 remitted on 2025-10-21 (first in, first out).
        (datetime.date(2025, 10, 8), D("2000.00"), datetime.date(2025, 10, 13), 51, True, 94),
        # remittance-days 5: due 2025-11-30, not yet overdue on 2025-11-28.
        (datetime.date(2025, 11, 25), D("1500.00"), datetime.date(2025, 11, 30), 3, False, 161),
        (datetime.date(2025, 11, 3), D("800.00"), datetime.date(2025, 11, 8), 25, True, 120),
    ]
    assert result.treasury_total == D("4300.00")
    assert result.treasury_overdue_total == D("2800.00")


def test_pending_entries_come_from_the_overview(result, loaded):
    from xiaozhang.reports import overview

    entries, _errors, options_map = loaded
    assert result.pending == overview.build(entries, options_map).pending
    assert [(p.date, p.amount, result.days_pending(p)) for p in result.pending] == [
        (datetime.date(2025, 10, 10), D("300.00"), 49),
        (datetime.date(2025, 11, 20), D("200.00"), 8),
    ]
    assert result.pending_days == 30


def test_budget_execution_defaults_to_the_last_date(result):
    assert result.budget_year == 2025
    assert result.budget_years == (2024, 2025)
    rows = [(b.account, b.period, b.budget, b.actual, b.balance, b.used, b.state)
            for b in result.budgets]
    assert rows == [
        # 800 + 300 (pending) + 700 + 500 + 200 (pending)
        (OFFICE, "2025年", D("2000.00"), D("2500.00"), D("-500.00"), D("125.0"), "超支"),
        (POWER, "2025年", D("5000.00"), D("4600.00"), D("400.00"), D("92.0"), "接近（≥90%）"),
        (REPAIRS, "2025年", D("8000.00"), D("0"), D("8000.00"), D("0.0"), "正常"),  # no spending
    ]
    office = result.budgets[0]
    assert office.crossed_by is not None and office.crossed_by.meta["lineno"] == 136
    assert (office.first, office.last) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert fixture_line(office.line_entry.meta["lineno"]).startswith('2025-01-01 custom "budget"')


def test_budget_execution_of_an_earlier_year(loaded):
    result = compliance.build(*loaded, year=2024)
    assert result.budget_year == 2024
    # Only 办公费 had a line in 2024 (10000.00 from 2024-01-01).
    assert [(b.account, b.period, b.budget, b.actual, b.used, b.state) for b in result.budgets] == [
        (OFFICE, "2024年", D("10000.00"), D("1200.00"), D("12.0"), "正常"),
    ]
    # A year without budget data falls back to the year of the last date.
    assert compliance.build(*loaded, year=1999).budget_year == 2025


def test_project_balances(result):
    rows = [(p.name, p.since, p.funding, p.spent, p.balance, p.used, p.state, p.accounts)
            for p in result.projects]
    assert rows == [
        # 6000.00 of books + 500.00 booked (wrongly, PJ02) to 办公费: still spent on the project.
        ("图书室建设2025", datetime.date(2025, 10, 1), D("10000.00"), D("6500.00"), D("3500.00"),
         D("65.0"), "正常", ("Assets:1601固定资产:160105图书档案",)),
        ("校园绿化2025", datetime.date(2025, 10, 1), D("3000.00"), D("3200.00"), D("-200.00"),
         D("106.7"), "超支", ("Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费",)),
    ]
    assert result.projects[0].last == datetime.date(2025, 11, 10)


@pytest.mark.parametrize(
    ("actual", "limit", "used", "state"),
    [
        ("0", "100", "0.0", "正常"),
        ("89.99", "100", "90.0", "正常"),  # rounded for display, judged on the exact figure
        ("90", "100", "90.0", "接近（≥90%）"),
        ("99.99", "100", "100.0", "接近（≥90%）"),
        ("100", "100", "100.0", "已用完"),  # was 接近（≥90%）: a line spent exactly is used up
        ("100.01", "100", "100.0", "超支"),
        ("1", "3", "33.3", "正常"),
        ("5", "0", None, "超支"),
        ("0", "0", None, "已用完"),  # nothing to spend
    ],
)
def test_usage(actual, limit, used, state):
    assert compliance.usage(D(actual), D(limit)) == (D(used) if used else None, state)


def test_rules_table_names_every_code_the_plugins_report():
    codes = set()
    for path in (ROOT / "plugins").glob("*.py"):
        codes |= set(re.findall(r"\[([A-Z]{2}\d{2})\]", path.read_text(encoding="utf-8")))
    assert codes == set(RULES)


def test_docs_list_every_rule_under_its_name():
    doc = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    for code, name in RULES.items():
        assert f"| {code} | {name} |" in doc
