"""新的工作年度: `xiaozhang new-year 2026` writes the next working year's ledger folder.

The old folder becomes the archive of the years before (read-only); the new folder holds:

    main.beancount       the old main file, its year includes before the new year dropped, and
                         `include "期初.beancount"`
    期初.beancount        the opening entries, dated 31 December of the old year, from the old
                         year-end balances (after the 结转, so income and expenses are zero):
                         期初余额（上年结转）: every balance-sheet account but the ones below,
                           against 3001 累计盈余;
                         期初建账：固定资产（类别）: each asset card not disposed of, with its
                           metadata (transfers applied), 已提折旧 `depreciated` and 已提月数
                           `depreciated_months` to date, and the category's 1602, against 3001
                           (the form the asset rules read, docs/assets.md);
                         食堂期初余额（上年结转）: the canteen's accounts, among themselves (CT01);
                         预算会计期初余额（上年结转）: the budget accounts, among themselves;
                         then the 次年恢复 of the quota cancelled on 31 December (dated 1 January,
                         both sides, `yearend.restore_quota`: less what the new year restores)
    历年汇总/2025.json    the old year's summary for the reports that span years
                         (`xiaozhang.model.yearsummary`), with the earlier years' (copied)
    accounts, policy, canteen … the other included files, copied (asset transfers before the
                         new year dropped: they are applied to the cards)
    2026/ …              month files of the new year and later already in the old folder, moved

The archive keeps the years before, its year includes from the new year on commented out, its
asset transfers from the new year on left out (the new year's files have them), is judged as of 31 December of the old year (its `custom "as-of"` moved there), gets the summary
too, its ledger files lose their write permission, and last its mark `归档.txt`
(`xiaozhang.io.ARCHIVE_MARK`): from then on every safe write into it is refused and `serve`
opens it read-only.

Refused when the old year has no `year-close` record (not carried forward) or the target exists.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
from collections import defaultdict
from pathlib import Path

from xiaozhang import chart
from xiaozhang.io import ARCHIVE_MARK, Loaded, archive_of, write_atomic
from xiaozhang.model import asof, closing, yearend, yearsummary
from xiaozhang.model.asset_cards import CARRIED_MONTHLY
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.fees import OPENING  # the mark of an opening entry (no fee movement)
from xiaozhang.model.money import from_fen, ledger_currency
from xiaozhang.model.periods import month_index

OPENING_FILE = "期初.beancount"
RESTORES = "restores"  # the 次年恢复 entry: the year whose 注销 it restores
_YEAR_INCLUDE = re.compile(r'^include[ \t]+"(\d{4})/\*\.beancount"[ \t]*\n', re.M)
_TRANSFER_BLOCK = re.compile(r'^(\d{4}-\d{2}-\d{2}) custom "asset-transfer".*?(?:\n(?=\S)|\Z)', re.M | re.S)


class NewYearRefused(Exception):
    """Why the new year cannot be written (Chinese, for the accountant)."""


_fen = from_fen


def opening_text(loaded: Loaded, year: int, cards: list | None = None) -> str:
    """The opening entries of `year` from the old ledger's balances at the end of `year - 1`;
    `cards` (a list) receives the opening cards' total cost and depreciation (fen)."""
    books = SchoolBooks.of(loaded.entries, loaded.options_map)
    end = dt.date(year - 1, 12, 31)
    balances = yearend.balances_at(loaded.entries, end)
    canteen = yearend.canteen_accounts(books.index.opens)
    reviewer = str((books.policy.profile(end) or {}).get("accountant") or "会计")
    main, canteen_legs, budget_legs = [], [], []
    for (account, currency), amount in sorted(balances.items()):
        if not amount or account.startswith(("Income:", "Expenses:")):
            continue
        if account.startswith((chart.code_root(chart.FIXED_ASSETS), chart.code_root(chart.ACCUM_DEPRECIATION))):
            continue
        if chart.is_budget_account(account):
            budget_legs.append((account, amount, currency))
        elif any(account == c or account.startswith(c + ":") for c in canteen):
            canteen_legs.append((account, amount, currency))
        elif account != chart.ACCUMULATED_SURPLUS:
            main.append((account, amount, currency))
    blocks = [_entry(end, "期初余额（上年结转）", reviewer, main, chart.ACCUMULATED_SURPLUS)]
    blocks += _asset_entries(books, end, reviewer, cards)
    if canteen_legs:  # the stores apart: with a payable they would read as a purchase
        stores = [leg for leg in canteen_legs if leg[0].startswith(chart.FOOD_STOCK)]
        rest = [leg for leg in canteen_legs if leg not in stores and leg[0] != chart.CANTEEN_EQUITY]
        blocks.append(_entry(end, "食堂期初余额（上年结转）", reviewer, rest, chart.CANTEEN_EQUITY))
        blocks.append(_entry(end, "食堂期初库存（上年结转）", reviewer, stores, chart.CANTEEN_EQUITY))
    if budget_legs:
        blocks.append(_entry(end, "预算会计期初余额（上年结转）", reviewer, budget_legs, None))
    header = (f"; {year}年度期初余额：由 xiaozhang new-year {year} 根据 {year - 1} 年末（年结后）余额生成。\n"
              f"; {year - 1} 年及以前的账在原账本（归档，只读）。\n\n")
    from xiaozhang.model.budget import budget_of

    restored = restoration_text(yearend.restore_quota(loaded.entries, year, budget_of(books).active),
                                year, reviewer)
    return header + "\n\n".join(b for b in blocks if b) + "\n" + restored


