"""Asset reports (reports/assets.py) on tests/fixtures/assets.beancount, figures computed by hand,
and on the example school against independent BQL sums of the ledger.

The fixture (see its comments): opening cards on 2024-12-31 — building 1200000.00 with 240000.00
taken (2000.00 a month left), desks 15000.00 with 4416.49 taken (83.33 a month), books 20000.00
— then computers 50000.00 from March 2025 (694.44), a camera 6000.00 from April (83.33), a
projector 7200.00 from June (100.00) scrapped on 2025-11-20 after 5 months (500.00).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beanquery import query
from openpyxl import load_workbook

from xiaozhang.reports import asset_documents, asset_years, assets
from xiaozhang.reports.document import pdf_bytes, pdf_text, write

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "assets.beancount"
D = Decimal


@pytest.fixture(scope="module")
def fixture():
    entries, errors, options_map = loader.load_file(str(FIXTURE))
    assert errors == []
    return entries, options_map


@pytest.fixture(scope="module")
def example(example_ledger):
    assert example_ledger.errors == []
    return example_ledger.entries, example_ledger.options_map


def bql_balance(entries, options_map, prefix: str, day: dt.date) -> Decimal:
    _types, rows = query.run_query(entries, options_map, (
        f"SELECT sum(number) AS total WHERE account ~ '^{prefix}' AND date <= {day}"))
    return rows[0][0] or D(0)


# -- 资产卡片清单 -------------------------------------------------------------------------

def test_register_at_year_end_by_hand(fixture):
    register = assets.build_register(*fixture)
    assert register.day == dt.date(2025, 12, 31)
    rows = [(r.asset_id, r.cost, r.depreciation, r.net, r.location, r.status) for r in register.rows]
    assert rows == [
        ("ZC20150001", D("1200000.00"), D("264000.00"), D("936000.00"), "校园北区", "在用"),
        ("ZC20250001", D("50000.00"), D("6944.40"), D("43055.60"), "综合楼三楼计算机教室", "在用"),
        ("ZC20250002", D("6000.00"), D("749.97"), D("5250.03"), "行政楼宣传室", "在用"),
        ("ZC20180001", D("20000.00"), D("0.00"), D("20000.00"), "图书室", "在用"),
        ("ZC20200001", D("15000.00"), D("5416.45"), D("9583.55"), "一(1)班教室", "在用"),
    ]
    assert (register.cost, register.depreciation, register.net) == (
        D("1291000.00"), D("277110.82"), D("1013889.18"))
    assert [(c.category, c.cards, c.cost) for c in register.by_category] == [
        ("房屋及构筑物", 1, D("1200000.00")), ("通用设备", 2, D("56000.00")),
        ("图书档案", 1, D("20000.00")), ("家具用具装具及动植物", 1, D("15000.00"))]
    assert register.rows[1].monthly == D("694.44") and register.rows[3].monthly is None


def test_register_reconciles_with_an_independent_ledger_sum(fixture):
    entries, options_map = fixture
    for day in (dt.date(2024, 12, 31), dt.date(2025, 6, 30), dt.date(2025, 11, 20),
                dt.date(2025, 12, 31)):
        check = assets.build_register(entries, options_map, day).reconciliation
        assert check.ok
        assert check.ledger_cost == bql_balance(entries, options_map, "Assets:1601", day)
        assert check.ledger_depreciation == -bql_balance(entries, options_map, "Assets:1602", day)


def test_register_of_one_classroom_follows_the_dates(fixture):
    june = assets.build_register(*fixture, dt.date(2025, 6, 30), location="一(1)班教室")
    assert [(r.name, r.custodian, r.depreciation) for r in june.rows] == [
        ("多媒体投影机", "周晓梅", D("100.00")), ("学生课桌椅", "周晓梅", D("4916.47"))]
    december = assets.build_register(*fixture, location="一(1)班教室")
    assert [r.name for r in december.rows] == ["学生课桌椅"]  # the projector was scrapped
    assert december.reconciliation.cards_cost == D("1291000.00")  # the whole register
    before = assets.build_register(*fixture, dt.date(2025, 8, 31), location="综合楼二楼")
    after = assets.build_register(*fixture, dt.date(2025, 9, 1), location="综合楼二楼")
    assert [r.asset_id for r in before.rows] == ["ZC20250001"] and after.rows == ()


def test_a_disagreeing_ledger_is_reported(fixture):
    entries, options_map = fixture
    text = FIXTURE.read_text(encoding="utf-8") + (
        '\n2025-12-31 * "补记"\n  Assets:1601固定资产:160102通用设备  300.00 CNY\n'
        "  Assets:1011零余额账户用款额度\n")
    broken, errors, options_map = loader.load_string(text)
    assert [e.message[1:5] for e in errors] == ["AS06"]
    check = assets.build_register(broken, options_map).reconciliation
    assert not check.ok and check.ledger_cost - check.cards_cost == D("300.00")
    assert "不相符：原值差 -300.00 元" in check.sentence()


# -- 折旧计提表 ---------------------------------------------------------------------------

def test_depreciation_table_by_hand(fixture):
    table = asset_years.build_depreciation(*fixture, 2025)
    assert table.months == tuple(range(1, 13))
    assert table.month_totals == tuple(D(x) for x in (
        "2083.33", "2083.33", "2777.77", "2861.10", "2861.10", "2961.10", "2961.10", "2961.10",
        "2961.10", "2961.10", "2861.10", "2861.10"))
    assert table.total == D("33194.33") == table.ledger_total
    assert [(c, total) for c, _months, total in table.by_category] == [
        ("房屋及构筑物", D("24000.00")), ("通用设备", D("8194.37")),
        ("家具用具装具及动植物", D("999.96"))]
    projector = next(line for line in table.lines if line.asset_id == "ZC20250003")
    assert (projector.months, projector.year_total, projector.accumulated, projector.net) == (
        5, D("500.00"), D("500.00"), D("6700.00"))
    assert table.ok


def test_depreciation_table_of_a_year_without_charges(fixture):
    with pytest.raises(assets.AssetReportError, match="2026 年还没有计提折旧的月份"):
        asset_years.build_depreciation(*fixture, 2026)


# -- 固定资产增减变动表 --------------------------------------------------------------------

def test_changes_table_by_hand(fixture):
    table = asset_years.build_changes(*fixture, 2025)
    assert (table.start, table.end, table.complete) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), True)
    total = table.total
    assert total.opening_cost == D("1235000.00")
    assert dict(zip(table.sources, total.additions))["购置"] == D("63200.00")
    assert dict(zip(table.kinds, total.disposals)) == {
        "报废": D("7200.00"), "出售": D("0.00"), "无偿调出": D("0.00"), "盘亏": D("0.00")}
    assert total.closing_cost == D("1291000.00")
    assert (total.opening_depreciation, total.charged, total.brought_in, total.written_off,
            total.closing_depreciation, total.closing_net) == (
        D("244416.49"), D("33194.33"), D("0.00"), D("500.00"), D("277110.82"), D("1013889.18"))
    equipment = next(r for r in table.rows if r.category == "通用设备")
    assert (equipment.opening_cost, equipment.added, equipment.removed, equipment.closing_cost,
            equipment.charged, equipment.closing_depreciation) == (
        D("0.00"), D("63200.00"), D("7200.00"), D("56000.00"), D("8194.37"), D("7694.37"))
    assert all(row.balanced for row in table.rows) and total.balanced
    assert table.opening.ok and table.closing.ok


def test_the_year_the_books_open_starts_with_the_opening_cards(fixture):
    """Issue 14: in the 建账 year the opening cards are the opening balances (what the school
    had), not additions (it used to open at 0.00 with everything 增加：期初建账)."""
    table = asset_years.build_changes(*fixture, 2024)
    assert table.opened == dt.date(2024, 12, 31)
    assert table.total.opening_cost == D("1235000.00") == table.total.closing_cost
    assert dict(zip(table.sources, table.total.additions))["期初建账"] == D("0.00")
    assert table.total.opening_depreciation == D("244416.49") == table.total.closing_depreciation
    assert table.total.brought_in == 0 and table.total.balanced and table.opening.ok
    # the next year opens with this year's closing balances, without 期初建账
    following = asset_years.build_changes(*fixture, 2025)
    assert following.opened is None
    assert (following.total.opening_cost, following.total.opening_depreciation) == (
        table.total.closing_cost, table.total.closing_depreciation)
    from xiaozhang.reports.asset_documents import changes_document
    from xiaozhang.reports.document import Table
    doc = changes_document(table)
    assert doc.blocks[0].columns[1] == "建账时原值" and "增加：期初建账" not in doc.blocks[0].columns
    assert "2024年12月31日（建账）" in dict(doc.info)["期间"]
    assert [b for b in doc.blocks if isinstance(b, Table)][0].total[1] == D("1235000.00")


def test_example_changes_open_with_the_previous_year_end(example):
    entries, options_map = example
    first, second = asset_years.build_changes(*example, 2025), asset_years.build_changes(*example, 2026)
    assert first.opened == dt.date(2025, 8, 31) and first.total.opening_cost > 19_000_000
    assert dict(zip(first.sources, first.total.additions))["期初建账"] == 0
    assert (second.total.opening_cost, second.total.opening_depreciation) == (
        first.total.closing_cost, first.total.closing_depreciation)


# -- the example school --------------------------------------------------------------------

def test_example_register_equals_the_ledger_at_every_month_end(example):
    entries, options_map = example
    for day in (dt.date(2025, 8, 31), dt.date(2025, 9, 30), dt.date(2026, 1, 15),
                dt.date(2026, 5, 12), dt.date(2026, 5, 31), dt.date(2026, 10, 31)):
        result = assets.build_register(entries, options_map, day)
        assert result.cost == bql_balance(entries, options_map, "Assets:1601", day), day
        assert result.depreciation == -bql_balance(entries, options_map, "Assets:1602", day), day
        assert result.reconciliation.ok


def test_example_depreciation_and_changes_reconcile(example):
    entries, options_map = example
    table = asset_years.build_depreciation(entries, options_map, 2026)
    _types, rows = query.run_query(entries, options_map, (
        "SELECT sum(number) WHERE account ~ '(500104|510104)固定资产折旧费' AND year = 2026"))
    assert table.total == rows[0][0] == table.ledger_total
    for year in (2025, 2026):
        changes = asset_years.build_changes(entries, options_map, year)
        assert changes.opening.ok and changes.closing.ok
        assert all(row.balanced for row in changes.rows)
    changes = asset_years.build_changes(entries, options_map, 2026)
    assert dict(zip(changes.kinds, changes.total.disposals))["报废"] > 0
    assert changes.total.charged == table.total


def test_recent_changes_of_the_example(example):
    changes = assets.recent_changes(*example, limit=50)
    kinds = {c.kind for c in changes}
    assert {"增加（购置）", "处置（报废）", "内部转移"} <= kinds
    assert [c.date for c in changes] == sorted((c.date for c in changes), reverse=True)


# -- documents -----------------------------------------------------------------------------

def test_classroom_register_document_has_the_signature_and_reconciliation(fixture, tmp_path):
    register = assets.build_register(*fixture, dt.date(2025, 6, 30), location="一(1)班教室")
    doc = asset_documents.register_document(register, "assets.beancount")
    text = "".join(pdf_text(pdf_bytes(doc)))
    assert "资产卡片清单（一(1)班教室）" in text
    assert "保管人（班主任）" in text and "多媒体投影机" in text and "7,200.00" in text
    assert "账卡相符" in text
    paths = write(doc, tmp_path, "room", ("xlsx",))
    sheet = load_workbook(paths[0]).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert 7200 in values and 15000 in values


def test_changes_and_depreciation_documents_show_the_figures(fixture):
    changes = "".join(pdf_text(pdf_bytes(asset_documents.changes_document(asset_years.build_changes(*fixture, 2025)))))
    for figure in ("1,235,000.00", "63,200.00", "7,200.00", "1,291,000.00", "277,110.82",
                   "1,013,889.18", "账卡相符", "单位负责人"):
        assert figure in changes
    table = "".join(pdf_text(pdf_bytes(asset_documents.depreciation_document(asset_years.build_depreciation(
        *fixture, 2025)))))
    assert "33,194.33" in table and "一致" in table and "2,961.10" in table
