"""The chart of accounts (会计科目表) of a public school, 政府会计制度 in Beancount.

Every component below the root is 科目编码 + 科目名称 (Beancount 3 rejects a component that
starts with a Chinese character, so the code comes first), see DOMAIN.md §3.1.  The example
generator writes `ledger/accounts.beancount` from `CHART`; reports refer to accounts through
the constants below, never by retyping the strings.

Extensions of the 制度's detail levels (documented in docs/conventions.md):
- The canteen's own books (食堂独立核算, docs/canteen.md): the accounts marked `canteen: TRUE`
  on their `open` (and their sub-accounts) — 100202食堂结算户, 130201食堂食材 (one sub-account
  per food category), 230201食堂应付货款, 230702饭卡预存 (students) and 230703教职工饭卡预存
  (meal-card top-ups, the diners' money until meals are served), 300101食堂伙食结余,
  410102伙食费收入 (students) and 410104教职工伙食费收入, 460901食堂其他收入, and
  500106食堂伙食成本 (01食材 by food category, 02燃料水电, 03人工, 04其他).
- 230799待查款项: bank receipts and payments no import rule explains, until the accountant
  books them properly (the importer flags them `!`).
- 121801缴费待到账: fees receipted (票据) but not yet seen on the bank statement; imported
  receipts debit it, the matching bank deposit credits it (importers/receipts.py).
- 121802资金划转在途: a transfer between two of the school's own accounts; the paying and the
  receiving statement each book their side against it (importers/bank.py).
"""

from __future__ import annotations

import re

from typing import NamedTuple


class AccountDef(NamedTuple):
    account: str
    description: str  # Chinese description written on the `open` directive
    meta: tuple[tuple[str, object], ...] = ()  # written as Beancount metadata


# -- Accounts the rest of the code refers to by name ---------------------------------------
CASH = "Assets:1001库存现金"
BANK = "Assets:1002银行存款"
BANK_BASIC = "Assets:1002银行存款:100201基本户"
BANK_CANTEEN = "Assets:1002银行存款:100202食堂结算户"
BANK_COLLECTION = "Assets:1002银行存款:100203代收费专户"
ZERO_BALANCE = "Assets:1011零余额账户用款额度"
RECEIVABLE_QUOTA = "Assets:1201财政应返还额度"
FIXED_ASSETS = "Assets:1601固定资产"
ACCUM_DEPRECIATION = "Assets:1602固定资产累计折旧"
PENDING_ASSET_LOSS = "Assets:1902待处理财产损溢"
FOOD_STOCK = "Assets:1302库存物品:130201食堂食材"  # canteen stores, one sub-account per category
PAYABLE_TO_TREASURY = "Liabilities:2103应缴财政款"
ACCOMMODATION_FEE = "Liabilities:2103应缴财政款:210301住宿费"
PAYROLL = "Liabilities:2201应付职工薪酬"
ACCOUNTS_PAYABLE = "Liabilities:2302应付账款"
DISPOSAL_PROCEEDS = "Liabilities:2103应缴财政款:210302国有资产处置收入"
CANTEEN_PAYABLE = "Liabilities:2302应付账款:230201食堂应付货款"
AGENCY_FEES = "Liabilities:2307其他应付款:230701代收费"
MEAL_CARDS = "Liabilities:2307其他应付款:230702饭卡预存"  # students' cards
STAFF_MEAL_CARDS = "Liabilities:2307其他应付款:230703教职工饭卡预存"
CANTEEN_EQUITY = "Equity:3001累计盈余:300101食堂伙食结余"
# Where the bank importer puts what no categorisation rule explains (flagged `!`).
SUSPENSE = "Liabilities:2307其他应付款:230799待查款项"
# Fee receipts imported before (or without) their bank deposit wait here (importers/receipts.py).
FEES_IN_TRANSIT = "Assets:1218其他应收款:121801缴费待到账"
# A transfer between two of the school's own accounts, between the two statements' sides.
TRANSFERS_IN_TRANSIT = "Assets:1218其他应收款:121802资金划转在途"
ACCUMULATED_SURPLUS = "Equity:3001累计盈余"
FREE_TRANSFER_EQUITY = "Equity:3401无偿调拨净资产"
PRIOR_YEAR_ADJUSTMENT = "Equity:3501以前年度盈余调整"
FISCAL_INCOME = "Income:4001财政拨款收入"
FISCAL_INCOME_BASIC = "Income:4001财政拨款收入:400101基本支出拨款"
FISCAL_INCOME_PROJECT = "Income:4001财政拨款收入:400102项目支出拨款"
OPERATING_INCOME_REFUND = "Income:4101事业收入:410101财政专户返还"
MEAL_INCOME = "Income:4101事业收入:410102伙食费收入"  # students' meals
AFTER_SCHOOL_INCOME = "Income:4101事业收入:410103课后服务费收入"
STAFF_MEAL_INCOME = "Income:4101事业收入:410104教职工伙食费收入"
INTEREST_INCOME = "Income:4604利息收入"
RENT_INCOME = "Income:4605租金收入"
CANTEEN_OTHER_INCOME = "Income:4609其他收入:460901食堂其他收入"
OPERATING_EXPENSES = "Expenses:5001业务活动费用"
SALARIES = "Expenses:5001业务活动费用:500101工资福利费用"
GOODS_SERVICES = "Expenses:5001业务活动费用:500102商品和服务费用"
DEPRECIATION_EXPENSE = "Expenses:5001业务活动费用:500104固定资产折旧费"
CANTEEN_COST = "Expenses:5001业务活动费用:500106食堂伙食成本"
ASSET_DISPOSAL_EXPENSE = "Expenses:5301资产处置费用"
# -- 5101 单位管理费用 (assetrules): 行政及后勤 costs and their depreciation -------------------
# 制度 5101: "本级行政及后勤管理部门开展管理活动发生的各项费用…以及由单位统一负担的…工会经费"
# (which department is 行政及后勤: xiaozhang.model.uses). The same economic codes as 5001's.
ADMIN_EXPENSES = "Expenses:5101单位管理费用"
ADMIN_SALARIES = f"{ADMIN_EXPENSES}:510101工资福利费用"
ADMIN_GOODS_SERVICES = f"{ADMIN_EXPENSES}:510102商品和服务费用"
ADMIN_DEPRECIATION_EXPENSE = f"{ADMIN_EXPENSES}:510104固定资产折旧费"
# -- end of the 5101 block -------------------------------------------------------------------
CANTEEN_FUEL = f"{CANTEEN_COST}:02燃料水电"
CANTEEN_LABOUR = f"{CANTEEN_COST}:03人工"
CANTEEN_OTHER_COST = f"{CANTEEN_COST}:04其他"

