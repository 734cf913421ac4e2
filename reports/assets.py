"""固定资产报表：资产卡片清单、折旧计提表、固定资产增减变动表（数字部分）。

Every figure comes from the asset register of the school model (`SchoolBooks.of(entries).assets`,
`xiaozhang.model.assets`: the acquisition postings, disposals, transfers and each card's
depreciation schedule, read once per loaded entries list and shared with the plugins) and is
checked against the ledger itself (the balances of 1601 固定资产 and 1602 固定资产累计折旧,
which include the depreciation entries the plugin generates). The reports print that check.

Definitions
-----------
In the books on a day
    A card is in the books from its entry date (the acquisition transaction) until its
    disposal date (exclusive: on the disposal day it is out).
Cost (原值), accumulated depreciation (累计折旧), net book value (净值)
    In yuan, Decimal. Accumulated depreciation on a day counts the months whose depreciation
    entry (booked on the month's last day) is on or before that day, and never beyond the
    last month the plugin generates (the month of the latest transaction); prior
    depreciation of opening cards counts from their entry date.
Reconciliation (与总账核对)
    Cards' cost in the books = 1601 balance; cards' accumulated depreciation = − 1602 balance
    (Beancount keeps the contra account negative), both on the same day.
Depreciation table (折旧计提表)
    The monthly charges of every card in a calendar year (up to the last generated month),
    by category and month; their total equals the generated 500104 entries of those months.
Changes table (固定资产增减变动表), calendar year, by category
    opening cost (年初原值: in the books at the end of the previous year) + additions by source
    (取得方式: 购置, 无偿调入, 接受捐赠, 盘盈, 在建工程转入, 期初建账) − disposals by kind
    (报废, 出售, 无偿调出, 盘亏) = closing cost (年末原值); opening accumulated depreciation +
    the year's charge + depreciation brought in (opening cards, transfers in at cost) −
    depreciation of the disposed cards = closing accumulated depreciation; closing net value.
    A year not yet over ends on the last day of the books.

The documents are made in `xiaozhang.reports.asset_documents`, the commands
(`xiaozhang assets …`) are in `xiaozhang.reports.assets_cli`, the 固定资产 page in
`xiaozhang.reports.fava_ext.assets`.

Example::

    entries, errors, options_map = loader.load_file("ledger/main.beancount")
    register = build_register(entries, options_map, location="三(2)班教室")
    register.reconciliation.ok   # True when cards and ledger agree
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.assets import (
    CATEGORIES,
    DEPRECIATION,
    DISPOSALS,
    FIXED,
    OPENING,
    SOURCE_ORDER,
    TRANSFER_KEYS,
    AssetRegister,
    Card,
)
from xiaozhang.model.books import GENERATED, SchoolBooks
from xiaozhang.model.money import from_fen
from xiaozhang.model.periods import month_end, month_index, month_of_index

ZERO = Decimal("0.00")
DISPOSAL_KINDS = tuple(DISPOSALS)


class AssetReportError(Exception):
    """The report cannot be made (no cards, a year without data); the message is Chinese."""


# -- shared ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reconciliation:
    """The register against the ledger on `day` (see the module docstring)."""

    day: dt.date
    cards_cost: Decimal
    ledger_cost: Decimal
    cards_depreciation: Decimal
    ledger_depreciation: Decimal

    @property
    def ok(self) -> bool:
        return (self.cards_cost == self.ledger_cost
                and self.cards_depreciation == self.ledger_depreciation)

    def sentence(self) -> str:
        """The statement the reports print."""
        head = (f"与总账核对（截至 {self.day}）：卡片原值合计 {self.cards_cost:,.2f} 元，"
                f"1601 固定资产余额 {self.ledger_cost:,.2f} 元；卡片累计折旧合计 "
                f"{self.cards_depreciation:,.2f} 元，1602 累计折旧余额 {self.ledger_depreciation:,.2f} 元。")
        if self.ok:
            return head + "账卡相符。"
        return head + (f"不相符：原值差 {self.cards_cost - self.ledger_cost:,.2f} 元，累计折旧差 "
                       f"{self.cards_depreciation - self.ledger_depreciation:,.2f} 元，"
                       "请运行 xiaozhang check 查看资产卡片的问题。")


def ledger_balances(entries, day: dt.date) -> tuple[Decimal, Decimal]:
    """1601 balance and − 1602 balance at the end of `day` (generated entries included)."""
    cost = depreciation = ZERO
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date > day:
            break
        for posting in entry.postings:
            if posting.account.startswith(FIXED):
                cost += posting.units.number
            elif posting.account.startswith(DEPRECIATION):
                depreciation -= posting.units.number
    return cost, depreciation


def reconcile(books: SchoolBooks, day: dt.date, cards: tuple[int, int] | None = None
              ) -> Reconciliation:
    """The register against the ledger on `day`, computed once per books and day; `cards`:
    the cards' cost and depreciation (fen) when the caller has summed them already."""
    def compute(books: SchoolBooks) -> Reconciliation:
        cost, depreciation = cards if cards is not None else _in_books_total(books.assets, day)
        ledger_cost, ledger_depreciation = ledger_balances(books.entries, day)
        return Reconciliation(day, from_fen(cost), ledger_cost, from_fen(depreciation),
                              ledger_depreciation)
    return books.part(("asset-reconciliation", day), compute)


