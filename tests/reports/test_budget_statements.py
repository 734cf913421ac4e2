"""The budget statements of the bundled school (reports/budget_statements.py) against figures
computed here from the ledger's financial postings and the rule table of its policy (read with a
regular expression; the documented rules of docs/budget-accounting.md), never from the
report's or the plugin's code — and the 预算会计 page in a real Fava application."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from beancount import loader
from beancount.core import data

from xiaozhang.model.books import SchoolBooks
from xiaozhang.reports import budget_documents
from xiaozhang.reports import budget_statements as bs

LEDGER = Path(__file__).parents[2] / "ledger"
RULE = re.compile(r'^\d{4}-\d\d-\d\d custom "budget-rule" "([^"]+)" "([^"]+)"$', re.M)
D = Decimal
FISCAL_SOURCES = ("Assets:1011", "Assets:1201", "Income:4001")


@pytest.fixture(scope="module")
def school():
    entries, errors, options = loader.load_file(str(LEDGER / "main.beancount"))
    assert [e.message for e in errors] == []
    rules = dict(RULE.findall((LEDGER / "policy.beancount").read_text(encoding="utf-8")))
    return entries, options, rules


def target(account, rules):
    found = [p for p in rules if account == p or account.startswith(p + ":")]
    return rules[max(found, key=len)] if found else None


def independent(entries, rules, year):
    """{budget code group: amount} of the year by the documented rules (income, spending
    positive): 6001, 6101, 6609-interest/rent/canteen, 7201-fiscal/other/canteen, 人员经费."""
    sums = defaultdict(D)
    for e in entries:
        if not isinstance(e, data.Transaction) or "__xiaozhang__" in e.meta or e.date.year != year:
            continue
        if any(p.account.startswith(("Equity:6", "Equity:7", "Equity:8")) for p in e.postings):
            continue  # hand-written (the example's only one is its opening)
        mapped = [(p, target(p.account, rules)) for p in e.postings]
        if any(t == "不记" for _, t in mapped):
            continue
        mapped = [(p, "Equity:8001资金结存:800102货币资金" if t in ("代管", "在途") else t)
                  for p, t in mapped]
        if not any(t and t.startswith(("Equity:8001", "Equity:6001")) for _, t in mapped):
            continue
        fiscal = any(p.units.number < 0 and p.account.startswith(FISCAL_SOURCES) for p in e.postings)
        for p, t in mapped:
            n = p.units.number
            if t.startswith("Equity:6"):
                key = {"Equity:6609其他预算收入:660901利息预算收入": "interest",
                       "Equity:6609其他预算收入:660903租金预算收入": "rent",
                       "Equity:6609其他预算收入:660909食堂预算收入": "canteen_in"}.get(t, t[:11])
                sums[key] -= n
            elif t == "Equity:7201事业支出:720109食堂支出":
                sums["canteen_out"] += n
            elif t.startswith("Equity:7201"):
                sums["fiscal_out" if fiscal else "other_out"] += n
                personnel = p.account.startswith(("Liabilities:2201", "Expenses:5001业务活动费用:500101",
                                                  "Expenses:5001业务活动费用:500103"))
                if fiscal and personnel:
                    sums["personnel_out"] += n
    return sums


def fund_balance(entries, day):
    return sum((p.units.number for e in entries if isinstance(e, data.Transaction) and e.date <= day
                for p in e.postings if p.account.startswith("Equity:8001")), D(0))


@pytest.mark.parametrize("year", [2025, 2026])
def test_budget_income_and_expenditure_statement(school, year):
    entries, options, rules = school
    books = SchoolBooks.of(entries, options)
    lines = {l.label: l.current for l in bs.income_expenditure(books, year)}
    s = independent(entries, rules, year)
    canteen = s["canteen_in"] - s["canteen_out"]
    assert lines["（一）财政拨款预算收入"] == s["Equity:6001"]
    government = -sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                       and e.date.year == year for p in e.postings
                       if p.account.startswith("Income:4001财政拨款收入:400103")), D(0))
    assert lines["其中：政府性基金收入"] == government
    assert lines["（二）事业预算收入"] == s["Equity:6101"]
    assert lines["其中：利息预算收入"] == s["interest"]
    assert lines["租金预算收入"] == s["rent"]
    assert lines["食堂净预算收入"] == canteen
    assert lines["（九）其他预算收入"] == s["interest"] + s["rent"] + canteen
    assert lines["（二）事业支出"] == s["fiscal_out"] + s["other_out"]
    assert lines["三、本年预算收支差额"] == (s["Equity:6001"] + s["Equity:6101"] + s["interest"]
                                       + s["rent"] + canteen - s["fiscal_out"] - s["other_out"])
    previous = {l.label: l.previous for l in bs.income_expenditure(books, year + 1)}
    assert previous["三、本年预算收支差额"] == lines["三、本年预算收支差额"]


def test_carryover_statement_ends_at_the_fund_balance(school):
    entries, options, _rules = school
    books = SchoolBooks.of(entries, options)
    for year in (2025, 2026):
        lines = bs.carryover(books, year)
        first = {l.label: l.current for l in lines if l.level == 0}
        assert first["四、年末预算结转结余"] == fund_balance(entries, dt.date(year, 12, 31))
        assert first["一、年初预算结转结余"] + first["二、年初余额调整"] + first["三、本年变动金额"] \
            == first["四、年末预算结转结余"]
    opening = {l.label: l.current for l in bs.carryover(books, 2026) if l.level == 0}
    assert opening["一、年初预算结转结余"] == fund_balance(entries, dt.date(2025, 12, 31))


def test_fiscal_statement(school):
    entries, options, rules = school
    books = SchoolBooks.of(entries, options)
    for year in (2025, 2026):
        rows = {r.label: r for r in bs.fiscal(books, year)}
        s = independent(entries, rules, year)
        assert rows["合计"].income == s["Equity:6001"]
        assert rows["合计"].spending == s["fiscal_out"]
        assert rows["人员经费"].spending == s["personnel_out"]
    rows = {r.label: r for r in bs.fiscal(books, 2025)}
    assert rows["项目：计算机教室建设2025"].spending == rows["项目：计算机教室建设2025"].income > 0
    # 年末 of 2025 is 年初 of 2026: the unused quota restored (1201)
    assert {r.label: r.opening for r in bs.fiscal(books, 2026)}["合计"] == \
        {r.label: r.closing for r in bs.fiscal(books, 2025)}["合计"]


def test_reconciliation_adds_up_with_no_other_difference(school):
    entries, options, _rules = school
    books = SchoolBooks.of(entries, options)
    for year in (2025, 2026):
        rec = bs.reconciliation(books, year)
        surplus = -sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                        and e.date.year == year for p in e.postings
                        if p.account.startswith(("Income:", "Expenses:"))), D(0))
        assert rec.surplus == surplus
        assert rec.other == 0  # every difference of the example has its line
        items = {label: n for _g, label, n in rec.items}
        depreciation = sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                            and e.date.year == year for p in e.postings
                            if p.account.startswith("Expenses:")
                            and p.account.endswith(("折旧费", "摊销费"))), D(0))  # 500104, 510104 …
        assert items["（2）计提的折旧费用和摊销费用"] == depreciation
        capital = sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                       and e.date.year == year and "__xiaozhang__" not in e.meta
                       and any(q.account.startswith(("Assets:1011", "Assets:1002")) for q in e.postings)
                       for p in e.postings
                       if p.account.startswith("Assets:1601") and p.units.number > 0), D(0))
        assert items["（3）为购建固定资产等的资本性支出"] == capital


def test_school_spending_detail_adds_up_to_the_operating_spending(school):
    """附表1 (reports/school_spending.py, the one definition: from the paid financial postings) and the
    budget side's 事业支出 of 会政预01 (from the generated 7201 lines) are the same money, to the fen."""
    from xiaozhang.reports.school_spending import build_school_spending
    from xiaozhang.reports.statements import Period

    entries, options, _rules = school
    books = SchoolBooks.of(entries, options)
    for year in (2025, 2026):
        report = build_school_spending(entries, options, Period(year, 12))
        lines = {l.label: l.current for l in bs.income_expenditure(books, year)}
        assert report.total[0] == lines["（二）事业支出"]
        assert sum((v[0] for _n, v, heading in report.rows if heading), D(0)) == report.total[0]


