"""概览 (overview): fund balances, monthly income and expenses, pending entries.

The figures the principal looks at first, computed from the loaded entries only (nothing is
read from disk; the caller passes the entries it already has, e.g. Fava's `all_entries`).

Definitions
-----------
Currency
    Only amounts in the ledger's first `operating_currency` (CNY) are summed; a school keeps
    its books in CNY. Postings in other currencies are ignored.

End of the data (`as_of`)
    The date of the latest transaction. Budgets, events and other dated directives that lie
    in the future do not move it.  The page also shows the 评判日期 (`judged`, the day the
    rules judge deadlines by: `books.as_of_source`, `xiaozhang.model.asof`).

Fund balances (`funds`)
    For each of the five fund groups of `xiaozhang.chart.FUND_GROUPS`, in that order:
    基本户, 零余额账户用款额度, 食堂, 代收费, 应缴财政款. The balance is the sum of all
    postings to the group's account and its sub-accounts, over every transaction up to
    `balances_on` (the end of the data, or the last day of the time filter), from the first
    transaction on (pending `!` ones included: they are booked, only not yet approved).
    Sign convention: an amount is shown in the account's normal direction, so a positive
    figure is the usual case. Assets (bank, quota): money held is positive. Liabilities
    (代收费, 应缴财政款): the amount owed (to parents' providers, to the treasury) is
    positive; Beancount keeps these credit balances as negative numbers and they are negated.

School year (学年)
    1 September to 31 August, named by the year it starts in: school year 2025 is
    2025-09-01 .. 2026-08-31, written 2025-2026学年 (`xiaozhang.model.periods.SchoolYear`,
    the one definition). The default is the school year that contains the end of the data.
    Only school years with income or expenses are offered (`school_years`); a year asked for
    that has none (or a malformed one) gives the default.

Monthly income and expenses (`months`)
    The school year's months, September to August, up to the month of the end of the data
    (months still to come are not shown; a month of the data without entries shows zero);
    under a time filter, the months of the filter's period instead. Income is
    the sum of postings to Income accounts, shown positive (Beancount's credit, negated);
    expenses (费用) the sum of postings to Expenses accounts, positive. All income and
    expense accounts count, the canteen's own (独立核算) ones included, so this is the
    whole school. `net` = income - expenses (本期盈余 of the month, accrual basis).
    In a working-year ledger (docs/close.md) the months of an archived year (September to
    December of the school year begun then) come from the archive's year-end summary.

Filters (Fava's filter bar; the page passes `period` and `selected`)
    `selected` is Fava's filtered list: income, expenses and the pending entries are summed
    over its transactions, so the time, account and advanced filters all narrow them (an
    account filter keeps whole transactions that touch the account, as in Fava's own
    reports). `period` is the time filter's first and last day: the months shown are its
    months, and the fund balances are those at its end. The fund balances need the whole
    history and mean nothing for a part of the transactions: the account and advanced
    filters do not change them (the page says so at the top).

Pending entries (`pending`)
    Transactions flagged `!` (待审批/待补手续, DOMAIN.md §4.1), in ledger order (by date),
    whatever their date (under a filter: those the filter selects). Their `amount` is the transaction's size: the sum of its positive
    (debit) postings in the operating currency.

Example::

    loaded = xiaozhang.io.load(xiaozhang.io.DEFAULT_LEDGER)  # no cache, one meaning of warnings
    entries, errors, options_map = loaded.entries, loaded.problems, loaded.options_map
    overview = build(entries, options_map)
    for fund in overview.funds:
        print(fund.label, fund.amount)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from beancount.core import account_types, data
from beancount.parser import options

from xiaozhang.chart import FUND_GROUPS, under
from xiaozhang.model import yearsummary
from xiaozhang.model.asof import AsOf
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.money import ledger_currency
from xiaozhang.model.periods import ONE_DAY, Month, SchoolYear, months_between
from xiaozhang.reports.render import (
    EXPENSES_COLOUR,
    INCOME_COLOUR,
    Series,
    bar_chart_svg,
    period_label,
)

ZERO = Decimal("0")


class FundBalance(NamedTuple):
    """Balance of one fund group at the end of the data."""

    label: str  # e.g. 基本户
    account: str  # the group's account (balance includes its sub-accounts)
    amount: Decimal  # in the account's normal direction (see the module docstring)
    is_liability: bool  # True: the amount is owed, not held


class MonthRow(NamedTuple):
    """Income and expenses of one calendar month."""

    month: datetime.date  # first day of the month
    income: Decimal  # positive
    expenses: Decimal  # positive

    @property
    def net(self) -> Decimal:
        return self.income - self.expenses

    @property
    def label(self) -> str:
        return Month.of(self.month).label


class PendingEntry(NamedTuple):
    """A transaction flagged `!` (待审批/待补手续)."""

    date: datetime.date
    narration: str
    payee: str | None
    amount: Decimal  # sum of the positive postings
    filename: str
    lineno: int
    entry: data.Transaction  # for links back to the ledger (Fava's entry context)


class Overview(NamedTuple):
    currency: str
    as_of: datetime.date | None  # date of the latest transaction; None for an empty ledger
    judged: AsOf  # the 评判日期 the rules judge deadlines by (`books.as_of_source`)
    funds: tuple[FundBalance, ...]
    balances_on: datetime.date | None  # the day the fund balances are taken (end of the day)
    school_year: int  # the year the school year starts in
    school_years: tuple[int, ...]  # school years with income or expenses, ascending
    period: tuple[datetime.date, datetime.date] | None  # the time filter's days, if any
    months: tuple[MonthRow, ...]  # the school year's (or the period's) months up to `as_of`
    pending: tuple[PendingEntry, ...]

    @property
    def school_year_label(self) -> str:
        return SchoolYear(self.school_year).label

    @property
    def title(self) -> str:
        """What the income and expenses cover: `2025-2026学年`, or the time filter's period."""
        return period_label(*self.period) if self.period else self.school_year_label

    @property
    def income_total(self) -> Decimal:
        return sum((row.income for row in self.months), ZERO)

    @property
    def expenses_total(self) -> Decimal:
        return sum((row.expenses for row in self.months), ZERO)

    @property
    def net_total(self) -> Decimal:
        return self.income_total - self.expenses_total

    @property
    def pending_count(self) -> int:
        return len(self.pending)


