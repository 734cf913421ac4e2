"""The CPU time of each part of the one plugin line, as it runs in a load (docs/performance.md).

    python bench/rules.py --ledger DIR [--repeat 3] [--load]

The ledger of DIR (its `main.beancount` with our `plugin` lines removed and its includes made
absolute, written to bench/out/) is loaded once and kept in a pickle next to it (reused while
the ledger's files are unchanged); with `--load` it is loaded by Beancount instead (about 17 s
more), which lays the objects out in memory as a real load does: a parsed ledger has a string
object of its own for every metadata key and every posting's currency, and the pickle does not
place an entry's objects as the parser does.  A change that reads more of each transaction
(the index's pass, above all) must be measured with `--load`: one that cost 0.01 s on the
pickle cost 0.07 s on a real load (docs/performance.md, 2026-12-07 23:55).

Then, with the cycle collector paused as the one plugin line pauses it, on a fresh entries
list each time: the school model's index, then every rule of `xiaozhang.plugins.school` in
its order over the same books — each part's CPU time, the smallest of `--repeat` runs.  A ledger without a `custom "as-of"` pin is judged as of its last
transaction (as `bench/run.py` does).
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: the variants and the as-of pin)


def entries_of(folder: Path):
    plain = run.variants(folder)["plain"]
    cache = plain.with_suffix(".pickle")
    newest = max(path.stat().st_mtime for path in folder.rglob("*.beancount"))
    if cache.exists() and cache.stat().st_mtime > newest:
        with cache.open("rb") as handle:
            return pickle.load(handle)
    from beancount import loader

    entries, errors, options = loader._load([(str(plain), True)], None, None, None)  # noqa: SLF001
    assert not errors, [e.message for e in errors[:3]]
    with cache.open("wb") as handle:
        pickle.dump((entries, options), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return entries, options


def loaded(folder: Path):
    """The ledger as Beancount loads it (no load cache), its objects laid out as in a real load."""
    from beancount import loader

    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    entries, errors, options = loader.load_file(str(run.variants(folder)["plain"]))
    assert not errors, [e.message for e in errors[:3]]
    return entries, options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ledger", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--load", action="store_true",
                        help="load the ledger with Beancount, not from the pickle (a real layout)")
    args = parser.parse_args()
    folder = args.ledger.resolve()
    run.pin_as_of(folder)
    entries, options = loaded(folder) if args.load else entries_of(folder)
    gc.collect()
    gc.freeze()  # the loaded entries are old objects, as after a load

    from xiaozhang.model import books
    from xiaozhang.plugins import school

    times: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        books.forget()  # a new load: no books to share parts with
        fresh = list(entries)
        gc.disable()
        start = time.process_time()
        books.SchoolBooks.of(fresh, options).index  # noqa: B018
        times.setdefault("index", []).append(time.process_time() - start)
        current = fresh
        for name, function in school.VALIDATORS + school.GENERATORS:
            began = time.process_time()
            result, problems = function(current, options)
            times.setdefault(name, []).append(time.process_time() - began)
            assert not problems, [p.message for p in problems[:3]]
            if (name, function) in school.GENERATORS:
                books.SchoolBooks.carry(current, result, options)  # as the one line does
                current = result
        times.setdefault("total", []).append(time.process_time() - start)
        gc.enable()
    print(f"# {folder}: CPU seconds, the smallest of {args.repeat} runs (all runs)")
    for name, found in times.items():
        print(f"{name:14s} {min(found):6.3f}   ({' '.join(f'{t:.3f}' for t in found)})")


if __name__ == "__main__":
    main()
