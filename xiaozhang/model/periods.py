"""Periods of the school's books: months, 学期 (terms) and 学年 (school years).

The only place a month's last day, a period's spelling ("2026-03") or a term's dates and name
are decided; every plugin, report, page and the example generator asks here.

Terms
    A term ends on the date of a `term-end` policy; its name is the policy's value
    (`2026-01-16 custom "policy" "term-end" "2025年秋季学期"`).  A term begins the day after
    the previous term ended (the first term: on the first day of the books), so every day of
    the books — holidays included — belongs to exactly one term.  Without any `term-end`
    policy the terms end on 31 January (秋季学期) and 31 July (春季学期) of every year the books
    span (docs/conventions.md).  After the last configured end the current term is open
    (`end` is None) and named from the calendar (the term that follows: 秋季 after a spring
    term, 春季 after an autumn term).

    A term's calendar dates are kept apart from that range: `begins` is its first day in the
    school calendar (the first teaching day), from a `term-start` policy dated that day
    (`2025-09-01 custom "policy" "term-start" "2025年秋季学期"`) falling after the previous term's
    end and on or before this term's end; without one it is `start`.  `end` is both the last day
    of the range and the term's last day in the calendar.  Documents and pages print a term with
    `Term.title` (name, 学年学期, calendar dates) or `Term.name`; never `start`.

    The calendar's directives are checked once, when the policy is read
    (`xiaozhang.model.policy._Calendar`, PL03): one `term-end` per date and per term, a
    `term-start` after the previous end and before its own; what breaks this is not used, so
    the ends here are in order and distinct.  A rule that judges terms on the 评判日期 asks
    `judged_terms` (the terms continued to that day, so a term that ended after the books stop
    is over); `calendar_stops` tells when the books ran on far past the last `term-end`.

    A term's id is its 学年 and number, `2025-2026-1` (第一学期, the autumn term) or
    `2025-2026-2` (第二学期, the spring term), from its end date: a term ending in September to
    March is the first term of the school year that began that autumn.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
ONE_DAY = dt.timedelta(days=1)


# -- months ------------------------------------------------------------------------------------
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of the month of `day`."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_index(day: dt.date) -> int:
    """Months since year 0: consecutive months have consecutive indexes."""
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> dt.date:
    """The first day of the month with that index."""
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after the month of `day`."""
    return month_of_index(month_index(day) + 1)


