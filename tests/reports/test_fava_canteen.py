"""The 食堂 page in a real Fava application (Flask test client, no mocks)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from test_fava_ext import fava_client, text_of

from xiaozhang.reports import canteen

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "canteen.beancount"


def page_url(slug: str, query: str = "") -> str:
    return f"/{quote(slug)}/extension/Canteen/{query}"


def get(app, query: str = "") -> str:
    client, slug, _ledger = app
    response = client.get(page_url(slug, query))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, flags=re.S)
    assert match, name
    return match.group(1)


def row(html: str, month: str) -> str:
    match = re.search(rf'<tr data-month="{month}">(.*?)</tr>', html, flags=re.S)
    assert match, month
    return text_of(match.group(1))


@pytest.fixture(scope="module")
def fixture_app():
    return fava_client(FIXTURE)


@pytest.fixture(scope="module")
def page(fixture_app) -> str:
    return get(fixture_app)


def test_the_ledger_loads_clean_and_the_page_is_listed(fixture_app):
    _client, _slug, ledger = fixture_app
    assert list(ledger.errors) == []
    assert ("Canteen", "食堂") in [(e.name, e.report_title) for e in ledger.extensions.extension_details]


def test_monthly_pnl_with_rates_and_state(page):
    months = section(page, "months")
    # the figures of reports.canteen (computed by hand in test_canteen_report.py)
    assert row(months, "2025-09") == "2025年9月 700 30 4,802.50 4,650.00 152.50 3.18% 75.16% 正常"
    assert row(months, "2025-10") == "2025年10月 60 0 455.00 420.00 35.00 7.69% 65.93% 正常"
    assert row(months, "2025-11") == "2025年11月 0 20 160.00 100.00 60.00 37.50% 0.00% 本月未结束"
    assert 'data-month="2025-12"' not in months  # months to come (data end 2025-11-28): no rows
    assert "<svg" in months and 'aria-label="2025-2026学年食堂各月收入与成本"' in months
    assert "2024-2025" not in text_of(months)  # the opening balances are no school year of meals


def test_terms_stock_and_licences(page):
    assert "2025年秋季学期 2025-08-31 至 2026-01-16 5,417.50 5,170.00 247.50 4.57% 72.16% 进行中" in \
        text_of(section(page, "terms"))
    assert text_of(section(page, "stock")).endswith("米面油 100.00 肉禽蛋 0.00 合计 100.00")
    licences = text_of(section(page, "licences"))
    assert "青禾市鲜达农副产品配送有限公司 食品经营许可证 JY14307020044310 2025-12-20 22" in licences
    assert "丰源" not in licences  # its licences run to 2028


def test_default_month_is_the_latest_one_over(page):
    notice = section(page, "notice")
    assert "2025年10月" in text_of(notice).split("月份")[0]
    assert "伙食费收支公示" in notice and "食堂收支盈亏表" in notice
    assert "455.00" in notice and "成本核算人" in notice and "膳食委员会" in notice


def test_a_month_asked_for(fixture_app):
    notice = text_of(section(get(fixture_app, "?month=2025-09"), "notice"))
    assert "2025年9月" in notice and "4,802.50" in notice and "700" in notice
    fallback = text_of(section(get(fixture_app, "?month=九月"), "notice"))
    assert "（2025年10月；" in fallback


def test_a_month_over_the_cap_is_flagged(tmp_path):
    ledger = tmp_path / "over.beancount"
    ledger.write_text(FIXTURE.read_text(encoding="utf-8") + (
        '\n2025-10-20 * "食堂其他收入"\n'
        "  Assets:1002银行存款:100202食堂结算户   100.00 CNY\n"
        "  Income:4609其他收入:460901食堂其他收入\n"), encoding="utf-8")
    app = fava_client(ledger)
    assert [e.message[:6] for e in app[2].errors] == ["[CT03]"]
    october = re.search(r'<tr data-month="2025-10">(.*?)</tr>', section(get(app), "months"), flags=re.S)
    assert 'class="num xz-over">24.32%' in october.group(1)  # 135 / 555
    assert text_of(october.group(1)).endswith("超过上限")


def test_example_school_page(example_fava, example_ledger):
    app = example_fava
    html = get(app)
    entries, options_map = example_ledger.entries, example_ledger.options_map
    october = canteen.build(entries, options_map, dt.date(2026, 10, 1)).figures
    assert f"{october.income_total:,.2f}" in row(section(html, "months"), "2026-10")
    assert "青禾市绿源蔬菜配送有限公司 食品经营许可证 JY14307020052786 2026-12-15 45" in \
        text_of(section(html, "licences"))
    previous = get(app, "?school_year=2025&month=2026-04")
    assert "超过上限" not in text_of(section(previous, "months"))
    assert "2026年4月" in text_of(section(previous, "notice"))


# -- Fava's filter bar, and months without meals ------------------------------------------------
def test_time_filter_picks_the_months_and_the_stock_day(fixture_app):
    _client, _slug, ledger = fixture_app
    html = get(fixture_app, "?time=2025-09")
    months = section(html, "months")
    assert re.findall(r'data-month="([^"]+)"', months) == ["2025-09"]
    assert row(months, "2025-09") == "2025年9月 700 30 4,802.50 4,650.00 152.50 3.18% 75.16% 正常"
    assert "2025年9月各月收支" in text_of(months)
    # the stores at the end of September, summed here over the ledger's own postings
    stock = {}
    for entry in ledger.all_entries:
        if hasattr(entry, "postings") and entry.date <= dt.date(2025, 9, 30):
            for posting in entry.postings:
                if posting.account.startswith("Assets:1302库存物品:130201食堂食材:"):
                    leaf = posting.account.rsplit(":", 1)[-1][8:]
                    stock[leaf] = stock.get(leaf, 0) + posting.units.number
    assert stock == {"米面油": 400, "肉禽蛋": 0}
    stores = text_of(section(html, "stock"))
    assert "2025-09-30 账面余额" in stores and stores.endswith("米面油 400.00 肉禽蛋 0.00 合计 400.00")
    assert stores != text_of(section(get(fixture_app), "stock"))  # 100.00 at the end of the data
    # the month's documents: the only month of the filter with meals
    notice = section(html, "notice")
    assert re.findall(r"month=(\d{4}-\d{2})", notice) == [] and "（2025年9月；" in text_of(notice)
    top = html.split("<section", 1)[0]
    assert 'class="xz-filter"' in top and "时间 2025-09" in text_of(top)
    assert "整月、整学期" in text_of(top)


def test_account_filter_does_not_apply_and_says_so(fixture_app):
    html = get(fixture_app, "?account=Assets:1001库存现金")
    top = text_of(html.split("<section", 1)[0])
    assert "本页不随它变化" in top and "已按" not in top  # nothing here follows an account filter
    assert "不随筛选变化" in top and "不适用于食堂" in top
    assert row(section(html, "months"), "2025-09").startswith("2025年9月 700 30 4,802.50")


def test_a_month_without_meals_gets_no_notice_of_zeros(fixture_app):
    notice = section(get(fixture_app, "?month=2025-08"), "notice")
    text = text_of(notice)
    assert "2025-08 没有食堂就餐记录" in text and "不出伙食费收支公示" in text
    assert "xz-doc" not in notice and "0.00" not in text
    months = re.findall(r"month=(\d{4}-\d{2})", notice)
    assert months == ["2025-11", "2025-10", "2025-09"]  # the chooser offers months with meals
