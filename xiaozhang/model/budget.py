"""平行记账: the rule table (`custom "budget-rule"`) and the budget side derived from it.

`SchoolBooks.of(entries).budget` (`BudgetBook.build`) reads the rule table of the ledger's
policy once and walks the transactions that touch a 平行记账科目 (cash) once:

The rule table (docs/budget-accounting.md)
    `2019-01-01 custom "budget-rule" "<financial account>" "<budget account or keyword>"`,
    optional `side: "借"` / `"贷"` (the line applies to debits / credits only), `note`.
    The longest matching account (the account itself or a parent) in force on the date wins;
    a later line for the same account and side replaces an earlier one from its date.
    Targets:
    - an 8001 资金结存 sub-account (or 6001 财政拨款预算收入): the account is a 平行记账科目 —
      a transaction with a posting on it is a cash movement that the budget side follows;
    - keyword `代管` (money held for others: 2103 应缴财政款, 230701 代收费 …) or `在途` (the
      school's money on its way: 121801 缴费待到账, 121802 资金划转在途, 1218 暂付款): counted with
      资金结存——货币资金, so collecting or paying them on moves no budget account;
    - keyword `不记`: the whole transaction is not budget-accounted (期初建账 against 3001);
    - any other budget account (6xxx 预算收入, 7xxx 预算支出): the counterpart's budget image.

Derivation (one transaction)
    Every posting is mapped by the table with its own sign: cash accounts to their 8001
    sub-account, 代管 / 在途 to 8001 货币资金, 4001 to 6001 (600101 基本支出 / 600102 项目支出),
    7201 事业支出 to 720101 财政拨款支出 / 720102 非财政专项资金支出 / 720103 其他资金支出 by
    the funding source (`xiaozhang.model.dimensions`), other targets as written.  The images of
    one budget account net out (a transfer between the school's own accounts gives nothing);
    what is left is the budget entry (it balances because the transaction does).  Nothing is
    derived when no posting is on a 平行记账科目 (accruals, depreciation, stock issues), when a
    posting's line is `不记`, or when the transaction already carries budget postings (a
    hand-written budget entry, 单凭证: its budget postings must balance among themselves).
    A transaction on a 平行记账科目 with a posting no line covers is `Unclassified` (YS01).

资金结存 invariant (at every month end)
    For each 8001 sub-account: its balance (generated and hand-written budget postings) equals
    the balance of the financial accounts the table maps to it — 800101 ↔ 1011, 800103 ↔ 1201,
    800102 ↔ 1001 + 1002 + 1021 + the 代管 and 在途 accounts (whose credit balances reduce it).
    `months` holds both sides per month end; `breaks` the first month end each sub-account
    differs, with the day the difference arose and the entry of that day (YS02).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model import dimensions as dim
from xiaozhang.model.generated import GENERATED
from xiaozhang.model.periods import month_end

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


def default_rules_text() -> str:
    """The default table as `custom "budget-rule"` lines (written by the example generator)."""
    lines = []
    for account, target, side, note in DEFAULT_RULES:
        lines.append(f'{RULES_SINCE} custom "{RULE_DIRECTIVE}" "{account}" "{target}"')
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

    @property
    def keyword(self) -> str | None:
        return self.target if self.target in KEYWORDS else None

    @property
    def image(self) -> str | None:
        """The budget account a posting maps to (None: 不记)."""
        if self.target in (HELD, TRANSIT):
            return chart.FUND_BALANCE_MONEY
        return None if self.target == IGNORE else self.target

    @property
    def is_cash(self) -> bool:
        """A 平行记账科目 (or 代管 / 在途): a posting on it makes the entry a cash movement."""
        image = self.image
        return image is not None and (image in FUND_SUBS or image == chart.BUDGET_FISCAL_INCOME)


class RuleProblem(NamedTuple):
    entry: data.Custom
    message: str


class RuleTable:
    """The dated lines, looked up per account (cached) and date."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self._accounts = sorted({r.account for r in rules}, key=len, reverse=True)
        self._cache: dict[str, list[Rule]] = {}

    def candidates(self, account: str) -> list[Rule]:
        """The lines that can apply to `account`, most specific account first, latest first."""
        found = self._cache.get(account)
        if found is None:
            found = []
            for prefix in self._accounts:
                if account == prefix or account.startswith(prefix + ":"):
                    found += sorted((r for r in self.rules if r.account == prefix),
                                    key=lambda r: r.since, reverse=True)
            self._cache[account] = found
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


# -- derivation ----------------------------------------------------------------------------------
class BudgetLine(NamedTuple):
    account: str
    number: Decimal
    currency: str
    meta: tuple[tuple[str, str], ...]  # func, econ, kind, budget_project, budget_class, fund


class Derived(NamedTuple):
    source: data.Transaction
    lines: tuple[BudgetLine, ...]
    # (financial account, budget account or None, number) of every posting: the 差异调节表
    pairs: tuple[tuple[str, str | None, Decimal], ...]