def date_label(day: dt.date) -> str:
    """A day as documents print it in Chinese: `2026年1月8日` (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


class Month(NamedTuple):
    """A calendar month, e.g. `Month(2026, 3)`, spelt "2026-03"."""

    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text) -> "Month | None":
        """`Month(2025, 12)` for "2025-12" (or "2025-9"); None when it is not a month."""
        match = _MONTH.match(str(text))
        if not match or not 1 <= int(match.group(2)) <= 12:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def text(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return self.text

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)


def months_between(first: dt.date, last: dt.date) -> tuple[Month, ...]:
    """The months from the month of `first` to the month of `last`, in order."""
    months, month = [], Month.of(first)
    while month.first <= last:
        months.append(month)
        month = month.shift(1)
    return tuple(months)


def parse_month(text) -> Month | None:
    """The month spelt "YYYY-MM" (None when malformed): the one parser of `--period`,
    `custom "disclosure"` months and every other month written by a person."""
    return Month.parse(text)


# -- terms -------------------------------------------------------------------------------------
def term_id(end: dt.date) -> str:
    """`2025-2026-1` for a term ending between September and March, else `2024-2025-2`."""
    if end.month >= 9 or end.month <= 3:
        year = end.year if end.month >= 9 else end.year - 1
        return f"{year}-{year + 1}-1"
    return f"{end.year - 1}-{end.year}-2"


def next_term_id(current: str) -> str:
    first, second, number = current.split("-")
    if number == "1":
        return f"{first}-{second}-2"
    return f"{second}-{int(second) + 1}-1"


def calendar_name(ident: str) -> str:
    """The calendar name of a term id: `2025年秋季学期` for 2025-2026-1, `2026年春季学期` for 2025-2026-2."""
    first, second, number = ident.split("-")
    return f"{first}年秋季学期" if number == "1" else f"{second}年春季学期"


def school_year_label(ident: str) -> str:
    """`2025-2026学年第一学期` for 2025-2026-1."""
    first, second, number = ident.split("-")
    return f"{first}-{second}学年第{'一' if number == '1' else '二'}学期"


@dataclass(frozen=True)
class Term:
    """One 学期: the postings from `start` to `end` (both included; `end` None while it runs)
    belong to it; in the school calendar it runs from `begins` to `end`."""

    id: str  # "2025-2026-1"
    name: str  # "2025年秋季学期": the term-end (or term-start) policy's name, else the calendar's
    start: dt.date  # first day of the range of postings (the day after the previous end)
    end: dt.date | None
    settle_until: dt.date | None = None  # end + settle-days: 代收费 settled by then
    begins: dt.date | None = None  # first day in the school calendar (None given: `start`)

    def __post_init__(self):
        if self.begins is None:
            object.__setattr__(self, "begins", self.start)

    @property
    def label(self) -> str:
        """`2025-2026学年第一学期`: the school year and number."""
        return school_year_label(self.id)

    @property
    def dates(self) -> str:
        """`2025-09-01 至 2026-01-16` (the calendar dates), or `2026-09-01 起` while it runs."""
        return f"{self.begins} 至 {self.end}" if self.end else f"{self.begins} 起"

    @property
    def title(self) -> str:
        """How every document and page prints the term:
        `2025年秋季学期（2025-2026学年第一学期，2025-09-01 至 2026-01-16）`."""
        return f"{self.name}（{self.label}，{self.dates}）"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def ended_by(self, day: dt.date | None) -> bool:
        return self.end is not None and day is not None and self.end <= day


def default_term_ends(first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """31 January and 31 July of every year from `first` to `last` (no term-end policy)."""
    ends = []
    for year in range(first.year, last.year + 1):
        ends += [(dt.date(year, 1, 31), f"{year - 1}年秋季学期"),
                 (dt.date(year, 7, 31), f"{year}年春季学期")]
    return ends


def term_ends(policy, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """(end, name) of every term end: the `term-end` policies, or the default calendar."""
    if policy.term_ends:
        return sorted(policy.term_ends)
    return default_term_ends(first, last)


def term_starts(policy) -> list[tuple[dt.date, str]]:
    """(first day, name) of every `term-start` policy, in date order."""
    return list(policy.values.get("term-start", ()))


def _calendar_start(starts: list[tuple[dt.date, str]], after: dt.date | None,
                    end: dt.date | None) -> tuple[dt.date, str] | None:
    """The last `term-start` dated after `after` (the previous term's end; None: no bound) and on
    or before `end` (None: no bound)."""
    found = None
    for day, name in starts:
        if (after is None or day > after) and (end is None or day <= end):
            found = (day, name)
    return found


def terms(policy, first: dt.date | None, last: dt.date | None) -> list[Term]:
    """The terms covering the books from `first` to `last`, in order (see the module docstring).

    The first term starts on `first`; the last one is open when `last` is after the last end.
    Each term's calendar start (`begins`) is its `term-start` policy, else its `start`."""
    if first is None or last is None:
        return []
    found: list[Term] = []
    starts = term_starts(policy)
    start, previous_end = first, None
    for end, name in term_ends(policy, first, last):
        if end < first:
            previous_end = end
            continue
        calendar = _calendar_start(starts, previous_end, end)
        ident = term_id(end)
        settle = end + dt.timedelta(days=policy.get("settle-days", end))
        found.append(Term(ident, name or (calendar and calendar[1]) or calendar_name(ident), start, end,
                          settle, calendar[0] if calendar else None))
        start, previous_end = end + ONE_DAY, end
        if start > last:
            break
    if not found or found[-1].end < last:
        ident = next_term_id(found[-1].id) if found else term_id(last)
        calendar = _calendar_start(starts, previous_end, None)
        found.append(Term(ident, (calendar and calendar[1]) or calendar_name(ident), start, None, None,
                          calendar[0] if calendar else None))
    return found


def judged_terms(policy, first: dt.date | None, last: dt.date | None,
                 as_of: dt.date) -> list[Term]:
    """The terms a rule judges on the 评判日期 `as_of` (`xiaozhang.model.asof`): the terms of the
    books from `first` to `last`, continued to `as_of` when it is later, so that a term which
    ended by then has its end (and is judged) although nothing was booked after `last`; a term
    still running on `as_of` stays open."""
    if first is None or last is None or as_of <= last:
        return terms(policy, first, last)
    return terms(policy, first, as_of)


# A term's range runs from the day after the previous term's end (holidays included): an
# autumn term from early July to mid-January is about 200 days.  An open term holding data
# longer than this has missed its `term-end`.
LONGEST_TERM_DAYS = 240


def calendar_stops(policy, last: dt.date | None) -> dt.date | None:
    """The last `term-end` when the books (up to `last`) run on more than `LONGEST_TERM_DAYS`
    after it: the calendar was not continued, so the open term after it never ends and no
    term-end check (代收费 settlement, the canteen's term surplus) ever runs.  None without
    `term-end` policies (the default calendar ends every term)."""
    if not policy.term_ends or last is None:
        return None
    last_end = max(day for day, _name in policy.term_ends)
    return last_end if (last - last_end).days > LONGEST_TERM_DAYS else None


def term_of(all_terms: list[Term], day: dt.date) -> Term | None:
    """The term containing `day` (None before the books begin)."""
    for term in all_terms:
        if term.contains(day):
            return term
    return None


# -- school years --------------------------------------------------------------------------------
SCHOOL_YEAR_FIRST_MONTH = 9  # a 学年 runs from 1 September to 31 August


@dataclass(frozen=True, order=True)
class SchoolYear:
    """One 学年, named by the year it starts in: `SchoolYear(2025)` is 2025-09-01 .. 2026-08-31,
    written 2025-2026学年 (the calendar year of the pages and reports; a term's 学年 is the same)."""

    year: int

    @classmethod
    def of(cls, day: dt.date) -> "SchoolYear":
        """The school year containing `day`."""
        return cls(day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1)

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, SCHOOL_YEAR_FIRST_MONTH, 1)

    @property
    def last(self) -> dt.date:
        return dt.date(self.year + 1, SCHOOL_YEAR_FIRST_MONTH, 1) - ONE_DAY

    @property
    def label(self) -> str:
        """`2025-2026学年`."""
        return f"{self.year}-{self.year + 1}学年"

    @property
    def months(self) -> tuple[Month, ...]:
        """Its twelve months, September first."""
        first = Month.of(self.first)
        return tuple(first.shift(offset) for offset in range(12))

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last
