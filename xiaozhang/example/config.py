"""What the example school's books cover: its size, its years, its seed, the last day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

END = dt.date(2026, 10, 31)  # the last day of the books: the current term so far
FIRST_SCHOOL_YEAR = 2025  # the default ledger starts with school year 2025-2026
# The banks a school's 基本户 may be kept at (the five whose statements the importers read,
# DOMAIN.md §10): the bank's branch as written on the account's `open`, and the length of
# its account numbers.  "icbc" is the chart's own (xiaozhang.chart: the bundled school).
BANKS = {
    "icbc": ("中国工商银行某某支行", 19),
    "ccb": ("中国建设银行青禾明德支行", 20),
    "abc": ("中国农业银行青禾明德支行", 17),
    "boc": ("中国银行青禾明德支行", 12),
    "rcc": ("青禾农村商业银行明德支行", 19),
}


@dataclass(frozen=True)
class ExampleConfig:
    students: int = 1200
    years: int = 1
    seed: int = 2025
    # -- the district's variety (xiaozhang.example.district): defaults give the bundled school
    name: str = ""  # the school's name (custom "school"); "" is people.SCHOOL's
    canteen: bool = True  # a canteen kept as its own books (食堂独立核算), or none
    bank: str = "icbc"  # the bank of the 基本户: a key of BANKS

    @classmethod
    def make(cls, students=None, years=None, seed=None) -> "ExampleConfig":
        config = cls(
            students=cls.students if students is None else students,
            years=cls.years if years is None else years,
            seed=cls.seed if seed is None else seed,
        )
        if config.students < 60 or config.years < 1:
            raise ValueError("学生人数至少 60，学年数至少 1")
        return config

    def __post_init__(self) -> None:
        if self.bank not in BANKS:
            raise ValueError(f"未知的银行 {self.bank}：可选 {'、'.join(BANKS)}")

    @property
    def start(self) -> dt.date:
        return dt.date(FIRST_SCHOOL_YEAR - self.years + 1, 9, 1)

    @property
    def classes_per_grade(self) -> int:
        return max(1, round(self.students / 6 / 50))

    @property
    def staff(self) -> int:
        """Teachers and staff on the payroll (and at the canteen's staff tables)."""
        return max(8, round(self.students / 17))
