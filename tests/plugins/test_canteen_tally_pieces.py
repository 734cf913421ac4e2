"""The canteen's tallies are added up by whole calendar months where a period covers them
(`CanteenBook._pieces`, the months' sums kept by the one pass): every month's and every
term's tally, and one cutting months, equal the postings summed here one by one from the
example school; a book built from the transactions out of date order (no month sums kept by
the pass) gives the same tallies."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from beancount.core import data

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.canteen import CanteenBook


@pytest.fixture(scope="module")
def canteen(example_ledger):
    entries = list(example_ledger.entries)
    return SchoolBooks.of(entries, example_ledger.options_map).canteen


def summed(canteen, first: dt.date, last: dt.date):
    """Each canteen account's postings in the ledger's currency from `first` to `last`, in
    the order first posted, and the meal-income days — from the entries, posting by posting."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in canteen.books.entries:
        if isinstance(entry, data.Transaction) and first <= entry.date <= last:
            for posting in entry.postings:
                if (canteen.accounts.role(posting.account) is not None
                        and posting.units.currency == canteen.currency):
                    sums[posting.account] += posting.units.number
    return dict(sums)


def test_months_and_terms_equal_their_postings(canteen):
    assert len(canteen.months) > 10 and len(canteen.terms) >= 2
    for period in canteen.months + canteen.terms:
        tally = period.tally
        expected = summed(canteen, tally.first, tally.last)
        assert tally.sums == expected, period.name
        assert list(tally.sums) == list(expected), period.name  # the order first posted


def test_a_period_cutting_months_equals_its_postings(canteen):
    first = canteen.days[0] + dt.timedelta(days=17)
    last = canteen.days[-1] - dt.timedelta(days=40)
    tally = canteen.tally(first, last)
    assert tally.sums == summed(canteen, first, last)
    months = [m.tally for m in canteen.months if first <= m.tally.first and m.tally.last <= last]
    assert sum(m.meals_students for m in months) <= tally.meals_students


def test_transactions_out_of_order_give_the_same_tallies(canteen):
    books = canteen.books
    # the same entries, the transactions of each month in reverse: the pass keeps no month sums
    shuffled = sorted(books.entries, key=lambda e: (e.date.replace(day=1), -e.date.toordinal()))
    other = CanteenBook(SchoolBooks.of(shuffled, books.options_map))
    assert other._month_pieces == {}
    assert [(m.name, m.tally.sums, m.tally.income, m.tally.meals_students, m.tally.meals_staff,
             m.tally.days_served, m.tally.unknown_meals_entries) for m in other.months] == [
        (m.name, m.tally.sums, m.tally.income, m.tally.meals_students, m.tally.meals_staff,
         m.tally.days_served, m.tally.unknown_meals_entries) for m in canteen.months]
