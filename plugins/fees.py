"""收费项目与收费公示：只收已定义的项目，按标准、在范围内收取，性质不混收，按月公示。

收费项目（写在 ledger/policy.beancount，按日期生效）
    2025-08-25 custom "fee" "教辅资料费" "代收" 34.50 CNY
      unit: "元/生·学期"                        ; 计费单位
      scope: "三年级,四年级"                    ; 收费范围："全校"，或年级、班级（逗号分隔）
      basis: "青禾市发展和改革委员会 青发改收费〔2025〕18号"   ; 收费依据（批准机关及文号）
      voluntary: TRUE                           ; 是否自愿
      settlement: "多退少不补"                  ; 结算方式：多退少不补 / 多退少补 / 不结算
      account: "Liabilities:2307其他应付款:230701代收费:02教辅资料费"
      provider: "青禾市教育图书发行站"            ; 提供方（代收费，可不写）
      note: "家长自愿订购，不订购的不收"          ; 说明（公示时列出，可不写）
    取值依次为：项目名称、性质、收费标准。性质为 "行政事业性"（非税收入，记 2103 应缴财政款）、
    "服务性"（学校收入，记 Income 收入科目）或 "代收"（记 2307…230701 代收费）；科目须与性质相符。
    同一项目按年级定不同标准时，写几条同名指令、范围互不重叠（同一项目用同一个科目）。
    同名同范围的指令在以后日期重写，即从该日起按新标准执行。代收费须写结算方式（多退少不补或
    多退少补）；行政事业性收费和服务性收费按标准收取，一般为 "不结算"（不写时默认）。

收费公示记录（写在公示当月的账目文件）
    2026-01-10 custom "disclosure" "2025-12" "作业本费" "教辅资料费" "课后服务费" "住宿费"
    取值依次为：公示的月份（YYYY-MM）、公示的收费项目。指令日期是公示日期（张贴、发家长群的日期）。
    `xiaozhang report disclosure --period 2025-12` 生成公示文件，并打印这一行供会计加入账本。

收款的识别
    贷记某收费项目的科目，或贷记 230701 代收费下的任何科目，或有学号 `student` 的交易贷记 2103
    应缴财政款下的科目，都是一笔收费。项目名称取交易（或该条分录）的 `item`，没有时取科目对应
    的项目。收费的年级、班级取 `grade`、`class`（如 `三(2)班`，所属年级为 `三年级`）。
    每笔收款按人计：有 `student`（学号）为 1 人，有 `students` 为该人数。多退少补的补缴款写
    `topup: TRUE`（不按标准核对）。

检查项与错误代码（适用于 `*` 和 `!` 交易）
    [FE01] 收费金额与标准不符：金额应为 标准 × 人数；缺少 `student` 和 `students`、无法核对时也报告。
    [FE02] 收费项目未定义：收款的项目在收款当日没有 `custom "fee"` 定义（“按规定应公示而未公示…
           不得收费”，收费项目须经批准）；或项目已定义、却记入了别的科目；或有学号的收款记入
           收入科目而 `item` 不是已定义的服务性收费项目。
    [FE03] 超出收费范围：收款的年级、班级不在该项目的范围内；范围不是全校而收款没有 `class`
           或 `grade`、无法核对时也报告。
    [FE04] 不同性质的收费混收：同一笔交易贷记了不同性质（行政事业性、服务性、代收）的收费项目，
           或不同性质的收款用了同一个票据号 `invoice`（票据不得串用）。
    [FE05] 收费未按期公示：某项目某月有收付（收费、支出、上缴、退费），而到该月月末后
           `disclosure-days` 天仍没有列出该项目的该月公示记录（或公示晚于期限）。报告在该项目
           当月的第一笔收付上；检查截至账本最后一笔交易的日期。
    [FE06] 收费项目或公示记录格式不对：缺少或写错字段、性质与科目不符、同名项目范围重叠或科目
           不一致、公示的月份或项目不对、公示日期早于该月月末。

依据
    “收费公示…按章收费，禁止乱收费，实行财务公开”（001）；“学期末，学生教辅资料费、作业本费……
    等代办费开支情况及时印发清单，向每个学生家长公示”（002）；“本学期学校按规定只收取了学生作业本费
    15元”（002）；《教育收费公示制度》：公示收费项目、标准、依据、范围、计费单位、投诉电话，
    “按规定应公示而未公示的，不得收费”；服务性收费、代收费不得与行政事业性收费一并收取，票据不得串用。

配置
    2025-08-25 custom "policy" "disclosure-days" 15     ; 月末后 15 天内公示（默认 15）

例
    通过：上面的定义；2025-09-03 收三(2)班学生 34.50 元（`student`、`class: "三(2)班"`、
    `item: "教辅资料费"`），2025-10-10 有 "2025-09" 列出教辅资料费的公示记录。
    不通过：收 40.00 元 → [FE01]；`class: "一(2)班"` → [FE03]；`item: "校服费"` → [FE02]；
    2025-10-20 才公示 → [FE05]。
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import account as account_lib, data
from beancount.core.amount import Amount

from xiaozhang.model.books import SchoolBooks


__plugins__ = ("validate_fees",)

TREASURY = "Liabilities:2103"
AGENCY = "Liabilities:2307其他应付款:230701"
INCOME = "Income:"
# kind -> (accepted spellings, the account root its items are kept under, the full name)
KINDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "行政事业性": (("行政事业性", "行政事业性收费"), TREASURY, "行政事业性收费"),
    "服务性": (("服务性", "服务性收费"), INCOME, "服务性收费"),
    "代收": (("代收", "代收费"), AGENCY, "代收费"),
}
SETTLEMENTS = ("多退少不补", "多退少补", "不结算")
WHOLE_SCHOOL = "全校"
_CODE = re.compile(r"^\d+")
_CLASS = re.compile(r"^(.+?)[（(]\s*\d+\s*[)）]\s*班$")
_SPLIT = re.compile(r"[,，、;；\s]+")
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class FeeError(NamedTuple):
    source: dict
    message: str
    entry: Any


def kind_of(text: Any) -> str | None:
    """"代收" for "代收" or "代收费"; None when not a kind."""
    for kind, (spellings, _root, _full) in KINDS.items():
        if text in spellings:
            return kind
    return None


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


def item_name(account: str) -> str:
    """`作业本费` for `Liabilities:2307其他应付款:230701代收费:01作业本费`."""
    return _CODE.sub("", account.rsplit(":", 1)[-1])


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: Any) -> tuple[int, int] | None:
    """(2025, 12) for "2025-12"; None when malformed."""
    match = _PERIOD.match(str(text))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return int(match.group(1)), int(match.group(2))


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
        return KINDS[self.kind][2]


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
        return f"{self.year}-{self.month:02d}"


@dataclass
class FeeBook:
    """The fee items and disclosure records of a ledger, as they stood on each date."""

    definitions: dict[str, list[FeeItem]] = field(default_factory=dict)  # by name, by date
    accounts: dict[str, str] = field(default_factory=dict)  # account -> item name
    disclosures: list[DisclosureRecord] = field(default_factory=list)

    def in_force(self, name: str, date: dt.date) -> list[FeeItem]:
        """The definitions of the item in force on the date, one per scope."""
        latest: dict[str, FeeItem] = {}
        for item in self.definitions.get(name, ()):
            if item.since <= date:
                latest[item.scope.text] = item
        return list(latest.values())

    def item_for(self, name: str, date: dt.date, class_name: str | None,
                 grade: str | None) -> tuple[FeeItem | None, bool | None]:
        """The definition that applies to a student, and whether the student is in scope
        (None: the item has several scopes and the entry does not say the class/grade)."""
        found = self.in_force(name, date)
        unknown = False
        for item in found:
            inside = item.scope.contains(class_name, grade)
            if inside:
                return item, True
            unknown = unknown or inside is None
        return None, None if unknown else False

    def kind(self, name: str) -> str | None:
        items = self.definitions.get(name)
        return items[0].kind if items else None

    def names(self) -> list[str]:
        return list(self.definitions)


def _text(meta: dict, key: str) -> str | None:
    value = meta.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _account_value(value: Any) -> str | None:
    if isinstance(value, str) and account_lib.is_valid(value):
        return value
    return None


def read_fees(entries: list) -> tuple[FeeBook, list[FeeError]]:
    """Collect the fee items and disclosure records; report every malformed one ([FE06])."""
    book = FeeBook()
    errors: list[FeeError] = []

    def bad(entry, message):
        errors.append(FeeError(entry.meta, f"[FE06] {message}", entry))

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
            same_name.append(item)
            book.accounts[item.account] = item.name
        elif entry.type == "disclosure":
            record, problem = _parse_disclosure(entry, book)
            if problem:
                bad(entry, problem)
                continue
            book.disclosures.append(record)
    return book, errors


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
    settlement = _text(meta, "settlement") or ("不结算" if kind != "代收" else None)
    if settlement not in SETTLEMENTS or (kind == "代收" and settlement == "不结算"):
        allowed = SETTLEMENTS[:2] if kind == "代收" else SETTLEMENTS
        return None, (f"收费项目“{name}”的结算方式 settlement 应为 " + " / ".join(allowed)
                      + f"，实际为 {meta.get('settlement')!r}")
    return FeeItem(name, kind, standard.number, standard.currency, _text(meta, "unit"), scope,
                   _text(meta, "basis"), voluntary, settlement, account, entry.date, entry,
                   _text(meta, "provider") or "", _text(meta, "note") or ""), None


def _parse_disclosure(entry: data.Custom, book: FeeBook) -> tuple[DisclosureRecord | None, str | None]:
    values = entry.values
    period = parse_period(values[0].value) if values else None
    if period is None:
        return None, ('收费公示记录 custom "disclosure" 应写：公示的月份（如 "2025-12"）和公示的收费项目，'
                      '如 custom "disclosure" "2025-12" "作业本费" "教辅资料费"')
    names = [v.value for v in values[1:]]
    if not names or not all(isinstance(n, str) for n in names):
        return None, f"收费公示记录 {period[0]}-{period[1]:02d} 没有列出公示的收费项目"
    unknown = [n for n in names if not any(i.since <= entry.date for i in book.definitions.get(n, ()))]
    if unknown:
        return None, f"收费公示记录列出的项目没有定义：{'、'.join(unknown)}"
    if entry.date < month_end(*period):
        return None, (f"收费公示记录 {period[0]}-{period[1]:02d} 的日期 {entry.date} 早于该月月末"
                      "（月末公示当月的收支）")
    return DisclosureRecord(entry.date, period[0], period[1], tuple(names), entry), None


class Collection(NamedTuple):
    """One credit to a fee item: what the rules check and the disclosure counts."""

    name: str
    posting: data.Posting


def collections(txn: data.Transaction, book: FeeBook) -> tuple[list[Collection], list[str]]:
    """The fee collections of a transaction, and the FE02 problems of unknown service fees."""
    found, problems = [], []
    has_student = "student" in txn.meta
    for posting in txn.postings:
        number = posting.units.number
        if number is None or number >= 0:
            continue
        account = posting.account
        named = (posting.meta or {}).get("item") or txn.meta.get("item")
        if account in book.accounts:
            found.append(Collection(named or book.accounts[account], posting))
        elif account.startswith(AGENCY) or (has_student and account.startswith(TREASURY)):
            found.append(Collection(named or item_name(account), posting))
        elif has_student and named and account.startswith(INCOME) and named not in book.definitions:
            problems.append(f"有学号的收款记入收入科目 {account}，而“{named}”不是已定义的收费项目"
                            "（服务性收费须先定义并公示，方可收取）")
    return found, problems


def validate_fees(entries, options_map, config=None):
    policy = SchoolBooks.of(entries, options_map).policy  # its problems: xiaozhang.plugins.policy
    book, errors = read_fees(entries)

    def report(entry, code, message):
        errors.append(FeeError(entry.meta, f"[{code}] {message}", entry))

    invoices: dict[str, tuple[str, str]] = {}  # 票据号 -> (kind, item)
    last_date = None
    for txn in entries:
        if not isinstance(txn, data.Transaction):
            continue
        last_date = txn.date
        found, problems = collections(txn, book)
        for problem in problems:
            report(txn, "FE02", problem)
        if not found:
            continue
        kinds: dict[str, str] = {}
        for name, posting in found:
            kind = _check_collection(txn, name, posting, book, report)
            kinds.setdefault(kind or _kind_by_account(posting.account), name)
        if len(kinds) > 1:
            listed = "、".join(f"{name}（{KINDS[kind][2]}）" for kind, name in kinds.items())
            report(txn, "FE04", f"同一笔收款混收了不同性质的收费：{listed}；行政事业性收费、服务性收费、"
                                "代收费应分开收取、分别开票")
            continue
        invoice = txn.meta.get("invoice")
        if invoice:
            kind, name = next(iter(kinds.items()))
            earlier = invoices.setdefault(str(invoice), (kind, name))
            if earlier[0] != kind:
                report(txn, "FE04", f"票据号 {invoice} 已用于{KINDS[earlier[0]][2]}（{earlier[1]}），"
                                    f"又用于{KINDS[kind][2]}（{name}）；不同性质的收费不得串用票据")
    if last_date is not None:  # every movement of a fee item needs the month's disclosure
        _check_disclosed(movements(entries, book), book, policy, last_date, report)
    return entries, errors


def _kind_by_account(account: str) -> str:
    if account.startswith(AGENCY):
        return "代收"
    return "行政事业性" if account.startswith(TREASURY) else "服务性"


def _check_collection(txn, name, posting, book: FeeBook, report) -> str | None:
    """FE01-FE03 for one collection posting; returns the item's kind when it is defined."""
    meta = posting.meta or {}
    class_name = meta.get("class") or txn.meta.get("class")
    grade = meta.get("grade") or txn.meta.get("grade")
    grade = grade_name(str(grade)) if grade else None
    in_force = book.in_force(name, txn.date)
    if not in_force:
        defined = book.definitions.get(name)
        when = f"（自 {defined[0].since} 起才有定义）" if defined else ""
        report(txn, "FE02", f"收费项目“{name}”在 {txn.date} 没有定义{when}：收费项目须经批准、"
                            "写明标准和依据并公示后方可收取（custom \"fee\"）")
        return None
    first = in_force[0]
    if first.account != posting.account:
        report(txn, "FE02", f"收费项目“{name}”应记入 {first.account}，此笔记入 {posting.account}"
                            "（各项收费分别核算）")
        return first.kind
    item, inside = book.item_for(name, txn.date, class_name, grade)
    if inside is None:
        scopes = "、".join(i.scope.text for i in in_force)
        report(txn, "FE03", f"无法核对收费范围：{name}的范围为 {scopes}，此笔没有班级 class 或年级 grade")
        return first.kind
    if not inside:
        scopes = "、".join(i.scope.text for i in in_force)
        who = class_name or grade
        report(txn, "FE03", f"{who} 不在{name}的收费范围（{scopes}）内")
        return first.kind
    if meta.get("topup") is True or txn.meta.get("topup") is True:
        return item.kind
    count = 1 if (meta.get("student") or txn.meta.get("student")) else None
    students = meta.get("students", txn.meta.get("students"))
    if count is None and isinstance(students, Decimal) and students == students.to_integral_value() \
            and students > 0:
        count = int(students)
    if count is None:
        report(txn, "FE01", f"无法核对{name}的收费标准：此笔收款没有学号 student 或人数 students")
        return item.kind
    expected = item.standard * count
    amount = -posting.units.number
    if amount != expected:
        people = f"{count} 人 × " if count != 1 else ""
        report(txn, "FE01", f"{name}收费 {amount} 元与标准不符：应为 {people}{item.standard} 元"
                            f"（{item.unit}，{item.basis}）")
    return item.kind


