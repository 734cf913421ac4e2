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
    收付的分类（收取、支出、退费；哪个项目、哪种性质）只在学校模型 `xiaozhang.model.fees` 中定义一次，
    本规则、收费公示和月度支出报告共用（docs/disclosure.md 第 6 节）。

检查项与错误代码（适用于 `*` 和 `!` 交易）
    [FE01] 收费金额与标准不符：金额应为 标准 × 人数；缺少 `student` 和 `students`、无法核对时也报告。
    [FE02] 收费项目未定义：收款的项目在收款当日没有 `custom "fee"` 定义（“按规定应公示而未公示…
           不得收费”，收费项目须经批准）；或项目已定义、却记入了别的科目；或有学号的收款记入
           收入科目而 `item` 不是已定义的服务性收费项目。
    [FE03] 超出收费范围：收款的年级、班级不在该项目的范围内；范围不是全校而收款没有 `class`
           或 `grade`、无法核对时也报告。
    [FE04] 不同性质的收费混收：同一笔交易贷记了不同性质（行政事业性、服务性、代收）的收费项目，
           或不同性质的收款用了同一个票据号 `invoice`（票据不得串用）。
    [FE05] 收费未按期公示：某项目某月有收付（收费、支出、上缴、退费，服务性收费还包括写了该
           `item` 的费用），而到该月月末后 `disclosure-days` 天仍没有列出该项目的该月公示记录，
           或公示记录晚于期限。报告在该项目当月的第一笔收付上。没有公示记录的，期限早于评判日期即报告
           （默认今天；账本可用 custom "as-of" 指定，`xiaozhang check --as-of` 可临时指定，见
           docs/conventions.md）；公示晚于期限的，一经记入即报告。
           “收费公示”页面的公示情况（已公示、逾期公示、未公示（已逾期）、待公示）与本规则同一口径。
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

import datetime as dt
from bisect import bisect_right
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.fees import (COLLECTION, SERVICE, FeeBook, grade_name, kind_label,
                                  read_fees)  # noqa: F401  (read_fees: the model's reader)
from xiaozhang.model.index import own_meta

__plugins__ = ("validate_fees",)

_NO_META: dict = {}
# The usual collection's metadata, read in one call; it has none of `grade`, `topup`,
# `students` (tested key by key in `_collections`).
_USUAL = itemgetter("item", "student", "class", "invoice")


class FeeError(NamedTuple):
    source: dict
    message: str
    entry: Any



def _undefined_item(account: str, name: str) -> str:
    """FE02: a student's payment to an income account for an item that is not defined."""
    return (f"有学号的收款记入收入科目 {account}，而“{name}”"
            "不是已定义的收费项目（服务性收费须先定义并公示，方可收取）")

def validate_fees(entries, options_map, config=None):
    book = SchoolBooks.of(entries, options_map).fees  # the policy's problems: xiaozhang.plugins.policy
    errors = [FeeError(entry.meta, f"[FE06] {message}", entry) for entry, message in book.problems]
    # FE01–FE04.  Receipt numbers are first noted by kind (`_Numbers`): when no number is
    # used by two kinds of fee — always, in a ledger without FE04 reuse — no number needs
    # to be looked up as its transaction is finished; else the walk is repeated with the
    # exact first use of each number (`first_use`), so the errors are the same, in order.
    numbers = _Numbers()
    found = _collections(book, numbers)
    if numbers.crossed():
        found = _collections(book, {})
    errors += found
    for due in book.status:  # every month with movements of an item needs its disclosure
        if due.failing:
            late = f"，公示记录日期 {due.published} 晚于期限" if due.published else ""
            errors.append(FeeError(due.first.meta, (
                f"[FE05] {due.item} {due.year}年{due.month}月有收付，应于 {due.due} 前公示"
                f"（custom \"disclosure\" \"{due.period}\" \"{due.item}\"）{late}；"
                "按规定应公示而未公示的不得收费"), due.first))
    return entries, errors