# == 期末结转 (period close; owner: the close area, docs/close.md) ==
CURRENT_SURPLUS = "Equity:3301本期盈余"  # 收入、费用 are carried here at year end
YEAR_SURPLUS_DISTRIBUTION = "Equity:3302本年盈余分配"  # 3301 → here → 3001 累计盈余
# == end of 期末结转 ==

# -- statements (docs/statements.md): the 政府性基金预算 appropriation, a 4001 detail account ---------
# (4001 科目说明 二: “可按照一般公共预算财政拨款、政府性基金预算财政拨款等拨款种类进行明细核算”); its
# `government_fund: TRUE` mark feeds the 收入费用表's 其中：政府性基金收入.
FISCAL_INCOME_GOVERNMENT_FUND = "Income:4001财政拨款收入:400103政府性基金拨款"
GOVERNMENT_FUND_MARK = "government_fund"
# -- end of the statements block ----------------------------------------------------------------


def code_root(account: str) -> str:
    """`Liabilities:2103` for `Liabilities:2103应缴财政款`: the account's code, its name cut off
    (sub-accounts of either spelling start with it)."""
    match = re.match(r"^(.*:\d+)", account)
    return match.group(1) if match else account


CASH_ROOT = code_root(CASH)  # 1001 库存现金
TREASURY_ROOT = code_root(PAYABLE_TO_TREASURY)  # 2103 应缴财政款 and its sub-accounts
AGENCY_ROOT = code_root(AGENCY_FEES)  # 2307…230701 代收费 and its items
# Asset purchases (资产购置): 1601 固定资产, 1613 在建工程, 1611 工程物资, 1302 库存物品.
ASSET_ROOTS: tuple[str, ...] = ("Assets:1601", "Assets:1613", "Assets:1611", "Assets:1302")
SUPPLIER_ROOTS: tuple[str, ...] = ("Liabilities:2302", AGENCY_ROOT)  # 应付账款, 代收费 (paid on to the provider)

