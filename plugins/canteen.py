"""食堂：独立核算、饭卡、伙食结余率、定点采购、验收与发票、入库出库与月末盘存。

食堂的账（独立核算）
    科目 `open` 上写 `canteen: TRUE` 的账户及其下级科目是食堂的账：示例学校为 100202 食堂结算户、
    130201 食堂食材（按食材分类设明细）、230201 食堂应付货款、230702 饭卡预存（学生）、
    230703 教职工饭卡预存、300101 食堂伙食结余、410102 伙食费收入（学生）、
    410104 教职工伙食费收入、460901 食堂其他收入、500106 食堂伙食成本。
    食堂科目在同一账本里，学校的报表照常合并；每笔交易中食堂科目的分录必须自身借贷平衡，
    所以食堂的收支表和资产负债表单独成立、单独平衡。
    在食堂科目中，按编码和名称识别用途：1001/1002/1021 资金，1302 库存食材，2302 应付货款，
    名称含“饭卡”的负债为饭卡预存，名称含“伙食费”的收入为伙食费收入（其余为其他收入），
    名称含“食材”的费用为食材成本，名称含“人工”的费用为人工成本；名称含“教职工”的
    饭卡和伙食费属于教职工，其余属于学生。

检查项与错误代码
    [CT01] 食堂未独立核算：一笔交易中食堂科目的分录借贷不平衡（食堂与学校资金混记）。
           学校替食堂付款、食堂替学校收款都要两边各自平衡（见 docs/canteen.md）。
    [CT02] 伙食费收入不是从饭卡预存转入：贷记伙食费收入的交易，借方只能是对应的饭卡预存
           （学生伙食费来自学生饭卡，教职工伙食费来自教职工饭卡）。食堂售饭一律不收现金，
           收入只能来自一卡通的消费记录。收的是学校的现金或存款时只报 CT02（不再报 CT01）。
    [CT03] 月伙食结余率超过上限：结余率 = (食堂收入 − 食堂成本) / 食堂收入，按自然月计算，
           超过 `canteen-surplus-cap`（`canteen-surplus-mode` 为 "school" 时检查）。只检查已结束的
           月份（账本中有更晚月份的交易，或最后一笔交易在该月最后一天）；当月没有收入的不检查。
           报告在该月最后一笔食堂收入分录上。
    [CT04] 学期伙食结余率超过上限："school" 方式下学期结余率不得超过上限；"kindergarten"
           （幼儿园：每学期膳食收支盈亏不超过 2%）方式下结余率的绝对值不得超过上限，月份不单独检查。
           学期由 `term-end` 划分（上一学期结束日的次日到本学期结束日），只检查已结束的学期。
           报告在该学期最后一笔食堂收入分录上。
    [CT05] 大宗食材不是定点供应商：食材入库金额达到 `canteen-bulk-threshold` 的，供应商
           （`supplier`，没有则取收款方）须在供应商登记（`custom "supplier"`）中。
    [CT06] 定点供应商的证照过期或合同不在期内：采购日期须不晚于营业执照、食品经营许可证的有效期，
           并在合同期内（按采购日当天有效的那条登记）。
    [CT07] 验收人不足：大宗食材入库须两人以上验收（`inspector` 写两个名字，用英文逗号分隔），
           其他食材入库至少一人。
    [CT08] 采购没有发票号：食堂的每笔采购（食材入库，燃料水电、餐具等费用）须有 `invoice`
           （名称含“人工”的工资除外）。
    [CT09] 库存变动没有依据：食材须先入库再领用——直接把食材买进成本报告此项；库存减少须是
           领料出库（写 `issue_slip` 出库单号）或盘存调整（写 `stocktake` 说明差异原因）；
           盘存调整的说明不能为空。
    [CT10] 盘存差额未入账：`custom "stocktake"` 记录的实存金额与当天结束时的账面余额不符。
           盘存发现的差额要先记一笔盘盈/盘亏调整（写明 `stocktake` 原因），使账实相符。
    [CT11] 当月没有盘存：当月有入库或出库的每个库存科目，须在当月有一条盘存记录（记在该科目或
           其上级科目上）。只检查已结束的月份；报告在当月最后一笔库存变动上。
    [CT12] 食堂登记格式不对：供应商登记缺项或类型不对、盘存记录不是食堂库存科目或金额，
           或账本有“食堂”“饭卡”“伙食”科目却没有一个标明 `canteen: TRUE`（无法检查）。
    CT05–CT08 只检查标记为 `*` 的交易（`!` 待补手续的交易可暂缺）；其余检查 `*` 和 `!` 交易。

依据
    “建立了专帐，实行了成本核算”“钱、帐、物分开管理”（004）；教育部《中小学校园食品安全和
    膳食经费管理工作指引》（2024）：自主经营的食堂独立开展会计核算、双人或多人联检；
    “出售饭菜及其他食品一律不准收现金”“节余不超过8%”（002）；《托儿所幼儿园卫生保健工作规范》：
    每学期膳食收支盈亏不超过2%；“大宗物品实行了定点采购，建立了台账和索证票制度”（004）；
    “检查供货商提供的供货手续是否到期，及时更换”“捡查所购物品的发票、出入库记载情况”
    “食堂商店盘存核算”（003）。

配置（ledger/policy.beancount，按日期生效）
    2025-08-25 custom "policy" "canteen-surplus-cap" 8            ; 结余率上限 8%
    2025-08-25 custom "policy" "canteen-surplus-mode" "school"    ; 幼儿园写 "kindergarten"（上限写 2）
    2025-08-25 custom "policy" "canteen-bulk-threshold" 1000.00 CNY
    2025-08-25 custom "policy" "canteen-licence-notice-days" 60   ; 食堂页面的到期提醒
    供应商登记（ledger/canteen.beancount；换证、续签时新增一条，自该日起生效）：
    2025-08-20 custom "supplier" "青禾市丰源粮油贸易有限公司"
      goods: "米面油"
      licence: "91430702MA4L3K8X2R"        ; 营业执照（统一社会信用代码）
      licence_expiry: "长期"               ; 或日期
      food_licence: "JY14307020031245"     ; 食品经营许可证
      food_licence_expiry: 2028-03-14
      contract: "HT2025SC01"
      contract_start: 2025-08-25
      contract_end: 2026-08-24
    盘存（当天结束时的实存金额，每个库存科目一条）：
    2025-09-30 custom "stocktake" Assets:1302库存物品:130201食堂食材:13020101米面油 6342.80 CNY
      counted_by: "黄海燕,马丽"

例
    通过（送货入库，月结货款）：
      2025-09-01 * "青禾市丰源粮油贸易有限公司" "食堂米面油入库"
        supplier: "青禾市丰源粮油贸易有限公司"
        inspector: "郑凯,马丽"
        invoice: "25431000000012345678"
        Assets:1302库存物品:130201食堂食材:13020101米面油     3860.00 CNY
        Liabilities:2302应付账款:230201食堂应付货款
    不通过：只写一个验收人 → [CT07]；去掉 invoice → [CT08]；供应商未登记 → [CT05]；
    用 Assets:1002银行存款:100202食堂结算户 贷记 Income:4101事业收入:410102伙食费收入 → [CT02]。
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import convert, data
from beancount.core.amount import Amount

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.policy import Policy

__plugins__ = ("validate_canteen",)

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class CanteenError(NamedTuple):
    source: dict
    message: str
    entry: Any


# -- which accounts are the canteen's, and what each is for -------------------------------

MONEY = "money"
STOCK = "stock"
PAYABLE = "payable"
CARDS = "cards"
EQUITY = "equity"
MEAL_INCOME = "meal_income"
OTHER_INCOME = "other_income"
FOOD_COST = "food_cost"
LABOUR_COST = "labour_cost"
COST = "cost"
OTHER = "other"

STAFF_WORDS = ("教职工", "教工", "职工")
_CODE = re.compile(r"^\d+")


def leaf_name(account: str) -> str:
    """`米面油` for `…:0101米面油` (the last component without its code)."""
    return _CODE.sub("", account.rsplit(":", 1)[-1])


def _component_code(account: str) -> str:
    parts = account.split(":")
    match = _CODE.match(parts[1]) if len(parts) > 1 else None
    return match.group(0) if match else ""


def account_role(account: str) -> str:
    """The use of a canteen account (see the module docstring)."""
    root = account.split(":", 1)[0]
    code = _component_code(account)
    if root == "Assets":
        if code.startswith(("1001", "1002", "1021")):
            return MONEY
        if code.startswith("1302"):
            return STOCK
        return OTHER
    if root == "Liabilities":
        if "饭卡" in account:
            return CARDS
        if code.startswith("2302"):
            return PAYABLE
        return OTHER
    if root == "Equity":
        return EQUITY
    if root == "Income":
        return MEAL_INCOME if "伙食费" in account else OTHER_INCOME
    if root == "Expenses":
        if "食材" in account:
            return FOOD_COST
        if "人工" in account:
            return LABOUR_COST
        return COST
    return OTHER


def is_staff(account: str) -> bool:
    """A staff (教职工) meal-card or meal-income account; otherwise the students'."""
    return any(word in account for word in STAFF_WORDS)


