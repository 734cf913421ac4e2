"""Fees: the fee items, the disclosure records, and the one classifier of fee postings.

The fee rule (`xiaozhang.plugins.fees`, FE01–FE06), the disclosure to parents
(`xiaozhang.reports.disclosure`), the monthly report (`xiaozhang.reports.monthly`) and the
收费公示 page all read `SchoolBooks.of(entries).fees`, built here once per entries list.

Fee items (`custom "fee"`, ledger/policy.beancount; the manual is plugins/fees.py; read by
`xiaozhang.model.fee_items`, with the disclosure records, the kinds and the scopes)
    An item has a name, a kind (行政事业性 / 服务性 / 代收), a standard, a unit, a scope, a basis,
    whether it is voluntary, a settlement policy and one account.  Several definitions of one
    name give the standards of disjoint scopes; a later definition of the same name and scope
    replaces the earlier one from its date.  A malformed definition or record is a problem
    (FE06) and is left out.

Disclosure records (`custom "disclosure" "2025-12" "作业本费" …`)
    The month (spelt YYYY-MM) and the items published for it; the directive's date is the
    date of publication, on or after the month's end.

Fee postings (the classifier, `FeePosting`, in `xiaozhang.model.fee_classifier`; one pass over
the transactions)
    A posting of non-zero amount is a fee posting when it is
    - on a defined item's account: a credit is a collection (收取); a debit on a 服务性 item's
      income account is a refund (退费: the service's costs are expenses, below); a debit on a
      代收 or 行政事业性 item's account is a refund when `is_refund` says so, else spending
      (支出: paid to the provider, or remitted to the treasury, 上缴财政);
    - on any other account under 230701 代收费 (an item that is not defined): the same, kind 代收;
    - a credit to an account under 2103 应缴财政款 of an entry with a `student`: a collection,
      kind 行政事业性 (of an item that is not defined);
    - a credit to an income account of an entry with a `student` whose `item` names no defined
      item: a collection, kind 服务性, of that undefined item;
    - an expense posting of an entry (or posting) whose `item` names a defined 服务性 item: the
      spending of that item (signed: a credit reduces the spending).
    `defined` says the posting belongs to a defined item (its account, or an expense tagged
    with it); the others exist so that the rule can report them (FE02) and the monthly report
    can show every 代收费 account.

The term of a fee posting (`FeeBook.term_of_posting`)
    Its entry's `term` metadata ("2025-2026-1") when present; else, for a debit dated within
    `settle-days` after a term's end, that term (the settlement); else the term containing it
    (`xiaozhang.model.periods`).

Disclosure status (`FeeBook.status`, FE05 and the 收费公示 page)
    Every (item, month) with a defined fee posting is due for disclosure by the month's end
    plus `disclosure-days`.  Its state, as of the last transaction the accountant wrote:
    已公示 (published by the deadline), 逾期公示 (published after it), 未公示（已逾期） (no
    record and the deadline is before the 评判日期 `books.as_of`), 待公示 (no record yet, not
    due on the 评判日期).

Developer note (speed, 2026-12-07): the classifier reads the index's transactions and masks
as they are; what a mask means to it (`_Plans`: no account it looks at, the usual
collection, or posting by posting) is decided once per distinct mask into a plain dict, so
a transaction it does not look at costs one lookup (before: three C-level passes over the
180,000 masks to select the transactions first).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from functools import cached_property
from typing import NamedTuple

from beancount.core import data

from xiaozhang.model.fee_items import (  # noqa: F401  (also the names the readers of fees import)
    ADMINISTRATIVE, AGENCY, AGENCY_KIND, EXPENSES, INCOME, SERVICE, TREASURY, DisclosureRecord,
    FeeItem, Scope, grade_name, grade_of_class, item_name, kind_label, read_directives,
    record_month)
from xiaozhang.model.fee_classifier import (  # noqa: F401  (the names the readers of fees import)
    COLLECTION, OPENING, REFUND, SPENDING, Classified, FeePosting, _accounts_of, _classify,
    _Plans, is_refund)
from xiaozhang.model.periods import Month


# -- disclosure status (FE05) ------------------------------------------------------------------
DISCLOSED, LATE, OVERDUE, PENDING = "已公示", "逾期公示", "未公示（已逾期）", "待公示"


class DueDisclosure(NamedTuple):
    """One item's month with fee postings, and its disclosure (FE05; the 收费公示 page)."""

    item: str
    year: int
    month: int
    first: data.Transaction  # the item's first movement that month
    due: dt.date  # month end + disclosure-days
    published: dt.date | None  # the earliest disclosure record of that month listing the item
    as_of: dt.date  # the 评判日期 (`books.as_of`): the day the deadline is judged by

    @property
    def period(self) -> str:
        return Month(self.year, self.month).text

    @property
    def late(self) -> bool:
        return self.published is not None and self.published > self.due

    @property
    def overdue(self) -> bool:
        """No record, and the deadline passed before the 评判日期."""
        return self.published is None and self.due < self.as_of

    @property
    def failing(self) -> bool:
        """FE05: published late, or not published by a deadline that has passed."""
        return self.late or self.overdue

    @property
    def state(self) -> str:
        if self.late:
            return LATE
        if self.published is not None:
            return DISCLOSED
        return OVERDUE if self.overdue else PENDING


