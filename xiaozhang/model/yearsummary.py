"""历年汇总: the year-end summary of an archived year, for the reports that span years.

A working year (`xiaozhang new-year`, docs/close.md) holds one year; the reports that compare
with earlier years (水电费同比, the asset page's depreciation of past years, multi-year figures)
read the archived years' figures from a small file per year instead of loading the archives:

    <ledger folder>/历年汇总/2025.json     written by `new-year 2026` (safe write) into the archive
                                           and the new working year (which keeps the earlier
                                           years' files it copied from the archive)

What a summary holds (amounts in the operating currency, as decimal strings):

    year, school, first_month    the year; the school's name; the first month with an expense
                                 posting in the archive's books (the months before it have no
                                 record: a report shows "no figure", not zero)
    months    {"2025-09": {account: movement}}  the month's postings per account, both sides,
              the year-end 结转 entries left out (they are not the year's business)
    balances  {account: balance}  every account at 31 December, after the 结转
    depreciation {"2025-09": {category: charge}}  the generated depreciation of the month by
              asset category (credits to the category's 1602 account)
    assets    {cards_cost, cards_depreciation}  the asset cards in the books at year end (the
              cards `new-year` carries into the working year), for the register's reconciliation

`summaries_of(books)` reads the files of the loaded ledger's folder once per loaded entries list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from beancount.core import data

from xiaozhang import chart
from xiaozhang.io import write_atomic
from xiaozhang.model.closing import is_year_end
from xiaozhang.model.generated import GENERATED

SUMMARY_FOLDER = "历年汇总"
VERSION = 1
ZERO = Decimal(0)
_CATEGORY_OF = {chart.depreciation_account(name): name for _code, name in chart.ASSET_CATEGORIES
                if name not in ("文物和陈列品", "图书档案")}


@dataclass(frozen=True)
class YearSummary:
    year: int
    school: str
    first_month: str | None
    months: dict[str, dict[str, Decimal]]
    balances: dict[str, Decimal]
    depreciation: dict[str, dict[str, Decimal]]
    cards_cost: Decimal
    cards_depreciation: Decimal

    def recorded(self, month: int) -> bool:
        """Whether the archive's books have a record of `month` of the year (on or after the
        first month with an expense)."""
        return self.first_month is not None and f"{self.year}-{month:02d}" >= self.first_month

    def month_total(self, month: int, root: str) -> Decimal:
        """The movement of `root` and its sub-accounts in `month` of the year."""
        found = self.months.get(f"{self.year}-{month:02d}", {})
        return sum((n for a, n in found.items() if a == root or a.startswith(root + ":")), ZERO)

    def balance(self, prefix: str) -> Decimal:
        """The year-end balance of the accounts starting with `prefix` (a code root such as
        `Assets:1601`, `chart.code_root`)."""
        return sum((n for a, n in self.balances.items() if a.startswith(prefix)), ZERO)


def summarize(entries: list, year: int, currency: str, school: str, cards: tuple[Decimal, Decimal]) -> dict:
    """The summary of `year` from a ledger's entries (see the module docstring), JSON-ready."""
    first_month = None
    months: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    balances: dict[str, Decimal] = defaultdict(Decimal)
    depreciation: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    end = dt.date(year, 12, 31)
    for entry in entries:
        if type(entry) is not data.Transaction or entry.date > end:
            continue
        key = f"{entry.date.year}-{entry.date.month:02d}"
        in_year = entry.date.year == year and not is_year_end(entry)
        charge = entry.meta.get(GENERATED) == "depreciation"
        for posting in entry.postings:
            units = posting.units
            if units is None or units.number is None or units.currency != currency:
                continue
            balances[posting.account] += units.number
            if first_month is None and posting.account.startswith("Expenses:"):
                first_month = key
            if in_year:
                months[key][posting.account] += units.number
                if charge and posting.account in _CATEGORY_OF:
                    depreciation[key][_CATEGORY_OF[posting.account]] -= units.number
    return {
        "version": VERSION, "year": year, "school": school, "currency": currency,
        "first_month": first_month,
        "months": {m: _strings(v) for m, v in sorted(months.items())},
        "balances": _strings(balances),
        "depreciation": {m: _strings(v) for m, v in sorted(depreciation.items())},
        "assets": {"cards_cost": str(cards[0]), "cards_depreciation": str(cards[1])},
    }


def _strings(amounts: dict[str, Decimal]) -> dict[str, str]:
    return {a: str(n) for a, n in sorted(amounts.items()) if n}


def write_summary(folder: Path, summary: dict) -> Path:
    """Write `<folder>/历年汇总/<year>.json` (safe write)."""
    text = json.dumps(summary, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    return write_atomic(Path(folder) / SUMMARY_FOLDER / f"{summary['year']}.json", text)


def read_summary(path: Path) -> YearSummary:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))

    def amounts(found: dict) -> dict[str, Decimal]:
        return {a: Decimal(n) for a, n in found.items()}

    return YearSummary(int(raw["year"]), raw.get("school", ""), raw.get("first_month"),
                       {m: amounts(v) for m, v in raw.get("months", {}).items()},
                       amounts(raw.get("balances", {})),
                       {m: amounts(v) for m, v in raw.get("depreciation", {}).items()},
                       Decimal(raw.get("assets", {}).get("cards_cost", "0")),
                       Decimal(raw.get("assets", {}).get("cards_depreciation", "0")))


def summaries_in(folder: Path) -> dict[int, YearSummary]:
    """The summaries kept in a ledger folder, by year."""
    found = {}
    for path in sorted((Path(folder) / SUMMARY_FOLDER).glob("*.json")):
        if path.stem.isdigit():
            summary = read_summary(path)
            found[summary.year] = summary
    return found


def summaries_of(books) -> dict[int, YearSummary]:
    """The archived years' summaries of the loaded ledger (its main file's folder), read once
    per books; empty for a ledger that keeps all its years."""
    def build(books) -> dict[int, YearSummary]:
        main = (books.options_map or {}).get("filename")
        return summaries_in(Path(main).parent) if main else {}

    return books.part("year-summaries", build)
