"""收支两条线 (plugins/twolines.py, TL01-TL08) and the policies it reads (term-end, settle-days).

Every test loads a small school ledger with the real loader and compares the full list of
(code, line) of the errors, so a plugin that crashes (which the loader turns into an error)
or reports one problem too many fails the test.
"""

from __future__ import annotations

import textwrap

from beancount import loader
from school import SCHOOL_PROFILE

PLUGINS = 'plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.twolines"\n'
ACCOUNTS = textwrap.dedent("""\
    2015-01-01 open Assets:1001库存现金 CNY
    2015-01-01 open Assets:1002银行存款:100201基本户 CNY
    2015-01-01 open Assets:1002银行存款:100203代收费专户 CNY
      collection: TRUE
    2015-01-01 open Assets:1002银行存款:100204收费专户 CNY
      collection: TRUE
    2015-01-01 open Assets:1002银行存款:100204收费专户:10020401微信缴费 CNY
    2015-01-01 open Assets:1011零余额账户用款额度 CNY
    2015-01-01 open Assets:1601固定资产:160102通用设备 CNY
    2015-01-01 open Liabilities:2103应缴财政款 CNY
    2015-01-01 open Liabilities:2103应缴财政款:210301住宿费 CNY
    2015-01-01 open Liabilities:2103应缴财政款:210302国有资产处置收入 CNY
    2015-01-01 open Liabilities:2302应付账款 CNY
    2015-01-01 open Liabilities:2307其他应付款:230701代收费 CNY
    2015-01-01 open Liabilities:2307其他应付款:230701代收费:01作业本费 CNY
    2015-01-01 open Liabilities:2307其他应付款:230701代收费:02教辅资料费 CNY
    2015-01-01 open Liabilities:2307其他应付款:230702饭卡预存 CNY
    2015-01-01 open Equity:3001累计盈余 CNY
    2015-01-01 open Income:4001财政拨款收入 CNY
    2015-01-01 open Income:4101事业收入 CNY
    2015-01-01 open Income:4101事业收入:410101财政专户返还 CNY
    2015-01-01 open Income:4101事业收入:410103住宿费 CNY
    2015-01-01 open Income:4605租金收入 CNY
    2015-01-01 open Income:4609其他收入 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30213维修费 CNY
    """)
HEADER = PLUGINS + SCHOOL_PROFILE + ACCOUNTS

CASH = "Assets:1001库存现金"
BASIC = "Assets:1002银行存款:100201基本户"
AGENCY_BANK = "Assets:1002银行存款:100203代收费专户"
FEE_BANK = "Assets:1002银行存款:100204收费专户"
WECHAT = "Assets:1002银行存款:100204收费专户:10020401微信缴费"
QUOTA = "Assets:1011零余额账户用款额度"
EQUIPMENT = "Assets:1601固定资产:160102通用设备"
TREASURY = "Liabilities:2103应缴财政款"
DORM = "Liabilities:2103应缴财政款:210301住宿费"
DISPOSAL = "Liabilities:2103应缴财政款:210302国有资产处置收入"
PAYABLE = "Liabilities:2302应付账款"
AGENCY = "Liabilities:2307其他应付款:230701代收费"
BOOKS = "Liabilities:2307其他应付款:230701代收费:01作业本费"
AIDS = "Liabilities:2307其他应付款:230701代收费:02教辅资料费"
MEALS = "Liabilities:2307其他应付款:230702饭卡预存"
OPENING = "Equity:3001累计盈余"
GRANT = "Income:4001财政拨款收入"
SERVICE = "Income:4101事业收入"
RETURNED = "Income:4101事业收入:410101财政专户返还"
DORM_INCOME = "Income:4101事业收入:410103住宿费"
RENT = "Income:4605租金收入"
OTHER_INCOME = "Income:4609其他收入"
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
REPAIR = "Expenses:5001业务活动费用:500102商品和服务费用:30213维修费"

TREASURY_PAYEE = "青禾市明德区财政局非税收入汇缴专户"


def txn(date, narration, *postings, payee=None, flag="*", **meta):
    """One transaction; postings are (account, amount) pairs or a bare account (the rest)."""
    head = f"{date} {flag} " + (f'"{payee}" ' if payee else "") + f'"{narration}"'
    lines = [head] + [f'  {key}: "{value}"' for key, value in meta.items()]
    for posting in postings:
        if isinstance(posting, tuple):
            lines.append(f"  {posting[0]}  {posting[1]} CNY")
        else:
            lines.append(f"  {posting}")
    return "\n".join(lines) + "\n"


def collect(date, amount="450.00", account=DORM, bank=BASIC, item="住宿费", student="202001023"):
    return txn(date, f"收取{item} 2025年秋季学期", (bank, amount), (account, f"-{amount}"),
               item=item, student=student, **{"class": "六(1)班"})


def remit(date, amount, account=DORM, bank=BASIC, payee=TREASURY_PAYEE):
    return txn(date, "上缴住宿费至财政专户", (account, amount), (bank, f"-{amount}"), payee=payee)


def agency(date, amount, account=BOOKS, item="作业本费", student="202001023"):
    return txn(date, f"代收{item} 2025年秋季学期", (AGENCY_BANK, amount), (account, f"-{amount}"),
               item=item, student=student, **{"class": "六(1)班"})


def pay_provider(date, amount, account=BOOKS, payee="青禾市新华书店"):
    return txn(date, "支付作业本款", (account, amount), (AGENCY_BANK, f"-{amount}"), payee=payee)


def refund(date, amount, account=BOOKS, student="202001023"):
    return txn(date, "期末清退作业本费结余", (account, amount), (AGENCY_BANK, f"-{amount}"),
               student=student, **{"class": "六(1)班"})


def other(date, amount="120.00"):
    """An unrelated payment that only moves the ledger's last date forward."""
    return txn(date, "购办公用品", (OFFICE, amount), QUOTA, payee="明德区晨光文具店")


def pin(day) -> str:
    """The ledger's 评判日期 (`custom "as-of"`, xiaozhang/model/asof.py)."""
    return f'{day} custom "as-of" "评判日期"\n'


