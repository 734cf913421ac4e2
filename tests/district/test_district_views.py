"""The bureau's views (docs/district.md §3): the consolidated statements, the signed-in page
with its xlsx downloads, and the store's lock.

The statements: each school's lines in the store equal its own statements, built here from its
ledger with the reports' functions; the consolidated lines equal the sum over the schools,
and a few lines of each statement (totals included) are computed here independently from
each school's postings by the documented line table (docs/statements.md,
reports/statements_lines.py's docstring), to the fen.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from beancount.core import data
from lxml import html as lxml_html
from werkzeug.test import Client

from tests.district.test_district import SCHOOLS, _store_content, own, refreshed, template  # noqa: F401
from xiaozhang.model.books import SchoolBooks
from xiaozhang.reports import budget_statements
from xiaozhang.reports.district import query
from xiaozhang.reports.district.lock import StoreBusy, store_lock
from xiaozhang.reports.district.store import MANIFEST, refresh
from xiaozhang.reports.serving.users import add_user
from xiaozhang.reports.statements import Period, build_balance_sheet, build_income_statement

ROOT = Path(__file__).resolve().parents[2]
FEN = Decimal("0.01")


# -- the independent side: postings by the documented line table ----------------------------------
def _code(account: str) -> str:
    return account.split(":")[1][:4]


def _is_budget(account: str) -> bool:
    return account.startswith("Equity:") and _code(account)[0] in "678"


def _postings(entries, first: dt.date | None, last: dt.date):
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= last and (first is None or entry.date >= first):
            if "year-end" in entry.meta:  # the 结转 vouchers are not a year's flows
                continue
            for posting in entry.postings:
                assert posting.units.currency == "CNY"
                yield posting.account, posting.units.number


def independent(entries, period: Period) -> dict[tuple[str, str, int], Decimal]:
    """{(form, line key, column): amount} of a few lines, from the postings."""
    out: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    money = ("1001", "1002", "1011", "1021")
    # 年初余额: 31 December before, or the day of 建账 when the books begin in the year
    begin = min(e.date for e in entries if isinstance(e, data.Transaction))
    opening = begin if begin.year == period.year else dt.date(period.year - 1, 12, 31)
    for column, last in ((0, period.last), (1, opening)):
        for account, number in _postings(entries, None, last):
            root = account.split(":")[0]
            if root == "Assets":
                out["会政财01", "assets_total", column] += number
                if _code(account) in money and "受托代理" not in account:
                    out["会政财01", "money", column] += number
                if _code(account) in ("1601", "1602"):
                    out["会政财01", "fixed_net", column] += number
            elif not _is_budget(account):
                out["会政财01", "liabilities_net_assets_total", column] -= number
    for column, first in ((0, period.first), (1, period.year_start)):
        for account, number in _postings(entries, first, period.last):
            if account.startswith("Income:") and _code(account) == "4001":
                out["会政财02", "Income|4001", column] -= number
            if account.startswith(("Income:", "Expenses:")):
                out["会政财02", "surplus", column] -= number
    for column, (first, last) in ((0, (period.year_start, period.last)),
                                  (1, (dt.date(period.year - 1, 1, 1), dt.date(period.year - 1, 12, 31)))):
        for account, number in _postings(entries, first, last):
            if _is_budget(account) and _code(account) == "6001":
                out["会政预01", "（一）财政拨款预算收入", column] -= number
            if _is_budget(account) and _code(account)[0] in "67":
                out["会政预01", "三、本年预算收支差额", column] -= number
    return out


def _expected_periods(entries) -> list[str]:
    days = [e.date for e in entries if isinstance(e, data.Transaction)]
    first, last = min(days), max(days)
    found = [f"{y}-12" for y in range(first.year, last.year) if dt.date(y, 12, 31) >= first]
    return [*found, f"{last.year}-{last.month:02d}"]


def _own_lines(entries, options_map, period: Period) -> dict[str, dict[str, tuple]]:
    """{form: {key: (amount1, amount2)}} of the school's own statements, from the reports."""
    sheet = build_balance_sheet(entries, options_map, period)
    balance = {r.key: (tuple(r.values) + (None, None))[:2] for r in (*sheet.assets, *sheet.liabilities)}
    income = build_income_statement(entries, options_map, period)
    statement = {f"Income|{l.code}": (l.month, l.year) for l in income.income}
    statement |= {f"Expenses|{l.code}": (l.month, l.year) for l in income.expenses}
    statement |= {"Income|total": (income.income_total.month, income.income_total.year),
                  "Expenses|total": (income.expense_total.month, income.expense_total.year),
                  "surplus": (income.surplus.month, income.surplus.year)}
    books = SchoolBooks.of(entries, options_map)
    year = {l.label: l.previous for l in budget_statements.income_expenditure(books, period.year)}
    budget = {l.label: (l.current, year[l.label]) for l in
              budget_statements.income_expenditure_between(books, period.year_start, period.last)}
    return {"会政财01": balance, "会政财02": statement, "会政预01": budget}