def test_the_budget_documents_show_the_one_school_spending_table(school):
    """The 预算会计 documents' 附表1 is the 附注's table (附表1 rows such as 基本工资 and 办公费)."""
    from xiaozhang.reports.document import render_html

    entries, options, _rules = school
    books = SchoolBooks.of(entries, options)
    html = render_html(budget_documents.spending_detail_doc(books, 2026), standalone=False)
    assert "中小学校事业支出明细表" in html and "一、工资福利支出" in html and "附表1（续）" in html
    assert not hasattr(bs, "spending_detail")


def test_documents_are_written(school, tmp_path):
    from xiaozhang.reports.document import write
    entries, options, _rules = school
    books = SchoolBooks.of(entries, options)
    docs = budget_documents.documents(books, 2026) + [budget_documents.invariant_doc(books)]
    for index, doc in enumerate(docs):
        written = write(doc, tmp_path, f"budget-{index}", formats=("html", "xlsx"))
        assert all(path.stat().st_size > 0 for path in written)


def test_the_page_in_fava():
    from fava.application import create_app
    app = create_app([str(LEDGER / "main.beancount")], load=True)
    slug, _ledger = next(iter(app.config["LEDGERS"].items()))
    client = app.test_client()
    html = client.get(f"/{quote(slug)}/extension/BudgetAccounting/?year=2026").get_data(as_text=True)
    for text in ("预算收入支出表", "预算结转结余变动表", "财政拨款预算收入支出表", "差异情况说明",
                 "中小学校事业支出明细表", "食堂净预算收入", "每月末都相符", "2026-10-31"):
        assert text in html, text
    period = client.get(f"/{quote(slug)}/extension/BudgetAccounting/?time=2026-03")
    assert period.status_code == 200 and "本期预算收支（2026年3月）" in period.get_data(as_text=True)


