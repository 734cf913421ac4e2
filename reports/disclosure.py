"""收费公示 (fee disclosure) and 代收费结算 (settlement): per item, per class, per student.

The figures only, from the school model (`SchoolBooks.of(entries)`: its terms and its fee
book, `xiaozhang.model.fees`) and the student roster; what is printed and written is
`xiaozhang.reports.disclosure_documents`.

Definitions
-----------
Fee items
    The `custom "fee"` definitions (`xiaozhang.model.fees`). An item is reported under its
    name; its standards are those in force on the last day of the period, one per scope.

Terms (学期)
    The books' terms (`xiaozhang.model.periods.terms`, `SchoolBooks.terms`): ends from the
    `term-end` policies, else 31 January and 31 July; the first term from the first day of the
    books; after the last end an open term runs on (the current term).  These ranges decide which
    term a posting belongs to; what the documents and pages print is the term's calendar name and
    dates (`Term.name`, `Term.title`: the `term-start` policy's first day, not the range's).

Which term a fee posting belongs to
    `FeeBook.term_of_posting`: its `term` metadata ("2025-2026-1") when present; else a debit dated
    within `settle-days` after a term's end belongs to that term (the settlement); else the
    term containing it.

Period
    A calendar month ("2025-12"). Figures are for the month (本月) and for the term up to the
    month's last day (本学期累计). Default term: the one containing the month's last day, or
    the previous one when that has no fee posting up to then (January: the autumn term).

Collections, spending, refunds
    The fee postings of the model's classifier (`xiaozhang.model.fees`): collections are the
    credits to the item's account; spending is, for 代收费, the debits to the item's account that
    are not refunds (payments to the provider), for 行政事业性收费 the same (上缴财政), for
    服务性收费 the expense postings tagged with the item (`item`); refunds are the debits that
    `is_refund` recognises and every debit to a 服务性 item's income account.

Payers
    Each collection with a `student` (学号) belongs to that student; one with `students: N` and
    no 学号 stands for N students of its class whose names are not recorded (未登记学号). A
    payer is a student who paid more than zero in the term. The payer's class and grade are
    those of their collections (`class`, `grade`), else the roster's.

Allocation (分摊; 代收费 and items with a settlement policy only)
    Each spending posting is shared equally by the payers in its scope: the payers of the
    `student`, `class` or `grade` written on the posting, else on the entry, else all payers of
    the item. Shares are in fen and equal within a posting: the posting divided by the number
    of payers, rounded up to the fen (`share_of`). The fen rounded up (尾差, fewer fen than
    payers) are not refunded: they stay on the item's account (`rounding`) and the notice says
    so. Every payer of a scope therefore has the same share, and a class refund booked at the
    notice's per-student amount never refunds more than the balance. (Until 2026-12 the fen
    left over went to the first payers by 学号: their refunds were a fen smaller than the
    others', and a class refund at the larger amount refunded more than the balance.) A
    posting with nobody in its scope is `unallocated`.

Settlement (结算) per student
    settlement = paid - share. Positive: refund (退). Negative: a top-up (补) under 多退少补, or
    waived (不补) under 多退少不补. By construction the settlements add up to
    collected - spent + unallocated - rounding, i.e. to the item's balance (结余) less the 尾差
    when every spending is allocated. `refunded` is what the ledger already shows refunded to the student: a refund
    with `student`; one with `refund_each` gives that amount to each payer of its class; other
    refunds are shared like spending. `outstanding` = settlement - refunded (still to refund;
    negative: refunded more than the settlement, 多退, pointed out in the item's notes).

Disclosure status (the 收费公示 page)
    `status(entries)`: the model's `FeeBook.status` (the same as rule FE05), latest month first.
    Under Fava's time filter the page passes its first and last day (`period`): the status
    rows, the months offered and the default month are those overlapping it, read from the
    model of all entries (a disclosure record is dated after its month, and the policy before).

Privacy
    A `ClassSheet` holds neither 学号 nor full names: only the masked name (`mask_name`) and
    the figures of each student. `ItemSheet.payers` is keyed by 学号 for the computation;
    the public documents print only its totals. Only `StudentStatement` names the student,
    for that student's family.

Example::

    loaded = xiaozhang.io.load(xiaozhang.io.DEFAULT_LEDGER)  # no cache, one meaning of warnings
    entries, options_map = loaded.entries, loaded.options_map
    roster = read_roster("ledger/students.csv")
    report = build(entries, options_map, roster, "2026-01")
    for item in report.items:
        print(item.name, item.collected, item.spent, item.balance)
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import chain, islice
from typing import NamedTuple

from beancount.core import data

from xiaozhang import layout
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.fees import (COLLECTION, REFUND, DueDisclosure, FeeBook, FeeItem,
                                  FeePosting, Scope, grade_name, grade_of_class,
                                  record_month)
from xiaozhang.model.money import ZERO, fen, format_money, from_fen, split_fen
from xiaozhang.model.periods import Month, Term
from xiaozhang.roster import RosterError, Student, mask_name, read_roster, roster_for

UNRECORDED = "未登记学号"


class DisclosureError(Exception):
    """A disclosure that cannot be made (bad period, unknown term); the message is for the user."""


# -- the figures -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spending:
    """One spending posting on an item (payment to a provider, service cost, remittance)."""

    date: dt.date
    payee: str
    narration: str
    supplier: str
    invoice: str
    amount: Decimal
    scope: str  # who shares it: "全部缴费学生", "三年级", "三(2)班", ...
    sharers: int  # payers it is shared among (0: unallocated)
    entry: data.Transaction


@dataclass(frozen=True)
class Refund:
    """A refund booked in the ledger (清退/退费)."""

    date: dt.date
    narration: str
    amount: Decimal
    scope: str
    entry: data.Transaction


@dataclass
class Payer:
    """One student's figures for one item (the key is the 学号, or a placeholder)."""

    key: str
    sid: str | None  # None: a collection recorded without 学号
    class_name: str
    grade: str
    paid: Decimal = ZERO
    paid_month: Decimal = ZERO
    share: Decimal = ZERO
    refunded: Decimal = ZERO
    shares: dict[int, Decimal] = field(default_factory=dict)  # spending index -> share

    @property
    def settlement(self) -> Decimal:
        return self.paid - self.share

    @property
    def outstanding(self) -> Decimal:
        return self.settlement - self.refunded

    @property
    def over_refunded(self) -> Decimal:
        """多退: refunded beyond what the settlement gives back (zero when none)."""
        return max(self.refunded - max(self.settlement, ZERO), ZERO)


