"""The school profile and dated policies (plugins/policy.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from beancount import loader

from school import SCHOOL_PROFILE

from xiaozhang.plugins.policy import read_policy

PROFILE = '\nplugin "xiaozhang.plugins.policy"\n' + SCHOOL_PROFILE


def load(text):
    return loader.load_string(PROFILE + text)


def codes(errors):
    return [error.message.split("]")[0] + "]" for error in errors]


def test_valid_policies_apply_as_of_each_date():
    entries, errors, _ = load("""
2025-08-25 custom "policy" "approval-tier" "director" 500.00 CNY
2025-08-25 custom "policy" "approval-tier" "principal"
2025-08-25 custom "policy" "meeting-threshold" 50000.00 CNY
2026-01-01 custom "policy" "meeting-threshold" 30000.00 CNY
2025-08-25 custom "policy" "remittance-days" 5
2025-08-25 custom "policy" "closed-through" 2025-09-30
2025-08-25 custom "policy" "budget-control" "stop"
""")
    assert errors == []
    policy, problems = read_policy(entries)
    assert problems == []
    assert policy.get("meeting-threshold", dt.date(2025, 12, 31)).number == Decimal("50000.00")
    assert policy.get("meeting-threshold", dt.date(2026, 1, 1)).number == Decimal("30000.00")
    assert policy.get("remittance-days", dt.date(2026, 3, 1)) == 5
    assert policy.get("closed-through", dt.date(2026, 3, 1)) == dt.date(2025, 9, 30)
    assert policy.get("budget-control", dt.date(2026, 3, 1)) == "stop"
    # not set: the documented default
    assert policy.get("pending-days", dt.date(2026, 3, 1)) == 30
    tiers = policy.approval_tiers(dt.date(2025, 9, 1))
    assert [(t.role, t.limit and t.limit.number) for t in tiers] == [
        ("director", Decimal("500.00")), ("principal", None)]
    assert policy.approval_tiers(dt.date(2025, 8, 1)) == []
    assert policy.profile(dt.date(2025, 9, 1))["principal"] == "王建国"
    assert policy.profile(dt.date(2025, 8, 1)) is None


def test_missing_profile_is_an_error():
    _, errors, _ = loader.load_string('plugin "xiaozhang.plugins.policy"\n'
                                      '2025-08-25 custom "policy" "cash-limit" 5000.00 CNY\n')
    assert codes(errors) == ["[PL01]"]
    assert "custom \"school\"" in errors[0].message


def test_incomplete_profile_names_the_missing_keys():
    _, errors, _ = loader.load_string('plugin "xiaozhang.plugins.policy"\n'
                                      '2025-08-25 custom "school" "某小学"\n  principal: "王建国"\n')
    assert codes(errors) == ["[PL01]"]
    assert "director" in errors[0].message and "hotline" in errors[0].message
    assert errors[0].source["lineno"] == 2


def test_unknown_policy_name():
    _, errors, _ = load('2025-09-01 custom "policy" "cash-limt" 5000.00 CNY\n')
    assert codes(errors) == ["[PL02]"]
    assert "cash-limt" in errors[0].message and "cash-limit" in errors[0].message


def test_wrong_value_type_names_the_directive():
    _, errors, _ = load('2025-09-01 custom "policy" "cash-limit" "五千"\n'
                        '2025-09-01 custom "policy" "pending-days" 2.5\n'
                        '2025-09-01 custom "policy" "budget-control" "maybe"\n')
    assert codes(errors) == ["[PL03]"] * 3
    assert [e.source["lineno"] for e in errors] == [9, 10, 11]
    assert "库存现金限额" in errors[0].message


def test_bad_approval_tier_and_duplicate_setting():
    _, errors, _ = load('2025-09-01 custom "policy" "approval-tier" "janitor" 100.00 CNY\n'
                        '2025-09-01 custom "policy" "quote-threshold" 5000.00 CNY\n'
                        '2025-09-01 custom "policy" "quote-threshold" 3000.00 CNY\n')
    assert codes(errors) == ["[PL03]", "[PL03]"]
    assert "approval-tier" in errors[0].message
    assert "同一天" in errors[1].message


def test_a_second_value_on_the_same_date_is_an_error_for_every_parameter():
    samples = {"amount": "3000.00 CNY", "integer": "7", "percent": "5", "date": "2025-09-30"}
    from xiaozhang.model.policy import POLICY_KEYS
    for name, key in POLICY_KEYS.items():
        value = samples.get(key.kind) or (f'"{key.choices[-1]}"' if key.choices else '"某学期"')
        _, errors, _ = load(f'2025-09-01 custom "policy" "{name}" {value}\n'
                            f'2025-09-01 custom "policy" "{name}" {value}\n')
        assert codes(errors) == ["[PL03]"], name
        assert errors[0].source["lineno"] == 10 and "同一天" in errors[0].message
    # one per date is fine
    _, errors, _ = load('2025-09-01 custom "policy" "cash-limit" 3000.00 CNY\n'
                        '2025-09-02 custom "policy" "cash-limit" 4000.00 CNY\n')
    assert errors == []


def test_approval_tiers_of_one_date_name_each_role_once():
    entries, errors, _ = load('2025-09-01 custom "policy" "approval-tier" "director" 500.00 CNY\n'
                              '2025-09-01 custom "policy" "approval-tier" "principal"\n'
                              '2025-09-01 custom "policy" "approval-tier" "director" 1000.00 CNY\n')
    assert codes(errors) == ["[PL03]"] and errors[0].source["lineno"] == 11
    policy, _ = read_policy(entries)
    assert [(t.role, t.limit and t.limit.number) for t in policy.approval_tiers(
        dt.date(2025, 9, 1))] == [("director", Decimal("500.00")), ("principal", None)]


def test_a_parameter_can_be_set_back_to_its_default():
    entries, errors, _ = load('2025-08-25 custom "policy" "remittance-days" 5\n'
                              '2026-01-01 custom "policy" "remittance-days" "默认"\n'
                              '2025-08-25 custom "policy" "cash-limit" 3000.00 CNY\n'
                              '2026-01-01 custom "policy" "cash-limit" "默认"\n')
    assert errors == []
    policy, _ = read_policy(entries)
    assert policy.get("remittance-days", dt.date(2025, 12, 31)) == 5
    assert policy.get("remittance-days", dt.date(2026, 1, 1)) is None  # month end again
    assert policy.get("cash-limit", dt.date(2025, 12, 31)).number == Decimal("3000.00")
    assert policy.get("cash-limit", dt.date(2026, 1, 1)).number == Decimal("5000.00")
    # another word is still a wrong value; a term name is a name, not the default
    _, errors, _ = load('2025-08-25 custom "policy" "remittance-days" "缺省"\n')
    assert codes(errors) == ["[PL03]"]
    entries, errors, _ = load('2025-08-25 custom "policy" "term-start" "默认"\n')
    assert errors == [] and read_policy(entries)[0].values["term-start"] == [
        (dt.date(2025, 8, 25), "默认")]


# -- the school calendar: term-start / term-end ------------------------------------------------
CALENDAR = ('2025-09-01 custom "policy" "term-start" "2025年秋季学期"\n'
            '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
            '2026-02-24 custom "policy" "term-start" "2026年春季学期"\n'
            '2026-07-03 custom "policy" "term-end" "2026年春季学期"\n')
FIRST_LINE = PROFILE.count("\n") + 1  # the line of the first directive after the profile


def calendar_of(text):
    """[(code, line)] of the errors, and the term ends and starts the policy keeps."""
    entries, errors, _ = load(text)
    policy, _ = read_policy(entries)
    return ([(e.message[:6], e.source["lineno"]) for e in errors],
            policy.term_ends, policy.values.get("term-start", []))


def test_a_consistent_calendar_is_clean():
    errors, ends, starts = calendar_of(CALENDAR)
    assert errors == []
    assert ends == [(dt.date(2026, 1, 16), "2025年秋季学期"), (dt.date(2026, 7, 3), "2026年春季学期")]
    assert [d for d, _ in starts] == [dt.date(2025, 9, 1), dt.date(2026, 2, 24)]


def test_two_term_ends_on_one_date_are_an_error_at_the_second():
    """Before: both were kept, and the second made a term that ends before it starts."""
    text = CALENDAR + '2026-07-03 custom "policy" "term-end" "2026年暑期"\n'
    errors, ends, _ = calendar_of(text)
    assert errors == [("[PL03]", FIRST_LINE + 4)]
    assert ends[-1] == (dt.date(2026, 7, 3), "2026年春季学期")  # the second is not used
    _, load_errors, _ = load(text)
    assert "同一天只能结束一个学期" in load_errors[0].message


def test_a_term_that_ends_twice_is_an_error_at_the_second_end():
    errors, ends, _ = calendar_of(CALENDAR + '2026-07-10 custom "policy" "term-end" "2026年春季学期"\n')
    assert errors == [("[PL03]", FIRST_LINE + 4)] and len(ends) == 2


def test_two_term_starts_on_one_date_are_an_error_at_the_second():
    errors, _, starts = calendar_of(CALENDAR + '2026-02-24 custom "policy" "term-start" "2026年春季"\n')
    assert errors == [("[PL03]", FIRST_LINE + 4)]
    assert starts[-1] == (dt.date(2026, 2, 24), "2026年春季学期")


def test_a_term_that_starts_after_it_ended_is_an_error():
    text = ('2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
            '2026-02-01 custom "policy" "term-start" "2025年秋季学期"\n')
    errors, _, starts = calendar_of(text)
    assert errors == [("[PL03]", FIRST_LINE + 1)] and starts == []
    _, load_errors, _ = load(text)
    assert "晚于结束日" in load_errors[0].message


def test_overlapping_terms_are_an_error_at_the_second_directive():
    # the spring term starts before the autumn term has ended
    errors, _, starts = calendar_of(CALENDAR.replace("2026-02-24", "2026-01-10"))
    assert errors == [("[PL03]", FIRST_LINE + 2)]
    assert [d for d, _ in starts] == [dt.date(2025, 9, 1)]
    # the same start without the autumn term's start: reported at the autumn term's end, which
    # divides the books; the spring start inside the autumn term is not used
    text = ('2026-01-10 custom "policy" "term-start" "2026年春季学期"\n'
            '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n')
    errors, ends, starts = calendar_of(text)
    assert errors == [("[PL03]", FIRST_LINE + 1)] and starts == [] and len(ends) == 1
    # a term starting on the day the previous one ends
    errors, _, _ = calendar_of(CALENDAR.replace("2026-02-24", "2026-01-16"))
    assert errors == [("[PL03]", FIRST_LINE + 2)]


# -- settings that would switch a rule off ---------------------------------------------------

def test_a_split_window_of_zero_days_is_refused():
    """0 days emptied the window before each payment: AP09 could never fire."""
    entries, errors, _ = load('2025-09-01 custom "policy" "split-window-days" 0\n')
    assert codes(errors) == ["[PL03]"] and "大于零" in errors[0].message
    assert read_policy(entries)[0].get("split-window-days", dt.date(2025, 9, 2)) == 30  # the default
    _, errors, _ = load('2025-09-01 custom "policy" "split-window-days" 1\n'
                        '2025-09-01 custom "policy" "remittance-days" 0\n')  # same day: a real rule
    assert errors == []


def test_a_percent_written_as_a_fraction_is_refused():
    entries, errors, _ = load('2025-09-01 custom "policy" "canteen-surplus-cap" 0.08\n')
    assert codes(errors) == ["[PL03]"] and "请写 8" in errors[0].message
    assert read_policy(entries)[0].get("canteen-surplus-cap", dt.date(2025, 9, 2)) == Decimal("8")
    _, errors, _ = load('2025-09-01 custom "policy" "canteen-surplus-cap" 2\n'
                        '2025-09-02 custom "policy" "canteen-surplus-cap" 0\n'
                        '2025-09-03 custom "policy" "canteen-surplus-cap" 1.5\n')
    assert errors == []


def test_an_approval_tier_limit_must_be_above_zero():
    _, errors, _ = load('2025-09-01 custom "policy" "approval-tier" "director" 0.00 CNY\n'
                        '2025-09-01 custom "policy" "approval-tier" "accountant" -100.00 CNY\n')
    assert codes(errors) == ["[PL03]", "[PL03]"]
    assert "应大于零" in errors[0].message


def test_approval_tiers_can_be_set_back_to_the_default():
    entries, errors, _ = load('2025-09-01 custom "policy" "approval-tier" "director" 500.00 CNY\n'
                              '2025-09-01 custom "policy" "approval-tier" "principal"\n'
                              '2026-01-01 custom "policy" "approval-tier" "默认"\n')
    assert errors == []
    policy, _ = read_policy(entries)
    assert len(policy.approval_tiers(dt.date(2025, 12, 31))) == 2
    assert policy.approval_tiers(dt.date(2026, 1, 1)) == []  # only the principal, any amount
    # the default and roles on one date contradict each other: the second is refused
    _, errors, _ = load('2026-01-01 custom "policy" "approval-tier" "默认"\n'
                        '2026-01-01 custom "policy" "approval-tier" "director" 500.00 CNY\n')
    assert codes(errors) == ["[PL03]"] and errors[0].source["lineno"] == FIRST_LINE + 1


@pytest.mark.parametrize("key", ["canteen", "inspection", "quote_exempt", "collection"])
def test_an_open_flag_that_is_not_true_or_false_is_reported(key):
    """`canteen: "TRUE"` (a string) left the account out of its rule without a word."""
    _, errors, _ = load(f'2025-09-01 open Assets:1002银行存款:100202食堂结算户\n  {key}: "TRUE"\n')
    assert codes(errors) == ["[PL03]"] and errors[0].source["lineno"] == FIRST_LINE
    assert f"{key}: 'TRUE' 应写 TRUE 或 FALSE" in errors[0].message
    _, errors, _ = load(f'2025-09-01 open Assets:1002银行存款:100202食堂结算户\n  {key}: TRUE\n'
                        f'2025-09-01 open Assets:1002银行存款:100201基本户\n  {key}: FALSE\n')
    assert errors == []


def test_a_misspelt_custom_directive_type_is_reported():
    """Beancount accepts any `custom` type and nothing reads a misspelt one: its setting was
    silently off."""
    _, errors, _ = load('2025-09-01 custom "polciy" "cash-limit" 3000.00 CNY\n'
                        '2025-09-01 custom "budegt" Expenses:5001业务活动费用 "yearly" 10.00 CNY\n'
                        '2025-09-01 custom "stocktaking" Assets:1302库存物品 1.00 CNY\n')
    assert codes(errors) == ["[PL02]"] * 3
    assert [e.source["lineno"] for e in errors] == [FIRST_LINE, FIRST_LINE + 1, FIRST_LINE + 2]
    assert '是不是 "policy"' in errors[0].message
    # the known types, and another tool's type far from ours, pass
    _, errors, _ = load('2025-09-01 custom "fava-option" "language" "zh"\n'
                        '2025-09-01 custom "holiday" "国庆节"\n'
                        '2025-09-01 custom "month-close" "2025-08"\n')
    assert errors == []


def test_a_calendar_that_stops_while_the_books_go_on_is_reported_at_the_last_term_end():
    """After the last `term-end` the books are one open term: with no new `term-end` for more
    than a term, that term never ends and no term-end check ever runs."""
    def entries_until(day):
        return (f'2025-09-01 open Assets:1001库存现金\n2025-09-01 open Equity:3001累计盈余\n'
                f'{day} * "收现金"\n  Assets:1001库存现金  1.00 CNY\n  Equity:3001累计盈余\n')

    calendar = '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
    _, errors, _ = load(calendar + entries_until("2026-11-20"))  # 308 days after the end
    assert codes(errors) == ["[PL03]"] and errors[0].source["lineno"] == FIRST_LINE
    assert "2026-01-16" in errors[0].message and "TL07" in errors[0].message
    _, errors, _ = load(calendar + entries_until("2026-08-20"))  # a term and a summer: fine
    assert errors == []
    # continued: clean; without any term-end the default calendar ends every term: clean
    _, errors, _ = load(calendar + '2026-07-03 custom "policy" "term-end" "2026年春季学期"\n'
                        + entries_until("2026-11-20"))
    assert errors == []
    _, errors, _ = load(entries_until("2027-11-20"))
    assert errors == []


def test_two_school_profiles_on_one_date_are_an_error_at_the_second():
    """Which one held depended on the order of the files."""
    entries, errors, _ = load('2025-08-25 custom "school" "另一所小学"\n  principal: "张三"\n'
                              '  director: "李四"\n  accountant: "王五"\n  hotline: "1"\n  func: "2050202"\n')
    assert codes(errors) == ["[PL03]"] and errors[0].source["lineno"] == FIRST_LINE
    assert read_policy(entries)[0].profile(dt.date(2025, 9, 1))["principal"] == "王建国"
    _, errors, _ = load('2025-09-01 custom "school" "青禾市明德区实验小学"\n  principal: "张三"\n'
                        '  director: "李四"\n  accountant: "王五"\n  hotline: "1"\n  func: "2050202"\n')
    assert errors == []
