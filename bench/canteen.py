"""Canteen benchmark (`make bench`): the 食堂 rules, page and report against baselines measured
in the same run, on the benchmark-scale example (3000 students x 10 school years).

Cases
  plugin  xiaozhang.plugins.canteen on the loaded entries, against loading the same ledger
          without our plugins (same process): the rule's share of a `xiaozhang check`.
  page    the 食堂 page through Fava's test client, first opening after a reload (computed)
          and again (cached), against Fava's own /api/income_statement on the same ledger.
  report  one month's 伙食费收支公示 and 食堂收支盈亏表 (figures, HTML, PDF, xlsx, PNG) from
          the loaded entries, against the same baseline load.

Medians of several repetitions; ratios are what we track (docs/performance.md).

    python bench/canteen.py [--students 3000] [--years 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import count_transactions, generate  # noqa: E402  (the shared scale ledger)


def median_time(function, repeat: int, before=lambda: None) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"

    from beancount import loader
    from fava.application import create_app

    from xiaozhang.plugins.canteen import validate_canteen
    from xiaozhang.reports import canteen, canteen_documents, document

    main_file = generate(args.students, args.years)
    plain = main_file.with_name("main-plain.beancount")
    print(f"# 食堂基准测试  {args.students} 名学生 × {args.years} 学年，"
          f"{count_transactions(main_file.parent):,} 笔交易，每项取 {args.repeat} 次中位数\n")
    start = time.perf_counter()
    entries, errors, options = loader.load_file(str(plain))
    load = time.perf_counter() - start
    assert not errors, errors[:3]

    def plugin():
        # a fresh list each time: the school model is memoised per entries list, and the rule's
        # cost includes building the model parts it reads (policy, terms, the canteen)
        _entries, problems = validate_canteen(list(entries), options)
        assert not problems, problems[:3]

    rule = median_time(plugin, args.repeat)

    month = dt.date(2026, 10, 1)
    with tempfile.TemporaryDirectory() as out:
        def report():
            figures = canteen.build(entries, options, month)
            document.write(canteen_documents.notice_document(figures), Path(out), "notice")
            document.write(canteen_documents.statement_document(figures), Path(out), "statement")

        report()  # warm-up: fonts, templates
        written = median_time(report, args.repeat)

    app = create_app([str(main_file)], load=True)
    client = app.test_client()
    slug = app.config["LEDGERS"].first_slug()
    ledger = app.config["LEDGERS"][slug]
    assert not ledger.errors, ledger.errors[:3]
    page = ledger.extensions.get_extension("Canteen")

    def get(url):
        assert client.get(url).status_code == 200

    get(f"/{slug}/api/income_statement")
    get(f"/{slug}/extension/Canteen/")
    baseline = median_time(lambda: get(f"/{slug}/api/income_statement"), args.repeat)
    cold = median_time(lambda: get(f"/{slug}/extension/Canteen/"), args.repeat,
                       before=page.after_load_file)
    warm = median_time(lambda: get(f"/{slug}/extension/Canteen/"), args.repeat)

    print("| 项目 | 中位耗时 (秒) | 相对基线 |")
    print("|---|---:|---:|")
    for name, seconds, ratio in (
            ("加载（同一进程，无校账插件，基线）", load, 1.0),
            ("插件 xiaozhang.plugins.canteen", rule, rule / load),
            ("食堂月报：公示和盈亏表，四种格式（不含加载）", written, written / load),
            ("Fava /api/income_statement（基线）", baseline, 1.0),
            ("校账 食堂页面，账本重新加载后首次（计算）", cold, cold / baseline),
            ("校账 食堂页面，再次打开（已缓存）", warm, warm / baseline)):
        print(f"| {name} | {seconds:.2f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
