"""Fava's Import page (导入) with 校账's importers: what `importers/fava_import.py` hands Fava.

How Fava 1.30 drives an import (fava/core/ingest.py, fava/core/file.py) and what we do at
each step:

- The page lists the files of `import-dirs`, each with the importers whose `identify` takes it
  (`/api/imports`).  Our importers have Chinese names (中国工商银行、收费票据 …, IMPORTER_NAMES).
  A file none of them takes is offered to one more importer, UNIDENTIFIED_NAME, whose 导出
  shows why the file cannot be imported (the CLI's words, `cli.why_unidentified`) instead of
  leaving it under 不可导入的文件 without a reason.
- 导出 (`/api/extract`) calls `extract`, then `sort` and `deduplicate`, then the HOOKS.  Fava
  turns any exception into "HTTP 500 – Error calling method on importer: Traceback…", so
  nothing here raises for a bad file: a file with bad rows gives one note per problem
  (`file:row: reason`, in Chinese) marked as duplicates (not ticked, nothing is saved), and the
  same problems go to Fava's error list (错误).
- The hook (`import_hook`) checks the statement's closing balance against the ledger plus the
  new entries (a Chinese note and error when they disagree, `base.closing_balance_problem`)
  and steers where 保存 will write: Fava inserts each entry at the `insert-entry` option that
  matches it (the latest option dated before the entry), so for a ledger kept in month files
  (xiaozhang.layout) the hook gives Fava one option per month file, at its end; a month file
  that does not exist yet is created (header only) and included first.  Saving is then
  Fava's own `insert_entries`.  The options live in Fava's memory until the ledger is
  reloaded (a file changed): 导出 again after an edit of the ledger's files.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import beangulp
from beancount.core import data

from xiaozhang.chart import BANK
from xiaozhang.layout import (LayoutRefused, month_layout, month_of_file, prepare_month_file,
                              source_path, target_file)

from .bank import BUILTIN, GENERIC_NAME
from .base import DUPLICATE, LedgerIndex, RowError, closing_balance_problem
from .config import find_layouts, find_rules, ledger_importers
from .mealcard import MEALCARD_NAME
from .receipts import RECEIPTS_NAME

IMPORTER_NAMES = (GENERIC_NAME, *(layout.bank for layout in BUILTIN), RECEIPTS_NAME, MEALCARD_NAME)
UNIDENTIFIED_NAME = "无法识别（点“导出”查看原因）"
NOTE_LIMIT = 50  # notes shown for one file; the rest are counted in the first note

_fava_cache: dict[str, tuple[tuple, object, dict]] = {}


def _config_state(ledger: Path) -> tuple:
    """What the importers of a ledger depend on besides its entries: the config files' times."""
    files = [p for p in [find_rules(ledger)] if p] + find_layouts(ledger)
    return tuple((str(p), p.stat().st_mtime_ns) for p in files)


def _served():
    from fava.context import g

    return g.ledger


def fava_ledger_importers() -> dict:
    """The importers (by name) of the ledger Fava is serving in this request."""
    ledger = _served()
    path = Path(ledger.beancount_file_path)
    state = _config_state(path)
    cached = _fava_cache.get(str(path))
    if cached and cached[0] == state and cached[1] is ledger.all_entries:
        return cached[2]
    index = LedgerIndex.from_entries(ledger.all_entries)
    by_name = {i.name: i for i in ledger_importers(path, index)}
    _fava_cache[str(path)] = (state, ledger.all_entries, by_name)
    return by_name


def served_importers() -> tuple[dict, str | None]:
    """The served ledger's importers by name, or none and why (in Chinese) when its
    `import-rules.toml` or `import-layouts/*.toml` is wrong: the page then offers every file
    to UnidentifiedFile, whose 导出 says what is wrong, instead of a traceback."""
    try:
        return fava_ledger_importers(), None
    except ValueError as error:  # RulesError, LayoutError, duplicate layout codes
        return {}, f"导入配置有错误，所有文件都不能导入：{error}；改正后刷新导入页"


