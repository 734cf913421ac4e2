"""reports.overview.build on tests/fixtures/overview.beancount (figures computed by hand)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from xiaozhang import chart
from xiaozhang.model.periods import SchoolYear
from xiaozhang.reports import overview

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "overview.beancount"
D = Decimal


@pytest.fixture(scope="module")
def loaded():
    entries, errors, options_map = loader.load_file(str(FIXTURE))
    assert errors == []
    return entries, options_map


@pytest.fixture(scope="module")
def result(loaded) -> overview.Overview:
    return overview.build(*loaded)


def test_fund_balances_at_end_of_data(result):
    assert [(fund.label, fund.account, fund.amount, fund.is_liability) for fund in result.funds] == [
        ("基本户", chart.BANK_BASIC, D("97112.34"), False),
        ("零余额账户用款额度", chart.ZERO_BALANCE, D("195530.89"), False),
        ("食堂", chart.BANK_CANTEEN, D("4000.00"), False),
        # Liabilities are shown as positive amounts owed.
        ("代收费", chart.AGENCY_FEES, D("9600.00"), True),
        ("应缴财政款", chart.PAYABLE_TO_TREASURY, D("4500.00"), True),
    ]


def test_fund_groups_follow_the_chart(result):
    assert tuple((fund.label, fund.account) for fund in result.funds) == chart.FUND_GROUPS


def test_end_of_data_and_default_school_year(result):
    # The balance assertions of 2025-12-01 do not move the end of the data.
    assert result.as_of == datetime.date(2025, 11, 28)
    assert result.school_year == 2025
    assert result.school_year_label == "2025-2026学年"
    assert result.school_years == (2024, 2025)
    assert result.currency == "CNY"


def test_months_run_from_september_to_the_end_of_the_data(result):
    # The data end on 2025-11-28: December to August are still to come and are not shown
    # (they used to be listed as rows of 0.00).
    assert [row.month for row in result.months] == [
        datetime.date(2025, 9, 1), datetime.date(2025, 10, 1), datetime.date(2025, 11, 1),
    ]
    assert result.months[0].label == "2025年9月"


def test_monthly_income_and_expenses(result):
    figures = [(row.income, row.expenses, row.net) for row in result.months]
    assert figures == [
        # 9月: 授权支付额度 120000 + 伙食费 6400; 办公费 1234.56 + 食材 5600
        (D("126400.00"), D("6834.56"), D("119565.44")),
        # 10月: 财政专户返还 30000; 电费 2345.67 (pending, still booked) + 食材 4800
        (D("30000.00"), D("7145.67"), D("22854.33")),
        # 11月: 租金 3000 + 授权支付额度 80000; 办公费 888.88 (pending)
        (D("83000.00"), D("888.88"), D("82111.12")),
    ]
    assert result.income_total == D("239400.00")
    assert result.expenses_total == D("14869.11")
    assert result.net_total == D("224530.89")


def test_previous_school_year_on_request(loaded):
    previous = overview.build(*loaded, school_year=2024)
    assert previous.school_year_label == "2024-2025学年"
    assert len(previous.months) == 12  # a year that is over: all its months, zeros included
    assert previous.months[0].month == datetime.date(2024, 9, 1)
    assert previous.months[-1].month == datetime.date(2025, 8, 1)
    # Only the August interest; the opening balance is equity, not income.
    assert previous.months[-1].income == D("12.34")
    assert previous.income_total == D("12.34")
    assert previous.expenses_total == D(0)
    # Balances are always at the end of the data, whatever the school year shown.
    assert previous.funds[0].amount == D("97112.34")


LEDGER_HEAD = """
option "operating_currency" "CNY"
2015-01-01 open Assets:1002银行存款:100201基本户 CNY
2015-01-01 open Equity:3001累计盈余 CNY
2015-01-01 open Income:4001财政拨款收入 CNY
2015-01-01 open Expenses:5001业务活动费用 CNY
"""


def test_a_school_year_without_income_or_expenses_is_not_offered():
    # Opening balances dated 2025-08-31 fall in school year 2024-2025, which has no income or
    # expenses: it used to be offered (and shown as a year of zeros).
    entries, errors, options_map = loader.load_string(LEDGER_HEAD + """
