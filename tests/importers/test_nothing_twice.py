"""Nothing lost, nothing twice, across files, runs and orders (real CLI, real ledger files).

The money of a fee is booked into the bank once, from the bank statement, whether the fee
receipts come before it, after it or in the same run; the receipts credit 2103/230701 per
student against 121801 缴费待到账, which the matching deposit clears."""

import re
import shutil
from decimal import Decimal

from beancount import loader
from beancount.core import data

from importer_fixtures import FIXTURES
from test_import_cli import CCB, make_ledger, run

from xiaozhang.chart import BANK_COLLECTION, FEES_IN_TRANSIT, SUSPENSE

RECEIPTS = FIXTURES / "receipts" / "fee-receipts-2025-09.csv"


def balances(main):
    entries, errors, _options = loader.load_file(str(main))
    assert errors == []  # the statements' balance assertions hold: no bank row booked twice
    totals: dict[str, Decimal] = {}
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            totals[posting.account] = totals.get(posting.account, Decimal(0)) + posting.units.number
    return entries, lambda account: totals.get(account, Decimal(0))


def test_receipts_then_statement_books_the_money_once_and_settles_the_day(tmp_path):
    main = make_ledger(tmp_path)
    target = tmp_path / "imported.beancount"
    first = run("extract", RECEIPTS, "--ledger", main, "-o", target)
    assert first.returncode == 0, first.stderr
    assert "导入 3 行，重复 0 行，错误 0 行" in first.stderr
    assert "2025-09-02 100203代收费专户：票据 2 张合计 45.00，已到账 0，尚未到账 45.00" in first.stderr
    _entries, of = balances(main)
    assert of(FEES_IN_TRANSIT) == Decimal("645.00") and of(BANK_COLLECTION) == 0

    second = run("extract", CCB, "--ledger", main, "-o", target)
    assert second.returncode == 0, second.stderr
    assert "2025-09-02 100203代收费专户" not in second.stderr  # settled by the 45.00 deposit
    entries, of = balances(main)
    deposit = next(e for e in entries if isinstance(e, data.Transaction)
                   and e.meta.get("bank_ref") == "202509020001-00001")
    assert deposit.flag == "*" and str(deposit.meta["receipts_date"]) == "2025-09-02"
    assert [p.account for p in deposit.postings] == [BANK_COLLECTION, FEES_IN_TRANSIT]
    assert of(BANK_COLLECTION) == Decimal("-2835.00")  # the statement's own closing balance
    assert of(FEES_IN_TRANSIT) == Decimal("600.00")    # 住宿费 still waits for its deposit

    again = run("extract", RECEIPTS, CCB, "--ledger", main, "-o", target)
    assert again.returncode == 0, again.stderr
    assert "导入 0 行，重复 6 行，错误 0 行" in again.stderr


def test_statement_then_receipts_never_debits_the_bank_again_and_names_the_deposit(tmp_path):
    main = make_ledger(tmp_path)
    target = tmp_path / "imported.beancount"
    assert run("extract", CCB, "--ledger", main, "-o", target).returncode == 0
    later = run("extract", RECEIPTS, "--ledger", main, "-o", target)
    assert later.returncode == 0, later.stderr
    # the 45.00 arrived before its receipts and went to suspense: the run names it
    assert ("2025-09-02 100203代收费专户：票据 2 张合计 45.00，已到账 0，尚未到账 45.00。"
            "同期银行入账 2025-09-02 45.00（bank_ref 202509020001-00001，记入 230799待查款项）") in later.stderr
    _entries, of = balances(main)
    assert of(BANK_COLLECTION) == Decimal("-2835.00")
    assert of(FEES_IN_TRANSIT) == Decimal("645.00") and of(SUSPENSE) == Decimal("2835.00")  # 45 + 120 in, 3000 out


def test_receipts_and_statement_in_one_run_settle_whatever_the_order_of_the_files(tmp_path):
    main = make_ledger(tmp_path)
    result = run("extract", CCB, RECEIPTS, "--ledger", main, "-o", tmp_path / "imported.beancount")
    assert result.returncode == 0, result.stderr
    assert "导入 6 行，重复 0 行，错误 0 行" in result.stderr
    assert "100203代收费专户：票据" not in result.stderr
    assert "2025-09-03 100201基本户：票据 1 张合计 600.00，已到账 0，尚未到账 600.00" in result.stderr
    _entries, of = balances(main)
    assert of(FEES_IN_TRANSIT) == Decimal("600.00")


