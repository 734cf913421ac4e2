"""Fixed assets (固定资产) in the school model: the facts of the categories, the depreciation
schedule and the asset card (资产卡片) with its disposal and transfers.

The register that reads the cards of a ledger is `xiaozhang.model.assets` (built once per
loaded entries list: `SchoolBooks.of(entries).assets`).  Money is in fen (`int`) and months
are month indexes (`xiaozhang.model.periods.month_index`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.periods import month_index


def account_code(account: str) -> str:
    """`Equity:3001` for `Equity:3001累计盈余…`: an account's root and 科目编码 (four digits)."""
    root, _, rest = account.partition(":")
    return f"{root}:{rest[:4]}"


def account_label(account: str) -> str:
    """`5301 资产处置费用` for `Expenses:5301资产处置费用` (the words of a message)."""
    name = account.split(":")[1]
    return f"{name[:4]} {name[4:]}"


# -- the categories (财会〔2017〕4号) ----------------------------------------------------------

CATEGORIES: tuple[str, ...] = tuple(name for _code, name in chart.ASSET_CATEGORIES)
FIXED_ACCOUNTS = {name: chart.fixed_asset_account(name) for name in CATEGORIES}
SPECIAL_EQUIPMENT = "专用设备"


class LifeRule(NamedTuple):
    """The useful life (years) a sub-category may take.

    school    中小学校补充规定 附表2 (中小学校固定资产折旧年限表): the life a school uses
              ("通常情况下，中小学校应当按照附表2规定确定…折旧年限"); None: no line in 附表2
    minimum   财会〔2017〕4号 政府固定资产折旧年限表: the lower bound ("不低于…" or the low end of
              a range); None: the sub-category is not in that table
    maximum   the upper end of the range of that table (专用设备 "10—15年"); None: no upper bound
    """

    school: int | None
    minimum: int | None
    maximum: int | None = None

    @property
    def floor(self) -> int:
        """The lowest life accepted: 附表2's where it has a line, else the general table's."""
        return self.school if self.school is not None else self.minimum

    @property
    def default(self) -> int:
        """The life a school's card takes when it does not say: 附表2, else the general minimum."""
        return self.floor


def _rule(school: int | None, minimum: int | None = None, maximum: int | None = None) -> LifeRule:
    return LifeRule(school, school if minimum is None else minimum, maximum)


# The life table (ONE definition): category -> sub-category -> LifeRule, or None for what is
# never depreciated (单独计价入账的土地, 动植物: 准则第3号 第十七条). Categories absent here
# (文物和陈列品, 图书档案) are not depreciated and have no sub-category. `_rule(n)`: 附表2 gives
# n years and the general table's minimum is the same n; `_rule(None, a, b)`: 附表2 has no line,
# the general table gives a (to b) years.
LIFE_RULES: dict[str, dict[str, LifeRule | None]] = {
    "房屋及构筑物": {
        "钢结构房屋": _rule(50), "钢筋混凝土结构房屋": _rule(50), "砖混结构房屋": _rule(30),
        "砖木结构房屋": _rule(30), "简易房": _rule(8), "房屋附属设施": _rule(8), "构筑物": _rule(8),
        "土地": None,
    },
    "通用设备": {
        "计算机设备": _rule(6), "办公设备": _rule(6), "车辆": _rule(8), "图书档案设备": _rule(5),
        "机械设备": _rule(10), "电气设备": _rule(5), "雷达无线电和卫星导航设备": _rule(None, 10),
        "通信设备": _rule(5), "广播电视电影设备": _rule(5), "仪器仪表": _rule(5),
        "电子和通信测量设备": _rule(5), "计量标准器具及量具衡器": _rule(5),
    },
    "专用设备": {
        "食品加工专用设备": _rule(None, 10, 15), "医疗设备": _rule(None, 5, 10),
        "电工电子专用生产设备": _rule(None, 5, 10), "安全生产设备": _rule(None, 10, 20),
        "环境污染防治设备": _rule(None, 10, 20), "专用仪器仪表": _rule(5, 5, 10),
        "文艺设备": _rule(5, 5, 15), "体育设备": _rule(5, 5, 10), "娱乐设备": _rule(5, 5, 10),
        "公安专用设备": _rule(3, 3, 10), "其他专用设备": LifeRule(10, None),
    },
    "家具用具装具及动植物": {
        "家具": _rule(15), "学生用家具": LifeRule(5, None), "用具装具": _rule(5), "动植物": None,
    },
}
# category -> sub-category -> the life a school uses by default (None: not depreciated)
SUBCATEGORIES: dict[str, dict[str, int | None]] = {
    category: {name: rule.default if rule is not None else None for name, rule in rows.items()}
    for category, rows in LIFE_RULES.items()}