def run(*parts, policy="", as_of="last"):
    """Load the ledger; return [(code, line)] of all errors and the line each part starts at.
    The ledger is judged as of its last entry (a pin after the parts), unless `as_of` says
    another day (None: no pin, judged as of today)."""
    header = HEADER + policy
    if as_of == "last":
        as_of = max((part[:10] for part in parts), default=None)
    _entries, errors, _ = loader.load_string(header + "".join(parts) + (pin(as_of) if as_of else ""))
    starts, line = [], header.count("\n") + 1
    for part in parts:
        starts.append(line)
        line += part.count("\n")
    return [(str(error.message)[1:5], error.source["lineno"]) for error in errors], starts


def policy(*lines):
    return "".join(f'2025-08-25 custom "policy" {line}\n' for line in lines)


DAYS5 = policy('"remittance-days" 5')


# -- a clean term ----------------------------------------------------------------------------

def test_a_clean_term_of_fees_remittances_agency_fees_and_petty_cash():
    parts = [
        txn("2025-08-31", "期初余额（上年结转）", (BASIC, "186432.57"), (CASH, "1286.50"), OPENING),
        collect("2025-09-01"), collect("2025-09-01", student="202001034"),
        collect("2025-09-02", student="202001046"),
        agency("2025-09-01", "15.00"), agency("2025-09-01", "15.00", student="202001034"),
        agency("2025-09-01", "41.20", account=AIDS, item="教辅资料费"),
        remit("2025-09-05", "1350.00"),
        txn("2025-09-03", "从基本户提取备用金", (CASH, "1714.00"), (BASIC, "-1714.00")),
        txn("2025-09-04", "零星购办公用品", (OFFICE, "86.50"), (CASH, "-86.50"),
            payee="明德区晨光文具店"),
        txn("2025-09-10", "授权支付额度到账", (QUOTA, "90000.00"), (GRANT, "-90000.00"),
            payee="青禾市明德区财政局"),
        txn("2025-09-12", "门面租金（9月）", (BASIC, "3000.00"), (RENT, "-3000.00"),
            payee="明德区鑫源便利店"),
        pay_provider("2025-09-15", "24.00"),
        pay_provider("2025-09-15", "41.20", account=AIDS, payee="青禾市教辅书店"),
        txn("2025-10-16", "财政专户核拨返还住宿费 2025年秋季学期", (BASIC, "1350.00"),
            (RETURNED, "-1350.00"), payee="青禾市明德区财政局", item="住宿费"),
        refund("2026-01-10", "3.00"), refund("2026-01-10", "3.00", student="202001034"),
        other("2026-03-20"),
    ]
    assert run(*parts, policy=DAYS5)[0] == []


# -- TL01 ------------------------------------------------------------------------------------

def test_tl01_fees_credited_to_2103_and_treasury_returns_pass():
    parts = [collect("2025-09-01"), remit("2025-09-03", "450.00"),
             txn("2025-10-16", "财政专户核拨返还住宿费", (BASIC, "450.00"), (RETURNED, "-450.00"),
                 payee="青禾市明德区财政局", item="住宿费"),
             txn("2025-10-20", "门面租金", (BASIC, "3000.00"), (RENT, "-3000.00"))]
    assert run(*parts)[0] == []


def test_tl01_a_treasury_return_booked_to_plain_4101_passes():
    # DOMAIN §3.3: 财政专户核拨返还: Dr 1002 / Cr 4101 事业收入 (no 返还 sub-account needed)
    parts = [txn("2025-10-16", "财政专户核拨返还住宿费 2025年秋季学期", (BASIC, "37665.00"),
                 (SERVICE, "-37665.00"), payee="青禾市明德区财政局", item="住宿费")]
    assert run(*parts)[0] == []


def test_tl01_non_tax_fee_credited_to_income():
    by_item = txn("2025-09-01", "收取住宿费", (BASIC, "450.00"), (SERVICE, "-450.00"),
                  item="住宿费", student="202001023")
    by_account = txn("2025-09-02", "收取住宿费", (BASIC, "450.00"), (DORM_INCOME, "-450.00"))
    tuition = txn("2025-09-02", "收取高中学费", (BASIC, "1200.00"), (SERVICE, "-1200.00"),
                  item="学费")
    errors, at = run(by_item, by_account, tuition)
    assert errors == [("TL01", at[0]), ("TL01", at[1]), ("TL01", at[2])]


def test_tl01_items_named_by_2103_sub_accounts_are_non_tax():
    # 国有资产处置收入 is non-tax here because the school opened a 2103 sub-account for it
    sale = txn("2025-11-05", "出售报废电脑残值", (BASIC, "800.00"), (OTHER_INCOME, "-800.00"),
               item="国有资产处置收入")
    clean = txn("2025-11-05", "出售报废电脑残值", (BASIC, "800.00"), (DISPOSAL, "-800.00"),
                item="国有资产处置收入")
    errors, at = run(sale, clean, remit("2025-11-06", "800.00", account=DISPOSAL))
    assert errors == [("TL01", at[0])]


# -- TL02 ------------------------------------------------------------------------------------

def test_tl02_remittance_student_refund_and_reclassification_pass():
    parts = [collect("2025-09-01"), collect("2025-09-01", student="202001034"),
             txn("2025-09-02", "退住宿费（办理走读）", (DORM, "450.00"), (BASIC, "-450.00"),
                 student="202001034", **{"class": "六(1)班"}),
             txn("2025-09-03", "调整科目：误记住宿费的资产处置收入", (DORM, "100.00"),
                 (DISPOSAL, "-100.00")),
             remit("2025-09-04", "350.00"),
             txn("2025-09-04", "上缴国有资产处置收入", (DISPOSAL, "100.00"), (BASIC, "-100.00"),
                 payee="国家金库明德区支库")]
    assert run(*parts)[0] == []


