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

The budget side (预算会计, 6xxx/7xxx → 8xxx; accounts of the budget block of `xiaozhang.chart`)
is the same table's other rows (`BUDGET_RULES`), after the financial ones:

    预算会计  财政拨款收支转财政拨款结转 (8101 三(三)1)  6001, 720101 财政拨款支出   810106 本年收支结转
    预算会计  非财政专项支出转非财政拨款结转 (8201 三(四)) 720102                   820104 本年收支结转
    预算会计  经营收支转经营结余 (8401 三(一))           6401, 7301                8401 经营结余
    预算会计  其他预算收支转其他结余 (8501 二(一); 食堂净预算收入, 补充规定 三) the other 6xxx/7xxx   8501
    预算会计  财政拨款结转明细转累计结转 (8101 三(三)2)    810101–810106            810107 累计结转
    预算会计  财政拨款结余明细转累计结余 (8102 三(三)2)    810201–810204            810205 累计结余
    预算会计  非财政拨款结转明细转累计结转 (8201 三(五))   820101–820104            820105 累计结转
    预算会计  其他结余转非财政拨款结余分配 (8501 二(二))   8501                     8701
    预算会计  经营结余贷方余额转非财政拨款结余分配 (8401 三(二)) 8401 (a credit only: a loss stays) 8701
    预算会计  非财政拨款结余分配转累计结余 (8701 二(三))   8701                     820204 累计结余
    预算会计  非财政拨款结余明细转累计结余 (8202 三(五))   820201–820203            820204 累计结余

