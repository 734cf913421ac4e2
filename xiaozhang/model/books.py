"""`SchoolBooks.of(entries)`: the school model of one loaded entries list, built once.

Every rule (plugin), report, page and command that needs a fact of the school — the policy,
the terms, the fee items, the canteen tally, the asset cards — asks the books of its entries
list.  The books are memoised on the list itself (the same list object gives the same books),
so the rules of one load and the pages over one Fava load share one computation; a different
list (a Fava filter, a later load) gets its own books.  Nothing is handed from one plugin to
another through module state: a generator returns its entries, and a later rule that needs a
fact asks the books of the list it is given.

Each part is computed on first use (`functools.cached_property`), so a rule that needs only the
policy never pays for the asset schedules.

Reading only the transactions a rule needs
    `books.index` (`xiaozhang.model.index.EntryIndex`) is one pass over the entries, shared by
    every rule of the load: per transaction a bitmask of the accounts it debits and credits,
    its flag and whether it (or a posting) carries a `project` key; the Open and Custom
    entries; the day runs.  `books.touching("agency", "cash")` is then the list (in order)
    of the transactions with a posting on one of those roles — a C-level filter, no Python
    work per skipped transaction.  The roles (`xiaozhang.model.index.ROLES`: cash, money,
    payment-source, treasury, agency, income, expenses, asset-purchase, supplier,
    fees-in-transit, fixed-assets, and `canteen`/`collection` from the `open` meta) and the
    finer selections (`index.where(mask_a, mask_b)`: debits one role AND credits another;
    `index.flag("!")`; `index.meta("project")`; `index.mask_of(predicate)`; the ends of days
    of the whole list for a walk over a few transactions, `index.day_boundaries`) are
    described in that module.  A mask is a superset: a rule keeps its exact test.
"""

from __future__ import annotations

import datetime as dt
import operator
import threading
from collections import OrderedDict
from functools import cached_property
from itertools import compress
from typing import Any

from beancount.core import data

from xiaozhang.model import asof as reference, periods
from xiaozhang.model.generated import GENERATED  # noqa: F401  (re-exported for the books' users)
from xiaozhang.model.index import BOTH, EntryIndex
from xiaozhang.model.policy import Policy, read_policy


_MEMO_SIZE = 6
_memo: OrderedDict[int, "SchoolBooks"] = OrderedDict()
_memo_lock = threading.Lock()


def forget() -> None:
    """Let go of every memoised books (releasing them, `SchoolBooks.release`): a new load
    shares no part with an earlier one (the benchmarks, the tests)."""
    with _memo_lock:
        released = list(_memo.values())
        _memo.clear()
    for books in released:
        books.release()