# The school's money (货币资金): cash, bank, zero-balance quota, other money funds.  What an
# importer books a statement against and what the rules count as cash moving.
MONEY_ROOTS: tuple[str, ...] = ("Assets:1001", "Assets:1002", "Assets:1011", "Assets:1021")
# What a payment can be paid from: the school's money, or the treasury paying a supplier
# directly (财政直接支付, booked as 财政拨款收入 on the day it is paid).
PAYMENT_SOURCES: tuple[str, ...] = MONEY_ROOTS + (code_root(FISCAL_INCOME),)

# == one definition (owner: onedef, issue 12) ==
# Accounts other modules named by retyping them (never again: refer to these).
OTHER_PAYABLES = "Liabilities:2307其他应付款"
DONATION_INCOME = "Income:4603捐赠收入"
CONSTRUCTION_IN_PROGRESS = "Assets:1613在建工程"
# The school's own cash and bank (库存现金, 银行存款, 其他货币资金): the money roots without the
# zero-balance quota (1011 零余额账户用款额度 is the treasury's money until it is spent).
CASH_AND_BANK_ROOTS: tuple[str, ...] = tuple(root for root in MONEY_ROOTS
                                             if root != code_root(ZERO_BALANCE))
# The five roots of the chart (会计要素) as documents and pages name them.
ROOT_NAMES: dict[str, str] = {"Assets": "资产", "Liabilities": "负债", "Equity": "净资产",
                              "Income": "收入", "Expenses": "费用"}
ROOTS: tuple[str, ...] = tuple(ROOT_NAMES)  # in the chart's order


def leaf_name(account: str) -> str:
    """`米面油` for `…:0101米面油`, `住宿费` for `Liabilities:2103应缴财政款:210301住宿费`: the last
    component without its code (a fee item's, a food category's, a sub-account's name)."""
    return re.sub(r"^\d+", "", account.rsplit(":", 1)[-1])


def under(account: str, parents: str | tuple[str, ...]) -> bool:
    """Is `account` one of `parents` (full names) or below one of them?  (`Assets:1002银行存款`
    is under itself and has `Assets:1002银行存款:100201基本户` under it, not `Assets:1002银行存款X`.)"""
    for parent in (parents,) if isinstance(parents, str) else parents:
        if account == parent or account.startswith(parent + ":"):
            return True
    return False
# == end of one definition ==

# Food categories of the canteen (食材分类): stores and cost have one sub-account each.
FOOD_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("01", "米面油"),
    ("02", "肉禽蛋"),
    ("03", "蔬菜"),
    ("04", "调味品"),
)

# The fund groups the overview shows (概览), in display order: (label, account prefix).
FUND_GROUPS: tuple[tuple[str, str], ...] = (
    ("基本户", BANK_BASIC),
    ("零余额账户用款额度", ZERO_BALANCE),
    ("食堂", BANK_CANTEEN),
    ("代收费", AGENCY_FEES),
    ("应缴财政款", PAYABLE_TO_TREASURY),
)

# The six fixed-asset categories (固定资产分类), code suffix and name.
ASSET_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("01", "房屋及构筑物"),
    ("02", "通用设备"),
    ("03", "专用设备"),
    ("04", "文物和陈列品"),
    ("05", "图书档案"),
    ("06", "家具用具装具及动植物"),
)


def fixed_asset_account(category: str) -> str:
    """`Assets:1601固定资产:160102通用设备` for category name `通用设备`."""
    for code, name in ASSET_CATEGORIES:
        if name == category:
            return f"{FIXED_ASSETS}:1601{code}{name}"
    raise KeyError(category)


def depreciation_account(category: str) -> str:
    for code, name in ASSET_CATEGORIES:
        if name == category:
            return f"{ACCUM_DEPRECIATION}:1602{code}{name}"
    raise KeyError(category)


def food_stock_account(category: str) -> str:
    """`Assets:1302库存物品:130201食堂食材:13020101米面油` for category `米面油`."""
    return f"{FOOD_STOCK}:130201{_food_code(category)}{category}"


