"""The student roster (学生名册): `students.csv` next to the ledger, kept apart from the books.

Where: `students.csv` next to the main ledger file, or the file named by `roster` in the school
profile (`custom "school"`), relative to the main ledger file's folder.

Columns, found by name (DOMAIN.md §4.3): 学号, 姓名, 年级, 班级 (more columns are ignored).
The file is personal data: student names appear only in per-student statements; every
public notice masks them (`mask_name`) and never shows the 学号.

Encodings as Chinese Excel writes them: UTF-8 with or without BOM, else GB18030.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from xiaozhang.io import TextDecodeError, decode

ROSTER_FILE = "students.csv"
COLUMNS = {"sid": "学号", "name": "姓名", "grade": "年级", "class": "班级"}


class RosterError(Exception):
    """A roster that cannot be read; the message names the file and row, in Chinese."""


@dataclass(frozen=True)
class Student:
    sid: str
    name: str
    grade: str
    class_name: str


def mask_name(name: str) -> str:
    """`张*三` for 张小三, `张*` for 张三, `欧**明` for 欧阳小明: first and last character kept."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _decode(raw: bytes, path: Path) -> str:
    try:
        return decode(raw)  # the one reading of an exported file (xiaozhang.io)
    except TextDecodeError as error:
        raise RosterError(f"{path}: {error}") from error


def read_roster(path: str | Path) -> dict[str, Student]:
    """The roster by 学号; a missing column, a duplicate or empty 学号 is a `RosterError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RosterError(f"{path}: 无法读取学生名册（{error.strerror}）") from error
    rows = list(csv.reader(io.StringIO(_decode(raw, path))))
    if not rows:
        raise RosterError(f"{path}: 学生名册是空文件")
    header = [cell.strip() for cell in rows[0]]
    missing = [label for label in COLUMNS.values() if label not in header]
    if missing:
        raise RosterError(f"{path}:1: 学生名册缺少列：{'、'.join(missing)}（应有 学号,姓名,年级,班级）")
    index = {key: header.index(label) for key, label in COLUMNS.items()}
    students: dict[str, Student] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + [""] * len(header)
        sid = cells[index["sid"]]
        if not sid:
            raise RosterError(f"{path}:{number}: 学号为空")
        if sid in students:
            raise RosterError(f"{path}:{number}: 学号 {sid} 重复")
        students[sid] = Student(sid, cells[index["name"]], cells[index["grade"]], cells[index["class"]])
    return students


def roster_for(ledger: str | Path, profile: dict | None = None) -> Path:
    """The roster of a ledger: the school profile's `roster` (relative to the main ledger
    file's folder), else `students.csv` in that folder."""
    name = (profile or {}).get("roster") or ROSTER_FILE
    return Path(ledger).resolve().parent / name
