"""决算 tables and 三公经费 of a year, from the ledger's dimensions (`xiaozhang.model.dimensions`).

支出 here is the paid spending of `reports/paid_spending.py` (the cash basis, the canteen's own books
and the 预算会计 accounts left out), read once for all the tables (`build_all`).

收入支出决算总表 and 收入决算表 (`build_summary`)
    收入: the 收入费用表's 本年累计 lines (`statements.build_income_statement`, the financial
    basis: 食堂净收入 in 其他收入) grouped as the 决算 lines `INCOME_FINAL_LINES` (财政拨款收入,
    其中政府性基金; 上级补助收入; 事业收入; 经营收入; 附属单位上缴收入; 其他收入 = 4601–4609);
    支出: the paid spending by 支出功能分类 类 (205 教育支出, 208 社会保障和就业支出 …).  年初/年末
    结转结余: the budget side's (`budget_statements.carryover_columns`: 会政预02's 年初 and 年末, read
    from the 结转 entries once `xiaozhang close year` wrote them); none without a budget side.
支出决算表 (`build_spending_by_function`)
    all money, rows by 支出功能分类, columns 基本支出 — 人员经费, 日常公用经费 — 项目支出, 合计.
财政拨款收入支出决算表 (`build_fiscal_by_economic_class`)
    同级财政拨款 spending, rows 支出功能分类 × columns 经济分类 类 (301, 302, 303, 310).
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
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from xiaozhang.model import dimensions
from xiaozhang.reports.paid_spending import Spending, spending
from xiaozhang.reports.school_spending import build_school_spending
from xiaozhang.reports.statements import Period

ZERO = Decimal(0)
SANGONG_KEY = "sangong"
ABROAD, CAR_PURCHASE, CAR_RUNNING, RECEPTION = "因公出国(境)费", "公务用车购置费", "公务用车运行维护费", "公务接待费"
SANGONG_ITEMS = (ABROAD, CAR_PURCHASE, CAR_RUNNING, RECEPTION)
SANGONG_BY_ECONOMIC = {"30212": ABROAD, "30217": RECEPTION, "30231": CAR_RUNNING, "31013": CAR_PURCHASE}
FISCAL_COLUMNS = ("人员经费", "日常公用经费", "项目支出")


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


# 支出功能分类 names (政府收支分类科目) of the codes a school uses; another code prints as its code.
FUNC_NAMES = {
    "201": "一般公共服务支出", "205": "教育支出", "208": "社会保障和就业支出", "210": "卫生健康支出",
    "221": "住房保障支出", "229": "其他支出",
    "2050201": "学前教育", "2050202": "小学教育", "2050203": "初中教育", "2050204": "高中教育",
    "2050299": "其他普通教育支出", "2080505": "机关事业单位基本养老保险缴费支出",
    "2080506": "机关事业单位职业年金缴费支出", "2101102": "事业单位医疗", "2210201": "住房公积金",
}


def func_label(code: str) -> str:
    """`2050202 小学教育` (the code alone when its name is not known; 未指定 without a code)."""
    if not code:
        return "未指定功能分类"
    name = FUNC_NAMES.get(code)
    return f"{code} {name}" if name else code


def build_spending_by_function(entries, options_map, period: Period, *, fiscal_only: bool = False,
                               items: list[Spending] | None = None) -> Matrix:
    """支出决算表 (all money) or 财政拨款支出决算表 (`fiscal_only`): rows 支出功能分类, columns
    基本支出 人员经费 / 日常公用经费, 项目支出."""
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for item in items if items is not None else spending(entries, options_map, period):
        if fiscal_only and item.source != dimensions.SAME_LEVEL_FISCAL:
            continue
        column = "项目支出" if item.kind == dimensions.PROJECT else dimensions.basic_class(item.economic)
        cells[(func_label(item.func), column)] += item.amount
    return _matrix(period, FISCAL_COLUMNS, cells)


def build_fiscal_spending(entries, options_map, period: Period, items: list[Spending] | None = None) -> Matrix:
    return build_spending_by_function(entries, options_map, period, fiscal_only=True, items=items)


ECONOMIC_CLASS_COLUMNS = tuple(f"{code} {name}" for code, name in dimensions.ECONOMIC_CLASSES.items())


def build_fiscal_by_economic_class(entries, options_map, period: Period, items: list[Spending] | None = None) -> Matrix:
    """财政拨款收入支出决算表's spending: 同级财政拨款, rows 支出功能分类 × columns 经济分类 类."""
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    columns = dict(zip(dimensions.ECONOMIC_CLASSES, ECONOMIC_CLASS_COLUMNS))
    for item in items if items is not None else spending(entries, options_map, period):
        if item.source == dimensions.SAME_LEVEL_FISCAL:
            column = columns.get(item.economic[:3], ECONOMIC_CLASS_COLUMNS[1])
            cells[(func_label(item.func), column)] += item.amount
    return _matrix(period, ECONOMIC_CLASS_COLUMNS, cells)