def food_cost_account(category: str) -> str:
    """`Expenses:…:500106食堂伙食成本:01食材:0101米面油` for category `米面油`."""
    return f"{CANTEEN_COST}:01食材:01{_food_code(category)}{category}"


def _food_code(category: str) -> str:
    for code, name in FOOD_CATEGORIES:
        if name == category:
            return code
    raise KeyError(category)


def goods_services(code: str) -> str:
    """`Expenses:…:500102商品和服务费用:30201办公费` for economic code `30201`."""
    return f"{GOODS_SERVICES}:{code}{_GOODS_SERVICES[code]}"


def salaries(code: str) -> str:
    return f"{SALARIES}:{code}{_SALARIES[code]}"


def admin_goods_services(code: str) -> str:
    """`Expenses:5101单位管理费用:510102商品和服务费用:30228工会经费` for code `30228` (5101)."""
    return f"{ADMIN_GOODS_SERVICES}:{code}{_GOODS_SERVICES[code]}"


def agency_fee_account(code: str) -> str:
    """`Liabilities:2307其他应付款:230701代收费:01作业本费` for item code `01`."""
    return f"{AGENCY_FEES}:{code}{AGENCY_FEE_ITEMS[code]}"


# 部门预算支出经济分类 (款级) used under 500101 / 500102.
_SALARIES = {
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30112": "其他社会保障缴费",
    "30113": "住房公积金",
}
_GOODS_SERVICES = {
    "30201": "办公费",
    "30202": "印刷费",
    "30205": "水费",
    "30206": "电费",
    "30207": "邮电费",
    "30209": "物业管理费",
    "30211": "差旅费",
    "30213": "维修费",
    "30214": "租赁费",
    "30215": "会议费",
    "30216": "培训费",
    "30217": "公务接待费",
    "30218": "专用材料费",
    "30226": "劳务费",
    "30227": "委托业务费",
    "30228": "工会经费",
    "30229": "福利费",
    "30239": "其他交通费用",
    "30299": "其他商品和服务支出",
}
# Account flags read by the approval rules (plugins/approvals.py): goods and works need an
# 验收人; single-source or non-purchase spending (utilities, union dues, wages) needs no quotes.
_INSPECT = (("inspection", True),)
_NO_QUOTES = (("quote_exempt", True),)
_CANTEEN = (("canteen", True),)  # the canteen's own books (独立核算), sub-accounts included
_EXPENSE_FLAGS = {
    "30201": _INSPECT,
    "30213": _INSPECT,
    "30218": _INSPECT,
    "30205": _NO_QUOTES,
    "30206": _NO_QUOTES,
    "30207": _NO_QUOTES,
    "30211": _NO_QUOTES,
    "30216": _NO_QUOTES,
    "30228": _NO_QUOTES,
}
AGENCY_FEE_ITEMS = {
    "01": "作业本费",
    "02": "教辅资料费",
}


