"""Every row accounted for, in the damaged files real schools send: each case is imported with
the file's own figures, or reported with file, row and reason; the closing line of the run adds
up to the file's rows.  Each test fails on the behaviour before issue 19."""

import datetime as dt
import time
from decimal import Decimal

import openpyxl
import pytest
from beancount.core import data

from xiaozhang.chart import BANK_BASIC
from xiaozhang.importers import tabular
from xiaozhang.importers.cli import accounted, extract_files, summary

from importer_fixtures import FIXTURES, chart_index, importers

TITLE = "某某农商银行账户交易明细\n账号：1202020109900012345\n"
HEADER = "交易日期,交易时间,收入金额,支出金额,账户余额,对方户名,摘要,交易流水号\n"


def extract(path, index=None, account=None):
    index = index or chart_index()
    run = extract_files([str(path)], importers(index, account), index)
    assert accounted(run) == run.lines, summary(run)  # every row counted once
    return run


def statement(tmp_path, rows, name="s.csv", header=HEADER, title=TITLE):
    path = tmp_path / name
    path.write_text(title + header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def transactions(run):
    return [e for _p, es in run.output for e in es if isinstance(e, data.Transaction)]


def figures(run):
    return [(str(t.date), str(t.postings[0].units.number)) for t in transactions(run)]


def messages(run):
    return [str(e) for e in run.errors]


def test_a_blank_date_cell_takes_the_date_above_and_the_rows_add_up(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1",
                                ",,50.00,,150.00,乙,缴费,S2",      # the bank prints the day once
                                ",,,20.00,130.00,丙,付款,S3",
                                "20251104,,10.00,,140.00,丁,缴费,S4",
                                "合计,,160.00,20.00,,,,"])
    run = extract(path)
    assert run.errors == []
    assert figures(run) == [("2025-11-03", "100.00"), ("2025-11-03", "50.00"), ("2025-11-03", "-20.00"),
                            ("2025-11-04", "10.00")]
    assert (run.imported, run.skipped, run.heading, run.lines) == (4, 1, 3, 8)
    assert any("第 5、6 行（共 2 行）日期栏为空" in w for w in run.warnings)
    assert "导入 4 行，重复 0 行，错误 0 行（另跳过合计/页脚/空行 1 行、标题/表头 3 行；文件共 8 行）" in summary(run)


def test_a_blank_date_in_a_column_with_times_or_on_the_first_row_is_an_error(tmp_path):
    timed = statement(tmp_path, ["2025-11-03 09:00:00,,100.00,,100.00,甲,缴费,S1",
                                 ",,50.00,,150.00,乙,缴费,S2"], name="timed.csv")
    run = extract(timed)
    assert messages(run) == [f"{timed}:5: 日期为空：本文件的日期栏带时间，每行都应有日期，不能沿用上一行的日期；请核对该行"]
    first = statement(tmp_path, [",,50.00,,50.00,乙,缴费,S2"], name="first.csv")
    assert messages(extract(first)) == [f"{first}:4: 日期为空，上面也没有可沿用的日期；请核对该行"]


