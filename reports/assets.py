"""固定资产报表：资产卡片清单、折旧计提表、固定资产增减变动表（数字部分）。

Every figure comes from the asset cards of the ledger (`xiaozhang.plugins.assets.AssetRegister`:
the acquisition postings, disposals, transfers and each card's depreciation schedule) and is
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

Example::

    entries, errors, options_map = loader.load_file("ledger/main.beancount")
    register = build_register(entries, options_map, location="三(2)班教室")
    register.reconciliation.ok   # True when cards and ledger agree
"""

from __future__ import annotations

import datetime as dt
import heapq
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from xiaozhang import chart
from xiaozhang.plugins.assets import (
    DEPRECIATION,
    DISPOSALS,
    FIXED,
    GENERATED,
    SOURCE_ORDER,
    AssetRegister,
    Card,
    month_end,
    month_index,
    yuan,
)
from xiaozhang.plugins.policy import read_policy

ZERO = Decimal("0.00")
CATEGORIES = tuple(name for _code, name in chart.ASSET_CATEGORIES)
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


def in_books(card: Card, day: dt.date) -> bool:
    return card.date <= day and not card.disposed_by(day)


def reconcile(register: AssetRegister, entries, day: dt.date) -> Reconciliation:
    """The register against the ledger on `day` (computed once per register and day)."""
    done = register.__dict__.setdefault("_reconciled", {})
    if day not in done:
        cost = depreciation = 0
        for card in register.cards.values():
            if in_books(card, day):
                cost += card.cost
                depreciation += card.depreciation_on(day, register.horizon)
        ledger_cost, ledger_depreciation = ledger_balances(entries, day)
        done[day] = Reconciliation(day, yuan(cost), ledger_cost, yuan(depreciation),
                                   ledger_depreciation)
    return done[day]


def last_day(entries) -> dt.date | None:
    """The date of the latest transaction the accountant wrote."""
    days = [e.date for e in entries if isinstance(e, data.Transaction) and GENERATED not in e.meta]
    return max(days) if days else None


def school_name(entries, day: dt.date, register: AssetRegister | None = None) -> str:
    policy = register.policy if register is not None else read_policy(entries)[0]
    profile = policy.profile(day) or {}
    return profile.get("name", "")


def _register(entries, register: AssetRegister | None) -> AssetRegister:
    register = register if register is not None else AssetRegister(entries)
    if not register.cards:
        raise AssetReportError("账本中没有资产卡片（借记 1601 固定资产的分录上写 asset_id 等卡片信息）")
    return register


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
    return yuan(card.schedule.charge(month))


def build_register(entries, options_map=None, day: dt.date | None = None, *, dept: str | None = None,
                   location: str | None = None, custodian: str | None = None,
                   register: AssetRegister | None = None, limit: int | None = None) -> Register:
    """The cards in the books at the end of `day` (default: the last day of the books).

    The totals cover every card selected; `limit` keeps only the first rows (a page)."""
    register = _register(entries, register)
    day = day or last_day(entries)
    selected = []
    sums: dict[str, list[int]] = {}  # category -> [cards, cost, depreciation] in fen
    quantity = 0
    horizon = register.horizon
    order = {category: index for index, category in enumerate(CATEGORIES)}
    for card in register.cards.values():
        if not in_books(card, day):
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
    totals = tuple(CategoryTotal(c, sums[c][0], yuan(sums[c][1]), yuan(sums[c][2]),
                                 yuan(sums[c][1] - sums[c][2])) for c in CATEGORIES if c in sums)
    if not (dept or location or custodian):  # the whole register: its own reconciliation
        done = register.__dict__.setdefault("_reconciled", {})
        if day not in done:
            ledger_cost, ledger_depreciation = ledger_balances(entries, day)
            done[day] = Reconciliation(day, yuan(sum(t[1] for t in sums.values())), ledger_cost,
                                       yuan(sum(t[2] for t in sums.values())), ledger_depreciation)
    return Register(day, school_name(entries, day, register), rows, totals,
                    reconcile(register, entries, day), dept, location, custodian,
                    len(selected), quantity)


