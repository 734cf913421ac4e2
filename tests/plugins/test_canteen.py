"""Canteen rules (plugins/canteen.py): each rule passes a clean case and flags a bad one,
at the line of the offending entry."""

from __future__ import annotations

import textwrap

import pytest
from beancount import loader
from school import SCHOOL_PROFILE, pinned

BANK = "Assets:1002银行存款:100202食堂结算户"
SCHOOL_BANK = "Assets:1002银行存款:100201基本户"
CASH = "Assets:1001库存现金"
STOCK = "Assets:1302库存物品:130201食堂食材"
RICE = f"{STOCK}:13020101米面油"
MEAT = f"{STOCK}:13020102肉禽蛋"
VEG = f"{STOCK}:13020103蔬菜"
PAYABLE = "Liabilities:2302应付账款:230201食堂应付货款"
CARDS = "Liabilities:2307其他应付款:230702饭卡预存"
STAFF_CARDS = "Liabilities:2307其他应付款:230703教职工饭卡预存"
EQUITY = "Equity:3001累计盈余:300101食堂伙食结余"
INCOME = "Income:4101事业收入:410102伙食费收入"
STAFF_INCOME = "Income:4101事业收入:410104教职工伙食费收入"
OTHER_INCOME = "Income:4609其他收入:460901食堂其他收入"
COST = "Expenses:5001业务活动费用:500106食堂伙食成本"
RICE_COST = f"{COST}:01食材:0101米面油"
MEAT_COST = f"{COST}:01食材:0102肉禽蛋"
VEG_COST = f"{COST}:01食材:0103蔬菜"
FUEL = f"{COST}:02燃料水电"
LABOUR = f"{COST}:03人工"
SCHOOL_POWER = "Expenses:5001业务活动费用:500102商品和服务费用:30206电费"

PLUGINS = 'plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.canteen"\n'
ACCOUNTS = f"""\
2020-01-01 open {BANK}
  canteen: TRUE
2020-01-01 open {SCHOOL_BANK}
2020-01-01 open {CASH}
2020-01-01 open {STOCK}
  canteen: TRUE
2020-01-01 open {RICE}
2020-01-01 open {MEAT}
2020-01-01 open {VEG}
2020-01-01 open {PAYABLE}
  canteen: TRUE
2020-01-01 open {CARDS}
  canteen: TRUE
2020-01-01 open {STAFF_CARDS}
  canteen: TRUE
2020-01-01 open {EQUITY}
  canteen: TRUE
2020-01-01 open {INCOME}
  canteen: TRUE
2020-01-01 open {STAFF_INCOME}
  canteen: TRUE
2020-01-01 open {OTHER_INCOME}
  canteen: TRUE
2020-01-01 open {COST}
  canteen: TRUE
2020-01-01 open {RICE_COST}
2020-01-01 open {MEAT_COST}
2020-01-01 open {VEG_COST}
2020-01-01 open {FUEL}
2020-01-01 open {LABOUR}
2020-01-01 open {SCHOOL_POWER}
"""
SUPPLIERS = textwrap.dedent("""\
    2025-08-20 custom "supplier" "青禾市丰源粮油贸易有限公司"
      goods: "米面油"
      licence: "91430702MA4L3K8X2R"
      licence_expiry: "长期"
      food_licence: "JY14307020031245"
      food_licence_expiry: 2025-10-31
      contract: "HT2025SC01"
      contract_start: 2025-08-25
      contract_end: 2026-08-24
    2025-10-28 custom "supplier" "青禾市丰源粮油贸易有限公司"
      goods: "米面油"
      licence: "91430702MA4L3K8X2R"
      licence_expiry: "长期"
      food_licence: "JY14307020058812"
      food_licence_expiry: 2030-10-27
      contract: "HT2025SC01"
      contract_start: 2025-08-25
      contract_end: 2026-08-24
    2025-08-20 custom "supplier" "青禾市鲜达农副产品配送有限公司"
      goods: "肉禽蛋"
      licence: "91430702MA4M0P7Q5T"
      licence_expiry: 2025-12-31
      food_licence: "JY14307020044310"
      food_licence_expiry: 2029-06-30
      contract: "HT2025SC02"
      contract_start: 2025-08-25
      contract_end: 2026-08-24
    """)
