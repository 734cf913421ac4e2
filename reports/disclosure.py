"""收费公示 (fee disclosure) and 代收费结算 (settlement): per item, per class, per student.

Computed from the loaded entries, the fee items of `xiaozhang.plugins.fees` and the student
roster; nothing here formats or writes (see `disclosure_documents` for what is printed).

Definitions
-----------
Fee items
    The `custom "fee"` definitions (plugins/fees.py). An item is reported under its name; its
    standards are those in force on the last day of the period, one per scope.

Terms (学期)
    The term ends are the `term-end` policies (`twolines.term_ends`: configured, else 31 January
    and 31 July). A term runs from the day after the previous end to its own end; the first
    from the first day of the books; after the last end an open term runs on (the current
    term). A term's id follows from its end: an end in September-March closes the first term
    of a school year ("2025-2026-1", 秋季), an end in April-August the second ("2025-2026-2",
    春季); the open term is the one after the last end.

Which term an entry belongs to
    Its `term` metadata ("2025-2026-1") when present. Otherwise a collection belongs to the
    term containing its date; a payment or refund dated within `settle-days` after a term's
    end belongs to that term (the settlement); other payments to the term containing them.

Period
    A calendar month ("2025-12"). Figures are for the month (本月) and for the term up to the
    month's last day (本学期累计). Default term: the one containing the month's last day, or
    the previous one when that has no fee movement up to then (January: the autumn term).

Collections, payers
    A credit to the item's account (the fee plugin's definition of a collection). Each
    collection with a `student` (学号) belongs to that student; one with `students: N` and no
    学号 stands for N students of its class whose names are not recorded (未登记学号). A payer is
    a student who paid more than zero in the term. The payer's class and grade are those of
    their collections (`class`, `grade`), else the roster's.

Spending (支出)
    代收费: debits to the item's account that are not refunds (payments to the provider).
    服务性收费: debits to expense accounts of entries (or postings) whose `item` is the item.
    行政事业性收费: debits to the item's 2103 account that are not refunds (上缴财政).
    A debit is a refund (退费) when it has a `student`, a `refund_each`, or its narration
    contains 退.

Allocation (分摊; 代收费 and items with a settlement policy only)
    Each spending posting is shared equally by the payers in its scope: the payers of the
    `student`, `class` or `grade` written on the posting, else on the entry, else all payers of
    the item. Shares are in fen: the amount is divided in fen, and the fen left over go one
    each to the first payers by 学号 (so the shares add up to the posting exactly). A posting
    with nobody in its scope is `unallocated`.

Settlement (结算) per student
    settlement = paid - share. Positive: refund (退). Negative: a top-up (补) under 多退少补, or
    waived (不补) under 多退少不补. By construction the settlements add up to
    collected - spent + unallocated, i.e. to the item's balance (结余) when every spending is
    allocated. `refunded` is what the ledger already shows refunded to the student: a refund
    with `student`; one with `refund_each` gives that amount to each payer of its class; other
    refunds are shared like spending. `outstanding` = settlement - refunded (still to refund).

Privacy
    A `ClassSheet` holds neither 学号 nor full names: only the masked name (`mask_name`) and
    the figures of each student. `ItemSheet.payers` is keyed by 学号 for the computation;
    the public documents print only its totals. Only `StudentStatement` names the student,
    for that student's family.

Example::

    entries, _errors, options_map = loader.load_file("ledger/main.beancount")
    roster = read_roster("ledger/students.csv")
    report = build(entries, options_map, roster, "2026-01")
    for item in report.items:
        print(item.name, item.collected, item.spent, item.balance)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from xiaozhang.plugins.fees import (FeeBook, FeeItem, Scope, grade_name, grade_of_class,
                                    month_end, parse_period, read_fees)
from xiaozhang.plugins.policy import Policy, read_policy
from xiaozhang.plugins.twolines import term_ends
from xiaozhang.roster import Student, mask_name

ZERO = Decimal("0")
CENT = Decimal("0.01")
UNRECORDED = "未登记学号"


class DisclosureError(Exception):
    """A disclosure that cannot be made (bad period, unknown term); the message is for the user."""


# -- terms -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    id: str  # "2025-2026-1"
    start: dt.date
    end: dt.date | None  # None: the open (current) term
    settle_until: dt.date | None  # end + settle-days
    name: str = ""  # the term-end policy's name, e.g. "2025年秋季学期"

    @property
    def label(self) -> str:
        first, second, number = self.id.split("-")
        return f"{first}-{second}学年第{'一' if number == '1' else '二'}学期"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def term_id(end: dt.date) -> str:
    if end.month >= 9 or end.month <= 3:
        year = end.year if end.month >= 9 else end.year - 1
        return f"{year}-{year + 1}-1"
    return f"{end.year - 1}-{end.year}-2"


def next_term_id(current: str) -> str:
    first, second, number = current.split("-")
    if number == "1":
        return f"{first}-{second}-2"
    return f"{second}-{int(second) + 1}-1"


def terms_of(policy: Policy, first: dt.date, last: dt.date) -> list[Term]:
    """The terms the books span (see the module docstring)."""
    terms: list[Term] = []
    start = first
    for end, name in term_ends(policy, first, last):
        if end < first:
            continue
        settle = end + dt.timedelta(days=policy.get("settle-days", end))
        terms.append(Term(term_id(end), start, end, settle, name))
        start = end + dt.timedelta(days=1)
        if start > last:
            break
    if not terms or terms[-1].end < last:
        ident = next_term_id(terms[-1].id) if terms else term_id(last)
        terms.append(Term(ident, start, None, None))
    return terms


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
                return f"{standard.amount:.2f}"
        return self.standard_text()

    def standard_text(self) -> str:
        if len(self.standards) == 1:
            return f"{self.standards[0].amount:.2f}"
        return "；".join(f"{s.scope} {s.amount:.2f}" for s in self.standards)

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
        return cls(payer.paid, payer.share, payer.settlement, payer.refunded, payer.outstanding)


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
    statements: list[StudentStatement]
    class_filter: str | None
    ledger: str
    terms: list[Term]

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def period_label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def month_start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

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


def grade_order(grade: str) -> tuple:
    head = grade.replace("年级", "")
    return (0, _GRADE_ORDER.index(head)) if head in _GRADE_ORDER else (1, head)


def class_order(class_name: str) -> tuple:
    return (grade_order(grade_of_class(class_name) or class_name), class_name)


# -- building ----------------------------------------------------------------------------------
def _cents(amount: Decimal) -> int:
    return int((amount / CENT).to_integral_value())


def split_fen(amount: Decimal, count: int) -> list[Decimal]:
    """`amount` in `count` equal shares in fen; the fen left over go to the first shares."""
    cents = _cents(amount)
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if index < extra else 0)) * CENT for index in range(count)]


def is_refund(txn: data.Transaction, posting: data.Posting) -> bool:
    """A debit to a fee item's account is a refund (退费), not spending (see the docstring)."""
    meta = posting.meta or {}
    return ("student" in meta or "student" in txn.meta or "refund_each" in meta
            or "refund_each" in txn.meta or "退" in (txn.narration or ""))


