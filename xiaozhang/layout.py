"""The ledger's file layout: which file an entry of a date belongs in, and adding a file safely.

A school ledger keeps its entries in month files next to the main file (`2026/10.beancount`,
included by `include "2026/*.beancount"` or file by file; DOMAIN.md, ledger/).  Every writer
(the voucher page 录入凭证, Fava's Import page 导入) asks here where an entry goes:

    target_file(main, includes, day)   the month file of `day`, or main when the ledger has none
    month_layout(main, includes)       whether the ledger keeps month files
    with_include(main_source, target, main)   the main file's text with an include for `target`
    with_entry(source, text)           a file's text with one entry appended
    prepare_month_file(ledger, target) make `target` a source file of a Fava ledger: created
                                       exclusively (never over a file) and included, through
                                       Fava's `get_source` / `set_source` (its change check)

Pure text and paths, except `prepare_month_file`, which works on a Fava ledger it is handed
(duck-typed: `beancount_file_path`, `options`, `file.get_source/set_source`, `load_file`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from pathlib import Path

_MONTH_FILE = re.compile(r"^(\d{4})/(\d{2})\.beancount$")
_YEAR_GLOB = re.compile(r'^include[ \t]+"(\d{4})/\*\.beancount"[ \t]*$', re.M)
_INCLUDE = re.compile(r'^include[ \t]+".*"[ \t]*$', re.M)


class LayoutRefused(Exception):
    """A file could not be made part of the ledger; the message is for the accountant (Chinese)."""


def source_path(path: str | os.PathLike) -> Path:
    """A file's path as Beancount lists it in `options["include"]` (absolute, normalised, links
    not resolved): the form Fava's `get_source` / `set_source` accept."""
    return Path(os.path.normpath(os.path.abspath(path)))


def relative_name(main_file: str, filename: str) -> str:
    """A ledger file as the accountant knows it: `2026/10.beancount` (relative to main's folder)."""
    try:
        return source_path(filename).relative_to(source_path(main_file).parent).as_posix()
    except ValueError:
        return Path(filename).name


def month_layout(main_file: str, includes: Iterable[str]) -> bool:
    """Whether the ledger keeps its entries in month files (`2026/10.beancount` next to main)."""
    return any(_MONTH_FILE.match(relative_name(main_file, name)) for name in includes)


def target_file(main_file: str, includes: Iterable[str], day: dt.date) -> Path:
    """The month file of `day` (`<main's folder>/2026/10.beancount`) in a ledger kept in month
    files; the main file itself otherwise."""
    main = source_path(main_file)
    if month_layout(main_file, includes):
        return main.parent / f"{day.year}" / f"{day.month:02d}.beancount"
    return main


def month_of_file(target: Path) -> dt.date | None:
    """The first day of the month a month file (`…/2026/10.beancount`) holds, else None."""
    if re.fullmatch(r"\d{4}", target.parent.name) and re.fullmatch(r"\d{2}", target.stem) \
            and 1 <= int(target.stem) <= 12 and target.suffix == ".beancount":
        return dt.date(int(target.parent.name), int(target.stem), 1)
    return None


def month_header(day: dt.date) -> str:
    return f"; {day.year}年{day.month}月\n"


def with_entry(source: str, text: str) -> str:
    """`source` with the entry `text` appended after one blank line."""
    body = source.rstrip("\n")
    return f"{body}\n\n{text.rstrip()}\n" if body else f"{text.rstrip()}\n"


def with_include(main_source: str, target: Path, main_file: str) -> str:
    """The main file with an include for `target`: a year glob (`include "2027/*.beancount"`)
    when the ledger includes its years that way, else the file itself; after the last include."""
    relative = relative_name(main_file, str(target))
    year = relative.split("/", 1)[0]
    line = (f'include "{year}/*.beancount"' if _YEAR_GLOB.search(main_source) and "/" in relative
            else f'include "{relative}"')
    includes = list(_INCLUDE.finditer(main_source))
    if not includes:
        return with_entry(main_source, line)
    end = includes[-1].end()
    rest = main_source[end:]
    return f"{main_source[:end]}\n{line}{rest if rest else chr(10)}"


def included(ledger, path: Path) -> bool:
    """Whether `path` is one of the source files of the (Fava) ledger as last loaded."""
    return str(path) in ledger.options["include"]


def prepare_month_file(ledger, target: Path) -> bool:
    """Make `target` a source file of the Fava `ledger`: a month file that does not exist is
    created with its header (exclusively: never over a file that appeared meanwhile) and, when
    no include covers it, the main file gets one include line through Fava's `set_source`
    (refused by Fava when main changed since it was read).  Returns whether anything was
    written (the ledger is then reloaded).  LayoutRefused when the file exists but is not part
    of the ledger, or cannot be made part of it."""
    main = source_path(ledger.beancount_file_path)
    target = source_path(target)
    name = relative_name(str(main), str(target))
    if target.exists():
        if not included(ledger, target):
            raise LayoutRefused(f"{name} 不在账本的 include 中，请先在主文件中加入它")
        return False
    day = month_of_file(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as new:  # never over a file that appeared meanwhile
        new.write(month_header(day) if day else "")
    ledger.load_file()
    if not included(ledger, target):
        main_source, main_sha = ledger.file.get_source(main)
        ledger.file.set_source(main, with_include(main_source, target, str(main)), main_sha)  # reloads
    if not included(ledger, target):
        raise LayoutRefused(f"无法把 {name} 加入账本，请检查主文件的 include")
    return True
