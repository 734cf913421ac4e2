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
    in the future do not move it.

Fund balances (`funds`)
    For each of the five fund groups of `xiaozhang.chart.FUND_GROUPS`, in that order:
    基本户, 零余额账户用款额度, 食堂, 代收费, 应缴财政款. The balance is the sum of all
    postings to the group's account and its sub-accounts, over every transaction in the data
    (pending `!` ones included: they are booked, only not yet approved).
    Sign convention: an amount is shown in the account's normal direction, so a positive
    figure is the usual case. Assets (bank, quota): money held is positive. Liabilities
    (代收费, 应缴财政款): the amount owed (to parents' providers, to the treasury) is
    positive; Beancount keeps these credit balances as negative numbers and they are negated.

School year (学年)
    1 September to 31 August, named by the year it starts in: school year 2025 is
    2025-09-01 .. 2026-08-31, written 2025-2026学年 (`xiaozhang.model.periods.SchoolYear`,
    the one definition). The default is the school year that contains the end of the data.

Monthly income and expenses (`months`)
    Twelve rows, September to August, including months without any entry (zero). Income is
    the sum of postings to Income accounts, shown positive (Beancount's credit, negated);
    expenses (费用) the sum of postings to Expenses accounts, positive. All income and
    expense accounts count, the canteen's own (独立核算) ones included, so this is the
    whole school. `net` = income - expenses (本期盈余 of the month, accrual basis).

Pending entries (`pending`)
    Transactions flagged `!` (待审批/待补手续, DOMAIN.md §4.1), in ledger order (by date),
    whatever their date. Their `amount` is the transaction's size: the sum of its positive
    (debit) postings in the operating currency.

Example::

    entries, errors, options_map = loader.load_file("ledger/main.beancount")
    overview = build(entries, options_map)
    for fund in overview.funds:
        print(fund.label, fund.amount)
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from beancount.core import account_types, data
from beancount.parser import options

from xiaozhang.chart import FUND_GROUPS
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import Month, SchoolYear
from xiaozhang.reports.render import EXPENSES_COLOUR, INCOME_COLOUR, Series, bar_chart_svg

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
    funds: tuple[FundBalance, ...]
    school_year: int  # the year the school year starts in
    school_years: tuple[int, ...]  # school years that have transactions, ascending
    months: tuple[MonthRow, ...]  # September .. August of `school_year`
    pending: tuple[PendingEntry, ...]

    @property
    def school_year_label(self) -> str:
        return SchoolYear(self.school_year).label

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
) -> Overview:
    """Compute the overview from loaded entries (see the module docstring)."""
    currency = options_map["operating_currency"][0]
    types = options.get_account_types(options_map)
    books = SchoolBooks.of(entries if isinstance(entries, list) else list(entries), options_map)
    transactions = books.transactions

    as_of = books.last_date
    year = SchoolYear(school_year) if school_year is not None \
        else SchoolYear.of(as_of or datetime.date.today())
    months = tuple(month.first for month in year.months)

    fund_totals = {account: ZERO for _, account in FUND_GROUPS}
    income = {month: ZERO for month in months}
    expenses = {month: ZERO for month in months}
    years: set[int] = set()

    for txn in transactions:
        years.add(SchoolYear.of(txn.date).year)
        in_year = year.first <= txn.date <= year.last
        month = txn.date.replace(day=1)
        for posting in txn.postings:
            units = posting.units
            if units is None or units.currency != currency or units.number is None:
                continue
            for _, group in FUND_GROUPS:
                if _is_under(posting.account, group):
                    fund_totals[group] += units.number
            if in_year:
                if account_types.is_account_type(types.income, posting.account):
                    income[month] -= units.number
                elif account_types.is_account_type(types.expenses, posting.account):
                    expenses[month] += units.number

    funds = []
    for label, group in FUND_GROUPS:
        amount = account_types.get_account_sign(group, types) * fund_totals[group]
        funds.append(
            FundBalance(
                label=label,
                account=group,
                amount=abs(amount) if amount == 0 else amount,  # no -0.00
                is_liability=account_types.is_account_type(types.liabilities, group),
            )
        )

    return Overview(
        currency=currency,
        as_of=as_of,
        funds=tuple(funds),
        school_year=year.year,
        school_years=tuple(sorted(years)),
        months=tuple(MonthRow(month, income[month], expenses[month]) for month in months),
        pending=pending_entries(transactions, currency),
    )


def monthly_chart(overview: Overview):
    """The page's bar chart of monthly income and expenses (inline SVG)."""
    return bar_chart_svg(
        [f"{row.month.month}月" for row in overview.months],
        [
            Series("收入", [row.income for row in overview.months], INCOME_COLOUR),
            Series("费用", [row.expenses for row in overview.months], EXPENSES_COLOUR),
        ],
        title=f"{overview.school_year_label}各月收入与费用",
    )


def _is_under(account: str, group: str) -> bool:
    return account == group or account.startswith(group + ":")


def pending_entries(entries: Sequence[data.Directive], currency: str) -> tuple[PendingEntry, ...]:
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
