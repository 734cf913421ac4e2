"""The canteen (食堂, 独立核算) in the school model: its accounts, suppliers, stocktakes and tally.

The one place that decides which accounts are the canteen's and what each is for, how the
supplier register and the stocktakes read, and what the canteen earned and spent in a month
or a term.  The canteen rules (plugins/canteen.py), the monthly notice and statement
(reports/canteen.py) and the Fava page 食堂 all read `SchoolBooks.of(entries).canteen`, built
by `build(books)` in one pass over the transactions touching the canteen's accounts
(listed by the books' one-pass index, `xiaozhang.model.index`).

The canteen's accounts
    The accounts marked `canteen: TRUE` on their `open`, and their sub-accounts.  Among them
    the use of an account is recognised by its code and name: the school's money
    (`chart.MONEY_ROOTS`), 1302 stores, 2302 payables; a liability named 饭卡 holds the meal
    cards, an income named 伙食费 is meal income (any other canteen income is other income),
    an expense named 食材 is food cost and one named 人工 labour; a meal card or meal income
    named 教职工 is the staff's, otherwise the students'.

The tally of a period (a month, a term, any days)
    income       the credits to the canteen's income accounts (meal and other income), positive
    meal income  the part of it from meals (伙食费)
    food cost    the canteen's expense accounts named 食材 (food issued from the stores and
                 stocktake differences; buying into the stores is no cost)
    other cost   the other canteen expense accounts (燃料水电, 人工, 其他)
    surplus      income − food cost − other cost
    surplus rate surplus ÷ income, a fraction (0.05 is 5%); None without income
    Only postings in the ledger's operating currency count.  Months are calendar months; terms
    are the books' terms (`xiaozhang.model.periods.terms`: the `term-end` policies, else 31
    January and 31 July), continued to the 评判日期 (`periods.judged_terms`).  A month is over
    when its last day is on or before the 评判日期 (`books.as_of`); a term has ended when its
    end is — whether or not the books reach that day.

The surplus cap (`over_cap`)
    `canteen-surplus-cap` is a percent (8 is 8%), `canteen-surplus-mode` "school" or
    "kindergarten", both as in force on the period's last day.  "school": a month's or a
    term's surplus rate may not exceed the cap; "kindergarten": a term's surplus or loss rate
    (its absolute value) may not exceed the cap, months are not held to it.

Developer note (speed, 2026-12-07): the pass reads each canteen posting once through a plan
per account (`_plan`: role, kind bits, what it feeds — stores, meal cards, meals, income),
reads the stocktakes when a new day starts (a count sees every transaction before its day,
as before), makes `CanteenTransaction` with `tuple.__new__`, and keeps each calendar month's
sums, last income and meal counts as it goes (when the transactions come in date order, as
a load gives them; otherwise the months are added up from the days on first use).  A tally
(`tally`, the terms) adds whole-month pieces and the days of the months it cuts: the same
sums, in the same order of accounts (exact decimal additions; tests/plugins/
test_canteen_tally_pieces.py checks months, terms and a cut period against the postings, and
a book built out of date order).  The rule (plugins/canteen.py) decides the usual meal sale
(meal cards debited, meal income credited, nothing else) from its kinds without reading the
numbers again, reads the inspectors once per distinct value and the stocktakes once per day,
and the supplier register keeps its dates per name (`SupplierRegister.as_of`).  Measured with
`bench/rules.py --ledger /work/benchledger/school --repeat 3` (CPU, the smallest of 3, main
and this branch run alternately, twice): canteen 0.105 / 0.106 s on main, 0.086 / 0.085 s
after (−19%).  In one process, interleaved (10 runs each): the book 61.8 → 55.3 ms before
the month sums moved into the pass, the months and terms 17.0 → 4.9 ms.  What is left is
the pass itself, bound by memory like the index's (`xiaozhang.model.index`): about 2 µs per
canteen posting (8,870 transactions, 21,017 postings), most of it the first touch of each
transaction, posting, amount and number.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from beancount.core import convert, data
from beancount.core.amount import Amount

from xiaozhang.chart import MONEY_ROOTS
from xiaozhang.model.money import HUNDRED, ledger_currency
from xiaozhang.model.periods import Month, Term, judged_terms, month_end, month_start, next_month

ZERO = Decimal(0)

# The metadata key on an `open` that puts an account (and its sub-accounts) in the canteen's books.
MARK = "canteen"

# -- the canteen's accounts and what each is for ---------------------------------------------------

MONEY = "money"
STOCK = "stock"
PAYABLE = "payable"
CARDS = "cards"
EQUITY = "equity"
MEAL_INCOME = "meal_income"
OTHER_INCOME = "other_income"
FOOD_COST = "food_cost"
LABOUR_COST = "labour_cost"
COST = "cost"
OTHER = "other"
ROLES = (MONEY, STOCK, PAYABLE, CARDS, EQUITY, MEAL_INCOME, OTHER_INCOME, FOOD_COST, LABOUR_COST,
         COST, OTHER)

INCOME_ROLES = frozenset((MEAL_INCOME, OTHER_INCOME))
COST_ROLES = frozenset((FOOD_COST, LABOUR_COST, COST))

STAFF_WORDS = ("教职工", "教工", "职工")
_CODE = re.compile(r"^\d+")


def _component_code(account: str) -> str:
    parts = account.split(":")
    match = _CODE.match(parts[1]) if len(parts) > 1 else None
    return match.group(0) if match else ""


def account_role(account: str) -> str:
    """The use of a canteen account (see the module docstring)."""
    root = account.split(":", 1)[0]
    code = _component_code(account)
    if root == "Assets":
        if account.startswith(MONEY_ROOTS):
            return MONEY
        if code.startswith("1302"):
            return STOCK
        return OTHER
    if root == "Liabilities":
        if "饭卡" in account:
            return CARDS
        if code.startswith("2302"):
            return PAYABLE
        return OTHER
    if root == "Equity":
        return EQUITY
    if root == "Income":
        return MEAL_INCOME if "伙食费" in account else OTHER_INCOME
    if root == "Expenses":
        if "食材" in account:
            return FOOD_COST
        if "人工" in account:
            return LABOUR_COST
        return COST
    return OTHER


_STAFF: dict[str, bool] = {}  # account -> is_staff (accounts are few; asked per posting)


def is_staff(account: str) -> bool:
    """A staff (教职工) meal-card or meal-income account; otherwise the students'."""
    staff = _STAFF.get(account)
    if staff is None:
        staff = _STAFF[account] = any(word in account for word in STAFF_WORDS)
    return staff


