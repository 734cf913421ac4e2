"""Receipts held first in, first out: what 2103 应缴财政款 and 230701 代收费 still hold.

`Lots` keeps, per account, the receipts as cumulative sums (`_Held.cums[i]`: all received up
to and including receipt i) and what was paid in all; the receipts still held are those whose
cumulative sum is above it, the oldest first.  A payment consumes the oldest money: one
addition, no per-receipt work (`bisect` finds the oldest receipt held when it is asked for).
A payment to a parent account consumes the oldest receipts of its sub-accounts; a payment
larger than what is held is an advance that later receipts settle.  `_Held.reported` is the
money already found late (the walk of `xiaozhang.model.treasury` decides what is late).

`PendingReceipts` holds the usual 代收费 receipts as index positions until the lots are read,
then hands them to each account (`_Held.defer`), whose cumulative sums are made in one C-level
pass when something reads them (used by `xiaozhang.model.treasury`).

The amounts are the ledger's Decimals: turning each posting into integer fen cost more than
the sums it made cheaper (measured on the bench ledger, docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate, compress, islice
from operator import sub

from beancount.core import data

from xiaozhang.model.index import EntryIndex, merged_positions
from xiaozhang.model.money import ZERO

# Adding an account's deferred receipts (`_Held._add_pending`) changes its lists in place: one
# thread at a time (the books serve Fava's pages from several threads).
_ADDING = threading.Lock()


@dataclass(slots=True)
class Lot:
    """One receipt still (partly) held: money in 2103 or a 代收费 balance."""

    date: dt.date
    amount: Decimal
    entry: data.Transaction


class _Held:
    """The receipts of one account: cumulative sums (`cums[i]` = all received up to and
    including receipt i), the receipts, what was paid in all, the first receipt
    not paid in full (`head`, kept lazily), the amount already reported late (`reported`,
    the oldest money held) and, for 2103, each receipt's deadline.

    Receipts added in bulk (`PendingReceipts`, `defer`) are kept as the index's positions
    until `cums` or `entries` is read: the walk asks an account of 代收费 only whether it is
    settled at a term's end (`settled`: the receipts' sum), and reads the receipts one by one
    only when it is not.  Developer note (speed, 2026-12-08): making the cumulative sums of
    the bench ledger's 120,000 usual 代收费 receipts at once cost 0.04 s and 13 MB of Decimals
    that no rule read (every term settled)."""

    __slots__ = ("account", "_cums", "_entries", "dues", "paid", "head", "reported",
                 "overdue_to", "monotone", "_pending", "_columns", "_summed", "_pending_sum")

    def __init__(self, account: str) -> None:
        self.account = account
        self._cums: list[Decimal] = []
        self._entries: list[data.Transaction] = []
        # chunks of index positions of receipts not yet in `_cums` (`defer`), the index's
        # (credit_numbers, transactions) they are read from, and how many chunks are summed
        # into `_pending_sum` (their numbers: credits, so the receipts' total is minus it)
        self._pending: list[list[int]] = []
        self._columns: tuple | None = None
        self._summed = 0
        self._pending_sum = ZERO
        self.dues: list[dt.date] = []
        self.paid = ZERO
        self.head = 0
        self.reported = ZERO
        self.overdue_to = 0  # receipts before it were past their deadline at the last check
        self.monotone = True  # deadlines in the order of receipt (the usual case)

    @property
    def cums(self) -> list[Decimal]:
        """The cumulative sums (the receipts deferred by `defer` added first)."""
        if self._pending:
            self._add_pending()
        return self._cums

    @property
    def entries(self) -> list[data.Transaction]:
        """The receipts' transactions, in the order of `cums`."""
        if self._pending:
            self._add_pending()
        return self._entries

    def defer(self, positions: list[int], numbers: list, transactions: list) -> None:
        """Receipts at these index positions (ascending, after every receipt so far; a zero
        number is no receipt), added to `cums` when they are next read."""
        self._pending.append(positions)
        self._columns = (numbers, transactions)

    def _add_pending(self) -> None:
        """The deferred receipts into `cums` and `entries`, each chunk in one C-level pass
        (the cumulative sums by `accumulate`), as `Lots.receive` one by one would make them:
        zero skipped, the first receipt as it is."""
        with _ADDING:
            if self._pending:  # (not added meanwhile by another thread)
                self._add_chunks()

    def _add_chunks(self) -> None:
        numbers, transactions = self._columns
        cums, entries = self._cums, self._entries
        for chunk in self._pending:
            chunk = list(compress(chunk, map(numbers.__getitem__, chunk)))  # (zero: no receipt)
            if not chunk:
                continue
            amounts = map(numbers.__getitem__, chunk)
            if not cums:  # (the first receipt: as `Lots.receive` makes it)
                cums.append(-next(amounts))
            cums += islice(accumulate(amounts, sub, initial=cums[-1]), 1, None)
            entries += map(transactions.__getitem__, chunk)
        self._pending = []
        self._summed, self._pending_sum = 0, ZERO

    def settled(self) -> bool:
        """Nothing held: no receipt, or all received paid (`total <= paid`), the deferred
        receipts counted by their sum without making their cumulative sums."""
        if not self._pending:
            return not self._cums or self._cums[-1] <= self.paid
        numbers = self._columns[0]
        for chunk in self._pending[self._summed:]:
            self._pending_sum += sum(map(numbers.__getitem__, chunk), ZERO)
        self._summed = len(self._pending)
        received = (self._cums[-1] if self._cums else ZERO) - self._pending_sum
        # (no receipt at all when every deferred number is zero: paid is never below zero)
        return received <= self.paid

    @property
    def total(self) -> Decimal:
        """All received."""
        return self.cums[-1] if self.cums else ZERO

    @property
    def held(self) -> Decimal:
        total = self.cums[-1] if self.cums else ZERO
        return total - self.paid if total > self.paid else ZERO

    def first_held(self) -> int:
        """The index of the oldest receipt not paid in full (len(cums): none)."""
        self.head = head = bisect_right(self.cums, self.paid, self.head)
        return head

    def at(self, offset: int, head: int) -> int:
        """The receipt holding the money `offset` after the oldest money held."""
        return bisect_right(self.cums, self.paid + offset, head)

    def left(self, index: int) -> int:
        """What is still held of receipt `index`."""
        cum = self.cums[index]
        before = self.cums[index - 1] if index else 0
        return cum - (self.paid if self.paid > before else before) if cum > self.paid else 0

    def lot(self, index: int, amount: int) -> Lot:
        entry = self.entries[index]
        return Lot(entry.date, amount, entry)

    def clamp(self) -> None:
        """Money reported late stays reported while the account holds at least as much."""
        if self.reported:
            held = self.held
            if self.reported > held:
                self.reported = held


