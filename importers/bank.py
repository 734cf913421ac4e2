"""Bank statement importers: ICBC, CCB, ABC, BOC, rural credit unions, and a generic one.

Columns are found by header *name* (normalised: full-width brackets, bilingual `[ … ]`
suffixes, units like `/元` and parentheticals like `（支取）` removed), never by position.
The bank is recognised from the header row and the title lines above it (`classify`), so
each file is identified by exactly one importer.  Banks write from their own side: 借方 =
money out of the school's account, 贷方 = money in.

The direction of a row comes from, in this order: separate out/in columns (借方/贷方,
支出/收入, 转出/转入); an amount with a 借贷标志 (借/贷, 收入/支出, D/C); payer and payee
accounts (BOC: money goes out when the payer is the statement's own account); a signed
amount.

Each row becomes a transaction: the bank posting, and the other posting from, in this order:
fees in transit when the deposit settles fee receipts (receipts.py); chart.TRANSFERS_IN_TRANSIT
when the counterparty account is another of the school's own accounts (`bank_account` on its
`open`), so that the two statements of a transfer each book their side once; the first
matching categorisation rule (rules.py); or `!` against chart.SUSPENSE when none matches.
Metadata: `bank_ref` (the bank's serial, or `H` + a stable hash of date, time, amount,
counterparty, its account and the running balance when the layout has no serial),
`counterparty_account`, `counterparty_bank`.

Rows that cannot be trusted are errors, never guesses (docs/import.md, "哪些行算错误"): more
cells than the header, a row that stops before a needed column or a file cut off in its last
row, a formula without its value, a malformed amount, an implausible date.  A blank date cell
takes the date written above it (banks print the day once; merged cells), except in a column
whose dates carry a time.  The running balance is checked in date order (same-day rows in
whatever order follows): a row that does not follow is an error.  After the rows, a `balance`
assertion of the latest date's balance, dated the day after (for a statement that reaches
today, whose day may not be over, the balance today started with, dated today).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from xiaozhang.chart import FEES_IN_TRANSIT, SUSPENSE, TRANSFERS_IN_TRANSIT
from xiaozhang.model.periods import ONE_DAY

from .base import (FileResult, LedgerIndex, RowError, XiaozhangImporter, account_number, check_date,
                   check_row, date_range, note_sheet_without_header, typical_length)
from .receipts import SETTLE_DAYS
from .rules import Rules, load_rules
from .tabular import (FORMULA, PLACEHOLDER, SUFFIXES, FileProblem, Header, Sheet, ValueProblem, find_header,
                      normalize_name, parse_amount, parse_date, read_sheets, statement_period)

CURRENCY = "CNY"

# Field → header names (normalised, see tabular.normalize_name), in order of preference.
FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("交易日期", "记账日期", "日期", "交易日", "入账日期", "记账日", "交易时间", "会计日期"),
    "time": ("交易时间", "交易时间戳", "记账时间", "时间"),
    "out": ("借方发生额", "借方金额", "支出金额", "转出金额", "付款金额", "支出", "借方"),
    "in": ("贷方发生额", "贷方金额", "收入金额", "转入金额", "收款金额", "收入", "贷方"),
    "amount": ("交易金额", "发生额", "金额", "记账金额"),
    "flag": ("借贷标志", "借/贷", "借贷", "收入/支出", "收支标志", "借贷方向", "交易方向", "收/支"),
    "balance": ("余额", "账户余额", "本次余额", "交易后余额", "联机余额", "当前余额"),
    "counterparty": ("对方户名", "对方单位", "对方单位名称", "对方账户名", "对方账号名称", "对方名称",
                     "对方账户名称", "收方名称", "对手信息"),
    "counterparty_account": ("对方账号", "对方账户", "收方账号", "对方卡号/账号"),
    "counterparty_bank": ("对方开户机构", "对方银行/机构", "对方开户行", "对方行名", "对方银行",
                          "对方开户行名"),
    "memo": ("摘要", "交易摘要"),
    "purpose": ("用途", "交易用途"),
    "remark": ("附言", "交易附言", "客户附言", "备注", "交易说明"),
    "serial": ("交易流水号", "账户明细编号-交易流水号", "流水号", "银行流水号", "交易日志号", "交易参考号"),
    "own_account": ("本方账号", "交易账号", "账号", "借记卡号"),
    "currency": ("币种", "交易货币", "币别"),
    "payer_account": ("付款人账号",),
    "payee_account": ("收款人账号",),
    "payer_name": ("付款人名称",),
    "payee_name": ("收款人名称",),
    "payer_bank": ("付款人开户行名",),
    "payee_bank": ("收款人开户行名",),
}
HEADER_MUST = (FIELDS["date"], FIELDS["out"] + FIELDS["in"] + FIELDS["amount"])
SECOND_ROW = frozenset({"借方", "贷方", "收入", "支出", "借", "贷"})
OUT_FLAGS = frozenset({"借", "借方", "d", "dr", "借dr", "支出", "支", "出", "转出", "付", "付款", "-", "0"})
IN_FLAGS = frozenset({"贷", "贷方", "c", "cr", "贷cr", "收入", "收", "入", "转入", "收款", "+", "1"})
CNY_NAMES = frozenset({"", "人民币", "人民币元", "cny", "rmb", "156", "01", "本币", "¥"})
SUMMARY_WORDS = ("合计", "总计", "小计", "总笔数", "笔数", "本页", "总额", "总金额", "以上", "注：", "注:",
                 "说明", "打印", "制表", "数据来源", "期初余额", "期末余额", "承前页", "过次页", "本期",
                 "仅供参考", "柜台为准", "查询时间", "记录数")
OWN_LABELS = frozenset({"账号", "账户号", "查询账号", "卡号/账号", "账号/卡号", "本方账号", "账户账号",
                        "账户号码", "单位账号", "付款账号", "accountno", "accountnumber", "accountno.",
                        "acctno", "a/cno"})
# A cell that is only a total label: 合计, 本日合计, 本月小计: (a memo like “9月水电费合计” is not)
SUMMARY_CELL = re.compile(r"^(本日|当日|本月|当月|本页|本期|累计)?(合计|小计|总计|累计)[:：]?$")
RURAL_MARKS = ("农信", "农商", "农村商业", "农村信用", "信用社", "农合", "农村合作")


@dataclass(frozen=True)
class Layout:
    """A bank's file layout: its name, and field → header names (defaults: FIELDS)."""

    code: str
    bank: str
    fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(FIELDS))
    flag_out: frozenset[str] = OUT_FLAGS
    flag_in: frozenset[str] = IN_FLAGS
    markers: tuple[str, ...] = ()       # generic layouts: text required above the header
    required: tuple[str, ...] = ()      # generic layouts: header names required
    negate: bool = False                # credit cards: a positive amount is money spent
    flag_prefix: bool = False           # the flag is the first word of a text (退货 美团)

    @property
    def must(self) -> tuple[tuple[str, ...], ...]:
        if not self.required:
            return HEADER_MUST
        f = self.fields
        return (f["date"], f["out"] + f["in"] + f["amount"])

    def matches(self, sniffed: "Sniffed") -> bool:
        """Whether a sheet's header (and title lines) is in this layout."""
        if self.required:  # generic: configured header names and title markers
            names = sniffed.header.all_names()
            if not all(normalize_name(n, keep_brackets=True) in names for n in self.required):
                return False
            preamble = " ".join(c for _n, cells in sniffed.header.preamble for c in cells)
            return all(m in preamble for m in self.markers)
        return sniffed.code == self.code