POLICY = textwrap.dedent("""\
    2025-08-25 custom "policy" "canteen-surplus-cap" 8
    2025-08-25 custom "policy" "canteen-bulk-threshold" 1000.00 CNY
    2026-01-16 custom "policy" "term-end" "2025年秋季学期"
    """)
HEADER = PLUGINS + SCHOOL_PROFILE + POLICY + ACCOUNTS + SUPPLIERS


def txn(date, narration, *postings, payee=None, flag="*", **meta):
    head = f'{date} {flag} "{payee}" "{narration}"' if payee else f'{date} {flag} "{narration}"'
    lines = [head] + [f"  {key}: {value}" for key, value in meta.items() if value is not None]
    lines += [f"  {account}  {amount} CNY" for account, amount in postings]
    return "\n".join(lines) + "\n\n"


def delivery(date="2025-09-01", amount="3860.00", account=RICE, supplier="青禾市丰源粮油贸易有限公司",
             inspector='"郑凯,马丽"', invoice='"25431000000012345678"', source=PAYABLE, **meta):
    return txn(date, "食堂食材入库", (account, amount), (source, f"-{amount}"), payee=supplier,
               supplier=f'"{supplier}"', inspector=inspector, invoice=invoice, **meta)


def issue(date="2025-09-05", amount="3860.00", stock=RICE, cost=RICE_COST, **meta):
    meta.setdefault("issue_slip", '"LL-2025-09-01"')
    return txn(date, "领料出库", (cost, amount), (stock, f"-{amount}"), **meta)


def count(date, account, amount):
    return f'{date} custom "stocktake" {account} {amount} CNY\n  counted_by: "黄海燕,马丽"\n\n'


def check(*parts):
    """Load HEADER + parts; return [(code, line)] of the errors (lines counted in the text)."""
    _entries, errors, _ = loader.load_string(pinned(HEADER + "".join(parts)))
    return [(error.message[1:5], error.source["lineno"]) for error in errors]


def messages(*parts):
    _entries, errors, _ = loader.load_string(pinned(HEADER + "".join(parts)))
    return [error.message for error in errors]


def line_of(index, *parts):
    """The line at which the index-th part starts."""
    return HEADER.count("\n") + sum(p.count("\n") for p in parts[:index]) + 1


# A clean month: top-up, meals, a delivery, an issue, fuel, wages, the stocktake.
CLEAN_MONTH = [
    txn("2025-09-01", "饭卡充值汇总（一卡通系统）", (BANK, "7000.00"), (CARDS, "-7000.00"),
        card_batch='"饭卡-充值-2025-09-01"', records=40, cards=40),
    txn("2025-09-01", "教职工饭卡充值汇总", (BANK, "500.00"), (STAFF_CARDS, "-500.00")),
    delivery(),
    txn("2025-09-02", "就餐消费汇总，确认伙食费收入（一卡通系统）", (CARDS, "6500.00"),
        (INCOME, "-6500.00"), records=1000, cards=1000),
    txn("2025-09-02", "教职工就餐消费汇总", (STAFF_CARDS, "480.00"), (STAFF_INCOME, "-480.00"),
        records=60, cards=60),
    issue(amount="3500.00"),
    txn("2025-09-20", "9月食堂燃气费", (FUEL, "420.00"), (BANK, "-420.00"), payee="青禾华润燃气有限公司",
        invoice='"25431000000099999999"'),
    txn("2025-09-26", "9月食堂从业人员工资", (LABOUR, "2300.00"), (BANK, "-2300.00")),
    count("2025-09-30", RICE, "360.00"),
]


def test_a_clean_month_passes():
    assert check(*CLEAN_MONTH) == []


def test_no_canteen_marks_is_reported_not_passed():
    text = HEADER.replace("  canteen: TRUE\n", "")
    _entries, errors, _ = loader.load_string(text)
    assert [(e.message[1:5], e.source["lineno"]) for e in errors] == [
        ("CT12", text.splitlines().index(f"2020-01-01 open {BANK}") + 1)]


# -- CT01 separate books ------------------------------------------------------------------

