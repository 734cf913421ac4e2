"""收支两条线的账: what 2103 应缴财政款 and 230701 代收费 hold, receipt by receipt, and the cash.

`SchoolBooks.of(entries).treasury` walks the entries once, in date order, and keeps:

Lots (first in, first out)
    Every credit to a 2103 or 230701 account is a receipt (a `Lot`); every debit pays the
    oldest receipts of that account, or — booked to a parent such as
    `Liabilities:2103应缴财政款` — the oldest receipts of its sub-accounts.  A payment larger
    than what is held (a provider paid before the fee is collected) is an advance that later
    receipts settle.  At the end, `to_remit.outstanding()` is what is still in 2103 (the
    合规 page's aging), `agency.outstanding()` what is still owed as 代收费.

Deadlines
    A receipt into 2103 must be remitted by `deadline(policy, received)`: `remittance-days`
    after receipt, else the last day of the month of receipt.  代收费 received in a term must
    be settled by the term's `settle_until` (`xiaozhang.model.periods.Term`).
    The walk checks the deadlines at the end of every day it walks through, and last on the
    评判日期 (`books.as_of`, `xiaozhang.model.asof`) when that is after the last entry: a school
    that stopped booking is still found late (receipts not remitted, a year end passed,
    代收费 of a term that ended since).  Entries after the 评判日期 are judged on their days.

Events (`events`, in the order they happen)
    What the walk finds, as facts: `Flow` (a transaction that credits income, debits spending
    or takes money out of 2103 — the rule checks where it goes), `Overdue` (2103 receipts
    past their deadline, once per spell), `YearEndHeld` (2103 not empty at 31 December),
    `Unsettled` (代收费 of a term not settled by its deadline, each amount once) and
    `CashOver` (cash on hand over `cash-limit` at the end of a day, once per spell).  The rule
    (`xiaozhang.plugins.twolines`, TL01–TL08) words them; the model decides nothing else.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.index import AGENCY, ASSET_ROOTS, CASH_ROOT, CREDIT, DEBIT, TREASURY, EntryIndex
from xiaozhang.model.periods import Term, month_end, terms as terms_until
from xiaozhang.model.policy import Policy

# Accounts are recognised by their code (docs/rules.md, TL), as `chart.MONEY_ROOTS` are:
# TREASURY (2103 应缴财政款), AGENCY (230701 代收费), CASH (1001 库存现金), see model/index.py.
CASH = CASH_ROOT
# Money the rules accept on the other side of a remittance or a refund (not the quota 1011).
CASH_AND_BANK = tuple(root for root in chart.MONEY_ROOTS if root != "Assets:1011")
SPENDING = ("Expenses:",) + ASSET_ROOTS + ("Liabilities:2302",)
NON_TAX_DEFAULT = ("住宿费", "学费", "保教费")
_CODE = re.compile(r"^\d+")
_ALWAYS = dt.date.min  # the default non-tax items are known from the first day
_UNKNOWN = object()
_ZERO = Decimal(0)


def item_name(account: str) -> str:
    """`住宿费` for `Liabilities:2103应缴财政款:210301住宿费` (the leaf without its code)."""
    return _CODE.sub("", account.rsplit(":", 1)[-1])


def deadline(policy: Policy, received: dt.date) -> dt.date:
    """The last day on which money received on `received` may still sit in 2103."""
    days = policy.get("remittance-days", received)
    if days is not None:
        return received + dt.timedelta(days=days)
    return month_end(received)


@dataclass(slots=True)
class Lot:
    """One receipt still (partly) held: money in 2103 or a 代收费 balance."""

    date: dt.date
    amount: Decimal
    entry: data.Transaction
    flagged: bool = False  # already found overdue or unpaid at a year end


class Lots:
    """First in, first out: receipts credit an account, remittances/payments consume the oldest.

    A payment booked to a parent account (`Liabilities:2103应缴财政款`) consumes the oldest
    receipts of its sub-accounts; a payment larger than what is held (e.g. a provider paid
    before the fee is collected) is carried as an advance that later receipts settle."""

    def __init__(self) -> None:
        self.by_account: dict[str, collections.deque[Lot]] = collections.defaultdict(
            collections.deque)
        self.held: dict[str, Decimal] = collections.defaultdict(Decimal)
        self.advance: dict[str, Decimal] = {}

    def receive(self, account: str, date: dt.date, amount: Decimal, entry) -> None:
        if self.advance:  # rare: only after a payment ran ahead of the receipts
            parts = account.split(":")
            for holder in (":".join(parts[:i]) for i in range(len(parts), 1, -1)):
                credit = self.advance.get(holder)
                if credit:
                    used = min(credit, amount)
                    amount -= used
                    if credit > used:
                        self.advance[holder] = credit - used
                    else:
                        del self.advance[holder]
        if amount > 0:
            self.by_account[account].append(Lot(date, amount, entry))
            self.held[account] += amount

    def pay(self, account: str, amount: Decimal) -> None:
        """Consume the oldest receipts of the account (or of its sub-accounts)."""
        family = [name for name in self.by_account
                  if name == account or name.startswith(account + ":")]
        if len(family) == 1:  # the usual case: paid from the account that received
            name = family[0]
            lots, held = self.by_account[name], self.held
            while amount > 0:
                if not lots:
                    self.advance[account] = self.advance.get(account, Decimal(0)) + amount
                    return
                lot = lots[0]
                used = amount if amount < lot.amount else lot.amount  # min(lot.amount, amount)
                lot.amount -= used
                amount -= used
                held[name] -= used
                if not lot.amount:
                    lots.popleft()
            return
        while amount > 0:
            candidates = [(self.by_account[name][0].date, name) for name in family
                          if self.by_account[name]]
            if not candidates:
                self.advance[account] = self.advance.get(account, Decimal(0)) + amount
                return
            name = min(candidates)[1]
            lot = self.by_account[name][0]
            used = min(lot.amount, amount)
            lot.amount -= used
            amount -= used
            self.held[name] -= used
            if not lot.amount:
                self.by_account[name].popleft()

    def outstanding(self) -> list[tuple[str, Lot]]:
        """(account, lot) of everything still held, by account, oldest first."""
        return [(account, lot) for account, lots in sorted(self.by_account.items()) for lot in lots]


# -- the events of the walk --------------------------------------------------------------------
class Flow(NamedTuple):
    """A transaction crediting income, debiting spending or taking money out of 2103."""

    txn: data.Transaction
    debits: list  # postings with a positive number
    credits: list  # postings with a negative number
    spends: bool  # debits an expense, an asset purchase or 2302 应付账款
    to_income: bool  # credits an Income account
    out_of_2103: bool  # debits a 2103 account


class Overdue(NamedTuple):
    """2103 receipts past their deadline: found once per spell, on the oldest receipt."""

    account: str
    lot: Lot
    due: dt.date
    today: dt.date
    held: Decimal  # what is overdue on `today`


class YearEndHeld(NamedTuple):
    """2103 not empty at a year end (accounts already found overdue are left out)."""

    year: int
    account: str
    lot: Lot  # the oldest receipt still held
    held: Decimal  # received in that year or before


class Unsettled(NamedTuple):
    """代收费 of a term and before, not settled by the term's deadline (each amount once)."""

    account: str
    term: Term
    lot: Lot  # the oldest receipt not found unsettled before
    amount: Decimal  # newly unsettled


