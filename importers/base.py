"""What every xiaozhang importer shares: row accounting, the ledger index, de-duplication.

Every row of a file is counted once (`FileResult`: lines = heading + skipped + rows): title
lines, account blocks and headers (`heading`); totals, footers, blank and zero rows
(`skipped`); and data rows, each of which ends as imported (a new entry), duplicate (its
`bank_ref` or 票据号 `invoice` is already in the ledger or earlier in the same run), voided (a
作废 receipt), held (a good row of a meal-card day with an error) or an error `file:row:
reason` (`failed`).  cli.summary prints the counts, which add up to the file's rows.

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
from decimal import Decimal
from pathlib import Path

import beangulp
from beancount.core import data

from .tabular import (FORMULA, SUFFIXES, FileProblem, ValueProblem, find_header, normalize_name, parse_date,
                      read_sheets)
from xiaozhang.chart import (AGENCY_ROOT, BANK, BANK_BASIC, BANK_COLLECTION, MONEY_ROOTS,
                             SUSPENSE, TREASURY_ROOT)

DUPLICATE = "__duplicate__"  # beangulp's and Fava's marker for a duplicate entry
INTERNAL_ERROR = "导入器内部错误"  # an exception that escaped parsing (the fuzz counts it as a traceback)


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
    rows: int = 0                                     # data rows seen (good + bad + voided)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0                                  # non-data rows below the header (totals, footers, blanks)
    heading: int = 0                                  # title lines, account block and header rows
    lines: int = 0                                    # every row of the tables read (heading + skipped + rows)
    failed: int = 0                                   # data rows with an error
    held: int = 0                                     # good rows of a meal-card day that has an error
    carried: list[int] = field(default_factory=list)  # rows whose blank date was carried down
    warnings: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # (row, line): no rule, booked `!`
    voided: list[str] = field(default_factory=list)     # 作废 receipts, skipped and reported


def typical_length(rows, width: int) -> int | None:
    """The number of cells most rows of a table have, the header counting as one (some exports
    end every row with a comma the header lacks: that is the table's shape, not a shifted row);
    None when fewer than two rows leave nothing to compare."""
    counts: dict[int, int] = {width: 1}
    filled = 0
    for _n, cells in rows:
        if any(cells):
            filled += 1
            counts[len(cells)] = counts.get(len(cells), 0) + 1
    if filled < 2:
        return None
    return max(sorted(counts), key=counts.get)  # a tie goes to the shorter shape


def check_row(cells: list[str], width: int, needed: tuple[int, ...], cut: bool = False,
              typical: int | None = None) -> str | None:
    """Why a data row cannot be trusted as it stands, or None.

    More non-empty cells than the header has columns: an unquoted comma inside a cell, or two
    rows joined into one, shifted the columns.  A row that stops before a column the importer
    needs (date, amounts, balance): a row split in two by a raw line break, or a file cut off.
    A formula cell without its computed value: unreadable until re-saved in Excel."""
    if len(cells) > width and (any(cells[width:]) or (typical is not None and len(cells) > typical)):
        return (f"该行有 {len(cells)} 列，表头只有 {width} 列：可能某个单元格中有未加引号的逗号，或两行连成了一行，"
                "各列已错位；请从网银重新下载，或在原文件中给含逗号的单元格加上引号")
    if cut and (len(cells) < width or len(cells) - 1 in needed):
        return (f"文件在这一行中间结束（该行 {len(cells)} 列，表头 {width} 列，末尾没有换行）：文件可能没有下载完整，"
                "最后一格可能被截断；请重新下载（如确认完整，在文件末尾加一个换行后再导入）")
    if needed and len(cells) <= max(needed):
        return (f"该行只有 {len(cells)} 列，表头有 {width} 列：可能一行被换行拆成了两行，或文件不完整；"
                "请从网银重新下载")
    if FORMULA[0] in "".join(cells):  # NUL: only the formula mark has it (text files with NUL are refused)
        for cell in cells:
            if cell.startswith(FORMULA):
                return (f"单元格是公式（{cell[len(FORMULA):]}）且文件中没有保存计算结果；"
                        "请在 Excel 中打开该文件、重新保存（另存为 xlsx）后再导入")
    return None


def date_range(index: "LedgerIndex") -> tuple[dt.date, dt.date]:
    """The dates an imported row may have: from the year before the ledger's first entry (20
    years back without a ledger) to a year after today."""
    today = dt.date.today()
    first = index.first_date.year - 1 if index.first_date else today.year - 20
    return dt.date(max(first, 1900), 1, 1), today + dt.timedelta(days=366)


def check_date(date: dt.date, index: "LedgerIndex", bounds: tuple[dt.date, dt.date] | None = None) -> None:
    low, high = bounds or date_range(index)
    if not low <= date <= high:
        raise ValueProblem(f"日期 {date} 不在合理范围内（{low} 至 {high}：账本首年的前一年起，至今后一年）")


class ImportFileError(Exception):
    """Raised by `extract()` when a file has bad rows (message lists them, in Chinese)."""

    def __init__(self, result: FileResult):
        lines = [str(e) for e in result.errors[:20]]
        if len(result.errors) > 20:
            lines.append(f"……共 {len(result.errors)} 处错误")
        super().__init__("文件有错误，未导入：\n" + "\n".join(lines))
        self.result = result


_NOT_ACCOUNT = re.compile(r"[^0-9A-Za-z]")


def account_number(text: str) -> str:
    """Bank account numbers compared without spaces, dashes or `="…"` guards."""
    return _NOT_ACCOUNT.sub("", text)


FEE_LIABILITIES = (TREASURY_ROOT, AGENCY_ROOT)


def ref_key(entry) -> tuple[str, str, Decimal] | None:
    """The identity of an imported bank row: (statement account, bank_ref, amount).

    The account, because two banks may use the same serial; the amount, because a bank gives
    a transfer and its fee (手续费) one serial."""
    ref = entry.meta.get("bank_ref")
    if ref is None or not entry.postings or entry.postings[0].units is None:
        return None
    first = entry.postings[0]
    return (first.account, str(ref), first.units.number)


@dataclass(frozen=True)
class Batch:
    """A meal-card day summary already booked: how many records, how much."""

    records: Decimal
    amount: Decimal


def is_non_tax(fee_account: str) -> bool:
    """A fee of 2103 应缴财政款 (by its code, as the rules recognise it: `chart.TREASURY_ROOT`)."""
    return fee_account.startswith(TREASURY_ROOT)


def deposit_account(fee_account: str) -> str:
    """The bank account a fee's money is paid into: non-tax fees the basic account, 代收费 the
    collection account."""
    return BANK_BASIC if is_non_tax(fee_account) else BANK_COLLECTION


class LedgerIndex:
    """What the importers need to know about the ledger, without keeping its entries:

    - `bank_refs`: (account, bank_ref, amount) of every booked bank row, for each money
      posting (1001/1002/1011/1021) of a transaction carrying `bank_ref`;
    - `invoices`: (票据代码 `invoice_code` or "", 票据号 `invoice`) — numbers restart under each
      票据代码 — and `card_batches` (meal-card days, with their figures);
    - `balances`: the (account, date) of balance assertions already made;
    - `bank_accounts`: account number (`bank_account` on `open`) → 1002/1011 account, and
      `accounts`, every account opened (rule accounts are checked against them);
    - fees in transit (chart.FEES_IN_TRANSIT): receipts per (deposit account, date), deposits
      that settled them, and deposits booked straight to 2103/230701 or to suspense, named
      when receipts wait for their money (see receipts.py)."""

    def __init__(self) -> None:
        self.bank_refs: set[tuple[str, str, Decimal]] = set()
        self.invoices: set[tuple[str, str]] = set()
        self.card_batches: dict[str, Batch] = {}
        self.balances: set[tuple[str, dt.date]] = set()
        self.bank_accounts: dict[str, str] = {}
        self.accounts: list[str] = []  # every account the ledger opens
        self.receipts: dict[tuple[str, dt.date], tuple[Decimal, int]] = {}  # → (total, count)
        self.settled: dict[tuple[str, dt.date], Decimal] = {}
        # deposits booked straight to a fee liability or to suspense: (amount, bank_ref, account)
        self.fee_deposits: dict[tuple[str, dt.date], tuple[tuple[Decimal, str, str], ...]] = {}
        # every posting on a money account (1001/1002/1011/1021): (account, date, amount), for
        # the check of a statement's closing balance against the ledger (closing_balance_problem)
        self.money: list[tuple[str, dt.date, Decimal]] = []
        self.source = None  # the entry list the index was built from, if any
        self.first_date: dt.date | None = None  # the ledger's earliest dated entry

    @classmethod
    def from_entries(cls, entries) -> "LedgerIndex":
        index = cls()
        index.add(entries)
        index.source = entries
        return index

    def copy(self) -> "LedgerIndex":
        """An independent index with the same contents (the values are immutable)."""
        other = LedgerIndex()
        for name, value in vars(self).items():
            setattr(other, name, value.copy() if isinstance(value, (set, dict, list)) else value)
        return other

    @classmethod
    def from_ledger(cls, path: str | Path) -> "LedgerIndex":
        from xiaozhang.io import load  # from the files, never a stale Beancount cache

        index = cls.from_entries(load(path).entries)
        index.source = None  # keep the index, not the ledger's entries
        return index

    def add(self, entries) -> None:
        for entry in entries:
            day = getattr(entry, "date", None)
            if isinstance(day, dt.date) and (self.first_date is None or day < self.first_date):
                self.first_date = day
            if isinstance(entry, data.Transaction):
                meta = entry.meta
                ref = meta.get("bank_ref")
                if ref is not None:
                    self._add_ref(entry, str(ref))
                invoice = meta.get("invoice")
                if invoice is not None:
                    self.invoices.add((str(meta.get("invoice_code", "")), str(invoice)))
                batch = meta.get("card_batch")
                if batch is not None and entry.postings and entry.postings[0].units is not None:
                    self.card_batches[str(batch)] = Batch(Decimal(str(meta.get("records", 1))),
                                                          abs(entry.postings[0].units.number))
                self._add_transit(entry)
                self.money.extend((p.account, entry.date, p.units.number) for p in entry.postings
                                  if p.units is not None and p.account.startswith(MONEY_ROOTS))
            elif isinstance(entry, data.Balance):
                self.balances.add((entry.account, entry.date))
            elif isinstance(entry, data.Open):
                self.accounts.append(entry.account)
                number = entry.meta.get("bank_account")
                if number:
                    self.bank_accounts[account_number(str(number))] = entry.account

    def _add_ref(self, entry, ref: str) -> None:
        keys = [(p.account, ref, p.units.number) for p in entry.postings
                if p.account.startswith(MONEY_ROOTS) and p.units is not None]
        if not keys:
            key = ref_key(entry)
            keys = [key] if key else []
        self.bank_refs.update(keys)
        money = [p for p in entry.postings if p.account.startswith(MONEY_ROOTS) and p.units is not None]
        others = [p.account for p in entry.postings if not p.account.startswith(MONEY_ROOTS)]
        if len(money) == 1 and money[0].units.number > 0 and len(others) == 1 and (
                others[0].startswith(FEE_LIABILITIES) or others[0] == SUSPENSE):
            key = (money[0].account, entry.date)
            self.fee_deposits[key] = self.fee_deposits.get(key, ()) + ((money[0].units.number, ref, others[0]),)

    def _add_transit(self, entry) -> None:
        from xiaozhang.chart import FEES_IN_TRANSIT

        for posting in entry.postings:
            if posting.account != FEES_IN_TRANSIT or posting.units is None:
                continue
            amount = posting.units.number
            fee = next((p.account for p in entry.postings if p.account.startswith(FEE_LIABILITIES)), None)
            if amount > 0 and fee:
                bank = deposit_account(fee)
                total, count = self.receipts.get((bank, entry.date), (Decimal(0), 0))
                self.receipts[(bank, entry.date)] = (total + amount, count + 1)
            elif amount < 0:
                bank = next((p.account for p in entry.postings if p.account.startswith(MONEY_ROOTS)), None)
                if bank:
                    day = entry.meta.get("receipts_date")
                    day = day if isinstance(day, dt.date) else entry.date
                    self.settled[(bank, day)] = self.settled.get((bank, day), Decimal(0)) - amount

    def balance_before(self, account: str, day: dt.date) -> Decimal:
        """The balance of `account` (with its sub-accounts) at the start of `day`, as Beancount's
        `balance` directive of that day checks it."""
        below = account + ":"
        return sum((amount for name, date, amount in self.money
                    if date < day and (name == account or name.startswith(below))), Decimal(0))

    def unsettled(self, bank: str, day: dt.date) -> Decimal:
        """Receipts of `day` for `bank` not yet matched by a deposit."""
        total = self.receipts.get((bank, day), (Decimal(0), 0))[0]
        return total - self.settled.get((bank, day), Decimal(0))

    def is_duplicate(self, entry) -> bool:
        if isinstance(entry, data.Transaction):
            key = ref_key(entry)
            if key is not None:
                return key in self.bank_refs
            batch = entry.meta.get("card_batch")
            if batch is not None:
                return str(batch) in self.card_batches
            invoice = entry.meta.get("invoice")
            if invoice is None:
                return False
            # a 票据号 booked without its 票据代码 (typed by hand) matches whatever the code
            code = str(entry.meta.get("invoice_code", ""))
            return (code, str(invoice)) in self.invoices or ("", str(invoice)) in self.invoices
        if isinstance(entry, data.Balance):
            return (entry.account, entry.date) in self.balances
        return False


def closing_balance_problem(balance: data.Balance, index: LedgerIndex) -> str | None:
    """Why a statement's closing balance (the `balance` entry an importer made from it) does
    not agree with the ledger plus this import (`index` holds both), in Chinese; None when it
    agrees.  Said before saving, so that the accountant is not first told by Beancount's English
    `Balance failed` after the entries are in the ledger."""
    from xiaozhang.model.money import format_money

    booked = index.balance_before(balance.account, balance.date)
    stated = balance.amount.number
    if booked == stated:
        return None
    day = balance.date - dt.timedelta(days=1)
    difference = stated - booked
    return (f"余额核对不符：{balance.account} 对账单 {day} 日终余额 {format_money(stated)}，"
            f"账本（含本次导入）为 {format_money(booked)}，对账单比账本{'多' if difference > 0 else '少'} "
            f"{format_money(abs(difference))}。请核对账本是否漏记、重记或记错了科目（期初余额是否已入账）；"
            f"不改正就保存，{balance.date} 的余额断言会在检查时报错")


class XiaozhangImporter(beangulp.Importer):
    """Base class: caches one parse per file version; extract/deduplicate on the ledger index."""

    kind = "导入"
    code = ""  # the importer's English identifier (its `name` is what the accountant sees)

    def __init__(self, index: LedgerIndex | None = None, account: str | None = None):
        self.index = index
        self.forced_account = account
        self._cache: dict[str, tuple[tuple, FileResult]] = {}

    # -- subclasses implement -------------------------------------------------------------
    def sniff(self, filepath: str) -> bool:
        raise NotImplementedError

    def parse_file(self, filepath: str, index: LedgerIndex) -> FileResult:
        raise NotImplementedError

    def describe(self, filepath: str) -> str:
        """What the file is, for `xiaozhang import identify`."""
        return self.kind

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
        try:
            result = self.parse_file(filepath, index)
        except Exception as error:  # a bug must not stop the other files of the run
            result = FileResult(filepath, self.name)
            result.errors.append(RowError(filepath, 0, f"{INTERNAL_ERROR}（{type(error).__name__}: {error}）；"
                                                       "请把这个文件交给维护人员，其他文件不受影响"))
        self._cache = {filepath: (key, result)}  # keep one: memory must not grow with runs
        return result

    def account(self, filepath: str) -> str:
        return self.parse(filepath).account or self.forced_account or BANK

    def date(self, filepath: str):
        dates = [e.date for e in self.parse(filepath).entries if isinstance(e, data.Transaction)]
        return max(dates) if dates else None

    def _index_for(self, existing) -> LedgerIndex:
        """The index of `existing` (Fava passes the ledger's entries), reusing ours if it is
        built from the same list."""
        if existing and (self.index is None or self.index.source is not existing):
            return LedgerIndex.from_entries(existing)
        return self.index or LedgerIndex()

    def extract(self, filepath: str, existing) -> list:
        result = self.parse(filepath, self._index_for(existing))
        if result.errors:
            raise ImportFileError(result)
        return list(result.entries)

    def deduplicate(self, entries, existing) -> None:
        # a copy: marking adds the new entries to the index, which must stay the ledger's
        mark_duplicates(entries, self._index_for(existing).copy())


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
        if Path(filepath).suffix.lower() not in SUFFIXES:
            return False
        return any(find_header(sheet.rows, self.must) is not None for sheet in read_sheets(filepath))

    def read_tables(self, filepath: str, result: FileResult):
        """Per sheet with the header: (where, numbered rows below the header, column index per
        field, header width).  Why a file or sheet cannot be read is recorded in `result`; the
        rows above and of the header are counted as heading."""
        try:
            sheets = read_sheets(filepath)
        except FileProblem as problem:
            result.errors.append(RowError(filepath, 0, str(problem)))
            return []
        tables = []
        for sheet in sheets:
            header = find_header(sheet.rows, self.must)
            if header is None:
                note_sheet_without_header(filepath, sheet, result)
                continue
            col = {k: header.find(tuple(normalize_name(a, keep_brackets=True) for a in v))
                   for k, v in self.columns.items()}
            missing = [self.columns[k][0] for k in self.required if col[k] is None]
            if missing:
                result.errors.append(RowError(sheet.where(filepath), 0, self.missing_message(missing)))
                continue
            result.lines += len(sheet.rows)
            result.heading += header.row_index + 1
            self.unterminated = sheet.unterminated
            self.typical = typical_length(sheet.rows[header.row_index + 1:], len(header.names))
            tables.append((sheet.where(filepath), sheet.rows[header.row_index + 1:], col, len(header.names)))
        if not tables and not result.errors:
            result.errors.append(RowError(filepath, 0, f"找不到表头（应含 {self.header_hint}）"))
        return tables

    required: tuple[str, ...] = ()  # fields without which no row can be trusted

    def missing_message(self, missing: list[str]) -> str:
        return f"缺少“{'”“'.join(missing)}”列；请导出包含该列的明细"

    def each_row(self, filepath: str, body, col: dict, width: int, index: "LedgerIndex",
                 result: "FileResult", read, hint: str = "请核对该行"):
        """(row number, date, `read(number, cells, date)`) of each data row: blank and total rows
        are counted as skipped; a row that cannot be read (ValueProblem, from the cells or from
        `read`) is counted, listed as a RowError ending in `hint`, and left out."""
        for number, cells in body:
            try:
                date = self.read_cells(number, cells, col, width, "date", index)
                if date is None:
                    result.skipped += 1  # blank and total rows
                    continue
                value = read(number, cells, date)
            except ValueProblem as problem:
                result.rows += 1
                result.failed += 1
                result.errors.append(RowError(filepath, number, f"{problem}；{hint}"))
                continue
            yield number, date, value

    def read_cells(self, number: int, cells: list[str], col: dict, width: int, date_field: str,
                   index: "LedgerIndex"):
        """The date of a data row (None for a blank or total row); ValueProblem for a bad row:
        cells shifted or missing, a formula without its value, a date that cannot be read or is
        out of range."""
        if not any(cells):
            return None
        if number == self.unterminated and len(cells) < width:  # cut off: never a footer
            raise ValueProblem(check_row(cells, width, (), cut=True))
        text = cells[col[date_field]] if col[date_field] < len(cells) else ""
        if not text and not any(c.startswith(FORMULA) for c in cells):
            if sum(1 for c in cells if c) <= 2 or any(w in "".join(cells) for w in ("合计", "总计", "小计")):
                return None
        needed = tuple(i for k, i in col.items() if i is not None and k in self.needed)
        problem = check_row(cells, width, needed, cut=number == self.unterminated, typical=self.typical)
        if problem:
            raise ValueProblem(problem)
        try:
            date = parse_date(text)
        except ValueProblem:
            if any(w in "".join(cells) for w in ("合计", "总计", "小计")):
                return None
            raise
        check_date(date, index)
        return date

    needed: tuple[str, ...] = ()  # fields whose column a row must reach
    unterminated: int | None = None  # the last row of a text file not ended by a line break
    typical: int | None = None       # the number of cells most rows have


def note_sheet_without_header(filepath: str, sheet, result: FileResult) -> None:
    """A worksheet of a workbook other sheets of which were read: say what was left unread."""
    if sheet.name is None:
        return
    lines = sum(1 for _n, cells in sheet.rows if any(cells))
    result.lines += len(sheet.rows)
    result.heading += len(sheet.rows)
    result.warnings.append(f"{filepath}: 工作表“{sheet.name}”没有找到表头，其中 {lines} 行未导入；"
                           "如果其中有交易明细，请把它另存为单独的文件再导入")