class Unclassified(NamedTuple):
    txn: data.Transaction
    postings: tuple[data.Posting, ...]


class UnbalancedManual(NamedTuple):
    txn: data.Transaction
    residual: Decimal


class Break(NamedTuple):
    month_end: dt.date
    sub: str
    budget: Decimal
    financial: Decimal
    first_day: dt.date
    txn: data.Transaction | None


class MonthState(NamedTuple):
    month_end: dt.date
    rows: tuple[tuple[str, Decimal, Decimal], ...]  # (8001 sub, budget, financial)

    @property
    def holds(self) -> bool:
        return all(b == f for _, b, f in self.rows)


def _has_budget_postings(txn: data.Transaction) -> bool:
    roots = chart.BUDGET_ROOTS
    return any(p.account.startswith(roots) for p in txn.postings)


def derive(txn: data.Transaction, table: RuleTable, policy) -> Derived | Unclassified | None:
    """The budget image of one financial transaction (module docstring), or None."""
    mapped = []
    missing = []
    cash = False
    for posting in txn.postings:
        number = posting.units.number
        if number is None or number == ZERO:
            continue
        rule = table.lookup(posting.account, txn.date, number > ZERO)
        if rule is None:
            missing.append(posting)
            continue
        if rule.target == IGNORE:
            return None
        cash = cash or rule.is_cash
        mapped.append((posting, rule.image))
    if not cash:
        return None
    if missing:
        return Unclassified(txn, tuple(missing))
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    pairs = []
    personnel = None
    for posting, image in mapped:
        number = posting.units.number
        pairs.append((posting.account, image, number))
        meta: tuple = ()
        account = image
        if image == chart.BUDGET_OPERATING_SPENDING:
            source = dim.funding_source(txn, posting)
            project = dim.project_of(txn, posting)
            nature = dim.fund_nature(source, project)
            account = {dim.FISCAL: chart.BUDGET_SPENDING_FISCAL,
                       dim.NON_FISCAL_PROJECT: chart.BUDGET_SPENDING_PROJECT}.get(
                nature, chart.BUDGET_SPENDING_OTHER)
            code = dim.economic_code(posting.account) or ""
            kind = dim.spending_kind(txn, posting)
            meta = (("func", dim.func_of(txn, posting, policy) or ""), ("econ", code),
                    ("kind", kind), ("budget_project", project or ""),
                    ("budget_class", dim.basic_class(code) if kind == dim.BASIC else ""),
                    ("fund", source or ""))
        elif image == chart.BUDGET_FISCAL_INCOME:
            kind = dim.spending_kind(txn, posting)
            account = chart.BUDGET_FISCAL_BASIC if kind == dim.BASIC else chart.BUDGET_FISCAL_PROJECT
            if personnel is None:
                personnel = _is_personnel(txn, table)
            meta = (("func", dim.func_of(txn, posting, policy) or ""), ("kind", kind),
                    ("budget_project", dim.project_of(txn, posting) or ""),
                    ("budget_class", (dim.PERSONNEL if personnel else dim.PUBLIC_USE)
                     if kind == dim.BASIC else ""))
        elif image.startswith("Equity:6"):
            meta = (("func", dim.func_of(txn, posting, policy) or ""),)
        sums[(account, posting.units.currency, meta)] += number
    lines = tuple(BudgetLine(a, n, c, m) for (a, c, m), n in sums.items() if n != ZERO)
    if not lines:
        return None
    return Derived(txn, lines, tuple(pairs))


def _is_personnel(txn: data.Transaction, table: RuleTable) -> bool:
    """6001 基本支出 of an entry: 人员经费 when every spending posting of it is 301 / 303
    (财政直接支付工资), else 日常公用经费 (授权支付额度到账); `budget_class` on the entry wins."""
    given = txn.meta.get("budget_class")
    if given in (dim.PERSONNEL, dim.PUBLIC_USE):
        return given == dim.PERSONNEL
    codes = [dim.economic_code(p.account) for p in txn.postings
             if p.units.number is not None and p.units.number > ZERO]
    codes = [c for c in codes if c]
    return bool(codes) and all(dim.basic_class(c) == dim.PERSONNEL for c in codes)


