"""月结锁定：已结账月份的分录不得再改动（新增、修改、删除都报告）。

检查内容
    每个已月结的月份（该月最新的月结记录是 `custom "month-close"`，由 `xiaozhang close month`
    写入该月的账本文件），把该月现在的分录与结账时记下的摘要比对：
    - 结账后该月新增了分录、或某笔分录被修改（金额、科目、摘要、日期、经办人等任何字段），
      报告在这笔分录上 [CL02]；
    - 结账后该月有分录被删除，报告在月结记录上 [CL03]；
    - 月结记录本身写错（缺摘要、指纹不完整、重新打开未写经办人或原因），报告在记录上 [CL01]。
    摘要不受分录所在文件、对齐格式、空行和注释、分录先后次序的影响；计提折旧等程序生成的分录、
    余额断言不在摘要内（摘要覆盖哪些分录和字段见 docs/close.md）。

依据
    学校财务制度“帐目日清月结，帐款相符”（DOMAIN.md，制度原文 001）：月末结账后账目即定。
    《政府会计制度》各科目说明以“年末结账后，本科目应无余额”为准，结账后的账不再变动；
    以前年度的差错在本年度通过“以前年度盈余调整”（3501）更正，不改原记录。Beancount 和 Fava
    本身没有期间锁定，已结账的月份能在编辑器里被悄悄改动，所以由本规则把改动查出来。

怎样改已结账月份
    1. 确需在已结账月份补记或改正的，先重新打开：
       xiaozhang close reopen 2026-03 --by 王建国 --reason "补记3月遗漏的电费"
       （写入 `custom "month-reopen"`，记下谁、为什么）；
    2. 改正后再结账：xiaozhang close month 2026-03。
    一般的差错更正不必重新打开：在本月记一笔更正凭证即可。

例
    通过：2026年3月结账后未改动，或已重新打开后改动并再次结账。
    不通过：结账后把 3 月某笔办公费 980.00 改为 890.00 → 在这笔分录上报 [CL02]；
            删掉 3 月的一笔分录 → 在 3 月的月结记录上报 [CL03]。

错误代码
    [CL01] 月结记录格式不对；
    [CL02] 已结账月份的分录被新增或修改；
    [CL03] 已结账月份的分录被删除；
    [CL04] 年末结转分录（year-end 元数据，12 月 31 日）与年结记录（custom "year-close"）不符，
           或 12 月已结账而结转分录没有年结记录。
"""

from __future__ import annotations

from typing import Any, NamedTuple

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.closing import (ClosingBook, by_date, changes, closing_of, covered, digest_of,
                                     entry_strings, month_slice, unchanged_quickly, year_end_entries)

__plugins__ = ("validate_closing",)


class ClosingError(NamedTuple):
    source: dict
    message: str
    entry: Any


def closing_book(books) -> ClosingBook:
    """The closing records of the books (one part of the school model)."""
    return closing_of(books)


def errors_of(book: ClosingBook, entries: list) -> list[ClosingError]:
    errors = [ClosingError(m.entry.meta, f"[CL01] {m.problem}", m.entry) for m in book.malformed]
    locks = book.locks()
    if not locks and not book.years:
        return errors
    ordered = by_date(entries)
    errors += _year_errors(book, ordered)
    for record in sorted(locks, key=lambda r: r.month):
        month_entries = covered(month_slice(ordered, record.month))
        if unchanged_quickly(record, month_entries):
            continue
        removed = 0
        for change in changes(record, month_entries):
            if change.entry is None:
                removed += 1
                continue
            what = "新增" if change.kind == "新增" else "修改"
            errors.append(ClosingError(change.entry.meta, (
                f"[CL02] {record.month.label}已结账（{record.entry.date} 月结），此后本月{what}了这笔分录；"
                f"更正请记入未结账月份，确需改动须先 xiaozhang close reopen {record.month} 并写明原因"),
                change.entry))
        if removed:
            errors.append(ClosingError(record.entry.meta, (
                f"[CL03] {record.month.label}已结账（{record.entry.date} 月结），此后本月删除了 {removed} 笔"
                f"分录；请恢复，确需删除须先 xiaozhang close reopen {record.month} 并写明原因"),
                record.entry))
    return errors


def _year_errors(book: ClosingBook, ordered: list) -> list[ClosingError]:
    """CL04: each year's 结转 entries against its `year-close` record; 结转 entries of a
    closed December without a record."""
    errors = []
    for year, record in sorted(book.years.items()):
        found = year_end_entries(ordered, year)
        if len(found) != record.count or digest_of(entry_strings(found)) != record.digest:
            errors.append(ClosingError(record.entry.meta, (
                f"[CL04] {year}年末结转分录与年结记录不符（记录 {record.count} 笔，现有 {len(found)} 笔，"
                "或金额、科目被改动）；请恢复 xiaozhang close year 生成的结转文件"), record.entry))
    for month in book.closed_months():
        if month.month == 12 and month.year not in book.years:
            for entry in year_end_entries(ordered, month.year):
                errors.append(ClosingError(entry.meta, (
                    f"[CL04] {month.year}年末结转分录没有年结记录（custom \"year-close\"）：请用 "
                    f"xiaozhang close year {month.year} 生成结转文件，不要手写"), entry))
    return errors


def validate_closing(entries, options_map, config=None):
    """CL01–CL03 over the closed months of the books."""
    books = SchoolBooks.of(entries, options_map)
    return entries, errors_of(closing_book(books), entries)