_UNKNOWN = object()


class CanteenAccounts:
    """The canteen's accounts: marked `canteen: TRUE` on their `open`, sub-accounts included."""

    def __init__(self, marked: set[str] | frozenset[str]):
        self.marked = frozenset(marked)
        self._cache: dict[str, str | None] = {}

    def role(self, account: str) -> str | None:
        """The account's role if it is the canteen's, else None."""
        role = self._cache.get(account, _UNKNOWN)
        if role is _UNKNOWN:
            parts = account.split(":")
            inside = any(":".join(parts[:i]) in self.marked for i in range(len(parts), 0, -1))
            role = account_role(account) if inside else None
            self._cache[account] = role
        return role


# -- the supplier register (custom "supplier") ----------------------------------------------------

@dataclass(frozen=True)
class Supplier:
    """One `custom "supplier"` record, in force from its date until a later one for the name."""

    name: str
    since: dt.date
    licence: str
    licence_expiry: dt.date | None  # None: 长期 (no expiry)
    food_licence: str
    food_licence_expiry: dt.date
    contract: str
    contract_start: dt.date
    contract_end: dt.date
    goods: str
    entry: Any

    def stale(self) -> str | None:
        """What had already run out on the record's own date (a licence expired, the contract
        ended), Chinese; None when the record was valid the day it was written."""
        ended = [f"{label} {day} 已过" for label, day in (
            ("营业执照有效期", self.licence_expiry), ("食品经营许可证有效期", self.food_licence_expiry),
            ("合同结束日", self.contract_end)) if day is not None and day < self.since]
        if not ended:
            return None
        return (f"供应商 {self.name} 的登记（{self.since}）在登记之日已不能供货：{'，'.join(ended)}；"
                "核对日期（常见是年份写错），换证或续签后按新证照登记")

    def problems_on(self, day: dt.date) -> list[str]:
        """What makes this supplier unusable on `day` (empty: licences valid, in contract)."""
        problems = []
        if self.licence_expiry is not None and day > self.licence_expiry:
            problems.append(f"营业执照 {self.licence} 已于 {self.licence_expiry} 到期")
        if day > self.food_licence_expiry:
            problems.append(f"食品经营许可证 {self.food_licence} 已于 {self.food_licence_expiry} 到期")
        if not self.contract_start <= day <= self.contract_end:
            problems.append(f"不在合同 {self.contract} 期内（{self.contract_start} 至 {self.contract_end}）")
        return problems


