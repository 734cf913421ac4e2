"""食堂 (canteen): the figures of the monthly 伙食费收支公示 for parents, the 食堂收支盈亏表 for
the school, and the Fava page 食堂.

Every figure is read from the school model's canteen (`SchoolBooks.of(entries).canteen`,
`xiaozhang.model.canteen`): the tally of a period, the terms, the suppliers, the meals.  Here
they are only laid out in lines; the documents are in reports/canteen_documents.py, the
command in reports/canteen_cli.py.

Definitions (the tally's, see xiaozhang/model/canteen.py)
-----------------------------------------------------------
Income (收入), by source, positive
    学生伙食费 and 教职工伙食费: the canteen's meal-income accounts (名称含“伙食费”; 教职工 by
    name), credited when meals are served (饭卡消费). 其他收入: every other canteen income
    account (e.g. 460901食堂其他收入: interest, sale of scrap), by account.

Cost (成本), by category, positive
    One line per canteen expense account (leaf, in chart order): 米面油, 肉禽蛋, 蔬菜, 调味品
    (food issued from stores, stocktake differences included), 燃料水电, 人工, 其他.
    Every opened category is listed, with 0.00 when nothing was booked.

Surplus (结余) = income − cost; surplus rate (结余率) = surplus / income, a fraction (None
    without income); food-cost ratio (食材成本率) = food cost / meal income.  Whether a month
    or a term broke the cap is the model's `over_cap`, the same test as rules CT03/CT04.

Meals served (就餐人次)
    The `records` of the consumption entries (a credit to a meal-income account), students and
    staff apart; the days served are the days with consumption. A consumption entry without
    `records` is counted in `unknown_meals_entries` (the notice says the figure is incomplete).

Periods
    A month is the calendar month.  The term (本学期累计) is the model's term containing the
    month's first day (`term-end` policies, else 31 January / 31 July), up to the end of the
    month; the documents and the page name it by `Term.name` and print its calendar dates
    (`Term.title`, `Term.dates`: from the `term-start` policy, not the first day of its range).  The year (本年累计) is the calendar year to the end of the month.

Balance (资产负债, at the end of the month), positive in each side's normal direction
    资产: money (银行存款), stores by food category (库存食材), other; 负债: students' and staff
    meal cards (饭卡预存), 应付货款, other; 净资产: 伙食结余（上年结转）= the canteen's equity
    accounts plus all income − cost before the year, and 本年收支结余. `difference` = assets −
    liabilities − net assets is 0 when every canteen entry balances (rule CT01).

Deadlines
    The notice to parents is due by the 15th of the next month, the statement to the school by
    the 5th (docs/canteen.md).

    loaded = xiaozhang.io.load(xiaozhang.io.DEFAULT_LEDGER)  # no cache, one meaning of warnings
    entries, errors, options_map = loaded.entries, loaded.problems, loaded.options_map
    month = build(entries, options_map, datetime.date(2025, 10, 1))
    print(month.figures.surplus_rate, month.balance.difference)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from xiaozhang.chart import leaf_name
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.canteen import (
    CARDS,
    EQUITY,
    MEAL_INCOME,
    MONEY,
    PAYABLE,
    STOCK,
    CanteenBook,
    SupplierRegister,
    Tally,
    is_staff,
)
from xiaozhang.model.periods import Month, SchoolYear, Term, month_end, month_start, next_month, parse_month
from xiaozhang.reports.render import period_label

ZERO = Decimal(0)
DISCLOSURE_DAY = 15  # 伙食费收支公示: by the 15th of the next month
STATEMENT_DAY = 5  # 食堂收支盈亏表: by the 5th of the next month


class Line(NamedTuple):
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Figures:
    """A period's tally laid out in lines (see the module docstring)."""

    tally: Tally
    income: tuple[Line, ...]
    cost: tuple[Line, ...]

    first = property(lambda self: self.tally.first)
    last = property(lambda self: self.tally.last)
    meal_income = property(lambda self: self.tally.meal_income)
    food_cost = property(lambda self: self.tally.food_cost)
    meals_students = property(lambda self: self.tally.meals_students)
    meals_staff = property(lambda self: self.tally.meals_staff)
    days_served = property(lambda self: self.tally.days_served)
    unknown_meals_entries = property(lambda self: self.tally.unknown_meals_entries)
    income_total = property(lambda self: self.tally.income)
    cost_total = property(lambda self: self.tally.cost)
    surplus = property(lambda self: self.tally.surplus)
    surplus_rate = property(lambda self: self.tally.rate, doc="A fraction (0.05 is 5%); None without income.")
    food_cost_ratio = property(lambda self: self.tally.food_cost_ratio)

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
    term_label: str  # Term.name, e.g. 2025年秋季学期
    term: Figures  # the term to the end of the month
    year: Figures  # the calendar year to the end of the month
    balance: BalanceSheet
    cap: Decimal  # surplus cap, percent (policy canteen-surplus-cap)
    mode: str  # "school" | "kindergarten"
    disclosure_due: dt.date
    statement_due: dt.date
    hotline: str
    as_of: dt.date | None  # the end of the data
    term_title: str = ""  # Term.title: the name, 学年学期 and calendar dates

    @property
    def label(self) -> str:
        return Month.of(self.month).label

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
    terms: tuple[tuple[Term, Figures, bool, bool], ...]  # (term, figures, ended, over the cap)
    cap: Decimal
    mode: str
    stock: tuple[Line, ...]  # stores by category at `as_of`
    licences: tuple[Licence, ...]
    notice_days: int
    as_of: dt.date | None
    stock_on: dt.date | None = None  # the day the stores are valued (end of the day)
    period: tuple[dt.date, dt.date] | None = None  # the page's time filter, if any
    judged: dt.date | None = None  # the 评判日期 the licences are judged by

    @property
    def stock_total(self) -> Decimal:
        return sum((line.amount for line in self.stock), ZERO)

    @property
    def school_year_label(self) -> str:
        return SchoolYear(self.school_year).label

    @property
    def title(self) -> str:
        """`2025-2026学年`, or the time filter's period (`2025年10月`)."""
        return period_label(*self.period) if self.period else self.school_year_label


