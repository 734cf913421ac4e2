"""Facts that had two definitions which disagreed (issue 12): each is decided in one place now,
and each test here fails on the old behaviour of the second definition."""

from __future__ import annotations

import datetime as dt
import os
import stat
from decimal import Decimal

import pytest

from xiaozhang import chart
from xiaozhang.io import TextDecodeError, decode, replacing, write_atomic
from xiaozhang.model.asof import ENV
from xiaozhang.model.money import format_ratio, percent
from xiaozhang.model.periods import Month, date_label
from xiaozhang.reports.district import workbook
from xiaozhang.reports.district.store import PINNED, judged_key
from xiaozhang.reports.document import Percent
from xiaozhang.roster import RosterError, read_roster

ROSTER = "学号,姓名,年级,班级\n20250101,张小三,一年级,一(1)班\n"


def test_a_ratio_is_printed_half_up_as_it_is_rounded():
    """0.125% was printed 0.12% on documents (Decimal's format rounds half even) and on the
    canteen page (a float), while the rule's message said 0.13% (`money.percent`)."""
    rate = Decimal("0.00125")
    assert percent(rate, Decimal(1), "0.01") == Decimal("0.13")
    assert format_ratio(rate) == "0.13%" == str(Percent(rate))
    assert format_ratio(Decimal("12.345678")) == "1,234.57%"
    assert format_ratio(Decimal("-0.00001")) == "0.00%" and format_ratio(None) == ""


def test_a_roster_is_read_as_an_import_file_is(tmp_path):
    """Excel's “Unicode text” export (UTF-16 with BOM) was readable by the importers but not as
    a roster; a file that is neither UTF-8 nor GBK is named with the same words."""
    path = tmp_path / "students.csv"
    path.write_bytes(ROSTER.encode("utf-16"))
    assert read_roster(path)["20250101"].name == "张小三"
    path.write_bytes(ROSTER.encode("gb18030"))
    assert read_roster(path)["20250101"].class_name == "一(1)班"
    path.write_bytes(b"\xef\xbb\xbf" + "学号".encode("utf-8") + b"\xff\xfe")
    with pytest.raises(RosterError, match="students.csv: 文件以 UTF-8 BOM 开头"):
        read_roster(path)
    with pytest.raises(TextDecodeError, match="无法识别文件编码"):
        decode(b"\x81")


def test_a_file_is_replaced_one_way(tmp_path):
    """`write_atomic` and the writers that want a file name (the district's parquet files) go
    through `replacing`: the target's permissions, nothing left behind when the writer fails."""
    target = tmp_path / "a" / "file.txt"
    write_atomic(target, "一")
    target.chmod(0o640)
    with replacing(target) as temp:
        temp.write_text("二", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "二" and stat.S_IMODE(target.stat().st_mode) == 0o640
    with pytest.raises(RuntimeError), replacing(target) as temp:
        temp.write_text("half", encoding="utf-8")
        raise RuntimeError("the writer failed")
    assert target.read_text(encoding="utf-8") == "二" and os.listdir(target.parent) == ["file.txt"]
    secret = write_atomic(tmp_path / "users.toml", "x", mode=0o600)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_months_and_days_are_named_by_the_model():
    assert workbook.period_label("2026-03") == Month(2026, 3).label == "2026年3月"
    assert date_label(dt.date(2026, 1, 8)) == "2026年1月8日"


def test_the_district_judges_a_school_as_the_books_do(monkeypatch):
    """The store's key of a school's 评判日期 follows `asof.read_as_of`: the command's date,
    else the ledger's pin, else today (a date that is not one is not used)."""
    today = dt.date(2026, 12, 7)
    monkeypatch.delenv(ENV, raising=False)
    assert judged_key(True, today) == PINNED and judged_key(False, today) == "2026-12-07"
    monkeypatch.setenv(ENV, "2026-10-31")
    assert judged_key(True, today) == "2026-10-31" == judged_key(False, today)
    monkeypatch.setenv(ENV, "十月底")
    assert judged_key(True, today) == PINNED and judged_key(False, today) == "2026-12-07"


def test_the_chart_names_its_roots_and_its_own_cash():
    assert chart.ROOTS == ("Assets", "Liabilities", "Equity", "Income", "Expenses")
    assert chart.ROOT_NAMES["Equity"] == "净资产"
    assert chart.CASH_AND_BANK_ROOTS == ("Assets:1001", "Assets:1002", "Assets:1021")
    assert chart.under(chart.BANK_BASIC, chart.BANK) and chart.under(chart.BANK, (chart.CASH, chart.BANK))
    assert not chart.under("Assets:1002银行存款X", chart.BANK)


def test_a_ledger_without_operating_currency_is_kept_in_cny():
    """The overview, the 合规 page and the monthly reports took `operating_currency[0]` and
    failed (IndexError) on a ledger without the option; the statements, the canteen and the
    voucher form took CNY.  One rule now: `money.ledger_currency`."""
    from beancount import loader

    from xiaozhang.model.money import ledger_currency
    from xiaozhang.reports import compliance, monthly, overview

    entries, errors, options_map = loader.load_string("""
2026-01-01 open Assets:1002银行存款:100201基本户
2026-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费
2026-03-05 * "文具店" "办公用品"
  Expenses:5001业务活动费用:500102商品和服务费用:30201办公费  120.00 CNY
  Assets:1002银行存款:100201基本户
""")
    assert errors == [] and options_map["operating_currency"] == []
    assert ledger_currency(options_map) == "CNY" == ledger_currency(None)
    assert overview.build(entries, options_map).expenses_total == Decimal("120.00")
    assert compliance.build(entries, errors, options_map) is not None
    spending = monthly.build_spending(entries, options_map, monthly.Period(2026, 3))
    assert spending.office_month == Decimal("120.00")


def test_the_school_is_named_one_way():
    """A document dated before the school's profile printed no name on the asset and canteen
    documents and the parents' site, and the latest profile's name on the budget documents;
    `Policy.school_name` decides: the profile in force, else the first one."""
    from beancount import loader

    from xiaozhang.model.books import SchoolBooks

    entries, errors, options_map = loader.load_string("""
2025-08-25 custom "school" "青禾市明德区实验小学"
2026-08-25 custom "school" "青禾市明德区实验学校"
""")
    from xiaozhang.reports.assets import school_name

    books = SchoolBooks.of(entries, options_map)
    policy = books.policy
    assert policy.school_name(dt.date(2025, 1, 31)) == "青禾市明德区实验小学"
    assert school_name(books, dt.date(2025, 1, 31)) == "青禾市明德区实验小学"  # was ""
    assert policy.school_name(dt.date(2026, 9, 1)) == "青禾市明德区实验学校"


def test_a_fee_standard_is_printed_as_money_is():
    """The fee notices printed a standard with `:.2f` (1200.00) beside amounts printed with
    `format_money` (1,200.00); the list of grades keeps an amount's separator."""
    from xiaozhang.reports.disclosure_documents import chinese_list

    assert chinese_list("一年级,二年级 1,200.00") == "一年级、二年级 1,200.00"
