"""食堂 (canteen): the monthly 伙食费收支公示 for parents, the 食堂收支盈亏表 for the school, and
the figures of the Fava page 食堂.

Everything is computed from the loaded entries (e.g. Fava's `all_entries`); nothing is typed
twice.  Rendering (reports/document.py, the Fava template) is separate from the figures.

Definitions
-----------
The canteen's books
    The accounts marked `canteen: TRUE` on their `open` and their sub-accounts (食堂独立核算,
    see plugins/canteen.py for how each account's use is recognised). Only postings in the
    ledger's operating currency (CNY) count.

Income (收入), by source, positive
    学生伙食费 and 教职工伙食费: the canteen's meal-income accounts (名称含“伙食费”; 教职工 by
    name), credited when meals are served (饭卡消费). 其他收入: every other canteen income
    account (e.g. 460901食堂其他收入: interest, sale of scrap), by account.

Cost (成本), by category, positive
    One line per canteen expense account (leaf, in chart order): 米面油, 肉禽蛋, 蔬菜, 调味品
    (food issued from stores, stocktake differences included), 燃料水电, 人工, 其他.
    Every opened category is listed, with 0.00 when nothing was booked.

Surplus (结余) = income − cost; surplus rate (结余率) = surplus / income (None without income);
    food-cost ratio (食材成本率, 食材支出占伙食费收入的比例) = food cost / meal income.

Meals served (就餐人次)
    The `records` of the consumption entries (a credit to a meal-income account), students and
    staff apart; the days served are the days with consumption. A consumption entry without
    `records` is counted in `unknown_meals_entries` (the notice says the figure is incomplete).

Periods
    A month is the calendar month. The term (本学期累计) is the term containing the month's first
    day, cut by the `term-end` policies (the day after one end to the next end; after the last
    end: to the end of the data), up to the end of the month. The year (本年累计) is the calendar
    year to the end of the month.

Balance (资产负债, at the end of the month), positive in each side's normal direction
    资产: money (银行存款), stores by food category (库存食材), other; 负债: students' and staff
    meal cards (饭卡预存), 应付货款, other; 净资产: 伙食结余（上年结转）= the canteen's equity
    accounts plus all income − cost before the year, and 本年收支结余. `difference` = assets −
    liabilities − net assets is 0 when every canteen entry balances (rule CT01).

Deadlines
    The notice to parents is due by the 15th of the next month, the statement to the school by
    the 5th (docs/canteen.md).

    entries, errors, options_map = loader.load_file("ledger/main.beancount")
    month = build(entries, options_map, datetime.date(2025, 10, 1))
    print(month.month.surplus_rate, month.balance.difference)
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from xiaozhang.plugins.canteen import (
    CARDS,
    EQUITY,
    FOOD_COST,
    MEAL_INCOME,
    MONEY,
    PAYABLE,
    STOCK,
    CanteenAccounts,
    SupplierRegister,
    canteen_accounts,
    is_staff,
    leaf_name,
    read_suppliers,
)
from xiaozhang.plugins.policy import Policy, read_policy

ZERO = Decimal(0)
DISCLOSURE_DAY = 15  # 伙食费收支公示: by the 15th of the next month
STATEMENT_DAY = 5  # 食堂收支盈亏表: by the 5th of the next month


class Line(NamedTuple):
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Figures:
    """Income, cost and meals of the canteen over a period (see the module docstring)."""

    first: dt.date
    last: dt.date
    income: tuple[Line, ...]
    cost: tuple[Line, ...]
    meal_income: Decimal
    food_cost: Decimal
    meals_students: int
    meals_staff: int
    days_served: int
    unknown_meals_entries: int

    @property
    def income_total(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def cost_total(self) -> Decimal:
        return sum((line.amount for line in self.cost), ZERO)

    @property
    def surplus(self) -> Decimal:
        return self.income_total - self.cost_total

    @property
    def surplus_rate(self) -> Decimal | None:
        """A fraction (0.05 is 5%); None without income."""
        return self.surplus / self.income_total if self.income_total else None

    @property
    def food_cost_ratio(self) -> Decimal | None:
        return self.food_cost / self.meal_income if self.meal_income else None

    def income_of(self, label: str) -> Decimal:
        return sum((line.amount for line in self.income if line.label == label), ZERO)

    def cost_of(self, label: str) -> Decimal:
        return sum((line.amount for line in self.cost if line.label == label), ZERO)


@dataclass(frozen=True)
class BalanceSheet:
    date: dt.date
    assets: tuple[Line, ...]
    liabilities: tuple[Line, ...]
    net_assets: tuple[Line, ...]

    @property
    def assets_total(self) -> Decimal:
        return sum((line.amount for line in self.assets), ZERO)

    @property
    def liabilities_total(self) -> Decimal:
        return sum((line.amount for line in self.liabilities), ZERO)

    @property
    def net_assets_total(self) -> Decimal:
        return sum((line.amount for line in self.net_assets), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.assets_total - self.liabilities_total - self.net_assets_total


@dataclass(frozen=True)
class CanteenMonth:
    """Everything the monthly notice and statement print."""

    school: str
    month: dt.date  # first day of the month
    figures: Figures  # the month
    term_label: str
    term: Figures  # the term to the end of the month
    year: Figures  # the calendar year to the end of the month
    balance: BalanceSheet
    cap: Decimal  # surplus cap, percent (policy canteen-surplus-cap)
    mode: str  # "school" | "kindergarten"
    disclosure_due: dt.date
    statement_due: dt.date
    hotline: str
    as_of: dt.date | None  # the end of the data

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def complete(self) -> bool:
        """False while the books have not reached the end of the month."""
        return self.as_of is not None and self.as_of >= self.figures.last


@dataclass(frozen=True)
class Licence:
    """A supplier licence or contract ending within the notice days (or already ended)."""

    supplier: str
    kind: str  # 营业执照 / 食品经营许可证 / 供货合同
    number: str
    expiry: dt.date
    days_left: int  # negative: already expired


@dataclass(frozen=True)
class MonthRow:
    month: dt.date
    figures: Figures
    complete: bool  # the books have reached the end of the month
    over_cap: bool  # complete and over the surplus cap


@dataclass(frozen=True)
class CanteenYear:
    """The Fava page: the school year's months and terms, stores and licences."""

    school: str
    school_year: int
    school_years: tuple[int, ...]
    months: tuple[MonthRow, ...]
    terms: tuple[tuple[str, Figures, bool, bool], ...]  # (label, figures, ended, over the cap)
    cap: Decimal
    mode: str
    stock: tuple[Line, ...]  # stores by category at `as_of`
    licences: tuple[Licence, ...]
    notice_days: int
    as_of: dt.date | None

    @property
    def stock_total(self) -> Decimal:
        return sum((line.amount for line in self.stock), ZERO)

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}-{self.school_year + 1}学年"


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