def test_ct01_school_money_paying_a_canteen_cost():
    bad = txn("2025-09-20", "学校基本户代付食堂燃气费", (FUEL, "420.00"), (SCHOOL_BANK, "-420.00"),
              invoice='"1"')
    assert check(bad) == [("CT01", line_of(0, bad))]


def test_ct01_both_sides_balanced_is_fine():
    # the school advances the gas bill; each side balances through its own 往来 account
    ok = txn("2025-09-20", "学校代付食堂燃气费，食堂挂应付", (FUEL, "420.00"), (PAYABLE, "-420.00"),
             ("Assets:1218其他应收款", "420.00"), (SCHOOL_BANK, "-420.00"), invoice='"1"')
    opened = '2020-01-01 open Assets:1218其他应收款\n'
    assert check(opened, ok) == []


def test_sub_accounts_inherit_the_mark():
    bad = txn("2025-09-20", "学校付款记入食堂食材", (RICE, "100.00"), (SCHOOL_BANK, "-100.00"))
    assert ("CT01", line_of(0, bad)) in check(bad)


# -- CT02 meal income only from cards -------------------------------------------------------

def test_ct02_cash_meal_sales():
    bad = txn("2025-09-03", "收现金餐费", (BANK, "80.00"), (STAFF_INCOME, "-80.00"))
    assert check(bad) == [("CT02", line_of(0, bad))]


def test_ct02_school_cash_into_meal_income_is_reported_once():
    bad = txn("2025-09-03", "现金售饭", (CASH, "80.00"), (INCOME, "-80.00"))
    assert check(bad) == [("CT02", line_of(0, bad))]  # not also CT01: one problem, the specific one


def test_ct02_staff_meals_apart_from_student_meals():
    topup = txn("2025-09-01", "充值", (BANK, "500.00"), (CARDS, "-500.00"))
    bad = txn("2025-09-02", "教职工就餐", (CARDS, "48.00"), (STAFF_INCOME, "-48.00"))
    good = txn("2025-09-02", "学生就餐", (CARDS, "65.00"), (INCOME, "-65.00"))
    assert check(topup, bad, good) == [("CT02", line_of(1, topup, bad))]
    assert "学生与教职工" in messages(topup, bad)[0]


def test_other_income_may_arrive_in_the_bank():
    ok = txn("2025-09-21", "结息", (BANK, "12.30"), (OTHER_INCOME, "-12.30"))
    assert check(ok) == []


# -- CT03 / CT04 surplus rate -----------------------------------------------------------------

def month_with_surplus(month, income, cost, last_day):
    return [
        txn(f"2025-{month:02d}-02", "充值", (BANK, income), (CARDS, f"-{income}")),
        txn(f"2025-{month:02d}-10", "就餐消费", (CARDS, income), (INCOME, f"-{income}")),
        txn(f"2025-{month:02d}-{last_day}", "工资", (LABOUR, cost), (BANK, f"-{cost}")),
    ]


def test_ct03_month_over_the_cap():
    september = month_with_surplus(9, "10000.00", "9100.00", 26)  # 9.00%
    october = month_with_surplus(10, "10000.00", "9300.00", 27)  # 7.00%
    parts = september + october
    assert check(*parts) == [("CT03", line_of(1, *parts))]  # the month's last income
    assert "2025年9月伙食结余率 9.00% 超过上限 8%" in messages(*parts)[0]


def test_ct03_the_month_in_progress_is_not_checked():
    october = month_with_surplus(10, "10000.00", "9000.00", 27)  # 10%, but October is not over
    assert check(*october) == []


def test_ct03_a_dated_cap():
    raised = '2025-09-01 custom "policy" "canteen-surplus-cap" 10\n'
    parts = month_with_surplus(9, "10000.00", "9100.00", 26) + month_with_surplus(10, "1.00", "1.00", 27)
    assert check(raised, *parts) == []