@dataclass(frozen=True)
class Standard:
    scope: str
    amount: Decimal


@dataclass
class ItemSheet:
    """One fee item for the term up to the period's end (public: no names, no 学号)."""

    name: str
    kind: str  # 行政事业性 / 服务性 / 代收
    kind_label: str  # 行政事业性收费 / 服务性收费 / 代收费
    standards: tuple[Standard, ...]
    unit: str
    basis: str
    voluntary: bool
    settlement: str  # 多退少不补 / 多退少补 / 不结算
    account: str
    provider: str
    note: str
    collected: Decimal = ZERO
    collected_month: Decimal = ZERO
    spent: Decimal = ZERO
    spent_month: Decimal = ZERO
    refunded: Decimal = ZERO
    refunded_month: Decimal = ZERO
    unallocated: Decimal = ZERO
    rounding: Decimal = ZERO  # 尾差: the fen the equal shares round up (kept, not refunded)
    spendings: list[Spending] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    payers: dict[str, Payer] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def settles(self) -> bool:
        return self.settlement != "不结算"

    @property
    def payer_count(self) -> int:
        return sum(1 for p in self.payers.values() if p.paid > 0)

    @property
    def balance(self) -> Decimal:
        """结余: collected - spent (what the settlement returns or the school keeps)."""
        return self.collected - self.spent

    @property
    def held(self) -> Decimal:
        """What is still in the item's account for the term: collected - spent - refunded."""
        return self.collected - self.spent - self.refunded

    @property
    def over_refunded(self) -> Decimal:
        """多退: what the payers were refunded beyond their settlements."""
        if not self.settles:
            return ZERO
        return sum((p.over_refunded for p in self.payers.values()), ZERO)

    @property
    def refund_due(self) -> Decimal:
        """应退: the positive settlements (zero for an item that is not settled)."""
        if not self.settles:
            return ZERO
        return sum((p.settlement for p in self.payers.values() if p.settlement > 0), ZERO)

    @property
    def shortfall(self) -> Decimal:
        """应补 (多退少补) or 不补 (多退少不补): the negative settlements, as a positive sum."""
        if not self.settles:
            return ZERO
        return -sum((p.settlement for p in self.payers.values() if p.settlement < 0), ZERO)

    @property
    def outstanding(self) -> Decimal:
        """待退: what is still to refund (positive outstanding settlements)."""
        if not self.settles:
            return ZERO
        return sum((p.outstanding for p in self.payers.values() if p.outstanding > 0), ZERO)

    @property
    def scope_text(self) -> str:
        return "；".join(s.scope for s in self.standards)

    def standard_for(self, grade: str) -> str:
        """The standard that applies to a grade (all of them when it cannot be told)."""
        for standard in self.standards:
            scope = Scope.parse(standard.scope)
            if scope is not None and scope.contains(None, grade):
                return format_money(standard.amount)
        return self.standard_text()

    def standard_text(self) -> str:
        if len(self.standards) == 1:
            return format_money(self.standards[0].amount)
        return "；".join(f"{s.scope} {format_money(s.amount)}" for s in self.standards)

    def refund_groups(self) -> list[tuple[str, int, Decimal, Decimal]]:
        """Per grade: (grade, payers, lowest settlement, highest settlement)."""
        groups: dict[str, list[Decimal]] = {}
        for payer in self.payers.values():
            if payer.paid > 0:
                groups.setdefault(payer.grade, []).append(payer.settlement)
        return [(grade, len(values), min(values), max(values))
                for grade, values in sorted(groups.items(), key=lambda g: grade_order(g[0]))]


