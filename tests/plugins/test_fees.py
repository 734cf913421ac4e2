"""收费项目与收费公示 (plugins/fees.py, FE01-FE06).

Each test loads a small ledger with the real loader and compares the full list of
(code, line) of the errors (a crashing plugin shows up there too).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest
from beancount import loader
from school import SCHOOL_PROFILE, pinned

from xiaozhang.model.fees import Scope, grade_of_class, read_fees

PLUGINS = 'plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.fees"\n'
BANK = "Assets:1002银行存款:100201基本户"
COLLECTION = "Assets:1002银行存款:100203代收费专户"
HOMEWORK = "Liabilities:2307其他应付款:230701代收费:01作业本费"
WORKBOOK = "Liabilities:2307其他应付款:230701代收费:02教辅资料费"
UNIFORM = "Liabilities:2307其他应付款:230701代收费:03校服费"
BOARDING = "Liabilities:2103应缴财政款:210301住宿费"
AFTER_SCHOOL = "Income:4101事业收入:410103课后服务费收入"
OTHER_INCOME = "Income:4609其他收入"
ACCOUNTS = "".join(f"2015-01-01 open {a} CNY\n" for a in (
    BANK, COLLECTION, HOMEWORK, WORKBOOK, UNIFORM, BOARDING, AFTER_SCHOOL, OTHER_INCOME,
    "Expenses:5001业务活动费用:500102商品和服务费用:30227委托业务费"))


def fee(date, name, kind, standard, account, scope="全校", settlement="多退少不补", **extra):
    meta = {"unit": '"元/生·学期"', "scope": f'"{scope}"',
            "basis": '"青禾市发展和改革委员会 青发改收费〔2025〕18号"', "voluntary": "FALSE",
            "settlement": f'"{settlement}"' if settlement else None, "account": f'"{account}"',
            **extra}
    lines = [f'{date} custom "fee" "{name}" "{kind}" {standard} CNY']
    lines += [f"  {k}: {v}" for k, v in meta.items() if v is not None]
    return "\n".join(lines) + "\n"


ITEMS = (fee("2025-08-25", "作业本费", "代收", "15.00", HOMEWORK)
         + fee("2025-08-25", "教辅资料费", "代收", "26.80", WORKBOOK, scope="一年级,二年级",
               voluntary="TRUE")
         + fee("2025-08-25", "教辅资料费", "代收", "34.50", WORKBOOK, scope="三年级,四年级",
               voluntary="TRUE")
         + fee("2025-08-25", "住宿费", "行政事业性", "450.00", BOARDING, settlement=None)
         + fee("2025-08-25", "课后服务费", "服务性", "300.00", AFTER_SCHOOL, settlement="不结算",
               voluntary="TRUE"))
HEADER = PLUGINS + SCHOOL_PROFILE + ACCOUNTS + ITEMS


def collect(date, amount, account=HOMEWORK, item="作业本费", student="2025030201",
            klass="三(2)班", bank=COLLECTION, **extra):
    meta = {"student": student and f'"{student}"', "class": klass and f'"{klass}"',
            "item": item and f'"{item}"', **extra}
    lines = [f'{date} * "代收{item}"'] + [f"  {k}: {v}" for k, v in meta.items() if v]
    lines += [f"  {bank}  {amount} CNY", f"  {account}  -{amount} CNY"]
    return "\n".join(lines) + "\n"


_collect = collect  # (the helper, for tests that wrap it)


def disclosure(date, period, *items):
    return f'{date} custom "disclosure" "{period}"' + "".join(f' "{i}"' for i in items) + "\n"


def run(*parts):
    """[(code, line)] of all errors, and the line each part starts at."""
    _entries, errors, _ = loader.load_string(pinned(HEADER + "".join(parts)))
    starts, line = [], HEADER.count("\n") + 1
    for part in parts:
        starts.append(line)
        line += part.count("\n")
    return [(str(e.message)[1:5], e.source["lineno"]) for e in errors], starts


def messages(*parts):
    _entries, errors, _ = loader.load_string(pinned(HEADER + "".join(parts)))
    return [str(e.message) for e in errors]


def test_defined_collections_in_scope_and_disclosed_pass():
    errors, _ = run(
        collect("2025-09-02", "15.00"),
        collect("2025-09-02", "34.50", WORKBOOK, "教辅资料费"),
        collect("2025-09-03", "26.80", WORKBOOK, "教辅资料费", student="2025010101", klass="一(1)班"),
        collect("2025-09-03", "450.00", BOARDING, "住宿费", bank=BANK),
        collect("2025-09-04", "300.00", AFTER_SCHOOL, "课后服务费", bank=BANK),
        collect("2025-09-05", "150.00", klass=None, student=None, students=10),
        disclosure("2025-10-08", "2025-09", "作业本费", "教辅资料费", "住宿费", "课后服务费"),
        collect("2025-10-30", "15.00"),  # October: not due yet at the end of the data
    )
    assert errors == []


def test_fe01_amount_differs_from_the_standard_of_the_students_grade():
    errors, at = run(
        collect("2025-09-02", "20.00"),
        collect("2025-09-02", "26.80", WORKBOOK, "教辅资料费"),  # grade 3 pays 34.50
        collect("2025-09-03", "140.00", klass=None, student=None, students=10),
        collect("2025-09-04", "5.00", topup="TRUE"),  # 多退少补 top-up: not checked
    )
    assert errors == [("FE01", at[0]), ("FE01", at[1]), ("FE01", at[2])]
    found = messages(collect("2025-09-02", "26.80", WORKBOOK, "教辅资料费"))
    assert found == ["[FE01] 教辅资料费收费 26.80 元与标准不符：应为 34.50 元"
                     "（元/生·学期，青禾市发展和改革委员会 青发改收费〔2025〕18号）"]


def test_fe01_cannot_check_without_a_head_count():
    errors, at = run(collect("2025-09-02", "15.00", student=None))
    assert errors == [("FE01", at[0])]


def test_fe02_undefined_item_or_wrong_account():
    errors, at = run(
        collect("2025-09-02", "120.00", UNIFORM, item=None),  # 230701 account without a definition
        collect("2025-09-02", "15.00", item="校服费"),  # item meta names no definition
        collect("2025-08-20", "15.00"),  # before the definition's date
        collect("2025-09-03", "15.00", WORKBOOK),  # 作业本费 booked to the 教辅资料费 account
        collect("2025-09-03", "80.00", OTHER_INCOME, "兴趣班费", bank=BANK),  # undefined service fee
        collect("2025-09-03", "450.00", OTHER_INCOME, "住宿费", bank=BANK),  # TL01's business, not ours
    )
    assert errors == [("FE02", at[2]), ("FE02", at[0]), ("FE02", at[1]), ("FE02", at[3]),
                      ("FE02", at[4])]


def test_fe03_outside_the_scope_or_cannot_tell():
    errors, at = run(
        collect("2025-09-02", "34.50", WORKBOOK, "教辅资料费", klass="五(1)班"),
        collect("2025-09-02", "34.50", WORKBOOK, "教辅资料费", klass=None),
        collect("2025-09-02", "34.50", WORKBOOK, "教辅资料费", klass=None, grade='"三年级"'),
        collect("2025-09-02", "15.00", klass=None),  # 全校: no class needed
    )
    assert errors == [("FE03", at[0]), ("FE03", at[1])]
    assert messages(collect("2025-09-02", "34.50", WORKBOOK, "教辅资料费", klass="五(1)班")) == [
        "[FE03] 五(1)班 不在教辅资料费的收费范围（一年级,二年级、三年级,四年级）内"]


def test_a_collection_posting_with_its_own_metadata_is_read_first():
    """A posting's own `class` or `item` comes before its entry's, also in the usual collection
    (two postings; the entry names `item`, `student`, `class` and `invoice`), whose amount and
    account the rule otherwise takes from the entry index without reading the posting again
    (`EntryIndex.credit_plain` says whether the posting has metadata of its own)."""
    def with_posting_meta(amount, name, account, invoice, **meta):
        lines = collect("2025-09-02", amount, account, name, invoice=f'"{invoice}"').rstrip("\n")
        return "\n".join([lines] + [f"    {k}: {v}" for k, v in meta.items()]) + "\n"

    errors, at = run(
        with_posting_meta("34.50", "教辅资料费", WORKBOOK, "2500000301", **{"class": '"五(1)班"'}),
        with_posting_meta("34.50", "教辅资料费", WORKBOOK, "2500000302", **{"class": '"三(1)班"'}),
        with_posting_meta("26.80", "教辅资料费", WORKBOOK, "2500000303", **{"class": '"一(1)班"'}),
        with_posting_meta("15.00", "作业本费", HOMEWORK, "2500000304", item='"校服费"'),
    )
    # the entries say 三(2)班 and their own item: 五(1)班 is out of scope, 一(1)班 pays the
    # 一年级 standard, 校服费 is not defined
    assert errors == [("FE03", at[0]), ("FE02", at[3])]


def test_fe04_kinds_mixed_in_one_entry_or_one_receipt():
    mixed = textwrap.dedent(f"""\
        2025-09-02 * "收住宿费、作业本费"
          student: "2025030201"
          class: "三(2)班"
          {BANK}  465.00 CNY
          {BOARDING}  -450.00 CNY
            item: "住宿费"
          {HOMEWORK}  -15.00 CNY
            item: "作业本费"
        """)
    errors, at = run(
        mixed,
        collect("2025-09-03", "15.00", invoice='"2500000101"'),
        collect("2025-09-03", "450.00", BOARDING, "住宿费", bank=BANK, invoice='"2500000101"'),
        collect("2025-09-03", "15.00", invoice='"2500000102"', student="2025030202"),
        collect("2025-09-03", "34.50", WORKBOOK, "教辅资料费", invoice='"2500000102"'),  # same kind
    )
    assert errors == [("FE04", at[0]), ("FE04", at[2])]


def test_fe04_a_receipt_number_written_as_a_number_is_the_same_text():
    """A receipt number written without quotes (a number) and then in quotes for another kind
    of fee is one number used twice: receipt numbers are compared as text, also on the usual
    collections' short path."""
    errors, at = run(
        collect("2025-09-03", "15.00", invoice="2500000103"),
        collect("2025-09-04", "15.00", invoice="2500000104", student="2025030202"),
        collect("2025-09-05", "450.00", BOARDING, "住宿费", bank=BANK, invoice='"2500000104"'),
        collect("2025-09-05", "450.00", BOARDING, "住宿费", bank=BANK, invoice='"2500000105"',
                student="2025030202"),
    )
    assert errors == [("FE04", at[2])]
    assert "票据号 2500000104 已用于代收费（作业本费），又用于行政事业性收费（住宿费）" in "".join(
        messages(collect("2025-09-04", "15.00", invoice="2500000104"),
                 collect("2025-09-05", "450.00", BOARDING, "住宿费", bank=BANK,
                         invoice='"2500000104"')))


