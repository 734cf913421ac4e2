"""The example school as working years (`xiaozhang example --working-years`): the archive 2025
and the working year 2026, made once per module with the real commands, against the one-ledger
example generated beside it (real files, real loader, the real command line)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from click.testing import CliRunner

from xiaozhang import chart
from xiaozhang.cli import main as cli
from xiaozhang.io import load

ICBC = Path(__file__).resolve().parent / "importers" / "fixtures" / "icbc" / "icbc-historydetail-2025-09.csv"
END = dt.date(2026, 10, 31)
YEAR_END = dt.date(2025, 12, 31)
ZERO = Decimal(0)


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("school")
    result = run("example", "--working-years", "--out", root / "years")
    assert result.exit_code == 0, result.output
    assert "2025（归档，只读），2026（工作年度）" in result.output
    assert run("example", "--out", root / "one").exit_code == 0
    return {"archive": root / "years" / "2025" / "main.beancount",
            "working": root / "years" / "2026" / "main.beancount",
            "one": root / "one" / "main.beancount"}


def balances(entries, day: dt.date) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date <= day:
            for posting in entry.postings:
                sums[posting.account] += posting.units.number
    return sums


def test_both_years_load_clean(school):
    working, archive = load(school["working"]), load(school["archive"])
    assert [str(e.message) for e in working.errors] == []
    assert [str(e.message) for e in archive.errors] == []
    assert min(e.date for e in working.transactions) == YEAR_END  # the 期初 entries
    assert max(e.date for e in archive.transactions) == YEAR_END
    assert (school["archive"].parent / "年结" / "2025.beancount").exists()
    assert 'include "年结/2025.beancount"' in school["archive"].read_text(encoding="utf-8")


def _canteen() -> tuple[str, ...]:
    return tuple(a.account for a in chart.CHART if dict(a.meta).get("canteen") is True)


def _target(account: str, canteen: tuple[str, ...]) -> str | None:
    """Where the documented 结转 table (docs/close.md) carries an account's year-end balance;
    None for the accounts it leaves alone (assets, liabilities, 8001 …)."""
    def under(*roots):
        return any(account == r or account.startswith(r + ":") for r in roots)

    if account.startswith(("Income:", "Expenses:")):
        return chart.CANTEEN_EQUITY if under(*canteen) else chart.ACCUMULATED_SURPLUS
    if under(chart.CURRENT_SURPLUS, chart.YEAR_SURPLUS_DISTRIBUTION, chart.FREE_TRANSFER_EQUITY,
             chart.PRIOR_YEAR_ADJUSTMENT):
        return chart.ACCUMULATED_SURPLUS
    if under(chart.BUDGET_FISCAL_INCOME, chart.BUDGET_SPENDING_FISCAL) or (
            under(chart.FISCAL_CARRYOVER) and not account.endswith("810107累计结转")):
        return f"{chart.FISCAL_CARRYOVER}:810107累计结转"
    if under(chart.FISCAL_SURPLUS) and not account.endswith("810205累计结余"):
        return f"{chart.FISCAL_SURPLUS}:810205累计结余"
    if under(chart.BUDGET_SPENDING_PROJECT) or (
            under(chart.NON_FISCAL_CARRYOVER) and not account.endswith("820105累计结转")):
        return f"{chart.NON_FISCAL_CARRYOVER}:820105累计结转"
    if account.startswith(("Equity:6", "Equity:7")) or under(chart.OTHER_SURPLUS, chart.SURPLUS_DISTRIBUTION) or (
            under(chart.NON_FISCAL_SURPLUS) and not account.endswith("820204累计结余")):
        return f"{chart.NON_FISCAL_SURPLUS}:820204累计结余"
    return None


def test_working_year_balances_equal_the_one_ledger(school):
    """Every account at 2026-10-31, both sides: the working year's balance equals the one-ledger
    example's, computed here from its postings and the documented 结转 table — a carried account
    holds 2026's movement only, the account it is carried to its balance plus the 2025 year-end
    balances carried to it, every other account the same balance."""
    working = balances(load(school["working"]).entries, END)
    one_entries = load(school["one"]).entries
    one, one_2025 = balances(one_entries, END), balances(one_entries, YEAR_END)
    canteen = _canteen()
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for account, amount in one.items():
        expected[account] += amount
    for account, amount in one_2025.items():
        target = _target(account, canteen)
        if target is not None:
            expected[account] -= amount
            expected[target] += amount
    got = {a: n for a, n in working.items() if n}
    want = {a: n for a, n in expected.items() if n}
    assert got == want
    # the figures are not trivial: both sides, money, assets and the carried net assets
    for account in (chart.ACCUMULATED_SURPLUS, chart.CANTEEN_EQUITY, f"{chart.NON_FISCAL_SURPLUS}:820204累计结余",
                    "Assets:1602固定资产累计折旧:160202通用设备", chart.FUND_BALANCE_QUOTA):
        assert got.get(account, ZERO) != 0
    assert one_2025[chart.ACCUMULATED_SURPLUS] != got[chart.ACCUMULATED_SURPLUS]


def test_archive_is_read_only_to_every_command(school, tmp_path):
    archive = school["archive"]
    folder = archive.parent
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    main = str(archive)
    attempts = {
        "reopen": run("close", "reopen", "2025-12", "--by", "王建国", "--reason", "补记", "--ledger", main),
        "year": run("close", "year", "2025", "--ledger", main),
        "new-year": run("new-year", "2026", "--out", tmp_path / "again", "--ledger", main),
        "users": run("users", "add", "wang", "--role", "校长", "--password", "x" * 12, "--ledger", main),
        "import": run("import", "extract", ICBC, "--ledger", main, "-o", folder / "2025" / "09.beancount"),
    }
    for name, result in attempts.items():
        assert result.exit_code != 0, (name, result.output)
    assert "是归档的年度账本（只读" in attempts["reopen"].output
    assert "已年结" in attempts["year"].output
    assert "已归档（只读）" in attempts["new-year"].output
    assert "是归档的年度账本（只读" in attempts["users"].output
    assert "是归档的年度账本（只读" in attempts["import"].output
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "again").exists()
    # what does not write still works on the archive: check, status, a report
    assert run("check", main).exit_code == 0
    assert "2025年  已年结" in run("close", "status", "--ledger", main).output


# -- reports that span years: the archive's 历年汇总 -------------------------------------------
def test_year_summary_is_written_in_both_folders(school):
    for folder in (school["archive"].parent, school["working"].parent):
        assert (folder / "历年汇总" / "2025.json").is_file()
    assert not (school["one"].parent / "历年汇总").exists()


def test_utilities_year_over_year_reads_the_archive(school):
    """水电费同比 of 2026 on the working year (2025 in the archive's summary) equals the same
    report on the one ledger; last year's September is the one ledger's 2025-09 postings."""
    from xiaozhang.reports import monthly
    from xiaozhang.reports.statements import Period

    working, one = load(school["working"]), load(school["one"])
    for period in (Period(2026, 10), Period(2026, 1)):
        assert monthly.build_utilities(working.entries, working.options_map, period) == \
            monthly.build_utilities(one.entries, one.options_map, period)
    report = monthly.build_utilities(working.entries, working.options_map, Period(2026, 10))
    september = report.months[8]
    water = sum((p.units.number for e in one.transactions if (e.date.year, e.date.month) == (2025, 9)
                 for p in e.postings if p.account.startswith(monthly.WATER)), ZERO)
    assert september.water_last == water != 0
    assert report.months[0].water_last is None  # 2025-01: before the school's books began


def test_asset_depreciation_of_an_archived_year_reads_the_archive(school):
    from xiaozhang.model.generated import GENERATED
    from xiaozhang.reports import asset_years

    working, one = load(school["working"]), load(school["one"])
    assert asset_years.depreciation_years(working.entries, working.options_map) == \
        asset_years.depreciation_years(one.entries, one.options_map) == [2025, 2026]
    for year in (2025, 2026):
        archived = asset_years.year_depreciation(working.entries, working.options_map, year)
        whole = asset_years.year_depreciation(one.entries, one.options_map, year)
        assert archived == whole and archived.ok
    # independent: the one ledger's generated depreciation of 2025 (debits to the expense)
    charged = sum((p.units.number for e in one.transactions
                   if e.date.year == 2025 and e.meta.get(GENERATED) == "depreciation"
                   for p in e.postings if p.units.number > 0), ZERO)
    assert archived_total(working) == charged != 0


def archived_total(loaded) -> Decimal:
    from xiaozhang.reports import asset_years

    return asset_years.year_depreciation(loaded.entries, loaded.options_map, 2025).total


def test_overview_school_year_across_the_archive(school):
    """The 概览's school year 2025-2026 on the working year: September–December 2025 from the
    archive's summary, the rest from the ledger — the same months as on the one ledger."""
    from xiaozhang.reports import overview

    working, one = load(school["working"]), load(school["one"])
    got = overview.build(working.entries, working.options_map, school_year=2025).months
    want = overview.build(one.entries, one.options_map, school_year=2025).months
    assert got == want
    september = next(m for m in got if m.month == dt.date(2025, 9, 1))
    income = -sum((p.units.number for e in one.transactions if (e.date.year, e.date.month) == (2025, 9)
                   for p in e.postings if p.account.startswith("Income:")), ZERO)
    assert september.income == income != 0


def test_several_years_become_a_chain_of_archives(tmp_path):
    """`--years 2`: 2024 and 2025 archived in turn (new-year on a working year), 2026 the working
    year; all three load clean and the working year keeps both years' summaries."""
    result = run("example", "--working-years", "--years", "2", "--students", "300", "--out", tmp_path / "y")
    assert result.exit_code == 0, result.output
    assert "2024、2025（归档，只读），2026（工作年度）" in result.output
    for year in (2024, 2025, 2026):
        loaded = load(tmp_path / "y" / str(year) / "main.beancount")
        assert [str(e.message) for e in loaded.errors] == [], year
    assert sorted(p.name for p in (tmp_path / "y" / "2026" / "历年汇总").iterdir()) == ["2024.json", "2025.json"]
    main = (tmp_path / "y" / "2026" / "main.beancount").read_text(encoding="utf-8")
    assert main.count('include "期初.beancount"') == 1


def test_serve_opens_the_archive_read_only(school):
    """`xiaozhang serve` on the archive: Fava read-only, a save through its API is refused and
    the file stays as it was (a real server process, real HTTP)."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    main = school["archive"]
    before = main.read_bytes()
    process = subprocess.Popen([sys.executable, "-m", "xiaozhang.cli", "serve", str(main), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, home = time.monotonic() + 60, None
        while home is None:
            assert process.poll() is None and time.monotonic() < deadline
            try:
                with direct.open(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    home = response.url
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        base = home.split("/extension/")[0]
        request = urllib.request.Request(f"{base}/api/source", method="PUT", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"file_path": str(main), "source": "; x\n",
                                                          "sha256sum": ""}).encode())
        with pytest.raises(urllib.error.HTTPError) as refused:
            direct.open(request, timeout=10)
        assert refused.value.code in (401, 403)
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode("utf-8", "replace")
    assert "是归档的年度账本：以只读方式打开" in output
    assert main.read_bytes() == before