class CashOver(NamedTuple):
    """Cash on hand over the limit at the end of a day (once until it is back within)."""

    day: dt.date  # the first day of the run of days over the limit
    # the transaction that took the balance over, or the `custom "policy" "cash-limit"`
    # directive that lowered the limit below the cash already held
    entry: data.Transaction | data.Custom
    balance: Decimal
    limit: Decimal


class TreasuryBook:
    """One pass over the entries: the lots of 2103 and 代收费, the cash, the events."""

    def __init__(self, entries: list, policy: Policy, terms: list[Term],
                 index: EntryIndex | None = None, as_of: dt.date | None = None) -> None:
        self.policy = policy
        self.as_of = as_of  # the 评判日期: the last day checked (None: the last entry's day)
        self.to_remit = Lots()  # 2103 应缴财政款
        self.agency = Lots()  # 230701 代收费
        self.events: list = []
        # the items and collection accounts, with the day they became known (their `open`)
        self.non_tax: dict[str, dt.date] = dict.fromkeys(NON_TAX_DEFAULT, _ALWAYS)
        self.agency_items: dict[str, dt.date] = {}
        self.collection: dict[str, dt.date] = {}
        self._overdue: set[str] = set()  # 2103 accounts in an overdue spell
        # 代收费 accounts: the amount already found unsettled (the oldest money held), so
        # that the same money is not found again at the next term end
        self._unsettled: dict[str, Decimal] = {}
        self._cash = Decimal(0)
        self._cash_over = False
        self._checked = dt.date.min  # the last day whose close was checked
        self._cash_crosser = None  # the entry that last took the cash balance over the limit
        self._cash_last = None  # the last entry of the day that moved cash
        # the days the cash limit changes (checked even without a transaction that day)
        self._limit_origins = policy.origins.get("cash-limit", {})
        self._limit_days = collections.deque(sorted(self._limit_origins))
        self._terms = collections.deque(t for t in terms if t.end is not None)
        self._kinds: dict[str, tuple] = {}  # account -> what it is to this walk (`_classify`)
        self._collection_since: dict[str, dt.date | None] = {}  # `is_collection`, per account
        self._run(index or EntryIndex(entries))

    @classmethod
    def build(cls, books) -> "TreasuryBook":
        """The part `SchoolBooks.treasury`."""
        as_of, last = books.as_of, books.last_date
        # the terms up to the 评判日期: a term that ended after the last entry has a deadline too
        terms = books.terms if last is None or as_of <= last else \
            terms_until(books.policy, books.first_date, as_of)
        return cls(books.entries, books.policy, terms, books.index, as_of)

    def is_collection(self, account: str, day: dt.date) -> bool:
        """2103, 代收费, or a `collection: TRUE` account (or below one) open on `day`."""
        since = self._collection_since.get(account, _UNKNOWN)
        if since is _UNKNOWN:
            if account.startswith((TREASURY, AGENCY)):
                since = _ALWAYS
            else:
                since = min((since for c, since in self.collection.items()
                             if account == c or account.startswith(c + ":")), default=None)
            self._collection_since[account] = since
        return since is not None and since <= day

    # -- the pass ---------------------------------------------------------------------
    def _run(self, index: EntryIndex) -> None:
        """Every transaction that moves 2103, 代收费 or cash, or may be a `Flow`; and every
        end of day of the whole list (the deadlines are checked then)."""
        for entry in index.opens:  # read after the walk only: their order is kept
            self._open(entry)
        holdings = index.mask("treasury") | index.mask("agency") | index.mask("cash")
        flows = (index.mask("income", CREDIT) | index.mask(SPENDING, DEBIT)
                 | index.mask("treasury", DEBIT))
        masks, transactions = index.masks, index.transactions
        starts, days = index.day_starts, index.days  # the ends of days of the whole list
        run, last = 0, len(days) - 1
        next_day_at = starts[1] if last > 0 else len(masks)  # where the next day starts
        kinds, classify = self._kinds, self._classify
        for position in index.where(holdings | flows):
            if position >= next_day_at:
                while run < last and starts[run + 1] <= position:
                    self._end_of_day(days[run], days[run + 1])
                    run += 1
                next_day_at = starts[run + 1] if run < last else len(masks)
            txn = transactions[position]
            mask = masks[position]
            if mask & holdings:
                cash = _ZERO
                for posting in txn.postings:
                    number = posting.units.number
                    if not number:
                        continue
                    account = posting.account
                    kind = kinds.get(account) or classify(account)
                    lots = kind[0]
                    if lots is not None:
                        if number < 0:
                            lots.receive(account, txn.date, -number, txn)
                        else:
                            self._pay(lots, account, number)
                    elif kind[1]:
                        cash += number
                if cash:
                    self._move_cash(txn, cash)
            if mask & flows:
                self._flow(txn)
        while run < last:
            self._end_of_day(days[run], days[run + 1])
            run += 1
        if days:
            final, as_of = days[last], self.as_of
            if as_of is not None and as_of > final:  # judged on the 评判日期, after the last entry
                self._end_of_day(final, as_of)
                self._check_limit_changes(as_of, inclusive=True)
                if as_of.month == 12 and as_of.day == 31:
                    self._check_year_end(as_of.year)
            else:
                self._end_of_day(final, None)

    def _open(self, entry: data.Open) -> None:
        account = entry.account
        if account.startswith(TREASURY) and account.count(":") >= 2:
            self.non_tax.setdefault(item_name(account), entry.date)
        elif account.startswith(AGENCY) and account.count(":") >= 3:
            self.agency_items.setdefault(item_name(account), entry.date)
        if entry.meta.get("collection") is True:
            self.collection.setdefault(account, entry.date)

    def _classify(self, account: str) -> tuple:
        """(lots or None, is cash, is spending, is income) of an account, computed once."""
        lots = self.to_remit if account.startswith(TREASURY) else \
            self.agency if account.startswith(AGENCY) else None
        kind = self._kinds[account] = (lots, lots is None and account.startswith(CASH),
                                       account.startswith(SPENDING), account.startswith("Income:"))
        return kind

    def _pay(self, lots: Lots, account: str, number: Decimal) -> None:
        lots.pay(account, number)
        if lots is self.agency:  # what was found unsettled and is now paid is settled
            for name, amount in self._unsettled.items():
                self._unsettled[name] = min(amount, self.agency.held[name])

    def _flow(self, txn: data.Transaction) -> None:
        """A `Flow` if the transaction credits income, debits spending or leaves 2103."""
        kinds = self._kinds
        debits, credits = [], []
        spends = to_income = out_of_2103 = False
        for posting in txn.postings:
            number = posting.units.number
            if not number:
                continue
            lots, _cash, is_spending, is_income = kinds.get(posting.account) or \
                self._classify(posting.account)
            if number > 0:
                debits.append(posting)
                spends = spends or is_spending
                out_of_2103 = out_of_2103 or lots is self.to_remit
            else:
                credits.append(posting)
                to_income = to_income or is_income
        if to_income or spends or out_of_2103:
            self.events.append(Flow(txn, debits, credits, spends, to_income, out_of_2103))

    def _move_cash(self, txn: data.Transaction, cash: Decimal) -> None:
        limit = self.policy.get("cash-limit", txn.date).number
        before, self._cash = self._cash, self._cash + cash
        if self._cash <= limit:
            self._cash_crosser = None
        elif before <= limit:
            self._cash_crosser = txn
        self._cash_last = txn

    # -- at the end of each day ---------------------------------------------------------
    def _end_of_day(self, day: dt.date, next_day: dt.date | None) -> None:
        self._check_cash(day)
        if next_day is not None and self._limit_days:
            self._check_limit_changes(next_day)
        today = next_day or day
        if next_day is not None and next_day.year > day.year:
            self._check_year_end(day.year)
        self._check_remittance(today)
        self._check_terms(today)
        if next_day is None and day.month == 12 and day.day == 31:
            self._check_year_end(day.year)

    def _check_limit_changes(self, until: dt.date, inclusive: bool = False) -> None:
        """The closes of the days the limit changes before `until` (or on it) without a
        transaction: the cash held is what it was at the last close."""
        days = self._limit_days
        while days and (days[0] < until or inclusive and days[0] == until):
            day = days.popleft()
            if day > self._checked:
                self._check_cash(day)

    def _check_cash(self, day: dt.date) -> None:
        self._checked = day
        limit = self.policy.get("cash-limit", day).number
        if self._cash > limit:
            if not self._cash_over:
                # the entry that crossed the limit today, else the directive that lowered it
                culprit = self._cash_crosser or self._limit_origins.get(day) or self._cash_last
                if culprit is not None:
                    self.events.append(CashOver(day, culprit, self._cash, limit))
            self._cash_over = True
        else:
            self._cash_over = False
        self._cash_crosser = self._cash_last = None

    def _check_remittance(self, today: dt.date) -> None:
        for account, lots in self.to_remit.by_account.items():
            oldest = lots[0] if lots else None
            if oldest is None or not deadline(self.policy, oldest.date) < today:
                self._overdue.discard(account)  # nothing overdue any more: a spell ends
                continue
            if account in self._overdue:
                continue
            self._overdue.add(account)
            if oldest.flagged:
                continue
            oldest.flagged = True
            held = sum((lot.amount for lot in lots if deadline(self.policy, lot.date) < today),
                       Decimal(0))
            self.events.append(Overdue(account, oldest, deadline(self.policy, oldest.date),
                                       today, held))

    def _check_year_end(self, year: int) -> None:
        for account, lots in self.to_remit.by_account.items():
            if not lots or lots[0].flagged:
                continue
            held = sum((lot.amount for lot in lots if lot.date.year <= year), Decimal(0))
            if held:
                lots[0].flagged = True
                self.events.append(YearEndHeld(year, account, lots[0], held))

    def _check_terms(self, today: dt.date) -> None:
        while self._terms:
            term = self._terms[0]
            if not term.settle_until < today:
                return
            self._terms.popleft()
            for account, lots in self.agency.by_account.items():
                held = sum((lot.amount for lot in lots if lot.date <= term.end), Decimal(0))
                found = self._unsettled.get(account, Decimal(0))
                if held <= found:  # settled, or the same money already found
                    continue
                self._unsettled[account] = held
                first, skip = lots[0], found  # the oldest receipt not found before
                for lot in lots:
                    first = lot
                    if skip < lot.amount:
                        break
                    skip -= lot.amount
                self.events.append(Unsettled(account, term, first, held - found))
