"""Each account's postings by month: one pass over a loaded entries list, shared by every statement.

The 财务报表 (资产负债表, 收入费用表, 净资产变动表 opening balances, 附注) all ask the same question —
"the sum of each account's postings from one day to another" — for a few periods of one month.
Asked of the transactions each time, every statement walked the whole history again (ten years
of a big school: 180,000 transactions for each of nine questions).  `LedgerSums` walks the
transactions once per loaded entries list and keeps, per calendar month, each account's sum of
postings in the operating currency (the 预算会计 accounts left out: `chart.is_budget_account`),
with the year-end 结转 entries (`closing.is_year_end`) apart; any period is then the sum of its
whole months plus a walk over the few transactions of a partial month.

`ledger_sums(entries, currency)` is built once per entries list (`report_cache`: kept with the
list's school model, `SchoolBooks.of(entries)`, not as a model part: the sums count the generated
entries too — depreciation, Beancount's padding — which the parts shared between the books of
one load's written entries, `SchoolBooks.twin`, do not).  `transactions_between(entries, first, last)` is
the slice of the transactions dated in [first, last] (two binary searches, no walk).
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import weakref
from collections import defaultdict
from decimal import Decimal
from itertools import chain
from operator import attrgetter

from beancount.core import data

from xiaozhang.chart import is_budget_account
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.closing import is_year_end

ZERO = Decimal(0)
_DATE = attrgetter("date")


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def transactions_between(entries, first: dt.date | None, last: dt.date) -> list[data.Transaction]:
    """The transactions of `entries` dated in [first, last] (None: from the beginning), in order."""
    txns = SchoolBooks.of(entries).transactions
    lo = 0 if first is None else bisect.bisect_left(txns, first, key=_DATE)
    hi = bisect.bisect_right(txns, last, lo=lo, key=_DATE)
    return txns[lo:hi]


def _posting_sums(transactions, currency: str) -> dict[str, Decimal]:
    """Each account's postings in `currency` (budget accounts included: the caller leaves them
    out once per account)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    try:  # the loaded postings are complete: no check per posting
        for posting in chain.from_iterable([t.postings for t in transactions]):
            units = posting.units
            if units.currency == currency:
                sums[posting.account] += units.number
    except (AttributeError, TypeError):  # an incomplete posting (a ledger with errors): slowly
        sums.clear()
        for txn in transactions:
            for posting in txn.postings:
                units = posting.units
                if units is not None and units.number is not None and units.currency == currency:
                    sums[posting.account] += units.number
    return sums


class LedgerSums:
    """Each account's postings by calendar month (see the module docstring)."""

    def __init__(self, books: SchoolBooks, currency: str) -> None:
        self.currency = currency
        self.transactions = txns = books.transactions
        self.starts: list[dt.date] = []  # the first day of each month with transactions
        self.flows: list[dict[str, Decimal]] = []  # its sums without the year-end 结转 entries
        self.year_end: list[dict[str, Decimal]] = []  # the sums of its 结转 entries (December)
        budget: dict[str, bool] = {}
        position, count = 0, len(txns)
        while position < count:
            start = txns[position].date.replace(day=1)
            end = bisect.bisect_left(txns, _next_month(start), lo=position, key=_DATE)
            closing_start = end
            if start.month == 12:  # the 结转 entries are dated 31 December
                closing_start = bisect.bisect_left(txns, start.replace(day=31), lo=position, hi=end,
                                                   key=_DATE)
            sums = _posting_sums(txns[position:closing_start], currency)
            closing: dict[str, Decimal] = defaultdict(Decimal)
            for txn in txns[closing_start:end]:
                target = closing if txn.meta and is_year_end(txn) else sums
                for account, number in _posting_sums((txn,), currency).items():
                    target[account] += number
            for part in (sums, closing):
                for account in list(part):
                    left_out = budget.get(account)
                    if left_out is None:
                        left_out = budget[account] = is_budget_account(account)
                    if left_out:
                        del part[account]
            self.starts.append(start)
            self.flows.append(dict(sums))
            self.year_end.append(dict(closing))
            position = end
        self._memo: dict[tuple, dict[str, Decimal]] = {}

    def _walk(self, first: dt.date | None, last: dt.date, flows: bool, out: dict) -> None:
        txns = self.transactions
        lo = 0 if first is None else bisect.bisect_left(txns, first, key=_DATE)
        hi = bisect.bisect_right(txns, last, lo=lo, key=_DATE)
        for txn in txns[lo:hi]:
            if flows and txn.meta and is_year_end(txn):
                continue
            for posting in txn.postings:
                units = posting.units
                if (units is not None and units.number is not None and units.currency == self.currency
                        and not is_budget_account(posting.account)):
                    out[posting.account] += units.number

    def sums(self, first: dt.date | None, last: dt.date, flows: bool = False) -> dict[str, Decimal]:
        """Each account's postings dated in [first, last] (None: from the beginning), signed as
        booked; `flows`: without the year-end 结转 entries.  A new dict (the caller may change it)."""
        key = (first, last, flows)
        found = self._memo.get(key)
        if found is None:
            out: dict[str, Decimal] = defaultdict(lambda: ZERO)
            starts, day = self.starts, dt.timedelta(days=1)
            # the whole months: starting on or after `first`, ending on or before `last`
            lo = 0 if first is None else bisect.bisect_left(starts, first)
            hi = bisect.bisect_right(starts, last)
            if hi > lo and _next_month(starts[hi - 1]) - day > last:
                hi -= 1  # the last month is partial
            if hi <= lo:  # no whole month: walk the days
                self._walk(first, last, flows, out)
            else:
                if first is not None and first < starts[lo]:
                    self._walk(first, starts[lo] - day, flows, out)
                for index in range(lo, hi):
                    parts = (self.flows[index],) if flows else (self.flows[index], self.year_end[index])
                    for part in parts:
                        for account, number in part.items():
                            out[account] += number
                tail = _next_month(starts[hi - 1])
                if tail <= last:
                    self._walk(tail, last, flows, out)
            found = self._memo[key] = dict(out)
        return dict(found)


# The report-level cache: per school model (`SchoolBooks`, one per loaded entries list), held
# weakly — it goes with the books (a new load, a books evicted from the model's memo).
_CACHE: "weakref.WeakKeyDictionary[SchoolBooks, dict]" = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def report_cache(books: SchoolBooks) -> dict:
    """A dict for the reports' own figures of these books (`ledger_sums`, the `open` entries):
    not a part of the model (`SchoolBooks.part` shares parts between the books of one load's
    written entries, `SchoolBooks.twin`, which these figures must not — they count the
    generated entries — and which the first use of a part searches for)."""
    with _CACHE_LOCK:
        found = _CACHE.get(books)
        if found is None:
            found = _CACHE[books] = {}
        return found


def ledger_sums(entries, currency: str) -> LedgerSums:
    """The `LedgerSums` of `entries` (built once per entries list and currency)."""
    books = SchoolBooks.of(entries)
    cache = report_cache(books)
    key = ("ledger-sums", currency)
    found = cache.get(key)
    if found is None:
        found = cache[key] = LedgerSums(books, currency)
    return found


def opens(entries) -> list[data.Open]:
    """The `open` entries of `entries` (read once per entries list)."""
    books = SchoolBooks.of(entries)
    cache = report_cache(books)
    found = cache.get("opens")
    if found is None:
        kind = data.Open
        found = cache["opens"] = [e for e in books.entries if type(e) is kind]
    return found
