"""The 财务报表 page in a real Fava application over the example school (Flask test client)."""

from __future__ import annotations

from urllib.parse import quote

from test_fava_ext import text_of

from xiaozhang.reports import statements
from xiaozhang.reports.statements import Period


def get(app, query: str = "") -> str:
    client, slug, _ledger = app
    response = client.get(f"/{quote(slug)}/extension/Statements/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_page_shows_every_statement_of_the_asked_month(example_fava, example_ledger):
    text = text_of(get(example_fava, "?period=2026-03"))
    sheet = statements.build_balance_sheet(example_ledger.entries, example_ledger.options_map, Period(2026, 3))
    for needle in ("资产负债表", "收入费用表", "净资产变动表", "现金流量表", "财务报表附注", "决算表与“三公”经费",
                   "其中：食堂净收入", f"{sheet.line('assets_total').values[0]:,.2f}", "2026年3月"):
        assert needle in text, needle


def test_page_shows_the_budget_statements_of_the_year(example_fava, example_ledger):
    """The budget statements (会政预01–03, 差异调节表) in the page's part 预算会计报表 (`?show=budget`),
    with the figures of reports/budget_statements.py; 附表1 once, in the part 附注."""
    from xiaozhang.model.books import SchoolBooks
    from xiaozhang.reports import budget_statements

    text = text_of(get(example_fava, "?period=2026-03&show=budget"))
    for needle in ("预算会计报表", "预算收入支出表", "预算结转结余变动表", "财政拨款预算收入支出表", "差异情况说明",
                   "其中：食堂净预算收入"):
        assert needle in text, needle
    books = SchoolBooks.of(example_ledger.entries, example_ledger.options_map)
    spending = {l.label: l.current for l in budget_statements.income_expenditure(books, 2026)}["（二）事业支出"]
    assert f"{spending:,.2f}" in text
    notes = text_of(get(example_fava, "?period=2026-03&show=notes"))
    assert "一、工资福利支出" in notes and "一、工资福利支出" not in text  # 附表1: in the 附注 only


def test_each_part_shows_its_statements_and_links_the_others(example_fava, example_ledger):
    """The page opens on the monthly statements (资产负债表, 收入费用表) and computes only those; each
    other part (`?show=`) is one link away, with its statement and the month kept."""
    from xiaozhang.reports import statements_annual

    entries, options = example_ledger.entries, example_ledger.options_map
    html = get(example_fava, "?period=2026-03")
    for key in ("net_assets", "cash_flow", "notes", "final", "budget"):
        assert f"?period=2026-03&amp;show={key}" in html, key
    first = text_of(html)
    assert "资产总计" in first and "其中：食堂净收入" in first
    assert "五、本年年末余额" not in first and "一、日常活动产生的现金流量" not in first
    nav = statements_annual.build_net_assets(entries, options, Period(2026, 3))
    for key, needles in (("net_assets", ("五、本年年末余额", f"{nav.row('closing').values[3]:,.2f}")),
                         ("cash_flow", ("一、日常活动产生的现金流量",)),
                         ("notes", ("一、货币资金", "二、固定资产", "中小学校事业支出明细表")),
                         ("final", ("一、收入支出决算总表", "七、财政拨款“三公”经费支出情况"))):
        text = text_of(get(example_fava, f"?period=2026-03&show={key}"))
        for needle in needles:
            assert needle in text, (key, needle)
        assert "资产总计" not in text, key
    assert "资产总计" in text_of(get(example_fava, "?period=2026-03&show=nonsense"))  # unknown: the first part


def test_page_defaults_to_the_last_month_and_follows_the_time_filter(example_fava):
    assert "2026年10月" in text_of(get(example_fava))
    assert "2025年12月（年报）" in text_of(get(example_fava, "?time=2025"))
    assert "账户和筛选条件不适用" in text_of(get(example_fava, "?account=Assets"))
