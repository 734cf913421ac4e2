"""The entries of one load, indexed in one pass: which transactions touch which accounts.

`SchoolBooks.of(entries).index` (built on first use, shared by every rule and page of the
same entries list) walks the entries once and keeps

- `transactions`: every Transaction, in order (the same objects as `books.transactions`);
- `masks`: per transaction one integer, the OR of the bits of its postings: each account
  seen in a posting has two bits, one for a debit (number > 0) and one for anything else
  (a credit, zero, no number); each flag has a bit (`flag("!")`); and the meta key
  `project` on the transaction or on any of its postings has a bit (`meta("project")`; a
  posting's own keys: see "metadata of its own" below);
- `opens` (Open entries, in order), `customs(type)` (Custom entries of one type, in order),
  `all_customs` (every Custom entry, in order: what a reader of several types walks);
- `credits`, `credit_numbers`: per transaction of two postings (with numbers and meta
  dicts), the posting that is not a debit (the second, unless the second is a debit) and its
  number; `credit_plain`: whether that posting has no metadata of its own (below); None
  for any other transaction; `irregular_masks`: the masks of those other transactions (a
  mask not in it has a posting and a number in `credits` and `credit_numbers` for every
  transaction).  The pass has read them already; a walk over the
  usual collections (`xiaozhang.model.fees`, `xiaozhang.model.treasury`) reads the amount
  here instead of through the transaction, its postings and their amounts again — on the
  bench ledger that reading, not the Python code, is most of such a walk's time;
- the day runs: `day_starts[i]` is the position of the first transaction of the i-th run
  of one date, `days[i]` that date — what a walk that acts "at the end of each day" needs
  when it reads only a few of the transactions (`day_boundaries`).

Roles are the account groups the rules care about (`ROLES`, from `xiaozhang.chart` and the
codes below): a role is a tuple of account prefixes, or `Marked(key)` — the accounts opened
with `key: TRUE` and their sub-accounts (`canteen`, `collection`).  `mask(role, side)` is the
OR of the bits of the accounts of the role seen in the transactions, computed once per role.
A mask is a superset test: a rule still applies its own exact conditions to what it reads.

How a rule reads only its transactions (every list is in the order of the entries):

    books = SchoolBooks.of(entries, options_map)
    for txn in books.touching("agency", "cash"): ...       # any posting on either role
    for txn in books.touching("income", side=CREDIT): ...  # credits (or zero) to Income
    index = books.index
    paid = index.where(index.mask("asset-purchase", DEBIT),  # debits one AND credits the
                       index.mask("money", CREDIT))          # other: positions, ascending
    pending = index.where(index.flag("!"))
    txns = index.take(sorted(set(paid) | set(pending)))
    own = index.mask_of(lambda account: account.startswith("Expenses:5001"))  # ad hoc
    for txn in books.index.take(books.index.where(index.meta("project"))): ...
    index.customs("budget"), index.opens

The pass costs about one loop over the postings; everything after it is decided once per
distinct mask (a few hundred on the bench ledger, for 180,000 transactions), so a rule pays
for the transactions it reads, not for the ones it skips.

Developer note (speed, 2026-12-07): the pass also keeps the positions of the transactions
grouped by mask (`_groups`).  `where` and `touching` test each distinct mask once; a rare
selection (a quarter of the transactions or fewer: the approvals' payments, the canteen,
the assets, the projects, the treasury's flows) is the merge of its groups' positions
(C-level sort of concatenated ascending runs), a large one a single C-level pass over the
masks.  Before, every `where`/`touching` was a C-level pass over all 180,000 masks, about
15–25 ms each on the bench ledger, several per rule.

Metadata of its own: Beancount gives every posting it reads from a file two metadata keys,
`filename` and `lineno`; a key written under the posting (`project: "…"`, `item: "…"`)
makes three or more.  So a posting whose metadata has at most two keys has none of its own,
and its key table is not opened (`project` is looked up only in a posting's metadata of
more than two keys).  A posting made by a program with one or two keys of its own and
without `filename` and `lineno` would be taken as having none; our importers and pages write
entries into files, and our generated postings carry no `project` or fee keys.

Developer note (speed, 2026-12-07, the pass itself): the usual transaction (two postings,
numbers, meta dicts: 179,450 of 180,294 on the bench ledger) is decided once per shape —
(flag, first account, first is a debit, second account, second is a debit) -> (mask, its
group) — with one dict lookup; the `project` key is still tested on the transaction and both
postings (in the same `try`: a None number or meta, or not two postings, falls back to
`_walk`, posting by posting).  A shape seen for the first time is walked like any other
transaction, so accounts and flags get their bits in the order first seen and every mask,
group and bit is the one the posting-by-posting pass gave (tests/model/test_index_shapes.py
checks each mask against the postings).  Measured with `bench/rules.py --ledger
/work/benchledger/school --repeat 3` (CPU, the smallest of 3; shared two-core machine, main
and this branch run alternately, twice): index 0.294 / 0.296 s on main, 0.273 / 0.263 s
after (−8 to −11%); interleaved in one process (20 runs each, the smallest) 0.297 s before,
0.273 s after; cache-hot (2,000 entries, 200 runs) 0.69 µs → 0.56 µs per entry.  The pass is bound by memory, not by the interpreter: every transaction
reads about fifteen objects that are not in the cache (the transaction, its postings tuple,
two postings, two amounts, two numbers, three meta dicts and their key tables, its date) —
`perf` puts a third of the pass in `tuplegetter_descr_get`, the first touch of each field —
and every one of them is needed for the masks (the sign of each number, the `project` key
on any posting), so about 1.4 µs per transaction stays whatever the loop does.  Grouping the
loads, column passes with `map`/`itemgetter` (each column reads the same objects again: 0.47
s in all) and deciding the second posting's side from the first's sign (not exact: a
zero or an unbalanced entry) were tried and dropped.  Not opening the key tables of the
postings' metadata of two keys (above: two reads from memory less per transaction) took the
pass from 0.304–0.335 s to 0.288–0.296 s (bench/rules.py, three alternating runs; gathering
the fee rule's four metadata values here instead made the pass 0.15 s slower than it saved
in the rule, and was dropped).  Keeping more per transaction for the budget walk (the
other posting's number, and a shape number with the first posting's currency, so that the
walk would not read the postings again) made the pass 0.07 s slower on a real load — there
every posting's currency is a string object of its own, and each kept column cost about
0.02 s — than the 0.044 s it saved the walk (A/B in one process after `loader.load_file`,
six runs each, 2026-12-07); the walk with only the day runs and "neither posting has
metadata of its own" saved nothing measurable.  Both were dropped.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain, compress
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart

# Sides of a posting for `mask`.
DEBIT, CREDIT, BOTH = 0, 1, 2

# -- account groups by code (docs/rules.md): one definition, the rules import them from here --
# (defined in the chart; the names the rules import from here)
CASH_ROOT = chart.CASH_ROOT
TREASURY = chart.TREASURY_ROOT
AGENCY = chart.AGENCY_ROOT
ASSET_ROOTS = chart.ASSET_ROOTS
SUPPLIER_ROOTS = chart.SUPPLIER_ROOTS


def own_meta(meta: dict | None) -> bool:
    """Whether a posting's metadata has keys of its own (more than the `filename` and `lineno`
    Beancount gives every posting: "metadata of its own" in the module docstring)."""
    return meta is not None and len(meta) > 2


class Marked(NamedTuple):
    """The accounts opened with `key: TRUE`, and their sub-accounts."""

    key: str


Role = tuple | Marked

ROLES: dict[str, Role] = {
    "cash": (CASH_ROOT,),
    "money": chart.MONEY_ROOTS,
    "payment-source": chart.PAYMENT_SOURCES,
    "treasury": (TREASURY,),
    "agency": (AGENCY,),
    "income": ("Income:",),
    "expenses": ("Expenses:",),
    "asset-purchase": ASSET_ROOTS,
    "supplier": SUPPLIER_ROOTS,
    "fees-in-transit": (chart.FEES_IN_TRANSIT,),
    "fixed-assets": (chart.FIXED_ASSETS, chart.ACCUM_DEPRECIATION),
    "canteen": Marked("canteen"),
    "collection": Marked("collection"),
}

# The meta key whose presence (on a transaction or any of its postings) the pass records:
# one key, checked in the loop over the postings (another key would cost every posting).
META_KEY = "project"
_META_BIT = 1
_ZERO = Decimal(0)
_FIRST_ACCOUNT_BIT = 16  # below: the meta key and the flags


class EntryIndex:
    """One pass over an entries list (see the module docstring)."""

    def __init__(self, entries: list) -> None:
        transactions: list[data.Transaction] = []
        masks: list[int] = []
        opens: list[data.Open] = []
        customs: dict[str, list[data.Custom]] = {}
        all_customs: list[data.Custom] = []
        day_starts: list[int] = []
        days: list[dt.date] = []
        self._bits: dict[str, tuple[int, int]] = {}  # account -> (debit bit, other bit)
        self._flags: dict[str, int] = {}
        # the positions of the transactions by their mask (one int object per distinct mask:
        # a few dozen, not one per transaction): what `where` and `touching` read
        groups: dict[int, list[int]] = {}
        # the usual transaction, two postings: (flag, first account, first is a debit, second
        # account, second is a debit) -> (its mask without the meta bit, the positions of that
        # mask), decided once per shape (a few dozen on the bench ledger)
        shapes: dict[tuple, tuple[int, list[int]]] = {}
        shape_of, group_of = shapes.get, groups.get
        keep, note = transactions.append, masks.append
        credits: list[data.Posting | None] = []
        credit_numbers: list[Decimal | None] = []
        plain: list[bool | None] = []
        keep_credit, keep_number, keep_plain = credits.append, credit_numbers.append, plain.append
        irregular: set[int] = set()  # the masks of transactions whose `credits` entry is None
        walk = self._walk
        at = 0  # the position of the next transaction
        Transaction, Open, Custom = data.Transaction, data.Open, data.Custom
        zero, key, key_bit = _ZERO, META_KEY, _META_BIT
        day = None
        for entry in entries:
            kind = type(entry)
            if kind is Transaction:
                try:  # the usual transaction: two postings with numbers, meta dicts
                    first, second = entry.postings
                    number = second.units.number
                    debit = number > zero
                    other = first.units.number
                    shape = (entry.flag, first.account, other > zero, second.account, debit)
                    if debit:  # the posting that is not a debit, and its number
                        credit, number = first, other
                    else:
                        credit = second
                    one, two = first.meta, second.meta
                    marked = key in entry.meta or (len(one) > 2 and key in one) or (
                        len(two) > 2 and key in two)
                    bare = len(credit.meta) <= 2  # (not `own_meta`, inline)
                except (ValueError, TypeError):  # not two postings, a None number or meta
                    shape = credit = number = bare = None
                found = shape_of(shape)
                if found is None:  # a shape not seen yet, or not the usual transaction
                    mask = walk(entry)
                    if shape is None:
                        marked = self._marked_by_key(entry)
                    if marked:
                        mask |= key_bit
                    positions = group_of(mask)
                    if positions is None:
                        positions = groups[mask] = []
                    if shape is None:
                        irregular.add(mask)
                    elif not marked:
                        shapes[shape] = (mask, positions)
                elif marked:
                    mask = found[0] | key_bit
                    positions = group_of(mask)
                    if positions is None:
                        positions = groups[mask] = []
                else:
                    mask, positions = found
                if entry.date != day:
                    day = entry.date
                    day_starts.append(at)
                    days.append(day)
                keep(entry)
                note(mask)
                positions.append(at)
                keep_credit(credit)
                keep_number(number)
                keep_plain(bare)
                at += 1
            elif kind is Open:
                opens.append(entry)
            elif kind is Custom:
                customs.setdefault(entry.type, []).append(entry)
                all_customs.append(entry)
        self.transactions = transactions
        self.masks = masks
        self.credits = credits
        self.credit_numbers = credit_numbers
        self.credit_plain = plain
        self.irregular_masks = irregular
        self._groups = groups
        self.opens = opens
        self._customs = customs
        self.all_customs = all_customs
        self.day_starts = day_starts
        self.days = days
        self._masks: dict[tuple, int] = {}
        self._marked: dict[str, list[str]] = {}

    def _walk(self, txn: data.Transaction) -> int:
        """The bits of a transaction's flag and postings (not the meta bit), giving an account
        or a flag seen for the first time its bits (in the order first seen)."""
        flags, bits = self._flags, self._bits
        mask = flags.get(txn.flag)
        if mask is None:
            mask = flags[txn.flag] = 1 << (1 + len(flags))
        zero = _ZERO
        for posting in txn.postings:
            account = posting.account
            pair = bits.get(account)
            if pair is None:
                at = _FIRST_ACCOUNT_BIT + 2 * len(bits)
                pair = bits[account] = (1 << at, 1 << (at + 1))
            number = posting.units.number
            mask |= pair[0] if number is not None and number > zero else pair[1]
        return mask

    @staticmethod
    def _marked_by_key(txn: data.Transaction) -> bool:
        """Whether the transaction or one of its postings has `META_KEY` in its meta."""
        key = META_KEY
        meta = txn.meta
        if meta and key in meta:
            return True
        for posting in txn.postings:
            if own_meta(posting.meta) and key in posting.meta:
                return True
        return False

    # -- masks -----------------------------------------------------------------------------
    def flag(self, flag: str) -> int:
        """The bit of transactions with this flag (0: none has it)."""
        return self._flags.get(flag, 0)

    def meta(self, key: str) -> int:
        """The bit of transactions with `key` in their meta or a posting's (only `META_KEY`)."""
        if key != META_KEY:
            raise KeyError(f"the index records only the meta key {META_KEY!r}, not {key!r}")
        return _META_BIT

    def mask(self, role: str | Role, side: int = BOTH) -> int:
        """The bits of the accounts of a role (a name of `ROLES`, a tuple of prefixes or
        `Marked(key)`) on one side (DEBIT, CREDIT) or both."""
        key = (role, side)
        found = self._masks.get(key)
        if found is None:
            spec = ROLES[role] if isinstance(role, str) else role
            if isinstance(spec, Marked):
                marked = tuple(self.marked(spec.key))
                below = tuple(m + ":" for m in marked)
                found = self.mask_of(lambda a: a in marked or a.startswith(below), side)
            else:
                found = self.mask_of(lambda a: a.startswith(spec), side)
            self._masks[key] = found
        return found

    def mask_of(self, predicate: Callable[[str], bool], side: int = BOTH) -> int:
        """The bits of the accounts (seen in the transactions) that satisfy `predicate`."""
        found = 0
        for account, pair in self._bits.items():
            if predicate(account):
                found |= pair[0] | pair[1] if side == BOTH else pair[side]
        return found

    @property
    def distinct_masks(self):
        """The distinct masks of the transactions (a few hundred), in the order first seen."""
        return self._groups.keys()

    def positions(self, mask: int) -> list[int]:
        """The positions (ascending) of the transactions whose mask is exactly `mask` (the
        index's own list: not to be changed)."""
        return self._groups.get(mask, [])

    def day_at(self, position: int) -> tuple[dt.date, int]:
        """The date of the transaction at `position`, and the position where the next date
        begins (the day runs)."""
        run = bisect_right(self.day_starts, position) - 1
        starts = self.day_starts
        return self.days[run], starts[run + 1] if run + 1 < len(starts) else len(self.masks)

    def first_from(self, day: dt.date, inclusive: bool = True) -> int:
        """The position of the first transaction dated on or after `day` (`inclusive`) or
        after it; the number of transactions when there is none."""
        run = (bisect_left if inclusive else bisect_right)(self.days, day)
        return self.day_starts[run] if run < len(self.day_starts) else len(self.masks)

    def months(self) -> list[tuple[int, tuple[int, int]]]:
        """(the position of its first transaction, (year, month)) of each month with
        transactions, in order (from the day runs)."""
        found: list[tuple[int, tuple[int, int]]] = []
        last = None
        for start, day in zip(self.day_starts, self.days):
            month = (day.year, day.month)
            if month != last:
                found.append((start, month))
                last = month
        return found

    def pairs(self, mask: int) -> list[tuple[str, int]]:
        """The (account, side) pairs a mask stands for (side DEBIT or CREDIT; CREDIT is any
        posting that is not a debit), in the order the accounts were first seen."""
        return [(account, side) for account, pair in self._bits.items()
                for side in (DEBIT, CREDIT) if mask & pair[side]]

    def single_credit(self, mask: int, mine: Callable[[str], bool]) -> str | None:
        """The account `mine` says is its own, when the mask is the usual one-credit transaction:
        two accounts, that one credited (or zero) and the other, not its own, debited.  A
        transaction of that mask with two postings then has `credits[i]` on that account and
        `credit_numbers[i]` its number (what the fee classifier and the treasury walk read
        instead of the postings); None for any other mask."""
        pairs = self.pairs(mask)
        if len(pairs) != 2 or pairs[0][0] == pairs[1][0]:
            return None
        own = [pair for pair in pairs if mine(pair[0])]
        if len(own) != 1 or own[0][1] != CREDIT:
            return None
        other = pairs[1] if pairs[0] is own[0] else pairs[0]
        return own[0][0] if other[1] == DEBIT else None

    def marked(self, key: str) -> list[str]:
        """The accounts opened with `key: TRUE` (their sub-accounts are not listed)."""
        found = self._marked.get(key)
        if found is None:
            found = self._marked[key] = [e.account for e in self.opens
                                         if e.meta and e.meta.get(key) is True]
        return found

    # -- selections ------------------------------------------------------------------------
    def where(self, *all_of: int) -> list[int]:
        """Positions (ascending) of the transactions whose mask meets every given mask."""
        if not all_of:
            return list(range(len(self.masks)))
        return self._select(range(len(self.masks)), all_of)

    def take(self, positions: list[int]) -> list[data.Transaction]:
        transactions = self.transactions
        return [transactions[i] for i in positions]

    def touching(self, *roles: str | Role, side: int = BOTH) -> list[data.Transaction]:
        """The transactions with a posting on any of the roles (on that side), in order."""
        wanted = 0
        for role in roles:
            wanted |= self.mask(role, side)
        return self._select(self.transactions, (wanted,))

    def _select(self, items, all_of: tuple[int, ...]) -> list:
        """The `items` (the transactions, or their positions) whose mask meets every mask of
        `all_of`.  What a mask meets is decided once per distinct mask (a few hundred); the
        few transactions of a rare selection are taken from the positions grouped by mask,
        most of the transactions in one C-level pass over the masks."""
        groups = self._groups
        chosen = [mask for mask in groups if all(mask & wanted for wanted in all_of)]
        if not chosen:
            return []
        if sum(len(groups[mask]) for mask in chosen) * 4 > len(self.masks):
            return list(compress(items, map(set(chosen).__contains__, self.masks)))
        positions = merged_positions([groups[mask] for mask in chosen])
        return positions if type(items) is range else list(map(items.__getitem__, positions))

    def customs(self, type_: str) -> list[data.Custom]:
        """The `custom "<type_>"` entries, in order."""
        return self._customs.get(type_, [])

    # -- days ------------------------------------------------------------------------------
    def day_boundaries(self, positions: list[int]) -> Iterator[tuple[int, tuple | None]]:
        """Walk `positions` (ascending) and every end of day of the whole list.

        Yields `(position, None)` for each position, and `(-1, (day, next_day))` each time a
        run of one date ends (`next_day` None after the last transaction), exactly where a
        walk over all the transactions would see the date change."""
        starts, days = self.day_starts, self.days
        run = 0
        last = len(days) - 1
        for position in positions:
            while run < last and starts[run + 1] <= position:
                yield -1, (days[run], days[run + 1])
                run += 1
            yield position, None
        while run < last:
            yield -1, (days[run], days[run + 1])
            run += 1
        if days:
            yield -1, (days[last], None)


def merged_positions(runs: list[list[int]]) -> list[int]:
    """The positions of several ascending runs, in one ascending list (C-level: a sort of
    concatenated runs merges them)."""
    if len(runs) == 1:
        return list(runs[0])
    merged = list(chain.from_iterable(runs))
    merged.sort()
    return merged


def directives_first(directives: list, transactions: list) -> Iterator:
    """Directives and transactions (each list in date order) merged so that each transaction
    comes after every directive dated on or before its day: a walk that counts a day's
    transactions when the day is over, so a directive of the same day applies to them
    whatever the order of the files."""
    i, count = 0, len(directives)
    for txn in transactions:
        day = txn.date
        while i < count and directives[i].date <= day:
            yield directives[i]
            i += 1
        yield txn
    yield from directives[i:]
