"""专款专用 (plugins/projects.py, PJ01-PJ04): registered projects, allowed accounts, funding.

Each test loads a small ledger with the real loader and compares the full list of
(code, line) of the errors (a crashing plugin shows up there too).
"""

from __future__ import annotations

import textwrap

from beancount import loader
from school import SCHOOL_PROFILE

PLUGINS = 'plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.projects"\n'
ACCOUNTS = textwrap.dedent("""\
    2015-01-01 open Assets:1002银行存款:100201基本户 CNY
    2015-01-01 open Assets:1011零余额账户用款额度 CNY
    2015-01-01 open Assets:1601固定资产:160102通用设备 CNY
    2015-01-01 open Assets:1601固定资产:160106家具用具装具及动植物 CNY
    2015-01-01 open Assets:1613在建工程 CNY
    2015-01-01 open Liabilities:2302应付账款 CNY
    2015-01-01 open Income:4001财政拨款收入 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30213维修费 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费 CNY
    """)
HEADER = PLUGINS + SCHOOL_PROFILE + ACCOUNTS

BASIC = "Assets:1002银行存款:100201基本户"
QUOTA = "Assets:1011零余额账户用款额度"
ASSETS = "Assets:1601固定资产"
EQUIPMENT = "Assets:1601固定资产:160102通用设备"
FURNITURE = "Assets:1601固定资产:160106家具用具装具及动植物"
WORKS = "Assets:1613在建工程"
PAYABLE = "Liabilities:2302应付账款"
GRANT = "Income:4001财政拨款收入"
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
REPAIR = "Expenses:5001业务活动费用:500102商品和服务费用:30213维修费"
MATERIALS = "Expenses:5001业务活动费用:500102商品和服务费用:30218专用材料费"

LAB = "计算机教室建设2025"


def register(date="2025-10-09", amount="265000.00", *accounts, name=LAB):
    return f'{date} custom "project" "{name}" {amount} CNY {" ".join(accounts or (EQUIPMENT,))}\n'


def txn(date, narration, *postings, payee="青禾市华信电脑科技有限公司", **meta):
    """postings: (account, amount) or (account, amount, {posting meta}) or a bare account."""
    lines = [f'{date} * "{payee}" "{narration}"']
    lines += [f'  {key}: "{value}"' for key, value in meta.items()]
    for posting in postings:
        if isinstance(posting, str):
            lines.append(f"  {posting}")
            continue
        lines.append(f"  {posting[0]}  {posting[1]} CNY")
        for key, value in (posting[2] if len(posting) > 2 else {}).items():
            lines.append(f'    {key}: "{value}"')
    return "\n".join(lines) + "\n"


def buy(date, amount, account=EQUIPMENT, project=LAB, source=QUOTA, narration="计算机教室设备"):
    meta = {"project": project} if project else {}
    return txn(date, narration, (account, amount), source, **meta)


def run(*parts):
    """Load the ledger; return [(code, line)] of all errors and the line each part starts at."""
    _entries, errors, _ = loader.load_string(HEADER + "".join(parts))
    starts, line = [], HEADER.count("\n") + 1
    for part in parts:
        starts.append(line)
        line += part.count("\n")
    return [(str(error.message)[1:5], error.source["lineno"]) for error in errors], starts


def test_a_clean_project_from_funding_to_the_last_payment():
    parts = [register(),
             txn("2025-10-09", "专项资金下达：计算机教室建设", (QUOTA, "265000.00"), GRANT,
                 payee="青禾市明德区财政局", project=LAB),
             buy("2025-11-18", "262000.00", narration="计算机教室学生机50台"),
             buy("2025-11-25", "3000.00", narration="教师机1台"),
             buy("2025-12-02", "-1200.00", narration="退货1台显示器", source=QUOTA),
             buy("2025-12-05", "1200.00", narration="补购显示器"),
             buy("2025-12-10", "820.00", account=OFFICE, project=None)]  # no project: not checked
    assert run(*parts)[0] == []


