"""合规 (compliance): the problems the rule plugins found, 应缴财政款 aging, pending entries,
budget execution per line and earmarked project balances.

Computed from the loaded entries and the load errors only (the caller passes what it already
has, e.g. Fava's `all_entries` and `errors`). The figures are the school model's
(`SchoolBooks.of(entries)`: its `treasury`, `budgets` and `projects` parts), the parts the
rules TL, BG and PJ read, so the page and `xiaozhang check` never disagree; nothing is derived
here again. (Fava's `all_entries` is not the list the rules saw — Beancount hands on the list
the last plugin returned — so the parts are built once more per load, then shared by the pages.)

Definitions
-----------
End of the data (`as_of`) and the 评判日期 (`judged`)
    `as_of` is the date of the latest transaction (as in the overview): the budgets and
    projects are shown as of that day.  `judged` is the 评判日期 (`books.as_of_source`,
    `xiaozhang.model.asof`: `--as-of`, else the ledger's `custom "as-of"`, else today), the
    day the rules judge deadlines by: days held and pending are counted up to it (never
    below 0), and "overdue" means overdue on that day, as the plugins judge it.

Problems (`errors`, `warnings`)
    Every load error, split by `xiaozhang.io.is_warning`: warnings (a budget overrun
    under `budget-control` "warn") are listed apart and do not fail `xiaozhang check`. The
    rule code is the `[XX00]` at the start of the message; its Chinese name comes from
    `xiaozhang.plugins.RULES`. Problems without a code (Beancount's and Fava's own checks)
    form one group with the code "". Each list is grouped twice: by rule (in the order of
    `RULES`, then unknown codes, then the code-less group) and by month of the offending
    entry's date (YYYY-MM, oldest first); a problem without an entry goes to `未定位`, last.

应缴财政款 aging (`treasury`)
    What is still in 2103 应缴财政款 at the end of the data, receipt by receipt, first in
    first out (remittances clear the oldest receipts): `books.treasury.to_remit`. The deadline
    is `treasury.deadline` (`remittance-days` after receipt, else the month's last day); a
    receipt is overdue when its deadline is before the 评判日期. Amounts are what is left of each
    receipt, positive.

Pending entries (`pending`)
    The `!` transactions (`overview.pending_entries`); `pending_days` is the `pending-days`
    policy on the 评判日期 (AP10 reports entries pending longer).

Budget execution (`budgets`)
    One row per budgeted account (`custom "budget"`): the line in force on the chosen day and
    the spending in its period (`books.budgets.periods`): debits minus credits to the
    account and its sub-accounts, pending entries included. The day is `as_of`, or for a past
    `year` its 31 December. `used` = actual / budget in per cent (one decimal); state
    正常, 接近（≥90%）, 已用完 (actual = budget), 超支 (actual > budget) (`usage`).

Projects (`projects`)
    One row per registered project (`custom "project"`): the registration in force on
    `as_of`, and everything spent on it so far (`books.projects.projects`). Balance =
    funding - spent; `used` and state as for budgets.

Filters (Fava's filter bar; the page passes `period` and `selected`)
    The problems are those of the whole load (the rules run over all entries); the time
    filter narrows the list to the problems whose entry is dated in its period (problems
    without a date stay listed). The pending entries are those of `selected` (Fava's filtered
    list) within the period. The budget rows are those of the budget period containing the
    filter's last day (or the end of the data, if earlier), with the period's whole spending.
    The 应缴财政款 aging and the projects are taken at the end of the data whatever the filter:
    they need the whole history (the page says so at the top).

Example::

    loaded = xiaozhang.io.load(xiaozhang.io.DEFAULT_LEDGER)  # no cache, one meaning of warnings
    entries, errors, options_map = loaded.entries, loaded.problems, loaded.options_map
    report = build(entries, errors, options_map)
    for group in report.errors.by_rule:
        print(group.code, group.name, group.count)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from beancount.core import data

from xiaozhang.io import is_warning
from xiaozhang.messages import chinese
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budgets import period_label, period_of
from xiaozhang.model.asof import AsOf
from xiaozhang.model.money import ledger_currency, percent
from xiaozhang.model.periods import Month
from xiaozhang.model.treasury import deadline, item_name
from xiaozhang.model.closing import closing_of
from xiaozhang.plugins import RULES
from xiaozhang.reports.overview import PendingEntry, pending_entries

ZERO = Decimal("0")
UNLOCATED = "未定位"
OTHER_CHECKS = "账本检查（Beancount / Fava）"
UNKNOWN_RULE = "其他规则"
NORMAL, NEAR, USED_UP, OVER = "正常", "接近（≥90%）", "已用完", "超支"
NEAR_SHARE = Decimal("0.9")
_CODE = re.compile(r"^\[([A-Z]{2}\d{2})\]\s*")


def usage(actual: Decimal, limit: Decimal) -> tuple[Decimal | None, str]:
    """Per cent of `limit` used (one decimal; None when the limit is not positive) and the
    state: 超支 above the limit, 已用完 exactly at it, 接近（≥90%） from 90% up, else 正常."""
    if actual > limit:
        state = OVER
    elif actual == limit:
        state = USED_UP
    else:
        state = NEAR if actual >= limit * NEAR_SHARE else NORMAL
    if limit <= 0:
        return None, state
    return percent(actual, limit), state


# -- problems --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    code: str  # e.g. "AP01"; "" for Beancount's and Fava's own checks
    message: str  # without the leading "[AP01] "
    filename: str  # "" when unknown
    lineno: int  # 0 when unknown
    entry: data.Directive | None  # the offending entry (for links); None when not known
    warning: bool

    @property
    def date(self) -> datetime.date | None:
        return getattr(self.entry, "date", None)

    @property
    def month(self) -> str:
        return Month.of(self.date).text if self.date else UNLOCATED

    @property
    def rule(self) -> str:
        return rule_name(self.code)


@dataclass(frozen=True)
class RuleGroup:
    code: str
    name: str
    warning: bool
    problems: tuple[Problem, ...]

    @property
    def count(self) -> int:
        return len(self.problems)


@dataclass(frozen=True)
class MonthGroup:
    month: str  # YYYY-MM, or 未定位
    problems: tuple[Problem, ...]

    @property
    def label(self) -> str:
        if self.month == UNLOCATED:
            return UNLOCATED
        return Month.parse(self.month).label

    @property
    def count(self) -> int:
        return len(self.problems)


@dataclass(frozen=True)
class Problems:
    """Errors or warnings, grouped by rule and by month."""

    by_rule: tuple[RuleGroup, ...]
    by_month: tuple[MonthGroup, ...]

    @property
    def count(self) -> int:
        return sum(group.count for group in self.by_rule)


def rule_name(code: str) -> str:
    if not code:
        return OTHER_CHECKS
    return RULES.get(code, UNKNOWN_RULE)


def problem_of(error) -> Problem:
    """A load error (a `(source, message, entry)` tuple) as a problem (Beancount's own English
    messages in Chinese, as `xiaozhang check` prints them: `xiaozhang.messages.chinese`)."""
    message = chinese(error.message)
    match = _CODE.match(message)
    source = getattr(error, "source", None) or {}
    return Problem(
        code=match.group(1) if match else "",
        message=message[match.end():] if match else message,
        filename=str(source.get("filename") or ""),
        lineno=int(source.get("lineno") or 0),
        entry=getattr(error, "entry", None),
        warning=is_warning(error),
    )


def group_problems(problems: Iterable[Problem], warning: bool) -> Problems:
    def order(problem: Problem):
        return (problem.date or datetime.date.max, problem.filename, problem.lineno)

    items = sorted(problems, key=order)
    rule_rank = {code: index for index, code in enumerate(RULES)}
    codes = sorted({p.code for p in items},
                   key=lambda code: (rule_rank.get(code, len(RULES)), not code, code))
    months = sorted({p.month for p in items}, key=lambda month: (month == UNLOCATED, month))
    return Problems(
        by_rule=tuple(
            RuleGroup(code, rule_name(code), warning, tuple(p for p in items if p.code == code))
            for code in codes
        ),
        by_month=tuple(
            MonthGroup(month, tuple(p for p in items if p.month == month)) for month in months
        ),
    )


# -- 应缴财政款 aging -----------------------------------------------------------------------
@dataclass(frozen=True)
class AgingLot:
    """What is left of one receipt into 2103 应缴财政款."""

    received: datetime.date
    amount: Decimal  # still to remit, positive
    deadline: datetime.date  # last day it may stay in 2103
    days_held: int  # from receipt to the 评判日期 (0 if received after it)
    overdue: bool  # deadline before the 评判日期
    entry: data.Transaction

    @property
    def filename(self) -> str:
        return self.entry.meta.get("filename", "")

    @property
    def lineno(self) -> int:
        return self.entry.meta.get("lineno", 0)


@dataclass(frozen=True)
class AgingAccount:
    account: str
    item: str  # e.g. 住宿费
    lots: tuple[AgingLot, ...]  # oldest first

    @property
    def total(self) -> Decimal:
        return sum((lot.amount for lot in self.lots), ZERO)

    @property
    def overdue_total(self) -> Decimal:
        return sum((lot.amount for lot in self.lots if lot.overdue), ZERO)


# -- budgets and projects ----------------------------------------------------------------------
@dataclass(frozen=True)
class BudgetRow:
    account: str
    period: str  # e.g. 2026年
    first: datetime.date
    last: datetime.date
    budget: Decimal
    actual: Decimal
    used: Decimal | None  # per cent
    state: str
    line_entry: data.Custom  # the budget directive in force
    crossed_by: data.Transaction | None  # the entry that took the period over budget

    @property
    def balance(self) -> Decimal:
        return self.budget - self.actual


@dataclass(frozen=True)
class ProjectRow:
    name: str
    since: datetime.date  # registration in force
    funding: Decimal
    spent: Decimal
    used: Decimal | None  # per cent
    state: str
    accounts: tuple[str, ...]  # where the money may go
    last: datetime.date | None  # last spending
    entry: data.Custom  # the registration in force

    @property
    def balance(self) -> Decimal:
        return self.funding - self.spent


# -- the page ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Compliance:
    currency: str
    as_of: datetime.date | None  # date of the latest transaction
    judged: AsOf  # the 评判日期 and where it comes from (`.date`, `.label`)
    errors: Problems
    warnings: Problems
    treasury: tuple[AgingAccount, ...]
    pending: tuple[PendingEntry, ...]
    pending_days: int  # the `pending-days` policy on the 评判日期
    budget_year: int  # year of the day the budget periods contain
    budget_years: tuple[int, ...]  # years to choose from, ascending
    budgets: tuple[BudgetRow, ...]
    projects: tuple[ProjectRow, ...]
    period: tuple[datetime.date, datetime.date] | None = None  # the time filter's days, if any
    closed: tuple[str, ...] = ()  # months closed by a record ("2025年9月"…), docs/close.md
    reopened: tuple[tuple[str, str, str], ...] = ()  # (month, by, reason) of reopened months

    @property
    def treasury_total(self) -> Decimal:
        return sum((account.total for account in self.treasury), ZERO)

    @property
    def treasury_overdue_total(self) -> Decimal:
        return sum((account.overdue_total for account in self.treasury), ZERO)

    def days_pending(self, item: PendingEntry) -> int:
        """Days pending on the 评判日期 (0 for an entry dated after it)."""
        return max((self.judged.date - item.date).days, 0)


def build(
    entries: Sequence[data.Directive],
    errors: Sequence,
    options_map: dict,
    *,
    year: int | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    selected: Sequence[data.Directive] | None = None,
) -> Compliance:
    """Compute the compliance page (see the module docstring); `year` picks the budget year;
    `period` and `selected` are what Fava's filter bar asks ("Filters" above)."""
    books = SchoolBooks.of(entries if isinstance(entries, list) else list(entries), options_map)
    chosen = books if selected is None else SchoolBooks.of(
        selected if isinstance(selected, list) else list(selected), options_map)
    currency = ledger_currency(options_map)
    policy = books.policy  # its problems are among `errors` (the policy rule)
    as_of = books.last_date
    day = as_of or datetime.date.today()
    judged = books.as_of_source
    problems = _in_ledger([problem_of(error) for error in errors], books.entries)
    if period is not None:
        problems = [p for p in problems if p.date is None or period[0] <= p.date <= period[1]]
        year = min(period[1], day).year
    budget_years = tuple(sorted({first.year for _account, first in books.budgets.periods}
                                | {day.year}))
    if year not in budget_years:
        year = day.year
    budget_day = day if year == day.year else datetime.date(year, 12, 31)
    if period is not None:
        budget_day = min(period[1], day)
    return Compliance(
        currency=currency,
        as_of=as_of,
        judged=judged,
        errors=group_problems((p for p in problems if not p.warning), warning=False),
        warnings=group_problems((p for p in problems if p.warning), warning=True),
        treasury=treasury_aging(books, judged.date),
        pending=pending_entries(
            (txn for txn in chosen.transactions
             if period is None or period[0] <= txn.date <= period[1]), currency),
        pending_days=policy.get("pending-days", judged.date),
        budget_year=year,
        budget_years=budget_years,
        budgets=budget_rows(books, budget_day),
        projects=project_rows(books, day),
        period=period,
        **closed_months(books),
    )