def test_tl02_2103_used_for_anything_but_remittance():
    parts = [collect("2025-09-01", amount="2000.00"),
             txn("2025-09-02", "支付宿舍维修费", (DORM, "600.00"), (BASIC, "-600.00"),
                 payee="明德区安达水电维修部"),
             txn("2025-09-03", "退住宿费", (DORM, "450.00"), (BASIC, "-450.00")),  # to whom?
             txn("2025-09-04", "住宿费转事业收入", (DORM, "500.00"), (SERVICE, "-500.00")),
             remit("2025-09-05", "450.00")]
    errors, at = run(*parts)
    assert errors == [("TL02", at[1]), ("TL02", at[2]), ("TL02", at[3])]


def test_tl02_2103_paying_part_of_a_bill_is_still_sitting_spending():
    # Dr 2103 and Dr an expense, Cr the bank, paid to a repairer: 2103 money spent
    mixed = txn("2025-09-02", "支付宿舍维修费", (DORM, "300.00"), (REPAIR, "200.00"),
                (BASIC, "-500.00"), payee="明德区安达水电维修部")
    fee = txn("2025-09-03", "上缴住宿费（含汇款手续费）", (DORM, "150.00"), (OFFICE, "5.00"),
              (BASIC, "-155.00"), payee=TREASURY_PAYEE)
    errors, at = run(collect("2025-09-01"), mixed, fee)
    assert errors == [("TL02", at[1])]


# -- TL03 ------------------------------------------------------------------------------------

def test_tl03_agency_payments_and_transfers_from_collection_accounts_pass():
    parts = [agency("2025-09-01", "150.00"),
             txn("2025-09-01", "微信缴费住宿费", (WECHAT, "450.00"), (DORM, "-450.00"),
                 item="住宿费"),
             pay_provider("2025-09-10", "150.00"),
             remit("2025-09-11", "450.00", bank=WECHAT),
             txn("2025-09-12", "购办公用品", (OFFICE, "320.00"), (BASIC, "-320.00"))]
    assert run(*parts)[0] == []


def test_tl03_spending_straight_out_of_collections():
    parts = [
        agency("2025-09-01", "1500.00"),
        txn("2025-09-01", "微信缴费住宿费", (WECHAT, "4500.00"), (DORM, "-4500.00"), item="住宿费"),
        # the 代收费专户 pays an office bill
        txn("2025-09-02", "购办公用品", (OFFICE, "320.00"), (AGENCY_BANK, "-320.00")),
        # a sub-account of a collection account pays for equipment
        txn("2025-09-03", "购打印机", (EQUIPMENT, "2300.00"), (WECHAT, "-2300.00")),
        # a supplier's bill settled by crediting 代收费 directly
        txn("2025-09-04", "支付货款", (PAYABLE, "200.00"), (BOOKS, "-200.00")),
        # an expense charged to 2103 directly
        txn("2025-09-05", "宿舍维修费", (REPAIR, "600.00"), (DORM, "-600.00")),
        remit("2025-09-06", "2200.00", bank=WECHAT),
    ]
    errors, at = run(*parts)
    assert errors == [("TL03", at[2]), ("TL03", at[3]), ("TL03", at[4]), ("TL03", at[5])]


# -- TL04 ------------------------------------------------------------------------------------

def test_tl04_default_is_by_month_end_and_the_deadline_itself_passes():
    on_time = [collect("2025-09-03"), remit("2025-09-30", "450.00"), other("2025-10-15")]
    assert run(*on_time)[0] == []
    late = [collect("2025-09-03"), remit("2025-10-01", "450.00")]
    errors, at = run(*late)
    assert errors == [("TL04", at[0])]


def test_tl04_is_checked_only_as_far_as_the_ledger_goes():
    assert run(collect("2025-09-03"), other("2025-09-30"))[0] == []
    errors, at = run(collect("2025-09-03"), other("2025-10-01"))
    assert errors == [("TL04", at[0])]


def test_tl04_is_judged_on_the_pinned_day_after_the_last_entry():
    """The 评判日期 after the last entry: the deadline passed since is found (old behaviour:
    judged on the last entry's day only, nothing found)."""
    assert run(collect("2025-09-03"), as_of="2025-09-30")[0] == []
    errors, at = run(collect("2025-09-03"), as_of="2025-10-01")
    assert errors == [("TL04", at[0])]


def test_tl05_and_tl07_are_judged_by_today_without_a_pin():
    """Books that stopped 400 days ago: a year end and a term's settlement have passed since."""
    import datetime as dt
    days_ago = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    errors, at = run(collect(days_ago), agency(days_ago, "15.00"), as_of=None)
    assert errors == [("TL05", at[0]), ("TL07", at[1])]


def test_tl04_is_found_on_the_first_day_of_any_entry_after_the_deadline():
    """The walk reads only the transactions that move 2103, 代收费, cash or may be a flow
    (`books.index`), but its days are those of every transaction: an unrelated transfer is
    the day the overdue money is found."""
    parts = [collect("2025-09-03"),
             txn("2025-10-02", "收费专户划入基本户", (BASIC, "100.00"), FEE_BANK),
             txn("2025-10-05", "收费专户划入基本户", (BASIC, "100.00"), FEE_BANK)]
    _entries, errors, _ = loader.load_string(HEADER + "".join(parts) + pin("2025-10-05"))
    assert [e.message[:6] for e in errors] == ["[TL04]"]
    assert "最迟应于 2025-09-30 上缴财政，截至 2025-10-02 仍有 450.00 元超期未缴" in errors[0].message


def test_tl04_remittance_days():
    assert run(collect("2025-09-01"), remit("2025-09-06", "450.00"), policy=DAYS5)[0] == []
    errors, at = run(collect("2025-09-01"), remit("2025-09-07", "450.00"), policy=DAYS5)
    assert errors == [("TL04", at[0])]


def test_tl04_remittance_days_change_by_date():
    rules = policy('"remittance-days" 5') + '2025-10-01 custom "policy" "remittance-days" 1\n'
    assert run(collect("2025-09-01"), remit("2025-09-06", "450.00"),
               collect("2025-10-08"), remit("2025-10-09", "450.00"), policy=rules)[0] == []
    errors, at = run(collect("2025-10-08"), remit("2025-10-10", "450.00"), policy=rules)
    assert errors == [("TL04", at[0])]


