"""学校信息与政策参数：检查 custom "school" 与 custom "policy" 指令（PL01–PL03）。

检查内容、依据、配置和例子见 `xiaozhang.model.policy`（学校信息与政策参数的唯一定义，
每次加载只读取一次）；本插件只报告读取时发现的问题，每个问题只报告一次。

错误代码
    [PL01] 缺少学校信息 / 学校信息缺少必填项
    [PL02] 未知的政策参数名；写错的指令类型（如 custom "polciy"、custom "budegt"，与已知类型
           相近而不认识的）
    [PL03] 政策参数取值类型不对（库存现金限额须大于零，金额不能为负；拆分采购窗口须大于零；
           百分数写 8 表示 8%，不写 0.08；审批权限的限额须大于零）；同一天对同一参数
           写了两次（报告在第二条上；approval-tier 同一天同一角色只能写一次）。
           取值写 "默认" 即自该日起恢复默认值（term-start / term-end 除外；approval-tier
           写 "默认" 即恢复为只由校长审批）。
           校历（term-start / term-end）前后矛盾：同一天两个学期结束日、同一学期两个结束日、
           开学日晚于本学期结束日或不晚于上一学期结束日、上一学期未结束又开学（报告在
           日期在后的那一条上）；最后一个学期结束日之后账本又记了一个学期以上（240 天）
           仍没有新的 term-end（报告在最后一个 term-end 上）。
           科目 open 上的 canteen / inspection / quote_exempt / collection 不是 TRUE 或 FALSE。
    [PL04] 评判日期有误：账本中写了不止一条 custom "as-of"，或环境变量 XIAOZHANG_AS_OF
           （`xiaozhang check --as-of` 所设）不是日期。评判日期见 `xiaozhang.model.asof`
           与 docs/conventions.md。
"""

from __future__ import annotations

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import calendar_stops
from xiaozhang.model.policy import (  # noqa: F401  (the names rules and reports import)
    POLICY_KEYS, PROFILE_REQUIRED, ROLES, Policy, PolicyError, PolicyKey, Tier, read_policy)

__plugins__ = ("validate_policy",)


def validate_policy(entries, options_map, config=None):
    """Report a missing or malformed school profile or policy directive, a calendar that
    stops while the books go on, and a doubly pinned or malformed 评判日期."""
    books = SchoolBooks.of(entries, options_map)
    return entries, (list(books.policy_errors) + _calendar_stops(books)
                     + list(books.as_of_errors))


def _calendar_stops(books) -> list[PolicyError]:
    """PL03 at the last `term-end` when the books run on for longer than a term after it."""
    last = books.last_written
    last_end = calendar_stops(books.policy, last)
    if last_end is None:
        return []
    entry = books.policy.origins.get("term-end", {}).get(last_end)
    current = books.term_of(last)
    message = (f"[PL03] 学期结束 term-end：这是最后一个学期结束日（{last_end}），此后的 "
               f"{(last - last_end).days} 天（至 {last}）都算作学期“{current.name if current else ''}”，"
               "超过一个学期的长度，学期末的检查（代收费结清 TL07、食堂学期结余率 CT04）不会进行；"
               "请写上此后各学期的 term-end")
    meta = entry.meta if entry is not None else {"filename": "<policy>", "lineno": 0}
    return [PolicyError(meta, message, entry)]
