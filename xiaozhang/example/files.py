"""Writing the example ledger's files: `main.beancount`, the chart, the policy, the month files,
the registers and the roster, each written whole through `xiaozhang.io.write_atomic`."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from xiaozhang import chart
from xiaozhang.example.assets import FixedAssets
from xiaozhang.example.canteen import CanteenBooks, canteen_policy
from xiaozhang.example.config import BANKS, END, ExampleConfig
from xiaozhang.example.context import (
    DIRECTOR_LIMIT,
    MEETING_THRESHOLDS,
    PROCUREMENT_THRESHOLD,
    QUOTE_THRESHOLD,
    Example,
)
from xiaozhang.example.entries import HEADER, Txn, quote, render_value
from xiaozhang.example.fees import fee_items_text
from xiaozhang.example.people import SCHOOL, roster_file
from xiaozhang.example.school import budgets
from xiaozhang.io import write_atomic
from xiaozhang.model.asof import DIRECTIVE as AS_OF
from xiaozhang.model.budget import default_rules_text


def main_file(config: ExampleConfig, years: list[int]) -> str:
    includes = "\n".join(f'include "{y}/*.beancount"' for y in years)
    # Fava's Import page: the repository's example ledger (default configuration, in ledger/)
    # uses the repository's importers by relative path; ledgers generated elsewhere (bench,
    # tests) would not find that path, and Fava reports a missing import-config as an error.
    imports = ""
    if config == ExampleConfig():
        imports = (f'{config.start} custom "fava-option" "import-config" "../importers/fava_import.py"\n'
                   f'{config.start} custom "fava-option" "import-dirs" "../imports"\n')
    return f"""{HEADER}
option "title" "{config.name or SCHOOL['name']}（示例）"
option "operating_currency" "CNY"
option "render_commas" "TRUE"
option "booking_method" "STRICT"

; Fava 设置：中文界面；收入、负债、净资产以正数显示（政府会计报表的习惯）；首页为“概览”
{config.start} custom "fava-option" "language" "zh"
{config.start} custom "fava-option" "locale" "zh_CN"
{config.start} custom "fava-option" "invert-income-liabilities-equity" "true"
{config.start} custom "fava-option" "default-page" "extension/Overview/"
{config.start} custom "fava-option" "fiscal-year-end" "12-31"
{config.start} custom "fava-extension" "xiaozhang.reports.fava_ext"
{imports}
; 校账规则插件
plugin "xiaozhang.plugins.school"

include "accounts.beancount"
include "policy.beancount"
include "canteen.beancount"
include "assets.beancount"
{includes}
"""


def accounts_file(config: ExampleConfig) -> str:
    opened = dt.date(config.start.year - 10, 1, 1)
    out = [HEADER, "; 会计科目表（政府会计制度，科目编码+科目名称）\n\n"]
    basic = basic_account(config)
    for definition in chart.CHART:
        out.append(f"{opened} open {definition.account} CNY\n")
        out.append(f"  description: {quote(definition.description)}\n")
        for key, value in definition.meta:
            if definition.account == chart.BANK_BASIC:
                value = basic.get(key, value)
            out.append(f"  {key}: {render_value(value)}\n")
    return "".join(out)


def basic_account(config: ExampleConfig) -> dict[str, str]:
    """The 基本户's bank and account number when not the chart's: a school of the district
    (named, or at another bank of `BANKS`) has its own number, drawn from its seed."""
    if config.bank == ExampleConfig.bank and not config.name:
        return {}
    branch, digits = BANKS[config.bank]
    rng = random.Random(f"{config.seed}-bank")
    number = "".join(str(rng.randrange(10)) for _ in range(digits))
    if config.bank == "abc":  # written with the branch prefix, as 18-…
        number = f"{number[:2]}-{number[2:]}"
    return {"bank": branch, "bank_account": number}


def policy_file(ex: Example) -> str:
    """`policy.beancount`: the school, its rules and limits, its terms, fees, projects and budgets."""
    config = ex.config
    start = dt.date(config.start.year, 8, 25)
    s = SCHOOL
    return f"""{HEADER}
; 学校基本信息（按日期生效；人员变动时新增一条）
{start} custom "school" "{config.name or s['name']}"
  principal: "{s['principal']}"
  director: "{s['director']}"
  accountant: "{s['accountant']}"
  cashier: "{s['cashier']}"
  canteen_keeper: "{s['canteen_keeper']}"
  hotline: "{s['hotline']}"
  func: "{s['func']}"
  func_name: "{s['func_name']}"

; 评判日期：各项期限（待审批超期、非税收入上缴、代收费结算、收费公示、食堂月结）按这一天判断。
; 示例账本记到 {END}，固定评判日期，检查结果不随时间变化；学校自己的账本不写这一行，
; 即按今天判断（见 docs/conventions.md）
{END} custom "{AS_OF}" "评判日期"

