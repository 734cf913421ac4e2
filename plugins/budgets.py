"""预算指标控制（量入为出）：支出超过预算指标时预警或禁止。

预算指标
    沿用 Fava 的预算写法（Fava 的图表和“预算”列直接显示），写在 ledger/policy.beancount：
      2026-01-01 custom "budget" Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 "yearly" 34000.00 CNY
    期间可以是 "daily" "weekly" "monthly" "quarterly" "yearly"（日、周、月、季、年）。
    一条指标从其日期起生效（含当天的支出，不论写在哪个文件），直到同一科目的下一条指标；
    按自然年、季、月、周（周一至周日）、日计算，不按天折算（年中调整的年度指标与全年累计
    支出比较）。科目的下级科目的支出一并计入。

检查项与错误代码
    [BG01] 某一期间的累计支出（借方减贷方，含 `!` 待审批分录）超过该期间的预算指标。报告在使
           累计越过指标的那一笔上，每条指标每期报告一次。按 `budget-control` 参数：
           "warn"（默认）为预警——列出但不算错误，`xiaozhang check` 仍然通过；
           "stop" 为禁止——算作错误。
    [BG02] 预算指令格式不对（应为 科目、期间、金额）。Fava 只在自己的页面上提示，这里让
           `bean-check` 和 `xiaozhang check` 也能看到。

依据
    “制定本学期财务收支预算报告”（003）；“计划经费限额使用”（003）；“量入为出、收支平衡”（002）；
    “严格履行先计划、后审批、再支出的报批监管制度”（001）。

配置
    2025-08-25 custom "policy" "budget-control" "warn"    ; 或 "stop"

例
    预算 2026 年办公费 34000.00 元；全年第 N 笔使累计达到 34120.50 元 → 该笔 [BG01]
    （预警或错误视 budget-control 而定）。
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import account as account_lib, data
from beancount.core.amount import Amount

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.policy import Policy

__plugins__ = ("validate_budgets",)

PERIODS = {"daily": "日", "weekly": "周", "monthly": "月", "quarterly": "季", "yearly": "年"}


class BudgetError(NamedTuple):
    source: dict
    message: str
    entry: Any


class BudgetWarning(NamedTuple):
    """Shown with the errors, but `xiaozhang check` does not fail on it (budget-control warn)."""

    source: dict
    message: str
    entry: Any
    warning = True


def is_account(value) -> bool:
    """An account value of a custom directive: bare, or quoted as Fava also accepts."""
    return value.dtype == account_lib.TYPE or (isinstance(value.value, str)
                                               and account_lib.is_valid(value.value))


def period_of(frequency: str, date: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period (first and last day) of the given frequency containing date."""
    if frequency == "daily":
        return date, date
    if frequency == "weekly":
        first = date - dt.timedelta(days=date.weekday())
        return first, first + dt.timedelta(days=6)
    if frequency == "monthly":
        first = date.replace(day=1)
    elif frequency == "quarterly":
        first = date.replace(month=(date.month - 1) // 3 * 3 + 1, day=1)
    else:
        first = date.replace(month=1, day=1)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    month = first.month - 1 + months
    after = first.replace(year=first.year + month // 12, month=month % 12 + 1)
    return first, after - dt.timedelta(days=1)


def period_label(frequency: str, first: dt.date) -> str:
    if frequency == "yearly":
        return f"{first.year}年"
    if frequency == "quarterly":
        return f"{first.year}年第{(first.month - 1) // 3 + 1}季度"
    if frequency == "monthly":
        return f"{first.year}年{first.month}月"
    if frequency == "weekly":
        return f"{first} 起一周"
    return str(first)


@dataclass(frozen=True)
class Line:
    account: str
    since: dt.date
    frequency: str
    amount: Amount
    entry: data.Custom


@dataclass
class Execution:
    """A budget line's figures for one period: what it allows and what has been spent."""

    line: Line
    first: dt.date
    last: dt.date
    budget: Decimal
    actual: Decimal = Decimal(0)
    over: bool = False
    crossed_by: data.Transaction | None = None

    @property
    def label(self) -> str:
        return period_label(self.line.frequency, self.first)


@dataclass
class BudgetBook:
    """One pass over the entries: budget lines as they come, spending per line and period."""

    policy: Policy
    lines: dict[str, list[Line]] = field(default_factory=dict)
    periods: dict[tuple[str, dt.date], Execution] = field(default_factory=dict)
    errors: list = field(default_factory=list)
    _covering: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def run(self, entries: list) -> "BudgetBook":
        # A day's transactions are counted when the day is over, so that a budget line dated
        # the same day applies whatever the order of the files (Beancount sorts a custom and
        # a transaction of one day by their line numbers).
        day, waiting = None, []
        for entry in entries:
            if entry.date != day:
                for txn in waiting:
                    self._transaction(txn)
                day, waiting = entry.date, []
            if isinstance(entry, data.Transaction):
                waiting.append(entry)
            elif isinstance(entry, data.Custom) and entry.type == "budget":
                self._line(entry)
        for txn in waiting:
            self._transaction(txn)
        return self

    def _line(self, entry: data.Custom) -> None:
        values = entry.values
        if (len(values) != 3 or not is_account(values[0])
                or values[1].value not in PERIODS or not isinstance(values[2].value, Amount)):
            self.errors.append(BudgetError(entry.meta, (
                "[BG02] 预算指令 custom \"budget\" 应写：科目、期间（\"yearly\" \"quarterly\" \"monthly\" "
                "\"weekly\" \"daily\"）、金额，如 custom \"budget\" Expenses:…:30201办公费 \"yearly\" "
                "34000.00 CNY"), entry))
            return
        line = Line(values[0].value, entry.date, values[1].value, values[2].value, entry)
        self.lines.setdefault(line.account, []).append(line)
        self._covering.clear()  # a new budgeted account may cover accounts seen before

    def covering(self, account: str) -> tuple[str, ...]:
        """The budgeted accounts that include this account (itself or an ancestor)."""
        found = self._covering.get(account)
        if found is None:
            parts = account.split(":")
            found = tuple(a for a in (":".join(parts[:i]) for i in range(len(parts), 0, -1))
                          if a in self.lines)
            self._covering[account] = found
        return found

    def line_as_of(self, account: str, date: dt.date) -> Line | None:
        lines = self.lines[account]
        index = bisect.bisect_right([line.since for line in lines], date)
        return lines[index - 1] if index else None

    def _transaction(self, txn: data.Transaction) -> None:
        touched: dict[tuple[str, dt.date], Execution] = {}
        for posting in txn.postings:
            number = posting.units.number
            if number is None:
                continue
            for account in self.covering(posting.account):
                line = self.line_as_of(account, txn.date)
                if line is None or line.amount.currency != posting.units.currency:
                    continue
                first, last = period_of(line.frequency, txn.date)
                execution = self.periods.get((account, first))
                if execution is None:
                    execution = self.periods[(account, first)] = Execution(
                        line, first, last, line.amount.number)
                execution.line, execution.budget = line, line.amount.number
                execution.actual += number
                touched[(account, first)] = execution
        for execution in touched.values():
            if execution.actual > execution.budget and not execution.over:
                execution.over = True
                execution.crossed_by = txn
                self._report(txn, execution)

    def _report(self, txn: data.Transaction, execution: Execution) -> None:
        stop = self.policy.get("budget-control", txn.date) == "stop"
        kind = BudgetError if stop else BudgetWarning
        line = execution.line
        excess = execution.actual - execution.budget
        self.errors.append(kind(txn.meta, (
            f"[BG01] {'超预算（禁止）' if stop else '超预算预警'}：{line.account} "
            f"{execution.label}预算 {execution.budget} 元，累计支出 {execution.actual} 元，"
            f"超出 {excess} 元（计划经费限额使用；调整预算须报批后修改预算指令）"), txn))


def validate_budgets(entries, options_map, config=None):
    policy = SchoolBooks.of(entries, options_map).policy  # its problems: xiaozhang.plugins.policy
    return entries, BudgetBook(policy).run(entries).errors
