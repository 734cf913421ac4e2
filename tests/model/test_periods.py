"""The one term and month model (xiaozhang.model.periods), computed by hand."""

from __future__ import annotations

import datetime as dt

from beancount import loader

from xiaozhang.model.periods import Month, month_end, parse_month, terms
from xiaozhang.model.policy import Policy, read_policy

D = dt.date


def test_month_end_and_parse():
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert month_end(D(2025, 12, 1)) == D(2025, 12, 31)
    assert parse_month("2025-12") == Month(2025, 12) == (2025, 12)
    assert parse_month("2025-9").text == "2025-09"
    assert parse_month("2025-13") is None and parse_month("2025/12") is None
    assert Month(2025, 12).shift(1) == Month(2026, 1)
    assert Month(2026, 2).last == D(2026, 2, 28)


def test_terms_from_policy():
    policy = Policy(term_ends=[(D(2026, 1, 16), "2025年秋季学期"), (D(2026, 7, 3), "2026年春季学期")])
    found = terms(policy, D(2025, 8, 25), D(2026, 10, 31))
    assert [(t.id, t.name, t.start, t.end) for t in found] == [
        ("2025-2026-1", "2025年秋季学期", D(2025, 8, 25), D(2026, 1, 16)),
        ("2025-2026-2", "2026年春季学期", D(2026, 1, 17), D(2026, 7, 3)),
        ("2026-2027-1", "2026年秋季学期", D(2026, 7, 4), None),  # open, named by the calendar
    ]
    assert found[0].settle_until == D(2026, 2, 15)  # settle-days 30 by default
    assert found[0].label == "2025-2026学年第一学期"


def test_terms_without_policy_use_the_default_calendar():
    """No term-end policy: terms end on 31 January and 31 July (docs/conventions.md) — for every
    rule and report alike (the canteen plugin used to build no terms at all)."""
    found = terms(Policy(), D(2025, 9, 1), D(2026, 8, 15))
    assert [(t.name, t.start, t.end) for t in found] == [
        ("2025年秋季学期", D(2025, 9, 1), D(2026, 1, 31)),
        ("2026年春季学期", D(2026, 2, 1), D(2026, 7, 31)),
        ("2026年秋季学期", D(2026, 8, 1), None),
    ]


def test_term_start_policies_give_the_calendar_dates_not_the_range():
    """A term's `begins` is its `term-start` policy (the first teaching day); `start`/`end` stay
    the range of postings (every day of the books in one term).  Documents print `title`: the
    old documents printed the range start ("2026-07-04 起"), a summer day parents asked about."""
    policy = Policy(term_ends=[(D(2026, 1, 16), "2025年秋季学期"), (D(2026, 7, 3), "2026年春季学期")],
                    values={"term-start": [(D(2025, 9, 1), "2025年秋季学期"),
                                           (D(2026, 2, 24), "2026年春季学期"),
                                           (D(2026, 9, 1), "2026年秋季学期")]})
    found = terms(policy, D(2025, 8, 25), D(2026, 10, 31))
    assert [(t.start, t.end, t.begins) for t in found] == [
        (D(2025, 8, 25), D(2026, 1, 16), D(2025, 9, 1)),
        (D(2026, 1, 17), D(2026, 7, 3), D(2026, 2, 24)),
        (D(2026, 7, 4), None, D(2026, 9, 1)),
    ]
    assert found[0].title == "2025年秋季学期（2025-2026学年第一学期，2025-09-01 至 2026-01-16）"
    assert found[1].title == "2026年春季学期（2025-2026学年第二学期，2026-02-24 至 2026-07-03）"
    assert found[2].title == "2026年秋季学期（2026-2027学年第一学期，2026-09-01 起）"


def test_without_term_start_the_calendar_start_is_the_range_start():
    policy = Policy(term_ends=[(D(2026, 1, 16), "2025年秋季学期")],
                    values={"term-start": [(D(2026, 2, 24), "2026年春季学期")]})
    first, spring = terms(policy, D(2025, 8, 25), D(2026, 3, 31))
    assert first.begins == first.start == D(2025, 8, 25)
    assert spring.begins == D(2026, 2, 24) and spring.start == D(2026, 1, 17)
    assert spring.name == "2026年春季学期"  # the open term takes the term-start's name
    assert "2025-08-25 至 2026-01-16" in first.title


def test_term_start_policy_is_read_and_checked():
    entries, _, _ = loader.load_string(
        '2025-09-01 custom "policy" "term-start" "2025年秋季学期"\n'
        '2026-02-24 custom "policy" "term-start" 3\n')
    policy, errors = read_policy(entries)
    assert policy.values["term-start"] == [(D(2025, 9, 1), "2025年秋季学期")]
    assert [e.message[:6] for e in errors if "term-start" in e.message] == ["[PL03]"]