class CanteenLedger:
    """The canteen's postings by day, read once; periods and balances are sums over days."""

    def __init__(self, entries, options_map):
        self.currency = options_map["operating_currency"][0]
        self.books: CanteenAccounts = canteen_accounts(entries)
        self.policy: Policy = read_policy(entries)[0]
        self.register: SupplierRegister = read_suppliers(entries)[0]
        self.by_day: dict[dt.date, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        self.meals: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
        self.unknown_meals: dict[dt.date, int] = defaultdict(int)
        opened = {e.account for e in entries
                  if isinstance(e, data.Open) and self.books.role(e.account) is not None}
        posted: set[str] = set()
        self.as_of = None
        for entry in entries:
            if not isinstance(entry, data.Transaction):
                continue
            self.as_of = entry.date if self.as_of is None else max(self.as_of, entry.date)
            consumption = None
            for posting in entry.postings:
                units = posting.units
                role = self.books.role(posting.account)
                if role is None or units is None or units.currency != self.currency \
                        or units.number is None:
                    continue
                self.by_day[entry.date][posting.account] += units.number
                posted.add(posting.account)
                if role == MEAL_INCOME and units.number < 0:
                    consumption = is_staff(posting.account)
            if consumption is not None:
                counts = self.meals[entry.date]  # a day served, even without a count
                records = entry.meta.get("records")
                if isinstance(records, (int, Decimal)):
                    counts[1 if consumption else 0] += int(records)
                else:
                    self.unknown_meals[entry.date] += 1
        self.days = sorted(self.by_day)
        # every account posted to, and the opened leaves (listed with 0.00), in chart order
        leaves = {a for a in opened if not any(b.startswith(a + ":") for b in opened)}
        self.accounts = sorted(leaves | posted)
        profile = self.policy.profile(self.as_of or dt.date.today()) or {}
        self.school = profile.get("name", "")
        self.hotline = profile.get("hotline", "")

    # -- sums ----------------------------------------------------------------------------
    def totals(self, first: dt.date | None, last: dt.date) -> dict[str, Decimal]:
        start = 0 if first is None else bisect.bisect_left(self.days, first)
        stop = bisect.bisect_right(self.days, last)
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for day in self.days[start:stop]:
            for account, amount in self.by_day[day].items():
                sums[account] += amount
        return sums

    def figures(self, first: dt.date, last: dt.date) -> Figures:
        sums = self.totals(first, last)
        income: dict[str, Decimal] = {}
        cost: dict[str, Decimal] = {}
        meal_income = food_cost = ZERO
        for account in self.accounts:
            role = self.books.role(account)
            amount = sums.get(account, ZERO)
            if account.startswith("Income:"):
                label = income_label(account, role)
                income[label] = income.get(label, ZERO) - amount
                if role == MEAL_INCOME:
                    meal_income -= amount
            elif account.startswith("Expenses:"):
                label = leaf_name(account)
                cost[label] = cost.get(label, ZERO) + amount
                if role == FOOD_COST:
                    food_cost += amount
        served = [day for day in self.meals if first <= day <= last]
        return Figures(
            first=first, last=last,
            income=tuple(Line(k, v) for k, v in income.items()),
            cost=tuple(Line(k, v) for k, v in cost.items()),
            meal_income=meal_income, food_cost=food_cost,
            meals_students=sum(self.meals[d][0] for d in served),
            meals_staff=sum(self.meals[d][1] for d in served),
            days_served=len(served),
            unknown_meals_entries=sum(n for d, n in self.unknown_meals.items() if first <= d <= last),
        )

    def balance(self, day: dt.date) -> BalanceSheet:
        sums = self.totals(None, day)
        before_year = self.totals(None, dt.date(day.year, 1, 1) - dt.timedelta(days=1))
        assets: dict[str, Decimal] = {}
        liabilities: dict[str, Decimal] = {}
        carried = this_year = ZERO
        for account in self.accounts:
            role = self.books.role(account)
            amount = sums.get(account, ZERO)
            if account.startswith("Assets:"):
                label = {MONEY: "银行存款", STOCK: f"库存食材——{leaf_name(account)}"}.get(
                    role, leaf_name(account))
                assets[label] = assets.get(label, ZERO) + amount
            elif account.startswith("Liabilities:"):
                if role == CARDS:
                    label = "教职工饭卡预存" if is_staff(account) else "学生饭卡预存"
                else:
                    label = "应付货款" if role == PAYABLE else leaf_name(account)
                liabilities[label] = liabilities.get(label, ZERO) - amount
            elif role == EQUITY:
                carried -= amount
            else:  # income and expenses: the surplus, before the year and in it
                earlier = before_year.get(account, ZERO)
                carried -= earlier
                this_year -= amount - earlier
        return BalanceSheet(
            date=day,
            assets=tuple(Line(k, v) for k, v in assets.items()),
            liabilities=tuple(Line(k, v) for k, v in liabilities.items()),
            net_assets=(Line("伙食结余（上年结转）", carried), Line("本年收支结余", this_year)),
        )

    # -- periods -------------------------------------------------------------------------
    def term_of(self, day: dt.date) -> tuple[str, dt.date, dt.date | None]:
        """(name, first day, last day or None while it runs) of the term containing `day`."""
        ends = sorted(self.policy.term_ends)
        previous = None
        for end, name in ends:
            if day <= end:
                first = previous + dt.timedelta(days=1) if previous else (self.days[0] if self.days else day)
                return name, first, end
            previous = end
        first = previous + dt.timedelta(days=1) if previous else (self.days[0] if self.days else day)
        return "本学期", first, None

    def terms_in(self, first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date, bool]]:
        """The terms overlapping [first, last]: (name, first, last, ended)."""
        found = []
        day = first
        while day <= last:
            name, start, end = self.term_of(day)
            stop = end if end is not None else max(last, self.as_of or last)
            found.append((name, start, stop, end is not None and self.as_of is not None
                          and end <= self.as_of))
            if end is None:
                break
            day = end + dt.timedelta(days=1)
        return found

    def over_cap(self, figures: Figures, day: dt.date, per_term: bool) -> bool:
        rate = figures.surplus_rate
        if rate is None:
            return False
        cap = self.policy.get("canteen-surplus-cap", day) / 100
        if self.policy.get("canteen-surplus-mode", day) == "kindergarten":
            return per_term and abs(rate) > cap
        return rate > cap


