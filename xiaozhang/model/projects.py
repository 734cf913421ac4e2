"""专项资金: the earmarked projects (`custom "project"`), their spending and balances.

`SchoolBooks.of(entries).projects` walks the entries once:

Registrations
    `2025-10-09 custom "project" "计算机教室建设2025" 265000.00 CNY Assets:1601固定资产:160102通用设备`:
    name, funding, the accounts it may pay (sub-accounts included).  Registering the same name
    again on a later date changes the funding and the accounts from that date; one
    registration per name and date.  A negative funding or an account never opened makes a
    registration `Malformed` (Beancount does not check the accounts of a custom directive).

Spending
    A transaction (or one posting) marked `project: "名称"`: its debits to expenses and asset
    purchases (`SPENDING`: Expenses, 1601, 1613, 1611, 1302) count as the project's spending,
    credits reduce it.  A day's transactions count when the day is over, so a project
    registered on the same day applies whatever the order of the files.

Events (`events`, in the order they happen)
    `Malformed` (a registration that is not name, amount, accounts), `Unregistered` (a
    project not registered on the day it is named), `OutsideUse` (a debit to an account the
    project does not allow) and `Overspent` (the transaction that takes the spending over the
    funding, or a registration that lowers the funding below what was already spent).  The rule (`xiaozhang.plugins.projects`, PJ01–PJ04) words them; the 合规 page
    shows the balances.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang.model.budgets import is_account
from xiaozhang.model.index import ASSET_ROOTS, EntryIndex, directives_first

# What a project's spending is booked to: expenses and asset purchases (资产购置: 1601 固定资产,
# 1613 在建工程, 1611 工程物资, 1302 库存物品, `ASSET_ROOTS` in model/index.py).
SPENDING = ("Expenses:",) + ASSET_ROOTS


@dataclass(frozen=True)
class Project:
    name: str
    since: dt.date
    funding: Amount
    accounts: tuple[str, ...]
    entry: data.Custom

    def allows(self, account: str) -> bool:
        return any(account == a or account.startswith(a + ":") for a in self.accounts)


@dataclass
class ProjectState:
    """A project's registrations over time and what has been spent on it."""

    versions: list[Project]
    spent: Decimal = Decimal(0)
    over: bool = False
    last: dt.date | None = None

    def as_of(self, date: dt.date) -> Project | None:
        index = bisect.bisect_right(self.versions, date, key=_since)
        return self.versions[index - 1] if index else None


_since = attrgetter("since")


class Malformed(NamedTuple):
    """A registration that is not name, amount, accounts; or (`problem`) one with a negative
    funding, an account never opened, or a second one of the name on the same date."""

    entry: data.Custom
    problem: str = ""


class Unregistered(NamedTuple):
    txn: data.Transaction
    name: str


class OutsideUse(NamedTuple):
    txn: data.Transaction
    name: str
    project: Project
    account: str


class Overspent(NamedTuple):
    txn: data.Transaction  # or the registration that lowered the funding below the spending
    name: str
    spent: Decimal  # at that moment
    funding: Decimal


class ProjectBook:
    """One pass over the entries: the registered projects, their spending, the events."""

    def __init__(self, entries: list, index: EntryIndex | None = None) -> None:
        self.projects: dict[str, ProjectState] = {}
        self.events: list = []
        index = index or EntryIndex(entries)
        named = index.take(index.where(index.meta("project")))  # on the entry or a posting
        self._opened = {entry.account for entry in index.opens}
        # A day's transactions count when the day is over: a registration of the same day
        # applies to them whatever the order of the files.
        for entry in directives_first(index.customs("project"), named):
            if type(entry) is data.Custom:
                self._register(entry)
            else:
                self._spend(entry)

    @classmethod
    def build(cls, books) -> "ProjectBook":
        """The part `SchoolBooks.projects`."""
        return cls(books.entries, books.index)

    def _register(self, entry: data.Custom) -> None:
        values = [v.value for v in entry.values]
        if (len(values) < 3 or not isinstance(values[0], str) or not isinstance(values[1], Amount)
                or not all(is_account(v) for v in entry.values[2:])):
            self.events.append(Malformed(entry))
            return
        project = Project(values[0], entry.date, values[1], tuple(values[2:]), entry)
        problem = self._problem(project)
        if problem:
            self.events.append(Malformed(entry, problem))
            return
        state = self.projects.setdefault(project.name, ProjectState([]))
        state.versions.append(project)
        # a registration lowering the funding below what was spent: reported here, once
        over = state.spent > project.funding.number
        if over and not state.over:
            self.events.append(Overspent(entry, project.name, state.spent, project.funding.number))
        state.over = over

    def _problem(self, project: Project) -> str:
        """What makes a well-formed registration unusable (Chinese), or ""."""
        if project.funding.number is None or project.funding.number < 0:
            return f"资金总额 {project.funding} 不能为负数"
        opened = self._opened
        unknown = [a for a in project.accounts
                   if a not in opened and not any(o.startswith(a + ":") for o in opened)]
        if unknown:
            return (f"允许列支的科目 {'、'.join(unknown)} 没有开设（open）：改正科目名称"
                    "（Beancount 不检查登记里的科目）")
        state = self.projects.get(project.name)
        if state and state.versions[-1].since == project.since:
            return (f"专项“{project.name}”在 {project.since} 已登记过，同一天只能登记一次"
                    "（此条不予采用；追加资金或调整用途请另起日期登记）")
        return ""

    def _spend(self, txn: data.Transaction) -> None:
        default = txn.meta.get("project")
        amounts: dict[str, Decimal] = {}
        found: set[tuple[type, str]] = set()  # each finding once per transaction and project
        for posting in txn.postings:
            name = (posting.meta or {}).get("project", default)
            if name is None:
                continue
            name = str(name)
            state = self.projects.get(name)
            project = state.as_of(txn.date) if state else None
            if project is None:
                if (Unregistered, name) not in found:
                    found.add((Unregistered, name))
                    self.events.append(Unregistered(txn, name))
                continue
            number = posting.units.number
            if number is None or not posting.account.startswith(SPENDING):
                continue
            if number > 0 and not project.allows(posting.account) \
                    and (OutsideUse, name) not in found:
                found.add((OutsideUse, name))
                self.events.append(OutsideUse(txn, name, project, posting.account))
            amounts[name] = amounts.get(name, Decimal(0)) + number
        for name, amount in amounts.items():
            state = self.projects[name]
            state.spent += amount
            state.last = txn.date
            funding = state.as_of(txn.date).funding.number
            if state.spent > funding and not state.over:
                self.events.append(Overspent(txn, name, state.spent, funding))
            state.over = state.spent > funding
