"""The canteen's tally of a period (食堂收支) and the surplus cap, in the school model.

The records the canteen's book (`xiaozhang.model.canteen`, `CanteenBook.tally`, `.month`,
`.terms`) gives to the rules (plugins/canteen.py), the reports and the Fava page 食堂, and the
one test of the surplus cap (`over_cap`).

The tally of a period (a month, a term, any days)
    income       the credits to the canteen's income accounts (meal and other income), positive
    meal income  the part of it from meals (伙食费)
    food cost    the canteen's expense accounts named 食材 (food issued from the stores and
                 stocktake differences; buying into the stores is no cost)
    other cost   the other canteen expense accounts (燃料水电, 人工, 其他)
    surplus      income − food cost − other cost
    surplus rate surplus ÷ income, a fraction (0.05 is 5%); None without income
    Only postings in the ledger's operating currency count.  Months are calendar months; terms
    are the books' terms (`xiaozhang.model.periods.terms`: the `term-end` policies, else 31
    January and 31 July), continued to the 评判日期 (`periods.judged_terms`).  A month is over
    when its last day is on or before the 评判日期 (`books.as_of`); a term has ended when its
    end is — whether or not the books reach that day.

The surplus cap (`over_cap`)
    `canteen-surplus-cap` is a percent (8 is 8%), `canteen-surplus-mode` "school" or
    "kindergarten", both as in force on the period's last day.  "school": a month's or a
    term's surplus rate may not exceed the cap; "kindergarten": a term's surplus or loss rate
    (its absolute value) may not exceed the cap, months are not held to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from xiaozhang.model.money import HUNDRED
from xiaozhang.model.periods import Term


@dataclass(frozen=True)
class Tally:
    """What the canteen earned and spent from `first` to `last` (see the module docstring)."""

    first: dt.date
    last: dt.date
    sums: dict[str, Decimal]  # canteen account -> sum of its postings (signed as in the ledger)
    income: Decimal
    meal_income: Decimal
    food_cost: Decimal
    other_cost: Decimal
    meals_students: int  # the `records` of the meal-income entries (就餐人次)
    meals_staff: int
    days_served: int  # days with meal income
    unknown_meals_entries: int  # meal-income entries without `records`
    last_income: Any  # the period's last transaction posting to canteen income (where a rule reports)

    @property
    def cost(self) -> Decimal:
        return self.food_cost + self.other_cost

    @property
    def surplus(self) -> Decimal:
        return self.income - self.cost

    @property
    def rate(self) -> Decimal | None:
        """The surplus rate, a fraction (0.05 is 5%); None without income."""
        return self.surplus / self.income if self.income else None

    @property
    def food_cost_ratio(self) -> Decimal | None:
        """Food cost ÷ meal income (食材成本率), a fraction; None without meal income."""
        return self.food_cost / self.meal_income if self.meal_income else None


class SurplusCap(NamedTuple):
    """The surplus cap in force on a day: `canteen-surplus-cap` (a percent) and its mode."""

    percent: Decimal
    mode: str  # "school" | "kindergarten"


def over_cap(rate: Decimal | None, cap: SurplusCap, *, per_term: bool) -> bool:
    """Whether a surplus rate (a fraction) breaks the cap: the one test of rules CT03/CT04 and
    of the pages ("school": above the cap, months and terms; "kindergarten": its absolute
    value above the cap, terms only)."""
    if rate is None:
        return False
    limit = cap.percent / HUNDRED
    if cap.mode == "kindergarten":
        return per_term and abs(rate) > limit
    return rate > limit


@dataclass(frozen=True)
class PeriodTally:
    """A month or a term: its tally, whether it is over, and whether it broke the cap."""

    name: str  # "2025年10月" or the term's name
    tally: Tally
    closed: bool  # the month is over / the term has ended by the 评判日期
    cap: SurplusCap  # as in force on the period's last day
    over_cap: bool  # closed and over the cap (`over_cap`)
    term: Term | None = None  # the term (None for a month)
