"""费用按用途归集: 业务活动费用 (5001) or 单位管理费用 (5101) — the one definition.

《政府会计制度》5101 单位管理费用: "本科目核算事业单位本级行政及后勤管理部门开展管理活动发生的
各项费用，包括单位行政及后勤管理部门发生的人员经费、公用经费、资产折旧（摊销）等费用，以及由
单位统一负担的离退休人员经费、工会经费、诉讼费、中介费等。"  5001 业务活动费用: "为实现其职能
目标，依法履职或开展专业业务活动及其辅助活动所发生的各项费用" (for a school: teaching and what
serves it — classrooms, the canteen, the dormitory).

So a cost is 单位管理 when
- the department it belongs to (`dept`: an asset card's 使用部门, as transferred; an expense
  entry's `dept`) is one of the 行政及后勤 departments of the dated policy `admin-depts`
  (default: 办公室、校长室、党政办公室、总务处、后勤处、财务室), or
- its 经济分类 is one the school bears as a whole (UNIT_BORNE: 30228 工会经费), whatever the dept;
otherwise it is 业务活动.  The depreciation generator (plugins/depreciation.py) charges each
card's month to 500104 or 510104 by it; the example generator books 工会经费 and the
administrative offices' costs by it.
"""

from __future__ import annotations

import datetime as dt
import re

from xiaozhang import chart

ADMIN = "单位管理"
SERVICE = "业务活动"
# The policy's default list (a dated `custom "policy" "admin-depts" "办公室、总务处…"` replaces it).
DEFAULT_ADMIN_DEPTS = ("办公室", "校长室", "党政办公室", "总务处", "后勤处", "财务室")
# 经济分类 codes the unit bears as a whole (制度 5101: "由单位统一负担的…工会经费"), always 5101.
UNIT_BORNE = ("30228",)
_SEPARATORS = re.compile(r"[、,，;；\s]+")


# Both depreciation expense accounts (what a report sums as "the month's depreciation").
DEPRECIATION_EXPENSES = (chart.DEPRECIATION_EXPENSE, chart.ADMIN_DEPRECIATION_EXPENSE)


def parse_depts(value: str | None) -> frozenset[str]:
    """`"办公室、总务处"` → {"办公室", "总务处"} (separated by 、 , ， ; or spaces)."""
    if value is None or value.strip() == "默认":
        return frozenset(DEFAULT_ADMIN_DEPTS)
    return frozenset(name for name in _SEPARATORS.split(value) if name)


def admin_depts(policy, day: dt.date) -> frozenset[str]:
    """The 行政及后勤 departments on `day` (the dated policy `admin-depts`)."""
    return parse_depts(policy.get("admin-depts", day))


def use_of(dept: str | None, depts: frozenset[str], code: str | None = None) -> str:
    """ADMIN or SERVICE for a cost of department `dept` (and 经济分类 `code`, if known)."""
    if code in UNIT_BORNE or (dept and dept in depts):
        return ADMIN
    return SERVICE


def depreciation_expense(use: str) -> str:
    """The expense account a month's depreciation of a card of this use is charged to."""
    return chart.ADMIN_DEPRECIATION_EXPENSE if use == ADMIN else chart.DEPRECIATION_EXPENSE


def goods_services(code: str, use: str) -> str:
    """The 商品和服务费用 account of 经济分类 `code` for a cost of this use."""
    return chart.admin_goods_services(code) if use == ADMIN else chart.goods_services(code)