ICBC = Layout("icbc", "中国工商银行")
CCB = Layout("ccb", "中国建设银行")
ABC = Layout("abc", "中国农业银行")
BOC = Layout("boc", "中国银行")
RCC = Layout("rcc", "农村商业银行/农村信用社")
BUILTIN = (ICBC, CCB, ABC, BOC, RCC)
GENERIC_NAME = "其他银行（通用格式）"  # the importer of the school's own and the ready layouts


def classify(preamble: str, names: set[str]) -> str | None:
    """Which built-in layout a statement is in, from its title lines and header names."""
    if {"付款人账号", "收款人账号"} <= names and ({"交易金额", "金额"} & names):
        return "boc"
    english = preamble.lower()
    if "[historydetail]" in english or "工商银行" in preamble or "industrial and commercial bank" in english:
        return "icbc"
    if "建设银行" in preamble or "账户明细编号-交易流水号" in names or "construction bank" in english:
        return "ccb"
    if "农业银行" in preamble or "agricultural bank" in english:
        return "abc"
    if any(mark in preamble for mark in RURAL_MARKS):
        return "rcc"
    if names & {"转出金额", "转入金额", "对方单位", "对方单位名称", "回单个性化信息"}:
        return "icbc"
    if {"日期", "交易类型", "借方发生额", "贷方发生额"} <= names:
        return "icbc"
    if "收入/支出" in names:
        return "rcc"
    if {"收入金额", "支出金额"} <= names:
        if names & {"交易流水号", "交易账号"}:
            return "rcc"
        if names & {"交易用途", "交易行名", "对方省市", "会计日期", "交易时间戳", "交易日志号", "本次余额"}:
            return "abc"
    return None