# == 预算会计科目 (budget accounting, 平行记账; owner: the budget area, docs/budget-accounting.md) ==
# The budget side is generated from the financial entries (plugins/budget_accounting.py).  Its
# accounts live under `Equity:` with their official codes (6xxx 预算收入, 7xxx 预算支出, 8xxx 预算
# 结余): every budget entry balances among budget accounts, so the budget subtree sums to zero
# and Fava's balance sheet, income statement and every report over the five financial roots
# are unchanged; a report on the financial side skips `is_budget_account` accounts.
BUDGET_ROOTS: tuple[str, ...] = ("Equity:6", "Equity:7", "Equity:8")
BUDGET_FISCAL_INCOME = "Equity:6001财政拨款预算收入"
BUDGET_FISCAL_BASIC = f"{BUDGET_FISCAL_INCOME}:600101基本支出"
BUDGET_FISCAL_PROJECT = f"{BUDGET_FISCAL_INCOME}:600102项目支出"
BUDGET_OPERATING_INCOME = "Equity:6101事业预算收入"
BUDGET_OTHER_INCOME = "Equity:6609其他预算收入"
BUDGET_INTEREST_INCOME = f"{BUDGET_OTHER_INCOME}:660901利息预算收入"
BUDGET_DONATION_INCOME = f"{BUDGET_OTHER_INCOME}:660902捐赠预算收入"
BUDGET_RENT_INCOME = f"{BUDGET_OTHER_INCOME}:660903租金预算收入"
BUDGET_CANTEEN_INCOME = f"{BUDGET_OTHER_INCOME}:660909食堂预算收入"
BUDGET_MISC_INCOME = f"{BUDGET_OTHER_INCOME}:660999其他"
BUDGET_OPERATING_SPENDING = "Equity:7201事业支出"
BUDGET_SPENDING_FISCAL = f"{BUDGET_OPERATING_SPENDING}:720101财政拨款支出"
BUDGET_SPENDING_PROJECT = f"{BUDGET_OPERATING_SPENDING}:720102非财政专项资金支出"
BUDGET_SPENDING_OTHER = f"{BUDGET_OPERATING_SPENDING}:720103其他资金支出"
BUDGET_CANTEEN_SPENDING = f"{BUDGET_OPERATING_SPENDING}:720109食堂支出"
BUDGET_OTHER_SPENDING = "Equity:7901其他支出"
FUND_BALANCE = "Equity:8001资金结存"
FUND_BALANCE_QUOTA = f"{FUND_BALANCE}:800101零余额账户用款额度"
FUND_BALANCE_MONEY = f"{FUND_BALANCE}:800102货币资金"
FUND_BALANCE_RECEIVABLE = f"{FUND_BALANCE}:800103财政应返还额度"
FISCAL_CARRYOVER = "Equity:8101财政拨款结转"
FISCAL_SURPLUS = "Equity:8102财政拨款结余"
NON_FISCAL_CARRYOVER = "Equity:8201非财政拨款结转"
NON_FISCAL_SURPLUS = "Equity:8202非财政拨款结余"
SPECIAL_SURPLUS = "Equity:8301专用结余"
BUSINESS_SURPLUS = "Equity:8401经营结余"
OTHER_SURPLUS = "Equity:8501其他结余"
SURPLUS_DISTRIBUTION = "Equity:8701非财政拨款结余分配"


# -- one definition (owner: onedef): the three budget roots by name (6xxx 预算收入, 7xxx 预算支出, 8xxx 预算结余)
BUDGET_INCOME_ROOT, BUDGET_SPENDING_ROOT, BUDGET_BALANCE_ROOT = BUDGET_ROOTS
# -- end of one definition


def is_budget_account(account: str) -> bool:
    """A 预算会计 account (6xxx / 7xxx / 8xxx under `Equity:`)."""
    return account.startswith(BUDGET_ROOTS)


