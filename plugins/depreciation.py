"""固定资产折旧：按月生成计提折旧分录（年限平均法，不留残值）。

生成的分录
    每月最后一天，每个资产类别一笔：
      2025-09-30 * "计提2025年9月固定资产折旧（通用设备）"
        Expenses:5001业务活动费用:500104固定资产折旧费        3712.50 CNY
        Assets:1602固定资产累计折旧:160202通用设备           -3712.50 CNY
    使用部门（月末的 dept）在政策参数 admin-depts（行政及后勤部门）之内的卡片，另生成一笔
      2026-02-28 * "计提2026年2月固定资产折旧（通用设备，行政及后勤）"
        Expenses:5101单位管理费用:510104固定资产折旧费        955.00 CNY
        Assets:1602固定资产累计折旧:160202通用设备          -955.00 CNY
    （制度 5101：行政及后勤管理部门的资产折旧记单位管理费用；判断规则只在 xiaozhang.model.uses）。
    分录带隐藏标记 `__xiaozhang__: "depreciation"`，并带 `assets`（当月计提折旧的卡片张数）；
    位置（文件:行号）指向该类别当月计提折旧的第一张资产卡片（账本顺序）。各资产的明细见
    《折旧计提表》（`xiaozhang assets report depreciation`）和 Fava 的“固定资产”页面。
    插件参数写 "asset" 时改为每项资产每月一笔（位置指向该资产卡片），账面结果相同，但分录多：
      plugin "xiaozhang.plugins.depreciation" "asset"
    折旧只由本插件生成，不要手工记 1602（[AS10]）；预算会计不做分录。
    资产卡片在每次加载中只读取一次（学校模型 `xiaozhang.model.assets`，与资产插件、报表共用）；
    本插件可以单独使用，也可以写在资产插件之后或用一行插件 `xiaozhang.plugins.school`。

计算规则（每张卡片，以分为单位）
    月折旧额 = (原值 − 已提折旧) ÷ (使用年限 × 12 − 已提月数)，四舍五入到分；最后一个月计提余额，
    使各月合计恰好等于原值（如按四舍五入后的月额提前提足，则提足为止）。不留残值。
    起始月份由入账日当天有效的 `depreciation-start` 决定："same-month"（默认，当月增加当月计提，
    应用指南）或 "next-month"（次月起计提，只作写明依据的例外，见 AS13）。期初建账的卡片从建账次月起
    继续计提剩余月数。改扩建（addition）从追加当月起按（原值 + 追加 − 已提折旧）÷ 剩余月数重新计算。
    处置（报废、出售、无偿调出、盘亏）：处置日有效的参数为 "same-month" 时处置当月不再计提，
    为 "next-month" 时处置当月照提、次月起停止。提足后不再计提。
    文物和陈列品、图书档案、动植物、土地、以名义金额计量的资产不计提折旧（准则第3号 第十七条）。
    计提到账本中最后一笔交易所在的月份（含）为止，不生成未来月份的分录。

错误代码
    [AS11] 无法生成折旧分录：折旧费用科目（500104，行政及后勤的卡片 510104）或该类别的累计折旧
           科目没有开设（或开设晚于计提月份），
           或插件参数不认识。卡片本身的问题由 xiaozhang.plugins.assets 报告（AS01–AS10、AS12–AS14）。

依据
    《政府会计准则第3号——固定资产》：按月计提，年限平均法，不考虑预计净残值；
    应用指南（财会〔2017〕4号）；补充规定附表2（学校的折旧年限）。分录（制度 1602）：借 5001…500104
    固定资产折旧费（业务活动）或 5101…510104（行政及后勤），贷 1602 固定资产累计折旧。

配置
    plugin "xiaozhang.plugins.assets"
    plugin "xiaozhang.plugins.depreciation"
    2025-08-25 custom "policy" "depreciation-start" "same-month"

例
    2025-09-24 购入 4 台交互式智能平板，原值 52000.00 元，使用年限 6 年（72 个月），"same-month"：
    月折旧额 52000.00 ÷ 72 = 722.22 元，2025 年 9 月起每月 722.22 元，第 72 个月（2031 年 8 月）
    计提 52000.00 − 722.22 × 71 = 722.38 元。
"""