def test_merged_date_cells_in_a_workbook_carry_the_day_down(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某农商银行账户交易明细"])
    sheet.append(["账号：1202020109900012345"])
    sheet.append(HEADER.strip().split(","))
    sheet.append(["20251103", "", "100.00", "", "100.00", "甲", "缴费", "S1"])
    sheet.append([None, "", "50.00", "", "150.00", "乙", "缴费", "S2"])
    sheet.merge_cells("A4:A5")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    run = extract(path)
    assert run.errors == [] and figures(run) == [("2025-11-03", "100.00"), ("2025-11-03", "50.00")]


def test_a_formula_cell_without_its_value_is_an_error_that_says_to_resave(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["账号：1202020109900012345"])
    sheet.append(HEADER.strip().split(","))
    sheet.append(["=TEXT(DATE(2025,11,3),\"yyyymmdd\")", "", "100.00", "", "100.00", "甲", "缴费", "S1"])
    sheet.append(["20251104", "", "50.00", "", "150.00", "乙", "缴费", "S2"])
    path = tmp_path / "formula.xlsx"
    book.save(path)  # openpyxl writes the formula without a computed value
    run = extract(path)
    assert len(run.errors) == 1 and run.errors[0].row == 3
    assert "公式" in run.errors[0].message and "重新保存" in run.errors[0].message
    assert run.imported == 1 and run.failed == 1


def test_a_formula_cell_with_its_saved_value_is_read(tmp_path):
    import re
    import zipfile

    path = tmp_path / "cached.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某某农商银行账户交易明细"])
    sheet.append(["账号：1202020109900012345"])
    sheet.append(["交易日期", "收入金额", "支出金额", "账户余额", "对方户名"])
    sheet.append(["20251103", "=50+50", "", "100.00", "甲"])
    book.save(path)
    # put in the computed value Excel saves next to the formula
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name], count = re.subn(rb"<f>50\+50</f>(<v\s*/>|<v></v>)?", b"<f>50+50</f><v>100</v>", parts[name])
    assert count == 1
    with zipfile.ZipFile(path, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    run = extract(path)
    assert run.errors == [] and figures(run) == [("2025-11-03", "100.00")]


def test_a_line_break_inside_a_quoted_cell_is_part_of_the_cell(tmp_path):
    path = statement(tmp_path, ['20251103,,100.00,,100.00,"三(2)班\n学生家长","住宿\r\n费",S1',
                                "20251104,,10.00,,110.00,丁,缴费,S2"])
    run = extract(path)
    assert run.errors == [] and figures(run) == [("2025-11-03", "100.00"), ("2025-11-04", "10.00")]
    first = transactions(run)[0]
    assert (first.payee, first.narration) == ("三(2)班 学生家长", "住宿 费")


def test_an_unquoted_comma_never_shifts_the_columns(tmp_path):
    """The issue's case: 三(2)班,学生家长 unquoted turned a +1,200.00 deposit into −187,632.57."""
    icbc = (FIXTURES / "icbc" / "icbc-historydetail-2025-09.csv").read_bytes()
    shifted = icbc.replace("三(2)班学生家长".encode("gb18030"), "三(2)班,学生家长".encode("gb18030"))
    path = tmp_path / "icbc.csv"
    path.write_bytes(shifted)
    run = extract(path)
    assert [e.row for e in run.errors] == [3]
    assert "该行有 15 列，表头只有 14 列" in run.errors[0].message and "未加引号的逗号" in run.errors[0].message
    assert all(abs(t.postings[0].units.number) != Decimal("187632.57") for t in transactions(run))


def test_two_rows_joined_into_one_line_are_an_error_not_a_lost_row(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1" + "20251104,,10.00,,110.00,丁,缴费,S2",
                                "20251105,,1.00,,111.00,戊,缴费,S3"])
    run = extract(path)
    assert [e.row for e in run.errors] == [4] and "两行连成了一行" in run.errors[0].message


def test_a_raw_line_break_splitting_a_row_is_reported(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴",
                                "费,S1",
                                "20251104,,10.00,,110.00,丁,缴费,S2"])
    run = extract(path)  # the head keeps its figures (its serial is lost); the tail is reported
    assert [e.row for e in run.errors] == [5] and "日期“费”无法识别" in run.errors[0].message
    assert figures(run) == [("2025-11-03", "100.00"), ("2025-11-04", "10.00")]


def test_a_missing_row_breaks_the_running_balance_and_is_reported(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1",
                                "20251105,,1.00,,111.00,戊,缴费,S3"])  # the 10.00 of the 4th is gone
    run = extract(path)
    assert messages(run) == [f"{path}:5: 余额不连续：上一笔余额 100.00 + 1.00 ≠ 本行余额 111.00；"
                             "可能缺了行、两行连成了一行、一行被拆开或金额被改动；请核对原始流水，或从网银重新下载"]
    assert (run.imported, run.failed) == (1, 1)


def test_same_day_rows_in_any_order_follow_the_running_balance(tmp_path):
    path = statement(tmp_path, ["20251103,,,20.00,130.00,丙,付款,S3",
                                "20251103,,100.00,,100.00,甲,缴费,S1",
                                "20251103,,50.00,,150.00,乙,缴费,S2"])
    run = extract(path)
    assert run.errors == [] and run.imported == 3
    balance = [e for _p, es in run.output for e in es if isinstance(e, data.Balance)]
    assert [(str(b.date), str(b.amount.number)) for b in balance] == [("2025-11-04", "130.00")]


