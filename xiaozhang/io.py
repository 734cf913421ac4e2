"""Loading a ledger, writing files safely, and printing problems: one way each.

    load(path)          the real Beancount loader; problems split into errors and warnings
    write_atomic(...)   a file is written beside its target and renamed over it, so a reader
                        (Fava, bean-check, a parent's browser) never sees half a file
    problem_line(e)     `file:line: [CODE] message`, the line `xiaozhang check` prints (Beancount's
                        own English messages in Chinese: `xiaozhang.messages.chinese`)
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xiaozhang.messages import chinese

# The ledger every command uses unless told otherwise (relative to the working directory).
DEFAULT_LEDGER = "ledger/main.beancount"


def is_warning(error) -> bool:
    """A problem that is shown but does not fail `xiaozhang check` (an error type with
    `warning = True`, e.g. a budget overrun under `budget-control` "warn")."""
    return getattr(error, "warning", False) is True


@dataclass(frozen=True)
class Loaded:
    """A loaded ledger: its entries, its problems (errors and warnings) and its options."""

    path: str
    entries: list
    problems: list
    options_map: dict

    @property
    def errors(self) -> list:
        return [p for p in self.problems if not is_warning(p)]

    @property
    def warnings(self) -> list:
        return [p for p in self.problems if is_warning(p)]

    @property
    def transactions(self) -> list:
        from beancount.core import data

        return [entry for entry in self.entries if isinstance(entry, data.Transaction)]


def load(path: str | os.PathLike) -> Loaded:
    """Load a ledger with Beancount's loader (all its plugins run), always from its files.

    Beancount's `load_file` keeps a pickle cache (`.main.beancount.picklecache`) that it trusts
    while the files it lists are unchanged; a ledger folder copied with that file (`cp -r`)
    is then judged on the ORIGINAL folder's entries, a month file newly matched by an
    `include "2026/*.beancount"` is not seen, and a new version of our rules is not run.  So
    every command loads uncached, as Fava does (`fava.beans.load.load_uncached`), and no
    command ever reads or writes that cache.

    Python's cycle collector is paused during the load (`xiaozhang.model.collector`): the
    loader builds a million small acyclic objects, and every full collection walks all of
    them again — about 40% of Beancount's own load time on the bench ledger
    (docs/performance.md).  Our rules run inside that pause too.  The loaded objects stay
    frozen afterwards (`freezing_collector`): later collections, and the one at the end of
    the process, do not walk them again (a fifth of `xiaozhang check` on a working year)."""
    from beancount import loader

    from xiaozhang.model.collector import freezing_collector

    # Beancount's `_load` takes absolute file names only (as `load_file` makes them).
    with freezing_collector():
        entries, problems, options_map = loader._load(  # noqa: SLF001  (Beancount's uncached load)
            [(os.path.abspath(path), True)], None, None, None)
    return Loaded(str(path), entries, problems, options_map)


def problem_line(error) -> str:
    """One line per problem: `file:line: message` (the message carries the rule code; one of
    Beancount's own is said in Chinese, `xiaozhang.messages.chinese`)."""
    source = error.source or {}
    filename = source.get("filename") or "<未知文件>"
    lineno = source.get("lineno")
    where = f"{filename}:{lineno}" if lineno is not None else filename
    message = " ".join(chinese(error.message).split())
    return f"{where}: {message}"


def write_atomic(path: str | os.PathLike, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Write `content` to `path` through a temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content.encode(encoding) if isinstance(content, str) else content)
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _mode_for(target: Path) -> int:
    """The target's own permissions, or the usual ones for a new file (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def append_atomic(path: str | os.PathLike, text: str) -> Path:
    """Append `text` to a text file by rewriting it safely (`write_atomic`)."""
    target = Path(path)
    old = target.read_text(encoding="utf-8") if target.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    return write_atomic(target, old + text)