SUPPLIER_TEXT = ("licence", "food_licence", "contract")
SUPPLIER_DATES = ("food_licence_expiry", "contract_start", "contract_end")
LONG_TERM = ("长期", "永久", "无固定期限")


def read_supplier(entry: data.Custom) -> tuple[Supplier | None, str | None]:
    """The supplier of a `custom "supplier"` entry, or what is wrong with it (Chinese)."""
    meta = entry.meta
    if not entry.values or not isinstance(entry.values[0].value, str) or not entry.values[0].value:
        return None, "供应商登记 custom \"supplier\" 后面应写供应商名称"
    name = entry.values[0].value
    missing = [k for k in SUPPLIER_TEXT if not isinstance(meta.get(k), str) or not meta.get(k)]
    missing += [k for k in SUPPLIER_DATES if not isinstance(meta.get(k), dt.date)]
    expiry = meta.get("licence_expiry")
    if not (isinstance(expiry, dt.date) or expiry in LONG_TERM):
        missing.append("licence_expiry")
    if missing:
        return None, (f"供应商 {name} 的登记缺少或写错：{'、'.join(missing)}（证照号码写文字，"
                      "有效期和合同起止写日期，营业执照长期有效写 \"长期\"）")
    if meta["contract_start"] > meta["contract_end"]:
        return None, f"供应商 {name} 的合同开始日期晚于结束日期"
    return Supplier(name, entry.date, meta["licence"],
                    expiry if isinstance(expiry, dt.date) else None, meta["food_licence"],
                    meta["food_licence_expiry"], meta["contract"], meta["contract_start"],
                    meta["contract_end"], str(meta.get("goods", "")), entry), None


@dataclass
class SupplierRegister:
    """The suppliers by name, each name's records in date order."""

    by_name: dict[str, list[Supplier]] = field(default_factory=dict)
    # name -> the dates of its records, in order (made on first use, dropped by `add`)
    _since: dict[str, list[dt.date]] = field(default_factory=dict, repr=False, compare=False)

    def add(self, supplier: Supplier) -> None:
        records = self.by_name.setdefault(supplier.name, [])
        records.append(supplier)
        records.sort(key=lambda s: s.since)
        self._since.pop(supplier.name, None)

    def as_of(self, name: str, day: dt.date) -> Supplier | None:
        """The record of `name` in force on `day` (None: not registered by then)."""
        records = self.by_name.get(name)
        if not records:
            return None
        since = self._since.get(name)
        if since is None:
            since = self._since[name] = [s.since for s in records]
        index = bisect.bisect_right(since, day)
        return records[index - 1] if index else None

    def current(self, day: dt.date) -> list[Supplier]:
        """Each supplier's record in force on `day` (registered by then), by name."""
        found = [self.as_of(name, day) for name in sorted(self.by_name)]
        return [s for s in found if s is not None]


# -- stocktakes (custom "stocktake") and the canteen's transactions --------------------------------

@dataclass(frozen=True)
class Stocktake:
    """A `custom "stocktake"`: the counted amount of a stores account at the end of its day,
    beside the book balance then (the account and its sub-accounts).  `account` is None when
    the record is not `custom "stocktake" <canteen stores account> <amount>`."""

    entry: data.Custom
    account: str | None
    counted: Decimal | None
    book: Decimal | None

    @property
    def month(self) -> dt.date:
        return month_start(self.entry.date)


# What kinds of canteen postings a transaction has, as bits (`CanteenTransaction.kinds`): per
# role one bit for a debit (number > 0), one for a credit (< 0) and one for a zero posting.
KIND_BITS = {role: (1 << 3 * i, 2 << 3 * i, 4 << 3 * i) for i, role in enumerate(ROLES)}
DEBIT, CREDIT, ZERO_POSTING = 0, 1, 2


def kinds_of(roles, side: int | None = None) -> int:
    """The bits of the postings of `roles` on one side (DEBIT, CREDIT, ZERO_POSTING) or any."""
    found = 0
    for role in roles:
        bits = KIND_BITS[role]
        found |= bits[side] if side is not None else bits[0] | bits[1] | bits[2]
    return found


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