def restoration_text(carries: list, year: int, reviewer: str) -> str:
    """The 次年恢复 entries (`yearend.restore_quota`), both sides in one entry each."""
    blocks = []
    for item in carries:
        width = max(len(account) for account, _, _ in item.postings) + 4
        lines = [f'{item.date} * "{item.rule.title}"', f'  reviewer: "{reviewer}"',
                 f'  basis: "政府会计制度 {item.rule.basis}"', f'  {RESTORES}: "{year - 1}"']
        lines += [f"  {account:<{width}}{number:>16} {currency}" for account, number, currency in item.postings]
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    return (f"\n; 次年恢复：{year - 1} 年末注销的零余额账户用款额度（1011 二（四）、8001 三（八）：下年初作恢复额度的账务处理）。\n"
            "; 请与代理银行的额度恢复到账通知书核对。\n\n" + "\n\n".join(blocks) + "\n")


def _entry(day, narration, reviewer, legs, balancing: str | None, extra=()) -> str:
    if not legs and not extra:
        return ""
    lines = [f'{day} * "{narration}"', f'  reviewer: "{reviewer}"', f"  {OPENING}: TRUE"]
    for account, amount, currency in legs:
        lines.append(f"  {account}  {amount} {currency}")
    lines += extra
    if balancing:
        lines.append(f"  {balancing}")
    return "\n".join(lines)