# -- laying out the model's figures -----------------------------------------------------------

def canteen_of(entries, options_map) -> CanteenBook:
    """The canteen of the loaded entries (the school model's, built once per entries list)."""
    return SchoolBooks.of(entries, options_map).canteen


def income_label(account: str, role: str | None) -> str:
    """学生伙食费 / 教职工伙食费 for meal income; other income by its account (食堂其他收入 -> 其他收入)."""
    if role == MEAL_INCOME:
        return "教职工伙食费" if is_staff(account) else "学生伙食费"
    return leaf_name(account).removeprefix("食堂")


def figures(canteen: CanteenBook, tally: Tally) -> Figures:
    """The tally's income by source and cost by category, every account of the chart listed."""
    income: dict[str, Decimal] = {}
    cost: dict[str, Decimal] = {}
    for account in canteen.ledger_accounts:
        amount = tally.sums.get(account, ZERO)
        if account.startswith("Income:"):
            label = income_label(account, canteen.accounts.role(account))
            income[label] = income.get(label, ZERO) - amount
        elif account.startswith("Expenses:"):
            label = leaf_name(account)
            cost[label] = cost.get(label, ZERO) + amount
    return Figures(tally, tuple(Line(k, v) for k, v in income.items()),
                   tuple(Line(k, v) for k, v in cost.items()))


def balance(canteen: CanteenBook, day: dt.date) -> BalanceSheet:
    """The canteen's balance sheet at the end of `day`."""
    sums = canteen.sums(None, day)
    before_year = canteen.sums(None, dt.date(day.year, 1, 1) - dt.timedelta(days=1))
    assets: dict[str, Decimal] = {}
    liabilities: dict[str, Decimal] = {}
    carried = this_year = ZERO
    for account in canteen.ledger_accounts:
        role = canteen.accounts.role(account)
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


def _profile(canteen: CanteenBook) -> dict[str, str]:
    return canteen.policy.profile(canteen.as_of or dt.date.today()) or {}


def _school(canteen: CanteenBook) -> str:
    return canteen.policy.school_name(canteen.as_of or dt.date.today())


# -- the month: notice and statement ----------------------------------------------------------

def build(entries, options_map, month: dt.date) -> CanteenMonth:
    """The month's notice and statement figures (see the module docstring)."""
    canteen = canteen_of(entries, options_map)
    first = month_start(month)
    last = month_end(first)
    term = canteen.term_of(first) or canteen.term_of(last)
    if term is not None:
        term_first, term_last = term.term.start, min(last, term.term.end or last)
    else:  # a month before the books begin
        term_first, term_last = first, last
    cap = canteen.cap_on(last)
    following = next_month(first)
    profile = _profile(canteen)
    return CanteenMonth(
        school=_school(canteen),
        month=first,
        figures=figures(canteen, canteen.month(first).tally),
        term_label=term.name if term is not None else "",
        term_title=term.term.title if term is not None else "",
        term=figures(canteen, canteen.tally(term_first, term_last)),
        year=figures(canteen, canteen.tally(dt.date(first.year, 1, 1), last)),
        balance=balance(canteen, last),
        cap=cap.percent,
        mode=cap.mode,
        disclosure_due=following.replace(day=DISCLOSURE_DAY),
        statement_due=following.replace(day=STATEMENT_DAY),
        hotline=profile.get("hotline", ""),
        as_of=canteen.as_of,
    )


