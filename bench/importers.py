"""Importer benchmark: a 100k-row statement, ours against beangulp's stock `csvbase` importer.

Both read the same file in the same run, interleaved (signed amounts, a serial, a running
balance: the simplest layout csvbase can read); wall and CPU time are both reported.  Ours does more per row (header search by name,
categorisation rules, `bank_ref`, two postings, the closing balance), and the target is at
most 1.2× csvbase's time.  Memory: the peak of our extraction (tracemalloc) with an empty
ledger index and with an index of 200,000 existing `bank_ref`s; the difference should be
the index itself, not the ledger.

    python bench/importers.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import platform
import os
import random
import statistics
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from beangulp.importers import csvbase

from xiaozhang.chart import BANK_BASIC
from xiaozhang.importers.bank import FIELDS, Layout, StatementImporter
from xiaozhang.importers.base import LedgerIndex
from xiaozhang.importers.rules import load_rules

OUT = Path(__file__).resolve().parent / "out"
COUNTERPARTIES = ["国网青禾供电公司明德供电所", "青禾市自来水公司", "一(1)班学生家长", "青禾市新华书店",
                  "青禾市明德区财政集中支付中心", "明德区学苑文具店", "青禾市电信分公司", "某某公司"]
MEMOS = ["电费", "水费", "住宿费", "作业本款", "上缴住宿费", "办公用品", "宽带费", "货款"]


def write_statement(path: Path, rows: int) -> None:
    rng = random.Random(2025)
    balance = 1_000_000_00
    day = dt.date(2016, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("交易日期,交易时间,交易金额,账户余额,对方户名,对方账号,摘要,交易流水号\r\n")
        for number in range(rows):
            if number % 40 == 0:
                day += dt.timedelta(days=1)
            cents = rng.randint(-800_000, 800_000) or 1
            balance += cents
            who = rng.randrange(len(COUNTERPARTIES))
            out.write(f"{day:%Y-%m-%d},10:{number % 60:02d}:00,{cents / 100:.2f},{balance / 100:.2f},"
                      f"{COUNTERPARTIES[who]},62220{who:05d},{MEMOS[who]} {number},SN{number:09d}\r\n")


class Stock(csvbase.Importer):
    date = csvbase.Date("交易日期", "%Y-%m-%d")
    narration = csvbase.Column("摘要")
    payee = csvbase.Column("对方户名")
    amount = csvbase.Amount("交易金额")
    balance = csvbase.Amount("账户余额")

    def identify(self, filepath):
        return True


def ours(index: LedgerIndex) -> StatementImporter:
    fields = {name: () for name in FIELDS}
    fields.update(date=("交易日期",), time=("交易时间",), amount=("交易金额",), balance=("账户余额",),
                  counterparty=("对方户名",), counterparty_account=("对方账号",), memo=("摘要",),
                  serial=("交易流水号",))
    layout = Layout("bench", "基准", fields, required=("交易日期", "交易金额"))
    return StatementImporter((layout,), index, BANK_BASIC, load_rules(), generic=True)


def timed(makers, path: Path, repeat: int) -> list[tuple[float, float, int]]:
    """(median wall seconds, median CPU seconds, entries) per importer maker.  The runs are
    interleaved (A B A B …) so that a change in the machine's load hits both alike; CPU time
    (of this process) is what other processes on a shared machine disturb least."""
    walls = [[] for _ in makers]
    cpus = [[] for _ in makers]
    counts = [0 for _ in makers]
    for _ in range(repeat):
        for number, make in enumerate(makers):
            importer = make()
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            entries = importer.extract(str(path), [])
            walls[number].append(time.perf_counter() - wall)
            cpus[number].append(time.process_time() - cpu)
            counts[number] = len(entries)
            del entries, importer
    return [(statistics.median(w), statistics.median(c), n) for w, c, n in zip(walls, cpus, counts)]


def peak_memory(index: LedgerIndex, path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    entries = ours(index).extract(str(path), [])
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del entries
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"statement-{args.rows}.csv"
    write_statement(path, args.rows)

    (baseline, base_cpu, stock_count), (mine, my_cpu, our_count) = timed(
        [lambda: Stock(BANK_BASIC, "CNY"), lambda: ours(LedgerIndex())], path, args.repeat)
    empty = peak_memory(LedgerIndex(), path)
    big = LedgerIndex()
    big.bank_refs.update((BANK_BASIC, f"OLD{n:09d}", Decimal(n % 9000) / 100) for n in range(200_000))
    with_index = peak_memory(big, path)

    print(f"# 导入基准  {args.rows:,} 行流水（{path.stat().st_size / 1e6:.1f} MB），每项取 {args.repeat} 次中位数")
    print(f"# {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPU\n")
    print("| 项目 | 分录数 | 中位耗时 (秒) | 相对基线 | 中位 CPU 时间 (秒) | 相对基线 |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| beangulp csvbase（基线） | {stock_count:,} | {baseline:.2f} | 1.00× | {base_cpu:.2f} | 1.00× |")
    print(f"| 校账银行流水导入器 | {our_count:,} | {mine:.2f} | {mine / baseline:.2f}× | {my_cpu:.2f} | "
          f"{my_cpu / base_cpu:.2f}× |")
    print(f"\n峰值内存（tracemalloc）：空账本索引 {empty / 1e6:.0f} MB；"
          f"账本索引含 20 万个 bank_ref 时 {with_index / 1e6:.0f} MB（提取本身不随账本增长）")


if __name__ == "__main__":
    main()
