"""The benchmark of period close (docs/performance.md, "月结与年度账本").

Case `rule`: the closing rule (plugins/closing.py) on the bench school (3,000 students, 10
years) with EVERY month closed — the worst case: all 123 months checked on each load.  A copy
of the ledger is made in a temporary folder and every month is closed with the command's own
code (`xiaozhang.closing_cli.close_months`; the error gate is skipped, the bench ledger is not
judged here).  Then, in one process: the ledger loaded without our plugins (Beancount alone,
the baseline), and the closing rule run on those entries with fresh books (CPU time,
`time.process_time`, best of --repeat).

Case `reload` (a working year does not pay for its history): three ledgers of the same
3,000-student school, built in --work:
  history   the 10-year ledger as it is (one ledger, all years);
  year10    its working year 2026 from `xiaozhang new-year` (opening balances and asset cards
            at 2025-12-31, the 2026 month files), history archived;
  year1     the working year 2026 of the same school generated with one school year of
            history (`xiaozhang example --students 3000 --years 1`, then `new-year 2026`).
For each, in one process through Fava's test client: a month file of the last month gets one
more entry (file write), Fava's ledger reloads (`load_file`, what Fava does when its watcher
reports the change: the whole ledger with all our rules), then the Overview page is asked for: the time from the write to the answer, wall
and CPU, best of --repeat (the two working years take turns).  Then, as subprocesses alternating, the working year's
`xiaozhang check` vs `bean-check -C` on the same folder with our plugin line removed (the
children's CPU time).

    python bench/close.py [--case rule|reload] [--ledger /work/benchledger/school]
                          [--work /tmp/close-bench] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUR_LINES = re.compile(r'(?:plugin "xiaozhang\.plugins\.[\w.]+"(?: "[^"]*")?\n)+')


def closed_copy(source: Path, work: Path) -> Path:
    """A copy of the ledger with every month closed; returns its plain main file (no plugins)."""
    from xiaozhang.closing_cli import close_months
    from xiaozhang.io import load
    from xiaozhang.model.periods import Month

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)
    main = work / "main.beancount"
    plain = work / "main-plain.beancount"
    plain.write_text(OUR_LINES.sub("", main.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    loaded = load(plain)
    dates = [e.date for e in loaded.entries if type(e).__name__ == "Transaction"]
    first, last = Month.of(min(dates)), Month.of(max(dates))
    months = [first]
    while months[-1] < last:
        months.append(months[-1].shift(1))
    close_months(loaded, months, "基准", check_errors=False)
    return plain


def measure(plain: Path, repeat: int) -> dict[str, float]:
    from beancount import loader

    from xiaozhang.model import books as books_module
    from xiaozhang.plugins.closing import validate_closing as rule

    start = time.process_time()
    entries, errors, options = loader._load([(str(plain.resolve()), True)], None, None, None)  # noqa: SLF001
    load_cpu = time.process_time() - start
    best = float("inf")
    found = None
    for _ in range(repeat):
        books_module.forget()  # fresh books: the rule pays for its model part
        fresh = list(entries)
        start = time.process_time()
        _entries, found = rule(fresh, options)
        best = min(best, time.process_time() - start)
    return {"load_cpu": load_cpu, "rule_cpu": best, "errors": len(found or []),
            "balance_errors": sum(1 for e in errors if "Balance" in type(e).__name__),
            "transactions": sum(1 for e in entries if type(e).__name__ == "Transaction")}


def working_year(source: Path, out: Path, year: int) -> Path:
    """`new-year` on a copy of `source` (the source is not touched); returns the new main."""
    from xiaozhang.io import load
    from xiaozhang.newyear import write_new_year

    shutil.rmtree(out, ignore_errors=True)
    write_new_year(load(source / "main.beancount"), year, out, archive=False)
    return out / "main.beancount"


class Reloader:
    """One Fava app over a ledger; `once()` times one edit: (wall, CPU) seconds from writing one
    more entry into the last month file to the answer of the Overview page."""

    def __init__(self, main: Path) -> None:
        from fava.application import create_app

        app = create_app([str(main)], load=True)
        self.slug = app.config["LEDGERS"].first_slug()
        self.ledger = app.config["LEDGERS"][self.slug]
        self.client = app.test_client()
        assert self.client.get(f"/{self.slug}/extension/Overview/").status_code == 200
        self.last = sorted(main.parent.glob("20[0-9][0-9]/[01][0-9].beancount"))[-1]
        self.edits = 0

    def once(self) -> tuple[float, float]:
        day = f"{self.last.parent.name}-{self.last.stem}-01"
        text = self.last.read_text(encoding="utf-8")
        self.edits += 1
        wall, cpu = time.perf_counter(), time.process_time()
        self.last.write_text(text + f'\n{day} * "基准" "编辑 {self.edits}"\n'
                                    f'  Expenses:5901其他费用:590101银行手续费  1.00 CNY\n'
                                    f'  Assets:1002银行存款:100201基本户  -1.00 CNY\n', encoding="utf-8")
        self.ledger.load_file()  # what Fava does when its watcher reports the change
        response = self.client.get(f"/{self.slug}/extension/Overview/")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200
        return wall, cpu


def reload_times(mains: dict[str, Path], repeat: int) -> dict[str, tuple[float, float]]:
    """Best (wall, CPU) per ledger; the ledgers take turns, so a change of the machine's load
    hits all alike."""
    reloaders = {name: Reloader(main) for name, main in mains.items()}
    best = {name: (float("inf"), float("inf")) for name in mains}
    for _ in range(repeat):
        for name, reloader in reloaders.items():
            wall, cpu = reloader.once()
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def check_vs_bean_check(main: Path, repeat: int) -> tuple[float, float]:
    """Children's CPU seconds (best of `repeat`, runs alternating): `xiaozhang check` on the
    folder, `bean-check -C` on it with our plugin line removed."""
    import resource
    import subprocess

    plain = main.with_name("main-plain.beancount")
    plain.write_text(OUR_LINES.sub("", main.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    # as installed programs run: modules compiled once into __pycache__, not on every start (a
    # machine with PYTHONDONTWRITEBYTECODE set compiles every module at every start, which
    # weighs on our ~40 modules more than on bean-check's); one untimed run of each writes them
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    commands = (("plain", [str(bin_dir / "bean-check"), "-C", str(plain)]),
                ("ours", [str(bin_dir / "xiaozhang"), "check", str(main)]))
    for _name, command in commands:
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    best = {"ours": float("inf"), "plain": float("inf")}
    for _ in range(repeat):
        for name, command in commands:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            best[name] = min(best[name], (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime))
    return best["ours"], best["plain"]


def reload_case(source: Path, work: Path, repeat: int) -> None:
    import subprocess

    history = work / "history"
    if not history.exists():
        shutil.copytree(source, history)
    year10 = working_year(history, work / "year10", 2026)
    small = work / "school-1year"
    if not small.exists():
        subprocess.run([str(Path(sys.executable).parent / "xiaozhang"), "example", "--students", "3000",
                        "--years", "1", "--out", str(small)], check=True, stdout=subprocess.DEVNULL)
    year1 = working_year(small, work / "year1", 2026)
    figures = reload_times({"year1": year1, "year10": year10}, repeat)
    figures.update(reload_times({"history": history / "main.beancount"}, 1))
    for name, (wall, cpu) in figures.items():
        print(f"{name}: 改动后概览页返回 wall {wall:.2f} s，CPU {cpu:.2f} s", flush=True)
    print(f"工作年度（10 年历史）/ 工作年度（1 年历史）：CPU {figures['year10'][1] / figures['year1'][1]:.3f}×，"
          f"wall {figures['year10'][0] / figures['year1'][0]:.3f}×")
    print(f"工作年度 / 整个 10 年账本：CPU {figures['year10'][1] / figures['history'][1]:.3f}×")
    ours, plain = check_vs_bean_check(year10, repeat)
    print(f"工作年度 xiaozhang check CPU {ours:.2f} s，bean-check -C（无校账插件）{plain:.2f} s，{ours / plain:.3f}×")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=("rule", "reload"), default="rule")
    parser.add_argument("--ledger", default="/work/benchledger/school")
    parser.add_argument("--work", default="/tmp/close-bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse the closed copy in --work")
    args = parser.parse_args()
    work = Path(args.work)
    if args.case == "reload":
        reload_case(Path(args.ledger), work, args.repeat)
        return
    plain = work / "main-plain.beancount" if args.reuse else closed_copy(Path(args.ledger), work)
    figures = measure(plain, args.repeat)
    ratio = figures["rule_cpu"] / figures["load_cpu"]
    print(f"交易 {figures['transactions']:,} 笔；Beancount 加载（无校账插件）CPU {figures['load_cpu']:.2f} s；"
          f"月结规则（全部月份已结账）CPU {figures['rule_cpu']:.3f} s = 加载的 {ratio:.2%}；"
          f"规则报告 {figures['errors']} 个问题，余额断言失败 {figures['balance_errors']} 个")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