def income_label(account: str, role: str | None) -> str:
    """学生伙食费 / 教职工伙食费 for meal income; other income by its account (食堂其他收入 -> 其他收入)."""
    if role == MEAL_INCOME:
        return "教职工伙食费" if is_staff(account) else "学生伙食费"
    return leaf_name(account).removeprefix("食堂")


def build(entries, options_map, month: dt.date, ledger: CanteenLedger | None = None) -> CanteenMonth:
    """The month's notice and statement figures (see the module docstring)."""
    ledger = ledger or CanteenLedger(entries, options_map)
    first = month.replace(day=1)
    last = month_end(first)
    term_name, term_first, term_last = ledger.term_of(first)
    term_stop = min(last, term_last) if term_last else last
    following = next_month(first)
    return CanteenMonth(
        school=ledger.school,
        month=first,
        figures=ledger.figures(first, last),
        term_label=term_name,
        term=ledger.figures(term_first, term_stop),
        year=ledger.figures(dt.date(first.year, 1, 1), last),
        balance=ledger.balance(last),
        cap=ledger.policy.get("canteen-surplus-cap", last),
        mode=ledger.policy.get("canteen-surplus-mode", last),
        disclosure_due=following.replace(day=DISCLOSURE_DAY),
        statement_due=following.replace(day=STATEMENT_DAY),
        hotline=ledger.hotline,
        as_of=ledger.as_of,
    )


