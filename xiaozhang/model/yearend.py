"""年末结转（year-end carry-forward）: the rule table of both sides, and the entries it makes.

The 制度 wants the year-end 结转 recorded as vouchers (Beancount's own summarize/close only
reshape reports).  `xiaozhang close year 2025` asks `carry(...)` for the 结转 entries of a year
and writes them as a file the accountant reviews and includes (docs/close.md).

The rules (`RULES`), applied in order, each on the balances left by the rules before it:

    side      rule                                   from (balances at 12-31)        to
    财务会计  食堂收支转食堂伙食结余 (canteen)      the canteen's Income:/Expenses:  300101 食堂伙食结余
    财务会计  收入转本期盈余       (3301 二(一))     Income: (4xxx, not the canteen's) 3301 本期盈余
    财务会计  费用转本期盈余       (3301 二(一))     Expenses: (5xxx, not the canteen's) 3301 本期盈余
    财务会计  本期盈余转本年盈余分配 (3301 二(二))   3301                            3302 本年盈余分配
    财务会计  本年盈余分配转累计盈余 (3302 二(三))   3302                            3001 累计盈余
    财务会计  无偿调拨净资产转累计盈余 (3001 二(二)) 3401                            3001 累计盈余
    财务会计  以前年度盈余调整转累计盈余 (3001 二(四)) 3501                          3001 累计盈余

The canteen keeps its own books (食堂独立核算, accounts opened `canteen: TRUE` and their
sub-accounts, docs/canteen.md): every entry balances among its accounts (rule CT01), and its
result is its own accumulated 结余 (`chart.CANTEEN_EQUITY`, a sub-account of 3001).  So its
income and expenses are carried straight to 300101 in an entry of their own, and the school's
chain 3301 → 3302 → 3001 carries the rest.

The budget side (预算会计, 6xxx/7xxx → 8xxx) plugs in as more rows of the same table
(`BUDGET_RULES`, filled when the budget chart exists).

Every entry carries `year-end: "2025"`; the closing rule leaves such entries dated 12-31 out
of December's digest and checks them against the year's `custom "year-close"` record instead.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.closing import YEAR_END_KEY

FINANCIAL = "财务会计"
BUDGET = "预算会计"
ZERO = Decimal(0)


class Rule(NamedTuple):
    side: str
    title: str  # the entry's narration
    sources: tuple[str, ...]  # account prefixes whose balances are carried
    target: str
    basis: str  # the 制度's article, quoted in docs/close.md
    canteen: str = "any"  # "only": the canteen's accounts; "not": all but the canteen's


RULES: tuple[Rule, ...] = (
    Rule(FINANCIAL, "年末结转：食堂本年收入、费用转入食堂伙食结余", ("Income:", "Expenses:"),
         chart.CANTEEN_EQUITY, "食堂独立核算（docs/canteen.md）", canteen="only"),
    Rule(FINANCIAL, "年末结转：本年收入转入本期盈余", ("Income:",), chart.CURRENT_SURPLUS,
         "3301 本期盈余 二（一）", canteen="not"),
    Rule(FINANCIAL, "年末结转：本年费用转入本期盈余", ("Expenses:",), chart.CURRENT_SURPLUS,
         "3301 本期盈余 二（一）", canteen="not"),
    Rule(FINANCIAL, "年末结转：本期盈余转入本年盈余分配", (chart.CURRENT_SURPLUS,),
         chart.YEAR_SURPLUS_DISTRIBUTION, "3301 本期盈余 二（二）"),
    Rule(FINANCIAL, "年末结转：本年盈余分配转入累计盈余", (chart.YEAR_SURPLUS_DISTRIBUTION,),
         chart.ACCUMULATED_SURPLUS, "3302 本年盈余分配 二（三）"),
    Rule(FINANCIAL, "年末结转：无偿调拨净资产转入累计盈余", (chart.FREE_TRANSFER_EQUITY,),
         chart.ACCUMULATED_SURPLUS, "3001 累计盈余 二（二）"),
    Rule(FINANCIAL, "年末结转：以前年度盈余调整转入累计盈余", (chart.PRIOR_YEAR_ADJUSTMENT,),
         chart.ACCUMULATED_SURPLUS, "3001 累计盈余 二（四）"),
)
BUDGET_RULES: tuple[Rule, ...] = ()


class Carry(NamedTuple):
    """One 结转 entry: its rule and postings (account, number, currency)."""

    rule: Rule
    date: dt.date
    postings: tuple[tuple[str, Decimal, str], ...]


def balances_at(entries: list, day: dt.date) -> dict[tuple[str, str], Decimal]:
    """Every account's balance per currency at the end of `day` (all entries: written and
    generated)."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for entry in entries:
        if type(entry) is not data.Transaction or entry.date > day:
            continue
        for posting in entry.postings:
            units = posting.units
            if units is not None and units.number is not None:
                sums[(posting.account, units.currency)] += units.number
    return sums


def canteen_accounts(opens: list) -> tuple[str, ...]:
    """The canteen's own accounts: opened with `canteen: TRUE` (their sub-accounts included)."""
    return tuple(e.account for e in opens if e.meta and e.meta.get("canteen") is True)


def carry(entries: list, year: int, canteen: tuple[str, ...], rules=RULES) -> list[Carry]:
    """The 结转 entries of `year` by `rules`, each rule on the balances the ones before it left."""
    day = dt.date(year, 12, 31)
    balances = balances_at(entries, day)
    made: list[Carry] = []
    for rule in rules:
        per_currency: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        for (account, currency), amount in sorted(balances.items()):
            if amount and account.startswith(rule.sources) and _selected(rule, account, canteen):
                per_currency[currency].append((account, amount))
        for currency, legs in sorted(per_currency.items()):
            total = sum((amount for _, amount in legs), ZERO)
            postings = [(account, -amount, currency) for account, amount in legs]
            if total:
                postings.append((rule.target, total, currency))
            for account, number, cur in postings:
                balances[(account, cur)] += number
            made.append(Carry(rule, day, tuple(postings)))
    return made


def _selected(rule: Rule, account: str, canteen: tuple[str, ...]) -> bool:
    if rule.canteen == "any":
        return True
    return _under(account, canteen) == (rule.canteen == "only")


def _under(account: str, roots: tuple[str, ...]) -> bool:
    return any(account == root or account.startswith(root + ":") for root in roots)


def render(carries: list[Carry], year: int) -> str:
    """The 结转 entries as ledger text (one transaction per rule and currency)."""
    blocks = []
    for item in carries:
        width = max(len(account) for account, _, _ in item.postings) + 4
        lines = [f'{item.date} * "{item.rule.title}"',
                 f'  {YEAR_END_KEY}: "{year}"',
                 f'  basis: "政府会计制度 {item.rule.basis}"']
        for account, number, currency in item.postings:
            lines.append(f"  {account:<{width}}{number:>16} {currency}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def open_balances(entries: list, year: int, prefixes: tuple[str, ...] = ("Income:", "Expenses:")
                  ) -> dict[tuple[str, str], Decimal]:
    """Non-zero balances of the given accounts at the end of the year before `year` (a year
    not carried forward leaves income and expenses there)."""
    return {key: amount for key, amount in balances_at(entries, dt.date(year - 1, 12, 31)).items()
            if amount and key[0].startswith(prefixes)}
