"""录入凭证's logic (xiaozhang.reports.voucher): the form, the account picker, voucher numbers,
the draft's text, the rules' problems by form field, and where a voucher is saved.

The rules run for real: a small ledger in month files (the example's chart of accounts and
policy, two October entries) is written to a temporary folder by `make_ledger`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from beancount import loader

from xiaozhang.reports import voucher as v

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "ledger"
OFFICE = "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"
QUOTA = "Assets:1011零余额账户用款额度"
MAIN = """\
option "title" "校账凭证测试小学"
option "operating_currency" "CNY"
2025-09-01 custom "fava-option" "language" "zh"
2025-09-01 custom "fava-extension" "xiaozhang.reports.fava_ext"
plugin "xiaozhang.plugins.school"
include "accounts.beancount"
include "policy.beancount"
include "2026/*.beancount"
"""
OCTOBER = f"""\
; 2026年10月

2026-10-01 * "青禾市明德区财政局" "2026年10月授权支付用款额度到账"
  voucher: "记-2026-10-001"
  reviewer: "陈静"
  {QUOTA}                                   34202.00 CNY
  Income:4001财政拨款收入:400101基本支出拨款                     -34202.00 CNY

2026-10-15 * "明德区晨光文具店" "购办公用品"
  voucher: "记-2026-10-002"
  handler: "刘芳"
  inspector: "李明华"
  reviewer: "陈静"
  approver: "王建国"
  approved: 2026-10-12
  {OFFICE}   1543.71 CNY
  {QUOTA}
"""
SLUG = "校账凭证测试小学"


def make_ledger(folder: Path) -> Path:
    """A small school ledger kept in month files; returns its main file."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("accounts.beancount", "policy.beancount"):
        shutil.copy(EXAMPLE / name, folder / name)
    (folder / "2026").mkdir(exist_ok=True)
    (folder / "2026" / "10.beancount").write_text(OCTOBER, encoding="utf-8")
    (folder / "main.beancount").write_text(MAIN, encoding="utf-8")
    return folder / "main.beancount"


def payment(**changes) -> dict:
    """The page's JSON for a 320.00 payment for office paper, approver left out."""
    form = {
        "kind": "payment", "date": "2026-10-30", "voucher": "", "flag": "*",
        "payee": "明德区晨光文具店", "narration": "购打印纸",
        "lines": [{"account": OFFICE, "debit": "320.00", "credit": ""},
                  {"account": QUOTA, "debit": "", "credit": "320"}],
        "meta": {"handler": "刘芳", "inspector": "李明华", "reviewer": "陈静",
                 "approved": "2026-10-29", "invoice": "26000000000000000123", "attachments": "2"},
    }
    meta = changes.pop("meta", {})
    form.update(changes)
    form["meta"] = {**form["meta"], **meta}
    return form


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    main = make_ledger(tmp_path_factory.mktemp("voucher") / "school")
    entries, errors, options = loader.load_file(str(main))
    assert errors == []
    return main, entries, options


# -- accounts ---------------------------------------------------------------------------------
def test_account_choice_reads_codes_and_names():
    choice = v.account_choice(OFFICE, "商品和服务费用——办公费")
    assert (choice.code, choice.name) == ("30201", "办公费")
    assert choice.path == "费用／业务活动费用／商品和服务费用／办公费"
    assert choice.codes == ("5001", "500102", "30201")


def test_account_choices_are_the_open_accounts(ledger):
    _main, entries, _options = ledger
    choices = v.account_choices(entries)
    accounts = [c.account for c in choices]
    assert OFFICE in accounts and QUOTA in accounts
    assert accounts == sorted(accounts)


def test_search_by_code_name_and_several_words(ledger):
    _main, entries, _options = ledger
    choices = v.account_choices(entries)
    admin_office = "Expenses:5101单位管理费用:510102商品和服务费用:30201办公费"  # 行政及后勤
    assert [c.account for c in v.search_accounts(choices, "30201")] == [OFFICE, admin_office]
    assert [c.account for c in v.search_accounts(choices, "办公费")] == [OFFICE, admin_office]
    assert v.search_accounts(choices, "零余额")[0].account == QUOTA
    # a code prefix finds the account and its sub-accounts, the account itself first
    found = [c.account for c in v.search_accounts(choices, "1002")]
    assert found[0] == "Assets:1002银行存款" and "Assets:1002银行存款:100201基本户" in found
    # every word must match: a code of any level and a name
    assert [c.account for c in v.search_accounts(choices, "500102 办公")] == [OFFICE]
    assert v.search_accounts(choices, "") == [] and v.search_accounts(choices, "不存在的科目") == []


# -- voucher numbers --------------------------------------------------------------------------
def test_next_voucher_follows_the_month(ledger):
    _main, entries, _options = ledger
    assert v.next_voucher(entries, dt.date(2026, 10, 30)) == "记-2026-10-003"
    assert v.next_voucher(entries, dt.date(2026, 11, 2)) == "记-2026-11-001"


