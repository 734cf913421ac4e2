"""The 固定资产 page in a real Fava application (Flask test client, no mocks), on
tests/fixtures/assets.beancount (figures by hand, see tests/reports/test_assets_report.py)
and on the example school."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from beancount.core import data
from test_fava_ext import fava_client, text_of

from xiaozhang import chart

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assets.beancount"


def page_url(slug: str, query: str = "") -> str:
    return f"/{quote(slug)}/extension/FixedAssets/{query}"


@pytest.fixture(scope="module")
def fixture_app():
    return fava_client(FIXTURE)


def get(app, query: str = "") -> str:
    client, slug, _ledger = app
    response = client.get(page_url(slug, query))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, flags=re.S)
    assert match, name
    return text_of(match.group(1))


def test_the_page_is_registered(fixture_app):
    _client, _slug, ledger = fixture_app
    assert list(ledger.errors) == []
    assert ("FixedAssets", "固定资产") in [(e.name, e.report_title)
                                          for e in ledger.extensions.extension_details]


def test_net_book_value_by_category_and_reconciliation(fixture_app):
    html = get(fixture_app)
    text = text_of(html)
    assert "截至 2025-12-31" in text and "在账 5 张卡片" in text
    assert "账卡相符" in text and 'class="xz-reconciliation xz-ok"' in html
    categories = section(html, "categories")
    assert "房屋及构筑物 1 1,200,000.00 264,000.00 936,000.00" in categories
    assert "通用设备 2 56,000.00 7,694.37 48,305.63" in categories
    assert "合计 5 1,291,000.00 277,110.82 1,013,889.18" in categories
    assert '<svg role="img" aria-label="各类固定资产原值与净值"' in html


def test_this_years_depreciation_by_month(fixture_app):
    depreciation = section(get(fixture_app), "depreciation")
    assert "2025年1月至12月" in depreciation
    assert "合计 2,083.33 2,083.33 2,777.77 2,861.10 2,861.10 2,961.10" in depreciation
    assert "33,194.33" in depreciation and "与上表一致" in depreciation


def test_register_filters(fixture_app):
    register = section(get(fixture_app, "?location=一(1)班教室"), "register")
    assert "存放地点：一(1)班教室：1 张卡片" in register
    assert "ZC20200001 学生课桌椅" in register and "ZC20250001" not in register
    register = section(get(fixture_app, "?custodian=张伟"), "register")
    assert "ZC20250001 学生计算机" in register and "综合楼三楼计算机教室" in register
    register = section(get(fixture_app, "?dept=教务处&location=图书室"), "register")
    assert "使用部门：教务处，存放地点：图书室：1 张卡片" in register
    register = section(get(fixture_app, "?dept=后勤处"), "register")
    assert "没有符合筛选条件的资产" in register


def test_filter_choices_and_card_links(fixture_app):
    html = get(fixture_app)
    assert '<option value="一(1)班教室">一(1)班教室</option>' in html
    assert '<option value="信息技术组">信息技术组</option>' in html
    # each card links to its line in Fava's editor
    lines = [int(n) for n in re.findall(r"/editor/\?[^\"]*line=(\d+)", html)]
    source = FIXTURE.read_text(encoding="utf-8").splitlines()
    assert lines and all(source[n - 1].lstrip().startswith("Assets:1601") for n in lines)


def test_recent_changes(fixture_app):
    changes = section(get(fixture_app), "changes")
    assert changes.index("2025-11-20 处置（报废） ZC20250003 多媒体投影机") < changes.index(
        "2025-09-01 内部转移 ZC20250001 学生计算机 存放地点→综合楼三楼计算机教室") < changes.index(
        "2025-06-15 增加（购置） ZC20250003")


def test_the_example_school_page(example_fava):
    app = example_fava
    html = get(app)
    text = text_of(html)
    assert "账卡相符" in text
    assert "在账 76 张卡片" in text  # 74 + the administrative offices' computers and desks
    assert "内部转移" in section(html, "changes") and "处置（报废）" in section(html, "changes")
    classroom = section(get(app, "?location=三(2)班教室"), "register")
    assert "多媒体投影机" in classroom and "学生课桌椅" in classroom
    assert "2025" in section(get(app, "?year=2025"), "depreciation")


# -- Fava's filter bar ---------------------------------------------------------------------------
def depreciation_charged(ledger, first: dt.date, last: dt.date) -> Decimal:
    """The depreciation charged in first..last: 5001's (teaching) and 5101's (行政及后勤)."""
    return (ledger_sums(ledger, chart.DEPRECIATION_EXPENSE, first, last)
            + ledger_sums(ledger, chart.ADMIN_DEPRECIATION_EXPENSE, first, last))


def ledger_sums(ledger, prefix: str, first: dt.date, last: dt.date) -> Decimal:
    """The postings to accounts under `prefix` dated `first`..`last`, summed over the ledger's
    own entries (generated depreciation included): the figures the page must show."""
    return sum((posting.units.number for entry in ledger.all_entries
                if isinstance(entry, data.Transaction) and first <= entry.date <= last
                for posting in entry.postings if posting.account.startswith(prefix)), Decimal(0))


def footer(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">.*?<tfoot>(.*?)</tfoot>', html, flags=re.S)
    assert match, name
    return text_of(match.group(1))


def english_words(html: str) -> set[str]:
    """English words on the page itself (not in <code>, scripts, styles, file names, the cards'
    own model names in the register, nor what was typed into the filter bar)."""
    page = html[html.index('<div class="xz-page'):]
    page = re.sub(r'<table class="xz-register">.*?</table>', " ", page, flags=re.S)
    page = re.sub(r"<(script|style|svg|code)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page).replace(".beancount", "")
    return set(re.findall(r"[A-Za-z][A-Za-z_\-]{2,}", page))


def test_time_filter_shows_the_register_on_its_last_day(fixture_app):
    _client, _slug, ledger = fixture_app
    html = get(fixture_app, "?time=2025-10")
    begin, end = dt.date(2014, 1, 1), dt.date(2025, 10, 31)
    cost = ledger_sums(ledger, chart.FIXED_ASSETS, begin, end)
    taken = -ledger_sums(ledger, chart.ACCUM_DEPRECIATION, begin, end)
    assert (cost, taken) == (Decimal("1298200.00"), Decimal("271888.62"))
    # the projector (disposed on 2025-11-20) is still in the books on 31 October
    assert footer(html, "categories") == f"合计 6 {cost:,.2f} {taken:,.2f} {cost - taken:,.2f}"
    assert "截至 2025-10-31（时间筛选的最后一天）" in text_of(html)
    assert "ZC20250003 多媒体投影机" in section(html, "register")
    assert "ZC20250003" not in section(get(fixture_app), "register")
    # October's depreciation: the generated entries of the month
    charged = depreciation_charged(ledger, dt.date(2025, 10, 1), end)
    assert charged == Decimal("2961.10")
    depreciation = section(html, "depreciation")
    assert footer(html, "depreciation") == f"合计 {charged:,.2f} {charged:,.2f}"
    assert "2025年10月折旧" in depreciation and "与上表一致" in depreciation
    assert "没有资产变动" in section(html, "changes")  # nothing changed in October
    top = text_of(html.split("<section", 1)[0])
    assert "已按页面顶部的筛选条件显示（时间 2025-10）" in top and "2025-10-31 日终在账" in top
    # the page's own filters (department, location, custodian) keep the filter bar's time
    assert '<input type="hidden" name="time" value="2025-10">' in html


def test_time_filter_picks_the_changes_and_the_months(fixture_app):
    changes = section(get(fixture_app, "?time=2025-11"), "changes")
    assert "2025-11-20 处置（报废） ZC20250003" in changes
    assert "内部转移 ZC" not in changes and "增加（" not in changes
    html = get(fixture_app, "?time=2025-03")
    assert "2025-03-10 增加（购置） ZC20250001 学生计算机" in section(html, "changes")
    assert footer(html, "depreciation") == "合计 2,777.77 2,777.77"


def test_account_filter_narrows_to_an_asset_category(fixture_app):
    _client, _slug, ledger = fixture_app
    html = get(fixture_app, "?account=" + quote(chart.fixed_asset_account("通用设备")))
    end = dt.date(2025, 12, 31)
    cost = ledger_sums(ledger, chart.fixed_asset_account("通用设备"), dt.date(2014, 1, 1), end)
    taken = -ledger_sums(ledger, chart.depreciation_account("通用设备"), dt.date(2014, 1, 1), end)
    assert footer(html, "categories") == f"合计 2 {cost:,.2f} {taken:,.2f} {cost - taken:,.2f}"
    register = section(html, "register")
    assert "ZC20250001" in register and "ZC20150001" not in register
    # the year's depreciation of that category: the credits to its 1602 account in 2025 (the
    # disposal's debit of the projector's depreciation left out)
    charged = -sum((p.units.number for e in ledger.all_entries
                    if isinstance(e, data.Transaction) and e.date.year == 2025 for p in e.postings
                    if p.account == chart.depreciation_account("通用设备") and p.units.number < 0),
                   Decimal(0))
    assert f"合计 {charged:,.2f}" in section(html, "depreciation") and charged == Decimal("8194.37")
    changes = section(html, "changes")
    assert "学生计算机" in changes and "教学楼" not in changes
    top = text_of(html.split("<section", 1)[0])
    assert "只列账户筛选选中的类别：通用设备" in top


def test_filters_that_do_not_apply_say_so(fixture_app):
    whole = footer(get(fixture_app), "categories")
    html = get(fixture_app, "?account=" + quote("Assets:1002银行存款"))
    top = text_of(html.split("<section", 1)[0])
    assert "本页不随它变化" in top and "账户筛选只在选中 1601 固定资产" in top
    assert footer(html, "categories") == whole
    html = get(fixture_app, "?filter=" + quote('"报废"'))
    assert "高级筛选条件不适用于资产卡片" in text_of(html.split("<section", 1)[0])
    assert footer(html, "categories") == whole


def test_an_unreadable_filter_shows_the_whole_page(fixture_app):
    html = get(fixture_app, "?time=" + quote("上个月底"))
    top = text_of(html.split("<section", 1)[0])
    assert "时间条件“上个月底”无法识别" in top and "本页按全部账目显示" in top
    assert footer(html, "categories") == footer(get(fixture_app), "categories")


def test_the_example_school_under_the_time_filter(example_fava):
    _client, _slug, ledger = example_fava
    html = get(example_fava, "?time=2025-10")
    first, end = dt.date(2025, 10, 1), dt.date(2025, 10, 31)
    cost = ledger_sums(ledger, chart.FIXED_ASSETS, dt.date.min, end)
    taken = -ledger_sums(ledger, chart.ACCUM_DEPRECIATION, dt.date.min, end)
    assert footer(html, "categories").endswith(f"{cost:,.2f} {taken:,.2f} {cost - taken:,.2f}")
    assert footer(html, "categories") != footer(get(example_fava), "categories")
    charged = depreciation_charged(ledger, first, end)
    assert charged > 0 and footer(html, "depreciation") == f"合计 {charged:,.2f} {charged:,.2f}"
    assert "账卡相符" in text_of(html)


@pytest.mark.parametrize("query", ["?time=2025-10", "?time=2025", "?account=160102",
                                   "?account=Assets:1002", "?time=bad"])
def test_no_english_under_the_filter_bar(example_fava, query):
    assert english_words(get(example_fava, query)) <= {"bad", "Assets"}  # as typed in the bar
