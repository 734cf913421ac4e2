"""Asset cards, disposals, transfers (plugins/assets.py, AS01-AS10): each rule both ways.

Every test loads a small ledger with the real loader (policy, assets and depreciation plugins)
and compares the complete list of (code, line) of the errors.
"""

from __future__ import annotations

import datetime as dt

from asset_ledger import (
    BASIC,
    HEADER,
    DISPOSAL,
    LOSS,
    OPENING,
    PROCEEDS,
    QUOTA,
    TRANSFER_EQUITY,
    accumulated,
    card,
    dispose,
    fixed,
    line_of,
    policy,
    run,
    transfer,
    until,
)
from beancount import loader
from beancount.core import data

from xiaozhang.model.books import SchoolBooks


def card_line(part, start):
    return line_of(part, "Assets:1601", start)


def test_a_complete_card_is_clean_on_the_posting_or_on_the_transaction():
    errors, entries, _ = run(card("2025-09-24", "5200.00"),
                             card("2025-09-25", "5200.00", "ZC20250002", on_txn=True))
    assert errors == []
    register = SchoolBooks.of(entries).assets
    assert list(register.cards) == ["ZC20250001", "ZC20250002"]
    first = register.cards["ZC20250001"]
    assert (first.name, first.category, first.subcategory, first.quantity, first.life,
            first.cost, first.source_kind, first.fund) == (
        "购置计算机", "通用设备", "计算机设备", 1, 6, 520000, "购置", "财政拨款")


# -- AS01 required fields --------------------------------------------------------------

def test_as01_a_card_without_its_department_or_supplier():
    parts = [card("2025-09-24", "5200.00", dept=None),
             card("2025-09-25", "5200.00", "ZC20250002", supplier=None, on_txn=True)]
    errors, _, starts = run(*parts)
    assert errors == [("AS01", card_line(parts[0], starts[0])), ("AS01", starts[1])]


def test_as01_bad_quantity_status_and_acquired():
    parts = [card("2025-09-24", "5200.00", quantity="五十"),
             card("2025-09-25", "5200.00", "ZC20250002", status="损坏"),
             card("2025-09-26", "5200.00", "ZC20250003", credit=OPENING, acquired="去年",
                  depreciated="0.00 CNY", depreciated_months=0)]
    errors, _, starts = run(*parts)
    assert errors == [("AS01", card_line(part, start)) for part, start in zip(parts, starts)]


def test_as01_only_purchases_need_supplier_invoice_and_procurement():
    found = card("2025-10-10", "3000.00", supplier=None, invoice=None, procurement=None,
                 credit=LOSS, narration="盘盈计算机")
    given = card("2025-10-11", "3000.00", "ZC20250002", supplier=None, invoice=None,
                 procurement=None, credit=TRANSFER_EQUITY, narration="区教育局无偿调入")
    errors, entries, _ = run(found, given)
    assert errors == []
    kinds = {c.asset_id: c.source_kind for c in SchoolBooks.of(entries).assets.cards.values()}
    assert kinds == {"ZC20250001": "盘盈", "ZC20250002": "无偿调入"}


def test_as01_an_opening_card_needs_its_acquisition_date_and_depreciation_taken():
    complete = card("2025-08-31", "6000.00", credit=OPENING, supplier=None, invoice=None,
                    procurement=None, acquired=dt.date(2022, 3, 10), depreciated="3000.00 CNY",
                    depreciated_months=36, prior="3000.00")
    incomplete = card("2025-08-31", "6000.00", "ZC20250002", credit=OPENING, supplier=None,
                      invoice=None, procurement=None)
    errors, _, starts = run(complete, incomplete)
    assert errors == [("AS01", card_line(incomplete, starts[1]))]


