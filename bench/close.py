"""The benchmark of period close (docs/performance.md, "月结与年度账本").

Case `rule`: the closing rule (plugins/closing.py) on the bench school (3,000 students, 10
years) with EVERY month closed — the worst case: all 123 months checked on each load.  A copy
of the ledger is made in a temporary folder and every month is closed with the command's own
code (`xiaozhang.closing_cli.close_months`; the error gate is skipped, the bench ledger is not
judged here).  Then, in one process: the ledger loaded without our plugins (Beancount alone,
the baseline), and the closing rule run on those entries with fresh books (CPU time,
`time.process_time`, best of --repeat).

    python bench/close.py [--ledger /work/benchledger/school] [--work /tmp/close-bench] [--repeat 3]
"""

from __future__ import annotations

import argparse
import re
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
        books_module._memo.clear()  # noqa: SLF001  (fresh books: the rule pays for its model part)
        fresh = list(entries)
        start = time.process_time()
        _entries, found = rule(fresh, options)
        best = min(best, time.process_time() - start)
    return {"load_cpu": load_cpu, "rule_cpu": best, "errors": len(found or []),
            "balance_errors": sum(1 for e in errors if "Balance" in type(e).__name__),
            "transactions": sum(1 for e in entries if type(e).__name__ == "Transaction")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ledger", default="/work/benchledger/school")
    parser.add_argument("--work", default="/tmp/close-bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse the closed copy in --work")
    args = parser.parse_args()
    work = Path(args.work)
    plain = work / "main-plain.beancount" if args.reuse else closed_copy(Path(args.ledger), work)
    figures = measure(plain, args.repeat)
    ratio = figures["rule_cpu"] / figures["load_cpu"]
    print(f"交易 {figures['transactions']:,} 笔；Beancount 加载（无校账插件）CPU {figures['load_cpu']:.2f} s；"
          f"月结规则（全部月份已结账）CPU {figures['rule_cpu']:.3f} s = 加载的 {ratio:.2%}；"
          f"规则报告 {figures['errors']} 个问题，余额断言失败 {figures['balance_errors']} 个")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
