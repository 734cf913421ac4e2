"""The shared behaviour of 校账's Fava pages (`ReportPage`), apart from the package so that
the page modules import it without importing the package that lists them (no import cycle).

Only extension classes may subclass `FavaExtensionBase` in the page modules: Fava registers
every such class it finds in `xiaozhang.reports.fava_ext` as a page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from flask import request

from xiaozhang.reports.render import money

if TYPE_CHECKING:  # pragma: no cover
    import jinja2
    from fava.core import FavaLedger

T = TypeVar("T")


class ReportPage:
    """Shared behaviour of 校账's Fava pages (a mixin; see the module docstring).

    - `cached(key, compute)`: compute once per loaded ledger; Fava reloads the ledger (new
      `all_entries`) when a file changes, and the cache follows.
    - `request_int(name)`: an integer query parameter, None when absent or malformed.
    - `source_path(filename)`: a ledger file as the accountant knows it (`2026/10.beancount`).
    - templates get the `money` filter (2 decimals, thousands separators).
    """

    ledger: FavaLedger

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        entries = self.ledger.all_entries
        store: dict[Hashable, Any] = self.__dict__.setdefault("_xz_cache", {})
        if store.get("__entries__") is not entries:
            store.clear()
            store["__entries__"] = entries
        if key not in store:
            store[key] = compute()
        return store[key]

    def after_load_file(self) -> None:
        self.__dict__.pop("_xz_cache", None)

    @staticmethod
    def request_int(name: str) -> int | None:
        value = request.args.get(name, "")
        return int(value) if value.isascii() and value.isdigit() else None

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
        env.filters = {**env.filters, "money": money}
        return env