def _in_books_total(register: AssetRegister, day: dt.date) -> tuple[int, int]:
    cost = depreciation = 0
    for card in register.cards.values():
        if card.in_books(day):
            cost += card.cost
            depreciation += card.depreciation_on(day, register.horizon)
    return cost, depreciation


def school_name(books: SchoolBooks, day: dt.date) -> str:
    profile = books.policy.profile(day) or {}
    return profile.get("name", "")


def _books(entries, options_map=None) -> SchoolBooks:
    """The books of `entries`, with at least one asset card (else AssetReportError)."""
    books = SchoolBooks.of(entries, options_map)
    if not books.assets.cards:
        raise AssetReportError("账本中没有资产卡片（借记 1601 固定资产的分录上写 asset_id 等卡片信息）")
    return books


def has_cards(entries, options_map=None) -> bool:
    """Does the ledger hold any asset card?"""
    return bool(SchoolBooks.of(entries, options_map).assets.cards)


# -- 资产卡片清单 -------------------------------------------------------------------------

@dataclass(frozen=True)
class CardRow:
    """One card as it stands on the register's day."""

    asset_id: str
    name: str
    category: str
    subcategory: str
    model: str
    quantity: int
    cost: Decimal
    depreciation: Decimal
    net: Decimal
    monthly: Decimal | None  # the current monthly charge; None: not depreciated
    life: int | None
    acquired: dt.date
    entered: dt.date
    source_kind: str
    fund: str
    location: str
    custodian: str
    dept: str
    status: str
    supplier: str
    invoice: str
    filename: str
    lineno: int

    @property
    def unit(self) -> Decimal:
        return (self.cost / self.quantity).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CategoryTotal:
    category: str
    cards: int
    cost: Decimal
    depreciation: Decimal
    net: Decimal