class Figures(NamedTuple):
    """One student's figures for one item, without who the student is."""

    paid: Decimal
    share: Decimal
    settlement: Decimal
    refunded: Decimal
    outstanding: Decimal

    @classmethod
    def of(cls, payer: Payer) -> "Figures":
        paid, share, refunded = payer.paid, payer.share, payer.refunded
        settlement = paid - share  # (`Payer.settlement` and `.outstanding`, inline)
        return cls(paid, share, settlement, refunded, settlement - refunded)


@dataclass(frozen=True)
class ClassLine:
    """One student of a class notice: masked name and figures only."""

    number: int  # 序号 in the class list
    masked_name: str
    items: dict[str, Figures]  # item name -> figures


@dataclass(frozen=True)
class ClassSheet:
    class_name: str
    grade: str
    items: tuple[str, ...]  # item names with payers in the class, in item order
    lines: tuple[ClassLine, ...]

    def total(self, item: str, attribute: str) -> Decimal:
        return sum((getattr(line.items[item], attribute) for line in self.lines if item in line.items),
                   ZERO)

    def count(self, item: str) -> int:
        return sum(1 for line in self.lines if item in line.items and line.items[item].paid > 0)


@dataclass(frozen=True)
class StatementLine:
    item: ItemSheet
    payer: Payer
    standard: Decimal | None
    spendings: tuple[tuple[Spending, Decimal], ...]  # the spending shared and this student's share


@dataclass(frozen=True)
class StudentStatement:
    """A per-student statement (for that student's family only)."""

    sid: str
    name: str
    class_name: str
    lines: tuple[StatementLine, ...]


@dataclass
class Disclosure:
    school: dict[str, str]
    year: int
    month: int
    term: Term
    as_of: dt.date
    items: list[ItemSheet]
    classes: list[ClassSheet]
    class_filter: str | None
    ledger: str
    terms: list[Term]
    make_statements: Callable[[], list[StudentStatement]] = field(repr=False, compare=False,
                                                                  default=list)

    @cached_property
    def statements(self) -> list[StudentStatement]:
        """The per-student statements (for the families; built when first asked)."""
        return self.make_statements()

    @property
    def period(self) -> str:
        return Month(self.year, self.month).text

    @property
    def period_label(self) -> str:
        return Month(self.year, self.month).label

    @property
    def month_first(self) -> dt.date:
        return Month(self.year, self.month).first

    @property
    def final(self) -> bool:
        """The term is over (its end is on or before the period's end): a final settlement."""
        return self.term.end is not None and self.term.end <= self.as_of

    def record(self, published: dt.date) -> str | None:
        """The `custom "disclosure"` line for the ledger, or None when nothing moved."""
        names = [item.name for item in self.items]
        if not names:
            return None
        return f'{published} custom "disclosure" "{self.period}" ' + " ".join(f'"{n}"' for n in names)


_GRADE_ORDER = "一二三四五六七八九"

