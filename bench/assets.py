"""Asset benchmark (`make bench`): the cost of the asset plugins on ledgers with many cards.

N asset cards (default 20,000) bought over Y years (default 10, 2016-09 to 2026-08) are
generated afresh: purchases with full cards and approvals, the scrapping of worn-out
equipment (at net book value), internal transfers. Two ledgers carry them:

  school  the example school over the same years (`xiaozhang example --students 3000
          --years 10`: fees, payroll, canteen, its own asset base) plus the N cards;
  cards   the N cards alone (the worst case: nothing else to load).

Measured in the same run, each the median of several repetitions:

  load    `bean-check -C` of the ledger with only `plugin "xiaozhang.plugins.assets"` and
          `"…depreciation"` against `bean-check -C` of the same files without any plugin line
          (plain Beancount): target at most 1.15x. Wall time, and the child's CPU time
          (user + system), which other work on the machine disturbs less.
  plugins in one process (cards ledger): the plain ledger loaded once (the baseline), then
          each asset plugin function timed on its entries.
  page    the 固定资产 Fava page (first open after a reload, and cached) against Fava's own
          `/api/balance_sheet` (cards ledger), through Fava's test client.

    python bench/assets.py [--cards 20000] [--years 10] [--students 3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

from run import count_transactions  # noqa: E402  (shared with bench/run.py)

from xiaozhang import chart  # noqa: E402
from xiaozhang.example import display_width  # noqa: E402
from xiaozhang.model.assets import Schedule  # noqa: E402
from xiaozhang.model.money import fen, from_fen  # noqa: E402
from xiaozhang.model.periods import month_index  # noqa: E402

PLUGINS = ("assets", "depreciation")
# (name, category, subcategory, model, life, unit price range, quantity range, share)
KINDS = (
    ("学生计算机", "通用设备", "计算机设备", "联想启天M437", 6, (4200, 5600), (1, 50), 30),
    ("教师笔记本电脑", "通用设备", "计算机设备", "ThinkPad E14", 6, (4800, 6800), (1, 5), 12),
    ("多媒体投影机", "通用设备", "办公设备", "爱普生CB-X06", 6, (3800, 6200), (1, 2), 14),
    ("交互式智能平板", "通用设备", "计算机设备", "希沃MC86", 6, (11000, 15000), (1, 4), 8),
    ("打印复印一体机", "通用设备", "办公设备", "理光MP 4055", 6, (6000, 19000), (1, 2), 5),
    ("学生课桌椅", "家具用具装具及动植物", "学生用家具", "升降式单人课桌椅", 5, (280, 420), (30, 60), 12),
    ("教师办公桌椅", "家具用具装具及动植物", "家具", "钢木1200×600", 15, (1050, 1400), (2, 20), 5),
    ("体育器材", "专用设备", "体育设备", "篮球架", 5, (3000, 9000), (1, 6), 4),
    ("实验室仪器", "专用设备", "专用仪器仪表", "小学科学教学仪器", 5, (1600, 30000), (1, 3), 4),
    ("食堂设备", "专用设备", "食品加工专用设备", "商用蒸饭柜", 10, (6000, 28000), (1, 2), 2),
    ("图书", "图书档案", None, "各类少儿读物", None, (18, 40), (200, 2000), 3),
    ("围墙及附属设施", "房屋及构筑物", "构筑物", "砖砌", 8, (60000, 400000), (1, 1), 1),
)
PEOPLE = ("李明华", "周丽娟", "刘芳", "张伟", "孙强", "吴晓燕", "郑凯", "马丽", "胡斌")
PROFILE = """2016-08-25 custom "school" "青禾市明德区实验小学（基准）"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
2016-08-25 custom "policy" "depreciation-start" "same-month"
"""


def money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


def posting(account: str, amount: Decimal) -> str:
    text = f"{amount:.2f} CNY"
    return f"  {account}{' ' * max(2, 70 - display_width(account) - len(text))}{text}\n"


def generate(cards: int, years: int, seed: int = 2016) -> Path:
    """Write the benchmark ledger; returns main.beancount (main-plain.beancount beside it)."""
    rng = random.Random(seed)
    folder = OUT / f"assets-{cards}x{years}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    start = dt.date(2026 - years, 9, 1)
    days = (dt.date(2026, 8, 31) - start).days
    weights = [k[-1] for k in KINDS]
    by_year: dict[int, list[tuple[dt.date, str]]] = {}
    bought = []
    for number in range(1, cards + 1):
        day = start + dt.timedelta(days=rng.randrange(days))
        name, category, sub, model, life, (low, high), (qmin, qmax), _ = rng.choices(KINDS, weights)[0]
        quantity = rng.randint(qmin, qmax)
        cost = money(rng.uniform(low, high)) * quantity
        asset_id = f"ZC{day.year}{number:06d}"
        custodian, handler = rng.sample(PEOPLE[1:], 2)
        location = f"{'一二三四五六'[rng.randrange(6)]}({rng.randint(1, 8)})班教室"
        card = [("asset_id", asset_id), ("name", name), ("category", category)]
        card += [("subcategory", sub)] if sub else []
        card += [("model", model), ("quantity", quantity)] + ([("life", life)] if life else [])
        card += [("location", location), ("custodian", custodian), ("dept", "教务处"),
                 ("supplier", "青禾市智慧教育装备有限公司"), ("invoice", f"{day:%y}{number:018d}"),
                 ("procurement", "询价" if cost >= 5000 else "自行采购")]
        lines = [f'{day} * "青禾市智慧教育装备有限公司" "购{name}"\n',
                 f'  voucher: "记-{day:%Y-%m}-Z{number:06d}"\n', f'  handler: "{handler}"\n',
                 f'  inspector: "{PEOPLE[0]}"\n', '  reviewer: "陈静"\n', '  approver: "王建国"\n',
                 f"  approved: {day - dt.timedelta(days=rng.randint(1, 6))}\n",
                 posting(chart.fixed_asset_account(category), cost)]
        lines += [f"    {key}: {value}\n" if isinstance(value, int) else f'    {key}: "{value}"\n'
                  for key, value in card]
        lines.append(posting(chart.ZERO_BALANCE, -cost))
        by_year.setdefault(day.year, []).append((day, "".join(lines)))
        bought.append((day, asset_id, category, cost, life))
    # the scrapping of worn-out equipment (about one card in twenty), transfers (one in ten)
    scrapped: dict[str, dt.date] = {}
    for day, asset_id, category, cost, life in rng.sample(bought, cards // 10):
        if not life or life > 6 or day.year > 2019:
            continue
        when = day + dt.timedelta(days=365 * life + rng.randrange(0, 300))
        if when >= dt.date(2026, 8, 31):
            continue
        months = life * 12
        schedule = Schedule.straight_line(fen(cost), months, month_index(day),
                                          stop=month_index(when) - 1)
        taken = schedule.through(month_index(when) - 1)
        text = (f'{when} * "报废{asset_id}（使用期满）"\n  asset_id: "{asset_id}"\n  disposal: "报废"\n'
                f'  approver: "王建国"\n' + posting(chart.fixed_asset_account(category), -cost)
                + posting(chart.depreciation_account(category), from_fen(taken)))
        if fen(cost) != taken:
            text += posting(chart.ASSET_DISPOSAL_EXPENSE, cost - from_fen(taken))
        by_year.setdefault(when.year, []).append((when, text))
        scrapped[asset_id] = when
    transfers = []
    for day, asset_id, *_rest in rng.sample(bought, cards // 10):
        when = day + dt.timedelta(days=rng.randrange(30, 900))
        if when < min(dt.date(2026, 8, 31), scrapped.get(asset_id, dt.date.max)):
            transfers.append((when, f'{when} custom "asset-transfer" "{asset_id}"\n'
                                    f'  custodian: "{rng.choice(PEOPLE)}"\n'))
    (folder / "accounts.beancount").write_text(
        "".join(f"2000-01-01 open {d.account} CNY\n" for d in chart.CHART), encoding="utf-8")
    (folder / "policy.beancount").write_text(PROFILE, encoding="utf-8")
    (folder / "transfers.beancount").write_text(
        "\n".join(text for _day, text in sorted(transfers)), encoding="utf-8")
    for year, items in by_year.items():
        (folder / f"{year}.beancount").write_text(
            "\n".join(text for _day, text in sorted(items, key=lambda item: item[0])),
            encoding="utf-8")
    includes = "".join(f'include "{year}.beancount"\n' for year in sorted(by_year))
    (folder / "cards.beancount").write_text('include "transfers.beancount"\n' + includes,
                                            encoding="utf-8")
    head = 'option "title" "资产基准账本"\noption "operating_currency" "CNY"\n'
    return variants(folder, head + 'include "accounts.beancount"\ninclude "policy.beancount"\n'
                    'include "cards.beancount"\n')


def variants(folder: Path, text: str) -> Path:
    """main.beancount with only the asset plugins, main-plain.beancount with no plugin."""
    lines = [line for line in text.splitlines(True) if not line.startswith("plugin ")]
    plugins = "".join(f'plugin "xiaozhang.plugins.{name}"\n' for name in PLUGINS)
    (folder / "main.beancount").write_text(plugins + "".join(lines), encoding="utf-8")
    (folder / "main-plain.beancount").write_text("".join(lines), encoding="utf-8")
    return folder / "main.beancount"


def school(cards_main: Path, students: int, years: int) -> Path:
    """The example school over `years` with the generated cards added."""
    folder = OUT / f"school-assets-{students}x{years}"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([str(BIN / "xiaozhang"), "example", "--out", str(folder), "--students",
                    str(students), "--years", str(years)], check=True, capture_output=True)
    cards = cards_main.parent
    for path in cards.glob("*.beancount"):
        if path.stem.isdigit() or path.name == "transfers.beancount":
            shutil.copy(path, folder / f"cards-{path.name}")
    (folder / "cards.beancount").write_text(
        (cards / "cards.beancount").read_text(encoding="utf-8").replace('include "', 'include "cards-'),
        encoding="utf-8")
    text = (folder / "main.beancount").read_text(encoding="utf-8") + 'include "cards.beancount"\n'
    return variants(folder, text)


def cpu_and_wall(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a child process."""
    env = dict(os.environ, BEANCOUNT_DISABLE_LOAD_CACHE="1")
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if result.returncode != 0 or result.stdout.strip():
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return statistics.median(walls), statistics.median(cpus)