def _collections(book: FeeBook, first_use: "dict | _Numbers") -> list[FeeError]:
    """FE01–FE04 of the collections, in order.  `first_use`: a dict, number -> the (kind,
    item) of its first use (FE04 checked as each transaction is finished), or `_Numbers`
    (the numbers only noted by kind; no FE04 reuse error is reported).

    One walk over the classifier's result (`FeeBook.classified`), in the order of the
    transactions: the usual collections (index positions) and, between them, the other
    collections, a transaction at a time (`_Transaction`).  A collection is checked once per
    (item, version of the item in force, account, class, grade, topup, student or head count)
    — `_Checks`.  The usual collection — the entry names `item`, `student`, `class` and
    `invoice` and none of `grade`, `topup`, `students`; its posting has no metadata of its own
    (`EntryIndex.credit_plain`) — is finished inline: its entry's metadata is read with one
    C-level call (`_USUAL`), its check is keyed by (item, version, account, class), its amount
    is the index's number, its date the index's day run; any other collection is read key by
    key, posting first, as the rule says.

    Developer note (speed, 2026-12-07): on the bench ledger (167,000 collections) the exact
    `first_use.setdefault` of every receipt number was a quarter of the rule's time; noting
    the numbers by kind and testing the kinds' sets for a common number once
    (`_Numbers.crossed`, C-level) costs a list append each.  Walking the index positions of
    the usual collections instead of a `FeePosting` per collection (built by the classifier,
    then read here) leaves out a tuple, a negated amount and the transaction's date per
    collection."""
    errors: list[FeeError] = []
    noting = type(first_use) is _Numbers
    outcomes = _Checks(book)
    general = _Transaction(book, outcomes, errors, first_use)
    # (name, account, class) -> (-the amount expected, the kind, the outcome) of the usual
    # collection while the items' versions in force stay the same (`FeeBook.version_dates`);
    # None as the amount: something is wrong (a problem), or nothing to compare quickly (no
    # amount, or zero: a zero number is no fee posting and is skipped on the slow path)
    short: dict[tuple, tuple] = {}
    changes = book.version_dates
    holds_until = None  # the first date on which `short` no longer holds (None: to the end)
    usual_keys = _USUAL
    found = book.classified
    index = book.index
    masks, transactions, numbers, plain = (index.masks, index.transactions, index.credit_numbers,
                                           index.credit_plain)
    end = len(index.masks)
    plans, others = found.plans, found.others
    at, count = 0, len(others)
    next_other = others[0][0] if others else end  # the position of the next other collection
    next_day = 0  # the position where the day after `date` starts
    edge = 0  # the smaller of the two: where the walk has something else to do first
    date = None
    last_kind = add = None
    for position in found.usual:
        if position >= edge:
            if position > next_other:  # the other collections before this one, in order
                at = general.walk(others, at, position)
                next_other = others[at][0] if at < count else end
            if position >= next_day:  # another day (the index's day runs)
                date, next_day = index.day_at(position)
                if holds_until is None or date >= holds_until:  # (first, or a version changed)
                    short.clear()
                    after = bisect_right(changes, date)
                    holds_until = changes[after] if after < len(changes) else dt.date.max
            edge = next_other if next_other < next_day else next_day
        number = numbers[position]  # (zero: no fee posting, tested where it matters)
        plan = plans[masks[position]]
        meta = transactions[position].meta
        try:
            item, student, class_name, invoice = usual_keys(meta)
        except KeyError:
            student = None
        if not student or not plain[position] or "grade" in meta or "topup" in meta \
                or "students" in meta:  # (key by key: a set's isdisjoint walks the dict)
            if number:
                general.check(transactions[position], [index.credits[position]], [(plan, -number)],
                              date)
            continue
        name = item or plan[1]
        checked = short.get((name, plan[0], class_name))
        if checked is None:
            version = outcomes.version(name, date)
            outcome = outcomes[(name, version, plan[0], class_name, None, False, True, None)]
            wanted = -outcome[2] if outcome[2] and not outcome[1] else None
            checked = (wanted, None if outcome[3] is None else outcome[3][0], outcome)
            if type(version) is int:  # (defined: the same outcome while the version holds; not
                short[(name, plan[0], class_name)] = checked  # defined: the date is in the message)
        if number != checked[0]:  # (a Decimal is never equal to None)
            if not number:
                continue
            kind, problems, want, pair, expected = checked[2]
            if problems or want is not None:
                amount = -number
                found_here = list(problems) if problems else [_wrong_amount(name, amount, *expected)]
                if kind is None:  # the item is not defined then
                    pair = (plan[2], name)
                _finish(errors, first_use, transactions[position], found_here, None, pair)
                continue
        kind = checked[1]  # (that of the outcome's (kind, item); None: none)
        if invoice and kind is not None:
            if noting:  # (`_Numbers.note`, inline; the last kind's list at hand)
                if kind is not last_kind:
                    last_kind = kind
                    group = first_use.get(last_kind)
                    if group is None:
                        group = first_use[last_kind] = []
                    add = group.append
                add(invoice)
            else:
                _receipt(errors, first_use, invoice, checked[2][3], transactions[position])
    general.walk(others, at, end)
    return errors