# -- the tally -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """What the canteen earned and spent from `first` to `last` (see the module docstring)."""

    first: dt.date
    last: dt.date
    sums: dict[str, Decimal]  # canteen account -> sum of its postings (signed as in the ledger)
    income: Decimal
    meal_income: Decimal
    food_cost: Decimal
    other_cost: Decimal
    meals_students: int  # the `records` of the meal-income entries (就餐人次)
    meals_staff: int
    days_served: int  # days with meal income
    unknown_meals_entries: int  # meal-income entries without `records`
    last_income: Any  # the period's last transaction posting to canteen income (where a rule reports)

    @property
    def cost(self) -> Decimal:
        return self.food_cost + self.other_cost

    @property
    def surplus(self) -> Decimal:
        return self.income - self.cost

    @property
    def rate(self) -> Decimal | None:
        """The surplus rate, a fraction (0.05 is 5%); None without income."""
        return self.surplus / self.income if self.income else None

    @property
    def food_cost_ratio(self) -> Decimal | None:
        """Food cost ÷ meal income (食材成本率), a fraction; None without meal income."""
        return self.food_cost / self.meal_income if self.meal_income else None


class SurplusCap(NamedTuple):
    """The surplus cap in force on a day: `canteen-surplus-cap` (a percent) and its mode."""

    percent: Decimal
    mode: str  # "school" | "kindergarten"


def over_cap(rate: Decimal | None, cap: SurplusCap, *, per_term: bool) -> bool:
    """Whether a surplus rate (a fraction) breaks the cap: the one test of rules CT03/CT04 and
    of the pages ("school": above the cap, months and terms; "kindergarten": its absolute
    value above the cap, terms only)."""
    if rate is None:
        return False
    limit = cap.percent / HUNDRED
    if cap.mode == "kindergarten":
        return per_term and abs(rate) > limit
    return rate > limit


@dataclass(frozen=True)
class PeriodTally:
    """A month or a term: its tally, whether it is over, and whether it broke the cap."""

    name: str  # "2025年10月" or the term's name
    tally: Tally
    closed: bool  # the month is over / the term has ended by the 评判日期
    cap: SurplusCap  # as in force on the period's last day
    over_cap: bool  # closed and over the cap (`over_cap`)
    term: Term | None = None  # the term (None for a month)


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
        self.suppliers = SupplierRegister()
        self.supplier_problems: list[tuple[data.Custom, str]] = []  # (entry, what is wrong)
        for entry in suppliers:
            supplier, problem = read_supplier(entry)
            if not problem and any(s.since == supplier.since
                                   for s in self.suppliers.by_name.get(supplier.name, ())):
                problem = (f"供应商 {supplier.name} 在 {supplier.since} 已登记过，同一天只能登记一条"
                           "（此条不予采用；换证、续签请另起日期登记）")
            if problem:
                self.supplier_problems.append((entry, problem))
            else:
                self.suppliers.add(supplier)
                stale = supplier.stale()
                if stale:  # wrong from its first day: said at the record, not only at a purchase
                    self.supplier_problems.append((entry, stale))
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
                    counted = self._count(counts, counted, today, stock)
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
        self._count(counts, counted, None, stock)

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

    def _count(self, counts: list[data.Custom], start: int, before: dt.date | None,
               stock: dict[str, Decimal]) -> int:
        """Read the stocktakes from `start` dated before `before` (None: all the rest) against
        the running stores balances; the position of the first one left."""
        position = start
        while position < len(counts) and (before is None or counts[position].date < before):
            entry = counts[position]
            position += 1
            values = entry.values
            if (len(values) != 2 or not isinstance(values[0].value, str)
                    or self.accounts.role(values[0].value) != STOCK
                    or not isinstance(values[1].value, Amount)
                    or values[1].value.number is None or values[1].value.number < 0):
                self.stocktakes.append(Stocktake(entry, None, None, None))
                continue
            account = values[0].value
            book = sum((n for a, n in stock.items() if a == account or a.startswith(account + ":")), ZERO)
            self.stocktakes.append(Stocktake(entry, account, values[1].value.number, book))
        return position

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
        """The tally of the days from `first` to `last` (see the module docstring)."""
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