@pytest.mark.parametrize("reused_by", ["住宿费", "课后服务费"])
def test_fe04_a_number_of_the_most_used_kind_reused_by_a_smaller_kind(reused_by):
    """Three kinds of fee, 代收 the most used: a number of it written again for 行政事业性 or
    for 服务性 is found (the numbers of the most used kind are only looked up, not kept in a
    set: `_Numbers.crossed`), and a number repeated within one kind is no reuse."""
    account = {"住宿费": BOARDING, "课后服务费": AFTER_SCHOOL}[reused_by]
    amount = {"住宿费": "450.00", "课后服务费": "300.00"}[reused_by]
    others = {"住宿费": ("课后服务费", AFTER_SCHOOL, "300.00"),
              "课后服务费": ("住宿费", BOARDING, "450.00")}[reused_by]
    agency = [collect("2025-09-03", "15.00", invoice=f'"25000002{n:02d}"', student=f"20250302{n:02d}")
              for n in range(1, 6)]
    errors, at = run(
        *agency,
        collect("2025-09-03", "15.00", invoice='"2500000201"', student="2025030299"),  # same kind
        collect("2025-09-04", others[2], others[1], others[0], bank=BANK, invoice='"2500000301"'),
        collect("2025-09-04", amount, account, reused_by, bank=BANK, invoice='"2500000204"'),
    )
    assert errors == [("FE04", at[7])]


