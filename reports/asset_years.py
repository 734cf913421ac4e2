"""固定资产年度报表的数字：折旧计提表、固定资产增减变动表。

Built over the asset register of the school model (`SchoolBooks.of(entries).assets`) like the
register in `xiaozhang.reports.assets` (which defines the shared terms: in the books on a
day, cost, accumulated depreciation, net value, the reconciliation with 1601/1602).

Definitions
-----------
Depreciation table (折旧计提表)
    The monthly charges of every card in a calendar year (up to the last generated month),
    by category and month; their total equals the generated 500104 entries of those months.
Changes table (固定资产增减变动表), calendar year, by category
    opening cost (年初原值: in the books at the end of the previous year) + additions by source
    (取得方式: 购置, 无偿调入, 接受捐赠, 盘盈, 在建工程转入, 期初建账) − disposals by kind
    (报废, 出售, 无偿调出, 盘亏) = closing cost (年末原值); opening accumulated depreciation +
    the year's charge + depreciation brought in (opening cards, transfers in at cost) −
    depreciation of the disposed cards = closing accumulated depreciation; closing net value.
    A year not yet over ends on the last day of the books. Each year opens with the previous
    year's closing balances. In the year the cards were first entered (建账, the opening cards
    dated in the year: `opened`), the table opens on that day instead, with the opening cards
    as its opening balances (their cost and the depreciation taken before the books): they are
    what the school had, not additions. (Until 2026-12 that year opened at 0.00 and showed all
    the opening cards as 增加：期初建账, which a bureau rejects.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.asset_cards import ADDITION, OPENING
from xiaozhang.model import yearsummary
from xiaozhang.model.assets import CATEGORIES, DEPRECIATION, DISPOSALS, FIXED, SOURCE_ORDER
from xiaozhang.model.books import GENERATED, SchoolBooks
from xiaozhang.model.money import from_fen
from xiaozhang.model.periods import month_end, month_index, month_of_index
from xiaozhang.model.uses import DEPRECIATION_EXPENSES
from xiaozhang.reports.assets import (
    ZERO,
    AssetReportError,
    Reconciliation,
    books_with_cards,
    reconcile,
    school_name,
)

DISPOSAL_KINDS = tuple(DISPOSALS)


# -- 折旧计提表 ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DepreciationLine:
    asset_id: str
    name: str
    category: str
    cost: Decimal
    monthly: Decimal  # the charge of the first month of the year it was charged
    months: int  # months charged in the year
    year_total: Decimal
    accumulated: Decimal  # at the end of the period
    net: Decimal


@dataclass(frozen=True)
class DepreciationTable:
    """折旧计提表: the depreciation of `year` by category and month (months 1..`last_month`)."""

    year: int
    school: str
    months: tuple[int, ...]  # calendar months covered (1..12, or up to the books' last month)
    by_category: tuple[tuple[str, tuple[Decimal, ...], Decimal], ...]  # category, per month, total
    month_totals: tuple[Decimal, ...]
    total: Decimal
    lines: tuple[DepreciationLine, ...]
    ledger_total: Decimal  # the generated 500104 entries of the same months
    reconciliation: Reconciliation  # at the end of the period

    @property
    def ok(self) -> bool:
        return self.total == self.ledger_total and self.reconciliation.ok

    @property
    def period_end(self) -> dt.date:
        return self.reconciliation.day


def build_depreciation(entries, options_map=None, year: int | None = None,
                       detail: bool = True) -> DepreciationTable:
    """折旧计提表 of `year`; `detail=False` leaves out the per-asset lines (the Fava page)."""
    books = books_with_cards(entries, options_map)
    register = books.assets
    end = books.last_written
    year = year or end.year
    if register.horizon is None or year * 12 > register.horizon:
        raise AssetReportError(f"{year} 年还没有计提折旧的月份（账本记到 {end}）")
    first = year * 12
    last = min(year * 12 + 11, register.horizon)
    span = last - first + 1
    # per category: difference array of the monthly amounts, and the remainders
    runs: dict[str, list[int]] = {c: [0] * (span + 1) for c in CATEGORIES}
    singles: dict[str, list[int]] = {c: [0] * span for c in CATEGORIES}
    lines = []
    period_end = month_end(month_of_index(last))
    for card in register.cards.values():
        schedule = card.schedule
        if schedule is None:
            continue
        segments = (schedule,) if schedule.before is None else schedule.segments()
        charged_months = total = 0
        first_charge = None
        for segment in segments:  # more than one after an addition (改扩建)
            run_from, run_to, remainder_month, remainder = segment.window(first, last)
            months = max(0, run_to - run_from + 1) if segment.monthly else 0
            if months:
                runs[card.category][run_from - first] += segment.monthly
                runs[card.category][run_to - first + 1] -= segment.monthly
            if remainder_month >= 0:
                singles[card.category][remainder_month - first] += remainder
            if first_charge is None and (months or remainder_month >= 0):
                first_charge = segment.monthly if months else remainder
            charged_months += months + (remainder_month >= 0)
            total += months * segment.monthly + (remainder if remainder_month >= 0 else 0)
        if detail and charged_months:
            taken = schedule.through(last)
            cost = card.cost_on(period_end)
            lines.append(DepreciationLine(
                card.asset_id, card.name, card.category, from_fen(cost), from_fen(first_charge),
                charged_months, from_fen(total), from_fen(taken), from_fen(cost - taken)))
    lines.sort(key=lambda line: (CATEGORIES.index(line.category), line.asset_id))
    per_category = {}
    for category in CATEGORIES:
        running, amounts = 0, []
        for index in range(span):
            running += runs[category][index]
            amounts.append(running + singles[category][index])
        per_category[category] = amounts
    by_category = tuple((c, tuple(from_fen(a) for a in amounts), from_fen(sum(amounts)))
                        for c, amounts in per_category.items() if any(amounts))
    month_totals = tuple(from_fen(sum(per_category[c][i] for c in CATEGORIES)) for i in range(span))
    ledger_total = ZERO
    for entry in entries:
        if (isinstance(entry, data.Transaction) and entry.meta.get(GENERATED) == "depreciation"
                and first <= month_index(entry.date) <= last):
            ledger_total += sum((p.units.number for p in entry.postings
                                 if p.account in DEPRECIATION_EXPENSES), ZERO)
    return DepreciationTable(year, school_name(books, period_end),
                             tuple(m % 12 + 1 for m in range(first, last + 1)),
                             by_category, month_totals, sum(month_totals, ZERO), tuple(lines),
                             ledger_total, reconcile(books, period_end))


def year_depreciation(entries, options_map=None, year: int | None = None
                      ) -> DepreciationTable | None:
    """The depreciation of `year` by category and month, without the per-asset lines (the
    page); None when the year has no depreciation (or the ledger no cards).  An archived year
    of a working-year ledger (docs/close.md) is read from its year-end summary."""
    if year is not None:
        archived = yearsummary.summaries_of(SchoolBooks.of(entries, options_map)).get(year)
        if archived is not None:
            return archived_depreciation(archived) if archived.depreciation else None
    try:
        return build_depreciation(entries, options_map, year, detail=False)
    except AssetReportError:
        return None


def archived_depreciation(summary: yearsummary.YearSummary) -> DepreciationTable:
    """折旧计提表 of an archived year (without the per-asset lines) from its 历年汇总: the year's
    generated depreciation by category and month, the register reconciled at 31 December as the
    archive recorded it (its cards, its 1601 / 1602)."""
    months = tuple(range(1, 13))
    per_category = {c: tuple(summary.depreciation.get(f"{summary.year}-{m:02d}", {}).get(c, ZERO)
                             for m in months) for c in CATEGORIES}
    by_category = tuple((c, amounts, sum(amounts, ZERO)) for c, amounts in per_category.items()
                        if any(amounts))
    month_totals = tuple(sum((per_category[c][i] for c in CATEGORIES), ZERO) for i in range(12))
    total = sum(month_totals, ZERO)
    day = dt.date(summary.year, 12, 31)
    reconciliation = Reconciliation(day, summary.cards_cost, summary.balance(FIXED),
                                    summary.cards_depreciation, -summary.balance(DEPRECIATION))
    return DepreciationTable(summary.year, summary.school, months, by_category, month_totals, total, (),
                             total, reconciliation)


def depreciation_years(entries, options_map=None) -> list[int]:
    """The years with depreciation in the books (the page's year links), and the archived years'
    with depreciation (a working-year ledger, from their year-end summaries)."""
    books = SchoolBooks.of(entries, options_map)
    register = books.assets
    archived = {y for y, s in yearsummary.summaries_of(books).items() if s.depreciation}
    firsts = [c.first for c in register.cards.values() if c.schedule is not None]
    if not firsts or register.horizon is None:
        return sorted(archived)
    return sorted(archived | set(range(min(firsts) // 12, register.horizon // 12 + 1)))


# -- 固定资产增减变动表 ---------------------------------------------------------------------

@dataclass(frozen=True)
class ChangeRow:
    category: str
    opening_cost: Decimal
    additions: tuple[Decimal, ...]  # by SOURCE_ORDER
    disposals: tuple[Decimal, ...]  # by DISPOSAL_KINDS
    closing_cost: Decimal
    opening_depreciation: Decimal
    charged: Decimal
    brought_in: Decimal  # depreciation taken before the books (opening cards, transfers in)
    written_off: Decimal  # accumulated depreciation of the disposed cards
    closing_depreciation: Decimal

    @property
    def added(self) -> Decimal:
        return sum(self.additions, ZERO)

    @property
    def removed(self) -> Decimal:
        return sum(self.disposals, ZERO)

    @property
    def closing_net(self) -> Decimal:
        return self.closing_cost - self.closing_depreciation

    @property
    def balanced(self) -> bool:
        return (self.opening_cost + self.added - self.removed == self.closing_cost
                and self.opening_depreciation + self.charged + self.brought_in - self.written_off
                == self.closing_depreciation)


@dataclass(frozen=True)
class ChangesTable:
    """固定资产增减变动表 of `year` (`start`..`end`)."""

    year: int
    school: str
    start: dt.date
    end: dt.date
    sources: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: tuple[ChangeRow, ...]  # the six categories
    total: ChangeRow
    opening: Reconciliation  # the ledger on the day before `start` (on `opened` in the 建账 year)
    closing: Reconciliation
    opened: dt.date | None = None  # the 建账 day, when the opening cards are dated in this year

    @property
    def complete(self) -> bool:
        return self.end == dt.date(self.year, 12, 31)


def _sum_rows(category: str, rows: list[ChangeRow]) -> ChangeRow:
    def total(get: Callable[[ChangeRow], Decimal]) -> Decimal:
        return sum((get(r) for r in rows), ZERO)

    width_a = len(rows[0].additions)
    width_d = len(rows[0].disposals)
    return ChangeRow(category, total(lambda r: r.opening_cost),
                     tuple(total(lambda r, i=i: r.additions[i]) for i in range(width_a)),
                     tuple(total(lambda r, i=i: r.disposals[i]) for i in range(width_d)),
                     total(lambda r: r.closing_cost), total(lambda r: r.opening_depreciation),
                     total(lambda r: r.charged), total(lambda r: r.brought_in),
                     total(lambda r: r.written_off), total(lambda r: r.closing_depreciation))


def build_changes(entries, options_map=None, year: int | None = None) -> ChangesTable:
    """固定资产增减变动表 of `year` (default: the year of the last day of the books)."""
    books = books_with_cards(entries, options_map)
    register = books.assets
    last = books.last_written
    year = year or last.year
    start = dt.date(year, 1, 1)
    if start > last:
        raise AssetReportError(f"账本只记到 {last}，还没有 {year} 年的数据")
    end = min(dt.date(year, 12, 31), last)
    before = start - dt.timedelta(days=1)
    horizon = register.horizon
    first_month, last_month = year * 12, month_index(end)
    if horizon is not None:
        last_month = min(last_month, horizon)

    @dataclass
    class Acc:
        opening_cost: int = 0
        additions: dict[str, int] = field(default_factory=dict)
        disposals: dict[str, int] = field(default_factory=dict)
        closing_cost: int = 0
        opening_depreciation: int = 0
        charged: int = 0
        brought_in: int = 0
        written_off: int = 0
        closing_depreciation: int = 0

    acc = {c: Acc() for c in CATEGORIES}
    opened = min((card.date for card in register.cards.values()
                  if card.source_kind == OPENING and start <= card.date <= end), default=None)
    for card in register.cards.values():
        if card.category not in acc:
            continue
        a = acc[card.category]
        if card.in_books(before):
            a.opening_cost += card.cost_on(before)
            a.opening_depreciation += card.depreciation_on(before, horizon)
        elif opened is not None and card.source_kind == OPENING and start <= card.date <= end:
            a.opening_cost += card.cost  # the 建账 year: the opening cards open the table
            a.opening_depreciation += card.prior
        elif start <= card.date <= end:
            a.additions[card.source_kind] = a.additions.get(card.source_kind, 0) + card.cost
            a.brought_in += card.prior
        for addition in card.additions:  # 改扩建: the added cost is an increase of its year
            if start <= addition.date <= end:
                a.additions[ADDITION] = a.additions.get(ADDITION, 0) + addition.cost
        disposal = card.disposal
        if disposal is not None and start <= disposal.date <= end:
            a.disposals[disposal.kind] = a.disposals.get(disposal.kind, 0) + card.cost_on(
                disposal.date)
            a.written_off += card.schedule.through(card.schedule.stop) if card.schedule else 0
        if card.in_books(end):
            a.closing_cost += card.cost_on(end)
            a.closing_depreciation += card.depreciation_on(end, horizon)
        schedule = card.schedule
        if schedule is not None:
            a.charged += schedule.through(last_month) - schedule.through(first_month - 1)
    rows = [ChangeRow(category, from_fen(a.opening_cost),
                      tuple(from_fen(a.additions.get(s, 0)) for s in SOURCE_ORDER),
                      tuple(from_fen(a.disposals.get(k, 0)) for k in DISPOSAL_KINDS),
                      from_fen(a.closing_cost), from_fen(a.opening_depreciation), from_fen(a.charged),
                      from_fen(a.brought_in), from_fen(a.written_off), from_fen(a.closing_depreciation))
            for category, a in acc.items()]
    return ChangesTable(year, school_name(books, end), start, end, SOURCE_ORDER, DISPOSAL_KINDS,
                        tuple(rows), _sum_rows("合计", rows),
                        reconcile(books, opened if opened is not None else before), reconcile(books, end), opened)
