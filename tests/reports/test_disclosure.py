"""reports.disclosure.build: hand-computed figures on tests/fixtures/disclosure.beancount, and
the reconciliation of every item and term of the example school with its ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

from xiaozhang.model.money import split_fen
from xiaozhang.reports import disclosure, disclosure_documents
from xiaozhang.reports.disclosure import DisclosureError
from xiaozhang.roster import RosterError, mask_name, read_roster

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "disclosure.beancount"
ROSTER = ROOT / "tests" / "fixtures" / "disclosure-students.csv"
D = Decimal


@pytest.fixture(scope="module")
def loaded():
    entries, errors, options_map = loader.load_file(str(FIXTURE))
    assert errors == []
    return entries, options_map


@pytest.fixture(scope="module")
def january(loaded):
    return disclosure.build(*loaded, read_roster(ROSTER), "2026-01", ledger=str(FIXTURE))


def item(report, name):
    return next(i for i in report.items if i.name == name)


def test_january_defaults_to_the_autumn_term_being_settled(january):
    assert january.term.id == "2025-2026-1"
    assert january.term.label == "2025-2026学年第一学期"
    assert (january.term.start, january.term.end) == (dt.date(2025, 8, 31), dt.date(2026, 1, 16))
    assert january.final and january.as_of == dt.date(2026, 1, 31)
    assert [i.name for i in january.items] == ["作业本费", "教辅资料费", "住宿费", "课后服务费"]
    assert january.record(dt.date(2026, 2, 9)) == (
        '2026-02-09 custom "disclosure" "2026-01" "作业本费" "教辅资料费" "住宿费" "课后服务费"')


def test_homework_allocation_in_fen_and_settlement(january):
    homework = item(january, "作业本费")
    # 5 students with 学号 + 2 recorded as one class collection without 学号
    assert homework.payer_count == 7
    assert (homework.collected, homework.spent, homework.balance) == (D("105.00"), D("71.00"), D("34.00"))
    # 71.00 / 7 = 10.14 r 2 fen: every payer's share is rounded up to 10.15; the 5 fen rounded
    # up (尾差) stay on the account, so the refunds never exceed the balance
    shares = {p.key: p.share for p in homework.payers.values()}
    assert set(shares.values()) == {D("10.15")}
    assert homework.rounding == D("0.05") and sum(shares.values()) == D("71.00") + homework.rounding
    settlements = [p.settlement for p in homework.payers.values()]
    assert set(settlements) == {D("4.85")}
    assert sum(settlements) == homework.refund_due == homework.balance - homework.rounding
    # booked (by the old rule, which gave 4.86 to five of them): 一(1)班 3 × 4.86 and 二(2)班 9.72
    # (shared 4.86 each): a fen too much each, pointed out; 王芳芳's 4.85 comes in February
    assert homework.refunded == D("24.30") and homework.refunded_month == D("24.30")
    assert homework.held == D("9.70") and homework.outstanding == D("9.70")
    assert homework.over_refunded == D("0.05")
    assert "已退超过应退：5 名学生共多退 0.05 元，请核对退费分录" in homework.notes
    assert homework.spendings[0].sharers == 7 and homework.spendings[0].supplier == "青禾市新华书店"
    assert any("没有学号" in note for note in homework.notes)


def test_workbook_per_grade_postings_and_top_ups(january):
    workbook = item(january, "教辅资料费")
    assert workbook.standard_text() == "一年级 20.00；二年级 30.00"
    assert workbook.collected == D("122.50") and workbook.collected_month == D("2.50")  # a top-up
    assert workbook.spent == D("115.00") and workbook.balance == D("7.50")
    payers = workbook.payers
    # 50.00 over three first-graders: 16.67 each (one fen of 尾差); 65.00 over two second-graders
    assert [payers[s].share for s in ("2025010101", "2025010102", "2025010103")] == [D("16.67")] * 3
    assert workbook.rounding == D("0.01")
    assert payers["2024020101"].settlement == D("0.00")  # topped up 2.50 (多退少补)
    assert payers["2024020102"].settlement == D("-2.50")
    assert workbook.refund_due == D("9.99") and workbook.shortfall == D("2.50")
    assert workbook.refund_due - workbook.shortfall == workbook.balance - workbook.rounding
    # the class refund gave 3.33 each, what each is due: settled to the fen
    assert workbook.refunded == D("9.99") and workbook.outstanding == 0 and workbook.over_refunded == 0


def test_items_that_are_not_settled(january):
    boarding, after_school = item(january, "住宿费"), item(january, "课后服务费")
    assert (boarding.collected, boarding.spent, boarding.balance) == (D("450.00"), D("450.00"), D(0))
    assert boarding.spendings[0].payee.startswith("青禾市明德区财政局")
    assert (after_school.collected, after_school.spent, after_school.balance) == (
        D("600.00"), D("400.00"), D("200.00"))
    assert after_school.payer_count == 2 and after_school.refund_due == 0
    assert all(p.share == 0 for p in after_school.payers.values())


def test_a_debit_to_a_service_fee_income_account_is_a_refund_not_spending():
    """The one classifier (xiaozhang.model.fees): the costs of a 服务性收费 are the expenses tagged
    with it; a debit to its income account gives money back. (The disclosure used to count it
    as spending when its narration did not say 退; docs/disclosure.md §6.)"""
    text = FIXTURE.read_text(encoding="utf-8") + (
        '\n2025-10-20 * "更正课后服务费收入"\n'
        "  Income:4101事业收入:410103课后服务费收入  300.00 CNY\n"
        "  Assets:1002银行存款:100201基本户  -300.00 CNY\n")
    entries, errors, options_map = loader.load_string(text)
    assert errors == []
    after_school = item(disclosure.build(entries, options_map, read_roster(ROSTER), "2026-01"), "课后服务费")
    assert (after_school.collected, after_school.spent, after_school.refunded) == (
        D("600.00"), D("400.00"), D("300.00"))


def test_settlement_window_and_later_periods(loaded):
    february = disclosure.build(*loaded, read_roster(ROSTER), "2026-02", term="2025-2026-1")
    homework = item(february, "作业本费")
    assert homework.refunded == D("29.15") and homework.refunded_month == D("4.85")
    assert homework.outstanding == D("4.85")  # 赵四
    assert homework.payer_count == 7  # the March collection belongs to the spring term
    spring = disclosure.build(*loaded, read_roster(ROSTER), "2026-03")
    assert spring.term.id == "2025-2026-2" and spring.term.end is None and not spring.final
    assert [(i.name, i.collected, i.payer_count) for i in spring.items] == [("作业本费", D("15.00"), 1)]


def test_class_sheets_hold_masked_names_only(january):
    assert [c.class_name for c in january.classes] == ["一(1)班", "二(1)班", "二(2)班"]
    first = january.classes[0]
    assert [line.masked_name for line in first.lines] == ["张*明", "李*", "欧**娜"]
    assert first.total("作业本费", "settlement") == D("14.55")  # 3 × 4.85
    assert first.count("教辅资料费") == 3
    unrecorded = january.classes[2]
    assert [line.masked_name for line in unrecorded.lines] == ["未登记学号", "未登记学号"]
    # nothing in a class sheet says who the student is
    text = repr(january.classes)
    for student in read_roster(ROSTER).values():
        assert student.sid not in text and student.name not in text


def test_statements_name_the_student_with_their_shares(january):
    assert [s.sid for s in january.statements] == [
        "2025010101", "2025010102", "2025010103", "2024020101", "2024020102"]
    wang = january.statements[3]
    assert (wang.name, wang.class_name) == ("王芳芳", "二(1)班")
    lines = {line.item.name: line for line in wang.lines}
    assert set(lines) == {"作业本费", "教辅资料费", "课后服务费"}
    assert lines["教辅资料费"].standard == D("30.00")
    assert [(s.supplier, share) for s, share in lines["教辅资料费"].spendings] == [
        ("青禾市教育图书发行站", D("32.50"))]


def test_class_filter(loaded):
    report = disclosure.build(*loaded, read_roster(ROSTER), "2026-01", class_name="二(1)班")
    assert [c.class_name for c in report.classes] == ["二(1)班"]
    assert [s.sid for s in report.statements] == ["2024020101", "2024020102"]
    assert item(report, "作业本费").collected == D("105.00")  # item figures stay school-wide


def test_bad_period_and_term(loaded):
    with pytest.raises(DisclosureError, match="格式应为"):
        disclosure.build(*loaded, {}, "2026-13")
    with pytest.raises(DisclosureError, match="没有学期 2024-2025-2"):
        disclosure.build(*loaded, {}, "2026-01", term="2024-2025-2")


def test_split_fen_and_masking():
    assert split_fen(D("100.00"), 3) == [D("33.34"), D("33.33"), D("33.33")]
    assert split_fen(D("0.02"), 3) == [D("0.01"), D("0.01"), D("0.00")]
    assert [mask_name(n) for n in ("张三", "张小三", "欧阳小明", "李")] == ["张*", "张*三", "欧**明", "*"]


def test_roster_errors_name_file_and_row(tmp_path):
    bad = tmp_path / "students.csv"
    bad.write_text("学号,姓名,班级\n1,张三,一(1)班\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"students.csv:1: 学生名册缺少列：年级"):
        read_roster(bad)
    bad.write_text("学号,姓名,年级,班级\n1,张三,一年级,一(1)班\n1,李四,一年级,一(1)班\n",
                   encoding="gb18030")
    with pytest.raises(RosterError, match=r"students.csv:3: 学号 1 重复"):
        read_roster(bad)


# -- the example school: every item of every term reconciles with its ledger ------------------
@pytest.fixture(scope="module")
def example(example_ledger):
    assert example_ledger.errors == []
    return example_ledger.entries, example_ledger.options_map, read_roster(ROOT / "ledger" / "students.csv")


@pytest.mark.parametrize(("period", "term"), [("2026-01", "2025-2026-1"), ("2026-07", "2025-2026-2"),
                                              ("2026-10", "2026-2027-1")])
def test_example_terms_reconcile_with_the_ledger(example, period, term):
    entries, options_map, roster = example
    report = disclosure.build(entries, options_map, roster, period)
    assert report.term.id == term
    start, end = report.term.start, report.as_of
    for sheet in report.items:
        credits = debits = D(0)
        for txn in entries:
            if isinstance(txn, data.Transaction) and start <= txn.date <= end:
                for posting in txn.postings:
                    if posting.account == sheet.account:
                        if posting.units.number < 0:
                            credits -= posting.units.number
                        else:
                            debits += posting.units.number
        assert sheet.collected == credits, sheet.name  # collected = the account's credits
        if sheet.kind != "服务性":
            assert sheet.spent + sheet.refunded == debits, sheet.name
        assert sheet.unallocated == 0 and sheet.notes == []
        if sheet.settles:
            # per-student refunds add up to the item's balance, in fen
            assert sum(p.settlement for p in sheet.payers.values()) == sheet.balance
            if report.final:  # the term is settled: everything refunded, nothing left
                assert sheet.outstanding == 0 and sheet.held == 0
                assert all(p.outstanding == 0 for p in sheet.payers.values())
    assert len(report.statements) == len({p.sid for s in report.items for p in s.payers.values()})


def test_many_items_split_the_class_table_to_fit_the_page(january):
    from xiaozhang.reports.document import pdf_bytes, pdf_text

    items = [disclosure.ItemSheet(f"项目{n}", "代收", "代收费", (), "元/生·学期", "", True,
                                  "多退少不补" if n % 3 else "不结算", "", "", "") for n in range(10)]
    groups = disclosure_documents._column_groups(items)
    widths = [sum(4 if i.settles else 1 for i in group) for group in groups]
    assert [i for group in groups for i in group] == items and all(w <= 12 for w in widths)
    assert widths == [10, 9, 9]
    # a real class notice with its items in two tables still prints
    report = january
    report_items = list(report.items)
    disclosure_documents.CLASS_COLUMNS, saved = 5, disclosure_documents.CLASS_COLUMNS
    try:
        doc = disclosure_documents.class_notice(report, report.classes[0], dt.date(2026, 2, 9))
    finally:
        disclosure_documents.CLASS_COLUMNS = saved
    tables = [b for b in doc.blocks if hasattr(b, "columns")]
    assert [t.title for t in tables] == ["作业本费", "教辅资料费、课后服务费", "每生合计（元）"]
    text = "".join(pdf_text(pdf_bytes(doc)))
    assert "教辅资料费、课后服务费" in text and "欧**娜" in text
    assert report.items == report_items


def remainder_ledger(refund_each: Decimal | None = None) -> str:
    """Ten students of 三(1)班 pay 15.00 of 作业本费; the provider is paid 100.07: 100.07 / 10 =
    10.00 and 7 fen left over. With `refund_each`, the class refund booked at that amount."""
    header = FIXTURE.read_text(encoding="utf-8").split("\n2025-09-02 *", 1)[0]
    account = "Liabilities:2307其他应付款:230701代收费:01作业本费"
    bank = "Assets:1002银行存款:100203代收费专户"
    text = [header]
    for n in range(1, 11):
        text.append(f'2025-09-02 * "收作业本费"\n  student: "20230301{n:02d}"\n  class: "三(1)班"\n'
                    f'  item: "作业本费"\n  {bank}  15.00 CNY\n  {account}  -15.00 CNY\n')
    text.append(f'2025-09-22 * "青禾市新华书店" "支付作业本款"\n  item: "作业本费"\n'
                f'  supplier: "青禾市新华书店"\n  invoice: "25000000000000000009"\n'
                f'  {account}  100.07 CNY\n  {bank}  -100.07 CNY\n')
    text.append('2025-10-08 custom "disclosure" "2025-09" "作业本费"\n')
    if refund_each is not None:
        total = refund_each * 10
        text.append(f'2026-01-16 * "三(1)班学生家长" "作业本费期末清退"\n  class: "三(1)班"\n  item: "作业本费"\n'
                    f'  students: 10\n  refund_each: {refund_each}\n  {account}  {total} CNY\n  {bank}  -{total} CNY\n')
        text.append('2026-02-09 custom "disclosure" "2026-01" "作业本费"\n')
    return "\n".join(text)


def test_a_remainder_of_seven_fen_never_refunds_more_than_the_balance():
    """Issue 14: 7 fen left over among 10 students. The shares are equal (rounded up to the
    fen), so the class refund at the notice's per-student amount stays within the balance, to
    the fen; the 尾差 stays on the account and the notice says so. (Before, 7 students had a fen
    less to refund than the notice's 退 5.00, and the class refund at 5.00 over-refunded 0.07.)"""
    entries, errors, options_map = loader.load_string(remainder_ledger())
    assert errors == []
    homework = item(disclosure.build(entries, options_map, {}, "2026-01"), "作业本费")
    assert homework.balance == D("49.93")
    [(grade, count, low, high)] = homework.refund_groups()
    assert (grade, count, low, high) == ("三年级", 10, D("4.99"), D("4.99"))  # one amount for all
    assert high * count <= homework.balance and homework.refund_due <= homework.balance
    assert homework.rounding == D("0.03") and homework.refund_due + homework.rounding == homework.balance
    # the class refund booked at the notice's amount: nothing over-refunded, 0.03 left
    entries, errors, options_map = loader.load_string(remainder_ledger(high))
    assert errors == []
    report = disclosure.build(entries, options_map, {}, "2026-01")
    settled = item(report, "作业本费")
    assert settled.refunded <= settled.balance and settled.held == D("0.03")
    assert settled.over_refunded == 0 and settled.outstanding == 0 and settled.notes == []
    notice = disclosure_documents.school_notice(report, dt.date(2026, 2, 9))
    rule = " ".join(b.text for b in notice.blocks if isinstance(b, disclosure_documents.Text))
    assert "除不尽时每生分摊进为一分" in rule and "作业本费 0.03 元" in rule


# -- only the chosen term's postings are read (speed, 2026-12-07) ------------------------------
NAMED_TERMS = """
2025-12-20 * "收作业本费（下学期，预收）"
  student: "2025010101"
  class: "一(1)班"
  item: "作业本费"
  term: "2025-2026-2"
  Assets:1002银行存款:100203代收费专户  15.00 CNY
  Liabilities:2307其他应付款:230701代收费:01作业本费  -15.00 CNY

2026-03-05 * "补收作业本费（上学期）"
  student: "2025010102"
  class: "一(1)班"
  item: "作业本费"
  term: "2025-2026-1"
  Assets:1002银行存款:100203代收费专户  15.00 CNY
  Liabilities:2307其他应付款:230701代收费:01作业本费  -15.00 CNY

2026-01-18 * "一(1)班学生家长" "作业本费清退（结算期内）"
  class: "一(1)班"
  refund_each: 0.10 CNY
  Liabilities:2307其他应付款:230701代收费:01作业本费  0.30 CNY
  Assets:1002银行存款:100203代收费专户  -0.30 CNY
"""


def test_a_terms_postings_are_the_same_read_alone_or_grouped_by_term():
    """`term_fees` reads only the postings that can belong to the term (its dates, its
    settlement, the entries naming a `term`): the same as `FeeBook.by_term`, for every term
    and every month's end — with postings naming their term before and after it, and a
    settlement refund after the term's end."""
    from beancount.loader import load_string

    from xiaozhang.model.books import SchoolBooks
    from xiaozhang.model.periods import Month

    text = FIXTURE.read_text(encoding="utf-8") + NAMED_TERMS
    entries, errors, options_map = load_string(text)
    books = SchoolBooks.of(entries, options_map)
    book = books.fees
    assert "by_term" not in book.__dict__
    first, last = books.transactions[0].date, dt.date(2026, 6, 30)
    ends = [Month(year, month).last for year in (first.year, first.year + 1)
            for month in range(1, 13) if first <= Month(year, month).last <= last]
    alone = {(term.id, end): disclosure.term_fees(book, term, end)
             for term in books.terms for end in ends}
    assert "by_term" not in book.__dict__  # read alone: not grouped
    grouped = book.by_term
    named = {fee.txn.narration for fees in grouped.values() for fee in fees}
    assert {"收作业本费（下学期，预收）", "补收作业本费（上学期）", "作业本费清退（结算期内）"} <= named
    for (ident, end), fees in alone.items():
        expected = [fee for fee in grouped.get(ident, []) if fee.date <= end]
        assert fees == expected, (ident, end)
        term = next(t for t in books.terms if t.id == ident)
        assert disclosure.term_fees(book, term, end) == expected  # from `by_term` now
    spring = [fee.txn.narration for fee in alone[("2025-2026-2", dt.date(2026, 3, 31))]]
    assert spring[0] == "收作业本费（下学期，预收）"  # dated in the autumn term
    autumn = [fee.txn.narration for fee in alone[("2025-2026-1", dt.date(2026, 3, 31))]]
    assert autumn[-2:] == ["退作业本费（王芳芳家长）", "补收作业本费（上学期）"]
    assert "作业本费清退（结算期内）" in autumn


def test_the_statements_are_built_when_first_asked(loaded):
    report = disclosure.build(*loaded, read_roster(ROSTER), "2026-01")
    assert "statements" not in report.__dict__
    assert [s.sid for s in report.statements][:2] == ["2025010101", "2025010102"]
    assert report.statements is report.statements