def _statement(path, rows, account="1202020109900012345", serial=True):
    header = "交易日期,交易时间,收入金额,支出金额,账户余额,对方户名,摘要" + (",交易流水号" if serial else "")
    lines = ["某某农商银行账户交易明细", f"账号：{account}", header] + rows
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_serial_is_a_duplicate_only_in_its_own_account_and_with_its_amount(tmp_path):
    main = make_ledger(tmp_path)
    basic = _statement(tmp_path / "basic.csv", ["20251105,10:00,,100.00,,某公司,货款,S0001",
                                                "20251105,10:00,,0.50,,,手续费,S0001"])
    canteen = _statement(tmp_path / "canteen.csv", ["20251105,11:00,200.00,,,某人,还款,S0001"],
                         account="18-123401040012345")
    target = tmp_path / "imported.beancount"
    first = run("extract", basic, canteen, "--ledger", main, "-o", target)
    assert first.returncode == 0, first.stderr
    assert "导入 3 行，重复 0 行，错误 0 行" in first.stderr
    assert target.read_text(encoding="utf-8").count('bank_ref: "S0001"') == 3
    again = run("extract", canteen, basic, "--ledger", main)
    assert "导入 0 行，重复 3 行，错误 0 行" in again.stderr


def test_identical_rows_without_serial_are_all_kept_and_an_overlapping_statement_adds_nothing(tmp_path):
    main = make_ledger(tmp_path)
    same = "20251110,,,15.00,,文具店,本子"  # two identical purchases, no serial, no balance
    early = _statement(tmp_path / "early.csv", ["20251109,,,8.00,,文具店,笔", same], serial=False)
    late = _statement(tmp_path / "late.csv", [same, same, "20251111,,,3.00,,文具店,胶水"], serial=False)
    target = tmp_path / "imported.beancount"
    first = run("extract", early, "--ledger", main, "-o", target)
    assert "导入 2 行，重复 0 行" in first.stderr
    second = run("extract", late, "--ledger", main, "-o", target)
    assert second.returncode == 0, second.stderr
    assert "导入 2 行，重复 1 行" in second.stderr  # the second 15.00 of the 10th is new
    written = target.read_text(encoding="utf-8")
    assert written.count("-15.00 CNY") == 2 and written.count("-3.00 CNY") == 1
    third = run("extract", early, late, "--ledger", main)
    assert "导入 0 行，重复 5 行" in third.stderr


def test_a_meal_card_day_imported_in_part_is_an_error_not_a_duplicate(tmp_path):
    main = make_ledger(tmp_path)
    cards = FIXTURES / "mealcard" / "mealcard-2025-09.csv"
    target = tmp_path / "imported.beancount"
    assert run("extract", cards, "--ledger", main, "-o", target).returncode == 0
    more = tmp_path / "more.csv"
    more.write_bytes(cards.read_bytes() + "C0003,20250103,消费,-7.00,2025-09-02 12:30:00,窗口1,M7\r\n".encode("gbk"))
    result = run("extract", more, "--ledger", main, "-o", target)
    assert result.returncode == 1
    assert (f"{more}:6: 2025-09-02 的消费已导入 1 笔合计 6.50，本文件该日有 2 笔合计 13.50；"
            "一卡通数据须按整天导入：请从账本删去 card_batch 为“饭卡-消费-2025-09-02”的分录") in result.stderr
    assert "导入 0 行，重复 5 行，错误 1 行" in result.stderr  # the other days are as booked


def test_workbook_sheets_are_read_each_with_its_account_and_named_in_messages(tmp_path):
    main = make_ledger(tmp_path)
    book = FIXTURES / "icbc" / "icbc-two-accounts-2025-11.xlsx"
    result = run("extract", book, "--ledger", main)
    assert result.returncode == 0, result.stderr
    assert re.search(r"Assets:1011零余额账户用款额度 +50000.00 CNY", result.stdout)
    assert "balance Assets:1002银行存款:100201基本户" in result.stdout
    assert f"{book}: 工作表“说明”没有找到表头，其中 1 行未导入" in result.stderr

    import openpyxl
    broken = tmp_path / "broken.xlsx"
    workbook = openpyxl.load_workbook(book)
    workbook["零余额账户"]["G3"] = "五万"
    workbook.save(broken)
    bad = run("extract", broken, "--ledger", main)
    assert bad.returncode == 1
    assert f"{broken}[零余额账户]:3: 金额“五万”不是数字" in bad.stderr


