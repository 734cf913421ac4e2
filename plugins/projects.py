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
    [PJ03] 专项累计支出超过资金总额；报告在使累计越过总额的那一笔上。重新登记把资金总额调低到
           已累计支出以下的，报告在该登记上。
    [PJ04] 专项登记格式不对：应为 名称、金额、至少一个科目；资金总额不能为负数；允许列支的
           科目须已开设（Beancount 不检查登记里的科目，写错了专项就无法列支）；同一专项同一天
           只能登记一次（第二条不予采用）。

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

from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.projects import (  # noqa: F401  (the names reports import from here)
    SPENDING, Malformed, OutsideUse, Overspent, Project, ProjectBook, ProjectState, Unregistered)

__plugins__ = ("validate_projects",)


class ProjectError(NamedTuple):
    source: dict
    message: str
    entry: Any


def _error(entry, code: str, message: str) -> ProjectError:
    return ProjectError(entry.meta, f"[{code}] {message}", entry)


def errors_of(book: ProjectBook) -> list[ProjectError]:
    """PJ01–PJ04, in the order found."""
    errors = []
    for event in book.events:
        kind = type(event)
        if kind is Malformed:
            errors.append(_error(event.entry, "PJ04", f"专项登记 custom \"project\" {event.problem}"
                                 if event.problem else "专项登记 custom \"project\" 应依次写：专项名称、"
                                 "资金总额（如 265000.00 CNY）、至少一个允许列支的科目"))
        elif kind is Unregistered:
            errors.append(_error(event.txn, "PJ01", (
                f"专项“{event.name}”在 {event.txn.date} 没有登记（custom \"project\"），"
                "无法核对专款专用；请先登记专项名称、金额和用途科目")))
        elif kind is OutsideUse:
            errors.append(_error(event.txn, "PJ02", (
                f"专项“{event.name}”的资金只能用于 {'、'.join(event.project.accounts)}，"
                f"此笔记入 {event.account}（专款专用）")))
        elif kind is Overspent and type(event.txn) is data.Custom:
            errors.append(_error(event.txn, "PJ03", (
                f"专项“{event.name}”资金总额调整为 {event.funding} 元，低于已累计支出 {event.spent} 元"
                "（专款专用，计划经费限额使用）")))
        elif kind is Overspent:
            errors.append(_error(event.txn, "PJ03", (
                f"专项“{event.name}”累计支出 {event.spent} 元，超过资金总额 "
                f"{event.funding} 元（专款专用，计划经费限额使用）")))
    return errors


def validate_projects(entries, options_map, config=None):
    """PJ01–PJ04 over the books' projects."""
    return entries, errors_of(SchoolBooks.of(entries, options_map).projects)
