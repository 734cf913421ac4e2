"""Fee items and disclosure records: the `custom "fee"` and `custom "disclosure"` directives,
read once per load (`xiaozhang.model.fees.build`; the rule's manual is plugins/fees.py), the
kinds of fee, scopes, and the grade of a class.  A malformed definition or record is a
problem (FE06) and is left out."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import account as account_lib, data
from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.model.periods import Month, parse_month


code_root = chart.code_root  # (defined in the chart)
TREASURY = chart.TREASURY_ROOT  # 2103 应缴财政款
AGENCY = chart.AGENCY_ROOT  # 2307…230701 代收费
INCOME = "Income:"
EXPENSES = "Expenses:"

ADMINISTRATIVE, SERVICE, AGENCY_KIND = "行政事业性", "服务性", "代收"
# kind -> (accepted spellings, the account root its items are kept under, the full name)
KINDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    ADMINISTRATIVE: (("行政事业性", "行政事业性收费"), TREASURY, "行政事业性收费"),
    SERVICE: (("服务性", "服务性收费"), INCOME, "服务性收费"),
    AGENCY_KIND: (("代收", "代收费"), AGENCY, "代收费"),
}
SETTLEMENTS = ("多退少不补", "多退少补", "不结算")
WHOLE_SCHOOL = "全校"


_CLASS = re.compile(r"^(.+?)[（(]\s*\d+\s*[)）]\s*班$")
_SPLIT = re.compile(r"[,，、;；\s]+")


def kind_of(text: Any) -> str | None:
    """"代收" for "代收" or "代收费"; None when not a kind."""
    for kind, (spellings, _root, _full) in KINDS.items():
        if text in spellings:
            return kind
    return None


def kind_label(kind: str) -> str:
    """`代收费` for 代收."""
    return KINDS[kind][2]


def grade_of_class(class_name: str) -> str | None:
    """`三年级` for `三(2)班` (also `三（2）班`, `三年级(2)班`); None if not in that form."""
    match = _CLASS.match(class_name.strip())
    if not match:
        return None
    grade = match.group(1).strip()
    return grade if grade.endswith("年级") else grade + "年级"


def grade_name(value: str) -> str:
    """`三年级` for `三年级` or `三`."""
    value = value.strip()
    return value if value.endswith("年级") else value + "年级"


# `作业本费` for `Liabilities:2307其他应付款:230701代收费:01作业本费`.
item_name = chart.leaf_name


# -- items and records -------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """收费范围: the whole school, or some grades and classes."""

    text: str
    grades: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()

    @property
    def whole(self) -> bool:
        return not self.grades and not self.classes

    @classmethod
    def parse(cls, text: Any) -> "Scope | None":
        if not isinstance(text, str) or not text.strip():
            return None
        if text.strip() == WHOLE_SCHOOL:
            return cls(WHOLE_SCHOOL)
        grades, classes = set(), set()
        for token in filter(None, _SPLIT.split(text.strip())):
            if token.endswith("年级"):
                grades.add(token)
            elif grade_of_class(token):
                classes.add(token)
            else:
                return None
        return cls(text.strip(), frozenset(grades), frozenset(classes))

    def contains(self, class_name: str | None, grade: str | None) -> bool | None:
        """Whether a student of that class/grade is in scope; None when it cannot be told."""
        if self.whole:
            return True
        if class_name and class_name in self.classes:
            return True
        grade = grade or (grade_of_class(class_name) if class_name else None)
        if grade is None:
            return None
        return grade in self.grades

    def overlaps(self, other: "Scope") -> bool:
        if self.whole or other.whole:
            return True
        if self.grades & other.grades or self.classes & other.classes:
            return True
        return any(grade_of_class(c) in other.grades for c in self.classes) or any(
            grade_of_class(c) in self.grades for c in other.classes)


@dataclass(frozen=True)
class FeeItem:
    """One fee item definition (收费项目) for one scope, from its date."""

    name: str
    kind: str  # 行政事业性 / 服务性 / 代收
    standard: Decimal
    currency: str
    unit: str
    scope: Scope
    basis: str
    voluntary: bool
    settlement: str
    account: str
    since: dt.date
    entry: data.Custom
    provider: str = ""  # 提供方 (代收费), optional
    note: str = ""  # 说明 printed with the item (e.g. 只向住校学生收取), optional

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class DisclosureRecord:
    """A published disclosure (`custom "disclosure"`): the month and the items it covered."""

    date: dt.date
    year: int
    month: int
    items: tuple[str, ...]
    entry: data.Custom

    @property
    def period(self) -> str:
        return Month(self.year, self.month).text


# -- reading the directives --------------------------------------------------------------------
def _text(meta: dict, key: str) -> str | None:
    value = meta.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _account_value(value: Any) -> str | None:
    if isinstance(value, str) and account_lib.is_valid(value):
        return value
    return None


def read_directives(entries: list, book) -> None:
    """Collect the fee items and disclosure records into `book` (a `FeeBook`: its `_add`,
    `disclosures` and `problems`); note every malformed one (FE06)."""

    def bad(entry, message):
        book.problems.append((entry, message))

    for entry in entries:
        if not isinstance(entry, data.Custom):
            continue
        if entry.type == "fee":
            item, problem = _parse_fee(entry)
            if problem:
                bad(entry, problem)
                continue
            same_name = book.definitions.setdefault(item.name, [])
            others = [o for o in same_name if o.scope.text != item.scope.text]
            if any(o.account != item.account or o.kind != item.kind for o in others):
                bad(entry, f"收费项目“{item.name}”的各条定义应为同一性质、同一科目"
                           f"（已定义为 {others[0].kind_label}，{others[0].account}）")
                continue
            clash = [o for o in book.in_force(item.name, entry.date)
                     if o.scope.text != item.scope.text and o.scope.overlaps(item.scope)]
            if clash:
                bad(entry, f"收费项目“{item.name}”的范围“{item.scope.text}”与已定义的范围"
                           f"“{clash[0].scope.text}”重叠（同一学生只能适用一个标准）")
                continue
            owner = book.accounts.get(item.account)
            if owner and owner != item.name:
                bad(entry, f"科目 {item.account} 已是收费项目“{owner}”的科目，每个项目单独设科目"
                           "（支出必须单独核算）")
                continue
            book._add(item)
        elif entry.type == "disclosure":
            record, problem = _parse_disclosure(entry, book)
            if problem:
                bad(entry, problem)
                continue
            book.disclosures.append(record)


def _parse_fee(entry: data.Custom) -> tuple[FeeItem | None, str | None]:
    values = entry.values
    usage = ('收费项目 custom "fee" 应写：项目名称、性质（"行政事业性" "服务性" "代收"）、收费标准，'
             '如 custom "fee" "作业本费" "代收" 15.00 CNY，并在下面写 unit、scope、basis、'
             "voluntary、settlement、account")
    if (len(values) != 3 or not isinstance(values[0].value, str) or not values[0].value.strip()
            or not isinstance(values[2].value, Amount)):
        return None, usage
    name = values[0].value.strip()
    kind = kind_of(values[1].value)
    if kind is None:
        return None, f"收费项目“{name}”的性质应为 行政事业性 / 服务性 / 代收，实际为 {values[1].value!r}"
    standard = values[2].value
    if standard.number is None or standard.number <= 0:
        return None, f"收费项目“{name}”的收费标准应为正数"
    meta = entry.meta
    missing = [label for key, label in (("unit", "计费单位 unit"), ("basis", "收费依据 basis"))
               if not _text(meta, key)]
    scope = Scope.parse(meta.get("scope"))
    if scope is None:
        missing.append("收费范围 scope（\"全校\"，或年级、班级，如 \"三年级,四年级\"）")
    voluntary = meta.get("voluntary")
    if not isinstance(voluntary, bool):
        missing.append("是否自愿 voluntary（TRUE 或 FALSE）")
    account = _account_value(meta.get("account"))
    if account is None:
        missing.append("科目 account")
    if missing:
        return None, f"收费项目“{name}”缺少或写错：{'、'.join(missing)}"
    root, full = KINDS[kind][1], KINDS[kind][2]
    if not account.startswith(root):
        return None, f"收费项目“{name}”是{full}，科目应在 {root.rstrip(':')} 下，实际为 {account}"
    settlement = _text(meta, "settlement") or ("不结算" if kind != AGENCY_KIND else None)
    if settlement not in SETTLEMENTS or (kind == AGENCY_KIND and settlement == "不结算"):
        allowed = SETTLEMENTS[:2] if kind == AGENCY_KIND else SETTLEMENTS
        return None, (f"收费项目“{name}”的结算方式 settlement 应为 " + " / ".join(allowed)
                      + f"，实际为 {meta.get('settlement')!r}")
    return FeeItem(name, kind, standard.number, standard.currency, _text(meta, "unit"), scope,
                   _text(meta, "basis"), voluntary, settlement, account, entry.date, entry,
                   _text(meta, "provider") or "", _text(meta, "note") or ""), None


def record_month(value: Any) -> Month | None:
    """The month of a disclosure record, spelt exactly YYYY-MM (None otherwise)."""
    month = parse_month(value) if isinstance(value, str) else None
    return month if month is not None and month.text == value else None


def _parse_disclosure(entry: data.Custom, book) -> tuple[DisclosureRecord | None, str | None]:
    values = entry.values
    month = record_month(values[0].value) if values else None
    if month is None:
        return None, ('收费公示记录 custom "disclosure" 应写：公示的月份（如 "2025-12"）和公示的收费项目，'
                      '如 custom "disclosure" "2025-12" "作业本费" "教辅资料费"')
    names = [v.value for v in values[1:]]
    if not names or not all(isinstance(n, str) for n in names):
        return None, f"收费公示记录 {month.text} 没有列出公示的收费项目"
    unknown = [n for n in names if not any(i.since <= entry.date for i in book.definitions.get(n, ()))]
    if unknown:
        return None, f"收费公示记录列出的项目没有定义：{'、'.join(unknown)}"
    if entry.date < month.last:
        return None, (f"收费公示记录 {month.text} 的日期 {entry.date} 早于该月月末"
                      "（月末公示当月的收支）")
    return DisclosureRecord(entry.date, month.year, month.month, tuple(names), entry), None