def test_tl04_each_collection_found_late_is_reported_once_with_its_amount():
    """Old behaviour: one report per "spell" of overdue money (a second collection that fell
    late while the first was still unpaid went unreported).  Now every collection found late
    is reported once, at itself, with the amount newly overdue."""
    parts = [collect("2025-09-01"), collect("2025-09-08"), collect("2025-09-15"),
             collect("2025-09-22"), remit("2025-09-29", "450.00"),
             remit("2025-10-06", "1350.00"),  # all paid, late
             collect("2025-10-13"), remit("2025-10-31", "450.00")]  # late again
    errors, at = run(*parts, policy=DAYS5)
    assert errors == [("TL04", at[0]), ("TL04", at[1]), ("TL04", at[2]), ("TL04", at[3]),
                      ("TL04", at[6])]
    found = messages(*parts, policy=DAYS5)
    assert all("仍有 450.00 元超期未缴" in m for m in found)


def test_tl04_a_lag_of_one_collection_is_one_shortfall():
    """Weekly remittances that never empty the account: the 09-01 fee is late, and the
    account stays 450.00 behind until 09-20.  Old behaviour: a second report at the 09-11
    collection, which first in, first out made look late; the ledger cannot tell it from a
    school whose 09-11 fee was remitted on 09-12 and whose 09-01 fee was paid on 09-20."""
    parts = [collect("2025-09-01"), collect("2025-09-08"),
             remit("2025-09-10", "450.00"),
             collect("2025-09-11"),
             remit("2025-09-12", "450.00"),
             remit("2025-09-20", "450.00")]  # the last 450.00 behind: the shortfall cleared
    errors, at = run(*parts, policy=DAYS5)
    assert errors == [("TL04", at[0])]


def messages(*parts, policy="", as_of="last"):
    header = HEADER + policy
    if as_of == "last":
        as_of = max(part[:10] for part in parts)
    _entries, errors, _ = loader.load_string(header + "".join(parts) + (pin(as_of) if as_of else ""))
    return [error.message for error in errors]


# a school that once fell 450.00 behind and then remits every later month's fees on time
SHORT_SEPTEMBER = [collect("2025-09-01"), collect("2025-09-08", student="202001034"),
                   remit("2025-09-20", "450.00")]  # one of the two: 450.00 short
ON_TIME_LATER = [part for month in ("10", "11", "12") for part in (
    collect(f"2025-{month}-03", student="202001046"), remit(f"2025-{month}-10", "450.00"))] + [
    part for month in ("03", "04", "09") for part in (
        collect(f"2026-{month}-03", student="202001046"), remit(f"2026-{month}-10", "450.00"))]


def test_tl04_one_shortfall_is_reported_once_at_the_late_collection_not_at_later_ones():
    """Issue 19: first in, first out moved the September shortfall onto the last collection
    of every later month, so correct entries got errors.  Now: one TL04 at the collection
    that is late (09-08: the 09-20 remittance paid the older one), for 450.00, found on the
    first day after the deadline; the later collections, remitted in full, are clean (and the
    year end does not report the same 450.00 again)."""
    parts = SHORT_SEPTEMBER + ON_TIME_LATER
    errors, at = run(*parts)
    assert errors == [("TL04", at[1])]
    (found,) = messages(*parts)
    assert "住宿费 2025-09-08 收取，最迟应于 2025-09-30 上缴财政，截至 2025-10-03 仍有 450.00 元超期未缴" \
        in found


def test_tl04_the_correct_later_collections_alone_are_clean():
    assert run(*ON_TIME_LATER)[0] == []


def test_tl04_a_late_remittance_clears_the_shortfall_and_a_new_one_is_reported_again():
    """The 450.00 is paid late on 2025-11-20: nothing more is reported for it (its TL04
    stays, at the late collection).  A shortfall after that is new: reported at its own
    collection."""
    catch_up = remit("2025-11-20", "450.00")
    later = [collect("2026-03-03", student="202001046"), other("2026-04-02")]  # not remitted
    parts = SHORT_SEPTEMBER + ON_TIME_LATER[:4] + [catch_up] + later
    errors, at = run(*parts)
    assert errors == [("TL04", at[1]), ("TL04", at[-2])]
    # without the catch-up the March collection is still late on its own: 900.00 held, 450.00 new
    parts = SHORT_SEPTEMBER + ON_TIME_LATER[:4] + later
    errors, at = run(*parts)
    assert errors == [("TL04", at[1]), ("TL04", at[-2])]  # (no TL05 for the same 450.00)
    assert "截至 2026-04-02 仍有 450.00 元超期未缴" in messages(*parts)[-1]


def test_tl04_partial_remittances_report_the_part_that_is_short():
    parts = [collect("2025-09-01", amount="1000.00"), remit("2025-09-20", "600.00"),  # 400 short
             collect("2025-10-03", amount="1000.00"), remit("2025-10-10", "1000.00"),  # on time
             collect("2025-11-03", amount="1000.00"), remit("2025-11-10", "700.00"),  # 300 short
             other("2025-12-05")]
    errors, at = run(*parts)
    assert errors == [("TL04", at[0]), ("TL04", at[4])]
    found = messages(*parts)
    assert "2025-09-01 收取" in found[0] and "仍有 400.00 元超期未缴" in found[0]
    assert "2025-11-03 收取" in found[1] and "仍有 300.00 元超期未缴" in found[1]