def _row(card: Card, state: dict[str, str], taken: int, day: dt.date, horizon) -> CardRow:
    source = card.source
    return CardRow(
        card.asset_id, card.name, card.category, card.subcategory or "", card.model,
        card.quantity, yuan(card.cost), yuan(taken), yuan(card.cost - taken),
        _current_monthly(card, day, horizon), card.life, card.acquired, card.date,
        card.source_kind, card.fund, state["location"], state["custodian"], state["dept"],
        state["status"], card.supplier, card.invoice, source.get("filename", ""),
        source.get("lineno", 0))


def places(entries, day: dt.date | None = None, key: str = "location",
           register: AssetRegister | None = None) -> list[str]:
    """The locations (or custodians, departments) holding cards on `day`, in first-seen order."""
    return all_places(entries, day, register)[key]


def all_places(entries, day: dt.date | None = None,
               register: AssetRegister | None = None) -> dict[str, list[str]]:
    """The locations, custodians and departments holding cards on `day` (one pass)."""
    register = _register(entries, register)
    day = day or last_day(entries)
    seen: dict[str, dict[str, None]] = {"location": {}, "custodian": {}, "dept": {}}
    for card in register.cards.values():
        if in_books(card, day):
            state = card.state_on(day)
            for key, values in seen.items():
                values.setdefault(state[key], None)
    return {key: list(values) for key, values in seen.items()}


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


def year_charges(schedule, first: int, last: int) -> tuple[int, int, int, int]:
    """For months first..last: (months at the monthly amount: from, to; the remainder month or
    -1; the remainder) — a schedule's charges in a window, without walking the months."""
    end = schedule.first + schedule.count - 1
    stop = last if schedule.stop is None else min(last, schedule.stop)
    run_from, run_to = max(first, schedule.first), min(stop, end)
    extra = schedule.first + schedule.count
    remainder_month = extra if schedule.last and first <= extra <= stop else -1
    return run_from, run_to, remainder_month, schedule.last


def build_depreciation(entries, options_map=None, year: int | None = None,
                       register: AssetRegister | None = None,
                       detail: bool = True) -> DepreciationTable:
    """折旧计提表 of `year`; `detail=False` leaves out the per-asset lines (the Fava page)."""
    register = _register(entries, register)
    end = last_day(entries)
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
    period_end = month_end(last)
    for card in register.cards.values():
        schedule = card.schedule
        if schedule is None:
            continue
        run_from, run_to, remainder_month, remainder = year_charges(schedule, first, last)
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
                card.asset_id, card.name, card.category, yuan(card.cost),
                yuan(schedule.monthly if months else remainder),
                months + (remainder_month >= 0), yuan(total), yuan(taken),
                yuan(card.cost - taken)))
    lines.sort(key=lambda line: (CATEGORIES.index(line.category), line.asset_id))
    per_category = {}
    for category in CATEGORIES:
        running, amounts = 0, []
        for index in range(span):
            running += runs[category][index]
            amounts.append(running + singles[category][index])
        per_category[category] = amounts
    by_category = tuple((c, tuple(yuan(a) for a in amounts), yuan(sum(amounts)))
                        for c, amounts in per_category.items() if any(amounts))
    month_totals = tuple(yuan(sum(per_category[c][i] for c in CATEGORIES)) for i in range(span))
    ledger_total = ZERO
    for entry in entries:
        if (isinstance(entry, data.Transaction) and entry.meta.get(GENERATED) == "depreciation"
                and first <= month_index(entry.date) <= last):
            ledger_total += sum((p.units.number for p in entry.postings
                                 if p.account == chart.DEPRECIATION_EXPENSE), ZERO)
    return DepreciationTable(year, school_name(entries, period_end, register),
                             tuple(m % 12 + 1 for m in range(first, last + 1)),
                             by_category, month_totals, sum(month_totals, ZERO), tuple(lines),
                             ledger_total, reconcile(register, entries, period_end))


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