def bench_load(label: str, main: Path, repeat: int) -> list[tuple[str, float, float]]:
    plain = main.with_name("main-plain.beancount")
    rows = []
    # alternate the two, so that a change in the machine's load touches both alike
    base_wall, base_cpu, our_wall, our_cpu = [], [], [], []
    for _ in range(repeat):
        wall, cpu = cpu_and_wall([str(BIN / "bean-check"), "-C", str(plain)], 1)
        base_wall.append(wall)
        base_cpu.append(cpu)
        wall, cpu = cpu_and_wall([str(BIN / "bean-check"), "-C", str(main)], 1)
        our_wall.append(wall)
        our_cpu.append(cpu)
    for kind, base, ours in (("耗时", base_wall, our_wall), ("CPU", base_cpu, our_cpu)):
        b, o = statistics.median(base), statistics.median(ours)
        rows.append((f"{label}：bean-check -C，无插件（基线，{kind}）", b, 1.0))
        rows.append((f"{label}：bean-check -C，资产卡片 + 折旧插件（{kind}）", o, o / b))
    return rows


def bench_plugins(main: Path, repeat: int) -> list[tuple[str, float, float]]:
    """The plugins in load order on the plain ledger's entries, CPU time: the first builds the
    asset register of the school model, the second asks the same register (as in a real load).
    Each repetition runs on a fresh copy of the list, so it gets fresh books."""
    from beancount import loader

    from xiaozhang.plugins import assets, depreciation

    plain = main.with_name("main-plain.beancount")
    start = time.process_time()
    entries, errors, options = loader.load_file(str(plain))
    baseline = time.process_time() - start
    assert not errors, errors[:3]
    first, second = [], []
    for _ in range(repeat):
        run = list(entries)
        began = time.process_time()
        _same, problems = assets.validate_assets(run, options)
        first.append(time.process_time() - began)
        assert not problems, problems[:3]
        began = time.process_time()
        result, problems = depreciation.generate_depreciation(run, options)
        second.append(time.process_time() - began)
        assert not problems, problems[:3]
    print(f"# 折旧插件生成 {len(result) - len(entries)} 笔月度折旧分录（按月、按类别汇总）")
    a, b = statistics.median(first), statistics.median(second)
    return [("加载（同一进程，无插件，基线，CPU）", baseline, 1.0),
            ("插件 xiaozhang.plugins.assets（读资产卡片、检查）", a, a / baseline),
            ("插件 xiaozhang.plugins.depreciation（用同一份资产模型生成分录）", b, b / baseline),
            ("资产插件合计（同一进程）", a + b, (a + b) / baseline)]