def test_as01_monthly_depreciation_only_as_a_positive_amount_on_an_opening_card():
    """`monthly_depreciation` (written by `xiaozhang new-year`) is read by the depreciation
    schedule: a malformed value, or one on a card that is not an opening card, is reported
    instead of being ignored."""
    opening_card = dict(credit=OPENING, supplier=None, invoice=None, procurement=None,
                        acquired=dt.date(2022, 3, 10), depreciated="3000.00 CNY",
                        depreciated_months=36, prior="3000.00")
    good = card("2025-08-31", "6000.00", monthly_depreciation="83.33 CNY", **opening_card)
    text = card("2025-08-31", "6000.00", "ZC20250002", monthly_depreciation="八十三",
                **opening_card)
    zero = card("2025-08-31", "6000.00", "ZC20250003", monthly_depreciation="0.00 CNY",
                **opening_card)
    bought = card("2025-09-24", "5200.00", "ZC20250004", monthly_depreciation="72.22 CNY")
    errors, _, starts = run(good, text, zero, bought)
    assert errors == [("AS01", card_line(part, start))
                      for part, start in zip((text, zero, bought), starts[1:])]


def test_as01_books_need_no_life_or_subcategory():
    books = card("2025-10-10", "20000.00", category="图书档案", subcategory=None, life=None,
                 quantity=1, model="各类少儿读物")
    errors, entries, _ = run(books, until("2026-10-31"))
    assert errors == []
    assert SchoolBooks.of(entries).assets.cards["ZC20250001"].schedule is None


# -- AS02 thresholds -------------------------------------------------------------------

def test_as02_unit_value_below_the_threshold():
    parts = [card("2025-09-24", "1000.00"),  # exactly the threshold: an asset
             card("2025-09-24", "3200.00", "ZC20250002", quantity=4)]  # 800 each
    errors, _, starts = run(*parts)
    assert errors == [("AS02", card_line(parts[1], starts[1]))]


def test_as02_special_equipment_has_its_own_threshold():
    parts = [card("2025-09-24", "1500.00", category="专用设备", subcategory="体育设备", life=5),
             card("2025-09-24", "1499.99", "ZC20250002", category="专用设备",
                  subcategory="体育设备", life=5)]
    errors, _, starts = run(*parts)
    assert errors == [("AS02", card_line(parts[1], starts[1]))]


def test_as02_batches_of_furniture_and_books_are_assets_below_the_unit_threshold():
    desks = card("2025-09-24", "36000.00", category="家具用具装具及动植物", subcategory="家具",
                 life=15, quantity=120, model="升降课桌椅")
    one_chair = card("2025-09-24", "300.00", "ZC20250002", category="家具用具装具及动植物",
                     subcategory="家具", life=15, quantity=1)
    computers = card("2025-09-24", "36000.00", "ZC20250003", quantity=60)  # 600 each: no batch rule
    errors, _, starts = run(desks, one_chair, computers)
    assert errors == [("AS02", card_line(one_chair, starts[1])),
                      ("AS02", card_line(computers, starts[2]))]


def test_as02_the_threshold_is_dated_policy():
    parts = [policy("2026-01-01", "asset-threshold", "800.00 CNY"),
             card("2025-12-10", "900.00"),
             card("2026-01-10", "900.00", "ZC20260002")]
    errors, _, starts = run(*parts)
    assert errors == [("AS02", card_line(parts[1], starts[1]))]


def test_as02_an_opening_card_is_judged_by_the_threshold_of_its_acquisition():
    old = card("2025-08-31", "600.00", credit=OPENING, supplier=None, invoice=None,
               procurement=None, acquired=dt.date(2010, 5, 1), depreciated="600.00 CNY",
               depreciated_months=72, prior="600.00")
    errors, _, starts = run(policy("2001-01-01", "asset-threshold", "500.00 CNY"),
                            policy("2011-01-01", "asset-threshold", "1000.00 CNY"), old)
    assert errors == []
    errors, _, starts = run(old)
    assert errors == [("AS02", card_line(old, starts[0]))]


