"""预算会计报表: 会政预01/02/03, the 差异调节表 of 附注 and 补充规定 附表1, from the budget model.

Every figure is a sum of the budget side (`xiaozhang.model.budget`: the entries the plugin
derives by the rule table, and hand-written budget postings) over a year, read from the
school model (`budget_of(SchoolBooks.of(entries))`), never derived again here.  Signs: income
and expenditure positive; 收支差额 = 收入 − 支出.

- `income_expenditure(books, year)` — 预算收入支出表 (会政预01), 本年数 / 上年数, with
  "其中：食堂净预算收入" under (九)其他预算收入 (补充规定 二（一）、三: the canteen's 预算收支 netted
  into 其他预算收入; its spending is not in 事业支出).
- `carryover(books, year)` — 预算结转结余变动表 (会政预02): 年初 = the 8101–8501 balances
  before the year (with the 结转 entries of `xiaozhang close year`, `year-end` mark) plus the
  budget surplus of the years not yet carried forward; 本年收支差额 by 财政拨款 (6001 − 720101)
  / 其他资金, from the year's lines without its 结转 entries (never counted twice); 年末: once
  the year is carried forward, the 8101/8102/8201/8202/8301/8401 balances after 结转, else
  split into 财政拨款结转, 非财政拨款结转 (720102's projects), 非财政拨款结余.  年末合计 = 8001
  资金结存 at year end.  `carryover_columns` gives the 决算's 年初/年末 结转结余.
Every "本年" sum leaves the year-end 结转 entries out (`BudgetBook.lines_between(year_end=False)`).
- `fiscal(books, year)` — 财政拨款预算收入支出表 (会政预03): rows 基本支出 人员经费 /
  日常公用经费 and 项目支出 per project (6001 and 720101 lines by their `budget_class` /
  `budget_project`), columns 年初结转结余, 本年收入, 本年支出, 年末结转结余.
- `reconciliation(books, year)` — 本年盈余与预算结余的差异情况说明 (附注 (六)): each posting of
  the year's financial entries is classified by the line of the 附注 it belongs to.
- 中小学校事业支出明细表 (补充规定 附表1) is `reports/school_spending.py` (one definition, shown
  on both the 财务报表 and the 预算会计 pages); its total equals 会政预01's 事业支出.
- `invariant(books)` — 资金结存 and its financial accounts at every month end.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from xiaozhang import chart
from xiaozhang.model import dimensions as dim
from xiaozhang.model.budget import FUND_SUBS, GOVERNMENT_FUND, Derived, budget_of
from xiaozhang.model.closing import is_year_end
from xiaozhang.model.generated import GENERATED
from xiaozhang.reports.ledger_sums import transactions_between

ZERO = Decimal(0)
_code = chart.code_root  # `Equity:6001` for `Equity:6001财政拨款预算收入`


@dataclass(frozen=True)
class Line:
    label: str
    current: Decimal | None
    previous: Decimal | None = None
    level: int = 0  # 0 一、 1 (一) 2 其中


def _year(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


class _MonthSums:
    """The budget lines summed by calendar month, read once per budget book (every statement of
    the page asks a few whole years or months of the same lines): per month, each budget
    account's movement (debit positive) apart for the year-end 结转 entries, the 6001 lines of
    government-fund grants (`_government`) and the 会政预03 rows (`_fiscal_by_row`)."""

    def __init__(self, book) -> None:
        manual = {id(txn) for txn in book.manual}
        self.months: dict[tuple[int, int], list] = {}  # (year, month) -> [sums, year-end sums,
        #                                                 government, fiscal income, fiscal spending]
        read: dict[tuple, tuple[bool, str]] = {}  # a line's meta -> (government fund, 会政预03 row)
        for source, line in book.lines_between(dt.date.min, dt.date.max, year_end=True):
            day = source.date
            month = self.months.get((day.year, day.month))
            if month is None:
                month = self.months[(day.year, day.month)] = [
                    defaultdict(Decimal), defaultdict(Decimal), ZERO, defaultdict(Decimal), defaultdict(Decimal)]
            account = line.account
            closing = id(source) in manual and is_year_end(source)
            month[1 if closing else 0][account] += line.number
            if closing:
                continue
            income = account.startswith(_code(chart.BUDGET_FISCAL_INCOME))
            if not income and not account.startswith(chart.BUDGET_SPENDING_FISCAL):
                continue
            found = read.get(line.meta)
            if found is None:
                found = read[line.meta] = (dict(line.meta).get("fund_type") == GOVERNMENT_FUND,
                                           _fiscal_key(line))
            if income:
                if found[0]:
                    month[2] -= line.number
                month[3][found[1]] -= line.number
            else:
                month[4][found[1]] += line.number

    def covering(self, first: dt.date, last: dt.date) -> list | None:
        """The months of [first, last] when it is whole months (None: it is not)."""
        if first.day != 1 or (last != dt.date.max and (last + dt.timedelta(days=1)).day != 1):
            return None
        lo, hi = (first.year, first.month), (last.year, last.month)
        return [month for key, month in self.months.items() if lo <= key <= hi]


# per budget book (the books' `budget` part, shared by the pages of one load), held weakly
_MONTHS: dict[int, tuple[weakref.ref, _MonthSums]] = {}
_MONTHS_LOCK = threading.Lock()


def _months(book) -> _MonthSums:
    key = id(book)
    with _MONTHS_LOCK:
        found = _MONTHS.get(key)
        if found is not None and found[0]() is book:
            return found[1]
        sums = _MonthSums(book)
        _MONTHS[key] = (weakref.ref(book, lambda _ref, key=key: _MONTHS.pop(key, None)), sums)
        return sums


def _sums(book, first: dt.date, last: dt.date, year_end: bool = False) -> dict[str, Decimal]:
    """{budget account: movement (debit positive)} of the lines dated in [first, last]; the
    year-end 结转 entries (`close year`) only with `year_end` (balances), never in a year's 收支."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    months = _months(book).covering(first, last)
    if months is not None:
        for month in months:
            for part in (month[0], month[1]) if year_end else (month[0],):
                for account, number in part.items():
                    sums[account] += number
        return sums
    for _source, line in book.lines_between(first, last, year_end=year_end):
        sums[line.account] += line.number
    return sums


