"""The benchmark of the load and the pages (`make bench`): ratios against a baseline measured in
the same run.

Cases
  load     plain `bean-check -C` on the ledger with our `plugin` lines removed (the baseline)
           vs `bean-check -C` with the one plugin line (the cost of all our rules in Beancount's
           own process) and `xiaozhang check` (the one plugin line, and the nine single plugin
           lines: the command the accountant runs, whose load pauses the cycle collector, see
           xiaozhang/io.py).  Runs alternate (baseline, one line, …, baseline …) so that a
           change of machine load hits all alike; wall time and the child's CPU time are given.
  plugins  in one process: the plain ledger loaded once (the baseline), then every plugin
           function timed on its entries — each alone on a fresh entries list (so it pays for
           the parts of the school model it needs), and `xiaozhang.plugins.school` as a whole.
  pages    every 校账 page's first open after a reload (the school model and the page's
           caches cleared) vs Fava's own `/api/income_statement`, through Fava's test client on
           one loaded ledger.

Every figure is the median of several repetitions; the ratio is what we track, because
absolute seconds depend on the machine.  Results go into docs/performance.md by hand, with
the command that produced them.

    python bench/run.py [--students 3000] [--years 10] [--repeat 3] [--page-repeat 1] [--ledger DIR]

`--ledger DIR` reuses a ledger generated earlier by `xiaozhang example --out DIR …`; the folder
is only read: the variants (main-plain, main-one, main-nine) are written to bench/out/ with
the ledger's includes made absolute.  A ledger without a `custom "as-of"` pin (generated before
the pin existed) is judged as of its last transaction (`XIAOZHANG_AS_OF`), as the example's
pin does, so that the deadline rules give the same answer on any day the bench is run.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
OUR_LINES = re.compile(r'(?:plugin "xiaozhang\.plugins\.[\w.]+"(?: "[^"]*")?\n)+')
ONE_LINE = 'plugin "xiaozhang.plugins.school"\n'
NINE = ("policy", "approvals", "twolines", "projects", "budgets", "fees", "canteen", "assets",
        "depreciation", "budget_accounting")
NINE += ("closing",)  # the closing rule (月结锁定), docs/close.md
NINE_LINES = "".join(f'plugin "xiaozhang.plugins.{name}"\n' for name in NINE)
PAGES = ("Overview", "Compliance", "Voucher", "FixedAssets", "Canteen", "Disclosure", "Statements",
         "BudgetAccounting")


def generate(students: int, years: int) -> Path:
    """Generate the scale ledger afresh (never stale); returns its folder."""
    folder = OUT / f"school-{students}x{years}"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([str(BIN / "xiaozhang"), "example", "--out", str(folder),
                    "--students", str(students), "--years", str(years)], check=True)
    return folder


INCLUDE = re.compile(r'^include "([^"]+)"', re.MULTILINE)


def variants(folder: Path) -> dict[str, Path]:
    """main-plain (no 校账 plugin), main-one (the one line), main-nine (the nine lines), written
    to bench/out/<folder>-variants/ (the ledger's folder is only read) with its relative
    includes made absolute."""
    text = (folder / "main.beancount").read_text(encoding="utf-8")
    if not OUR_LINES.search(text):
        raise SystemExit(f"{folder / 'main.beancount'} has no 校账 plugin line")
    text = INCLUDE.sub(lambda m: f'include "{(folder / m.group(1)).as_posix()}"', text)
    out = OUT / f"{folder.name}-variants"
    out.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, lines in (("plain", ""), ("one", ONE_LINE), ("nine", NINE_LINES)):
        path = out / f"main-{name}.beancount"
        path.write_text(OUR_LINES.sub(lines, text, count=1), encoding="utf-8")
        found[name] = path
    return found


def pin_as_of(folder: Path) -> str | None:
    """Judge a ledger without a `custom "as-of"` pin as of its last transaction: set and
    return `XIAOZHANG_AS_OF` (None: the ledger has its pin)."""
    last = ""
    for path in folder.rglob("*.beancount"):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line[:4].isdigit():
                    if ' custom "as-of"' in line:
                        return None
                    if line[10:13] in (" * ", " ! ") and line[:10] > last:
                        last = line[:10]
    if last:
        os.environ["XIAOZHANG_AS_OF"] = last
    return last or None


def count_transactions(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*.beancount"):
        with path.open(encoding="utf-8") as handle:
            total += sum(1 for line in handle if line[:4].isdigit() and line[10:13] in (" * ", " ! "))
    return total


def child_environment() -> dict[str, str]:
    """The children's environment: no load cache, and modules compiled once into __pycache__
    as installed programs run (a machine with PYTHONDONTWRITEBYTECODE set compiles every
    module at every start, which weighs on our ~40 modules more than on bean-check's)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    return env


def run_once(command: list[str]) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run of the command."""
    env = child_environment()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if command[0].endswith("bean-check") and result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def bench_load(paths: dict[str, Path], repeat: int) -> list[tuple[str, float, float, float, float]]:
    commands = {
        "plain": [str(BIN / "bean-check"), "-C", str(paths["plain"])],
        "bean-one": [str(BIN / "bean-check"), "-C", str(paths["one"])],
        "one": [str(BIN / "xiaozhang"), "check", str(paths["one"])],
        "nine": [str(BIN / "xiaozhang"), "check", str(paths["nine"])],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for command in commands.values():  # untimed: writes the modules' bytecode (child_environment)
        subprocess.run(command, env=child_environment(), capture_output=True)
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(run_once(command))
    wall = {name: statistics.median(w for w, _ in found) for name, found in runs.items()}
    cpu = {name: statistics.median(c for _, c in found) for name, found in runs.items()}
    labels = {"plain": "bean-check -C（无校账插件，基线）",
              "bean-one": 'bean-check -C（一行 plugin "xiaozhang.plugins.school"）',
              "one": 'xiaozhang check（一行 plugin "xiaozhang.plugins.school"）',
              "nine": "xiaozhang check（逐条列出九个插件）"}
    return [(labels[name], wall[name], wall[name] / wall["plain"], cpu[name], cpu[name] / cpu["plain"])
            for name in commands]


def bench_plugins(paths: dict[str, Path], repeat: int) -> list[tuple[str, float, float, float, float]]:
    """(label, wall, wall ratio, CPU, CPU ratio) of the plain load and of every plugin function
    run on its entries in this process; CPU time is the figure to trust on a shared machine."""
    import gc
    import importlib

    from beancount import loader

    from xiaozhang.model import books

    wall, cpu = time.perf_counter(), time.process_time()
    entries, errors, options = loader.load_file(str(paths["plain"]))
    base_wall, base_cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert not errors, errors[:3]
    rows = [("加载（同一进程，无校账插件，基线）", base_wall, 1.0, base_cpu, 1.0)]

    def timed(label: str, function, config=None) -> None:
        walls, cpus = [], []
        for _ in range(repeat):
            fresh = list(entries)  # a new list: a new school model, as in a new load
            books.forget()  # and no books of an earlier run to share parts with (no twin)
            wall, cpu = time.perf_counter(), time.process_time()
            _result, problems = function(fresh, options) if config is None else function(fresh, options, config)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            del _result
            gc.unfreeze()  # the one line leaves the load frozen: back to the state after a load
            assert not problems, [p.message for p in problems[:3]]
        median_wall, median_cpu = statistics.median(walls), statistics.median(cpus)
        rows.append((label, median_wall, median_wall / base_wall, median_cpu, median_cpu / base_cpu))

    # The one line first, right after the load, as in a real load (Beancount runs the plugins
    # straight after parsing and booking).  Timed after the 33 runs of the single plugins it
    # cost 1.67 s instead of 1.16–1.19 s (2026-12-07, the rules' objects are then allocated
    # among the holes those runs left: the rules are bound by memory reads, docs/performance.md).
    school = importlib.import_module("xiaozhang.plugins.school")
    timed("一行插件 xiaozhang.plugins.school（全部规则，共用学校模型）", school.run_school_rules)
    for name in NINE:
        module = importlib.import_module(f"xiaozhang.plugins.{name}")
        timed(f"插件 xiaozhang.plugins.{name}（单独运行）", getattr(module, module.__plugins__[0]))
    rows.append(rows.pop(1))  # (listed after the single plugins, as before)
    return rows


def bench_pages(paths: dict[str, Path], repeat: int) -> list[tuple[str, float, float]]:
    from fava.application import create_app

    app = create_app([str(paths["one"])], load=True)
    client = app.test_client()
    slug = app.config["LEDGERS"].first_slug()
    ledger = app.config["LEDGERS"][slug]
    hard = [e for e in ledger.errors if not getattr(e, "warning", False)]
    assert not hard, [e.message for e in hard[:3]]

    def reload_caches() -> None:
        """A real reload, as after the accountant saves a file: Fava loads the ledger again
        (our rules run and build their school model), the pages' caches are cleared, and the
        page then opens for the first time on the new load."""
        ledger.load_file()

    def median_get(url: str, before=lambda: None, times_: int = repeat) -> float:
        assert client.get(url).status_code == 200, url  # warm-up: templates, Fava's own caches
        times = []
        for _ in range(times_):
            before()
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, url
        return statistics.median(times)

    baseline = median_get(f"/{slug}/api/income_statement", times_=max(3, repeat))
    rows = [("Fava /api/income_statement（基线）", baseline, 1.0)]
    labels = {"Overview": "概览", "Compliance": "合规", "Voucher": "录入凭证", "FixedAssets": "固定资产",
              "Canteen": "食堂", "Disclosure": "收费公示", "Statements": "财务报表",
              "BudgetAccounting": "预算会计"}
    for name in PAGES:
        cold = median_get(f"/{slug}/extension/{name}/", before=reload_caches)
        rows.append((f"{labels[name]}页面，账本重新加载后首次打开", cold, cold / baseline))
    warm = median_get(f"/{slug}/extension/Overview/", times_=max(3, repeat))
    rows.append(("概览页面，再次打开（已缓存）", warm, warm / baseline))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page-repeat", type=int, default=1,
                        help="reloads per page (each reload runs all rules on the whole ledger)")
    parser.add_argument("--ledger", type=Path, default=None,
                        help="a folder generated earlier by `xiaozhang example` (default: generate)")
    args = parser.parse_args()

    folder = (args.ledger or generate(args.students, args.years)).resolve()  # Fava needs absolute paths
    paths = variants(folder)
    transactions = count_transactions(folder)
    pinned = pin_as_of(folder)
    print(f"# 基准测试  {folder}，{transactions:,} 笔交易"
          + (f"，评判日期 {pinned}（XIAOZHANG_AS_OF：账本没有 custom \"as-of\"）" if pinned else ""))
    print(f"# {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPU, 每项取 {args.repeat} 次中位数，"
          f"负载 {os.getloadavg()[0]:.1f}\n")
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    print("| 子进程 | 墙钟中位 (秒) | 相对基线 | CPU 中位 (秒) | 相对基线 |")
    print("|---|---:|---:|---:|---:|")
    for name, wall, wall_ratio, cpu, cpu_ratio in bench_load(paths, args.repeat):
        print(f"| {name} | {wall:.2f} | {wall_ratio:.3f}× | {cpu:.2f} | {cpu_ratio:.3f}× |", flush=True)
    print("\n| 同一进程 | 墙钟中位 (秒) | 相对基线 | CPU 中位 (秒) | 相对基线 |")
    print("|---|---:|---:|---:|---:|")
    for name, wall, wall_ratio, cpu, cpu_ratio in bench_plugins(paths, args.repeat):
        print(f"| {name} | {wall:.3f} | {wall_ratio:.3f}× | {cpu:.3f} | {cpu_ratio:.3f}× |", flush=True)
    print("\n| 页面（Fava 测试客户端） | 中位耗时 (秒) | 相对基线 |")
    print("|---|---:|---:|")
    for name, seconds, ratio in bench_pages(paths, args.page_repeat):
        print(f"| {name} | {seconds:.3f} | {ratio:.3f}× |", flush=True)


if __name__ == "__main__":
    main()
