"""The month sums every statement reads (reports/ledger_sums.py) against a plain walk over the
postings written here: any period (whole months, a few days, across years, from the beginning),
with and without the year-end 结转 entries, on the example school and a small ledger with 结转."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data

from xiaozhang.reports.ledger_sums import ledger_sums, transactions_between
from xiaozhang.reports.statements import account_sums

D = Decimal


def walked(entries, first, last, flows=False) -> dict[str, Decimal]:
    """Each account's CNY postings in [first, last], the 预算会计 accounts (Equity:6/7/8) left out;
    `flows`: without the transactions marked `year-end` on 31 December."""
    sums: dict[str, Decimal] = defaultdict(D)
    for entry in entries:
        if not isinstance(entry, data.Transaction) or entry.date > last:
            continue
        if first is not None and entry.date < first:
            continue
        if flows and "year-end" in entry.meta and (entry.date.month, entry.date.day) == (12, 31):
            continue
        for posting in entry.postings:
            if posting.units.currency == "CNY" and not posting.account.startswith(("Equity:6", "Equity:7",
                                                                                    "Equity:8")):
                sums[posting.account] += posting.units.number
    return dict(sums)


def periods(first: dt.date, last: dt.date, count: int, seed: int):
    pick = random.Random(seed)
    span = (last - first).days
    yield None, last
    yield first, last
    for _ in range(count):
        a = first + dt.timedelta(days=pick.randrange(-20, span + 20))
        b = a + dt.timedelta(days=pick.choice((0, 1, 15, 29, 30, 31, 45, 200, 400)))
        yield (None if pick.random() < 0.2 else a), b
    for year in range(first.year, last.year + 1):  # whole months and years, as the statements ask
        yield dt.date(year, 1, 1), dt.date(year, 12, 31)
        yield dt.date(year, 3, 1), dt.date(year, 3, 31)


def test_any_period_is_the_sum_of_its_postings(example_ledger):
    entries = example_ledger.entries
    days = [e.date for e in entries if isinstance(e, data.Transaction)]
    for first, last in periods(days[0], days[-1], 60, seed=7):
        for flows in (False, True):
            assert account_sums(entries, "CNY", first, last, flows) == walked(entries, first, last, flows), \
                (first, last, flows)


YEAR_END = """
option "operating_currency" "CNY"
2024-01-01 open Assets:1002银行存款:100201基本户
2024-01-01 open Income:4101事业收入
2024-01-01 open Expenses:5001业务活动费用
2024-01-01 open Equity:3301本期盈余
2024-01-01 open Equity:3001累计盈余
2024-01-01 open Equity:8001资金结存:800102货币资金
2024-01-01 open Equity:6101事业预算收入
2024-01-01 open Assets:1001库存现金 USD
2024-12-30 * "收费"
  Assets:1002银行存款:100201基本户  100.00 CNY
  Income:4101事业收入
  Equity:8001资金结存:800102货币资金  100.00 CNY
  Equity:6101事业预算收入  -100.00 CNY
2024-12-31 * "费用"
  Expenses:5001业务活动费用  30.00 CNY
  Assets:1002银行存款:100201基本户
2024-12-31 * "结转收入" #year-end
  year-end: TRUE
  Income:4101事业收入  100.00 CNY
  Equity:3301本期盈余
2024-12-31 * "结转费用"
  year-end: TRUE
  Equity:3301本期盈余  30.00 CNY
  Expenses:5001业务活动费用
2024-12-31 * "外币"
  Assets:1001库存现金  5.00 USD
  Equity:3001累计盈余  -5.00 USD
2025-01-02 * "收费"
  Assets:1002银行存款:100201基本户  50.00 CNY
  Income:4101事业收入
"""


def test_year_end_entries_count_in_balances_not_in_flows():
    entries, errors, _ = loader.load_string(YEAR_END)
    assert errors == []
    dec = (dt.date(2024, 12, 1), dt.date(2024, 12, 31))
    assert account_sums(entries, "CNY", *dec, flows=True) == {
        "Assets:1002银行存款:100201基本户": D("70.00"), "Income:4101事业收入": D("-100.00"),
        "Expenses:5001业务活动费用": D("30.00")}
    balances = account_sums(entries, "CNY", None, dt.date(2024, 12, 31))
    assert balances == walked(entries, None, dt.date(2024, 12, 31))
    assert balances["Income:4101事业收入"] == balances["Expenses:5001业务活动费用"] == 0
    assert balances["Equity:3301本期盈余"] == D("-70.00")
    for first, last in periods(dt.date(2024, 12, 30), dt.date(2025, 1, 2), 30, seed=3):
        for flows in (False, True):
            assert account_sums(entries, "CNY", first, last, flows) == walked(entries, first, last, flows)
    assert [t.narration for t in transactions_between(entries, dt.date(2024, 12, 31), dt.date(2024, 12, 31))] \
        == ["费用", "结转收入", "结转费用", "外币"]
    assert ledger_sums(entries, "CNY") is ledger_sums(entries, "CNY")  # once per entries list