def months_with_data(entries, options_map) -> list[dt.date]:
    """The months with canteen postings (their first days), in order."""
    return sorted({month_start(day) for day in canteen_of(entries, options_map).days})


def months_with_meals(entries, options_map, period: tuple[dt.date, dt.date] | None = None
                      ) -> list[dt.date]:
    """The months with meals served (their first days), in order; with `period` (the page's
    time filter, both days included) only the months overlapping it."""
    months = {month_start(day) for day in canteen_of(entries, options_map).meals}
    if period is not None:
        months = {m for m in months if m <= period[1] and month_end(m) >= period[0]}
    return sorted(months)


def shown_month(entries, options_map, asked: str | None,
                period: tuple[dt.date, dt.date] | None = None) -> CanteenMonth | None:
    """The page's month: `asked` ("2025-10"), else the latest month that is over and had meals
    (else the latest with meals), within `period` when given (the page's time filter); None
    when there is no such month, or the month asked had no meals (no notice of zeros)."""
    canteen = canteen_of(entries, options_map)
    served = months_with_meals(entries, options_map, period)
    chosen = parse_month(asked or "")
    if chosen is not None:  # the month asked, even outside the period, if it had meals
        first = chosen.first if chosen.first in months_with_meals(entries, options_map) else None
    else:
        over = [m for m in served if canteen.month_over(m)]
        first = max(over or served, default=None)
    return build(entries, options_map, first) if first is not None else None


# -- the page: the school year ----------------------------------------------------------------

def build_year(entries, options_map, school_year: int | None = None,
               period: tuple[dt.date, dt.date] | None = None) -> CanteenYear:
    """The Fava page: months September to August up to the end of the data (months to come
    are not shown), terms, stores and licences.  With `period` (the page's time filter, both
    days included): the months overlapping it, each whole, the terms overlapping it, each
    whole, and the stores at its end; licences are always judged at the 评判日期 (the books'
    `as_of`: the ledger's pin, else today)."""
    canteen = canteen_of(entries, options_map)
    as_of = canteen.as_of
    years = tuple(sorted({SchoolYear.of(day).year for day in canteen.meals}))  # years with meals
    if period is not None:
        school_year = SchoolYear.of(period[0]).year
        first, last = period
    else:
        if school_year is None:
            school_year = SchoolYear.of(as_of or dt.date.today()).year
        first, last = SchoolYear(school_year).first, SchoolYear(school_year).last
    last = min(last, month_end(as_of)) if as_of else first - dt.timedelta(days=1)
    months = []
    month = month_start(first)
    while month <= last:
        tallied = canteen.month(month)
        months.append(MonthRow(month, figures(canteen, tallied.tally), tallied.closed, tallied.over_cap))
        month = next_month(month)
    terms = []
    for term in canteen.terms:  # the school year's terms (by the term id), with income
        if period is not None:
            wanted = term.term.start <= period[1] and (term.term.end is None or term.term.end >= period[0])
        else:
            wanted = term.term.id.startswith(f"{school_year}-")
        if wanted and term.tally.income:
            terms.append((term.term, figures(canteen, term.tally), term.closed, term.over_cap))
    day = as_of or dt.date.today()
    stock_on = min(period[1], day) if period is not None else day
    notice = canteen.policy.get("canteen-licence-notice-days", day)
    sums = canteen.sums(None, stock_on)
    stock = tuple(Line(leaf_name(a), sums.get(a, ZERO)) for a in canteen.ledger_accounts
                  if canteen.accounts.role(a) == STOCK)
    cap = canteen.cap_on(day)
    judged = SchoolBooks.of(entries, options_map).as_of  # the 评判日期: a licence runs out by the calendar
    return CanteenYear(
        school=_school(canteen), school_year=school_year, school_years=years,
        months=tuple(months), terms=tuple(terms), cap=cap.percent, mode=cap.mode,
        stock=stock, licences=expiring(canteen.suppliers, judged, notice), notice_days=notice,
        as_of=as_of, stock_on=stock_on, period=period, judged=judged,
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