# -- PJ01 ------------------------------------------------------------------------------------

def test_pj01_unregistered_project():
    errors, at = run(register(), buy("2025-11-18", "3000.00", project="计算机教室建设2026"))
    assert errors == [("PJ01", at[1])]


def test_pj01_spending_before_the_project_is_registered():
    errors, at = run(register(), buy("2025-10-08", "3000.00"), buy("2025-10-09", "3000.00"))
    assert errors == [("PJ01", at[1])]


def test_pj01_registration_on_the_same_day_counts_whatever_the_order():
    # the transaction comes first in the file: Beancount sorts same-day entries by line
    assert run(buy("2025-10-09", "3000.00"), register())[0] == []
    assert run(register(), buy("2025-10-09", "3000.00"))[0] == []


def test_pj01_reported_once_per_transaction():
    parts = [txn("2025-11-18", "两台电脑", (EQUIPMENT, "3000.00"), (EQUIPMENT, "3000.00"), QUOTA,
                 project="未登记专项")]
    errors, at = run(*parts)
    assert errors == [("PJ01", at[0])]


# -- PJ02 ------------------------------------------------------------------------------------

def test_pj02_spending_outside_the_registered_accounts():
    errors, at = run(register(), buy("2025-11-18", "1500.00", account=OFFICE))
    assert errors == [("PJ02", at[1])]


def test_pj02_sub_accounts_and_several_accounts_are_allowed():
    parts = [register("2025-10-09", "300000.00", ASSETS, MATERIALS),
             buy("2025-11-18", "262000.00"), buy("2025-11-19", "18000.00", account=FURNITURE),
             buy("2025-11-20", "2000.00", account=MATERIALS)]
    assert run(*parts)[0] == []
    errors, at = run(*parts, buy("2025-11-21", "900.00", account=REPAIR))
    assert errors == [("PJ02", at[4])]


def test_pj02_posting_level_project():
    # only the tagged posting is project spending; the office supplies are not
    mixed = txn("2025-11-18", "电脑和办公用品", (EQUIPMENT, "6000.00", {"project": LAB}),
                (OFFICE, "300.00"), QUOTA)
    assert run(register(), mixed)[0] == []
    wrong = txn("2025-11-18", "电脑和办公用品", (EQUIPMENT, "6000.00"),
                (OFFICE, "300.00", {"project": LAB}), QUOTA)
    errors, at = run(register(), wrong)
    assert errors == [("PJ02", at[1])]


def test_pj02_posting_level_project_overrides_the_transaction():
    parts = [register(), register("2025-10-09", "50000.00", REPAIR, name="校舍维修2025"),
             txn("2025-11-18", "电脑和机房维修", (EQUIPMENT, "6000.00"),
                 (REPAIR, "2000.00", {"project": "校舍维修2025"}), QUOTA, project=LAB)]
    assert run(*parts)[0] == []


def test_pj02_and_funding_follow_a_later_registration():
    parts = [register("2025-10-09", "100000.00"),
             buy("2025-10-20", "90000.00"),
             register("2025-11-01", "150000.00", EQUIPMENT, WORKS),  # more money, and works
             buy("2025-11-05", "50000.00", account=WORKS)]
    assert run(*parts)[0] == []
    errors, at = run(*parts[:2], buy("2025-11-05", "50000.00", account=WORKS))
    assert errors == [("PJ02", at[2]), ("PJ03", at[2])]


# -- PJ03 ------------------------------------------------------------------------------------

def test_pj03_reported_on_the_crossing_payment_once():
    parts = [register(), buy("2025-11-18", "262000.00"),
             buy("2025-11-25", "3000.00"),  # exactly the funding: fine
             buy("2025-11-26", "800.00"),  # over
             buy("2025-11-27", "500.00")]  # still over: not repeated
    errors, at = run(*parts)
    assert errors == [("PJ03", at[3])]