@dataclass
class Sniffed:
    """What identify() learnt about one sheet: its rows, the header, the layout code."""

    sheet: Sheet
    header: Header
    code: str | None

    @property
    def rows(self):
        return self.sheet.rows


_last_sniff: dict[tuple, tuple[list[Sheet], list[Sniffed | None]]] = {}


def sniff_statement(path: str, must=HEADER_MUST) -> list[Sniffed | None]:
    """Read and classify each sheet of a statement (None for a sheet without a header).
    The last file is kept, since every importer asks about it."""
    stat = os.stat(path)
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _last_sniff.get(key)
    if cached is None:
        _last_sniff.clear()
        cached = _last_sniff[key] = (read_sheets(path), {})
    sheets, by_must = cached
    if must not in by_must:
        found = []
        for sheet in sheets:
            header = find_header(sheet.rows, must, SECOND_ROW)
            if header is None:
                found.append(None)
                continue
            preamble = " ".join(c for _n, cells in header.preamble for c in cells if c)
            found.append(Sniffed(sheet, header, classify(preamble, header.all_names())))
        by_must[must] = found
    return by_must[must]


def statement_sheets(path: str) -> list[Sheet]:
    sniff_statement(path)
    return next(iter(_last_sniff.values()))[0]


def _own_account_in_preamble(preamble) -> str | None:
    for _number, cells in preamble:
        for index, cell in enumerate(cells):
            if not cell:
                continue
            text = cell.replace("：", ":")
            label, sep, value = text.partition(":")
            if normalize_name(label) not in OWN_LABELS:
                continue
            value = value.strip()
            if not value:
                value = next((c for c in cells[index + 1:] if c), "")
            number = account_number(value)
            if sum(ch.isdigit() for ch in number) >= 6:
                return number
    return None


class StatementImporter(XiaozhangImporter):
    """Bank statements in one built-in layout, or (`generic=True`) in any of the school's
    generic layouts (import-layouts/*.toml), which take precedence over the built-in ones."""

    kind = "银行流水"

    def __init__(self, layouts: Layout | tuple[Layout, ...], index: LedgerIndex | None = None,
                 account: str | None = None, rules: Rules | None = None, claimed_by_others=(),
                 generic: bool = False):
        super().__init__(index, account)
        self.layouts = (layouts,) if isinstance(layouts, Layout) else tuple(layouts)
        self.generic = generic
        self.rules = rules if rules is not None else load_rules()
        self.others = tuple(claimed_by_others)  # generic layouts that take precedence

    @property
    def name(self) -> str:
        """What Fava's Import page and `import identify` show: the bank's Chinese name."""
        return GENERIC_NAME if self.generic else self.layouts[0].bank

    @property
    def code(self) -> str:
        return "generic" if self.generic else self.layouts[0].code

    def __repr__(self) -> str:
        return f"<{self.name} {'、'.join(l.bank for l in self.layouts)}>"

    # -- identification -------------------------------------------------------------------
    def layout_of(self, filepath: str, index: int) -> Layout | None:
        """The layout sheet `index` of the file is in, if it is one of ours."""
        for layout in self.layouts:
            sniffed = sniff_statement(filepath, layout.must)[index]
            if sniffed is not None and layout.matches(sniffed):
                if not self.generic and any(self._claimed(filepath, index)):
                    return None
                return layout
        return None

    def _claimed(self, filepath: str, index: int):
        for layout in self.others:
            theirs = sniff_statement(filepath, layout.must)[index]
            yield theirs is not None and layout.matches(theirs)

    def sniff(self, filepath: str) -> bool:
        if Path(filepath).suffix.lower() not in SUFFIXES or not self.layouts:
            return False
        sheets = sniff_statement(filepath, self.layouts[0].must)
        return any(self.layout_of(filepath, i) for i in range(len(sheets)))

    def describe(self, filepath: str) -> str:
        if not self.generic:
            return self.kind
        banks = {self.layout_of(filepath, i).bank for i in range(len(sniff_statement(filepath)))
                 if self.layout_of(filepath, i)}
        return f"{self.kind}，通用格式：{'、'.join(sorted(banks))}"

    def filename(self, filepath: str) -> str | None:
        return None

    # -- extraction -----------------------------------------------------------------------
    def parse_file(self, filepath: str, index: LedgerIndex) -> FileResult:
        result = FileResult(filepath, self.name)
        if not self.layouts:
            result.errors.append(RowError(filepath, 0, "没有配置通用银行格式（import-layouts/*.toml）"))
            return result
        try:
            sheets = sniff_statement(filepath, self.layouts[0].must)
        except FileProblem as problem:
            result.errors.append(RowError(filepath, 0, str(problem)))
            return result
        found = False
        for number, sniffed in enumerate(sheets):
            layout = self.layout_of(filepath, number)
            if layout is None:
                if sniffed is None:
                    note_sheet_without_header(filepath, statement_sheets(filepath)[number], result)
                elif sniffed.sheet.name is not None:
                    result.errors.append(RowError(sniffed.sheet.where(filepath), 0,
                                                  "这个工作表是另一家银行或另一种格式的流水；"
                                                  "请把它另存为单独的文件再导入"))
                continue
            found = True
            sniffed = sniff_statement(filepath, layout.must)[number]
            try:
                _Extraction(self, layout, filepath, sniffed, index, result).run()
            except FileProblem as problem:
                result.errors.append(RowError(sniffed.sheet.where(filepath), 0, str(problem)))
        if not found and not result.errors:
            result.errors.append(RowError(filepath, 0, "找不到表头行（应含“交易日期”和“金额/借方/贷方”等列名）；"
                                                        "请确认是银行导出的交易明细"))
        return result


