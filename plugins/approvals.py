"""审批手续检查：一支笔审批、三签、三重一大、政府采购、货比三家、先审批后支出、不相容职务分离、
拆分采购、待审批超期。

适用范围（“付款”）
    标记为 `*` 的交易，借记费用（Expenses）、资产购置（1601 固定资产、1613 在建工程、1611 工程物资、
    1302 库存物品）或应付供应商的款项（2302 应付账款、2307…代收费），并贷记资金
    （1001 库存现金、1002 银行存款、1011 零余额账户用款额度、1021 其他货币资金）或 4001 财政拨款收入
    （财政直接支付）。金额 = 上述借方合计。计提、折旧、结转等不动用资金的分录不在此列。
    标记为 `!` 的交易（待审批）可以暂缺手续，但受 [AP10] 约束。`*` 和 `!` 以外的标记
    （如误写的 `#`、`?`）按完整的交易检查，不会因此跳过检查。

检查项与错误代码
    [AP01] 缺少经手人 handler、审核人 reviewer、审批人 approver 或审批日期 approved。
           依据：“收支有计划、有审批、有手续”；“坚持一支笔审批”。
    [AP02] 物资、资产、工程缺少验收人 inspector。资产类科目一律需要验收；费用科目在科目表的
           `open` 上写 `inspection: TRUE` 表示需要验收（办公用品、维修、专用材料、食材等）。
           依据：“购物发票做到有经手人、验收人、审核人三人签定后方有效”。
    [AP03] 审批人不在当日有效的审批权限内（`approval-tier`：角色及限额；未配置时只能由校长审批）。
    [AP04] 超过三重一大标准（`meeting-threshold`）没有集体决策记录 `meeting`。
    [AP05] 超过政府采购限额（`procurement-threshold`）而采购方式 `procurement` 不是 政府采购/公开招标，
           或没有合同号 `contract`。依据：“严格执行物品申报及政府采购制度”。
    [AP06] 超过询价标准（`quote-threshold`）而比价家数 `quotes` 少于 3（货比三家）。采购方式为
           政府采购、公开招标、框架协议时不要求；科目 `open` 上写 `quote_exempt: TRUE`
           （水电费等独家供应）时不要求。
    [AP07] 审批日期晚于付款日期（先审批后支出），或不是日期。
    [AP08] 经手人同时是审批人、审核人或验收人（不相容职务分离）。
    [AP09] 拆分采购：同一收款方在 `split-window-days` 天内的几笔付款，每笔都不超过某一标准
           （询价、三重一大、政府采购），合计却超过；在使合计越过标准的那一笔上报告。
           同一合同（`contract` 或 `^HT…` 链接）下的分期付款不算拆分；`quote_exempt` 科目不参与。
    [AP10] 待审批（`!`）分录挂账超过 `pending-days` 天（算到评判日期：默认今天，账本可用
           custom "as-of" 指定，`xiaozhang check --as-of` 可临时指定，见 docs/conventions.md），
           或位于已结账期间（`closed-through` 及以前，按评判日期当天有效的政策）。
           日期在评判日期之后的待审批分录不算超期。

配置（ledger/policy.beancount，按日期生效，见 plugins/policy.py）
    2025-08-25 custom "policy" "approval-tier" "director" 500.00 CNY
    2025-08-25 custom "policy" "approval-tier" "principal"
    2025-08-25 custom "policy" "meeting-threshold" 50000.00 CNY
    2025-08-25 custom "policy" "procurement-threshold" 100000.00 CNY
    2025-08-25 custom "policy" "quote-threshold" 5000.00 CNY
    2025-08-25 custom "policy" "split-window-days" 10
    2025-08-25 custom "policy" "pending-days" 30

例
    通过：
      2025-09-15 * "明德区晨光文具店" "购办公用品"
        handler: "刘芳"
        inspector: "李明华"
        reviewer: "陈静"
        approver: "王建国"
        approved: 2025-09-12
        Expenses:5001业务活动费用:500102商品和服务费用:30201办公费   1543.71 CNY
        Assets:1011零余额账户用款额度
    不通过：去掉 approver → [AP01]；approved 改为 2025-09-16 → [AP07]；handler 改为 "王建国" → [AP08]。
"""

from __future__ import annotations

import collections
import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.closing import closing_of
from xiaozhang.model.index import ASSET_ROOTS, CREDIT, DEBIT, SUPPLIER_ROOTS


__plugins__ = ("validate_approvals",)


class ApprovalError(NamedTuple):
    source: dict
    message: str
    entry: Any


PAID_FOR = ("Expenses:",) + ASSET_ROOTS + SUPPLIER_ROOTS
COMPETITIVE = ("政府采购", "公开招标")
NO_QUOTES_NEEDED = COMPETITIVE + ("框架协议",)
SIGNATURES = (("handler", "经手人"), ("reviewer", "审核人"), ("approver", "审批人"),
              ("approved", "审批日期"))