def build_changes(entries, options_map=None, year: int | None = None,
                  register: AssetRegister | None = None) -> ChangesTable:
    register = _register(entries, register)
    last = last_day(entries)
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
        if in_books(card, before):
            a.opening_cost += card.cost
            a.opening_depreciation += card.depreciation_on(before, horizon)
        if start <= card.date <= end:
            a.additions[card.source_kind] = a.additions.get(card.source_kind, 0) + card.cost
            a.brought_in += card.prior
        disposal = card.disposal
        if disposal is not None and start <= disposal.date <= end:
            a.disposals[disposal.kind] = a.disposals.get(disposal.kind, 0) + card.cost
            a.written_off += card.schedule.through(card.schedule.stop) if card.schedule else 0
        if in_books(card, end):
            a.closing_cost += card.cost
            a.closing_depreciation += card.depreciation_on(end, horizon)
        schedule = card.schedule
        if schedule is not None:
            run_from, run_to, remainder_month, remainder = year_charges(schedule, first_month,
                                                                        last_month)
            a.charged += max(0, run_to - run_from + 1) * schedule.monthly
            a.charged += remainder if remainder_month >= 0 else 0
    rows = [ChangeRow(category, yuan(a.opening_cost),
                      tuple(yuan(a.additions.get(s, 0)) for s in SOURCE_ORDER),
                      tuple(yuan(a.disposals.get(k, 0)) for k in DISPOSAL_KINDS),
                      yuan(a.closing_cost), yuan(a.opening_depreciation), yuan(a.charged),
                      yuan(a.brought_in), yuan(a.written_off), yuan(a.closing_depreciation))
            for category, a in acc.items()]
    return ChangesTable(year, school_name(entries, end, register), start, end, SOURCE_ORDER, DISPOSAL_KINDS,
                        tuple(rows), _sum_rows("合计", rows),
                        reconcile(register, entries, before), reconcile(register, entries, end))


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


def recent_changes(register: AssetRegister, limit: int = 20) -> list[Change]:
    """Acquisitions, disposals and transfers, newest first (opening cards left out)."""
    events = []  # (date, order, what, card, transfer): cheap tuples, the newest made into rows
    for order, card in enumerate(register.cards.values()):
        if card.source_kind != "期初建账":
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
                                  f"{card.location} · {card.custodian}", yuan(card.cost), card.entry))
        elif what == 1:
            changes.append(Change(day, f"处置（{card.disposal.kind}）", card.asset_id, card.name, "",
                                  yuan(card.cost), card.disposal.entry))
        else:
            detail = "，".join(f"{label}→{transfer.changes[key]}" for key, label in (
                ("location", "存放地点"), ("custodian", "使用人"), ("dept", "使用部门"),
                ("status", "状态")) if key in transfer.changes)
            changes.append(Change(day, "内部转移", card.asset_id, card.name, detail, None,
                                  transfer.entry))
    return changes


# -- documents (xiaozhang.reports.document) ----------------------------------------------

def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def register_document(register: Register, ledger: str = ""):
    """资产卡片清单; for one location (a classroom) the custodian signs it (班主任)."""
    from xiaozhang.reports.document import Document, Table, Text

    one_place = register.location is not None
    columns = ["资产编号", "资产名称", "类别", "规格型号", "数量", "原值", "累计折旧", "净值", "取得日期"]
    columns += ([] if one_place else ["存放地点"]) + ["使用人", "状态"]
    rows = []
    for r in register.rows:
        row = [r.asset_id, r.name, r.category, r.model, r.quantity, r.cost, r.depreciation, r.net,
               r.acquired.isoformat()]
        row += ([] if one_place else [r.location]) + [r.custodian, r.status]
        rows.append(row)
    total = ["合计", f"{register.count} 张卡片", None, None, register.quantity,
             register.cost, register.depreciation, register.net, None]
    total += ([] if one_place else [None]) + [None, None]
    # relative widths: money columns wide enough for 12,345,678.90 on landscape A4
    widths = [12, 20, 12, 14, 5, 13, 13, 13, 11] + ([] if one_place else [16]) + [7, 5]
    blocks = [Table(columns, rows, total=total, widths=widths)]
    if len(register.by_category) > 1:
        blocks.append(Table(["类别", "卡片张数", "原值", "累计折旧", "净值"],
                            [[c.category, c.cards, c.cost, c.depreciation, c.net]
                             for c in register.by_category],
                            title="按类别汇总",
                            total=["合计", register.count, register.cost, register.depreciation,
                                   register.net]))
    if register.filtered:
        blocks.append(Text(f"本清单为 {register.scope} 的资产。全部卡片" + register.reconciliation.sentence()
                           .removeprefix("与总账核对"), "note"))
    else:
        blocks.append(Text(register.reconciliation.sentence(), "note"))
    if one_place:
        blocks.append(Text("以上资产已逐件清点，账物相符；由本人负责保管使用，如有损坏、丢失或调动，"
                           "及时报告总务处。"))
        signatures = ["保管人（班主任）", "总务处经办人", "总务主任"]
    else:
        signatures = ["资产管理员", "会计", "总务主任"]
    info = [("截至", register.day.isoformat()), ("范围", register.scope)]
    if ledger:
        info.append(("账本", ledger))
    title = "资产卡片清单" + (f"（{register.location}）" if one_place else "")
    return Document(title=title, subtitle=register.school, info=info, blocks=blocks,
                    signatures=signatures, closing=[register.school, _day(register.day)],
                    landscape=True, sheet="资产卡片清单")


