"""收费公示 (fee disclosure) figures: the types `xiaozhang.reports.disclosure.build` fills in.

Per item (`ItemSheet`, with its `Payer`s, `Spending`s and `Refund`s), per class (`ClassSheet`:
masked names and figures only), per student (`StudentStatement`, for that student's family),
and the month's whole `Disclosure`; also the order of grades and classes they are listed in.
What the figures mean (collections, spending, refunds, payers, allocation, settlement,
privacy): the definitions in `xiaozhang.reports.disclosure`'s docstring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import NamedTuple

from beancount.core import data

from xiaozhang.model.fees import Scope, grade_of_class
from xiaozhang.model.money import ZERO, format_money
from xiaozhang.model.periods import Month, Term

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
        return self._settled(p.settlement for p in self.payers.values() if p.settlement > 0)

    @property
    def shortfall(self) -> Decimal:
        """应补 (多退少补) or 不补 (多退少不补): the negative settlements, as a positive sum."""
        return -self._settled(p.settlement for p in self.payers.values() if p.settlement < 0)

    @property
    def outstanding(self) -> Decimal:
        """待退: what is still to refund (positive outstanding settlements)."""
        return self._settled(p.outstanding for p in self.payers.values() if p.outstanding > 0)

    def _settled(self, amounts) -> Decimal:
        """The sum of `amounts`, or zero for an item that is not settled (不结算)."""
        return sum(amounts, ZERO) if self.settles else ZERO

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
cached_grade_of_class = lru_cache(maxsize=1024)(grade_of_class)


def grade_order(grade: str) -> tuple:
    head = grade.replace("年级", "")
    return (0, _GRADE_ORDER.index(head)) if head in _GRADE_ORDER else (1, head)


def class_order(class_name: str) -> tuple:
    return (grade_order(cached_grade_of_class(class_name) or class_name), class_name)
