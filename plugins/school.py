"""校账全部规则：一行插件，按固定顺序运行所有检查并生成折旧分录。

用法（写在 main.beancount）
    plugin "xiaozhang.plugins.school"

    它依次运行：学校信息与政策参数（PL）、一支笔审批与三签（AP）、收支两条线（TL）、
    专款专用（PJ）、预算控制（BG）、收费项目与公示（FE）、食堂（CT）、固定资产卡片（AS01–AS10），
    最后生成每月的计提折旧分录（AS11）。各条规则共用同一份“学校模型”（`xiaozhang.model`）：
    政策参数、学期、收费项目、食堂、资产卡片在一次加载中只读取一次，问题也只报告一次。

    折旧分录默认每月每个资产类别一笔；要每项资产每月一笔，写：
    plugin "xiaozhang.plugins.school" "depreciation=asset"

    各插件仍可单独使用（例如只检查审批：plugin "xiaozhang.plugins.approvals"），老账本里逐条
    列出九个插件的写法照常有效。不要同时写本插件和单独的插件，否则同一问题会报告两次。

依据与每条规则的说明见 docs/rules.md 和各插件模块的说明。

错误代码
    [SC01] 插件参数不认识（应为 "depreciation=category" 或 "depreciation=asset"）；
    [SC02] 某条规则运行出错（其他规则照常运行；请把错误信息报告给维护者）。
"""

from __future__ import annotations

import traceback
from typing import Any, NamedTuple

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.collector import freezing_collector
from xiaozhang.plugins import (approvals, assets, budget_accounting, budgets, canteen,
                               depreciation, fees, policy, projects, twolines)
from xiaozhang.plugins import closing

__plugins__ = ("run_school_rules",)


class SchoolError(NamedTuple):
    source: dict
    message: str
    entry: Any


# The validators in their fixed order, then the generator.
VALIDATORS = (
    ("policy", policy.validate_policy),
    ("approvals", approvals.validate_approvals),
    ("twolines", twolines.validate_two_lines),
    ("projects", projects.validate_projects),
    ("budgets", budgets.validate_budgets),
    ("fees", fees.validate_fees),
    ("canteen", canteen.validate_canteen),
    ("assets", assets.validate_assets),
    ("closing", closing.validate_closing),
)
GENERATORS = (
    ("depreciation", depreciation.generate_depreciation),
    ("budget_accounting", budget_accounting.generate_budget_entries),
)
_WHERE = {"filename": "<xiaozhang.plugins.school>", "lineno": 0}


def parse_config(config: str | None) -> tuple[dict[str, str], list[SchoolError]]:
    """`"depreciation=asset"` -> {"depreciation": "asset"}; unknown settings are errors."""
    settings: dict[str, str] = {}
    errors: list[SchoolError] = []
    for part in filter(None, (p.strip() for p in (config or "").split(","))):
        key, _, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if key == "depreciation" and value in depreciation.MODES:
            settings[key] = value
        else:
            errors.append(SchoolError(_WHERE, (
                f"[SC01] 插件参数 \"{part}\" 不认识：应为 \"depreciation=category\"（折旧按类别汇总，"
                "默认）或 \"depreciation=asset\"（逐项资产）"), None))
    return settings, errors


def _run(name, function, entries, options_map, config=None):
    try:
        if config is None:
            return function(entries, options_map)
        return function(entries, options_map, config)
    except Exception:  # one broken rule must not hide the others' problems
        detail = traceback.format_exc().strip().splitlines()[-1]
        return entries, [SchoolError(_WHERE, f"[SC02] 规则 {name} 运行出错：{detail}", None)]


def run_school_rules(entries, options_map, config=None):
    """Every rule of 校账 over one school model, then the generated entries.

    The cycle collector is paused while the rules run and the load is left frozen afterwards
    (`xiaozhang.model.collector.freezing_collector`): the rules allocate many small objects
    and make no cycles; Beancount's steps after the plugins and the process's end then do not
    walk the loaded ledger again (docs/performance.md)."""
    with freezing_collector():
        return _run_all(entries, options_map, config)


def _run_all(entries, options_map, config):
    settings, errors = parse_config(config)
    # Built once; every rule below asks for the same books.  The index first: the policy and
    # every rule after it read their entries from it (one pass over the entries).
    SchoolBooks.of(entries, options_map).index  # noqa: B018
    for name, validate in VALIDATORS:
        _same, found = _run(name, validate, entries, options_map)
        errors.extend(found)
    for name, generate in GENERATORS:
        result, found = _run(name, generate, entries, options_map, settings.get(name))
        # the next generator's books share this list's parts without searching for them
        SchoolBooks.carry(entries, result, options_map)
        entries = result
        errors.extend(found)
    return entries, errors
