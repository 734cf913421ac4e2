"""The one classifier of fee postings (the manual: `xiaozhang.model.fees`, "Fee postings").

`FeeBook.classified` (xiaozhang/model/fees.py) runs it once per books: what an account is to
it is decided once per account (`_accounts_of`), what a transaction is once per index mask
(`_Plans`), and the transactions are taken by mask from the index's positions (`_classify`).
`FeePosting`, the roles and `is_refund` are defined here and read through
`xiaozhang.model.fees`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from beancount.core import data

from xiaozhang.model.fee_items import (ADMINISTRATIVE, AGENCY, AGENCY_KIND, EXPENSES, INCOME,
                                       SERVICE, TREASURY, item_name)
from xiaozhang.model.index import merged_positions

if TYPE_CHECKING:
    from xiaozhang.model.fees import FeeBook


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