def test_tl04_several_2103_sub_accounts_keep_their_own_shortfall():
    """A shortfall on 住宿费 is not moved onto 国有资产处置收入 collections remitted on time,
    even when the remittance is booked to the parent 2103 account."""
    parts = SHORT_SEPTEMBER + [
        txn("2025-10-08", "出售报废电脑残值", (BASIC, "800.00"), (DISPOSAL, "-800.00"),
            item="国有资产处置收入"),
        remit("2025-10-09", "800.00", account=TREASURY),  # the parent: pays the 800.00
        txn("2025-11-05", "出售报废课桌椅残值", (BASIC, "300.00"), (DISPOSAL, "-300.00"),
            item="国有资产处置收入"),
        remit("2025-11-06", "300.00", account=DISPOSAL),
        other("2025-12-05")]
    errors, at = run(*parts)
    assert errors == [("TL04", at[1])]
    # a shortfall on the other sub-account is its own
    parts[-2] = remit("2025-11-06", "100.00", account=DISPOSAL)
    errors, at = run(*parts)
    assert errors == [("TL04", at[1]), ("TL04", at[-3])]


def test_tl04_a_collection_whose_deadline_is_still_ahead_on_the_as_of_date_is_not_late():
    parts = SHORT_SEPTEMBER + [collect("2025-10-20", student="202001046")]
    errors, at = run(*parts, as_of="2025-10-31")  # its deadline is the 31st: not yet late
    assert errors == [("TL04", at[1])]
    errors, at = run(*parts, as_of="2025-11-01")
    assert errors == [("TL04", at[1]), ("TL04", at[3])]


def test_tl04_remittance_booked_to_the_parent_2103_account():
    parts = [collect("2025-09-01"), remit("2025-09-03", "450.00", account=TREASURY),
             other("2025-10-20")]
    assert run(*parts, policy=DAYS5)[0] == []


# -- TL05 ------------------------------------------------------------------------------------

def test_tl05_2103_is_zero_at_year_end():
    days30 = policy('"remittance-days" 30')
    assert run(collect("2025-12-20"), remit("2025-12-31", "450.00"), other("2026-01-05"),
               policy=days30)[0] == []
    errors, at = run(collect("2025-12-20"), remit("2026-01-05", "450.00"), policy=days30)
    assert errors == [("TL05", at[0])]


def test_tl05_only_for_years_the_ledger_has_passed():
    days30 = policy('"remittance-days" 30')
    assert run(collect("2025-12-20"), other("2025-12-30"), policy=days30)[0] == []
    errors, at = run(collect("2025-12-20"), other("2025-12-31"), policy=days30)
    assert errors == [("TL05", at[0])]


def test_tl05_is_not_repeated_as_tl04():
    errors, at = run(collect("2025-12-20"), other("2026-01-05"))  # by month-end and by year-end
    assert errors == [("TL05", at[0])]


# -- TL06 ------------------------------------------------------------------------------------

def test_tl06_agency_fee_balance_moved_to_income():
    parts = [agency("2025-09-01", "1500.00"), pay_provider("2025-09-20", "1420.00"),
             txn("2025-09-30", "作业本费结余转其他收入", (BOOKS, "80.00"), (OTHER_INCOME, "-80.00"))]
    errors, at = run(*parts)
    assert errors == [("TL06", at[2])]


def test_tl06_agency_fee_item_booked_as_income():
    wrong = txn("2025-09-01", "收取作业本费", (BASIC, "15.00"), (SERVICE, "-15.00"),
                item="作业本费", student="202001023")
    right = agency("2025-09-01", "15.00")
    errors, at = run(wrong, right)
    assert errors == [("TL06", at[0])]


def test_tl06_meal_card_deposits_are_not_agency_fees():
    parts = [txn("2025-09-01", "饭卡充值", (BASIC, "300.00"), (MEALS, "-300.00")),
             txn("2025-09-30", "9月就餐确认伙食费收入", (MEALS, "280.00"), (SERVICE, "-280.00"))]
    assert run(*parts)[0] == []


# -- TL07 ------------------------------------------------------------------------------------

def test_tl07_default_term_ends_jan_31_and_jul_31():
    # fall term ends 2026-01-31 by default; settle-days 30 → settled by 2026-03-02
    base = [agency("2025-09-01", "1500.00"), pay_provider("2025-12-20", "1200.00")]
    assert run(*base, refund("2026-03-02", "300.00"), other("2026-04-01"))[0] == []
    errors, at = run(*base, refund("2026-03-03", "300.00"))
    assert errors == [("TL07", at[0])]
    # spring term: collected 2026-03-01, ends 2026-07-31, due 2026-08-30
    spring = [agency("2026-03-01", "1500.00"), pay_provider("2026-06-20", "1500.00")]
    assert run(*spring, other("2026-09-10"))[0] == []
    errors, at = run(agency("2026-03-01", "1500.00"), other("2026-08-31"))
    assert errors == [("TL07", at[0])]


def test_tl07_configured_term_end_and_settle_days():
    terms = policy('"settle-days" 10') + '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
    base = [agency("2025-09-01", "1500.00"), pay_provider("2025-12-20", "1200.00")]
    assert run(*base, refund("2026-01-26", "300.00"), other("2026-03-01"), policy=terms)[0] == []
    errors, at = run(*base, refund("2026-01-27", "300.00"), policy=terms)
    assert errors == [("TL07", at[0])]
    # with term-end configured the default 1-31 term end does not apply
    assert run(agency("2026-01-20", "15.00"), other("2026-03-15"), policy=terms)[0] == []


def test_tl07_reports_only_the_unsettled_item_and_not_the_next_terms_collections():
    terms = '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
    parts = [agency("2025-09-01", "1500.00"),
             agency("2025-09-01", "412.00", account=AIDS, item="教辅资料费"),
             pay_provider("2025-12-20", "1500.00"),
             agency("2026-02-25", "1500.00"),  # spring collection, not due at the fall term end
             pay_provider("2026-02-27", "412.00", account=AIDS),  # too late
             other("2026-03-01")]
    errors, at = run(*parts, policy=terms)
    assert errors == [("TL07", at[1])]


def test_tl07_each_term_left_unsettled_is_reported():
    terms = ('2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
             '2026-07-03 custom "policy" "term-end" "2026年春季学期"\n')
    parts = [agency("2025-09-01", "1500.00"), agency("2026-03-01", "1500.00"),
             other("2026-08-10")]
    errors, at = run(*parts, policy=terms)
    assert errors == [("TL07", at[0]), ("TL07", at[1])]