def _budget_chart() -> list[AccountDef]:
    a = AccountDef
    chart = [
        a(BUDGET_FISCAL_INCOME, "财政拨款预算收入（预算会计，由财务会计分录按规则生成）"),
        a(BUDGET_FISCAL_BASIC, "财政拨款预算收入——基本支出（人员经费、日常公用经费见分录元数据）"),
        a(BUDGET_FISCAL_PROJECT, "财政拨款预算收入——项目支出（具体项目见分录元数据）"),
        a(BUDGET_OPERATING_INCOME, "事业预算收入（含财政专户返还）"),
        a("Equity:6201上级补助预算收入", "上级补助预算收入"),
        a("Equity:6301附属单位上缴预算收入", "附属单位上缴预算收入"),
        a("Equity:6401经营预算收入", "经营预算收入"),
        a("Equity:6501债务预算收入", "债务预算收入"),
        a("Equity:6601非同级财政拨款预算收入", "非同级财政拨款预算收入"),
        a("Equity:6602投资预算收益", "投资预算收益"),
        a(BUDGET_OTHER_INCOME, "其他预算收入"),
        a(BUDGET_INTEREST_INCOME, "其他预算收入——利息预算收入"),
        a(BUDGET_DONATION_INCOME, "其他预算收入——捐赠预算收入"),
        a(BUDGET_RENT_INCOME, "其他预算收入——租金预算收入"),
        a(BUDGET_CANTEEN_INCOME, "其他预算收入——食堂预算收入（饭卡充值减退款等食堂现金收入，"
          "年末与食堂支出相抵列为食堂净预算收入）"),
        a(BUDGET_MISC_INCOME, "其他预算收入——其他"),
        a("Equity:7101行政支出", "行政支出（行政单位）"),
        a(BUDGET_OPERATING_SPENDING, "事业支出"),
        a(BUDGET_SPENDING_FISCAL, "事业支出——财政拨款支出"),
        a(BUDGET_SPENDING_PROJECT, "事业支出——非财政专项资金支出"),
        a(BUDGET_SPENDING_OTHER, "事业支出——其他资金支出"),
        a(BUDGET_CANTEEN_SPENDING, "事业支出——食堂支出（食堂独立核算的现金支出，年末与食堂预算收入相抵）"),
        a("Equity:7301经营支出", "经营支出"),
        a("Equity:7401上缴上级支出", "上缴上级支出"),
        a("Equity:7501对附属单位补助支出", "对附属单位补助支出"),
        a("Equity:7601投资支出", "投资支出"),
        a("Equity:7701债务还本支出", "债务还本支出"),
        a(BUDGET_OTHER_SPENDING, "其他支出"),
        a(FUND_BALANCE, "资金结存：纳入部门预算管理的资金的流入、流出、调整和滚存"),
        a(FUND_BALANCE_QUOTA, "资金结存——零余额账户用款额度（等于 1011 的余额；年末结账后应无余额）"),
        a(FUND_BALANCE_MONEY, "资金结存——货币资金（等于库存现金、银行存款减代管款项）"),
        a(FUND_BALANCE_RECEIVABLE, "资金结存——财政应返还额度（等于 1201 的余额）"),
        a(FISCAL_CARRYOVER, "财政拨款结转"),
    ]
    for parent, subs in (
            (FISCAL_CARRYOVER, ("810101年初余额调整", "810102归集调入", "810103归集调出",
                                "810104归集上缴", "810105单位内部调剂", "810106本年收支结转",
                                "810107累计结转")),
            (FISCAL_SURPLUS, ("810201年初余额调整", "810202归集上缴", "810203单位内部调剂",
                              "810204结转转入", "810205累计结余")),
            (NON_FISCAL_CARRYOVER, ("820101年初余额调整", "820102缴回资金",
                                    "820103项目间接费用或管理费", "820104本年收支结转",
                                    "820105累计结转")),
            (NON_FISCAL_SURPLUS, ("820201年初余额调整", "820202项目间接费用或管理费",
                                  "820203结转转入", "820204累计结余"))):
        if parent != FISCAL_CARRYOVER:
            chart.append(a(parent, parent.split(":")[1][4:]))
        chart += [a(f"{parent}:{sub}", f"{parent.split(':')[1][4:]}——{sub[6:]}") for sub in subs]
    chart += [
        a(SPECIAL_SURPLUS, "专用结余"),
        a(BUSINESS_SURPLUS, "经营结余"),
        a(OTHER_SURPLUS, "其他结余"),
        a(SURPLUS_DISTRIBUTION, "非财政拨款结余分配"),
    ]
    return chart
# == end of 预算会计科目 ==

