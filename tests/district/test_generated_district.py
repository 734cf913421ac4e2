"""The generated district (`xiaozhang example --district N`): deterministic, varied, and each
deliberate problem shows in the bureau's per-school table for its school and for no clean one;
the bureau's per-school figures are each school's own, to the fen (docs/district.md §8).

One district of 8 small schools (at most 150 students): the cycle of `district.CYCLE` gives
each of the four problems once and four clean schools; every third school has no canteen.
The independent side is Beancount's own loader (postings summed here) and each school's own
reports (合规, 食堂, 资产).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from click.testing import CliRunner

from xiaozhang import chart
from xiaozhang.cli import main
from xiaozhang.example import district
from xiaozhang.reports import canteen as canteen_report
from xiaozhang.reports import compliance
from xiaozhang.reports.district import query
from xiaozhang.reports.district.store import refresh

COUNT, LARGEST, SEED = 8, 150, 7


def _generate(out: Path, count: int = COUNT, seed: int = SEED) -> None:
    result = CliRunner().invoke(main, ["example", "--district", str(count), "--students", str(LARGEST),
                                       "--seed", str(seed), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"已写入 {count} 所学校" in result.output


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "district"
    _generate(root)
    return root


@pytest.fixture(scope="module")
def manifest(generated) -> dict[str, dict]:
    with open(generated / district.MANIFEST, encoding="utf-8", newline="") as handle:
        return {row["school"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def rows(generated) -> dict[str, dict]:
    done = refresh(generated, workers=2)
    assert not done.failed and len(done.parsed) == COUNT
    con = query.connect(generated / ".district")
    try:
        return {row["school"]: row for row in query.per_school(con)}
    finally:
        con.close()


@pytest.fixture(scope="module")
def own(generated, manifest):
    """Each school loaded by Beancount's own loader (the plugins of its main.beancount run)."""
    return {school: loader.load_file(str(generated / school / "main.beancount")) for school in manifest}


def test_same_count_and_seed_write_the_same_files(generated, tmp_path):
    again = tmp_path / "again"
    _generate(again)
    assert _files(again) == {k: v for k, v in _files(generated).items() if not k.startswith(".district")}
    other = tmp_path / "other"
    _generate(other, count=2, seed=SEED + 1)
    assert (other / "s001" / "main.beancount").exists()
    assert (other / "s001" / "2026" / "03.beancount").read_bytes() != (
        generated / "s001" / "2026" / "03.beancount").read_bytes()
    # the first schools of a larger district are those of a smaller one
    smaller = tmp_path / "smaller"
    _generate(smaller, count=2)
    assert _files(smaller / "s002") == _files(generated / "s002")


def test_the_schools_differ(generated, manifest, own):
    schools = list(manifest.values())
    assert len(schools) == COUNT and [s["school"] for s in schools] == [f"s{k:03d}" for k in range(1, 9)]
    assert len({s["name"] for s in schools}) == COUNT and len({s["seed"] for s in schools}) == COUNT
    assert len({s["students"] for s in schools}) >= 6
    assert all(60 <= int(s["students"]) <= LARGEST for s in schools)
    assert {s["canteen"] for s in schools} == {"yes", "no"}
    assert len({s["bank"] for s in schools}) >= 2
    assert sorted(s["problem"] for s in schools if s["problem"]) == sorted(district.PROBLEMS)
    for school, row in manifest.items():
        entries, _errors, _options = own[school]
        # the school's name and its 基本户's bank, as written into its ledger
        profile = next(e for e in entries if isinstance(e, data.Custom) and e.type == "school")
        assert profile.values[0].value == row["name"]
        opened = next(e for e in entries if isinstance(e, data.Open) and e.account == chart.BANK_BASIC)
        assert opened.meta["bank"] == district.BANKS[row["bank"]][0]
        assert len(str(opened.meta["bank_account"]).replace("-", "")) == district.BANKS[row["bank"]][1]
        # a school without a canteen has no canteen entries at all
        canteen_postings = [p for e in entries if isinstance(e, data.Transaction) for p in e.postings
                            if p.account.startswith((chart.MEAL_INCOME, chart.BANK_CANTEEN))]
        assert bool(canteen_postings) == (row["canteen"] == "yes"), school
    numbers = {str(next(e for e in own[s][0] if isinstance(e, data.Open)
                        and e.account == chart.BANK_BASIC).meta["bank_account"]) for s in manifest}
    assert len(numbers) == COUNT  # each school its own account


def _by_problem(manifest, problem: str) -> str:
    return next(school for school, row in manifest.items() if row["problem"] == problem)