Not automated (the accountant's judgement, written by hand before `close year`): moving a
finished project's 结转 into 结余 (8101 三(三)3, 8201 三(六)), the 提取 of 专用结余 (8301 三（一）, 借 8701)
and 专用基金 (3101 三（一）, 借 3302), whose amounts the rules of the school's funds set.
The financial 结转 entries are not budget-accounted: the 平行记账 table maps 3301 and 3302 to
"不记" (`budget_rules.DEFAULT_RULES`, in the ledger's policy); `missing_rules` names the lines a
ledger's table lacks, and `close year` refuses until they are added (no generated file carries
rules).

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

YEAR_END_FOLDER = "年结"  # beside main.beancount, outside the year globs: included by hand
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
    credit_only: bool = False  # carry only a credit balance (8401 三（二）: a loss stays)


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

def _subs(parent: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{parent}:{code}" for code in codes)


_FISCAL_CARRY = f"{chart.FISCAL_CARRYOVER}:810106本年收支结转"
_NON_FISCAL_CARRY = f"{chart.NON_FISCAL_CARRYOVER}:820104本年收支结转"
_BUSINESS = ("Equity:6401", "Equity:7301")  # 经营预算收入, 经营支出 (code roots)
BUDGET_RULES: tuple[Rule, ...] = (
    Rule(BUDGET, "年末结转：财政拨款预算收入、财政拨款支出转入财政拨款结转",
         (chart.BUDGET_FISCAL_INCOME, chart.BUDGET_SPENDING_FISCAL), _FISCAL_CARRY, "8101 财政拨款结转 三（三）1"),
    Rule(BUDGET, "年末结转：非财政拨款专项资金支出转入非财政拨款结转",
         (chart.BUDGET_SPENDING_PROJECT,), _NON_FISCAL_CARRY, "8201 非财政拨款结转 三（四）"),
    Rule(BUDGET, "年末结转：经营预算收入、经营支出转入经营结余", _BUSINESS, chart.BUSINESS_SURPLUS,
         "8401 经营结余 三（一）"),
    Rule(BUDGET, "年末结转：其他预算收入、支出（含食堂净预算收入）转入其他结余",
         ("Equity:6", "Equity:7"), chart.OTHER_SURPLUS, "8501 其他结余 二（一）；中小学校补充规定 三"),
    Rule(BUDGET, "年末结转：财政拨款结转各明细转入累计结转",
         _subs(chart.FISCAL_CARRYOVER, ("810101", "810102", "810103", "810104", "810105", "810106")),
         f"{chart.FISCAL_CARRYOVER}:810107累计结转", "8101 财政拨款结转 三（三）2"),
    Rule(BUDGET, "年末结转：财政拨款结余各明细转入累计结余",
         _subs(chart.FISCAL_SURPLUS, ("810201", "810202", "810203", "810204")),
         f"{chart.FISCAL_SURPLUS}:810205累计结余", "8102 财政拨款结余 三（三）2"),
    Rule(BUDGET, "年末结转：非财政拨款结转各明细转入累计结转",
         _subs(chart.NON_FISCAL_CARRYOVER, ("820101", "820102", "820103", "820104")),
         f"{chart.NON_FISCAL_CARRYOVER}:820105累计结转", "8201 非财政拨款结转 三（五）"),
    Rule(BUDGET, "年末结转：其他结余转入非财政拨款结余分配", (chart.OTHER_SURPLUS,),
         chart.SURPLUS_DISTRIBUTION, "8501 其他结余 二（二）"),
    Rule(BUDGET, "年末结转：经营结余（贷方余额）转入非财政拨款结余分配", (chart.BUSINESS_SURPLUS,),
         chart.SURPLUS_DISTRIBUTION, "8401 经营结余 三（二）；8701 非财政拨款结余分配 二（一）", credit_only=True),
    Rule(BUDGET, "年末结转：非财政拨款结余分配转入非财政拨款结余（累计结余）", (chart.SURPLUS_DISTRIBUTION,),
         f"{chart.NON_FISCAL_SURPLUS}:820204累计结余", "8701 非财政拨款结余分配 二（三）"),
    Rule(BUDGET, "年末结转：非财政拨款结余各明细转入累计结余",
         _subs(chart.NON_FISCAL_SURPLUS, ("820201", "820202", "820203")),
         f"{chart.NON_FISCAL_SURPLUS}:820204累计结余", "8202 非财政拨款结余 三（五）"),
)
# The financial 结转 moves no money: the 平行记账 table must not derive budget entries from it.
NOT_BUDGET_ACCOUNTED = (chart.CURRENT_SURPLUS, chart.YEAR_SURPLUS_DISTRIBUTION)


def missing_rules(table, year: int) -> list[str]:
    """The `custom "budget-rule"` lines the ledger's 平行记账 table lacks for the financial 结转
    to stay out of the budget side (empty when the table has them, or keeps no budget side)."""
    from xiaozhang.model.budget_rules import IGNORE, RULE_DIRECTIVE

    if not table.rules:
        return []
    day = dt.date(year, 12, 31)
    missing = []
    for account in NOT_BUDGET_ACCOUNTED:
        found = [table.lookup(account, day, debit) for debit in (True, False)]
        if any(rule is None or rule.target != IGNORE for rule in found):
            missing.append(f'2019-01-01 custom "{RULE_DIRECTIVE}" "{account}" "{IGNORE}"')
    return missing


# 年末注销 of the unused 零余额账户用款额度 (1011 二（四）: “年末，根据代理银行提供的对账单作注销额度的
# 相关账务处理，借记‘财政应返还额度——财政授权支付’科目，贷记本科目”; 1011 三: “年末注销单位零余额账户
# 用款额度后，本科目应无余额”), with its budget side in the same entry (8001: 零余额账户用款额度 →
# 财政应返还额度), so the 平行记账 generator leaves it alone.  次年恢复 is the next year's entry.
CANCEL_QUOTA = Rule(f"{FINANCIAL}、{BUDGET}", "年末注销未使用的零余额账户用款额度，转入财政应返还额度",
                    (chart.code_root(chart.ZERO_BALANCE),), chart.RECEIVABLE_QUOTA,
                    "1011 零余额账户用款额度 二（四）、三；1201 财政应返还额度")


def cancel_quota(entries: list, year: int, budget: bool) -> list["Carry"]:
    """The 年末注销 entry of `year` when 1011 has a balance at 31 December (one per currency):
    借 1201 / 贷 1011 and, when the ledger keeps a budget side, 借 800103 / 贷 800101."""
    day = dt.date(year, 12, 31)
    per_currency: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for (account, currency), amount in sorted(balances_at(entries, day).items()):
        if amount and account.startswith(CANCEL_QUOTA.sources):
            per_currency[currency].append((account, amount))
    made = []
    for currency, legs in sorted(per_currency.items()):
        total = sum((amount for _, amount in legs), ZERO)
        if not total:
            continue
        postings = [(CANCEL_QUOTA.target, total, currency)]
        postings += [(account, -amount, currency) for account, amount in legs]
        if budget:
            postings += [(chart.FUND_BALANCE_RECEIVABLE, total, currency),
                         (chart.FUND_BALANCE_QUOTA, -total, currency)]
        made.append(Carry(CANCEL_QUOTA, day, tuple(postings)))
    return made


def quota_left(month_end: dt.date, balances: dict) -> dict:
    """December's closing balances without a non-zero 1011 (the year-end file's 注销 moves it and
    asserts zero instead): a month's balances unchanged."""
    if (month_end.month, month_end.day) != (12, 31):
        return balances
    return {key: amount for key, amount in balances.items()
            if not (amount and key[0].startswith(CANCEL_QUOTA.sources))}


def restore_note(carries: list["Carry"], year: int) -> str:
    """Comment lines of the 结转 file: the 次年恢复 of the 注销 it writes is `new-year`'s."""
    lines = []
    for item in carries:
        if item.rule is not CANCEL_QUOTA:
            continue
        amount, currency = item.postings[0][1], item.postings[0][2]
        lines += [f"; 次年恢复额度 {amount} {currency}：由 xiaozhang new-year {year + 1} 写入新年度账本（{year + 1}-01-01，"
                  f"两边：借 1011 / 贷 1201，借 800101 / 贷 800103）；",
                  "; 新年度账中已记恢复的，不再重复。"]
    return "\n".join(lines) + "\n\n" if lines else ""


# 次年恢复 (1011 二（四）: “下年初，单位根据代理银行提供的上年度注销额度恢复到账通知书作恢复额度的相关
# 账务处理，借记本科目，贷记‘财政应返还额度——财政授权支付’科目”; 8001 三（八）: “下年初……借记本科目
# （零余额账户用款额度），贷记本科目（财政应返还额度）”), written by `new-year` into the new working year.
# The 财政直接支付 结余 has no restoration (1201 三（一）: used straight from 1201 when paid): it stays in
# 1201's opening balance.
RESTORE_QUOTA = Rule(f"{FINANCIAL}、{BUDGET}", "恢复上年末注销的零余额账户用款额度",
                     (chart.RECEIVABLE_QUOTA,), chart.ZERO_BALANCE,
                     "1011 零余额账户用款额度 二（四）；1201 财政应返还额度 三（二）；8001 资金结存 三（八）")


def _quota_moves(entries: list, first: dt.date, last: dt.date, sign: int) -> dict[str, Decimal]:
    """Per currency, what the transactions dated first..last move between 1011 and 1201:
    sign 1: from 1011 to 1201 (注销), -1: back (恢复); each entry counts the smaller side."""
    root, receivable_root = chart.code_root(chart.ZERO_BALANCE), chart.code_root(chart.RECEIVABLE_QUOTA)
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if type(entry) is not data.Transaction or not first <= entry.date <= last:
            continue
        quota: dict[str, Decimal] = defaultdict(Decimal)
        receivable: dict[str, Decimal] = defaultdict(Decimal)
        for posting in entry.postings:
            units = posting.units
            if units is None or units.number is None:
                continue
            if posting.account.startswith(root):
                quota[units.currency] -= sign * units.number
            elif posting.account.startswith(receivable_root):
                receivable[units.currency] += sign * units.number
        for currency in quota.keys() & receivable.keys():
            amount = min(quota[currency], receivable[currency])
            if amount > 0:
                moved[currency] += amount
    return moved


def restore_quota(entries: list, year: int, budget: bool) -> list["Carry"]:
    """The 次年恢复 entries of `year` (dated 1 January): per currency, the quota cancelled on 31
    December of the year before (the accountant's 注销 or the 结转 file's) less what the entries of
    `year` already restore; 借 1011 / 贷 1201 and, with a budget side, 借 800101 / 贷 800103."""
    end = dt.date(year - 1, 12, 31)
    cancelled = _quota_moves(entries, end, end, 1)
    restored = _quota_moves(entries, dt.date(year, 1, 1), dt.date(year, 12, 31), -1)
    made = []
    for currency, amount in sorted(cancelled.items()):
        left = amount - restored.get(currency, ZERO)
        if left <= 0:
            continue
        postings = [(chart.ZERO_BALANCE, left, currency), (chart.RECEIVABLE_QUOTA, -left, currency)]
        if budget:
            postings += [(chart.FUND_BALANCE_QUOTA, left, currency), (chart.FUND_BALANCE_RECEIVABLE, -left, currency)]
        made.append(Carry(RESTORE_QUOTA, dt.date(year, 1, 1), tuple(postings)))
    return made


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
            if amount and account.startswith(rule.sources) and _selected(rule, account, canteen) \
                    and not (rule.credit_only and amount > 0):
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
        if item.rule is CANCEL_QUOTA:  # 1011 三: no balance after 注销 (December's record leaves it out)
            lines += ["", *(f"{dt.date(year + 1, 1, 1)} balance {account}  0 {currency}"
                            for account, number, currency in item.postings
                            if account.startswith(CANCEL_QUOTA.sources))]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def open_balances(entries: list, year: int, prefixes: tuple[str, ...] = ("Income:", "Expenses:")
                  ) -> dict[tuple[str, str], Decimal]:
    """Non-zero balances of the given accounts at the end of the year before `year` (a year
    not carried forward leaves income and expenses there)."""
    return {key: amount for key, amount in balances_at(entries, dt.date(year - 1, 12, 31)).items()
            if amount and key[0].startswith(prefixes)}
