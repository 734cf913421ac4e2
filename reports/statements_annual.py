"""The annual statements (年度报表) of 《政府会计制度》第四部分: 净资产变动表 (会政财03,
`build_net_assets`) and 现金流量表 (会政财04, `build_cash_flow`), from the ledger, with the line
tables of `xiaozhang.reports.statements_lines`; see `xiaozhang.reports.statements` for the common
definitions (period, currency, pending entries, the year's opening day).

净资产变动表: 上年年末余额 … 本年年末余额 by 累计盈余 / 专用基金 / 权益法调整; its 本年盈余 is the
收入费用表's 本期盈余 of the year, its 本年年末余额 the 资产负债表's 净资产合计.
现金流量表 (optional for 事业单位: “单位可根据实际情况自行选择编制现金流量表”, 总说明 八): the direct
method over the year's cash movements; 现金净增加额 is the change of the cash accounts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from xiaozhang.chart import is_budget_account
from xiaozhang.reports import statements_lines as lines
from xiaozhang.reports.ledger_sums import transactions_between
from xiaozhang.reports.statements import (Period, Row, account_sums, build_balance_sheet, build_income_statement,
                                          operating_currency, posting_amount, resolve_totals, year_opening)
from xiaozhang.reports.statements_lines import code_of

ZERO = Decimal(0)


# -- 净资产变动表 ------------------------------------------------------------------------------------
NAV_COLUMNS = (lines.ACCUMULATED, lines.SPECIAL_FUNDS, lines.EQUITY_METHOD)
# Cells the form leaves empty (“——”): (row, column)
_NAV_BLANK = {("prior_adjustment", 1), ("prior_adjustment", 2), ("surplus", 1), ("surplus", 2),
              ("free_transfer", 1), ("free_transfer", 2), ("budget_balances", 1), ("budget_balances", 2),
              ("fund_set", 2), ("fund_from_income", 0), ("fund_from_income", 2), ("fund_from_balance", 2),
              ("fund_other", 0), ("fund_other", 2), ("fund_used", 2), ("equity_method", 0),
              ("equity_method", 1)}


@dataclass(frozen=True)
class NetAssetsStatement:
    period: Period  # 本年: 1 January to the period's last day
    currency: str
    rows: tuple[Row, ...]  # values: 本年 (累计盈余, 专用基金, 权益法调整, 净资产合计), 上年 (the same four)

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)


def net_asset_movements(entries, currency: str, first: dt.date, last: dt.date) -> dict[tuple[str, str], Decimal]:
    """(row, column) → amount (increase positive) of the postings from `first` to `last`, by
    `statements_lines.nav_row`; the opening balances (`opening`) are those before `first`
    (each account's sum from `statements.account_sums`, by its column)."""
    cells: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for account, number in account_sums(entries, currency, None, first - dt.timedelta(days=1)).items():
        column = lines.nav_column(account)
        if column is not None:
            cells[("opening", column)] -= number
    column_of: dict[str, str | None] = {}  # account -> its column, None: an asset, a liability
    budget: dict[str, bool] = {}
    fund_account: dict[str, bool] = {}  # account -> it is 3101 专用基金
    row_of: dict[tuple, str] = {}  # (account, fund_credit, counter) -> its row (nav_row)
    for txn in transactions_between(entries, first, last):
        postings, columns = [], []
        for p in txn.postings:
            units = p.units
            if units is None or units.number is None or units.currency != currency:
                continue
            account = p.account
            left_out = budget.get(account)
            if left_out is None:
                left_out = budget[account] = is_budget_account(account)
            if left_out:
                continue
            postings.append((p, units.number))
            column = column_of.get(account, column_of)
            if column is column_of:
                column = column_of[account] = lines.nav_column(account)
            columns.append(column)
        if all(c == lines.ACCUMULATED for c in columns):
            continue  # within 累计盈余: 结转 vouchers, reclassifications
        fund = []
        for p, n in postings:
            is_fund = fund_account.get(p.account)
            if is_fund is None:
                is_fund = fund_account[p.account] = code_of(p.account) == lines.SPECIAL_FUND_CODE
            if is_fund:
                fund.append(n)
        fund_credit = None if not fund else sum(fund, ZERO) < 0
        counter = None
        if fund_credit:
            if any(p.account.startswith("Expenses:") and n > 0 for p, n in postings):
                counter = "expenses"
            elif any(c == lines.ACCUMULATED and p.account.startswith("Equity:")
                     for (p, _), c in zip(postings, columns)):
                counter = "accumulated"
        for (posting, number), column in zip(postings, columns):
            if column is None:
                continue
            key = (posting.account, fund_credit, counter)
            row = row_of.get(key)
            if row is None:
                row = row_of[key] = lines.nav_row(posting.account, fund_credit, counter)
            cells[(row, column)] -= number
    return dict(cells)


def _nav_values(cells: dict[tuple[str, str], Decimal]) -> dict[str, list[Decimal]]:
    get = lambda row, col: cells.get((row, col), ZERO)  # noqa: E731
    out: dict[str, list[Decimal]] = {}
    for row, _ in lines.NAV_ROWS:
        out[row] = [get(row, c) for c in NAV_COLUMNS]
    for i, column in enumerate(NAV_COLUMNS):
        out["fund_set"][i] = sum((get(r, column) for r in ("fund_from_income", "fund_from_balance",
                                                            "fund_other")), ZERO)
        out["year_opening"][i] = get("opening", column) + get("prior_adjustment", column)
        out["change"][i] = sum((get(r, column) for r in lines.NAV_CHANGE_ROWS), ZERO)
        out["closing"][i] = out["year_opening"][i] + out["change"][i]
    return out


def build_net_assets(entries: Sequence[data.Directive], options_map: dict, period: Period) -> NetAssetsStatement:
    currency = operating_currency(options_map)
    day = dt.timedelta(days=1)
    this_open, last_open = year_opening(entries, period.year), year_opening(entries, period.year - 1)
    this = _nav_values(net_asset_movements(entries, currency, this_open + day, period.last))
    last = _nav_values(net_asset_movements(entries, currency, last_open + day,
                                           min(this_open, period.year_start - day)))
    rows = []
    for key, label in lines.NAV_ROWS:
        heading = key == "change"
        values: list[Decimal | None] = []
        for figures in (this, last):
            cells: list[Decimal | None] = [None if (key, i) in _NAV_BLANK else figures[key][i] for i in range(3)]
            total = sum(figures[key], ZERO)  # 净资产合计: filled on every row of the form
            values += [*cells, total]
        rows.append(Row(key, label, tuple(values), total=key in ("opening", "year_opening", "change", "closing"),
                        detail=heading is False and key.startswith("fund_") and key != "fund_set"))
    return NetAssetsStatement(period, currency, tuple(rows))


# -- 现金流量表 --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CashFlowStatement:
    period: Period
    currency: str
    rows: tuple[Row, ...]  # values: (本年金额, 上年金额)
    cash_change: tuple[Decimal, Decimal]  # the change of the cash accounts' balances (the check)

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)