class CanteenAccounts:
    """The canteen's accounts: marked `canteen: TRUE` on their `open`, sub-accounts included."""

    def __init__(self, marked: set[str]):
        self.marked = frozenset(marked)
        self._cache: dict[str, str | None] = {}

    def role(self, account: str) -> str | None:
        """The account's role if it is the canteen's, else None."""
        try:
            return self._cache[account]
        except KeyError:
            pass
        parts = account.split(":")
        inside = any(":".join(parts[:i]) in self.marked for i in range(len(parts), 0, -1))
        role = account_role(account) if inside else None
        self._cache[account] = role
        return role


def canteen_accounts(entries) -> CanteenAccounts:
    return CanteenAccounts({e.account for e in entries
                            if isinstance(e, data.Open) and e.meta.get("canteen") is True})


# -- the supplier register ---------------------------------------------------------------

@dataclass(frozen=True)
class Supplier:
    """One `custom "supplier"` record, in force from its date until a later one for the name."""

    name: str
    since: dt.date
    licence: str
    licence_expiry: dt.date | None  # None: 长期 (no expiry)
    food_licence: str
    food_licence_expiry: dt.date
    contract: str
    contract_start: dt.date
    contract_end: dt.date
    goods: str
    entry: Any

    def problems_on(self, day: dt.date) -> list[str]:
        """What makes this supplier unusable on `day` (empty: licences valid, in contract)."""
        problems = []
        if self.licence_expiry is not None and day > self.licence_expiry:
            problems.append(f"营业执照 {self.licence} 已于 {self.licence_expiry} 到期")
        if day > self.food_licence_expiry:
            problems.append(f"食品经营许可证 {self.food_licence} 已于 {self.food_licence_expiry} 到期")
        if not self.contract_start <= day <= self.contract_end:
            problems.append(f"不在合同 {self.contract} 期内（{self.contract_start} 至 {self.contract_end}）")
        return problems