def test_fe05_every_month_with_movements_is_disclosed_in_time():
    pay_supplier = textwrap.dedent(f"""\
        2025-10-20 * "青禾市新华书店" "支付作业本款"
          {HOMEWORK}  13.20 CNY
          {COLLECTION}  -13.20 CNY
        """)
    errors, at = run(
        collect("2025-09-02", "15.00"),
        collect("2025-09-02", "450.00", BOARDING, "住宿费", bank=BANK),
        disclosure("2025-10-10", "2025-09", "作业本费"),  # 住宿费 left out
        pay_supplier,  # October: a movement, disclosed too late
        disclosure("2025-11-20", "2025-10", "作业本费"),
        collect("2025-12-20", "15.00"),  # the last day of the data is before the deadline
    )
    assert errors == [("FE05", at[1]), ("FE05", at[3])]
    text = messages(collect("2025-09-02", "15.00"), collect("2025-11-01", "15.00"))
    assert text == ['[FE05] 作业本费 2025年9月有收付，应于 2025-10-15 前公示（custom "disclosure" '
                    '"2025-09" "作业本费"）；按规定应公示而未公示的不得收费']


def test_fe05_a_late_record_is_reported_even_after_the_last_transaction():
    """The rule and the 收费公示 page share one status (xiaozhang.model.fees): a record dated
    after the deadline is late as soon as it is written. (The rule used to wait for a
    transaction after the deadline, while the page already showed 逾期公示.)"""
    errors, at = run(
        collect("2025-09-02", "15.00"),
        collect("2025-10-01", "15.00"),  # the last transaction: before September's deadline
        disclosure("2025-10-20", "2025-09", "作业本费"),  # after the deadline of 15 October
        disclosure("2025-11-05", "2025-10", "作业本费"),
    )
    assert errors == [("FE05", at[0])]


