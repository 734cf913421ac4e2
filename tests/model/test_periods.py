"""The one term and month model (xiaozhang.model.periods), computed by hand."""

from __future__ import annotations

import datetime as dt

from xiaozhang.model.periods import Month, month_end, parse_month, terms
from xiaozhang.model.policy import Policy

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
