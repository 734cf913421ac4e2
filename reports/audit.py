"""The audit trail (会计档案): every save through Fava is a commit in the ledger folder's git
repository, by the signed-in user, with a Chinese message naming the vouchers it changed.

Fava's own `auto_commit` extension is the model (`git add` + `git commit` after each write);
ours runs in the serving gate around every successful WRITE route (editor, entry form, 录入凭证,
import, documents; `reports/serving/access.py`), so it knows the user and sees exactly which
files the request changed (their size and time before and after). Only those files are
committed (`git commit -- <files>`): a change made outside Fava to another file stays
uncommitted, and the 合规 page lists it (`uncommitted`). A file that already had uncommitted
changes before the save is committed whole, and the message says so.

The message: `王会计 保存账本：新增凭证 记-2026-10-031；修改凭证 记-2026-10-012（2026/10.beancount）`,
then trailer lines `Xiaozhang-User:`, `Xiaozhang-Role:` and `Xiaozhang-Vouchers:`. The author
is the user (`王会计 <wangkj@xiaozhang>`), the committer `xiaozhang serve`.

`history(ledger, voucher)` (`xiaozhang history 记-2026-10-012`, and the page `/_history` of
`xiaozhang serve` for the roles that see everything): every commit that names the voucher or
adds/removes its text, newest first, with who, when and the voucher's lines before and after;
`recent(ledger)`: the latest saves.

Repository: when the ledger folder is in no git repository, `serve` (with a users file)
creates one there (`prepare`), ignoring `users.toml`, and commits what is there as the
starting point. Without git installed, `serve` says so and saves are not recorded.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xiaozhang.io import write_atomic
from xiaozhang.reports.serving.users import USERS_FILE

COMMITTER = ("xiaozhang serve", "serve@xiaozhang")
VOUCHER = re.compile(r'^\s+voucher:\s*"([^"]+)"', re.MULTILINE)
_BLOCK_START = re.compile(r"^\d{4}-\d{2}-\d{2}\s", re.MULTILINE)
IGNORED = (USERS_FILE,)  # password hashes stay out of the archive


class AuditError(Exception):
    """git missing or failing; the message is for the user (Chinese)."""


def git_available() -> bool:
    return shutil.which("git") is not None


def _git(folder: Path, *args: str, check: bool = True, env: dict | None = None) -> str:
    name, email = COMMITTER
    command = ["git", "-c", f"user.name={name}", "-c", f"user.email={email}",
               "-c", "core.quotepath=off", *args]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise AuditError(f"git {' '.join(args[:2])} 失败：{result.stderr.strip()}")
    return result.stdout


def repository(ledger: str | Path) -> Path | None:
    """The top folder of the git repository holding the ledger's folder (None: none)."""
    folder = Path(ledger).resolve().parent
    if not git_available():
        return None
    out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                         capture_output=True, text=True)
    return Path(out.stdout.strip()) if out.returncode == 0 else None


