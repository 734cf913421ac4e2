"""Approval rules (plugins/approvals.py): each rule passes a clean entry and flags a bad one."""

from __future__ import annotations

import textwrap

import pytest
from beancount import loader
from school import SCHOOL_PROFILE

PLUGINS = 'plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.approvals"\n'
HEADER = PLUGINS + SCHOOL_PROFILE + textwrap.dedent("""\
    2025-08-25 custom "policy" "approval-tier" "director" 500.00 CNY
    2025-08-25 custom "policy" "approval-tier" "principal"
    2025-08-25 custom "policy" "meeting-threshold" 50000.00 CNY
    2026-01-01 custom "policy" "meeting-threshold" 30000.00 CNY
    2025-08-25 custom "policy" "procurement-threshold" 100000.00 CNY
    2025-08-25 custom "policy" "quote-threshold" 5000.00 CNY
    2025-08-25 custom "policy" "split-window-days" 10
    2025-08-25 custom "policy" "pending-days" 30
    2020-01-01 open Assets:1011零余额账户用款额度
    2020-01-01 open Assets:1002银行存款:100201基本户
    2020-01-01 open Assets:1601固定资产:160102通用设备
    2020-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费
      inspection: TRUE
    2020-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30206电费
      quote_exempt: TRUE
    2020-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费
    2020-01-01 open Expenses:5001业务活动费用:500104固定资产折旧费
    2020-01-01 open Assets:1602固定资产累计折旧
    2020-01-01 open Income:4001财政拨款收入
    """)
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
POWER = "Expenses:5001业务活动费用:500102商品和服务费用:30206电费"
TRAVEL = "Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费"
EQUIPMENT = "Assets:1601固定资产:160102通用设备"
QUOTA = "Assets:1011零余额账户用款额度"

SIGNED = {"handler": '"刘芳"', "inspector": '"李明华"', "reviewer": '"陈静"',
          "approver": '"王建国"', "approved": "2025-09-12"}


def payment(date="2025-09-15", flag="*", payee="明德区晨光文具店", amount="1543.71",
            account=OFFICE, source=QUOTA, links="", **meta):
    fields = {**SIGNED, **meta}
    lines = [f'{date} {flag} "{payee}" "购办公用品"{links}']
    lines += [f"  {key}: {value}" for key, value in fields.items() if value is not None]
    lines += [f"  {account}  {amount} CNY", f"  {source}"]
    return "\n".join(lines) + "\n"


def check(*txns):
    """Load HEADER + txns; return [(code, line)] of the errors, lines counted in the text."""
    entries, errors, _ = loader.load_string(HEADER + "".join(txns))
    return [(error.message[1:5], error.source["lineno"]) for error in errors]


def line_of(index, *txns):
    """The line number at which the index-th transaction starts."""
    return HEADER.count("\n") + sum(t.count("\n") for t in txns[:index]) + 1


def test_a_complete_payment_passes():
    assert check(payment()) == []


def test_entries_that_are_not_payments_are_not_checked():
    depreciation = ('2025-09-30 * "计提折旧"\n'
                    "  Expenses:5001业务活动费用:500104固定资产折旧费  812.50 CNY\n"
                    "  Assets:1602固定资产累计折旧\n")
    quota = ('2025-09-01 * "额度到账"\n  Assets:1011零余额账户用款额度  9000.00 CNY\n'
             "  Income:4001财政拨款收入\n")
    assert check(depreciation, quota) == []


@pytest.mark.parametrize("missing", ["handler", "reviewer", "approver", "approved"])
def test_ap01_missing_signature(missing):
    txn = payment(**{missing: None})
    assert check(txn) == [("AP01", line_of(0, txn))]


def test_ap02_goods_and_assets_need_an_inspector():
    assert check(payment(inspector=None, account=TRAVEL, amount="800.00")) == []
    txn = payment(inspector=None)
    assert check(txn) == [("AP02", line_of(0, txn))]
    asset = payment(inspector=None, account=EQUIPMENT, amount="3000.00")
    assert check(asset) == [("AP02", line_of(0, asset))]


def test_ap03_approver_within_the_tiers():
    assert check(payment(amount="480.00", approver='"李明华"', inspector='"张伟"')) == []
    txn = payment(amount="1480.00", approver='"李明华"', inspector='"张伟"')
    assert check(txn) == [("AP03", line_of(0, txn))]
    stranger = payment(approver='"赵六"')
    assert check(stranger) == [("AP03", line_of(0, stranger))]


def test_ap04_meeting_above_the_dated_threshold():
    big = dict(quotes=3, amount="42000.00", account=EQUIPMENT)
    assert check(payment(**big)) == []  # 2025: the threshold is 50000
    txn = payment(date="2026-01-15", approved="2026-01-12", **big)
    assert check(txn) == [("AP04", line_of(0, txn))]
    assert check(payment(date="2026-01-15", approved="2026-01-12", meeting='"校务会纪要〔2026〕第1号"',
                         **big)) == []


def test_ap05_government_procurement_and_contract():
    base = dict(amount="262800.00", account=EQUIPMENT, meeting='"纪要"', quotes=4)
    assert check(payment(procurement='"政府采购"', contract='"HT2025ZC07"', **base)) == []
    txn = payment(procurement='"询价"', contract='"HT2025ZC07"', **base)
    assert check(txn) == [("AP05", line_of(0, txn))]
    no_contract = payment(procurement='"公开招标"', **base)
    assert check(no_contract) == [("AP05", line_of(0, no_contract))]


