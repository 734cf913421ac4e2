"""The paid spending of a year with its dimensions: what the 决算 tables, 三公经费 and the
中小学校事业支出明细表 (补充规定 附表1) count (`reports/final_accounts.py`, `reports/school_spending.py`).

支出 here is spending on the cash basis (收付实现制, as the 部门决算 and 预算会计 count it): the debit
postings that carry a 支出经济分类 code (`dimensions.economic_code`: expense accounts, 应付职工薪酬
paid out, fixed assets and stores bought) in transactions that are paid (`dimensions.funding_source`
is not None: paid from 零余额账户, 财政直接支付, or the school's own money, or marked `fund`).  An
accrual (计提) is counted when it is paid, not twice.  The canteen's own books (its stores bought,
its costs) are left out: the canteen's budget is netted into 食堂净预算收入 (补充规定 三), and the
预算会计 accounts are not read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from xiaozhang.chart import is_budget_account
from xiaozhang.model import dimensions
from xiaozhang.model.books import SchoolBooks
from xiaozhang.reports.ledger_sums import transactions_between
from xiaozhang.reports.statements import Period, canteen_accounts, operating_currency, posting_amount


@dataclass(frozen=True)
class Spending:
    """One paid expenditure posting with its dimensions."""

    txn: data.Transaction
    posting: data.Posting
    amount: Decimal
    economic: str
    source: str
    func: str
    kind: str  # 基本支出 / 项目支出


def spending(entries: Sequence[data.Directive], options_map: dict, period: Period) -> Iterator[Spending]:
    """The paid expenditure postings from 1 January to the period's end (module docstring)."""
    currency = operating_currency(options_map)
    books = SchoolBooks.of(entries, options_map)
    canteen = canteen_accounts(books)
    economic_of: dict = {}  # account -> its economic code (dimensions.economic_code), once
    for txn in transactions_between(entries, period.year_start, period.last):
        for posting in txn.postings:
            number = posting_amount(posting, currency)
            if number is None or number <= 0 or is_budget_account(posting.account):
                continue
            if canteen.role(posting.account) is not None:
                continue  # the canteen's own books: netted (食堂净预算收入, 补充规定 三)
            economic = economic_of.get(posting.account, economic_of)
            if economic is economic_of:
                economic = economic_of[posting.account] = dimensions.economic_code(posting.account)
            if economic is None:
                continue
            source = dimensions.funding_source(txn, posting)
            if source is None:
                continue  # an accrual: counted when paid
            yield Spending(txn, posting, number, economic, source,
                           dimensions.func_of(txn, posting, books.policy) or "", dimensions.spending_kind(txn, posting))