def prepare(ledger: str | Path) -> str:
    """Make sure the ledger folder is in a git repository; a sentence for `serve` to print."""
    if not git_available():
        return "未找到 git：网页上的保存不会记入修改历史（会计档案）。请安装 git（sudo apt-get install git）后重新启动。"
    top = repository(ledger)
    if top is not None:
        return f"修改历史：每次保存记入 git 仓库 {top}（作者为登录的用户）。"
    folder = Path(ledger).resolve().parent
    _git(folder, "init", "-q")
    ignore = folder / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    write_atomic(ignore, "\n".join([*lines, *[n for n in IGNORED if n not in lines]]) + "\n")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "建立会计档案：账本的起点", "--allow-empty")
    return f"修改历史：在 {folder} 新建了 git 仓库并提交了现有账本；以后每次保存记入其中。"


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    stamps = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            stamps[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return stamps


def _blocks(text: str) -> dict[str, str]:
    """The entries of a file that carry a 凭证号, by 凭证号 (an entry: from its date line to the next)."""
    starts = [m.start() for m in _BLOCK_START.finditer(text)] + [len(text)]
    found: dict[str, str] = {}
    for begin, end in zip(starts, starts[1:]):
        block = text[begin:end].rstrip() + "\n"
        match = VOUCHER.search(block)
        if match:
            found[match.group(1)] = found.get(match.group(1), "") + block
    return found


def voucher_changes(before: str, after: str) -> dict[str, list[str]]:
    """{"新增": [...], "修改": [...], "删除": [...]} between two texts of a file."""
    old, new = _blocks(before), _blocks(after)
    return {"新增": sorted(set(new) - set(old)),
            "修改": sorted(v for v in set(new) & set(old) if new[v] != old[v]),
            "删除": sorted(set(old) - set(new))}


@dataclass
class Recorder:
    """The gate's `on_write`: runs a write request and commits what it changed."""

    ledger: str

    def __post_init__(self):
        self.folder = Path(self.ledger).resolve().parent
        self.top = repository(self.ledger)

    def record(self, user, run: Callable[[], tuple[int, bytes]]) -> tuple[int, bytes]:
        if self.top is None:
            return run()
        before = _snapshot(self.folder)
        dirty = set(uncommitted(self.ledger))
        status, body = run()
        if status >= 400:
            return status, body
        after = _snapshot(self.folder)
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        if changed:
            self.commit(user, changed, dirty)
        return status, body

    def commit(self, user, paths: list[str], dirty: set[str]) -> None:
        relative = [os.path.relpath(p, self.top) for p in paths]
        parts, all_vouchers, other_files = [], [], []
        for path, rel in zip(paths, relative):
            before = _git(self.top, "show", f"HEAD:{rel}", check=False)
            after = Path(path).read_text(encoding="utf-8", errors="replace") if Path(path).exists() else ""
            changes = voucher_changes(before, after)
            said = [f"{kind}凭证 {'、'.join(v)}" for kind, v in changes.items() if v]
            all_vouchers += [v for vs in changes.values() for v in vs]
            name = os.path.relpath(path, self.folder)
            if said:
                parts.append(f"{'；'.join(said)}（{name}）")
            else:
                other_files.append(name)
        if other_files:
            parts.append(f"修改文件 {'、'.join(other_files)}")
        subject = f"{user.display} 保存账本：{'；'.join(parts)}"
        body = []
        earlier = sorted(os.path.relpath(p, self.folder) for p in paths if os.path.relpath(p, self.folder) in dirty)
        if earlier:
            body.append(f"保存前 {'、'.join(earlier)} 已有未提交的修改，一并提交。")
        trailers = [f"Xiaozhang-User: {user.login}", f"Xiaozhang-Role: {user.role}"]
        if all_vouchers:
            trailers.append(f"Xiaozhang-Vouchers: {' '.join(sorted(set(all_vouchers)))}")
        message = "\n\n".join([subject, *body, "\n".join(trailers)])
        existing = [r for r, p in zip(relative, paths) if Path(p).exists()]
        if existing:
            _git(self.top, "add", "--", *existing)
        _git(self.top, "commit", "-q", "-m", message,
             f"--author={user.display} <{user.login}@xiaozhang>", "--", *relative)


def uncommitted(ledger: str | Path) -> list[str]:
    """The ledger folder's files changed since the last commit (relative to the folder);
    [] when there is no repository."""
    top = repository(ledger)
    if top is None:
        return []
    folder = Path(ledger).resolve().parent
    out = _git(top, "status", "--porcelain", "-z", "--untracked-files=all", "--", str(folder), check=False)
    files = []
    for item in filter(None, out.split("\0")):
        path = item[3:]
        rel = os.path.relpath(top / path, folder)
        if Path(rel).name not in IGNORED and not rel.startswith(".."):
            files.append(rel)
    return sorted(files)


@dataclass(frozen=True)
class Change:
    commit: str
    author: str
    date: str
    subject: str
    diff: list[str]  # the voucher's lines, unified diff (before -> after)


def history(ledger: str | Path, voucher: str) -> list[Change]:
    """Every commit that changed `voucher`, newest first (see the module docstring)."""
    top = repository(ledger)
    if top is None:
        raise AuditError("账本目录不在 git 仓库中，没有修改历史（用 xiaozhang serve 带用户文件运行时会自动建立）")
    folder = Path(ledger).resolve().parent
    fmt = "%H%x1f%an%x1f%ad%x1f%s"
    named = _git(top, "log", f"--format={fmt}", "--date=format:%Y-%m-%d %H:%M:%S", "--fixed-strings",
                 f"--grep={voucher}", "--", str(folder))
    touched = _git(top, "log", f"--format={fmt}", "--date=format:%Y-%m-%d %H:%M:%S", f"-S{voucher}",
                   "--", str(folder))
    seen, changes = set(), []
    for line in (named + touched).splitlines():
        commit, author, date, subject = line.split("\x1f", 3)
        if commit in seen:
            continue
        seen.add(commit)
        changes.append(Change(commit, author, date, subject, _voucher_diff(top, commit, voucher)))
    order = _git(top, "log", "--format=%H", "--", str(folder)).split()
    rank = {c: i for i, c in enumerate(order)}
    return sorted(changes, key=lambda c: rank.get(c.commit, 0))


def recent(ledger: str | Path, limit: int = 50) -> list[Change]:
    """The latest commits of the ledger folder, newest first (no diff); [] without a repository."""
    top = repository(ledger)
    if top is None:
        return []
    folder = Path(ledger).resolve().parent
    out = _git(top, "log", f"-{limit}", "--format=%H%x1f%an%x1f%ad%x1f%s",
               "--date=format:%Y-%m-%d %H:%M:%S", "--", str(folder), check=False)
    return [Change(*line.split("\x1f", 3), []) for line in out.splitlines() if line]


def _voucher_diff(top: Path, commit: str, voucher: str) -> list[str]:
    files = _git(top, "diff-tree", "--no-commit-id", "--root", "-r", "--name-only", commit).split("\n")
    lines: list[str] = []
    for rel in filter(None, files):
        before = _git(top, "show", f"{commit}^:{rel}", check=False)
        after = _git(top, "show", f"{commit}:{rel}", check=False)
        old, new = _blocks(before).get(voucher, ""), _blocks(after).get(voucher, "")
        if old != new:
            lines += list(difflib.unified_diff(old.splitlines(), new.splitlines(), "修改前", "修改后",
                                               lineterm="", n=20))[2:]
    return lines
