"""`xiaozhang import identify|extract|archive`: beangulp's identify/extract/archive steps
(`beangulp.identify.identify`, `beangulp.extract.extract_from_file`,
`beangulp.archive.filepath/move`) driven with the project's importers, plus row accounting:
every data row ends as imported, duplicate or `file:row: error`, and the run says so.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from beancount.core import data
from beancount.parser import printer
from beangulp import archive as bg_archive
from beangulp import exceptions as bg_exceptions
from beangulp import extract as bg_extract
from beangulp import identify as bg_identify
from beangulp import utils as bg_utils

from xiaozhang.chart import BANK_BASIC
from xiaozhang.commands import optional_ledger_option
from xiaozhang.io import append_atomic

from .base import DUPLICATE, FileResult, LedgerIndex, RowError, closing_balance_problem, mark_duplicates
from .config import ledger_importers
from .receipts import reconcile
from .rules import RulesError



@dataclass
class Run:
    """Totals of one `extract` run."""

    imported: int = 0
    duplicates: int = 0
    skipped: int = 0      # totals, footers, blank rows below a header
    heading: int = 0      # title lines, account blocks, header rows
    lines: int = 0        # every row of the files read
    failed: int = 0       # data rows with an error
    held: int = 0         # rows of a meal-card day that has an error
    unread: int = 0       # files (or sheets) that could not be read at all
    errors: list[RowError] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reconciliation: list[str] = field(default_factory=list)
    balances: list[str] = field(default_factory=list)  # closing balances that disagree with the ledger
    output: list[tuple[str, list]] = field(default_factory=list)  # (file, new entries)


def _rows_in(entry) -> int:
    if not isinstance(entry, data.Transaction):
        return 0
    return int(entry.meta.get("records", 1))


def _setup(ledger: str | None, account: str | None, rules_path: str | None):
    """Index of the ledger (then dropped: only bank_ref/invoice/balances stay), rules, importers."""
    index = LedgerIndex.from_ledger(ledger) if ledger else LedgerIndex()
    if account and not account.startswith(("Assets:", "Liabilities:")):
        raise click.UsageError(f"--account 应为完整科目名，如 {BANK_BASIC}，而不是“{account}”")
    if account and index.accounts and account not in index.accounts:
        raise click.UsageError(f"--account 科目“{account}”没有在账本中开立")
    try:
        importers = ledger_importers(ledger, index, account, rules_path)
    except (RulesError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    return index, importers


def _files(paths) -> list[str]:
    return list(bg_utils.walk(paths))


def _identify(importers, path: str):
    try:
        return bg_identify.identify(importers, path), None
    except bg_exceptions.Error as error:
        return None, f"{path}: 文件同时被多个导入器识别（{'; '.join(map(str, error.args[1:]))}），请检查银行格式配置"


UNKNOWN_FILE = "无法识别的文件：不是已知银行的流水、收费票据或饭卡导出；其他银行请按 docs/import.md 配置通用格式"


def why_unidentified(path: str, problem: str | None = None) -> str:
    """Why no importer took the file, in Chinese (the CLI and Fava's Import page say the same)."""
    if problem:
        return problem
    try:
        if os.path.getsize(path) == 0:
            return "文件为空（0 字节）；请重新从银行或系统导出"
    except OSError as error:
        return f"无法读取文件（{error.strerror}）"
    return _unreadable(path) or UNKNOWN_FILE


def extract_files(paths, importers, index: LedgerIndex) -> Run:
    run = Run()
    identified = []
    for path in _files(paths):
        importer, problem = _identify(importers, path)
        if importer is None:
            run.unread += 1
            run.errors.append(RowError(path, 0, why_unidentified(path, problem)))
            continue
        identified.append((importer, path))
    # receipts first, so that a statement in the same run finds the deposits they wait for
    identified.sort(key=lambda pair: pair[0].code != "receipts")
    touched: set = set()
    for importer, path in identified:
        result: FileResult = importer.parse(path, index)
        run.errors += result.errors
        run.skipped += result.skipped
        run.heading += result.heading
        run.lines += result.lines
        run.failed += result.failed
        run.held += result.held
        run.unread += sum(1 for e in result.errors if not e.row)
        run.warnings += result.warnings
        run.voided += result.voided
        if result.carried:
            rows = "、".join(map(str, result.carried[:10])) + ("……" if len(result.carried) > 10 else "")
            run.warnings.append(f"{path}: 第 {rows} 行（共 {len(result.carried)} 行）日期栏为空（银行同一天只在第一行"
                                "写日期，或合并了单元格），已沿用上面最近一行的日期；请核对")
        if result.errors and not result.entries:
            continue
        entries = bg_extract.extract_from_file(_Parsed(importer, result), path, [])
        mark_duplicates(entries, index)
        fresh = [e for e in entries if not e.meta.get(DUPLICATE)]
        run.duplicates += sum(_rows_in(e) for e in entries if e.meta.get(DUPLICATE))
        run.imported += sum(_rows_in(e) for e in fresh)
        pending = {e.meta.get("lineno") for e in fresh if isinstance(e, data.Transaction) and e.flag == "!"}
        run.unmatched += [line for row, line in result.unmatched if row in pending]
        touched |= _transit_days(fresh)
        run.output.append((path, fresh))
    run.reconciliation = reconcile(index, touched)
    # the statements' closing balances against the ledger with everything this run imports
    for path, fresh in run.output:
        for entry in fresh:
            if isinstance(entry, data.Balance):
                problem = closing_balance_problem(entry, index)
                if problem:
                    run.balances.append(f"{path}: {problem}")
    return run


def accounted(run: Run) -> int:
    """The rows the run accounts for; equals `run.lines` (every row of every file read)."""
    return (run.imported + run.duplicates + run.failed + len(run.voided) + run.held + run.skipped
            + run.heading)


def summary(run: Run) -> str:
    """The closing line: every row of the files, each counted once."""
    parts = [f"导入 {run.imported} 行", f"重复 {run.duplicates} 行", f"错误 {run.failed} 行"]
    if run.voided:
        parts.append(f"作废票据 {len(run.voided)} 行")
    if run.held:
        parts.append(f"因同日有错未导入 {run.held} 行")
    line = (f"{'，'.join(parts)}（另跳过合计/页脚/空行 {run.skipped} 行、标题/表头 {run.heading} 行；"
            f"文件共 {run.lines} 行）。")
    if run.unread:
        line += f"另有 {run.unread} 个文件或工作表无法读取（原因见上）。"
    if accounted(run) != run.lines:  # never expected: say so rather than hide it
        line += f"行数核对不符：以上合计 {accounted(run)} 行，文件共 {run.lines} 行，请报告此问题。"
    return line


def _transit_days(entries) -> set:
    """The (deposit account, day) pairs of fees in transit that these entries move."""
    from xiaozhang.chart import FEES_IN_TRANSIT

    from .receipts import deposit_account

    days = set()
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            if posting.account == FEES_IN_TRANSIT:
                if posting.units.number > 0:
                    days.add((deposit_account(entry.postings[1].account), entry.date))
                else:
                    day = entry.meta.get("receipts_date", entry.date)
                    days.add((entry.postings[0].account, day))
    return days


def _unreadable(path: str) -> str | None:
    """Why no importer could read the file, when the file itself is the problem (too big,
    damaged, not a table)."""
    from .tabular import SUFFIXES, FileProblem, read_sheets

    if Path(path).suffix.lower() not in SUFFIXES:
        return None
    try:
        read_sheets(path)
    except FileProblem as problem:
        return f"{problem}"
    return None


class _Parsed:
    """Hands an already parsed result to beangulp's extract_from_file (sort + type check)."""

    def __init__(self, importer, result: FileResult):
        self.importer, self.result = importer, result

    def extract(self, filepath, existing):
        return list(self.result.entries)

    def sort(self, entries, reverse=False):
        self.importer.sort(entries, reverse)


def render(output) -> str:
    buffer = io.StringIO()
    for path, entries in output:
        if not entries:
            continue
        buffer.write(f"\n; 导入自 {path}\n")
        printer.print_entries(entries, file=buffer)
    return buffer.getvalue()


safe_append = append_atomic  # the one safe write (xiaozhang.io); kept under its old name


LEDGER_OPTION = optional_ledger_option("用于按 bank_account 识别账户、按 bank_ref/票据号去重")
ACCOUNT_OPTION = click.option("--account", help="强制导入到该科目（不按文件中的账号识别）")
RULES_OPTION = click.option("--rules", type=click.Path(exists=True, dir_okay=False),
                            help="归类规则文件（默认：账本目录下的 import-rules.toml，否则内置规则）")


@click.group("import")
def import_group() -> None:
    """导入银行流水、收费票据、饭卡数据（基于 beangulp）。"""


@import_group.command("identify")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@LEDGER_OPTION
@ACCOUNT_OPTION
@RULES_OPTION
def identify_command(files, ledger, account, rules) -> None:
    """列出每个文件由哪个导入器识别、记入哪个科目。"""
    _index, importers = _setup(ledger, account, rules)
    unknown = 0
    for path in _files(files):
        importer, problem = _identify(importers, path)
        if importer is None:
            unknown += 1
            click.echo(f"{path}: {why_unidentified(path, problem)}")
            continue
        result = importer.parse(path)
        where = result.account or "（账户未确定）"
        click.echo(f"{path}: {importer.name}（{importer.describe(path)}）→ {where}")
    if unknown:
        sys.exit(1)


@import_group.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@LEDGER_OPTION
@ACCOUNT_OPTION
@RULES_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="追加写入该账本文件（安全写入）；默认打印")
@click.option("--allow-errors", is_flag=True, help="有错误行时仍写出其余分录（退出码仍为 1）")
def extract_command(files, ledger, account, rules, output, allow_errors) -> None:
    """从文件提取新分录：已在账本中的（bank_ref/票据号相同）不再重复。"""
    index, importers = _setup(ledger, account, rules)
    run = extract_files(files, importers, index)
    text = render(run.output)
    write = not run.errors or allow_errors
    if write and text:
        if output:
            safe_append(Path(output), text)
        else:
            click.echo(text, nl=False)
    err = lambda line: click.echo(line, err=True)  # noqa: E731
    for line in run.warnings:
        err(f"注意：{line}")
    if run.voided:
        err(f"作废票据 {len(run.voided)} 张（已跳过）：")
        for line in run.voided:
            err(f"  {line}")
    if run.reconciliation:
        err("票据与银行到账核对（账本和本次导入合计）：")
        for line in run.reconciliation:
            err(f"  {line}")
    if run.unmatched:
        err(f"未匹配归类规则、已记入待查款项并标记 ! 的 {len(run.unmatched)} 笔（请查明后改为正确科目）：")
        for line in run.unmatched:
            err(f"  {line}")
    for line in run.balances:
        err(f"注意：{line}")
    for problem in run.errors:
        err(str(problem))
    err(summary(run))
    if run.errors:
        if not write:
            err("有错误，未写出任何分录；改正后重新导入，或加 --allow-errors 先导入其余各行。")
        sys.exit(1)


@import_group.command("archive")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--destination", required=True, type=click.Path(file_okay=False),
              help="归档根目录（按 科目/日期-文件名 存放）")
@click.option("-n", "--dry-run", is_flag=True, help="只显示将移动到哪里")
@LEDGER_OPTION
@ACCOUNT_OPTION
def archive_command(files, destination, dry_run, ledger, account) -> None:
    """把已导入的文件按科目和日期归档（beangulp 的 archive）。"""
    _index, importers = _setup(ledger, account, None)
    moves, problems = [], []
    for path in _files(files):
        importer, problem = _identify(importers, path)
        if importer is None:
            problems.append(f"{path}: {problem or '未识别，不归档'}")
            continue
        target = os.path.join(destination, bg_archive.filepath(importer, path))
        if os.path.exists(target) or any(t == target for _s, t in moves):
            problems.append(f"{path}: 目标已存在 {target}")
            continue
        moves.append((path, target))
    for line in problems:
        click.echo(line, err=True)
    if problems:
        click.echo("有问题，未移动任何文件。", err=True)
        sys.exit(1)
    for source, target in moves:
        click.echo(f"{source} → {target}")
        if not dry_run:
            bg_archive.move(source, target)