def _store_lines(con, school: str, form: str, period: str) -> dict[str, tuple]:
    return {key: (a, b) for key, a, b in con.execute(
        "SELECT key, amount1, amount2 FROM statements WHERE school = ? AND form = ? AND period = ?",
        [school, form, period]).fetchall()}


def test_each_school_has_its_own_statements_in_the_store(refreshed, own):  # noqa: F811
    con = query.connect(refreshed / ".district")
    for school, (entries, _errors, options_map) in own.items():
        periods = _expected_periods(entries)
        got = {p for (p,) in con.execute("SELECT DISTINCT period FROM statements WHERE school = ?",
                                         [school]).fetchall()}
        assert got == set(periods) and len(periods) >= 2
        for text in periods:
            mine = _own_lines(entries, options_map, Period.parse(text))
            for form, lines in mine.items():
                stored = _store_lines(con, school, form, text)
                assert stored == lines, (school, form, text)
            # and the documented lines, from the postings
            for (form, key, column), amount in independent(entries, Period.parse(text)).items():
                assert _store_lines(con, school, form, text)[key][column] == amount, \
                    (school, form, text, key, column)


def test_consolidated_statements_are_the_sums_of_the_schools(refreshed, own):  # noqa: F811
    con = query.connect(refreshed / ".district")
    period = query.default_period(con)
    assert period == _expected_periods(next(iter(own.values()))[0])[-1]
    checked = 0
    for form in ("会政财01", "会政财02", "会政预01"):
        lines = {row["key"]: row for row in query.consolidated_statement(con, form, period)}
        sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        independent_sums: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        for entries, _errors, options_map in own.values():
            for key, values in _own_lines(entries, options_map, Period.parse(period))[form].items():
                for column, value in enumerate(values):
                    if value is not None:
                        sums[key, column] += value
            for (f, key, column), amount in independent(entries, Period.parse(period)).items():
                if f == form:
                    independent_sums[key, column] += amount
        for (key, column), total in sums.items():
            assert lines[key][f"amount{column + 1}"] == total, (form, key, column)
        assert independent_sums, form
        for (key, column), total in independent_sums.items():
            assert lines[key][f"amount{column + 1}"] == total, (form, key, column)
            checked += 1
        assert all(line["schools"] == len(SCHOOLS) for line in lines.values())
    assert checked >= 14
    balance = {row["key"]: row for row in query.consolidated_statement(con, "会政财01", period)}
    assert balance["assets_total"]["amount1"] == balance["liabilities_net_assets_total"]["amount1"] != 0


# -- the page: sign-in, roles, downloads ------------------------------------------------------------
PASSWORD = "district-secret-1"


@pytest.fixture(scope="module")
def gate(refreshed, tmp_path_factory):  # noqa: F811
    from xiaozhang.reports.district.page import build

    users = tmp_path_factory.mktemp("bureau-users") / "users.toml"
    add_user(users, "ju", "教育局", PASSWORD, name="区教育局财务科")
    add_user(users, "kj", "会计", PASSWORD, name="王会计")
    add_user(users, "xz", "校长", PASSWORD)
    add_user(users, "bzr", "班主任", PASSWORD, class_name="三(2)班")
    app, found = build(refreshed / ".district", users, "http://10.0.0.9/{school}/")
    assert found is app
    return app


def _signed_in(app, login: str) -> Client:
    client = Client(app)
    response = client.post("/_signin", data={"login": login, "password": PASSWORD, "next": "/"})
    assert response.status_code == 303
    return client


