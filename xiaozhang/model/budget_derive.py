"""平行记账: the budget image of one financial transaction (the derivation described in
`xiaozhang.model.budget`'s docstring; `BudgetBook` walks the transactions and calls it).

`derive` maps each posting by the rule table with its own sign and nets the images of one budget
account; `derive_resolved` does it over postings whose lines are already looked up;
`shaped_lines` builds the two lines of a two-posting transaction from the shape the walk keeps
(`BudgetBook._plan`), so that `Derived` objects are built only when a report asks for them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.model import dimensions as dim
from xiaozhang.model.budget_rules import ZERO, RuleTable

GOVERNMENT_FUND = "政府性基金"  # `fund_type` of a 6001 line from a government-fund 4001 account


class BudgetLine(NamedTuple):
    account: str
    number: Decimal
    currency: str
    meta: tuple[tuple[str, str], ...]  # func, econ, kind, budget_project, budget_class, fund
    units: Amount | None = None  # the source posting's amount when it is the line's only one


class Derived(NamedTuple):
    source: data.Transaction
    lines: tuple[BudgetLine, ...]
    shape: tuple = ()  # the lines without their amounts: alike entries of a day are merged

    @property
    def key(self) -> tuple:
        return self.shape or tuple([(l.account, l.currency, l.meta) for l in self.lines])


class Unclassified(NamedTuple):
    txn: data.Transaction
    postings: tuple[data.Posting, ...]


def derive(txn: data.Transaction, table: RuleTable, policy) -> Derived | Unclassified | None:
    """The budget image of one financial transaction (module docstring), or None."""
    resolved = []
    for posting in txn.postings:
        number = posting.units.number
        if number is not None:
            resolved.append((posting, table.lookup(posting.account, txn.date, number > ZERO)))
    return derive_resolved(txn, resolved, table, policy)


def derive_resolved(txn: data.Transaction, resolved: list, table: RuleTable,
            policy) -> Derived | Unclassified | None:
    """`derive` over the postings with their lines already looked up."""
    mapped = []
    missing = []
    cash = False
    for posting, rule in resolved:
        if posting.units.number == ZERO:
            continue
        if rule is None:
            missing.append(posting)
            continue
        if rule.image is None:  # 不记
            return None
        cash = cash or rule.is_cash
        mapped.append((posting, rule.image))
    if not cash:
        return None
    if missing:
        return Unclassified(txn, tuple(missing))
    sums: dict[tuple, list] = {}  # (account, currency, meta) -> [number, units or None]
    personnel = None
    txn_func = None
    for posting, image in mapped:
        units = posting.units
        number = units.number
        meta: tuple = ()
        account = image
        if image in SPLIT:  # 7201 事业支出 and 6001 (not a sub-account given): the dimensions
            if txn_func is None:
                txn_func = dim.func_of(txn, None, policy) or ""
            func = str(posting.meta["func"]) if posting.meta and "func" in posting.meta \
                else txn_func
            kind = dim.spending_kind(txn, posting)
            project = dim.project_of(txn, posting) or ""
            if image == chart.BUDGET_OPERATING_SPENDING:
                source = dim.funding_source(txn, posting)
                account = _SPENDING_BY_NATURE[dim.fund_nature(source, project or None)]
                code = dim.economic_code(posting.account) or ""
                meta = (("func", func), ("econ", code), ("kind", kind),
                        ("budget_project", project),
                        ("budget_class", dim.basic_class(code) if kind == dim.BASIC else ""),
                        ("fund", source or ""))
            else:
                account = chart.BUDGET_FISCAL_BASIC if kind == dim.BASIC \
                    else chart.BUDGET_FISCAL_PROJECT
                if personnel is None:
                    personnel = _is_personnel(txn, table)
                government = table.government and posting.account.startswith(table.government)
                meta = (("func", func), ("kind", kind), ("budget_project", project),
                        ("budget_class", (dim.PERSONNEL if personnel else dim.PUBLIC_USE)
                         if kind == dim.BASIC else ""),
                        ("fund_type", GOVERNMENT_FUND if government else ""))
        elif image.startswith(INCOME_PREFIX):
            if txn_func is None:
                txn_func = dim.func_of(txn, None, policy) or ""
            meta = (("func", txn_func),)
        key = (account, units.currency, meta)
        found = sums.get(key)
        if found is None:
            sums[key] = [number, units]  # one posting: its amount object serves the image
        else:
            found[0] += number
            found[1] = None
    lines = tuple(BudgetLine(a, n, c, m, u) for (a, c, m), (n, u) in sums.items() if n != ZERO)
    if not lines:
        return None
    return Derived(txn, lines)


def shaped_lines(source: data.Transaction, shape: tuple) -> tuple[BudgetLine, BudgetLine]:
    """The lines of a two-posting transaction derived by a plan (`BudgetBook._plan`), from its
    shape (image one, image two, meta one, meta two, currency)."""
    new = tuple.__new__  # BudgetLine(...) without its Python-level __new__
    units_one, units_two = source.postings[0].units, source.postings[1].units
    return (new(BudgetLine, (shape[0], units_one.number, units_one.currency, shape[2], units_one)),
            new(BudgetLine, (shape[1], units_two.number, units_two.currency, shape[3], units_two)))


def shared_func_meta(func: str, known: dict[str, tuple]) -> tuple:
    """(("func", func),), one tuple per code (`known`)."""
    found = known.get(func)
    if found is None:
        found = known[func] = (("func", func),)
    return found


def line_meta(image: str, posting: data.Posting, func: str | None) -> tuple:
    """The meta of the image of one posting on a budget account that takes no dimension but
    `func` (a `func` on the posting wins)."""
    if posting.meta and "func" in posting.meta:
        func = str(posting.meta["func"])
    return (("func", func),) if func is not None and image.startswith(INCOME_PREFIX) else ()


# images split by the dimensions (7201 事业支出, 6001 财政拨款预算收入); 预算收入 (take `func`)
SPLIT = (chart.BUDGET_OPERATING_SPENDING, chart.BUDGET_FISCAL_INCOME)
INCOME_PREFIX = chart.BUDGET_INCOME_ROOT
_SPENDING_BY_NATURE = {dim.FISCAL: chart.BUDGET_SPENDING_FISCAL,
                       dim.NON_FISCAL_PROJECT: chart.BUDGET_SPENDING_PROJECT,
                       dim.OTHER: chart.BUDGET_SPENDING_OTHER}


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