def closed_months(books: SchoolBooks) -> dict:
    """Which months are closed (the closing records, `xiaozhang.model.closing`)."""
    book = closing_of(books)
    return {"closed": tuple(m.label for m in book.closed_months()),
            "reopened": tuple((r.month.label, r.by or "", r.reason or "") for r in book.reopened_months())}


def treasury_aging(books: SchoolBooks, day: datetime.date) -> tuple[AgingAccount, ...]:
    """What is still in 2103 at the end of the data, by account, oldest first; days held and
    overdue as of `day` (the 评判日期)."""
    by_account: dict[str, list[AgingLot]] = {}
    for account, lot in books.treasury.to_remit.outstanding():
        due = deadline(books.policy, lot.date)
        by_account.setdefault(account, []).append(
            AgingLot(lot.date, lot.amount, due, max((day - lot.date).days, 0), due < day,
                     lot.entry))
    return tuple(AgingAccount(account, item_name(account), tuple(lots))
                 for account, lots in by_account.items())


def budget_rows(books: SchoolBooks, day: datetime.date) -> tuple[BudgetRow, ...]:
    """Each budgeted account: its line in force on `day` and the spending of that period."""
    book = books.budgets
    rows = []
    for account in sorted(book.lines):
        found = book.execution(account, day)
        if found is None:
            continue
        line, execution = found
        first, last = period_of(line.frequency, day)
        actual = execution.actual if execution else ZERO
        used, state = usage(actual, line.amount.number)
        rows.append(BudgetRow(
            account=account,
            period=period_label(line.frequency, first),
            first=first,
            last=last,
            budget=line.amount.number,
            actual=actual,
            used=used,
            state=state,
            line_entry=line.entry,
            crossed_by=execution.crossed_by if execution else None,
        ))
    return tuple(rows)