# Large batches of like items below the unit threshold are fixed assets all the same.
BATCH_CATEGORIES = ("图书档案", "家具用具装具及动植物")
STATUSES = ("在用", "闲置", "待处置")
DISPOSED = "已处置"
TRANSFER_KEYS = (("location", "存放地点"), ("custodian", "使用人"), ("dept", "使用部门"),
                 ("status", "状态"))

# -- the accounts (by 科目编码, from the chart) ------------------------------------------------

FIXED = account_code(chart.FIXED_ASSETS)  # Assets:1601
DEPRECIATION = account_code(chart.ACCUM_DEPRECIATION)  # Assets:1602
# 取得方式 by the account credited (first match wins); anything else is a purchase (购置).
OPENING, PURCHASE = "期初建账", "购置"
SOURCES: tuple[tuple[str, str], ...] = (
    (account_code(chart.ACCUMULATED_SURPLUS), OPENING),
    (account_code(chart.PENDING_ASSET_LOSS), "盘盈"),
    (account_code(chart.FREE_TRANSFER_EQUITY), "无偿调入"),
    ("Income:4603", "接受捐赠"),  # 4603 捐赠收入 (not in the chart's named accounts)
    ("Assets:1613", "在建工程转入"),  # 1613 在建工程 (idem)
)
# 改扩建: an addition to an existing card (its added cost, in the year of the addition)
ADDITION = "改扩建"
SOURCE_ORDER = (PURCHASE, "无偿调入", "接受捐赠", "盘盈", "在建工程转入", ADDITION, OPENING)
# Disposal types and the account the net book value goes to (code, label).
DISPOSALS: dict[str, tuple[str, str]] = {
    kind: (account_code(account), account_label(account)) for kind, account in (
        ("报废", chart.ASSET_DISPOSAL_EXPENSE),
        ("出售", chart.ASSET_DISPOSAL_EXPENSE),
        ("无偿调出", chart.FREE_TRANSFER_EQUITY),
        ("盘亏", chart.PENDING_ASSET_LOSS),
    )}
# A purchase on credit: the card's 资金来源 is known when it is bought (非财政拨款), though the
# paid-spending view (`dimensions.funding_source`) counts it only when paid (`Card.fund`).
CREDIT_FUNDS = (account_code(chart.ACCOUNTS_PAYABLE),)


def minimum_life(category: str, subcategory: str | None) -> int | None:
    """The lowest life accepted for a school's card (附表2, else the general table)."""
    return (SUBCATEGORIES.get(category) or {}).get(subcategory or "")


def life_rule(category: str, subcategory: str | None) -> LifeRule | None:
    return (LIFE_RULES.get(category) or {}).get(subcategory or "")


def is_depreciated(category: str, subcategory: str | None) -> bool:
    """文物和陈列品, 图书档案, 动植物 and land are not depreciated."""
    table = SUBCATEGORIES.get(category)
    return table is not None and table.get(subcategory or "") is not None


def last_closed_month(day: dt.date) -> int:
    """The last month whose depreciation (booked on its last day) is in the books on `day`."""
    index = month_index(day)
    return index if (day + dt.timedelta(days=1)).day == 1 else index - 1


# -- the depreciation schedule ----------------------------------------------------------

