"""预算指标控制（量入为出）：支出超过预算指标时预警或禁止。

预算指标
    沿用 Fava 的预算写法（Fava 的图表和“预算”列直接显示），写在 ledger/policy.beancount：
      2026-01-01 custom "budget" Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 "yearly" 34000.00 CNY
    期间可以是 "daily" "weekly" "monthly" "quarterly" "yearly"（日、周、月、季、年）。
    一条指标从其日期起生效（含当天的支出，不论写在哪个文件），直到同一科目的下一条指标
    （一个科目的第一条指标对它所在的整个期间有效：3 月写的年度预算也计入 1、2 月的支出）；
    按自然年、季、月、周（周一至周日）、日计算，不按天折算（年中调整的年度指标与全年累计
    支出比较）。科目的下级科目的支出一并计入。

检查项与错误代码
    [BG01] 某一期间的累计支出（借方减贷方，含 `!` 待审批分录）超过该期间的预算指标。报告在使
           累计越过指标的那一笔上，每期报告一次；期中调低的指标已低于本期已发生的支出的，报告
           在该预算指令上；调高到支出以上后又被超过的，再报告一次。按 `budget-control` 参数：
           "warn"（默认）为预警——列出但不算错误，`xiaozhang check` 仍然通过；
           "stop" 为禁止——算作错误。
    [BG02] 预算指令格式不对（应为 科目、期间、金额）。Fava 只在自己的页面上提示，这里让
           `bean-check` 和 `xiaozhang check` 也能看到。以下几种指标永远用不上，也报此项：
           科目没有开设（Beancount 不检查自定义指令里的科目）、金额为负数、币种不是账本的
           记账币种、同一科目同一天已有一条（第二条不予采用）。

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

from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang.model import budgets as model
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budgets import (  # noqa: F401  (the names reports import from here)
    PERIODS, Execution, Line, Malformed, Overrun, is_account, period_label, period_of)
from xiaozhang.model.policy import Policy

__plugins__ = ("validate_budgets",)


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


def errors_of(book: model.BudgetBook, policy: Policy) -> list:
    """BG02 for each malformed directive, BG01 for each overrun, in the order found."""
    errors: list = []
    for event in book.events:
        if type(event) is Malformed:
            errors.append(BudgetError(event.entry.meta, (
                f"[BG02] 预算指令 custom \"budget\" {event.problem}" if event.problem else
                "[BG02] 预算指令 custom \"budget\" 应写：科目、期间（\"yearly\" \"quarterly\" \"monthly\" "
                "\"weekly\" \"daily\"）、金额，如 custom \"budget\" Expenses:…:30201办公费 \"yearly\" "
                "34000.00 CNY"), event.entry))
            continue
        txn = event.txn  # the transaction that crossed the line, or a line lowered below the spending
        stop = policy.get("budget-control", txn.date) == "stop"
        kind = BudgetError if stop else BudgetWarning
        excess = event.actual - event.budget
        lowered = type(txn) is data.Custom
        errors.append(kind(txn.meta, (
            f"[BG01] {'超预算（禁止）' if stop else '超预算预警'}：{event.line.account} "
            f"{event.label}预算 {'调整为 ' if lowered else ''}{event.budget} 元，"
            f"{'低于本期已发生的支出 ' if lowered else '累计支出 '}{event.actual} 元，"
            f"超出 {excess} 元（计划经费限额使用；调整预算须报批后修改预算指令）"), txn))
    return errors


def validate_budgets(entries, options_map, config=None):
    """BG01–BG02 over the books' budget lines (policy problems: the policy rule)."""
    books = SchoolBooks.of(entries, options_map)
    return entries, errors_of(books.budgets, books.policy)