def test_the_budget_report_command(tmp_path):
    from click.testing import CliRunner

    from xiaozhang.cli import main
    result = CliRunner().invoke(main, ["budget", "report", "--year", "2026", "--out", str(tmp_path),
                                       "--ledger", str(LEDGER / "main.beancount"),
                                       "--format", "html", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "预算收入支出表-2026.html" in names and "财政拨款预算收入支出表-2026.xlsx" in names
    missing = CliRunner().invoke(main, ["budget", "report", "--year", "2019", "--out", str(tmp_path),
                                        "--ledger", str(LEDGER / "main.beancount")])
    assert missing.exit_code != 0 and "2019 年没有预算会计记录" in missing.output


def test_operating_spending_agrees_with_the_paid_spending_of_the_final_accounts(school):
    """The 决算's paid spending (reports/paid_spending.py, from the financial postings) and the
    budget side's 事业支出 (without the canteen) are the same money: equal to the fen."""
    from xiaozhang.reports import paid_spending
    from xiaozhang.reports.statements import Period

    entries, options, _rules = school
    books = SchoolBooks.of(entries, options)
    for year in (2025, 2026):
        paid = sum((s.amount for s in paid_spending.spending(entries, options, Period(year, 12))), D(0))
        lines = {l.label: l.current for l in bs.income_expenditure(books, year)}
        assert paid == lines["（二）事业支出"]