def test_ct04_term_over_the_cap():
    parts = month_with_surplus(9, "10000.00", "9300.00", 26) + [
        txn("2025-12-01", "其他收入", (BANK, "500.00"), (OTHER_INCOME, "-500.00")),
        txn("2025-12-31", "成本", (LABOUR, "40.00"), (BANK, "-40.00")),  # December: 92%
        txn("2026-01-20", "充值", (BANK, "1.00"), (CARDS, "-1.00")),  # the books go past the term
    ]
    # September 7%, December 92% (a month over the cap too), term 11.05%: in "school" mode a
    # term over the cap always has a month over it; both are reported at the last income
    assert sorted(check(*parts)) == [("CT03", line_of(3, *parts)), ("CT04", line_of(3, *parts))]
    assert "2025年秋季学期伙食结余率 11.05% 超过上限 8%" in messages(*parts)[1]


def test_ct04_kindergarten_band_checks_losses_per_term_only():
    kindergarten = ('2025-08-25 custom "policy" "canteen-surplus-mode" "kindergarten"\n'
                    '2025-08-26 custom "policy" "canteen-surplus-cap" 2\n')
    loss = month_with_surplus(9, "10000.00", "10300.00", 26)  # -3%
    after = [txn("2026-01-20", "充值", (BANK, "1.00"), (CARDS, "-1.00"))]
    assert check(kindergarten, *loss, *after) == [("CT04", line_of(2, kindergarten, *loss))]
    assert "亏损率 3.00% 超过 ±2%" in messages(kindergarten, *loss, *after)[0]
    small = month_with_surplus(9, "10000.00", "9850.00", 26)  # +1.5%: within the band
    assert check(kindergarten, *small, *after) == []


def test_ct04_without_term_end_the_terms_end_31_january_and_31_july():
    """Without a `term-end` policy the terms are those of the one term model (31 January and
    31 July, as for the two-lines rule).  Before, the canteen rule built no terms there and
    CT04 never fired."""
    header = HEADER.replace('2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n', "")
    assert header != HEADER
    kindergarten = ('2025-08-25 custom "policy" "canteen-surplus-mode" "kindergarten"\n'
                    '2025-08-26 custom "policy" "canteen-surplus-cap" 2\n')
    loss = month_with_surplus(9, "10000.00", "10300.00", 26)  # -3%

    def found(*parts):
        _entries, errors, _ = loader.load_string(pinned(header + kindergarten + "".join(parts)))
        return [(e.message[1:5], e.source["lineno"], e.message) for e in errors]

    february = txn("2026-02-02", "充值", (BANK, "1.00"), (CARDS, "-1.00"))
    ((code, line, message),) = found(*loss, february)
    assert (code, line) == ("CT04", (header + kindergarten + loss[0]).count("\n") + 1)
    assert message.startswith("[CT04] 2025年秋季学期膳食亏损率 3.00% 超过 ±2%")
    january = txn("2026-01-20", "充值", (BANK, "1.00"), (CARDS, "-1.00"))
    assert found(*loss, january) == []  # the term runs to 31 January: not over yet


def test_ct04_a_term_not_yet_over_is_not_checked():
    parts = month_with_surplus(9, "10000.00", "9300.00", 26) + [
        txn("2026-01-05", "其他收入", (BANK, "500.00"), (OTHER_INCOME, "-500.00")),
        txn("2026-01-10", "成本", (LABOUR, "40.00"), (BANK, "-40.00")),
    ]
    assert check(*parts) == []  # the term (to 2026-01-16) and January are still running


def test_ct04_a_term_that_ended_after_the_books_stopped_is_judged_by_the_as_of_date():
    """The books stop in September; without a `term-end` the autumn term ends on 31 January.
    Judged on 2026-02-10 the term is over and its loss is reported (it used to stay an open
    term for ever, as the books never reached its end); judged on 2026-01-20 it still runs."""
    header = HEADER.replace('2026-01-16 custom "policy" "term-end" "2025年秋季学期"\n', "")
    kindergarten = ('2025-08-25 custom "policy" "canteen-surplus-mode" "kindergarten"\n'
                    '2025-08-26 custom "policy" "canteen-surplus-cap" 2\n')
    loss = month_with_surplus(9, "10000.00", "10300.00", 26)  # -3%
    text = header + kindergarten + "".join(loss)

    def judged_on(day):
        _entries, errors, _ = loader.load_string(text + f'{day} custom "as-of" "评判日期"\n')
        return [(e.message[1:5], e.source["lineno"]) for e in errors]

    last_income = (header + kindergarten + loss[0]).count("\n") + 1
    assert judged_on("2026-02-10") == [("CT04", last_income)]
    assert judged_on("2026-01-20") == []  # the term runs to 31 January: not judged yet
    # a configured end after the books stop: judged once that day has passed
    ended = text.replace(kindergarten, kindergarten + '2025-12-31 custom "policy" "term-end" "2025年秋季学期"\n')
    _entries, errors, _ = loader.load_string(ended + '2026-01-05 custom "as-of" "评判日期"\n')
    assert [e.message[1:5] for e in errors] == ["CT04"]
    _entries, errors, _ = loader.load_string(ended + '2025-12-30 custom "as-of" "评判日期"\n')
    assert errors == []