def straight_line(base: int, months: int) -> tuple[int, int, int]:
    """(monthly, count, last): `base` fen over `months` months, monthly rounded half up, the
    month after the `count` full ones taking the remainder `last` (see `Schedule`)."""
    if base <= 0 or months <= 0:
        return 0, 0, 0
    monthly = (2 * base + months) // (2 * months)  # base / months, half up
    if monthly * (months - 1) <= base:
        count = months - 1
    else:  # rounding up would overshoot: fully depreciated before the last month
        count = base // monthly
    return monthly, count, base - count * monthly


# -- a working year's opening card: the monthly amount carried on (xiaozhang.newyear) ---------
# `xiaozhang new-year` writes each card with its 已提折旧 / 已提月数 to the old year's end and the
# monthly amount it was charged (`monthly_depreciation: 333.00 CNY`): the schedule goes on with
# that amount, so the new working year charges exactly what the one ledger would have (a new
# straight line over the months left would round differently by a fen).
CARRIED_MONTHLY = "monthly_depreciation"


def carried_monthly(meta: dict) -> int | None:
    """The monthly amount in fen a card carries on from the year before, or None."""
    value = meta.get(CARRIED_MONTHLY)
    number = getattr(value, "number", None)
    if number is None:
        return None
    monthly = int(round(number * 100))
    return monthly if monthly > 0 else None


def continued(base: int, months: int, monthly: int) -> tuple[int, int, int]:
    """(monthly, count, last) of a schedule that goes on at `monthly` over `months` months:
    the months but the last at `monthly`, the last taking the remainder (`straight_line`'s
    shape; fewer full months when `monthly` would overshoot `base`)."""
    if base <= 0 or months <= 0:
        return 0, 0, 0
    count = months - 1 if monthly * (months - 1) <= base else base // monthly
    return monthly, count, base - count * monthly


class Schedule(NamedTuple):
    """Monthly straight-line depreciation of one card, in fen (no residual value).

    `monthly` = (cost − prior depreciation) ÷ months left, rounded half up to the fen; it is
    charged for `count` months from `first`, and the next month takes the remainder `last`
    (so the schedule sums to the cost exactly). `stop` is the last month allowed (disposal).

    After an addition (改扩建, 准则第3号 第二十二条) the card's schedule is a new segment from the
    month of the addition whose `prior` is the depreciation taken before it; `before` is the
    segment it replaces (stopped the month before), so `through` and `charge` answer for any
    month and `segments()` lists the runs in order."""

    first: int
    monthly: int
    count: int
    last: int
    prior: int
    stop: int | None = None
    before: "Schedule | None" = None

    @classmethod
    def straight_line(cls, base: int, months: int, first: int, prior: int = 0,
                      stop: int | None = None) -> "Schedule":
        return cls(first, *straight_line(base, months), prior, stop)

    @property
    def end(self) -> int:
        """The last month with a charge (or first − 1 when there is none), before `stop`."""
        end = self.first + self.count - (0 if self.last else 1)
        return end if self.stop is None else min(end, self.stop)

    def segments(self) -> list["Schedule"]:
        """The runs of the schedule, oldest first (one unless the card had additions)."""
        runs = [self]
        while runs[-1].before is not None:
            runs.append(runs[-1].before)
        return runs[::-1]

    def through(self, month: int) -> int:
        """Accumulated depreciation (prior included) after the charge of `month`."""
        if month < self.first and self.before is not None:
            return self.before.through(month)
        if self.stop is not None:
            month = min(month, self.stop)
        months = month - self.first + 1
        if months <= 0:
            return self.prior
        if months <= self.count:
            return self.prior + months * self.monthly
        return self.prior + self.count * self.monthly + self.last

    def charge(self, month: int) -> int:
        """The depreciation of one month."""
        if month < self.first:
            return self.before.charge(month) if self.before is not None else 0
        if self.stop is not None and month > self.stop:
            return 0
        offset = month - self.first
        if offset < self.count:
            return self.monthly
        return self.last if offset == self.count else 0

    def window(self, first: int, last: int) -> tuple[int, int, int, int]:
        """For months first..last of this segment: (months at the monthly amount: from, to; the
        remainder month or -1; the remainder) — the charges in a window, without walking the
        months (a card with additions: ask each of `segments()`)."""
        end = self.first + self.count - 1
        stop = last if self.stop is None else min(last, self.stop)
        run_from, run_to = max(first, self.first), min(stop, end)
        extra = self.first + self.count
        remainder_month = extra if self.last and first <= extra <= stop else -1
        return run_from, run_to, remainder_month, self.last


