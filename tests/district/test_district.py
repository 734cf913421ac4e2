"""The district: schools checked in parallel into a Parquet store, refreshed by digest, queried
with DuckDB, written to xlsx — the bureau's figures against each school's own (docs/district.md).

Three small generated schools (different seeds); school "c" has a deliberate problem: its June
2026 收费公示 record is removed (rule FE05). School "=1+1" is named like a formula, for the
workbook's text cells.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner

from xiaozhang.cli import main
from xiaozhang.example import generate
from xiaozhang.example.config import ExampleConfig
from xiaozhang.reports import compliance
from xiaozhang.reports.district import query
from xiaozhang.reports.district.store import TABLES, refresh

SCHOOLS = {"a": 11, "=1+1": 12, "c": 13}
REMOVED_DISCLOSURE = '2026-07-08 custom "disclosure" "2026-06"'


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("district-template")
    for school, seed in SCHOOLS.items():
        generate(root / school, ExampleConfig.make(students=60, years=1, seed=seed))
    july = root / "c" / "2026" / "07.beancount"
    lines = july.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(REMOVED_DISCLOSURE)]
    assert len(kept) == len(lines) - 1
    july.write_text("".join(kept), encoding="utf-8")
    return root


@pytest.fixture
def district(template, tmp_path) -> Path:
    root = tmp_path / "district"
    shutil.copytree(template, root)
    return root


@pytest.fixture(scope="module")
def refreshed(template, tmp_path_factory) -> Path:
    """A district refreshed once, for the tests that only read its store."""
    root = tmp_path_factory.mktemp("district-read") / "district"
    shutil.copytree(template, root)
    refresh(root, workers=2)
    return root


@pytest.fixture(scope="module")
def own(template):
    """Each school loaded by Beancount's own loader, in the test (the independent side)."""
    return {school: loader.load_file(str(template / school / "main.beancount")) for school in SCHOOLS}


def _class_sums(entries) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                assert posting.units.currency == "CNY"
                sums[posting.account.split(":")[0]] += posting.units.number
    return sums


def test_check_reads_every_school_into_the_store(district):
    done = refresh(district, workers=2)
    assert sorted(done.parsed) == sorted(SCHOOLS) and not done.unchanged and not done.failed
    for name in TABLES:
        assert sorted(p.stem for p in (district / ".district" / name).glob("*.parquet")) == sorted(SCHOOLS)
    # read in worker processes, not in this one (the record says which process read each school)
    assert os.getpid() not in {record["pid"] for record in done.records.values()}


def test_consolidated_totals_are_the_sum_of_the_schools_own(refreshed, own):
    con = query.connect(refreshed / ".district")
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for school, (entries, _errors, _options) in own.items():
        for account_class, amount in _class_sums(entries).items():
            expected[account_class] += amount
        per_school = {row["class"]: row["amount"] for row in query.by_school_class(con)
                      if row["school"] == school}
        assert per_school == {k: v for k, v in _class_sums(entries).items()}
    got = {row["class"]: row["amount"] for row in query.consolidated(con)}
    assert got == dict(expected)
    assert all(row["schools"] == 3 for row in query.consolidated(con))


def test_month_sums_are_the_postings_summed_per_account_and_month(refreshed, own):
    con = query.connect(refreshed / ".district")
    for school, (entries, _errors, _options) in own.items():
        expected: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
        for entry in entries:
            if isinstance(entry, data.Transaction):
                for posting in entry.postings:
                    key = (entry.date.replace(day=1), posting.account, posting.units.currency)
                    expected[key][0] += posting.units.number
                    expected[key][1] += 1
        got = {(month, account, currency): [amount, count] for month, account, currency, amount, count
               in con.execute("SELECT month, account, currency, amount, postings FROM sums "
                              "WHERE school = ?", [school]).fetchall()}
        assert got == dict(expected)


def test_the_summary_rows_are_the_per_school_query_over_the_whole_store(refreshed):
    from xiaozhang.reports.district.summary import PER_SCHOOL

    con = query.connect(refreshed / ".district")
    assert con.execute(PER_SCHOOL).fetchall() == con.execute(
        "SELECT * FROM summary ORDER BY school").fetchall()


def test_per_school_figures_are_the_schools_own_pages(refreshed, own):
    rows = {row["school"]: row for row in query.per_school(query.connect(refreshed / ".district"))}
    for school, (entries, errors, options_map) in own.items():
        page = compliance.build(entries, errors, options_map)  # the school's 合规 page
        row = rows[school]
        assert row["errors"] == page.errors.count
        assert row["remit_held"] == page.treasury_total
        assert row["remit_overdue_amount"] == page.treasury_overdue_total
        # the budget lines of the page, on the end of the data (as the page shows them)
        assert row["budget"] == sum((b.budget for b in page.budgets), Decimal(0))
        assert row["budget_actual"] == sum((b.actual for b in page.budgets), Decimal(0))
        fe05 = [e for e in errors if e.message.startswith("[FE05]")]
        assert row["disclosures_missing"] + row["disclosures_late"] == len(fe05)
    # the deliberate problem shows in the bureau's table, and only there
    assert rows["c"]["disclosures_missing"] >= 1 and "FE×" in rows["c"]["problems_by_class"]
    assert rows["a"]["disclosures_missing"] == 0 and rows["a"]["problems_by_class"] == ""


def _store_times(district: Path) -> dict[str, int]:
    return {f"{p.parent.name}/{p.name}": p.stat().st_mtime_ns
            for p in (district / ".district").rglob("*.parquet")}