def test_ap06_three_quotes():
    assert check(payment(amount="6200.00", quotes=3)) == []
    assert check(payment(amount="6200.00", account=POWER, inspector=None)) == []  # quote_exempt
    txn = payment(amount="6200.00", quotes=2)
    assert check(txn) == [("AP06", line_of(0, txn))]


def test_ap07_approved_on_or_before_payment():
    assert check(payment(approved="2025-09-15")) == []
    txn = payment(approved="2025-09-16")
    assert check(txn) == [("AP07", line_of(0, txn))]
    text = payment(approved='"九月"')
    assert check(text) == [("AP07", line_of(0, text))]


@pytest.mark.parametrize("role", ["approver", "reviewer", "inspector"])
def test_ap08_separation_of_duties(role):
    fields = {role: '"刘芳"'}
    if role == "approver":
        fields["amount"] = "300.00"  # within the director's tier, so only AP08 (and AP03) speak
    txn = payment(**fields)
    codes = check(txn)
    assert ("AP08", line_of(0, txn)) in codes
    assert all(line == line_of(0, txn) for _, line in codes)


def test_ap08_the_handler_among_several_inspectors_by_name_not_by_part_of_a_name():
    """The inspectors are names separated by commas: the handler 刘芳 is one of "王强, 刘芳"
    (AP08), not of "刘芳芳,王强" (a name that contains hers)."""
    among = payment(inspector='"王强, 刘芳"')
    assert ("AP08", line_of(0, among)) in check(among)
    inside = payment(inspector='"刘芳芳,王强"')
    assert [code for code, _ in check(inside)] == []


def test_ap09_split_purchase_flags_the_crossing_payment():
    first = payment(date="2025-09-10", approved="2025-09-08", amount="3100.00")
    second = payment(date="2025-09-16", approved="2025-09-15", amount="2600.00")
    assert check(first, second) == [("AP09", line_of(1, first, second))]
    later = payment(date="2025-09-25", approved="2025-09-24", amount="2600.00")
    assert check(first, later) == []  # outside the 10-day window
    other = payment(date="2025-09-16", approved="2025-09-15", amount="2600.00", payee="别家")
    assert check(first, other) == []


def test_ap09_instalments_of_one_contract_are_not_a_split():
    first = payment(date="2025-09-10", approved="2025-09-08", amount="3100.00", links=" ^HT2025SC01")
    second = payment(date="2025-09-16", approved="2025-09-15", amount="2600.00", links=" ^HT2025SC01")
    assert check(first, second) == []


PIN = '2025-10-31 custom "as-of" "评判日期"\n'  # judged as of the last entry (asof.py)


def test_ap10_pending_entries():
    recent = payment(date="2025-10-20", flag="!", approver=None, approved=None)
    last = payment(date="2025-10-31", approved="2025-10-30") + PIN
    assert check(recent, last) == []
    old = payment(date="2025-09-15", flag="!", approver=None, approved=None)
    assert check(old, last) == [("AP10", line_of(0, old, last))]
    closed = ('2025-08-25 custom "policy" "closed-through" 2025-10-25\n')
    entries, errors, _ = loader.load_string(HEADER + closed + recent + last)
    assert [(e.message[1:5], e.entry.date.isoformat()) for e in errors] == [("AP10", "2025-10-20")]


def test_ap10_is_judged_by_today_without_a_pin():
    """No `custom "as-of"`: the 评判日期 is today, not the last entry (old behaviour: 0 days)."""
    import datetime as dt
    day = dt.date.today() - dt.timedelta(days=40)
    pending = payment(date=day.isoformat(), flag="!", approver=None, approved=None)
    entries, errors, _ = loader.load_string(HEADER + pending)
    assert [e.message[:5] for e in errors] == ["[AP10"]
    assert "已挂账 40 天" in errors[0].message and str(dt.date.today()) in errors[0].message


def test_ap10_pending_after_the_pin_is_not_late():
    pending = payment(date="2025-11-20", flag="!", approver=None, approved=None)
    assert check(pending + PIN) == []


@pytest.mark.parametrize("flag", ["#", "?"])
def test_a_payment_with_another_flag_is_checked_like_a_complete_one(flag):
    """Only `!` may wait for its paperwork: a mistyped flag used to skip every check."""
    txn = payment(flag=flag, approver=None)
    assert check(txn) == [("AP01", line_of(0, txn))]
    assert check(payment(flag=flag)) == []


def test_the_split_window_cannot_be_switched_off_by_a_zero():
    """`split-window-days 0` emptied the window before each payment (AP09 never fired); it is
    now PL03 and the window in force before (10 days here) still applies."""
    zero = '2025-09-01 custom "policy" "split-window-days" 0\n'
    first = payment("2025-09-10", amount="3100.00", approved="2025-09-08")
    second = payment("2025-09-16", amount="2600.00", approved="2025-09-15")
    assert check(zero, first, second) == [("PL03", line_of(0, zero, first, second)),
                                          ("AP09", line_of(2, zero, first, second))]