# -- the book ------------------------------------------------------------------------------------
class FeeBook:
    """The fee items, disclosure records and fee postings of one entries list.

    `read_fees(entries)` reads the definitions and records only; `build(books)` gives the book
    whose postings, terms and status come from the school model of the entries."""

    def __init__(self, books=None) -> None:
        self.definitions: dict[str, list[FeeItem]] = {}  # by name, by date
        self.accounts: dict[str, str] = {}  # account -> item name
        self.disclosures: list[DisclosureRecord] = []
        self.problems: list[tuple[data.Custom, str]] = []  # FE06: (directive, message)
        self._books = books
        self._in_force: dict[tuple, list[FeeItem]] = {}  # (name, date) -> an interned version
        self._versions: dict[tuple, list[FeeItem]] = {}  # (name, ids of its items) -> version
        self._item_for: dict[tuple, tuple[FeeItem | None, bool | None]] = {}
        self._first_movements: dict[tuple[str, int, int], data.Transaction] = {}

    # -- definitions ---------------------------------------------------------------------------
    def in_force(self, name: str, date: dt.date) -> list[FeeItem]:
        """The definitions of the item in force on the date, one per scope.

        The list is the item's version in force: the same list object for every date on
        which the same definitions are in force (so a check of a collection can be reused
        for every date of that version, keyed by `id` of it).  Do not change it."""
        key = (name, date)
        found = self._in_force.get(key)
        if found is None:
            latest: dict[str, FeeItem] = {}
            for item in self.definitions.get(name, ()):
                if item.since <= date:
                    latest[item.scope.text] = item
            found = list(latest.values())
            found = self._versions.setdefault((name, tuple(map(id, found))), found)
            self._in_force[key] = found
        return found

    def item_for(self, name: str, date: dt.date, class_name: str | None,
                 grade: str | None) -> tuple[FeeItem | None, bool | None]:
        """The definition that applies to a student, and whether the student is in scope
        (None: the item has several scopes and the entry does not say the class/grade)."""
        return self.item_in(self.in_force(name, date), class_name, grade)

    def item_in(self, version: list[FeeItem], class_name: str | None,
                grade: str | None) -> tuple[FeeItem | None, bool | None]:
        """`item_for` of the version in force (`in_force`)."""
        key = (id(version), class_name, grade)
        answer = self._item_for.get(key)
        if answer is None:
            answer = self._item_for[key] = self._find_item(version, class_name, grade)
        return answer

    @staticmethod
    def _find_item(version, class_name, grade) -> tuple[FeeItem | None, bool | None]:
        unknown = False
        for item in version:
            inside = item.scope.contains(class_name, grade)
            if inside:
                return item, True
            unknown = unknown or inside is None
        return None, None if unknown else False

    def _add(self, item: FeeItem) -> None:
        self.definitions[item.name].append(item)
        self.accounts[item.account] = item.name
        self._in_force.clear()
        self._versions.clear()
        self._item_for.clear()

    @cached_property
    def version_dates(self) -> list[dt.date]:
        """The dates on which some item's definitions in force change (`in_force`): every
        definition's date, sorted.  Between two of them every item's version is the same."""
        return sorted({item.since for items in self.definitions.values() for item in items})

    def kind(self, name: str) -> str | None:
        items = self.definitions.get(name)
        return items[0].kind if items else None

    def names(self) -> list[str]:
        return list(self.definitions)

    # -- postings ------------------------------------------------------------------------------
    @property
    def index(self):
        """The school model's index of the entries (`xiaozhang.model.index.EntryIndex`)."""
        return self._books.index

    @cached_property
    def classified(self) -> "Classified":
        """The fee postings as the classifier leaves them (`Classified`): the usual collections
        as index positions, the others as `FeePosting`s; what the fee rule walks.

        Only the transactions with a posting on an account the classifier looks at are read:
        what an account is is decided once per account, for the index's accounts and the
        classifier alike, and what a transaction is once per index mask (`_Plans`, a plain
        dict of the index's distinct masks: the other transactions cost one lookup)."""
        accounts = _accounts_of(self)
        index = self._books.index
        wanted = index.mask_of(lambda account: accounts[account] is not None)
        plans = _Plans(index, accounts, wanted)
        found = _classify(index, self, accounts, {mask: plans[mask] for mask in index.distinct_masks})
        self._first_movements = found.first
        return found

    @cached_property
    def postings(self) -> list[FeePosting]:
        """Every fee posting of the books, in the order of the entries (the usual collections
        of `classified` made into `FeePosting`s here, on first use)."""
        found = self.classified
        return self._built(found.usual, found.others)

    def postings_in(self, lo: int, hi: int, until: int, naming: str) -> list[FeePosting]:
        """The fee postings of the transactions at index positions [lo, hi), and of those at
        [0, lo) and [hi, until) whose entry's metadata has the key `naming`, in order — only
        these are made into `FeePosting`s (a page that needs one term's: `term_fees`)."""
        found, transactions = self.classified, self.index.transactions
        usual, others = found.usual, found.others
        u_lo, u_hi, u_until = (bisect_left(usual, at) for at in (lo, hi, until))

        def named(positions):
            return [p for p in positions if naming in transactions[p].meta]

        chosen_usual = named(usual[:u_lo]) + usual[u_lo:u_hi] + named(usual[u_hi:u_until])
        keys = [fee[0] for fee in others]
        o_lo, o_hi, o_until = (bisect_left(keys, at) for at in (lo, hi, until))
        chosen_others = ([item for item in others[:o_lo] if naming in item[1][0].meta]
                         + others[o_lo:o_hi]
                         + [item for item in others[o_hi:o_until] if naming in item[1][0].meta])
        return self._built(chosen_usual, chosen_others)

    def _built(self, usual: list[int], others: list[tuple[int, FeePosting]]) -> list[FeePosting]:
        """The fee postings of the usual collections at `usual` (index positions, ascending)
        and of `others` ((position, posting), ascending), merged in order."""
        found, index = self.classified, self.index
        transactions, masks, credits, numbers = (index.transactions, index.masks, index.credits,
                                                 index.credit_numbers)
        plans = found.plans
        new = tuple.__new__  # FeePosting(...) without its Python-level __new__
        postings: list[FeePosting] = []
        append = postings.append
        at, count = 0, len(others)
        for position in usual:
            while at < count and others[at][0] < position:
                append(others[at][1])
                at += 1
            number = numbers[position]
            if not number:  # (no fee posting)
                continue
            plan = plans[masks[position]]
            append(new(FeePosting, (transactions[position], credits[position], plan[1], plan[2],
                                    COLLECTION, -number, plan[3])))
        postings += [fee for _position, fee in others[at:]]
        return postings

    @cached_property
    def by_term(self) -> dict[str, list[FeePosting]]:
        """The defined fee postings by the id of the term they belong to (in date order)."""
        grouped: dict[str, list[FeePosting]] = {}
        txn = day = explicit = term = None
        known: list = [None, None]  # the term of a credit, of a debit on `day`
        current: list[FeePosting] = []
        for fee in self.postings:
            if not fee[6]:  # defined
                continue
            if fee[0] is not txn:
                txn = fee[0]
                explicit = txn.meta.get("term")
                if not (isinstance(explicit, str) and explicit):
                    explicit = None
                    if txn.date != day:
                        day = txn.date
                        known = [None, None]
            if explicit is not None:
                name = explicit
            else:
                debit = fee[4] != COLLECTION and fee[5] > 0  # the posting's number > 0
                name = known[debit]
                if name is None:
                    name = known[debit] = self._term_of_day(day, debit)
            if name != term:
                term = name
                current = grouped.get(term)
                if current is None:
                    current = grouped[term] = []
            current.append(fee)
        return grouped

    def term_of_posting(self, fee: FeePosting) -> str:
        """The id of the term a fee posting belongs to (see the module docstring)."""
        explicit = fee.txn.meta.get("term")
        if isinstance(explicit, str) and explicit:
            return explicit
        return self._term_of_day(fee.txn.date, fee.posting.units.number > 0)

    def _term_of_day(self, day: dt.date, debit: bool) -> str:
        terms = self._books.terms
        if debit:
            for term in terms:
                if term.end is not None and term.end < day <= term.settle_until:
                    return term.id
        for term in terms:
            if term.contains(day):
                return term.id
        return ""

    # -- disclosure ----------------------------------------------------------------------------
    @cached_property
    def status(self) -> list[DueDisclosure]:
        """For each (item, month) with defined fee postings, in the order of the first one:
        when its disclosure is due, when it was published, and its state."""
        books = self._books
        as_of = books.as_of  # the 评判日期 (xiaozhang.model.asof), not the last entry
        published: dict[tuple[str, int, int], dt.date] = {}
        for record in self.disclosures:
            for name in record.items:
                key = (name, record.year, record.month)
                published[key] = min(record.date, published.get(key, record.date))
        self.classified  # noqa: B018  (the classifier notes each item's first movement of a month)
        first = self._first_movements
        rows = []
        for (name, year, month), txn in first.items():
            end = Month(year, month).last
            due = end + dt.timedelta(days=books.policy.get("disclosure-days", end))
            rows.append(DueDisclosure(name, year, month, txn, due, published.get((name, year, month)),
                                      as_of))
        return rows


def build(books) -> FeeBook:
    """The fee book of `books` (`SchoolBooks.fees`)."""
    book = FeeBook(books)
    read_directives(books.index.all_customs, book)  # the directives are Custom entries (the index's list)
    return book


def read_fees(entries: list) -> tuple[FeeBook, list[tuple[data.Custom, str]]]:
    """The fee items and disclosure records of `entries`, and the problems found (FE06)."""
    book = FeeBook()
    read_directives(entries, book)
    return book, book.problems