class _Transaction:
    """FE01–FE04 of one transaction's collections read key by key (the posting's metadata
    first, then its entry's): the collections that are not the usual one (`_collections`)."""

    def __init__(self, book: FeeBook, outcomes: "_Checks", errors: list, first_use) -> None:
        self.outcomes, self.errors, self.first_use = outcomes, errors, first_use

    def walk(self, others: list, at: int, until: int) -> int:
        """Check the collections of `others` from `at` whose transactions are before position
        `until`, a transaction at a time; the position in `others` after them."""
        count = len(others)
        while at < count and others[at][0] < until:
            position, fee = others[at]
            postings, plans = [], []
            while at < count and others[at][0] == position:
                fee = others[at][1]
                if fee[4] is COLLECTION or fee[4] == COLLECTION:  # role
                    postings.append(fee[1])
                    plans.append(((fee[1].account, fee[2], fee[3], fee[6]), fee[5]))
                at += 1
            if postings:
                self.check(fee[0], postings, plans, fee[0].date)
        return at

    def check(self, txn, postings: list, plans: list, date) -> None:
        """The collections of `txn`: its postings, and per posting ((account, item, kind,
        defined), amount); their problems, then the mixed kinds, then the receipt number."""
        found = kinds = first = None
        outcomes = self.outcomes
        for posting, ((account, item, kind_of_account, defined), amount) in zip(postings, plans):
            pmeta = posting.meta
            if own_meta(pmeta):
                get = _both(pmeta, txn.meta)  # the posting's own metadata first, then the entry's
            else:
                get = txn.meta.get
            name = get("item") or item
            if not defined and kind_of_account == SERVICE:  # a student's payment to an income account
                found = found or []
                found.append(("FE02*", _undefined_item(posting.account, name)))
                continue
            version = outcomes.version(name, date)
            if get("student"):
                key = (name, version, posting.account, get("class"), get("grade"),
                       get("topup") is True, True, None)
            else:
                key = (name, version, posting.account, get("class"), get("grade"),
                       get("topup") is True, False, get("students"))
            kind, problems, want, pair, expected = outcomes[key]
            if problems or (want is not None and amount != want):
                found = found or []
                if problems:
                    found += problems
                else:
                    found.append(_wrong_amount(name, amount, *expected))
                if kind is None:  # the item is not defined then
                    kind, pair = kind_of_account, (kind_of_account, name)
            if first is None:
                first = pair
            elif kind != first[0] and (kinds is None or kind not in kinds):
                if kinds is None:
                    kinds = {first[0]: first[1]}
                kinds[kind] = name
        _finish(self.errors, self.first_use, txn, found, kinds, first)


def _finish(errors, first_use, txn, found, kinds, first) -> None:
    """FE02–FE04 of a transaction once all its collections are seen: its problems (those of
    a student's payment to an income account first), then the mixed kinds; its receipt
    number, when it has one kind, is checked against the numbers used before (`_receipt`)."""
    for code, message in sorted(found or (), key=lambda f: f[0] != "FE02*"):
        errors.append(FeeError(txn.meta, f"[{code.rstrip('*')}] {message}", txn))
    if kinds is not None:  # more than one kind
        listed = "、".join(f"{name}（{kind_label(kind)}）" for kind, name in kinds.items())
        errors.append(FeeError(txn.meta, f"[FE04] 同一笔收款混收了不同性质的收费：{listed}；"
                                         "行政事业性收费、服务性收费、代收费应分开收取、分别开票", txn))
        return
    invoice = txn.meta.get("invoice")
    if invoice and first is not None:
        _receipt(errors, first_use, invoice, first, txn)


def _receipt(errors: list, first_use: dict, invoice, pair: tuple[str, str], txn) -> None:
    """FE04: a receipt number (票据号) used for one kind of fee and then for another.

    `first_use` maps each number (as text) to the (kind, item) of the first transaction of one
    kind that wrote it; the error goes after the transaction's other problems."""
    if type(first_use) is _Numbers:
        first_use.note(pair[0], invoice)
        return
    earlier = first_use.setdefault(invoice if type(invoice) is str else str(invoice), pair)
    if earlier[0] != pair[0]:
        _reused(errors, invoice, earlier, pair, txn)


def _reused(errors: list, invoice, earlier: tuple[str, str], pair: tuple[str, str], txn) -> None:
    kind, name = pair
    errors.append(FeeError(txn.meta, (
        f"[FE04] 票据号 {invoice} 已用于{kind_label(earlier[0])}（{earlier[1]}），"
        f"又用于{kind_label(kind)}（{name}）；不同性质的收费不得串用票据"), txn))


