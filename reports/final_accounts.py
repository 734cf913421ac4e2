"""决算 tables and 三公经费 of a year, from the ledger's dimensions (`xiaozhang.model.dimensions`).

支出 here is spending on the cash basis (收付实现制, as the 部门决算 and 预算会计 count it): the debit
postings that carry a 支出经济分类 code (`dimensions.economic_code`: expense accounts, 应付职工薪酬
paid out, fixed assets and stores bought) in transactions that are paid (`dimensions.funding_source`
is not None: paid from 零余额账户, 财政直接支付, or the school's own money, or marked `fund`).  An
accrual (计提) is counted when it is paid, not twice.

财政拨款支出决算表 (`build_fiscal_spending`)
    同级财政拨款 only, rows by 支出功能分类 (`dimensions.func_of`), columns 基本支出 — 人员经费,
    日常公用经费 (`dimensions.basic_class`) — 项目支出 (`dimensions.spending_kind`), 合计.
支出决算明细 (`build_spending_by_economic`)
    rows by 经济分类 款 code, columns 同级财政拨款 / 事业收入 / 非同级财政拨款 / 其他资金 (the
    columns of 补充规定 附表1, `dimensions.FUNDING_SOURCES`), 合计.
三公经费 (`build_sangong`)
    “用财政拨款安排的因公出国(境)费、公务用车购置及运行费和公务接待费”: 同级财政拨款 spending of
    经济分类 30212 因公出国(境)费用, 30217 公务接待费, 30231 公务用车运行维护费, 31013 公务用车购置,
    or marked `sangong: "因公出国(境)费" | "公务用车购置费" | "公务用车运行维护费" | "公务接待费"` on the
    posting or the transaction (e.g. a car bought as a fixed asset, 160102 通用设备, whose economic
    code is 31002: mark it 公务用车购置费).  docs/conventions.md lists the key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from xiaozhang.model import dimensions
from xiaozhang.model.books import SchoolBooks
from xiaozhang.reports.statements import Period, _amount, _currency

ZERO = Decimal(0)
SANGONG_KEY = "sangong"
ABROAD, CAR_PURCHASE, CAR_RUNNING, RECEPTION = "因公出国(境)费", "公务用车购置费", "公务用车运行维护费", "公务接待费"
SANGONG_ITEMS = (ABROAD, CAR_PURCHASE, CAR_RUNNING, RECEPTION)
SANGONG_BY_ECONOMIC = {"30212": ABROAD, "30217": RECEPTION, "30231": CAR_RUNNING, "31013": CAR_PURCHASE}
FISCAL_COLUMNS = ("人员经费", "日常公用经费", "项目支出")


@dataclass(frozen=True)
class Spending:
    """One paid expenditure posting with its dimensions."""

    txn: data.Transaction
    posting: data.Posting
    amount: Decimal
    economic: str
    source: str
    func: str
    kind: str  # 基本支出 / 项目支出


def spending(entries: Sequence[data.Directive], options_map: dict, period: Period) -> Iterator[Spending]:
    """The paid expenditure postings from 1 January to the period's end (module docstring)."""
    currency = _currency(options_map)
    books = SchoolBooks.of(entries, options_map)
    for txn in books.transactions:
        if txn.date > period.last:
            break
        if txn.date < period.year_start:
            continue
        for posting in txn.postings:
            number = _amount(posting, currency)
            if number is None or number <= 0:
                continue
            economic = dimensions.economic_code(posting.account)
            if economic is None:
                continue
            source = dimensions.funding_source(txn, posting)
            if source is None:
                continue  # an accrual: counted when paid
            yield Spending(txn, posting, number, economic, source,
                           dimensions.func_of(txn, posting, books.policy) or "", dimensions.spending_kind(txn, posting))


@dataclass(frozen=True)
class Matrix:
    period: Period
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Decimal, ...]], ...]  # (row label, values by column + 合计)

    @property
    def total(self) -> tuple[Decimal, ...]:
        width = len(self.columns) + 1
        return tuple(sum((values[i] for _, values in self.rows), ZERO) for i in range(width))


def _matrix(period: Period, columns: Sequence[str], cells: dict[tuple[str, str], Decimal]) -> Matrix:
    labels = sorted({row for row, _ in cells})
    rows = []
    for label in labels:
        values = [cells.get((label, c), ZERO) for c in columns]
        rows.append((label, (*values, sum(values, ZERO))))
    return Matrix(period, tuple(columns), tuple(rows))


def build_fiscal_spending(entries, options_map, period: Period) -> Matrix:
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for item in spending(entries, options_map, period):
        if item.source != dimensions.SAME_LEVEL_FISCAL:
            continue
        column = "项目支出" if item.kind == dimensions.PROJECT else dimensions.basic_class(item.economic)
        cells[(item.func, column)] += item.amount
    return _matrix(period, FISCAL_COLUMNS, cells)


def build_spending_by_economic(entries, options_map, period: Period) -> Matrix:
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for item in spending(entries, options_map, period):
        label = f"{item.economic} {dimensions.economic_name(item.economic)}"
        cells[(label, item.source)] += item.amount
    return _matrix(period, dimensions.FUNDING_SOURCES, cells)


def sangong_item(item: Spending) -> str | None:
    """The 三公 item of a paid posting: its `sangong` mark, else by its economic code."""
    for meta in (item.posting.meta, item.txn.meta):
        if meta and SANGONG_KEY in meta and str(meta[SANGONG_KEY]) in SANGONG_ITEMS:
            return str(meta[SANGONG_KEY])
    return SANGONG_BY_ECONOMIC.get(item.economic)


@dataclass(frozen=True)
class Sangong:
    period: Period
    amounts: dict[str, Decimal]  # item → 财政拨款 spending of the year to the period's end
    other_funds: Decimal  # the same items paid from other money (not 三公经费, shown for reference)

    @property
    def cars(self) -> Decimal:
        return self.amounts[CAR_PURCHASE] + self.amounts[CAR_RUNNING]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)


def build_sangong(entries, options_map, period: Period) -> Sangong:
    amounts = {name: ZERO for name in SANGONG_ITEMS}
    other = ZERO
    for item in spending(entries, options_map, period):
        name = sangong_item(item)
        if name is None:
            continue
        if item.source == dimensions.SAME_LEVEL_FISCAL:
            amounts[name] += item.amount
        else:
            other += item.amount
    return Sangong(period, amounts, other)
