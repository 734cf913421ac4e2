"""The shared behaviour of 校账's Fava pages (`ReportPage`), apart from the package so that
the page modules import it without importing the package that lists them (no import cycle).

Fava's filter bar (`?time=`, `?account=`, `?filter=`) reaches a page as `ReportPage.selection()`:
Fava's own filtered list of the request (`g.filtered.entries`, the list Fava's reports use,
memoised by Fava per filter) and the time filter's days. A report sums what the filter selects
over that list (its school model is `SchoolBooks.of(that list)`), and reads what needs the whole
history (balances, the policy, whole terms) from the model of all entries: Fava's time filter
summarises everything before its first day into opening balances and drops the directives
dated before it (the policy among them), so the filtered list alone cannot answer those.

Only extension classes may subclass `FavaExtensionBase` in the page modules: Fava registers
every such class it finds in `xiaozhang.reports.fava_ext` as a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fava.core.filters import FilterError
from flask import g, request

from xiaozhang.model.money import format_ratio
from xiaozhang.reports.render import money

if TYPE_CHECKING:  # pragma: no cover
    import jinja2
    from fava.core import FavaLedger

T = TypeVar("T")

_CACHE_SIZE = 64
_FILTER_NAMES = {"time": "时间", "account": "账户", "filter": "筛选"}


def account_name(account: str) -> str:
    """An account as the pages print it: its 科目编码 and names without Beancount's English
    root (`Assets:1002银行存款:100201基本户` -> `1002银行存款／100201基本户`)."""
    return "／".join(account.split(":")[1:]) or account


@dataclass(frozen=True)
class Selection:
    """What Fava's filter bar selects for one request (see the module docstring)."""

    entries: list  # Fava's filtered entries (all entries when no filter is set)
    period: tuple[dt.date, dt.date] | None  # the time filter's first and last day (inclusive)
    time: str = ""  # the filter bar's values as typed
    account: str = ""
    advanced: str = ""
    error: str = ""  # a filter Fava could not read (the page then shows everything)

    @property
    def active(self) -> bool:
        return bool(self.time or self.account or self.advanced)

    @property
    def narrows(self) -> bool:
        """True when the account or advanced filter is set (not only the time filter)."""
        return bool(self.account or self.advanced)

    @property
    def key(self) -> tuple:
        return (self.time, self.account, self.advanced)

    @property
    def described(self) -> str:
        """The active filters in words, e.g. `时间 2025-10、账户 Assets:1001库存现金`."""
        given = (("time", self.time), ("account", self.account), ("filter", self.advanced))
        return "、".join(f"{_FILTER_NAMES[name]} {value}" for name, value in given if value)


class ReportPage:
    """Shared behaviour of 校账's Fava pages (a mixin; see the module docstring).

    - `cached(key, compute)`: compute once per loaded ledger; Fava reloads the ledger (new
      `all_entries`) when a file changes, and the cache follows.
    - `request_int(name)`: an integer query parameter, None when absent or malformed.
    - `source_path(filename)`: a ledger file as the accountant knows it (`2026/10.beancount`).
    - `selection()`: what the filter bar selects (`Selection`); `cached` keys of figures that
      follow the filter include `selection().key`.
    - templates get the `money` filter (2 decimals, thousands separators) and `account_name`
      (an account without its English root: `1002银行存款／100201基本户`).
    """

    ledger: FavaLedger

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        entries = self.ledger.all_entries
        store: dict[Hashable, Any] = self.__dict__.setdefault("_xz_cache", {})
        if store.get("__entries__") is not entries:
            store.clear()
            store["__entries__"] = entries
        if key not in store:
            if len(store) > _CACHE_SIZE:  # one entry per filter asked: keep it bounded
                store.clear()
                store["__entries__"] = entries
            store[key] = compute()
        return store[key]

    def after_load_file(self) -> None:
        self.__dict__.pop("_xz_cache", None)

    @staticmethod
    def request_int(name: str) -> int | None:
        value = request.args.get(name, "")
        return int(value) if value.isascii() and value.isdigit() else None

    def selection(self) -> Selection:
        """Fava's filtered entries and the time filter's days for this request."""
        args = request.args
        time, account = args.get("time", "").strip(), args.get("account", "").strip()
        advanced = args.get("filter", "").strip()
        if not (time or account or advanced):
            return Selection(self.ledger.all_entries, None)
        try:
            filtered = g.filtered
        except FilterError as error:  # Fava's message is English: say which filter, in Chinese
            name = _FILTER_NAMES.get(error.filter_type, "筛选")
            value = {"time": time, "account": account}.get(error.filter_type, advanced)
            return Selection(self.ledger.all_entries, None, time, account, advanced,
                             f"{name}条件“{value}”无法识别")
        period = None
        if filtered.date_range is not None:
            period = (filtered.date_range.begin, filtered.date_range.end_inclusive)
        entries = filtered.entries  # the same list for the same filter: one model per filter
        if not isinstance(entries, list):  # pragma: no cover  (Fava's filters return lists)
            entries = list(entries)
        return Selection(entries, period, time, account, advanced)

    def source_path(self, filename: str) -> str:
        """`filename` relative to the main ledger file's folder (else its base name)."""
        base = Path(self.ledger.beancount_file_path).parent
        try:
            return Path(filename).relative_to(base).as_posix()
        except ValueError:
            return Path(filename).name

    @cached_property
    def jinja_env(self) -> jinja2.Environment:
        env = super().jinja_env  # type: ignore[misc]
        # The overlay shares Fava's filter dict: copy it before adding ours.
        env.filters = {**env.filters, "money": money, "ratio": format_ratio, "account_name": account_name}
        return env
