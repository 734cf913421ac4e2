"""预算指标与执行: the budget lines (`custom "budget"`) and the spending in each of their periods.

`SchoolBooks.of(entries).budgets` walks the entries once:

Lines
    Fava's budget directive, `2026-01-01 custom "budget" Expenses:…:30201办公费 "yearly"
    34000.00 CNY`.  A line holds from its date (spending of that day included, whatever the
    file) until the next line of the same account; an account's first line holds for its whole
    first period (a yearly line dated in March counts January's spending too).  A line whose
    account is not opened, whose amount is negative or not in the books' operating currency is
    `Malformed` (it could never be reached: the rule would be off without a word).

Periods
    Calendar periods of the line's frequency (`period_of`: day, Monday–Sunday week, month,
    quarter, year), never prorated.  The actual spending of a period is the debits minus
    credits to the account and its sub-accounts in the line's currency, `!` entries included.

Events (`events`, in the order they happen)
    `Malformed` (a budget directive that is not account, period, amount) and `Overrun` (the
    transaction that takes a period's spending over its line, or the line that replaces
    another below what its period has already spent; once per period until a later line
    raises it above the spending again, with the figures at that moment).  The rule (`xiaozhang.plugins.budgets`, BG01–BG02) words
    them; the 合规 page shows the periods.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from beancount.core import account as account_lib, data
from beancount.core.amount import Amount

from xiaozhang.model.index import EntryIndex, directives_first
from xiaozhang.model.money import ledger_currency

# The frequencies of Fava's budget directive and their Chinese names.
PERIODS = {"daily": "日", "weekly": "周", "monthly": "月", "quarterly": "季", "yearly": "年"}


def is_account(value) -> bool:
    """An account value of a custom directive: bare, or quoted as Fava also accepts."""
    return value.dtype == account_lib.TYPE or (isinstance(value.value, str)
                                               and account_lib.is_valid(value.value))


def period_of(frequency: str, date: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period (first and last day) of the given frequency containing date."""
    if frequency == "daily":
        return date, date
    if frequency == "weekly":
        first = date - dt.timedelta(days=date.weekday())
        return first, first + dt.timedelta(days=6)
    if frequency == "monthly":
        first = date.replace(day=1)
    elif frequency == "quarterly":
        first = date.replace(month=(date.month - 1) // 3 * 3 + 1, day=1)
    else:
        first = date.replace(month=1, day=1)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    month = first.month - 1 + months
    after = first.replace(year=first.year + month // 12, month=month % 12 + 1)
    return first, after - dt.timedelta(days=1)


def period_label(frequency: str, first: dt.date) -> str:
    if frequency == "yearly":
        return f"{first.year}年"
    if frequency == "quarterly":
        return f"{first.year}年第{(first.month - 1) // 3 + 1}季度"
    if frequency == "monthly":
        return f"{first.year}年{first.month}月"
    if frequency == "weekly":
        return f"{first} 起一周"
    return str(first)


@dataclass(frozen=True)
class Line:
    account: str
    since: dt.date
    frequency: str
    amount: Amount
    entry: data.Custom


@dataclass
class Execution:
    """A budget line's figures for one period: what it allows and what has been spent."""

    line: Line
    first: dt.date
    last: dt.date
    budget: Decimal
    actual: Decimal = Decimal(0)
    over: bool = False
    crossed_by: data.Transaction | None = None

    @property
    def label(self) -> str:
        return period_label(self.line.frequency, self.first)


class Malformed(NamedTuple):
    """A `custom "budget"` directive that is not account, period, amount; or one whose account
    is not opened, whose amount is negative or not in the books' currency (`problem` says
    which: such a line would never be reached, so the rule would be off without a word)."""

    entry: data.Custom
    problem: str = ""


class Overrun(NamedTuple):
    """The transaction that took a period's spending over its line (figures at that moment)."""

    txn: data.Transaction
    line: Line
    label: str  # the period, e.g. 2026年
    budget: Decimal
    actual: Decimal


@dataclass
class BudgetBook:
    """One pass over the entries: budget lines as they come, spending per line and period."""

    lines: dict[str, list[Line]] = field(default_factory=dict)
    periods: dict[tuple[str, dt.date], Execution] = field(default_factory=dict)
    events: list = field(default_factory=list)
    _covering: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _since: dict[str, list[dt.date]] = field(default_factory=dict)  # the lines' dates

    currency: str | None = None  # the books' currency (`money.ledger_currency`; None: not checked)

    @classmethod
    def build(cls, books) -> "BudgetBook":
        """The part `SchoolBooks.budgets`."""
        return cls(currency=ledger_currency(books.options_map)).run(books.entries, books.index)

    def run(self, entries: list, index: EntryIndex | None = None) -> "BudgetBook":
        index = index or EntryIndex(entries)
        directives = index.customs("budget")
        # the lines are read first: the first line of an account also counts the spending of
        # its period before its date (a yearly line approved in March holds for January too)
        taking_effect = {}
        opened = {entry.account for entry in index.opens}
        for entry in directives:
            line = self._line(entry, opened)
            if line is not None:
                taking_effect[id(entry)] = line
        # only the transactions that post to a budgeted account (or below one) can count
        budgeted = tuple({value.value for value in (d.values[0] for d in directives if d.values)
                          if isinstance(value.value, str)})
        below = tuple(account + ":" for account in budgeted)
        counted = index.take(index.where(index.mask_of(
            lambda account: account in budgeted or account.startswith(below)))) if budgeted else []
        # A day's transactions are counted when the day is over, so that a budget line dated
        # the same day applies whatever the order of the files (Beancount sorts a custom and
        # a transaction of one day by their line numbers).
        for entry in directives_first(directives, counted):
            if type(entry) is data.Custom:
                line = taking_effect.get(id(entry))
                if line is not None:
                    self._takes_effect(line)
            else:
                self._transaction(entry)
        return self

    def _line(self, entry: data.Custom, opened: set[str]) -> Line | None:
        values = entry.values
        if (len(values) != 3 or not is_account(values[0])
                or values[1].value not in PERIODS or not isinstance(values[2].value, Amount)):
            self.events.append(Malformed(entry))
            return None
        account, amount = values[0].value, values[2].value
        problem = ""
        if account not in opened and not any(a.startswith(account + ":") for a in opened):
            problem = f"科目 {account} 没有开设（open），这条预算指标永远用不上：改正科目名称"
        elif amount.number is None or amount.number < 0:
            problem = f"预算金额 {amount} 不能为负数"
        elif self.lines.get(account) and self.lines[account][-1].since == entry.date:
            problem = (f"科目 {account} 在 {entry.date} 已有一条预算指标，同一天只能写一条"
                       "（此条不予采用）")
        elif self.currency and amount.currency != self.currency:
            problem = (f"预算金额的币种 {amount.currency} 不是账本的记账币种 {self.currency}，"
                       f"支出不会计入这条指标：改为 {self.currency}")
        if problem:
            self.events.append(Malformed(entry, problem))
            return None
        line = Line(account, entry.date, values[1].value, amount, entry)
        self.lines.setdefault(line.account, []).append(line)
        self._since.setdefault(line.account, []).append(line.since)
        self._covering.clear()  # a new budgeted account may cover accounts seen before
        return line

    def _takes_effect(self, line: Line) -> None:
        """A line replacing another within a period is held against what that period has
        spent so far (spending of the line's own day not yet): a line lowered below it is an
        `Overrun` at the directive; a line raised above it lets a later crossing be seen."""
        first, _last = period_of(line.frequency, line.since)
        execution = self.periods.get((line.account, first))
        if execution is None:
            return
        execution.line, execution.budget = line, line.amount.number
        if execution.actual <= execution.budget:
            execution.over = False
        elif not execution.over:
            execution.over = True
            execution.crossed_by = line.entry
            self.events.append(Overrun(line.entry, line, execution.label, execution.budget,
                                       execution.actual))

    def covering(self, account: str) -> tuple[str, ...]:
        """The budgeted accounts that include this account (itself or an ancestor)."""
        found = self._covering.get(account)
        if found is None:
            parts = account.split(":")
            found = tuple(a for a in (":".join(parts[:i]) for i in range(len(parts), 0, -1))
                          if a in self.lines)
            self._covering[account] = found
        return found

    def line_as_of(self, account: str, date: dt.date) -> Line | None:
        """The line in force on `date`: the last dated on or before it, else the account's first
        line when `date` is in that line's first period (the whole period is budgeted)."""
        lines = self.lines[account]
        since = self._since.get(account)
        if since is None or len(since) != len(lines):  # lines added from outside
            since = self._since[account] = [line.since for line in lines]
        index = bisect.bisect_right(since, date)
        if index:
            return lines[index - 1]
        first = lines[0]  # before the first line: its period counts from the period's first day
        return first if date >= period_of(first.frequency, first.since)[0] else None

    def execution(self, account: str, day: dt.date) -> tuple[Line, Execution | None] | None:
        """The line of `account` in force on `day` and its period's figures (None: no line
        yet; no execution: nothing spent in that period)."""
        line = self.line_as_of(account, day)
        if line is None:
            return None
        first, _last = period_of(line.frequency, day)
        return line, self.periods.get((account, first))

    def _transaction(self, txn: data.Transaction) -> None:
        touched: dict[tuple[str, dt.date], Execution] = {}
        for posting in txn.postings:
            number = posting.units.number
            if number is None:
                continue
            for account in self.covering(posting.account):
                line = self.line_as_of(account, txn.date)
                if line is None or line.amount.currency != posting.units.currency:
                    continue
                first, last = period_of(line.frequency, txn.date)
                execution = self.periods.get((account, first))
                if execution is None:
                    execution = self.periods[(account, first)] = Execution(
                        line, first, last, line.amount.number)
                execution.line, execution.budget = line, line.amount.number
                execution.actual += number
                touched[(account, first)] = execution
        for execution in touched.values():
            if execution.actual > execution.budget and not execution.over:
                execution.over = True
                execution.crossed_by = txn
                self.events.append(Overrun(txn, execution.line, execution.label,
                                           execution.budget, execution.actual))