def test_ct09_stores_below_zero_at_the_end_of_a_day():
    """More issued than received: the stores account is below zero at the day's end (reported
    once per run of such days, at that day's last movement).  Before, only the kind of each
    movement was checked, and a negative stock went unnoticed."""
    parts = [delivery(amount="1000.00"), issue("2025-09-05", "1200.00"),
             issue("2025-09-06", "10.00"),  # still below zero: not again
             delivery("2025-09-08", "500.00"),  # back above zero
             issue("2025-09-09", "400.00")]  # below again: a new report
    assert check(*parts) == [("CT09", line_of(1, *parts)), ("CT09", line_of(4, *parts))]
    assert "库存为负：米面油" in messages(*parts)[0] and "-200.00 元" in messages(*parts)[0]
    # issued before it was received on the same day (files in any order): judged at the day's end
    same_day = [issue("2025-09-01", "800.00"), delivery("2025-09-01", "1000.00")]
    assert check(*same_day) == []


def test_ct09_a_negative_opening_stock_is_reported():
    opening = txn("2025-09-01", "期初库存", (RICE, "-300.00"), (EQUITY, "300.00"))
    assert check(opening) == [("CT09", line_of(0, opening))]
    positive = txn("2025-09-01", "期初库存", (RICE, "300.00"), (EQUITY, "-300.00"))
    assert check(positive) == []


def test_ct02_meal_cards_in_debit_at_the_end_of_a_day():
    """More eaten than paid in: the meal income did not come from money on the cards."""
    parts = [txn("2025-09-01", "充值", (BANK, "100.00"), (CARDS, "-100.00")),
             txn("2025-09-02", "就餐消费", (CARDS, "130.00"), (INCOME, "-130.00")),
             txn("2025-09-03", "就餐消费", (CARDS, "10.00"), (INCOME, "-10.00"))]
    assert check(*parts) == [("CT02", line_of(1, *parts))]
    assert "饭卡预存为借方余额" in messages(*parts)[0] and "30.00 元" in messages(*parts)[0]
    parts[0] = txn("2025-09-01", "充值", (BANK, "140.00"), (CARDS, "-140.00"))
    assert check(*parts) == []


def test_ct12_a_negative_count():
    assert check(count("2025-09-30", RICE, "-5.00")) == [("CT12", line_of(0))]


def test_ct12_a_supplier_record_already_run_out_on_its_own_date():
    """A record whose food licence expired before it was written (a year typed wrong) is said
    at the record; it is still used, so purchases are judged by it (CT06), not as unregistered."""
    lines = ['2025-09-01 custom "supplier" "青禾市新供应商"', '  licence: "914"',
             '  licence_expiry: "长期"', '  food_licence: "JY2"', "  food_licence_expiry: 2024-12-31",
             '  contract: "HT3"', "  contract_start: 2025-09-01", "  contract_end: 2026-08-31", "", ""]
    record = "\n".join(lines)
    parts = [record, delivery("2025-09-02", "1200.00", supplier="青禾市新供应商"), issue("2025-09-02", "1200.00")]
    assert check(*parts) == [("CT12", line_of(0, *parts)), ("CT06", line_of(1, *parts))]
    assert "在登记之日已不能供货：食品经营许可证有效期 2024-12-31 已过" in messages(*parts)[0]
    # a contract that starts after the record's date is fine (registered in advance)
    early = record.replace("2024-12-31", "2027-12-31").replace("contract_start: 2025-09-01",
                                                               "contract_start: 2025-09-10")
    assert check(early) == []