def test_damaged_old_excel_and_xml_spreadsheets_are_explained(tmp_path):
    main = make_ledger(tmp_path)
    xls = tmp_path / "工行.xls"
    xls.write_bytes((FIXTURES / "ccb" / "ccb-detail-2025-10.xls").read_bytes()[:3000])
    result = run("extract", xls, "--ledger", main)
    assert result.returncode == 1
    assert f"{xls}: " in result.stderr and ("已损坏" in result.stderr or "无法识别" in result.stderr)
    shutil.copy(FIXTURES / "ccb" / "ccb-detail-2025-10.xls", tmp_path / "ok.xls")
    assert run("identify", tmp_path / "ok.xls", "--ledger", main).returncode == 0


def test_a_statement_exported_during_the_day_asserts_only_the_balance_the_day_began_with(tmp_path):
    import datetime as dt

    main = make_ledger(tmp_path)
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    morning = _statement(tmp_path / "morning.csv", [
        f"{yesterday:%Y%m%d},09:00,100.00,,186532.57,某人,还款,T1",
        f"{today:%Y%m%d},09:00,,30.00,186502.57,某店,文具,T2"])
    target = tmp_path / "imported.beancount"
    first = run("extract", morning, "--ledger", main, "-o", target)
    assert first.returncode == 0, first.stderr
    assert "余额断言只写到今天开始时" in first.stderr
    assert f"{today} balance Assets:1002银行存款:100201基本户" in target.read_text(encoding="utf-8")
    evening = _statement(tmp_path / "evening.csv", [
        f"{yesterday:%Y%m%d},09:00,100.00,,186532.57,某人,还款,T1",
        f"{today:%Y%m%d},09:00,,30.00,186502.57,某店,文具,T2",
        f"{today:%Y%m%d},16:00,,2.57,186500.00,某店,胶水,T3"])
    assert run("extract", evening, "--ledger", main, "-o", target).returncode == 0
    _entries, of = balances(main)  # the morning's assertion still holds after the rest of the day
    assert of("Assets:1002银行存款:100201基本户") == Decimal("186500.00")


def test_a_receipt_number_is_a_duplicate_only_under_its_own_code(tmp_path):
    main = make_ledger(tmp_path)
    target = tmp_path / "imported.beancount"
    assert run("extract", RECEIPTS, "--ledger", main, "-o", target).returncode == 0
    next_year = tmp_path / "2026.csv"
    next_year.write_bytes(RECEIPTS.read_bytes().replace(b"43010125,2500000101", b"43010126,2500000101"))
    result = run("extract", next_year, "--ledger", main)
    assert "导入 1 行，重复 2 行" in result.stderr  # the new year's code restarts the numbers
    typed = tmp_path / "typed.beancount"  # booked by hand, without the code: matches any code
    typed.write_text('2026-01-05 * "代收作业本费"\n  invoice: "2500000101"\n'
                     '  Assets:1218其他应收款:121801缴费待到账  15.00 CNY\n'
                     '  Liabilities:2307其他应付款:230701代收费:01作业本费\n', encoding="utf-8")
    main.write_text(main.read_text(encoding="utf-8") + 'include "typed.beancount"\n', encoding="utf-8")
    assert "导入 0 行，重复 3 行" in run("extract", next_year, "--ledger", main).stderr


def test_a_transfer_between_the_schools_own_accounts_is_booked_once_on_each_side(tmp_path):
    from xiaozhang.chart import BANK_BASIC, BANK_CANTEEN, TRANSFERS_IN_TRANSIT

    main = make_ledger(tmp_path)
    header_with_account = "交易日期,交易时间,收入金额,支出金额,账户余额,对方户名,对方账号,摘要,交易流水号"
    basic = tmp_path / "basic.csv"
    basic.write_text(f"某某农商银行账户交易明细\n账号：1202020109900012345\n{header_with_account}\n"
                     "20251101,10:00,,5000.00,,本校食堂,18-123401040012345,调拨食堂经费,A1\n", encoding="utf-8")
    canteen = tmp_path / "canteen.csv"
    canteen.write_text(f"某某农商银行账户交易明细\n账号：18-123401040012345\n{header_with_account}\n"
                       "20251102,09:00,5000.00,,,本校,1202020109900012345,调拨食堂经费,C9\n", encoding="utf-8")
    target = tmp_path / "imported.beancount"
    first = run("extract", basic, "--ledger", main, "-o", target)
    assert first.returncode == 0 and "待查款项" not in target.read_text(encoding="utf-8")
    _entries, of = balances(main)
    assert of(TRANSFERS_IN_TRANSIT) == Decimal("5000.00")  # sent, not yet seen arriving
    assert run("extract", canteen, basic, "--ledger", main, "-o", target).returncode == 0
    _entries, of = balances(main)
    assert (of(TRANSFERS_IN_TRANSIT), of(BANK_CANTEEN)) == (0, Decimal("5000.00"))
    assert of(BANK_BASIC) == Decimal("186432.57") - 5000