# `grade_of_class` (a regular expression) once per class name: a term has thousands of
# payers in a few dozen classes.
_grade_of_class = lru_cache(maxsize=1024)(grade_of_class)


def grade_order(grade: str) -> tuple:
    head = grade.replace("年级", "")
    return (0, _GRADE_ORDER.index(head)) if head in _GRADE_ORDER else (1, head)


def class_order(class_name: str) -> tuple:
    return (grade_order(_grade_of_class(class_name) or class_name), class_name)




# -- building ----------------------------------------------------------------------------------
class _Collector:
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
                    _grade_of_class(klass) if klass else None) or (known.grade if known else "")
                payer = sheet.payers[sid] = Payer(sid, sid, klass or "未分班", level or "")
            payer.paid += amount
            if in_month:
                payer.paid_month += amount
            return
        heads = meta.get("students", txn.meta.get("students"))
        count = int(heads) if isinstance(heads, Decimal) and heads > 0 and heads == int(heads) else 1
        klass = class_name or "未分班"
        level = grade_name(str(grade)) if grade else _grade_of_class(klass) or ""
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


def _sheet(name: str, definitions: Sequence[FeeItem]) -> ItemSheet:
    first = definitions[0]
    standards = tuple(Standard(d.scope.text, d.standard) for d in definitions)
    return ItemSheet(name, first.kind, first.kind_label, standards, first.unit, first.basis,
                     first.voluntary, first.settlement, first.account, first.provider, first.note)




def choose_term(terms: list[Term], as_of: dt.date, term_id: str | None,
                moved: Callable[[Term], bool]) -> Term:
    """The term `term_id`, else the one containing `as_of` — or the previous one when
    `moved(term)` says the containing one has no fee posting up to `as_of` (January: the
    autumn term)."""
    if term_id:
        for term in terms:
            if term.id == term_id:
                return term
        known = "、".join(t.id for t in terms)
        raise DisclosureError(f"账本中没有学期 {term_id}（可选：{known}）")
    containing = [t for t in terms if t.start <= as_of]
    if not containing:
        raise DisclosureError(f"{as_of} 早于账本的第一个学期")
    current = containing[-1]
    if len(containing) > 1 and not moved(current):
        return containing[-2]
    return current


def _fee_date(fee: FeePosting) -> dt.date:
    return fee[0].date


def term_fees(book: FeeBook, term: Term, until: dt.date) -> list[FeePosting]:
    """The defined fee postings of `term` (`FeeBook.term_of_posting`) dated up to `until`, in
    order: `book.by_term`'s list of the term, cut at `until`.

    When the book has not grouped its postings by term yet, only the postings that can belong
    to the term are asked (the others are not read): those dated from the term's start to
    the end of its settlement (`settle_until`, the debits of a settlement; a term still
    running: `until`), and those whose entry names a `term` (one test each).  The postings
    are in date order (the entries are).

    Developer note (speed, 2026-12-07): grouping every fee posting of the bench ledger by
    term (`FeeBook.by_term`, 170,000 postings, 21 terms) cost ≈ 0.09 s on the 收费公示 page's
    first open after a reload, for one term's 8,000; see `build`."""
    grouped = book.__dict__.get("by_term")  # (a cached_property: there once computed)
    if grouped is not None:
        fees = grouped.get(term.id, [])
        return fees[:bisect_right(fees, until, key=_fee_date)]
    postings = book.postings
    last = until if term.settle_until is None else min(until, term.settle_until)
    end = bisect_right(postings, until, key=_fee_date)  # [start, stop) the dates; [0, end) read
    start = min(end, bisect_left(postings, term.start, key=_fee_date))
    stop = max(start, bisect_right(postings, last, key=_fee_date))
    named = "term"  # the entry names its term: it may be dated anywhere

    def naming(first: int, last_: int) -> list[FeePosting]:
        return [fee for fee in postings[first:last_] if named in fee[0].meta]

    found: list[FeePosting] = []
    ident, of_posting = term.id, book.term_of_posting
    day, known = None, [None, None]  # without a `term`: the term of a credit, of a debit on `day`
    for fee in chain(naming(0, start), islice(postings, start, stop), naming(stop, end)):
        if not fee[6]:  # defined
            continue
        txn = fee[0]
        if named in txn.meta:
            name = of_posting(fee)
        else:  # `term_of_posting` of the day and the side, asked once per day and side
            if txn.date != day:
                day, known = txn.date, [None, None]
            debit = fee[1].units.number > 0
            name = known[debit]
            if name is None:
                name = known[debit] = of_posting(fee)
        if name == ident:
            found.append(fee)
    return found