2025-08-31 * "期初余额"
  Assets:1002银行存款:100201基本户  1000.00 CNY
  Equity:3001累计盈余
2025-09-10 * "拨款"
  Assets:1002银行存款:100201基本户  500.00 CNY
  Income:4001财政拨款收入
""")
    assert errors == []
    result = overview.build(entries, options_map)
    assert result.school_years == (2025,)
    for asked in (2024, 2030, None):
        shown = overview.build(entries, options_map, school_year=asked)
        assert shown.school_year == 2025
        assert [row.income for row in shown.months] == [D("500.00")]


def test_period_and_selection(loaded):
    """What Fava's filter bar passes: the months of the period, income and expenses of the
    selected entries, balances at the end of the period (from all entries)."""
    entries, options_map = loaded
    october = (datetime.date(2025, 10, 1), datetime.date(2025, 10, 31))
    selected = [e for e in entries if october[0] <= e.date <= october[1]]
    result = overview.build(entries, options_map, period=october, selected=selected)
    assert result.title == "2025年10月"
    assert [(row.month, row.income, row.expenses) for row in result.months] == [
        (datetime.date(2025, 10, 1), D("30000.00"), D("7145.67"))]
    assert result.balances_on == datetime.date(2025, 10, 31)
    # 基本户 at the end of October: everything up to 2025-10-31, computed independently
    basic = sum((p.units.number for e in entries if hasattr(e, "postings") and e.date <= october[1]
                 for p in e.postings if p.account == chart.BANK_BASIC), D(0))
    assert result.funds[0].amount == basic != D("97112.34")
    assert [p.date for p in result.pending] == [datetime.date(2025, 10, 20)]


def test_pending_entries(result):
    assert result.pending_count == 2
    assert [(p.date, p.payee, p.narration, p.amount) for p in result.pending] == [
        (datetime.date(2025, 10, 20), "区供电公司", "10月电费（待审批）", D("2345.67")),
        (datetime.date(2025, 11, 12), "育才文具店", "11月办公用品（待补发票）", D("888.88")),
    ]
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    for pending in result.pending:
        assert pending.filename == str(FIXTURE)
        assert pending.entry.flag == "!"
        assert lines[pending.lineno - 1].startswith(f"{pending.date} ! ")


def test_empty_ledger():
    entries, errors, options_map = loader.load_string('option "operating_currency" "CNY"')
    assert errors == []
    result = overview.build(entries, options_map, school_year=2025)
    assert result.as_of is None
    assert [fund.amount for fund in result.funds] == [D(0)] * 5
    assert result.income_total == D(0)
    assert result.pending == ()


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (datetime.date(2025, 8, 31), 2024),
        (datetime.date(2025, 9, 1), 2025),
        (datetime.date(2026, 1, 15), 2025),
        (datetime.date(2026, 10, 31), 2026),
    ],
)
def test_school_year_of(day, year):
    """The page's school year is the calendar's one (`xiaozhang.model.periods.SchoolYear`)."""
    school_year = SchoolYear.of(day)
    assert school_year.year == year
    assert school_year.first <= day <= school_year.last
    assert school_year.label == f"{year}-{year + 1}学年"
    assert [month.text for month in school_year.months][::11] == [f"{year}-09", f"{year + 1}-08"]


def test_figures_quoted_in_the_accountant_doc_match_the_example_school(example_ledger):
    """docs/overview.md quotes October 2025 of the example school; keep it true."""
    root = Path(__file__).resolve().parents[2]
    entries, errors, options_map = example_ledger.entries, example_ledger.errors, example_ledger.options_map
    assert errors == []
    october = overview.build(entries, options_map, school_year=2025).months[1]
    doc = (root / "docs" / "overview.md").read_text(encoding="utf-8")
    for figure in (october.income, october.expenses, october.net):
        assert f"{figure:,.2f} 元" in doc