def _build_chart() -> tuple[AccountDef, ...]:
    a = AccountDef
    chart = [
        a(CASH, "库存现金：零星支出备用金，限额管理，收到现金当日解缴"),
        a(BANK, "银行存款"),
        a(BANK_BASIC, "基本存款账户：学校日常收支、非税收入收缴与上缴",
          (("bank", "中国工商银行某某支行"), ("bank_account", "1202020109900012345"))),
        a(BANK_CANTEEN, "食堂结算户：食堂独立核算，饭卡充值、食材货款、食堂费用",
          (("bank", "中国农业银行某某支行"), ("bank_account", "18-123401040012345")) + _CANTEEN),
        a(BANK_COLLECTION, "代收费专户：作业本费、教辅资料费等代收代付款项，收款账户",
          (("bank", "中国建设银行某某支行"), ("bank_account", "44050112345600000123"),
           ("collection", True))),
        a(ZERO_BALANCE, "零余额账户用款额度：财政授权支付额度",
          (("bank", "中国工商银行某某支行"), ("bank_account", "1202020119900067890"))),
        a(RECEIVABLE_QUOTA, "财政应返还额度：年末未使用的授权支付额度"),
        a("Assets:1212应收账款", "应收账款"),
        a("Assets:1214预付账款", "预付账款"),
        a("Assets:1218其他应收款", "其他应收款：职工借款等"),
        a(FEES_IN_TRANSIT, "缴费待到账：已开票据、银行尚未到账的学生缴费（导入票据时借记，银行入账时贷记）"),
        a(TRANSFERS_IN_TRANSIT, "资金划转在途：学校本单位账户之间的划转，转出和转入两边的流水各记一次，两边都导入后为零"),
        a("Assets:1302库存物品", "库存物品：低值易耗品、材料"),
        a(FOOD_STOCK, "食堂食材库存：入库、出库（领料）、月末盘存", _CANTEEN),
    ]
    chart += [a(food_stock_account(n), f"食堂食材库存——{n}") for _, n in FOOD_CATEGORIES]
    chart += [
        a(FIXED_ASSETS, "固定资产"),
    ]
    chart += [a(fixed_asset_account(n), f"固定资产——{n}") for _, n in ASSET_CATEGORIES]
    chart.append(a(ACCUM_DEPRECIATION, "固定资产累计折旧"))
    chart += [a(depreciation_account(n), f"累计折旧——{n}")
              for _, n in ASSET_CATEGORIES if n not in ("文物和陈列品", "图书档案")]
    chart += [
        a("Assets:1611工程物资", "工程物资"),
        a(CONSTRUCTION_IN_PROGRESS, "在建工程"),
        a("Assets:1701无形资产", "无形资产"),
        a("Assets:1702无形资产累计摊销", "无形资产累计摊销"),
        a("Assets:1891受托代理资产", "受托代理资产"),
        a(PENDING_ASSET_LOSS, "待处理财产损溢：盘盈盘亏、报损待批"),
        a("Liabilities:2101应交增值税", "应交增值税"),
        a("Liabilities:2102其他应交税费", "其他应交税费：代扣个人所得税等"),
        a(PAYABLE_TO_TREASURY, "应缴财政款：非税收入，收支两条线，及时足额上缴财政专户"),
        a(ACCOMMODATION_FEE, "应缴财政款——住宿费（行政事业性收费）"),
        a(DISPOSAL_PROCEEDS, "应缴财政款——国有资产处置收入"),
        a(PAYROLL, "应付职工薪酬"),
        a(f"{PAYROLL}:220101基本工资", "应付职工薪酬——基本工资"),
        a(f"{PAYROLL}:220102津贴补贴", "应付职工薪酬——津贴补贴"),
        a(f"{PAYROLL}:220103绩效工资", "应付职工薪酬——绩效工资"),
        a(f"{PAYROLL}:220104社会保险费", "应付职工薪酬——社会保险费（单位缴纳）"),
        a(f"{PAYROLL}:220105住房公积金", "应付职工薪酬——住房公积金（单位缴纳）"),
        a(ACCOUNTS_PAYABLE, "应付账款"),
        a(CANTEEN_PAYABLE, "食堂应付货款：定点供应商送货入库后按月结算", _CANTEEN),
        a("Liabilities:2305预收账款", "预收账款"),
        a(OTHER_PAYABLES, "其他应付款"),
        a(AGENCY_FEES, "代收费：代收代付款项，不属学校收入，期末结算清退"),
    ]
    chart += [a(agency_fee_account(c), f"代收费——{n}") for c, n in AGENCY_FEE_ITEMS.items()]
    chart += [
        a(MEAL_CARDS, "饭卡预存（学生）：学生伙食费预存款，就餐后确认收入，期末清退余额", _CANTEEN),
        a(STAFF_MEAL_CARDS, "教职工饭卡预存：教职工伙食费预存款，就餐后确认收入", _CANTEEN),
        a(SUSPENSE, "待查款项：导入银行流水时没有规则能归类的收付款（标记 !），查明后转入正确科目"),
        a("Liabilities:2901受托代理负债", "受托代理负债"),
        a(ACCUMULATED_SURPLUS, "累计盈余"),
        a(CANTEEN_EQUITY, "食堂伙食结余：食堂独立核算的累计结余（滚动用于改善伙食）", _CANTEEN),
        a("Equity:3101专用基金", "专用基金"),
        a(CURRENT_SURPLUS, "本期盈余"),
        a(YEAR_SURPLUS_DISTRIBUTION, "本年盈余分配"),
        a(FREE_TRANSFER_EQUITY, "无偿调拨净资产"),
        a(PRIOR_YEAR_ADJUSTMENT, "以前年度盈余调整"),
        a(FISCAL_INCOME, "财政拨款收入"),
        a(FISCAL_INCOME_BASIC, "财政拨款收入——基本支出（人员经费、公用经费）"),
        a(FISCAL_INCOME_PROJECT, "财政拨款收入——项目支出"),
        a(FISCAL_INCOME_GOVERNMENT_FUND, "财政拨款收入——政府性基金预算财政拨款（如彩票公益金）",
          ((GOVERNMENT_FUND_MARK, True),)),
        a("Income:4101事业收入", "事业收入"),
        a(OPERATING_INCOME_REFUND, "事业收入——财政专户核拨返还的非税收入"),
        a(MEAL_INCOME, "伙食费收入（学生）：学生就餐刷卡确认的伙食费（食堂独立核算）", _CANTEEN),
        a(AFTER_SCHOOL_INCOME, "事业收入——课后服务费收入（服务性收费，单独核算）"),
        a(STAFF_MEAL_INCOME, "教职工伙食费收入：教职工就餐刷卡确认的伙食费（食堂独立核算）", _CANTEEN),
        a("Income:4201上级补助收入", "上级补助收入"),
        a(DONATION_INCOME, "捐赠收入"),
        a(INTEREST_INCOME, "利息收入：银行存款利息"),
        a(RENT_INCOME, "租金收入：门面出租"),
        a("Income:4609其他收入", "其他收入"),
        a(CANTEEN_OTHER_INCOME, "食堂其他收入：食堂结算户利息、废旧物品变卖等（食堂独立核算）", _CANTEEN),
        a(OPERATING_EXPENSES, "业务活动费用"),
        a(SALARIES, "工资福利费用"),
    ]
    chart += [a(salaries(c), f"工资福利费用——{n}") for c, n in _SALARIES.items()]
    chart.append(a(GOODS_SERVICES, "商品和服务费用"))
    chart += [a(goods_services(c), f"商品和服务费用——{n}", _EXPENSE_FLAGS.get(c, ()))
              for c, n in _GOODS_SERVICES.items()]
    chart += [
        a(f"{OPERATING_EXPENSES}:500103对个人和家庭的补助费用", "对个人和家庭的补助费用"),
        a(f"{OPERATING_EXPENSES}:500103对个人和家庭的补助费用:30308助学金", "助学金"),
        a(DEPRECIATION_EXPENSE, "固定资产折旧费"),
        a(f"{OPERATING_EXPENSES}:500105无形资产摊销费", "无形资产摊销费"),
        a(CANTEEN_COST, "食堂伙食成本（食堂独立核算）", _CANTEEN),
        a(f"{CANTEEN_COST}:01食材", "食堂伙食成本——食材（领料出库）", _INSPECT),
    ]
    chart += [a(food_cost_account(n), f"食堂伙食成本——食材——{n}", _INSPECT)
              for _, n in FOOD_CATEGORIES]
    chart += [
        a(CANTEEN_FUEL, "食堂伙食成本——燃料水电（燃气、食堂电表、水表）", _NO_QUOTES),
        a(CANTEEN_LABOUR, "食堂伙食成本——人工（食堂从业人员工资）", _NO_QUOTES),
        a(CANTEEN_OTHER_COST, "食堂伙食成本——其他（餐具、清洁消毒用品等）"),
        a(ADMIN_EXPENSES, "单位管理费用：行政及后勤管理部门的费用和资产折旧，单位统一负担的工会经费等"),
        a(ADMIN_SALARIES, "单位管理费用——工资福利费用（行政及后勤人员）"),
        a(ADMIN_GOODS_SERVICES, "单位管理费用——商品和服务费用"),
    ]
    chart += [a(admin_goods_services(c), f"单位管理费用——商品和服务费用——{n}",
                _EXPENSE_FLAGS.get(c, ())) for c, n in _GOODS_SERVICES.items()]
    chart += [
        a(ADMIN_DEPRECIATION_EXPENSE, "单位管理费用——固定资产折旧费（行政及后勤用固定资产）"),
        a(ASSET_DISPOSAL_EXPENSE, "资产处置费用"),
        a("Expenses:5901其他费用", "其他费用"),
        a("Expenses:5901其他费用:590101银行手续费", "其他费用——银行手续费"),
    ]
    chart += _budget_chart()  # 预算会计科目 (the block above)
    return tuple(chart)


CHART: tuple[AccountDef, ...] = _build_chart()
