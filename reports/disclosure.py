"""收费公示 (fee disclosure) and 代收费结算 (settlement): per item, per class, per student.

The figures only, from the school model (`SchoolBooks.of(entries)`: its terms and its fee
book, `xiaozhang.model.fees`) and the student roster; what is printed and written is
`xiaozhang.reports.disclosure_documents`.

Here: the month's `build`, which puts the parts together, and what the 收费公示 page asks
(the status, the months, the default month, the roster, where the record goes).  The parts:
the figures' types (`xiaozhang.reports.disclosure_figures`), the term and its fee postings
(`.disclosure_terms`), the collection and the allocation (`.disclosure_allocation`), the
class sheets and the families' statements (`.disclosure_students`); their names are also
importable from here.

Definitions
-----------
Fee items
    The `custom "fee"` definitions (`xiaozhang.model.fees`). An item is reported under its
    name; its standards are those in force on the last day of the period, one per scope.

Terms (学期)
    The books' terms (`xiaozhang.model.periods.terms`, `SchoolBooks.terms`): ends from the
    `term-end` policies, else 31 January and 31 July; the first term from the first day of the
    books; after the last end an open term runs on (the current term).  These ranges decide which
    term a posting belongs to; what the documents and pages print is the term's calendar name and
    dates (`Term.name`, `Term.title`: the `term-start` policy's first day, not the range's).

Which term a fee posting belongs to
    `FeeBook.term_of_posting`: its `term` metadata ("2025-2026-1") when present; else a debit dated
    within `settle-days` after a term's end belongs to that term (the settlement); else the
    term containing it.

Period
    A calendar month ("2025-12"). Figures are for the month (本月) and for the term up to the
    month's last day (本学期累计). Default term: the one containing the month's last day, or
    the previous one when that has no fee posting up to then (January: the autumn term).

Collections, spending, refunds
    The fee postings of the model's classifier (`xiaozhang.model.fees`): collections are the
    credits to the item's account; spending is, for 代收费, the debits to the item's account that
    are not refunds (payments to the provider), for 行政事业性收费 the same (上缴财政), for
    服务性收费 the expense postings tagged with the item (`item`); refunds are the debits that
    `is_refund` recognises and every debit to a 服务性 item's income account.

Payers
    Each collection with a `student` (学号) belongs to that student; one with `students: N` and
    no 学号 stands for N students of its class whose names are not recorded (未登记学号). A
    payer is a student who paid more than zero in the term. The payer's class and grade are
    those of their collections (`class`, `grade`), else the roster's.

Allocation (分摊; 代收费 and items with a settlement policy only)
    Each spending posting is shared equally by the payers in its scope: the payers of the
    `student`, `class` or `grade` written on the posting, else on the entry, else all payers of
    the item. Shares are in fen and equal within a posting: the posting divided by the number
    of payers, rounded up to the fen (`share_of`). The fen rounded up (尾差, fewer fen than
    payers) are not refunded: they stay on the item's account (`rounding`) and the notice says
    so. Every payer of a scope therefore has the same share, and a class refund booked at the
    notice's per-student amount never refunds more than the balance. (Until 2026-12 the fen
    left over went to the first payers by 学号: their refunds were a fen smaller than the
    others', and a class refund at the larger amount refunded more than the balance.) A
    posting with nobody in its scope is `unallocated`.

Settlement (结算) per student
    settlement = paid - share. Positive: refund (退). Negative: a top-up (补) under 多退少补, or
    waived (不补) under 多退少不补. By construction the settlements add up to
    collected - spent + unallocated - rounding, i.e. to the item's balance (结余) less the 尾差
    when every spending is allocated. `refunded` is what the ledger already shows refunded to the student: a refund
    with `student`; one with `refund_each` gives that amount to each payer of its class; other
    refunds are shared like spending. `outstanding` = settlement - refunded (still to refund;
    negative: refunded more than the settlement, 多退, pointed out in the item's notes).

Disclosure status (the 收费公示 page)
    `status(entries)`: the model's `FeeBook.status` (the same as rule FE05), latest month first.
    Under Fava's time filter the page passes its first and last day (`period`): the status
    rows, the months offered and the default month are those overlapping it, read from the
    model of all entries (a disclosure record is dated after its month, and the policy before).

Privacy
    A `ClassSheet` holds neither 学号 nor full names: only the masked name (`mask_name`) and
    the figures of each student. `ItemSheet.payers` is keyed by 学号 for the computation;
    the public documents print only its totals. Only `StudentStatement` names the student,
    for that student's family.

Example::

    loaded = xiaozhang.io.load(xiaozhang.io.DEFAULT_LEDGER)  # no cache, one meaning of warnings
    entries, options_map = loaded.entries, loaded.options_map
    roster = read_roster("ledger/students.csv")
    report = build(entries, options_map, roster, "2026-01")
    for item in report.items:
        print(item.name, item.collected, item.spent, item.balance)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from beancount.core import data

from xiaozhang import layout
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.fees import DueDisclosure, FeeItem, FeePosting, record_month
from xiaozhang.model.periods import Month, Term
from xiaozhang.reports.disclosure_allocation import Collector
from xiaozhang.reports.disclosure_figures import Disclosure, DisclosureError, ItemSheet, Standard
from xiaozhang.reports.disclosure_students import class_sheets, student_statements
from xiaozhang.reports.disclosure_terms import choose_term, term_fees
from xiaozhang.roster import RosterError, Student, read_roster, roster_for

# Re-exported: the documents, the page, the CLI, the published site and the tests import the
# figures' types and helpers from here, as before the split.
from xiaozhang.reports.disclosure_allocation import share_of  # noqa: F401,E402
from xiaozhang.reports.disclosure_figures import (  # noqa: F401,E402
    UNRECORDED, ClassLine, ClassSheet, Figures, Payer, Refund, Spending, StatementLine,
    StudentStatement, class_order, grade_order)


def _sheet(name: str, definitions: Sequence[FeeItem]) -> ItemSheet:
    first = definitions[0]
    standards = tuple(Standard(d.scope.text, d.standard) for d in definitions)
    return ItemSheet(name, first.kind, first.kind_label, standards, first.unit, first.basis,
                     first.voluntary, first.settlement, first.account, first.provider, first.note)


def build(entries: Sequence[data.Directive], options_map: dict, roster: dict[str, Student],
          period: str, *, term: str | None = None, class_name: str | None = None,
          ledger: str = "") -> Disclosure:
    """The disclosure of `period` ("2025-12"); see the module docstring.

    Developer note (speed, 2026-12-07): only the chosen term's fee postings up to the month's
    end are read (`term_fees`, not every posting grouped by term), the per-student statements
    are built when first asked (`Disclosure.statements`: the 收费公示 page never shows them),
    and a class's grade is worked out once per class name (`cached_grade_of_class`, in
    `disclosure_figures`).  On the bench ledger (180,000 transactions,
    `XIAOZHANG_AS_OF=2026-10-31`, month 2026-10, after a reload, `time.process_time`) this
    build went from ≈ 0.28 s (0.09 s grouping by term, 0.19 s the rest) to ≈ 0.12-0.15 s
    (0.03-0.05 s of it `term_fees`); the page's figures are in
    `xiaozhang.reports.fava_ext.disclosure`.  A caller that builds many months (the published
    site) may group the postings first (`books.fees.by_term`): `term_fees` then cuts the
    grouped list."""
    month = record_month(period)  # spelt as on the disclosure record it leads to
    if month is None:
        raise DisclosureError(f"期间 {period!r} 的格式应为 年-月，如 2025-12")
    as_of = month.last
    books = SchoolBooks.of(entries, options_map)
    if not books.transactions:
        raise DisclosureError("账本中还没有交易")
    book = books.fees
    read: dict[str, list[FeePosting]] = {}  # term id -> its fee postings up to `as_of`

    def fees_of(chosen: Term) -> list[FeePosting]:
        if chosen.id not in read:
            read[chosen.id] = term_fees(book, chosen, as_of)
        return read[chosen.id]

    chosen = choose_term(books.terms, as_of, term, lambda current: bool(fees_of(current)))
    items: dict[str, ItemSheet] = {}
    for name in book.names():
        in_force = book.in_force(name, as_of)
        if in_force:
            items[name] = _sheet(name, in_force)
    collector = Collector(items, as_of, month.first, roster)
    collector.run(fees_of(chosen))
    collector.allocate()
    sheets = [s for s in items.values() if s.collected or s.spent or s.refunded]
    profile = books.policy.profile(as_of) or {}
    classes = class_sheets(sheets, roster, class_name)
    return Disclosure(profile, month.year, month.month, chosen, as_of, sheets, classes,
                      class_name, ledger, list(books.terms),
                      lambda: student_statements(sheets, roster, class_name, as_of, book))


# -- the 收费公示 page's inputs ------------------------------------------------------------------
Period = tuple[dt.date, dt.date]  # first and last day, inclusive (Fava's time filter)


def _overlaps(row: DueDisclosure, period: Period | None) -> bool:
    """Does the row's month overlap `period` (None: always)?"""
    if period is None:
        return True
    month = Month(row.year, row.month)
    return month.first <= period[1] and month.last >= period[0]


