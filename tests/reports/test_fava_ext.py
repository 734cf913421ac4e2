"""The 概览 page in a real Fava application (Flask test client, no mocks)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from fava.application import create_app

from xiaozhang import chart
from xiaozhang.reports.render import money

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "overview.beancount"


def fava_client(path: Path):
    """A test client and the ledger slug for one Beancount file."""
    app = create_app([str(path)], load=True)
    slug, ledger = next(iter(app.config["LEDGERS"].items()))
    return app.test_client(), slug, ledger


def page_url(slug: str, query: str = "") -> str:
    return f"/{quote(slug)}/extension/Overview/{query}"


@pytest.fixture(scope="module")
def fixture_app():
    return fava_client(FIXTURE)


@pytest.fixture(scope="module")
def page(fixture_app) -> str:
    client, slug, _ledger = fixture_app
    response = client.get(page_url(slug))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page's text, tags removed and whitespace collapsed."""
    body = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_ledger_loads_without_errors(fixture_app):
    _client, slug, ledger = fixture_app
    assert slug == "校账测试小学"
    assert list(ledger.errors) == []
    # The sidebar's order is the package's SIDEBAR (Fava would sort by class name: 食堂 first).
    assert [(ext.name, ext.report_title) for ext in ledger.extensions.extension_details] == [
        ("Overview", "概览"),
        ("Compliance", "合规"),
        ("Voucher", "录入凭证"),
        ("Disclosure", "收费公示"),
        ("Canteen", "食堂"),
        ("FixedAssets", "固定资产"),
        ("Statements", "财务报表"),
    ]


def test_page_shows_fund_balances(page):
    text = text_of(page)
    assert "概览" in text
    assert "数据截至 2025-11-28" in text
    assert "评判日期：2025-11-28（账本指定）" in text
    for label, account, amount in [
        ("基本户", chart.BANK_BASIC, "97,112.34"),
        ("零余额账户用款额度", chart.ZERO_BALANCE, "195,530.89"),
        ("食堂", chart.BANK_CANTEEN, "4,000.00"),
        ("代收费", chart.AGENCY_FEES, "9,600.00"),
        ("应缴财政款", chart.PAYABLE_TO_TREASURY, "4,500.00"),
    ]:
        assert f"{label} {account.split(':', 1)[1].replace(':', '／')} {amount}" in text


def test_page_shows_months_and_totals(page):
    text = text_of(page)
    assert "2025-2026学年收入与费用" in text
    assert "2025年9月 126,400.00 6,834.56 119,565.44" in text
    assert "2025年10月 30,000.00 7,145.67 22,854.33" in text
    assert "2025年11月 83,000.00 888.88 82,111.12" in text
    assert "2025年12月" not in text and "2026年8月" not in text  # months to come: no rows of 0.00
    assert "本期盈余" in text and "收支差额" not in text and "净利润" not in text
    assert "合计 239,400.00 14,869.11 224,530.89" in text


def test_page_has_a_chart(page):
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 1
    svg = svgs[0]
    assert 'aria-label="2025-2026学年各月收入与费用"' in svg
    # Glyphs are paths (no font needed in the browser); bars exist for both series.
    assert "<text" not in svg
    assert svg.count("<path") > 20
    assert "#3b7dd8" in svg and "#e8833a" in svg
    assert "currentColor" in svg


def test_page_lists_pending_entries_with_links(page, fixture_app):
    _client, _slug, ledger = fixture_app
    text = text_of(page)
    assert "共 2 笔" in text
    assert "2025-10-20 区供电公司 10月电费（待审批） 2,345.67 overview.beancount:98" in text
    assert "2025-11-12 育才文具店 11月办公用品（待补发票） 888.88 overview.beancount:127" in text
    # Each pending entry links to Fava's context view of that very entry.
    from fava.beans.funcs import hash_entry

    pending = [e for e in ledger.all_entries if getattr(e, "flag", None) == "!"]
    assert len(pending) == 2
    for entry in pending:
        assert f'href="#context-{hash_entry(entry)}"' in page
    assert "/editor/?file_path=" in page and "line=98" in page


def test_fund_labels_link_to_account_journals(page):
    assert f'href="/{quote("校账测试小学")}/account/{quote(chart.BANK_BASIC, safe=":")}/"' in page


def test_school_year_parameter(fixture_app):
    client, slug, _ledger = fixture_app
    response = client.get(page_url(slug, "?school_year=2024"))
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "2024-2025学年收入与费用" in text
    assert "2025年8月 12.34 0.00 12.34" in text
    assert "没有待审批" not in text  # pending entries are listed whatever the year

    # A malformed value falls back to the latest school year.
    response = client.get(page_url(slug, "?school_year=abc"))
    assert response.status_code == 200
    assert "2025-2026学年收入与费用" in response.get_data(as_text=True)


def test_unknown_extension_page_is_404(fixture_app):
    client, slug, _ledger = fixture_app
    assert client.get(f"/{quote(slug)}/extension/NoSuchPage/").status_code == 404


def test_example_ledger_page(example_fava):
    client, slug, ledger = example_fava
    assert [str(error.message) for error in ledger.errors] == []
    assert "Overview" in [ext.name for ext in ledger.extensions.extension_details]
    response = client.get(page_url(slug))
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert "概览" in text
    for label, _account in chart.FUND_GROUPS:
        assert label in text