def test_tl07_the_same_unsettled_money_is_reported_once():
    # 15.00 from the fall term is never refunded; spring's own collections are settled in
    # full: the fall residue is not reported again at the spring term end
    terms = ('2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
             '2026-07-03 custom "policy" "term-end" "2026年春季学期"\n')
    parts = [agency("2025-09-01", "1500.00"), agency("2025-12-15", "15.00", student="202503099"),
             pay_provider("2025-12-20", "1500.00"),
             agency("2026-03-01", "1500.00"), pay_provider("2026-06-20", "1500.00"),
             other("2026-08-10")]
    errors, at = run(*parts, policy=terms)
    assert errors == [("TL07", at[1])]


def test_tl07_settlement_booked_to_the_parent_agency_account():
    parts = [agency("2025-09-01", "1500.00"), agency("2025-09-01", "412.00", account=AIDS),
             pay_provider("2025-12-20", "1912.00", account=AGENCY), other("2026-03-15")]
    assert run(*parts)[0] == []


def test_tl07_provider_paid_before_the_collection():
    parts = [pay_provider("2025-08-28", "1500.00"), agency("2025-09-01", "1500.00"),
             other("2026-03-15")]
    assert run(*parts)[0] == []


# -- TL08 ------------------------------------------------------------------------------------

LIMIT = policy('"cash-limit" 5000.00 CNY')
FLOAT = txn("2025-08-31", "期初余额", (CASH, "1286.50"), (BASIC, "2000.00"), OPENING)


def cash_in(date, amount, narration="收取零星现金"):
    return txn(date, narration, (CASH, amount), (OTHER_INCOME, f"-{amount}"))


def bank_it(date, amount):
    return txn(date, "现金解缴银行", (BASIC, amount), (CASH, f"-{amount}"))


def test_tl08_an_intraday_excursion_is_allowed():
    parts = [FLOAT, cash_in("2025-09-05", "4800.00"), bank_it("2025-09-05", "4800.00"),
             other("2025-09-06")]
    assert run(*parts, policy=LIMIT)[0] == []


def test_tl08_end_of_day_over_the_limit_once_per_spell():
    parts = [FLOAT, cash_in("2025-09-05", "4800.00"),
             cash_in("2025-09-06", "100.00"),  # still over: the same spell
             bank_it("2025-09-08", "4900.00"),
             cash_in("2025-09-10", "3000.00"), cash_in("2025-09-10", "1000.00"),  # a new spell
             bank_it("2025-09-11", "4000.00")]
    errors, at = run(*parts, policy=LIMIT)
    assert errors == [("TL08", at[1]), ("TL08", at[5])]


def test_tl08_reports_the_entry_that_took_the_balance_over():
    parts = [FLOAT, cash_in("2025-09-05", "3000.00"),
             cash_in("2025-09-05", "2000.00"),  # 6286.50: over from here
             cash_in("2025-09-05", "50.00"), bank_it("2025-09-06", "5050.00")]
    errors, at = run(*parts, policy=LIMIT)
    assert errors == [("TL08", at[2])]


def test_tl08_default_limit_is_5000():
    assert run(FLOAT, cash_in("2025-09-05", "3713.50"), other("2025-09-06"))[0] == []
    errors, at = run(FLOAT, cash_in("2025-09-05", "3713.51"), other("2025-09-06"))
    assert errors == [("TL08", at[1])]


def test_tl08_lowering_the_limit_below_the_cash_held_is_reported_at_the_directive():
    # 4286.50 held since 09-05; the limit falls to 3000 on 09-10, a day without a transaction
    lower = '2025-09-10 custom "policy" "cash-limit" 3000.00 CNY\n'
    parts = [FLOAT, cash_in("2025-09-05", "3000.00"), other("2025-09-20")]
    errors, _ = run(*parts, policy=LIMIT + lower)
    assert errors == [("TL08", HEADER.count("\n") + 2)]  # the lowering directive
    # the cash banked before the limit falls: nothing to report
    parts = [FLOAT, cash_in("2025-09-05", "3000.00"), bank_it("2025-09-08", "3000.00"),
             other("2025-09-20")]
    assert run(*parts, policy=LIMIT + lower)[0] == []


def test_tl08_a_lowered_limit_after_the_last_entry_is_checked_up_to_the_as_of_date():
    lower = '2025-09-10 custom "policy" "cash-limit" 3000.00 CNY\n'
    parts = [FLOAT, cash_in("2025-09-05", "3000.00")]
    assert run(*parts, policy=LIMIT + lower)[0] == []  # judged on 09-05: still within
    errors, _ = run(*parts, policy=LIMIT + lower, as_of="2025-09-30")
    assert errors == [("TL08", HEADER.count("\n") + 2)]


def test_tl08_cash_held_over_the_limit_day_after_day_is_one_report_naming_the_first_day():
    parts = [FLOAT, cash_in("2025-09-05", "4000.00"), other("2025-09-08"), other("2025-09-09")]
    entries, errors, _ = loader.load_string(HEADER + LIMIT + "".join(parts) + pin("2025-09-30"))
    assert len(errors) == 1 and errors[0].message.startswith("[TL08]")
    assert "2025-09-05" in errors[0].message and "超出 286.50 元" in errors[0].message


def test_tl08_a_zero_or_negative_limit_is_a_policy_error_and_the_check_stays_on():
    first = HEADER.count("\n") + 1
    for bad in ("0.00 CNY", "-100.00 CNY"):
        errors, at = run(FLOAT, cash_in("2025-09-05", "3713.51"), other("2025-09-06"),
                         policy=policy(f'"cash-limit" {bad}'))
        assert errors == [("PL03", first), ("TL08", at[1])]  # the default 5000 still applies
    assert run(FLOAT, other("2025-09-06"), policy=policy('"cash-limit" 0.01 CNY'))[0] == [
        ("TL08", HEADER.count("\n") + 2)]


