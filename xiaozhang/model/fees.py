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

Fee postings (the classifier, `FeePosting`; one pass over the transactions)
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
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang.model.fee_items import (  # noqa: F401  (also the names the readers of fees import)
    ADMINISTRATIVE, AGENCY, AGENCY_KIND, EXPENSES, INCOME, SERVICE, TREASURY, DisclosureRecord,
    FeeItem, Scope, grade_name, grade_of_class, item_name, kind_label, read_directives,
    record_month)
from xiaozhang.model.index import merged_positions
from xiaozhang.model.periods import Month


# The roles of a fee posting.
COLLECTION, SPENDING, REFUND = "collection", "spending", "refund"


def is_refund(txn: data.Transaction, posting: data.Posting) -> bool:
    """A debit to a fee account is a refund (退费) when the posting or its entry names a
    `student` or a `refund_each`, or the narration says 退."""
    meta = posting.meta or {}
    return ("student" in meta or "student" in txn.meta or "refund_each" in meta
            or "refund_each" in txn.meta or "退" in (txn.narration or ""))


class FeePosting(NamedTuple):
    """One fee posting (see the module docstring)."""

    txn: data.Transaction
    posting: data.Posting
    item: str  # the account's item (its definition, else the account's name); an expense: its tag
    kind: str  # 行政事业性 / 服务性 / 代收
    role: str  # COLLECTION / SPENDING / REFUND
    amount: Decimal  # positive, except an expense credit (negative spending)
    defined: bool  # belongs to a defined item

    @property
    def date(self) -> dt.date:
        return self.txn.date

    @property
    def tag(self) -> str | None:
        """The item the posting or its entry names (`item`), if any."""
        return (self.posting.meta or {}).get("item") or self.txn.meta.get("item")

    @property
    def named(self) -> str:
        """The item the entry means: its tag, else the account's item."""
        return self.tag or self.item


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
        found, index = self.classified, self._books.index
        transactions = index.transactions
        usual, others = found.usual, found.others
        at, ends = bisect_left, (bisect_left(usual, lo), bisect_left(usual, hi),
                                 bisect_left(usual, until))
        first, middle, last = usual[:ends[0]], usual[ends[0]:ends[1]], usual[ends[1]:ends[2]]

        def named(positions):
            return [p for p in positions if naming in transactions[p].meta]

        chosen_usual = named(first) + middle + named(last)
        keys = [fee[0] for fee in others]
        o_lo, o_hi = at(keys, lo), at(keys, hi)
        o_until = at(keys, until)
        chosen_others = ([item for item in others[:o_lo] if naming in item[1][0].meta]
                         + others[o_lo:o_hi]
                         + [item for item in others[o_hi:o_until] if naming in item[1][0].meta])
        return self._built(chosen_usual, chosen_others)

    def _built(self, usual: list[int], others: list[tuple[int, FeePosting]]) -> list[FeePosting]:
        """The fee postings of the usual collections at `usual` (index positions, ascending)
        and of `others` ((position, posting), ascending), merged in order."""
        found = self.classified
        index = self._books.index
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


# -- the classifier ----------------------------------------------------------------------------
_ITEM, _AGENCY, _TREASURY, _INCOME, _EXPENSE = range(5)
_ZERO = Decimal(0)
_first = itemgetter(0)


class _Accounts(dict):
    """account -> what it is to the classifier (`what`), decided on first sight."""

    def __init__(self, what) -> None:
        super().__init__()
        self.what = what

    def __missing__(self, account: str):
        info = self[account] = self.what(account)
        return info


# The meta of an opening-balance entry (期初余额, `xiaozhang new-year`): it moves no fee.
OPENING = "opening"