def test_refresh_reads_only_the_changed_school(district):
    refresh(district, workers=2)
    before = _store_times(district)
    again = refresh(district, workers=2)
    assert again.parsed == [] and sorted(again.unchanged) == sorted(SCHOOLS)
    assert _store_times(district) == before  # nothing rewritten
    # one file of one school changes: only that school is read again
    month = district / "a" / "2026" / "03.beancount"
    month.write_text(month.read_text(encoding="utf-8") + "\n; 补记说明\n", encoding="utf-8")
    changed = refresh(district, workers=2)
    assert changed.parsed == ["a"] and sorted(changed.unchanged) == ["=1+1", "c"]
    after = _store_times(district)
    assert {k for k in after if after[k] != before[k]} == {f"{t}/a.parquet" for t in TABLES}


def test_a_new_file_or_a_removed_school_is_seen(district):
    refresh(district, workers=1)
    (district / "c" / "notes.beancount").write_text("; 新文件\n", encoding="utf-8")
    assert refresh(district, workers=1).parsed == ["c"]
    shutil.rmtree(district / "=1+1")
    done = refresh(district, workers=1)
    assert done.removed == ["=1+1"] and done.parsed == []
    assert not list((district / ".district").rglob("=1+1.parquet"))


def test_report_command_writes_the_workbook(refreshed, own):
    out = refreshed.parent / "汇总.xlsx"
    result = CliRunner().invoke(main, ["district", "report", str(refreshed), "--out", str(out),
                                       "--workers", "2"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    sheet = book["各校"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "学校"))
    table = {r[0]: dict(zip(rows[header], r)) for r in rows[header + 1:]}
    assert sorted(table) == sorted(SCHOOLS)
    formula_like = next(c for c in sheet["A"] if c.value == "=1+1")
    assert formula_like.data_type == "s"  # text, never a live formula
    assert table["c"]["未公示（月·项）"] >= 1 and table["a"]["未公示（月·项）"] == 0
    totals = {r[0]: r[2] for r in book["全区汇总"].iter_rows(values_only=True) if r[1] == "CNY"}
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for entries, _errors, _options in own.values():
        for account_class, amount in _class_sums(entries).items():
            expected[account_class] += amount
    names = {"Assets": "资产", "Liabilities": "负债", "Equity": "净资产", "Income": "收入", "Expenses": "费用"}
    assert {names[k]: round(float(v), 2) for k, v in expected.items()} == {
        k: round(float(v), 2) for k, v in totals.items()}


def test_check_command_exit_code_and_lines(district):
    result = CliRunner().invoke(main, ["district", "check", str(district), "--workers", "2"])
    assert result.exit_code == 1  # school c has an error
    line = next(line for line in result.output.splitlines() if line.startswith("c："))
    assert "个错误" in line and "，0 个错误" not in line
    assert "a：" in result.output and "共 3 所学校：重新检查 3 所" in result.output
    listed = CliRunner().invoke(main, ["district", "check", str(district), "--list"])
    assert listed.exit_code == 1 and "共 3 所学校：重新检查 0 所，未改动 3 所" in listed.output
    assert "c/2026/06.beancount:" in listed.output and ": [FE05] " in listed.output
    empty = district.parent / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["district", "check", str(empty)])
    assert result.exit_code == 1 and "没有学校账本" in result.output


def _store_content(district: Path) -> dict[str, list]:
    """Every table of the store as sorted rows (without the load's clock)."""
    con = query.connect(district / ".district")
    found = {}
    for name in TABLES:
        rows = con.execute(f"SELECT * EXCLUDE (loaded_at) FROM {name}" if name == "school"
                           else f"SELECT * FROM {name}").fetchall()
        found[name] = sorted(rows, key=repr)
    return found


def test_dask_cluster_gives_the_local_results(template, tmp_path):
    distributed = pytest.importorskip("distributed")
    local, remote = tmp_path / "local", tmp_path / "dask"
    shutil.copytree(template, local)
    shutil.copytree(template, remote)
    refresh(local, workers=2)
    from xiaozhang.reports.district.cluster import dask_executor

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with dask_executor(cluster) as executor:
            done = refresh(remote, executor=executor)
    assert sorted(done.parsed) == sorted(SCHOOLS) and not done.failed
    assert os.getpid() not in {record["pid"] for record in done.records.values()}
    assert _store_content(remote) == _store_content(local)


def test_the_bureau_page_lists_the_schools_and_drills_down(refreshed):
    from xiaozhang.reports.district.page import build_app

    client = build_app(refreshed / ".district", "http://10.0.0.9/{school}/").test_client()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('href="school/') == 3 and "各校情况汇总" in html
    school = client.get("/school/c").get_data(as_text=True)
    assert "FE05" in school and "http://10.0.0.9/c/" in school and "未公示" in school
    assert client.get("/school/nowhere").status_code == 404


def test_a_school_is_judged_again_when_its_judging_day_changes(district, monkeypatch):
    from xiaozhang.model.asof import ENV

    monkeypatch.delenv(ENV, raising=False)
    refresh(district, workers=2)  # the example schools pin their 评判日期 (custom "as-of")
    assert refresh(district, workers=2).parsed == []
    monkeypatch.setenv(ENV, "2027-03-01")  # `--as-of 2027-03-01`: every school judged again
    done = refresh(district, workers=2)
    assert sorted(done.parsed) == sorted(SCHOOLS)
    rows = {r["school"]: r for r in query.per_school(query.connect(district / ".district"))}
    assert {r["judged"].isoformat() for r in rows.values()} == {"2027-03-01"}
    assert refresh(district, workers=2).parsed == []
    monkeypatch.delenv(ENV)  # back to the ledgers' own day
    assert sorted(refresh(district, workers=2).parsed) == sorted(SCHOOLS)