from __future__ import annotations

import datetime as dt
import heapq
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.model import uses
from xiaozhang.model.assets import AssetError, AssetRegister, Card
from xiaozhang.model.books import GENERATED, SchoolBooks
from xiaozhang.model.collector import paused_collector
from xiaozhang.model.money import from_fen
from xiaozhang.model.periods import month_end, month_index, month_of_index

__plugins__ = ("generate_depreciation",)

MODES = ("category", "asset")
MARKER = "depreciation"


def generate_depreciation(entries, options_map, config=None):
    """Append the month-end depreciation entries (see the module docstring)."""
    mode = (config or "category").strip()
    if mode not in MODES:
        error = AssetError({"filename": "<xiaozhang.plugins.depreciation>", "lineno": 0},
                           f"[AS11] 折旧插件参数应为 \"category\"（按类别汇总，默认）或 \"asset\""
                           f"（逐项资产），实际为 \"{mode}\"", None)
        return entries, [error]
    # card problems are reported by xiaozhang.plugins.assets
    with paused_collector():  # many short-lived runs of months (see xiaozhang.model.collector)
        register = SchoolBooks.of(entries, options_map).assets
        new, errors = build_entries(register, currency_of(options_map), per_asset=mode == "asset")
    return entries + new, errors


def currency_of(options_map) -> str:
    return (options_map.get("operating_currency") or ["CNY"])[0]


def last_day(month: int) -> dt.date:
    """The last day of a month index (the date of its depreciation entry)."""
    return month_end(month_of_index(month))


def _runs(register: AssetRegister, card: Card, last: int) -> list[tuple]:
    """The card's charges up to month `last` as runs (first, end, monthly, count, remainder,
    card, use): one per schedule segment (a new one after each addition) and use (单位管理 /
    业务活动, which a transfer to another department can change)."""
    schedule = card.schedule
    segments = (schedule,) if schedule.before is None else schedule.segments()
    card_uses = register.uses(card)
    runs = []
    for segment in segments:
        first, count = segment.first, segment.count
        end = min(segment.end, last)
        if first > end:
            continue
        for position, (since, use) in enumerate(card_uses):
            until = card_uses[position + 1][0] - 1 if position + 1 < len(card_uses) else end
            start, stop = max(first, since), min(end, until)
            if start > stop or start > first + count:
                continue
            runs.append((start, stop, segment.monthly, first + count - start, segment.last,
                         card, use))
    return runs


def build_entries(register: AssetRegister, currency: str, per_asset: bool = False):
    """The generated entries and the AS11 problems, for a register."""
    if register.horizon is None:
        return [], []
    last = register.horizon
    # per (category, use), in ledger order: (first, end, monthly, count, remainder, card, use),
    # where `end` is the last month charged up to the horizon
    groups: dict[tuple[str, str], list[tuple]] = {}
    # the common case, without building schedules: no addition, no transfer, and one list of
    # 行政及后勤 departments for the whole ledger (no dated `admin-depts`)
    series = register.policy.values.get("admin-depts") or ()
    since, fixed_depts = -1, uses.parse_depts(None)
    if len(series) == 1:  # one list from its date on: the cards that start after it
        since, fixed_depts = month_index(series[0][0]), uses.parse_depts(series[0][1])
    elif series:
        fixed_depts = None
    use_by_dept: dict = {}  # the card's dept as written -> its use (few departments)
    for card in register.cards.values():
        if not card.depreciates:
            continue
        if fixed_depts is None or card.first < since or card.additions or (
                card.transfers and any("dept" in t.changes for t in card.transfers)):
            for run in _runs(register, card, last):
                groups.setdefault((card.category, run[-1]), []).append(run)
            continue
        first, stop = card.first, card.stop
        monthly, count, remainder = card.first_line
        end = first + count - (0 if remainder else 1)
        if stop is not None and stop < end:
            end = stop
        if last < end:
            end = last
        if first <= end:
            dept = card.meta.get("dept")
            use = use_by_dept.get(dept)
            if use is None:
                use = use_by_dept[dept] = uses.use_of(card.dept, fixed_depts)
            groups.setdefault((card.category, use), []).append(
                (first, end, monthly, count, remainder, card, use))
    new: list[data.Transaction] = []
    errors: list[AssetError] = []
    for (category, use), runs in groups.items():
        expense = uses.depreciation_expense(use)
        account = chart.depreciation_account(category)
        first_month = min(run[0] for run in runs)
        missing = [a for a in (expense, account) if not register.usable(a, first_month)]
        if missing:
            card = runs[0][-2]
            errors.append(AssetError(card.source, (
                f"[AS11] 无法计提{category}折旧：科目 {'、'.join(missing)} 没有开设或开设日期晚于 "
                f"{last_day(first_month)}（请在科目表中 open）"), card.entry))
            continue
        label = category if use == uses.SERVICE else f"{category}，行政及后勤"
        if per_asset:
            new += _per_asset(runs, expense, account, currency)
        else:
            new += _per_category(label, runs, first_month, last, expense, account, currency)
    return new, errors