def test_ct12_a_supplier_registered_twice_on_one_date():
    """Which record held depended on the order of the files: the second is not used."""
    # the first record again, on its date, with another expiry
    second = SUPPLIERS.split("2025-10-28")[0].replace("food_licence_expiry: 2025-10-31",
                                                      "food_licence_expiry: 2030-01-01")
    parts = [second, delivery("2025-11-03"), issue("2025-11-03")]
    assert check(*parts) == [("CT12", line_of(0, *parts))]
    assert "已登记过，同一天只能登记一条" in messages(*parts)[0]


# -- CT05 / CT06 designated suppliers ---------------------------------------------------------

def test_ct05_bulk_food_from_an_unregistered_supplier():
    bad = delivery(supplier="明德区某某批发部")
    assert check(bad, issue(amount="3860.00")) == [("CT05", line_of(0, bad))]


def test_ct05_small_purchases_need_no_designated_supplier():
    small = delivery(amount="320.00", supplier="明德区农贸市场李记蔬菜摊", account=VEG,
                     inspector='"郑凯"', source=BANK)
    assert check(small, issue(amount="320.00", stock=VEG, cost=VEG_COST)) == []


def test_ct05_the_supplier_is_taken_from_the_payee_without_supplier_meta():
    text = delivery().replace('  supplier: "青禾市丰源粮油贸易有限公司"\n', "")
    assert check(text, issue(amount="3860.00")) == []


def test_ct06_food_licence_expired_then_renewed():
    expired = delivery(date="2025-10-27")  # the licence ran to 2025-10-31 ... still valid
    late = delivery(date="2025-11-03", amount="1000.00")  # renewal of 2025-10-28 applies
    counted = count("2025-10-31", RICE, "3860.00")
    assert check(expired, counted, late, issue(date="2025-11-05", amount="4860.00")) == []


def test_ct06_food_licence_expired():
    register = textwrap.dedent("""\
        2025-08-20 custom "supplier" "明德区过期粮店"
          licence: "91430702MA4X"
          licence_expiry: "长期"
          food_licence: "JY1"
          food_licence_expiry: 2025-08-31
          contract: "HT1"
          contract_start: 2025-08-25
          contract_end: 2026-08-24
        """)
    bad = delivery(supplier="明德区过期粮店")
    found = check(register, bad, issue(amount="3860.00"))
    assert found == [("CT06", line_of(1, register, bad))]
    assert "食品经营许可证 JY1 已于 2025-08-31 到期" in messages(register, bad, issue(amount="3860.00"))[0]


def test_ct06_business_licence_expired_and_outside_the_contract():
    bad = delivery(date="2026-01-05", account=MEAT, supplier="青禾市鲜达农副产品配送有限公司")
    out = issue(date="2026-01-06", amount="3860.00", stock=MEAT, cost=MEAT_COST)
    assert check(bad, out) == [("CT06", line_of(0, bad))]
    late = delivery(date="2026-09-01", account=RICE)
    assert check(late, issue(date="2026-09-02", amount="3860.00")) == [("CT06", line_of(0, late))]
    assert "不在合同 HT2025SC01 期内" in messages(late, issue(date="2026-09-02", amount="3860.00"))[0]


# -- CT07 / CT08 inspectors and invoices --------------------------------------------------------

def test_ct07_bulk_food_needs_two_inspectors():
    bad = delivery(inspector='"郑凯"')
    assert check(bad, issue(amount="3860.00")) == [("CT07", line_of(0, bad))]
    same = delivery(inspector='"郑凯,郑凯"')
    assert check(same, issue(amount="3860.00")) == [("CT07", line_of(0, same))]


def test_ct07_any_food_needs_an_inspector():
    bad = delivery(amount="200.00", inspector=None, supplier="明德区农贸市场", account=VEG)
    assert check(bad, issue(amount="200.00", stock=VEG, cost=VEG_COST)) == [("CT07", line_of(0, bad))]


def test_ct07_pending_entries_may_wait_for_the_paperwork():
    pending = delivery(inspector=None, invoice=None).replace(" * ", " ! ", 1)
    assert check(pending, issue(amount="3860.00")) == []