def project_rows(books: SchoolBooks, day: datetime.date) -> tuple[ProjectRow, ...]:
    """Each registered project: its registration in force on `day`, all spent so far."""
    rows = []
    for name, project_state in books.projects.projects.items():
        project = project_state.as_of(day) or project_state.versions[0]
        used, state = usage(project_state.spent, project.funding.number)
        rows.append(ProjectRow(
            name=name,
            since=project.since,
            funding=project.funding.number,
            spent=project_state.spent,
            used=used,
            state=state,
            accounts=project.accounts,
            last=project_state.last,
            entry=project.entry,
        ))
    return tuple(sorted(rows, key=lambda row: (row.since, row.name)))


def _in_ledger(problems: list[Problem], entries: list[data.Directive]) -> list[Problem]:
    """Point each problem at the ledger's own copy of its entry, so that links resolve.

    Some checks report a changed copy: Beancount's balance check puts the `Balance` entry
    in the ledger with `diff_amount` filled in, and reports the original.
    """
    known = {id(entry) for entry in entries}
    strays = {id(p) for p in problems if p.entry is not None and id(p.entry) not in known}
    if not strays:
        return problems
    by_position: dict[tuple, data.Directive] = {}
    for entry in entries:
        by_position.setdefault((entry.meta.get("filename"), entry.meta.get("lineno")), entry)
    resolved = []
    for problem in problems:
        if id(problem) in strays:
            meta = problem.entry.meta or {}
            found = by_position.get((meta.get("filename"), meta.get("lineno")))
            if found is not None and type(found) is type(problem.entry):
                problem = replace(problem, entry=found)
        resolved.append(problem)
    return resolved