def _asset_entries(books, end: dt.date, reviewer: str, cards: list | None = None) -> list[str]:
    register = books.assets
    total_cost = total_taken = 0
    last_month = month_index(end)
    by_account: dict[str, list[str]] = defaultdict(list)
    accumulated: dict[str, int] = defaultdict(int)
    for card in register.cards.values():
        if card.date > end or (card.disposal is not None and card.disposal.date <= end):
            continue
        schedule = card.schedule
        if schedule is not None:  # months run since the card's first (additions included)
            taken = schedule.through(last_month)
            months = card.prior_months + max(0, min(last_month, schedule.end) - card.first + 1)
        else:
            taken, months = card.prior, card.prior_months
        cost = card.cost_on(end)  # with the additions (改扩建) made by then
        revised = [a.life for a in card.additions if a.date <= end]
        meta = {k: v for k, v in card.meta.items()
                if k not in ("filename", "lineno", "depreciated", "depreciated_months", CARRIED_MONTHLY)
                and not k.startswith("__")}
        for transfer in card.transfers:
            if transfer.date <= end:
                meta.update(transfer.changes)
        meta["acquired"] = card.acquired
        if revised and card.life is not None:
            meta["life"] = revised[-1]  # the life the last addition set (from the card's first month)
        meta["depreciated"] = f"{_fen(taken)} CNY"
        meta["depreciated_months"] = months
        if schedule is not None and schedule.monthly and taken < cost:
            meta[CARRIED_MONTHLY] = f"{_fen(schedule.monthly)} CNY"  # goes on at the same amount
        lines = [f"  {card.account}  {_fen(cost)} CNY"]
        lines += [f"    {key}: {_value(value)}" for key, value in meta.items()]
        by_account[card.account].append("\n".join(lines))
        if taken:
            accumulated[chart.depreciation_account(card.category)] += taken
        total_cost, total_taken = total_cost + cost, total_taken + taken
    if cards is not None:
        cards[:] = [total_cost, total_taken]
    blocks = []
    for category_code, name in chart.ASSET_CATEGORIES:
        account = chart.fixed_asset_account(name)
        cards = by_account.get(account)
        if not cards:
            continue
        extra = list(cards)
        depreciation = chart.depreciation_account(name) if name in dict(
            (n, n) for _c, n in chart.ASSET_CATEGORIES) else None
        if depreciation and accumulated.get(depreciation):
            extra.append(f"  {depreciation}  {-_fen(accumulated[depreciation])} CNY")
        blocks.append(_entry(end, f"期初建账：固定资产（{name}）", reviewer, [], chart.ACCUMULATED_SURPLUS,
                             extra))
    return blocks


def _value(value) -> str:
    if isinstance(value, str):
        if re.fullmatch(r"-?\d+(\.\d+)? [A-Z]{3}", value):
            return value
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def write_new_year(loaded: Loaded, year: int, out: Path, *, archive: bool = True) -> list[Path]:
    """Write the new working year's folder `out` and make the old folder read-only (see the
    module docstring); returns the files written.  `archive=False` (the benchmark only,
    bench/close.py): the old folder is left as it is and the year need not be carried forward
    (3001 then takes the years' results that were not)."""
    books = SchoolBooks.of(loaded.entries, loaded.options_map)
    book = closing.closing_of(books)
    if archive and (year - 1) not in book.years:
        raise NewYearRefused(f"{year - 1} 年没有年结（custom \"year-close\"）：请先 xiaozhang close year {year - 1}，"
                             "把结转文件加入账本")
    out = Path(out)
    if out.exists():
        raise NewYearRefused(f"{out} 已存在：请指定新的目录")
    main = Path(loaded.options_map.get("filename") or loaded.path)
    old = main.parent
    archived = archive_of(main)
    if archived is not None:
        raise NewYearRefused(f"{archived} 已归档（只读）：请在工作年度的账本上运行 new-year")
    if archive and old.resolve() in (out.resolve(), *out.resolve().parents):
        raise NewYearRefused(f"新年度目录 {out} 不能在原账本目录 {old} 之内（原目录将归档为只读）")
    main_text = main.read_text(encoding="utf-8")
    kept_years = [y for y in _YEAR_INCLUDE.findall(main_text) if int(y) >= year]
    cards: list = []
    opening = opening_text(loaded, year, cards)
    out.mkdir(parents=True)
    written = []

    def ignore(folder, names):
        if Path(folder) != old:
            return []
        return [n for n in names if (n.isdigit() and len(n) == 4 and int(n) < year)
                or n == closing_folder() or n.startswith(".") or n == main.name]

    shutil.copytree(old, out, ignore=ignore, dirs_exist_ok=True)
    for path in out.rglob("*.beancount"):
        text = path.read_text(encoding="utf-8")
        trimmed = _TRANSFER_BLOCK.sub(lambda m: m.group(0) if m.group(1) >= f"{year}-01-01" else "", text)
        if trimmed != text:
            write_atomic(path, trimmed)
    new_main = _YEAR_INCLUDE.sub(lambda m: m.group(0) if int(m.group(1)) >= year else "", main_text)
    new_main = re.sub(r'^include[ \t]+"' + re.escape(closing_folder()) + r'/.*\n', "", new_main, flags=re.M)
    new_main = re.sub(r'^include[ \t]+"' + re.escape(OPENING_FILE) + r'"[ \t]*\n', "", new_main, flags=re.M)
    new_main = new_main.rstrip("\n") + f'\ninclude "{OPENING_FILE}"\n'  # (a working year's own: replaced)
    written.append(write_atomic(out / main.name, new_main))
    written.append(write_atomic(out / OPENING_FILE, opening))
    summary = yearsummary.summarize(loaded.entries, year - 1, ledger_currency(loaded.options_map),
                                    books.policy.school_name(dt.date(year - 1, 12, 31)),
                                    (_fen(cards[0]), _fen(cards[1])))
    written.append(yearsummary.write_summary(out, summary))  # with the earlier years' (copied)
    if not archive:
        return written
    yearsummary.write_summary(old, summary)
    # the archive: its years from the new year on now live in the new folder
    archived = _YEAR_INCLUDE.sub(lambda m: (f"; {m.group(0)[:-1]}  （{year} 年起的账已移到新的工作年度）\n"
                                             if int(m.group(1)) >= year else m.group(0)), main_text)
    write_atomic(main, archived)
    for name in kept_years:
        shutil.rmtree(old / name, ignore_errors=True)
    cutoff = f"{year}-01-01"  # the transfers from the new year on are the new year's (copied there)
    for path in old.rglob("*.beancount"):
        text = path.read_text(encoding="utf-8")
        trimmed = _TRANSFER_BLOCK.sub(lambda m: (f"; {m.group(1)} 的资产内部转移已移到 {year} 年度账本\n\n"
                                                 if m.group(1) >= cutoff else m.group(0)), text)
        if trimmed != text:
            write_atomic(path, trimmed)
    pin_archive(old, main, dt.date(year - 1, 12, 31))
    make_read_only(old)
    mark_archive(old, year, out)  # the last write: from now on no command writes here
    return written