def test_a_purchase_with_another_flag_is_checked_like_a_complete_one():
    """Only `!` may wait for its paperwork: a mistyped `#` used to skip CT05-CT08."""
    typo = delivery(invoice=None).replace(" * ", " # ", 1)
    assert check(typo, issue(amount="3860.00")) == [("CT08", line_of(0, typo))]
    assert check(delivery().replace(" * ", " # ", 1), issue(amount="3860.00")) == []


def test_ct08_every_purchase_needs_an_invoice():
    bad = delivery(invoice=None)
    assert check(bad, issue(amount="3860.00")) == [("CT08", line_of(0, bad))]
    gas = txn("2025-09-20", "燃气费", (FUEL, "420.00"), (BANK, "-420.00"))
    assert check(gas) == [("CT08", line_of(0, gas))]
    wages = txn("2025-09-26", "工资", (LABOUR, "2300.00"), (BANK, "-2300.00"))
    assert check(wages) == []


# -- CT09 stock movements ---------------------------------------------------------------------------

def test_ct09_food_straight_to_cost():
    bad = txn("2025-09-03", "买菜直接做饭", (VEG_COST, "300.00"), (BANK, "-300.00"),
              inspector='"郑凯"', invoice='"1"')
    assert check(bad) == [("CT09", line_of(0, bad))]


def test_ct09_issue_needs_a_slip():
    bad = issue(issue_slip=None)
    assert check(delivery(), bad) == [("CT09", line_of(1, delivery(), bad))]


def test_ct09_stocktake_adjustment_needs_a_reason():
    parts = [delivery(), issue(amount="3500.00"),
             txn("2025-09-30", "9月盘存调整", (RICE_COST, "10.00"), (RICE, "-10.00"), stocktake='""'),
             count("2025-09-30", RICE, "350.00")]
    assert check(*parts) == [("CT09", line_of(2, *parts))]
    parts[2] = parts[2].replace('stocktake: ""', 'stocktake: "大米受潮霉变报损"')
    assert check(*parts) == []


def test_ct09_stock_moved_against_something_else():
    bad = txn("2025-09-03", "食材转给学校", (SCHOOL_POWER, "10.00"), (RICE, "-10.00"))
    assert ("CT09", line_of(1, delivery(), bad)) in check(delivery(), bad)


def test_opening_balances_and_returns_are_not_flagged():
    opening = txn("2025-08-31", "期初余额", (RICE, "500.00"), (BANK, "1000.00"), (EQUITY, "-1500.00"))
    back = txn("2025-09-02", "退货", (PAYABLE, "100.00"), (RICE, "-100.00"), invoice='"红字1"')
    parts = [opening, delivery(), back, issue(amount="3760.00"), count("2025-09-30", RICE, "500.00")]
    assert check(*parts) == []


# -- CT10 / CT11 stocktakes -------------------------------------------------------------------------

def test_ct10_count_differs_from_the_books():
    parts = [delivery(), issue(amount="3500.00"), count("2025-09-30", RICE, "340.00")]
    assert check(*parts) == [("CT10", line_of(2, *parts))]
    assert "盘存差额 -20.00 元未入账：米面油 账面 360.00 元，实存 340.00 元" in messages(*parts)[0]


def test_ct10_a_count_sees_the_whole_day():
    # the count is written before the day's issue in the file; it still counts the day's end
    parts = [delivery(), count("2025-09-05", RICE, "360.00"), issue(amount="3500.00")]
    assert check(*parts) == []


def test_ct10_counting_a_parent_account():
    parts = [delivery(), issue(amount="3500.00"), count("2025-09-30", STOCK, "360.00")]
    assert check(*parts) == []


def test_ct11_month_without_stocktake():
    parts = [delivery(), issue(amount="3500.00"),
             txn("2025-10-02", "10月充值", (BANK, "1.00"), (CARDS, "-1.00"))]
    assert check(*parts) == [("CT11", line_of(1, *parts))]
    assert "2025年9月有入库或出库，但没有盘存记录：米面油" in messages(*parts)[0]