class Lots:
    """First in, first out: receipts credit an account, remittances/payments consume the oldest.

    A payment booked to a parent account (`Liabilities:2103应缴财政款`) consumes the oldest
    receipts of its sub-accounts; a payment larger than what is held (e.g. a provider paid
    before the fee is collected) is carried as an advance that later receipts settle."""

    def __init__(self, due=None) -> None:
        self.accounts: dict[str, _Held] = {}
        self.advance: dict[str, Decimal] = {}  # by the (parent) account paid
        self._due = due  # received day -> deadline (2103), or None
        self._families: dict[str, list[_Held]] = {}

    def _new(self, account: str) -> _Held:
        held = self.accounts[account] = _Held(account)
        self._families.clear()
        return held

    def held_for(self, account: str) -> _Held:
        """The receipts of `account` (made, empty, on first use)."""
        return self.accounts.get(account) or self._new(account)

    def receive(self, account: str, amount: int, entry) -> None:
        """A receipt of `amount`."""
        held = self.held_for(account)
        if self.advance:  # rare: only after a payment to a parent ran ahead of the receipts
            parts = account.split(":")
            for holder in (":".join(parts[:i]) for i in range(len(parts), 1, -1)):
                credit = self.advance.get(holder)
                if credit:
                    used = min(credit, amount)
                    held.paid += used  # the receipt pays the advance back
                    if credit > used:
                        self.advance[holder] = credit - used
                    else:
                        del self.advance[holder]
        held.cums.append(held.cums[-1] + amount if held.cums else amount)
        held.entries.append(entry)
        if self._due is not None:
            due = self._due(entry.date)
            if held.dues and due < held.dues[-1]:
                held.monotone = False
            held.dues.append(due)

    def family(self, account: str) -> list[_Held]:
        found = self._families.get(account)
        if found is None:
            below = account + ":"
            found = self._families[account] = [
                held for name, held in self.accounts.items()
                if name == account or name.startswith(below)]
        return found

    def pay(self, account: str, amount: int) -> list[_Held]:
        """Consume the oldest receipts of the account (or of its sub-accounts); the accounts
        paid from."""
        family = self.family(account)
        if len(family) == 1 and family[0].account == account:  # the usual case
            held = family[0]
            held.paid += amount  # beyond what is held: its own later receipts settle it
            return family
        # oldest first across the sub-accounts; money already reported late is paid last,
        # as in one account (`_Held.clamp`), so a parent payment does not move a shortfall
        # from one sub-account onto another's receipts that are on time
        paid = []
        while amount > 0:
            oldest = start = None
            for held in family:
                unreported = held.held - held.reported
                if unreported > 0:
                    first = held.at(held.reported, held.first_held())
                    if oldest is None or held.entries[first].date < oldest.entries[start].date:
                        oldest, start = held, first
            if oldest is None:  # only reported money is left: the oldest of it
                for held in family:
                    if held.held:
                        head = held.first_held()
                        if oldest is None or held.entries[head].date < oldest.entries[oldest.head].date:
                            oldest = held
                if oldest is None:
                    self.advance[account] = self.advance.get(account, 0) + amount
                    break
                used = min(oldest.left(oldest.head), amount)
            else:
                used = min(oldest.cums[start] - oldest.paid - oldest.reported, amount)
            oldest.paid += used
            amount -= used
            if oldest not in paid:
                paid.append(oldest)
        return paid

    def outstanding(self) -> list[tuple[str, Lot]]:
        """(account, lot) of everything still held, by account, oldest first."""
        found = []
        for account, held in sorted(self.accounts.items()):
            for index in range(held.first_held(), len(held.cums)):
                found.append((account, held.lot(index, held.left(index))))
        return found

    def held_amount(self, account: str) -> Decimal:
        held = self.accounts.get(account)
        return held.held if held is not None else 0


