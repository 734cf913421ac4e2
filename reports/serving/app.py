"""The application `xiaozhang serve` runs (docs/access.md).

- No users file next to the ledger: Fava alone, and only on 127.0.0.1 (`xiaozhang/cli.py`, `serve`).
- With a users file: Fava over the school's ledger behind the `Gate` (sign-in, roles,
  read-only roles refused every write route), one read-only Fava per class for the class
  teachers (`classbook`, generated again when the school's ledger changes), and the audit
  trail (`xiaozhang.reports.audit`): every successful save is a commit by the signed-in user.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from xiaozhang.reports.serving import classbook
from xiaozhang.reports.serving.gate import Gate, Users
from xiaozhang.reports.audit import AuditError
from xiaozhang.reports.serving.users import UsersError, users_file

# what stops `serve` with a Chinese message (a broken users file, git failing, a bad --proxy)
PROBLEMS = (UsersError, AuditError, ValueError)


@dataclass
class ClassApps:
    """One read-only Fava app per class, over the class's generated ledger; generated again
    when the school's ledger has been reloaded (a save, or a file changed)."""

    school_app: object
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="xiaozhang-classes-")))
    _apps: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def school_ledger(self):
        ledger = self.school_app.config["LEDGERS"].ledgers[0]
        ledger.changed()  # reload when a file changed
        return ledger

    def __call__(self, class_name: str):
        from fava.application import create_app

        from xiaozhang.reports.disclosure import school_roster

        ledger = self.school_ledger()
        with self._lock:
            known = self._apps.get(class_name)
            if known and known[0] is ledger.all_entries:
                return known[1]
            roster = school_roster(ledger.all_entries, ledger.beancount_file_path)
            folder = self.folder / hashlib.sha256(class_name.encode("utf-8")).hexdigest()[:16]
            main = classbook.write_class_ledger(ledger.all_entries, ledger.options, roster,
                                                class_name, folder)
            app = create_app([str(main)], load=True, read_only=True)
            self._apps[class_name] = (ledger.all_entries, app)
            return app

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def build(ledger: str, *, proxy: str | None = None, user_header: str = "Remote-User",
          audit: bool = True, load: bool = False, read_only: bool = False):
    """(the WSGI app, the Gate or None when there is no users file, the class apps or None)."""
    from fava.application import create_app

    path = users_file(ledger)
    school = create_app([ledger], load=load, read_only=read_only)
    if not path.exists():
        return school, None, None
    users = Users(path)
    users.current()  # a broken file stops the start, with its message
    classes = ClassApps(school)
    on_write = None
    if audit:
        from xiaozhang.reports import audit as audit_trail

        audit_message = audit_trail.prepare(ledger)
        on_write = audit_trail.Recorder(ledger).record
    else:
        audit_message = "修改历史：未记录（audit=False）"
    gate = Gate(school, users, class_app=classes, proxy=proxy, user_header=user_header,
                on_write=on_write, protected=[path], ledger=str(ledger))
    gate.audit_message = audit_message
    return gate, gate, classes


def describe(ledger: str, gate: Gate, proxy: str | None, user_header: str) -> str:
    """What `serve` prints at the start: the users by role, the proxy mode, the audit trail."""
    users = gate.users.current()
    by_role: dict[str, list[str]] = {}
    for user in users.values():
        label = user.display + (f"（{user.class_name}）" if user.class_name else "")
        by_role.setdefault(user.role, []).append(label)
    lines = [f"用户文件 {gate.users.path}：{len(users)} 个用户"]
    lines += [f"  {role}：{'、'.join(names)}" for role, names in by_role.items()]
    if proxy:
        lines.append(f"反向代理模式：只信任来自 {proxy} 的请求头 {user_header}；其他来源仍须登录。")
    lines.append(getattr(gate, "audit_message", ""))
    return "\n".join(lines)