def depreciation_document(table: DepreciationTable, ledger: str = ""):
    from xiaozhang.reports.document import Document, Table, Text

    months = [f"{m}月" for m in table.months]
    summary = Table(["类别", *months, "合计"],
                    [[c, *amounts, total] for c, amounts, total in table.by_category],
                    title="按类别、月份汇总（元）",
                    total=["合计", *table.month_totals, table.total])
    detail = Table(["资产编号", "资产名称", "类别", "原值", "月折旧额", "本年计提月数", "本年折旧",
                    "累计折旧", "净值"],
                   [[d.asset_id, d.name, d.category, d.cost, d.monthly, d.months, d.year_total,
                     d.accumulated, d.net] for d in table.lines],
                   title="逐项资产明细", widths=[12, 24, 14, 13, 10, 8, 12, 13, 13],
                   total=["合计", f"{len(table.lines)} 张卡片", None,
                          sum((d.cost for d in table.lines), ZERO), None, None, table.total,
                          sum((d.accumulated for d in table.lines), ZERO),
                          sum((d.net for d in table.lines), ZERO)])
    agree = "一致" if table.total == table.ledger_total else "不一致，请运行 xiaozhang check 查看"
    blocks = [summary, detail,
              Text(f"本期计提合计 {table.total:,.2f} 元；账上生成的折旧分录（借 5001…500104 固定资产折旧费）"
                   f"同期合计 {table.ledger_total:,.2f} 元，{agree}。", "note"),
              Text(table.reconciliation.sentence(), "note"),
              Text("折旧方法：年限平均法，按月计提，不留残值；月折旧额 =（原值－已提折旧）÷ 剩余月数，"
                   "四舍五入到分，最后一个月计提余额。文物和陈列品、图书档案、动植物、土地不计提折旧。",
                   "note")]
    period = f"{table.year}年{table.months[0]}月至{table.months[-1]}月"
    info = [("期间", period)] + ([("账本", ledger)] if ledger else [])
    return Document(title="固定资产折旧计提表", subtitle=table.school, info=info, blocks=blocks,
                    signatures=["制表（会计）", "审核（总务主任）"],
                    closing=[table.school, _day(table.period_end)], landscape=True,
                    sheet="折旧计提表")


def changes_document(table: ChangesTable, ledger: str = ""):
    from xiaozhang.reports.document import Document, Table, Text

    used_sources = [i for i, s in enumerate(table.sources)
                    if s == "购置" or table.total.additions[i]]
    used_kinds = [i for i, k in enumerate(table.kinds) if k == "报废" or table.total.disposals[i]]
    columns = (["类别", "年初原值"] + [f"增加：{table.sources[i]}" for i in used_sources] + ["增加合计"]
               + [f"减少：{table.kinds[i]}" for i in used_kinds] + ["减少合计", "年末原值"])

    def cost_row(row: ChangeRow, label: str | None = None):
        return ([label or row.category, row.opening_cost] + [row.additions[i] for i in used_sources]
                + [row.added] + [row.disposals[i] for i in used_kinds] + [row.removed, row.closing_cost])

    def depreciation_row(row: ChangeRow, label: str | None = None):
        return [label or row.category, row.opening_depreciation, row.charged, row.brought_in,
                row.written_off, row.closing_depreciation, row.closing_net]

    omitted = [s for i, s in enumerate(table.sources) if i not in used_sources]
    omitted += [k for i, k in enumerate(table.kinds) if i not in used_kinds]
    blocks = [
        Table(columns, [cost_row(r) for r in table.rows], title="一、原值（元）",
              total=cost_row(table.total, "合计")),
        Table(["类别", "年初累计折旧", "本年计提", "建账/调入带入", "处置转出", "年末累计折旧", "年末净值"],
              [depreciation_row(r) for r in table.rows], title="二、累计折旧与净值（元）",
              total=depreciation_row(table.total, "合计")),
    ]
    if omitted:
        blocks.append(Text(f"本期没有发生：{'、'.join(omitted)}。", "note"))
    balanced = all(r.balanced for r in table.rows)
    blocks.append(Text("各类别：年初原值＋本年增加－本年减少＝年末原值；年初累计折旧＋本年计提＋带入－处置转出"
                       f"＝年末累计折旧（{'已逐行核对' if balanced else '有不平的行，请检查'}）。", "note"))
    blocks.append(Text("年初：" + table.opening.sentence().removeprefix("与总账核对"), "note"))
    blocks.append(Text("年末：" + table.closing.sentence().removeprefix("与总账核对"), "note"))
    period = f"{table.start} 至 {table.end}" + ("" if table.complete else "（本年尚未结束）")
    info = [("期间", period)] + ([("账本", ledger)] if ledger else [])
    return Document(title="固定资产增减变动表", subtitle=f"{table.school}　{table.year}年度",
                    info=info, blocks=blocks, signatures=["单位负责人", "财务负责人", "制表人"],
                    closing=[table.school, _day(table.end)], landscape=True, sheet="增减变动表")


