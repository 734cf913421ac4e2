"""录入凭证: the logic of the voucher entry page (reports/fava_ext/voucher.py is its thin page).

    Form.of(payload)          the filled form (the page's JSON) as a model
    account_choices(entries)  the opened accounts, each with its 科目编码 and Chinese names
    search_accounts(...)      the picker: accounts whose codes or names match what was typed
    next_voucher(entries, d)  the next 凭证号 of d's month (`记-2026-10-104`)
    draft(form, ...)          the form as a Beancount transaction (text) plus the form's own problems
    check_draft(...)          the ledger's files plus the draft through Beancount's real loader with
                              the ledger's plugins; the problems that point at the draft (and the new
                              ones the draft causes elsewhere), each mapped to the form field it concerns
    target_file(...)          (xiaozhang.layout) the month file of a date (`2026/10.beancount`), or main when
                              the ledger has no month files
    check(ledger, payload)    / save(ledger, payload): what the page's endpoints answer

Saving goes through Fava's own file API (`FavaLedger.file.get_source` / `set_source`) with its
change check: the page sends back the sha256 of the month file as the check read it, and
Fava refuses the write when the file changed in between. A month file that does not exist yet
is created (exclusively, never over an existing file) and, when no include covers it, the main
file gets one include line (again through `set_source`).

Metadata keys are the ledger's vocabulary (DOMAIN.md §4.1, docs/conventions.md §4): the form
labels them in Chinese only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from beancount.core import amount as bc_amount
from beancount.core import data
from beancount.parser import printer

from xiaozhang import chart
from xiaozhang.io import is_warning, load
from xiaozhang.layout import (LayoutRefused, included, month_layout, prepare_month_file,  # noqa: F401
                              relative_name, source_path, target_file, with_entry, with_include)
from xiaozhang.model.money import format_money, ledger_currency, yuan
from xiaozhang.plugins.approvals import COMPETITIVE, SIGNATURES
from xiaozhang.reports.compliance import problem_of

# -- the form ---------------------------------------------------------------------------------
KINDS: tuple[tuple[str, str], ...] = (("payment", "付款"), ("receipt", "收款"), ("transfer", "转账"))
KIND_NAMES = dict(KINDS)
# (metadata key, the form's label), in the order they are written under the transaction.
APPROVAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("handler", "经办人"),
    ("inspector", "验收人"),
    ("reviewer", "审核人"),
    ("approver", "审批人"),
    ("approved", "审批日期"),
    ("meeting", "会议"),
    ("procurement", "采购方式"),
    ("contract", "合同"),
    ("quotes", "报价"),
    ("invoice", "发票"),
    ("attachments", "附件数"),
)
FIELD_HINTS = {
    "handler": "经手人（不能同时是审批人、审核人、验收人）",
    "inspector": "物资、资产、工程须验收；多人用英文逗号分隔",
    "reviewer": "会计或总务主任",
    "approver": "一支笔审批人（一般为校长）",
    "approved": "不得晚于付款日期",
    "meeting": "三重一大集体决策会议纪要编号",
    "procurement": "",
    "contract": "合同号",
    "quotes": "比价家数（货比三家）",
    "invoice": "发票号或票据号",
    "attachments": "附件张数",
}
PROCUREMENT_METHODS = ("政府采购", "公开招标", "询价", "竞争性磋商", "框架协议", "自行采购")
DATE_KEYS = ("approved",)
INTEGER_KEYS = ("quotes", "attachments")
# Form fields that are not metadata.
HEAD_FIELDS: tuple[tuple[str, str], ...] = (
    ("kind", "凭证类型"), ("date", "日期"), ("voucher", "凭证号"), ("flag", "状态"),
    ("payee", "对方单位"), ("narration", "摘要"), ("lines", "分录"))
FLAGS = (("*", "已审批"), ("!", "待审批（暂缺手续）"))
# Starting rows per kind: (debit side?, hint) — only the layout, the accountant picks accounts.
KIND_ROWS = {
    "payment": (("debit", "费用、资产或应付款科目"), ("credit", "付款的资金科目")),
    "receipt": (("debit", "收款的资金科目"), ("credit", "收入或应缴、代收款科目")),
    "transfer": (("debit", ""), ("credit", "")),
}
VOUCHER_PREFIX = "记"
_VOUCHER = re.compile(r"^(?P<prefix>[^-\s]+)-(?P<year>\d{4})-(?P<month>\d{2})-(?P<number>\d+)$")
_LEADING_CODE = re.compile(r"^(\d+)(.*)$")
ROOT_NAMES = chart.ROOT_NAMES  # the chart's one naming of its roots


@dataclass
class Line:
    """One row of the postings table: an account and its debit (借方) or credit (贷方) amount."""

    account: str = ""
    debit: str = ""
    credit: str = ""


@dataclass
class Form:
    """The filled voucher form, as the page sends it (all values strings)."""

    kind: str = "payment"
    date: str = ""
    voucher: str = ""
    flag: str = "*"
    payee: str = ""
    narration: str = ""
    lines: list[Line] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, payload: Mapping[str, Any] | None) -> Form:
        payload = payload or {}

        def text(value: Any) -> str:
            return " ".join(str(value).split()) if value is not None else ""

        lines = [Line(text(row.get("account")), text(row.get("debit")), text(row.get("credit")))
                 for row in payload.get("lines") or () if isinstance(row, Mapping)]
        meta = payload.get("meta") or {}
        return cls(
            kind=text(payload.get("kind")) or "payment",
            date=text(payload.get("date")),
            voucher=text(payload.get("voucher")),
            flag=text(payload.get("flag")) or "*",
            payee=text(payload.get("payee")),
            narration=text(payload.get("narration")),
            lines=[line for line in lines if line.account or line.debit or line.credit],
            meta={key: text(meta.get(key)) for key, _ in APPROVAL_FIELDS
                  if isinstance(meta, Mapping) and text(meta.get(key))},
        )


@dataclass(frozen=True)
class Problem:
    """A problem of the draft, shown next to `field` (a form field: `approver`, `lines`, …;
    `form` for the whole voucher; `other` for a new problem of another entry)."""

    field: str
    message: str  # Chinese; a rule's message keeps its `[CODE] ` prefix
    code: str = ""
    warning: bool = False
    where: str = ""  # `2026/10.beancount:12` for a problem of another entry

    def as_json(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message, "code": self.code,
                "warning": self.warning, "where": self.where}


# -- accounts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AccountChoice:
    account: str  # `Expenses:5001业务活动费用:500102商品和服务费用:30201办公费`
    code: str  # the last component's 科目编码: `30201`
    name: str  # the last component's name: `办公费`
    path: str  # the Chinese names from the root: `费用／业务活动费用／商品和服务费用／办公费`
    codes: tuple[str, ...]  # every component's code
    description: str

    def as_json(self) -> dict[str, str]:
        return {"account": self.account, "code": self.code, "name": self.name, "path": self.path}


def _split(component: str) -> tuple[str, str]:
    match = _LEADING_CODE.match(component)
    return (match.group(1), match.group(2)) if match else ("", component)


def account_choice(account: str, description: str = "") -> AccountChoice:
    root, *rest = account.split(":")
    parts = [_split(component) for component in rest]
    code, name = parts[-1] if parts else ("", ROOT_NAMES.get(root, root))
    path = "／".join([ROOT_NAMES.get(root, root), *(n or c for c, n in parts)])
    return AccountChoice(account, code, name, path, tuple(c for c, _ in parts if c), description)


def account_choices(entries: Iterable[data.Directive]) -> list[AccountChoice]:
    """Every account opened and not closed in the ledger, in account order."""
    opened: dict[str, str] = {}
    closed: set[str] = set()
    for entry in entries:
        if isinstance(entry, data.Open):
            opened[entry.account] = str(entry.meta.get("description") or "")
        elif isinstance(entry, data.Close):
            closed.add(entry.account)
    return [account_choice(a, d) for a, d in sorted(opened.items()) if a not in closed]


def search_accounts(choices: Iterable[AccountChoice], query: str,
                    limit: int = 20) -> list[AccountChoice]:
    """The accounts matching every word typed: a 科目编码 (of any level) starting with it, or
    a name containing it. Leaf accounts whose own code or name matches come first."""
    words = query.split()
    if not words:
        return []

    def matches(choice: AccountChoice, word: str) -> bool:
        if word.isdigit():
            return any(c.startswith(word) for c in choice.codes)
        return word in choice.path or word.lower() in choice.account.lower()

    def rank(choice: AccountChoice) -> tuple:
        own = any(choice.code.startswith(w) or w in choice.name for w in words)
        return (not own, len(choice.codes), choice.account)

    found = [c for c in choices if all(matches(c, w) for w in words)]
    return sorted(found, key=rank)[:limit]


# -- voucher numbers --------------------------------------------------------------------------
def next_voucher(entries: Iterable[data.Directive], day: dt.date,
                 prefix: str = VOUCHER_PREFIX) -> str:
    """The next 凭证号 of `day`'s month: one more than the month's highest (`记-2026-10-104`)."""
    highest, width = 0, 3
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        match = _VOUCHER.match(str(entry.meta.get("voucher") or ""))
        if match and match["prefix"] == prefix and int(match["year"]) == day.year \
                and int(match["month"]) == day.month:
            highest = max(highest, int(match["number"]))
            width = max(width, len(match["number"]))
    return f"{prefix}-{day.year}-{day.month:02d}-{highest + 1:0{width}d}"


def voucher_used(entries: Iterable[data.Directive], number: str) -> data.Transaction | None:
    return next((e for e in entries if isinstance(e, data.Transaction)
                 and e.meta.get("voucher") == number), None)


# -- the draft --------------------------------------------------------------------------------
DRAFT_FILE = "<string>"  # what Beancount's loader names a source given as a string


@dataclass(frozen=True)
class Draft:
    """The form as a transaction: its entry and its text, or None and the form's problems."""

    entry: data.Transaction | None
    text: str
    problems: tuple[Problem, ...]


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_amount(value: str) -> Decimal | None:
    """`1,200.5` → 1200.50; None unless a positive number with at most two decimals."""
    try:
        number = Decimal(value.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number <= 0 or number != yuan(number):
        return None
    return yuan(number)


def draft(form: Form, choices: Iterable[AccountChoice], entries: Iterable[data.Directive],
          currency: str = "CNY") -> Draft:
    """Check what the form itself must satisfy and build the transaction (not yet the rules)."""
    problems: list[Problem] = []

    def problem(field_name: str, message: str) -> None:
        problems.append(Problem(field_name, message))

    if form.kind not in KIND_NAMES:
        problem("kind", "凭证类型只能是付款、收款或转账")
    day = parse_date(form.date)
    if day is None:
        problem("date", "请填写日期，格式如 2026-10-30")
    if form.flag not in dict(FLAGS):
        problem("flag", "状态只能是已审批或待审批")
    if not form.narration:
        problem("narration", "请填写摘要")
    if form.kind in ("payment", "receipt") and not form.payee:
        problem("payee", f"{KIND_NAMES[form.kind]}凭证请填写对方单位")
    entries = list(entries)
    number = form.voucher
    if day is not None and not number:
        number = next_voucher(entries, day)
    if number:
        used = voucher_used(entries, number)
        if used is not None:
            problem("voucher", f"凭证号 {number} 已被 {used.date} “{used.narration}”使用，"
                               f"下一个可用的是 {next_voucher(entries, day or used.date)}")
    meta: dict[str, Any] = {"voucher": number} if number else {}
    for key, label in APPROVAL_FIELDS:
        value = form.meta.get(key, "")
        if not value:
            continue
        if key in DATE_KEYS:
            parsed = parse_date(value)
            if parsed is None:
                problem(key, f"{label}应为日期，格式如 2026-10-28")
                continue
            meta[key] = parsed
        elif key in INTEGER_KEYS:
            if not (value.isascii() and value.isdigit()):
                problem(key, f"{label}应为整数")
                continue
            meta[key] = Decimal(int(value))
        elif key == "procurement" and value not in PROCUREMENT_METHODS:
            problem(key, f"采购方式只能是{'、'.join(PROCUREMENT_METHODS)}之一")
        else:
            meta[key] = value
    opened = {c.account for c in choices}
    postings = []
    debits = credits = Decimal(0)
    for index, line in enumerate(form.lines, start=1):
        where = f"lines.{index}"
        if not line.account:
            problem(where, f"第 {index} 行没有选择科目")
        elif line.account not in opened:
            problem(where, f"第 {index} 行的科目“{line.account}”未开设或已关闭，请从列表中选择")
        if bool(line.debit) == bool(line.credit):
            problem(where, f"第 {index} 行应只填借方金额或贷方金额中的一个")
            continue
        value = parse_amount(line.debit or line.credit)
        if value is None:
            problem(where, f"第 {index} 行的金额应为正数，最多两位小数")
            continue
        if line.debit:
            debits += value
        else:
            credits += value
        postings.append(data.Posting(line.account, bc_amount.Amount(
            value if line.debit else -value, currency), None, None, None, None))
    if len(form.lines) < 2:
        problem("lines", "至少要有一行借方和一行贷方")
    elif debits != credits:
        problem("lines", f"借方合计 {format_money(debits)} 元，贷方合计 {format_money(credits)} 元，借贷不平")
    if problems or day is None:
        return Draft(None, "", tuple(problems))
    entry = data.Transaction(data.new_metadata(DRAFT_FILE, 1, meta), day, form.flag,
                             form.payee or None, form.narration, frozenset(), frozenset(), postings)
    return Draft(entry, printer.format_entry(entry), ())



# -- the rules ------------------------------------------------------------------------------------
# The form field a rule's problem concerns (AP01 names its fields; unlisted codes: the postings).
RULE_FIELDS = {
    "AP02": "inspector", "AP03": "approver", "AP04": "meeting", "AP05": "procurement",
    "AP06": "quotes", "AP07": "approved", "AP08": "handler", "AP09": "payee", "AP10": "flag",
    "CT05": "payee", "CT06": "payee", "CT07": "inspector", "CT08": "invoice",
    "PL01": "form", "PL02": "form", "PL03": "form",
}
# Beancount's own checks, in Chinese (the page shows no English).
CORE_MESSAGES = (
    (re.compile(r"does not balance", re.I), "lines", "借贷不平衡"),
    (re.compile(r"(unknown|inactive|closed) account", re.I), "lines",
     "科目在该日期未开设或已关闭"),
    (re.compile(r"currenc", re.I), "lines", "币种不符合科目的规定"),
)


def load_with_draft(main_file: str, text: str):
    """The ledger's files plus `text`, through Beancount's real loader with the ledger's plugins
    (the options and plugins are the main file's; the draft is parsed as a string source)."""
    loaded = load(source_path(main_file), draft=text)  # the one load (xiaozhang.io)
    return loaded.entries, loaded.problems, loaded.options_map


def _key(error) -> tuple[str, int, str]:
    source = getattr(error, "source", None) or {}
    return (str(source.get("filename") or ""), int(source.get("lineno") or 0), str(error.message))


def rule_problems(errors: Iterable, base_errors: Iterable, entry: data.Transaction,
                  relative: Any = str) -> list[Problem]:
    """The problems of a load with the draft that point at the draft, each at its field, then
    the new problems of other entries (not among `base_errors`, the ledger's own problems)."""
    known = {_key(e) for e in base_errors}
    found: list[Problem] = []
    for error in errors:
        parsed = problem_of(error)
        warning = is_warning(error)
        if parsed.filename != DRAFT_FILE:
            if _key(error) not in known:
                where = f"{relative(parsed.filename)}:{parsed.lineno}" if parsed.filename else ""
                message = f"[{parsed.code}] {parsed.message}" if parsed.code else parsed.message
                found.append(Problem("other", _chinese(message), parsed.code, warning, where))
            continue
        if not parsed.code:  # Beancount's own: placed by its English text, worded in Chinese
            found.extend(Problem(f, m, "", warning) for f, m in _core(str(error.message), parsed.message))
            continue
        message = f"[{parsed.code}] {parsed.message}"
        for field_name in _fields(parsed.code, parsed.message, entry):
            found.append(Problem(field_name, message, parsed.code, warning))
    return found


def _fields(code: str, message: str, entry: data.Transaction) -> list[str]:
    if code == "AP01":
        return [key for key, label in SIGNATURES if label in message] or ["approver"]
    if code == "AP05":
        return ["contract" if entry.meta.get("procurement") in COMPETITIVE else "procurement"]
    return [RULE_FIELDS.get(code, "lines")]


def _core(original: str, worded: str) -> list[tuple[str, str]]:
    """The field and message of one of Beancount's own problems: `original` is its English
    text, `worded` the Chinese wording of xiaozhang.messages (used when no field fits)."""
    for pattern, field_name, chinese in CORE_MESSAGES:
        if pattern.search(original):
            return [(field_name, chinese)]
    return [("form", _chinese(worded))]


def _chinese(message: str) -> str:
    """A message with no Chinese in it is one of Beancount's own: say so in Chinese."""
    if re.search(r"[\u4e00-\u9fff]", message):
        return message
    for pattern, _field, chinese in CORE_MESSAGES:
        if pattern.search(message):
            return chinese
    return "账本自身的检查未通过（详见 Fava 的错误页）"


def check_draft(main_file: str, text: str, entry: data.Transaction, base_errors: Iterable,
                relative: Any = str) -> list[Problem]:
    _entries, errors, _options = load_with_draft(main_file, text)
    return rule_problems(errors, base_errors, entry, relative)


# -- where it goes: the ledger's layout (xiaozhang.layout) ------------------------------------------


# -- the page's answers ---------------------------------------------------------------------------
class SaveRefused(Exception):
    """Saving was refused; the message is for the accountant (Chinese)."""


def _sha_of(ledger, path: Path) -> str:
    """The sha256 of a ledger file as Fava reads it; "" for a month file not written yet."""
    if not path.exists() or not _included(ledger, path):
        return ""
    return ledger.file.get_source(path)[1]


def _relative(ledger, filename: str) -> str:
    return relative_name(ledger.beancount_file_path, filename)


_included = included


def form_defaults(ledger, today: dt.date | None = None) -> dict[str, Any]:
    """What the empty form shows: today's date and its proposed 凭证号."""
    day = today or dt.date.today()
    return {"date": day.isoformat(), "voucher": next_voucher(ledger.all_entries, day)}


def currency(ledger) -> str:
    return ledger_currency(ledger.options)


def check(ledger, payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """The page's check: the draft's text, its problems (by field), where it would be saved and
    that file's sha256 as read now (the change check of the save)."""
    form = Form.of(payload)
    choices = account_choices(ledger.all_entries)
    made = draft(form, choices, ledger.all_entries, currency(ledger))
    if made.entry is None:
        return {"ok": False, "problems": [p.as_json() for p in made.problems], "text": ""}
    problems = check_draft(ledger.beancount_file_path, made.text, made.entry, ledger.errors,
                           lambda f: _relative(ledger, f))
    target = target_file(ledger.beancount_file_path, ledger.options["include"], made.entry.date)
    return {
        "ok": not any(not p.warning for p in problems),
        "problems": [p.as_json() for p in problems],
        "text": made.text,
        "voucher": made.entry.meta["voucher"],
        "file": _relative(ledger, str(target)),
        "sha256": _sha_of(ledger, target),
    }


def save(ledger, payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check again and, when the draft is clean, write it into its month file with Fava's
    `set_source` (refused when the file changed since the check read it: `sha256`)."""
    from fava.core.file import ExternallyChangedError

    payload = payload or {}
    checked = check(ledger, payload.get("form"))
    if not checked["ok"]:
        return {**checked, "saved": False}
    if "sha256" not in payload:  # the change check needs the file as the check read it
        return {**checked, "ok": False, "saved": False,
                "problems": [Problem("form", "请先检查，再保存").as_json()]}
    main = source_path(ledger.beancount_file_path)
    target = target_file(str(main), ledger.options["include"], parse_date(checked["text"][:10]))
    expected = str(payload.get("sha256") or "")
    try:
        if expected and expected != checked["sha256"]:
            raise ExternallyChangedError(target)
        sha = _prepare(ledger, target, main, expected)
        source, _ = ledger.file.get_source(target)
        ledger.file.set_source(target, with_entry(source, checked["text"]), sha)
    except ExternallyChangedError:
        return {**checked, "ok": False, "saved": False, "problems": [Problem(
            "form", f"{checked['file']} 在检查之后被修改过（可能有人同时在记账），"
                    "请重新检查后再保存").as_json()]}
    except SaveRefused as refused:
        return {**checked, "ok": False, "saved": False,
                "problems": [Problem("form", str(refused)).as_json()]}
    date = parse_date(Form.of(payload.get("form")).date) or dt.date.today()
    return {**checked, "saved": True, "next": next_voucher(ledger.all_entries, date)}


def _prepare(ledger, target: Path, main: Path, expected: str) -> str:
    """Make `target` a source file of the ledger (xiaozhang.layout.prepare_month_file: created
    and included when the layout needs them) and return its sha256 for `set_source`."""
    try:
        created = prepare_month_file(ledger, target)
    except LayoutRefused as refused:
        raise SaveRefused(str(refused)) from refused
    if not created and not expected:
        raise SaveRefused(f"{_relative(ledger, str(target))} 在检查之后才建立，请重新检查后再保存")
    return expected if not created else ledger.file.get_source(target)[1]