def test_remittance_days_set_back_to_the_month_end_default():
    parts = [collect("2026-01-03"), remit("2026-01-20", "450.00")]
    errors, at = run(*parts, policy=DAYS5)  # 5 days: late
    assert errors == [("TL04", at[0])]
    back = DAYS5 + '2026-01-01 custom "policy" "remittance-days" "默认"\n'
    assert run(*parts, policy=back)[0] == []  # by the end of January again


# -- policy: term-end and settle-days --------------------------------------------------------

def test_term_end_and_settle_days_policies_are_checked():
    good = ('2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
            '2026-07-03 custom "policy" "term-end"\n'
            '2025-08-25 custom "policy" "settle-days" 15\n')
    assert run(policy=good)[0] == []
    bad = ('2025-08-25 custom "policy" "settle-days" "三十天"\n'
           '2025-08-26 custom "policy" "settle-days" 2.5\n'
           '2026-01-16 custom "policy" "term-end" "2025年秋季学期" "2026年春季学期"\n'
           '2026-01-17 custom "policy" "term-end" 2026-01-16\n')
    first = HEADER.count("\n") + 1
    assert run(policy=bad)[0] == [("PL03", first), ("PL03", first + 1), ("PL03", first + 2),
                                  ("PL03", first + 3)]


def test_tl01_a_generic_2103_sub_account_does_not_make_every_other_income_a_fee():
    # a school that opens 2103…其他 must still be able to book 4609其他收入 (interest, scrap sales)
    generic = "2015-01-01 open Liabilities:2103应缴财政款:210399其他 CNY\n"
    income = txn("2025-11-05", "收到捐赠", (BASIC, "300.00"), (OTHER_INCOME, "-300.00"))
    errors, _ = run(income, policy=generic)
    assert errors == []


# -- TL09 / TL10: 代收费 paid only to the item's provider, or refunded ---------------------------

def fee_item(name, account, provider=None, date="2025-08-25"):
    lines = [f'{date} custom "fee" "{name}" "代收" 15.00 CNY', '  unit: "元/生·学期"', '  scope: "全校"',
             '  basis: "青发改收费〔2024〕18号"', "  voluntary: FALSE", '  settlement: "多退少不补"',
             f'  account: "{account}"']
    if provider:
        lines.append(f'  provider: "{provider}"')
    return "\n".join(lines) + "\n"


ITEMS = fee_item("作业本费", BOOKS, "青禾市新华书店") + fee_item("教辅资料费", AIDS, "青禾市教辅书店")
CANTEEN_SUPPLIER = "明德区惠民生鲜超市"


def test_tl09_agency_fees_paid_to_the_provider_or_refunded_pass():
    parts = [agency("2025-09-01", "150.00"), agency("2025-09-01", "60.00", account=AIDS, item="教辅资料费"),
             pay_provider("2025-09-10", "120.00"),
             pay_provider("2025-09-10", "50.00", account=AIDS, payee="青禾市教辅书店"),
             refund("2025-12-20", "30.00"),  # 期末清退 to the student
             txn("2025-12-20", "教辅资料费期末清退", (AIDS, "10.00"), (AGENCY_BANK, "-10.00"),
                 payee="六(1)班学生家长", refund_each="1.00", **{"class": "六(1)班"}),
             txn("2025-12-21", "作业本费调整至教辅资料费", (BOOKS, "5.00"), (AIDS, "-5.00"))]
    assert run(*parts, policy=ITEMS)[0] == []


def test_tl09_agency_fees_paid_to_a_canteen_supplier():
    """Issue 19: 代收费 paid to someone other than the item's provider was not flagged."""
    wrong = pay_provider("2025-09-12", "80.00", payee=CANTEEN_SUPPLIER)
    nobody = txn("2025-09-13", "支付作业本款", (BOOKS, "20.00"), (AGENCY_BANK, "-20.00"))  # no payee
    parent = pay_provider("2025-09-14", "30.00", account=AGENCY, payee=CANTEEN_SUPPLIER)
    parts = [agency("2025-09-01", "150.00"), wrong, nobody, parent,
             pay_provider("2025-09-15", "20.00", account=AGENCY)]  # the parent, to a provider: fine
    errors, at = run(*parts, policy=ITEMS)
    assert errors == [("TL09", at[1]), ("TL09", at[2]), ("TL09", at[3])]
    found = messages(*parts, policy=ITEMS)
    assert "代收费 作业本费 的款项 80.00 元付给了“明德区惠民生鲜超市”，不是该项目的提供方 “青禾市新华书店”" \
        in found[0]
    assert "没有写收款方" in found[1]
    assert "作业本费、教辅资料费" in found[2]
    # without the fee definitions there is nothing to check against (the fee rule, FE02)
    assert run(*parts)[0] == []


def test_tl09_follows_the_provider_in_force_on_the_day():
    change = fee_item("作业本费", BOOKS, "青禾市文华纸品公司", date="2026-02-01")
    parts = [agency("2025-09-01", "150.00"), pay_provider("2025-09-10", "50.00"),
             pay_provider("2026-02-10", "50.00"),  # the old provider after the change
             pay_provider("2026-02-11", "50.00", payee="青禾市文华纸品公司")]
    errors, at = run(*parts, policy=ITEMS + change)
    assert errors == [("TL09", at[2])]


def test_tl10_an_item_without_a_provider_cannot_be_checked_and_says_so_once():
    items = fee_item("作业本费", BOOKS) + fee_item("教辅资料费", AIDS, "青禾市教辅书店")
    parts = [agency("2025-09-01", "150.00"), pay_provider("2025-09-10", "50.00"),
             pay_provider("2025-09-11", "50.00", payee=CANTEEN_SUPPLIER),
             refund("2025-12-20", "50.00")]
    errors, at = run(*parts, policy=items)
    assert errors == [("TL10", at[1])]
    assert "作业本费" in messages(*parts, policy=items)[0]


# -- blind spots: a state that starts out wrong, a setting that switches a check off -------------