def test_each_deliberate_problem_shows_for_its_school_only(rows, manifest):
    clean = [school for school, row in manifest.items() if not row["problem"]]
    assert len(clean) == 4
    for school in clean:
        row = rows[school]
        assert (row["errors"], row["warnings"], row["problems_by_class"]) == (0, 0, ""), school
        assert (row["remit_overdue_count"], row["disclosures_missing"], row["disclosures_late"],
                row["budget_over"]) == (0, 0, 0, 0), school
    missing = rows[_by_problem(manifest, district.DISCLOSURE_MISSING)]
    assert missing["disclosures_missing"] >= 1 and missing["problems_by_class"].startswith("FE×")
    late = rows[_by_problem(manifest, district.REMITTANCE_LATE)]
    assert late["problems_by_class"].startswith("TL×") and late["remit_overdue_count"] == 0
    unpaid = rows[_by_problem(manifest, district.REMITTANCE_UNPAID)]
    assert unpaid["problems_by_class"].startswith("TL×") and unpaid["remit_overdue_count"] >= 1
    over = rows[_by_problem(manifest, district.OVER_BUDGET)]
    assert over["budget_over"] >= 1 and over["warnings"] >= 1 and over["problems_by_class"] == "BG×1"
    # each signal belongs to its problem's school alone
    signals = {"disclosures_missing": district.DISCLOSURE_MISSING,
               "remit_overdue_count": district.REMITTANCE_UNPAID, "budget_over": district.OVER_BUDGET}
    for column, problem in signals.items():
        assert [s for s, r in rows.items() if r[column]] == [_by_problem(manifest, problem)], column
    assert sorted(s for s, r in rows.items() if "TL×" in r["problems_by_class"]) == sorted(
        [_by_problem(manifest, district.REMITTANCE_LATE), _by_problem(manifest, district.REMITTANCE_UNPAID)])


def _sums(entries, prefix: str, day: dt.date | None = None) -> Decimal:
    return sum((p.units.number for e in entries if isinstance(e, data.Transaction)
                and (day is None or e.date <= day) for p in e.postings
                if p.account.startswith(prefix)), Decimal(0))


def test_per_school_figures_are_each_schools_own_to_the_fen(rows, own, generated):
    con = query.connect(generated / ".district")
    by_class = defaultdict(dict)
    for row in query.by_school_class(con):
        by_class[row["school"]][row["class"]] = row["amount"]
    canteen_rows = {r[0]: r[1:] for r in con.execute(
        "SELECT school, term, last, rate FROM canteen WHERE closed ORDER BY last").fetchall()}
    con.close()
    for school, (entries, errors, options_map) in own.items():
        row = rows[school]
        # every posting, summed by class here (Beancount's own entries, generated ones included)
        classes = defaultdict(Decimal)
        for entry in entries:
            if isinstance(entry, data.Transaction):
                for posting in entry.postings:
                    classes[posting.account.split(":")[0]] += posting.units.number
        assert by_class[school] == dict(classes), school
        # 2103 应缴财政款 still held = the 2103 balance; fixed assets = the 1601 / 1602 balances
        assert row["remit_held"] == -_sums(entries, chart.PAYABLE_TO_TREASURY), school
        assert row["assets_cost"] == _sums(entries, chart.FIXED_ASSETS)
        assert row["assets_depreciation"] == -_sums(entries, chart.ACCUM_DEPRECIATION)
        # the school's own 合规 page: errors, remittances overdue, budget execution
        page = compliance.build(entries, errors, options_map)
        assert row["errors"] == page.errors.count
        assert row["remit_overdue_amount"] == page.treasury_overdue_total
        assert row["budget"] == sum((b.budget for b in page.budgets), Decimal(0))
        assert row["budget_actual"] == sum((b.actual for b in page.budgets), Decimal(0))
        assert row["budget_over"] == sum(1 for b in page.budgets if b.actual > b.budget)
        fe05 = [e for e in errors if e.message.startswith("[FE05]")]
        assert row["disclosures_missing"] + row["disclosures_late"] == len(fe05)
        # the canteen page of the month its last ended term ends in: that term's surplus rate
        if school in canteen_rows and rows[school]["canteen_rate"] is not None:
            term, last, rate = canteen_rows[school]
            month = canteen_report.build(entries, options_map, last.replace(day=1))
            assert month.term_label == term == row["canteen_term"]
            assert rate == month.term.surplus_rate.quantize(Decimal("0.0001"))
    assert sum(1 for r in rows.values() if r["canteen_rate"] is not None) == 6  # the canteens


def test_a_district_is_not_written_over_other_schools(generated, tmp_path):
    root = tmp_path / "mixed"
    (root / "一小").mkdir(parents=True)
    (root / "一小" / "main.beancount").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["example", "--district", "2", "--students", "80",
                                       "--out", str(root)])
    assert result.exit_code == 2 and "不属于这个区的学校" in result.output
    assert not (root / "s001").exists()