def months_with_data(ledger: CanteenLedger) -> list[dt.date]:
    return sorted({day.replace(day=1) for day in ledger.days})


def school_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def build_year(entries, options_map, school_year: int | None = None,
               ledger: CanteenLedger | None = None) -> CanteenYear:
    """The Fava page: months September to August, terms, stores and licences."""
    ledger = ledger or CanteenLedger(entries, options_map)
    as_of = ledger.as_of
    years = tuple(sorted({school_year_of(day) for day in ledger.meals}))  # years with meals
    if school_year is None:
        school_year = school_year_of(as_of) if as_of else school_year_of(dt.date.today())
    first = dt.date(school_year, 9, 1)
    last = dt.date(school_year + 1, 8, 31)
    months = []
    month = first
    while month <= last:
        figures = ledger.figures(month, month_end(month))
        complete = as_of is not None and as_of >= month_end(month)
        months.append(MonthRow(month, figures, complete,
                               complete and ledger.over_cap(figures, month_end(month), False)))
        month = next_month(month)
    terms = []
    for name, start, stop, ended in ledger.terms_in(first, min(last, as_of or last)):
        figures = ledger.figures(start, stop if ended else min(stop, last))
        if figures.income_total:  # a summer with only a stocktake is no term
            terms.append((name, figures, ended, ended and ledger.over_cap(figures, stop, True)))
    day = as_of or dt.date.today()
    notice = ledger.policy.get("canteen-licence-notice-days", day)
    sums = ledger.totals(None, day)
    stock = tuple(Line(leaf_name(a), sums.get(a, ZERO)) for a in ledger.accounts
                  if ledger.books.role(a) == STOCK)
    return CanteenYear(
        school=ledger.school, school_year=school_year, school_years=years,
        months=tuple(months), terms=tuple(terms),
        cap=ledger.policy.get("canteen-surplus-cap", day),
        mode=ledger.policy.get("canteen-surplus-mode", day),
        stock=stock, licences=expiring(ledger.register, day, notice), notice_days=notice,
        as_of=as_of,
    )