# -- Fava's filter bar -------------------------------------------------------------------------
def bql(ledger, query: str) -> Decimal:
    """One CNY figure by beanquery over the ledger's own entries (independent of our code)."""
    from beanquery import query as beanquery

    _types, rows = beanquery.run_query(ledger.all_entries, ledger.options, query)
    (row,) = rows
    position = row[0].get_currency_units("CNY")
    return position.number if position.number is not None else Decimal(0)


def top_notice(html: str) -> str:
    """The filter notice: it must come before the page's first section."""
    head = html.split("<section", 1)[0]
    match = re.search(r'<div class="xz-filter"[^>]*>(.*?)</div>', head, flags=re.S)
    assert match, "no filter notice above the first section"
    return text_of(match.group(1))


def test_time_filter_changes_the_figures(fixture_app):
    client, slug, ledger = fixture_app
    html = client.get(page_url(slug, "?time=2025-10")).get_data(as_text=True)
    text = text_of(html)
    income = -bql(ledger, "SELECT sum(position) WHERE account ~ '^Income:' "
                          "AND date >= 2025-10-01 AND date <= 2025-10-31")
    expenses = bql(ledger, "SELECT sum(position) WHERE account ~ '^Expenses:' "
                           "AND date >= 2025-10-01 AND date <= 2025-10-31")
    basic = bql(ledger, f"SELECT sum(position) WHERE account = '{chart.BANK_BASIC}' AND date <= 2025-10-31")
    assert (income, expenses) == (Decimal("30000.00"), Decimal("7145.67"))
    assert "2025年10月收入与费用" in text
    assert f"2025年10月 {money(income)} {money(expenses)} {money(income - expenses)}" in text
    assert "2025年9月" not in text and "2025年11月 83,000.00" not in text
    # balances at the end of the filter's period, not at the end of the data
    assert f"基本户 1002银行存款／100201基本户 {money(basic)}" in text and basic != Decimal("97112.34")
    assert "共 1 笔" in text and "11月办公用品" not in text  # the November pending entry is outside
    assert "学年： 2024-2025" not in text  # the time filter chooses the period, not the year list
    notice = top_notice(html)
    assert "时间 2025-10" in notice and "2025-10-31 日终余额" in notice
    assert "不随筛选变化" not in notice  # everything on the page follows the time filter


def test_account_filter_narrows_the_transactions_not_the_balances(fixture_app):
    client, slug, ledger = fixture_app
    html = client.get(page_url(slug, f"?account={quote(chart.BANK_CANTEEN)}")).get_data(as_text=True)
    text = text_of(html)
    # income of the transactions touching the canteen account, September 2025 (Fava's own filter)
    from fava.core.filters import AccountFilter

    touching = AccountFilter(chart.BANK_CANTEEN).apply(ledger.all_entries)
    september = sum((-p.units.number for e in touching if hasattr(e, "postings")
                     and e.date.year == 2025 and e.date.month == 9
                     for p in e.postings if p.account.startswith("Income:")), Decimal(0))
    assert september == Decimal("6400.00")
    assert f"2025年9月 {money(september)}" in text
    assert "基本户 1002银行存款／100201基本户 97,112.34" in text  # balances: the whole history
    notice = top_notice(html)
    assert "不随筛选变化" in notice and "资金余额" in notice


def test_unreadable_filter_is_said_in_chinese(fixture_app):
    client, slug, _ledger = fixture_app
    response = client.get(page_url(slug, "?time=someday"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "时间条件“someday”无法识别" in top_notice(html)
    assert "Failed to parse" not in html.split("<section", 1)[0].split('class="xz-page', 1)[1]
    assert "合计 239,400.00" in text_of(html)  # shown unfiltered


def test_no_notice_without_a_filter(page):
    assert 'class="xz-filter"' not in page


def test_fava_statements_show_income_and_net_assets_positive(example_fava):
    """The example sets Fava's `invert-income-liabilities-equity`: Fava's income statement,
    balance sheet and trial balance show income, liabilities and net assets as positive numbers
    (the government form), and its 净利润 chart is positive for a surplus."""
    client, slug, ledger = example_fava
    assert ledger.fava_options.invert_income_liabilities_equity is True
    response = client.get(f"/{quote(slug)}/api/income_statement?time=2025-10")
    assert response.status_code == 200
    net = response.get_json()["data"]["charts"][0]
    assert net["type"] == "bar"
    (october,) = net["data"]
    assert all(amount > 0 for amount in october["balance"].values())  # a surplus, shown positive


@pytest.mark.parametrize("page_name", ["Overview", "Compliance", "Canteen"])
@pytest.mark.parametrize("query", ["", "?time=2026-10", "?time=2025"])
def test_no_english_on_our_pages(example_fava, page_name, query):
    """Titles, labels and notices are Chinese. Allowed: ledger syntax quoted in <code>, file
    names (`2026/10.beancount`) and what the accountant typed into the filter bar."""
    client, slug, _ledger = example_fava
    html = client.get(f"/{quote(slug)}/extension/{page_name}/{query}").get_data(as_text=True)
    page = html[html.index('<div class="xz-page'):]
    page = re.sub(r"<(script|style|svg|code)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page).replace(".beancount", "")
    # the canteen statement's own note names the account metadata `canteen: TRUE` (documents)
    words = set(re.findall(r"[A-Za-z][A-Za-z_\-]{2,}", page)) - {"canteen", "TRUE"}
    assert words == set()