def _accounts_of(book: FeeBook) -> _Accounts:
    """account -> (where, item name, kind, defined), or None: not looked at (decided once)."""
    service = any(book.kind(name) == SERVICE for name in book.definitions)

    def what(account: str) -> tuple | None:
        name = book.accounts.get(account)
        if name is not None:
            return _ITEM, name, book.kind(name), True
        if account.startswith(AGENCY):
            return _AGENCY, item_name(account), AGENCY_KIND, False
        if account.startswith(TREASURY):
            return _TREASURY, item_name(account), ADMINISTRATIVE, False
        if account.startswith(INCOME):
            return _INCOME, "", SERVICE, False
        if account.startswith(EXPENSES) and service:
            return _EXPENSE, "", SERVICE, True
        return None

    return _Accounts(what)


class _Plans(dict):
    """mask (`EntryIndex.masks`) -> the usual collection it stands for, decided once per mask.

    A transaction of two postings whose mask is one credit (or zero) to an item's account or
    an account under 230701 and one debit to an account the classifier does not look at is
    the usual fee transaction: its fee posting is the one on that account, a collection when
    its number is not zero (`EntryIndex.single_credit`: the index's `credits` hold that
    posting).  The plan is (that account, item name, kind, defined); None for
    every other mask (the transaction is classified posting by posting)."""

    def __init__(self, index, accounts: _Accounts, looked_at: int | None = None) -> None:
        super().__init__()
        self.index = index
        self.accounts = accounts
        self.looked_at = looked_at  # the bits of the accounts the classifier looks at (None: all)

    def __missing__(self, mask: int):
        if self.looked_at is not None and not mask & self.looked_at:
            self[mask] = False  # no posting on an account the classifier looks at: no fee
            return False
        plan = None
        account = self.index.single_credit(mask, lambda account: self.accounts[account] is not None)
        if account is not None:
            info = self.accounts[account]
            if info[0] <= _AGENCY:
                plan = (account, info[1], info[2], info[3])
        self[mask] = plan
        return plan


class Classified(NamedTuple):
    """The fee postings of the books as the classifier found them (`FeeBook.classified`).

    `usual`: the index positions (ascending) of the usual collections — two postings, a credit
    to an item's account or an account under 230701 and a debit to an account the classifier
    does not look at (`_Plans`); the transaction's fee posting is the index's
    `credits[position]`, its amount `-credit_numbers[position]`, and `plans[masks[position]]`
    is (that account, the item, the kind, defined).  A position whose number is zero is no fee
    posting: its readers skip it (the classifier does not read the numbers).  No `FeePosting`
    is built for them unless `FeeBook.postings` is read.  `others`: every other fee posting
    with the position of its transaction, in order.  `first`: the first transaction of each
    (item, year, month) with a defined fee posting, in the order of those first ones."""

    usual: list[int]
    plans: dict[int, Any]
    others: list[tuple[int, FeePosting]]
    first: dict[tuple[str, int, int], data.Transaction]


