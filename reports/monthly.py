"""Monthly reports to the school and the bureau (月度报表): spending on 办公费, 代收费 and
服务性收费; budget execution; utilities year over year; the 收入费用表.

"每月办公费、代收费、服务性收费开支的情况向学校、上级主管部门汇报" (seed 002). Each `build_*` is
pure: it takes the loaded entries and returns typed rows in `Decimal`; `*_document` says what
is printed (through `xiaozhang.reports.document`), always with the period and the ledger.

Common definitions
------------------
Period
    A calendar month ("2026-03"). 本月 = that month; 本年累计 = 1 January of its year through
    the month's last day (the 预算年度 and the 会计年度 are the calendar year).
Amounts
    Only the ledger's operating currency (CNY). Income is shown positive (a credit, negated);
    expenses positive (debits minus credits). Pending (`!`) entries count: they are booked.

收入费用表 (`build_income`)
    The statement of reports/statements.py (`build_income_statement`), with its line table
    (reports/statements_lines.py): 本期收入 by first-level income account (4001 财政拨款收入 …
    4609 其他收入, 其中：政府性基金收入), 本期费用 by first-level expense account (5001 业务活动费用
    … 5901 其他费用), the canteen's own income and expenses netted into 其他收入 — 其中：食堂净收入
    (中小学校补充规定 三), 本期盈余 = 收入 − 费用. An account whose code is not a line of the form
    gets a line of its own, so that 本期盈余 always equals the ledger's.

月度支出报告 (`build_spending`)
    办公费: every posting to 30201办公费 (and its sub-accounts) in the month, with voucher, payee
    and approver; month and year totals. 代收费 and 服务性收费 are the fee postings of the school
    model's one classifier (`xiaozhang.model.fees`, the same as the fee rule's and the
    disclosure's). 代收费: for every account under 230701代收费: collected (credits), paid to the
    provider (debits that are not refunds, with supplier and invoice), refunded (debits that are
    refunds: `xiaozhang.model.fees.is_refund`), and the balance at the month's end (all postings
    to date). 服务性收费: for every 服务性 fee item: collected (credits to its account, less the
    debits to it, which are refunds), spent (expense postings of entries tagged with the item),
    month and year.

预算执行 (`build_budget`)
    One row per budgeted account (Fava's `custom "budget"`), the line in force at the month's
    end. Actual spending is what `plugins.budgets.BudgetBook` counts (the account and its
    sub-accounts, debits minus credits, pending included), run on the year's entries up to the
    month's end and up to the previous month's end: 本月 = the difference, 本年累计 = the first.
    The year's budget is each month's share of the line in force on its first day (yearly ÷ 12,
    quarterly ÷ 3, monthly, weekly × 52 ÷ 12, daily × 365 ÷ 12) added up; 本月预算 and 序时预算
    (January through the month) use the same shares: 本月预算 is compared with 本月, 序时预算 and
    全年预算 with 本年累计 (执行率 = 本年累计 ÷ 全年预算; 序时进度 = months elapsed ÷ 12). The state
    (正常 / 预警 / 超支, `budget_state`) is that of the line's own control period, as the budget
    rule (BG01) checks it: a monthly line's month, a quarterly line's quarter to date, a yearly
    line's year to date, spent against the line's amount (weekly and daily lines: the month
    against their month's share); 预警 from 90%, or when the month spent more than 本月预算. The note says what 超支 means under the
    `budget-control` setting (warn: a warning; stop: an error). (Until 2026-12 the state compared
    本年累计 with the year's budget, so a month at 165% of a monthly line showed 正常.)

水电费同比 (`build_utilities`)
    水费 (30205) and 电费 (30206), with sub-accounts, for each month January through the period
    month, and the same month a year earlier. A month before the first month in which the ledger
    records any expense has no figure (None, "无记录"), not zero. In a working year (docs/close.md)
    last year's months are read from the archive's year-end summary (`xiaozhang.model.yearsummary`,
    its first month with an expense likewise). 增减 = this year − last year;
    增减率 = 增减 ÷ last year (none when last year is zero). The comparable total (可比月份合计)
    adds up only the months that have a figure for both years.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model import yearsummary
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budgets import PERIODS, BudgetBook, period_label, period_of
from xiaozhang.model.fees import AGENCY_KIND, COLLECTION, REFUND, SERVICE
from xiaozhang.model.money import format_money, ledger_currency, percent, yuan
from xiaozhang.model.periods import date_label
from xiaozhang.reports.compliance import NEAR_SHARE, usage
from xiaozhang.reports.statements import (  # noqa: F401  (the 收入费用表 and the period, one definition)
    IncomeStatement, Period, ReportError, StatementLine, build_income_statement, school_name)

ZERO = Decimal("0")


def _transactions(entries) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def _units(posting: data.Posting, currency: str) -> Decimal | None:
    units = posting.units
    if units is None or units.number is None or units.currency != currency:
        return None
    return units.number


# -- 收入费用表: the one line table and build of the statements (reports/statements.py) -----------
build_income = build_income_statement


# -- 月度支出报告 ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Payment:
    date: dt.date
    voucher: str
    payee: str
    narration: str
    approver: str
    invoice: str
    amount: Decimal
    item: str = ""
    pending: bool = False  # flagged `!` (待审批)


@dataclass
class AgencyRow:
    """One 代收费 account in the month."""

    item: str
    account: str
    collected: Decimal = ZERO
    paid: Decimal = ZERO
    refunded: Decimal = ZERO
    balance: Decimal = ZERO  # owed at the month's end (positive)
    year_collected: Decimal = ZERO
    year_paid: Decimal = ZERO
    year_refunded: Decimal = ZERO


@dataclass
class ServiceRow:
    item: str
    account: str
    collected: Decimal = ZERO
    spent: Decimal = ZERO
    year_collected: Decimal = ZERO
    year_spent: Decimal = ZERO


@dataclass
class SpendingReport:
    period: Period
    office: list[Payment] = field(default_factory=list)
    office_year: Decimal = ZERO
    agency: list[AgencyRow] = field(default_factory=list)
    agency_payments: list[Payment] = field(default_factory=list)
    service: list[ServiceRow] = field(default_factory=list)
    service_payments: list[Payment] = field(default_factory=list)

    @property
    def office_month(self) -> Decimal:
        return sum((p.amount for p in self.office), ZERO)


OFFICE = chart.goods_services("30201")


def _payment(txn: data.Transaction, amount: Decimal, item: str = "") -> Payment:
    meta = txn.meta
    return Payment(txn.date, str(meta.get("voucher", "")), txn.payee or "", txn.narration or "",
                   str(meta.get("approver", "")), str(meta.get("invoice", "")), amount, item,
                   txn.flag == "!")


def build_spending(entries: Sequence[data.Directive], options_map: dict, period: Period) -> SpendingReport:
    currency = ledger_currency(options_map)
    book = SchoolBooks.of(entries, options_map).fees
    report = SpendingReport(period)
    for txn in _transactions(entries):
        if txn.date > period.last:
            break
        if txn.date < period.year_start:
            continue
        for posting in txn.postings:
            if chart.under(posting.account, OFFICE):
                number = _units(posting, currency)
                if number is not None:
                    report.office_year += number
                    if txn.date >= period.first:
                        report.office.append(_payment(txn, number))
    agency: dict[str, AgencyRow] = {}
    rows = {name: ServiceRow(name, defs[0].account) for name, defs in book.definitions.items()
            if defs and defs[0].kind == SERVICE}
    for fee in book.postings:  # the model's classifier of fee postings
        txn = fee.txn
        if txn.date > period.last:
            break
        if _units(fee.posting, currency) is None:
            continue
        this_year, this_month = txn.date >= period.year_start, txn.date >= period.first
        if fee.kind == AGENCY_KIND:
            row = agency.get(fee.posting.account)
            if row is None:
                row = agency[fee.posting.account] = AgencyRow(fee.item, fee.posting.account)
            row.balance += fee.amount if fee.role == COLLECTION else -fee.amount
            if not this_year:
                continue
            kind = "collected" if fee.role == COLLECTION else "refunded" if fee.role == REFUND else "paid"
            setattr(row, f"year_{kind}", getattr(row, f"year_{kind}") + fee.amount)
            if this_month:
                setattr(row, kind, getattr(row, kind) + fee.amount)
                if kind == "paid":
                    report.agency_payments.append(_payment(txn, fee.amount, row.item))
        elif fee.kind == SERVICE and fee.defined and fee.item in rows and this_year:
            row = rows[fee.item]
            # 收入: collections less refunds; 支出: the expenses tagged with the item
            if fee.role == COLLECTION or fee.role == REFUND:
                amount = fee.amount if fee.role == COLLECTION else -fee.amount
                row.year_collected += amount
                if this_month:
                    row.collected += amount
            else:
                row.year_spent += fee.amount
                if this_month:
                    row.spent += fee.amount
                    report.service_payments.append(_payment(txn, fee.amount, fee.item))
    report.agency = sorted(agency.values(), key=lambda r: r.account)
    report.service = list(rows.values())
    return report


# -- 预算执行 ----------------------------------------------------------------------------------------
_MONTHLY_SHARE = {"yearly": Decimal(1) / 12, "quarterly": Decimal(1) / 3, "monthly": Decimal(1),
                  "weekly": Decimal(52) / 12, "daily": Decimal(365) / 12}


@dataclass(frozen=True)
class BudgetRow:
    account: str
    frequency: str  # of the line in force at the month's end
    line_amount: Decimal  # the line's own amount (per its period)
    year_budget: Decimal
    month_budget: Decimal
    to_date_budget: Decimal  # 序时预算: January through the month
    month_actual: Decimal
    year_actual: Decimal
    used: Decimal | None  # year_actual / year_budget in per cent
    state: str  # 正常 / 预警 / 超支, of the control period (below)
    control_label: str = ""  # the line's own period up to the month's end: 2026年3月, 2026年第1季度, 2026年
    control_budget: Decimal = ZERO  # the line's amount for that period (what BG01 compares with)
    control_actual: Decimal = ZERO  # spent in that period up to the month's end
    control_used: Decimal | None = None  # per cent

    @property
    def label(self) -> str:
        return self.account.rsplit(":", 1)[-1]

    @property
    def month_used(self) -> Decimal | None:
        return _percent(self.month_actual, self.month_budget)

    @property
    def remaining(self) -> Decimal:
        return self.year_budget - self.year_actual


@dataclass(frozen=True)
class BudgetReport:
    period: Period
    rows: tuple[BudgetRow, ...]
    control: str = "warn"  # the budget-control setting at the month's end: warn / stop

    @property
    def elapsed(self) -> Decimal:
        """序时进度: the share of the year gone by at the month's end, in per cent."""
        return percent(Decimal(self.period.month), Decimal(12))


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """Per cent of a positive `whole` (`xiaozhang.model.money.percent`); None otherwise."""
    return percent(part, whole) if whole > 0 else None