def test_next_voucher_on_the_example_ledger(example_ledger):
    # the example numbers each month's transactions 记-YYYY-MM-NNN in date order
    assert v.next_voucher(example_ledger.entries, dt.date(2026, 10, 30)) == "记-2026-10-104"
    assert v.next_voucher(example_ledger.entries, dt.date(2025, 9, 1)).startswith("记-2025-09-")


# -- the draft --------------------------------------------------------------------------------
def test_form_of_trims_and_drops_empty_rows():
    form = v.Form.of({"narration": "  购 打印纸 ", "lines": [{"account": OFFICE, "debit": " 1 "},
                                                          {"account": "", "debit": "", "credit": ""}],
                      "meta": {"handler": " 刘芳 ", "approver": "", "unknown": "x"}})
    assert form.narration == "购 打印纸"
    assert form.lines == [v.Line(OFFICE, "1", "")]
    assert form.meta == {"handler": "刘芳"}
    assert (form.kind, form.flag) == ("payment", "*")


def test_draft_text_uses_the_ledgers_metadata_keys(ledger):
    _main, entries, _options = ledger
    made = v.draft(v.Form.of(payment(meta={"approver": "王建国", "quotes": "3",
                                             "procurement": "询价"})),
                   v.account_choices(entries), entries)
    assert made.problems == ()
    assert made.text == (
        '2026-10-30 * "明德区晨光文具店" "购打印纸"\n'
        '  voucher: "记-2026-10-003"\n'
        '  handler: "刘芳"\n'
        '  inspector: "李明华"\n'
        '  reviewer: "陈静"\n'
        '  approver: "王建国"\n'
        '  approved: 2026-10-29\n'
        '  procurement: "询价"\n'
        '  quotes: 3\n'
        '  invoice: "26000000000000000123"\n'
        '  attachments: 2\n'
        f'  {OFFICE}   320.00 CNY\n'
        f'  {QUOTA}                        -320.00 CNY\n')


def test_draft_escapes_quotes(ledger):
    _main, entries, _options = ledger
    made = v.draft(v.Form.of(payment(narration='购"A4"纸')), v.account_choices(entries), entries)
    assert '"购\\"A4\\"纸"' in made.text
    assert loader.load_string(made.text)[0][0].narration == '购"A4"纸'


def test_form_problems_are_in_chinese_at_their_fields(ledger):
    _main, entries, _options = ledger
    form = payment(narration="", payee="", voucher="记-2026-10-002",
                   lines=[{"account": OFFICE, "debit": "320.00", "credit": "5"},
                          {"account": "Assets:9999不存在", "debit": "", "credit": "-3"},
                          {"account": QUOTA, "debit": "", "credit": "1.005"},
                          {"account": QUOTA, "debit": "", "credit": "100"}],
                   meta={"approved": "十月", "quotes": "三", "procurement": "随便买"})
    made = v.draft(v.Form.of(form), v.account_choices(entries), entries)
    assert made.entry is None and made.text == ""
    assert [(p.field, p.message) for p in made.problems] == [
        ("narration", "请填写摘要"),
        ("payee", "付款凭证请填写对方单位"),
        ("voucher", "凭证号 记-2026-10-002 已被 2026-10-15 “购办公用品”使用，下一个可用的是 记-2026-10-003"),
        ("approved", "审批日期应为日期，格式如 2026-10-28"),
        ("procurement", "采购方式只能是政府采购、公开招标、询价、竞争性磋商、框架协议、自行采购之一"),
        ("quotes", "报价应为整数"),
        ("lines.1", "第 1 行应只填借方金额或贷方金额中的一个"),
        ("lines.2", "第 2 行的科目“Assets:9999不存在”未开设或已关闭，请从列表中选择"),
        ("lines.2", "第 2 行的金额应为正数，最多两位小数"),
        ("lines.3", "第 3 行的金额应为正数，最多两位小数"),
        ("lines", "借方合计 0.00 元，贷方合计 100.00 元，借贷不平"),
    ]


def test_unbalanced_draft(ledger):
    _main, entries, _options = ledger
    form = payment(lines=[{"account": OFFICE, "debit": "1,320.00"}, {"account": QUOTA, "credit": "320"}])
    made = v.draft(v.Form.of(form), v.account_choices(entries), entries)
    assert [(p.field, p.message) for p in made.problems] == [
        ("lines", "借方合计 1,320.00 元，贷方合计 320.00 元，借贷不平")]


# -- the rules ------------------------------------------------------------------------------------
def checked(ledger, form: dict) -> list[tuple[str, str]]:
    main, entries, _options = ledger
    made = v.draft(v.Form.of(form), v.account_choices(entries), entries)
    assert made.problems == ()
    base = loader.load_file(str(main))[1]
    problems = v.check_draft(str(main), made.text, made.entry, base,
                             lambda f: v.relative_name(str(main), f))
    return [(p.field, p.message, p.where) if p.where else (p.field, p.message) for p in problems]