def test_fe05_service_fee_spending_tagged_with_the_item_counts():
    spend = textwrap.dedent(f"""\
        2025-09-25 * "青禾市少儿体育俱乐部" "课后服务委托费"
          item: "课后服务费"
          Expenses:5001业务活动费用:500102商品和服务费用:30227委托业务费  800.00 CNY
          {BANK}
        """)
    errors, at = run(spend, collect("2025-11-01", "15.00"))
    assert errors == [("FE05", at[0])]


def test_disclosure_deadline_follows_the_policy():
    errors, _ = run('2025-08-25 custom "policy" "disclosure-days" 25\n',
                    collect("2025-09-02", "15.00"), disclosure("2025-10-20", "2025-09", "作业本费"),
                    collect("2025-11-01", "15.00"))
    assert errors == []


def test_fe06_malformed_definitions_and_records():
    errors, at = run(
        '2025-09-01 custom "fee" "校服费" "代收" 120.00 CNY\n',  # no fields
        fee("2025-09-01", "校服费", "代办", "120.00", UNIFORM),  # unknown kind
        fee("2025-09-01", "校服费", "服务性", "120.00", UNIFORM, settlement="不结算"),  # kind vs account
        fee("2025-09-01", "校服费", "代收", "120.00", UNIFORM, settlement="不结算"),
        fee("2025-09-01", "校服费", "代收", "120.00", UNIFORM, scope="三年级,高二"),  # bad scope
        fee("2025-09-01", "教辅资料费", "代收", "30.00", WORKBOOK, scope="四年级,五年级"),  # overlap
        fee("2025-09-01", "校服费", "代收", "120.00", HOMEWORK),  # another item's account
        disclosure("2025-10-08", "2025-9", "作业本费"),
        disclosure("2025-10-08", "2025-09"),
        disclosure("2025-10-08", "2025-09", "校服费"),  # never defined (all attempts failed)
        disclosure("2025-09-20", "2025-09", "作业本费"),  # before the month is over
    )
    assert errors == [("FE06", line) for line in at[:7] + at[10:] + at[7:10]]  # by date
    assert messages(fee("2025-09-01", "校服费", "服务性", "120.00", UNIFORM, settlement="不结算")) == [
        "[FE06] 收费项目“校服费”是服务性收费，科目应在 Income 下，实际为 " + UNIFORM]