def test_an_unsorted_file_asserts_the_balance_of_its_latest_date_not_its_last_line(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1",
                                "20251110,,5.00,,115.00,丙,缴费,S3",
                                "20251104,,10.00,,110.00,乙,缴费,S2",
                                "20251102,,0.00,,0.00,丁,开户,S0"])
    run = extract(path)
    assert run.errors == []
    balance = [e for _p, es in run.output for e in es if isinstance(e, data.Balance)]
    assert [(str(b.date), str(b.amount.number)) for b in balance] == [("2025-11-11", "115.00")]
    assert any("没有按日期排序" in w for w in run.warnings)


@pytest.mark.parametrize("text", ["1,2,3", "12 34", "1E2", "１２３", "12,34.00", "1.2.3", "NaN", "100.001"])
def test_malformed_amounts_are_reported(tmp_path, text):
    path = statement(tmp_path, [f'20251103,,"{text}",,,甲,缴费,S1'])
    run = extract(path)
    assert [e.row for e in run.errors] == [4] and f"金额“{text}”" in run.errors[0].message


@pytest.mark.parametrize("text", ["1,234.50", "¥1,234.50", "CNY 1234.50", "1234.5", "+1234.50", "1234.50元"])
def test_well_formed_amounts_are_read(tmp_path, text):
    run = extract(statement(tmp_path, [f'20251103,,"{text}",,,甲,缴费,S1']))
    assert run.errors == [] and figures(run) == [("2025-11-03", "1234.50")]


@pytest.mark.parametrize("text", ["00010101", "99991231", "20520101", "19000101"])
def test_dates_outside_the_ledgers_range_are_reported(tmp_path, text):
    run = extract(statement(tmp_path, [f"{text},,10.00,,,甲,缴费,S1"]))
    assert [e.row for e in run.errors] == [4] and "不在合理范围内" in run.errors[0].message


def test_the_range_starts_the_year_before_the_ledgers_first_entry(tmp_path):
    index = chart_index()
    index.first_date = dt.date(2024, 9, 1)
    assert extract(statement(tmp_path, ["20230101,,10.00,,,甲,缴费,S1"]), index.copy()).errors == []
    late = dt.date.today() + dt.timedelta(days=400)
    run = extract(statement(tmp_path, ["20221231,,10.00,,,甲,缴费,S1", f"{late:%Y%m%d},,10.00,,,甲,缴费,S2"],
                            name="b.csv"), index.copy())
    assert [e.row for e in run.errors] == [4, 5]


def test_receipts_without_a_status_column_are_refused(tmp_path):
    source = (FIXTURES / "receipts" / "fee-receipts-2025-09.csv").read_text(encoding="gb18030")
    lines = [",".join(line.split(",")[:-1]) for line in source.splitlines()]
    path = tmp_path / "receipts.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = extract(path)
    assert run.imported == 0 and len(run.errors) == 1 and "缺少“状态”列" in run.errors[0].message
    assert "作废" in run.errors[0].message


@pytest.mark.parametrize("day", ["0001-01-01 10:00:00", "9999-12-31 10:00:00"])
def test_receipts_dated_year_1_or_9999_are_row_errors_not_tracebacks(tmp_path, day):
    source = (FIXTURES / "receipts" / "fee-receipts-2025-09.csv").read_text(encoding="gb18030")
    path = tmp_path / "receipts.csv"
    path.write_text(source.replace("2025-09-03 08:00:00", day), encoding="utf-8")
    run = extract(path)
    assert [e.row for e in run.errors] == [6] and "不在合理范围内" in run.errors[0].message
    assert len(run.voided) == 1 and run.imported == 2


def test_a_receipt_with_an_empty_or_unknown_status_is_an_error(tmp_path):
    source = (FIXTURES / "receipts" / "fee-receipts-2025-09.csv").read_text(encoding="gb18030")
    path = tmp_path / "receipts.csv"
    path.write_text(source.replace("600.00,2025-09-03 08:00:00,正常", "600.00,2025-09-03 08:00:00,")
                    .replace("30.00,2025-09-02 09:10:40,正常", "30.00,2025-09-02 09:10:40,待审"),
                    encoding="utf-8")
    run = extract(path)
    assert sorted(e.row for e in run.errors) == [4, 6]


