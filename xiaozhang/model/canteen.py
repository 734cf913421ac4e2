"""The canteen (食堂, 独立核算) in the school model: its book and the one pass that makes it.

The one place that decides what the canteen earned and spent in a month or a term.  The
canteen rules (plugins/canteen.py), the monthly notice and statement (reports/canteen.py) and
the Fava page 食堂 all read `SchoolBooks.of(entries).canteen`, built by `build(books)` in one
pass over the transactions touching the canteen's accounts (listed by the books' one-pass
index, `xiaozhang.model.index`).  What the book is made of lives beside it, one concern a
module; their names are importable from here as well:

    xiaozhang.model.canteen_accounts    which accounts are the canteen's and what each is for
                                        (the roles, `CanteenAccounts`, the kind bits)
    xiaozhang.model.canteen_suppliers   the supplier register (`custom "supplier"`)
    xiaozhang.model.canteen_stocktakes  the stocktakes (`custom "stocktake"`)
    xiaozhang.model.canteen_tally       the tally of a period (what each figure means: income,
                                        costs, surplus, rate) and the surplus cap (`over_cap`)

The book (`CanteenBook`)
    `transactions`: each transaction with canteen postings (`CanteenTransaction`: the postings
    with their roles, their kinds, what they leave unbalanced); the sums per account by day;
    the meals by day; the stocktakes beside the book balance; `wrong_side`: stores below zero
    or meal cards in debit at a day's end; `suppliers`; and the tallies: `tally(first, last)`,
    `month(...)`, `months`, `terms` (`PeriodTally`).  Months are calendar months; terms are the
    books' terms continued to the 评判日期 (`periods.judged_terms`).  A month is over when its
    last day is on or before the 评判日期 (`books.as_of`); a term has ended when its end is —
    whether or not the books reach that day.

Developer note (speed, 2026-12-07): the pass reads each canteen posting once through a plan
per account (`_plan`: role, kind bits, what it feeds — stores, meal cards, meals, income),
reads the stocktakes when a new day starts (`canteen_stocktakes.read_stocktakes`: a count sees
every transaction before its day, as before), makes `CanteenTransaction` with `tuple.__new__`,
and keeps each calendar month's sums, last income and meal counts as it goes (when the
transactions come in date order, as a load gives them; otherwise the months are added up from
the days on first use).  A tally (`tally`, the terms) adds whole-month pieces and the days of
the months it cuts: the same sums, in the same order of accounts (exact decimal additions;
tests/plugins/test_canteen_tally_pieces.py checks months, terms and a cut period against the
postings, and a book built out of date order).  The rule (plugins/canteen.py) decides the usual
meal sale (meal cards debited, meal income credited, nothing else) from its kinds without
reading the numbers again, reads the inspectors once per distinct value and the stocktakes once
per day, and the supplier register keeps its dates per name
(`canteen_suppliers.SupplierRegister.as_of`).  Measured with `bench/rules.py --ledger
/work/benchledger/school --repeat 3` (CPU, the smallest of 3, main and this branch run
alternately, twice): canteen 0.105 / 0.106 s on main, 0.086 / 0.085 s after (−19%).  In one
process, interleaved (10 runs each): the book 61.8 → 55.3 ms before the month sums moved into
the pass, the months and terms 17.0 → 4.9 ms.  What is left is the pass itself, bound by memory
like the index's (`xiaozhang.model.index`): about 2 µs per canteen posting (8,870 transactions,
21,017 postings), most of it the first touch of each transaction, posting,
amount and number.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from beancount.core import convert, data

# the canteen's concerns, one a module; their names stay importable from here (the rules, the
# reports and the tests import them from xiaozhang.model.canteen)
from xiaozhang.model.canteen_accounts import (  # noqa: F401  (re-exported for its users)
    _UNKNOWN, CARDS, COST, COST_ROLES, CREDIT, DEBIT, EQUITY, FOOD_COST, INCOME_ROLES, KIND_BITS,
    LABOUR_COST, MARK, MEAL_INCOME, MONEY, OTHER, OTHER_INCOME, PAYABLE, ROLES, STAFF_WORDS, STOCK,
    ZERO_POSTING, CanteenAccounts, account_role, is_staff, kinds_of)
from xiaozhang.model.canteen_stocktakes import Stocktake, read_stocktakes
from xiaozhang.model.canteen_suppliers import (  # noqa: F401  (re-exported for its users)
    LONG_TERM, SUPPLIER_DATES, SUPPLIER_TEXT, Supplier, SupplierRegister, read_register, read_supplier)
from xiaozhang.model.canteen_tally import PeriodTally, SurplusCap, Tally, over_cap
from xiaozhang.model.money import ledger_currency
from xiaozhang.model.periods import Month, judged_terms, month_end, month_start, next_month

ZERO = Decimal(0)


# -- the canteen's transactions --------------------------------------------------------------------

# what a canteen posting feeds in the pass (`CanteenBook._plan`): the running stores balance,
# the meal cards' balance, the meals and the day's income, the day's income
_STOCK, _CARDS, _MEAL, _INCOME = "stock", "cards", "meal", "income"


class CanteenTransaction(NamedTuple):
    """A transaction with canteen postings: each (posting, role), any currency; the kinds of
    those postings (`KIND_BITS`); and what they leave unbalanced, the sum of their weights
    per currency where it is not zero (None: the canteen's side balances by itself)."""

    entry: data.Transaction
    postings: tuple[tuple[data.Posting, str], ...]
    kinds: int
    imbalance: dict[str, Decimal] | None


class WrongSide(NamedTuple):
    """A stores account below zero, or a meal-card account in debit, at the end of `day`
    (the first day of a run of such days; `entry` is the transaction that took it there)."""

    entry: data.Transaction
    account: str
    balance: Decimal
    day: dt.date


# -- the canteen's books ---------------------------------------------------------------------------

class CanteenBook:
    """The canteen of one entries list (see the module docstring); `build(books)` makes it."""

    def __init__(self, books) -> None:
        self.books = books
        self.policy = books.policy
        options = books.options_map or {}
        self.currency: str = ledger_currency(options)
        # the books' one-pass index (xiaozhang.model.index) lists the opens, the customs by
        # type and the transactions touching the canteen's accounts
        index = books.index
        opens = index.opens
        suppliers, counts = index.customs("supplier"), index.customs("stocktake")
        self.accounts = CanteenAccounts({e.account for e in opens if e.meta.get(MARK) is True})
        # the supplier register, and the records with what is wrong with them (entry, Chinese)
        self.suppliers, self.supplier_problems = read_register(suppliers)
        self.stocktakes: list[Stocktake] = []
        self.transactions: list[CanteenTransaction] = []
        self.by_day: dict[dt.date, dict[str, Decimal]] = {}
        self.meals: dict[dt.date, list[int]] = {}  # day -> [students, staff]
        self.unknown_meals: dict[dt.date, int] = {}
        self.last_income: dict[dt.date, Any] = {}  # day -> its last transaction posting to income
        self.wrong_side: list[WrongSide] = []  # stores below zero, meal cards in debit (`_end_of_day`)
        self._on_wrong_side: set[str] = set()
        self._months: dict[dt.date, PeriodTally] = {}
        self._month_pieces: dict[dt.date, tuple] = {}  # month -> its days in one piece (`tally`)
        self._read(books.touching("canteen") if self.accounts.marked else [], counts)
        self.days: list[dt.date] = sorted(self.by_day)
        opened = {e.account for e in opens if self.accounts.role(e.account) is not None}
        posted = {account for sums in self.by_day.values() for account in sums}
        leaves = {a for a in opened if not any(b.startswith(a + ":") for b in opened)}
        # every account posted to, and the opened leaves, in chart order
        self.ledger_accounts: list[str] = sorted(leaves | posted)

    def _read(self, transactions: list[data.Transaction], counts: list[data.Custom]) -> None:
        """The one pass over the transactions touching the canteen's accounts: their postings
        by day, the meals, and each stocktake at the end of its day."""
        currency = self.currency
        by_day, keep, new = self.by_day, self.transactions.append, tuple.__new__
        meals, unknown_meals, last_income = self.meals, self.unknown_meals, self.last_income
        zero, get_weight, Transaction = ZERO, convert.get_weight, CanteenTransaction
        # account -> (role, its KIND_BITS, what its postings feed) or None: not the canteen's
        plans: dict[str, tuple | None] = {}
        plan_of, planned = plans.get, self._plan
        stock: dict[str, Decimal] = defaultdict(Decimal)  # running balance per stores account
        counted, count_total = 0, len(counts)  # the stocktakes read so far
        # the stores and meal-card accounts moved today: their balances are judged at the day's end
        balances: dict[str, Decimal] = defaultdict(Decimal)  # running, stores and meal cards
        moved: dict[str, Any] = {}  # account -> the day's last transaction taking it to the wrong side
        # the calendar months' pieces (`_month_piece`), added up as the days come (kept when
        # they come in order): month -> [sums, last income, students, staff, days served,
        # entries without a count]
        pieces: dict[dt.date, list] = {}
        in_order = True
        day = sums = piece = month_sums = None
        for entry in transactions:
            today = entry.date
            if today != day:
                if moved:
                    self._end_of_day(day, moved, balances)
                if day is not None and today < day:
                    in_order = False
                day = today
                sums = by_day.get(today)  # the day's sums (made at its first posting in the currency)
                month = today.replace(day=1)
                piece = pieces.get(month)
                if piece is None:
                    piece = pieces[month] = [defaultdict(Decimal), None, 0, 0, 0, 0]
                month_sums = piece[0]
                # the stocktakes dated before this day see every transaction before it
                if counted < count_total and counts[counted].date < today:
                    counted = read_stocktakes(self.stocktakes, self.accounts, counts, counted, today, stock)
            found = []
            income = False
            consumption = None
            kinds = 0
            balance = zero  # the weights of the canteen postings, in the first currency met
            balance_currency = None
            other_currencies = None
            for posting in entry.postings:
                account = posting.account
                plan = plan_of(account, _UNKNOWN)
                if plan is None:
                    continue
                if plan is _UNKNOWN:
                    plan = plans[account] = planned(account)
                    if plan is None:
                        continue
                units = posting.units
                if units is None:
                    continue
                number = units.number
                if number is None:
                    continue
                role, bits, feed = plan
                found.append((posting, role))
                kinds |= bits[0] if number > zero else bits[1] if number < zero else bits[2]
                unit = units.currency
                if posting.cost is None and posting.price is None:
                    weight_currency, weight = unit, number
                else:
                    weight = get_weight(posting)
                    weight_currency, weight = weight.currency, weight.number
                if balance_currency is None or weight_currency == balance_currency:
                    balance_currency = weight_currency
                    balance += weight
                else:
                    if other_currencies is None:
                        other_currencies = defaultdict(Decimal)
                    other_currencies[weight_currency] += weight
                if unit != currency:
                    continue
                if sums is None:
                    sums = by_day[today] = defaultdict(Decimal)
                sums[account] += number
                month_sums[account] += number
                if feed is None:
                    continue
                if feed is _MEAL:
                    income = True
                    if number < zero:
                        consumption = is_staff(account)
                elif feed is _INCOME:
                    income = True
                else:  # the stores or the meal cards
                    if feed is _STOCK:
                        stock[account] += number
                    before = balances[account]
                    after = balances[account] = before + number
                    # the transaction taking it to the wrong side (stores below zero, cards in debit)
                    if (after < zero <= before) if feed is _STOCK else (after > zero >= before):
                        moved[account] = entry
                    elif account not in moved:
                        moved[account] = entry
            if not found:
                continue
            imbalance = None
            if balance or other_currencies:
                totals = {balance_currency: balance, **(other_currencies or {})}
                imbalance = {c: n for c, n in totals.items() if n != 0} or None
            keep(new(Transaction, (entry, tuple(found), kinds, imbalance)))
            if income:
                last_income[today] = piece[1] = entry
            if consumption is not None:
                served = meals.get(today)  # a day served, even without a count
                if served is None:
                    served = meals[today] = [0, 0]
                    piece[4] += 1
                records = entry.meta.get("records")
                if isinstance(records, (int, Decimal)):
                    served[1 if consumption else 0] += int(records)
                    piece[3 if consumption else 2] += int(records)
                else:
                    unknown_meals[today] = unknown_meals.get(today, 0) + 1
                    piece[5] += 1
        if moved:
            self._end_of_day(day, moved, balances)
        if in_order:  # the same sums as the month's days added up (exact decimal additions)
            self._month_pieces.update(
                (month, (dict(p[0]), p[1], (p[2], p[3], p[4]), p[5])) for month, p in pieces.items())
        read_stocktakes(self.stocktakes, self.accounts, counts, counted, None, stock)

    def _plan(self, account: str) -> tuple | None:
        """What `_read` does with a posting on `account`: (role, KIND_BITS of the role, what
        it feeds: `_STOCK`, `_CARDS`, `_MEAL`, `_INCOME` or None); None: not the canteen's."""
        role = self.accounts.role(account)
        if role is None:
            return None
        feed = {STOCK: _STOCK, CARDS: _CARDS, MEAL_INCOME: _MEAL, OTHER_INCOME: _INCOME}.get(role)
        return role, KIND_BITS[role], feed

    def _end_of_day(self, day: dt.date, moved: dict[str, Any], balances: dict[str, Decimal]) -> None:
        """A stores account below zero (more issued than received) or a meal-card account in
        debit (more eaten than paid in) at the end of `day`: a `WrongSide`, once per run of
        such days (`wrong_side`), at the day's last transaction that took it to the wrong side
        (the day's first movement if it was there all day)."""
        on_wrong_side, role = self._on_wrong_side, self.accounts.role
        for account, entry in moved.items():
            balance = balances[account]
            wrong = balance < ZERO if role(account) == STOCK else balance > ZERO
            if wrong:
                if account not in on_wrong_side:
                    on_wrong_side.add(account)
                    self.wrong_side.append(WrongSide(entry, account, balance, day))
            elif on_wrong_side:
                on_wrong_side.discard(account)
        moved.clear()

    # -- the books' dates ------------------------------------------------------------------------
    @property
    def as_of(self) -> dt.date | None:
        """The end of the data: the date of the last transaction the accountant wrote (entries
        generated after the rules ran, e.g. month-end depreciation, do not end a month early)."""
        return self.books.last_written

    @property
    def judged_on(self) -> dt.date:
        """The 评判日期 (`books.as_of`, `xiaozhang.model.asof`): a month or term is over when
        it ended by that day, whether or not anything was booked since."""
        return self.books.as_of

    def month_over(self, month: dt.date) -> bool:
        """The month of `month` ended by the 评判日期."""
        return self.judged_on >= month_end(month)

    # -- sums and tallies ------------------------------------------------------------------------
    def _days(self, first: dt.date | None, last: dt.date) -> list[dt.date]:
        start = 0 if first is None else bisect.bisect_left(self.days, first)
        return self.days[start:bisect.bisect_right(self.days, last)]

    def sums(self, first: dt.date | None, last: dt.date) -> dict[str, Decimal]:
        """Each canteen account's postings from `first` (None: the beginning) to `last`."""
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for day in self._days(first, last):
            for account, amount in self.by_day[day].items():
                totals[account] += amount
        return totals

    def tally(self, first: dt.date, last: dt.date) -> Tally:
        """The tally of the days from `first` to `last` (`xiaozhang.model.canteen_tally`)."""
        totals: dict[str, Decimal] = defaultdict(Decimal)
        last_income = None
        students = staff = served = unknown = 0
        for sums, income_entry, meals, without_count in self._pieces(first, last):
            for account, amount in sums.items():
                totals[account] += amount
            if income_entry is not None:
                last_income = income_entry
            students += meals[0]
            staff += meals[1]
            served += meals[2]
            unknown += without_count
        income = meal_income = food_cost = other_cost = ZERO
        for account, amount in totals.items():
            role = self.accounts.role(account)
            if role in INCOME_ROLES:
                income -= amount
                if role == MEAL_INCOME:
                    meal_income -= amount
            elif role == FOOD_COST:
                food_cost += amount
            elif role in COST_ROLES:
                other_cost += amount
        return Tally(first, last, dict(totals), income, meal_income, food_cost, other_cost,
                     students, staff, served, unknown, last_income)

    def _pieces(self, first: dt.date, last: dt.date):
        """The days from `first` to `last` as pieces (sums by account, the last transaction
        posting to income, [students, staff, days served], entries without a count): a whole
        calendar month in one piece (`_month_piece`), the days of a month cut by `first` or
        `last` one by one.  Sums over months equal the sums over their days (exact decimal
        additions, in the same order of accounts)."""
        days = self.days
        if not days:
            return
        first, last = max(first, days[0]), min(last, days[-1])
        month = month_start(first)
        while month <= last:
            end = month_end(month)
            if first <= month and end <= last:
                yield self._month_piece(month)
            else:
                for day in self._days(max(first, month), min(last, end)):
                    yield self._day_piece(day)
            month = next_month(month)

    def _day_piece(self, day: dt.date) -> tuple:
        meals = self.meals.get(day)
        return (self.by_day[day], self.last_income.get(day),
                (meals[0], meals[1], 1) if meals is not None else (0, 0, 0),
                self.unknown_meals.get(day, 0))

    def _month_piece(self, month: dt.date) -> tuple:
        """The days of a calendar month (`month` its first day) in one piece (`_pieces`)."""
        piece = self._month_pieces.get(month)
        if piece is None:
            totals: dict[str, Decimal] = defaultdict(Decimal)
            last_income = None
            students = staff = served = unknown = 0
            by_day, incomes, meals_of, unknown_of = (self.by_day, self.last_income, self.meals,
                                                     self.unknown_meals)
            for day in self._days(month, month_end(month)):  # as `_day_piece` reads a day
                for account, amount in by_day[day].items():
                    totals[account] += amount
                last_income = incomes.get(day, last_income)
                meals = meals_of.get(day)
                if meals is not None:
                    students += meals[0]
                    staff += meals[1]
                    served += 1
                unknown += unknown_of.get(day, 0)
            piece = self._month_pieces[month] = (dict(totals), last_income,
                                                 (students, staff, served), unknown)
        return piece

    def cap_on(self, day: dt.date) -> SurplusCap:
        return SurplusCap(self.policy.get("canteen-surplus-cap", day),
                          self.policy.get("canteen-surplus-mode", day))

    def month(self, month: dt.date) -> PeriodTally:
        """The calendar month of `month`."""
        first = month_start(month)
        cached = self._months.get(first)
        if cached is None:
            last = month_end(first)
            tally = self.tally(first, last)
            closed = self.month_over(first)
            cap = self.cap_on(last)
            cached = self._months[first] = PeriodTally(
                Month.of(first).label, tally, closed, cap,
                closed and over_cap(tally.rate, cap, per_term=False))
        return cached

    @cached_property
    def months(self) -> list[PeriodTally]:
        """Every month from the first to the last with canteen postings."""
        if not self.days:
            return []
        found = []
        month = month_start(self.days[0])
        while month <= self.days[-1]:
            found.append(self.month(month))
            month = next_month(month)
        return found

    @cached_property
    def terms(self) -> list[PeriodTally]:
        """One per term of the books up to the 评判日期 (`periods.judged_terms`): a term that
        ended by then is closed even when the books stop before its end; an open term runs to
        the end of the data."""
        found = []
        books = self.books
        for term in judged_terms(books.policy, books.first_date, books.last_date, self.judged_on):
            last = term.end if term.end is not None else self.as_of
            tally = self.tally(term.start, last)
            closed = term.ended_by(self.judged_on)
            cap = self.cap_on(last)
            found.append(PeriodTally(term.name, tally, closed, cap,
                                     closed and over_cap(tally.rate, cap, per_term=True), term))
        return found

    def term_of(self, day: dt.date) -> PeriodTally | None:
        """The term containing `day`."""
        for period in self.terms:
            if period.term.contains(day):
                return period
        return None


def build(books) -> CanteenBook:
    """The canteen of `books` (`SchoolBooks.of(entries).canteen` calls this once)."""
    return CanteenBook(books)
