"""收支两条线的账: what 2103 应缴财政款 and 230701 代收费 hold, receipt by receipt, and the cash.

`SchoolBooks.of(entries).treasury` walks the entries once, in date order, and keeps:

Lots (first in, first out)
    Every credit to a 2103 or 230701 account is a receipt (a lot); every debit pays the
    oldest receipts of that account, or — booked to a parent such as
    `Liabilities:2103应缴财政款` — the oldest receipts of its sub-accounts.  A payment larger
    than what is held (a provider paid before the fee is collected) is an advance that later
    receipts settle.  At the end, `to_remit.outstanding()` is what is still in 2103 (the
    合规 page's aging), `agency.outstanding()` what is still owed as 代收费.
    Kept per account as cumulative sums (`xiaozhang.model.lots`).

Deadlines
    A receipt into 2103 must be remitted by `deadline(policy, received)`: `remittance-days`
    after receipt, else the last day of the month of receipt.  代收费 received in a term must
    be settled by the term's `settle_until` (`xiaozhang.model.periods.Term`).
    The walk checks the deadlines at the end of every day it walks through, and last on the
    评判日期 (`books.as_of`, `xiaozhang.model.asof`) when that is after the last entry: a school
    that stopped booking is still found late (receipts not remitted, a year end passed,
    代收费 of a term that ended since).  Entries after the 评判日期 are judged on their days.

A shortfall is found once (`_Held.reported`)
    Money found late (past its deadline, held at a year end, unsettled at a term's deadline)
    is reported once, at the receipt that is late, with the amount newly found.  It stays
    "reported" while the account holds at least that much: later receipts that are remitted
    (or settled) on time do not make it new again — first in, first out would otherwise move
    the old shortfall onto each later receipt.  The reported amount shrinks only when the
    account's balance falls below it (the shortfall paid, late); more money found late than
    is reported is a new shortfall, reported at the receipt it begins in.

Events (`walk()`, in the order they happen; `events` is the same as a list)
    What the walk finds, as facts: `Flow` (a transaction that credits income, debits spending
    or takes money out of 2103 or 代收费 — the rule checks where it goes), `Overdue` (2103
    money newly past its deadline), `YearEndHeld` (2103 not empty at 31 December, beyond what
    was reported), `Unsettled` (代收费 of a term not settled by its deadline, each amount once)
    and `CashOver` (cash on hand over `cash-limit` at the end of a day, once per spell).  The
    rule (`xiaozhang.plugins.twolines`, TL01–TL11) words them; the model decides nothing else.
    Flows are not made during the walk: they are the index positions of the transactions
    whose mask has the bits (`flow_positions`, `flows_where`), each made into a `Flow` only
    when `walk(positions)` yields it, so a rule that tells from the masks which flows it needs
    never makes the others (most of them: incomes of items that are not fees).

Developer note (speed, 2026-12-07): what a transaction does is decided once per index mask
(`_plan`): the usual receipt (a fee collection: a bank debit and one 2103 / 代收费 account
credited, two postings) is read for its one posting on that account, without looking at its
other posting; the rest posting by posting as before.  `flow_positions` is made on first use
(the rule asks for the flows it needs), and the cash limit is read from the policy once per
stretch of days it holds.  Measured on the bench ledger (old and new walk alternating in one
process, 9 runs each, CPU): 212 → 190 ms (median; min 202 → 181), ratio 0.89.  bench/rules.py
`twolines` (smallest of 3, machine loaded): 0.225 s on main → 0.220 s.  What is left is the
reading itself: the ~125,000 usual receipts cost ≈ 1 µs each to read (transaction, postings,
posting, amount, number: one cache miss each) however they are walked — a Python loop, C-level
`map` chains, in chunks, per account or in entry order all measured 140–170 ms for the 120,000
代收费 receipts.  Taking the numbers from the index's one pass (which reads them already: the
credited posting's number of each two-posting transaction kept in a list) made this walk
174 → 86 ms in a prototype, at no measurable cost to the index.

Developer note (speed, 2026-12-07, later): the usual 代收费 receipts (120,700 of the 128,400
transactions the walk looked at on the bench ledger) are no longer walked: they are the
index's positions of their masks, added to the lots in bulk by account (`PendingReceipts`, C-level
cumulative sums) just before something reads the 代收费 lots — a transaction that moves
代收费 otherwise, a term's settlement check, the end of the walk — and one by one in the
order of the entries while a payment ran ahead of the receipts (tests/model/
test_treasury_receipts.py checks the lots against adding every posting one by one).  A 2103
receipt's deadline is read from the index's day run instead of the transaction.
bench/rules.py `twolines` (smallest of 3, two alternating runs each): 0.127 / 0.122 s → 0.093 /
0.095 s.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
from bisect import bisect_right
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.index import (AGENCY, ASSET_ROOTS, CASH_ROOT, CREDIT, DEBIT, TREASURY, EntryIndex,
                                   merged_positions)
from xiaozhang.model.lots import (  # noqa: F401  (Lot, Lots: this module's names)
    Lot, Lots, PendingReceipts, _Held)
from xiaozhang.model.money import ZERO
from xiaozhang.model.periods import Term, month_end, terms as terms_until
from xiaozhang.model.policy import Policy

# Accounts are recognised by their code (docs/rules.md, TL), as `chart.MONEY_ROOTS` are:
# TREASURY (2103 应缴财政款), AGENCY (230701 代收费), CASH (1001 库存现金), see model/index.py.
CASH = CASH_ROOT
# Money the rules accept on the other side of a remittance or a refund (not the quota 1011).
CASH_AND_BANK = chart.CASH_AND_BANK_ROOTS
SPENDING = ("Expenses:",) + ASSET_ROOTS + (chart.code_root(chart.ACCOUNTS_PAYABLE),)
NON_TAX_DEFAULT = ("住宿费", "学费", "保教费")
_ALWAYS = dt.date.min  # the default non-tax items are known from the first day
_UNKNOWN = object()
_date = attrgetter("date")
_first = itemgetter(0)

# What an account is to the walk (`TreasuryBook._classify`).
_OTHER, _TREASURY, _AGENCY, _CASH = range(4)
# Flow bits
SPENDS, TO_INCOME, OUT_OF_2103, OUT_OF_AGENCY = 1, 2, 4, 8


# `住宿费` for `Liabilities:2103应缴财政款:210301住宿费` (the leaf without its code).
item_name = chart.leaf_name


def deadline(policy: Policy, received: dt.date) -> dt.date:
    """The last day on which money received on `received` may still sit in 2103."""
    days = policy.get("remittance-days", received)
    if days is not None:
        return received + dt.timedelta(days=days)
    return month_end(received)


# -- the events of the walk --------------------------------------------------------------------
class Flow(NamedTuple):
    """A transaction crediting income, debiting spending or taking money out of 2103 or 代收费
    (`bits`: SPENDS, TO_INCOME, OUT_OF_2103, OUT_OF_AGENCY)."""

    txn: data.Transaction
    bits: int
    mask: int = 0  # the transaction's mask in the books' index (`xiaozhang.model.index`)

    @property
    def spends(self) -> bool:  # debits an expense, an asset purchase or 2302 应付账款
        return bool(self.bits & SPENDS)

    @property
    def to_income(self) -> bool:  # credits an Income account
        return bool(self.bits & TO_INCOME)

    @property
    def out_of_2103(self) -> bool:  # debits a 2103 account
        return bool(self.bits & OUT_OF_2103)

    @property
    def out_of_agency(self) -> bool:  # debits a 230701 代收费 account
        return bool(self.bits & OUT_OF_AGENCY)

    @property
    def debits(self) -> list:
        """Postings with a positive number."""
        return [p for p in self.txn.postings if p.units.number is not None and p.units.number > 0]

    @property
    def credits(self) -> list:
        """Postings with a negative number."""
        return [p for p in self.txn.postings if p.units.number is not None and p.units.number < 0]


class Overdue(NamedTuple):
    """2103 money newly past its deadline: found once, at the receipt it begins in."""

    account: str
    lot: Lot
    due: dt.date
    today: dt.date
    held: Decimal  # newly overdue on `today`


class YearEndHeld(NamedTuple):
    """2103 not empty at a year end (beyond the money already reported late)."""

    year: int
    account: str
    lot: Lot  # the oldest receipt of the money not reported before
    held: Decimal  # received in that year or before, not reported before


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


def _due(deadlines: dict, policy: Policy, day: dt.date) -> dt.date:
    """The remittance deadline of money collected on `day` (cached in `deadlines`)."""
    found = deadlines.get(day)
    if found is None:
        found = deadlines[day] = deadline(policy, day)
    return found


class TreasuryBook:
    """One pass over the entries: the lots of 2103 and 代收费, the cash, the events."""

    def __init__(self, entries: list, policy: Policy, terms: list[Term],
                 index: EntryIndex | None = None, as_of: dt.date | None = None) -> None:
        self.policy = policy
        self.as_of = as_of  # the 评判日期: the last day checked (None: the last entry's day)
        self._deadlines: dict[dt.date, dt.date] = {}
        # 2103 应缴财政款; its deadlines without a bound method of the book: no reference cycle
        # (the books' parts are freed by reference counting, xiaozhang.model.collector)
        self.to_remit = Lots(functools.partial(_due, self._deadlines, policy))
        self.agency = Lots()  # 230701 代收费
        self._found: list[tuple[int, tuple]] = []  # (position it comes before, event)
        self._at = 0  # the position of the transaction the next event comes before
        # the items and collection accounts, with the day they became known (their `open`)
        self.non_tax: dict[str, dt.date] = dict.fromkeys(NON_TAX_DEFAULT, _ALWAYS)
        self.agency_items: dict[str, dt.date] = {}
        self.collection: dict[str, dt.date] = {}
        self._cash = ZERO
        self._cash_over = False
        self._limit_span = (dt.date.max, dt.date.min, ZERO)  # (from, until, cash-limit)
        self._checked = dt.date.min  # the last day whose close was checked
        self._cash_crosser = None  # the entry that last took the cash balance over the limit
        self._cash_last = None  # the last entry of the day that moved cash
        # the days the cash limit changes (checked even without a transaction that day)
        self._limit_origins = policy.origins.get("cash-limit", {})
        self._limit_days = collections.deque(sorted(self._limit_origins))
        self.terms = terms  # the terms the walk judged 代收费 by (up to the 评判日期)
        self._terms = collections.deque(t for t in terms if t.end is not None)
        self._kinds: dict[str, int] = {}  # account -> what it is to this walk (`_classify`)
        self._collection_since: dict[str, dt.date | None] = {}  # `is_collection`, per account
        self.index = index or EntryIndex(entries)
        self._run(self.index)

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

    def _deadline(self, day: dt.date) -> dt.date:
        return _due(self._deadlines, self.policy, day)

    def _limit(self, day: dt.date) -> Decimal:
        """The cash limit on `day`: read from the policy once per stretch of days it holds."""
        since, until, limit = self._limit_span
        if since <= day < until:
            return limit
        changes = self.policy.values.get("cash-limit") or ()
        at = bisect_right(changes, day, key=_first)  # the policy's values change on these days
        limit = self.policy.get("cash-limit", day).number
        self._limit_span = (changes[at - 1][0] if at else dt.date.min,
                            changes[at][0] if at < len(changes) else dt.date.max, limit)
        return limit

    # -- the pass ---------------------------------------------------------------------
    def first_receipt(self, lots: Lots, first: dt.date, last: dt.date) -> Lot | None:
        """The first receipt into `lots` dated from `first` to `last` (None: none)."""
        found = None
        for held in lots.accounts.values():
            entries = held.entries
            at = bisect_right(entries, first - dt.timedelta(days=1), key=_date)
            if at < len(entries) and entries[at].date <= last and (
                    found is None or entries[at].date < found.date):
                found = held.lot(at, held.cums[at] - (held.cums[at - 1] if at else ZERO))
        return found

    # -- events ---------------------------------------------------------------------------
    def _note(self, event: tuple) -> None:
        self._found.append((self._at, event))

    def flow_bits(self, mask: int) -> int:
        """The Flow bits of a transaction's mask (a credit bit also stands for a zero posting:
        the rule looks at the postings it reports)."""
        bits = self._bits_of.get(mask)
        if bits is None:
            bits = self._bits_of[mask] = sum(bit for bit, role in self._roles if mask & role)
        return bits

    def walk(self, positions: list[int] | None = None):
        """The events in the order they happen: each transaction that credits income, debits
        spending or takes money out of 2103 or 代收费 as a `Flow`, and the events found at the
        ends of days.  `positions` (ascending index positions, a subset of
        `flow_positions`): only those flows (a rule that tells from the masks which it needs)."""
        index, new = self.index, tuple.__new__
        masks, transactions = index.masks, index.transactions
        positions = self.flow_positions if positions is None else positions
        count, i = len(positions), 0
        for at, event in self._found + [(len(masks), None)]:
            while i < count and positions[i] < at:
                position = positions[i]
                i += 1
                mask = masks[position]
                yield new(Flow, (transactions[position], self.flow_bits(mask), mask))
            if event is not None:
                yield event

    def flows_where(self, *all_of: int) -> list[int]:
        """The positions of the flows whose transaction's mask meets every given mask (the
        index's positions grouped by mask)."""
        return self.index.where(self._flows, *all_of)  # (`flow_positions` is `where(flows)`)

    def role_mask(self, bit: int) -> int:
        """The index mask of one Flow bit (e.g. all credits to income for TO_INCOME)."""
        return next(role for flow_bit, role in self._roles if flow_bit == bit)

    @property
    def events(self) -> list:
        """`walk()` as a list."""
        return list(self.walk())

    # -- the pass ---------------------------------------------------------------------
    @functools.cached_property
    def flow_positions(self) -> list[int]:
        """The index positions of every flow (what `walk()` yields), ascending."""
        return self.index.where(self._flows)

    def _run(self, index: EntryIndex) -> None:
        """Every transaction that moves 2103, 代收费 or cash, and every end of day of the
        whole list (the deadlines are checked then).  What a transaction does is decided once
        per index mask (`_plan`): the usual receipt is read for its one posting on its
        account, the others posting by posting."""
        for entry in index.opens:  # read after the walk only: their order is kept
            self._open(entry)
        self._roles = ((SPENDS, index.mask(SPENDING, DEBIT)), (TO_INCOME, index.mask("income", CREDIT)),
                       (OUT_OF_2103, index.mask("treasury", DEBIT)),
                       (OUT_OF_AGENCY, index.mask("agency", DEBIT)))
        self._bits_of: dict[int, int] = {}  # a transaction's mask -> its Flow bits
        flows = 0
        for _bit, role in self._roles:
            flows |= role
        self._flows = flows
        holdings = index.mask("treasury") | index.mask("agency") | index.mask("cash")
        masks, transactions = index.masks, index.transactions
        plans = {mask: self._plan(index, mask) for mask in index.distinct_masks if mask & holdings}
        kinds, classify = self._kinds, self._classify
        # The usual 代收费 receipts are not walked: kept by account as the index's positions,
        # added to the lots in bulk (`PendingReceipts`) before anything reads the 代收费 lots.
        pending = self._pending = PendingReceipts(index, self.agency)
        walked = []
        for mask, account in plans.items():
            if account is not None and kinds[account] == _AGENCY and mask not in index.irregular_masks:
                pending.add(account, index.positions(mask))
            else:
                walked.append(index.positions(mask))
        pending.ready()
        agency_bits = index.mask("agency")
        starts, days = index.day_starts, index.days  # the ends of days of the whole list
        run, last = 0, len(days) - 1
        next_day_at = starts[1] if last > 0 else len(masks)  # where the next day starts
        to_remit, agency = self.to_remit, self.agency
        remit_accounts = to_remit.accounts
        due_of = self._deadline
        credit_numbers = index.credit_numbers  # two postings: the one not a debit's number
        for position in merged_positions(walked) if walked else ():
            if position >= next_day_at:
                while run < last and starts[run + 1] <= position:
                    self._at = starts[run + 1]
                    self._end_of_day(days[run], days[run + 1])
                    run += 1
                next_day_at = starts[run + 1] if run < last else len(masks)
            mask = masks[position]
            if mask & agency_bits:  # the 代收费 lots are read or written: the receipts before first
                pending.flush(position)
            account = plans[mask]
            if account is not None and credit_numbers[position] is not None:
                amount = credit_numbers[position]  # the usual receipt (`_plan`)
                if not amount:
                    continue
                txn = transactions[position]
                if kinds[account] == _AGENCY:
                    agency.receive(account, -amount, txn)
                    continue
                held = remit_accounts.get(account)
                if held is None or to_remit.advance or not held.monotone:
                    to_remit.receive(account, -amount, txn)
                else:  # `Lots.receive`, inline
                    held.cums.append(held.cums[-1] - amount)
                    held.entries.append(txn)
                    due = due_of(days[run])  # (the index's day run: the transaction's date)
                    if due < held.dues[-1]:
                        held.monotone = False
                    held.dues.append(due)
                continue
            txn = transactions[position]
            cash = ZERO
            for posting in txn.postings:
                account = posting.account
                kind = kinds.get(account)
                if kind is None:
                    kind = classify(account)
                if not kind:
                    continue
                amount = posting.units.number
                if not amount:
                    continue
                if kind == _CASH:
                    cash += amount
                elif amount > 0:
                    self._pay(kind, account, amount)
                else:
                    (agency if kind == _AGENCY else to_remit).receive(account, -amount, txn)
            if cash:
                self._move_cash(txn, cash)
        while run < last:
            self._at = starts[run + 1]
            self._end_of_day(days[run], days[run + 1])
            run += 1
        self._at = len(masks)
        pending.flush(len(masks))
        if days:
            final, as_of = days[last], self.as_of
            if as_of is not None and as_of > final:  # judged on the 评判日期, after the last entry
                self._end_of_day(final, as_of)
                self._check_limit_changes(as_of, inclusive=True)
                if as_of.month == 12 and as_of.day == 31:
                    self._check_year_end(as_of.year)
            else:
                self._end_of_day(final, None)

    def _plan(self, index: EntryIndex, mask: int) -> str | None:
        """What a transaction of this index mask does, decided once per mask: the account it
        receives into, when the mask is the usual receipt (two accounts, one credited — or
        zero — under 2103 or 代收费, the other, debited, neither 2103, 代收费 nor cash: a fee
        collection, `EntryIndex.single_credit`;
        with two postings, the transaction is one posting on that account and one that the
        walk does not read); None: read it posting by posting."""
        kinds = self._kinds
        account = index.single_credit(
            mask, lambda account: kinds[account] if account in kinds else self._classify(account))
        return None if account is None or kinds[account] == _CASH else account

    def _open(self, entry: data.Open) -> None:
        account = entry.account
        if account.startswith(TREASURY) and account.count(":") >= 2:
            self.non_tax.setdefault(item_name(account), entry.date)
        elif account.startswith(AGENCY) and account.count(":") >= 3:
            self.agency_items.setdefault(item_name(account), entry.date)
        if entry.meta.get("collection") is True:
            self.collection.setdefault(account, entry.date)

    def _classify(self, account: str) -> int:
        """What an account is to the walk (2103, 代收费, cash or none of them), computed once."""
        kind = (_TREASURY if account.startswith(TREASURY) else
                _AGENCY if account.startswith(AGENCY) else
                _CASH if account.startswith(CASH) else _OTHER)
        self._kinds[account] = kind
        return kind

    def _pay(self, kind: int, account: str, amount: int) -> None:
        for held in (self.agency if kind == _AGENCY else self.to_remit).pay(account, amount):
            held.clamp()  # what was found late and is now paid is no longer held

    def _move_cash(self, txn: data.Transaction, cash: int) -> None:
        limit = self._limit(txn.date)
        before = self._cash
        self._cash = after = before + cash
        if after <= limit:
            self._cash_crosser = None
        elif before <= limit:
            self._cash_crosser = txn
        self._cash_last = txn

    # -- at the end of each day ---------------------------------------------------------
    def _end_of_day(self, day: dt.date, next_day: dt.date | None) -> None:
        if self._cash or self._cash_over:
            self._check_cash(day)
        else:
            self._checked = day
            self._cash_crosser = self._cash_last = None
        if next_day is not None and self._limit_days:
            self._check_limit_changes(next_day)
        today = next_day or day
        if next_day is not None and next_day.year > day.year:
            self._check_year_end(day.year)
        self._check_remittance(today)
        if self._terms and self._terms[0].settle_until < today:
            self._pending.flush(self._at)  # (the receipts of the day are in the lots)
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
        limit = self._limit(day)
        if self._cash > limit:
            if not self._cash_over:
                # the entry that crossed the limit today, else the directive that lowered it
                culprit = self._cash_crosser or self._limit_origins.get(day) or self._cash_last
                if culprit is not None:
                    self._note(CashOver(day, culprit, self._cash, limit))
            self._cash_over = True
        else:
            self._cash_over = False
        self._cash_crosser = self._cash_last = None

    def _check_remittance(self, today: dt.date) -> None:
        """2103 money past its deadline on `today`, beyond what was reported (once)."""
        for held in self.to_remit.accounts.values():
            if held.settled():
                continue
            head = held.first_held()
            cums, dues, count = held.cums, held.dues, len(held.cums)
            if held.monotone:
                last = held.overdue_to if held.overdue_to > head else head
                while last < count and dues[last] < today:
                    last += 1
                held.overdue_to = last
                overdue = cums[last - 1] - held.paid if last > head else 0
            else:
                overdue = sum(held.left(i) for i in range(head, count) if dues[i] < today)
            if overdue <= held.reported:
                continue
            first = held.at(held.reported, head)  # where the money not reported before begins
            if dues[first] >= today:  # (deadlines out of order: the first one overdue)
                first = next((i for i in range(first, count) if dues[i] < today),
                             next(i for i in range(head, count) if dues[i] < today))
            new = overdue - held.reported
            held.reported = overdue
            self._note(Overdue(held.account, held.lot(first, new), dues[first], today,
                                       new))

    def _check_year_end(self, year: int) -> None:
        end = dt.date(year, 12, 31)
        for held in self.to_remit.accounts.values():
            if held.settled():
                continue
            head = held.first_held()
            last = bisect_right(held.entries, end, head, key=_date)  # received by the year end
            kept = held.cums[last - 1] - held.paid if last > head else 0
            if kept > held.reported:
                first = held.at(held.reported, head)
                new = kept - held.reported
                held.reported = kept
                self._note(YearEndHeld(year, held.account, held.lot(first, new),
                                               new))

    def _check_terms(self, today: dt.date) -> None:
        while self._terms:
            term = self._terms[0]
            if not term.settle_until < today:
                return
            self._terms.popleft()
            for held in self.agency.accounts.values():
                if held.settled():  # (no receipt, or all paid: the deferred receipts' sum)
                    continue
                head = held.first_held()
                last = bisect_right(held.entries, term.end, head, key=_date)
                kept = held.cums[last - 1] - held.paid if last > head else 0
                if kept <= held.reported:  # settled, or the same money already found
                    continue
                first = held.at(held.reported, head)  # the oldest receipt not found before
                new = kept - held.reported
                held.reported = kept
                self._note(Unsettled(held.account, term, held.lot(first, new),
                                             new))