def test_a_header_cell_of_many_brackets_is_read_in_linear_time(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1"], title=TITLE + "(" * 130_000 + "\n")
    start = time.perf_counter()
    run = extract(path)
    assert time.perf_counter() - start < 3
    assert run.errors == [] and run.imported == 1
    assert tabular.normalize_name("(" * 60_000 + "[" * 60_000) == ""  # too long to be a column name
    assert tabular.normalize_name("借方发生额（支取）(" + "(" * 150) != ""


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1"])
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 100)
    tabular._last_read.clear()
    run = extract(path)
    assert len(run.errors) == 1 and "文件过大" in run.errors[0].message and "分段导出" in run.errors[0].message


def test_a_file_cut_off_in_its_last_row_is_reported(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text(TITLE + HEADER + "20251103,,100.00,,100.00,甲,缴费,S1\n20251104,,10.00,,1", encoding="utf-8")
    run = extract(path)
    assert [e.row for e in run.errors] == [5] and "没有下载完整" in run.errors[0].message


def test_a_zero_amount_row_and_a_total_row_are_non_data_and_counted(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1", "20251103,,0.00,,100.00,,结息,S2",
                                "", "本日合计,,100.00,,,,,"])
    run = extract(path)
    assert (run.imported, run.skipped, run.heading, run.lines) == (1, 3, 3, 7)


def test_forced_account_statement_without_number_still_accounts_rows(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1"], title="")
    run = extract(path, account=BANK_BASIC)
    assert run.errors == [] and run.imported == 1 and run.lines == 2


def test_an_unexpected_exception_is_a_file_error_and_the_other_files_are_imported(tmp_path, monkeypatch):
    from xiaozhang.importers import bank
    from xiaozhang.importers.base import INTERNAL_ERROR

    good = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1"], name="good.csv")
    bad = statement(tmp_path, ["20251104,,1.00,,1.00,乙,缴费,S2"], name="bad.csv")
    real = bank._Extraction.run

    def broken(self):
        if self.path.endswith("bad.csv"):
            raise OverflowError("date value out of range")
        return real(self)

    monkeypatch.setattr(bank._Extraction, "run", broken)
    index = chart_index()
    run = extract_files([str(good), str(bad)], importers(index), index)
    assert run.imported == 1 and [e.row for e in run.errors] == [0]
    assert INTERNAL_ERROR in run.errors[0].message and "OverflowError" in run.errors[0].message


def test_an_unquoted_comma_before_empty_trailing_columns_is_still_a_shift(tmp_path):
    """CCB's rows end with empty columns: a comma in 摘要 pushes the serial into 备注 and adds an
    empty cell at the end; the row has more cells than the others, so it is reported (its
    bank_ref would otherwise change and a later import of the right file book it twice)."""
    ccb = (FIXTURES / "ccb" / "ccb-one-row-2025-10.csv").read_bytes()
    path = tmp_path / "ccb.csv"
    path.write_bytes(ccb.replace("期末清退".encode(), "期末,清退".encode()))
    assert path.read_bytes() != ccb
    run = extract(path, account=BANK_BASIC)
    assert [e.row for e in run.errors] == [2] and "未加引号的逗号" in run.errors[0].message


def test_rows_that_all_end_with_a_comma_the_header_lacks_are_fine(tmp_path):
    path = statement(tmp_path, ["20251103,,100.00,,100.00,甲,缴费,S1,", "20251104,,10.00,,110.00,丁,缴费,S2,"])
    run = extract(path)
    assert run.errors == [] and run.imported == 2


def test_a_meal_card_holder_that_is_neither_student_nor_staff_is_an_error(tmp_path):
    """Before, any other text (a damaged 教职工) booked a staff meal as a student's."""
    path = tmp_path / "cards.csv"
    path.write_text("卡号,人员编号,人员类别,交易类型,金额,交易时间,流水号\n"
                    "T0007,T007,教 职工,消费,-8.00,2025-10-08 12:05:00,N4\n"
                    "C0001,20250101,学生,消费,-6.50,2025-10-08 12:01:00,N3\n"
                    "C0002,20250102,,消费,-6.50,2025-10-08 12:02:00,N5\n"
                    "T0009,T009,(((,消费,-8.00,2025-10-08 12:06:00,N6\n", encoding="utf-8")
    run = extract(path)
    assert [e.row for e in run.errors] == [5] and "人员类别“(((”无法识别" in run.errors[0].message
    batches = sorted(e.meta["card_batch"] for _p, es in run.output for e in es)
    assert batches == ["饭卡-教职工消费-2025-10-08", "饭卡-消费-2025-10-08"]