def test_a_new_standard_applies_from_its_date():
    errors, at = run(
        fee("2026-02-01", "作业本费", "代收", "18.00", HOMEWORK),
        collect("2026-01-10", "15.00"),
        collect("2026-02-25", "15.00"),
        disclosure("2026-02-05", "2026-01", "作业本费"),
        disclosure("2026-03-05", "2026-02", "作业本费"),
    )
    assert errors == [("FE01", at[2])]


def test_read_fees_and_scopes():
    entries, errors, _ = loader.load_string(HEADER)
    assert errors == []
    book, problems = read_fees(entries)
    assert problems == []
    assert book.names() == ["作业本费", "教辅资料费", "住宿费", "课后服务费"]
    workbook = book.in_force("教辅资料费", dt.date(2025, 9, 1))
    assert [(i.scope.text, i.standard, i.voluntary) for i in workbook] == [
        ("一年级,二年级", Decimal("26.80"), True), ("三年级,四年级", Decimal("34.50"), True)]
    assert book.item_for("教辅资料费", dt.date(2025, 9, 1), "四(3)班", None)[0].standard == Decimal("34.50")
    assert book.item_for("教辅资料费", dt.date(2025, 9, 1), "六(3)班", None) == (None, False)
    assert book.item_for("教辅资料费", dt.date(2025, 9, 1), None, None) == (None, None)
    assert book.kind("住宿费") == "行政事业性"
    assert book.in_force("住宿费", dt.date(2025, 9, 1))[0].settlement == "不结算"
    assert grade_of_class("三（2）班") == "三年级" and grade_of_class("高一(3)班") == "高一年级"
    assert grade_of_class("三年级(2)班") == "三年级" and grade_of_class("书法社") is None
    scope = Scope.parse("三年级，五(1)班")
    assert scope.contains("五(1)班", None) and not scope.contains("五(2)班", None)
    assert scope.contains(None, "三年级") and scope.contains(None, None) is None


@pytest.mark.parametrize("receipts", [False, True])
def test_a_check_is_reused_only_within_one_version_of_the_item(receipts):
    """The rule checks a collection once per version of its item in force (not per date):
    the same collection is right before a new standard and wrong after it, and a collection
    before any definition names its own date.  With receipt numbers the collections are the
    usual ones (`item`, `student`, `class`, `invoice`), checked on the rule's short path."""
    numbered = iter(range(1000, 2000))

    def collect(date, amount, **extra):
        if receipts:
            extra.setdefault("invoice", f'"{next(numbered)}"')
        return _collect(date, amount, **extra)

    assert messages(
        collect("2025-08-20", "15.00"),
        collect("2025-08-21", "15.00"),
        collect("2025-09-01", "15.00"),
        collect("2025-10-09", "15.00"),
        fee("2026-02-01", "作业本费", "代收", "18.00", HOMEWORK),
        collect("2026-02-25", "15.00"),
        collect("2026-02-26", "18.00"),
        collect("2026-03-02", "18.00"),
        collect("2026-03-03", "15.00", student=None, students="2"),
        collect("2026-03-04", "36.00", student=None, students="2"),
        *(disclosure(f"{next_month}-05", month, "作业本费") for month, next_month in (
            ("2025-08", "2025-09"), ("2025-09", "2025-10"), ("2025-10", "2025-11"),
            ("2026-02", "2026-03"), ("2026-03", "2026-04"))),
    ) == [
        "[FE02] 收费项目“作业本费”在 2025-08-20 没有定义（自 2025-08-25 起才有定义）：收费项目须经批准、"
        "写明标准和依据并公示后方可收取（custom \"fee\"）",
        "[FE02] 收费项目“作业本费”在 2025-08-21 没有定义（自 2025-08-25 起才有定义）：收费项目须经批准、"
        "写明标准和依据并公示后方可收取（custom \"fee\"）",
        "[FE01] 作业本费收费 15.00 元与标准不符：应为 18.00 元（元/生·学期，青禾市发展和改革委员会 "
        "青发改收费〔2025〕18号）",
        "[FE01] 作业本费收费 15.00 元与标准不符：应为 2 人 × 18.00 元（元/生·学期，青禾市发展和改革委员会 "
        "青发改收费〔2025〕18号）",
    ]