# -- the commands: xiaozhang assets report …, xiaozhang assets stocktake ------------------

def _cli():
    """The click group (built on first use of the module)."""
    import click

    from xiaozhang.reports.cli import DEFAULT_LEDGER, load
    from xiaozhang.reports.document import FORMATS, DocumentError, safe_filename, write

    def day_option(value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"日期“{value}”的格式应为 2026-10-31") from None

    ledger_option = click.option("--ledger", default=DEFAULT_LEDGER, show_default=True,
                                 type=click.Path(exists=True, dir_okay=False), help="账本")
    out_option = click.option("--out", required=True, type=click.Path(file_okay=False),
                              help="输出目录")
    format_option = click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
                                 help="输出格式（可写多次；默认 html、pdf、xlsx、png 全部）")

    def emit(jobs, out: str, formats) -> None:
        written = []
        try:
            for doc, stem in jobs:
                written += write(doc, Path(out), safe_filename(stem), formats or FORMATS)
        except DocumentError as error:
            raise click.ClickException(str(error)) from error
        for path in written:
            click.echo(str(path))

    @click.group("assets")
    def assets_group() -> None:
        """固定资产：资产卡片清单、折旧计提表、增减变动表，清查盘点。"""

    @assets_group.group("report")
    def report() -> None:
        """固定资产报表（HTML、A4 PDF、xlsx、PNG），均与 1601、1602 总账余额核对。"""

    @report.command("register")
    @click.option("--date", "day", default=None, help="截至日期（默认：账本最后一笔交易的日期）")
    @click.option("--dept", default=None, help="只列这个使用部门的资产")
    @click.option("--location", default=None, help="只列这个存放地点的资产（如 三(2)班教室，供班主任签字）")
    @click.option("--custodian", default=None, help="只列这个使用人的资产")
    @click.option("--each", type=click.Choice(["location", "custodian", "dept"]), default=None,
                  help="每个存放地点（或使用人、使用部门）各出一份清单")
    @out_option
    @ledger_option
    @format_option
    def register_command(day, dept, location, custodian, each, out, ledger, formats) -> None:
        """资产卡片清单（可按部门、地点、使用人筛选；按地点分册即各班资产清单）。"""
        entries, options_map = load(ledger)
        try:
            register = AssetRegister(entries)
            when = day_option(day)
            if each:
                if each == "location" and location or each == "custodian" and custodian \
                        or each == "dept" and dept:
                    raise click.UsageError(f"--each {each} 与 --{each} 不能同时使用")
                jobs = []
                for value in places(entries, when, each, register):
                    filters = {"dept": dept, "location": location, "custodian": custodian, each: value}
                    result = build_register(entries, options_map, when, register=register, **filters)
                    if result.rows:
                        jobs.append((register_document(result, ledger), f"资产卡片清单-{value}"))
            else:
                result = build_register(entries, options_map, when, dept=dept, location=location,
                                        custodian=custodian, register=register)
                if not result.rows:
                    known = "、".join(places(entries, when, "location", register)[:8])
                    raise click.ClickException(f"{result.scope} 没有资产（存放地点有：{known} …）")
                stem = "资产卡片清单" + "".join(f"-{v}" for v in (dept, location, custodian) if v)
                jobs = [(register_document(result, ledger), stem)]
                if not result.reconciliation.ok:
                    click.echo(result.reconciliation.sentence(), err=True)
        except AssetReportError as error:
            raise click.ClickException(f"{ledger}：{error}") from error
        emit(jobs, out, formats)

    @report.command("depreciation")
    @click.option("--year", type=int, default=None, help="年度（默认：账本最后日期所在年）")
    @out_option
    @ledger_option
    @format_option
    def depreciation_command(year, out, ledger, formats) -> None:
        """折旧计提表（按类别和月份，附逐项明细）。"""
        entries, options_map = load(ledger)
        try:
            table = build_depreciation(entries, options_map, year)
        except AssetReportError as error:
            raise click.ClickException(f"{ledger}：{error}") from error
        if not table.ok:
            click.echo(table.reconciliation.sentence(), err=True)
        emit([(depreciation_document(table, ledger), f"折旧计提表-{table.year}")], out, formats)

    @report.command("changes")
    @click.option("--year", type=int, default=None, help="年度（默认：账本最后日期所在年）")
    @out_option
    @ledger_option
    @format_option
    def changes_command(year, out, ledger, formats) -> None:
        """固定资产增减变动表（年度报表：年初、按取得方式的增加、按处置方式的减少、折旧、年末）。"""
        entries, options_map = load(ledger)
        try:
            table = build_changes(entries, options_map, year)
        except AssetReportError as error:
            raise click.ClickException(f"{ledger}：{error}") from error
        if not table.closing.ok:
            click.echo(table.closing.sentence(), err=True)
        emit([(changes_document(table, ledger), f"固定资产增减变动表-{table.year}")], out, formats)

    @assets_group.command("stocktake")
    @click.argument("count_file", type=click.Path(exists=True, dir_okay=False))
    @ledger_option
    @click.option("--date", "day", default=None, help="盘点日期（默认：账本最后一笔交易的日期）")
    @click.option("--out", default=None, type=click.Path(dir_okay=False),
                  help="调整建议写入的文件（默认：盘点表旁的 <盘点表名>-调整建议.beancount）")
    def stocktake_command(count_file, ledger, day, out) -> None:
        """清查盘点：实物盘点表与资产卡片核对，列出盘亏、盘盈、位置变动、不符，写出建议分录供审核。

        有差异时退出码为 1。建议分录写到单独的文件，不会写入账本。"""
        from xiaozhang.reports import stocktake

        try:
            counted = stocktake.read_count(count_file)
        except stocktake.CountError as error:
            raise click.ClickException(str(error)) from error
        entries, options_map = load(ledger)
        register = AssetRegister(entries)
        when = day_option(day) or last_day(entries)
        target = Path(out) if out else Path(count_file).with_name(
            Path(count_file).stem + "-调整建议.beancount")
        included = {Path(p).resolve() for p in options_map.get("include", [])}
        if target.resolve() in included:
            raise click.ClickException(f"{target} 是账本的一部分；调整建议只能写到单独的文件，审核后再移入账本")
        result = stocktake.compare(register, counted, when, Path(count_file).name)
        click.echo(f"盘点日期 {when}：盘点 {result.counted} 项，账上 "
                   f"{sum(1 for c in register.cards.values() if in_books(c, when))} 张卡片。")
        for kind in ("盘亏", "盘盈", "位置变动", "不符"):
            items = result.of(kind)
            click.echo(f"{kind} {len(items)} 项")
            for d in items:
                where = f"{count_file}:{d.row}: " if d.row else ""
                click.echo(f"  {where}{d.asset_id or '（无编号）'} {d.name}：{d.detail}")
        if not result.differences:
            click.echo("账实相符。")
            return
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(stocktake.proposals_text(result, count_file, ledger), encoding="utf-8")
        tmp.replace(target)
        click.echo(f"调整建议（{len(result.proposals)} 条）已写入 {target}，审核批准后再移入账本。")
        sys.exit(1)

    return assets_group


assets_group = _cli()
