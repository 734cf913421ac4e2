"""What the serving tests share: a copy of the small example school with a users file and a
git repository, and the served application (the real Fava behind the real gate)."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

PASSWORD = "口令-12345678"
USERS = [  # login, role, name, class
    ("kuaiji", "会计", "王会计", ""),
    ("kuaiji2", "会计", "李出纳", ""),
    ("xiaozhang", "校长", "王校长", ""),
    ("jyj", "教育局", "区教育局", ""),
    ("banzhuren", "班主任", "刘老师", "三(1)班"),
]


def basic(login: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{login}:{password}".encode("utf-8")).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def make_school(small_school: Path, target: Path, *, git: bool = True) -> Path:
    """A copy of the small school with the users of USERS and (with `git`) a repository."""
    from xiaozhang.reports.serving.users import add_user, users_file

    shutil.copytree(small_school, target)
    ledger = target / "main.beancount"
    # the copy must not point at the repository's importers (tests do not import here)
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text("\n".join(line for line in text.splitlines() if "import-" not in line) + "\n",
                      encoding="utf-8")
    for login, role, name, class_name in USERS:
        add_user(users_file(ledger), login, role, PASSWORD, name=name, class_name=class_name)
    if git:
        from xiaozhang.reports.audit import prepare

        prepare(ledger)
    return ledger


@pytest.fixture(scope="module")
def school(small_school, tmp_path_factory) -> Path:
    return make_school(small_school, tmp_path_factory.mktemp("served") / "school")


@pytest.fixture(scope="module")
def served(school):
    """(werkzeug test client over the served app, the gate, the slug of the school's ledger)."""
    from werkzeug.test import Client

    from xiaozhang.reports.serving.app import build

    app, gate, classes = build(str(school), load=True)
    slug = gate.app.config["LEDGERS"].first_slug()
    yield Client(app), gate, slug
    classes.close()


def git_log(folder: Path) -> str:
    return subprocess.run(["git", "log", "--format=%an|%s"], cwd=folder, capture_output=True,
                          text=True, check=True).stdout
