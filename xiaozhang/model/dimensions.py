"""The classification dimensions of a posting (分类维度): one definition of each.

The budget side (平行记账, `xiaozhang.model.budget`), the 决算 tables, 三公经费 and the
statements' notes all classify spending the same way; they ask this module, never each
other.  Every function is pure and cheap (no walk over the entries): it reads the
transaction, the posting and the account name.

支出功能分类 (`func_of`)
    The `func` metadata of the posting, else of the transaction, else the school profile's
    `func` on the entry's date (`custom "school"`, e.g. 2050202 小学教育).  Always a code
    string (a 7-digit 项级 code in practice); None only when the ledger has no profile.

支出经济分类 (`economic_code`, `economic_class`)
    The 部门预算支出经济分类 款级 code already in the account's name: the last component
    that starts with 301xx / 302xx / 303xx / 309xx / 310xx, e.g. `30201` for
    `Expenses:5001业务活动费用:500102商品和服务费用:30201办公费` (chart.py `_SALARIES`,
    `_GOODS_SERVICES`).  Accounts without such a component are mapped by their code
    (`_ECONOMIC_BY_ACCOUNT`): 应付职工薪酬 sub-accounts to the wage line they pay (220101 →
    30101 …), fixed-asset categories to 310 资本性支出 (160101 → 31001 房屋建筑物购建, 160102 /
    160106 → 31002 办公设备购置, 160103 → 31003 专用设备购置, 160104 → 31021 文物和陈列品购置,
    160105 → 31099 其他资本性支出 (附表1 图书购置)), 1302 库存物品 → 30218 专用材料费,
    1701 无形资产 → 31022 无形资产购置.  None: not an expenditure account (money, income,
    payables other than wages …).
    `economic_class(code)` is the 类: 301 工资福利支出, 302 商品和服务支出, 303 对个人和家庭的
    补助, 310 资本性支出 (the first three digits).

基本支出 / 项目支出 (`spending_kind`)
    项目支出 when the posting or its transaction carries `project` (专项资金, `custom
    "project"`), or books to 400102 项目支出拨款; else 基本支出.  `project_of` gives the name.

人员经费 / 日常公用经费 (`basic_class`)
    Within 基本支出: 人员经费 = 301 工资福利支出 + 303 对个人和家庭的补助; 日常公用经费 = 302
    商品和服务支出 + 310 资本性支出 (and anything else).  (财政拨款预算收入支出表 会政预03 rows.)

资金来源 / 资金性质 (`funding_source`, `fund_nature`)
    `funding_source(txn, posting)`: the column of 补充规定 附表1 — 同级财政拨款 / 事业收入 /
    非同级财政拨款 / 其他资金.  The `fund` metadata of the posting, else of the transaction
    (one of `FUNDING_SOURCES`), wins; else the money the transaction is paid from: a credit to
    1011 零余额账户用款额度, 1201 财政应返还额度 or 4001 财政拨款收入 (财政直接支付) →
    同级财政拨款; a credit to the school's own money (1001 / 1002 / 1021) → 事业收入 (a
    school's own money is mostly 财政专户返还 and 服务性收费; mark other money with `fund`);
    else None (an accrual or a non-cash entry: the source is decided when it is paid).
    `fund_nature(source, project)`: the 制度's three kinds for 7201 事业支出 — 财政拨款 (同级
    财政拨款), 非财政专项 (any other source with a `project`), 其他资金 (the rest).
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.policy import Policy

# -- 支出功能分类 --------------------------------------------------------------------------
FUNC_KEY = "func"


def func_of(txn: data.Transaction, posting: data.Posting | None, policy: Policy) -> str | None:
    """The 支出功能分类 code of a posting (posting `func` > transaction `func` > profile)."""
    if posting is not None and posting.meta and FUNC_KEY in posting.meta:
        return str(posting.meta[FUNC_KEY])
    if FUNC_KEY in txn.meta:
        return str(txn.meta[FUNC_KEY])
    return default_func(policy, txn.date)


def default_func(policy: Policy, date: dt.date) -> str | None:
    profile = policy.profile(date)
    if profile is None and policy.profiles:  # before the first profile: the first one
        profile = policy.profiles[0][1]
    return profile.get(FUNC_KEY) if profile else None


# -- 支出经济分类 --------------------------------------------------------------------------
ECONOMIC_CLASSES = {
    "301": "工资福利支出",
    "302": "商品和服务支出",
    "303": "对个人和家庭的补助",
    "310": "资本性支出",
}
_ECONOMIC_COMPONENT = re.compile(r"^(30[1239]\d\d|310\d\d)(?!\d)")
# Accounts that carry no 30xxx component: their economic code by account code.
_ECONOMIC_BY_ACCOUNT: tuple[tuple[str, str], ...] = (
    ("220101", "30101"),  # 应付职工薪酬——基本工资
    ("220102", "30102"),  # 津贴补贴
    ("220103", "30107"),  # 绩效工资
    ("220104", "30108"),  # 社会保险费（单位缴纳）: 养老保险缴费 is its largest part
    ("220105", "30113"),  # 住房公积金
    ("2201", "30199"),    # other wages
    ("160101", "31001"),  # 房屋及构筑物 → 房屋建筑物购建
    ("160102", "31002"),  # 通用设备 → 办公设备购置
    ("160103", "31003"),  # 专用设备 → 专用设备购置
    ("160104", "31021"),  # 文物和陈列品 → 文物和陈列品购置
    ("160105", "31099"),  # 图书档案 → 其他资本性支出（附表1 图书购置）
    ("160106", "31002"),  # 家具用具装具 → 办公设备购置（含办公家具）
    ("1601", "31099"),
    ("1611", "31099"),    # 工程物资
    ("1613", "31001"),    # 在建工程 → 房屋建筑物购建
    ("1701", "31022"),    # 无形资产购置
    ("1302", "30218"),    # 库存物品 → 专用材料费
    ("590101", "30204"),  # 银行手续费 → 手续费
    ("500104", None),     # depreciation is no expenditure
    ("500105", None),
)
_CODE = re.compile(r"^(\d+)")


@functools.cache  # a function of the account name alone (two regular expressions per component)
def economic_code(account: str) -> str | None:
    """The 支出经济分类 款级 code of an account (see the module docstring), or None."""
    found = None
    codes = []
    for component in account.split(":")[1:]:
        match = _ECONOMIC_COMPONENT.match(component)
        if match:
            found = match.group(1)
        code = _CODE.match(component)
        if code:
            codes.append(code.group(1))
    if found is not None:
        return found
    for code in reversed(codes):  # the most detailed level first
        for prefix, economic in _ECONOMIC_BY_ACCOUNT:
            if code == prefix:
                return economic
    return None


def economic_class(code: str | None) -> str | None:
    """`302` for `30201`: the 类 of an economic code."""
    return code[:3] if code else None


def economic_name(code: str) -> str:
    """The Chinese name of an economic code (款 from the chart, else the 类)."""
    names = {**chart._SALARIES, **chart._GOODS_SERVICES, **_CAPITAL_NAMES}
    return names.get(code) or ECONOMIC_CLASSES.get(code[:3], code)


_CAPITAL_NAMES = {
    "30199": "其他工资福利支出",
    "30204": "手续费",
    "30308": "助学金",
    "31001": "房屋建筑物购建",
    "31002": "办公设备购置",
    "31003": "专用设备购置",
    "31021": "文物和陈列品购置",
    "31022": "无形资产购置",
    "31099": "其他资本性支出",
}

# -- 基本支出 / 项目支出 ---------------------------------------------------------------------
BASIC, PROJECT = "基本支出", "项目支出"
PROJECT_KEY = "project"
_PROJECT_FUNDING = chart.code_root(chart.FISCAL_INCOME_PROJECT)  # 400102 项目支出拨款


def project_of(txn: data.Transaction, posting: data.Posting | None = None) -> str | None:
    """The `project` of the posting, else of the transaction (None: no project)."""
    if posting is not None and posting.meta and PROJECT_KEY in posting.meta:
        return str(posting.meta[PROJECT_KEY])
    value = txn.meta.get(PROJECT_KEY)
    return str(value) if value is not None else None


def spending_kind(txn: data.Transaction, posting: data.Posting | None = None) -> str:
    """基本支出 or 项目支出 (see the module docstring)."""
    if project_of(txn, posting) is not None:
        return PROJECT
    if posting is not None and posting.account.startswith(_PROJECT_FUNDING):
        return PROJECT
    return BASIC


# -- 人员经费 / 日常公用经费 -----------------------------------------------------------------
PERSONNEL, PUBLIC_USE = "人员经费", "日常公用经费"


def basic_class(code: str | None) -> str:
    """人员经费 (301, 303) or 日常公用经费 (302, 310 and anything else)."""
    return PERSONNEL if code and code[:3] in ("301", "303") else PUBLIC_USE


# -- 资金来源 / 资金性质 ---------------------------------------------------------------------
SAME_LEVEL_FISCAL, OPERATING, OTHER_LEVEL_FISCAL, OTHER_FUNDS = (
    "同级财政拨款", "事业收入", "非同级财政拨款", "其他资金")
FUNDING_SOURCES = (SAME_LEVEL_FISCAL, OPERATING, OTHER_LEVEL_FISCAL, OTHER_FUNDS)
FUND_KEY = "fund"
# Money the treasury provides: the quota, the quota to be restored, direct payment.
FISCAL_ROOTS = tuple(chart.code_root(a) for a in (chart.ZERO_BALANCE, chart.RECEIVABLE_QUOTA,
                                                  chart.FISCAL_INCOME))
# The school's own money (货币资金 other than the quota).
OWN_MONEY_ROOTS = chart.CASH_AND_BANK_ROOTS

FISCAL, NON_FISCAL_PROJECT, OTHER = "财政拨款", "非财政专项", "其他资金"
FUND_NATURES = (FISCAL, NON_FISCAL_PROJECT, OTHER)


def funding_source(txn: data.Transaction, posting: data.Posting | None = None) -> str | None:
    """The funding source (附表1 column) of a posting, see the module docstring."""
    for meta in ((posting.meta if posting is not None else None), txn.meta):
        if meta and FUND_KEY in meta and str(meta[FUND_KEY]) in FUNDING_SOURCES:
            return str(meta[FUND_KEY])
    own = False
    for other in txn.postings:
        number = other.units.number
        if number is None or number >= 0:
            continue
        if other.account.startswith(FISCAL_ROOTS):
            return SAME_LEVEL_FISCAL
        if other.account.startswith(OWN_MONEY_ROOTS):
            own = True
    return OPERATING if own else None


def fund_nature(source: str | None, project: str | None) -> str:
    """财政拨款 / 非财政专项 / 其他资金 (制度 7201 事业支出 明细)."""
    if source == SAME_LEVEL_FISCAL:
        return FISCAL
    return NON_FISCAL_PROJECT if project is not None else OTHER