@dataclass(frozen=True)
class Register:
    """资产卡片清单 on `day`, with the filters applied (None: all)."""

    day: dt.date
    school: str
    rows: tuple[CardRow, ...]
    by_category: tuple[CategoryTotal, ...]
    reconciliation: Reconciliation  # always the whole register against the ledger
    dept: str | None = None
    location: str | None = None
    custodian: str | None = None
    count: int = 0  # cards selected (`rows` may hold only the first ones, see `build_register`)
    quantity: int = 0  # their total quantity

    @property
    def filtered(self) -> bool:
        return any((self.dept, self.location, self.custodian))

    @property
    def cost(self) -> Decimal:
        return sum((c.cost for c in self.by_category), ZERO)

    @property
    def depreciation(self) -> Decimal:
        return sum((c.depreciation for c in self.by_category), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((c.net for c in self.by_category), ZERO)

    @property
    def scope(self) -> str:
        parts = [f"{label}：{value}" for label, value in (("使用部门", self.dept),
                 ("存放地点", self.location), ("使用人", self.custodian)) if value]
        return "，".join(parts) or "全部资产"


def _current_monthly(card: Card, day: dt.date, last_month: int | None) -> Decimal | None:
    if card.schedule is None:
        return None
    month = month_index(day)
    if last_month is not None:
        month = min(month, last_month)
    month = max(month, card.schedule.first)
    return from_fen(card.schedule.charge(month))


def build_register(entries, options_map=None, day: dt.date | None = None, *, dept: str | None = None,
                   location: str | None = None, custodian: str | None = None,
                   limit: int | None = None) -> Register:
    """The cards in the books at the end of `day` (default: the last day of the books).

    The totals cover every card selected; `limit` keeps only the first rows (a page)."""
    books = _books(entries, options_map)
    register = books.assets
    day = day or books.last_written
    selected = []
    sums: dict[str, list[int]] = {}  # category -> [cards, cost, depreciation] in fen
    quantity = 0
    horizon = register.horizon
    order = {category: index for index, category in enumerate(CATEGORIES)}
    for card in register.cards.values():
        if not card.in_books(day):
            continue
        state = card.state_on(day)
        if ((dept and state["dept"] != dept) or (location and state["location"] != location)
                or (custodian and state["custodian"] != custodian)):
            continue
        taken = card.depreciation_on(day, horizon)
        selected.append(((order.get(card.category, 99), card.acquired, card.asset_id),
                         card, state, taken))
        total = sums.setdefault(card.category, [0, 0, 0])
        total[0] += 1
        total[1] += card.cost
        total[2] += taken
        quantity += card.quantity
    selected.sort(key=lambda item: item[0])
    rows = tuple(_row(card, state, taken, day, horizon)
                 for _key, card, state, taken in selected[:limit])
    totals = tuple(CategoryTotal(c, sums[c][0], from_fen(sums[c][1]), from_fen(sums[c][2]),
                                 from_fen(sums[c][1] - sums[c][2])) for c in CATEGORIES if c in sums)
    whole = None  # the whole register: its sums are the cards' side of the reconciliation
    if not (dept or location or custodian):
        whole = (sum(t[1] for t in sums.values()), sum(t[2] for t in sums.values()))
    return Register(day, school_name(books, day), rows, totals, reconcile(books, day, whole),
                    dept, location, custodian, len(selected), quantity)


def _row(card: Card, state: dict[str, str], taken: int, day: dt.date, horizon) -> CardRow:
    source = card.source
    return CardRow(
        card.asset_id, card.name, card.category, card.subcategory or "", card.model,
        card.quantity, from_fen(card.cost), from_fen(taken), from_fen(card.cost - taken),
        _current_monthly(card, day, horizon), card.life, card.acquired, card.date,
        card.source_kind, card.fund, state["location"], state["custodian"], state["dept"],
        state["status"], card.supplier, card.invoice, source.get("filename", ""),
        source.get("lineno", 0))


def places(entries, day: dt.date | None = None, key: str = "location",
           options_map=None) -> list[str]:
    """The locations (or custodians, departments) holding cards on `day`, in first-seen order."""
    return all_places(entries, day, options_map)[key]


def all_places(entries, day: dt.date | None = None, options_map=None) -> dict[str, list[str]]:
    """The locations, custodians and departments holding cards on `day` (one pass)."""
    books = _books(entries, options_map)
    day = day or books.last_written
    seen: dict[str, dict[str, None]] = {"location": {}, "custodian": {}, "dept": {}}
    for card in books.assets.cards.values():
        if card.in_books(day):
            state = card.state_on(day)
            for key, values in seen.items():
                values.setdefault(state[key], None)
    return {key: list(values) for key, values in seen.items()}


def filter_choices(entries, options_map=None) -> dict[str, list[str]]:
    """The values each filter of the register can take on the last day, sorted (the page)."""
    return {key: sorted(values) for key, values in all_places(entries, None, options_map).items()}


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
    books = _books(entries, options_map)
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
        run_from, run_to, remainder_month, remainder = schedule.window(first, last)
        months = max(0, run_to - run_from + 1) if schedule.monthly else 0
        if not months and remainder_month < 0:
            continue
        if months:
            runs[card.category][run_from - first] += schedule.monthly
            runs[card.category][run_to - first + 1] -= schedule.monthly
        if remainder_month >= 0:
            singles[card.category][remainder_month - first] += remainder
        if detail:
            total = months * schedule.monthly + (remainder if remainder_month >= 0 else 0)
            taken = schedule.through(last)
            lines.append(DepreciationLine(
                card.asset_id, card.name, card.category, from_fen(card.cost),
                from_fen(schedule.monthly if months else remainder),
                months + (remainder_month >= 0), from_fen(total), from_fen(taken),
                from_fen(card.cost - taken)))
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
                                 if p.account == chart.DEPRECIATION_EXPENSE), ZERO)
    return DepreciationTable(year, school_name(books, period_end),
                             tuple(m % 12 + 1 for m in range(first, last + 1)),
                             by_category, month_totals, sum(month_totals, ZERO), tuple(lines),
                             ledger_total, reconcile(books, period_end))


