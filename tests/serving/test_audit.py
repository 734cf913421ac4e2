"""The audit trail: each save through Fava is a commit by the signed-in user naming the
vouchers; `xiaozhang history` shows who changed a voucher, when and how; a change made outside
Fava stays uncommitted and is listed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving.conftest import basic, git_log, make_school


@pytest.fixture()
def audited(small_school, tmp_path):
    from werkzeug.test import Client

    from xiaozhang.reports.serving.app import build

    ledger = make_school(small_school, tmp_path / "school")
    app, gate, classes = build(str(ledger), load=True)
    yield Client(app), gate.app.config["LEDGERS"].first_slug(), ledger
    classes.close()


def month_file_with_voucher(ledger: Path) -> tuple[Path, str]:
    for path in sorted(ledger.parent.glob("2026/*.beancount")):
        found = re.search(r'voucher: "([^"]+)"', path.read_text(encoding="utf-8"))
        if found:
            return path, found.group(1)
    raise AssertionError("no voucher in the small school")


def save(client, slug: str, login: str, path: Path, change) -> None:
    got = client.get(f"/{slug}/api/source", query_string={"filename": str(path)}, headers=basic(login))
    assert got.status_code == 200, got.get_data(as_text=True)
    data = got.get_json()["data"]
    saved = client.put(f"/{slug}/api/source", headers=basic(login),
                       json={"file_path": str(path), "source": change(data["source"]),
                             "sha256sum": data["sha256sum"]})
    assert saved.status_code == 200, saved.get_data(as_text=True)


def test_two_users_save_in_turn_and_history_shows_both(audited):
    client, slug, ledger = audited
    path, voucher = month_file_with_voucher(ledger)
    folder = ledger.parent
    save(client, slug, "kuaiji", path,
         lambda s: s.replace(f'voucher: "{voucher}"', f'voucher: "{voucher}"\n  note: "第一次修改"', 1))
    save(client, slug, "kuaiji2", path,
         lambda s: s.replace('note: "第一次修改"', 'note: "第二次修改"', 1))
    log = git_log(folder)
    lines = log.splitlines()
    assert lines[0].startswith("李出纳|李出纳 保存账本：修改凭证 " + voucher), lines[0]
    assert lines[1].startswith("王会计|王会计 保存账本：修改凭证 " + voucher), lines[1]
    from xiaozhang.reports.audit import history

    changes = history(ledger, voucher)
    assert [c.author for c in changes[:2]] == ["李出纳", "王会计"]
    assert any('+  note: "第二次修改"' in line for line in changes[0].diff)
    assert any('-  note: "第一次修改"' in line for line in changes[0].diff)
    # the command line says the same, in Chinese
    out = subprocess.run([sys.executable, "-m", "xiaozhang.cli", "history", voucher, "--ledger", str(ledger)],
                         capture_output=True, text=True, check=True).stdout
    assert "李出纳" in out and "王会计" in out and "第二次修改" in out
    # and the history page of `serve`, for the roles that see everything
    page = client.get("/_history", query_string={"voucher": voucher}, headers=basic("xiaozhang"))
    shown = page.get_data(as_text=True)
    assert page.status_code == 200 and "李出纳" in shown and "王会计" in shown and "第二次修改" in shown
    assert client.get("/_history", headers=basic("banzhuren")).status_code == 403
    assert client.get("/_history").status_code == 401
    latest = client.get("/_history", headers=basic("jyj")).get_data(as_text=True)
    assert latest.index("李出纳 保存账本") < latest.index("王会计 保存账本")


def test_a_new_entry_from_the_form_names_its_voucher(audited):
    client, slug, ledger = audited
    entry = {"t": "Transaction", "date": "2026-10-30", "flag": "*", "payee": "", "narration": "测试录入",
             "tags": [], "links": [], "meta": {"voucher": "记-2026-10-999"},
             "postings": [{"account": "Assets:1001库存现金", "amount": "1.00 CNY"},
                          {"account": "Assets:1002银行存款:100201基本户", "amount": "-1.00 CNY"}]}
    added = client.put(f"/{slug}/api/add_entries", headers=basic("kuaiji"), json={"entries": [entry]})
    assert added.status_code == 200, added.get_data(as_text=True)
    first = git_log(ledger.parent).splitlines()[0]
    assert first.startswith("王会计|王会计 保存账本：新增凭证 记-2026-10-999"), first


def test_changes_outside_fava_stay_uncommitted(audited):
    client, slug, ledger = audited
    from xiaozhang.reports.audit import uncommitted

    assert uncommitted(ledger) == []
    outside = ledger.parent / "policy.beancount"
    outside.write_text(outside.read_text(encoding="utf-8") + "\n; 手工修改\n", encoding="utf-8")
    assert uncommitted(ledger) == ["policy.beancount"]
    path, voucher = month_file_with_voucher(ledger)
    save(client, slug, "kuaiji", path, lambda s: s + "\n; 网页保存\n")
    # the save commits only its own file: the outside change is still listed
    assert uncommitted(ledger) == ["policy.beancount"]


def test_a_refused_save_is_not_committed(audited):
    client, slug, ledger = audited
    before = git_log(ledger.parent)
    path, _voucher = month_file_with_voucher(ledger)
    refused = client.put(f"/{slug}/api/source", headers=basic("xiaozhang"),
                         json={"file_path": str(path), "source": "", "sha256sum": "x"})
    assert refused.status_code == 403
    assert git_log(ledger.parent) == before
    assert path.read_text(encoding="utf-8")


def test_the_compliance_notice_lists_the_uncommitted_files():
    """The 合规 page's include (reports/fava_ext/templates/xz_audit.html), rendered as Fava's
    extension environment renders it."""
    import jinja2

    folder = Path(__file__).resolve().parents[2] / "reports" / "fava_ext" / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True)
    shown = env.from_string('{% include "xz_audit.html" %}').render(uncommitted=["policy.beancount", "2026/10.beancount"])
    assert "有 2 个账本文件的修改不是通过网页保存的" in shown and "policy.beancount、2026/10.beancount" in shown
    assert env.from_string('{% include "xz_audit.html" %}').render(uncommitted=[]).strip() == ""


def test_serve_starts_a_repository_and_says_so_without_git(small_school, tmp_path):
    import os

    ledger = make_school(small_school, tmp_path / "school", git=False)
    code = ("import sys; from xiaozhang.reports.audit import prepare; print(prepare(sys.argv[1]))")
    no_git = subprocess.run([sys.executable, "-c", code, str(ledger)], capture_output=True, text=True,
                            env={**os.environ, "PATH": str(tmp_path / "nothing")}, check=True)
    assert no_git.stdout.startswith("未找到 git：网页上的保存不会记入修改历史")
    assert not (ledger.parent / ".git").exists()
    started = subprocess.run([sys.executable, "-c", code, str(ledger)], capture_output=True, text=True,
                             check=True)
    assert started.stdout.startswith(f"修改历史：在 {ledger.parent} 新建了 git 仓库")
    assert "users.toml" in (ledger.parent / ".gitignore").read_text(encoding="utf-8").split()
    assert git_log(ledger.parent).splitlines() == ["xiaozhang serve|建立会计档案：账本的起点"]
    from xiaozhang.reports.audit import uncommitted

    assert uncommitted(ledger) == []