def expiring(register: SupplierRegister, day: dt.date, notice_days: int) -> tuple[Licence, ...]:
    """Licences and contracts of the suppliers in force on `day` that end within the notice
    days (or have ended), soonest first."""
    found = []
    for supplier in register.current(day):
        for kind, number, expiry in (
                ("营业执照", supplier.licence, supplier.licence_expiry),
                ("食品经营许可证", supplier.food_licence, supplier.food_licence_expiry),
                ("供货合同", supplier.contract, supplier.contract_end)):
            if expiry is not None and (expiry - day).days <= notice_days:
                found.append(Licence(supplier.name, kind, number, expiry, (expiry - day).days))
    return tuple(sorted(found, key=lambda lic: (lic.expiry, lic.supplier, lic.kind)))


# -- the documents (reports/document.py renders them) ---------------------------------------

SIGNATURES_NOTICE = ("成本核算人", "膳食委员会", "总务主任", "校长")
SIGNATURES_STATEMENT = ("会计", "总务主任", "校长")


def _rate(value: Decimal | None):
    from xiaozhang.reports.document import Percent

    return Percent(value) if value is not None else "—"


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_document(month: CanteenMonth):
    """伙食费收支公示 (for parents, by the 15th of the next month)."""
    from xiaozhang.reports.document import Document, Table, Text

    m, t = month.figures, month.term
    cap = f"{'±' if month.mode == 'kindergarten' else '≤'}{month.cap}%"
    meals = Table(["就餐人员", "就餐人次", "日均就餐人数", "每餐标准（元）"], [
        ["学生", m.meals_students, round(m.meals_students / m.days_served) if m.days_served else 0,
         (m.income_of("学生伙食费") / m.meals_students).quantize(Decimal("0.01"))
         if m.meals_students else None],
        ["教职工", m.meals_staff, round(m.meals_staff / m.days_served) if m.days_served else 0,
         (m.income_of("教职工伙食费") / m.meals_staff).quantize(Decimal("0.01"))
         if m.meals_staff else None],
    ], title=f"一、就餐情况（本月供餐 {m.days_served} 天）",
        total=["合计", m.meals_students + m.meals_staff, None, None])
    income = Table(["收入项目", "本月（元）", f"{month.term_label}累计（元）"],
                   [[line.label, line.amount, t.income_of(line.label)] for line in m.income],
                   title="二、伙食费收入", total=["收入合计", m.income_total, t.income_total])
    cost = Table(["支出项目", "本月（元）", f"{month.term_label}累计（元）"],
                 [[line.label, line.amount, t.cost_of(line.label)] for line in m.cost],
                 title="三、伙食支出（按类别）", total=["支出合计", m.cost_total, t.cost_total])
    result = Table(["项目", "本月", f"{month.term_label}累计"], [
        ["收支结余（元）", m.surplus, t.surplus],
        ["结余率（结余÷收入）", _rate(m.surplus_rate), _rate(t.surplus_rate)],
        ["食材支出占伙食费收入的比例", _rate(m.food_cost_ratio), _rate(t.food_cost_ratio)],
    ], title=f"四、结余情况（结余率上限 {cap}）")
    blocks = [meals, income, cost, result, Text(
        "说明：学生伙食费从饭卡预存中按实际就餐扣收，食堂不收现金；教职工就餐自付，与学生伙食分开核算。"
        "食堂独立核算，结余滚动用于改善学生伙食，不得挪作他用。"
        f"对伙食费收支有疑问，请在公示期内向学校反映（监督电话：{month.hotline}）。", style="note")]
    if m.unknown_meals_entries:
        blocks.append(Text(f"注：本月有 {m.unknown_meals_entries} 笔就餐消费没有人次记录，就餐人次不完整。",
                           style="note"))
    if not month.complete:
        blocks.append(Text(f"注：账本只记到 {_date(month.as_of) if month.as_of else '—'}，本月尚未结束，数字不是最终数。",
                           style="note"))
    return Document(
        title="伙食费收支公示",
        subtitle=f"{month.school}食堂 {month.label}",
        info=[("公示期间", f"{_date(m.first)} 至 {_date(m.last)}"),
              ("公示时间", f"{_date(month.disclosure_due)}前张贴，公示不少于 7 天")],
        blocks=blocks,
        signatures=SIGNATURES_NOTICE,
        closing=[f"{month.school}", "　　年　　月　　日"],
        footer=f"监督电话：{month.hotline}",
        sheet=f"伙食费公示{month.month:%Y-%m}",
    )


