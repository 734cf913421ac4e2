"""The bureau's query alone over an existing district store (docs/performance.md, "区教育局（300 所学校）").

What `bench/district.py` times as "query" (connect, the per-school table, the consolidated
totals, problems by class, the number of postings), best of --repeat, wall and CPU (DuckDB's
threads included), without generating or refreshing anything:

    python bench/district_query.py /tmp/district-bench/store-local [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from xiaozhang.reports.district import query

    wall = cpu = float("inf")
    for _ in range(args.repeat):
        start, used = time.perf_counter(), time.process_time()
        con = query.connect(args.store)
        rows = query.per_school(con)
        query.consolidated(con)
        query.problems_by_class(con)
        postings = con.execute("SELECT count(*) FROM postings").fetchone()[0]
        con.close()
        wall, cpu = min(wall, time.perf_counter() - start), min(cpu, time.process_time() - used)
    print(json.dumps({"wall": round(wall, 3), "cpu": round(cpu, 3), "schools": len(rows),
                      "postings": postings, "load": "/".join(f"{x:.1f}" for x in os.getloadavg())}))


if __name__ == "__main__":
    main()