# -- AS03 category ---------------------------------------------------------------------

def test_as03_unknown_category_subcategory_or_wrong_account():
    parts = [card("2025-09-24", "5200.00", category="通用设备"),
             card("2025-09-24", "5200.00", "ZC20250002", subcategory="笔记本"),
             card("2025-09-24", "5200.00", "ZC20250003", category="图书档案", subcategory="图书",
                  life=None),
             card("2025-09-24", "5200.00", "ZC20250004").replace(
                 fixed("通用设备"), fixed("专用设备"), 1)]
    errors, _, starts = run(*parts)
    assert errors == [("AS03", card_line(part, start)) for part, start in zip(parts[1:], starts[1:])]


def test_as03_a_category_that_is_not_one_of_the_six():
    part = card("2025-09-24", "5200.00").replace('category: "通用设备"', 'category: "电子设备"')
    errors, _, starts = run(part)
    assert errors == [("AS03", card_line(part, starts[0]))]


# -- AS04 useful life ------------------------------------------------------------------

def test_as04_life_below_the_minimum_of_the_table():
    parts = [card("2025-09-24", "5200.00", life=6),
             card("2025-09-24", "5200.00", "ZC20250002", life=4),
             card("2025-09-24", "36000.00", "ZC20250003", category="家具用具装具及动植物",
                  subcategory="家具", life=10, quantity=120),
             card("2025-09-24", "5200.00", "ZC20250004", life="六年")]
    errors, _, starts = run(*parts)
    assert errors == [("AS04", card_line(part, start)) for part, start in zip(parts[1:], starts[1:])]


# -- AS05 unique asset_id --------------------------------------------------------------

def test_as05_the_same_asset_id_twice():
    parts = [card("2025-09-24", "5200.00"), card("2025-10-24", "5400.00")]
    errors, entries, starts = run(*parts)
    assert errors == [("AS05", card_line(parts[1], starts[1]))]
    assert SchoolBooks.of(entries).assets.cards["ZC20250001"].cost == 520000  # the first card counts


# -- AS06 1601 without a card ----------------------------------------------------------

def test_as06_a_fixed_asset_posting_without_asset_id():
    part = (f'2025-09-24 * "青禾市华信电脑科技有限公司" "购计算机"\n'
            f"  {fixed('通用设备')}  5200.00 CNY\n  {QUOTA}\n\n")
    errors, _, starts = run(card("2025-09-20", "5200.00"), part)
    assert errors == [("AS06", starts[1])]


# -- AS07 disposals --------------------------------------------------------------------

COMPUTERS = card("2025-09-24", "52000.00", quantity=4)  # 722.22 a month from September 2025


def test_as07_a_disposal_at_net_book_value_is_clean():
    # same-month policy: depreciated September 2025 .. February 2027 = 18 x 722.22
    parts = [COMPUTERS, dispose("2027-03-15", "ZC20250001", "报废", "52000.00", "12999.96",
                                "39000.04")]
    errors, entries, _ = run(*parts)
    assert errors == []
    register = SchoolBooks.of(entries).assets
    assert register.cards["ZC20250001"].disposal.kind == "报废"


def test_as07_wrong_accumulated_depreciation_names_the_right_figure():
    part = dispose("2027-03-15", "ZC20250001", "报废", "52000.00", "13722.18", "38277.82")
    errors, entries, starts = run(COMPUTERS, part)
    assert errors == [("AS07", starts[1]), ("AS07", starts[1])]
    _, raw_errors, _ = loader.load_string(HEADER + COMPUTERS + part)
    messages = [e.message for e in raw_errors]
    assert "累计折旧 12999.96 元" in messages[0] and "净值 39000.04 元" in messages[1]


