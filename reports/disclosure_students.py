"""收费公示 (fee disclosure) per student: the class sheets and the families' statements.

`class_sheets`: per class, each payer's figures under the masked name only (no 学号, no full
name; the class notices).  `student_statements`: per student with a 学号, the items paid,
the standard and the share of each spending (for that student's family only; see "Privacy"
in `xiaozhang.reports.disclosure`'s docstring).
"""

from __future__ import annotations

import datetime as dt

from xiaozhang.model.fees import FeeBook
from xiaozhang.reports.disclosure_figures import (UNRECORDED, ClassLine, ClassSheet, Figures,
                                                  ItemSheet, Payer, StatementLine,
                                                  StudentStatement, cached_grade_of_class,
                                                  class_order)
from xiaozhang.roster import Student, mask_name


def _name_of(payer: Payer, roster: dict[str, Student]) -> str:
    if payer.sid is None:
        return UNRECORDED
    known = roster.get(payer.sid)
    return known.name if known and known.name else "（名册中无此学号）"


def class_sheets(sheets: list[ItemSheet], roster: dict[str, Student],
                 only: str | None) -> list[ClassSheet]:
    by_class: dict[str, dict[str, dict[str, Payer]]] = {}
    for sheet in sheets:
        for payer in sheet.payers.values():
            if only and payer.class_name != only:
                continue
            by_class.setdefault(payer.class_name, {}).setdefault(payer.key, {})[sheet.name] = payer
    result = []
    for class_name in sorted(by_class, key=class_order):
        students = by_class[class_name]
        lines = []
        for number, key in enumerate(sorted(students), start=1):
            figures = students[key]
            any_payer = next(iter(figures.values()))
            name = _name_of(any_payer, roster)
            masked = name if any_payer.sid is None or name.startswith("（") else mask_name(name)
            lines.append(ClassLine(number, masked, {k: Figures.of(v) for k, v in figures.items()}))
        names = tuple(s.name for s in sheets if any(s.name in line.items for line in lines))
        grade = cached_grade_of_class(class_name) or ""
        result.append(ClassSheet(class_name, grade, names, tuple(lines)))
    return result


def student_statements(sheets: list[ItemSheet], roster: dict[str, Student], only: str | None,
                       as_of: dt.date, book: FeeBook) -> list[StudentStatement]:
    by_student: dict[str, list[StatementLine]] = {}
    for sheet in sheets:
        for payer in sheet.payers.values():
            if payer.sid is None or (only and payer.class_name != only):
                continue
            item, _inside = book.item_for(sheet.name, as_of, payer.class_name, payer.grade)
            shared = tuple((sheet.spendings[i], share) for i, share in sorted(payer.shares.items()))
            by_student.setdefault(payer.sid, []).append(
                StatementLine(sheet, payer, item.standard if item else None, shared))
    result = []
    for sid in sorted(by_student, key=lambda s: (class_order(by_student[s][0].payer.class_name), s)):
        lines = by_student[sid]
        first = lines[0].payer
        result.append(StudentStatement(sid, _name_of(first, roster), first.class_name, tuple(lines)))
    return result