def mark_archive(folder: Path, year: int, working: Path) -> Path:
    """The archive's mark (`xiaozhang.io.ARCHIVE_MARK`): every safe write and `serve` read it."""
    text = (f"本目录是 {year - 1} 年及以前的归档账本（xiaozhang new-year {year} 生成）：只读。\n"
            f"可以查看、检查、出报表（xiaozhang serve 以只读方式打开）；任何命令都不会写入本目录。\n"
            f"{year} 年起的账在工作年度账本：{os.path.relpath(working, folder)}\n")
    return write_atomic(folder / ARCHIVE_MARK, text)


def closing_folder() -> str:
    return yearend.YEAR_END_FOLDER


_PIN = re.compile(rf'^\d{{4}}-\d{{2}}-\d{{2}}( custom "{re.escape(asof.DIRECTIVE)}")', re.M)


def pin_archive(folder: Path, main: Path, end: dt.date) -> None:
    """The archive is judged as of its last day (its 评判日期, xiaozhang.model.asof): deadlines
    running into the new year are the new year's to meet."""
    pinned = False
    for path in folder.rglob("*.beancount"):
        text = path.read_text(encoding="utf-8")
        if _PIN.search(text):
            write_atomic(path, _PIN.sub(lambda m: f"{end}{m.group(1)}", text))
            pinned = True
    if not pinned:
        text = main.read_text(encoding="utf-8")
        write_atomic(main, text.rstrip("\n") + f'\n\n{end} custom "{asof.DIRECTIVE}" "归档：按年末评判"\n')


def make_read_only(folder: Path) -> None:
    """The archive's ledger files lose their write permission (no command changes an archive)."""
    for path in folder.rglob("*.beancount"):
        mode = path.stat().st_mode
        os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