# -- the book ------------------------------------------------------------------------------------
@dataclass
class BudgetBook:
    table: RuleTable
    rule_problems: list[RuleProblem] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    unclassified: list[Unclassified] = field(default_factory=list)
    manual: list[data.Transaction] = field(default_factory=list)
    unbalanced: list[UnbalancedManual] = field(default_factory=list)
    months: list[MonthState] = field(default_factory=list)
    breaks: list[Break] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Budget accounting is on: the ledger has a rule table."""
        return bool(self.table.rules)

    @classmethod
    def build(cls, books) -> "BudgetBook":
        source = books.twin or books  # the rules' books: their index is already built
        index = source.index
        table, problems = read_rules(index.customs(RULE_DIRECTIVE))
        book = cls(table, problems)
        if not table.rules:
            return book
        wanted = index.mask_of(lambda a: chart.is_budget_account(a) or table.may_be_cash(a))
        txns = index.take(index.where(wanted)) if wanted else []
        book._walk(txns, books.policy, books.last_date)
        return book

    def _walk(self, txns: list, policy, last: dt.date | None) -> None:
        table = self.table
        fund_subs = FUND_SUBS
        # per day: (financial delta, budget delta) per 8001 sub; the first entry of the day
        days: dict[dt.date, list] = {}
        for txn in txns:
            if GENERATED in txn.meta:
                continue  # our own budget entries (a list after the plugin): the model has them
            day = days.get(txn.date)
            if day is None:
                day = days[txn.date] = [defaultdict(Decimal), defaultdict(Decimal), None]
            financial, budget = day[0], day[1]
            local: dict[str, Decimal] = {}  # financial less budget of this entry, per 8001 sub
            for posting in txn.postings:
                number = posting.units.number
                if number is None:
                    continue
                account = posting.account
                if account.startswith(chart.BUDGET_ROOTS):
                    for sub in fund_subs:
                        if account == sub or account.startswith(sub + ":"):
                            budget[sub] += number
                            local[sub] = local.get(sub, ZERO) - number
                    continue
                rule = table.lookup(account, txn.date, number > ZERO)
                if rule is not None and rule.image in fund_subs:
                    financial[rule.image] += number
                    local[rule.image] = local.get(rule.image, ZERO) + number
            if _has_budget_postings(txn):
                self.manual.append(txn)
                residual = sum((p.units.number for p in txn.postings
                                if p.units.number is not None
                                and p.account.startswith(chart.BUDGET_ROOTS)), ZERO)
                if residual != ZERO:
                    self.unbalanced.append(UnbalancedManual(txn, residual))
            else:
                result = derive(txn, table, policy)
                if isinstance(result, Derived):
                    self.derived.append(result)
                    for line in result.lines:
                        if line.account in fund_subs:
                            budget[line.account] += line.number
                            local[line.account] = local.get(line.account, ZERO) - line.number
                elif isinstance(result, Unclassified):
                    self.unclassified.append(result)
            if day[2] is None and any(local.values()):
                day[2] = txn  # the first entry of the day that moves the two sides apart
        self._months(days, last)

    def _months(self, days: dict, last: dt.date | None) -> None:
        if not days:
            return
        ordered = sorted(days.items())
        end = month_end(ordered[0][0])
        final = month_end(max(ordered[-1][0], last or ordered[-1][0]))
        fin = {s: ZERO for s in FUND_SUBS}
        bud = {s: ZERO for s in FUND_SUBS}
        since: dict[str, tuple[dt.date, data.Transaction] | None] = {s: None for s in FUND_SUBS}
        reported: set[str] = set()
        position = 0
        while end <= final:
            while position < len(ordered) and ordered[position][0] <= end:
                date, (financial, budget, first) = ordered[position]
                position += 1
                for sub in FUND_SUBS:
                    before = fin[sub] - bud[sub]
                    fin[sub] += financial.get(sub, ZERO)
                    bud[sub] += budget.get(sub, ZERO)
                    after = fin[sub] - bud[sub]
                    if after == ZERO:
                        since[sub] = None
                    elif before == ZERO or since[sub] is None:
                        since[sub] = (date, first)  # the day the difference arose
            rows = tuple((s, bud[s], fin[s]) for s in FUND_SUBS)
            self.months.append(MonthState(end, rows))
            for sub, b, f in rows:
                if b != f and sub not in reported:
                    reported.add(sub)
                    day, txn = since[sub] or (end, None)
                    self.breaks.append(Break(end, sub, b, f, day, txn))
            end = month_end(end + dt.timedelta(days=1))

    # -- balances for the reports ----------------------------------------------------------------
    def lines_between(self, first: dt.date, last: dt.date):
        """(source, BudgetLine) of the derived and hand-written budget postings dated in
        [first, last]."""
        for derived in self.derived:
            if first <= derived.source.date <= last:
                for line in derived.lines:
                    yield derived.source, line
        for txn in self.manual:
            if first <= txn.date <= last:
                for p in txn.postings:
                    if p.units.number is not None and p.account.startswith(chart.BUDGET_ROOTS):
                        meta = tuple((k, str(v)) for k, v in (p.meta or {}).items()
                                     if k in ("func", "econ", "kind", "budget_project",
                                              "budget_class", "fund"))
                        yield txn, BudgetLine(p.account, p.units.number, p.units.currency, meta)


def budget_of(books) -> BudgetBook:
    """The budget side of the books (built once per books, shared through `books.part`)."""
    return books.part("budget", BudgetBook.build)
