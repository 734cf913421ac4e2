"""The district benchmark (docs/performance.md, "区教育局（300 所学校）"; issue 18).

A generated district (`xiaozhang.example.district`: --schools schools, sizes up to --students,
--years school years each; `--full-size`: every school of the largest size) is written into
--work, then, in order:

  baseline     `bean-check -C main.beancount` of each school, one after the other (a fresh
               process each, our rules included: the plugin line of its main.beancount):
               the sum of their wall times, and their CPU (children's rusage)
  full         `store.refresh(force=True)` with --workers worker processes into a new store:
               wall, CPU (this process and its children), the ratio to the baseline's sum
               (issue 18's target: <= 1 / (workers x 0.8))
  unchanged    a refresh where nothing changed (file digests only)
  incremental  --changed schools get one more line in a month file, refresh: the schools read
               again and the wall time
  query        the bureau's queries over the store (DuckDB: views, the per-school table, the
               consolidated totals, problems by class), best of 3; and every deliberate problem
               of district.csv checked in the per-school table (as tests/district do)
  dask         the same full refresh on a Dask `LocalCluster` (--workers processes, one thread
               each) into a second store; every table compared with the local store (DuckDB
               EXCEPT ALL both ways, the load's clock left out)
  gain         the first --gain-schools schools refreshed with 1 and with 2 workers, alternating
               (--repeat rounds, best of each): the speed-up of the second core

Load averages are printed with each phase (the machine is shared).  Output: the figures as
Markdown for docs/performance.md, and --json FILE.

    python bench/district.py [--schools 300] [--students 1200] [--years 1] [--seed 2025]
                             [--full-size] [--workers 2] [--changed 3] [--gain-schools 60]
                             [--repeat 1] [--work /tmp/district-bench] [--reuse] [--no-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def cpu() -> float:
    """CPU seconds of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class Timer:
    def __enter__(self):
        self.wall, self.cpu, self.load = time.perf_counter(), cpu(), load()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu() - self.cpu
        self.load_after = load()


def generate(args, root: Path) -> list:
    from xiaozhang.example import district

    schools = district.plan(args.schools, args.seed, args.students, args.years)
    if args.full_size:
        schools = [replace(s, students=args.students) for s in schools]
    marker = root.parent / "generated-with.json"  # what the district in --work was made from
    made_from = json.dumps([args.schools, args.seed, args.students, args.years, args.full_size])
    if args.reuse and (root / district.MANIFEST).exists() and marker.exists() \
            and marker.read_text() == made_from:
        written = district.read_manifest(root)
        print(f"reusing {root} ({len(written)} schools)", flush=True)
        return written
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        done = list(pool.map(district.generate_school, [root] * len(schools), schools, chunksize=4))
    district.write_manifest(root, done)
    marker.write_text(made_from)
    return done