SUPPLIER_TEXT = ("licence", "food_licence", "contract")
SUPPLIER_DATES = ("food_licence_expiry", "contract_start", "contract_end")
LONG_TERM = ("长期", "永久", "无固定期限")


def read_supplier(entry: data.Custom) -> tuple[Supplier | None, str | None]:
    meta = entry.meta
    if not entry.values or not isinstance(entry.values[0].value, str) or not entry.values[0].value:
        return None, "供应商登记 custom \"supplier\" 后面应写供应商名称"
    name = entry.values[0].value
    missing = [k for k in SUPPLIER_TEXT if not isinstance(meta.get(k), str) or not meta.get(k)]
    missing += [k for k in SUPPLIER_DATES if not isinstance(meta.get(k), dt.date)]
    expiry = meta.get("licence_expiry")
    if not (isinstance(expiry, dt.date) or expiry in LONG_TERM):
        missing.append("licence_expiry")
    if missing:
        return None, (f"供应商 {name} 的登记缺少或写错：{'、'.join(missing)}（证照号码写文字，"
                      "有效期和合同起止写日期，营业执照长期有效写 \"长期\"）")
    if meta["contract_start"] > meta["contract_end"]:
        return None, f"供应商 {name} 的合同开始日期晚于结束日期"
    return Supplier(name, entry.date, meta["licence"],
                    expiry if isinstance(expiry, dt.date) else None, meta["food_licence"],
                    meta["food_licence_expiry"], meta["contract"], meta["contract_start"],
                    meta["contract_end"], str(meta.get("goods", "")), entry), None


@dataclass
class SupplierRegister:
    by_name: dict[str, list[Supplier]] = field(default_factory=dict)

    def add(self, supplier: Supplier) -> None:
        records = self.by_name.setdefault(supplier.name, [])
        records.append(supplier)
        records.sort(key=lambda s: s.since)

    def as_of(self, name: str, day: dt.date) -> Supplier | None:
        records = self.by_name.get(name, [])
        index = bisect.bisect_right([s.since for s in records], day)
        return records[index - 1] if index else None

    def current(self, day: dt.date) -> list[Supplier]:
        """Each supplier's record in force on `day` (registered by then), by name."""
        found = [self.as_of(name, day) for name in sorted(self.by_name)]
        return [s for s in found if s is not None]