def statement_document(month: CanteenMonth):
    """食堂收支盈亏表 with the balance at the month's end (for the school, by the 5th)."""
    from xiaozhang.reports.document import Document, Table, Text

    m, t, y = month.figures, month.term, month.year
    rows = [[f"收入：{line.label}", line.amount, t.income_of(line.label), y.income_of(line.label)]
            for line in m.income]
    rows += [["收入合计", m.income_total, t.income_total, y.income_total]]
    rows += [[f"成本：{line.label}", line.amount, t.cost_of(line.label), y.cost_of(line.label)]
             for line in m.cost]
    rows += [
        ["成本合计", m.cost_total, t.cost_total, y.cost_total],
        ["收支结余", m.surplus, t.surplus, y.surplus],
        ["结余率", _rate(m.surplus_rate), _rate(t.surplus_rate), _rate(y.surplus_rate)],
        ["食材成本率（食材支出÷伙食费收入）", _rate(m.food_cost_ratio), _rate(t.food_cost_ratio),
         _rate(y.food_cost_ratio)],
        ["学生就餐人次", m.meals_students, t.meals_students, y.meals_students],
        ["教职工就餐人次", m.meals_staff, t.meals_staff, y.meals_staff],
    ]
    cap = f"{'±' if month.mode == 'kindergarten' else ''}{month.cap}%"
    pnl = Table(["项目", "本月", f"{month.term_label}累计", "本年累计"], rows,
                title=f"一、收支盈亏（金额单位：元；结余率上限 {cap}）")
    b = month.balance
    left = [[f"　{line.label}", line.amount] for line in b.assets]
    right = ([[f"　{line.label}", line.amount] for line in b.liabilities]
             + [["负债合计", b.liabilities_total]]
             + [[f"　{line.label}", line.amount] for line in b.net_assets]
             + [["净资产合计", b.net_assets_total]])
    height = max(len(left), len(right))
    left += [[None, None]] * (height - len(left))
    right += [[None, None]] * (height - len(right))
    balance = Table(["资产", "期末余额（元）", "负债和净资产", "期末余额（元）"],
                    [a + r for a, r in zip(left, right)], title=f"二、资产负债（{_date(b.date)}）",
                    total=["资产合计", b.assets_total, "负债和净资产合计",
                           b.liabilities_total + b.net_assets_total])
    check = ("资产合计等于负债和净资产合计，食堂账目自身平衡。" if b.difference == 0 else
             f"资产合计与负债和净资产合计相差 {b.difference} 元：有食堂与学校资金混记的分录（见规则 CT01）。")
    blocks = [pnl, balance, Text(check, style="note")]
    if not month.complete:
        blocks.append(Text(f"注：账本只记到 {_date(month.as_of) if month.as_of else '—'}，本月尚未结束。",
                           style="note"))
    return Document(
        title="食堂收支盈亏表",
        subtitle=f"{month.school}食堂 {month.label}",
        info=[("编报期限", f"{_date(month.statement_due)}前报学校"),
              ("核算方式", "食堂独立核算（账本中标明 canteen: TRUE 的科目）")],
        blocks=blocks,
        signatures=SIGNATURES_STATEMENT,
        closing=[f"{month.school}食堂", "　　年　　月　　日"],
        sheet=f"盈亏表{month.month:%Y-%m}",
    )


