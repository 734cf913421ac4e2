"""收费公示 (fee disclosure): the chosen term's fee postings into the item sheets, and the
allocation of spending and refunds to the payers (分摊, 结算).

`Collector` reads the fee postings once (collections, spending, refunds) and `allocate` shares
each spending equally among the payers of its scope (`share_of`: rounded up to the fen, the
尾差 kept) and each refund as booked.  The rules: "Payers", "Allocation" and "Settlement" in
`xiaozhang.reports.disclosure`'s docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from beancount.core import data

from xiaozhang.model.fees import COLLECTION, REFUND, FeePosting, grade_name
from xiaozhang.model.money import ZERO, fen, from_fen, split_fen
from xiaozhang.reports.disclosure_figures import (ItemSheet, Payer, Refund, Spending,
                                                  cached_grade_of_class)
from xiaozhang.roster import Student


class Collector:
    """Puts the fee postings of the chosen term into the item sheets (one pass)."""

    def __init__(self, items: dict[str, ItemSheet], as_of: dt.date, month_first: dt.date,
                 roster: dict[str, Student]):
        self.items = items
        self.as_of, self.month_first, self.roster = as_of, month_first, roster
        self.pending_refunds: list[tuple[ItemSheet, data.Transaction, data.Posting, Decimal]] = []
        self.pending_spending: list[tuple[ItemSheet, int, dict]] = []

    def run(self, fees: Sequence[FeePosting]) -> None:
        for fee in fees:
            if fee.date > self.as_of:
                break
            sheet = self.items.get(fee.item)
            if sheet is None:
                continue
            if fee.role == COLLECTION:
                self.collection(sheet, fee.txn, fee.posting, fee.amount)
            elif fee.role == REFUND:
                self.pending_refunds.append((sheet, fee.txn, fee.posting, fee.amount))
            else:
                self.spending(sheet, fee.txn, fee.posting, fee.amount)

    def collection(self, sheet: ItemSheet, txn: data.Transaction, posting: data.Posting,
                   amount: Decimal) -> None:
        meta = posting.meta or {}
        in_month = txn.date >= self.month_first
        sheet.collected += amount
        if in_month:
            sheet.collected_month += amount
        sid = meta.get("student") or txn.meta.get("student")
        class_name = meta.get("class") or txn.meta.get("class")
        grade = meta.get("grade") or txn.meta.get("grade")
        if sid:
            sid = str(sid)
            payer = sheet.payers.get(sid)
            if payer is None:
                known = self.roster.get(sid)
                klass = class_name or (known.class_name if known else "")
                level = grade_name(str(grade)) if grade else (
                    cached_grade_of_class(klass) if klass else None) or (known.grade if known else "")
                payer = sheet.payers[sid] = Payer(sid, sid, klass or "未分班", level or "")
            payer.paid += amount
            if in_month:
                payer.paid_month += amount
            return
        heads = meta.get("students", txn.meta.get("students"))
        count = int(heads) if isinstance(heads, Decimal) and heads > 0 and heads == int(heads) else 1
        klass = class_name or "未分班"
        level = grade_name(str(grade)) if grade else cached_grade_of_class(klass) or ""
        where = f"{txn.meta.get('filename', '')}:{txn.meta.get('lineno', 0)}"
        for index, part in enumerate(split_fen(amount, count)):
            key = f"~{where}#{index}"
            payer = sheet.payers[key] = Payer(key, None, klass, level, part,
                                              part if in_month else ZERO)
        sheet.notes.append(f"{txn.date} {klass} 一笔 {amount} 元收款没有学号（{count} 人），"
                           "按人均分，不能出具个人结算单")

    def spending(self, sheet: ItemSheet, txn: data.Transaction, posting: data.Posting,
                 amount: Decimal) -> None:
        sheet.spent += amount
        if txn.date >= self.month_first:
            sheet.spent_month += amount
        restriction = _restriction(txn, posting)
        index = len(sheet.spendings)
        sheet.spendings.append(Spending(
            txn.date, txn.payee or "", txn.narration or "",
            str(txn.meta.get("supplier") or txn.payee or ""), str(txn.meta.get("invoice") or ""),
            amount, _scope_label(restriction), 0, txn))
        self.pending_spending.append((sheet, index, restriction))

    def allocate(self) -> None:
        for sheet, index, restriction in self.pending_spending:
            spending = sheet.spendings[index]
            if not sheet.settles:
                continue
            group = _members(sheet, restriction)
            if not group:
                sheet.unallocated += spending.amount
                sheet.notes.append(f"{spending.date} {spending.payee} {spending.amount} 元："
                                   f"{spending.scope}没有缴费学生，无法分摊")
                continue
            part = share_of(spending.amount, len(group))
            for payer in group:
                payer.share += part
                payer.shares[index] = payer.shares.get(index, ZERO) + part
            sheet.rounding += part * len(group) - spending.amount
            sheet.spendings[index] = _with_sharers(spending, len(group))
        for sheet, txn, posting, amount in self.pending_refunds:
            self.refund(sheet, txn, posting, amount)
        for sheet in self.items.values():
            over = [p for p in sheet.payers.values() if p.over_refunded]
            if sheet.settles and over:
                sheet.notes.append(f"已退超过应退：{len(over)} 名学生共多退 {sheet.over_refunded} 元，"
                                   "请核对退费分录")

    def refund(self, sheet: ItemSheet, txn: data.Transaction, posting: data.Posting,
               amount: Decimal) -> None:
        sheet.refunded += amount
        if txn.date >= self.month_first:
            sheet.refunded_month += amount
        restriction = _restriction(txn, posting)
        sheet.refunds.append(Refund(txn.date, txn.narration or "", amount, _scope_label(restriction), txn))
        group = _members(sheet, restriction)
        each = (posting.meta or {}).get("refund_each", txn.meta.get("refund_each"))
        if not group:
            sheet.notes.append(f"{txn.date} 退费 {amount} 元：{_scope_label(restriction)}没有缴费学生")
            return
        if isinstance(each, Decimal) and "student" not in restriction:
            parts = [each] * len(group)
            if each * len(group) != amount:
                sheet.notes.append(f"{txn.date} {_scope_label(restriction)}清退 {amount} 元，"
                                   f"与每生 {each} 元 × {len(group)} 人不符")
        else:
            parts = split_fen(amount, len(group))
        for payer, part in zip(group, parts):
            payer.refunded += part


def share_of(amount: Decimal, count: int) -> Decimal:
    """Each payer's equal share of a spending of `amount` among `count` payers: rounded up
    to the fen, so that the shares cover the spending and the refunds never exceed the
    balance (the fen rounded up, fewer than `count`, are the 尾差)."""
    return from_fen(-(-fen(amount) // count))


def _restriction(txn: data.Transaction, posting: data.Posting) -> dict:
    meta = posting.meta or {}
    for key in ("student", "class", "grade"):
        if key in meta:
            return {key: str(meta[key])}
    for key in ("student", "class", "grade"):
        if key in txn.meta:
            return {key: str(txn.meta[key])}
    return {}


def _scope_label(restriction: dict) -> str:
    if "student" in restriction:
        return "一名学生"
    if "class" in restriction:
        return restriction["class"]
    if "grade" in restriction:
        return grade_name(restriction["grade"])
    return "全部缴费学生"


def _members(sheet: ItemSheet, restriction: dict) -> list[Payer]:
    payers = [p for p in sheet.payers.values() if p.paid > 0]
    if "student" in restriction:
        payers = [p for p in payers if p.sid == restriction["student"]]
    elif "class" in restriction:
        payers = [p for p in payers if p.class_name == restriction["class"]]
    elif "grade" in restriction:
        grade = grade_name(restriction["grade"])
        payers = [p for p in payers if p.grade == grade]
    return sorted(payers, key=lambda p: p.key)


def _with_sharers(spending: Spending, count: int) -> Spending:
    return Spending(spending.date, spending.payee, spending.narration, spending.supplier,
                    spending.invoice, spending.amount, spending.scope, count, spending.entry)