def test_nobody_signed_in_gets_401_and_other_roles_403(gate):
    for path in ("/", "/statements", "/xlsx", "/school/c", "/statements/xlsx"):
        response = Client(gate).get(path)
        assert response.status_code == 401 and "登录" in response.get_data(as_text=True)
    for login in ("kj", "xz", "bzr"):
        client = _signed_in(gate, login)
        for path in ("/", "/xlsx", "/statements", "/school/c"):
            response = client.get(path)
            assert response.status_code == 403, (login, path)
            assert "只给教育局角色查看" in response.get_data(as_text=True)
    wrong = Client(gate).post("/_signin", data={"login": "ju", "password": "wrong-password", "next": "/"})
    assert wrong.status_code == 401


def test_the_bureau_reads_and_writes_nothing(gate):
    client = _signed_in(gate, "ju")
    page = client.get("/")
    assert page.status_code == 200 and "区教育局财务科" in page.get_data(as_text=True)
    assert client.post("/").status_code == 403  # read-only
    # a script with HTTP Basic credentials
    token = base64.b64encode(f"ju:{PASSWORD}".encode()).decode()
    basic = Client(gate).get("/", headers={"Authorization": f"Basic {token}"})
    assert basic.status_code == 200
    school = client.get("/school/c").get_data(as_text=True)
    assert "FE05" in school and "http://10.0.0.9/c/" in school and "statements?school=c" in school


def _page_tables(text: str) -> list[list[list[str]]]:
    tree = lxml_html.fromstring(text)
    return [[[cell.text_content().strip() for cell in row.xpath("./th|./td")] for row in table.xpath(".//tr")]
            for table in tree.xpath("//table")]


def _number(text: str) -> Decimal | None:
    text = text.replace(",", "").strip()
    return None if text in ("", "——") else Decimal(text)


def _cell(value) -> Decimal | None:
    if value is None or value in ("", "——"):
        return None
    return Decimal(str(value)).quantize(FEN) if isinstance(value, (int, float)) else Decimal(value)


def _sheet_rows(sheet) -> list[list]:
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] in ("学校", "项目", "科目类别", "规则"))
    return [r for r in rows[start:] if any(v is not None for v in r)]


def test_the_main_download_has_the_page_figures(gate):
    client = _signed_in(gate, "ju")
    tables = _page_tables(client.get("/").get_data(as_text=True))
    schools = tables[0]
    response = client.get("/xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert {"各校", "全区汇总", "资产负债表", "收入费用表", "预算收入支出表"} <= set(book.sheetnames)
    rows = _sheet_rows(book["各校"])
    sheet = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    header = schools[0]
    compared = 0
    for row in schools[1:]:
        shown = dict(zip(header, row))
        saved = sheet[shown["学校"]]
        assert int(shown["错误"]) == saved["错误"] and int(shown["交易笔数"]) == saved["交易笔数"]
        assert _number(shown["逾期未缴金额"]) == _cell(saved["逾期未缴金额"])
        assert _number(shown["固定资产净值"]) == _cell(saved["净值"])
        compared += 1
    assert compared == len(SCHOOLS)
    totals = {r[0]: _number(r[2]) for r in tables[1][1:]}
    saved_totals = {r[0]: _cell(r[2]) for r in _sheet_rows(book["全区汇总"])[1:]}
    assert totals == saved_totals


def test_the_statements_page_and_its_download_agree(gate, refreshed):  # noqa: F811
    client = _signed_in(gate, "ju")
    con = query.connect(refreshed / ".district")
    period = query.default_period(con)
    page = client.get(f"/statements?period={period}&by_school=1")
    assert page.status_code == 200
    tables = _page_tables(page.get_data(as_text=True))
    assert len(tables) == 3
    response = client.get(f"/statements/xlsx?period={period}&by_school=1")
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == ["资产负债表", "收入费用表", "预算收入支出表"]
    for table, name in zip(tables, book.sheetnames):
        rows = _sheet_rows(book[name])
        assert table[0] == list(rows[0]) and len(table[0]) == 3 + len(SCHOOLS)
        assert len(rows) == len(table) + 1 and rows[-1][0].startswith("各行为各校本表同一行次之和")  # the note
        for shown, saved in zip(table[1:], rows[1:]):
            assert shown[0] == saved[0].strip()  # (the page strips the indent)
            assert [_number(t) for t in shown[1:]] == [_cell(v) for v in saved[1:]], shown[0]
    # the page's consolidated figures are the store's sums
    lines = {row["label"]: row for row in query.consolidated_statement(con, "会政财01", period)}
    money = next(r for r in tables[0] if r[0] == "货币资金")
    assert _number(money[1]) == lines["货币资金"]["amount1"].quantize(FEN)
    assert sum((_number(v) for v in money[3:]), Decimal(0)) == _number(money[1])
    # one school's own statements, and an unknown period or school
    own_page = client.get(f"/statements?period={period}&school=c").get_data(as_text=True)
    assert "c资产负债表" in own_page
    assert client.get("/statements?period=1999-01").status_code == 404
    assert client.get("/statements?school=nowhere").status_code == 404


def test_a_school_page_download(gate):
    client = _signed_in(gate, "ju")
    tables = _page_tables(client.get("/school/c").get_data(as_text=True))
    book = openpyxl.load_workbook(io.BytesIO(client.get("/school/c/xlsx").get_data()))
    problems = _sheet_rows(book["问题"])
    assert tables[0] == [[("" if v is None else str(v)) for v in r] for r in problems]
    assert any(r[0] == "FE05" for r in problems)


def test_without_a_users_file_the_page_is_open_on_this_machine_only(refreshed, tmp_path):  # noqa: F811
    from xiaozhang.reports.district.page import build

    app, gate = build(refreshed / ".district", tmp_path / "users.toml")
    assert gate is None and app.test_client().get("/").status_code == 200
    # the real command, asked to listen on every interface: it listens on 127.0.0.1 only
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "xiaozhang.cli", "district", "serve", str(refreshed),
                               "--host", "0.0.0.0", "--port", str(port)], stderr=subprocess.PIPE,
                              text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                        f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200  # no sign-in without a users file
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert _listening(port) == {"127.0.0.1"}
    finally:
        server.terminate()
        _out, err = server.communicate(timeout=10)
    assert "没有用户文件" in err and "只在本机（127.0.0.1）上提供服务" in err


