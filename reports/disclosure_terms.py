"""收费公示 (fee disclosure): which term a month's disclosure is of, and that term's fee postings.

`choose_term`: the term asked for, else the month's (January: the autumn term while the
spring term has no fee posting).  `term_fees`: the defined fee postings of a term up to a
day, read alone or cut from the book's postings grouped by term.  The rules: "Terms", "Which
term a fee posting belongs to" and "Period" in `xiaozhang.reports.disclosure`'s docstring.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable

from xiaozhang.model.fees import FeeBook, FeePosting
from xiaozhang.model.periods import Term
from xiaozhang.reports.disclosure_figures import DisclosureError


def choose_term(terms: list[Term], as_of: dt.date, term_id: str | None,
                moved: Callable[[Term], bool]) -> Term:
    """The term `term_id`, else the one containing `as_of` — or the previous one when
    `moved(term)` says the containing one has no fee posting up to `as_of` (January: the
    autumn term)."""
    if term_id:
        for term in terms:
            if term.id == term_id:
                return term
        known = "、".join(t.id for t in terms)
        raise DisclosureError(f"账本中没有学期 {term_id}（可选：{known}）")
    containing = [t for t in terms if t.start <= as_of]
    if not containing:
        raise DisclosureError(f"{as_of} 早于账本的第一个学期")
    current = containing[-1]
    if len(containing) > 1 and not moved(current):
        return containing[-2]
    return current


def _fee_date(fee: FeePosting) -> dt.date:
    return fee[0].date


def term_fees(book: FeeBook, term: Term, until: dt.date) -> list[FeePosting]:
    """The defined fee postings of `term` (`FeeBook.term_of_posting`) dated up to `until`, in
    order: `book.by_term`'s list of the term, cut at `until`.

    When the book has not grouped its postings by term yet, only the postings that can belong
    to the term are asked (the others are not read): those dated from the term's start to
    the end of its settlement (`settle_until`, the debits of a settlement; a term still
    running: `until`), and those whose entry names a `term` (one test each).  The postings
    are in date order (the entries are).

    Developer note (speed, 2026-12-07): grouping every fee posting of the bench ledger by
    term (`FeeBook.by_term`, 170,000 postings, 21 terms) cost ≈ 0.09 s on the 收费公示 page's
    first open after a reload, for one term's 8,000; see `xiaozhang.reports.disclosure.build`."""
    grouped = book.__dict__.get("by_term")  # (a cached_property: there once computed)
    if grouped is not None:
        fees = grouped.get(term.id, [])
        return fees[:bisect_right(fees, until, key=_fee_date)]
    last = until if term.settle_until is None else min(until, term.settle_until)
    index = book.index  # the positions of the dates (the index's day runs)
    end = index.first_from(until, inclusive=False)  # [start, stop) the dates; [0, end) read
    start = min(end, index.first_from(term.start))
    stop = max(start, index.first_from(last, inclusive=False))
    named = "term"  # the entry names its term: it may be dated anywhere
    # only these fee postings are made (`FeeBook.postings_in`): the term's dates, and the
    # entries that name a term elsewhere
    postings = book.postings_in(start, stop, end, named)
    found: list[FeePosting] = []
    ident, of_posting = term.id, book.term_of_posting
    day, known = None, [None, None]  # without a `term`: the term of a credit, of a debit on `day`
    for fee in postings:
        if not fee[6]:  # defined
            continue
        txn = fee[0]
        if named in txn.meta:
            name = of_posting(fee)
        else:  # `term_of_posting` of the day and the side, asked once per day and side
            if txn.date != day:
                day, known = txn.date, [None, None]
            debit = fee[1].units.number > 0
            name = known[debit]
            if name is None:
                name = known[debit] = of_posting(fee)
        if name == ident:
            found.append(fee)
    return found