def entry_term(txn: data.Transaction, debit: bool, terms: list[Term]) -> str:
    """The id of the term a fee posting belongs to (see the module docstring)."""
    explicit = txn.meta.get("term")
    if isinstance(explicit, str) and explicit:
        return explicit
    day = txn.date
    if debit:
        for term in terms:
            if term.end is not None and term.end < day <= term.settle_until:
                return term.id
    for term in terms:
        if term.contains(day):
            return term.id
    return ""


def moved_terms(txns: Sequence[data.Transaction], book: FeeBook, terms: list[Term],
                as_of: dt.date) -> set[str]:
    """The terms with a movement on a fee item's account up to `as_of`."""
    moved: set[str] = set()
    for txn in txns:
        if txn.date > as_of:
            break
        for posting in txn.postings:
            if posting.units.number and posting.account in book.accounts:
                moved.add(entry_term(txn, posting.units.number > 0, terms))
    return moved


class _Collector:
    """Classifies the postings of the chosen term into the item sheets (one pass)."""

    def __init__(self, book: FeeBook, items: dict[str, ItemSheet], term: Term, terms: list[Term],
                 as_of: dt.date, month_start: dt.date, roster: dict[str, Student]):
        self.book, self.items, self.term, self.terms = book, items, term, terms
        self.as_of, self.month_start, self.roster = as_of, month_start, roster
        self.service = {name for name, sheet in items.items() if sheet.kind == "服务性"}
        self.pending_refunds: list[tuple[ItemSheet, data.Transaction, data.Posting, Decimal]] = []
        self.pending_spending: list[tuple[ItemSheet, int, dict]] = []

    def run(self, entries: Iterable[data.Directive]) -> None:
        accounts = {account: name for account, name in self.book.accounts.items() if name in self.items}
        for txn in entries:
            if not isinstance(txn, data.Transaction):
                continue
            if txn.date > self.as_of:
                break
            for posting in txn.postings:
                number = posting.units.number
                if not number:
                    continue
                name = accounts.get(posting.account)
                expense = False
                if name is None:
                    if not self.service or not posting.account.startswith("Expenses:"):
                        continue
                    tagged = (posting.meta or {}).get("item") or txn.meta.get("item")
                    if tagged not in self.service:
                        continue
                    name, expense = tagged, True
                if entry_term(txn, number > 0, self.terms) != self.term.id:
                    continue
                sheet = self.items[name]
                if expense:
                    self.spending(sheet, txn, posting, number)
                elif number < 0:
                    self.collection(sheet, txn, posting, -number)
                elif is_refund(txn, posting):
                    self.pending_refunds.append((sheet, txn, posting, number))
                else:
                    self.spending(sheet, txn, posting, number)

    def collection(self, sheet: ItemSheet, txn: data.Transaction, posting: data.Posting,
                   amount: Decimal) -> None:
        meta = posting.meta or {}
        in_month = txn.date >= self.month_start
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
                    grade_of_class(klass) if klass else None) or (known.grade if known else "")
                payer = sheet.payers[sid] = Payer(sid, sid, klass or "未分班", level or "")
            payer.paid += amount
            if in_month:
                payer.paid_month += amount
            return
        heads = meta.get("students", txn.meta.get("students"))
        count = int(heads) if isinstance(heads, Decimal) and heads > 0 and heads == int(heads) else 1
        klass = class_name or "未分班"
        level = grade_name(str(grade)) if grade else grade_of_class(klass) or ""
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
        if txn.date >= self.month_start:
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
            for payer, part in zip(group, split_fen(spending.amount, len(group))):
                payer.share += part
                payer.shares[index] = payer.shares.get(index, ZERO) + part
            sheet.spendings[index] = _with_sharers(spending, len(group))
        for sheet, txn, posting, amount in self.pending_refunds:
            self.refund(sheet, txn, posting, amount)

    def refund(self, sheet: ItemSheet, txn: data.Transaction, posting: data.Posting,
               amount: Decimal) -> None:
        sheet.refunded += amount
        if txn.date >= self.month_start:
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
                moved: set[str]) -> Term:
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
    if current.id not in moved and len(containing) > 1:
        return containing[-2]
    return current