def _listening(port: int) -> set[str]:
    """The local addresses listening on `port` (the kernel's own table, /proc/net/tcp*)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                if len(address) == 8:
                    found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.add(address)
    return found


# -- the store's lock -----------------------------------------------------------------------------------
def _check(district: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "xiaozhang.cli", "district", "check", str(district),
                             "--workers", "1", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)


SLOW_REFRESH = ("import sys, time\n"
                "from xiaozhang.reports.district.store import refresh\n"
                "done = refresh(sys.argv[1], workers=1, force=True, progress=lambda s, ok: time.sleep(2))\n"
                "print('PARSED', len(done.parsed))\n")


def test_two_refreshes_at_once_do_not_share_the_store(district, refreshed):  # noqa: F811
    store = district / ".district"
    first = subprocess.Popen([sys.executable, "-c", SLOW_REFRESH, str(district)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    while f"进程 {first.pid}，" not in ((store / ".lock").read_text(encoding="utf-8")
                                      if (store / ".lock").exists() else ""):
        assert first.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    second = _check(district, "--force")  # while the first one holds the store
    out, err = second.communicate(timeout=120)
    assert second.returncode == 1
    assert "正在由另一个 xiaozhang district 更新" in err and f"进程 {first.pid}" in err
    assert "--wait" in err and "重新检查" not in out
    queued = _check(district, "--force", "--wait")  # waits its turn, then reads every school
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0 and "PARSED 3" in out, err
    out, err = queued.communicate(timeout=300)
    assert "共 3 所学校：重新检查 3 所" in err, err
    # the store is whole: every table as a single refresh writes it
    assert _store_content(district) == _store_content(refreshed)


def test_the_lock_in_one_process(district):
    store = district / ".district"
    store.mkdir()
    with store_lock(store):
        with pytest.raises(StoreBusy, match="正在由另一个 xiaozhang district 更新"):
            refresh(district, workers=1)
        assert not (store / MANIFEST).exists()  # nothing written
    assert refresh(district, workers=1).parsed  # free again


@pytest.fixture
def district(template, tmp_path):  # noqa: F811
    import shutil

    root = tmp_path / "district"
    shutil.copytree(template, root)
    return root


def test_a_store_of_an_older_version_is_read_again(district):
    refresh(district, workers=2)
    manifest = district / ".district" / MANIFEST
    content = json.loads(manifest.read_text(encoding="utf-8"))
    content["schools"]["a"].pop("version")  # as the first version of the store wrote it
    manifest.write_text(json.dumps(content), encoding="utf-8")
    assert refresh(district, workers=2).parsed == ["a"]
    assert os.path.exists(district / ".district" / "statements" / "a.parquet")