# -- problems as Fava shows them ----------------------------------------------------------------
def problem_notes(path: str, problems: list[RowError], account: str, day: dt.date, title: str) -> list:
    """The problems of a file as notes Fava's import dialog shows: a first that says what
    happened (its 来源 lists every problem), then one per problem; all marked as duplicates, so
    that 保存 writes none of them."""
    shown = problems[:NOTE_LIMIT]
    more = f"（只列出前 {NOTE_LIMIT} 处，共 {len(problems)} 处）" if len(problems) > NOTE_LIMIT else ""
    lines = [str(RowError(Path(p.path).name, p.row, p.message)) for p in shown]  # `名称.csv:5: 原因`
    notes = [_note(path, 0, account, day, f"{title}{more}", "\n".join(lines))]
    notes += [_note(path, p.row, account, day, line) for p, line in zip(shown, lines)]
    return notes


def _note(path: str, row: int, account: str, day: dt.date, text: str, source: str | None = None) -> data.Note:
    """A note for the import dialog (not to be saved: marked as a duplicate); its 来源 is the
    file and row (or `source`)."""
    meta = {"filename": path, "lineno": row, DUPLICATE: True,  # beangulp's sort needs lineno
            "__source__": source or (f"{Path(path).name} 第 {row} 行" if row else Path(path).name)}
    return data.Note(meta, day, account, text, frozenset(), frozenset())


def report_to_fava(path: str, problems: list[RowError]) -> None:
    """Put the problems in Fava's error list (错误) until the ledger is next reloaded."""
    from fava.core.ingest import IngestError

    ingest = _served().ingest
    known = {(e.source.get("filename"), e.source.get("lineno"), e.message) for e in ingest.errors if e.source}
    new = [IngestError({"filename": path, "lineno": p.row}, p.message) for p in problems
           if (path, p.row, p.message) not in known]
    ingest.errors = (*ingest.errors, *new)


# -- the importers Fava is configured with ------------------------------------------------------
class FavaImporter(beangulp.Importer):
    """Stands in Fava's import-config for the importer of the same name of the ledger being
    served: Fava loads the config once, but the bank accounts, rules and layouts are each
    ledger's own (and change when the ledger or its config files change)."""

    def __init__(self, name: str):
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def _real(self):
        return fava_ledger_importers()[self._name]

    def identify(self, filepath: str) -> bool:
        importers, _problem = served_importers()
        return self._name in importers and importers[self._name].identify(filepath)

    def account(self, filepath: str) -> str:
        return self._real().account(filepath)

    def date(self, filepath: str):
        return self._real().date(filepath)

    def filename(self, filepath: str):
        return self._real().filename(filepath)

    def extract(self, filepath: str, existing) -> list:
        """The file's entries; when it has bad rows, the rows' problems as notes (and in Fava's
        error list) and no entries, as the CLI writes nothing from such a file."""
        real = self._real()
        result = real.parse(filepath, real._index_for(existing))
        if not result.errors:
            return list(result.entries)
        report_to_fava(filepath, result.errors)
        day = max((e.date for e in result.entries), default=dt.date.today())
        title = (f"文件有 {len(result.errors)} 处错误，未导入任何分录（见下面各条，也列在“错误”页）；"
                 "改正文件后重新导出，已导入过的行会显示为重复")
        return problem_notes(filepath, result.errors, result.account or real.forced_account or BANK, day, title)

    def deduplicate(self, entries, existing) -> None:
        self._real().deduplicate(entries, existing)

    def sort(self, entries, reverse=False) -> None:
        self._real().sort(entries, reverse)


class UnidentifiedFile(beangulp.Importer):
    """Takes the files none of our importers takes, so that 导出 can say why (in Chinese)."""

    @property
    def name(self) -> str:
        return UNIDENTIFIED_NAME

    def identify(self, filepath: str) -> bool:
        importers, _problem = served_importers()
        return not any(_safe_identify(importer, filepath) for importer in importers.values())

    def account(self, filepath: str) -> str:
        return ""

    def extract(self, filepath: str, existing) -> list:
        from .cli import why_unidentified

        _importers, wrong_config = served_importers()
        problem = RowError(filepath, 0, wrong_config or why_unidentified(filepath))
        report_to_fava(filepath, [problem])
        return [_note(filepath, 0, BANK, dt.date.today(), f"不能导入：{problem.message}")]


