"""The users file and `xiaozhang users`; `serve` without a users file stays on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys

import pytest

from xiaozhang.reports.serving.users import (UsersError, add_user, authenticate, read_users,
                                             set_password)


def run(*args, input_text=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "xiaozhang.cli", *args], capture_output=True,
                          text=True, input=input_text, cwd=cwd)


def test_the_file_holds_salted_hashes_only(tmp_path):
    path = tmp_path / "users.toml"
    add_user(path, "wangkj", "会计", "很长很长的口令-1", name="王会计")
    add_user(path, "liu", "班主任", "很长很长的口令-2", name="刘老师", class_name="三(2)班")
    text = path.read_text(encoding="utf-8")
    assert "很长很长的口令" not in text and text.count("scrypt:") == 2
    assert (path.stat().st_mode & 0o077) == 0
    users = read_users(path)
    assert users["liu"].class_name == "三(2)班" and users["wangkj"].role == "会计"
    assert authenticate(users, "wangkj", "很长很长的口令-1") == users["wangkj"]
    assert authenticate(users, "wangkj", "很长很长的口令-2") is None
    set_password(path, "wangkj", "另一个很长的口令-3")
    assert authenticate(read_users(path), "wangkj", "另一个很长的口令-3") is not None
    # the same password twice: two different hashes (salted)
    add_user(path, "other", "校长", "很长很长的口令-1")
    again = read_users(path)
    assert again["other"].password != users["wangkj"].password


@pytest.mark.parametrize("role, class_name, password, message", [
    ("会计", "", "short", "口令太短"),
    ("班主任", "", "long-enough-1", "班主任须写明班级"),
    ("校长", "三(2)班", "long-enough-1", "只有班主任有班级"),
    ("出纳", "", "long-enough-1", "角色"),
])
def test_bad_users_are_refused(tmp_path, role, class_name, password, message):
    with pytest.raises(UsersError, match=message):
        add_user(tmp_path / "users.toml", "x", role, password, class_name=class_name)


def test_a_broken_file_names_itself(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text('[users."a"]\nrole = "会计"\n', encoding="utf-8")
    with pytest.raises(UsersError, match="users.toml: 用户 a：没有口令散列"):
        read_users(path)
    path.write_text('[users\n', encoding="utf-8")
    with pytest.raises(UsersError, match="格式错误"):
        read_users(path)


def test_users_commands(tmp_path):
    ledger = tmp_path / "main.beancount"
    ledger.write_text('option "title" "t"\n', encoding="utf-8")
    added = run("users", "add", "zhang", "--role", "校长", "--name", "张校长", "--password", "口令口令口令口令",
                "--ledger", str(ledger))
    assert added.returncode == 0, added.stderr
    assert "已增加用户 zhang（张校长，校长）" in added.stdout
    listed = run("users", "list", "--ledger", str(ledger))
    assert "zhang\t张校长\t校长" in listed.stdout and "scrypt" not in listed.stdout
    twice = run("users", "add", "zhang", "--role", "校长", "--password", "口令口令口令口令", "--ledger", str(ledger))
    assert twice.returncode == 1 and "已存在" in twice.stderr
    prompted = run("users", "passwd", "zhang", "--ledger", str(ledger), input_text="新的口令口令口令\n新的口令口令口令\n")
    assert prompted.returncode == 0, prompted.stderr
    assert authenticate(read_users(tmp_path / "users.toml"), "zhang", "新的口令口令口令")


def test_users_file_given_itself_may_not_exist_yet(tmp_path):
    """A district's users file (`全区账本/users.toml`) is given as `--users` and created by the
    first `users add`: no `touch`, no ledger (the working folder has none)."""
    district = tmp_path / "全区账本"
    district.mkdir()
    path = district / "users.toml"
    added = run("users", "add", "jyj", "--role", "教育局", "--name", "区教育局财务科",
                "--password", "口令口令口令口令", "--users", str(path), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert read_users(path)["jyj"].role == "教育局" and (path.stat().st_mode & 0o077) == 0
    listed = run("users", "list", "--users", str(path), cwd=tmp_path)
    assert "jyj\t区教育局财务科\t教育局" in listed.stdout
    changed = run("users", "passwd", "jyj", "--password", "另一个口令口令口令", "--users", str(path), cwd=tmp_path)
    assert changed.returncode == 0 and authenticate(read_users(path), "jyj", "另一个口令口令口令")
    # neither --users nor --ledger, and no ledger/main.beancount here: say what to write
    lost = run("users", "list", cwd=tmp_path)
    assert lost.returncode == 2 and "--users" in lost.stderr and "--ledger" in lost.stderr


def test_serve_without_users_binds_to_localhost_only(tmp_path):
    ledger = tmp_path / "main.beancount"
    ledger.write_text('option "title" "t"\n', encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "xiaozhang.cli", "serve", str(ledger),
                                "--host", "0.0.0.0", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "没有用户文件" in line and "只在本机（127.0.0.1）上提供服务" in line