def status(entries: list, period: Period | None = None) -> list[DueDisclosure]:
    """Every (item, month) with fee postings and its disclosure (`FeeBook.status`, as rule FE05
    sees it), latest month first; only the months overlapping `period` when given."""
    rows = [row for row in SchoolBooks.of(entries).fees.status if _overlaps(row, period)]
    return sorted(rows, key=lambda r: (r.period, r.item), reverse=True)


def periods(entries: list, period: Period | None = None) -> list[str]:
    """The months with fee postings (overlapping `period` when given), latest first."""
    return sorted({row.period for row in status(entries, period)}, reverse=True)


def default_period(entries: list, period: Period | None = None) -> str | None:
    """The latest month with fee postings that is complete by the 评判日期 (`books.as_of`:
    its last day on or before it; else the latest month), among the months overlapping
    `period` when given."""
    months = periods(entries, period)
    as_of = SchoolBooks.of(entries).as_of
    complete = [p for p in months if Month.parse(p).last <= as_of]
    return (complete or months or [None])[0]


def publishing_day(month: str, today: dt.date | None = None) -> dt.date:
    """The day a disclosure of `month` is published: today, but never before the month's last
    day (a record dated before it is refused, FE06)."""
    return max(today or dt.date.today(), Month.parse(month).last)