def test_ct11_a_count_of_another_account_does_not_cover():
    parts = [delivery(), issue(amount="3500.00"), count("2025-09-30", VEG, "0.00"),
             txn("2025-10-02", "10月充值", (BANK, "1.00"), (CARDS, "-1.00"))]
    assert check(*parts) == [("CT11", line_of(1, *parts))]


def test_ct11_a_month_in_progress_is_not_flagged():
    assert check(delivery(), issue(amount="3500.00")) == []


def test_ct11_a_month_over_by_today_is_checked_though_nothing_was_booked_since(monkeypatch):
    """Without a pin the 评判日期 is today: September 2025 is over, its stocktake is due (old
    behaviour: judged on the last entry, 26 September, the month was never over)."""
    from xiaozhang.model.asof import ENV

    monkeypatch.delenv(ENV, raising=False)
    no_count = CLEAN_MONTH[:-1]
    _entries, errors, _ = loader.load_string(HEADER + "".join(no_count))
    assert sorted(e.message[1:5] for e in errors) == ["CT03", "CT04", "CT11"]  # the month and term are over
    _entries, errors, _ = loader.load_string(pinned(HEADER + "".join(no_count)))
    assert errors == []


# -- CT12 register format -----------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("food_licence_expiry", '"2027年"'), ("licence", None), ("contract_end", "2024-01-01"),
])
def test_ct12_bad_supplier_record(field, value):
    lines = ['2025-09-01 custom "supplier" "青禾市新供应商"', '  licence: "914"',
             '  licence_expiry: "长期"', '  food_licence: "JY2"', "  food_licence_expiry: 2027-01-01",
             '  contract: "HT3"', "  contract_start: 2025-09-01", "  contract_end: 2026-08-31"]
    lines = [line for line in lines if not line.startswith(f"  {field}:")]
    if value is not None:
        lines.append(f"  {field}: {value}")
    record = "\n".join(lines) + "\n\n"
    assert check(record) == [("CT12", line_of(0, record))]


def test_ct12_stocktake_of_a_non_stock_account():
    bad = count("2025-09-30", BANK, "1.00")
    assert check(bad) == [("CT12", line_of(0, bad))]


def test_errors_are_reported_with_the_file_and_line(tmp_path):
    ledger = tmp_path / "canteen.beancount"
    bad = delivery(inspector='"郑凯"')
    ledger.write_text(pinned(HEADER + bad + issue(amount="3860.00")), encoding="utf-8")
    _entries, errors, _ = loader.load_file(str(ledger))
    assert [(e.source["filename"], e.source["lineno"], e.message[:6]) for e in errors] == [
        (str(ledger), line_of(0, bad), "[CT07]")]


@pytest.mark.parametrize("line", [
    '2025-09-01 custom "policy" "canteen-surplus-cap" 120',
    '2025-09-01 custom "policy" "canteen-surplus-cap" "百分之八"',
    '2025-09-01 custom "policy" "canteen-surplus-mode" "小学"',
    '2025-09-01 custom "policy" "canteen-bulk-threshold" 1000',
])
def test_canteen_policies_are_checked(line):
    assert check(line + "\n") == [("PL03", line_of(0))]


def test_imported_meal_cards_keep_staff_apart_and_pass():
    """The meal-card importer's output (students and staff in one export) under the rules."""
    from pathlib import Path

    from beancount.parser import printer

    from xiaozhang.importers.mealcard import MealCardImporter

    export = Path(__file__).parents[1] / "importers" / "fixtures" / "mealcard" / "mealcard-staff-2025-10.csv"
    entries = MealCardImporter().extract(str(export), [])
    text = "".join(printer.format_entry(entry) + "\n" for entry in entries)
    # the export refunds 292.00 of a staff card topped up 300.00 and used 16.00: the card held
    # money from before (its balance at the start of the books)
    opening = txn("2025-09-30", "教职工饭卡期初余额", (BANK, "50.00"), (STAFF_CARDS, "-50.00"))
    assert check(opening + text) == []
    assert [code for code, _line in check(text)] == ["CT02"]  # without it: a card in debit
    staff = [e for e in entries if e.meta["card_batch"] == "饭卡-教职工消费-2025-10-08"]
    assert [(p.account, p.units.number) for p in staff[0].postings] == [
        (STAFF_CARDS, 16), (STAFF_INCOME, -16)]