def _is_summary(cells: list[str]) -> bool:
    return any("计" in c and SUMMARY_CELL.match(c) for c in cells)


def _has_summary_words(cells: list[str]) -> bool:
    return any(w in c for c in cells if c for w in SUMMARY_WORDS)


@dataclass
class _Row:
    """One data row as read: what the money columns say."""

    number: int
    cells: list[str]
    date: dt.date
    amount: Decimal
    balance: Decimal | None


class _Extraction:
    """The work of one parse of one sheet: column lookup, then one pass over the rows in which
    each row ends as booked, non-data (title, header, total, footer, blank) or a row error,
    then the running-balance check and the closing balance."""

    def __init__(self, importer: StatementImporter, layout: Layout, path: str, sniffed: Sniffed,
                 index: LedgerIndex, result: FileResult):
        self.importer = importer
        self.layout = layout
        self.path = sniffed.sheet.where(path)
        self.rows = sniffed.rows
        self.header = sniffed.header
        self.index = index
        self.result = result
        self.col = {name: self.header.find(tuple(normalize_name(a, keep_brackets=True) for a in aliases))
                    for name, aliases in layout.fields.items()}
        if self.col["time"] == self.col["date"]:
            self.col["time"] = None
        # every memo-like column present (ABC has both 交易附言 and 交易说明), in field order
        self.memo_cols: list[int] = []
        for name in ("memo", "purpose", "remark"):
            for alias in layout.fields[name]:
                column = self.header.find((normalize_name(alias, keep_brackets=True),))
                if column is not None and column not in self.memo_cols:
                    self.memo_cols.append(column)
        self.width = len(self.header.names)
        self.needed = tuple(self.col[name] for name in ("date", "out", "in", "amount", "flag", "balance",
                                                        "payer_account", "payee_account")
                            if self.col[name] is not None)
        self.bounds = date_range(index)
        self.period = statement_period(c for _n, cells in self.header.preamble for c in cells if c)
        # per-file state of the pass over the rows
        self.last_date: dt.date | None = None
        self.timed = False  # whether the last date written had a time (then no carry-down)
        self.unterminated = sniffed.sheet.unterminated
        self.typical = typical_length(self.rows[self.header.row_index + 1:], self.width)
        self.seen: dict[str, Decimal] = {}                  # ref → amount of its first row
        self.repeats: dict[tuple[str, Decimal], int] = {}   # (ref, amount) → rows so far, once repeated
        self.settled: dict = {}
        self.numbers: dict[str, str | None] = {}  # counterparty account text → own ledger account
        self.booked: list[tuple[dt.date, Decimal, Decimal | None, int]] = []  # for order and balance
        self.failed_rows: list[int] = []  # row numbers with an error (the balance cannot follow across)

    def own_number(self) -> str | None:
        number = _own_account_in_preamble(self.header.preamble)
        if number:
            return number
        column = self.col["own_account"]
        if column is not None:  # the number most rows give (a shifted row must not decide)
            counts: dict[str, int] = {}
            for _n, cells in self.rows[self.header.row_index + 1:]:
                if column < len(cells) and not any(cells[self.width:]):
                    number = account_number(cells[column])
                    if sum(ch.isdigit() for ch in number) >= 4:
                        counts[number] = counts.get(number, 0) + 1
            if counts:
                return max(counts, key=counts.get)
        payer, payee = self.col["payer_account"], self.col["payee_account"]
        if payer is not None and payee is not None:  # BOC without 查询账号: the common party
            counts: dict[str, int] = {}
            for _n, cells in self.rows[self.header.row_index + 1:]:
                for column in (payer, payee):
                    if column < len(cells) and cells[column]:
                        key = account_number(cells[column])
                        counts[key] = counts.get(key, 0) + 1
            if counts:
                return max(counts, key=counts.get)
        return None

    def ledger_account(self, number: str | None) -> str:
        importer = self.importer
        if importer.forced_account:
            return importer.forced_account
        if not number:
            raise FileProblem("文件中找不到本方账号；请用 --account 指定导入到哪个银行科目")
        account = self.index.bank_accounts.get(number)
        if account is None:
            known = "、".join(sorted(self.index.bank_accounts)) or "无"
            raise FileProblem(f"账号 {number} 不是账本中任何银行科目的 bank_account（已登记：{known}）；"
                              "请在科目的 open 上补 bank_account，或用 --account 指定")
        return account

    def run(self) -> None:
        result = self.result
        if not any(any(cells) for _n, cells in self.rows[self.header.row_index + 1:]):
            result.warnings.append(f"{self.path}: 只有表头，没有交易行")
            result.lines += len(self.rows)
            result.heading += len(self.rows)
            return
        col = self.col
        if col["out"] is not None and col["in"] is not None:
            mode = "split"
        elif col["amount"] is not None and col["flag"] is not None:
            mode = "flag"
        elif col["amount"] is not None and col["payer_account"] is not None and col["payee_account"] is not None:
            mode = "parties"
        elif col["amount"] is not None:
            mode = "signed"
        else:
            raise FileProblem("找不到金额列：需要“借方/贷方”“收入/支出”两列，或“金额”列（带借贷标志或正负号）")
        own = self.own_number()
        account = self.ledger_account(own)
        if result.account is None:
            result.account = account
        result.lines += len(self.rows)
        result.heading += self.header.row_index + 1  # title lines, account block, the header
        self.extract_rows(mode, own or "", account)

    def settles_receipts(self, account: str, date: dt.date, amount: Decimal, used: dict) -> dt.date | None:
        """The receipts day (within SETTLE_DAYS before `date`) whose unsettled total this deposit
        equals exactly, latest first; `used` holds what earlier rows of this file settled."""
        index = self.index
        if not index.receipts:
            return None
        for back in range(SETTLE_DAYS + 1):
            day = date - dt.timedelta(days=back)
            key = (account, day)
            if key in index.receipts and index.unsettled(account, day) - used.get(key, 0) == amount:
                used[key] = used.get(key, 0) + amount
                return day
        return None

    # -- the pass over the rows -----------------------------------------------------------
    def extract_rows(self, mode: str, own: str, account: str) -> None:
        result = self.result
        self.mode = mode
        for number, cells in self.rows[self.header.row_index + 1:]:
            try:
                row = self.read_row(number, cells, mode, own)
            except ValueProblem as problem:
                result.rows += 1
                result.failed += 1
                result.errors.append(RowError(self.path, number, f"{problem}；请核对该行"))
                self.failed_rows.append(number)
                continue
            if row is None:
                result.skipped += 1
                continue
            if not row.amount:  # a 0.00 row moves no money: nothing to book
                result.skipped += 1
                result.warnings.append(f"{self.path}:{number}: 金额为 0，未生成分录")
                continue
            result.rows += 1
            self.book(row, account)
        self.check_balances_and_close(account)

    def read_row(self, number: int, cells: list[str], mode: str, own: str) -> _Row | None:
        """The row's date and money, None for a non-data row; ValueProblem for a bad row."""
        if not any(cells):
            return None
        if number == self.unterminated and len(cells) < self.width:  # cut off: never a footer
            raise ValueProblem(check_row(cells, self.width, self.needed, cut=True))
        column = self.col["date"]
        date_text = cells[column] if column < len(cells) else ""
        date = None
        if date_text and not date_text.startswith(FORMULA):
            try:
                date = parse_date(date_text, self.period)
            except ValueProblem:
                if _has_summary_words(cells):
                    return None  # totals, footers, repeated titles
                raise
            self.last_date = date
            self.timed = ":" in date_text  # a date with its time is printed on every row
            if "计" in "".join(cells) and _is_summary(cells):  # 本日合计 / 本月小计 rows with a date
                return None
        elif not date_text:
            if _has_summary_words(cells) or not self.has_money(cells):
                return None  # a total or a note line: no date, no amount
        problem = check_row(cells, self.width, self.needed, cut=number == self.unterminated,
                            typical=self.typical)
        if problem:
            raise ValueProblem(problem)
        if date is None:  # banks print the date on the first row of a day only (or merge the cells)
            if self.last_date is None:
                raise ValueProblem("日期为空，上面也没有可沿用的日期")
            if self.timed:
                raise ValueProblem("日期为空：本文件的日期栏带时间，每行都应有日期，不能沿用上一行的日期")
            date = self.last_date
            self.result.carried.append(number)
        check_date(date, self.index, self.bounds)
        amount = self.read_amount(cells, mode, own)
        if self.layout.negate:
            amount = -amount
        column = self.col["balance"]
        balance = parse_amount(cells[column]) if column is not None else None
        column = self.col["currency"]
        if column is not None and normalize_name(cells[column]) not in CNY_NAMES:
            raise ValueProblem(f"币种“{cells[column]}”不是人民币；外币账户请单独处理")
        return _Row(number, cells, date, amount, balance)

    def has_money(self, cells: list[str]) -> bool:
        return any(column is not None and column < len(cells) and cells[column]
                   and not PLACEHOLDER.match(cells[column])
                   for column in (self.col["out"], self.col["in"], self.col["amount"]))

    def read_amount(self, cells: list[str], mode: str, own: str) -> Decimal:
        """The signed amount (+ money in, − money out) by the layout's way of telling direction."""
        col, layout = self.col, self.layout
        if mode == "split":
            out_amount = parse_amount(cells[col["out"]])
            in_amount = parse_amount(cells[col["in"]])
            if out_amount and in_amount:
                raise ValueProblem(f"借方（支出）{out_amount} 和贷方（收入）{in_amount} 同时有金额")
            if in_amount:
                return in_amount
            if out_amount:
                return -out_amount
            if out_amount is None and in_amount is None:
                raise ValueProblem("借方（支出）和贷方（收入）金额都为空")
            return Decimal(0)
        value = parse_amount(cells[col["amount"]])
        if value is None:
            raise ValueProblem("金额为空")
        if mode == "flag":
            flag = normalize_name(cells[col["flag"]])
            if layout.flag_prefix:
                flag = next((f for f in layout.flag_out | layout.flag_in if flag.startswith(f)), flag)
            if flag in layout.flag_out:
                return -abs(value)
            if flag in layout.flag_in:
                return abs(value)
            raise ValueProblem(f"借贷标志“{cells[col['flag']]}”无法识别（应为 借/贷 或 收入/支出）")
        if mode == "parties":
            payer, payee = account_number(cells[col["payer_account"]]), account_number(cells[col["payee_account"]])
            if own and payer == own and payee != own:
                return -abs(value)
            if own and payee == own and payer != own:
                return abs(value)
            raise ValueProblem("付款人账号和收款人账号都不是本方账号，无法判断收支方向")
        return value

    # -- one transaction per row ------------------------------------------------------------
    def counterparty(self, cells: list[str], amount: Decimal, mode: str) -> tuple[str, str, str]:
        """(name, account, bank) of the other party; `-` placeholders dropped."""
        col = self.col

        def cell(column):
            return cells[column] if column is not None and column < len(cells) else ""

        if mode == "parties":
            incoming = amount > 0
            name = cell(col["payer_name" if incoming else "payee_name"]) if (
                col["payer_name"] is not None and col["payee_name"] is not None) else ""
            number = cell(col["payer_account" if incoming else "payee_account"])
            bank = cell(col["payer_bank" if incoming else "payee_bank"])
        else:
            name, number, bank = cell(col["counterparty"]), cell(col["counterparty_account"]), cell(
                col["counterparty_bank"])
        if number and not account_number(number):
            number = ""
        if name and not name.strip("-—_* "):
            name = ""
        if bank and not bank.strip("-—_* "):
            bank = ""
        return name, number, bank

    def memo(self, cells: list[str]) -> str:
        texts = []
        for column in self.memo_cols:
            text = cells[column] if column < len(cells) else ""
            if text and text not in texts and text.strip("-—_* "):
                texts.append(text)
        return " ".join(texts)

    def reference(self, row: _Row, counterparty: str, counterparty_account: str, memo: str) -> str:
        """The bank's serial, or a stable hash; the n-th identical (ref, amount) of a file `-n`:
        identical rows are distinct transactions, and an overlapping statement repeats the refs."""
        cells, amount = row.cells, row.amount
        c_serial, c_time = self.col["serial"], self.col["time"]
        serial = cells[c_serial].strip() if c_serial is not None and c_serial < len(cells) else ""
        if serial and serial.strip("-—_* 0"):
            ref = serial
        else:
            time_text = cells[c_time] if c_time is not None and c_time < len(cells) else ""
            key = f"{row.date}|{time_text}|{amount}|{counterparty_account}|{counterparty}|{row.balance}|{memo}"
            ref = "H" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        first = self.seen.setdefault(ref, amount)
        if first is not amount:  # the ref was seen before: count (ref, amount) pairs
            count = self.repeats.get((ref, amount), 1 if first == amount else 0) + 1
            self.repeats[(ref, amount)] = count
            if count > 1:
                ref = f"{ref}-{count}"
        return ref

    def other_side(self, account: str, row: _Row, counterparty: str, counterparty_account: str,
                   memo: str, meta: dict) -> tuple[str, str, str]:
        """(account, flag, narration) of the second posting: fees in transit, a transfer between
        the school's own accounts, the first matching rule, or `!` suspense."""
        date, amount = row.date, row.amount
        receipts_day = self.settles_receipts(account, date, amount, self.settled) if (
            self.index.receipts and amount > 0) else None
        if receipts_day:
            meta["receipts_date"] = receipts_day
            return FEES_IN_TRANSIT, "*", memo or "缴费到账"
        own_other = None
        own_accounts = self.index.bank_accounts
        if own_accounts and counterparty_account:
            if counterparty_account not in self.numbers:
                self.numbers[counterparty_account] = own_accounts.get(account_number(counterparty_account))
            own_other = self.numbers[counterparty_account]
        if own_other is not None and own_other != account:  # each statement books its side
            return (TRANSFERS_IN_TRANSIT, "*",
                    memo or f"{'转入自' if amount > 0 else '转出至'} {own_other.rsplit(':', 1)[-1]}")
        rule = self.importer.rules.match(counterparty, counterparty_account, memo, amount, account)
        if rule is not None:
            meta.update(rule.meta)
            return rule.account, "*", rule.narration or memo
        direction = "收" if amount > 0 else "付"
        self.result.unmatched.append((row.number, f"{self.path}:{row.number}: {date} {direction} {abs(amount)} "
                                                  f"{counterparty or '（无对方户名）'} {memo}"))
        return SUSPENSE, "!", memo

    def book(self, row: _Row, account: str) -> None:
        counterparty, counterparty_account, counterparty_bank = self.counterparty(row.cells, row.amount,
                                                                                   self.mode)
        memo = self.memo(row.cells)
        meta = data.new_metadata(self.path, row.number)
        meta["bank_ref"] = self.reference(row, counterparty, counterparty_account, memo)
        if counterparty_account:
            meta["counterparty_account"] = counterparty_account
        if counterparty_bank:
            meta["counterparty_bank"] = counterparty_bank
        other, flag, narration = self.other_side(account, row, counterparty, counterparty_account, memo, meta)
        units = data.Amount(row.amount, CURRENCY)
        self.result.entries.append(data.Transaction(
            meta, row.date, flag, counterparty or None, narration, data.EMPTY_SET, data.EMPTY_SET, [
                data.Posting(account, units, None, None, None, None),
                data.Posting(other, -units, None, None, None, None),
            ]))
        self.booked.append((row.date, row.amount, row.balance, row.number))

    # -- the running balance and the closing balance ----------------------------------------
    def check_balances_and_close(self, account: str) -> None:
        """Chronological order (many exports are newest first; an unsorted file is put in date
        order and said so), the running balance checked row by row (a row that does not follow
        from the one before is an error: a lost, joined or altered row), then the assertion
        from the balance of the latest date — never simply the last line."""
        booked = self.booked
        if not booked or all(b is None for _d, _a, b, _n in booked):
            return
        chronological = booked if _ascending(booked) else booked[::-1]
        ordered = sorted(chronological, key=lambda r: r[0])
        if ordered != chronological:
            self.result.warnings.append(f"{self.path}: 文件中的交易没有按日期排序；已按日期核对余额，"
                                        "余额断言取最晚日期的余额")
        chain = self.balance_chain(ordered)
        today = dt.date.today()
        if chain and chain[-1][0] >= today:
            # exported during the day: later rows of that day may follow, so assert the balance
            # the day started with (after the last row of an earlier day), dated that day
            chain = [r for r in chain if r[0] < today]
            self.result.warnings.append(f"{self.path}: 流水含今天（{today}）的交易，今天可能还没结束；"
                                        "余额断言只写到今天开始时")
            asserted = today
        else:
            asserted = chain[-1][0] + ONE_DAY if chain else None
        last = next((i for i in range(len(chain) - 1, -1, -1) if chain[i][2] is not None), None)
        if last is None:
            return
        # the last running balance, plus rows after it that show none (an empty balance cell)
        balance = chain[last][2] + sum((r[1] for r in chain[last + 1:]), Decimal(0))
        number = chain[last][3]
        meta = data.new_metadata(self.path, number)
        self.result.entries.append(data.Balance(meta, asserted, account,
                                                data.Amount(balance, CURRENCY), None, None))

    def balance_chain(self, ordered):
        """The rows in the order the running balance follows (within a day, any order that
        makes it follow); a row that follows from no other is reported and not booked."""
        chain, broken = [], []
        previous, previous_number = None, None
        day_rows: list = []
        failed = self.failed_rows

        def across_an_error(number) -> bool:
            if previous_number is None or not failed:
                return False
            low, high = sorted((previous_number, number))
            at = bisect.bisect_left(failed, low)
            return at < len(failed) and failed[at] < high

        def flush():
            nonlocal previous, previous_number
            pending = list(day_rows)
            if pending and previous is not None and across_an_error(pending[0][3]):
                previous = None  # a row between them was reported: its money is unknown
            if previous is None and len(pending) <= 2000:  # start at the row no other row leads to
                balances = {r[2] for r in pending if r[2] is not None}
                head = next((r for r in pending if r[2] is not None and r[2] - r[1] not in balances), None)
                if head is not None:
                    pending.remove(head)
                    pending.insert(0, head)
            while pending:
                pick = None
                if previous is not None and len(pending) <= 2000:
                    pick = next((r for r in pending if r[2] is not None and previous + r[1] == r[2]), None)
                if pick is None:
                    pick = pending[0]
                    if previous is not None and across_an_error(pick[3]):
                        previous = None
                    if previous is not None and pick[2] is not None and previous + pick[1] != pick[2]:
                        broken.append(pick)
                pending.remove(pick)
                chain.append(pick)
                if pick[2] is not None:
                    previous, previous_number = pick[2], pick[3]

        for row in ordered:
            if day_rows and row[0] != day_rows[0][0]:
                flush()
                day_rows.clear()
            day_rows.append(row)
        flush()
        if broken:
            self.reject(broken, chain)
        return [r for r in chain if r not in broken]

    def reject(self, broken, chain) -> None:
        """Running-balance breaks become row errors; their transactions are taken out."""
        numbers = {r[3] for r in broken}
        position = {id(r): i for i, r in enumerate(chain)}
        for row in broken:
            at = position[id(row)]
            before = next((r[2] for r in reversed(chain[:at]) if r[2] is not None), None)
            _date, amount, balance, number = row
            self.result.errors.append(RowError(self.path, number, (
                f"余额不连续：上一笔余额 {before} {'+' if amount > 0 else '-'} {abs(amount)} ≠ 本行余额 {balance}；"
                "可能缺了行、两行连成了一行、一行被拆开或金额被改动；请核对原始流水，或从网银重新下载")))
        self.result.failed += len(broken)
        self.result.entries[:] = [e for e in self.result.entries
                                  if not (isinstance(e, data.Transaction) and e.meta.get("lineno") in numbers
                                          and e.meta.get("filename") == self.path)]
        self.result.unmatched[:] = [u for u in self.result.unmatched if u[0] not in numbers]


def _ascending(rows_out) -> bool:
    first, last = rows_out[0][0], rows_out[-1][0]
    if first != last:
        return first < last
    # one day only: the running balance tells the order
    forward = sum(1 for a, b in zip(rows_out, rows_out[1:])
                  if a[2] is not None and b[2] is not None and a[2] + b[1] == b[2])
    backward = sum(1 for a, b in zip(rows_out, rows_out[1:])
                   if a[2] is not None and b[2] is not None and b[2] + a[1] == a[2])
    return forward >= backward
