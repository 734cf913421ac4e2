"""The statutory financial statements (财务报表) of 《政府会计制度》 第四部分, from the ledger.

- 资产负债表 (会政财01, `build_balance_sheet`): 期末余额 at a month's end and 年初余额 (the previous
  31 December); 资产总计 = 负债和净资产总计 at every day (编制说明 一 (三)).
- 收入费用表 (会政财02, `build_income_statement`): 本月数 and 本年累计数, the canteen netted into
  其他收入 — 其中：食堂净收入 and 其中：政府性基金收入 (中小学校补充规定 二、三).
- 净资产变动表 (会政财03) and 现金流量表 (会政财04): `xiaozhang.reports.statements_annual`
  (`build_net_assets`, `build_cash_flow`, and `all_statements`: the four of a month).

Which accounts feed each line: `xiaozhang.reports.statements_lines` (one table; docs/statements.md).
Every build is pure: it takes the loaded entries and returns typed rows in `Decimal`.  Only the
ledger's operating currency counts; pending (`!`) entries count (they are booked).

Period: a calendar month ("2026-03"); 本年 = 1 January of its year to the month's last day (the
会计年度 is the calendar year, 总说明).  The annual statements (会政财03, 04) of a month are the
year to the month's end (the whole year for December), 上年数 the whole previous year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import month_end, parse_month
from xiaozhang.reports import statements_lines as lines
from xiaozhang.reports.statements_lines import Line, code_of

ZERO = Decimal(0)


class ReportError(Exception):
    """A report that cannot be made (bad period); the message is for the user."""


@dataclass(frozen=True)
class Period:
    """A calendar month and its year to date (本月, 本年累计)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        parsed = parse_month(text)
        if parsed is None:
            raise ReportError(f"期间 {text!r} 的格式应为 年-月，如 2026-03")
        return cls(parsed.year, parsed.month)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return month_end(self.first)

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def text(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def annual(self) -> bool:
        """December: the month's statements are the year's (年报)."""
        return self.month == 12

    def previous_year(self) -> "Period":
        return Period(self.year - 1, self.month)


@dataclass(frozen=True)
class Row:
    """One printed line: its values by column (None: “——”, a cell the form leaves empty)."""

    key: str
    label: str
    values: tuple[Decimal | None, ...]
    heading: bool = False
    total: bool = False
    detail: bool = False  # 其中 / 减 lines: indented, not added into a total by the reader

    def value(self, column: int = 0) -> Decimal:
        found = self.values[column] if self.values else None
        return ZERO if found is None else found


def operating_currency(options_map: dict) -> str:
    return (options_map.get("operating_currency") or ["CNY"])[0]


def transactions_of(entries) -> list[data.Transaction]:
    books = SchoolBooks.of(entries)
    return books.transactions


def posting_amount(posting: data.Posting, currency: str) -> Decimal | None:
    units = posting.units
    if units is None or units.number is None or units.currency != currency:
        return None
    return units.number


def account_sums(entries, currency: str, first: dt.date | None, last: dt.date) -> dict[str, Decimal]:
    """Each account's postings from `first` (None: the beginning) to `last`, signed as booked."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for txn in transactions_of(entries):
        if txn.date > last:
            break
        if first is not None and txn.date < first:
            continue
        for posting in txn.postings:
            number = posting_amount(posting, currency)
            if number is not None:
                sums[posting.account] += number
    return dict(sums)


def year_opening(entries, year: int) -> dt.date:
    """The last day of the year's opening balances (年初余额): 31 December before it, or, when the
    books begin in that year, the day of their first transactions (建账: the opening balances are
    booked on that day, e.g. "期初余额（上年结转）" on 2025-08-31); the year's movements start the
    day after."""
    first = SchoolBooks.of(entries).first_date
    if first is not None and first.year == year:
        return first
    return dt.date(year - 1, 12, 31)


def resolve_totals(table: Sequence[Line], values: dict[str, Decimal]) -> dict[str, Decimal]:
    """The totals of a line table from its lines (in order: a total after its parts)."""
    out = dict(values)
    for line in table:
        if line.total:
            out[line.key] = (sum((out.get(k, ZERO) for k in line.sums), ZERO)
                             - sum((out.get(k, ZERO) for k in line.minus), ZERO))
    return out


# -- 资产负债表 --------------------------------------------------------------------------------------
_ASSET_BY_CODE = {c: line.key for line in lines.ASSET_LINES for c in line.codes}
_LIABILITY_BY_CODE = {c: line.key for line in lines.LIABILITY_LINES for c in line.codes}
_TRUST_MONEY = ("1001", "1002")


def balance_line(account: str, this_year: bool) -> tuple[str, int] | None:
    """(line key, sign) of an account's balance on the 资产负债表: sign +1 for a debit balance
    shown as is, −1 for a credit balance shown positive.  `this_year`: the postings dated in the
    report's year (the virtual 结转: statements_lines' docstring).  None: the account's code is
    of no line (its balance goes to 其他流动资产 / 其他流动负债, and is named)."""
    root = account.split(":", 1)[0]
    code = code_of(account)
    if root == "Assets":
        if code in _TRUST_MONEY and lines.TRUST in account:
            return "trust_assets", 1
        if code == lines.BAD_DEBTS:
            return ("other_receivable" if "其他应收款" in account else "receivable"), 1
        if code in lines.CONTRA_ASSET_CODES:
            return _ASSET_BY_CODE[code], -1
        key = _ASSET_BY_CODE.get(code)
        return (key, 1) if key else None
    if root == "Liabilities":
        key = _LIABILITY_BY_CODE.get(code)
        return (key, -1) if key else None
    if root in ("Income", "Expenses") or code in lines.YEARLY_CLOSED_EQUITY:
        if not this_year:
            return "accumulated", -1
        if root in ("Income", "Expenses") or code == "3301":
            return "current_surplus", -1
        return ("free_transfer" if code == "3401" else "accumulated"), -1
    if root == "Equity":
        return {"3101": "special_funds", "3201": "equity_method"}.get(code, "accumulated"), -1
    return None


@dataclass(frozen=True)
class BalanceSheet:
    period: Period
    currency: str
    assets: tuple[Row, ...]  # values: (期末余额, 年初余额)
    liabilities: tuple[Row, ...]  # 负债和净资产
    unlisted: tuple[str, ...]  # accounts whose code is of no line (in 其他流动资产 / 其他流动负债)

    def line(self, key: str) -> Row:
        for row in (*self.assets, *self.liabilities):
            if row.key == key:
                return row
        raise KeyError(key)

    @property
    def balanced(self) -> bool:
        a, b = self.line("assets_total"), self.line("liabilities_net_assets_total")
        return a.values == b.values


def _balance_values(before: dict[str, Decimal], during: dict[str, Decimal],
                    unlisted: set[str]) -> dict[str, Decimal]:
    values: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for amounts, this_year in ((before, False), (during, True)):
        for account, amount in amounts.items():
            found = balance_line(account, this_year)
            if found is None:
                unlisted.add(account)
                root = account.split(":", 1)[0]
                found = ("other_current", 1) if root == "Assets" else ("other_current_liabilities", -1)
            key, sign = found
            values[key] += sign * amount
    return values


def build_balance_sheet(entries: Sequence[data.Directive], options_map: dict,
                        period: Period) -> BalanceSheet:
    currency = operating_currency(options_map)
    opening = year_opening(entries, period.year)
    before = account_sums(entries, currency, None, opening)
    during = account_sums(entries, currency, opening + dt.timedelta(days=1), period.last)
    unlisted: set[str] = set()
    closing = _balance_values(before, during, unlisted)
    start_values = _balance_values(before, {}, unlisted)
    if period.annual:  # 年报: the month-report lines are closed into 累计盈余
        for key in ("free_transfer", "current_surplus"):
            closing["accumulated"] += closing.pop(key, ZERO)
    table = (*lines.ASSET_LINES, *lines.LIABILITY_LINES)
    end, start = resolve_totals(table, closing), resolve_totals(table, start_values)

    def rows(part: Sequence[Line]) -> tuple[Row, ...]:
        out = []
        for line in part:
            if line.heading:
                out.append(Row(line.key, line.label, (), heading=True))
                continue
            if line.star:
                if period.annual:
                    continue
                values = (end.get(line.key, ZERO), None)
            else:
                values = (end.get(line.key, ZERO), start.get(line.key, ZERO))
            out.append(Row(line.key, line.label, values, total=line.total,
                           detail=line.label.startswith("减：")))
        return tuple(out)

    return BalanceSheet(period, currency, rows(lines.ASSET_LINES), rows(lines.LIABILITY_LINES),
                        tuple(sorted(unlisted)))


# -- 收入费用表 --------------------------------------------------------------------------------------
_NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """一 … 十, 十一 … (the form's （一）…（十一）)."""
    return _NUMERALS[n - 1] if n <= 10 else "十" + _NUMERALS[n - 11]


@dataclass(frozen=True)
class StatementLine:
    label: str  # e.g. "（一）财政拨款收入"
    code: str  # "4001"; "" for totals; "4001:政府性基金" / "4609:食堂" for the 其中 lines
    month: Decimal
    year: Decimal
    detail: bool = False  # a 其中 line: part of the line above, not added into the totals


GOVERNMENT_FUND_CODE = "4001:政府性基金"
CANTEEN_CODE = "4609:食堂"


@dataclass(frozen=True)
class IncomeStatement:
    period: Period
    currency: str
    income: tuple[StatementLine, ...]
    expenses: tuple[StatementLine, ...]
    canteen_income: tuple[Decimal, Decimal] = (ZERO, ZERO)  # (本月, 本年累计): the canteen's books
    canteen_cost: tuple[Decimal, Decimal] = (ZERO, ZERO)  # (internal business left out)
    internal: tuple[Decimal, Decimal] = (ZERO, ZERO)  # the canteen's side of the internal business

    @property
    def income_total(self) -> StatementLine:
        shown = [r for r in self.income if not r.detail]
        return StatementLine("一、本期收入", "", sum((r.month for r in shown), ZERO),
                             sum((r.year for r in shown), ZERO))

    @property
    def expense_total(self) -> StatementLine:
        shown = [r for r in self.expenses if not r.detail]
        return StatementLine("二、本期费用", "", sum((r.month for r in shown), ZERO),
                             sum((r.year for r in shown), ZERO))

    @property
    def surplus(self) -> StatementLine:
        income, expenses = self.income_total, self.expense_total
        return StatementLine("三、本期盈余", "", income.month - expenses.month, income.year - expenses.year)

    def line(self, code: str) -> StatementLine:
        for row in (*self.income, *self.expenses):
            if row.code == code:
                return row
        raise KeyError(code)


def _marked(books: SchoolBooks, key: str) -> tuple[str, ...]:
    return tuple(books.index.marked(key))


def _under_any(account: str, roots: tuple[str, ...]) -> bool:
    return any(account == r or account.startswith(r + ":") for r in roots)


def income_line(account: str, canteen, government: tuple[str, ...]) -> tuple[str, bool]:
    """(line code, government fund) of an income or expense account on the 收入费用表: its
    first-level code, or CANTEEN_CODE for the canteen's own income and expenses (`canteen`:
    the model's `CanteenAccounts`); `government`: a 4001 account under a `government_fund`
    mark."""
    if canteen.role(account) is not None:
        return CANTEEN_CODE, False
    code = code_of(account)
    return code or account.split(":", 2)[1], code == lines.FISCAL_INCOME and _under_any(account, government)


def internal_offsets(entries, options_map: dict, period: Period) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The income and expense postings of the internal business between the canteen and the
    school (本月, 本年累计: account → amount), to leave out of the 收入费用表 (“抵销中小学校与食堂的
    内部业务或事项对中小学校报表的影响”, 补充规定 三).

    Internal: a transaction with postings on both the canteen's books and the school's whose
    canteen income and expenses are matched by the school's with the opposite effect (the school
    subsidises the canteen: school expense / canteen income; the school buys meals from its
    canteen: the same) — each side would count what the other counts.  Their income and expense
    postings (of both sides) are left out; the money postings stay (the balance sheet is not
    affected)."""
    currency = operating_currency(options_map)
    books = SchoolBooks.of(entries, options_map)
    accounts = books.canteen.accounts
    month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    year: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if not accounts.marked:
        return dict(month), dict(year)
    for txn in books.touching("canteen"):
        if txn.date > period.last:
            break
        if txn.date < period.year_start:
            continue
        flows = [(p.account, posting_amount(p, currency)) for p in txn.postings
                 if p.account.startswith(("Income:", "Expenses:"))]
        flows = [(a, n) for a, n in flows if n is not None]
        inside = sum((n for a, n in flows if accounts.role(a) is not None), ZERO)
        outside = sum((n for a, n in flows if accounts.role(a) is None), ZERO)
        if inside == 0 or inside + outside != 0:
            continue
        for account, number in flows:
            year[account] += number
            if txn.date >= period.first:
                month[account] += number
    return dict(month), dict(year)


def build_income_statement(entries: Sequence[data.Directive], options_map: dict,
                           period: Period) -> IncomeStatement:
    currency = operating_currency(options_map)
    books = SchoolBooks.of(entries, options_map)
    canteen = books.canteen.accounts
    government = _marked(books, lines.GOVERNMENT_FUND)
    month: dict[str, Decimal] = defaultdict(lambda: ZERO)
    year: dict[str, Decimal] = defaultdict(lambda: ZERO)
    names: dict[tuple[str, str], str] = {}
    canteen_sums = {"Income": [ZERO, ZERO], "Expenses": [ZERO, ZERO]}
    internal = internal_offsets(entries, options_map, period)
    for column, first in ((1, period.year_start), (0, period.first)):
        sums = year if column else month
        for account, amount in account_sums(entries, currency, first, period.last).items():
            root = account.split(":", 1)[0]
            if root not in ("Income", "Expenses"):
                continue
            amount -= internal[column].get(account, ZERO)  # 内部业务抵销 (补充规定 三)
            code, fund = income_line(account, canteen, government)
            names.setdefault((root, code), lines.name_of(account))
            sums[f"{root}|{code}"] += amount
            if fund:
                sums[f"{root}|{GOVERNMENT_FUND_CODE}"] += amount
            if code == CANTEEN_CODE:
                canteen_sums[root][column] += amount

    def net(root: str, code: str, sign: int) -> tuple[Decimal, Decimal]:
        # (+ ZERO: no "-0" for a line without postings)
        return sign * month.get(f"{root}|{code}", ZERO) + ZERO, sign * year.get(f"{root}|{code}", ZERO) + ZERO

    # the canteen's net: its income (credits) less its expenses, both books' signs reversed
    canteen_net = (-(month.get(f"Income|{CANTEEN_CODE}", ZERO) + month.get(f"Expenses|{CANTEEN_CODE}", ZERO)),
                   -(year.get(f"Income|{CANTEEN_CODE}", ZERO) + year.get(f"Expenses|{CANTEEN_CODE}", ZERO)))

    def table(root: str, form: Sequence[tuple[str, str]], sign: int) -> tuple[StatementLine, ...]:
        known = {code for code, _ in form}
        rows = list(form) + sorted((code, names[(r, code)]) for r, code in names
                                   if r == root and code not in known and code != CANTEEN_CODE)
        out = []
        for n, (code, name) in enumerate(rows, 1):
            m, y = net(root, code, sign)
            if code == lines.OTHER_INCOME and root == "Income":
                m, y = m + canteen_net[0], y + canteen_net[1]
            out.append(StatementLine(f"（{numeral(n)}）{name}", code, m, y))
            if code == lines.FISCAL_INCOME and root == "Income":
                out.append(StatementLine("其中：政府性基金收入", GOVERNMENT_FUND_CODE,
                                         *net(root, GOVERNMENT_FUND_CODE, sign), detail=True))
            if code == lines.OTHER_INCOME and root == "Income":
                out.append(StatementLine("其中：食堂净收入", CANTEEN_CODE, *canteen_net, detail=True))
        return tuple(out)

    return IncomeStatement(
        period, currency, table("Income", lines.INCOME_LINES, -1), table("Expenses", lines.EXPENSE_LINES, 1),
        (-canteen_sums["Income"][0], -canteen_sums["Income"][1]),
        (canteen_sums["Expenses"][0], canteen_sums["Expenses"][1]),
        tuple(-sum((n for a, n in side.items() if canteen.role(a) is not None), ZERO) + ZERO
              for side in internal))


def school_name(entries, day: dt.date) -> str:
    return (SchoolBooks.of(entries).policy.profile(day) or {}).get("name", "")