def build(entries: Sequence[data.Directive], options_map: dict, roster: dict[str, Student],
          period: str, *, term: str | None = None, class_name: str | None = None,
          ledger: str = "") -> Disclosure:
    """The disclosure of `period` ("2025-12"); see the module docstring.

    Developer note (speed, 2026-12-07): only the chosen term's fee postings up to the month's
    end are read (`term_fees`, not every posting grouped by term), the per-student statements
    are built when first asked (`Disclosure.statements`: the 收费公示 page never shows them),
    and a class's grade is worked out once per class name (`_grade_of_class`).  On the bench
    ledger (180,000 transactions, `XIAOZHANG_AS_OF=2026-10-31`, month 2026-10, after a
    reload, `time.process_time`) this build went from ≈ 0.28 s (0.09 s grouping by term, 0.19 s
    the rest) to ≈ 0.12-0.15 s (0.03-0.05 s of it `term_fees`); the page's figures are in
    `xiaozhang.reports.fava_ext.disclosure`.  A caller that builds many months (the published
    site) may group the postings first (`books.fees.by_term`): `term_fees` then cuts the
    grouped list."""
    month = record_month(period)  # spelt as on the disclosure record it leads to
    if month is None:
        raise DisclosureError(f"期间 {period!r} 的格式应为 年-月，如 2025-12")
    as_of = month.last
    books = SchoolBooks.of(entries, options_map)
    if not books.transactions:
        raise DisclosureError("账本中还没有交易")
    book = books.fees
    read: dict[str, list[FeePosting]] = {}  # term id -> its fee postings up to `as_of`

    def fees_of(chosen: Term) -> list[FeePosting]:
        if chosen.id not in read:
            read[chosen.id] = term_fees(book, chosen, as_of)
        return read[chosen.id]

    chosen = choose_term(books.terms, as_of, term, lambda current: bool(fees_of(current)))
    items: dict[str, ItemSheet] = {}
    for name in book.names():
        in_force = book.in_force(name, as_of)
        if in_force:
            items[name] = _sheet(name, in_force)
    collector = _Collector(items, as_of, month.first, roster)
    collector.run(fees_of(chosen))
    collector.allocate()
    sheets = [s for s in items.values() if s.collected or s.spent or s.refunded]
    profile = books.policy.profile(as_of) or {}
    classes = _classes(sheets, roster, class_name)
    return Disclosure(profile, month.year, month.month, chosen, as_of, sheets, classes,
                      class_name, ledger, list(books.terms),
                      lambda: _statements(sheets, roster, class_name, as_of, book))


def _name_of(payer: Payer, roster: dict[str, Student]) -> str:
    if payer.sid is None:
        return UNRECORDED
    known = roster.get(payer.sid)
    return known.name if known and known.name else "（名册中无此学号）"


def _classes(sheets: list[ItemSheet], roster: dict[str, Student], only: str | None) -> list[ClassSheet]:
    by_class: dict[str, dict[str, dict[str, Payer]]] = {}
    for sheet in sheets:
        for payer in sheet.payers.values():
            if only and payer.class_name != only:
                continue
            by_class.setdefault(payer.class_name, {}).setdefault(payer.key, {})[sheet.name] = payer
    result = []
    for class_name in sorted(by_class, key=class_order):
        students = by_class[class_name]
        lines = []
        for number, key in enumerate(sorted(students), start=1):
            figures = students[key]
            any_payer = next(iter(figures.values()))
            name = _name_of(any_payer, roster)
            masked = name if any_payer.sid is None or name.startswith("（") else mask_name(name)
            lines.append(ClassLine(number, masked, {k: Figures.of(v) for k, v in figures.items()}))
        names = tuple(s.name for s in sheets if any(s.name in line.items for line in lines))
        result.append(ClassSheet(class_name, _grade_of_class(class_name) or "", names, tuple(lines)))
    return result


