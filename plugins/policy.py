"""学校信息与政策参数：检查 custom "school" 与 custom "policy" 指令（PL01–PL03）。

检查内容、依据、配置和例子见 `xiaozhang.model.policy`（学校信息与政策参数的唯一定义，
每次加载只读取一次）；本插件只报告读取时发现的问题，每个问题只报告一次。

错误代码
    [PL01] 缺少学校信息 / 学校信息缺少必填项
    [PL02] 未知的政策参数名
    [PL03] 政策参数取值类型不对（库存现金限额须大于零，金额不能为负）；同一天对同一参数
           写了两次（报告在第二条上；approval-tier 同一天同一角色只能写一次）。
           取值写 "默认" 即自该日起恢复默认值（term-start / term-end 除外）。
    [PL04] 评判日期有误：账本中写了不止一条 custom "as-of"，或环境变量 XIAOZHANG_AS_OF
           （`xiaozhang check --as-of` 所设）不是日期。评判日期见 `xiaozhang.model.asof`
           与 docs/conventions.md。
"""

from __future__ import annotations

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.policy import (  # noqa: F401  (the names rules and reports import)
    POLICY_KEYS, PROFILE_REQUIRED, ROLES, Policy, PolicyError, PolicyKey, Tier, read_policy)

__plugins__ = ("validate_policy",)


def validate_policy(entries, options_map, config=None):
    """Report a missing or malformed school profile or policy directive, and a doubly
    pinned or malformed 评判日期."""
    books = SchoolBooks.of(entries, options_map)
    return entries, list(books.policy_errors) + list(books.as_of_errors)