; 审批权限（一支笔）：角色及其审批限额；不写限额表示不限（超过三重一大标准另需集体决策）
{start} custom "policy" "approval-tier" "director" {DIRECTOR_LIMIT:.2f} CNY
{start} custom "policy" "approval-tier" "principal"

; 限额标准
""" + "".join(f'{max(since, start)} custom "policy" "meeting-threshold" {value:.2f} CNY\n'
              for since, value in MEETING_THRESHOLDS) + f"""{start} custom "policy" "procurement-threshold" {PROCUREMENT_THRESHOLD:.2f} CNY
{start} custom "policy" "quote-threshold" {QUOTE_THRESHOLD:.2f} CNY
{start} custom "policy" "cash-limit" 5000.00 CNY
{start} custom "policy" "remittance-days" 5
{start} custom "policy" "split-window-days" 10
{start} custom "policy" "pending-days" 30
{start} custom "policy" "budget-control" "warn"
{start} custom "policy" "settle-days" 30
{start} custom "policy" "disclosure-days" 15

; 固定资产：单位价值标准（一般 / 专用设备）、折旧起始月份（当月增加当月计提，应用指南）
{start} custom "policy" "asset-threshold" 1000.00 CNY
{start} custom "policy" "asset-threshold-special" 1500.00 CNY
{start} custom "policy" "depreciation-start" "same-month"
; 行政及后勤部门：其费用和所用固定资产的折旧记 5101 单位管理费用，其余部门记 5001 业务活动费用
{start} custom "policy" "admin-depts" "办公室、校长室、总务处、财务室"

; 食堂：伙食结余率上限（%，每月和每学期）、大宗食材标准（定点采购、双人验收）、证照到期提醒天数
""" + (canteen_policy(start) if config.canteen else "; （本校没有食堂）\n") + """
; 学期结束日（代收费在其后 settle-days 天内结清）
""" + term_policies(ex) + """
; 收费项目：名称、性质、收费标准；计费单位、范围、依据、是否自愿、结算方式、科目（见 docs/disclosure.md）
""" + fee_items_text(start) + """
; 专项资金（专款专用）：名称、资金总额、允许列支的科目
""" + "".join(line + "\n" for line in ex.projects) + """
; 预算指标（Fava 预算格式，按年）
""" + "\n".join(budgets(ex)) + "\n" + """
; 平行记账规则表（预算会计由财务会计分录按此表生成，见 docs/budget-accounting.md）：
; 财务会计科目（含下级科目，最长匹配优先）→ 预算会计科目，或 "代管" "在途" "不记"
""" + default_rules_text(start)



def term_policies(ex) -> str:
    """The `term-start` of every term taught by the end of the books and the `term-end` of every
    term over by then, in date order (the calendar of `xiaozhang.example.dates`)."""
    lines = []
    for term in ex.terms:
        lines.append(f'{term.begins} custom "policy" "term-start" "{term.name}"\n')
        if term in ex.terms_ended:
            lines.append(f'{term.end} custom "policy" "term-end" "{term.name}"\n')
    return "".join(lines)


def month_file(txns: list[Txn], year: int, month: int, directives: list[str] = ()) -> str:
    body = "\n".join(t.render() for t in txns)
    if directives:
        body += ("\n; 收费公示记录（公示日期、公示的月份和收费项目）；食堂月末盘存（实存金额）\n"
                 + "".join(d + "\n" for d in directives))
    return f"{HEADER}; {year}年{month}月\n\n{body}"


def ledger_files(ex: Example, canteen: CanteenBooks, assets: FixedAssets) -> dict[str, str]:
    """The text of every file of the ledger, by path relative to its folder.

    Each month's transactions are written in date order (generation order within a day) and get
    their 凭证号 here; the month's other directives follow them."""
    by_month: dict[tuple[int, int], list[Txn]] = {}
    for txn in ex.books.txns:
        by_month.setdefault((txn.date.year, txn.date.month), []).append(txn)
    files: dict[str, str] = {}
    for (year, month), txns in sorted(by_month.items()):
        txns.sort(key=lambda t: t.date)  # stable: generation order within a day
        number = 0
        for txn in txns:
            if txn.numbered:
                number += 1
                txn.meta.insert(0, ("voucher", f"记-{year}-{month:02d}-{number:03d}"))
        directives = [text for day, text in sorted(ex.directives) if (day.year, day.month) == (year, month)]
        files[f"{year}/{month:02d}.beancount"] = month_file(txns, year, month, directives)
    years = sorted({year for year, _ in by_month})
    files["main.beancount"] = main_file(ex.config, years)
    files["accounts.beancount"] = accounts_file(ex.config)
    files["policy.beancount"] = policy_file(ex)
    files["canteen.beancount"] = canteen.register_file()
    files["students.csv"] = roster_file(ex.students, ex.school_years[-1])
    files["assets.beancount"] = assets.transfers_file()
    return files


def write(out: Path, files: dict[str, str]) -> list[Path]:
    """Write the files into `out`, in path order; returns the paths written."""
    return [write_atomic(out / name, text) for name, text in sorted(files.items())]