_SIGNATURE_KEYS = tuple(key for key, _label in SIGNATURES)
SPLIT_THRESHOLDS = (("quote-threshold", "询价标准"), ("meeting-threshold", "三重一大标准"),
                    ("procurement-threshold", "政府采购限额"))


def _names(value: Any) -> set[str]:
    return {name.strip() for name in str(value or "").split(",") if name.strip()}


def payment_amount(txn: data.Transaction) -> Decimal | None:
    """The size of a payment (debits to expenses, assets, suppliers), or None if not a payment."""
    spent = Decimal(0)
    from_funds = False
    for posting in txn.postings:
        number = posting.units.number
        if number is None:
            continue
        if number > 0:
            if posting.account.startswith(PAID_FOR):
                spent += number
        elif number < 0 and posting.account.startswith(chart.PAYMENT_SOURCES):
            from_funds = True
    return spent if from_funds and spent > 0 else None


def validate_approvals(entries, options_map, config=None):
    """The rule (see the module docstring).

    Developer note (speed, 2026-12-07): the policy thresholds (三重一大, 政府采购, 询价), the
    approval tiers and the split window are read once per day (dicts below), not per payment:
    on the bench ledger 4,742 payments asked the policy 21,475 times.  `bench/rules.py
    --ledger /work/benchledger/school --repeat 3`: approvals 0.043 / 0.045 s on main, 0.042 /
    0.043 s after (the rest is reading each payment's postings and meta)."""
    books = SchoolBooks.of(entries, options_map)
    policy = books.policy  # its problems are reported once, by xiaozhang.plugins.policy
    errors: list[ApprovalError] = []
    index = books.index
    opens = {e.account: e.meta for e in index.opens}
    needs_inspection = {a for a, meta in opens.items() if meta.get("inspection") is True}
    quote_exempt = {a for a, meta in opens.items() if meta.get("quote_exempt") is True}
    as_of = books.as_of
    recent: dict[str, collections.deque] = collections.defaultdict(collections.deque)
    # the policy as of a day, read once per day (most payments share their day with others)
    limits: dict[dt.date, tuple] = {}  # day -> meeting, procurement and quote thresholds
    tiers: dict[dt.date, list] = {}  # day -> who may approve up to what (`_check_tier`)
    windows: dict[dt.date, tuple] = {}  # day -> split window and thresholds (`_check_split`)

    def report(txn, code, message):
        errors.append(ApprovalError(txn.meta, f"[{code}] {message}", txn))

    # what can be a payment (debits what is paid for, credits where it is paid from) or pending
    payments = index.where(index.mask(PAID_FOR, DEBIT), index.mask("payment-source", CREDIT))
    pending = index.where(index.flag("!"))
    for txn in index.take(sorted(set(payments).union(pending)) if pending else payments):
        if txn.flag == "!":
            _check_pending(txn, policy, as_of, report, closing_of(books))
            continue
        if txn.flag == "P":
            continue  # Beancount's padding entry, not a payment anyone wrote
        amount = payment_amount(txn)
        if amount is None:
            continue
        meta = txn.meta
        date = txn.date
        debits = [p.account for p in txn.postings if p.units.number and p.units.number > 0]
        if not all(map(meta.get, _SIGNATURE_KEYS)):  # (C-level: the usual payment has all four)
            missing = [label for key, label in SIGNATURES if not meta.get(key)]
            report(txn, "AP01", f"付款缺少{'、'.join(missing)}（一支笔审批，收支须有审批手续）")
        if not meta.get("inspector") and any(
                a.startswith(ASSET_ROOTS) or a in needs_inspection for a in debits):
            report(txn, "AP02", "物资、资产或工程缺少验收人 inspector（经手人、验收人、审核人三人签字）")
        approver = meta.get("approver")
        if approver:
            _check_tier(txn, amount, approver, policy, tiers, report)
        found = limits.get(date)
        if found is None:
            found = limits[date] = (policy.get("meeting-threshold", date),
                                    policy.get("procurement-threshold", date),
                                    policy.get("quote-threshold", date))
        meeting_limit, procurement_limit, quote_limit = found
        if amount > meeting_limit.number and not meta.get("meeting"):
            report(txn, "AP04", f"金额 {amount} 元超过三重一大标准 {meeting_limit.number} 元，"
                                "缺少集体决策会议纪要 meeting")
        if amount > procurement_limit.number and (
                meta.get("procurement") not in COMPETITIVE or not meta.get("contract")):
            report(txn, "AP05", f"金额 {amount} 元超过政府采购限额 {procurement_limit.number} 元，"
                                "须写明采购方式 procurement（政府采购/公开招标）和合同号 contract")
        exempt = quote_exempt.issuperset(debits)
        if (amount > quote_limit.number and not exempt
                and meta.get("procurement") not in NO_QUOTES_NEEDED
                and not _at_least_three(meta.get("quotes"))):
            report(txn, "AP06", f"金额 {amount} 元超过询价标准 {quote_limit.number} 元，"
                                "比价不足三家（quotes，货比三家）")
        approved = meta.get("approved")
        if approved is not None and not isinstance(approved, dt.date):
            report(txn, "AP07", f"审批日期 approved 应为日期（如 {date}），实际为 {approved!r}")
        elif approved is not None and approved > date:
            report(txn, "AP07", f"审批日期 {approved} 晚于付款日期 {date}（先审批后支出）")
        handler = meta.get("handler")
        if handler and (meta.get("approver") == handler or meta.get("reviewer") == handler
                        or type(handler) is not str or handler in str(meta.get("inspector") or "")):
            # (a name among the inspectors is a part of their text: the names are split only then)
            clashes = [label for key, label in (("approver", "审批人"), ("reviewer", "审核人"))
                       if meta.get(key) == handler]
            if handler in _names(meta.get("inspector")):
                clashes.append("验收人")
            if clashes:
                report(txn, "AP08", f"经手人 {handler} 同时是{'、'.join(clashes)}（不相容职务分离）")
        if txn.payee and not exempt:
            _check_split(txn, amount, policy, windows, recent[txn.payee], report)
    return entries, errors


