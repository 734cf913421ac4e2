"""The example school as working years: `xiaozhang example --working-years --out DIR`.

The same school as the one-ledger example (`generate`), kept the way docs/close.md advises: one
ledger folder per year, each year closed and carried forward with the real commands before the
next one is opened —

    DIR/2025   the archive: generated, months 2025-08 … 2025-12 closed (`close month`), the
               year-end 结转 file written (`close year 2025`) and included, then archived by
               `new-year 2026` (judged as of 2025-12-31, read-only)
    DIR/2026   the working year: written by `new-year 2026` (期初, asset cards, open 代收费 and
               pending entries), its month files moved from the generated ledger

With `--years N` every year but the last becomes an archive the same way (DIR/2023, DIR/2024 …).
Each step goes through the functions the commands run (`closing_cli.close_and_recheck`,
`write_year_end`, `include_year_end`, `newyear.write_new_year`) and stops at the first refusal
or problem, so the example is also the commands' end-to-end check.
"""

from __future__ import annotations

from pathlib import Path

from xiaozhang.example import generate
from xiaozhang.example.config import END, ExampleConfig
from xiaozhang.io import load, problem_line
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import Month

MAIN = "main.beancount"


class WorkingYearsFailed(Exception):
    """A step of the working-years example refused or left problems (Chinese, with the lines)."""


def generate_working_years(out: Path, config: ExampleConfig = ExampleConfig()) -> list[Path]:
    """Write the example school as working years into `out`; returns the year folders, oldest
    first (the last is the working year, the others archives)."""
    from xiaozhang import closing_cli, newyear

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise WorkingYearsFailed(f"{out} 不是空目录：请指定新的目录")
    first_year = config.start.year
    folder = out / str(first_year)
    generate(folder, config)
    folders = [folder]
    for year in range(first_year, END.year):
        main = folder / MAIN
        loaded = load(main)
        _clean(loaded, f"{year} 年账本")
        first = SchoolBooks.of(loaded.entries, loaded.options_map).first_date
        start = Month(year, 1) if first is None or first.year < year else Month.of(first)
        months = [start.shift(i) for i in range(13 - start.month)]
        try:
            _written, problems = closing_cli.close_and_recheck(main, months, None)
            if problems:
                raise WorkingYearsFailed("\n".join(problem_line(p) for p in problems))
            path, _carries = closing_cli.write_year_end(load(main), year, None)
            closing_cli.include_year_end(main, path)
            closed = load(main)
            _clean(closed, f"{year} 年结后")
            following = out / str(year + 1)
            newyear.write_new_year(closed, year + 1, following)
        except (closing_cli.Refused, newyear.NewYearRefused) as refused:
            raise WorkingYearsFailed(f"{year} 年：{refused}") from refused
        folder = following
        folders.append(folder)
    _clean(load(folder / MAIN), f"{folder.name} 工作年度")
    return folders


def _clean(loaded, what: str) -> None:
    if loaded.errors:
        lines = "\n".join(problem_line(e) for e in loaded.errors[:20])
        raise WorkingYearsFailed(f"{lines}\n{what}有 {len(loaded.errors)} 个错误（见上）")