class DueDisclosure(NamedTuple):
    """One item's month with movements, and its disclosure (FE05; the Fava page's list)."""

    item: str
    year: int
    month: int
    first: data.Transaction  # the item's first movement that month
    due: dt.date  # month end + disclosure-days
    published: dt.date | None  # the earliest disclosure record of that month listing the item

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def late(self) -> bool:
        return self.published is not None and self.published > self.due


def disclosure_status(activity: dict, book: FeeBook, policy) -> list[DueDisclosure]:
    """For each (item, month) with movements (`movements`), when it was due and published."""
    published: dict[tuple[str, int, int], dt.date] = {}
    for record in book.disclosures:
        for name in record.items:
            key = (name, record.year, record.month)
            published[key] = min(record.date, published.get(key, record.date))
    result = []
    for (name, year, month), first in activity.items():
        end = month_end(year, month)
        due = end + dt.timedelta(days=policy.get("disclosure-days", end))
        result.append(DueDisclosure(name, year, month, first, due, published.get((name, year, month))))
    return result


def movements(entries, book: FeeBook) -> dict[tuple[str, int, int], data.Transaction]:
    """(item, year, month) -> the first transaction moving the item that month: a posting to
    the item's account, or (服务性收费) an expense posting tagged with the item."""
    service_items = {name for name in book.definitions if book.kind(name) == "服务性"}
    activity: dict[tuple[str, int, int], data.Transaction] = {}
    for txn in entries:
        if not isinstance(txn, data.Transaction):
            continue
        for posting in txn.postings:
            name = book.accounts.get(posting.account)
            if name is None and posting.account.startswith("Expenses:") and service_items:
                tagged = (posting.meta or {}).get("item") or txn.meta.get("item")
                name = tagged if tagged in service_items else None
            if name is not None:
                activity.setdefault((name, txn.date.year, txn.date.month), txn)
    return activity


def _check_disclosed(activity, book: FeeBook, policy, last_date: dt.date, report) -> None:
    for due in disclosure_status(activity, book, policy):
        if not due.due < last_date or (due.published is not None and not due.late):
            continue
        late = f"，公示记录日期 {due.published} 晚于期限" if due.published else ""
        report(due.first, "FE05", f"{due.item} {due.year}年{due.month}月有收付，应于 {due.due} 前公示"
                                  f"（custom \"disclosure\" \"{due.period}\" \"{due.item}\"）{late}；"
                                  "按规定应公示而未公示的不得收费")