def _classify(index, book: FeeBook, accounts: _Accounts, plans: dict) -> Classified:
    """The fee postings (`Classified`) of the index's transactions.

    What an account is (a defined item's, under 230701 or 2103, income, expense, none of
    these) is decided once per account (`accounts`), what a transaction is once per index mask
    (`plans`, `_Plans`), and the transactions are taken by mask from the index's positions
    grouped by mask: those on no account the classifier looks at are not visited.  The usual
    collections of a mask are kept as the index's positions of the mask (the transactions of
    a mask in `EntryIndex.irregular_masks` that are not two postings with numbers are read
    posting by posting), the first of each month found by bisection over the index's months;
    the other transactions are read posting by posting (`_classify_one`)."""
    service = {name for name in book.definitions if book.kind(name) == SERVICE}
    definitions = book.definitions
    numbers, transactions = index.credit_numbers, index.transactions
    irregular = index.irregular_masks
    months = index.months()
    starts = [start for start, _month in months] + [len(index.masks)]
    usual: list[list[int]] = []  # per mask of a usual collection: its collections' positions
    rest: list[list[int]] = []  # per other mask: its positions (read posting by posting)
    candidates: list[tuple[int, str, tuple[int, int]]] = []  # (position, item, month) of firsts
    for mask, plan in plans.items():
        if plan is False:  # no posting on an account the classifier looks at
            continue
        positions = index.positions(mask)
        if plan is None:
            rest.append(positions)
            continue
        if mask in irregular:  # (some not two postings with numbers: read posting by posting)
            found = list(map(numbers.__getitem__, positions))
            rest.append([p for p, number in zip(positions, found) if number is None])
            kept = [p for p, number in zip(positions, found) if number is not None]
        else:
            kept = positions
        usual.append(kept)
        if plan[3] and kept:  # defined: the first of its item's months
            at = 0
            for which, (start, month) in enumerate(months):
                at = bisect_left(kept, start, at)
                if at == len(kept):
                    break
                while at < len(kept) and kept[at] < starts[which + 1]:
                    if numbers[kept[at]]:  # (zero: no fee posting)
                        candidates.append((kept[at], plan[1], month))
                        break
                    at += 1
    others: list[tuple[int, FeePosting]] = []
    new = tuple.__new__  # FeePosting(...) without its Python-level __new__: one call less per posting
    zero, collection = _ZERO, COLLECTION
    seen: set[tuple] = set()  # (item, month) of the others, seen
    for position in merged_positions(rest) if rest else ():
        txn = transactions[position]
        for posting in txn.postings:
            info = accounts[posting.account]
            if info is None or OPENING in txn.meta:  # (期初余额: not a fee movement)
                continue
            number = posting.units.number
            if info[0] <= _AGENCY and number is not None and number < zero:  # the usual case
                name, defined = info[1], info[3]
                fee = new(FeePosting, (txn, posting, name, info[2], collection, -number, defined))
            else:
                fee = _classify_one(txn, posting, info, number, service, definitions)
                if fee is None:
                    continue
                name, defined = fee[2], fee[6]
            others.append((position, fee))
            if defined and (name, txn.date.year, txn.date.month) not in seen:
                seen.add((name, txn.date.year, txn.date.month))
                candidates.append((position, name, (txn.date.year, txn.date.month)))
    # the first transaction of each (item, month), in the order of those first ones (a stable
    # sort: one transaction's items in the order of its postings)
    candidates.sort(key=_first)
    first: dict[tuple[str, int, int], data.Transaction] = {}
    for position, name, (year, month) in candidates:
        if (name, year, month) not in first:
            first[(name, year, month)] = transactions[position]
    return Classified(merged_positions(usual) if usual else [], plans, others, first)


def _classify_one(txn: data.Transaction, posting: data.Posting, info: tuple, number,
                  service: set[str], definitions: dict) -> FeePosting | None:
    """The fee posting of one posting on an account the classifier looks at (None: none)."""
    if not number:
        return None
    where, name, kind, defined = info
    new = tuple.__new__  # FeePosting(...) without its Python-level __new__
    if where <= _AGENCY:  # _ITEM or _AGENCY
        if number < 0:
            return new(FeePosting, (txn, posting, name, kind, COLLECTION, -number, defined))
        if kind == SERVICE or is_refund(txn, posting):
            return new(FeePosting, (txn, posting, name, kind, REFUND, number, defined))
        return new(FeePosting, (txn, posting, name, kind, SPENDING, number, defined))
    if where == _EXPENSE:
        tag = (posting.meta or {}).get("item") or txn.meta.get("item")
        if tag in service:
            return new(FeePosting, (txn, posting, tag, SERVICE, SPENDING, number, True))
        return None
    if number < 0 and "student" in txn.meta:  # 2103 or income: a student's payment
        if where == _TREASURY:
            return new(FeePosting, (txn, posting, name, ADMINISTRATIVE, COLLECTION, -number, False))
        tag = (posting.meta or {}).get("item") or txn.meta.get("item")
        if tag and tag not in definitions:
            return new(FeePosting, (txn, posting, tag, SERVICE, COLLECTION, -number, False))
    return None
