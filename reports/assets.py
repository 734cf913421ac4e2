"""固定资产报表的数字：资产卡片清单、与总账核对、最近变动（年度的折旧计提表和增减变动表见
`xiaozhang.reports.asset_years`）。

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

The annual tables are built in `xiaozhang.reports.asset_years`, the documents in
`xiaozhang.reports.asset_documents`, the commands
(`xiaozhang assets …`) are in `xiaozhang.reports.assets_cli`, the 固定资产 page in
`xiaozhang.reports.fava_ext.assets`.

Example::

    loaded = xiaozhang.io.load(xiaozhang.io.DEFAULT_LEDGER)  # no cache, one meaning of warnings
    entries, errors, options_map = loaded.entries, loaded.problems, loaded.options_map
    register = build_register(entries, options_map, location="三(2)班教室")
    register.reconciliation.ok   # True when cards and ledger agree
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from xiaozhang.model.assets import (
    CATEGORIES,
    DEPRECIATION,
    FIXED,
    OPENING,
    TRANSFER_KEYS,
    AssetRegister,
    Card,
)
from xiaozhang import chart
from xiaozhang.model.books import GENERATED, SchoolBooks
from xiaozhang.model.money import format_money, from_fen, yuan
from xiaozhang.model.periods import Month, month_end, month_index, month_of_index

ZERO = Decimal("0.00")


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
        head = (f"与总账核对（截至 {self.day}）：卡片原值合计 {format_money(self.cards_cost)} 元，"
                f"1601 固定资产余额 {format_money(self.ledger_cost)} 元；卡片累计折旧合计 "
                f"{format_money(self.cards_depreciation)} 元，1602 累计折旧余额 {format_money(self.ledger_depreciation)} 元。")
        if self.ok:
            return head + "账卡相符。"
        return head + (f"不相符：原值差 {format_money(self.cards_cost - self.ledger_cost)} 元，累计折旧差 "
                       f"{format_money(self.cards_depreciation - self.ledger_depreciation)} 元，"
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
            cost += card.cost_on(day)
            depreciation += card.depreciation_on(day, register.horizon)
    return cost, depreciation


def school_name(books: SchoolBooks, day: dt.date) -> str:
    return books.policy.school_name(day)


def books_with_cards(entries, options_map=None) -> SchoolBooks:
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
        return yuan(self.cost / self.quantity)


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
    month = max(month, card.first)  # the first segment (an addition starts a later one)
    return from_fen(card.schedule.charge(month))


def build_register(entries, options_map=None, day: dt.date | None = None, *, dept: str | None = None,
                   location: str | None = None, custodian: str | None = None,
                   limit: int | None = None, categories: frozenset[str] | None = None) -> Register:
    """The cards in the books at the end of `day` (default: the last day of the books).

    The totals cover every card selected; `limit` keeps only the first rows (a page);
    `categories`: only the cards of these categories (the page's account filter)."""
    books = books_with_cards(entries, options_map)
    register = books.assets
    day = day or books.last_written
    selected = []
    sums: dict[str, list[int]] = {}  # category -> [cards, cost, depreciation] in fen
    quantity = 0
    horizon = register.horizon
    order = {category: index for index, category in enumerate(CATEGORIES)}
    for card in register.cards.values():
        if not card.in_books(day) or (categories is not None and card.category not in categories):
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
        total[1] += card.cost_on(day)
        total[2] += taken
        quantity += card.quantity
    selected.sort(key=lambda item: item[0])
    rows = tuple(_row(card, state, taken, day, horizon)
                 for _key, card, state, taken in selected[:limit])
    totals = tuple(CategoryTotal(c, sums[c][0], from_fen(sums[c][1]), from_fen(sums[c][2]),
                                 from_fen(sums[c][1] - sums[c][2])) for c in CATEGORIES if c in sums)
    whole = None  # the whole register: its sums are the cards' side of the reconciliation
    if not (dept or location or custodian) and categories is None:
        whole = (sum(t[1] for t in sums.values()), sum(t[2] for t in sums.values()))
    return Register(day, school_name(books, day), rows, totals, reconcile(books, day, whole),
                    dept, location, custodian, len(selected), quantity)


def _row(card: Card, state: dict[str, str], taken: int, day: dt.date, horizon) -> CardRow:
    source = card.source
    return CardRow(
        card.asset_id, card.name, card.category, card.subcategory or "", card.model,
        card.quantity, from_fen(card.cost_on(day)), from_fen(taken),
        from_fen(card.cost_on(day) - taken),
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
    books = books_with_cards(entries, options_map)
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


def recent_changes(entries, options_map=None, limit: int = 20,
                   period: tuple[dt.date, dt.date] | None = None,
                   categories: frozenset[str] | None = None) -> list[Change]:
    """Acquisitions, disposals and transfers, newest first (opening cards left out); only
    those within `period` (first and last day, inclusive) and of `categories` when given."""
    register = SchoolBooks.of(entries, options_map).assets
    first, last = period or (dt.date.min, dt.date.max)
    events = []  # (date, order, what, card, transfer): cheap tuples, the newest made into rows
    for order, card in enumerate(register.cards.values()):
        if categories is not None and card.category not in categories:
            continue
        if card.source_kind != OPENING and first <= card.date <= last:
            events.append((card.date, order, 0, card, None))
        if card.disposal is not None and first <= card.disposal.date <= last:
            events.append((card.disposal.date, order, 1, card, None))
        for transfer in card.transfers:
            if first <= transfer.date <= last:
                events.append((transfer.date, order, 2, card, transfer))
        for addition in card.additions:  # 改扩建 (shown as an increase, with its kind)
            if first <= addition.date <= last:
                events.append((addition.date, order, 3, card, addition))
    changes = []
    for day, _order, what, card, transfer in heapq.nlargest(limit, events,
                                                             key=lambda e: (e[0], e[1], e[2])):
        if what == 0:
            changes.append(Change(day, f"增加（{card.source_kind}）", card.asset_id, card.name,
                                  f"{card.location} · {card.custodian}", from_fen(card.cost), card.entry))
        elif what == 1:
            changes.append(Change(day, f"处置（{card.disposal.kind}）", card.asset_id, card.name, "",
                                  from_fen(card.cost_on(day)), card.disposal.entry))
        elif what == 3:
            changes.append(Change(day, f"增加（{transfer.kind}）", card.asset_id, card.name,
                                  f"{card.location} · {card.custodian}", from_fen(transfer.cost),
                                  transfer.entry))
        else:
            detail = "，".join(f"{label}→{transfer.changes[key]}" for key, label in TRANSFER_KEYS
                              if key in transfer.changes)
            changes.append(Change(day, "内部转移", card.asset_id, card.name, detail, None,
                                  transfer.entry))
    return changes


# -- the depreciation of a period (the page under Fava's time filter) --------------------

@dataclass(frozen=True)
class PeriodDepreciation:
    """The depreciation charged in the months of a period by category and month: the months
    whose depreciation entry (on the month's last day) falls within the period, up to the
    last month the plugin generates."""

    first: dt.date
    last: dt.date
    months: tuple[Month, ...]
    by_category: tuple[tuple[str, tuple[Decimal, ...], Decimal], ...]  # category, per month, total
    month_totals: tuple[Decimal, ...]
    total: Decimal
    ledger_total: Decimal  # the generated entries of those months (credits to 1602 of the categories)


def period_depreciation(entries, options_map, first: dt.date, last: dt.date,
                        categories: frozenset[str] | None = None) -> PeriodDepreciation | None:
    """The depreciation of the months charged within `first`..`last` (see `PeriodDepreciation`),
    of `categories` when given; None when the period has no such month."""
    books = books_with_cards(entries, options_map)
    register = books.assets
    if register.horizon is None:
        return None
    start = month_index(first) if first.day == 1 else month_index(first) + 1
    end = min(month_index(last) if last == month_end(last) else month_index(last) - 1,
              register.horizon)
    if end < start:
        return None
    span = end - start + 1
    sums: dict[str, list[int]] = {}
    for card in register.cards.values():
        schedule = card.schedule
        if schedule is None or (categories is not None and card.category not in categories):
            continue
        amounts = sums.setdefault(card.category, [0] * span)
        for offset in range(span):
            amounts[offset] += schedule.charge(start + offset)
    by_category = tuple((c, tuple(from_fen(a) for a in sums[c]), from_fen(sum(sums[c])))
                        for c in CATEGORIES if c in sums and any(sums[c]))
    month_totals = tuple(from_fen(sum(sums[c][i] for c in sums)) for i in range(span))
    credited = {chart.depreciation_account(c) for c in CATEGORIES
                if categories is None or c in categories}
    ledger_total = ZERO
    for entry in entries:
        if (isinstance(entry, data.Transaction) and entry.meta.get(GENERATED) == "depreciation"
                and start <= month_index(entry.date) <= end):
            ledger_total -= sum((p.units.number for p in entry.postings if p.account in credited),
                                ZERO)
    return PeriodDepreciation(first, last,
                              tuple(Month.of(month_of_index(i)) for i in range(start, end + 1)),
                              by_category, month_totals, sum(month_totals, ZERO), ledger_total)
