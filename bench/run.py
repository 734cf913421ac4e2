"""The benchmark (`make bench`): figures as ratios against a baseline measured in the same run.

Cases
  load   `xiaozhang check` vs plain `bean-check -C` on the same generated ledger with our
         `plugin` lines removed: the cost of our plugins (and our CLI) over Beancount alone.
  plugins  in one process: the plain ledger loaded once (the baseline), then each of our
         plugin functions timed on its entries — which plugin costs what.
  page   our overview page (概览) vs Fava's own `/api/income_statement` on that ledger,
         both through Fava's test client on one loaded ledger (the page cost, not loading).

Every figure is the median of several repetitions; the ratio is what we track, because
absolute seconds depend on the machine.  Results go into docs/performance.md by hand,
with the command that produced them.

    python bench/run.py [--students 3000] [--years 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent


def generate(students: int, years: int) -> Path:
    """Generate the scale ledger afresh (a few seconds; never stale); returns main.beancount."""
    folder = OUT / f"school-{students}x{years}"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([str(BIN / "xiaozhang"), "example", "--out", str(folder),
                    "--students", str(students), "--years", str(years)], check=True)
    # the same ledger without our plugin lines: plain Beancount
    main = folder / "main.beancount"
    plain = folder / "main-plain.beancount"
    plain.write_text("".join(line for line in main.read_text(encoding="utf-8").splitlines(True)
                             if not line.startswith('plugin "xiaozhang.')), encoding="utf-8")
    return main


def count_transactions(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*.beancount"):
        with path.open(encoding="utf-8") as handle:
            total += sum(1 for line in handle if line[:4].isdigit() and line[10:13] in (" * ", " ! "))
    return total


def timed_runs(command: list[str], repeat: int) -> float:
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return statistics.median(times)


def bench_load(main: Path, repeat: int) -> list[tuple[str, float, float]]:
    plain = main.with_name("main-plain.beancount")
    baseline = timed_runs([str(BIN / "bean-check"), "-C", str(plain)], repeat)
    ours = timed_runs([str(BIN / "xiaozhang"), "check", str(main)], repeat)
    return [("bean-check -C（无校账插件，基线）", baseline, 1.0),
            ("xiaozhang check（全部校账插件）", ours, ours / baseline)]


PLUGINS = ("policy", "approvals", "twolines", "projects", "budgets", "canteen")


def bench_plugins(main: Path, repeat: int) -> list[tuple[str, float, float]]:
    import importlib

    from beancount import loader

    plain = main.with_name("main-plain.beancount")
    start = time.perf_counter()
    entries, errors, options = loader.load_file(str(plain))
    baseline = time.perf_counter() - start
    assert not errors, errors[:3]
    rows = [("加载（同一进程，无校账插件，基线）", baseline, 1.0)]
    total = 0.0
    for name in PLUGINS:
        module = importlib.import_module(f"xiaozhang.plugins.{name}")
        function = getattr(module, module.__plugins__[0])
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            _entries, problems = function(entries, options)
            times.append(time.perf_counter() - start)
            assert not problems, problems[:3]
        seconds = statistics.median(times)
        total += seconds
        rows.append((f"插件 xiaozhang.plugins.{name}", seconds, seconds / baseline))
    rows.append(("全部校账插件合计", total, total / baseline))
    return rows


def bench_page(main: Path, repeat: int) -> list[tuple[str, float, float]]:
    from fava.application import create_app

    app = create_app([str(main)], load=True)
    client = app.test_client()
    slug = app.config["LEDGERS"].first_slug()
    ledger = app.config["LEDGERS"][slug]
    assert not ledger.errors, ledger.errors[:3]

    overview = ledger.extensions.get_extension("Overview")

    def median_get(url: str, before=lambda: None) -> float:
        assert client.get(url).status_code == 200  # warm-up: templates, Fava's own caches
        times = []
        for _ in range(repeat):
            before()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, url
        return statistics.median(times)

    baseline = median_get(f"/{slug}/api/income_statement")
    # cold: the page computed from the entries, as after every reload of the ledger
    cold = median_get(f"/{slug}/extension/Overview/", before=overview.after_load_file)
    warm = median_get(f"/{slug}/extension/Overview/")
    return [("Fava /api/income_statement（基线）", baseline, 1.0),
            ("校账 概览页面，账本重新加载后首次（计算）", cold, cold / baseline),
            ("校账 概览页面，再次打开（已缓存）", warm, warm / baseline)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    main_file = generate(args.students, args.years)
    transactions = count_transactions(main_file.parent)
    print(f"# 基准测试  {args.students} 名学生 × {args.years} 学年，{transactions:,} 笔交易")
    print(f"# {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPU, 每项取 {args.repeat} 次中位数\n")
    print("| 项目 | 中位耗时 (秒) | 相对基线 |")
    print("|---|---:|---:|")
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    rows = (bench_load(main_file, args.repeat) + bench_plugins(main_file, args.repeat)
            + bench_page(main_file, args.repeat))
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds:.2f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