def _statements(sheets: list[ItemSheet], roster: dict[str, Student], only: str | None,
                as_of: dt.date, book: FeeBook) -> list[StudentStatement]:
    by_student: dict[str, list[StatementLine]] = {}
    for sheet in sheets:
        for payer in sheet.payers.values():
            if payer.sid is None or (only and payer.class_name != only):
                continue
            item, _inside = book.item_for(sheet.name, as_of, payer.class_name, payer.grade)
            shared = tuple((sheet.spendings[i], share) for i, share in sorted(payer.shares.items()))
            by_student.setdefault(payer.sid, []).append(
                StatementLine(sheet, payer, item.standard if item else None, shared))
    result = []
    for sid in sorted(by_student, key=lambda s: (class_order(by_student[s][0].payer.class_name), s)):
        lines = by_student[sid]
        first = lines[0].payer
        result.append(StudentStatement(sid, _name_of(first, roster), first.class_name, tuple(lines)))
    return result


# -- the 收费公示 page's inputs ------------------------------------------------------------------
Period = tuple[dt.date, dt.date]  # first and last day, inclusive (Fava's time filter)


def _overlaps(row: DueDisclosure, period: Period | None) -> bool:
    """Does the row's month overlap `period` (None: always)?"""
    if period is None:
        return True
    month = Month(row.year, row.month)
    return month.first <= period[1] and month.last >= period[0]


def status(entries: list, period: Period | None = None) -> list[DueDisclosure]:
    """Every (item, month) with fee postings and its disclosure (`FeeBook.status`, as rule FE05
    sees it), latest month first; only the months overlapping `period` when given."""
    rows = [row for row in SchoolBooks.of(entries).fees.status if _overlaps(row, period)]
    return sorted(rows, key=lambda r: (r.period, r.item), reverse=True)


def periods(entries: list, period: Period | None = None) -> list[str]:
    """The months with fee postings (overlapping `period` when given), latest first."""
    return sorted({row.period for row in status(entries, period)}, reverse=True)


def default_period(entries: list, period: Period | None = None) -> str | None:
    """The latest month with fee postings that is complete by the 评判日期 (`books.as_of`:
    its last day on or before it; else the latest month), among the months overlapping
    `period` when given."""
    months = periods(entries, period)
    as_of = SchoolBooks.of(entries).as_of
    complete = [p for p in months if Month.parse(p).last <= as_of]
    return (complete or months or [None])[0]


def publishing_day(month: str, today: dt.date | None = None) -> dt.date:
    """The day a disclosure of `month` is published: today, but never before the month's last
    day (a record dated before it is refused, FE06)."""
    return max(today or dt.date.today(), Month.parse(month).last)


class RecordPlace(NamedTuple):
    """Where the accountant writes the disclosure record (the month file of its date,
    `xiaozhang.layout.target_file`) and what must be done first."""

    name: str  # `2026/12.beancount` (relative to the main file's folder), or the main file's name
    exists: bool  # the file exists
    included: bool  # the file is one of the ledger's source files
    include: str | None  # the line main must get (`include "2027/*.beancount"`), None if none
    header: str  # a new month file's first line (`; 2026年12月`)


def record_place(main_file: str, includes: list[str], day: dt.date) -> RecordPlace:
    """The file a disclosure record dated `day` goes in (`layout.target_file`), whether it
    exists and is included, and the include line the main file still needs."""
    target = layout.target_file(main_file, includes, day)
    main = layout.source_path(main_file)
    is_included = str(target) in includes
    include = None
    if not is_included and target != main:
        source = main.read_text(encoding="utf-8")
        added = set(layout.with_include(source, target, str(main)).splitlines()) - set(source.splitlines())
        include = next((line for line in added if line.strip()), None)
    return RecordPlace(layout.relative_name(main_file, str(target)), target.exists(), is_included,
                       include, layout.month_header(day).strip())


def school_roster(entries: list, ledger_file: str, path: str | None = None) -> dict[str, Student]:
    """The student roster: `path`, else the school profile's `roster`, else `students.csv` next
    to the ledger (`xiaozhang.roster.roster_for`). Raises `RosterError`."""
    profiles = SchoolBooks.of(entries).policy.profiles
    return read_roster(path or roster_for(ledger_file, profiles[-1][1] if profiles else None))


def roster_or_problem(entries: list, ledger_file: str) -> tuple[dict[str, Student], str | None]:
    """`school_roster`, or an empty roster and the problem (for the page)."""
    try:
        return school_roster(entries, ledger_file), None
    except RosterError as error:
        return {}, str(error)
