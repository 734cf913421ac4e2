"""The line tables of the statutory financial statements (财务报表): which accounts feed each line.

One definition, read by the statements (`xiaozhang.reports.statements`), the 收入费用表 of
`xiaozhang report income` (`reports/monthly.py`), the Fava page 财务报表 and the tests (which
recompute every line from the postings and these tables).  docs/statements.md prints them.

Accounts are named `科目编码 + 科目名称` (DOMAIN.md §3.1): the first-level code is the first four
digits of an account's second component (`Assets:1002银行存款:100201基本户` → 1002); every
sub-account feeds the line of its first-level code.

资产负债表 (会政财01, 第五部分 一)
    A line's figure is the balance at the day of its accounts: assets as debits (借方余额), liabilities
    and net assets as credits (贷方余额, shown positive).  `ASSET_LINES`/`LIABILITY_LINES` give the
    codes of each line; the 制度's exceptions:
    - 货币资金 = 1001 + 1002 + 1011 + 1021 less their 受托代理资产 sub-accounts (a sub-account whose
      name contains 受托代理), which go to 受托代理资产 with 1891 (编制说明 (1), (30));
    - 应收账款净额 / 其他应收款净额 less 1219 坏账准备 (its sub-accounts named 其他应收款 reduce
      其他应收款净额, the rest 应收账款净额) (编制说明 (5), (9));
    - 固定资产净值 = 1601 − 1602, 无形资产净值 = 1701 − 1702, and so on (编制说明 (17)–(25));
    - an asset code of no line goes to 其他流动资产, a liability code of no line to 其他流动负债
      (编制说明 (13), (45)), and the statement names them (`unlisted`).
    Net assets (净资产) and the virtual 结转: the ledger may or may not carry the year-end 结转 vouchers
    (收入、费用 → 3301 本期盈余 → 3302 本年盈余分配 → 3001 累计盈余; 3401, 3501 → 3001).  The balance
    sheet reads them either way: the postings dated before the year's 1 January to Income,
    Expenses, 3301, 3302, 3401 and 3501 are 累计盈余 (they were, or should have been, closed into it);
    from 1 January, Income, Expenses and 3301 are 本期盈余*, 3401 is 无偿调拨净资产*, 3302 and 3501
    are 累计盈余.  In December (the annual report, 年报) the two month-report lines marked * are not
    shown and their amounts are in 累计盈余 ("注：“*”标识项目为月报项目，年报中不需列示").  Any other
    equity code is 累计盈余; 3101 专用基金, 3201 权益法调整 have their own lines.

收入费用表 (会政财02, 第五部分 二; 中小学校补充规定 二、三)
    A line's figure is the period's postings (发生额) of its accounts: income as credits, expenses as
    debits.  `INCOME_LINES`/`EXPENSE_LINES` give the codes.  Two things are not by code:
    - the canteen (食堂, 独立核算): the income and expense accounts of the canteen's books (marked
      `canteen: TRUE`, `xiaozhang.model.canteen`) are not in 事业收入 or 业务活动费用; their net
      (canteen income − canteen expenses) is added to （十一）其他收入 and shown as 其中：食堂净收入,
      negative when the canteen lost money (补充规定 三); the internal business between the canteen
      and the school (a school subsidy booked as school expense and canteen income in one
      transaction) is offset: its income and expense postings are left out on both sides
      (`statements.internal_offsets`);
    - 其中：政府性基金收入: the 4001 sub-accounts opened with `government_fund: TRUE` (财政拨款收入
      “可按照一般公共预算财政拨款、政府性基金预算财政拨款等拨款种类进行明细核算”, 4001 科目说明 二).
    An income or expense code of no line gets a line of its own after the form's lines, so that
    本期盈余 always equals the ledger's income less its expenses.

净资产变动表 (会政财03, 第五部分 三): see `NAV_ROWS` and `nav_row`.
现金流量表 (会政财04, 第五部分 四): see `CASH_ACCOUNTS`, `CASH_FLOW_LINES` and `cash_category`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from xiaozhang import chart

# -- account codes --------------------------------------------------------------------------------
_CODE = re.compile(r"^(\d{4})")
TRUST = "受托代理"  # a 1001/1002 sub-account holding money held in trust (受托代理资产)
GOVERNMENT_FUND = chart.GOVERNMENT_FUND_MARK  # `open` meta of a 4001 sub-account: 政府性基金预算财政拨款


def code_of(account: str) -> str:
    """`1002` for `Assets:1002银行存款:100201基本户` ("" when the component has no code)."""
    parts = account.split(":", 2)
    match = _CODE.match(parts[1]) if len(parts) > 1 else None
    return match.group(1) if match else ""


def name_of(account: str) -> str:
    """`银行存款` for `Assets:1002银行存款:…` (the first-level name without its code)."""
    parts = account.split(":", 2)
    return _CODE.sub("", parts[1]) if len(parts) > 1 else account


class Line(NamedTuple):
    """One line of a statement: its label, the first-level codes feeding it, or (for a 合计) the
    keys of the lines it adds up (`minus`: lines subtracted), `star`: a month-report line (月报)."""

    key: str
    label: str
    codes: tuple[str, ...] = ()
    sums: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    heading: bool = False
    star: bool = False

    @property
    def total(self) -> bool:
        return bool(self.sums or self.minus)


def _L(key, label, *codes, **kw):
    return Line(key, label, tuple(codes), **kw)


# -- 资产负债表 ------------------------------------------------------------------------------------
CURRENT_ASSETS = ("money", "short_investment", "quota", "notes_receivable", "receivable", "prepaid",
                  "dividends", "interest", "other_receivable", "inventory", "deferred",
                  "current_noncurrent", "other_current")
NONCURRENT_ASSETS = ("equity_investment", "bond_investment", "fixed_net", "materials", "construction",
                     "intangible_net", "rnd", "infrastructure_net", "reserves", "heritage",
                     "housing_net", "long_deferred", "pending_loss", "other_noncurrent")
ASSET_LINES: tuple[Line, ...] = (
    _L("h_current", "流动资产：", heading=True),
    _L("money", "货币资金", "1001", "1002", "1011", "1021"),
    _L("short_investment", "短期投资", "1101"),
    _L("quota", "财政应返还额度", "1201"),
    _L("notes_receivable", "应收票据", "1211"),
    _L("receivable", "应收账款净额", "1212"),  # less 1219 (its part)
    _L("prepaid", "预付账款", "1214"),
    _L("dividends", "应收股利", "1215"),
    _L("interest", "应收利息", "1216"),
    _L("other_receivable", "其他应收款净额", "1218"),  # less 1219 (its part)
    _L("inventory", "存货", "1301", "1302", "1303"),
    _L("deferred", "待摊费用", "1401"),
    _L("current_noncurrent", "一年内到期的非流动资产"),
    _L("other_current", "其他流动资产"),  # and every asset code of no line
    _L("current_total", "流动资产合计", sums=CURRENT_ASSETS),
    _L("h_noncurrent", "非流动资产：", heading=True),
    _L("equity_investment", "长期股权投资", "1501"),
    _L("bond_investment", "长期债券投资", "1502"),
    _L("fixed_cost", "固定资产原值", "1601"),
    _L("fixed_depreciation", "减：固定资产累计折旧", "1602"),
    _L("fixed_net", "固定资产净值", sums=("fixed_cost",), minus=("fixed_depreciation",)),
    _L("materials", "工程物资", "1611"),
    _L("construction", "在建工程", "1613"),
    _L("intangible_cost", "无形资产原值", "1701"),
    _L("intangible_amortisation", "减：无形资产累计摊销", "1702"),
    _L("intangible_net", "无形资产净值", sums=("intangible_cost",), minus=("intangible_amortisation",)),
    _L("rnd", "研发支出", "1703"),
    _L("infrastructure_cost", "公共基础设施原值", "1801"),
    _L("infrastructure_depreciation", "减：公共基础设施累计折旧（摊销）", "1802"),
    _L("infrastructure_net", "公共基础设施净值", sums=("infrastructure_cost",),
       minus=("infrastructure_depreciation",)),
    _L("reserves", "政府储备物资", "1811"),
    _L("heritage", "文物文化资产", "1821"),
    _L("housing_cost", "保障性住房原值", "1831"),
    _L("housing_depreciation", "减：保障性住房累计折旧", "1832"),
    _L("housing_net", "保障性住房净值", sums=("housing_cost",), minus=("housing_depreciation",)),
    _L("long_deferred", "长期待摊费用", "1901"),
    _L("pending_loss", "待处理财产损溢", "1902"),
    _L("other_noncurrent", "其他非流动资产"),
    _L("noncurrent_total", "非流动资产合计", sums=NONCURRENT_ASSETS),
    _L("trust_assets", "受托代理资产", "1891"),  # and the 受托代理 sub-accounts of 1001/1002
    _L("assets_total", "资产总计", sums=("current_total", "noncurrent_total", "trust_assets")),
)
# Contra accounts: their balance is a credit, shown positive as a deduction (减：…).
CONTRA_ASSET_CODES = ("1602", "1702", "1802", "1832")
BAD_DEBTS = "1219"  # 坏账准备: less 应收账款 / 其他应收款 (by its sub-account names)

CURRENT_LIABILITIES = ("short_loans", "vat", "other_taxes", "to_treasury", "payroll", "notes_payable",
                       "payable", "subsidies_payable", "interest_payable", "advances", "other_payable",
                       "accrued", "current_long", "other_current_liabilities")
LIABILITY_LINES: tuple[Line, ...] = (
    _L("h_current_liabilities", "流动负债：", heading=True),
    _L("short_loans", "短期借款", "2001"),
    _L("vat", "应交增值税", "2101"),
    _L("other_taxes", "其他应交税费", "2102"),
    _L("to_treasury", "应缴财政款", "2103"),
    _L("payroll", "应付职工薪酬", "2201"),
    _L("notes_payable", "应付票据", "2301"),
    _L("payable", "应付账款", "2302"),
    _L("subsidies_payable", "应付政府补贴款", "2303"),
    _L("interest_payable", "应付利息", "2304"),
    _L("advances", "预收账款", "2305"),
    _L("other_payable", "其他应付款", "2307"),
    _L("accrued", "预提费用", "2401"),
    _L("current_long", "一年内到期的非流动负债"),
    _L("other_current_liabilities", "其他流动负债"),  # and every liability code of no line
    _L("current_liabilities_total", "流动负债合计", sums=CURRENT_LIABILITIES),
    _L("h_noncurrent_liabilities", "非流动负债：", heading=True),
    _L("long_loans", "长期借款", "2501"),
    _L("long_payable", "长期应付款", "2502"),
    _L("provisions", "预计负债", "2601"),
    _L("other_noncurrent_liabilities", "其他非流动负债"),
    _L("noncurrent_liabilities_total", "非流动负债合计",
       sums=("long_loans", "long_payable", "provisions", "other_noncurrent_liabilities")),
    _L("trust_liabilities", "受托代理负债", "2901"),
    _L("liabilities_total", "负债合计",
       sums=("current_liabilities_total", "noncurrent_liabilities_total", "trust_liabilities")),
    _L("h_net_assets", "净资产：", heading=True),
    _L("accumulated", "累计盈余", "3001", "3302", "3501"),  # and the virtual 结转 (module docstring)
    _L("special_funds", "专用基金", "3101"),
    _L("equity_method", "权益法调整", "3201"),
    _L("free_transfer", "无偿调拨净资产*", "3401", star=True),
    _L("current_surplus", "本期盈余*", "3301", star=True),
    _L("net_assets_total", "净资产合计",
       sums=("accumulated", "special_funds", "equity_method", "free_transfer", "current_surplus")),
    _L("liabilities_net_assets_total", "负债和净资产总计", sums=("liabilities_total", "net_assets_total")),
)
# Closed into 累计盈余 every year (the virtual 结转 of the module docstring).
YEARLY_CLOSED_EQUITY = ("3301", "3302", "3401", "3501")

# -- 收入费用表 ------------------------------------------------------------------------------------
INCOME_LINES: tuple[tuple[str, str], ...] = (
    ("4001", "财政拨款收入"), ("4101", "事业收入"), ("4201", "上级补助收入"), ("4301", "附属单位上缴收入"),
    ("4401", "经营收入"), ("4601", "非同级财政拨款收入"), ("4602", "投资收益"), ("4603", "捐赠收入"),
    ("4604", "利息收入"), ("4605", "租金收入"), ("4609", "其他收入"),
)
EXPENSE_LINES: tuple[tuple[str, str], ...] = (
    ("5001", "业务活动费用"), ("5101", "单位管理费用"), ("5201", "经营费用"), ("5301", "资产处置费用"),
    ("5401", "上缴上级费用"), ("5501", "对附属单位补助费用"), ("5801", "所得税费用"), ("5901", "其他费用"),
)
OTHER_INCOME = "4609"  # （十一）其他收入: the canteen's net is added to it (其中：食堂净收入)
FISCAL_INCOME = "4001"  # （一）财政拨款收入 (其中：政府性基金收入)

# -- 净资产变动表 ----------------------------------------------------------------------------------
# Rows of 会政财03; the columns are 累计盈余, 专用基金, 权益法调整 and 净资产合计.
NAV_ROWS: tuple[tuple[str, str], ...] = (
    ("opening", "一、上年年末余额"),
    ("prior_adjustment", "二、以前年度盈余调整（减少以“-”号填列）"),
    ("year_opening", "三、本年年初余额"),
    ("change", "四、本年变动金额（减少以“-”号填列）"),
    ("surplus", "（一）本年盈余"),
    ("free_transfer", "（二）无偿调拨净资产"),
    ("budget_balances", "（三）归集调整预算结转结余"),
    ("fund_set", "（四）提取或设置专用基金"),
    ("fund_from_income", "其中：从预算收入中提取"),
    ("fund_from_balance", "从预算结余中提取"),
    ("fund_other", "设置的专用基金"),
    ("fund_used", "（五）使用专用基金"),
    ("equity_method", "（六）权益法调整"),
    ("closing", "五、本年年末余额"),
)
NAV_CHANGE_ROWS = ("surplus", "free_transfer", "budget_balances", "fund_from_income",
                   "fund_from_balance", "fund_other", "fund_used", "equity_method")
ACCUMULATED, SPECIAL_FUNDS, EQUITY_METHOD = "accumulated", "special_funds", "equity_method"
SPECIAL_FUND_CODE, EQUITY_METHOD_CODE = "3101", "3201"


def nav_column(account: str) -> str | None:
    """The column of 会政财03 an account's postings move: 专用基金 (3101), 权益法调整 (3201), and
    累计盈余 for the rest of net assets, income and expenses (None: an asset or a liability)."""
    root = account.split(":", 1)[0]
    if root in ("Income", "Expenses"):
        return ACCUMULATED
    if root != "Equity":
        return None
    code = code_of(account)
    return {SPECIAL_FUND_CODE: SPECIAL_FUNDS, EQUITY_METHOD_CODE: EQUITY_METHOD}.get(code, ACCUMULATED)


def nav_row(account: str, fund_credit: bool | None, fund_counter: str | None) -> str:
    """The row of 会政财03 a posting of the year goes to (第五部分 三 4–10).

    `fund_credit`: the transaction credits (True) or debits (False) 3101 专用基金, None when it
    does not touch 3101; `fund_counter`: for a 3101 credit, "expenses" when the transaction
    debits an expense (从预算收入中提取), "accumulated" when it debits a 累计盈余 account
    (从预算结余中提取), else None (设置的专用基金).  Transactions whose postings all stay within the
    累计盈余 column (the 结转 vouchers) are left out before (they move nothing).

    Income and expenses: 本年盈余; 3201: 权益法调整; 3101, and the net-asset accounts of a
    transaction that moves 3101: the 专用基金 rows; 3401: 无偿调拨净资产; 3501: 以前年度盈余调整;
    3301, 3302: 本年盈余; 3001 and any other equity moved against an asset or a liability:
    归集调整预算结转结余 (“根据‘累计盈余’科目明细账记录分析填列”)."""
    root = account.split(":", 1)[0]
    if root in ("Income", "Expenses"):
        return "surplus"
    code = code_of(account)
    if code == EQUITY_METHOD_CODE:
        return "equity_method"
    if fund_credit is not None:
        if fund_credit is False:
            return "fund_used"
        return {"expenses": "fund_from_income", "accumulated": "fund_from_balance"}.get(
            fund_counter or "", "fund_other")
    if code == "3401":
        return "free_transfer"
    if code == "3501":
        return "prior_adjustment"
    if code in ("3301", "3302"):
        return "surplus"
    return "budget_balances"


# -- 现金流量表 ------------------------------------------------------------------------------------
# 现金 (编制说明 (二)): 库存现金, 银行存款, 其他货币资金, 零余额账户用款额度, 财政应返还额度, and the
# payments made by the treasury directly (财政直接支付: a transaction crediting 4001 without any
# of these accounts is cash received and paid on the same day).
CASH_ACCOUNTS = ("1001", "1002", "1011", "1021", "1201")
CASH_FLOW_LINES: tuple[Line, ...] = (
    _L("h_operating", "一、日常活动产生的现金流量：", heading=True),
    _L("fiscal_basic", "财政基本支出拨款收到的现金"),
    _L("fiscal_project", "财政非资本性项目拨款收到的现金"),
    _L("operating_receipts", "事业活动收到的除财政拨款以外的现金"),
    _L("other_receipts", "收到的其他与日常活动有关的现金"),
    _L("operating_in", "日常活动的现金流入小计",
       sums=("fiscal_basic", "fiscal_project", "operating_receipts", "other_receipts")),
    _L("goods", "购买商品、接受劳务支付的现金"),
    _L("staff", "支付给职工以及为职工支付的现金"),
    _L("taxes", "支付的各项税费"),
    _L("other_payments", "支付的其他与日常活动有关的现金"),
    _L("operating_out", "日常活动的现金流出小计", sums=("goods", "staff", "taxes", "other_payments")),
    _L("operating_net", "日常活动产生的现金流量净额", sums=("operating_in",), minus=("operating_out",)),
    _L("h_investing", "二、投资活动产生的现金流量：", heading=True),
    _L("investment_returned", "收回投资收到的现金"),
    _L("investment_income", "取得投资收益收到的现金"),
    _L("disposal_receipts", "处置固定资产、无形资产、公共基础设施等收回的现金净额"),
    _L("other_investing_receipts", "收到的其他与投资活动有关的现金"),
    _L("investing_in", "投资活动的现金流入小计",
       sums=("investment_returned", "investment_income", "disposal_receipts", "other_investing_receipts")),
    _L("capital_spending", "购建固定资产、无形资产、公共基础设施等支付的现金"),
    _L("investments_made", "对外投资支付的现金"),
    _L("disposal_remitted", "上缴处置固定资产、无形资产、公共基础设施等净收入支付的现金"),
    _L("other_investing_payments", "支付的其他与投资活动有关的现金"),
    _L("investing_out", "投资活动的现金流出小计",
       sums=("capital_spending", "investments_made", "disposal_remitted", "other_investing_payments")),
    _L("investing_net", "投资活动产生的现金流量净额", sums=("investing_in",), minus=("investing_out",)),
    _L("h_financing", "三、筹资活动产生的现金流量：", heading=True),
    _L("fiscal_capital", "财政资本性项目拨款收到的现金"),
    _L("borrowing", "取得借款收到的现金"),
    _L("other_financing_receipts", "收到的其他与筹资活动有关的现金"),
    _L("financing_in", "筹资活动的现金流入小计",
       sums=("fiscal_capital", "borrowing", "other_financing_receipts")),
    _L("repayment", "偿还借款支付的现金"),
    _L("interest_paid", "偿还利息支付的现金"),
    _L("other_financing_payments", "支付的其他与筹资活动有关的现金"),
    _L("financing_out", "筹资活动的现金流出小计",
       sums=("repayment", "interest_paid", "other_financing_payments")),
    _L("financing_net", "筹资活动产生的现金流量净额", sums=("financing_in",), minus=("financing_out",)),
    _L("exchange", "四、汇率变动对现金的影响额"),
    _L("net_increase", "五、现金净增加额", sums=("operating_net", "investing_net", "financing_net", "exchange")),
)
OUTFLOW_LINES = frozenset(("goods", "staff", "taxes", "other_payments", "capital_spending",
                           "investments_made", "disposal_remitted", "other_investing_payments",
                           "repayment", "interest_paid", "other_financing_payments"))

# The counter-account of a cash movement decides its line (编制说明 (六), 直接法): a category is
# one line (its flows netted: a refund from a supplier lessens 购买商品…) or a pair (inflow line,
# outflow line), chosen by the direction of each flow.
_CASH_BY_CODE: dict[str, str | tuple[str, str]] = {
    "4101": "operating_receipts", "1211": "operating_receipts", "1212": "operating_receipts",
    "2305": "operating_receipts",
    "1214": "goods", "1301": "goods", "1302": "goods", "1303": "goods", "1401": "goods",
    "2301": "goods", "2302": "goods",
    "2201": "staff",
    "2101": "taxes", "2102": "taxes", "5801": "taxes",
    "5901": "other_payments",
    "1601": "capital_spending", "1611": "capital_spending", "1613": "capital_spending",
    "1701": "capital_spending", "1703": "capital_spending", "1801": "capital_spending",
    "1831": "capital_spending", "1821": "capital_spending",
    "1101": ("investment_returned", "investments_made"), "1501": ("investment_returned", "investments_made"),
    "1502": ("investment_returned", "investments_made"),
    "1215": "investment_income", "1216": "investment_income", "4602": "investment_income",
    "1902": "disposal_receipts", "5301": "disposal_receipts",
    "2001": ("borrowing", "repayment"), "2501": ("borrowing", "repayment"),
    "2304": "interest_paid", "2502": ("other_financing_receipts", "other_financing_payments"),
}
DISPOSAL_PROCEEDS_NAME = "国有资产处置收入"  # a 2103 sub-account: proceeds of disposals to remit
_OTHER_DAILY = ("other_receipts", "other_payments")


def cash_category(account: str) -> str | tuple[str, str]:
    """The line (or the inflow and outflow lines) of a cash flow whose counter-account is
    `account` (see `_CASH_BY_CODE`, and below)."""
    root = account.split(":", 1)[0]
    code = code_of(account)
    if code == "4001":
        if "项目" in account:
            return "fiscal_capital" if ("资本" in account or "基本建设" in account) else "fiscal_project"
        return "fiscal_basic"
    if code == "2103" and DISPOSAL_PROCEEDS_NAME in account:
        return ("disposal_receipts", "disposal_remitted")
    found = _CASH_BY_CODE.get(code)
    if found is not None:
        return found
    if root == "Expenses":
        if "工资福利" in account:  # 500101 工资福利费用 (and the same group under 5101)
            return "staff"
        if "对个人和家庭" in account:  # 500103 对个人和家庭的补助费用
            return "other_payments"
        return "goods"
    return _OTHER_DAILY  # other income, 2103, 2307, 1218, equity … (其他与日常活动有关)