def test_pj03_after_a_return_brings_it_back_under():
    parts = [register("2025-10-09", "10000.00"), buy("2025-11-18", "10500.00"),
             buy("2025-11-20", "-1000.00"),  # returned goods: back under
             buy("2025-11-22", "2000.00")]  # over again: a new report
    errors, at = run(*parts)
    assert errors == [("PJ03", at[1]), ("PJ03", at[3])]


def test_pj03_payables_and_other_non_spending_postings_do_not_count():
    parts = [register("2025-10-09", "10000.00"),
             txn("2025-11-18", "电脑到货（挂账）", (EQUIPMENT, "9000.00"), PAYABLE, project=LAB),
             txn("2025-11-25", "支付电脑款", (PAYABLE, "9000.00"), QUOTA, project=LAB)]
    assert run(*parts)[0] == []


# -- PJ04 ------------------------------------------------------------------------------------

def test_pj04_malformed_registration():
    no_account = f'2025-10-09 custom "project" "{LAB}" 265000.00 CNY\n'
    text_amount = f'2025-10-09 custom "project" "{LAB}" "二十六万" {EQUIPMENT}\n'
    no_name = f'2025-10-09 custom "project" 265000.00 CNY {EQUIPMENT}\n'
    errors, at = run(no_account, text_amount, no_name)
    assert errors == [("PJ04", at[0]), ("PJ04", at[1]), ("PJ04", at[2])]
    assert run(register())[0] == []


def test_pj04_a_quoted_allowed_account_is_accepted():
    quoted = f'2025-10-09 custom "project" "{LAB}" 265000.00 CNY "{EQUIPMENT}"\n'
    errors, _ = run(quoted)
    assert errors == []
    errors, at = run(f'2025-10-09 custom "project" "{LAB}" 265000.00 CNY "计算机"\n')
    assert errors == [("PJ04", at[0])]


# -- states that start out wrong, settings that would switch the rule off ----------------------

def test_pj03_a_registration_lowering_the_funding_below_the_spending_is_reported_there():
    """Before, a lowered funding was reported only at a later payment (never without one)."""
    parts = [register("2025-10-09", "100000.00"), buy("2025-10-20", "90000.00"),
             register("2025-11-01", "80000.00")]
    errors, at = run(*parts)
    assert errors == [("PJ03", at[2])]
    _entries, found, _ = loader.load_string(HEADER + "".join(parts))
    assert "资金总额调整为 80000.00 元，低于已累计支出 90000.00 元" in found[0].message
    # not repeated at the next payment while still over; a funding still covering it is clean
    errors, at = run(*parts, buy("2025-11-05", "100.00"))
    assert errors == [("PJ03", at[2])]
    assert run(*parts[:2], register("2025-11-01", "90000.00"))[0] == []


def test_pj04_a_registration_that_could_never_be_used():
    """A misspelt account (Beancount does not check a custom directive's accounts) or a negative
    funding; a second registration of one name on one date (which one held depended on the
    order of the files)."""
    misspelt = register("2025-10-09", "265000.00", EQUIPMENT + "x")
    negative = register("2025-10-09", "-5000.00", name="校舍维修2025")
    errors, at = run(misspelt, negative)
    assert errors == [("PJ04", at[0]), ("PJ04", at[1])]
    _entries, found, _ = loader.load_string(HEADER + misspelt + negative)
    assert "没有开设" in found[0].message and "不能为负数" in found[1].message
    twice = [register("2025-10-09", "100000.00"), register("2025-10-09", "200000.00")]
    errors, at = run(*twice, buy("2025-11-01", "150000.00"))
    assert errors == [("PJ04", at[1]), ("PJ03", at[2])]  # the second is not used
    # a parent account opened only through its sub-accounts is fine
    assert run(register("2025-10-09", "265000.00", ASSETS))[0] == []
