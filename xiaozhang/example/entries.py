"""The generated entries: transactions as the generator writes them, and the running balances.

Amounts are `Decimal` yuan rounded by the model (`xiaozhang.model.money.yuan`) and written with
`ledger_number`; an account is padded so that amounts line up in a monospaced editor.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core.amount import Amount

from xiaozhang.model.money import ledger_number

HEADER = "; 由 `xiaozhang example` 生成的示例学校账本（虚构数据）。\n"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def display_width(text: str) -> int:
    """Columns a monospaced editor gives the text (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_value(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, Decimal, int, Amount)):
        return str(value)
    return quote(str(value))


def merge(meta: list[tuple[str, object]]) -> list[tuple[str, object]]:
    """One value per key, in first-seen order; a later value replaces an earlier one."""
    merged: dict[str, object] = {}
    for key, value in meta:
        merged[key] = value
    return list(merged.items())


@dataclass
class Txn:
    date: dt.date
    flag: str
    payee: str | None
    narration: str
    meta: list[tuple[str, object]]
    # (account, amount) or (account, amount, posting metadata)
    postings: list[tuple]
    links: tuple[str, ...] = ()
    numbered: bool = True  # gets a 凭证号 when written (fee receipts carry an invoice instead)

    def render(self) -> str:
        head = f"{self.date} {self.flag} "
        if self.payee is not None:
            head += quote(self.payee) + " "
        head += quote(self.narration)
        for link in self.links:
            head += f" ^{link}"
        lines = [head]
        for key, value in self.meta:
            lines.append(f"  {key}: {render_value(value)}")
        for account, amount, *posting_meta in self.postings:
            if amount is None:
                lines.append(f"  {account}")
            else:
                number = ledger_number(amount)
                pad = max(2, 72 - display_width(account) - len(number))
                lines.append(f"  {account}{' ' * pad}{number} CNY")
            for key, value in posting_meta[0] if posting_meta else ():
                lines.append(f"    {key}: {render_value(value)}")
        return "\n".join(lines) + "\n"


@dataclass
class Books:
    """The generated transactions, with running balances of the money accounts."""

    txns: list[Txn] = field(default_factory=list)
    balances: dict[str, Decimal] = field(default_factory=dict)

    def add(self, txn: Txn) -> Txn:
        total = Decimal(0)
        elided = None
        for account, amount, *_meta in txn.postings:
            if amount is None:
                elided = account
            else:
                total += amount
                self.balances[account] = self.balances.get(account, Decimal(0)) + amount
        if elided is not None:
            self.balances[elided] = self.balances.get(elided, Decimal(0)) - total
        self.txns.append(txn)
        return txn

    def balance(self, account: str) -> Decimal:
        return self.balances.get(account, Decimal(0))
