"""The example school's budget side (预算会计): its opening balances (衔接规定 三).

Everything else of the budget side is generated at load by the budget plugin from the
financial entries and the rule table written into policy.beancount
(`xiaozhang.model.budget.default_rules_text`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xiaozhang import chart
from xiaozhang.example.context import Example
from xiaozhang.example.entries import Txn
from xiaozhang.example.people import ACCOUNTANT

SURPLUS = f"{chart.NON_FISCAL_SURPLUS}:820204累计结余"


def opening(ex: Example) -> None:
    """预算会计期初余额: the school's own money of the opening entries (基本户, 库存现金, 食堂结算户)
    is 资金结存——货币资金, with 非财政拨款结余 (原事业基金, 衔接规定 三（五）) opposite; the
    example opens with no 零余额 quota and no 财政应返还额度."""
    day = ex.config.start - dt.timedelta(days=1)
    money = sum((amount for txn in ex.books.txns if txn.date == day
                 for account, amount, *_ in txn.postings
                 if amount is not None and account.startswith(chart.MONEY_ROOTS)), Decimal(0))
    ex.books.add(Txn(day, "*", None, "预算会计期初余额（衔接规定：原事业基金转非财政拨款结余）",
                     [("reviewer", ACCOUNTANT)], [
                         (chart.FUND_BALANCE_MONEY, money),
                         (SURPLUS, -money),
                     ], numbered=False))
