"""The school profile and dated policies (plugins/policy.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