# 收入决算表: the 决算 income lines and the 收入费用表 lines they take (本年累计; the canteen's net is
# in 其他收入 as on the 收入费用表).
INCOME_FINAL_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("财政拨款收入", ("4001",)), ("上级补助收入", ("4201",)), ("事业收入", ("4101",)), ("经营收入", ("4401",)),
    ("附属单位上缴收入", ("4301",)), ("其他收入", ("4601", "4602", "4603", "4604", "4605", "4609")),
)


@dataclass(frozen=True)
class FinalSummary:
    """收入支出决算总表 (and 收入决算表): the year's income by source and spending by 功能分类 类."""

    period: Period
    income: tuple[tuple[str, Decimal], ...]  # (line, amount); 其中：政府性基金 after 财政拨款收入
    spending: tuple[tuple[str, Decimal], ...]  # (功能分类 类, amount)
    carryover: tuple[Decimal, Decimal] | None = None  # (年初结转结余, 年末结转结余), budget side

    @property
    def income_total(self) -> Decimal:
        return sum((n for label, n in self.income if not label.startswith("其中")), ZERO)

    @property
    def spending_total(self) -> Decimal:
        return sum((n for _, n in self.spending), ZERO)


def build_summary(entries, options_map, period: Period, items: list[Spending] | None = None) -> FinalSummary:
    from xiaozhang.reports.statements import GOVERNMENT_FUND_CODE, build_income_statement

    statement = build_income_statement(entries, options_map, period)
    by_code = {line.code: line.year for line in statement.income}
    income: list[tuple[str, Decimal]] = []
    listed: set[str] = set()
    for label, codes in INCOME_FINAL_LINES:
        income.append((label, sum((by_code.get(c, ZERO) for c in codes), ZERO)))
        listed.update(codes)
        if label == "财政拨款收入":
            income.append(("其中：政府性基金预算财政拨款", by_code.get(GOVERNMENT_FUND_CODE, ZERO)))
    unlisted = sum((line.year for line in statement.income if not line.detail and line.code not in listed), ZERO)
    if unlisted:
        income[-1] = (income[-1][0], income[-1][1] + unlisted)  # codes of no line: 其他收入
    classes: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items if items is not None else spending(entries, options_map, period):
        classes[func_label(item.func[:3]) if item.func else func_label("")] += item.amount
    from xiaozhang.model.books import SchoolBooks
    from xiaozhang.reports.budget_statements import carryover_columns

    carried = carryover_columns(SchoolBooks.of(entries, options_map), period.year, period.last)
    return FinalSummary(period, tuple(income), tuple(sorted(classes.items())), carried)


def build_spending_by_economic(entries, options_map, period: Period, items: list[Spending] | None = None) -> Matrix:
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for item in items if items is not None else spending(entries, options_map, period):
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


def build_sangong(entries, options_map, period: Period, items: list[Spending] | None = None) -> Sangong:
    amounts = {name: ZERO for name in SANGONG_ITEMS}
    other = ZERO
    for item in items if items is not None else spending(entries, options_map, period):
        name = sangong_item(item)
        if name is None:
            continue
        if item.source == dimensions.SAME_LEVEL_FISCAL:
            amounts[name] += item.amount
        else:
            other += item.amount
    return Sangong(period, amounts, other)


def build_all(entries, options_map, period: Period) -> dict:
    """Every 决算 table and 三公经费 of the year to the period's end (for the documents and the page);
    the paid spending is read once for all of them."""
    items = list(spending(entries, options_map, period))
    return {"summary": build_summary(entries, options_map, period, items),
            "school_spending": build_school_spending(entries, options_map, period, items),
            "by_function": build_spending_by_function(entries, options_map, period, items=items),
            "fiscal": build_fiscal_spending(entries, options_map, period, items),
            "fiscal_economic": build_fiscal_by_economic_class(entries, options_map, period, items),
            "detail": build_spending_by_economic(entries, options_map, period, items),
            "sangong": build_sangong(entries, options_map, period, items)}
