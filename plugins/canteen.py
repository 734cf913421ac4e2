"""食堂：独立核算、饭卡、伙食结余率、定点采购、验收与发票、入库出库与月末盘存。

食堂的账（独立核算）
    科目 `open` 上写 `canteen: TRUE` 的账户及其下级科目是食堂的账：示例学校为 100202 食堂结算户、
    130201 食堂食材（按食材分类设明细）、230201 食堂应付货款、230702 饭卡预存（学生）、
    230703 教职工饭卡预存、300101 食堂伙食结余、410102 伙食费收入（学生）、
    410104 教职工伙食费收入、460901 食堂其他收入、500106 食堂伙食成本。
    食堂科目在同一账本里，学校的报表照常合并；每笔交易中食堂科目的分录必须自身借贷平衡，
    所以食堂的收支表和资产负债表单独成立、单独平衡。
    在食堂科目中，按编码和名称识别用途：1001/1002/1011/1021 资金，1302 库存食材，2302 应付货款，
    名称含“饭卡”的负债为饭卡预存，名称含“伙食费”的收入为伙食费收入（其余为其他收入），
    名称含“食材”的费用为食材成本，名称含“人工”的费用为人工成本；名称含“教职工”的
    饭卡和伙食费属于教职工，其余属于学生。

检查项与错误代码
    [CT01] 食堂未独立核算：一笔交易中食堂科目的分录借贷不平衡（食堂与学校资金混记）。
           学校替食堂付款、食堂替学校收款都要两边各自平衡（见 docs/canteen.md）。
    [CT02] 伙食费收入不是从饭卡预存转入：贷记伙食费收入的交易，借方只能是对应的饭卡预存
           （学生伙食费来自学生饭卡，教职工伙食费来自教职工饭卡）。食堂售饭一律不收现金，
           收入只能来自一卡通的消费记录。收的是学校的现金或存款时只报 CT02（不再报 CT01）。
           饭卡预存科目在某天结束时为借方余额（消费多于充值，含期初即为借方）也报此项，
           连续为借方只报一次。
    [CT03] 月伙食结余率超过上限：结余率 = (食堂收入 − 食堂成本) / 食堂收入，按自然月计算，
           超过 `canteen-surplus-cap`（`canteen-surplus-mode` 为 "school" 时检查）。只检查已结束的
           月份（该月最后一天不晚于评判日期：默认今天，账本可用 custom "as-of" 指定，
           `xiaozhang check --as-of` 可临时指定）；当月没有收入的不检查。
           报告在该月最后一笔食堂收入分录上。
    [CT04] 学期伙食结余率超过上限："school" 方式下学期结余率不得超过上限；"kindergarten"
           （幼儿园：每学期膳食收支盈亏不超过 2%）方式下结余率的绝对值不得超过上限，月份不单独检查。
           学期按全校统一的学期划分（`term-end`：上一学期结束日的次日到本学期结束日；没有
           `term-end` 时按 1 月 31 日、7 月 31 日划分，与收支两条线规则相同），只检查已结束的学期（结束日不晚于评判日期）。
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
           盘存调整的说明不能为空。库存科目在某天结束时余额为负（领出多于入库，含期初即为负数）
           也报此项，报告在当天最后一笔变动上，连续为负只报一次。
    [CT10] 盘存差额未入账：`custom "stocktake"` 记录的实存金额与当天结束时的账面余额不符。
           盘存发现的差额要先记一笔盘盈/盘亏调整（写明 `stocktake` 原因），使账实相符。
    [CT11] 当月没有盘存：当月有入库或出库的每个库存科目，须在当月有一条盘存记录（记在该科目或
           其上级科目上）。只检查已结束的月份（同 CT03，按评判日期）；报告在当月最后一笔库存变动上。
    [CT12] 食堂登记格式不对：供应商登记缺项或类型不对、同一供应商同一天登记两条（第二条
           不予采用）、登记之日证照已过期或合同已结束（该登记照常采用）、盘存记录不是食堂库存科目或金额（实存金额不能为负数），
           或账本有“食堂”“饭卡”“伙食”科目却没有一个标明 `canteen: TRUE`（无法检查）。
    CT05–CT08 不检查标记为 `!` 的交易（待补手续的交易可暂缺）；其余检查 `*` 和 `!` 交易。
    `*`、`!` 以外的标记（如误写的 `#`、`?`）按完整的交易检查。

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

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang.chart import leaf_name
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.canteen import (
    CARDS,
    COST,
    CREDIT,
    DEBIT,
    EQUITY,
    FOOD_COST,
    MEAL_INCOME,
    MONEY,
    PAYABLE,
    STOCK,
    CanteenBook,
    is_staff,
    kinds_of,
)
from xiaozhang.model.money import percent
from xiaozhang.model.periods import month_start

__plugins__ = ("validate_canteen",)

ZERO = Decimal(0)
CANTEEN_WORDS = ("食堂", "饭卡", "伙食")


class CanteenError(NamedTuple):
    source: dict
    message: str
    entry: Any


def _names(value: Any) -> list[str]:
    names = []
    for name in str(value or "").replace("，", ",").replace("、", ",").split(","):
        if name.strip() and name.strip() not in names:
            names.append(name.strip())
    return names


def validate_canteen(entries, options_map, config=None):
    canteen = SchoolBooks.of(entries, options_map).canteen  # policy problems: xiaozhang.plugins.policy
    errors = [CanteenError(entry.meta, f"[CT12] {problem}", entry)
              for entry, problem in canteen.supplier_problems]

    def report(entry, code, message):
        errors.append(CanteenError(entry.meta, f"[{code}] {message}", entry))

    if not canteen.accounts.marked:
        for entry in entries:
            if isinstance(entry, data.Open) and any(w in entry.account for w in CANTEEN_WORDS):
                report(entry, "CT12", f"科目 {entry.account} 属于食堂，但账本中没有科目标明 canteen: TRUE，"
                                      "食堂独立核算的各项检查无法进行（在食堂各科目的 open 下写 canteen: TRUE）")
                break
        return entries, errors

    moved: dict[dt.date, dict[str, tuple]] = defaultdict(dict)  # month -> account -> (order, entry)
    counted: dict[dt.date, set[str]] = defaultdict(set)  # month -> accounts counted
    stocktakes = canteen.stocktakes
    next_count, count_total = 0, len(stocktakes)
    thresholds: dict[dt.date, Decimal] = {}  # canteen-bulk-threshold by day
    names: dict[Any, list[str]] = {}  # inspector value -> the names (`_names`), read once per value
    months: dict[dt.date, dict] = {}  # day -> its month's entry in `moved`

    day = None
    for order, (txn, roles, kinds, imbalance) in enumerate(canteen.transactions, 1):
        if txn.date != day:
            day = txn.date
            # the stocktakes dated before this day (a count sees the whole of its day)
            while next_count < count_total and stocktakes[next_count].entry.date < day:
                _check_count(stocktakes[next_count], counted, report)
                next_count += 1
        # cash meal sales: CT02, not also CT01
        if not (kinds & _MEAL_INCOME_CREDIT and _check_meal_income(txn, roles, kinds, report)):
            if imbalance:
                _check_balanced(txn, imbalance, report)
        if kinds & _STOCK:
            if not kinds & _EQUITY:  # opening balances (期初, against the canteen's equity) are no movement
                month = months.get(day)
                if month is None:
                    month = months[day] = moved[month_start(day)]
                _check_stock(txn, order, roles, kinds, month, report)
        elif kinds & _FOOD_COST_DEBIT and kinds & _SOURCE_CREDIT:
            report(txn, "CT09", "食材未入库直接列入成本：食材须先入库（1302 库存食材），再领料出库")
        if kinds & _SOURCE_CREDIT and kinds & _BOUGHT and txn.flag not in _NOT_COMPLETE:
            _check_purchase(txn, roles, kinds, canteen, thresholds, names, report)
    while next_count < count_total:
        _check_count(stocktakes[next_count], counted, report)
        next_count += 1

    for wrong in canteen.wrong_side:
        name = leaf_name(wrong.account)
        if canteen.accounts.role(wrong.account) == STOCK:
            report(wrong.entry, "CT09", f"库存为负：{name}（{wrong.account}）{wrong.day} 结束时账面余额 "
                                        f"{wrong.balance} 元，领出多于入库；补记入库或改正领料金额")
        else:
            report(wrong.entry, "CT02", f"饭卡预存为借方余额：{name}（{wrong.account}）{wrong.day} 结束时 "
                                        f"{-wrong.balance} 元，消费多于充值（伙食费收入只能来自饭卡里的钱）；"
                                        "补记充值或改正消费数据")
    _check_periods(canteen, report)
    for month, accounts in sorted(moved.items()):
        if not canteen.month_over(month):
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


# `!` (pending: paperwork may follow) and Beancount's padding "P"; any other flag (a mistyped
# `#` or `?`) is held to every check like `*`
_NOT_COMPLETE = ("!", "P")

# the kinds of canteen postings the checks look for (`CanteenTransaction.kinds`)
_STOCK = kinds_of((STOCK,))
_STOCK_DEBIT, _STOCK_CREDIT = kinds_of((STOCK,), DEBIT), kinds_of((STOCK,), CREDIT)
_SOURCE_DEBIT, _SOURCE_CREDIT = kinds_of((MONEY, PAYABLE), DEBIT), kinds_of((MONEY, PAYABLE), CREDIT)
_FOOD_COST_DEBIT = kinds_of((FOOD_COST,), DEBIT)
_MEAL_INCOME_CREDIT = kinds_of((MEAL_INCOME,), CREDIT)
_EQUITY = kinds_of((EQUITY,))
_ISSUED_TO = kinds_of((FOOD_COST, COST))  # where stores issued go (领料出库)
_BOUGHT = kinds_of((STOCK, FOOD_COST, COST), DEBIT)  # a purchase debits these
_FOOD_BOUGHT = kinds_of((STOCK, FOOD_COST), DEBIT)
_MEAL_SALE = _MEAL_INCOME_CREDIT | kinds_of((CARDS,), DEBIT)  # meal income paid from the meal cards


def _check_balanced(txn, unbalanced: dict[str, Decimal], report) -> None:
    if unbalanced:
        text = "、".join(f"{n} {c}" for c, n in sorted(unbalanced.items()))
        report(txn, "CT01", f"食堂科目借贷不平衡（差额 {text}）：食堂独立核算，食堂的钱和学校的钱"
                            "不能在一笔分录里互相抵用（学校与食堂之间的款项两边各自平衡）")


def _check_meal_income(txn, roles, kinds, report) -> bool:
    """CT02; True when meal income came from outside the meal cards (reported once, as CT02)."""
    if kinds == _MEAL_SALE and len(roles) == len(txn.postings):
        # the usual sale: every posting is the canteen's, the meal income credited and the meal
        # cards debited, nothing else; only the students' and the staff's may be mixed
        staff = {is_staff(p.account) for p, r in roles if r == MEAL_INCOME}
        for posting, role in roles:
            if role == CARDS and {is_staff(posting.account)} != staff:
                report(txn, "CT02", _SPLIT)
                return False
        return False
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
            report(txn, "CT02", _SPLIT)
            return False
    return False


_SPLIT = "学生与教职工伙食分开核算：学生伙食费收入只能来自学生饭卡，教职工伙食费收入只能来自教职工饭卡"


def _check_stock(txn, order, roles, kinds, month, report) -> None:
    """CT09 for a transaction moving the stores (`kinds` has a stores posting, not the
    canteen's equity); `month`: the stores accounts moved in its month (account -> (order, txn)),
    for CT11."""
    for posting, role in roles:
        if role == STOCK:
            month[posting.account] = (order, txn)
    if "stocktake" in txn.meta:
        reason = txn.meta["stocktake"]
        if not isinstance(reason, str) or not reason.strip():
            report(txn, "CT09", "盘存调整须在 stocktake 中写明差异原因（如 \"蔬菜失水损耗\"）")
        return
    increase, decrease = kinds & _STOCK_DEBIT, kinds & _STOCK_CREDIT
    if (increase and kinds & _SOURCE_CREDIT and not decrease) or (
            decrease and kinds & _SOURCE_DEBIT and not increase):
        return  # 采购入库, or goods returned to the supplier
    others = kinds & ~_STOCK
    if decrease and not increase and others and not others & ~_ISSUED_TO:
        if not txn.meta.get("issue_slip"):
            report(txn, "CT09", "领料出库须写出库单号 issue_slip（盘存差额调整写 stocktake 说明原因）")
        return
    report(txn, "CT09", "库存变动没有依据：库存食材只能采购入库、领料出库（issue_slip）"
                        "或盘存调整（stocktake 写明原因）")


def _check_purchase(txn, roles, kinds, canteen: CanteenBook, thresholds, names, report) -> None:
    """CT05–CT08 for a `*` purchase (`kinds` has a credit to money or a payable and a debit to
    the stores or a cost)."""
    meta = txn.meta
    if not meta.get("invoice"):
        report(txn, "CT08", "食堂采购没有发票号 invoice（索证索票：每笔采购须有发票）")
    if not kinds & _FOOD_BOUGHT:
        return
    food = ZERO
    for posting, role in roles:
        if role == STOCK or role == FOOD_COST:
            number = posting.units.number
            if number > 0:
                food += number
    day = txn.date
    threshold = thresholds.get(day)
    if threshold is None:
        threshold = thresholds[day] = canteen.policy.get("canteen-bulk-threshold", day).number
    bulk = food >= threshold
    inspector = meta.get("inspector")
    inspectors = names.get(inspector) if isinstance(inspector, str) else None
    if inspectors is None:
        inspectors = _names(inspector)
        if isinstance(inspector, str):
            names[inspector] = inspectors
    if bulk and len(inspectors) < 2:
        report(txn, "CT07", f"大宗食材（{food} 元，标准 {threshold} 元）须两人以上验收，"
                            f"inspector 现为 {len(inspectors)} 人（双人联检）")
    elif not inspectors:
        report(txn, "CT07", "食材入库须有验收人 inspector")
    if not bulk:
        return
    name = str(txn.meta.get("supplier") or txn.payee or "")
    supplier = canteen.suppliers.as_of(name, txn.date) if name else None
    if supplier is None:
        report(txn, "CT05", f"大宗食材（{food} 元）须向定点供应商采购：{name or '（未写供应商）'} "
                            "不在供应商登记中（custom \"supplier\"）")
        return
    problems = supplier.problems_on(txn.date)
    if problems:
        report(txn, "CT06", f"定点供应商 {name} 在 {txn.date} 不能供货：{'；'.join(problems)}"
                            "（及时更换或续签后登记）")


def _check_count(count, counted, report) -> None:
    if count.account is None:
        report(count.entry, "CT12", "盘存记录应为 custom \"stocktake\" 食堂库存科目 实存金额"
                                    "（如 Assets:1302库存物品:130201食堂食材:13020101米面油 6342.80 CNY），"
                                    "实存金额不能为负数")
        return
    counted[count.month].add(count.account)
    if count.book != count.counted:
        report(count.entry, "CT10", f"盘存差额 {count.counted - count.book} 元未入账：{leaf_name(count.account)} "
                                    f"账面 {count.book} 元，实存 {count.counted} 元"
                                    "（先记盘盈/盘亏调整并在 stocktake 写明原因）")


def _rate(tally) -> Decimal:
    """The surplus rate in percent for a message (two places, as `money.percent` rounds)."""
    return percent(tally.surplus, tally.income, "0.01")


def _check_periods(canteen: CanteenBook, report) -> None:
    for month in canteen.months:
        if month.over_cap:
            t = month.tally
            report(t.last_income, "CT03", (
                f"{month.name}伙食结余率 {_rate(t)}% 超过上限 {month.cap.percent}%"
                f"（收入 {t.income} 元，成本 {t.cost} 元，结余 {t.surplus} 元）"))
    for term in canteen.terms:
        if not term.over_cap:
            continue
        t = term.tally
        rate = _rate(t)
        if term.cap.mode == "kindergarten":
            report(t.last_income, "CT04", (
                f"{term.name}膳食{'盈余' if rate > 0 else '亏损'}率 {abs(rate)}% 超过 ±{term.cap.percent}%"
                f"（收入 {t.income} 元，成本 {t.cost} 元）"))
        else:
            report(t.last_income, "CT04", (
                f"{term.name}伙食结余率 {rate}% 超过上限 {term.cap.percent}%"
                f"（收入 {t.income} 元，成本 {t.cost} 元）"))
