"""评判日期 (the reference date): the day every deadline rule and page judges by.

Time is the calendar: a pending approval is as old as today says, a disclosure due on the
15th is late on the 16th whether or not anything was booked since.  `books.as_of`
(`SchoolBooks.as_of`) is, from the strongest to the weakest:

1. the command line: `xiaozhang check --as-of 2026-10-31` (also `serve`) sets the environment
   variable `XIAOZHANG_AS_OF` (`ENV`) for its own process; the books read it once, when they
   are built — nothing is handed from one plugin to another;
2. the ledger's pin, ONE directive (its date is the 评判日期; Beancount wants a value on a
   `custom`, so it carries a short note):
       2026-10-31 custom "as-of" "评判日期"
   The bundled example and the tests pin theirs, so their results do not change with time;
3. today (`datetime.date.today()`).

Two pins, or an `XIAOZHANG_AS_OF` that is not a date, are [PL04] (reported by the policy
rule, `plugins/policy.py`); the first pin (or today) is used meanwhile.

A rule judges an entry dated after the 评判日期 as of the entry's own date where that is the
rule's meaning (e.g. the remittance walk still checks each day it walks through).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, NamedTuple

ENV = "XIAOZHANG_AS_OF"
DIRECTIVE = "as-of"

# where the date comes from -> how the pages and `check` say it
COMMAND, LEDGER, TODAY = "command", "ledger", "today"
LABELS = {COMMAND: "命令行指定", LEDGER: "账本指定", TODAY: "今天"}


class AsOfError(NamedTuple):
    source: dict
    message: str
    entry: Any


class AsOf(NamedTuple):
    """The 评判日期 and where it comes from (`COMMAND`, `LEDGER` or `TODAY`)."""

    date: dt.date
    source: str

    @property
    def label(self) -> str:
        """`命令行指定`, `账本指定` or `今天`."""
        return LABELS[self.source]

    def __str__(self) -> str:
        return f"{self.date}（{self.label}）"


def parse(text: str | None) -> dt.date | None:
    """The day written `2026-10-31` (None when empty or malformed)."""
    try:
        return dt.date.fromisoformat(str(text).strip()) if text else None
    except ValueError:
        return None


def read_as_of(pins: list, override: str | None,
               today: dt.date | None = None) -> tuple[AsOf, list[AsOfError]]:
    """The 评判日期 from the `custom "as-of"` entries `pins`, the value of `ENV` (`override`,
    None when unset) and today; and the problems found (see the module docstring)."""
    errors: list[AsOfError] = []
    for extra in pins[1:]:
        errors.append(AsOfError(extra.meta, (
            f"[PL04] 评判日期指定了两次（{pins[0].date} 和 {extra.date}）：账本只能有一条 "
            f"custom \"{DIRECTIVE}\"，请删去多余的一条"), extra))
    if override:
        day = parse(override)
        if day is not None:
            return AsOf(day, COMMAND), errors
        errors.append(AsOfError({"filename": f"<{ENV}>", "lineno": 0}, (
            f"[PL04] 环境变量 {ENV} 的值“{override}”不是日期（应写成 2026-10-31），未采用"), None))
    if pins:
        return AsOf(pins[0].date, LEDGER), errors
    return AsOf(today or dt.date.today(), TODAY), errors


def override_from_environment() -> str | None:
    """The command line's 评判日期 (`ENV`), read once per books."""
    return os.environ.get(ENV) or None