def _year_actuals(book: BudgetBook, year: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for (account, first), execution in book.periods.items():
        if first.year == year or (execution.first <= dt.date(year, 1, 1) <= execution.last):
            totals[account] = totals.get(account, ZERO) + execution.actual
    return totals


def build_budget(entries: Sequence[data.Directive], options_map: dict, period: Period) -> BudgetReport:
    policy = SchoolBooks.of(entries, options_map).policy
    this_year = [e for e in entries if e.date <= period.last
                 and (not isinstance(e, data.Transaction) or e.date >= period.year_start)]
    # the model's budget book as of the month's end and as of the month before (the loaded
    # books' own `budgets` hold the whole ledger: a quarter or year would include later spending)
    to_date = BudgetBook().run(this_year)
    before = _year_actuals(BudgetBook().run([e for e in this_year if e.date < period.first]),
                           period.year)
    actual = _year_actuals(to_date, period.year)
    rows = []
    for account in sorted(to_date.lines):
        line = to_date.line_as_of(account, period.last)
        if line is None:
            continue
        shares = []
        for month in range(1, 13):
            in_force = to_date.line_as_of(account, dt.date(period.year, month, 1))
            shares.append(in_force.amount.number * _MONTHLY_SHARE[in_force.frequency] if in_force else ZERO)
        year_budget = yuan(sum(shares, ZERO))
        used, _state = usage(actual.get(account, ZERO), year_budget)
        month_budget = yuan(shares[period.month - 1])
        month_actual = actual.get(account, ZERO) - before.get(account, ZERO)
        if line.frequency in ("monthly", "quarterly", "yearly"):
            # the period the budget-control rule (BG01) checks: the line's own month, quarter
            # or year, spent up to the month's end against the line's amount
            first, _last = period_of(line.frequency, period.last)
            execution = to_date.execution(account, period.last)
            control = (period_label(line.frequency, first), line.amount.number,
                       execution[1].actual if execution and execution[1] else ZERO)
        else:  # a weekly or daily line: its share of the month against the month
            control = (period.label, month_budget, month_actual)
        rows.append(BudgetRow(
            account, line.frequency, line.amount.number, year_budget, month_budget,
            yuan(sum(shares[:period.month], ZERO)),
            month_actual, actual.get(account, ZERO), used,
            budget_state(control[2], control[1], month_actual > month_budget),
            control[0], control[1], control[2], _percent(control[2], control[1])))
    control = policy.get("budget-control", period.last) or "warn"
    return BudgetReport(period, tuple(rows), "stop" if control == "stop" else "warn")


BUDGET_NORMAL, BUDGET_WARNING, BUDGET_OVER = "正常", "预警", "超支"


def budget_state(actual: Decimal, budget: Decimal, month_over: bool = False) -> str:
    """超支 above the control period's budget (what the budget-control rule reports); 预警 from
    90% of it (`compliance.NEAR_SHARE`) or when the month spent more than its share of the
    line (`month_over`); else 正常."""
    if actual > budget:
        return BUDGET_OVER
    return BUDGET_WARNING if month_over or actual >= budget * NEAR_SHARE else BUDGET_NORMAL


# -- 水电费同比 --------------------------------------------------------------------------------------
WATER = chart.goods_services("30205")
POWER = chart.goods_services("30206")


@dataclass(frozen=True)
class UtilityMonth:
    month: int
    water: Decimal
    water_last: Decimal | None  # None: the ledger has no record of that month
    power: Decimal
    power_last: Decimal | None

    @staticmethod
    def change(now: Decimal, last: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
        if last is None:
            return None, None
        return now - last, _percent(now - last, last) if last > 0 else None


@dataclass(frozen=True)
class UtilitiesReport:
    period: Period
    months: tuple[UtilityMonth, ...]

    def total(self, attribute: str) -> Decimal | None:
        values = [getattr(m, attribute) for m in self.months]
        if any(v is None for v in values):
            return None
        return sum(values, ZERO)

    def comparable(self, now: str, then: str) -> tuple[Decimal, Decimal, int]:
        """(this year, last year, months) over the months with a figure for both years."""
        months = [m for m in self.months if getattr(m, then) is not None]
        return (sum((getattr(m, now) for m in months), ZERO),
                sum((getattr(m, then) for m in months), ZERO), len(months))

    @property
    def current(self) -> UtilityMonth:
        return self.months[-1]


def build_utilities(entries: Sequence[data.Directive], options_map: dict, period: Period) -> UtilitiesReport:
    currency = ledger_currency(options_map)
    txns = _transactions(entries)
    first = next((t.date.replace(day=1) for t in txns
                  if any(p.account.startswith("Expenses:") for p in t.postings)), period.first)
    sums: dict[tuple[str, int, int], Decimal] = {}
    last_year = period.year - 1
    for txn in txns:
        if txn.date > period.last or txn.date.year < last_year or txn.date.month > period.month:
            continue
        for posting in txn.postings:
            number = _units(posting, currency)
            if number is None:
                continue
            for name, root in (("water", WATER), ("power", POWER)):
                if chart.under(posting.account, root):
                    key = (name, txn.date.year, txn.date.month)
                    sums[key] = sums.get(key, ZERO) + number

    # a working year (docs/close.md): last year is in the archive, read from its 历年汇总
    archived = (yearsummary.summaries_of(SchoolBooks.of(entries, options_map)).get(last_year)
                if dt.date(last_year, 1, 1) < first else None)

    def last(name: str, month: int) -> Decimal | None:
        if dt.date(last_year, month, 1) < first:
            if archived is None or not archived.recorded(month):
                return None
            return archived.month_total(month, WATER if name == "water" else POWER)
        return sums.get((name, last_year, month), ZERO)

    months = tuple(UtilityMonth(m, sums.get(("water", period.year, m), ZERO), last("water", m),
                                sums.get(("power", period.year, m), ZERO), last("power", m))
                   for m in range(1, period.month + 1))
    return UtilitiesReport(period, months)


# -- what is printed ----------------------------------------------------------------------------
BUDGET_COLOUR = "#3b7dd8"  # render.INCOME_COLOUR: the plan
ACTUAL_COLOUR = "#e8833a"  # render.EXPENSES_COLOUR: what was spent
LAST_YEAR_COLOUR = "#9aa5b1"


def _info(period: Period, school: str, ledger: str, *, year: bool = True) -> list[tuple[str, str]]:
    lines = [("编制单位", school or "（未设学校信息）"),
             ("期间", f"本月 {period.first} 至 {period.last}"
                      + (f"；本年累计 {period.year_start} 至 {period.last}" if year else "")),
             ("金额单位", "元")]
    return lines


def _closing(school: str, issued: dt.date) -> list[str]:
    return [school, date_label(issued)]


def income_document(report: IncomeStatement, school: str, ledger: str, issued: dt.date):
    from xiaozhang.reports.document import Document, Table, Text

    def row(line: StatementLine, indent: str = "") -> list:
        return [indent + line.label, line.month, line.year]

    rows = [row(report.income_total), *[row(r, "　　" if r.detail else "　") for r in report.income],
            row(report.expense_total), *[row(r, "　") for r in report.expenses]]
    return Document(
        title="收入费用表", subtitle=f"会政财02表　{school}  {report.period.label}", sheet="收入费用表",
        info=_info(report.period, school, ledger),
        blocks=[Table(["项目", "本月数", "本年累计数"], rows, total=row(report.surplus), widths=[30, 14, 14]),
                Text("按《政府会计制度》收入费用表（会政财02）的项目列示；各明细科目并入所属一级科目。按《中小学校执行"
                     "〈政府会计制度〉的补充规定》，食堂（独立核算）的收入和费用相抵后的净额并入“其他收入”，"
                     "单独列示于“其中：食堂净收入”（负数以“-”号填列），不计入事业收入和业务活动费用。"
                     "本表数字由学校会计账簿的全部收入、费用科目计算（含待审批分录），本期盈余等于收入、"
                     "费用科目在该期间的发生额之差。", "note")],
        signatures=("单位负责人", "会计主管", "制表"), closing=_closing(school, issued),
        footer=f"{school} 收入费用表 {report.period.label}")


def spending_document(report: SpendingReport, school: str, ledger: str, issued: dt.date):
    from xiaozhang.reports.document import Document, Table, Text

    period = report.period
    blocks: list = [Text("一、办公费", "h")]
    if report.office:
        blocks.append(Table(["日期", "凭证号", "收款单位", "摘要", "审批人", "金额"],
                            [[str(p.date), p.voucher, p.payee, p.narration,
                              "待审批" if p.pending else p.approver, p.amount] for p in report.office],
                            total=["本月合计", None, None, None, None, report.office_month]))
    else:
        blocks.append(Text("本月没有办公费支出。"))
    blocks.append(Text(f"本年累计办公费支出 {format_money(report.office_year)} 元。"))
    blocks.append(Text("二、代收费", "h"))
    if report.agency:
        rows = [[r.item, r.collected, r.paid, r.refunded, r.year_collected, r.year_paid, r.year_refunded,
                 r.balance] for r in report.agency]
        blocks.append(Table(["项目", "本月收取", "本月付提供方", "本月退费", "本年收取", "本年付提供方",
                             "本年退费", "月末余额"], rows,
                            total=["合计", *[sum((r[c] for r in rows), ZERO) for c in range(1, 8)]]))
        if report.agency_payments:
            blocks.append(Table(["日期", "项目", "提供方", "发票号", "凭证号", "金额"],
                                [[str(p.date), p.item, p.payee, p.invoice, p.voucher, p.amount]
                                 for p in report.agency_payments], title="本月付给提供方的款项"))
    else:
        blocks.append(Text("没有代收费科目。"))
    blocks.append(Text("三、服务性收费", "h"))
    if report.service:
        rows = [[r.item, r.collected, r.spent, r.collected - r.spent, r.year_collected, r.year_spent,
                 r.year_collected - r.year_spent] for r in report.service]
        blocks.append(Table(["项目", "本月收入", "本月支出", "本月结余", "本年收入", "本年支出", "本年结余"], rows))
        if report.service_payments:
            blocks.append(Table(["日期", "项目", "收款单位/摘要", "凭证号", "金额"],
                                [[str(p.date), p.item, p.payee or p.narration, p.voucher, p.amount]
                                 for p in report.service_payments], title="本月服务性收费支出"))
    else:
        blocks.append(Text("没有定义服务性收费项目。"))
    blocks.append(Text("代收费：收取为贷记代收费各明细科目，付提供方为借记（退费除外），月末余额为截至月末"
                       "尚未付出或退还的款项。服务性收费：收入为该项目收入科目的贷方，支出为注明该收费项目的费用。", "note"))
    return Document(title=f"{period.label}办公费、代收费、服务性收费开支情况报告",
                    subtitle=school, sheet="月度支出", info=_info(period, school, ledger),
                    blocks=blocks, signatures=("经办人", "会计", "校长"), closing=_closing(school, issued),
                    footer=f"{school} 月度支出情况 {period.label}", landscape=True)


def budget_document(report: BudgetReport, school: str, ledger: str, issued: dt.date):
    from xiaozhang.reports.document import Document, Figure, Percent, Table, Text
    from xiaozhang.reports.render import Series, bar_chart_png

    def pct(value: Decimal | None):
        return None if value is None else Percent(value / 100)

    rows = [[r.label, f"{PERIODS[r.frequency]}（{r.control_label}）", r.control_budget, r.control_actual,
             pct(r.control_used), r.state, r.month_budget, r.month_actual, pct(r.month_used),
             r.year_budget, r.to_date_budget, r.year_actual, pct(r.used)] for r in report.rows]
    totals = [sum((getattr(r, a) for r in report.rows), ZERO)
              for a in ("month_budget", "month_actual", "year_budget", "to_date_budget", "year_actual")]
    blocks: list = []
    if report.rows:
        blocks.append(Table(
            ["科目", "控制期间", "期间指标", "期间支出", "期间执行率", "状态", "本月预算", "本月支出",
             "本月执行率", "全年预算", "序时预算", "本年累计支出", "全年执行率"], rows,
            total=["合计", None, None, None, None, None, totals[0], totals[1], pct(_percent(totals[1], totals[0])),
                   totals[2], totals[3], totals[4], pct(_percent(totals[4], totals[2]))],
            widths=[16, 17, 11, 11, 8, 6, 10, 10, 8, 11, 11, 11, 8]))
        chart = bar_chart_png([r.label for r in report.rows],
                              [Series("全年预算", [r.year_budget for r in report.rows], BUDGET_COLOUR),
                               Series("本年累计支出", [r.year_actual for r in report.rows], ACTUAL_COLOUR)],
                              title=f"{report.period.year}年预算执行（截至{report.period.month}月末）",
                              y_label="元", horizontal=True, width_in=9.5,
                              height_in=max(2.6, 0.42 * len(report.rows) + 1.2))
        blocks.append(Figure(chart, width_mm=190))
    else:
        blocks.append(Text("本年没有预算指标。"))
    consequence = ("本校预算控制为“禁止”：超支的支出在账务检查中列为错误，须先调整预算。"
                   if report.control == "stop" else
                   "本校预算控制为“预警”：超支的支出在账务检查中列为预警，须说明原因。")
    blocks.append(Text(f"序时进度 {report.elapsed}%（截至 {report.period.last}）。状态按每条预算指标自身的控制期间判断："
                       "月度指标比本月支出，季度指标比本季度累计支出，年度指标比本年累计支出；超过指标为超支，"
                       "期间执行率 ≥ 90% 或本月支出超过本月预算为预警。" + consequence + "本月预算、全年预算为各月所适用指标的月度份额"
                       "（年度指标 ÷ 12，季度指标 ÷ 3）；本月预算与本月支出比，序时预算与本年累计支出比。"
                       "支出为该科目及其下级科目的借方减贷方（含待审批分录）。", "note"))
    return Document(title=f"预算执行情况表（{report.period.label}）", subtitle=school, sheet="预算执行",
                    info=_info(report.period, school, ledger), blocks=blocks,
                    signatures=("会计", "总务主任", "校长"), closing=_closing(school, issued),
                    footer=f"{school} 预算执行 {report.period.label}", landscape=True)


def utilities_document(report: UtilitiesReport, school: str, ledger: str, issued: dt.date):
    from xiaozhang.reports.document import Document, Figure, Percent, Table, Text
    from xiaozhang.reports.render import Series, bar_chart_png

    def pct(value: Decimal | None):
        return None if value is None else Percent(value / 100)

    def last(value: Decimal | None):
        return "无记录" if value is None else value

    rows = []
    for m in report.months:
        water_change, water_rate = UtilityMonth.change(m.water, m.water_last)
        power_change, power_rate = UtilityMonth.change(m.power, m.power_last)
        rows.append([f"{m.month}月", m.water, last(m.water_last), water_change, pct(water_rate),
                     m.power, last(m.power_last), power_change, pct(power_rate)])
    water, water_last = report.total("water"), report.total("water_last")
    power, power_last = report.total("power"), report.total("power_last")
    wc, wr = UtilityMonth.change(water, water_last)
    pc, pr = UtilityMonth.change(power, power_last)
    year, before = report.period.year, report.period.year - 1
    if water_last is None or power_last is None:  # some months without last year's figure
        w_now, w_then, count = report.comparable("water", "water_last")
        p_now, p_then, _ = report.comparable("power", "power_last")
        (wc, wr), (pc, pr) = UtilityMonth.change(w_now, w_then), UtilityMonth.change(p_now, p_then)
        rows.append(["本年累计", water, "无记录", None, None, power, "无记录", None, None])
        total = [f"可比月份合计（{count} 个月）", w_now, w_then, wc, pct(wr), p_now, p_then, pc, pct(pr)]
    else:
        total = ["本年累计", water, water_last, wc, pct(wr), power, power_last, pc, pct(pr)]
    blocks: list = [Table(
        ["月份", f"水费 {year}年", f"水费 {before}年", "增减", "增减率", f"电费 {year}年", f"电费 {before}年",
         "增减", "增减率"], rows, total=total)]
    blocks.append(Text("水费、电费为水费、电费科目（含下级科目）的借方减贷方；"
                       "“无记录”表示账目从该月以后才开始，不作比较；可比月份合计只加两年都有记录的月份。"
                       "增减率 = 增减 ÷ 上年同期。", "note"))
    labels = [f"{m.month}月" for m in report.months]
    for name, now, then in (("水费", "water", "water_last"), ("电费", "power", "power_last")):
        chart = bar_chart_png(labels, [
            Series(f"{before}年", [getattr(m, then) or ZERO for m in report.months], LAST_YEAR_COLOUR),
            Series(f"{year}年", [getattr(m, now) for m in report.months], ACTUAL_COLOUR)],
            title=f"{name}同比（{year}年与{before}年各月）", y_label="元", width_in=9.5, height_in=3.2)
        blocks.append(Figure(chart, width_mm=200))
    return Document(title=f"水电费同比情况（{report.period.label}）", subtitle=school, sheet="水电费同比",
                    info=_info(report.period, school, ledger), blocks=blocks,
                    signatures=("经办人", "总务主任"), closing=_closing(school, issued),
                    footer=f"{school} 水电费同比 {report.period.label}", landscape=True)


# command -> (file stem, build, document, help)
REPORTS = {
    "spending": ("月度支出情况", build_spending, spending_document, "办公费、代收费、服务性收费开支情况（每月向学校和主管部门汇报）"),
    "budget": ("预算执行", build_budget, budget_document, "预算执行情况：各预算指标本月、本年累计执行率，附图"),
    "utilities": ("水电费同比", build_utilities, utilities_document, "水费、电费与上年同期比较，附图"),
    "income": ("收入费用表", build_income, income_document, "收入费用表（本月数、本年累计数）"),
}
