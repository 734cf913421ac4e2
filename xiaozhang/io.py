"""Loading a ledger, writing files safely, and printing problems: one way each.

    load(path)          the real Beancount loader; problems split into errors and warnings
    write_atomic(...)   a file is written beside its target and renamed over it, so a reader
                        (Fava, bean-check, a parent's browser) never sees half a file
                        (`replacing(path)` for a writer that wants a file name;
                        `append_atomic` appends the same way)
    decode(raw)         the text of a file a person exported (UTF-8 with or without BOM,
                        UTF-16 with BOM, GBK/GB18030): rosters and import files alike
    problem_line(e)     `file:line: [CODE] message`, the line `xiaozhang check` prints (Beancount's
                        own English messages in Chinese: `xiaozhang.messages.chinese`)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xiaozhang.messages import chinese

# A ledger's main file (its folder holds the month files, the roster, users.toml) ...
MAIN_FILE = "main.beancount"
# ... and the ledger every command uses unless told otherwise (relative to the working directory).
DEFAULT_LEDGER = f"ledger/{MAIN_FILE}"


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


def load(path: str | os.PathLike, *, draft: str | None = None) -> Loaded:
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
    the process, do not walk them again (a fifth of `xiaozhang check` on a working year).
    A draft check's load is thrown away at once: only paused, nothing frozen.

    `draft`: Beancount text loaded with the ledger's files as one more source (the voucher form
    checks an entry before it is saved; the options and plugins stay the main file's)."""
    from beancount import loader

    from xiaozhang.model.collector import freezing_collector, paused_collector

    # Beancount's `_load` takes absolute file names only (as `load_file` makes them).
    sources = [(os.path.abspath(path), True)] + ([(draft, False)] if draft is not None else [])
    with (paused_collector if draft is not None else freezing_collector)():
        entries, problems, options_map = loader._load(  # noqa: SLF001  (Beancount's uncached load)
            sources, None, None, None)
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


def write_atomic(path: str | os.PathLike, content: str | bytes, encoding: str = "utf-8", *,
                 mode: int | None = None) -> Path:
    """Write `content` to `path` through a temporary file in the same folder and a rename
    (`mode`: the new file's permissions, set before it appears; default: the target's own).
    Refused (`ArchiveRefused`) inside an archived year (`archive_of`)."""
    with replacing(path, mode=mode) as temp:
        temp.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return Path(path)


@contextmanager
def replacing(path: str | os.PathLike, *, mode: int | None = None) -> Iterator[Path]:
    """A temporary file beside `path` for a writer that wants a file name (pyarrow, …): renamed
    over `path` with the target's permissions when the block ends, removed when it fails.  The
    one way a file is replaced (`write_atomic` writes through it); refused (`ArchiveRefused`)
    inside an archived year (`archive_of`)."""
    target = Path(path)
    archive = archive_of(target)
    if archive is not None:
        raise ArchiveRefused(f"{archive} 是归档的年度账本（只读，见其中的 {ARCHIVE_MARK}）：不能写入 {target}。"
                             "请在工作年度的账本中记账")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, _mode_for(target) if mode is None else mode)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


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


class TextDecodeError(ValueError):
    """A file whose text encoding cannot be told; the message is for the accountant (Chinese)."""


def decode(raw: bytes) -> str:
    """The text of a file a person exported: a BOM decides (UTF-8, UTF-16), else strict UTF-8,
    else GB18030 (a superset of GBK), as Chinese exports require.  The one reading of rosters
    (`xiaozhang.roster`) and import files (`importers/tabular.py`)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise TextDecodeError(f"文件以 UTF-8 BOM 开头，但第 {error.start} 字节不是有效的 UTF-8") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise TextDecodeError("文件以 UTF-16 BOM 开头，但内容不是有效的 UTF-16") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise TextDecodeError("无法识别文件编码（既不是 UTF-8 也不是 GBK/GB18030）；"
                              "请用 Excel 另存为“CSV UTF-8”或 xlsx 后重试") from None


# -- archived years (xiaozhang new-year, docs/close.md): no command writes into one ----------
# `new-year` leaves this file in the old ledger folder as its last step; every safe write
# (`write_atomic`, the one way a command writes a ledger file) and `xiaozhang serve` look for it
# in the target's folder and the folders above.
ARCHIVE_MARK = "归档.txt"


class ArchiveRefused(PermissionError):
    """A write into an archived year (Chinese message: which archive, what to do)."""


def archive_of(path: str | os.PathLike) -> Path | None:
    """The archived ledger folder `path` lies in (a folder holding `ARCHIVE_MARK`), or None."""
    folder = Path(os.path.abspath(path))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ARCHIVE_MARK).is_file():
            return candidate
    return None
