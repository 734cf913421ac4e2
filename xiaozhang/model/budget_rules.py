"""平行记账规则表 (`custom "budget-rule"`): the lines, their reading and lookup, the default table.

The table is the school's policy (ledger/policy.beancount), dated and editable; how a line is
read is documented in `xiaozhang.model.budget` and docs/budget-accounting.md §3.  The example
school writes `default_rules_text()` (from `DEFAULT_RULES`) into its policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart

RULE_DIRECTIVE = "budget-rule"
IGNORE, HELD, TRANSIT = "不记", "代管", "在途"
KEYWORDS = (IGNORE, HELD, TRANSIT)
SIDES = {"借": True, "贷": False}
FUND_SUBS = (chart.FUND_BALANCE_QUOTA, chart.FUND_BALANCE_MONEY, chart.FUND_BALANCE_RECEIVABLE)
# The value of the GENERATED meta on budget entries (depreciation writes its own).
GENERATED_BY = "budget"
ZERO = Decimal(0)

# The default rule table: the example school writes it into policy.beancount; the
# accountant's ledger keeps it there (it is the school's policy, dated and editable).
DEFAULT_RULES: tuple[tuple[str, str, str | None, str], ...] = (
    # (financial account, target, side, note)
    (chart.CASH, chart.FUND_BALANCE_MONEY, None, "平行记账科目：库存现金"),
    (chart.BANK, chart.FUND_BALANCE_MONEY, None, "平行记账科目：银行存款"),
    ("Assets:1021其他货币资金", chart.FUND_BALANCE_MONEY, None, "平行记账科目：其他货币资金"),
    (chart.ZERO_BALANCE, chart.FUND_BALANCE_QUOTA, None, "平行记账科目：零余额账户用款额度"),
    (chart.RECEIVABLE_QUOTA, chart.FUND_BALANCE_RECEIVABLE, None,
     "财政应返还额度：年末注销、次年恢复、年末直接支付指标结余"),
    (chart.FISCAL_INCOME, chart.BUDGET_FISCAL_INCOME, None,
     "平行记账科目：财政拨款收入（授权支付额度到账、财政直接支付）"),
    (chart.PAYABLE_TO_TREASURY, HELD, None, "应缴财政款：应上缴财政专户的款项，不纳入部门预算管理"),
    (chart.AGENCY_FEES, HELD, None, "代收费：代收代付款项，不是学校的收入"),
    (chart.SUSPENSE, HELD, None, "待查款项：查明前不记预算会计"),
    ("Liabilities:2901受托代理负债", HELD, None, "受托代理负债"),
    ("Assets:1218其他应收款", TRANSIT, None, "暂付款：付出时不记，报销时列支（7201 制度 四（四））"),
    (chart.FEES_IN_TRANSIT, TRANSIT, None, "缴费待到账"),
    (chart.TRANSFERS_IN_TRANSIT, TRANSIT, None, "本校账户之间的划转"),
    (chart.ACCUMULATED_SURPLUS, IGNORE, None, "期初建账：预算会计期初余额另记（衔接规定 三）"),
    (chart.CURRENT_SURPLUS, IGNORE, None, "年末结转（本期盈余）：不生成预算会计分录，预算会计另行结转"),
    (chart.YEAR_SURPLUS_DISTRIBUTION, IGNORE, None, "年末结转（本年盈余分配）：不生成预算会计分录"),
    ("Income:4101事业收入", chart.BUDGET_OPERATING_INCOME, None, "事业收入（财政专户返还、服务性收费）"),
    (chart.MEAL_INCOME, chart.BUDGET_CANTEEN_INCOME, None, "食堂伙食费"),
    (chart.STAFF_MEAL_INCOME, chart.BUDGET_CANTEEN_INCOME, None, "食堂伙食费"),
    ("Income:4201上级补助收入", "Equity:6201上级补助预算收入", None, "上级补助收入"),
    ("Income:4603捐赠收入", chart.BUDGET_DONATION_INCOME, None, "捐赠收入"),
    (chart.INTEREST_INCOME, chart.BUDGET_INTEREST_INCOME, None, "利息收入"),
    (chart.RENT_INCOME, chart.BUDGET_RENT_INCOME, None, "租金收入"),
    ("Income:4609其他收入", chart.BUDGET_MISC_INCOME, None, "其他收入"),
    (chart.CANTEEN_OTHER_INCOME, chart.BUDGET_CANTEEN_INCOME, None, "食堂其他收入（结算户利息等）"),
    (chart.MEAL_CARDS, chart.BUDGET_CANTEEN_INCOME, None,
     "饭卡充值、退款：食堂的现金收入（补充规定 三：食堂净预算收入）"),
    (chart.STAFF_MEAL_CARDS, chart.BUDGET_CANTEEN_INCOME, None, "教职工饭卡充值、退款"),
    ("Liabilities:2305预收账款", chart.BUDGET_OPERATING_INCOME, None, "预收账款：收到时记预算收入"),
    ("Assets:1212应收账款", chart.BUDGET_OPERATING_INCOME, None, "应收账款：收回时记预算收入"),
    (chart.OPERATING_EXPENSES, chart.BUDGET_OPERATING_SPENDING, None, "业务活动费用：支付时列事业支出"),
    ("Expenses:5101单位管理费用", chart.BUDGET_OPERATING_SPENDING, None, "单位管理费用"),
    (chart.CANTEEN_COST, chart.BUDGET_CANTEEN_SPENDING, None, "食堂伙食成本"),
    (chart.ASSET_DISPOSAL_EXPENSE, chart.BUDGET_OTHER_SPENDING, None, "资产处置费用（支付的处置费）"),
    ("Expenses:5901其他费用", chart.BUDGET_OTHER_SPENDING, None, "其他费用"),
    ("Expenses:5901其他费用:590101银行手续费", chart.BUDGET_OPERATING_SPENDING, None,
     "银行手续费（补充规定 附表1：手续费）"),
    (chart.FIXED_ASSETS, chart.BUDGET_OPERATING_SPENDING, None, "购置固定资产：支付时列事业支出"),
    ("Assets:1611工程物资", chart.BUDGET_OPERATING_SPENDING, None, "工程物资"),
    ("Assets:1613在建工程", chart.BUDGET_OPERATING_SPENDING, None, "在建工程"),
    ("Assets:1701无形资产", chart.BUDGET_OPERATING_SPENDING, None, "无形资产"),
    ("Assets:1302库存物品", chart.BUDGET_OPERATING_SPENDING, None, "库存物品：购入时列支"),
    (chart.FOOD_STOCK, chart.BUDGET_CANTEEN_SPENDING, None, "食堂食材：购入时列食堂支出"),
    ("Assets:1214预付账款", chart.BUDGET_OPERATING_SPENDING, None, "预付账款：支付时列支"),
    (chart.PAYROLL, chart.BUDGET_OPERATING_SPENDING, None, "应付职工薪酬：支付时列支（计提时不记）"),
    (chart.ACCOUNTS_PAYABLE, chart.BUDGET_OPERATING_SPENDING, None, "应付账款：支付时列支"),
    (chart.CANTEEN_PAYABLE, chart.BUDGET_CANTEEN_SPENDING, None, "食堂应付货款：支付时列食堂支出"),
    ("Liabilities:2102其他应交税费", chart.BUDGET_OPERATING_SPENDING, None, "代扣代缴税费：缴纳时列支"),
)
RULES_SINCE = dt.date(2019, 1, 1)  # 政府会计制度 in force


def default_rules_text(since: dt.date = RULES_SINCE) -> str:
    """The default table as `custom "budget-rule"` lines dated `since` (the example school
    writes them with the date of its other policies)."""
    lines = []
    for account, target, side, note in DEFAULT_RULES:
        lines.append(f'{since} custom "{RULE_DIRECTIVE}" "{account}" "{target}"')
        if side:
            lines.append(f'  side: "{side}"')
        lines.append(f'  note: "{note}"')
    return "\n".join(lines) + "\n"


# -- the table -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    account: str
    target: str  # a budget account or a keyword
    since: dt.date
    debit: bool | None  # None: both sides
    entry: data.Custom | None = None
    # derived once (see `__post_init__`): the budget account a posting maps to (None: 不记),
    # and whether the account is a 平行记账科目 (or 代管 / 在途): a posting on it makes the
    # entry a cash movement
    image: str | None = field(default=None, compare=False)
    is_cash: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.target in (HELD, TRANSIT):
            image = chart.FUND_BALANCE_MONEY
        else:
            image = None if self.target == IGNORE else self.target
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "is_cash", image is not None and (
            image in FUND_SUBS or image == chart.BUDGET_FISCAL_INCOME))

    @property
    def keyword(self) -> str | None:
        return self.target if self.target in KEYWORDS else None


class RuleProblem(NamedTuple):
    entry: data.Custom
    message: str


class RuleTable:
    """The dated lines, looked up per account (cached) and date."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self._accounts = sorted({r.account for r in rules}, key=len, reverse=True)
        self._cache: dict[str, list[Rule]] = {}
        self._static: dict[str, Rule | None] = {}
        self.first = dt.date.min  # the first date of the books (set by the walk)
        self.government: tuple[str, ...] = ()  # 4001 accounts marked government_fund (the walk)

    def candidates(self, account: str) -> list[Rule]:
        """The lines that can apply to `account`: most specific account first, then latest
        first, then a one-sided line before a line for both sides of the same date."""
        found = self._cache.get(account)
        if found is None:
            found = []
            for prefix in self._accounts:
                if account == prefix or account.startswith(prefix + ":"):
                    found += sorted((r for r in self.rules if r.account == prefix),
                                    key=lambda r: (r.since, r.debit is not None), reverse=True)
            self._cache[account] = found
        return found

    def static(self, account: str) -> Rule | None:
        """The one line that applies to `account` whatever the date and side (None: it
        depends on them, or no line applies), cached: the walk's fast path."""
        found = self._static.get(account, False)
        if found is False:
            candidates = self.candidates(account)
            first = self.first
            found = None
            if candidates and candidates[0].since <= first and not any(
                    r.debit is not None for r in candidates if r.account == candidates[0].account):
                found = candidates[0]  # the most specific line, in force from the start
            self._static[account] = found
        return found

    def lookup(self, account: str, date: dt.date, debit: bool) -> Rule | None:
        for rule in self.candidates(account):
            if rule.since <= date and (rule.debit is None or rule.debit == debit):
                return rule
        return None

    def may_be_cash(self, account: str) -> bool:
        return any(r.is_cash for r in self.candidates(account))

    def accounts_of(self, sub: str) -> list[str]:
        """The financial accounts (lines) mapped to an 8001 sub-account, for the documents."""
        return sorted({r.account for r in self.rules if r.image == sub})