def is_cash(account: str) -> bool:
    return account.startswith("Assets:") and code_of(account) in lines.CASH_ACCOUNTS


def cash_flows(entries, currency: str, first: dt.date, last: dt.date) -> tuple[dict[str, Decimal], Decimal]:
    """Line key → amount (inflow lines: received, outflow lines: paid) of the cash movements
    from `first` to `last`, and the change of the cash accounts over those days."""
    values: dict[str, Decimal] = defaultdict(lambda: ZERO)
    change = ZERO
    kind_of: dict[str, int] = {}  # account -> 0: left out (budget), 1: cash, 2: 4001, 3: other
    category_of: dict = {}
    for txn in transactions_between(entries, first, last):
        postings = []
        cash = []
        fiscal = False
        for p in txn.postings:
            number = posting_amount(p, currency)
            if number is None:
                continue
            account = p.account
            kind = kind_of.get(account)
            if kind is None:
                kind = kind_of[account] = (0 if is_budget_account(account) else 1 if is_cash(account)
                                           else 2 if code_of(account) == lines.FISCAL_INCOME else 3)
            if kind == 0:
                continue
            postings.append((account, number))
            if kind == 1:
                cash.append(number)
            elif kind == 2:
                fiscal = True
        if cash:
            change += sum(cash, ZERO)
            counters = [(a, n) for a, n in postings if kind_of[a] != 1]
        elif fiscal:
            counters = postings  # 财政直接支付: received from and paid by the treasury at once
        else:
            continue
        for account, number in counters:
            flow = -number  # into the school's cash when positive
            category = category_of.get(account, category_of)
            if category is category_of:
                category = category_of[account] = lines.cash_category(account)
            if isinstance(category, tuple):
                key = category[0] if flow > 0 else category[1]
            else:
                key = category
            values[key] += -flow if key in lines.OUTFLOW_LINES else flow
    return dict(values), change


def build_cash_flow(entries: Sequence[data.Directive], options_map: dict, period: Period) -> CashFlowStatement:
    currency = operating_currency(options_map)
    day = dt.timedelta(days=1)
    this_open, last_open = year_opening(entries, period.year), year_opening(entries, period.year - 1)
    this, this_change = cash_flows(entries, currency, this_open + day, period.last)
    last, last_change = cash_flows(entries, currency, last_open + day, min(this_open, period.year_start - day))
    this, last = resolve_totals(lines.CASH_FLOW_LINES, this), resolve_totals(lines.CASH_FLOW_LINES, last)
    rows = tuple(Row(line.key, line.label, () if line.heading else
                     (this.get(line.key, ZERO), last.get(line.key, ZERO)),
                     heading=line.heading, total=line.total) for line in lines.CASH_FLOW_LINES)
    return CashFlowStatement(period, currency, rows, (this_change, last_change))


def all_statements(entries: Sequence[data.Directive], options_map: dict, period: Period) -> Iterable:
    """The four statements of a month, in the order of 第四部分."""
    return (build_balance_sheet(entries, options_map, period), build_income_statement(entries, options_map, period),
            build_net_assets(entries, options_map, period), build_cash_flow(entries, options_map, period))
