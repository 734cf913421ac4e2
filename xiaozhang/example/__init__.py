"""Deterministic generator of the example school's books (示例学校账本).

`xiaozhang example --out DIR` writes exactly the committed `ledger/`: a public primary school
of about 1,200 students (6 grades x 4 classes) with a canteen, from 2025-09-01 through
2026-10-31 (one school year plus the current term).  `--students N --years Y` makes
benchmark-scale ledgers with the same kinds of entries: Y school years ending with the
current term, about N students (classes of about 50).

Every kind of entry of DOMAIN.md §3.3 is here: 授权支付额度 and 财政直接支付 payroll, 住宿费
collected to 2103 and remitted to the 财政专户 (and returned as 事业收入), 代收费 (作业本费,
教辅资料费) per student, paid to the supplier and refunded at term end, utilities, repairs,
purchases with full approval metadata (one 政府采购 and one 三重一大 case), fixed-asset purchases
with asset cards, 门面租金, bank interest, petty cash, the canteen, and a few pending entries.

The books, one module each: `school` (the school's own funds, payroll, spending), `fees`,
`canteen`, `assets`; what they share is in `context` (with `config`, `dates` — the school's
calendar —, `people` and `entries`); `files` writes the ledger.

Determinism: one `random.Random(seed)` for the school's own books and one for each of the fee,
canteen and asset books, the books generated in a fixed order (`run`), files written sorted.
Balances of every money account are tracked so that no account goes negative, at any scale.
Nothing here reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xiaozhang.example import budget, school
from xiaozhang.example.assets import FixedAssets
from xiaozhang.example.canteen import CanteenBooks
from xiaozhang.example.config import END, ExampleConfig
from xiaozhang.example.context import Example
from xiaozhang.example.entries import display_width
from xiaozhang.example.fees import FeeBooks
from xiaozhang.example.files import accounts_file, ledger_files, write
from xiaozhang.model.periods import months_between

__all__ = ("ExampleConfig", "Generated", "accounts_file", "display_width", "generate", "run")


@dataclass(frozen=True)
class Generated:
    """The generated books: the example's transactions and state, and the books with files of
    their own (the canteen's supplier register, the assets' transfer register)."""

    example: Example
    canteen: CanteenBooks
    assets: FixedAssets


def run(config: ExampleConfig) -> Generated:
    """Generate every book, in the one order that makes the example reproducible."""
    ex = Example(config)
    assets = FixedAssets(ex)
    ex.make_roster()
    school.opening(ex)
    assets.opening()
    FeeBooks(ex).run()
    months = months_between(config.start, END)
    for year, month in months:
        school.monthly(ex, year, month)
    canteen = CanteenBooks(ex)
    if config.canteen:  # a school without a canteen: its register stays empty
        canteen.run()
    budget.opening(ex)  # after the canteen's opening: the money of all the opening entries
    for school_year in ex.school_years:
        school.yearly_projects(ex, school_year)
    assets.changes()
    school.pending_entries(ex)
    school.statement_items(ex)
    school.quota(ex, months)
    return Generated(ex, canteen, assets)


def generate(out: Path, config: ExampleConfig = ExampleConfig()) -> list[Path]:
    """Write the example ledger into `out`; returns the files written."""
    generated = run(config)
    return write(Path(out), ledger_files(generated.example, generated.canteen, generated.assets))