def read_suppliers(entries) -> tuple[SupplierRegister, list[CanteenError]]:
    register = SupplierRegister()
    errors = []
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == "supplier":
            supplier, problem = read_supplier(entry)
            if problem:
                errors.append(CanteenError(entry.meta, f"[CT12] {problem}", entry))
            else:
                register.add(supplier)
    return register, errors


# -- periods: months and terms --------------------------------------------------------------

def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_complete(month: dt.date, last_date: dt.date | None) -> bool:
    """A month is over when the books go past it (or end on its last day)."""
    return last_date is not None and last_date >= month_end(month)


@dataclass
class Term:
    name: str
    first: dt.date | None  # None: from the start of the books
    last: dt.date


def terms_of(policy: Policy) -> list[Term]:
    """The terms cut by the `term-end` policies: the day after one end to the next end."""
    terms = []
    previous = None
    for end, name in sorted(policy.term_ends):
        terms.append(Term(name, previous + dt.timedelta(days=1) if previous else None, end))
        previous = end
    return terms


@dataclass
class Tally:
    """Canteen income and cost of a period (income positive)."""

    income: Decimal = ZERO
    cost: Decimal = ZERO
    last_entry: Any = None  # the period's last income entry: where a problem is reported

    @property
    def surplus(self) -> Decimal:
        return self.income - self.cost

    @property
    def rate(self) -> Decimal | None:
        """Surplus rate in percent; None without income."""
        return self.surplus / self.income * HUNDRED if self.income else None


def percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}%"


# -- the rule -------------------------------------------------------------------------------

def _names(value: Any) -> list[str]:
    names = []
    for name in str(value or "").replace("，", ",").replace("、", ",").split(","):
        if name.strip() and name.strip() not in names:
            names.append(name.strip())
    return names


def validate_canteen(entries, options_map, config=None):
    policy = SchoolBooks.of(entries, options_map).policy  # its problems: xiaozhang.plugins.policy
    books = canteen_accounts(entries)
    register, errors = read_suppliers(entries)

    def report(entry, code, message):
        errors.append(CanteenError(entry.meta, f"[{code}] {message}", entry))

    if not books.marked:
        for entry in entries:
            if isinstance(entry, data.Open) and any(w in entry.account for w in ("食堂", "饭卡", "伙食")):
                report(entry, "CT12", f"科目 {entry.account} 属于食堂，但账本中没有科目标明 canteen: TRUE，"
                                      "食堂独立核算的各项检查无法进行（在食堂各科目的 open 下写 canteen: TRUE）")
                break
        return entries, errors

    last_date = max((e.date for e in entries if isinstance(e, data.Transaction)), default=None)
    months: dict[dt.date, Tally] = defaultdict(Tally)
    terms = terms_of(policy)
    term_ends = [t.last for t in terms]
    term_tallies: dict[int, Tally] = defaultdict(Tally)
    stock: dict[str, Decimal] = defaultdict(Decimal)  # running balance per stock account
    moved: dict[dt.date, dict[str, tuple]] = defaultdict(dict)  # month -> account -> (order, entry)
    counted: dict[dt.date, set[str]] = defaultdict(set)  # month -> accounts counted
    todays_counts: list[data.Custom] = []
    today = None
    order = 0  # position of a canteen transaction in the sorted entries

    def close_day():
        for count in todays_counts:
            _check_count(count, books, stock, counted, report)
        todays_counts.clear()

    for entry in entries:
        if entry.date != today:
            close_day()
            today = entry.date
        if isinstance(entry, data.Custom):
            if entry.type == "stocktake":
                todays_counts.append(entry)
            continue
        if not isinstance(entry, data.Transaction):
            continue
        roles = []
        for posting in entry.postings:
            role = books.role(posting.account)
            if role is not None and posting.units is not None and posting.units.number is not None:
                roles.append((posting, role))
        if not roles:
            continue
        order += 1
        if not _check_meal_income(entry, roles, report):  # cash meal sales: CT02, not also CT01
            _check_balanced(entry, roles, report)
        # income and cost of the month and the term
        month = months[month_of(entry.date)]
        index = bisect.bisect_left(term_ends, entry.date)
        term = term_tallies[index] if index < len(terms) else None
        for posting, role in roles:
            number = posting.units.number
            if role in (MEAL_INCOME, OTHER_INCOME):
                for tally in (month, term):
                    if tally is not None:
                        tally.income -= number
                        tally.last_entry = entry
            elif role in (FOOD_COST, LABOUR_COST, COST):
                for tally in (month, term):
                    if tally is not None:
                        tally.cost += number
        _check_stock(entry, order, roles, stock, moved, report)
        if entry.flag == "*":
            _check_purchase(entry, roles, register, policy, report)
    close_day()

    _check_periods(months, terms, term_tallies, policy, last_date, report)
    for month, accounts in sorted(moved.items()):
        if not month_complete(month, last_date):
            continue
        missing = sorted(a for a in accounts if not _covered(a, counted.get(month, ())))
        if missing:
            last = max((accounts[a] for a in missing), key=lambda found: found[0])[1]
            names = "、".join(leaf_name(a) for a in missing)
            report(last, "CT11", f"{month.year}年{month.month}月有入库或出库，但没有盘存记录："
                                 f"{names}（每月末盘存，custom \"stocktake\"）")
    return entries, errors