def _at_least_three(value: Any) -> bool:
    try:
        return int(value) >= 3
    except (TypeError, ValueError):
        return False


def _check_tier(txn, amount, approver, policy, tiers, report) -> None:
    """AP03; `tiers`: day -> who may approve up to what that day (filled here)."""
    allowed = tiers.get(txn.date)
    if allowed is None:
        profile = policy.profile(txn.date) or {}
        allowed = tiers[txn.date] = ([(profile.get(t.role), t.limit)
                                      for t in policy.approval_tiers(txn.date)]
                                     or [(profile.get("principal"), None)])
    for person, limit in allowed:
        if person == approver and (limit is None or amount <= limit.number):
            return
    within = "、".join(f"{p}（{'不限' if lim is None else f'{lim.number} 元以内'}）"
                      for p, lim in allowed if p)
    report(txn, "AP03", f"审批人 {approver} 无权审批 {amount} 元的支出（一支笔；当日审批权限：{within}）")


def _contract(txn) -> str | None:
    if txn.meta.get("contract"):
        return str(txn.meta["contract"])
    if not txn.links:
        return None
    links = sorted(link for link in txn.links if link.startswith("HT"))
    return links[0] if links else None


def _check_split(txn, amount, policy, windows, window: collections.deque, report) -> None:
    """Payments to one payee inside the window: each under a threshold, together over it.
    `windows`: day -> the window's days and the thresholds that day (filled here)."""
    found = windows.get(txn.date)
    if found is None:
        found = windows[txn.date] = (
            policy.get("split-window-days", txn.date),
            [(label, policy.get(key, txn.date).number) for key, label in SPLIT_THRESHOLDS])
    days, thresholds = found
    while window and (txn.date - window[0][0]).days >= days:
        window.popleft()
    contract = _contract(txn)
    earlier = [(d, a) for d, a, c in window if contract is None or c != contract]
    window.append((txn.date, amount, contract))
    if not earlier:
        return
    for label, limit in thresholds:
        if amount > limit:
            continue
        parts = [a for _, a in earlier if a <= limit]
        total = sum(parts, amount)
        if parts and total > limit and total - amount <= limit:
            first = min(d for d, a in earlier if a <= limit)
            report(txn, "AP09", f"疑似拆分采购：{first} 起 {days} 天内向 {txn.payee} 付款 "
                                f"{len(parts) + 1} 笔，每笔未超过{label} {limit} 元，合计 {total} 元超过")
            return


def _check_pending(txn, policy, as_of: dt.date, report, closing) -> None:
    """AP10, judged on the 评判日期 `as_of` (`books.as_of`); closed periods are those of the
    closing records (`xiaozhang.model.closing`: month-close, else the legacy closed-through)."""
    why = closing.closed_on(txn.date)
    if why:
        report(txn, "AP10", f"待审批分录位于已结账期间（{why}），须补齐手续改为 * 或调整账期")
        return
    days = policy.get("pending-days", txn.date)
    age = (as_of - txn.date).days
    if age > days:
        report(txn, "AP10", f"待审批分录已挂账 {age} 天，超过 {days} 天"
                            f"（截至评判日期 {as_of}），须补齐审批手续")
