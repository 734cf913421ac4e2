"""The ledger of one class, generated for its 班主任: no other class's student data.

Fava's filters are not access control (fava #293): a class teacher is served a separate
ledger, written by `write_class_ledger` into a private folder of the `serve` process and
loaded as its own Fava app (read-only). What it holds:

- the accounts (Open/Close/Commodity) and the fee-related custom directives (`fee`, `policy`,
  `school`, `disclosure`, `as-of`): no student data;
- the fee transactions of the school model (`SchoolBooks.fees.postings`), so that the totals
  and the per-student shares (which depend on how many pupils of the whole school paid) are the
  school's own figures:
  * a transaction naming only students of the class (or none of another class) is kept as it is;
  * one naming a student of another class is kept as figures only: its narration and payee are
    replaced, its metadata reduced to `class`, `grade`, `term`, `item`, `students`,
    `refund_each`, and each other student's 学号 replaced by a pseudonym (`其他学生0001`) that
    carries no name and no 学号;
- the roster of the class only (`students.csv` next to the generated main file).

Nothing else (salaries, canteen, assets, bank statements, documents) is in it. The test
(tests/serving/test_classbook.py) scans every generated file for every other student's name
and 学号.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from beancount.core import data
from beancount.parser import printer

from xiaozhang.io import MAIN_FILE, write_atomic
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.money import ledger_currency
from xiaozhang.roster import ROSTER_FILE, Student, roster_for

KEPT_CUSTOMS = {"fee", "policy", "school", "disclosure", "as-of"}
FIGURE_META = ("class", "grade", "term", "item", "students", "refund_each")
OTHERS = "（其他班级的收费记录）"
PSEUDONYM = "其他学生{:04d}"


def _refs(txn: data.Transaction) -> set[str]:
    found = set()
    for meta in [txn.meta, *(p.meta for p in txn.postings)]:
        if meta and meta.get("student"):
            found.add(str(meta["student"]))
    return found


class _Scrubber:
    def __init__(self, own: set[str], roster: dict[str, Student]):
        self.own, self.roster = own, roster
        self.pseudonyms: dict[str, str] = {}

    def sid(self, sid: str) -> str:
        if sid in self.own:
            return sid
        if sid not in self.pseudonyms:
            self.pseudonyms[sid] = PSEUDONYM.format(len(self.pseudonyms) + 1)
        return self.pseudonyms[sid]

    def meta(self, meta: dict | None, *, entry: bool) -> dict:
        kept = {k: meta[k] for k in FIGURE_META if meta and k in meta}
        sid = (meta or {}).get("student")
        if sid:
            sid = str(sid)
            kept["student"] = self.sid(sid)
            known = self.roster.get(sid)
            if known and "class" not in kept and known.class_name:
                kept["class"] = known.class_name  # the class decides the payer's row, not the name
        if entry:
            kept.update(filename="<class>", lineno=0)
        return kept

    def transaction(self, txn: data.Transaction) -> data.Transaction:
        postings = [p._replace(meta=self.meta(p.meta, entry=False) or None) for p in txn.postings]
        return txn._replace(meta=self.meta(txn.meta, entry=True), payee=None, narration=OTHERS,
                            links=frozenset(), postings=postings)


def _written_at(txn: data.Transaction) -> tuple:
    meta = txn.meta
    return meta.get("filename"), meta.get("lineno"), txn.date


def class_entries(entries: list, options_map: dict, class_name: str,
                  roster: dict[str, Student]) -> list:
    """The directives of `class_name`'s ledger (see the module docstring)."""
    own = {sid for sid, s in roster.items() if s.class_name == class_name}
    other_sids = set(roster) - own
    words = {s.name for s in roster.values() if s.class_name != class_name and s.name} | other_sids
    others = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))) if words else None
    books = SchoolBooks.of(entries, options_map)
    # by where it was written, not by object: the books' parts may come from the rules' own
    # list (SchoolBooks.twin), in which the budget generator later put linked copies
    fee_txns = {_written_at(fp.txn) for fp in books.fees.postings}
    scrub = _Scrubber(own, roster)
    kept: list = []
    for entry in entries:
        if isinstance(entry, (data.Open, data.Close, data.Commodity)):
            kept.append(entry)
        elif isinstance(entry, data.Custom) and entry.type in KEPT_CUSTOMS:
            kept.append(entry)
        elif isinstance(entry, data.Transaction) and _written_at(entry) in fee_txns:
            refs = _refs(entry)
            text = f"{entry.payee or ''} {entry.narration or ''}"
            if (refs - own) or (others is not None and others.search(text)):
                kept.append(scrub.transaction(entry))
            else:
                kept.append(entry)
    return kept


def _header(title: str, class_name: str, currency: str) -> str:
    return (f'; 由 xiaozhang serve 为{class_name}班主任生成的班级账本（只含本班的收费数据，只读）。\n'
            f'option "title" "{title} {class_name}"\n'
            f'option "operating_currency" "{currency}"\n'
            'option "booking_method" "STRICT"\n'
            '1970-01-01 custom "fava-option" "language" "zh"\n'
            '1970-01-01 custom "fava-option" "locale" "zh_CN"\n'
            '1970-01-01 custom "fava-option" "default-page" "extension/Disclosure/"\n'
            '1970-01-01 custom "fava-extension" "xiaozhang.reports.fava_ext"\n\n')


def write_class_ledger(entries: list, options_map: dict, roster: dict[str, Student],
                       class_name: str, folder: Path) -> Path:
    """Write the class's ledger (`main.beancount`) and roster into `folder`; its main file."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    chosen = class_entries(entries, options_map, class_name, roster)
    text = io.StringIO()
    text.write(_header(options_map.get("title", ""), class_name, ledger_currency(options_map)))
    for entry in data.sorted(chosen):
        text.write(printer.format_entry(entry))
        text.write("\n")
    main = folder / MAIN_FILE
    write_atomic(main, text.getvalue())
    profiles = SchoolBooks.of(entries, options_map).policy.profiles
    roster_path = roster_for(main, profiles[-1][1] if profiles else None)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(["学号", "姓名", "年级", "班级"])
    for student in roster.values():
        if student.class_name == class_name:
            writer.writerow([student.sid, student.name, student.grade, student.class_name])
    write_atomic(roster_path, rows.getvalue())
    if roster_path.name != ROSTER_FILE:
        write_atomic(folder / ROSTER_FILE, rows.getvalue())
    return main


def classes_of(roster: dict[str, Student]) -> list[str]:
    return sorted({s.class_name for s in roster.values() if s.class_name})
