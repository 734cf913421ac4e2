"""The 固定资产 page in a real Fava application (Flask test client, no mocks), on
tests/fixtures/assets.beancount (figures by hand, see tests/reports/test_assets_report.py)
and on the example school."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from test_fava_ext import fava_client, text_of

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
    assert "在账 74 张卡片" in text
    assert "内部转移" in section(html, "changes") and "处置（报废）" in section(html, "changes")
    classroom = section(get(app, "?location=三(2)班教室"), "register")
    assert "多媒体投影机" in classroom and "学生课桌椅" in classroom
    assert "2025" in section(get(app, "?year=2025"), "depreciation")