# -- the card ----------------------------------------------------------------------------

@dataclass
class Transfer:
    date: dt.date
    changes: dict[str, str]
    entry: data.Custom


@dataclass
class Disposal:
    date: dt.date
    kind: str  # 报废 / 出售 / 无偿调出 / 盘亏
    entry: data.Transaction
    source: dict  # the meta to point at


@dataclass
class Addition:
    """An addition to a card (改扩建 / 追加): a later 1601 debit with the card's asset_id and
    `addition` metadata. Its cost joins the card's 原值 from `date`; the schedule is worked out
    again from `first` (the month of the addition under `depreciation-start`) over the
    remaining months of `life` (the card's life, or the revised life written on the addition:
    "重新确定的折旧年限", counted from the card's first month of depreciation)."""

    date: dt.date
    cost: int  # fen
    kind: str  # the `addition` value: 改建 / 扩建 / 改扩建 / 加装 …
    life: int  # the card's life from this addition on (years)
    first: int  # the first month of the new schedule
    entry: data.Transaction
    posting: data.Posting
    source: dict


def text(value: Any) -> str:
    """A metadata value as text ('' for none)."""
    return "" if value is None else str(value).strip()


@dataclass(slots=True)
class Card:
    """One asset card (资产卡片) and its life on the books.

    The descriptive fields (name, model, location …) are read from the card's metadata when
    asked for: a ledger has thousands of cards and a check needs few of them."""

    asset_id: str
    category: str
    subcategory: str | None
    quantity: int
    life: int | None
    cost: int  # fen
    date: dt.date  # entry date (入账日期)
    acquired: dt.date  # original acquisition date (取得日期)
    source_kind: str  # 取得方式
    status: str  # as written on the card (transfers may change it later)
    prior: int  # fen depreciated before the books (opening, transferred in at cost)
    prior_months: int
    entry: data.Transaction
    posting: data.Posting  # the acquisition posting (the card)
    meta: dict  # the card's metadata (the transaction's, overridden by the posting's)
    depreciates: bool  # a depreciable category and sub-category, with a life, not nominal
    first: int  # the first month of depreciation in the books (policy of the entry date)
    stop: int | None = None  # the last month allowed (set by a disposal)
    disposal: Disposal | None = None
    transfers: tuple[Transfer, ...] = ()
    computed: Schedule | None = None  # the schedule, once asked for
    nominal: bool = False  # 以名义金额计量 (人民币 1 元): never depreciated (准则第3号 第十七条)
    additions: tuple[Addition, ...] = ()  # 改扩建 / 追加, in date order

    @property
    def schedule(self) -> Schedule | None:
        """The depreciation schedule (None: not depreciated), computed when first asked for."""
        if not self.depreciates:
            return None
        if self.computed is None:
            schedule = Schedule(self.first, *self.first_line, self.prior, self.stop)
            cost = self.cost
            for addition in self.additions:
                cost += addition.cost
                start = addition.first
                taken = schedule.through(start - 1)
                previous = schedule._replace(stop=start - 1 if schedule.stop is None
                                             else min(schedule.stop, start - 1))
                schedule = Schedule(start, *straight_line(
                    cost - taken, self.months_left(addition)), taken, self.stop, previous)
            self.computed = schedule
        return self.computed

    @property
    def first_line(self) -> tuple[int, int, int]:
        """(monthly, count, last) of the schedule's first run: the cost less the depreciation
        before the books over the months left, or at the monthly amount a working year's opening
        card carries on (`carried_monthly`).  One definition: `schedule` and the depreciation
        generator's fast path (plugins/depreciation.py) read it."""
        base, months = self.cost - self.prior, self.life * 12 - self.prior_months
        carried = carried_monthly(self.meta)
        return continued(base, months, carried) if carried else straight_line(base, months)

    def months_left(self, addition: Addition) -> int:
        """The months of depreciation left from an addition's first month: its life in
        months less the months already run (before the books and since the first month)."""
        run = self.prior_months + max(0, addition.first - self.first)
        return addition.life * 12 - run

    @property
    def total_cost(self) -> int:
        """原值 with every addition (fen): what a disposal writes off."""
        return self.cost + sum(a.cost for a in self.additions)

    def cost_on(self, day: dt.date) -> int:
        """原值 at the end of `day` (fen): the cost with the additions made by then."""
        cost = self.cost
        for addition in self.additions:
            if addition.date <= day:
                cost += addition.cost
        return cost

    @property
    def account(self) -> str:
        return self.posting.account

    @property
    def source(self) -> dict:
        """The metadata the card's problems point at (file:line): the posting's when the card
        is written under it, else the transaction's."""
        own = self.posting.meta
        return own if own and "asset_id" in own else self.entry.meta

    @property
    def name(self) -> str:
        return text(self.meta.get("name")) or self.entry.narration

    @property
    def model(self) -> str:
        return text(self.meta.get("model"))

    @property
    def location(self) -> str:
        return text(self.meta.get("location"))

    @property
    def custodian(self) -> str:
        return text(self.meta.get("custodian"))

    @property
    def dept(self) -> str:
        return text(self.meta.get("dept"))

    @property
    def supplier(self) -> str:
        return text(self.meta.get("supplier"))

    @property
    def invoice(self) -> str:
        return text(self.meta.get("invoice"))

    @property
    def procurement(self) -> str:
        return text(self.meta.get("procurement"))

    @property
    def fund(self) -> str:
        """资金来源: 财政拨款 (同级财政拨款 by `dimensions.funding_source`, the one definition: from
        the quota, paid by the treasury, the quota due back, or marked `fund`), 非财政拨款 (the
        other sources of `funding_source`, or bought on credit: `CREDIT_FUNDS`), or the way it
        came in (期初建账, 盘盈 …).  The one difference from `funding_source`: a purchase on credit
        has no funding source there (an accrual, counted when paid) but the card records it."""
        from xiaozhang.model.dimensions import SAME_LEVEL_FISCAL, funding_source

        if self.source_kind != PURCHASE:
            return self.source_kind
        project = self.entry.meta.get("project")
        source = funding_source(self.entry)
        if source == SAME_LEVEL_FISCAL:
            return f"财政拨款（{project}）" if project else "财政拨款"
        if source is not None or any(p.account.startswith(CREDIT_FUNDS) for p in self.entry.postings
                                     if p.units.number is not None and p.units.number < 0):
            return "非财政拨款"
        return "其他"

    def state_on(self, day: dt.date) -> dict[str, str]:
        """location, custodian, dept and status as they were at the end of `day`."""
        get = self.meta.get
        state = {"location": text(get("location")), "custodian": text(get("custodian")),
                 "dept": text(get("dept")), "status": self.status}
        for transfer in self.transfers:
            if transfer.date > day:
                break
            state.update(transfer.changes)
        if self.disposal is not None and self.disposal.date <= day:
            state["status"] = DISPOSED
        return state

    def depreciation_on(self, day: dt.date, last_month: int | None) -> int:
        """Accumulated depreciation (fen) in the books at the end of `day`; `last_month` is the
        horizon of the generated entries."""
        if self.schedule is None or self.date > day:
            return 0
        month = last_closed_month(day)
        if last_month is not None:
            month = min(month, last_month)
        return self.schedule.through(month)

    def disposed_by(self, day: dt.date) -> bool:
        return self.disposal is not None and self.disposal.date <= day

    def in_books(self, day: dt.date) -> bool:
        """Entered on or before `day` and not disposed of by then."""
        return self.date <= day and not self.disposed_by(day)