# -- the command: xiaozhang canteen report ---------------------------------------------------

def _cli():
    """The click group (built on first use, so that importing the report stays light)."""
    import click

    from xiaozhang.reports.document import FORMATS, DocumentError, write

    @click.group("canteen")
    def canteen_group() -> None:
        """食堂：伙食费收支公示（家长）、食堂收支盈亏表（学校）。"""

    @canteen_group.command("report")
    @click.option("--month", required=True, help="月份，如 2025-10")
    @click.option("--out", required=True, type=click.Path(file_okay=False), help="输出目录")
    @click.option("--ledger", default="ledger/main.beancount", show_default=True,
                  type=click.Path(exists=True, dir_okay=False), help="账本")
    @click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
                  help="输出格式（可写多次；默认 html、pdf、xlsx、png 全部）")
    def report(month: str, out: str, ledger: str, formats: tuple[str, ...]) -> None:
        """生成某月的伙食费收支公示和食堂收支盈亏表（HTML、A4 PDF、xlsx、PNG）。"""
        from pathlib import Path

        from beancount import loader

        from xiaozhang.cli import format_problem

        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise click.BadParameter(f"月份应写成 2025-10 的形式，实际为 “{month}”", param_hint="--month")
        entries, problems, options_map = loader.load_file(ledger)
        for problem in problems:
            click.echo(format_problem(problem), err=True)
        if problems:
            click.echo(f"注意：账本有 {len(problems)} 个问题（见上），报表照常生成，请核对。", err=True)
        data_ledger = CanteenLedger(entries, options_map)
        if not data_ledger.books.marked:
            raise click.ClickException(f"{ledger}：账本中没有标明 canteen: TRUE 的食堂科目，无法编制食堂报表")
        if first not in months_with_data(data_ledger):
            known = "、".join(f"{m:%Y-%m}" for m in months_with_data(data_ledger)[-3:])
            raise click.ClickException(f"{ledger}：{first.year}年{first.month}月 没有食堂收支记录"
                                       + (f"（最近有记录的月份：{known}）" if known else ""))
        figures = build(entries, options_map, first, ledger=data_ledger)
        written = []
        try:
            for doc, stem in ((notice_document(figures), f"伙食费收支公示-{first:%Y-%m}"),
                              (statement_document(figures), f"食堂收支盈亏表-{first:%Y-%m}")):
                written += write(doc, Path(out), stem, formats or FORMATS)
        except DocumentError as error:
            raise click.ClickException(str(error)) from error
        for path in written:
            click.echo(str(path))
        if not figures.complete:
            click.echo(f"注意：账本只记到 {figures.as_of}，{first.year}年{first.month}月尚未结束。", err=True)

    return canteen_group


canteen_group = _cli()