def build(
    entries: Sequence[data.Directive],
    options_map: dict,
    *,
    school_year: int | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    selected: Sequence[data.Directive] | None = None,
) -> Overview:
    """Compute the overview from loaded entries (see the module docstring).

    `period` (first, last day, inclusive) and `selected` are what Fava's filter bar asks (see
    "Filters" in the module docstring); without them the page shows the school year.
    """
    currency = ledger_currency(options_map)
    types = options.get_account_types(options_map)
    books = SchoolBooks.of(entries if isinstance(entries, list) else list(entries), options_map)
    chosen = books if selected is None else SchoolBooks.of(
        selected if isinstance(selected, list) else list(selected), options_map)

    as_of = books.last_date
    years = school_years(books.transactions, currency, types)
    if period is not None:
        year = SchoolYear.of(period[0])
        first, last = period[0], min(period[1], as_of) if as_of else period[0] - ONE_DAY
    else:
        if school_year not in years and (years or school_year is None):
            default = SchoolYear.of(as_of or datetime.date.today()).year
            school_year = default if default in years or not years else years[-1]
        year = SchoolYear(school_year)
        first, last = year.first, min(year.last, as_of) if as_of else year.first - ONE_DAY
    months = tuple(month.first for month in months_between(first, last))  # none after the data

    income = {month: ZERO for month in months}
    expenses = {month: ZERO for month in months}
    kind_of = _account_kinds(types)
    for txn in chosen.transactions:
        if not first <= txn.date <= last:
            continue
        month = txn.date.replace(day=1)
        for posting in txn.postings:
            kind = kind_of(posting.account)
            if not kind:
                continue
            units = posting.units
            if units is None or units.currency != currency or units.number is None:
                continue
            if kind == INCOME:
                income[month] -= units.number
            else:
                expenses[month] += units.number
    _archived_months(books, months, kind_of, income, expenses)

    balances_on = min(period[1], as_of) if period is not None and as_of else as_of
    return Overview(
        currency=currency,
        as_of=as_of,
        judged=books.as_of_source,
        funds=fund_balances(books.transactions, currency, types, balances_on),
        balances_on=balances_on,
        school_year=year.year,
        school_years=years,
        period=period,
        months=tuple(MonthRow(month, income[month], expenses[month]) for month in months),
        pending=pending_entries(
            (txn for txn in chosen.transactions
             if period is None or period[0] <= txn.date <= period[1]), currency),
    )


INCOME, EXPENSES = 1, 2