def _covered(account: str, counted) -> bool:
    return any(account == c or account.startswith(c + ":") for c in counted)


def _check_balanced(txn, roles, report) -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for posting, _role in roles:
        weight = convert.get_weight(posting)
        totals[weight.currency] += weight.number
    unbalanced = {c: n for c, n in totals.items() if n != 0}
    if unbalanced:
        text = "、".join(f"{n} {c}" for c, n in sorted(unbalanced.items()))
        report(txn, "CT01", f"食堂科目借贷不平衡（差额 {text}）：食堂独立核算，食堂的钱和学校的钱"
                            "不能在一笔分录里互相抵用（学校与食堂之间的款项两边各自平衡）")


def _check_meal_income(txn, roles, report) -> bool:
    """CT02; True when meal income came from outside the meal cards (reported once, as CT02)."""
    income = [p for p, r in roles if r == MEAL_INCOME and p.units.number < 0]
    if not income:
        return False
    staff = {is_staff(p.account) for p in income}
    role_of = {id(p): r for p, r in roles}
    for posting in txn.postings:
        if posting.units.number <= 0:
            continue
        if role_of.get(id(posting)) != CARDS:
            report(txn, "CT02", f"伙食费收入只能从饭卡预存转入（一卡通消费），不能借记 {posting.account}："
                                "食堂售饭一律不收现金")
            return True
        if {is_staff(posting.account)} != staff:
            report(txn, "CT02", "学生与教职工伙食分开核算：学生伙食费收入只能来自学生饭卡，"
                                "教职工伙食费收入只能来自教职工饭卡")
            return False
    return False


def _check_stock(txn, order, roles, stock, moved, report) -> None:
    stock_postings = [p for p, r in roles if r == STOCK]
    others = [(p, r) for p, r in roles if r != STOCK]
    if not stock_postings:
        if any(r == FOOD_COST and p.units.number > 0 for p, r in others) and any(
                r in (MONEY, PAYABLE) and p.units.number < 0 for p, r in others):
            report(txn, "CT09", "食材未入库直接列入成本：食材须先入库（1302 库存食材），再领料出库")
        return
    for posting in stock_postings:
        stock[posting.account] += posting.units.number
    other_roles = {r for _p, r in others}
    if EQUITY in other_roles:
        return  # opening balances (期初, against the canteen's equity) are not a movement
    for posting in stock_postings:
        moved[month_of(txn.date)][posting.account] = (order, txn)
    if "stocktake" in txn.meta:
        reason = txn.meta["stocktake"]
        if not isinstance(reason, str) or not reason.strip():
            report(txn, "CT09", "盘存调整须在 stocktake 中写明差异原因（如 \"蔬菜失水损耗\"）")
        return
    increase = any(p.units.number > 0 for p in stock_postings)
    decrease = any(p.units.number < 0 for p in stock_postings)
    paid = any(r in (MONEY, PAYABLE) and p.units.number < 0 for p, r in others)
    refunded = any(r in (MONEY, PAYABLE) and p.units.number > 0 for p, r in others)
    if (increase and paid and not decrease) or (decrease and refunded and not increase):
        return  # 采购入库, or goods returned to the supplier
    if decrease and not increase and other_roles and other_roles <= {FOOD_COST, COST}:
        if not txn.meta.get("issue_slip"):
            report(txn, "CT09", "领料出库须写出库单号 issue_slip（盘存差额调整写 stocktake 说明原因）")
        return
    report(txn, "CT09", "库存变动没有依据：库存食材只能采购入库、领料出库（issue_slip）"
                        "或盘存调整（stocktake 写明原因）")


