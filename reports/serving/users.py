"""The users-and-roles file (`users.toml` next to the main ledger file).

Format (TOML, UTF-8; written by `xiaozhang users add` / `xiaozhang users passwd`, readable and
editable by hand except the `password` lines)::

    # 校账用户与角色（口令只存加盐散列，由 xiaozhang users 维护）
    [users."wangkj"]
    name = "王会计"                 # shown in the page header and as the author of commits
    role = "会计"                   # 会计 | 校长 | 教育局 | 班主任
    class = ""                      # 班主任 only: the class, as in students.csv (三(2)班)
    password = "scrypt:32768:8:1$…" # werkzeug.security.generate_password_hash

Passwords are hashed with `werkzeug.security` (scrypt, random salt); the plain password is
never stored. A file that cannot be read is a `UsersError` naming the file and what is wrong.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from xiaozhang.io import write_atomic

USERS_FILE = "users.toml"
ROLES = ("会计", "校长", "教育局", "班主任")
MIN_PASSWORD = 8
_HEADER = "# 校账用户与角色（口令只存加盐散列，由 xiaozhang users add / passwd 维护；见 docs/access.md）\n"
# a hash of a password nobody has: checked when the user is unknown, so that a wrong user name
# takes as long as a wrong password
_DUMMY = generate_password_hash("xiaozhang-no-such-user")


class UsersError(Exception):
    """A users file that cannot be used; the message is for the user (Chinese)."""


@dataclass(frozen=True)
class User:
    login: str
    name: str
    role: str
    class_name: str
    password: str  # the salted hash

    @property
    def display(self) -> str:
        return self.name or self.login


def users_file(ledger: str | Path) -> Path:
    """The users file of a ledger: `users.toml` in the main ledger file's folder."""
    return Path(ledger).resolve().parent / USERS_FILE


def read_users(path: str | Path) -> dict[str, User]:
    """The users by login name; {} when the file does not exist."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UsersError(f"{path}: 无法读取用户文件（{error}）") from error
    except tomllib.TOMLDecodeError as error:
        raise UsersError(f"{path}: 用户文件格式错误（{error}），请按 docs/access.md 的格式修改") from error
    table = raw.get("users", {})
    if not isinstance(table, dict):
        raise UsersError(f"{path}: [users] 应为表")
    users: dict[str, User] = {}
    for login, fields in table.items():
        if not isinstance(fields, dict):
            raise UsersError(f"{path}: 用户 {login} 的内容应为表")
        user = User(login, str(fields.get("name", "")), str(fields.get("role", "")),
                    str(fields.get("class", "")), str(fields.get("password", "")))
        problem = _problem(user)
        if problem:
            raise UsersError(f"{path}: 用户 {login}：{problem}")
        users[login] = user
    return users


def _problem(user: User) -> str | None:
    if user.role not in ROLES:
        return f"角色“{user.role}”无效（应为 {'、'.join(ROLES)} 之一）"
    if user.role == "班主任" and not user.class_name:
        return "班主任须写明班级（class = \"三(2)班\"）"
    if user.role != "班主任" and user.class_name:
        return f"只有班主任有班级（{user.role} 看全部账目）"
    if not user.password.count("$") >= 2:
        return "没有口令散列：请用 xiaozhang users passwd 设置口令"
    return None


def write_users(path: str | Path, users: dict[str, User]) -> None:
    """Write the file (safe write); strings are written JSON-escaped, which TOML reads."""
    lines = [_HEADER]
    for user in users.values():
        lines.append(f"\n[users.{json.dumps(user.login, ensure_ascii=False)}]\n")
        for key, value in (("name", user.name), ("role", user.role), ("class", user.class_name),
                           ("password", user.password)):
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}\n")
    write_atomic(Path(path), "".join(lines), mode=0o600)  # hashes only, but no one else's business


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsersError(f"口令太短：至少 {MIN_PASSWORD} 个字符")
    return generate_password_hash(password)


def add_user(path: str | Path, login: str, role: str, password: str, *, name: str = "",
             class_name: str = "") -> User:
    """Add a user (a `UsersError` when the login exists or the role is invalid)."""
    users = read_users(path)
    if login in users:
        raise UsersError(f"用户 {login} 已存在（改口令用 xiaozhang users passwd）")
    if not login or any(c.isspace() or c in "\"'\\:" for c in login):
        raise UsersError(f"用户名“{login}”无效：不能为空，不能有空格、引号、冒号或反斜杠")
    user = User(login, name, role, class_name, "x$x$x")
    problem = _problem(user)
    if problem:
        raise UsersError(problem)
    users[login] = replace(user, password=hash_password(password))
    write_users(path, users)
    return users[login]


def set_password(path: str | Path, login: str, password: str) -> User:
    users = read_users(path)
    if login not in users:
        raise UsersError(f"没有用户 {login}（有：{'、'.join(users) or '无'}）")
    users[login] = replace(users[login], password=hash_password(password))
    write_users(path, users)
    return users[login]


def authenticate(users: dict[str, User], login: str, password: str) -> User | None:
    """The user when the password matches its salted hash, else None (same cost either way)."""
    user = users.get(login)
    if user is None:
        check_password_hash(_DUMMY, password)
        return None
    return user if check_password_hash(user.password, password) else None
