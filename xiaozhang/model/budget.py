"""平行记账: the rule table (`custom "budget-rule"`) and the budget side derived from it.

`budget_of(SchoolBooks.of(entries))` (`BudgetBook.build`, a part of the books) reads the rule table of the ledger's
policy once and walks the transactions that touch a 平行记账科目 (cash) once:

The rule table (docs/budget-accounting.md; read and looked up by `xiaozhang.model.budget_rules`)
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
    A transaction on a 平行记账科目 with a posting no line covers is `Unclassified` (YS01); it is
    left out of the 资金结存 check below (reported once) until a line or a hand-written budget
    entry classifies it.

资金结存 invariant (at every month end)
    For each 8001 sub-account: its balance (generated and hand-written budget postings) equals
    the balance of the financial accounts the table maps to it — 800101 ↔ 1011, 800103 ↔ 1201,
    800102 ↔ 1001 + 1002 + 1021 + the 代管 and 在途 accounts (whose credit balances reduce it).
    `months` holds both sides per month end; `breaks` the first month end each sub-account
    differs, with the day the difference arose and the entry of that day (YS02).

Developer note (speed, 2026-12-07)
    The walk (one pass) no longer builds a `Derived` and two `BudgetLine`s per usual source (two
    postings mapped by a plan, `_plan`): it keeps the source with its shape and puts it into
    its group of `merged` (alike entries of a day, one budget entry each) with the sums of its
    two postings; the next entry of a run of alike ones (a day's fee receipts) joins the run's
    group without building its key.  A derived entry moves both sides of 8001 alike, so the
    walk counts only the other entries for the invariant (`breaks`) and `months` adds the
    groups' 8001 sums when asked; `derived` is built when a report first asks (collector
    paused).  The plugin writes each group's link without strftime and copies a group's sources
    in C-level passes; the derivation of one transaction is in `xiaozhang.model.budget_derive`.
    Bench ledger (44,881 sources, 3,682 budget entries; output identical, entry order too):
    `python bench/rules.py --ledger /work/benchledger/school --repeat 3`, line budget_accounting:
    main 0.282 s CPU (before, quiet machine) → 0.198–0.208 s on a loaded machine where main
    measured 0.361–0.422 s; main and branch alternating in that loop, one process: 0.340 →
    0.198–0.222 s (ratio ≈ 0.6).  The 预算会计 page's reads (years, the four statements, the
    invariant) take as long as on main (0.45 s, the same run).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from operator import itemgetter
from typing import NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model import dimensions as dim
from xiaozhang.model.budget_rules import (  # noqa: F401  (the table, re-exported for its users)
    DEFAULT_RULES, FUND_SUBS, GENERATED_BY, HELD, IGNORE, KEYWORDS, RULE_DIRECTIVE, RULES_SINCE,
    SIDES, TRANSIT, ZERO, Rule, RuleProblem, RuleTable, default_rules_text, read_rules)
from xiaozhang.model.budget_derive import (  # noqa: F401  (re-exported for its users)
    GOVERNMENT_FUND, INCOME_PREFIX, SPLIT, BudgetLine, Derived, Unclassified, derive,
    derive_resolved, line_meta, shaped_lines, shared_func_meta)
from xiaozhang.model.closing import is_year_end
from xiaozhang.model.collector import paused_collector
from xiaozhang.model.generated import GENERATED
from xiaozhang.model.periods import month_end


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


_NUMBER = itemgetter(1)  # BudgetLine.number
_NOTHING = ()  # `BudgetBook._plan`: the pair's two postings cancel on the budget side


# -- the book ------------------------------------------------------------------------------------
@dataclass
class BudgetBook:
    table: RuleTable
    rule_problems: list[RuleProblem] = field(default_factory=list)
    # the derived entries by (date, payee, narration, `Derived.key`), in the order first seen:
    # alike entries of a day, merged into one budget entry (`merged_lines`); each group is
    # [its sources in order, for a plan's shape the sums of their first and second postings'
    # numbers (else None, None)]
    merged: dict[tuple, list] = field(default_factory=dict)
    unclassified: list[Unclassified] = field(default_factory=list)
    manual: list[data.Transaction] = field(default_factory=list)
    unbalanced: list[UnbalancedManual] = field(default_factory=list)
    breaks: list[Break] = field(default_factory=list)
    # the derived entries as the walk keeps them (`derived` builds them on demand): each source
    # with its shape (two postings mapped by a plan, `_plan`) or its `Derived` (by id: `_general`)
    _sources: list[data.Transaction] = field(default_factory=list, repr=False)
    _shapes: list = field(default_factory=list, repr=False)
    _general: dict[int, Derived] = field(default_factory=dict, repr=False)
    # per month end: its rows without the derived entries, which move both sides alike (`months`)
    _sides: list[MonthState] = field(default_factory=list, repr=False)

    @property
    def active(self) -> bool:
        """Budget accounting is on: the ledger has a rule table."""
        return bool(self.table.rules)

    @cached_property
    def derived(self) -> list[Derived]:
        """The budget image of each derived transaction, in the order of the transactions
        (built when first asked: a report; the collector paused, as the plugins pause it)."""
        new = tuple.__new__  # Derived(...) without its Python-level __new__
        with paused_collector():
            return [shape if type(shape) is Derived else new(Derived, (
                source, shaped_lines(source, shape), shape))
                for source, shape in zip(self._sources, self._shapes)]

    def merged_lines(self, key: tuple, group: list) -> list[BudgetLine]:
        """The budget lines of one group of `merged`: its first source's lines, the amounts
        summed over the group (`units` None), a single source's lines as they are."""
        shape, (sources, sum_one, sum_two) = key[3], group
        if type(shape[0]) is str:  # a plan's shape: the lines follow the two postings
            if len(sources) == 1:
                return list(shaped_lines(sources[0], shape))
            one, two = sources[0].postings  # (ZERO +: the exponent and sign of `sum`'s 0 + …)
            return [BudgetLine(shape[0], ZERO + sum_one, one.units.currency, shape[2]),
                    BudgetLine(shape[1], ZERO + sum_two, two.units.currency, shape[3])]
        lines = [self._general[id(source)].lines for source in sources]
        if len(lines) == 1:
            return list(lines[0])
        return [line._replace(number=sum(map(_NUMBER, map(itemgetter(at), lines))),
                              units=None) for at, line in enumerate(lines[0])]

    @cached_property
    def months(self) -> list[MonthState]:
        """资金结存 at every month end: both sides per 8001 sub, the derived entries included
        (their 8001 movements summed per group of `merged`, then per month)."""
        moved: dict[dt.date, dict[str, Decimal]] = {}  # per month end, per 8001 sub
        ends: dict[dt.date, dt.date] = {}
        for key, (sources, sum_one, sum_two) in self.merged.items():
            end = ends.get(key[0])
            if end is None:
                end = ends[key[0]] = month_end(key[0])
            sums = moved.setdefault(end, {})
            shape = key[3]
            if type(shape[0]) is str:  # a plan's shape: the group's sums
                lines = ((shape[0], sum_one), (shape[1], sum_two))
            else:
                lines = [(line.account, line.number) for source in sources
                         for line in self._general[id(source)].lines]
            for account, number in lines:
                if account in FUND_SUBS:
                    sums[account] = sums.get(account, ZERO) + number
        total = {s: ZERO for s in FUND_SUBS}
        found = []
        for end, rows in self._sides:
            for sub, number in moved.get(end, {}).items():
                total[sub] += number
            found.append(MonthState(end, tuple((s, b + total[s], f + total[s])
                                               for s, b, f in rows)))
        return found

    @classmethod
    def build(cls, books) -> "BudgetBook":
        source = books.twin or books  # the rules' books: their index is already built
        index = source.index
        table, problems = read_rules(index.customs(RULE_DIRECTIVE))
        book = cls(table, problems)
        if not table.rules:
            return book
        first = books.first_date
        if first is not None:
            table.first = first
        # What to read: the entries on a 平行记账科目 or a budget account, except those whose
        # every posting maps to 8001 货币资金 (collecting 代收费, paying 2103 on, banking cash):
        # they derive nothing and move both sides of the invariant by zero (they balance).
        wanted = index.mask_of(lambda a: chart.is_budget_account(a) or table.may_be_cash(a))
        money = chart.FUND_BALANCE_MONEY
        other = index.mask_of(lambda a: not (
            (rule := table.static(a)) is not None and rule.image == money))
        txns = index.take(index.where(wanted, other)) if wanted and other else []
        # 4001 accounts opened with `government_fund: TRUE`: 政府性基金预算财政拨款 (6001 明细)
        table.government = tuple(index.marked(chart.GOVERNMENT_FUND_MARK))
        book._walk(txns, books.policy, books.last_date)
        return book

    def _walk(self, txns: list, policy, last: dt.date | None) -> None:
        table = self.table
        fund_subs = FUND_SUBS
        budget_roots = chart.BUDGET_ROOTS
        static, lookup = table.static, table.lookup
        sources, shapes = self._sources, self._shapes
        keep, shaped = sources.append, shapes.append
        merged = self.merged
        alike = merged.get
        plans: dict[tuple[str, str], tuple | None] = {}  # per account pair (`_plan`)
        func_metas: dict[str, tuple] = {}  # one (("func", code),) per code, shared
        day_meta = None  # that of the profile's 支出功能分类 on `today`
        # per day: (financial delta, budget delta) per 8001 sub, and the first entry of the
        # day that moves the two sides apart (a derived entry moves both sides alike: it is
        # counted only by `months`)
        days: dict[dt.date, list] = {}
        seen: list[dt.date] = []  # the days walked (our own entries left out)
        # the last group of a plan's shape today and what its key was made of (but the date):
        # alike entries come in runs (a day's fee receipts), the next of a run goes to it
        # without building its key
        run: tuple = (None,) * 7
        today = None
        for txn in txns:
            meta = txn.meta
            if meta and GENERATED in meta:
                continue  # our own budget entries (a list after the plugin): the model has them
            date = txn.date
            if date != today:
                today, day_meta = date, None
                seen.append(date)
                run = (None,) * 7  # (a run is one day's: the date is not compared below)
            postings = txn.postings
            if len(postings) == 2:  # most entries: a fast path, decided once per account pair
                first, second = postings
                pair = (first.account, second.account)
                plan = plans.get(pair, False)
                if plan is False:
                    plan = plans[pair] = self._plan(pair)
                if plan is not None:
                    if plan is _NOTHING:
                        continue  # e.g. cash banked: nothing moves
                    if plan[4]:  # an image is 预算收入: it takes `func`
                        if "func" in meta:
                            func_meta = shared_func_meta(str(meta["func"]), func_metas)
                        else:
                            func_meta = day_meta
                            if func_meta is None:
                                func_meta = day_meta = shared_func_meta(
                                    dim.default_func(policy, date) or "", func_metas)
                    else:
                        func_meta = ()
                    meta_one, meta_two = first.meta, second.meta
                    units = first.units
                    # (a posting's own keys only: `index.own_meta`, inline)
                    if (meta_one and len(meta_one) > 2 and "func" in meta_one
                            or meta_two and len(meta_two) > 2 and "func" in meta_two):
                        func = func_meta[0][1] if func_meta else None
                        image_one, image_two = plan[0], plan[1]
                        shape = (image_one, image_two, line_meta(image_one, first, func),
                                 line_meta(image_two, second, func), units.currency)
                        group = alike((date, txn.payee, txn.narration, shape))
                    elif plan is run[0] and func_meta is run[1] and units.currency == run[2] \
                            and txn.narration == run[3] and txn.payee == run[4]:
                        shape, group = run[5], run[6]  # the same key as the previous one's
                    else:
                        shape = (plan[0], plan[1], func_meta if plan[2] else (),
                                 func_meta if plan[3] else (), units.currency)
                        group = alike((date, txn.payee, txn.narration, shape))
                        if group is None:
                            group = merged[(date, txn.payee, txn.narration, shape)] = [
                                [], ZERO, ZERO]
                        run = (plan, func_meta, units.currency, txn.narration, txn.payee,
                               shape, group)
                    keep(txn)
                    shaped(shape)
                    if group is None:
                        merged[(date, txn.payee, txn.narration, shape)] = [
                            [txn], units.number, second.units.number]
                    else:
                        group[0].append(txn)
                        group[1] += units.number
                        group[2] += second.units.number
                    continue
            day = days.get(date)
            if day is None:
                day = days[date] = [defaultdict(Decimal), defaultdict(Decimal), None]
            financial, budget = day[0], day[1]
            resolved = []
            manual = False
            for posting in postings:
                number = posting.units.number
                if number is None:
                    continue
                account = posting.account
                if account.startswith(budget_roots):
                    manual = True
                    continue
                resolved.append((posting, static(account)
                                 or lookup(account, date, number > ZERO)))
            result = None if manual else derive_resolved(txn, resolved, table, policy)
            if type(result) is Derived:
                keep(txn)
                shaped(result)
                self._general[id(txn)] = result
                key = (date, txn.payee, txn.narration, result.key)
                group = alike(key)
                if group is None:
                    merged[key] = [[txn], None, None]
                else:
                    group[0].append(txn)
                continue
            if type(result) is Unclassified:
                # reported as YS01 and left out of the 资金结存 check until it is classified
                self.unclassified.append(result)
                continue
            # anything else may move the two sides apart: count each side
            local: dict[str, Decimal] = {}  # financial less budget of this entry, per 8001 sub
            for posting, rule in resolved:
                if rule is not None and rule.image in fund_subs:
                    image, number = rule.image, posting.units.number
                    financial[image] += number
                    local[image] = local.get(image, ZERO) + number
            if manual:
                self.manual.append(txn)
                residual = ZERO
                for posting in postings:
                    account, number = posting.account, posting.units.number
                    if number is None or not account.startswith(budget_roots):
                        continue
                    residual += number
                    for sub in fund_subs:
                        if account == sub or account.startswith(sub + ":"):
                            budget[sub] += number
                            local[sub] = local.get(sub, ZERO) - number
                if residual != ZERO:
                    self.unbalanced.append(UnbalancedManual(txn, residual))
            if day[2] is None and any(local.values()):
                day[2] = txn  # the first entry of the day that moves the two sides apart
        if seen:
            self._months(days, min(seen), max(seen), last)

    def _plan(self, pair: tuple[str, str]):
        """How the walk derives a two-posting transaction on these two accounts, decided once
        per pair: None (not by the fast path: a line depends on the date or side, a posting has
        no line or is 不记, no cash moves, or a line is split by the funding source or
        project), `_NOTHING` (both postings map to one budget account: nothing moves, e.g. cash
        banked), or (image one, image two, is 预算收入 one, two, either is)."""
        one, two = map(self.table.static, pair)
        if one is None or two is None or not (one.is_cash or two.is_cash):
            return None
        image_one, image_two = one.image, two.image
        if image_one is None or image_two is None or image_one in SPLIT or image_two in SPLIT:
            return None
        if image_one == image_two:
            return _NOTHING
        income_one = image_one.startswith(INCOME_PREFIX)
        income_two = image_two.startswith(INCOME_PREFIX)
        return (image_one, image_two, income_one, income_two, income_one or income_two)

    def _months(self, days: dict, first: dt.date, last_day: dt.date,
                last: dt.date | None) -> None:
        """The month ends from the first day walked to the last (or `last`): both sides of each
        8001 sub without the derived entries (`_sides`), and the breaks (`Break`)."""
        ordered = sorted(days.items())
        end = month_end(first)
        final = month_end(max(last_day, last or last_day))
        fin = {s: ZERO for s in FUND_SUBS}
        bud = {s: ZERO for s in FUND_SUBS}
        since: dict[str, tuple[dt.date, data.Transaction] | None] = {s: None for s in FUND_SUBS}
        reported: set[str] = set()
        broken = []
        position = 0
        while end <= final:
            while position < len(ordered) and ordered[position][0] <= end:
                date, (financial, budget, first_txn) = ordered[position]
                position += 1
                for sub in FUND_SUBS:
                    before = fin[sub] - bud[sub]
                    fin[sub] += financial.get(sub, ZERO)
                    bud[sub] += budget.get(sub, ZERO)
                    after = fin[sub] - bud[sub]
                    if after == ZERO:
                        since[sub] = None
                    elif before == ZERO or since[sub] is None:
                        since[sub] = (date, first_txn)  # the day the difference arose
            rows = tuple((s, bud[s], fin[s]) for s in FUND_SUBS)
            self._sides.append(MonthState(end, rows))
            for sub, b, f in rows:
                if b != f and sub not in reported:
                    reported.add(sub)
                    broken.append((len(self._sides) - 1, sub, since[sub] or (end, None)))
            end = month_end(end + dt.timedelta(days=1))
        for at, sub, (day, txn) in broken:  # with the derived entries: as `months` shows them
            month = self.months[at]
            _sub, b, f = next(row for row in month.rows if row[0] == sub)
            self.breaks.append(Break(month.month_end, sub, b, f, day, txn))

    def images(self, txn: data.Transaction) -> list[tuple[data.Posting, str | None]]:
        """Each posting of a (derived) transaction with the budget account its line maps it
        to (None: no line, or 不记) — for the 差异调节表, by the same table."""
        table = self.table
        return [(p, rule.image if rule is not None else None)
                for p in txn.postings if p.units.number is not None
                for rule in (table.lookup(p.account, txn.date, p.units.number > ZERO),)]

    # -- balances for the reports ----------------------------------------------------------------
    def lines_between(self, first: dt.date, last: dt.date, year_end: bool = True):
        """(source, BudgetLine) of the derived and hand-written budget postings dated in
        [first, last]; `year_end=False` leaves out the year-end 结转 entries (`closing.is_year_end`,
        written by `xiaozhang close year`): a year's 收入、支出 are its movements before 结转."""
        for derived in self.derived:
            if first <= derived.source.date <= last:
                for line in derived.lines:
                    yield derived.source, line
        for txn in self.manual:
            if first <= txn.date <= last:
                if not year_end and is_year_end(txn):
                    continue
                for p in txn.postings:
                    if p.units.number is not None and p.account.startswith(chart.BUDGET_ROOTS):
                        meta = tuple((k, str(v)) for k, v in (p.meta or {}).items()
                                     if k in ("func", "econ", "kind", "budget_project",
                                              "budget_class", "fund"))
                        yield txn, BudgetLine(p.account, p.units.number, p.units.currency, meta)


def budget_of(books) -> BudgetBook:
    """The budget side of the books (built once per books, shared through `books.part`)."""
    return books.part("budget", BudgetBook.build)