def year_depreciation(entries, options_map=None, year: int | None = None
                      ) -> DepreciationTable | None:
    """The depreciation of `year` by category and month, without the per-asset lines (the
    page); None when the year has no depreciation (or the ledger no cards)."""
    try:
        return build_depreciation(entries, options_map, year, detail=False)
    except AssetReportError:
        return None


def depreciation_years(entries, options_map=None) -> list[int]:
    """The years with depreciation in the books (the page's year links)."""
    register = SchoolBooks.of(entries, options_map).assets
    firsts = [c.schedule.first for c in register.cards.values() if c.schedule is not None]
    if not firsts or register.horizon is None:
        return []
    return list(range(min(firsts) // 12, register.horizon // 12 + 1))


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
    opening: Reconciliation  # the ledger on the day before `start`
    closing: Reconciliation

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
    books = _books(entries, options_map)
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
    for card in register.cards.values():
        if card.category not in acc:
            continue
        a = acc[card.category]
        if card.in_books(before):
            a.opening_cost += card.cost
            a.opening_depreciation += card.depreciation_on(before, horizon)
        if start <= card.date <= end:
            a.additions[card.source_kind] = a.additions.get(card.source_kind, 0) + card.cost
            a.brought_in += card.prior
        disposal = card.disposal
        if disposal is not None and start <= disposal.date <= end:
            a.disposals[disposal.kind] = a.disposals.get(disposal.kind, 0) + card.cost
            a.written_off += card.schedule.through(card.schedule.stop) if card.schedule else 0
        if card.in_books(end):
            a.closing_cost += card.cost
            a.closing_depreciation += card.depreciation_on(end, horizon)
        schedule = card.schedule
        if schedule is not None:
            run_from, run_to, remainder_month, remainder = schedule.window(first_month,
                                                                        last_month)
            a.charged += max(0, run_to - run_from + 1) * schedule.monthly
            a.charged += remainder if remainder_month >= 0 else 0
    rows = [ChangeRow(category, from_fen(a.opening_cost),
                      tuple(from_fen(a.additions.get(s, 0)) for s in SOURCE_ORDER),
                      tuple(from_fen(a.disposals.get(k, 0)) for k in DISPOSAL_KINDS),
                      from_fen(a.closing_cost), from_fen(a.opening_depreciation), from_fen(a.charged),
                      from_fen(a.brought_in), from_fen(a.written_off), from_fen(a.closing_depreciation))
            for category, a in acc.items()]
    return ChangesTable(year, school_name(books, end), start, end, SOURCE_ORDER, DISPOSAL_KINDS,
                        tuple(rows), _sum_rows("合计", rows), reconcile(books, before),
                        reconcile(books, end))


# -- recent changes (the Fava page) ------------------------------------------------------

@dataclass(frozen=True)
class Change:
    date: dt.date
    kind: str  # 增加（取得方式）/ 处置（方式）/ 转移
    asset_id: str
    name: str
    detail: str
    amount: Decimal | None
    entry: object


def recent_changes(entries, options_map=None, limit: int = 20) -> list[Change]:
    """Acquisitions, disposals and transfers, newest first (opening cards left out)."""
    register = SchoolBooks.of(entries, options_map).assets
    events = []  # (date, order, what, card, transfer): cheap tuples, the newest made into rows
    for order, card in enumerate(register.cards.values()):
        if card.source_kind != OPENING:
            events.append((card.date, order, 0, card, None))
        if card.disposal is not None:
            events.append((card.disposal.date, order, 1, card, None))
        for transfer in card.transfers:
            events.append((transfer.date, order, 2, card, transfer))
    changes = []
    for day, _order, what, card, transfer in heapq.nlargest(limit, events,
                                                             key=lambda e: (e[0], e[1], e[2])):
        if what == 0:
            changes.append(Change(day, f"增加（{card.source_kind}）", card.asset_id, card.name,
                                  f"{card.location} · {card.custodian}", from_fen(card.cost), card.entry))
        elif what == 1:
            changes.append(Change(day, f"处置（{card.disposal.kind}）", card.asset_id, card.name, "",
                                  from_fen(card.cost), card.disposal.entry))
        else:
            detail = "，".join(f"{label}→{transfer.changes[key]}" for key, label in TRANSFER_KEYS
                              if key in transfer.changes)
            changes.append(Change(day, "内部转移", card.asset_id, card.name, detail, None,
                                  transfer.entry))
    return changes