def test_as07_sale_free_transfer_out_and_shortage_use_their_accounts():
    parts = [COMPUTERS,
             card("2025-09-24", "52000.00", "ZC20250002", quantity=4),
             card("2025-09-24", "52000.00", "ZC20250003", quantity=4),
             dispose("2027-03-15", "ZC20250001", "出售", "52000.00", "12999.96", "39000.04",
                     extra=[(BASIC, "800.00"), (PROCEEDS, "-800.00")]),
             dispose("2027-03-15", "ZC20250002", "无偿调出", "52000.00", "12999.96", "39000.04",
                     target=TRANSFER_EQUITY),
             dispose("2027-03-15", "ZC20250003", "盘亏", "52000.00", "12999.96", "39000.04",
                     target=LOSS, approver=None, flag="!")]
    errors, _, _ = run(*parts)
    assert errors == []


def test_as07_book_value_to_the_wrong_account_proceeds_to_income_and_no_approver():
    parts = [COMPUTERS,
             card("2025-09-24", "52000.00", "ZC20250002", quantity=4),
             card("2025-09-24", "52000.00", "ZC20250003", quantity=4),
             dispose("2027-03-15", "ZC20250001", "无偿调出", "52000.00", "12999.96", "39000.04"),
             dispose("2027-03-15", "ZC20250002", "出售", "52000.00", "12999.96", "39000.04",
                     extra=[(BASIC, "800.00"), ("Income:4609其他收入", "-800.00")]),
             dispose("2027-03-15", "ZC20250003", "报废", "52000.00", "12999.96", "39000.04",
                     approver=None)]
    errors, _, starts = run(*parts)
    assert errors == [("AS07", starts[3]), ("AS07", starts[4]), ("AS07", starts[5])]


def test_as07_unknown_twice_disposed_unknown_kind_or_part_of_the_cost():
    parts = [COMPUTERS,
             dispose("2027-03-15", "ZC20250001", "报废", "52000.00", "12999.96", "39000.04"),
             dispose("2027-04-15", "ZC20250001", "报废", "52000.00", "12999.96", "39000.04"),
             dispose("2027-04-15", "ZC20259999", "报废", "100.00", None, "100.00"),
             card("2025-09-24", "52000.00", "ZC20250002", quantity=4),
             dispose("2027-03-15", "ZC20250002", "丢失", "52000.00", "12999.96", "39000.04"),
             card("2025-09-24", "52000.00", "ZC20250003", quantity=4),
             dispose("2027-03-15", "ZC20250003", "报废", "13000.00", "3249.99", "9750.01")]
    errors, _, starts = run(*parts)
    assert sorted(errors) == sorted([("AS07", starts[2]), ("AS07", starts[3]),
                                     ("AS07", starts[5]), ("AS07", starts[7])])


def test_as07_books_are_disposed_at_cost():
    books = card("2025-10-10", "20000.00", category="图书档案", subcategory=None, life=None,
                 model="各类少儿读物")
    out = dispose("2026-06-10", "ZC20250001", "报废", "20000.00", None, "20000.00",
                  category="图书档案")
    errors, _, _ = run(books, out)
    assert errors == []


# -- AS08 depreciation before the books ------------------------------------------------

def opening(asset_id, cost, taken, months, category="通用设备", prior=None, **fields):
    return card("2025-08-31", cost, asset_id, category, credit=OPENING, supplier=None,
                invoice=None, procurement=None, acquired=dt.date(2021, 9, 1),
                depreciated=f"{taken} CNY", depreciated_months=months,
                prior=taken if prior is None else prior, narration="期初建账", **fields)


def test_as08_opening_cards_within_cost_and_life_credited_to_1602():
    parts = [opening("ZC20210001", "6000.00", "4000.00", 48),
             opening("ZC20210002", "6000.00", "6500.00", 48),
             opening("ZC20210003", "6000.00", "4000.00", 80),
             opening("ZC20210004", "6000.00", "4000.00", 48, prior="3000.00"),
             opening("ZC20210005", "6000.00", "5000.00", 72)]
    errors, _, starts = run(*parts)
    assert errors == [("AS08", card_line(parts[1], starts[1])),
                      ("AS08", card_line(parts[2], starts[2])),
                      ("AS08", starts[3]),
                      ("AS08", card_line(parts[4], starts[4]))]