class SchoolBooks:
    """The school model of one entries list (see the module docstring)."""

    def __init__(self, entries: list, options_map: dict | None = None) -> None:
        self.entries = entries
        self.options_map = options_map or {}
        self._length = len(entries)
        self._as_of_override = reference.override_from_environment()  # read once (asof.py)

    @classmethod
    def of(cls, entries: list, options_map: dict | None = None) -> "SchoolBooks":
        """The books of `entries`: the same object for the same (unchanged) list."""
        key = id(entries)
        with _memo_lock:
            books = _memo.get(key)
            if books is not None and books.entries is entries and books._length == len(entries):
                _memo.move_to_end(key)
                if options_map and not books.options_map:
                    books.options_map = options_map
                return books
            books = cls(entries, options_map)
            _memo[key] = books  # the memo holds the list, so its id cannot be reused meanwhile
            while len(_memo) > _MEMO_SIZE:
                _memo.popitem(last=False)[1].release()
            return books

    _MADE_OF = frozenset(("entries", "options_map", "_length", "_as_of_override"))

    def release(self) -> None:
        """Drop what the books computed (parts, index, policy, twin), keeping what they are made
        of: asked again, they compute it again.  Called when the memo lets the books go.

        Some parts keep their books (to compute more on demand), so books and parts refer to
        each other; dropping the parts here breaks that cycle, and the books, their parts and
        the entries they hold are freed as soon as nobody else holds them — without the cycle
        collector, which does not look at objects frozen by `xiaozhang.model.collector`
        (`freezing_collector`, the one plugin line)."""
        known = self.__dict__
        for name in [name for name in known if name not in self._MADE_OF]:
            del known[name]

    # -- the 评判日期 -------------------------------------------------------------------------
    @cached_property
    def _as_of(self) -> tuple[reference.AsOf, list]:
        if "index" in self.__dict__:
            pins = self.index.customs(reference.DIRECTIVE)
        else:  # e.g. `xiaozhang check` after the load: no need for the whole index
            custom, name = data.Custom, reference.DIRECTIVE
            pins = [e for e in self.entries if type(e) is custom and e.type == name]
        return reference.read_as_of(pins, self._as_of_override)

    @property
    def as_of(self) -> dt.date:
        """The 评判日期: the day every deadline rule and page judges by — `xiaozhang check
        --as-of`, else the ledger's `custom "as-of"`, else today (`xiaozhang.model.asof`)."""
        return self._as_of[0].date

    @property
    def as_of_source(self) -> reference.AsOf:
        """The 评判日期 with where it comes from (`.label`: 命令行指定 / 账本指定 / 今天)."""
        return self._as_of[0]

    @property
    def as_of_errors(self) -> list:
        """Two pins, a malformed `XIAOZHANG_AS_OF` ([PL04], reported by the policy rule)."""
        return self._as_of[1]

    # -- policy ------------------------------------------------------------------------------
    @cached_property
    def _policy(self) -> tuple[Policy, list]:
        # The policy is read from the Custom entries only: the index's list when it is built.
        return read_policy(self.index.all_customs if "index" in self.__dict__ else self.entries)

    @property
    def policy(self) -> Policy:
        """The school profile and dated policies (`xiaozhang.model.policy`)."""
        return self._policy[0]

    @property
    def policy_errors(self) -> list:
        """The problems found reading the policy (reported once, by the policy rule)."""
        return self._policy[1]

    # -- entries -----------------------------------------------------------------------------
    @cached_property
    def index(self):
        """The one-pass index of the entries (`xiaozhang.model.index.EntryIndex`)."""
        return EntryIndex(self.entries)

    def touching(self, *roles, side: int = BOTH) -> list[data.Transaction]:
        """The transactions (in order) with a posting on any of the roles
        (`xiaozhang.model.index.ROLES`), on one side (index.DEBIT, index.CREDIT) or both."""
        return self.index.touching(*roles, side=side)

    @cached_property
    def transactions(self) -> list[data.Transaction]:
        if "index" in self.__dict__:  # already walked: the same list
            return self.index.transactions
        return [entry for entry in self.entries if isinstance(entry, data.Transaction)]

    @cached_property
    def first_date(self) -> dt.date | None:
        """The date of the first transaction (None: no transactions)."""
        return self.transactions[0].date if self.transactions else None

    @cached_property
    def last_date(self) -> dt.date | None:
        """The date of the last transaction."""
        return self.transactions[-1].date if self.transactions else None

    @cached_property
    def last_written(self) -> dt.date | None:
        """The date of the last transaction the accountant wrote (generated entries excluded)."""
        for txn in reversed(self.transactions):
            if GENERATED not in txn.meta:
                return txn.date
        return None

    # -- periods -----------------------------------------------------------------------------
    @cached_property
    def terms(self) -> list[periods.Term]:
        """The terms the books span (`xiaozhang.model.periods.terms`)."""
        return periods.terms(self.policy, self.first_date, self.last_date)

    def term_of(self, day: dt.date) -> periods.Term | None:
        return periods.term_of(self.terms, day)

    def terms_between(self, first: dt.date, last: dt.date) -> list[periods.Term]:
        """The terms overlapping [first, last]."""
        return [t for t in self.terms if t.start <= last and (t.end is None or t.end >= first)]

    # -- the areas (each computed by its own model module on first use) -----------------------
    def part(self, name: str, build) -> Any:
        """A part of the model computed once per books by `build(books)` (for the areas'
        model modules, e.g. `books.part("fees", FeeBook.build)`).

        A part already computed for the books of the same written entries (see `twin`) is
        taken from there: the rules' model of a load serves Fava's pages of that load."""
        parts = self.__dict__.setdefault("_parts", {})
        if name not in parts:
            twin = self.twin
            shared = twin.__dict__.get("_parts", {}) if twin is not None else {}
            parts[name] = shared[name] if name in shared else build(self)
        return parts[name]

    @staticmethod
    def _is_written(entry) -> bool:
        """Not generated (our `GENERATED` entries, Beancount's padding `P` transactions) and not
        a balance assertion (Beancount's checks replace those by copies)."""
        kind = type(entry)
        return not (kind is data.Balance or (kind is data.Transaction
                                             and (entry.flag == "P" or GENERATED in entry.meta)))

    @cached_property
    def written(self) -> list:
        """The entries the accountant wrote, as one load read them (see `_is_written`)."""
        return [entry for entry in self.entries if self._is_written(entry)]

    @cached_property
    def _first_written(self):
        return next((entry for entry in self.entries if self._is_written(entry)), None)

    @cached_property
    def twin(self) -> "SchoolBooks | None":
        """Other books in the memo over the very same written entries (the same objects, in
        the same order), e.g. the books the rules built during a load, for the list Fava keeps
        after the load (the rules' list plus the generated depreciation and Beancount's own
        copies).  Their parts are this books' parts: they depend on the written entries only.
        None when there are none (a filtered list, another load).  Books of another load are
        told apart by their first entry alone, so the rules of a load never pay for the search."""
        first = self._first_written
        with _memo_lock:
            candidates = [books for books in reversed(_memo.values())
                          if books is not self and books.__dict__.get("_parts")]
        for books in candidates:
            if first is None or books._first_written is not first:
                continue
            if self._same_but_checks(books.entries):
                return self._share_directives(books)
            mine, theirs = self.written, books.written
            if len(theirs) == len(mine) and all(map(operator.is_, theirs, mine)):
                return self._share_directives(books)
        return None

    def _same_but_checks(self, theirs: list) -> bool:
        """Whether `theirs` holds this list's very entries in the same order, except balance
        assertions (Beancount's checks replace those by copies): what Fava keeps after a load
        is the rules' last list so, unless Beancount inserted padding.  One C-level pass
        instead of two lists of the written entries (≈ 0.1 s on the bench ledger, paid by
        the first page opened after every reload)."""
        mine = self.entries
        if len(theirs) != len(mine):
            return False
        balance = data.Balance
        return all(type(mine[at]) is balance and type(theirs[at]) is balance
                   for at in compress(range(len(mine)), map(operator.is_not, theirs, mine)))

    def _share_directives(self, twin: "SchoolBooks") -> "SchoolBooks":
        """The twin's policy and 评判日期 (they depend on the written directives only), as
        `carry` hands them on; returns the twin."""
        known = self.__dict__
        for name in ("_policy", "_as_of"):
            if name in twin.__dict__ and name not in known:
                known[name] = twin.__dict__[name]
        return twin

    @classmethod
    def carry(cls, entries: list, result: list, options_map: dict | None = None) -> None:
        """A generator turned `entries` into `result`: when `result` is `entries` followed by
        entries that are not written (`_is_written`: our generated entries), the books of
        `result` have the very same written entries, and the books of `entries` (or their own
        twin) are their twin — said here, so that the next generator of the one plugin line
        does not search the memo and compare two lists of every written entry (`twin`).
        Anything else (a reordered list, written entries added or replaced) is left to `twin`."""
        if result is entries:
            return
        count = len(entries)
        if len(result) < count or not all(map(operator.is_, entries, result)):
            return
        if any(map(cls._is_written, result[count:])):
            return
        books = cls.of(entries, options_map)
        twin = books.__dict__.get("twin", books) or books  # (a known twin of theirs first)
        carried = cls.of(result, options_map)
        if carried is books or carried is twin:
            return
        known = carried.__dict__
        known.setdefault("twin", twin)
        # what depends on the directives only (the added entries are transactions or balance
        # assertions), and the transactions in the list's order, without walking the list again
        for name in ("_policy", "_as_of"):
            if name in books.__dict__:
                known.setdefault(name, books.__dict__[name])
        if "transactions" not in known:
            kind = data.Transaction
            known["transactions"] = books.transactions + [
                entry for entry in result[count:] if isinstance(entry, kind)]

    @property
    def fees(self):
        """Fee items, disclosure records and the fee postings (`xiaozhang.model.fees.build`)."""
        from xiaozhang.model import fees
        return self.part("fees", fees.build)

    @property
    def canteen(self):
        """The canteen's accounts and tally (`xiaozhang.model.canteen.build`)."""
        from xiaozhang.model import canteen
        return self.part("canteen", canteen.build)

    @property
    def assets(self):
        """Asset cards and their schedules (`xiaozhang.model.assets.build`)."""
        from xiaozhang.model import assets
        return self.part("assets", assets.build)

    @property
    def treasury(self):
        """2103 应缴财政款 and 代收费 lots (first in, first out), cash, and what the walk found
        (`xiaozhang.model.treasury.TreasuryBook`)."""
        from xiaozhang.model import treasury
        return self.part("treasury", treasury.TreasuryBook.build)

    @property
    def budgets(self):
        """Budget lines and their execution per period (`xiaozhang.model.budgets.BudgetBook`)."""
        from xiaozhang.model import budgets
        return self.part("budgets", budgets.BudgetBook.build)

    @property
    def projects(self):
        """Earmarked projects and their spending (`xiaozhang.model.projects.ProjectBook`)."""
        from xiaozhang.model import projects
        return self.part("projects", projects.ProjectBook.build)