def test_opening_balances_that_start_out_wrong_are_reported_like_any_receipt():
    """Balances carried in from before the books are receipts on the opening day: 2103 must be
    remitted by its deadline, 代收费 settled at the term's end, cash within the limit."""
    opening = txn("2025-08-31", "期初余额（上年结转）", (BASIC, "20000.00"), (CASH, "1200.00"),
                  (DORM, "-1350.00"), (BOOKS, "-300.00"), OPENING)
    settled = [remit("2025-09-05", "1350.00"), pay_provider("2025-09-20", "300.00"),
               other("2026-03-15")]
    assert run(opening, *settled, policy=DAYS5)[0] == []
    errors, at = run(opening, other("2025-09-10"), other("2026-03-15"), policy=DAYS5)
    assert errors == [("TL04", at[0]), ("TL07", at[0])]
    too_much_cash = txn("2025-08-31", "期初余额（上年结转）", (BASIC, "20000.00"), (CASH, "8000.00"),
                        OPENING)
    errors, at = run(too_much_cash, other("2025-09-01"))
    assert errors == [("TL08", at[0])]


def test_remittance_days_zero_means_the_same_day():
    days0 = policy('"remittance-days" 0')
    assert run(collect("2025-09-01"), remit("2025-09-01", "450.00"), other("2025-09-02"),
               policy=days0)[0] == []
    errors, at = run(collect("2025-09-01"), remit("2025-09-02", "450.00"), policy=days0)
    assert errors == [("TL04", at[0])]


def test_a_negative_remittance_days_is_refused_and_the_default_still_applies():
    first = HEADER.count("\n") + 1
    errors, at = run(collect("2025-09-03"), other("2025-10-01"), policy=policy('"remittance-days" -5'))
    assert errors == [("PL03", first), ("TL04", at[0])]  # by the month's end, the default


def test_tl11_a_remittance_or_settle_days_that_switches_the_check_off():
    first = HEADER.count("\n") + 1
    lenient = policy('"remittance-days" 365', '"settle-days" 400')
    parts = [collect("2025-09-03"), agency("2025-09-03", "15.00"), other("2026-04-01")]
    errors, at = run(*parts, policy=lenient)
    # said at the directives; the year end still finds the 2103 money (TL05)
    assert errors == [("TL11", first), ("TL11", first + 1), ("TL05", at[0])]
    assert run(collect("2025-09-03"), remit("2025-10-03", "450.00"),
               policy=policy('"remittance-days" 31', '"settle-days" 60'))[0] == []


def test_tl11_a_term_end_left_out_is_reported_at_the_first_agency_fee_of_the_long_term():
    fall = '2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n'
    spring = '2026-07-03 custom "policy" "term-end" "2026年春季学期"\n'
    parts = [other("2025-12-01"), agency("2026-03-02", "15.00"), other("2026-10-31")]
    # spring's end left out and the books run on 288 days after the last term-end: said once,
    # by the policy rule at that term-end (PL03), not again here
    errors, at = run(*parts, policy=fall)
    assert errors == [("PL03", HEADER.count("\n") + 1)]
    # a term-end left out between two others: a "term" of 364 days
    later = '2027-01-15 custom "policy" "term-end" "2026年秋季学期"\n'
    errors, at = run(*parts, policy=fall + later)
    assert errors == [("TL11", at[1])]
    assert "所属学期自 2026-01-17 起到 2027-01-15 已 364 天没有学期结束" in \
        messages(*parts, policy=fall + later)[0]
    errors, at = run(*parts, policy=fall + spring)  # with it, TL07 does its work
    assert errors == [("TL07", at[1])]
    assert run(other("2025-12-01"), agency("2026-03-02", "15.00"), pay_provider("2026-06-20", "15.00"),
               other("2026-10-31"), policy=fall + spring)[0] == []


# -- the usual collection, read once per index mask (xiaozhang/model/treasury.py, `_plan`) ----

def test_collections_in_several_postings_or_in_another_order_are_each_a_receipt():
    """A transaction of the usual collection's accounts (bank debit, one 2103 or 代收费 item
    credited) is read for its postings on the item: a collection booked in two postings on
    the item is two receipts, the item's posting may come first, a zero posting is none."""
    split = txn("2025-09-02", "收取住宿费（两笔）", (BASIC, "300.00"), (DORM, "-100.00"),
                (DORM, "-200.00"), item="住宿费", student="202001024", **{"class": "六(1)班"})
    reversed_ = txn("2025-09-03", "收取住宿费", (DORM, "-50.00"), (BASIC, "50.00"),
                    item="住宿费", student="202001025", **{"class": "六(1)班"})
    zero = txn("2025-09-03", "收取住宿费（免交）", (BASIC, "50.00"), (DORM, "0.00"), (DORM, "-50.00"),
               item="住宿费", student="202001026", **{"class": "六(1)班"})
    books_split = txn("2025-09-04", "代收作业本费（两笔）", (AGENCY_BANK, "30.00"), (BOOKS, "-10.00"),
                      (BOOKS, "-20.00"), item="作业本费", student="202001024", **{"class": "六(1)班"})
    parts = [collect("2025-09-01"), split, reversed_, zero, agency("2025-09-04", "15.00"), books_split,
             remit("2025-09-05", "450.00"), pay_provider("2025-12-20", "15.00"), other("2026-03-15")]
    errors, at = run(*parts, policy=DAYS5)
    # 2103: the 09-01 fee is remitted on time; 09-02 (300.00 in two postings, due 09-07) and
    # 09-03 (50.00, and 50.00 beside a zero posting, due 09-08) are found late together on
    # the next day with an entry (12-20): 400.00 at 09-02, not again at the year end (TL05).
    # 代收费: 15.00 + 30.00 (two postings) collected, 15.00 paid: 30.00 unsettled, at 09-04
    assert errors == [("TL04", at[1]), ("TL07", at[5])]
    found = messages(*parts, policy=DAYS5)
    assert "截至 2025-12-20 仍有 400.00 元超期未缴" in found[0]
    assert "仍有 30.00 元未结清" in found[1]