def baseline(root: Path, schools) -> dict:
    bean_check = Path(sys.executable).parent / "bean-check"
    walls, failed = [], 0
    start_cpu, start_load = cpu(), load()
    for school in schools:
        start = time.perf_counter()
        code = subprocess.run([str(bean_check), "-C", str(root / school.school / "main.beancount")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        walls.append(time.perf_counter() - start)
        failed += code != 0
    return {"sum_wall": sum(walls), "cpu": cpu() - start_cpu, "mean_wall": sum(walls) / len(walls),
            "max_wall": max(walls), "exit_nonzero": failed, "load": start_load, "load_after": load()}


def problems_shown(store: Path, schools) -> dict:
    """Each deliberate problem of district.csv in the per-school table, no signal for clean ones."""
    from xiaozhang.example import district
    from xiaozhang.reports.district import query

    con = query.connect(store)
    rows = {r["school"]: r for r in query.per_school(con)}
    con.close()
    shows = {
        district.DISCLOSURE_MISSING: lambda r: r["disclosures_missing"] >= 1 and "FE×" in r["problems_by_class"],
        district.REMITTANCE_LATE: lambda r: "TL×" in r["problems_by_class"] and r["remit_overdue_count"] == 0,
        district.REMITTANCE_UNPAID: lambda r: r["remit_overdue_count"] >= 1,
        district.OVER_BUDGET: lambda r: r["budget_over"] >= 1 and "BG×" in r["problems_by_class"],
        "": lambda r: (r["errors"], r["warnings"], r["remit_overdue_count"], r["disclosures_missing"],
                       r["budget_over"]) == (0, 0, 0, 0, 0),
    }
    found = {}
    for school in schools:
        ok = shows[school.problem](rows[school.school])
        kind = school.problem or "clean"
        seen, total = found.get(kind, (0, 0))
        found[kind] = (seen + ok, total + 1)
    return {kind: f"{seen}/{total}" for kind, (seen, total) in sorted(found.items())}


def query_time(store: Path) -> dict:
    from xiaozhang.reports.district import query

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        con = query.connect(store)
        rows = query.per_school(con)
        query.consolidated(con)
        query.problems_by_class(con)
        postings = con.execute("SELECT count(*) FROM postings").fetchone()[0]
        con.close()
        best = min(best, time.perf_counter() - start)
    return {"best_wall": best, "schools": len(rows), "postings": postings, "load": load()}


def same_stores(one: Path, other: Path) -> dict:
    """Rows of each table in one store and not the other (both ways; EXCEPT ALL)."""
    import duckdb

    from xiaozhang.reports.district.store import TABLES

    con = duckdb.connect()
    differences = {}
    for name in TABLES:
        left = str(one / name / "*.parquet").replace("'", "''")
        right = str(other / name / "*.parquet").replace("'", "''")
        columns = "* EXCLUDE (loaded_at)" if name == "school" else "*"
        a = f"SELECT {columns} FROM read_parquet('{left}')"
        b = f"SELECT {columns} FROM read_parquet('{right}')"
        count = con.execute(f"SELECT (SELECT count(*) FROM ({a} EXCEPT ALL {b})) + "
                            f"(SELECT count(*) FROM ({b} EXCEPT ALL {a}))").fetchone()[0]
        differences[name] = count
    con.close()
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--students", type=int, default=1200, help="the largest school")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--full-size", action="store_true", help="every school of --students")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--changed", type=int, default=3)
    parser.add_argument("--gain-schools", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/district-bench"))
    parser.add_argument("--reuse", action="store_true", help="keep an already generated district")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from xiaozhang.reports.district.store import refresh

    work = args.work
    root = work / "district"
    results: dict = {"args": {k: str(v) for k, v in vars(args).items()}, "cores": os.cpu_count(),
                     "started": time.strftime("%Y-%m-%d %H:%M:%S"), "load_start": load()}
    print(f"start {results['started']}, load {load()}", flush=True)

    with Timer() as t:
        schools = generate(args, root)
    results["generate"] = {"wall": t.wall, "schools": len(schools),
                           "students": sum(s.students for s in schools),
                           "problems": sum(1 for s in schools if s.problem),
                           "canteens": sum(1 for s in schools if s.canteen),
                           "banks": sorted({s.bank for s in schools})}
    print("generated", results["generate"], f"{t.wall:.1f}s", flush=True)

    results["baseline"] = baseline(root, schools)
    print("bean-check -C", results["baseline"], flush=True)

    local = work / "store-local"
    shutil.rmtree(local, ignore_errors=True)
    with Timer() as t:
        done = refresh(root, local, workers=args.workers, force=True)
    assert not done.failed, done.failed
    transactions = sum(r["transactions"] for r in done.records.values())
    base = results["baseline"]["sum_wall"]
    results["full"] = {"wall": t.wall, "cpu": t.cpu, "ratio": t.wall / base,
                       "target": 1 / (args.workers * 0.8), "transactions": transactions,
                       "per_school_transactions": transactions / len(schools),
                       "largest_transactions": max(r["transactions"] for r in done.records.values()),
                       "load": t.load, "load_after": t.load_after}
    print("full refresh", results["full"], flush=True)

    with Timer() as t:
        again = refresh(root, local, workers=args.workers)
    results["unchanged"] = {"wall": t.wall, "parsed": len(again.parsed), "load": t.load}

    changed = [s.school for s in schools[:: max(1, len(schools) // args.changed)][: args.changed]]
    for school in changed:
        month = sorted((root / school).glob("20*/*.beancount"))[-1]
        with open(month, "a", encoding="utf-8") as handle:
            handle.write(f"\n; 补记说明（基准测试 {results['started']}）\n")
    with Timer() as t:
        incremental = refresh(root, local, workers=args.workers)
    assert sorted(incremental.parsed) == sorted(changed), incremental.parsed
    results["incremental"] = {"wall": t.wall, "cpu": t.cpu, "parsed": incremental.parsed,
                              "load": t.load, "load_after": t.load_after}
    print("unchanged", results["unchanged"], "incremental", results["incremental"], flush=True)

    results["query"] = query_time(local)
    results["problems_shown"] = problems_shown(local, schools)
    print("query", results["query"], "problems", results["problems_shown"], flush=True)

    if not args.no_dask:
        from distributed import LocalCluster

        from xiaozhang.reports.district.cluster import dask_executor

        remote = work / "store-dask"
        shutil.rmtree(remote, ignore_errors=True)
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            with Timer() as t:
                with dask_executor(cluster) as executor:
                    on_dask = refresh(root, remote, executor=executor, force=True)
        assert not on_dask.failed, on_dask.failed
        results["dask"] = {"wall": t.wall, "ratio": t.wall / base, "load": t.load,
                           "load_after": t.load_after,
                           "differences": same_stores(local, remote)}
        print("dask", results["dask"], flush=True)

    if args.gain_schools:
        subset = work / "subset"
        shutil.rmtree(subset, ignore_errors=True)
        subset.mkdir()
        for school in schools[: args.gain_schools]:
            (subset / school.school).symlink_to((root / school.school).resolve())
        best: dict[int, tuple[float, float]] = {}
        loads = []
        for _ in range(args.repeat):
            for workers in (1, 2):
                store = work / f"store-gain-{workers}"
                shutil.rmtree(store, ignore_errors=True)
                with Timer() as t:
                    refresh(subset, store, workers=workers, force=True)
                loads.append(t.load)
                if workers not in best or t.wall < best[workers][0]:
                    best[workers] = (t.wall, t.cpu)
        results["gain"] = {"schools": min(args.gain_schools, len(schools)),
                           "one": best[1], "two": best[2], "speedup": best[1][0] / best[2][0],
                           "loads": loads}
        print("gain", results["gain"], flush=True)

    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    results["load_end"] = load()
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str),
                             encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=1, default=str))


if __name__ == "__main__":
    main()
