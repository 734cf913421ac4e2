"""The long fuzz run of the importers (`make fuzz`): thousands of damaged copies of the fixture
statements (tests/importers/fuzzing.py has the kinds of damage and the oracle), each run as
`xiaozhang import extract` runs it, with a time limit per file.  Prints the outcomes per class
and per kind of damage, and the slowest file; exits 1 on any traceback, hang or silent loss.

    python bench/fuzz_importers.py [--files 3000] [--seed 1] [--limit 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "importers"))

from fuzzing import fuzz, tally  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=20.0, help="seconds per file before it counts as a hang")
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        outcomes = fuzz(args.files, args.seed, Path(folder), args.limit)
    elapsed = time.perf_counter() - start
    counts = tally(outcomes)
    print(f"文件 {len(outcomes)} 个（种子 {args.seed}，每个文件限时 {args.limit:g} 秒），用时 {elapsed:.1f} 秒")
    print("结果：" + "，".join(f"{name} {count}" for name, count in counts.items()))
    per_kind: dict[str, Counter] = defaultdict(Counter)
    for outcome in outcomes:
        per_kind[outcome.variant.kind][outcome.result] += 1
    print(f"{'损坏方式':<22}{'文件':>6}{'clean':>8}{'reported':>10}{'changed':>9}{'其他':>6}")
    for kind in sorted(per_kind):
        c = per_kind[kind]
        other = sum(c.values()) - c["clean"] - c["reported"] - c["changed"]
        print(f"{kind:<22}{sum(c.values()):>6}{c['clean']:>8}{c['reported']:>10}{c['changed']:>9}{other:>6}")
    slowest = max(outcomes, key=lambda o: o.seconds)
    print(f"最慢的文件：{slowest.variant.name}（{slowest.variant.kind}，{len(slowest.variant.content):,} 字节）"
          f" {slowest.seconds:.2f} 秒")
    bad = [o for o in outcomes if o.result in ("traceback", "hang", "silent loss")]
    for outcome in bad[:20]:
        print(f"  {outcome.result}: {outcome.variant.kind} {outcome.variant.name} {outcome.detail[:300]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