def _transaction(meta: dict, month: int, narration: str, amount: int, expense: str, account: str,
                 currency: str) -> data.Transaction:
    value = from_fen(amount)
    postings = [
        data.Posting(expense, Amount(value, currency), None, None, None, None),
        data.Posting(account, Amount(-value, currency), None, None, None, None),
    ]
    return data.Transaction(meta, last_day(month), "*", None, narration, data.EMPTY_SET,
                            data.EMPTY_SET, postings)


def _per_category(category: str, runs: list[tuple], start: int, last: int, expense: str,
                  account: str, currency: str) -> list[data.Transaction]:
    """One entry per month: the month's charges of all the category's cards, summed with
    difference arrays (each card adds `monthly` over a run of months and its remainder once)."""
    span = last - start + 2
    amounts = [0] * span  # difference array of the monthly amounts
    counts = [0] * span  # difference array of the number of cards charged
    singles = [0] * span  # remainders, month by month
    single_counts = [0] * span
    starts: dict[int, list[tuple[int, int, Card]]] = {}
    for position, (first, end, monthly, count, remainder, card, _use) in enumerate(runs):
        offset = first - start
        run_end = first + count - 1
        if run_end > end:
            run_end = end
        if monthly and run_end >= first:
            amounts[offset] += monthly
            amounts[run_end - start + 1] -= monthly
            counts[offset] += 1
            counts[run_end - start + 1] -= 1
        elif first + count > end or not remainder:
            continue  # nothing charged up to the horizon
        if remainder and first + count <= end:
            singles[first + count - start] += remainder
            single_counts[first + count - start] += 1
        starts.setdefault(first, []).append((position, end, card))
    entries = []
    running = running_count = 0
    active: list[tuple[int, int, Card]] = []  # heap by ledger position: the card to point at
    for offset in range(span - 1):
        month = start + offset
        running += amounts[offset]
        running_count += counts[offset]
        amount = running + singles[offset]
        for item in starts.get(month, ()):
            heapq.heappush(active, item)
        while active and active[0][1] < month:
            heapq.heappop(active)
        if amount == 0:
            continue
        card = active[0][2]
        meta = {"filename": card.source.get("filename"), "lineno": card.source.get("lineno"),
                GENERATED: MARKER, "assets": Decimal(running_count + single_counts[offset])}
        narration = f"计提{month // 12}年{month % 12 + 1}月固定资产折旧（{category}）"
        entries.append(_transaction(meta, month, narration, amount, expense, account, currency))
    return entries


def _per_asset(runs: list[tuple], expense: str, account: str,
               currency: str) -> list[data.Transaction]:
    entries = []
    for first, end, _monthly, _count, _remainder, card, _use in runs:
        schedule = card.schedule
        for month in range(first, end + 1):
            amount = schedule.charge(month)
            if not amount:
                continue
            meta = {"filename": card.source.get("filename"), "lineno": card.source.get("lineno"),
                    GENERATED: MARKER, "asset_id": card.asset_id}
            narration = (f"计提{month // 12}年{month % 12 + 1}月固定资产折旧：{card.name}"
                         f"（{card.asset_id}）")
            entries.append(_transaction(meta, month, narration, amount, expense, account, currency))
    return entries