def build(entries: Sequence[data.Directive], options_map: dict, roster: dict[str, Student],
          period: str, *, term: str | None = None, class_name: str | None = None,
          ledger: str = "") -> Disclosure:
    """The disclosure of `period` ("2025-12"); see the module docstring."""
    parsed = parse_period(period)
    if parsed is None:
        raise DisclosureError(f"期间 {period!r} 的格式应为 年-月，如 2025-12")
    year, month = parsed
    as_of = month_end(year, month)
    month_start = dt.date(year, month, 1)
    policy, _ = read_policy(entries)
    book, _ = read_fees(entries)
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    if not txns:
        raise DisclosureError("账本中还没有交易")
    terms = terms_of(policy, txns[0].date, max(txns[-1].date, as_of))
    chosen = choose_term(terms, as_of, term, moved_terms(txns, book, terms, as_of) if not term else set())
    items: dict[str, ItemSheet] = {}
    for name in book.names():
        in_force = book.in_force(name, as_of)
        if in_force:
            items[name] = _sheet(name, in_force)
    collector = _Collector(book, items, chosen, terms, as_of, month_start, roster)
    collector.run(txns)
    collector.allocate()
    sheets = [s for s in items.values() if s.collected or s.spent or s.refunded]
    profile = policy.profile(as_of) or {}
    classes = _classes(sheets, roster, class_name)
    statements = _statements(sheets, roster, class_name, as_of, book)
    return Disclosure(profile, year, month, chosen, as_of, sheets, classes, statements, class_name,
                      ledger, terms)


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
        result.append(ClassSheet(class_name, grade_of_class(class_name) or "", names, tuple(lines)))
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


