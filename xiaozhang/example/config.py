"""What the example school's books cover: its size, its years, its seed, the last day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

END = dt.date(2026, 10, 31)  # the last day of the books: the current term so far
FIRST_SCHOOL_YEAR = 2025  # the default ledger starts with school year 2025-2026


@dataclass(frozen=True)
class ExampleConfig:
    students: int = 1200
    years: int = 1
    seed: int = 2025

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
