"""The cycle collector's share of Beancount's own load, with and without the one plugin line
(docs/performance.md): `bean-check -C`'s load (`loader.load_file`, no cache) run in a child
process, alternately on main-plain and main-one (bench/run.py's variants), recording every
collection with `gc.callbacks`.

    python bench/gc_share.py --ledger DIR [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402

CHILD = r"""
import gc, sys, time
from beancount import loader
log, started = [], []
def note(phase, info):
    if phase == "start":
        started.append(time.process_time())
    else:
        log.append((info["generation"], time.process_time() - started.pop()))
gc.callbacks.append(note)
begin = time.process_time()
entries, errors, options = loader.load_file(sys.argv[1])
total = time.process_time() - begin
full = [d for g, d in log if g == 2]
print(f"{total:.2f} {sum(d for _, d in log):.2f} {len(full)} {sum(full):.2f} {len(errors)}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = args.ledger.resolve()
    paths = run.variants(folder)
    run.pin_as_of(folder)
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    print("| 轮次 | 账本 | CPU (秒) | 垃圾回收 (秒) | 完整回收次数 | 完整回收 (秒) | 问题 |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for round_ in range(1, args.repeat + 1):
        for name in ("plain", "one"):
            out = subprocess.run([sys.executable, "-c", CHILD, str(paths[name])], env=env,
                                 capture_output=True, text=True, check=True).stdout.split()
            print(f"| {round_} | main-{name} | {out[0]} | {out[1]} | {out[2]} | {out[3]} | {out[4]} |",
                  flush=True)


if __name__ == "__main__":
    main()