# -- what is printed ----------------------------------------------------------------------------
# The documents are plain data for `xiaozhang.reports.document`; public ones (school, class)
# are built from totals and ClassSheet only, so no 学号 or full name can reach them.
SIGNATURES = ("经办人", "审核人（会计）", "校长")


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _settle_text(amount: Decimal, settlement: str) -> str:
    if amount > 0:
        return f"退 {amount:,.2f}"
    if amount < 0:
        return f"{'补' if settlement == '多退少补' else '不补'} {-amount:,.2f}"
    return "0.00"


def _common(report: Disclosure, issued: dt.date) -> dict:
    school = report.school.get("name", "")
    hotline = report.school.get("hotline", "")
    info = [
        ("学期", f"{report.term.label}（{report.term.start} 起"
                 + (f"，{report.term.end} 结束）" if report.term.end else "，进行中）")),
        ("期间", f"本月 {report.month_start} 至 {report.as_of}；本学期累计 {report.term.start} 至 {report.as_of}"),
        ("账本", report.ledger or "（未注明）"),
        ("金额单位", "元"),
    ]
    return {
        "info": info,
        "signatures": SIGNATURES,
        "closing": [f"{school}（盖章）", f"公示日期：{_cn_date(issued)}"],
        "footer": f"{school}  监督/投诉电话：{hotline}",
    }


