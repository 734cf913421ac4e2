"""Depreciation entries (plugins/depreciation.py) against schedules computed by hand, to the fen.

Monthly amount = (cost - depreciation already taken) / months left, rounded half up to the
fen; the last month takes the remainder. Each schedule below is worked out in its docstring.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from asset_ledger import (
    EXPENSE,
    HEADER,
    OPENING,
    PLUGINS,
    accumulated,
    card,
    dispose,
    next_month,
    policy,
    run,
    until,
)
from beancount.core import data

D = Decimal


def generated(entries):
    return [e for e in entries if isinstance(e, data.Transaction)
            and e.meta.get("__xiaozhang__") == "depreciation"]


def schedule(entries, account=None):
    """[(date, amount)] credited to 1602 by the generated entries (per account if given)."""
    rows = defaultdict(Decimal)
    for entry in generated(entries):
        for posting in entry.postings:
            if posting.account.startswith("Assets:1602") and (account is None
                                                               or posting.account == account):
                rows[entry.date] -= posting.units.number
    return sorted(rows.items())


def balance(entries, prefix):
    return sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                for p in e.postings if p.account.startswith(prefix)), D(0))


def test_same_month_start_72_months_last_takes_the_remainder():
    """52000.00 over 6 years = 72 months: 52000.00 / 72 = 722.2222 -> 722.22 for 71 months
    (51277.62), the 72nd month (August 2031) 52000.00 - 51277.62 = 722.38. Bought
    2025-09-24: same-month policy starts in September 2025."""
    errors, entries, _ = run(card("2025-09-24", "52000.00", quantity=4), until("2031-12-31"))
    assert errors == []
    rows = schedule(entries)
    assert len(rows) == 72
    assert rows[0] == (dt.date(2025, 9, 30), D("722.22"))
    assert all(amount == D("722.22") for _, amount in rows[:71])
    assert rows[-1] == (dt.date(2031, 8, 31), D("722.38"))
    assert sum(amount for _, amount in rows) == D("52000.00")
    assert balance(entries, EXPENSE) == D("52000.00")


def test_next_month_start():
    """10000.00 over 72 months: 138.8889 -> 138.89 x 71 = 9861.19, last 138.81; bought
    2025-09-24 under next-month: October 2025 .. September 2031."""
    errors, entries, starts = run(next_month("2025-08-25"),
                             card("2025-09-24", "10000.00"), until("2031-12-31"))
    assert errors == [("AS13", starts[0])]  # the documented exception: a warning
    rows = schedule(entries)
    assert rows[0] == (dt.date(2025, 10, 31), D("138.89"))
    assert rows[-1] == (dt.date(2031, 9, 30), D("138.81"))
    assert len(rows) == 72 and sum(a for _, a in rows) == D("10000.00")


def test_the_start_policy_is_dated():
    """7200.00 over 72 months = 100.00 a month. Same-month until 2025-12-31, next-month from
    2026-01-01: bought 2025-12-10 starts in December, bought 2026-02-10 starts in March."""
    errors, entries, starts = run(next_month("2026-01-01"),
                             card("2025-12-10", "7200.00"),
                             card("2026-02-10", "7200.00", "ZC20260002"), until("2026-04-30"))
    assert errors == [("AS13", starts[0])]  # the documented exception: a warning
    assert schedule(entries) == [
        (dt.date(2025, 12, 31), D("100.00")), (dt.date(2026, 1, 31), D("100.00")),
        (dt.date(2026, 2, 28), D("100.00")), (dt.date(2026, 3, 31), D("200.00")),
        (dt.date(2026, 4, 30), D("200.00"))]


def test_mid_life_disposal_same_month_stops_before_the_disposal_month():
    """Disposed 2027-03-15 under same-month: September 2025 .. February 2027 = 18 months,
    18 x 722.22 = 12999.96; net book value 52000.00 - 12999.96 = 39000.04."""
    errors, entries, _ = run(card("2025-09-24", "52000.00", quantity=4),
                             dispose("2027-03-15", "ZC20250001", "报废", "52000.00", "12999.96",
                                     "39000.04"), until("2027-12-31"))
    assert errors == []
    rows = schedule(entries)
    assert len(rows) == 18 and rows[-1] == (dt.date(2027, 2, 28), D("722.22"))
    assert sum(a for _, a in rows) == D("12999.96")
    assert balance(entries, "Assets:1601") == 0 and balance(entries, "Assets:1602") == 0
    assert balance(entries, "Expenses:5301") == D("39000.04")


def test_mid_life_disposal_next_month_depreciates_the_disposal_month():
    """Next-month from 2027-01-01 (the purchase stays same-month): the disposal month March
    2027 is still depreciated, 19 x 722.22 = 13722.18, net book value 38277.82."""
    errors, entries, starts = run(next_month("2027-01-01"),
                             card("2025-09-24", "52000.00", quantity=4),
                             dispose("2027-03-15", "ZC20250001", "报废", "52000.00", "13722.18",
                                     "38277.82"), until("2027-12-31"))
    assert errors == [("AS13", starts[0])]  # the documented exception: a warning
    rows = schedule(entries)
    assert rows[0][0] == dt.date(2025, 9, 30) and rows[-1][0] == dt.date(2027, 3, 31)
    assert sum(a for _, a in rows) == D("13722.18")


def test_opening_balance_continues_over_the_months_left():
    """A building on the opening balance: cost 1234567.89, 50 years (600 months), 123 months
    and 345678.90 already taken. Left: 888888.99 over 477 months = 1863.4989 -> 1863.50 for
    476 months (887026.00), the last (May 2065) 888888.99 - 887026.00 = 1862.99; from
    September 2025, the month after the opening entry."""
    building = card("2025-08-31", "1234567.89", "ZC20080001", "房屋及构筑物", credit=OPENING,
                    subcategory="钢筋混凝土结构房屋", life=50, model="框架五层",
                    supplier=None, invoice=None, procurement=None,
                    acquired=dt.date(2015, 6, 1), depreciated="345678.90 CNY",
                    depreciated_months=123, prior="345678.90", narration="期初建账：教学楼")
    errors, entries, _ = run(building, until("2066-12-31"))
    assert errors == []
    rows = schedule(entries)
    assert len(rows) == 477
    assert rows[0] == (dt.date(2025, 9, 30), D("1863.50"))
    assert rows[-2] == (dt.date(2065, 4, 30), D("1863.50"))
    assert rows[-1] == (dt.date(2065, 5, 31), D("1862.99"))
    assert -balance(entries, "Assets:1602") == D("1234567.89")


def test_a_fully_depreciated_opening_card_gets_nothing():
    old = card("2025-08-31", "6000.00", credit=OPENING, supplier=None, invoice=None,
               procurement=None, acquired=dt.date(2015, 3, 1), depreciated="6000.00 CNY",
               depreciated_months=72, prior="6000.00")
    errors, entries, _ = run(old, until("2026-10-31"))
    assert errors == []
    assert generated(entries) == []


def test_rounding_up_finishes_early_rather_than_overshoot():
    """1000.00 over 600 months: 1.6667 -> 1.67; 599 x 1.67 would exceed the cost, so 598
    months of 1.67 (998.66) and a 599th month (July 2075) of 1.34."""
    errors, entries, _ = run(card("2025-09-10", "1000.00", category="房屋及构筑物",
                                  subcategory="钢结构房屋", life=50), until("2076-12-31"))
    assert errors == []
    rows = schedule(entries)
    assert len(rows) == 599
    assert rows[-2][1] == D("1.67") and rows[-1] == (dt.date(2075, 7, 31), D("1.34"))
    assert sum(a for _, a in rows) == D("1000.00")


def test_not_depreciated_books_relics_plants_and_land():
    parts = [card("2025-09-10", "20000.00", "ZC1", "图书档案", subcategory=None, life=None),
             card("2025-09-10", "20000.00", "ZC2", "文物和陈列品", subcategory=None, life=None),
             card("2025-09-10", "20000.00", "ZC3", "家具用具装具及动植物", subcategory="动植物",
                  life=None),
             card("2025-09-10", "200000.00", "ZC4", "房屋及构筑物", subcategory="土地", life=None),
             until("2026-10-31")]
    errors, entries, _ = run(*parts)
    assert errors == []
    assert generated(entries) == []


def test_one_entry_per_month_and_category_pointing_at_the_first_card():
    parts = [card("2025-09-24", "7200.00"),
             card("2025-10-08", "14400.00", "ZC20250002"),
             card("2025-10-08", "36000.00", "ZC20250003", "家具用具装具及动植物", subcategory="家具",
                  life=15, quantity=120),
             until("2025-11-15")]
    errors, entries, starts = run(*parts)
    assert errors == []
    rows = [(e.date, e.narration, e.meta["lineno"], e.meta["assets"],
             [(p.account, p.units.number) for p in e.postings]) for e in generated(entries)]
    first_card = starts[0] + 1
    furniture_card = starts[2] + 1
    equipment = accumulated("通用设备")
    furniture = accumulated("家具用具装具及动植物")
    # 14400 / 72 = 200.00; 36000 / 180 = 200.00
    assert rows == [
        (dt.date(2025, 9, 30), "计提2025年9月固定资产折旧（通用设备）", first_card, 1,
         [(EXPENSE, D("100.00")), (equipment, D("-100.00"))]),
        (dt.date(2025, 10, 31), "计提2025年10月固定资产折旧（通用设备）", first_card, 2,
         [(EXPENSE, D("300.00")), (equipment, D("-300.00"))]),
        (dt.date(2025, 10, 31), "计提2025年10月固定资产折旧（家具用具装具及动植物）", furniture_card, 1,
         [(EXPENSE, D("200.00")), (furniture, D("-200.00"))]),
        (dt.date(2025, 11, 30), "计提2025年11月固定资产折旧（通用设备）", first_card, 2,
         [(EXPENSE, D("300.00")), (equipment, D("-300.00"))]),
        (dt.date(2025, 11, 30), "计提2025年11月固定资产折旧（家具用具装具及动植物）", furniture_card, 1,
         [(EXPENSE, D("200.00")), (furniture, D("-200.00"))]),
    ]


def test_per_asset_mode_gives_the_same_balances():
    parts = [card("2025-09-24", "52000.00", quantity=4),
             card("2025-10-08", "10000.00", "ZC20250002"),
             dispose("2026-03-15", "ZC20250002", "报废", "10000.00", "694.45", "9305.55"),
             until("2026-10-31")]
    errors, summary, _ = run(*parts)
    assert errors == []
    header = HEADER.replace('plugin "xiaozhang.plugins.depreciation"',
                            'plugin "xiaozhang.plugins.depreciation" "asset"')
    errors, detail, starts = run(*parts, header=header)
    assert errors == []
    assert schedule(detail) == schedule(summary)
    # 10000.00 / 72 = 138.89: October 2025 .. February 2026 = 5 months = 694.45
    second = [(e.date, e.postings[0].units.number, e.meta["lineno"]) for e in generated(detail)
              if e.meta["asset_id"] == "ZC20250002"]
    assert second == [(dt.date(2025, m // 100, m % 100), D("138.89"), starts[1] + 1)
                      for m in (1031, 1130, 1231)] + [
        (dt.date(2026, 1, 31), D("138.89"), starts[1] + 1),
        (dt.date(2026, 2, 28), D("138.89"), starts[1] + 1)]


def test_depreciation_is_booked_up_to_the_month_of_the_last_transaction():
    errors, entries, _ = run(card("2025-09-24", "7200.00"), until("2026-02-03"))
    assert errors == []
    assert [date for date, _ in schedule(entries)][-1] == dt.date(2026, 2, 28)


def test_as11_a_missing_accumulated_depreciation_account():
    header = HEADER.replace(f"2000-01-01 open {accumulated('通用设备')} CNY\n", "")
    part = card("2025-09-24", "7200.00")
    errors, entries, starts = run(part, until("2025-12-31"), header=header)
    assert errors == [("AS11", starts[0] + 1)]
    assert generated(entries) == []


def test_as11_an_unknown_plugin_option():
    header = HEADER.replace('plugin "xiaozhang.plugins.depreciation"',
                            'plugin "xiaozhang.plugins.depreciation" "monthly"')
    errors, _, _ = run(card("2025-09-24", "7200.00"), header=header)
    assert errors == [("AS11", 0)]


# -- the generator asks the school model: alone, after the assets plugin, under either name --

ROOT = Path(__file__).resolve().parents[2]
THREE_CARDS = [card("2025-09-24", "52000.00", quantity=4),
               card("2025-10-08", "10000.00", "ZC20250002"),
               dispose("2026-03-15", "ZC20250002", "报废", "10000.00", "694.45", "9305.55"),
               until("2026-10-31")]


def with_plugins(header: str, *names: str) -> str:
    """`header` with these plugin lines instead of the usual ones (padded: same line numbers)."""
    lines = "".join(f'plugin "{name}"\n' for name in names)
    return header.replace(PLUGINS, lines + "\n" * max(0, PLUGINS.count("\n") - len(names)))


def entries_text(entries):
    """The generated entries as comparable tuples (date, narration, meta, postings)."""
    return [(e.date, e.narration, {k: v for k, v in e.meta.items()},
             [(p.account, p.units) for p in e.postings]) for e in generated(entries)]


@pytest.fixture
def top_level_plugins(monkeypatch):
    """`plugins.*` importable as a top-level package too (a ledger may name it so), and
    both module names loaded afresh."""
    monkeypatch.syspath_prepend(str(ROOT))
    for name in [m for m in sys.modules if m == "plugins" or m.startswith("plugins.")]:
        monkeypatch.delitem(sys.modules, name)


def test_the_generator_alone_books_the_same_entries():
    """Listed without the assets plugin it still reads the cards (from the school model)."""
    errors, full, _ = run(*THREE_CARDS)
    assert errors == []
    alone = with_plugins(HEADER, "xiaozhang.plugins.depreciation")
    errors, entries, _ = run(*THREE_CARDS, header=alone)
    assert errors == []
    assert entries_text(entries) == entries_text(full) != []


@pytest.mark.parametrize("names", [
    ("plugins.assets", "xiaozhang.plugins.depreciation"),
    ("xiaozhang.plugins.assets", "plugins.depreciation"),
    ("plugins.depreciation", "xiaozhang.plugins.assets"),
    ("xiaozhang.plugins.depreciation",),
])
def test_the_generator_under_either_import_name_and_in_any_order(top_level_plugins, names):
    """No state passes between the plugins: whatever the module names and order, the entries
    and the problems are those of the usual lines (a card problem reported once, by the
    assets plugin; AS11 by the generator)."""
    problem = card("2026-04-02", "800.00", "ZC20260001")  # [AS02] below the threshold
    header = HEADER.replace(f"2000-01-01 open {accumulated('家具用具装具及动植物')} CNY\n", "")
    furniture = card("2025-11-03", "3000.00", "ZC20250003", "家具用具装具及动植物",
                     subcategory="家具", life=15)  # [AS11] its 1602 account is not open
    parts = [*THREE_CARDS[:3], problem, furniture, THREE_CARDS[3]]
    expected_errors, expected, starts = run(*parts, header=header)
    assert sorted(expected_errors) == [("AS02", starts[3] + 1), ("AS11", starts[4] + 1)]
    lines = with_plugins(header, "xiaozhang.plugins.policy", *names)
    errors, entries, _ = run(*parts, header=lines)
    if any(name.endswith("assets") for name in names):
        assert sorted(errors) == sorted(expected_errors)
    else:
        assert errors == [("AS11", starts[4] + 1)]
    assert entries_text(entries) == entries_text(expected) != []
