"""What every xiaozhang importer shares: row accounting, the ledger index, de-duplication.

Every input row of a file ends as exactly one of: imported (a new entry), duplicate (its
`bank_ref` or 票据号 `invoice` is already in the ledger or earlier in the same run), or an
error `file:row: reason`.  Title lines, blank lines, headers and summary/footer lines are not
transactions; they are counted as skipped.

Importers are real `beangulp.Importer`s: `identify`, `account`, `date`, `extract`,
`deduplicate`.  `parse()` does the work and returns a `FileResult`; `extract()` raises
`ImportFileError` (a readable Chinese list of the bad rows) when the file has errors, so that
beangulp's and Fava's drivers never show a half-imported file as complete.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import beangulp
from beancount.core import data

from xiaozhang.chart import BANK

DUPLICATE = "__duplicate__"  # beangulp's and Fava's marker for a duplicate entry


@dataclass(frozen=True)
class RowError:
    path: str
    row: int  # 0 when the whole file is at fault
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.row}: {self.message}" if self.row else f"{self.path}: {self.message}"


@dataclass
class FileResult:
    """The outcome of reading one file."""

    path: str
    importer: str
    account: str | None = None
    entries: list = field(default_factory=list)       # one per good data row (+ balance assertions)
    rows: int = 0                                     # data rows seen (good + bad)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0                                  # non-transaction lines (titles, totals, footers)
    warnings: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, line): no rule, booked `!`
    voided: list[str] = field(default_factory=list)     # 作废 receipts, skipped and reported


class ImportFileError(Exception):
    """Raised by `extract()` when a file has bad rows (message lists them, in Chinese)."""

    def __init__(self, result: FileResult):
        lines = [str(e) for e in result.errors[:20]]
        if len(result.errors) > 20:
            lines.append(f"……共 {len(result.errors)} 处错误")
        super().__init__("文件有错误，未导入：\n" + "\n".join(lines))
        self.result = result


def account_number(text: str) -> str:
    """Bank account numbers compared without spaces, dashes or `="…"` guards."""
    return re.sub(r"[^0-9A-Za-z]", "", text)


class LedgerIndex:
    """What the importers need to know about the ledger, without keeping its entries:
    the `bank_ref` and `invoice` values already booked, the balance assertions already made,
    and the bank account numbers (`bank_account` on `open`) of the 1002/1011 accounts."""

    def __init__(self) -> None:
        self.bank_refs: set[str] = set()
        self.invoices: set[str] = set()
        self.card_batches: set[str] = set()
        self.balances: set[tuple[str, dt.date]] = set()
        self.bank_accounts: dict[str, str] = {}

    @classmethod
    def from_entries(cls, entries) -> "LedgerIndex":
        index = cls()
        index.add(entries)
        return index

    @classmethod
    def from_ledger(cls, path: str | Path) -> "LedgerIndex":
        from beancount import loader

        entries, _errors, _options = loader.load_file(str(path))
        return cls.from_entries(entries)

    def add(self, entries) -> None:
        for entry in entries:
            if isinstance(entry, data.Transaction):
                meta = entry.meta
                ref = meta.get("bank_ref")
                if ref is not None:
                    self.bank_refs.add(str(ref))
                invoice = meta.get("invoice")
                if invoice is not None:
                    self.invoices.add(str(invoice))
                batch = meta.get("card_batch")
                if batch is not None:
                    self.card_batches.add(str(batch))
            elif isinstance(entry, data.Balance):
                self.balances.add((entry.account, entry.date))
            elif isinstance(entry, data.Open):
                number = entry.meta.get("bank_account")
                if number:
                    self.bank_accounts[account_number(str(number))] = entry.account

    def is_duplicate(self, entry) -> bool:
        if isinstance(entry, data.Transaction):
            ref = entry.meta.get("bank_ref")
            if ref is not None:
                return str(ref) in self.bank_refs
            batch = entry.meta.get("card_batch")
            if batch is not None:
                return str(batch) in self.card_batches
            invoice = entry.meta.get("invoice")
            return invoice is not None and str(invoice) in self.invoices
        if isinstance(entry, data.Balance):
            return (entry.account, entry.date) in self.balances
        return False


class XiaozhangImporter(beangulp.Importer):
    """Base class: caches one parse per file version; extract/deduplicate on the ledger index."""

    kind = "导入"

    def __init__(self, index: LedgerIndex | None = None, account: str | None = None):
        self.index = index
        self.forced_account = account
        self._cache: dict[str, tuple[tuple, FileResult]] = {}

    # -- subclasses implement -------------------------------------------------------------
    def sniff(self, filepath: str) -> bool:
        raise NotImplementedError

    def parse_file(self, filepath: str, index: LedgerIndex) -> FileResult:
        raise NotImplementedError

    # -- beangulp.Importer ----------------------------------------------------------------
    def identify(self, filepath: str) -> bool:
        try:
            return bool(self.sniff(filepath))
        except Exception:  # a file we cannot read is simply not ours
            return False

    def parse(self, filepath: str, index: LedgerIndex | None = None) -> FileResult:
        index = index or self.index or LedgerIndex()
        try:
            stat = os.stat(filepath)
            key = (stat.st_mtime_ns, stat.st_size, id(index), len(index.bank_accounts))
        except OSError:
            key = None
        cached = self._cache.get(filepath)
        if cached and key is not None and cached[0] == key:
            return cached[1]
        result = self.parse_file(filepath, index)
        self._cache = {filepath: (key, result)}  # keep one: memory must not grow with runs
        return result

    def account(self, filepath: str) -> str:
        return self.parse(filepath).account or self.forced_account or BANK

    def date(self, filepath: str):
        dates = [e.date for e in self.parse(filepath).entries if isinstance(e, data.Transaction)]
        return max(dates) if dates else None

    def extract(self, filepath: str, existing) -> list:
        index = self.index
        if existing:
            index = LedgerIndex.from_entries(existing)
        result = self.parse(filepath, index)
        if result.errors:
            raise ImportFileError(result)
        return list(result.entries)

    def deduplicate(self, entries, existing) -> None:
        index = LedgerIndex.from_entries(existing) if existing else (self.index or LedgerIndex())
        mark_duplicates(entries, index)


def mark_duplicates(entries: list, index: LedgerIndex) -> int:
    """Mark entries already in `index` (and repeats within `entries`); returns the count.
    The index grows with the new entries, so overlapping files in one run add nothing twice."""
    count = 0
    for entry in entries:
        if index.is_duplicate(entry):
            entry.meta[DUPLICATE] = True
            count += 1
        else:
            index.add((entry,))
    return count


class TableImporter(XiaozhangImporter):
    """An export with one header row found by column names (fee receipts, meal cards).

    Subclasses set `columns` (field → accepted header names), `must` (the name groups that
    identify the file) and `header_hint` (the columns named in the message when none is found)."""

    columns: dict[str, tuple[str, ...]] = {}
    must: tuple[tuple[str, ...], ...] = ()
    header_hint = ""

    def sniff(self, filepath: str) -> bool:
        from .tabular import find_header, read_rows

        if Path(filepath).suffix.lower() not in (".csv", ".txt", ".xlsx", ".xlsm"):
            return False
        return find_header(read_rows(filepath), self.must) is not None

    def read_table(self, filepath: str, result: FileResult):
        """(numbered rows below the header, column index per field, row width), or None after
        recording why the file cannot be read."""
        from .tabular import FileProblem, find_header, normalize_name, read_rows

        try:
            rows = read_rows(filepath)
        except FileProblem as problem:
            result.errors.append(RowError(filepath, 0, str(problem)))
            return None
        header = find_header(rows, self.must)
        if header is None:
            result.errors.append(RowError(filepath, 0, f"找不到表头（应含 {self.header_hint}）"))
            return None
        col = {k: header.find(tuple(normalize_name(a) for a in v)) for k, v in self.columns.items()}
        width = max(i for i in col.values() if i is not None) + 1
        return rows[header.row_index + 1:], col, width
