"""One school's figures for the bureau, read from the school model (never recomputed here).

`extract(folder)` loads `folder/main.beancount` with `xiaozhang.io.load` (all the rules run,
as `xiaozhang check` runs them) and reads the figures the school's own pages show:

    postings      every posting of every transaction (generated ones included, e.g. the month-end
                  depreciation): date, account, its class (Assets, Liabilities, Equity, Income,
                  Expenses: the first component), amount and currency, as Beancount holds them
                  (a credit is negative)
    sums          the postings summed per account, currency and month (`month` is its first
                  day), with their number: the consolidated totals read these (a few thousand
                  rows a school instead of every posting), the same sums to the fen
    problems      the load's problems (`reports.compliance.problem_of`: code, message, file, line,
                  warning or error)
    budgets       the 预算控制 lines of the compliance page (`reports.compliance.budget_rows`, on
                  the end of the data)
    remittances   what is still in 2103 应缴财政款, receipt by receipt, with its deadline and
                  whether it is overdue on the 评判日期 (`reports.compliance.treasury_aging`)
    fee_items     the `custom "fee"` definitions (`books.fees.definitions`: every version, by name)
    disclosures   each fee item's month with fee postings and its 收费公示 state
                  (`books.fees.status`, rule FE05)
    canteen       the canteen's tally per term (`books.canteen.terms`): income, cost, surplus,
                  surplus rate, over the cap or not; no rows for a school without a canteen
                  (no posting to a canteen account: the bureau shows it as 无食堂)
    assets        the asset register against the ledger at the end of the data
                  (`reports.assets.reconcile`: cards' cost and depreciation, 1601 and 1602)
    statements    the school's 资产负债表, 收入费用表 and 预算收入支出表, line by line, built by the
                  statements' own functions (`forms.py`: which periods, which columns)
    school        one row: name, transactions, errors, warnings, end of the data, 评判日期

Each table is a list of dicts (one per row, with the school's id in `school`); `tables.py`
gives their column types.  The files of the ledger (`options_map["include"]`: main.beancount
and every included file) are returned with the tables, for the store's content digest.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from beancount.core import data

from xiaozhang.io import MAIN_FILE, load
from xiaozhang.model.asof import LEDGER
from xiaozhang.model.books import SchoolBooks

MAIN = MAIN_FILE  # each school: a folder with its main file
RATE = Decimal("0.0001")


def extract(folder: str | os.PathLike, school: str | None = None) -> dict:
    """The school's tables (see the module docstring) and `files` (its ledger files)."""
    from xiaozhang.reports import compliance
    from xiaozhang.reports.assets import reconcile, school_name
    from xiaozhang.reports.district import forms

    folder = Path(folder)
    school = school or folder.name
    loaded = load(folder / MAIN)
    entries, options_map = loaded.entries, loaded.options_map
    books = SchoolBooks.of(entries, options_map)
    judged = books.as_of_source
    last = books.last_date or judged.date
    tables: dict[str, list[dict]] = {}

    postings = tables["postings"] = []
    for entry in entries:
        if type(entry) is not data.Transaction:
            continue
        for posting in entry.postings:
            postings.append({"school": school, "date": entry.date, "account": posting.account,
                             "class": posting.account.split(":", 1)[0],
                             "amount": posting.units.number, "currency": posting.units.currency})

    tables["sums"] = month_sums(postings)

    problems = [compliance.problem_of(error) for error in loaded.problems]
    tables["problems"] = [{"school": school, "code": p.code, "message": p.message,
                           "file": _relative(p.filename, folder), "line": p.lineno,
                           "date": p.date, "warning": p.warning} for p in problems]

    tables["budgets"] = [{"school": school, "account": row.account, "period": row.period,
                          "first": row.first, "last": row.last, "budget": row.budget,
                          "actual": row.actual, "used": row.used, "state": row.state}
                         for row in compliance.budget_rows(books, last)]

    tables["remittances"] = [{"school": school, "account": account.account, "item": account.item,
                              "received": lot.received, "amount": lot.amount,
                              "deadline": lot.deadline, "days_held": lot.days_held,
                              "overdue": lot.overdue, "file": _relative(lot.filename, folder),
                              "line": lot.lineno}
                             for account in compliance.treasury_aging(books, judged.date)
                             for lot in account.lots]

    fees = books.fees
    tables["fee_items"] = [{"school": school, "name": item.name, "kind": item.kind_label,
                            "standard": item.standard, "unit": item.unit, "account": item.account,
                            "scope": item.scope.text, "since": item.since}
                           for versions in fees.definitions.values() for item in versions]
    tables["disclosures"] = [{"school": school, "item": due.item, "month": due.period,
                              "due": due.due, "published": due.published, "state": due.state,
                              "failing": due.failing, "overdue": due.overdue}
                             for due in fees.status]

    tables["canteen"] = [{"school": school, "term": period.name, "first": period.tally.first,
                          "last": period.tally.last, "income": period.tally.income,
                          "cost": period.tally.cost, "surplus": period.tally.surplus,
                          "rate": _rate(period.tally.rate), "closed": period.closed,
                          "over_cap": period.over_cap}
                         for period in books.canteen.terms] if books.canteen.days else []

    tables["statements"] = forms.lines(entries, options_map, books, school)

    check = reconcile(books, last)
    tables["assets"] = [{"school": school, "day": check.day, "cards_cost": check.cards_cost,
                         "ledger_cost": check.ledger_cost,
                         "cards_depreciation": check.cards_depreciation,
                         "ledger_depreciation": check.ledger_depreciation, "ok": check.ok}]

    tables["school"] = [{"school": school, "name": school_name(books, last) or school,
                         "transactions": len(books.transactions),
                         "errors": len(loaded.errors), "warnings": len(loaded.warnings),
                         "first_date": books.first_date, "last_date": books.last_date,
                         "judged": judged.date, "judged_source": judged.label,
                         "loaded_at": dt.datetime.now().replace(microsecond=0)}]
    return {"school": school, "tables": tables, "files": ledger_files(options_map, folder),
            "pinned": judged.source == LEDGER}


def month_sums(postings: list[dict]) -> list[dict]:
    """The `sums` table of the postings' rows (module docstring): exact Decimal sums."""
    found: dict[tuple, list] = {}
    for row in postings:
        key = (row["date"].replace(day=1), row["account"], row["currency"])
        total = found.get(key)
        if total is None:
            found[key] = [row["school"], row["class"], row["amount"], 1]
        else:
            total[2] += row["amount"]
            total[3] += 1
    return [{"school": school, "month": month, "account": account, "class": account_class,
             "amount": amount, "currency": currency, "postings": count}
            for (month, account, currency), (school, account_class, amount, count) in sorted(found.items())]


def ledger_files(options_map: dict, folder: Path) -> list[str]:
    """The files the load read (`include`: main.beancount first, then every included file)."""
    return [_relative(name, folder) for name in options_map.get("include") or ()]


def _relative(filename: str, folder: Path) -> str:
    """A file name relative to the school's folder when it is inside it."""
    if not filename:
        return ""
    try:
        return str(Path(filename).resolve().relative_to(folder.resolve()))
    except ValueError:
        return filename


def _rate(rate):
    """A surplus rate kept to 1/10000 (0.0523 is 5.23%), as the canteen page prints it."""
    return None if rate is None else rate.quantize(RATE, rounding=ROUND_HALF_UP)  # as money.percent