def _total(sums: dict[str, Decimal], prefix: str, exclude: str | None = None) -> Decimal:
    """The sum of the accounts starting with `prefix` (a code root: sub-accounts included), but
    those starting with `exclude`."""
    return sum((n for a, n in sums.items()
                if a.startswith(prefix) and not (exclude and a.startswith(exclude))), ZERO)


# -- 会政预01 -------------------------------------------------------------------------------------
INCOME_LINES = (
    ("（一）财政拨款预算收入", _code(chart.BUDGET_FISCAL_INCOME)),
    ("（二）事业预算收入", _code(chart.BUDGET_OPERATING_INCOME)),
    ("（三）上级补助预算收入", _code(chart.BUDGET_SUPERIOR_INCOME)),
    ("（四）附属单位上缴预算收入", _code(chart.BUDGET_AFFILIATE_INCOME)),
    ("（五）经营预算收入", _code(chart.BUDGET_BUSINESS_INCOME)),
    ("（六）债务预算收入", _code(chart.BUDGET_DEBT_INCOME)),
    ("（七）非同级财政拨款预算收入", _code(chart.BUDGET_OTHER_FISCAL_INCOME)),
    ("（八）投资预算收益", _code(chart.BUDGET_INVESTMENT_INCOME)),
)
# （八）其他支出: 7901 and the accounts a school sets apart for its larger items (“单位发生利息支出、
# 捐赠支出等其他支出金额较大或业务较多的，可单独设置‘7902 利息支出’、‘7903 捐赠支出’等科目”,
# 7901 其他支出 二); its 其中 lines (编制说明: “根据‘其他支出’科目明细账记录分析填列。单位单设‘利息支出’
# 科目的，应当根据‘利息支出’科目的本年发生额填列”): the account set apart, or the 7901 sub-accounts
# named so (e.g. `Equity:7901其他支出:790101利息支出`).
OTHER_SPENDING = _code(chart.BUDGET_OTHER_SPENDING)[:-2]
OTHER_SPENDING_DETAIL = (("其中：利息支出", _code(chart.BUDGET_INTEREST_SPENDING), "利息支出"),
                         ("捐赠支出", _code(chart.BUDGET_DONATION_SPENDING), "捐赠支出"))


