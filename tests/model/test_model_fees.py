"""xiaozhang.model.fees: the one classifier of fee postings, the term of a fee posting and the
disclosure status (FE05, the 收费公示 page), on a small ledger loaded without plugins."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

from beancount import loader
from beancount.core import data

from xiaozhang import chart
from xiaozhang.model import fees
from xiaozhang.model.books import GENERATED, SchoolBooks

D = Decimal
HOMEWORK = chart.agency_fee_account("01")
UNDEFINED = f"{chart.AGENCY_FEES}:09校服费"
BOARDING = chart.ACCOMMODATION_FEE
DISPOSAL = chart.DISPOSAL_PROCEEDS
AFTER_SCHOOL = chart.AFTER_SCHOOL_INCOME
OTHER_INCOME = "Income:4609其他收入"
SERVICES = chart.goods_services("30227")
BANK = chart.BANK_BASIC

LEDGER = textwrap.dedent(f"""\
    option "operating_currency" "CNY"
    2025-08-25 custom "policy" "settle-days" 30
    2026-01-16 custom "policy" "term-end" "2025年秋季学期"
    2015-01-01 open {BANK}
    2015-01-01 open {HOMEWORK}
    2015-01-01 open {UNDEFINED}
    2015-01-01 open {BOARDING}
    2015-01-01 open {DISPOSAL}
    2015-01-01 open {AFTER_SCHOOL}
    2015-01-01 open {OTHER_INCOME}
    2015-01-01 open {SERVICES}
    2025-08-25 custom "fee" "作业本费" "代收" 15.00 CNY
      unit: "元/生·学期"
      scope: "全校"
      basis: "青发改收费〔2024〕18号"
      voluntary: FALSE
      settlement: "多退少不补"
      account: "{HOMEWORK}"
    2025-08-25 custom "fee" "住宿费" "行政事业性" 450.00 CNY
      unit: "元/生·学期"
      scope: "全校"
      basis: "青发改收费〔2024〕18号"
      voluntary: FALSE
      account: "{BOARDING}"
    2025-08-25 custom "fee" "课后服务费" "服务性" 300.00 CNY
      unit: "元/生·学期"
      scope: "全校"
      basis: "青发改收费〔2024〕18号"
      voluntary: TRUE
      account: "{AFTER_SCHOOL}"

    2025-09-02 * "收作业本费"
      student: "2025010101"
      {BANK}  15.00 CNY
      {HOMEWORK}  -15.00 CNY
    2025-09-03 * "收校服费"
      student: "2025010101"
      {BANK}  120.00 CNY
      {UNDEFINED}  -120.00 CNY
    2025-09-04 * "收住宿费"
      student: "2025010101"
      item: "住宿费"
      {BANK}  450.00 CNY
      {BOARDING}  -450.00 CNY
    2025-09-05 * "资产处置收入"
      {BANK}  800.00 CNY
      {DISPOSAL}  -800.00 CNY
    2025-09-06 * "收兴趣班费"
      student: "2025010101"
      item: "兴趣班费"
      {BANK}  200.00 CNY
      {OTHER_INCOME}  -200.00 CNY
    2025-09-07 * "收课后服务费"
      student: "2025010101"
      {BANK}  300.00 CNY
      {AFTER_SCHOOL}  -300.00 CNY
    2025-09-20 * "青禾市新华书店" "支付作业本款"
      {HOMEWORK}  10.00 CNY
      {BANK}  -10.00 CNY
    2025-09-25 * "课后服务委托费"
      item: "课后服务费"
      {SERVICES}  250.00 CNY
      {BANK}  -250.00 CNY
    2025-09-26 * "课后服务委托费（冲减）"
      item: "课后服务费"
      {SERVICES}  -20.00 CNY
      {BANK}  20.00 CNY
    2025-09-30 * "更正课后服务费"
      {AFTER_SCHOOL}  300.00 CNY
      {BANK}  -300.00 CNY
    2025-10-08 * "上缴住宿费"
      {BOARDING}  450.00 CNY
      {BANK}  -450.00 CNY
    2025-10-09 * "零"
      {HOMEWORK}  0.00 CNY
      {BANK}  0.00 CNY
    2026-01-20 * "清退作业本费"
      class: "一(1)班"
      refund_each: 5.00
      {HOMEWORK}  5.00 CNY
      {BANK}  -5.00 CNY
    2026-01-21 * "收作业本费（下学期）"
      student: "2025010102"
      {BANK}  15.00 CNY
      {HOMEWORK}  -15.00 CNY
    2026-02-20 * "青禾市新华书店" "结清作业本款"
      term: "2025-2026-1"
      {HOMEWORK}  1.00 CNY
      {BANK}  -1.00 CNY
    2026-03-02 * "收作业本费"
      student: "2025010103"
      {BANK}  15.00 CNY
      {HOMEWORK}  -15.00 CNY

    2025-10-10 custom "disclosure" "2025-09" "作业本费" "住宿费"
    2025-11-20 custom "disclosure" "2025-10" "作业本费"
    2026-03-02 custom "as-of" "评判日期"
    """)
PIN = '2026-03-02 custom "as-of" "评判日期"\n'  # judged on the last transaction


def load():
    entries, errors, options = loader.load_string(LEDGER)
    assert errors == []
    return entries, options


def rows(book):
    return [(f.txn.narration, f.item, f.kind, f.role, f.amount, f.defined) for f in book.postings]


def test_the_item_an_entry_names():
    entries, options = load()
    book = SchoolBooks.of(entries, options).fees
    named = {f.txn.narration: (f.tag, f.named) for f in book.postings}
    assert named["收住宿费"] == ("住宿费", "住宿费") and named["收作业本费"] == (None, "作业本费")


def test_the_classifier_names_the_item_kind_and_role_of_every_fee_posting():
    entries, options = load()
    book = SchoolBooks.of(entries, options).fees
    assert book.problems == []
    assert rows(book) == [
        ("收作业本费", "作业本费", "代收", fees.COLLECTION, D("15.00"), True),
        ("收校服费", "校服费", "代收", fees.COLLECTION, D("120.00"), False),  # undefined: FE02
        ("收住宿费", "住宿费", "行政事业性", fees.COLLECTION, D("450.00"), True),
        # 资产处置收入 (2103, no student) is not a fee
        ("收兴趣班费", "兴趣班费", "服务性", fees.COLLECTION, D("200.00"), False),  # undefined: FE02
        ("收课后服务费", "课后服务费", "服务性", fees.COLLECTION, D("300.00"), True),
        ("支付作业本款", "作业本费", "代收", fees.SPENDING, D("10.00"), True),  # paid to the provider
        ("课后服务委托费", "课后服务费", "服务性", fees.SPENDING, D("250.00"), True),
        ("课后服务委托费（冲减）", "课后服务费", "服务性", fees.SPENDING, D("-20.00"), True),
        # a debit to a service item's income account is a refund, never spending
        ("更正课后服务费", "课后服务费", "服务性", fees.REFUND, D("300.00"), True),
        ("上缴住宿费", "住宿费", "行政事业性", fees.SPENDING, D("450.00"), True),  # remitted
        # the zero posting moves nothing
        ("清退作业本费", "作业本费", "代收", fees.REFUND, D("5.00"), True),
        ("收作业本费（下学期）", "作业本费", "代收", fees.COLLECTION, D("15.00"), True),
        ("结清作业本款", "作业本费", "代收", fees.SPENDING, D("1.00"), True),
        ("收作业本费", "作业本费", "代收", fees.COLLECTION, D("15.00"), True),
    ]
    assert SchoolBooks.of(entries).fees is book  # computed once per entries list


def test_the_term_of_a_fee_posting_follows_the_books_terms_and_the_settlement_window():
    entries, options = load()
    books = SchoolBooks.of(entries, options)
    assert [(t.id, t.start, t.end) for t in books.terms] == [
        ("2025-2026-1", dt.date(2025, 9, 2), dt.date(2026, 1, 16)),
        ("2025-2026-2", dt.date(2026, 1, 17), None)]
    by_term = {term: [f.txn.narration for f in found] for term, found in books.fees.by_term.items()}
    # the refund on 20 January is within settle-days of the autumn term: its settlement;
    # a collection on 21 January is the spring term's; `term` metadata decides when written
    assert by_term["2025-2026-1"][-2:] == ["清退作业本费", "结清作业本款"]
    assert by_term["2025-2026-2"] == ["收作业本费（下学期）", "收作业本费"]


def test_the_disclosure_status_of_every_item_and_month():
    entries, options = load()
    status = {(r.item, r.period): (r.due, r.published, r.state) for r in SchoolBooks.of(entries, options).fees.status}
    assert status == {
        ("作业本费", "2025-09"): (dt.date(2025, 10, 15), dt.date(2025, 10, 10), fees.DISCLOSED),
        ("住宿费", "2025-09"): (dt.date(2025, 10, 15), dt.date(2025, 10, 10), fees.DISCLOSED),
        ("课后服务费", "2025-09"): (dt.date(2025, 10, 15), None, fees.OVERDUE),
        ("住宿费", "2025-10"): (dt.date(2025, 11, 15), None, fees.OVERDUE),
        ("作业本费", "2026-01"): (dt.date(2026, 2, 15), None, fees.OVERDUE),
        ("作业本费", "2026-02"): (dt.date(2026, 3, 15), None, fees.PENDING),  # not due by 2 March
        ("作业本费", "2026-03"): (dt.date(2026, 4, 15), None, fees.PENDING),
    }
    # October: only the zero posting for 作业本费 (nothing moved), so only 住宿费 is due; the
    # record for 作业本费 that month is late all the same, but there is no movement to flag


def test_the_status_is_judged_by_the_pinned_date_not_by_a_later_generated_entry():
    entries, options = load()
    generated = data.Transaction(
        {"filename": "<depreciation>", "lineno": 0, GENERATED: "depreciation"}, dt.date(2026, 3, 31),
        "*", None, "计提折旧", frozenset(), frozenset(), [])
    books = SchoolBooks.of([*entries, generated], options)
    assert books.last_date == dt.date(2026, 3, 31) and books.last_written == dt.date(2026, 3, 2)
    february = next(r for r in books.fees.status if r.period == "2026-02")
    assert february.as_of == dt.date(2026, 3, 2) and february.state == fees.PENDING


def test_without_a_pin_the_status_is_judged_by_today(monkeypatch):
    """Old behaviour: judged on the last entry (2 March), so February showed 待公示 forever."""
    from xiaozhang.model.asof import ENV

    monkeypatch.delenv(ENV, raising=False)
    entries, errors, options = loader.load_string(LEDGER.replace(PIN, ""))
    assert errors == []  # the fees rule is not loaded here: the model only
    february = next(r for r in SchoolBooks.of(entries, options).fees.status if r.period == "2026-02")
    assert february.as_of == dt.date.today() and february.state == fees.OVERDUE


def test_a_late_record_is_late_even_after_the_last_transaction():
    ledger = LEDGER + '2026-03-20 custom "disclosure" "2026-02" "作业本费"\n'
    entries, errors, options = loader.load_string(ledger)
    assert errors == []
    february = next(r for r in SchoolBooks.of(entries, options).fees.status if r.period == "2026-02")
    # due 15 March, published 20 March, the last transaction 2 March: late all the same
    assert february.published == dt.date(2026, 3, 20) and february.late and february.failing
    assert february.state == fees.LATE


def test_names_and_roots():
    assert fees.TREASURY == "Liabilities:2103" and fees.AGENCY == "Liabilities:2307其他应付款:230701"
    assert fees.item_name(HOMEWORK) == "作业本费" and fees.kind_label("代收") == "代收费"
    assert fees.record_month("2025-12") == (2025, 12)
    assert fees.record_month("2025-9") is None and fees.record_month(" 2025-12") is None


def test_the_version_of_an_item_in_force_is_one_list_for_all_its_dates():
    """`in_force` gives the same list for every date on which the same definitions are in
    force (the rule reuses a check for all of them), another one after a new definition."""
    entries, _errors, options = loader.load_string(LEDGER + textwrap.dedent(f"""\
        2026-02-01 custom "fee" "作业本费" "代收" 18.00 CNY
          unit: "元/生·学期"
          scope: "全校"
          basis: "青发改收费〔2025〕18号"
          voluntary: FALSE
          settlement: "多退少不补"
          account: "{HOMEWORK}"
        """))
    book = SchoolBooks.of(entries, options).fees
    autumn = book.in_force("作业本费", dt.date(2025, 9, 1))
    assert book.in_force("作业本费", dt.date(2026, 1, 31)) is autumn
    spring = book.in_force("作业本费", dt.date(2026, 2, 1))
    assert spring is not autumn and book.in_force("作业本费", dt.date(2026, 7, 1)) is spring
    assert [i.standard for i in autumn] == [D("15.00")] and [i.standard for i in spring] == [D("18.00")]
    assert book.in_force("作业本费", dt.date(2025, 8, 1)) == []
    assert book.item_for("作业本费", dt.date(2026, 3, 1), "一(1)班", None) == (spring[0], True)
    assert book.item_in(autumn, "一(1)班", None) == (autumn[0], True)


def test_the_usual_collections_are_kept_as_positions_and_the_first_movements_keep_their_order():
    """`FeeBook.classified`: the usual collections (one credit to an item's or a 230701 account
    against one debit) as index positions, every other fee posting built; `status` lists each
    (item, month) at its first movement, in the order of those first ones, whichever of the
    two the first one is (January: a refund read posting by posting, then a usual collection)."""
    entries, options = load()
    books = SchoolBooks.of(entries, options)
    found = books.fees.classified
    narrations = [books.index.transactions[p].narration for p in found.usual]
    assert narrations == ["收作业本费", "收校服费", "收住宿费", "收课后服务费",
                          "收作业本费（下学期）", "收作业本费"]
    assert [fee.txn.narration for _position, fee in found.others][:2] == ["收兴趣班费", "支付作业本款"]
    assert [(r.item, r.period, r.first.narration) for r in books.fees.status] == [
        ("作业本费", "2025-09", "收作业本费"), ("住宿费", "2025-09", "收住宿费"),
        ("课后服务费", "2025-09", "收课后服务费"), ("住宿费", "2025-10", "上缴住宿费"),
        ("作业本费", "2026-01", "清退作业本费"), ("作业本费", "2026-02", "结清作业本款"),
        ("作业本费", "2026-03", "收作业本费")]