class _Numbers(dict):
    """The receipt numbers (票据号) written, by the kind of fee they were first used for in
    their transaction: kind -> list of numbers as written."""

    def note(self, kind: str, number) -> None:
        found = self.get(kind)
        if found is None:
            found = self[kind] = []
        found.append(number)

    def crossed(self) -> bool:
        """Whether a number (as text) was written for two kinds of fee (FE04 reuse).

        Only the numbers of the smaller kinds are put in a set; the largest kind's (the
        bench ledger's 120,000 代收 receipts) are only looked up in it.  Developer note
        (speed, 2026-12-08): a set of every number (and one per kind) took 16 MB of new
        memory at each load, about 4,000 page faults — 0.03–0.05 s of the rule's 0.25 s."""
        if len(self) < 2:
            return False
        groups = sorted(self.values(), key=len)
        seen: set = set()
        for group in groups[:-1]:
            if not seen.isdisjoint(map(str, group)):
                return True
            seen.update(map(str, group))
        return not seen.isdisjoint(map(str, groups[-1]))


def _both(first: dict, then: dict):
    """A `get` of `first`, else of `then` (a posting's metadata before its entry's)."""
    def get(key):
        return first.get(key) or then.get(key)
    return get


class _Checks(dict):
    """The outcome of `_check_collection` by (name, version, account, class, grade, topup,
    student, heads): (the kind, the problems, the amount expected, (kind, name), what FE01
    names).

    The version (`version(name, date)`) stands for the definitions of the item in force
    (`FeeBook.in_force`), the same for every date they are in force; when none is, it is the
    date (the problem names it)."""

    def __init__(self, book: FeeBook) -> None:
        super().__init__()
        self.book = book
        self.versions: dict[Any, tuple[list, Any]] = {}  # version -> (definitions, a date)

    def version(self, name: str, date) -> Any:
        definitions = self.book.in_force(name, date)
        version = id(definitions) if definitions else date
        self.versions.setdefault(version, (definitions, date))
        return version

    def __missing__(self, key: tuple) -> tuple:
        name, version, *rest = key
        definitions, date = self.versions[version]
        kind, problems, expected = _check_collection(self.book, definitions, name, date, *rest)
        outcome = self[key] = (kind, problems, None if expected is None else expected[0],
                               None if kind is None else (kind, name), expected)
        return outcome


def _check_collection(book: FeeBook, in_force, name, date, account, class_name, grade, topup,
                      student, heads) -> tuple[str | None, tuple[tuple[str, str], ...], tuple | None]:
    """FE02, FE03 and what FE01 compares, for a collection to `account` for item `name` on `date`
    (one student when `student`, else `heads`, the `students` written), `in_force` the item's
    definitions in force then: the kind of the item it names when defined, the problems as
    (code, message), and (the amount expected, the head count, the definition) when the amount
    is to be compared with the standard."""
    grade = grade_name(str(grade)) if grade else None
    if not in_force:
        defined = book.definitions.get(name)
        when = f"（自 {defined[0].since} 起才有定义）" if defined else ""
        return None, (("FE02", f"收费项目“{name}”在 {date} 没有定义{when}：收费项目须经批准、"
                               "写明标准和依据并公示后方可收取（custom \"fee\"）"),), None
    first = in_force[0]
    if first.account != account:
        return first.kind, (("FE02", f"收费项目“{name}”应记入 {first.account}，此笔记入 {account}"
                                     "（各项收费分别核算）"),), None
    item, inside = book.item_in(in_force, class_name, grade)
    if inside is None:
        scopes = "、".join(i.scope.text for i in in_force)
        return first.kind, (("FE03", f"无法核对收费范围：{name}的范围为 {scopes}，"
                                     "此笔没有班级 class 或年级 grade"),), None
    if not inside:
        scopes = "、".join(i.scope.text for i in in_force)
        return first.kind, (("FE03", f"{class_name or grade} 不在{name}的收费范围（{scopes}）内"),), None
    if topup:
        return item.kind, (), None
    count = 1 if student else None
    if count is None and isinstance(heads, Decimal) and heads == heads.to_integral_value() and heads > 0:
        count = int(heads)
    if count is None:
        return item.kind, (("FE01", f"无法核对{name}的收费标准：此笔收款没有学号 student 或人数 students"),), None
    return item.kind, (), (item.standard * count, count, item)


def _wrong_amount(name: str, amount: Decimal, expected: Decimal, count: int, item) -> tuple[str, str]:
    people = f"{count} 人 × " if count != 1 else ""
    return ("FE01", f"{name}收费 {amount} 元与标准不符：应为 {people}{item.standard} 元"
                    f"（{item.unit}，{item.basis}）")