def bench_page(main: Path, repeat: int) -> list[tuple[str, float, float]]:
    from fava.application import create_app

    text = main.read_text(encoding="utf-8")
    with_page = main.with_name("main-fava.beancount")
    with_page.write_text(text + '2016-08-25 custom "fava-extension" "xiaozhang.reports.fava_ext"\n',
                         encoding="utf-8")
    app = create_app([str(with_page)], load=True)
    client = app.test_client()
    slug = app.config["LEDGERS"].first_slug()
    ledger = app.config["LEDGERS"][slug]
    assert not ledger.errors, ledger.errors[:3]
    page = ledger.extensions.get_extension("FixedAssets")

    def median_get(url: str, before=lambda: None) -> float:
        assert client.get(url).status_code == 200
        times = []
        for _ in range(repeat):
            before()
            began = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - began)
            assert response.status_code == 200, url
        return statistics.median(times)

    def reload() -> None:
        """What a reload does to the page: a new entries list (so new books, a new asset
        register) and an empty page cache."""
        ledger.all_entries = list(ledger.all_entries)
        page.after_load_file()

    baseline = median_get(f"/{slug}/api/balance_sheet")
    cold = median_get(f"/{slug}/extension/FixedAssets/", before=reload)
    warm = median_get(f"/{slug}/extension/FixedAssets/")
    return [("Fava /api/balance_sheet（基线）", baseline, 1.0),
            ("校账 固定资产页面，账本重新加载后首次（计算）", cold, cold / baseline),
            ("校账 固定资产页面，再次打开（已缓存）", warm, warm / baseline)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=20000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--students", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cards_main = generate(args.cards, args.years)
    school_main = school(cards_main, args.students, args.years)
    transactions = count_transactions(school_main.parent)
    print(f"# 资产基准测试  {args.cards:,} 张资产卡片 × {args.years} 年；学校账本（{args.students} 名学生）"
          f"共 {transactions:,} 笔交易")
    print(f"# {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPU, 每项取 {args.repeat} 次中位数\n")
    os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
    rows = bench_load("学校账本", school_main, args.repeat)
    rows += bench_load("只有资产卡片的账本", cards_main, args.repeat)
    rows += bench_plugins(cards_main, args.repeat)
    rows += bench_page(cards_main, args.repeat)
    print("| 项目 | 中位耗时 (秒) | 相对基线 |")
    print("|---|---:|---:|")
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds:.2f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