def _safe_identify(importer, filepath: str) -> bool:
    try:
        return bool(importer.identify(filepath))
    except Exception:  # a file we cannot read is simply not ours
        return False


def fava_config() -> list:
    return [FavaImporter(name) for name in IMPORTER_NAMES] + [UnidentifiedFile()]


# -- the hook: the closing balance, and where 保存 writes ---------------------------------------
def import_hook(new_entries_list, existing_entries):
    """Fava's import hook (after extract and deduplicate): note each closing balance that
    disagrees with the ledger, and steer Fava's insertion into the month files."""
    from fava.helpers import FavaAPIError

    ledger = _served()
    result = []
    for item in new_entries_list:
        filename, entries = item[0], list(item[1])
        fresh = [e for e in entries if not e.meta.get(DUPLICATE)]
        entries += balance_notes(filename, fresh, existing_entries)
        try:
            steer_to_month_files(ledger, [e for e in fresh if not isinstance(e, data.Note)])
        except (LayoutRefused, FavaAPIError) as refused:  # e.g. a month file outside the ledger
            problem = RowError(filename, 0, f"无法按月份文件保存：{refused}；保存将写入 Fava 的默认文件")
            report_to_fava(filename, [problem])
            entries.append(_note(filename, 0, BANK, dt.date.today(), problem.message))
        result.append((filename, entries, *item[2:]))
    return result


def balance_notes(filename: str, fresh: list, existing) -> list:
    """A note (and an error in Fava's list) for each closing balance of the statement that
    disagrees with the ledger plus the new entries."""
    balances = [e for e in fresh if isinstance(e, data.Balance)]
    if not balances:
        return []
    index = _ledger_index(existing)
    index.add(e for e in fresh if isinstance(e, data.Transaction))
    notes, problems = [], []
    for balance in balances:
        problem = closing_balance_problem(balance, index)
        if problem:
            problems.append(RowError(filename, 0, problem))
            notes.append(_note(filename, 0, balance.account, balance.date, problem))
    if problems:
        report_to_fava(filename, problems)
    return notes


def _ledger_index(existing) -> LedgerIndex:
    """A copy of the index of the served ledger's entries (the one its importers share), to add
    the new entries to; built anew only for another list of entries."""
    shared = next(iter(fava_ledger_importers().values())).index
    if shared is not None and shared.source is existing:
        return shared.copy()
    return LedgerIndex.from_entries(existing or [])


_ANYTHING = re.compile(".*")  # our insert-entry options match every account


def steer_to_month_files(ledger, entries) -> None:
    """Make 保存 write each of `entries` into the month file of its date: the month files they
    need are created (and included) first, then Fava is given the month files' insert options
    (install_month_options).  A ledger not kept in month files keeps Fava's default (main)."""
    main = ledger.beancount_file_path
    if not entries or not month_layout(main, ledger.options["include"]):
        return
    for target in sorted({target_file(main, ledger.options["include"], e.date) for e in entries}):
        prepare_month_file(ledger, target)
    install_month_options(ledger)


def install_month_options(ledger) -> None:
    """Give Fava an `insert-entry` option at the end of each month file of the ledger, for
    entries dated in that month (Fava inserts an entry at the latest option dated before it).
    The options live until the ledger is next loaded; an extension's `after_load_file` may call
    this to keep them (Fava's own entry form would then also write into month files)."""
    from fava.core.fava_options import InsertEntryOption

    files = [source_path(name) for name in ledger.options["include"] if month_of_file(source_path(name))]
    for path in files:  # Fava appends after the last line: it must end with a line break
        source, sha = ledger.file.get_source(path)
        if source and not source.endswith("\n"):
            ledger.file.set_source(path, source + "\n", sha)  # reloads the ledger
    ours = []
    for path in files:
        lines = path.read_text(encoding="utf-8").count("\n")
        start = month_of_file(path)
        ours.append(InsertEntryOption(start - dt.timedelta(days=1), _ANYTHING, str(path), lines + 1))
    kept = [option for option in ledger.fava_options.insert_entry if option.re is not _ANYTHING]
    ledger.fava_options.insert_entry = kept + ours