def school_notice(report: Disclosure, issued: dt.date):
    """收费公示 (and, once the term is over, 代收费结算清单) for the school's notice board."""
    from xiaozhang.reports.document import Document, Table, Text

    common = _common(report, issued)
    school = report.school.get("name", "")
    title = (f"收费公示及代收费结算清单（{report.period_label}）" if report.final
             else f"收费公示（{report.period_label}）")
    blocks: list = [Text("一、收费项目", "h"), Table(
        ["项目", "性质", "收费标准（元）", "计费单位", "收费范围", "是否自愿", "结算方式", "收费依据"],
        [[i.name, i.kind_label, i.standard_text(), i.unit, i.scope_text, "自愿" if i.voluntary else "否",
          i.settlement, i.basis] for i in report.items],
        widths=[9, 10, 16, 9, 12, 6, 9, 40])]
    remarks = [f"{i.name}：{i.note}" for i in report.items if i.note]
    if remarks:
        blocks.append(Text("说明：" + "；".join(remarks) + "。", "note"))
    rows = [[i.name, i.payer_count, i.collected_month, i.collected, i.spent_month, i.spent, i.balance,
             i.refunded, i.held] for i in report.items]
    blocks += [Text(f"二、收支情况（本学期累计至 {report.as_of}）", "h"), Table(
        ["项目", "缴费人数", "本月收取", "累计收取", "本月支出", "累计支出", "结余", "已退", "账面余额"],
        rows, total=["合计", None, *[sum((r[c] for r in rows), ZERO) for c in range(2, 9)]])]
    blocks.append(Text("支出：代收费为付给提供方的款项，服务性收费为该项服务的成本，行政事业性收费为上缴财政的款项。"
                       "结余 = 累计收取 - 累计支出；账面余额 = 结余 - 已退。", "note"))
    spend_rows = [[i.name, str(s.date), s.supplier or s.payee, s.invoice, s.narration, s.amount,
                   f"{s.scope}（{s.sharers} 人）" if i.settles else "—"]
                  for i in report.items for s in i.spendings]
    if spend_rows:
        blocks += [Text("三、支出明细", "h"), Table(
            ["项目", "日期", "收款单位", "发票号", "摘要", "金额", "分摊对象"], spend_rows,
            widths=[9, 10, 20, 18, 26, 10, 14])]
    settle_rows = []
    for i in report.items:
        if not i.settles:
            continue
        for grade, count, low, high in i.refund_groups():
            each = _settle_text(low, i.settlement) if low == high else \
                f"{_settle_text(low, i.settlement)} 至 {_settle_text(high, i.settlement)}"
            settle_rows.append([i.name, grade, count, each])
    if settle_rows:
        blocks += [Text("四、结算（多退少不补 / 多退少补，按实际支出分摊到每个缴费学生，以分计）", "h"),
                   Table(["项目", "年级", "缴费人数", "每生结算"], settle_rows)]
        blocks.append(Table(
            ["项目", "结算方式", "应退合计", "应补/不补合计", "已退", "待退"],
            [[i.name, i.settlement, i.refund_due, i.shortfall, i.refunded, i.outstanding]
             for i in report.items if i.settles]))
        status = ("本学期已结束，以上为期末结算。" if report.final
                  else "本学期尚未结束，以上结算按截至本月末的实际支出测算，期末以实际结算为准。")
        blocks.append(Text(status + "每个学生的结算明细见班级公示和个人结算单。", "note"))
    notes = [n for i in report.items for n in i.notes]
    if notes:
        blocks.append(Text("核对提示：" + "；".join(notes), "note"))
    blocks.append(Text(f"如有疑问，请向学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"))
    return Document(title=title, subtitle=f"{school}  {report.term.label}", info=common["info"],
                    blocks=blocks, signatures=common["signatures"], closing=common["closing"],
                    footer=common["footer"], landscape=True, sheet="收费公示")


def class_notice(report: Disclosure, sheet: ClassSheet, issued: dt.date):
    """The class notice (班级公示): every student of the class, names masked, no 学号."""
    from xiaozhang.reports.document import Document, Table, Text

    common = _common(report, issued)
    items = [i for i in report.items if i.name in sheet.items]
    columns = ["序号", "姓名"]
    for i in items:
        columns += [f"{i.name}已缴", f"{i.name}分摊", f"{i.name}结算"] if i.settles else [f"{i.name}已缴"]
    rows, total = [], ["合计", f"{len(sheet.lines)} 人"]
    for line in sheet.lines:
        row: list = [line.number, line.masked_name]
        for i in items:
            figures = line.items.get(i.name)
            if i.settles:
                row += [figures.paid, figures.share, _settle_text(figures.settlement, i.settlement)] \
                    if figures else [None, None, None]
            else:
                row.append(figures.paid if figures else None)
        rows.append(row)
    for i in items:
        if i.settles:
            total += [sheet.total(i.name, "paid"), sheet.total(i.name, "share"),
                      _settle_text(sheet.total(i.name, "settlement"), i.settlement)]
        else:
            total.append(sheet.total(i.name, "paid"))
    blocks = [
        Text(f"{sheet.class_name}：" + "；".join(
            f"{i.name}（{i.kind_label}，标准 {i.standard_for(sheet.grade)} 元，{i.unit}）{sheet.count(i.name)} 人缴费"
            for i in items) + "。"),
        Table(columns, rows, total=total),
        Text("已缴：本学期缴纳的金额；分摊：按实际支出（见学校收费公示的支出明细）平均分摊到每个缴费学生，"
             "以分计；结算：已缴 - 分摊，退为应退给学生，补为应补缴（多退少补），不补为学校不再收取（多退少不补）。", "note"),
        Text("为保护学生隐私，姓名已做脱敏处理，不公布学号；个人结算单只发给学生本人家长。", "note"),
        Text(f"如有疑问，请向班主任或学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"),
    ]
    return Document(title=f"{sheet.class_name}收费结算公示（{report.period_label}）",
                    subtitle=f"{report.school.get('name', '')}  {report.term.label}", info=common["info"],
                    blocks=blocks, signatures=("班主任", "经办人", "校长"), closing=common["closing"],
                    footer=common["footer"], landscape=len(columns) > 8, sheet=sheet.class_name)