def test_as08_books_are_not_depreciated():
    part = card("2025-08-31", "20000.00", category="图书档案", subcategory=None, life=None,
                credit=OPENING, supplier=None, invoice=None, procurement=None,
                acquired=dt.date(2015, 9, 1), depreciated="100.00 CNY", depreciated_months=2)
    errors, _, starts = run(part)
    assert errors == [("AS08", card_line(part, starts[0]))]


# -- AS09 transfers --------------------------------------------------------------------

def test_as09_transfers_keep_the_history():
    parts = [COMPUTERS,
             transfer("2026-02-20", "ZC20250001", location="二(3)班教室", custodian="吴晓燕"),
             transfer("2026-09-01", "ZC20250001", dept="信息技术组", status="闲置")]
    errors, entries, _ = run(*parts)
    assert errors == []
    asset = SchoolBooks.of(entries).assets.cards["ZC20250001"]
    assert asset.state_on(dt.date(2026, 2, 19)) == {
        "location": "行政楼201", "custodian": "刘芳", "dept": "教务处", "status": "在用"}
    assert asset.state_on(dt.date(2026, 2, 20)) == {
        "location": "二(3)班教室", "custodian": "吴晓燕", "dept": "教务处", "status": "在用"}
    assert asset.state_on(dt.date(2026, 10, 1)) == {
        "location": "二(3)班教室", "custodian": "吴晓燕", "dept": "信息技术组", "status": "闲置"}


def test_as09_bad_transfers():
    parts = [COMPUTERS,
             transfer("2025-09-01", "ZC20250001", location="二(3)班教室"),
             transfer("2026-02-20", "ZC20259999", location="二(3)班教室"),
             transfer("2026-02-21", "ZC20250001"),
             transfer("2026-02-22", "ZC20250001", status="损坏"),
             dispose("2027-03-15", "ZC20250001", "报废", "52000.00", "12999.96", "39000.04"),
             transfer("2027-04-01", "ZC20250001", location="仓库")]
    errors, _, starts = run(*parts)
    assert errors == [("AS09", starts[i]) for i in (1, 2, 3, 4, 6)]


# -- AS10 hand-written depreciation ----------------------------------------------------

def test_as10_depreciation_written_by_hand():
    part = (f'2025-10-31 * "计提10月折旧"\n'
            f"  Expenses:5001业务活动费用:500104固定资产折旧费  722.22 CNY\n"
            f"  {accumulated('通用设备')}  -722.22 CNY\n\n")
    errors, _, starts = run(COMPUTERS, part)
    assert errors == [("AS10", starts[1])]


def test_generated_entries_are_not_cards_and_not_hand_written():
    errors, entries, _ = run(COMPUTERS, until("2026-10-31"))
    assert errors == []
    generated = [e for e in entries if isinstance(e, data.Transaction)
                 and e.meta.get("__xiaozhang__") == "depreciation"]
    assert len(generated) == 14  # September 2025 .. October 2026
    assert SchoolBooks.of(entries).assets.errors == []  # a second pass over its own output stays clean


def test_disposal_proceeds_go_to_2103_in_a_separate_entry_too():
    sale = (f'2027-03-20 * "明德区再生资源回收站" "报废电脑残值收入"\n'
            f"  {BASIC}  800.00 CNY\n  {PROCEEDS}  -800.00 CNY\n\n")
    errors, _, _ = run(COMPUTERS, dispose("2027-03-15", "ZC20250001", "报废", "52000.00",
                                          "12999.96", "39000.04"), sale)
    assert errors == []
    assert DISPOSAL.startswith("Expenses:5301")