def read_rules(customs: list[data.Custom]) -> tuple[RuleTable, list[RuleProblem]]:
    rules, problems = [], []
    seen: set[tuple[str, bool | None, dt.date]] = set()
    for entry in customs:
        values = [v.value for v in entry.values]
        side_text = entry.meta.get("side")
        if len(values) != 2 or not all(isinstance(v, str) for v in values):
            problems.append(RuleProblem(entry, "应写两个文本：财务会计科目、预算会计科目（或 "
                                        "\"代管\" \"在途\" \"不记\"）"))
            continue
        account, target = values
        if chart.is_budget_account(account) or not account.split(":")[0] in (
                "Assets", "Liabilities", "Equity", "Income", "Expenses"):
            problems.append(RuleProblem(entry, f"第一个取值应为财务会计科目，实际为 \"{account}\""))
            continue
        if target not in KEYWORDS and not chart.is_budget_account(target):
            problems.append(RuleProblem(entry, (
                f"第二个取值应为预算会计科目（Equity:6xxx/7xxx/8xxx）或 \"代管\" \"在途\" \"不记\"，"
                f"实际为 \"{target}\"")))
            continue
        if side_text is not None and side_text not in SIDES:
            problems.append(RuleProblem(entry, f"side 应为 \"借\" 或 \"贷\"，实际为 \"{side_text}\""))
            continue
        debit = SIDES.get(side_text) if side_text is not None else None
        key = (account, debit, entry.date)
        if key in seen:
            problems.append(RuleProblem(entry, f"科目 {account} 在 {entry.date} 已有一行，同一天只能写一行"))
            continue
        seen.add(key)
        rules.append(Rule(account, target, entry.date, debit, entry))
    return RuleTable(rules), problems