def student_statement(report: Disclosure, statement: StudentStatement, issued: dt.date):
    """A per-student statement (个人结算单), for that student's family only."""
    from xiaozhang.reports.document import Document, Table, Text

    common = _common(report, issued)
    rows = []
    for line in statement.lines:
        i, payer = line.item, line.payer
        rows.append([i.name, i.kind_label, line.standard, payer.paid,
                     payer.share if i.settles else None,
                     _settle_text(payer.settlement, i.settlement) if i.settles else "—",
                     payer.refunded if i.settles else None,
                     _settle_text(payer.outstanding, i.settlement) if i.settles else "—"])
    blocks: list = [Table(["项目", "性质", "收费标准", "已缴", "分摊支出", "结算", "已退", "待退/补"], rows)]
    shared = [[line.item.name, str(s.date), s.supplier or s.payee, s.invoice, s.amount, s.sharers, share]
              for line in statement.lines for s, share in line.spendings]
    if shared:
        blocks += [Text("分摊明细（每笔支出由范围内的缴费学生平均分摊，以分计）", "h"),
                   Table(["项目", "日期", "收款单位", "发票号", "支出金额", "分摊人数", "本生分摊"], shared)]
    blocks.append(Text("结算 = 已缴 - 分摊支出；退为学校应退给您的金额，补为应补缴的金额（多退少补），"
                       "不补为学校不再收取（多退少不补）。本单只发给学生本人家长。", "note"))
    blocks.append(Text(f"如有疑问，请向班主任或学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"))
    info = [("学生", f"{statement.name}（学号 {statement.sid}，{statement.class_name}）"), *common["info"]]
    return Document(title=f"个人收费结算单（{report.period_label}）",
                    subtitle=f"{report.school.get('name', '')}  {report.term.label}", info=info,
                    blocks=blocks, signatures=("经办人", "审核人（会计）"), closing=common["closing"],
                    footer=common["footer"], sheet=statement.sid)


SCHOOL_STEM = "收费公示-{period}"
CLASS_DIR = "班级公示"
STATEMENT_DIR = "个人结算单"
PUBLIC_FORMATS = ("html", "pdf", "xlsx", "png")
STATEMENT_FORMATS = ("pdf", "html")


def disclosure_jobs(report: Disclosure, out: Path, issued: dt.date, *, school: bool = True,
                    classes: bool = True, statements: bool = True) -> list:
    """The files of a disclosure, as jobs for `document.write_many`:

    - `收费公示-2026-01.{html,pdf,xlsx,png}`: the school's notice;
    - `班级公示/一(1)班.{html,pdf,xlsx,png}`: one notice per class (names masked, no 学号);
    - `个人结算单/一(1)班/<学号>.{pdf,html}`: one statement per student, for that family only.
    """
    from xiaozhang.reports.document import safe_filename

    out = Path(out)
    jobs: list = []
    if school:
        jobs.append((school_notice(report, issued), out, SCHOOL_STEM.format(period=report.period),
                     PUBLIC_FORMATS))
    if classes:
        for sheet in report.classes:
            jobs.append((class_notice(report, sheet, issued), out / CLASS_DIR,
                         safe_filename(sheet.class_name), PUBLIC_FORMATS))
    if statements:
        for statement in report.statements:
            jobs.append((student_statement(report, statement, issued),
                         out / STATEMENT_DIR / safe_filename(statement.class_name),
                         safe_filename(statement.sid), STATEMENT_FORMATS))
    return jobs
