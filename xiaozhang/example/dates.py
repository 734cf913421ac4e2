"""The example school's calendar: its teaching terms, holidays, school days and school years.

The one place that decides which dates the example school's calendar has: a term's teaching
starts on the first weekday on or after 1 September (秋季学期) or 24 February (春季学期) and
ends on the first weekday on or after 16 January or 3 July.  The generator writes each start as
a `term-start` policy and each end as a `term-end` policy; what a term *is* — its id, its name,
`Term` — is the model's (`xiaozhang.model.periods`).  Here a `Term`'s `start` and `begins` are
both its first teaching day (in the books the model's terms begin the day after the previous
term ended, and `begins` is the day of the `term-start` policy written from here).
"""

from __future__ import annotations

import datetime as dt

from xiaozhang.model.periods import SchoolYear, Term, calendar_name, next_month, term_id

# (month, day) of the earliest start and end of each term, autumn then spring
AUTUMN_START, AUTUMN_END = (9, 1), (1, 16)
SPRING_START, SPRING_END = (2, 24), (7, 3)
# holidays inside the terms (month, first day, last day): 元旦, 清明, 劳动节, 国庆
HOLIDAYS = ((1, 1, 1), (4, 4, 6), (5, 1, 5), (10, 1, 7))


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def is_holiday(day: dt.date) -> bool:
    """A public holiday inside a term (the canteen is closed)."""
    return any(day.month == month and first <= day.day <= last for month, first, last in HOLIDAYS)


def school_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """The weekdays from `first` to `last`, both included."""
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_days(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    return [first + dt.timedelta(days=n) for n in range((next_month(first) - first).days)]


def teaching_term(start: dt.date, end: dt.date) -> Term:
    """The term taught from `start` to `end`, with the model's id and calendar name."""
    ident = term_id(end)
    return Term(ident, calendar_name(ident), start, end, begins=start)


def teaching_terms(school_year: int) -> tuple[Term, Term]:
    """The autumn and the spring term of the school year that begins in `school_year`."""
    autumn = teaching_term(weekday_on_or_after(dt.date(school_year, *AUTUMN_START)),
                           weekday_on_or_after(dt.date(school_year + 1, *AUTUMN_END)))
    spring = teaching_term(weekday_on_or_after(dt.date(school_year + 1, *SPRING_START)),
                           weekday_on_or_after(dt.date(school_year + 1, *SPRING_END)))
    return autumn, spring


def is_autumn(term: Term) -> bool:
    """An autumn term (第一学期): its teaching starts in September."""
    return term.start.month >= AUTUMN_START[0]


def school_year_of(term: Term) -> int:
    """The year its school year begins (2025 for both terms of 2025-2026)."""
    return SchoolYear.of(term.start).year