class RecordPlace(NamedTuple):
    """Where the accountant writes the disclosure record (the month file of its date,
    `xiaozhang.layout.target_file`) and what must be done first."""

    name: str  # `2026/12.beancount` (relative to the main file's folder), or the main file's name
    exists: bool  # the file exists
    included: bool  # the file is one of the ledger's source files
    include: str | None  # the line main must get (`include "2027/*.beancount"`), None if none
    header: str  # a new month file's first line (`; 2026年12月`)


def record_place(main_file: str, includes: list[str], day: dt.date) -> RecordPlace:
    """The file a disclosure record dated `day` goes in (`layout.target_file`), whether it
    exists and is included, and the include line the main file still needs."""
    target = layout.target_file(main_file, includes, day)
    main = layout.source_path(main_file)
    is_included = str(target) in includes
    include = None
    if not is_included and target != main:
        source = main.read_text(encoding="utf-8")
        added = set(layout.with_include(source, target, str(main)).splitlines()) - set(source.splitlines())
        include = next((line for line in added if line.strip()), None)
    return RecordPlace(layout.relative_name(main_file, str(target)), target.exists(), is_included,
                       include, layout.month_header(day).strip())


def school_roster(entries: list, ledger_file: str, path: str | None = None) -> dict[str, Student]:
    """The student roster: `path`, else the school profile's `roster`, else `students.csv` next
    to the ledger (`xiaozhang.roster.roster_for`). Raises `RosterError`."""
    profiles = SchoolBooks.of(entries).policy.profiles
    return read_roster(path or roster_for(ledger_file, profiles[-1][1] if profiles else None))


def roster_or_problem(entries: list, ledger_file: str) -> tuple[dict[str, Student], str | None]:
    """`school_roster`, or an empty roster and the problem (for the page)."""
    try:
        return school_roster(entries, ledger_file), None
    except RosterError as error:
        return {}, str(error)
