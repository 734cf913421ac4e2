"""The asset rules of the school's life table, nominal amounts, additions (改扩建) and the start
of depreciation (AS04, AS12, AS13, AS14), each both ways, with the real loader.

Schedules after an addition are checked against figures worked out here by hand (in the
docstrings) and by an independent straight-line computation in Decimal (`by_hand`).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from asset_ledger import (
    ADMIN_EXPENSE,
    BASIS,
    EXPENSE,
    HEADER,
    addition,
    card,
    dispose,
    fixed,
    line_of,
    next_month,
    policy,
    run,
    until,
)
from beancount import loader
from beancount.core import data

from xiaozhang.io import is_warning
from xiaozhang.model.books import SchoolBooks
from xiaozhang.reports import asset_years

D = Decimal
DONATION = "Income:4603捐赠收入"


def card_line(part, start):
    return line_of(part, "Assets:1601", start)


def warnings(text_parts):
    _entries, errors, _ = loader.load_string(HEADER + "".join(text_parts))
    return [(e.message[1:5], is_warning(e)) for e in errors]


def charges(entries) -> dict[dt.date, Decimal]:
    """Depreciation credited to 1602 by the generated entries, by month end."""
    rows: dict[dt.date, Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.meta.get("__xiaozhang__") == "depreciation":
            for posting in entry.postings:
                if posting.account.startswith("Assets:1602"):
                    rows[entry.date] = rows.get(entry.date, D(0)) - posting.units.number
    return dict(sorted(rows.items()))


def month_ends(first: dt.date, count: int) -> list[dt.date]:
    days, year, month = [], first.year, first.month
    for _ in range(count):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        days.append(following - dt.timedelta(days=1))
        year, month = following.year, following.month
    return days


def by_hand(base: str, months: int) -> list[Decimal]:
    """Straight line in Decimal: base / months rounded half up, the last month the remainder."""
    monthly = (D(base) / months).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    return [monthly] * (months - 1) + [D(base) - monthly * (months - 1)]


# -- AS04: the school's life table (补充规定 附表2) and the general table's ranges ------------

def test_student_desks_take_the_school_table_5_years_other_furniture_15():
    """附表2: 家具 15 年，其中：学生用家具（教学用）5 年."""
    desks = card("2025-09-10", "18000.00", category="家具用具装具及动植物", subcategory="学生用家具",
                 life=5, quantity=50)
    chairs = card("2025-09-10", "18000.00", "ZC20250002", category="家具用具装具及动植物",
                  subcategory="家具", life=5, quantity=50)
    errors, _, starts = run(desks, chairs)
    assert errors == [("AS04", card_line(chairs, starts[1]))]  # 家具 at 5: below 15
    short = card("2025-09-10", "18000.00", category="家具用具装具及动植物", subcategory="学生用家具",
                 life=4, quantity=50)
    errors, _, starts = run(short)
    assert errors == [("AS04", card_line(short, starts[0]))]


def test_upper_bounds_of_the_ranges_are_checked():
    """食品加工专用设备: 附表2 has no line, the general table 10—15 年: 20 fails, 12 passes."""
    kitchen = dict(category="专用设备", subcategory="食品加工专用设备", quantity=1)
    too_long = card("2025-09-10", "86000.00", life=20, **kitchen)
    fine = card("2025-09-10", "86000.00", "ZC20250002", life=12, **kitchen)
    errors, _, starts = run(too_long, fine)
    assert errors == [("AS04", card_line(too_long, starts[0]))]
    too_short = card("2025-09-10", "86000.00", life=8, **kitchen)
    errors, _, starts = run(too_short)
    assert errors == [("AS04", card_line(too_short, starts[0]))]


def test_a_life_above_the_school_table_within_the_range_is_a_warning():
    """体育设备: 附表2 5 年, general 5—10: 8 is allowed but flagged; 12 exceeds the range."""
    sports = dict(category="专用设备", subcategory="体育设备", quantity=2)
    eight = card("2025-09-10", "13600.00", life=8, **sports)
    assert warnings([eight]) == [("AS04", True)]
    twelve = card("2025-09-10", "13600.00", life=12, **sports)
    assert warnings([twelve]) == [("AS04", False)]
    assert warnings([card("2025-09-10", "13600.00", life=5, **sports)]) == []


# -- AS12: nominal amounts (准则第3号 第十七条: 以名义金额计量的固定资产不计提折旧) ------------

def test_a_donation_at_a_nominal_amount_is_accepted_and_never_depreciated():
    gift = card("2025-10-10", "1.00", credit=DONATION, nominal=True, narration="受赠旧钢琴")
    errors, entries, _ = run(gift, until("2026-06-30"))
    assert errors == []
    card_ = SchoolBooks.of(entries).assets.cards["ZC20250001"]
    assert card_.nominal and card_.schedule is None and card_.source_kind == "接受捐赠"
    assert charges(entries) == {}


def test_a_nominal_amount_needs_the_marker_1_yuan_and_no_cost_to_come_in():
    unmarked = card("2025-10-10", "1.00", credit=DONATION)  # below the threshold, as before
    errors, _, starts = run(unmarked)
    assert errors == [("AS02", card_line(unmarked, starts[0]))]
    parts = [card("2025-10-10", "1.00", nominal=True),  # bought: it has a cost
             card("2025-10-10", "100.00", "ZC20250002", credit=DONATION, nominal=True),
             card("2025-10-10", "1.00", "ZC20250003", credit=DONATION, nominal="是")]
    errors, _, starts = run(*parts)
    assert errors == [("AS12", card_line(part, start)) for part, start in zip(parts, starts)]


# -- AS13: 当月增加当月计提 (应用指南), next-month only as a documented exception -----------------

def test_next_month_needs_its_basis_and_stays_a_warning():
    bare = policy("2025-08-25", "depreciation-start", '"next-month"')
    errors, _, starts = run(bare, card("2025-09-10", "7200.00"))
    assert errors == [("AS13", starts[0])]
    assert warnings([bare]) == [("AS13", False)]
    assert warnings([next_month("2025-08-25")]) == [("AS13", True)]
    _, errors, _ = loader.load_string(HEADER + next_month("2025-08-25"))
    assert BASIS in errors[0].message
    assert warnings([policy("2025-08-25", "depreciation-start", '"same-month"')]) == []


# -- AS14 and 第二十二条: additions recalculate the schedule -----------------------------------

def test_an_addition_is_depreciated_over_the_remaining_life_from_its_month():
    """72000.00 over 72 months from January 2025: 1000.00 a month. On 2026-01-15 12000.00 is
    added: 12 months taken (12000.00), 60 left, (84000.00 - 12000.00) / 60 = 1200.00 a month
    from January 2026 to December 2030."""
    errors, entries, _ = run(card("2025-01-10", "72000.00"), addition("2026-01-15", "12000.00"),
                             until("2031-06-30"))
    assert errors == []
    expected = dict(zip(month_ends(dt.date(2025, 1, 1), 12), by_hand("72000.00", 72)))
    expected |= dict(zip(month_ends(dt.date(2026, 1, 1), 60), by_hand("72000.00", 60)))
    assert charges(entries) == expected
    assert sum(expected.values()) == D("84000.00")
    assert expected[dt.date(2026, 1, 31)] == D("1200.00")
    card_ = SchoolBooks.of(entries).assets.cards["ZC20250001"]
    assert (card_.cost_on(dt.date(2025, 12, 31)), card_.cost_on(dt.date(2026, 1, 15))) == (
        7200000, 8400000)
    changes = asset_years.build_changes(entries, None, 2026)
    assert dict(zip(changes.sources, changes.total.additions))["改扩建"] == D("12000.00")
    assert changes.total.closing_cost == D("84000.00") and all(r.balanced for r in changes.rows)


def test_an_addition_with_a_revised_life():
    """Same card, the addition revises the life to 8 years: 96 - 12 = 84 months left,
    72000.00 / 84 = 857.142857 -> 857.14 for 83 months (71142.62), the 84th 857.38."""
    errors, entries, _ = run(card("2025-01-10", "72000.00"),
                             addition("2026-01-15", "12000.00", life=8), until("2033-06-30"))
    assert errors == []
    rows = charges(entries)
    later = [amount for day, amount in rows.items() if day >= dt.date(2026, 1, 1)]
    assert later == by_hand("72000.00", 84)
    assert (later[0], later[-1], max(rows)) == (D("857.14"), D("857.38"), dt.date(2032, 12, 31))
    assert sum(rows.values()) == D("84000.00")


def test_a_fully_depreciated_card_needs_a_revised_life():
    """7200.00 over 72 months from January 2019 is used up in December 2024. An addition of
    3000.00 in March 2025 (74 months on) needs a new life: 8 years leaves 96 - 74 = 22 months,
    3000.00 / 22 = 136.36 for 21 months, the 22nd 136.44 (December 2026)."""
    old = card("2019-01-10", "7200.00")
    bare = addition("2025-03-10", "3000.00")
    errors, _, starts = run(old, bare)
    assert errors == [("AS14", line_of(bare, "Assets:1601", starts[1]))]
    errors, entries, _ = run(old, addition("2025-03-10", "3000.00", life=8), until("2027-06-30"))
    assert errors == []
    rows = charges(entries)
    assert [a for d, a in rows.items() if d >= dt.date(2025, 1, 1)] == by_hand("3000.00", 22)
    assert max(rows) == dt.date(2026, 12, 31) and sum(rows.values()) == D("10200.00")


def test_a_disposal_after_an_addition_writes_off_the_whole_cost():
    """Same-month rule: scrapped 2027-01-15, charged through December 2026: 12000.00 + 12 x
    1200.00 = 26400.00; net 84000.00 - 26400.00 = 57600.00."""
    base = [card("2025-01-10", "72000.00"), addition("2026-01-15", "12000.00")]
    errors, entries, _ = run(*base, dispose("2027-01-15", "ZC20250001", "报废", "84000.00",
                                            "26400.00", "57600.00"), until("2027-06-30"))
    assert errors == []
    assert max(charges(entries)) == dt.date(2026, 12, 31)
    wrong = dispose("2027-01-15", "ZC20250001", "报废", "72000.00", "26400.00", "45600.00")
    errors, _, starts = run(*base, wrong)
    assert errors == [("AS07", starts[2])]


def test_addition_problems_and_the_duplicate_card_without_the_marker():
    first = card("2025-01-10", "72000.00")
    parts = [addition("2025-01-05", "900.00", "ZC20259999"),  # no such card
             first,
             addition("2025-03-10", "900.00", account=fixed("专用设备"))]  # not the card's account
    errors, _, starts = run(*parts)
    assert errors == [("AS14", line_of(parts[0], "Assets:1601", starts[0])),
                      ("AS14", line_of(parts[2], "Assets:1601", starts[2]))]
    again = card("2025-03-10", "5200.00")  # the same asset_id without `addition`: a duplicate card
    errors, _, starts = run(first, again)
    assert errors == [("AS05", card_line(again, starts[1]))]


# -- 5101 / 5001: depreciation by use ---------------------------------------------------------

def expense_by_month(entries) -> dict[tuple[dt.date, str], Decimal]:
    rows: dict[tuple[dt.date, str], Decimal] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.meta.get("__xiaozhang__") == "depreciation":
            posting = entry.postings[0]
            key = (entry.date, posting.account)
            rows[key] = rows.get(key, D(0)) + posting.units.number
    return rows


def test_administrative_cards_charge_5101_teaching_cards_5001():
    """Two computers of 7200.00 (100.00 a month): 办公室's to 5101, 教务处's to 5001."""
    errors, entries, _ = run(card("2025-09-10", "7200.00", dept="办公室"),
                             card("2025-09-10", "7200.00", "ZC20250002"), until("2025-10-31"))
    assert errors == []
    assert expense_by_month(entries) == {
        (dt.date(2025, 9, 30), ADMIN_EXPENSE): D("100.00"), (dt.date(2025, 9, 30), EXPENSE): D("100.00"),
        (dt.date(2025, 10, 31), ADMIN_EXPENSE): D("100.00"), (dt.date(2025, 10, 31), EXPENSE): D("100.00")}


def test_a_transfer_to_an_administrative_department_moves_the_charge_from_its_month():
    from asset_ledger import transfer

    errors, entries, _ = run(card("2025-09-10", "7200.00"),
                             transfer("2025-11-20", "ZC20250001", dept="总务处"), until("2025-12-31"))
    assert errors == []
    assert sorted(expense_by_month(entries)) == [
        (dt.date(2025, 9, 30), EXPENSE), (dt.date(2025, 10, 31), EXPENSE),
        (dt.date(2025, 11, 30), ADMIN_EXPENSE), (dt.date(2025, 12, 31), ADMIN_EXPENSE)]


def test_the_administrative_departments_are_a_dated_policy():
    """From 2025-11-01 only 办公室 is 行政及后勤: 总务处's card goes back to 5001."""
    errors, entries, _ = run(policy("2025-11-01", "admin-depts", '"办公室"'),
                             card("2025-09-10", "7200.00", dept="总务处"), until("2025-11-30"))
    assert errors == []
    assert sorted(expense_by_month(entries)) == [
        (dt.date(2025, 9, 30), ADMIN_EXPENSE), (dt.date(2025, 10, 31), ADMIN_EXPENSE),
        (dt.date(2025, 11, 30), EXPENSE)]


def test_5101_must_be_open_for_administrative_cards():
    header = HEADER.replace(f"2000-01-01 open {ADMIN_EXPENSE} CNY\n", "")
    part = card("2025-09-10", "7200.00", dept="办公室")
    entries, errors, _ = loader.load_string(header + part)
    assert [e.message[1:5] for e in errors] == ["AS11"]
