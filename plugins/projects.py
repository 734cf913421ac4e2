"""专款专用：专项资金只用于登记的用途，且不超过下达的金额。

登记专项（写在 ledger/policy.beancount）
    2025-10-09 custom "project" "计算机教室建设2025" 265000.00 CNY Assets:1601固定资产:160102通用设备
    依次为：专项名称、资金总额、允许列支的科目（一个或多个，含其下级科目）。日期为立项（下达）日。
    同名专项可以在以后的日期重新登记（追加资金或调整用途），从该日起按新的登记执行。

专项支出
    交易（或单条分录）上写 `project: "计算机教室建设2025"`；借记费用（Expenses）或资产购置
    （1601、1613、1611、1302）的金额计入该专项的支出（贷记即冲减）。

检查项与错误代码
    [PJ01] `project` 写的专项在交易当日没有登记（无法核对专款专用，须先登记专项）。
    [PJ02] 专项支出记入了登记用途以外的科目（专款专用）。
    [PJ03] 专项累计支出超过资金总额；报告在使累计越过总额的那一笔上。
    [PJ04] 专项登记格式不对：应为 名称、金额、至少一个科目。

依据
    “专款专用”（002）；“计划经费限额使用”（003）；《中小学校财务制度》：专项资金按规定用途使用，
    单独核算，专款专用。

例
    通过：上面的登记，以及
      2025-11-18 * "青禾市华信电脑科技有限公司" "计算机教室学生机50台"
        project: "计算机教室建设2025"
        Assets:1601固定资产:160102通用设备   262000.00 CNY
        Assets:1011零余额账户用款额度
    不通过：记入 Expenses:…:30201办公费 → [PJ02]；金额 270000.00 → [PJ03]。
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang.plugins.approvals import ASSET_ROOTS
from xiaozhang.plugins.budgets import is_account

__plugins__ = ("validate_projects",)

SPENDING = ("Expenses:",) + ASSET_ROOTS


class ProjectError(NamedTuple):
    source: dict
    message: str
    entry: Any


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
    """A project's definitions over time and what has been spent on it."""

    versions: list[Project]
    spent: Decimal = Decimal(0)
    over: bool = False
    last: dt.date | None = None

    def as_of(self, date: dt.date) -> Project | None:
        index = bisect.bisect_right([p.since for p in self.versions], date)
        return self.versions[index - 1] if index else None


class ProjectBook:
    """One pass over the entries: the registered projects, their spending, the problems.

    A day's project transactions are checked when the day is over, so that a project
    registered on the same day counts whatever the order of the files."""

    def __init__(self, entries: list) -> None:
        self.projects: dict[str, ProjectState] = {}
        self.errors: list[ProjectError] = []
        day, waiting = None, []
        for entry in entries:
            if entry.date != day:
                for txn in waiting:
                    self._spend(txn)
                day, waiting = entry.date, []
            if isinstance(entry, data.Custom) and entry.type == "project":
                self._register(entry)
            elif isinstance(entry, data.Transaction) and (
                    "project" in entry.meta or any(p.meta and "project" in p.meta
                                                   for p in entry.postings)):
                waiting.append(entry)
        for txn in waiting:
            self._spend(txn)

    def report(self, entry, code: str, message: str) -> None:
        self.errors.append(ProjectError(entry.meta, f"[{code}] {message}", entry))

    def _register(self, entry: data.Custom) -> None:
        values = [v.value for v in entry.values]
        if (len(values) < 3 or not isinstance(values[0], str) or not isinstance(values[1], Amount)
                or not all(is_account(v) for v in entry.values[2:])):
            self.report(entry, "PJ04", "专项登记 custom \"project\" 应依次写：专项名称、资金总额"
                                       "（如 265000.00 CNY）、至少一个允许列支的科目")
            return
        project = Project(values[0], entry.date, values[1], tuple(values[2:]), entry)
        self.projects.setdefault(project.name, ProjectState([])).versions.append(project)

    def _spend(self, txn: data.Transaction) -> None:
        default = txn.meta.get("project")
        amounts: dict[str, Decimal] = {}
        reported: set[tuple[str, str]] = set()
        for posting in txn.postings:
            name = (posting.meta or {}).get("project", default)
            if name is None:
                continue
            name = str(name)
            state = self.projects.get(name)
            project = state.as_of(txn.date) if state else None
            if project is None:
                if ("PJ01", name) not in reported:
                    reported.add(("PJ01", name))
                    self.report(txn, "PJ01", f"专项“{name}”在 {txn.date} 没有登记（custom \"project\"），"
                                             "无法核对专款专用；请先登记专项名称、金额和用途科目")
                continue
            number = posting.units.number
            if number is None or not posting.account.startswith(SPENDING):
                continue
            if number > 0 and not project.allows(posting.account) \
                    and ("PJ02", name) not in reported:
                reported.add(("PJ02", name))
                self.report(txn, "PJ02", f"专项“{name}”的资金只能用于 {'、'.join(project.accounts)}，"
                                         f"此笔记入 {posting.account}（专款专用）")
            amounts[name] = amounts.get(name, Decimal(0)) + number
        for name, amount in amounts.items():
            state = self.projects[name]
            state.spent += amount
            state.last = txn.date
            funding = state.as_of(txn.date).funding.number
            if state.spent > funding and not state.over:
                self.report(txn, "PJ03", f"专项“{name}”累计支出 {state.spent} 元，超过资金总额 "
                                         f"{funding} 元（专款专用，计划经费限额使用）")
            state.over = state.spent > funding


def validate_projects(entries, options_map, config=None):
    return entries, ProjectBook(entries).errors