def _other_detail(sums: dict[str, Decimal], apart: str, name: str) -> Decimal:
    """An 其中 line of （八）其他支出: the account set apart (`apart`) and the 7901 sub-accounts
    whose name says `name`."""
    return sum((n for a, n in sums.items()
                if a.startswith(apart) or (a.startswith(chart.BUDGET_OTHER_SPENDING + ":")
                                           and name in a[len(chart.BUDGET_OTHER_SPENDING):])), ZERO)


SPENDING_LINES = (
    ("（一）行政支出", _code(chart.BUDGET_ADMIN_SPENDING)),
    ("（二）事业支出", _code(chart.BUDGET_OPERATING_SPENDING)),
    ("（三）经营支出", _code(chart.BUDGET_BUSINESS_SPENDING)),
    ("（四）上缴上级支出", _code(chart.BUDGET_TO_SUPERIOR_SPENDING)),
    ("（五）对附属单位补助支出", _code(chart.BUDGET_AFFILIATE_SPENDING)),
    ("（六）投资支出", _code(chart.BUDGET_INVESTMENT_SPENDING)),
    ("（七）债务还本支出", _code(chart.BUDGET_DEBT_REPAYMENT)),
    ("（八）其他支出", OTHER_SPENDING),
)


def _figures(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    canteen = -_total(sums, chart.BUDGET_CANTEEN_INCOME) - _total(sums, chart.BUDGET_CANTEEN_SPENDING)
    figures = {label: -_total(sums, prefix) for label, prefix in INCOME_LINES}
    figures["其中：政府性基金收入"] = ZERO  # from the lines' fund_type (`_government`)
    other = -_total(sums, _code(chart.BUDGET_OTHER_INCOME), exclude=chart.BUDGET_CANTEEN_INCOME) + canteen
    figures["（九）其他预算收入"] = other
    figures["其中：利息预算收入"] = -_total(sums, chart.BUDGET_INTEREST_INCOME)
    figures["捐赠预算收入"] = -_total(sums, chart.BUDGET_DONATION_INCOME)
    figures["租金预算收入"] = -_total(sums, chart.BUDGET_RENT_INCOME)
    figures["食堂净预算收入"] = canteen
    for label, prefix in SPENDING_LINES:
        figures[label] = _total(sums, prefix, exclude=chart.BUDGET_CANTEEN_SPENDING)
    for label, apart, name in OTHER_SPENDING_DETAIL:
        figures[label] = _other_detail(sums, apart, name)
    income = sum((figures[label] for label, _ in INCOME_LINES), ZERO) + other
    spending = sum((figures[label] for label, _ in SPENDING_LINES), ZERO)
    figures["一、本年预算收入"] = income
    figures["二、本年预算支出"] = spending
    figures["三、本年预算收支差额"] = income - spending
    return figures


ORDER_01 = (
    ("一、本年预算收入", 0), *((label, 1) for label, _ in INCOME_LINES[:1]),
    ("其中：政府性基金收入", 2), *((label, 1) for label, _ in INCOME_LINES[1:]),
    ("（九）其他预算收入", 1), ("其中：利息预算收入", 2), ("捐赠预算收入", 2), ("租金预算收入", 2),
    ("食堂净预算收入", 2),
    ("二、本年预算支出", 0), *((label, 1) for label, _ in SPENDING_LINES),
    ("其中：利息支出", 2), ("捐赠支出", 2),
    ("三、本年预算收支差额", 0),
)


def _government(book, first: dt.date, last: dt.date) -> Decimal:
    """其中：政府性基金收入: the 6001 lines of government-fund grants (`fund_type`)."""
    months = _months(book).covering(first, last)
    if months is not None:
        return sum((month[2] for month in months), ZERO)
    return -sum((line.number for _s, line in book.lines_between(first, last, year_end=False)
                 if line.account.startswith(_code(chart.BUDGET_FISCAL_INCOME))
                 and dict(line.meta).get("fund_type") == GOVERNMENT_FUND), ZERO)


def income_expenditure(books, year: int) -> list[Line]:
    """预算收入支出表 (会政预01): 本年数 and 上年数 per line."""
    book = budget_of(books)
    current = _figures(_sums(book, *_year(year)))
    previous = _figures(_sums(book, *_year(year - 1)))
    current["其中：政府性基金收入"] = _government(book, *_year(year))
    previous["其中：政府性基金收入"] = _government(book, *_year(year - 1))
    return [Line(label, current[label], previous[label], level) for label, level in ORDER_01]


# -- 会政预02 -------------------------------------------------------------------------------------
def _split(sums: dict[str, Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """(财政拨款 收支差额, 非财政专项 收支差额, 其他资金 收支差额) of budget movements."""
    fiscal = -_total(sums, _code(chart.BUDGET_FISCAL_INCOME)) - _total(sums, chart.BUDGET_SPENDING_FISCAL)
    project = -_total(sums, chart.BUDGET_SPENDING_PROJECT)  # non-fiscal project income: none apart
    total = -sum((n for a, n in sums.items() if a.startswith((chart.BUDGET_INCOME_ROOT, chart.BUDGET_SPENDING_ROOT))), ZERO)
    return fiscal, project, total - fiscal - project


def _balances_before(book, day: dt.date) -> dict[str, Decimal]:
    return _sums(book, dt.date.min, day - dt.timedelta(days=1), year_end=True)


# the 结转结余 groups by their two-digit code: 81 财政拨款, 82 非财政拨款, 83 专用, 84 经营, 85 其他
_CARRIED_GROUPS = tuple(_code(account)[:-2] for account in (
    chart.FISCAL_CARRYOVER, chart.NON_FISCAL_CARRYOVER, chart.SPECIAL_SURPLUS, chart.BUSINESS_SURPLUS,
    chart.OTHER_SURPLUS))
_FISCAL_GROUP = _CARRIED_GROUPS[0]


def carryover(books, year: int) -> list[Line]:
    """预算结转结余变动表 (会政预02), 本年数."""
    book = budget_of(books)
    first, last = _year(year)
    before = _balances_before(book, first)
    fiscal_before, project_before, other_before = _split(before)
    fiscal_open = fiscal_before - _total(before, _code(chart.FISCAL_CARRYOVER)) - _total(before, _code(chart.FISCAL_SURPLUS))
    other_open = (project_before + other_before - _total(before, _code(chart.NON_FISCAL_CARRYOVER))
                  - _total(before, _code(chart.NON_FISCAL_SURPLUS)) - _total(before, _code(chart.SPECIAL_SURPLUS))
                  - _total(before, _code(chart.BUSINESS_SURPLUS)) - _total(before, _code(chart.OTHER_SURPLUS)))
    movements = _sums(book, first, last)
    fiscal, project, other = _split(movements)
    # 结转结余 written during the year by hand: the opening of a school that starts mid-year
    # (衔接规定 三) is 年初; the 年初余额调整 sub-accounts are 年初余额调整
    adjust_fiscal = adjust_other = ZERO
    for account, number in movements.items():
        if not account.startswith(_CARRIED_GROUPS):
            continue
        if account.endswith("年初余额调整"):
            if account.startswith(_FISCAL_GROUP):
                adjust_fiscal -= number
            else:
                adjust_other -= number
        elif account.startswith(_FISCAL_GROUP):
            fiscal_open -= number
        else:
            other_open -= number
    fiscal_open_total, other_open_total = fiscal_open + adjust_fiscal, other_open + adjust_other
    end = fiscal_open_total + other_open_total + fiscal + project + other
    closing = [fiscal_open_total + fiscal, ZERO, project, other_open_total + other, ZERO, ZERO]
    if any(is_year_end(txn) and txn.date == last for txn in book.manual):
        # the year is carried forward (`close year`): 年末 as the ledger's 8xxx balances say
        after = _sums(book, dt.date.min, last, year_end=True)
        closing = [-_total(after, account) for account in YEAR_END_ACCOUNTS]
        closing[3] -= _total(after, _code(chart.OTHER_SURPLUS)) + _total(after, _code(chart.SURPLUS_DISTRIBUTION))  # 0 after 结转
        end = sum(closing, ZERO)
    return [
        Line("一、年初预算结转结余", fiscal_open + other_open),
        Line("（一）财政拨款结转结余", fiscal_open, level=1),
        Line("（二）其他资金结转结余", other_open, level=1),
        Line("二、年初余额调整", adjust_fiscal + adjust_other),
        Line("（一）财政拨款结转结余", adjust_fiscal, level=1),
        Line("（二）其他资金结转结余", adjust_other, level=1),
        Line("三、本年变动金额", fiscal + project + other),
        Line("（一）财政拨款结转结余", fiscal, level=1),
        Line("1.本年收支差额", fiscal, level=2),
        Line("2.归集调入", ZERO, level=2),
        Line("3.归集上缴或调出", ZERO, level=2),
        Line("（二）其他资金结转结余", project + other, level=1),
        Line("1.本年收支差额", project + other, level=2),
        Line("2.缴回资金", ZERO, level=2),
        Line("3.使用专用结余", ZERO, level=2),
        Line("4.支付所得税", ZERO, level=2),
        Line("四、年末预算结转结余", end),
        Line("（一）财政拨款结转结余", closing[0] + closing[1], level=1),
        Line("1.财政拨款结转", closing[0], level=2),
        Line("2.财政拨款结余", closing[1], level=2),
        Line("（二）其他资金结转结余", sum(closing[2:], ZERO), level=1),
        Line("1.非财政拨款结转", closing[2], level=2),
        Line("2.非财政拨款结余", closing[3], level=2),
        Line("3.专用结余", closing[4], level=2),
        Line("4.经营结余", closing[5], level=2),
    ]


# 年末 lines of 会政预02 once the year is carried forward: 8101, 8102, 8201, 8202, 8301, 8401
YEAR_END_ACCOUNTS = tuple(_code(account) for account in (
    chart.FISCAL_CARRYOVER, chart.FISCAL_SURPLUS, chart.NON_FISCAL_CARRYOVER, chart.NON_FISCAL_SURPLUS,
    chart.SPECIAL_SURPLUS, chart.BUSINESS_SURPLUS))


def carryover_columns(books, year: int, last: dt.date) -> tuple[Decimal, Decimal] | None:
    """(年初结转结余, 结转结余 at `last`) for the 决算's 收入支出决算总表: 会政预02's 年初 (with 年初余额
    调整) and, for a whole year, its 年末 (from the 结转 entries once `close year` wrote them), else
    年初 + the budget 收支差额 to `last`.  None when the ledger keeps no budget side."""
    book = budget_of(books)
    if not book.active:
        return None
    lines = {l.label: l.current for l in carryover(books, year) if l.level == 0}
    opening = lines["一、年初预算结转结余"] + lines["二、年初余额调整"]
    if last >= dt.date(year, 12, 31):
        return opening, lines["四、年末预算结转结余"]
    figures = _figures(_sums(book, dt.date(year, 1, 1), last))
    return opening, opening + figures["三、本年预算收支差额"]


# -- 会政预03 -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FiscalRow:
    label: str
    opening: Decimal
    income: Decimal
    spending: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.spending


def _fiscal_key(line) -> str:
    meta = dict(line.meta)
    if meta.get("kind") == dim.PROJECT:
        return "项目：" + (meta.get("budget_project") or "（未注明项目）")
    return meta.get("budget_class") or dim.PUBLIC_USE


def _fiscal_by_row(book, first: dt.date, last: dt.date) -> tuple[dict, dict]:
    income, spending = defaultdict(Decimal), defaultdict(Decimal)
    months = _months(book).covering(first, last)
    if months is not None:
        for month in months:
            for sums, part in ((income, month[3]), (spending, month[4])):
                for key, number in part.items():
                    sums[key] += number
        return income, spending
    for _source, line in book.lines_between(first, last, year_end=False):
        if line.account.startswith(_code(chart.BUDGET_FISCAL_INCOME)):
            income[_fiscal_key(line)] -= line.number
        elif line.account.startswith(chart.BUDGET_SPENDING_FISCAL):
            spending[_fiscal_key(line)] += line.number
    return income, spending


def fiscal(books, year: int) -> list[FiscalRow]:
    """财政拨款预算收入支出表 (会政预03): 一般公共预算财政拨款 by 基本支出 (人员经费, 日常公用经费)
    and 项目支出 (each project); the last row is the 合计."""
    book = budget_of(books)
    first, last = _year(year)
    before_in, before_out = _fiscal_by_row(book, dt.date.min, first - dt.timedelta(days=1))
    income, spending = _fiscal_by_row(book, first, last)
    keys = [dim.PERSONNEL, dim.PUBLIC_USE] + sorted(
        {k for d in (before_in, before_out, income, spending) for k in d} - {dim.PERSONNEL,
                                                                              dim.PUBLIC_USE})
    rows = [FiscalRow(key, before_in[key] - before_out[key], income[key], spending[key])
            for key in keys]
    rows.append(FiscalRow("合计", sum((r.opening for r in rows), ZERO),
                          sum((r.income for r in rows), ZERO), sum((r.spending for r in rows), ZERO)))
    return rows


# -- 差异调节表 -----------------------------------------------------------------------------------
ADD_INCOME = "加：1.当期确认为收入但没有确认为预算收入"
ADD_SPENDING = "加：2.当期确认为预算支出但没有确认为费用"
LESS_INCOME = "减：1.当期确认为预算收入但没有确认为收入"
LESS_EXPENSE = "减：2.当期确认为费用但没有确认为预算支出"
RECONCILIATION_ITEMS = (
    (ADD_INCOME, "（1）应收款项、预收账款确认的收入"),
    (ADD_INCOME, "（2）接受非货币性资产捐赠确认的收入"),
    (ADD_SPENDING, "（1）支付应付款项、预付账款的支出"),
    (ADD_SPENDING, "（2）为取得存货、政府储备物资等计入物资成本的支出"),
    (ADD_SPENDING, "（3）为购建固定资产等的资本性支出"),
    (ADD_SPENDING, "（4）偿还借款本息支出"),
    (LESS_INCOME, "（1）收到应收款项、预收账款确认的预算收入"),
    (LESS_INCOME, "（2）取得借款确认的预算收入"),
    (LESS_EXPENSE, "（1）发出存货、政府储备物资等确认的费用"),
    (LESS_EXPENSE, "（2）计提的折旧费用和摊销费用"),
    (LESS_EXPENSE, "（3）确认的资产处置费用（处置资产价值）"),
    (LESS_EXPENSE, "（4）应付款项、预付账款确认的费用"),
)
_CAPITAL = (_code(chart.FIXED_ASSETS), _code(chart.ENGINEERING_MATERIALS), _code(chart.CONSTRUCTION_IN_PROGRESS), _code(chart.INTANGIBLE_ASSETS))
_STOCK = (_code(chart.INVENTORY),)
_BORROWING = (_code(chart.SHORT_TERM_BORROWING), _code(chart.LONG_TERM_BORROWING))


def _budget_only_item(account: str, image: str) -> tuple[str, str] | None:
    """The 附注 line of a posting whose budget image is not an income or expense of its own."""
    if image.startswith(chart.BUDGET_INCOME_ROOT):
        item = 7 if account.startswith(_BORROWING) else 6
        return RECONCILIATION_ITEMS[item]
    if image.startswith(chart.BUDGET_SPENDING_ROOT):
        if account.startswith(_CAPITAL):
            return RECONCILIATION_ITEMS[4]
        if account.startswith(_STOCK):
            return RECONCILIATION_ITEMS[3]
        if account.startswith(_BORROWING):
            return RECONCILIATION_ITEMS[5]
        return RECONCILIATION_ITEMS[2]
    return None


def _financial_only_item(txn, posting) -> tuple[str, str]:
    """The 附注 line of an income or expense posting with no budget image."""
    credits = [p.account for p in txn.postings if p.units.number < 0]
    if posting.account.startswith("Income:"):
        debits = [p.account for p in txn.postings if p.units.number > 0]
        if any(a.startswith(_CAPITAL + _STOCK) for a in debits):
            return RECONCILIATION_ITEMS[1]
        return RECONCILIATION_ITEMS[0]
    if any(a.startswith(_STOCK) for a in credits):
        return RECONCILIATION_ITEMS[8]
    if any(a.startswith((_code(chart.ACCUM_DEPRECIATION), _code(chart.ACCUM_AMORTISATION))) for a in credits):
        return RECONCILIATION_ITEMS[9]
    if posting.account.startswith(chart.code_root(chart.ASSET_DISPOSAL_EXPENSE)):
        return RECONCILIATION_ITEMS[10]
    return RECONCILIATION_ITEMS[11]


@dataclass(frozen=True)
class Reconciliation:
    budget_surplus: Decimal  # 一、本年预算结余（本年预算收支差额）
    items: tuple[tuple[str, str, Decimal], ...]  # (group, line, amount), amounts positive
    other: Decimal  # （二）其他事项差异
    surplus: Decimal  # 三、本年盈余

    def total(self, group: str) -> Decimal:
        return sum((n for g, _l, n in self.items if g == group), ZERO)


def reconciliation(books, year: int) -> Reconciliation:
    """本年盈余与预算结余的差异情况说明: 本年预算结余 + 加项 − 减项 + 其他 = 本年盈余."""
    book = budget_of(books)
    first, last = _year(year)
    budget_surplus = _figures(_sums(book, first, last))["三、本年预算收支差额"]
    derived = {id(d.source.meta) for d in book.derived}  # a linked copy shares the meta
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    surplus = ZERO
    for txn in transactions_between(books.entries, first, last):
        if txn.meta.get(GENERATED) == "budget":
            continue
        for posting in txn.postings:
            account = posting.account
            if account.startswith(("Income:", "Expenses:")):
                surplus -= posting.units.number
        if id(txn.meta) in derived:
            for posting, image in book.images(txn):
                account = posting.account
                if image is None or account.startswith(("Income:", "Expenses:")):
                    continue
                item = _budget_only_item(account, image)
                if item is not None:  # budget income is a credit, budget spending a debit
                    number = posting.units.number
                    amounts[item] += -number if image.startswith(chart.BUDGET_INCOME_ROOT) else number
            continue
        if any(p.account.startswith(chart.BUDGET_ROOTS) for p in txn.postings):
            continue  # hand-written: both sides as written (其他事项差异 if they differ)
        for posting in txn.postings:
            if posting.account.startswith(("Income:", "Expenses:")):
                sign = -1 if posting.account.startswith("Income:") else 1
                amounts[_financial_only_item(txn, posting)] += sign * posting.units.number
    items = tuple((g, label, amounts[(g, label)]) for g, label in RECONCILIATION_ITEMS)
    listed = (sum((n for g, _l, n in items if g in (ADD_INCOME, ADD_SPENDING)), ZERO)
              - sum((n for g, _l, n in items if g in (LESS_INCOME, LESS_EXPENSE)), ZERO))
    return Reconciliation(budget_surplus, items, surplus - budget_surplus - listed, surplus)


# -- 资金结存 by month ----------------------------------------------------------------------------
def invariant(books) -> list[tuple[dt.date, list[tuple[str, Decimal, Decimal]], bool]]:
    """[(month end, [(8001 sub-account name, 资金结存, 对应财务科目)], holds)]."""
    return [(m.month_end, [(s.split(":")[-1][6:], b, f) for s, b, f in m.rows], m.holds)
            for m in budget_of(books).months]


def years(books) -> list[int]:
    """The years the budget side covers, latest first."""
    book = budget_of(books)
    found = {d.source.date.year for d in book.derived} | {t.date.year for t in book.manual}
    return sorted(found, reverse=True)


__all__ = ("FUND_SUBS", "Derived", "income_expenditure", "carryover", "fiscal", "reconciliation",
           "invariant", "years")


def income_expenditure_between(books, first: dt.date, last: dt.date) -> list[Line]:
    """The 会政预01 lines for any period [first, last] (the Fava page's time filter)."""
    book = budget_of(books)
    figures = _figures(_sums(book, first, last))
    figures["其中：政府性基金收入"] = _government(book, first, last)
    return [Line(label, figures[label], None, level) for label, level in ORDER_01]


def invariant_accounts(books) -> list[tuple[str, list[str]]]:
    """[(8001 sub-account name, the financial accounts the rule table maps to it)]."""
    table = budget_of(books).table
    return [(sub.split(":")[-1][6:], table.accounts_of(sub)) for sub in FUND_SUBS]
