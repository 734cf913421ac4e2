"""reports.monthly: hand-computed figures on tests/fixtures/monthly.beancount, the example
school's figures reconciled with its ledger, and the report commands' files read back."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner

from xiaozhang import chart
from xiaozhang.cli import main
from xiaozhang.reports import monthly
from xiaozhang.reports.document import pdf_text
from xiaozhang.reports.monthly import Period, ReportError

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "monthly.beancount"
D = Decimal
MARCH = Period(2026, 3)


@pytest.fixture(scope="module")
def loaded():
    entries, errors, options_map = loader.load_file(str(FIXTURE))
    assert errors == []
    return entries, options_map


def test_income_statement_lines(loaded):
    report = monthly.build_income(*loaded, MARCH)
    assert (report.income_total.month, report.income_total.year) == (D("20650.00"), D("33650.00"))
    lines = {line.code: (line.month, line.year) for line in report.income}
    assert lines["4001"] == (D("20000.00"), D("30000.00"))
    assert lines["4101"] == (D("600.00"), D("600.00"))
    assert lines["4605"] == (D(0), D("3000.00"))
    assert lines["4201"] == (D(0), D(0))  # every line of the form is printed
    # a code that is not a line of the form gets its own line, so the totals reconcile
    assert report.income[-1].label == "（十二）杂项收入" and lines["4699"] == (D("50.00"), D("50.00"))
    expenses = {line.code: (line.month, line.year) for line in report.expenses}
    assert expenses["5001"] == (D("9200.00"), D("17400.00"))  # the April bill is not in March
    assert expenses["5901"] == (D(0), D("12.00"))
    assert [line.label for line in report.expenses][:2] == ["（一）业务活动费用", "（二）单位管理费用"]
    assert (report.surplus.month, report.surplus.year) == (D("11450.00"), D("16238.00"))


def test_spending_report(loaded):
    report = monthly.build_spending(*loaded, MARCH)
    assert [(p.date, p.voucher, p.payee, p.approver, p.amount, p.pending) for p in report.office] == [
        (dt.date(2026, 3, 5), "记-2026-03-001", "青禾市文华办公用品商行", "王建国", D("1500.00"), False),
        (dt.date(2026, 3, 25), "记-2026-03-004", "文具店", "", D("300.00"), True)]
    assert report.office_month == D("1800.00") and report.office_year == D("3100.00")
    (homework,) = report.agency
    assert homework.item == "作业本费"
    assert (homework.collected, homework.paid, homework.refunded, homework.balance) == (
        D("150.00"), D("130.00"), D("15.00"), D("5.00"))
    assert (homework.year_collected, homework.year_paid, homework.year_refunded) == (
        D("150.00"), D("130.00"), D("35.00"))
    assert [(p.payee, p.invoice, p.amount) for p in report.agency_payments] == [
        ("青禾市新华书店", "26000000000000000002", D("130.00"))]
    (service,) = report.service
    assert (service.item, service.collected, service.spent, service.year_collected, service.year_spent) == (
        "课后服务费", D("600.00"), D("400.00"), D("600.00"), D("500.00"))


def test_budget_execution(loaded):
    report = monthly.build_budget(*loaded, MARCH)
    office, water = report.rows
    assert office.label == "30201办公费" and office.frequency == "yearly"
    # January and February at 12000/12, March to December at 24000/12
    assert (office.year_budget, office.month_budget, office.to_date_budget) == (
        D("22000.00"), D("2000.00"), D("4000.00"))
    # sub-account and pending entry included, as BG01 counts them
    assert (office.month_actual, office.year_actual) == (D("1800.00"), D("3100.00"))
    assert (office.used, office.month_used, office.state, office.remaining) == (
        D("14.1"), D("90.0"), "正常", D("18900.00"))
    assert (water.year_budget, water.month_budget, water.month_actual, water.year_actual) == (
        D("12000.00"), D("1000.00"), D("1200.00"), D("3200.00"))
    assert water.month_used == D("120.0") and water.used == D("26.7")
    # like with like: the monthly line against the month (it was 正常 on the year's 26.7%)
    assert (water.control_label, water.control_budget, water.control_actual, water.control_used, water.state) == (
        "2026年3月", D("1000.00"), D("1200.00"), D("120.0"), "超支")
    # the yearly line (24000.00 since March) against the year to date
    assert (office.control_label, office.control_budget, office.control_actual, office.state) == (
        "2026年", D("24000.00"), D("3100.00"), "正常")
    assert report.control == "warn"
    assert report.elapsed == D("25.0")
    january = monthly.build_budget(*loaded, Period(2026, 1))
    assert [(r.month_actual, r.year_actual) for r in january.rows] == [
        (D("500.00"), D("500.00")), (D("1100.00"), D("1100.00"))]


def test_a_month_over_its_share_of_a_yearly_line_is_not_normal(example):
    """Issue 14: the example's 差旅费 spent 165% of its monthly share in March 2026 (a yearly
    line at 13.8% of the year): 预警, not 正常."""
    rows = {r.label: r for r in monthly.build_budget(*example, MARCH).rows}
    travel = rows["30211差旅费"]
    assert travel.month_used > 100 and travel.control_used < 90
    assert travel.state == "预警"
    assert all(r.state == "正常" for r in rows.values()
               if r.month_actual <= r.month_budget and r.control_actual < r.control_budget * D("0.9"))


def test_utilities_year_over_year(loaded):
    report = monthly.build_utilities(*loaded, MARCH)
    assert [(m.month, m.water, m.water_last, m.power, m.power_last) for m in report.months] == [
        (1, D("1100.00"), None, D("4800.00"), None),  # the books start in February 2025
        (2, D("900.00"), D(0), D(0), D("3000.00")),
        (3, D("1200.00"), D("1000.00"), D("5800.00"), D("5000.00")),  # a 200.00 refund netted
    ]
    feb, mar = report.months[1:]
    assert monthly.UtilityMonth.change(feb.water, feb.water_last) == (D("900.00"), None)
    assert monthly.UtilityMonth.change(feb.power, feb.power_last) == (D("-3000.00"), D("-100.0"))
    assert monthly.UtilityMonth.change(mar.water, mar.water_last) == (D("200.00"), D("20.0"))
    assert monthly.UtilityMonth.change(mar.power, mar.power_last) == (D("800.00"), D("16.0"))
    assert report.total("water") == D("3200.00") and report.total("water_last") is None
    assert report.comparable("water", "water_last") == (D("2100.00"), D("1000.00"), 2)
    assert report.comparable("power", "power_last") == (D("5800.00"), D("8000.00"), 2)


def test_bad_period():
    with pytest.raises(ReportError, match="格式应为 年-月"):
        Period.parse("2026/3")


# -- the example school: the figures are the ledger's ----------------------------------------
@pytest.fixture(scope="module")
def example(example_ledger):
    assert example_ledger.errors == []
    return example_ledger.entries, example_ledger.options_map


def postings(entries, first, last, prefix):
    return sum((p.units.number for t in entries if isinstance(t, data.Transaction) and first <= t.date <= last
                for p in t.postings if p.account.startswith(prefix)), D(0))


@pytest.mark.parametrize("period", ["2025-10", "2026-03", "2026-10"])
def test_example_reports_reconcile_with_the_ledger(example, period):
    entries, options_map = example
    p = Period.parse(period)
    income = monthly.build_income(entries, options_map, p)
    # the canteen's cost (500106, its only expense account) is netted out of both totals
    # (补充规定 三: 食堂净收入 under 其他收入), so the totals are the ledger's less it
    canteen_month = postings(entries, p.first, p.last, chart.CANTEEN_COST)
    canteen_year = postings(entries, p.year_start, p.last, chart.CANTEEN_COST)
    assert canteen_year > 0 and (income.canteen_cost == (canteen_month, canteen_year))
    assert income.income_total.month == -postings(entries, p.first, p.last, "Income:") - canteen_month
    assert income.income_total.year == -postings(entries, p.year_start, p.last, "Income:") - canteen_year
    assert income.expense_total.month == postings(entries, p.first, p.last, "Expenses:") - canteen_month
    assert income.expense_total.year == postings(entries, p.year_start, p.last, "Expenses:") - canteen_year
    budget = monthly.build_budget(entries, options_map, p)
    assert budget.rows
    for row in budget.rows:
        assert row.year_actual == postings(entries, p.year_start, p.last, row.account)
        assert row.month_actual == postings(entries, p.first, p.last, row.account)
    utilities = monthly.build_utilities(entries, options_map, p)
    assert utilities.current.water == postings(entries, p.first, p.last, monthly.WATER)
    assert utilities.current.power == postings(entries, p.first, p.last, monthly.POWER)
    spending = monthly.build_spending(entries, options_map, p)
    assert spending.office_month == postings(entries, p.first, p.last, monthly.OFFICE)
    for row in spending.agency:
        assert row.balance == -postings(entries, dt.date.min, p.last, row.account)
        assert row.collected - row.paid - row.refunded == -postings(entries, p.first, p.last, row.account)


def test_the_overview_doc_figures_match_the_income_statement(example):
    """docs/overview.md quotes October 2025 (gross: the canteen's meal income and cost included);
    the 收入费用表 of that month nets the canteen (补充规定 三) and has the same 本期盈余."""
    income = monthly.build_income(*example, Period(2025, 10))
    doc = (ROOT / "docs" / "overview.md").read_text(encoding="utf-8")
    gross = income.income_total.month + income.canteen_cost[0]
    assert f"{gross:,.2f} 元" in doc and f"{income.surplus.month:,.2f} 元" in doc


@pytest.mark.parametrize(("command", "title", "expected"), [
    ("income", "收入费用表", ["一、本期收入", "20,650.00", "33,650.00", "（十二）杂项收入", "三、本期盈余", "16,238.00"]),
    ("spending", "2026年3月办公费、代收费、服务性收费开支情况报告",
     ["一、办公费", "记-2026-03-001", "待审批", "1,800.00", "二、代收费", "26000000000000000002", "三、服务性收费"]),
    ("budget", "预算执行情况表（2026年3月）", ["30201办公费", "22,000.00", "14.10%", "120.00%", "序时进度 25.0%", "月（2026年3月）",
                "超支", "本校预算控制为“预警”"]),
    ("utilities", "水电费同比情况（2026年3月）", ["无记录", "可比月份合计（2 个月）", "20.00%", "-27.50%"]),
])
def test_report_commands_write_every_format(tmp_path, command, title, expected):
    result = CliRunner().invoke(main, ["report", command, "--period", "2026-03", "--ledger", str(FIXTURE),
                                       "--out", str(tmp_path), "--date", "2026-04-03"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.iterdir())
    stem = f"{monthly.REPORTS[command][0]}-2026-03"
    assert files == [f"{stem}.{f}" for f in ("html", "pdf", "png", "xlsx")]
    text = re.sub(r"\s+", "", "".join(pdf_text(tmp_path / f"{stem}.pdf")))
    for needle in [title, "期间：本月2026-03-01至2026-03-31", *expected]:
        assert re.sub(r"\s+", "", needle) in text, needle
    assert "账本" not in text and str(FIXTURE) not in text and ".beancount" not in text
    assert f"已写入 {tmp_path / stem}" in result.output
