"""平行记账: alike sources of a day merged into one budget entry, their links, and the model's
parts built on demand (`BudgetBook.derived`, `BudgetBook.months`) against the loaded entries.

The walk of xiaozhang.model.budget keeps the usual sources by their shape and sends the next
source of a run of alike ones to the run's group without building its key; these cases break
runs (another narration, another payee, a `func` on the entry) and check the merged entries and
links against figures written out here, and the 8001 balances of the model against the
postings of the loaded ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from beancount import loader
from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budget import FUND_SUBS, budget_of, default_rules_text

D = Decimal
BASIC, CASH, QUOTA = chart.BANK_BASIC, chart.CASH, chart.ZERO_BALANCE
OFFICE = chart.goods_services("30201")
AFTER_SCHOOL = chart.AFTER_SCHOOL_INCOME
M = chart.FUND_BALANCE_MONEY
OPENS = "".join(f"2019-01-01 open {a.account}\n" for a in chart.CHART)
PROFILE = '2019-01-01 custom "school" "测试小学"\n  func: "2050202"\n'


def load(case: str):
    text = ('plugin "xiaozhang.plugins.budget_accounting"\n' + OPENS + PROFILE
            + default_rules_text() + case)
    return loader.load_string(text)


def receipt(amount: str, narration: str = "收课后服务费", payee: str = "家长", date: str = "2026-03-02",
            links: str = "", meta: str = "") -> str:
    return (f'{date} * "{payee}" "{narration}"{links}\n{meta}'
            f"  {BASIC}  {amount} CNY\n  {AFTER_SCHOOL}  -{amount} CNY\n\n")


def generated(entries):
    return [e for e in entries if isinstance(e, data.Transaction)
            and e.meta.get("__xiaozhang__") == "budget"]


def sources(entries):
    return [e for e in entries if isinstance(e, data.Transaction)
            and e.meta.get("__xiaozhang__") != "budget"]


def money(entry) -> Decimal:
    return sum(p.units.number for p in entry.postings if p.account == M)


def test_a_run_of_alike_sources_broken_by_another_narration_and_payee():
    case = (receipt("280.00") + receipt("100.00", narration="收托管费") + receipt("280.00")
            + receipt("50.00", payee="王某") + receipt("280.00")
            + receipt("280.00", date="2026-03-03"))
    entries, errors, _ = load(case)
    assert errors == []
    made = generated(entries)
    # in the order first seen; numbered per day
    assert [(e.date, e.narration, money(e)) for e in made] == [
        (dt.date(2026, 3, 2), "收课后服务费（3 笔合并）", D("840.00")),
        (dt.date(2026, 3, 2), "收托管费", D("100.00")),
        (dt.date(2026, 3, 2), "收课后服务费", D("50.00")),
        (dt.date(2026, 3, 3), "收课后服务费", D("280.00"))]
    assert [sorted(e.links) for e in made] == [
        ["YS-20260302-0001"], ["YS-20260302-0002"], ["YS-20260302-0003"], ["YS-20260303-0001"]]
    assert made[0].meta["sources"] == 3 and "sources" not in made[1].meta
    # each source carries its budget entry's link, in its place
    assert [sorted(s.links) for s in sources(entries)] == [
        ["YS-20260302-0001"], ["YS-20260302-0002"], ["YS-20260302-0001"],
        ["YS-20260302-0003"], ["YS-20260302-0001"], ["YS-20260303-0001"]]


def test_a_func_on_the_entry_starts_another_group():
    case = (receipt("280.00") + receipt("280.00", meta='  func: "2050203"\n')
            + receipt("280.00"))
    entries, errors, _ = load(case)
    assert errors == []
    made = generated(entries)
    assert [(money(e), e.postings[1].meta) for e in made] == [
        (D("560.00"), {"func": "2050202"}), (D("280.00"), {"func": "2050203"})]


def test_a_source_with_links_of_its_own_keeps_them():
    case = receipt("280.00", links=" ^receipt-7") + receipt("280.00")
    entries, errors, _ = load(case)
    assert errors == []
    assert [sorted(s.links) for s in sources(entries)] == [
        ["YS-20260302-0001", "receipt-7"], ["YS-20260302-0001"]]
    assert [sorted(e.links) for e in generated(entries)] == [["YS-20260302-0001"]]


def test_the_model_built_on_demand_matches_the_loaded_entries():
    """`derived` (one image per source) and `months` (8001 both sides at every month end) are
    built only when asked; they must agree with the budget postings the plugin wrote."""
    opening = (f'2026-01-31 * "期初"\n  {BASIC}  1000.00 CNY\n  Equity:3001累计盈余  -1000.00 CNY\n\n'
               f'2026-01-31 * "期初"\n  {M}  1000.00 CNY\n'
               f"  {chart.NON_FISCAL_SURPLUS}:820204累计结余  -1000.00 CNY\n\n")
    case = (opening + receipt("280.00") + receipt("280.00")
            + f'2026-02-10 * "商店" "买办公用品"\n  {OFFICE}  80.00 CNY\n  {QUOTA}  -80.00 CNY\n\n'
            + f'2026-03-05 * "银行" "提现"\n  {CASH}  200.00 CNY\n  {BASIC}  -200.00 CNY\n\n'
            + receipt("120.00", date="2026-04-01"))
    entries, errors, options = load(case)
    assert errors == []
    book = budget_of(SchoolBooks.of(entries, options))
    written = [p for e in generated(entries) for p in e.postings]
    by_account: dict[str, Decimal] = {}
    for p in written:
        by_account[p.account] = by_account.get(p.account, D(0)) + p.units.number
    derived: dict[str, Decimal] = {}
    for d in book.derived:
        for line in d.lines:
            derived[line.account] = derived.get(line.account, D(0)) + line.number
    assert derived == by_account
    assert len(book.derived) == 4  # the three receipts and the office supplies
    # 8001 at each month end: every budget posting on it up to that day (hand-written included)
    assert [m.month_end for m in book.months] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28),
                                                  dt.date(2026, 3, 31), dt.date(2026, 4, 30)]
    for month in book.months:
        for sub, budget, financial in month.rows:
            expected = sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                            and e.date <= month.month_end for p in e.postings
                            if p.account == sub), D(0))
            assert budget == expected == financial, (month.month_end, sub)
        assert month.holds
    assert {sub for sub, _b, _f in book.months[-1].rows} == set(FUND_SUBS)
    last = {sub: budget for sub, budget, _f in book.months[-1].rows}
    assert last[M] == D("1000.00") + D("560.00") + D("120.00")  # the cash drawn moves nothing
    assert last[chart.FUND_BALANCE_QUOTA] == D("-80.00")


def test_a_func_on_a_posting_starts_another_group_unless_its_line_is_alike():
    on_income = (f'2026-03-02 * "家长" "收课后服务费"\n  {BASIC}  280.00 CNY\n'
                 f'  {AFTER_SCHOOL}  -280.00 CNY\n    func: "2050299"\n\n')
    on_bank = (f'2026-03-02 * "家长" "收课后服务费"\n  {BASIC}  280.00 CNY\n    func: "2050299"\n'
               f'  {AFTER_SCHOOL}  -280.00 CNY\n\n')
    # the bank's image (8001) takes no func: that line is alike, the entry joins the run
    entries, errors, _ = load(receipt("280.00") + on_income + on_bank + receipt("280.00"))
    assert errors == []
    made = generated(entries)
    assert [(money(e), e.postings[1].meta) for e in made] == [
        (D("840.00"), {"func": "2050202"}), (D("280.00"), {"func": "2050299"})]
    assert [sorted(s.links) for s in sources(entries)] == [
        ["YS-20260302-0001"], ["YS-20260302-0002"], ["YS-20260302-0001"], ["YS-20260302-0001"]]
