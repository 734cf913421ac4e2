"""Categorisation rules: which account takes the other side of an imported bank row.

A rules file is TOML (docs/import.md has the manual), one `[[rule]]` table per rule, tried in
order; the first rule whose every condition holds wins:

    [[rule]]
    name = "上缴非税收入"
    counterparty = "财政集中支付中心|财政局"   # regular expression searched in 对方户名
    memo = "上缴|解缴"                        # searched in 摘要/用途/附言
    direction = "out"                          # "in" 收入 / "out" 支出 (optional)
    account = "2103"                           # chart code or full account name
    meta = { item = "住宿费" }                 # extra metadata on the transaction

Conditions: `counterparty`, `counterparty_account`, `memo` (regular expressions),
`direction`, `min_amount`, `max_amount` (inclusive, absolute value), `bank` (the ledger
account of the statement, code or full name).  What no rule matches is booked `!` against
`chart.SUSPENSE` and listed at the end of the run: never guessed.

A bad rules file is reported with the rule's number and what to fix, never raised as a
traceback.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from xiaozhang.chart import CHART

DEFAULT_RULES = Path(__file__).with_name("default_rules.toml")
_ROOTS = ("Assets:", "Liabilities:", "Equity:", "Income:", "Expenses:")
_KEYS = {"name", "counterparty", "counterparty_account", "memo", "direction", "min_amount",
         "max_amount", "bank", "account", "meta", "narration"}


class RulesError(ValueError):
    """The rules file is wrong; the message (Chinese) says where and what to fix."""


def resolve_account(value: str, accounts=()) -> str | None:
    """A full account name, or a 科目编码 (`30206`, `2103`, `230701`) looked up among
    `accounts` (the ledger's open accounts) or, without a ledger, the example chart.
    With a ledger, a full name must be one of its accounts."""
    value = value.strip()
    known = list(accounts) or [d.account for d in CHART]
    if value.startswith(_ROOTS):
        return value if not accounts or value in accounts else None
    if not value.isdigit():
        return None
    for account in known:
        last = account.rsplit(":", 1)[-1]
        if last.startswith(value) and not last[len(value):len(value) + 1].isdigit():
            return account
    return None


@dataclass(frozen=True)
class Rule:
    number: int
    name: str
    account: str
    counterparty: re.Pattern | None = None
    counterparty_account: re.Pattern | None = None
    memo: re.Pattern | None = None
    direction: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    bank: str | None = None
    meta: tuple[tuple[str, object], ...] = ()
    narration: str | None = None

    def matches(self, counterparty: str, counterparty_account: str, memo: str,
                amount: Decimal, bank: str) -> bool:
        if self.direction is not None and (amount > 0) != (self.direction == "in"):
            return False
        size = abs(amount)
        if self.min_amount is not None and size < self.min_amount:
            return False
        if self.max_amount is not None and size > self.max_amount:
            return False
        if self.bank is not None and not bank.startswith(self.bank):
            return False
        if self.counterparty is not None and not self.counterparty.search(counterparty):
            return False
        if self.counterparty_account is not None and not self.counterparty_account.search(counterparty_account):
            return False
        if self.memo is not None and not self.memo.search(memo):
            return False
        return True


class Rules:
    """An ordered rule list with a cache: statements repeat counterparties and memos."""

    def __init__(self, rules: list[Rule], source: str = ""):
        self.rules = rules
        self.source = source
        self._cache: dict[tuple, Rule | None] = {}
        self._amount_free = all(r.min_amount is None and r.max_amount is None for r in rules)

    def match(self, counterparty: str, counterparty_account: str, memo: str, amount: Decimal,
              bank: str) -> Rule | None:
        key = (counterparty, counterparty_account, memo, amount > 0 if self._amount_free else amount, bank)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = None
        for rule in self.rules:
            if rule.matches(counterparty, counterparty_account, memo, amount, bank):
                found = rule
                break
        if len(self._cache) < 100_000:
            self._cache[key] = found
        return found


def _pattern(number: int, key: str, value) -> re.Pattern | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise RulesError(f"第 {number} 条规则：{key} 应为非空文本（正则表达式）")
    try:
        return re.compile(value)
    except re.error as error:
        raise RulesError(f"第 {number} 条规则：{key} “{value}”不是有效的正则表达式（{error}）") from None


def _amount(number: int, key: str, value) -> Decimal | None:
    if value is None:
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        result = None
    if result is None or not result.is_finite() or isinstance(value, bool):
        raise RulesError(f"第 {number} 条规则：{key} 应为金额数字，如 1000 或 1000.50")
    return result


def parse_rules(text: str, source: str = "<规则>", accounts=(), lenient: bool = False) -> Rules:
    """The rules of a TOML text; `lenient` (the built-in rules) drops a rule whose account the
    ledger does not open instead of refusing the file."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(f"{source}: 不是有效的 TOML（{error}）") from None
    items = document.get("rule", [])
    unknown_top = set(document) - {"rule"}
    if unknown_top or not isinstance(items, list):
        raise RulesError(f"{source}: 只能包含 [[rule]] 表，发现 {', '.join(sorted(unknown_top)) or 'rule'}")
    rules = []
    for number, item in enumerate(items, 1):
        try:
            rules.append(_rule(number, item, accounts))
        except RulesError as error:
            if lenient and "找不到" in str(error):
                continue
            raise RulesError(f"{source}: {error}") from None
    return Rules(rules, source)


def _rule(number: int, item: dict, accounts) -> Rule:
    unknown = set(item) - _KEYS
    if unknown:
        raise RulesError(f"第 {number} 条规则：不认识的键 {', '.join(sorted(unknown))}"
                         f"（可用：{', '.join(sorted(_KEYS))}）")
    account_text = item.get("account")
    if not isinstance(account_text, str):
        raise RulesError(f"第 {number} 条规则：缺少 account（科目编码如 30206，或完整科目名）")
    account = resolve_account(account_text, accounts)
    if account is None:
        raise RulesError(f"第 {number} 条规则：科目“{account_text}”在{'账本' if accounts else '科目表'}中找不到"
                         "（写科目编码如 30206，或账本中已开立的完整科目名）")
    direction = item.get("direction")
    if direction not in (None, "in", "out"):
        raise RulesError(f"第 {number} 条规则：direction 只能是 \"in\"（收入）或 \"out\"（支出）")
    bank = item.get("bank")
    if bank is not None:
        resolved = resolve_account(str(bank), accounts)
        if resolved is None:
            raise RulesError(f"第 {number} 条规则：bank“{bank}”在{'账本' if accounts else '科目表'}中找不到")
        bank = resolved
    meta = item.get("meta", {})
    if not isinstance(meta, dict) or not all(re.fullmatch(r"[a-z][a-z0-9_-]*", k) for k in meta):
        raise RulesError(f"第 {number} 条规则：meta 应为 {{ 键 = 值 }}，键用小写英文（如 item、project）")
    for key, value in meta.items():
        if not isinstance(value, (str, int, bool)):
            raise RulesError(f"第 {number} 条规则：meta.{key} 应为文本、整数或真假值")
    narration = item.get("narration")
    if narration is not None and not isinstance(narration, str):
        raise RulesError(f"第 {number} 条规则：narration 应为文本")
    conditions = [item.get(k) for k in ("counterparty", "counterparty_account", "memo", "min_amount",
                                        "max_amount")]
    if all(c is None for c in conditions):
        raise RulesError(f"第 {number} 条规则：至少要有一个条件（counterparty、memo、金额……），"
                         "否则会吞掉所有流水")
    return Rule(
        number=number,
        name=str(item.get("name") or f"规则{number}"),
        account=account,
        counterparty=_pattern(number, "counterparty", item.get("counterparty")),
        counterparty_account=_pattern(number, "counterparty_account", item.get("counterparty_account")),
        memo=_pattern(number, "memo", item.get("memo")),
        direction=direction,
        min_amount=_amount(number, "min_amount", item.get("min_amount")),
        max_amount=_amount(number, "max_amount", item.get("max_amount")),
        bank=bank,
        meta=tuple((k, v) for k, v in meta.items()),
        narration=narration,
    )


def load_rules(path: str | Path | None = None, accounts=()) -> Rules:
    path = Path(path) if path else DEFAULT_RULES
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise RulesError(f"{path}: 无法读取规则文件（{error.strerror}）") from None
    except UnicodeDecodeError:
        raise RulesError(f"{path}: 规则文件须为 UTF-8 编码") from None
    return parse_rules(text, str(path), accounts, lenient=path == DEFAULT_RULES)