class PendingReceipts:
    """The usual 代收费 receipts (a bank debit, one 230701 account credited: `TreasuryBook._plan`)
    by account, as the index's positions, handed to the lots only when they are read
    (`flush`: before a transaction that moves 代收费 otherwise, a term's settlement check and
    the end of the walk) as positions still (`_Held.defer`: each account's cumulative sums
    are made in one C-level pass when first read).  The lots are then what adding them one
    by one in the walk gives:
    accounts made in the order of their first receipt; zero skipped; one by one, in the order
    of the entries, while a payment ran ahead of the receipts (`Lots.advance`)."""

    def __init__(self, index: EntryIndex, lots: Lots) -> None:
        self.numbers, self.transactions = index.credit_numbers, index.transactions
        self.lots = lots
        self._runs: dict[str, list[list[int]]] = {}
        self._accounts: list[tuple[str, list[int]]] = []  # (account, positions), by first receipt
        self._done: dict[str, int] = {}  # account -> how many of its receipts are in the lots
        self._next = 1 << 62  # the position of the first receipt not in the lots yet

    def add(self, account: str, positions: list[int]) -> None:
        self._runs.setdefault(account, []).append(positions)

    def ready(self) -> None:
        found = [(account, merged_positions(runs)) for account, runs in self._runs.items()]
        self._accounts = sorted((item for item in found if item[1]), key=lambda item: item[1][0])
        self._done = {account: 0 for account, _positions in self._accounts}
        self._next = self._first_left()

    def flush(self, until: int) -> None:
        """Add the receipts before position `until` to the lots."""
        if until <= self._next:  # (no receipt before `until` left)
            return
        lots, numbers, transactions, done = self.lots, self.numbers, self.transactions, self._done
        if lots.advance:  # one by one, in the order of the entries (a receipt pays the advance)
            chosen = []
            for account, positions in self._accounts:
                end = bisect_left(positions, until, done[account])
                chosen += [(position, account) for position in positions[done[account]:end]]
                done[account] = end
            for position, account in sorted(chosen):
                if numbers[position]:
                    lots.receive(account, -numbers[position], transactions[position])
            self._next = self._first_left()
            return
        for account, positions in self._accounts:
            start = done[account]
            if start == len(positions) or positions[start] >= until:  # (none before `until`)
                continue
            end = bisect_left(positions, until, start)
            done[account] = end
            chunk = positions[start:end]
            held = lots.accounts.get(account)
            if held is None:  # made at its first receipt that is not zero, as `Lots.receive`
                if not any(map(numbers.__getitem__, chunk)):
                    continue
                held = lots.held_for(account)
            held.defer(chunk, numbers, transactions)
        self._next = self._first_left()

    def _first_left(self) -> int:
        """The position of the first receipt not yet in the lots (a large number: none)."""
        done = self._done
        return min((positions[done[account]] for account, positions in self._accounts
                    if done[account] < len(positions)), default=1 << 62)
