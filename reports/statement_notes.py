"""The 附注 tables of the financial statements (《政府会计制度》第五部分 八; 中小学校补充规定 二(二)、三).

- 货币资金 (（五）1): 库存现金, 银行存款, 零余额账户用款额度, 其他货币资金 at the period's end and
  the year's opening (the same days as the 资产负债表, `statements.year_opening`); its 合计 is the
  资产负债表's 货币资金 plus the money held in trust (受托代理 sub-accounts), shown apart.
- 固定资产 (（五）6 (1)): by the six categories of `xiaozhang.chart.ASSET_CATEGORIES`, 原值 (1601
  sub-accounts: debits are 本期增加, credits 本期减少), 累计折旧 (1602 sub-accounts: credits are
  增加, debits 减少) and 账面价值, 年初 → 期末 of the year to the period's end.
- 食堂 (补充规定 三: “将食堂财务会计信息纳入学校财务报表情况的说明，包括内部业务或事项抵销处理的
  情况，食堂本年收入、费用情况”): the canteen's income and expense accounts (the canteen's books,
  `xiaozhang.model.canteen`) of the year, their net (the 收入费用表's 其中：食堂净收入), and the
  transactions between the canteen's books and the school's (内部业务: a transaction with postings on
  both), and the internal income and expenses left out of the 收入费用表 (`statements.internal_offsets`:
  a school subsidy to the canteen is neither the school's expense nor the canteen's income).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.books import SchoolBooks
from xiaozhang.reports.ledger_sums import transactions_between
from xiaozhang.reports.statements import (Period, account_sums, canteen_accounts, canteen_transactions, internal_offsets,
                                          operating_currency, posting_amount, year_opening)

ZERO = Decimal(0)


@dataclass(frozen=True)
class NoteRow:
    label: str
    values: tuple[Decimal, ...]
    heading: bool = False


@dataclass(frozen=True)
class Notes:
    period: Period
    money: tuple[NoteRow, ...]  # (期末余额, 年初余额)
    fixed_assets: tuple[NoteRow, ...]  # (年初余额, 本期增加额, 本期减少额, 期末余额)
    canteen: tuple[NoteRow, ...]  # (本年数): income and expense accounts of the canteen, the net
    canteen_net: Decimal
    internal: int  # transactions between the canteen's books and the school's in the year
    offset: Decimal = ZERO  # the canteen's net income from internal business, left out (抵销)


# chart.MONEY_ROOTS in the chart's order: 1001, 1002, 1011, 1021
_MONEY_NOTE = tuple(zip(("库存现金", "银行存款", "零余额账户用款额度", "其他货币资金"), chart.MONEY_ROOTS,
                        strict=True))


def _balance(balances: dict[str, Decimal], root: str, *, trust: bool | None = False) -> Decimal:
    total = ZERO
    for account, amount in balances.items():
        if account == root or account.startswith(root):
            if trust is None or ("受托代理" in account) == trust:
                total += amount
    return total


def build_notes(entries: Sequence[data.Directive], options_map: dict, period: Period) -> Notes:
    currency = operating_currency(options_map)
    opening = year_opening(entries, period.year)
    start = account_sums(entries, currency, None, opening)
    end = account_sums(entries, currency, None, period.last)
    money = [NoteRow(name, (_balance(end, root), _balance(start, root))) for name, root in _MONEY_NOTE]
    money.append(NoteRow("合计", tuple(sum((r.values[i] for r in money), ZERO) for i in range(2)), heading=True))
    trust = (sum((_balance(end, r, trust=True) for _, r in _MONEY_NOTE), ZERO),
             sum((_balance(start, r, trust=True) for _, r in _MONEY_NOTE), ZERO))
    if any(trust):
        money.append(NoteRow("另：受托代理的货币资金（列入受托代理资产）", trust))

    # fixed assets: movements of the year by category
    moves: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])  # account -> [debits, credits]
    first = opening + dt.timedelta(days=1)
    roots = (chart.FIXED_ASSETS, chart.ACCUM_DEPRECIATION)
    for txn in transactions_between(entries, first, period.last):
        for posting in txn.postings:
            if posting.account.startswith(roots):
                number = posting_amount(posting, currency)
                if number is not None:
                    moves[posting.account][0 if number > 0 else 1] += abs(number)

    def category_rows(root_of, sign: int, names) -> list[NoteRow]:
        rows = []
        for name in names:
            root = root_of(name)
            o = sign * _balance(start, root, trust=None)
            debit = sum((v[0] for a, v in moves.items() if a == root or a.startswith(root + ":")), ZERO)
            credit = sum((v[1] for a, v in moves.items() if a == root or a.startswith(root + ":")), ZERO)
            up, down = (debit, credit) if sign > 0 else (credit, debit)
            rows.append(NoteRow(name, (o, up, down, o + up - down)))
        return rows

    names = [n for _, n in chart.ASSET_CATEGORIES]
    depreciable = [n for n in names if n not in ("文物和陈列品", "图书档案")]
    cost = category_rows(chart.fixed_asset_account, 1, names)
    depreciation = category_rows(chart.depreciation_account, -1, depreciable)

    def total(label: str, rows: list[NoteRow]) -> NoteRow:
        return NoteRow(label, tuple(sum((r.values[i] for r in rows), ZERO) for i in range(4)), heading=True)

    book_value = []
    for row in cost:
        dep = next((d for d in depreciation if d.label == row.label), None)
        d = dep.values if dep else (ZERO, ZERO, ZERO, ZERO)
        # 增加: the cost added; 减少: the cost taken off and the year's net depreciation
        book_value.append(NoteRow(row.label, (row.values[0] - d[0], row.values[1],
                                              row.values[2] + d[1] - d[2], row.values[3] - d[3])))
    fixed = [total("一、原值合计", cost), *cost, total("二、累计折旧合计", depreciation), *depreciation,
             total("三、账面价值合计", book_value), *book_value]

    # the canteen
    books = SchoolBooks.of(entries, options_map)
    accounts = canteen_accounts(books)
    year = account_sums(entries, currency, period.year_start, period.last, flows=True)
    offsets = internal_offsets(entries, options_map, period)[1]
    for account, amount in offsets.items():
        year[account] = year.get(account, ZERO) - amount
    canteen = []
    net = ZERO
    for account in sorted(year, key=lambda a: (a.startswith("Expenses"), a)):
        root = account.split(":", 1)[0]
        if root in ("Income", "Expenses") and accounts.role(account) is not None and year[account]:
            amount = -year[account] if root == "Income" else year[account]
            net += -year[account]
            canteen.append(NoteRow(("收入：" if root == "Income" else "费用：") + account.split(":", 1)[1],
                                   (amount,)))
    offset = sum((-n for a, n in offsets.items() if accounts.role(a) is not None), ZERO) + ZERO
    internal = 0
    for txn in canteen_transactions(entries, accounts, period.year_start, period.last):
        inside = [accounts.role(p.account) is not None for p in txn.postings]
        if any(inside) and not all(inside):
            internal += 1
    return Notes(period, tuple(money), tuple(fixed), tuple(canteen), net, internal, offset)