def _archived_months(books: SchoolBooks, months, kind_of, income: dict, expenses: dict) -> None:
    """A working-year ledger (docs/close.md): the school year's months in an archived year
    (2025-09 … 2025-12 of school year 2025 in the 2026 ledger) from the archive's year-end
    summary (`xiaozhang.model.yearsummary`; the archive's whole month: the filter bar applies to
    the working year's entries only)."""
    archived = yearsummary.summaries_of(books)
    for month in months:
        summary = archived.get(month.year)
        if summary is None:
            continue
        for account, number in summary.months.get(f"{month.year}-{month.month:02d}", {}).items():
            kind = kind_of(account)
            if kind == INCOME:
                income[month] -= number
            elif kind == EXPENSES:
                expenses[month] += number


def _account_kinds(types) -> Callable[[str], int]:
    """INCOME, EXPENSES or 0 of an account, decided once per account."""
    known: dict[str, int] = {}

    def kind(account: str) -> int:
        found = known.get(account)
        if found is None:
            found = known[account] = (INCOME if account_types.is_account_type(types.income, account)
                                      else EXPENSES if account_types.is_account_type(types.expenses, account)
                                      else 0)
        return found
    return kind


def school_years(transactions: Sequence[data.Transaction], currency: str, types) -> tuple[int, ...]:
    """The school years with income or expenses (a year of opening balances only is not one).

    The transactions are in date order: once a year is found, the rest of it is skipped."""
    years: set[int] = set()
    counts = _account_kinds(types)
    found_until = None  # the last day of the latest year found
    for txn in transactions:
        if found_until is not None and txn.date <= found_until:
            continue
        for posting in txn.postings:
            units = posting.units
            if (units is not None and units.currency == currency and units.number
                    and counts(posting.account)):
                year = SchoolYear.of(txn.date)
                years.add(year.year)
                found_until = year.last
                break
    return tuple(sorted(years))


def fund_balances(transactions: Sequence[data.Transaction], currency: str, types,
                  day: datetime.date | None) -> tuple[FundBalance, ...]:
    """The five fund groups' balances at the end of `day` (None: of all transactions)."""
    totals = {account: ZERO for _, account in FUND_GROUPS}
    groups: dict[str, str | None] = {}  # account -> its fund group, decided once per account
    for txn in transactions:
        if day is not None and txn.date > day:
            break  # the model's transactions are in date order
        for posting in txn.postings:
            account = posting.account
            group = groups.get(account, "")
            if group == "":
                group = groups[account] = next(
                    (g for _, g in FUND_GROUPS if under(account, g)), None)
            if group is None:
                continue
            units = posting.units
            if units is None or units.currency != currency or units.number is None:
                continue
            totals[group] += units.number
    funds = []
    for label, group in FUND_GROUPS:
        amount = account_types.get_account_sign(group, types) * totals[group]
        funds.append(FundBalance(
            label=label,
            account=group,
            amount=abs(amount) if amount == 0 else amount,  # no -0.00
            is_liability=account_types.is_account_type(types.liabilities, group),
        ))
    return tuple(funds)


def monthly_chart(overview: Overview):
    """The page's bar chart of monthly income and expenses (inline SVG)."""
    return bar_chart_svg(
        [f"{row.month.month}月" for row in overview.months],
        [
            Series("收入", [row.income for row in overview.months], INCOME_COLOUR),
            Series("费用", [row.expenses for row in overview.months], EXPENSES_COLOUR),
        ],
        title=f"{overview.title}各月收入与费用",
    )


def pending_entries(entries: Iterable[data.Directive], currency: str) -> tuple[PendingEntry, ...]:
    """The transactions flagged `!`, in ledger order (see the module docstring)."""
    return tuple(
        _pending_entry(entry, currency)
        for entry in entries
        if isinstance(entry, data.Transaction) and entry.flag == "!"
    )


def _pending_entry(txn: data.Transaction, currency: str) -> PendingEntry:
    amount = sum(
        (
            posting.units.number
            for posting in txn.postings
            if posting.units is not None
            and posting.units.currency == currency
            and posting.units.number is not None
            and posting.units.number > 0
        ),
        ZERO,
    )
    return PendingEntry(
        date=txn.date,
        narration=txn.narration,
        payee=txn.payee or None,
        amount=amount,
        filename=txn.meta.get("filename", ""),
        lineno=txn.meta.get("lineno", 0),
        entry=txn,
    )