def test_missing_approver_is_shown_at_the_approver(ledger):
    assert checked(ledger, payment()) == [
        ("approver", "[AP01] 付款缺少审批人（一支笔审批，收支须有审批手续）")]


def test_a_clean_payment_has_no_problems(ledger):
    assert checked(ledger, payment(meta={"approver": "王建国"})) == []


def test_one_message_at_each_field_it_names(ledger):
    form = payment(meta={"reviewer": "", "approved": ""})
    message = "[AP01] 付款缺少审核人、审批人、审批日期（一支笔审批，收支须有审批手续）"
    assert checked(ledger, form) == [("reviewer", message), ("approver", message),
                                     ("approved", message)]


def test_rule_problems_map_to_their_fields(ledger):
    form = payment(meta={"approver": "刘芳", "inspector": "", "approved": "2026-10-31"})
    assert checked(ledger, form) == [
        ("inspector", "[AP02] 物资、资产或工程缺少验收人 inspector（经手人、验收人、审核人三人签字）"),
        ("approver", "[AP03] 审批人 刘芳 无权审批 320.00 元的支出（一支笔；当日审批权限：李明华（500.00 元以内）、王建国（不限））"),
        ("approved", "[AP07] 审批日期 2026-10-31 晚于付款日期 2026-10-30（先审批后支出）"),
        ("handler", "[AP08] 经手人 刘芳 同时是审批人（不相容职务分离）"),
    ]


def test_a_new_problem_of_another_entry_is_listed_apart(ledger):
    # 4000 on 14 October and 1543.71 on the 15th to the same shop: 5543.71 crosses the quote
    # threshold (5000); the rule reports the later, existing entry (2026/10.beancount line 9)
    form = payment(date="2026-10-14", meta={"approver": "王建国", "approved": "2026-10-13"},
                   lines=[{"account": OFFICE, "debit": "4000.00"}, {"account": QUOTA, "credit": "4000.00"}])
    # and the year's 办公费 (budget 5000.00, counted from the year's start) goes over its budget
    # at that entry too (BG01, a warning)
    found = checked(ledger, form)
    assert found[0] == (
        "other", "[AP09] 疑似拆分采购：2026-10-14 起 10 天内向 明德区晨光文具店 付款 2 笔，"
                 "每笔未超过询价标准 5000.00 元，合计 5543.71 元超过", "2026/10.beancount:9")
    assert [(kind, message[:6], where) for kind, message, where in found[1:]] == [
        ("other", "[BG01]", "2026/10.beancount:9")]
    assert "累计支出 5543.71 元，超出 543.71 元" in found[1][1]


def test_beancounts_own_problems_are_in_chinese():
    class Error:
        def __init__(self, message):
            self.source = {"filename": v.DRAFT_FILE, "lineno": 1}
            self.message = message
            self.entry = None

    entry = v.draft(v.Form.of(payment()), [v.account_choice(OFFICE), v.account_choice(QUOTA)], []).entry
    found = v.rule_problems([Error("Transaction does not balance: (1.00 CNY)"),
                             Error("Invalid reference to unknown account 'Assets:X'"),
                             Error("Something else entirely")], [], entry)
    assert [(p.field, p.message) for p in found] == [
        ("lines", "借贷不平衡"), ("lines", "科目在该日期未开设或已关闭"),
        ("form", "Beancount 检查未通过（原文）：Something else entirely")]  # xiaozhang.messages' wording


# -- where it goes --------------------------------------------------------------------------------
def test_target_is_the_month_file_of_the_date(ledger):
    main, _entries, options = ledger
    folder = main.parent
    assert v.target_file(str(main), options["include"], dt.date(2026, 10, 30)) == folder / "2026" / "10.beancount"
    assert v.target_file(str(main), options["include"], dt.date(2027, 1, 5)) == folder / "2027" / "01.beancount"


def test_target_of_a_ledger_without_month_files_is_the_main_file(tmp_path):
    main = tmp_path / "one.beancount"
    assert v.target_file(str(main), [str(main)], dt.date(2026, 10, 30)) == main


def test_with_entry_keeps_one_blank_line():
    assert v.with_entry("; 2026年10月\n\n", "2026-10-30 * \"x\"\n") == "; 2026年10月\n\n2026-10-30 * \"x\"\n"
    assert v.with_entry("", "x\n") == "x\n"


def test_with_include_follows_the_ledgers_style(tmp_path):
    main = str(tmp_path / "main.beancount")
    target = tmp_path / "2027" / "01.beancount"
    glob_style = 'option "title" "x"\ninclude "accounts.beancount"\ninclude "2026/*.beancount"\n\n; 结尾\n'
    assert v.with_include(glob_style, target, main) == (
        'option "title" "x"\ninclude "accounts.beancount"\ninclude "2026/*.beancount"\n'
        'include "2027/*.beancount"\n\n; 结尾\n')
    file_style = 'include "2026/12.beancount"'
    assert v.with_include(file_style, target, main) == (
        'include "2026/12.beancount"\ninclude "2027/01.beancount"\n')