def _check_purchase(txn, roles, register, policy, report) -> None:
    sources = [p for p, r in roles if r in (MONEY, PAYABLE) and p.units.number < 0]
    if not sources:
        return
    bought = [(p, r) for p, r in roles
              if p.units.number > 0 and r in (STOCK, FOOD_COST, COST)]
    if not bought:
        return
    if not txn.meta.get("invoice"):
        report(txn, "CT08", "食堂采购没有发票号 invoice（索证索票：每笔采购须有发票）")
    food = sum((p.units.number for p, r in bought if r in (STOCK, FOOD_COST)), ZERO)
    if not food:
        return
    threshold = policy.get("canteen-bulk-threshold", txn.date).number
    bulk = food >= threshold
    inspectors = _names(txn.meta.get("inspector"))
    if bulk and len(inspectors) < 2:
        report(txn, "CT07", f"大宗食材（{food} 元，标准 {threshold} 元）须两人以上验收，"
                            f"inspector 现为 {len(inspectors)} 人（双人联检）")
    elif not inspectors:
        report(txn, "CT07", "食材入库须有验收人 inspector")
    if not bulk:
        return
    name = str(txn.meta.get("supplier") or txn.payee or "")
    supplier = register.as_of(name, txn.date) if name else None
    if supplier is None:
        report(txn, "CT05", f"大宗食材（{food} 元）须向定点供应商采购：{name or '（未写供应商）'} "
                            "不在供应商登记中（custom \"supplier\"）")
        return
    problems = supplier.problems_on(txn.date)
    if problems:
        report(txn, "CT06", f"定点供应商 {name} 在 {txn.date} 不能供货：{'；'.join(problems)}"
                            "（及时更换或续签后登记）")


def _check_count(entry, books, stock, counted, report) -> None:
    values = entry.values
    if (len(values) != 2 or not isinstance(values[0].value, str)
            or books.role(values[0].value) != STOCK or not isinstance(values[1].value, Amount)):
        report(entry, "CT12", "盘存记录应为 custom \"stocktake\" 食堂库存科目 实存金额"
                              "（如 Assets:1302库存物品:130201食堂食材:13020101米面油 6342.80 CNY）")
        return
    account, amount = values[0].value, values[1].value
    book = sum((n for a, n in stock.items() if a == account or a.startswith(account + ":")), ZERO)
    counted[month_of(entry.date)].add(account)
    if book != amount.number:
        report(entry, "CT10", f"盘存差额 {amount.number - book} 元未入账：{leaf_name(account)} 账面 {book} 元，"
                              f"实存 {amount.number} 元（先记盘盈/盘亏调整并在 stocktake 写明原因）")


def _check_periods(months, terms, term_tallies, policy, last_date, report) -> None:
    for month, tally in sorted(months.items()):
        end = month_end(month)
        if (not month_complete(month, last_date) or tally.rate is None
                or policy.get("canteen-surplus-mode", end) != "school"):
            continue
        cap = policy.get("canteen-surplus-cap", end)
        if tally.rate > cap:
            report(tally.last_entry, "CT03", (
                f"{month.year}年{month.month}月伙食结余率 {percent(tally.rate)} 超过上限 {cap}%"
                f"（收入 {tally.income} 元，成本 {tally.cost} 元，结余 {tally.surplus} 元）"))
    for index, term in enumerate(terms):
        tally = term_tallies.get(index)
        if tally is None or tally.rate is None or last_date is None or term.last > last_date:
            continue
        cap = policy.get("canteen-surplus-cap", term.last)
        mode = policy.get("canteen-surplus-mode", term.last)
        if mode == "school" and tally.rate > cap:
            report(tally.last_entry, "CT04", (
                f"{term.name}伙食结余率 {percent(tally.rate)} 超过上限 {cap}%"
                f"（收入 {tally.income} 元，成本 {tally.cost} 元）"))
        elif mode == "kindergarten" and abs(tally.rate) > cap:
            word = "盈余" if tally.rate > 0 else "亏损"
            report(tally.last_entry, "CT04", (
                f"{term.name}膳食{word}率 {percent(abs(tally.rate))} 超过 ±{cap}%"
                f"（收入 {tally.income} 元，成本 {tally.cost} 元）"))
