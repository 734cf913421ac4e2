"""`xiaozhang close …` (月结、重新打开、年结) and `xiaozhang new-year`: docs/close.md.

    close month 2026-03 [2026-05]   write each month's closing record (refused on errors)
    close reopen 2026-03 --by 王建国 --reason "…"
    close year 2025                 the year-end 结转 file, for the accountant to review and include
    close status                    which months are closed
    new-year 2027 --out 2027账本    the next working year's ledger folder (xiaozhang.newyear)

Every file is written through `xiaozhang.io.write_atomic`; no command writes into an archive.
"""

from __future__ import annotations

import base64
import datetime as dt
import sys
import textwrap
from pathlib import Path

import click

from xiaozhang import chart, layout
from xiaozhang.commands import MONTH, as_of_option, ledger_option
from xiaozhang.io import Loaded, load, problem_line, write_atomic
from xiaozhang.model import closing, yearend
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.periods import Month

# The accounts whose month-end balances a closing record asserts: money, 2103, 2307.
ASSERTED_ROOTS: tuple[str, ...] = chart.MONEY_ROOTS + (chart.TREASURY_ROOT, "Liabilities:2307")
YEAR_END_FOLDER = yearend.YEAR_END_FOLDER


class Refused(click.ClickException):
    """A command that will not write: the message says why and what to do (Chinese)."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message


@click.group("close")
def close_group() -> None:
    """月结、重新打开、年末结转（见 docs/close.md）。"""


# -- helpers ---------------------------------------------------------------------------------
def _books(loaded: Loaded) -> SchoolBooks:
    return SchoolBooks.of(loaded.entries, loaded.options_map)


def _book(books: SchoolBooks) -> closing.ClosingBook:
    return closing.closing_of(books)


def _error_date(error) -> dt.date | None:
    entry = getattr(error, "entry", None)
    return getattr(entry, "date", None)


def blocking_errors(loaded: Loaded, book: closing.ClosingBook, last: dt.date) -> list:
    """The errors that stop closing up to `last`: those dated on or before it in a month not
    closed, undated ones, and every closing-rule error (a changed closed month)."""
    found = []
    for error in loaded.errors:
        message = str(error.message)
        day = _error_date(error)
        if message.startswith("[CL") or day is None:
            found.append(error)
        elif day <= last and not book.is_closed(Month.of(day)):
            found.append(error)
    return found


def _by(books: SchoolBooks, by: str | None) -> str:
    if by:
        return by
    profile = books.policy.profile(books.as_of) or {}
    return str(profile.get("accountant") or "会计")


def month_end_balances(entries: list, months: list[Month]) -> dict[Month, dict[tuple[str, str], object]]:
    """Balances of the asserted accounts at the end of each month, one pass over the entries."""
    ends = sorted(months)
    closed_at = {e.account: e.date for e in entries if type(e).__name__ == "Close"}
    result: dict[Month, dict] = {}
    sums: dict[tuple[str, str], object] = {}
    position = 0
    txns = [e for e in entries if type(e).__name__ == "Transaction"]
    for month in ends:
        while position < len(txns) and txns[position].date <= month.last:
            for posting in txns[position].postings:
                if posting.account.startswith(ASSERTED_ROOTS) and posting.units is not None:
                    key = (posting.account, posting.units.currency)
                    sums[key] = sums.get(key, 0) + posting.units.number
            position += 1
        result[month] = {key: amount for key, amount in sums.items()
                         if closed_at.get(key[0], dt.date.max) > month.last}
    return result


def record_text(month: Month, day: dt.date, by: str, seal: closing.Seal, source: tuple[int, str],
                balances: dict) -> str:
    prints = base64.b64encode(seal.fingerprints).decode("ascii")
    wrapped = "\n".join("    " + line for line in textwrap.wrap(prints, 72)) if prints else ""
    lines = [
        "",
        f"; —— {month.label}月结：由 xiaozhang close month 于 {day} 写入，请勿修改本段 ——",
        f'{day} custom "{closing.CLOSE}" "{month}" "{seal.digest}"',
        f'  by: "{by}"',
        f"  entries: {seal.count}",
        f'  source: "{source[0]}:{source[1]}"',
        f'  others: "{seal.others}"',
        f'  fingerprints: "\n{wrapped}\n    "' if wrapped else '  fingerprints: ""',
    ]
    assert_day = month.shift(1).first
    width = max((len(account) for account, _ in balances), default=0) + 2
    for (account, currency), amount in sorted(balances.items()):
        lines.append(f"{assert_day} balance {account:<{width}}{amount:>16} {currency}")
    return "\n".join(lines) + "\n"


def _home(loaded: Loaded, month: Month) -> Path:
    main = loaded.options_map.get("filename") or loaded.path
    return layout.target_file(main, loaded.options_map.get("include", []), month.first)


def _ensure_file(loaded: Loaded, home: Path, month: Month) -> str:
    """The current text of the month's file; a missing month file is created (with an include
    in main when no include covers it)."""
    if home.exists():
        return home.read_text(encoding="utf-8")
    main = Path(loaded.options_map.get("filename") or loaded.path)
    main_text = main.read_text(encoding="utf-8")
    if not layout._YEAR_GLOB.search(main_text) or f'include "{month.year}/*.beancount"' not in main_text:
        write_atomic(main, layout.with_include(main_text, home, str(main)))
    return layout.month_header(month.first)


# -- close month -----------------------------------------------------------------------------
@close_group.command("month")
@click.argument("first", type=MONTH)
@click.argument("last", type=MONTH, required=False)
@click.option("--by", default=None, help="结账人（默认：学校信息中的会计）")
@ledger_option
@as_of_option
def close_month(first: Month, last: Month | None, by: str | None, ledger: str) -> None:
    """月结：写入月结记录（摘要和月末余额断言）；本月或以前未结账月份有错误时拒绝。"""
    months = [first]
    while last is not None and months[-1] < last:
        months.append(months[-1].shift(1))
    written, problems = close_and_recheck(ledger, months, by)
    for line in written:
        click.echo(line)
    if problems:
        for problem in problems:
            click.echo(problem_line(problem), err=True)
        raise Refused("写入后复查发现问题（见上），请检查账本")


def close_and_recheck(ledger: str | Path, months: list[Month], by: str | None) -> tuple[list[str], list]:
    """`close month`: write the records of `months`, then load again and return what was done
    and the problems the written records show (closing rule, balance assertions)."""
    written = close_months(load(ledger), months, by)
    check = load(ledger)
    problems = [e for e in check.errors if str(e.message).startswith("[CL") or "Balance" in type(e).__name__]
    return written, problems


def close_months(loaded: Loaded, months: list[Month], by: str | None, *,
                 check_errors: bool = True) -> list[str]:
    """Write the closing records of `months` (in order) into their month files; returns what
    was done, one line each.  Refused (nothing written) when a month is not over by the
    评判日期 or has errors (`check_errors=False`: the benchmark only, bench/close.py)."""
    books = _books(loaded)
    book = _book(books)
    ordered = closing.by_date(loaded.entries)
    for month in months:
        if month.last > books.as_of:
            raise Refused(f"{month.label}尚未结束（评判日期 {books.as_of}），不能结账")
    blocking = blocking_errors(loaded, book, months[-1].last) if check_errors else []
    if blocking:
        lines = "\n".join(problem_line(e) for e in blocking)
        raise Refused(f"{lines}\n不能结账：{months[-1].label}及以前未结账的月份有 {len(blocking)} 个错误（见上），"
                      "请先改正（xiaozhang check 查看）")
    balances = {month: yearend.quota_left(month.last, found)
                for month, found in month_end_balances(loaded.entries, months).items()}
    done = []
    for month in months:
        latest = book.latest.get(month)
        month_entries = closing.covered(closing.month_slice(ordered, month))
        if latest is not None and latest.kind == closing.CLOSE \
                and closing.unchanged_quickly(latest, month_entries):
            done.append(f"{month.label}已结账（{latest.entry.date}），无需重复")
            continue
        home = _home(loaded, month)
        before = _ensure_file(loaded, home, month)
        if before and not before.endswith("\n"):
            before += "\n"
        seal = closing.seal(month_entries, str(home))
        source = (len(before.encode("utf-8")), _sha(before))
        day = max(books.as_of, latest.entry.date if latest else books.as_of)
        write_atomic(home, before + record_text(month, day, _by(books, by), seal, source, balances[month]))
        again = "（重新写入）" if latest is not None and latest.kind == closing.CLOSE else ""
        done.append(f"{month.label}已结账{again}：{seal.count} 笔分录，"
                    f"{len(balances[month])} 个余额断言，写入 {layout.relative_name(str(loaded.path), str(home))}")
    return done


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- reopen ----------------------------------------------------------------------------------
@close_group.command("reopen")
@click.argument("month", type=MONTH)
@click.option("--by", required=True, help="批准重新打开的人（姓名）")
@click.option("--reason", required=True, help="原因")
@ledger_option
@as_of_option
def reopen(month: Month, by: str, reason: str, ledger: str) -> None:
    """重新打开已结账的月份：记下谁、为什么（custom "month-reopen"）。"""
    loaded = load(ledger)
    books = _books(loaded)
    latest = _book(books).latest.get(month)
    if latest is None or latest.kind != closing.CLOSE:
        raise Refused(f"{month.label}没有结账，无需重新打开")
    home = Path(latest.entry.meta["filename"])
    day = max(books.as_of, latest.entry.date)
    text = (f'\n{day} custom "{closing.REOPEN}" "{month}"\n'
            f'  by: "{_quoted(by)}"\n  reason: "{_quoted(reason)}"\n')
    old = retire_assertions(home.read_text(encoding="utf-8"), latest.entry.meta["lineno"], month)
    write_atomic(home, old + ("" if old.endswith("\n") else "\n") + text)
    click.echo(f"{month.label}已重新打开（{by}：{reason}），写入 "
               f"{layout.relative_name(str(loaded.path), str(home))}；改正后请再次 xiaozhang close month {month}")


def retire_assertions(text: str, lineno: int, month: Month) -> str:
    """The file's text with the month-end balance assertions written with the closing record at
    `lineno` commented out (a reopened month will change; the next close writes new ones)."""
    lines = text.split("\n")
    prefix = f"{month.shift(1).first} balance "
    index, seen = lineno, False  # lineno is 1-based: lines[lineno] is the line after the record
    while index < len(lines):
        line = lines[index]
        if line.startswith(prefix):
            lines[index] = f"; [{month.label}重新打开，作废] {line}"
            seen = True
        elif seen or (line and not line[0].isspace() and not line.startswith(";")):
            break
        index += 1
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# -- status ----------------------------------------------------------------------------------
@close_group.command("status")
@ledger_option
def status(ledger: str) -> None:
    """列出已结账和重新打开的月份。"""
    loaded = load(ledger)
    book = _book(_books(loaded))
    for month in book.closed_months():
        record = book.latest[month]
        click.echo(f"{month.label}  已结账  {record.entry.date}  {record.by or ''}")
    for record in book.reopened_months():
        click.echo(f"{record.month.label}  已重新打开  {record.entry.date}  {record.by}：{record.reason}")
    for year, record in sorted(book.years.items()):
        click.echo(f"{year}年  已年结  {record.entry.date}")


# -- close year ------------------------------------------------------------------------------
@close_group.command("year")
@click.argument("year", type=int)
@click.option("--by", default=None, help="经办人（默认：学校信息中的会计）")
@ledger_option
@as_of_option
def close_year(year: int, by: str | None, ledger: str) -> None:
    """年末结转：生成结转分录文件（审核后由会计加入账本）；有月份未结账或有错误时拒绝。"""
    loaded = load(ledger)
    path, carries = write_year_end(loaded, year, by)
    relative = layout.relative_name(str(loaded.path), str(path))
    for item in carries:
        click.echo(f"{item.rule.side}  {item.rule.title}  {len(item.postings)} 行")
    click.echo(f"已写入 {relative}。请审核后在 main.beancount 中加入一行：include \"{relative}\"")


def write_year_end(loaded: Loaded, year: int, by: str | None) -> tuple[Path, list]:
    books = _books(loaded)
    book = _book(books)
    if dt.date(year, 12, 31) > books.as_of:
        raise Refused(f"{year}年尚未结束（评判日期 {books.as_of}），不能年结")
    if year in book.years:
        raise Refused(f"{year}年已年结（{book.years[year].entry.date}）")
    first = books.first_date
    start = Month(year, 1) if first is None or first.year < year else Month.of(first)
    missing = [m for m in (start.shift(i) for i in range(13 - start.month))
               if book.latest.get(m) is None or book.latest[m].kind != closing.CLOSE]
    if missing:
        raise Refused("不能年结：以下月份未结账：" + "、".join(m.label for m in missing)
                      + f"（先运行 xiaozhang close month {missing[0]} …）")
    blocking = blocking_errors(loaded, book, dt.date(year, 12, 31))
    if blocking:
        lines = "\n".join(problem_line(e) for e in blocking)
        raise Refused(f"{lines}\n不能年结：账本有 {len(blocking)} 个错误（见上），请先改正")
    left = yearend.open_balances(loaded.entries, year)
    if left and first is not None and first.year < year:
        raise Refused(f"不能年结：{year - 1}年末收入、费用科目仍有余额（{len(left)} 个科目），"
                      f"请先完成 {year - 1} 年的年结")
    from xiaozhang.model.budget import budget_of
    budget = budget_of(books)
    missing = yearend.missing_rules(budget.table, year)
    if missing:
        raise Refused("不能年结：平行记账规则表缺少下列行（年末结转分录不生成预算会计分录），请加入 policy.beancount：\n"
                      + "\n".join(missing))
    canteen = yearend.canteen_accounts(books.index.opens)
    carries = yearend.cancel_quota(loaded.entries, year, budget.active)
    carries += yearend.carry(loaded.entries, year, canteen, yearend.RULES + yearend.BUDGET_RULES)
    body = yearend.render(carries, year)
    digest, count = year_digest(body)
    main = Path(loaded.options_map.get("filename") or loaded.path)
    path = main.parent / YEAR_END_FOLDER / f"{year}.beancount"
    if path.exists():
        raise Refused(f"{layout.relative_name(str(main), str(path))} 已存在：请先审核或删除它")
    header = (f"; {year}年末结转（xiaozhang close year {year} 于 {books.as_of} 生成）\n"
              "; 依据：《政府会计制度》1011 零余额账户用款额度、3301 本期盈余、3302 本年盈余分配、3001 累计盈余的科目说明"
              "（docs/close.md）。\n"
              "; 审核无误后在 main.beancount 中加入本文件的 include；请勿修改（改动会被 [CL04] 报告）。\n\n"
              + yearend.restore_note(carries, year)
              + f'{dt.date(year, 12, 31)} custom "{closing.YEAR_CLOSE}" "{year}" "{digest}"\n'
              f'  by: "{_quoted(_by(books, by))}"\n  entries: {count}\n\n')
    write_atomic(path, header + body)
    return path, carries


def include_year_end(main: Path, path: Path) -> Path:
    """The accountant's step after review: `include "年结/2025.beancount"` at the end of main
    (safe write; nothing when the line is there already)."""
    line = f'include "{layout.relative_name(str(main), str(path))}"'
    text = main.read_text(encoding="utf-8")
    if line not in text.splitlines():
        write_atomic(main, text.rstrip("\n") + f"\n{line}\n")
    return main


def year_digest(body: str) -> tuple[str, int]:
    """The digest of the 结转 entries as Beancount will load them (the closing rule's view)."""
    from beancount import loader

    entries, _errors, _options = loader.load_string(body)
    found = [e for e in entries if type(e).__name__ in ("Transaction", "Custom") and closing.is_year_end(e)]
    return closing.digest_of(closing.entry_strings(found)), len(found)


# -- new-year -------------------------------------------------------------------------------
@click.command("new-year")
@click.argument("year", type=int)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="新工作年度账本的目录")
@ledger_option
def new_year(year: int, out: str, ledger: str) -> None:
    """新的工作年度：写出新年度账本（期初余额、资产卡片、政策和科目），原账本归档为只读。"""
    from xiaozhang import newyear

    loaded = load(ledger)
    try:
        written = newyear.write_new_year(loaded, year, Path(out))
    except newyear.NewYearRefused as refused:
        raise Refused(str(refused)) from refused
    click.echo(f"已写出 {year} 年度账本 {out}（{len(written)} 个文件），原账本已归档为只读。"
               f"请检查：xiaozhang check {Path(out) / Path(ledger).name}")


if __name__ == "__main__":  # pragma: no cover
    close_group()
    sys.exit(0)
