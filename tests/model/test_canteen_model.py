"""The canteen in the school model (xiaozhang.model.canteen): accounts, suppliers, stocktakes,
the tally of months and terms, and the one surplus cap test, on tests/fixtures/canteen.beancount
(figures by hand) and small variants of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from xiaozhang import chart
from xiaozhang.model import canteen as model
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.canteen import SurplusCap, over_cap

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "canteen.beancount"
TERM_END = '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
D = Decimal


def load_text(text: str):
    entries, errors, options_map = loader.load_string(text)
    return entries, errors, options_map


@pytest.fixture(scope="module")
def fixture():
    entries, errors, options_map = loader.load_file(str(FIXTURE))
    assert errors == []
    return SchoolBooks.of(entries, options_map).canteen


def test_built_once_per_entries_list(fixture):
    books = fixture.books
    assert SchoolBooks.of(books.entries).canteen is fixture
    # a copy of the same entries shares the part (the books' twin); other entries get their own
    assert SchoolBooks.of(list(books.entries)).canteen is fixture
    assert SchoolBooks.of(list(books.entries)[:-1]).canteen is not fixture


def test_roles_of_the_canteen_accounts(fixture):
    role = fixture.accounts.role
    assert role(chart.BANK_CANTEEN) == model.MONEY
    assert role(chart.food_stock_account("米面油")) == model.STOCK  # the mark is inherited
    assert role(chart.CANTEEN_PAYABLE) == model.PAYABLE
    assert (role(chart.MEAL_CARDS), role(chart.STAFF_MEAL_CARDS)) == (model.CARDS, model.CARDS)
    assert role(chart.CANTEEN_EQUITY) == model.EQUITY
    assert (role(chart.MEAL_INCOME), role(chart.CANTEEN_OTHER_INCOME)) == (model.MEAL_INCOME, model.OTHER_INCOME)
    assert role(chart.food_cost_account("肉禽蛋")) == model.FOOD_COST
    assert (role(chart.CANTEEN_LABOUR), role(chart.CANTEEN_FUEL)) == (model.LABOUR_COST, model.COST)
    assert role(chart.BANK_BASIC) is None  # the school's own money is not the canteen's
    assert model.is_staff(chart.STAFF_MEAL_INCOME) and not model.is_staff(chart.MEAL_INCOME)


def test_suppliers_and_stocktakes_as_read(fixture):
    assert sorted(fixture.suppliers.by_name) == ["青禾市丰源粮油贸易有限公司", "青禾市鲜达农副产品配送有限公司"]
    assert fixture.supplier_problems == []
    assert [(s.entry.date, s.account.rsplit(":", 1)[-1], s.counted, s.book) for s in fixture.stocktakes] == [
        (dt.date(2025, 9, 30), "13020101米面油", D("400.00"), D("400.00")),
        (dt.date(2025, 9, 30), "13020102肉禽蛋", D("0.00"), D("0.00")),
        (dt.date(2025, 10, 31), "130201食堂食材", D("100.00"), D("100.00"))]  # the parent: both categories


def test_the_tally_of_a_month_by_hand(fixture):
    september = fixture.month(dt.date(2025, 9, 1))
    t = september.tally
    # income 3250 + 1300 (students) + 240 (staff) + 12.50 (interest)
    assert (t.income, t.meal_income) == (D("4802.50"), D("4790.00"))
    # food 2100 + 1480 + 20 (stocktake difference); other 300 + 700 + 50
    assert (t.food_cost, t.other_cost, t.cost, t.surplus) == (D("3600.00"), D("1050.00"), D("4650.00"), D("152.50"))
    assert t.rate == D("152.50") / D("4802.50")  # a fraction
    assert t.food_cost_ratio == D("3600.00") / D("4790.00")
    assert (t.meals_students, t.meals_staff, t.days_served, t.unknown_meals_entries) == (700, 30, 2, 0)
    assert t.last_income.date == dt.date(2025, 9, 21)  # the interest: the month's last income
    assert (september.name, september.closed, september.over_cap) == ("2025年9月", True, False)
    november = fixture.month(dt.date(2025, 11, 1))
    assert (november.closed, november.tally.rate) == (False, D("0.375"))  # 37.5%, but not over yet
    assert not november.over_cap


def test_terms_come_from_the_one_term_model(fixture):
    (autumn,) = fixture.terms
    assert autumn.term == fixture.books.terms[0]
    assert (autumn.name, autumn.term.start, autumn.term.end) == ("2025年秋季学期", dt.date(2025, 8, 31),
                                                                 dt.date(2026, 1, 16))
    assert (autumn.tally.income, autumn.closed) == (D("5417.50"), False)


def test_without_a_term_end_policy_the_terms_end_31_january_and_31_july():
    """Old behaviour: the canteen built no terms without `term-end` (the report: one term for
    the whole ledger); now the terms of xiaozhang.model.periods, as for the two-lines rule."""
    text = FIXTURE.read_text(encoding="utf-8").replace(TERM_END, "") + (
        '2026-02-02 * "就餐消费汇总，确认伙食费收入（一卡通系统）"\n'
        "  records: 10\n"
        "  Liabilities:2307其他应付款:230702饭卡预存    65.00 CNY\n"
        "  Income:4101事业收入:410102伙食费收入        -65.00 CNY\n")
    entries, errors, options_map = load_text(text)
    assert [e.message.split("伙食结余率")[0] for e in errors] == ["[CT03] 2025年11月"]  # November is over now: 37.5%
    canteen = SchoolBooks.of(entries, options_map).canteen
    assert [(p.name, p.term.start, p.term.end, p.closed, p.tally.income) for p in canteen.terms] == [
        ("2025年秋季学期", dt.date(2025, 8, 31), dt.date(2026, 1, 31), True, D("5417.50")),
        ("2026年春季学期", dt.date(2026, 2, 1), dt.date(2026, 7, 31), False, D("65.00"))]
    assert canteen.term_of(dt.date(2026, 2, 1)).name == "2026年春季学期"


@pytest.mark.parametrize("rate, cap, per_term, over", [
    (D("0.09"), SurplusCap(D(8), "school"), False, True),
    (D("0.08"), SurplusCap(D(8), "school"), False, False),  # at the cap is within it
    (D("0.08"), SurplusCap(D(8), "school"), True, False),
    (D("-0.30"), SurplusCap(D(8), "school"), True, False),  # a loss is no surplus over the cap
    (D("0.03"), SurplusCap(D(2), "kindergarten"), False, False),  # months are not held to it
    (D("0.03"), SurplusCap(D(2), "kindergarten"), True, True),
    (D("-0.03"), SurplusCap(D(2), "kindergarten"), True, True),
    (D("0.015"), SurplusCap(D(2), "kindergarten"), True, False),
    (None, SurplusCap(D(8), "school"), True, False),  # no income, no rate
])
def test_over_cap_is_one_test_of_a_fraction_against_a_percent(rate, cap, per_term, over):
    assert over_cap(rate, cap, per_term=per_term) is over


def test_the_rule_and_the_page_read_the_same_over_cap(tmp_path):
    """October over the cap: CT03 and the page's flag both come from the model's month."""
    from xiaozhang.reports import canteen as report

    text = FIXTURE.read_text(encoding="utf-8") + (
        '\n2025-10-20 * "食堂其他收入"\n'
        "  Assets:1002银行存款:100202食堂结算户   100.00 CNY\n"
        "  Income:4609其他收入:460901食堂其他收入\n")
    entries, errors, options_map = load_text(text)
    assert [e.message[:6] for e in errors] == ["[CT03]"]
    assert "2025年10月伙食结余率 24.32% 超过上限 8%" in errors[0].message  # 135 / 555
    october = SchoolBooks.of(entries, options_map).canteen.month(dt.date(2025, 10, 1))
    assert october.over_cap and october.tally.rate == D("135.00") / D("555.00")
    row = report.build_year(entries, options_map, 2025).months[1]
    assert (row.month, row.over_cap, row.figures.tally) == (dt.date(2025, 10, 1), True, october.tally)


def test_the_canteen_reads_every_transaction_with_a_canteen_posting_and_no_other(fixture):
    """The book reads only the transactions touching the canteen's accounts (from the books'
    index): the same transactions, in order, as a walk over every posting of the ledger."""
    role = fixture.accounts.role
    expected = [e for e in fixture.books.transactions
                if any(role(p.account) is not None for p in e.postings)]
    assert [t.entry for t in fixture.transactions] == expected
    assert all(role(p.account) is not None for t in fixture.transactions for p, _r in t.postings)


def test_a_stocktake_sees_the_whole_of_its_day_written_before_or_after_it():
    """A count is compared with the stores balance at the end of its day, whatever the order
    of the directives and transactions of that day in the file."""
    text = FIXTURE.read_text(encoding="utf-8")
    count = '2025-09-30 custom "stocktake" Assets:1302库存物品:130201食堂食材:13020101米面油 400.00 CNY\n'
    assert count in text
    moved = text.replace(count, "") + "\n" + count.replace("2025-09-30", "2025-09-29")
    entries, errors, options_map = load_text(moved)
    canteen = SchoolBooks.of(entries, options_map).canteen
    early = [s for s in canteen.stocktakes if s.entry.date == dt.date(2025, 9, 29)]
    assert len(early) == 1 and early[0].book is not None
    book_29 = sum((n for day in canteen.days if day <= dt.date(2025, 9, 29)
                   for a, n in canteen.by_day[day].items() if a == early[0].account), D(0))
    assert early[0].book == book_29
