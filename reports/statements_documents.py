"""What the financial statements print (HTML, A4 PDF, xlsx, PNG through `reports/document.py`):
each statement in the 制度's format (会政财01–04) with 编制单位, period and 单位：元, and the 附注 tables.

The figures come from `reports/statements.py` and `reports/statement_notes.py`; nothing is
computed here but the layout.  A cell the form leaves empty is printed “——”.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from xiaozhang.model.money import format_money
from xiaozhang.model.periods import date_label
from xiaozhang.reports.document import DASH, Document, Table, Text
from xiaozhang.reports.statement_notes import Notes
from xiaozhang.reports.statements import BalanceSheet, IncomeStatement, Period, Row
from xiaozhang.reports.statements_annual import CashFlowStatement, NetAssetsStatement

SIGNATURES = ("单位负责人", "会计主管", "制表")


def _cell(value: Decimal | None):
    if value is None:
        return DASH
    return value + 0  # -0 → 0


def _info(school: str, day: str) -> list[tuple[str, str]]:
    return [("编制单位", school or "（未设学校信息）"), ("日期", day), ("金额单位", "元")]


def _closing(school: str, issued: dt.date) -> list[str]:
    return [school, date_label(issued)]


def _label(row: Row) -> str:
    return ("　" if row.detail else "") + row.label


def balance_sheet_document(sheet: BalanceSheet, school: str, issued: dt.date) -> Document:
    left = [r for r in sheet.assets]
    right = [r for r in sheet.liabilities]
    height = max(len(left), len(right))
    rows = []
    for i in range(height):
        cells: list = []
        for side in (left, right):
            if i < len(side):
                row = side[i]
                cells += [_label(row), *(("", "") if row.heading else (_cell(v) for v in row.values))]
            else:
                cells += ["", "", ""]
        rows.append(cells)
    notes = [Text("“*”标识项目为月报项目，年报中不需列示（12 月为年报：其金额已并入累计盈余）。年初余额为上年 12 月 31 日"
                  "（账簿当年建账的，为建账日）的余额。收入、费用及本期盈余、本年盈余分配、无偿调拨净资产、以前年度盈余调整"
                  "未做年末结转的，以前年度的发生额列入累计盈余。各行取数的科目见使用说明（docs/statements.md）。", "note")]
    if sheet.unlisted:
        notes.append(Text("以下科目不属于本表任何项目，已列入其他流动资产或其他流动负债：" + "、".join(sheet.unlisted), "note"))
    return Document(
        title="资产负债表", subtitle=f"会政财01表　{school}", sheet="资产负债表",
        info=_info(school, date_label(sheet.period.last)),
        blocks=[Table(["资产", "期末余额", "年初余额", "负债和净资产", "期末余额", "年初余额"], rows,
                      widths=[30, 15, 15, 26, 15, 15]), *notes],
        signatures=SIGNATURES, closing=_closing(school, issued), landscape=True,
        footer=f"{school} 资产负债表 {sheet.period.last}")


def income_statement_document(report: IncomeStatement, school: str, issued: dt.date) -> Document:
    from xiaozhang.reports.monthly import income_document

    return income_document(report, school, "", issued)


def net_assets_document(report: NetAssetsStatement, school: str, issued: dt.date) -> Document:
    period = report.period
    heads = ["累计盈余", "专用基金", "权益法调整", "净资产合计"]
    rows = [[_label(r), *(_cell(v) for v in r.values)] for r in report.rows]
    return Document(
        title="净资产变动表", subtitle=f"会政财03表　{school}", sheet="净资产变动表",
        info=_info(school, f"{period.year}年（截至 {period.last}）"),
        blocks=[Table(["项目", *[f"本年数·{h}" for h in heads], *[f"上年数·{h}" for h in heads]], rows,
                      widths=[30, *[12] * 8]),
                Text("“——”标识单元格不需填列。本年数为本年 1 月 1 日（当年建账的为建账次日）至表日的变动；上年数为上年全年。"
                     "本年盈余等于收入费用表的本期盈余（本年累计数）；年末结转凭证（收入、费用→本期盈余→本年盈余分配→累计盈余）"
                     "只在累计盈余内部转移，不重复计入。", "note")],
        signatures=SIGNATURES, closing=_closing(school, issued), landscape=True,
        footer=f"{school} 净资产变动表 {period.year}年")


def cash_flow_document(report: CashFlowStatement, school: str, issued: dt.date) -> Document:
    period = report.period
    rows = [[_label(r), *(("", "") if r.heading else (_cell(v) for v in r.values))] for r in report.rows]
    return Document(
        title="现金流量表", subtitle=f"会政财04表　{school}", sheet="现金流量表",
        info=_info(school, f"{period.year}年（截至 {period.last}）"),
        blocks=[Table(["项目", "本年金额", "上年金额"], rows, widths=[44, 16, 16]),
                Text("直接法编制。现金包括库存现金、银行存款、零余额账户用款额度、其他货币资金、财政应返还额度，以及财政直接支付的款项"
                     "（同时作为财政拨款收到和支付）。每笔现金收付按对方科目归入各项目；现金净增加额等于上述科目余额的增加额。", "note")],
        signatures=SIGNATURES, closing=_closing(school, issued),
        footer=f"{school} 现金流量表 {period.year}年")


def notes_document(notes: Notes, school: str, issued: dt.date, school_spending=None) -> Document:
    period = notes.period
    money, total, trust = notes.money[:4], notes.money[4], notes.money[5:]
    blocks: list = [Text("一、货币资金", "h"),
                     Table(["项目", "期末余额", "年初余额"], [[r.label, *r.values] for r in money],
                           total=[total.label, *total.values])]
    for row in trust:
        blocks.append(Text(f"{row.label}：期末 {format_money(row.values[0])} 元，年初 {format_money(row.values[1])} 元。"))
    blocks += [Text("二、固定资产", "h"),
               Table(["项目", "年初余额", "本期增加额", "本期减少额", "期末余额"],
                     [[r.label if r.heading else "　" + r.label, *r.values] for r in notes.fixed_assets])]
    blocks.append(Text("三、食堂财务信息纳入学校财务报表的说明", "h"))
    blocks.append(Text(
        f"学校食堂实行独立核算（账簿中标记为食堂的科目）。按《中小学校执行〈政府会计制度〉的补充规定》三，食堂本年收入和费用相抵后的"
        f"净额 {format_money(notes.canteen_net)} 元并入收入费用表“其他收入”，单独列示于“其中：食堂净收入”；食堂的资产、负债已并入资产负债表"
        f"相应项目。本年食堂与学校之间的内部业务 {notes.internal} 笔"
        + (f"（学校对食堂的补助、学校在食堂就餐等），其中食堂一方的收支净额 {format_money(notes.offset)} 元与学校一方的费用（收入）"
           "相互抵销，不列入收入费用表；内部资金往来在资产负债表中相互抵销。" if notes.internal else "，无需抵销。")))
    if notes.canteen:
        blocks.append(Table(["食堂收入、费用科目", "本年数"], [[r.label, *r.values] for r in notes.canteen],
                            total=["食堂净收入", notes.canteen_net]))
    if school_spending is not None:
        blocks.append(Text("四、中小学校事业支出明细表（补充规定附表1）", "h"))
        blocks += school_spending_blocks(school_spending)
    return Document(title="财务报表附注（主要表格）", subtitle=school, sheet="附注", landscape=school_spending is not None,
                    info=_info(school, f"{period.year}年（截至 {period.last}）"), blocks=blocks,
                    signatures=SIGNATURES, closing=_closing(school, issued),
                    footer=f"{school} 财务报表附注 {period.year}年")


def school_spending_blocks(report) -> list:
    """The 中小学校事业支出明细表 (补充规定 附表1, `reports/school_spending.py`) as two tables and a note:
    the one layout of the table, in the 附注 and on the 预算会计 page and documents."""
    from xiaozhang.reports.school_spending import COLUMNS

    shown = [(name, values, heading) for name, values, heading in report.rows if heading or any(values)]
    blocks: list = []
    # 13 amount columns do not fit one A4 width: 合计 and the first two sources, then the other two (续)
    for title, columns in (("", range(0, 7)), ("附表1（续）", range(7, 13))):
        blocks.append(Table(["项目", *[COLUMNS[i] for i in columns]],
                            [[name if heading else ("　　" if report.is_detail(name) else "　") + name,
                              *[values[i] for i in columns]]
                             for name, values, heading in shown],
                            title=title, total=["合计", *[report.total[i] for i in columns]],
                            widths=[22, *[12] * len(columns)]))
    blocks.append(Text("事业支出按收付实现制（已支付的支出），不含食堂（食堂收支净额列入其他预算收入）。只列有金额的明细行；"
                       "附表1的全部行见使用说明（docs/statements.md）。资金来源、基本支出和项目支出按分录的维度确定。", "note"))
    return blocks


def school_spending_document(report, school: str) -> Document:
    """附表1 alone (the 预算会计 documents and page): the same table as in the 附注."""
    period = report.period
    return Document(title="中小学校事业支出明细表", subtitle=school, sheet="事业支出明细表", landscape=True,
                    info=_info(school, f"{period.year}年（截至 {period.last}）")
                    + [("依据", "《中小学校补充规定》附表1")],
                    blocks=school_spending_blocks(report))


def documents(statements: Sequence, notes: Notes, school: str, issued: dt.date,
              school_spending=None) -> list[tuple[str, Document]]:
    """(file stem, document) of the four statements and the notes of a period."""
    sheet, income, nav, cash = statements
    period: Period = sheet.period
    return [(f"资产负债表-{period.text}", balance_sheet_document(sheet, school, issued)),
            (f"收入费用表-{period.text}", income_statement_document(income, school, issued)),
            (f"净资产变动表-{period.text}", net_assets_document(nav, school, issued)),
            (f"现金流量表-{period.text}", cash_flow_document(cash, school, issued)),
            (f"财务报表附注-{period.text}", notes_document(notes, school, issued, school_spending))]


def final_accounts_document(built: dict, school: str, issued: dt.date) -> Document:
    """The 决算 tables and 三公经费 (reports/final_accounts.py `build_all`)."""
    summary, by_function, fiscal, fiscal_economic = (built["summary"], built["by_function"], built["fiscal"],
                                                     built["fiscal_economic"])
    detail, sangong = built["detail"], built["sangong"]
    period = summary.period

    def matrix(first: str, m, heads=None) -> Table:
        return Table([first, *(heads or m.columns), "合计"], [[label, *values] for label, values in m.rows],
                     total=["合计", *m.total])

    heads = ["基本支出·人员经费", "基本支出·日常公用经费", "项目支出"]
    blocks: list = [Text("一、收入支出决算总表", "h"),
                     Table(["收入", "本年数", "支出（按功能分类）", "本年数"],
                           [[a[0] if a else "", a[1] if a else "", b[0] if b else "", b[1] if b else ""]
                            for a, b in _zip_longest(summary.income, summary.spending)]
                           + ([["年初结转结余", summary.carryover[0], "年末结转结余", summary.carryover[1]]]
                              if summary.carryover is not None else []),
                           total=["本年收入合计", summary.income_total, "本年支出合计", summary.spending_total]),
                     Text(f"本年收支差额 {format_money(summary.income_total - summary.spending_total)} 元。收入取自收入费用表本年累计数"
                          "（财务会计口径，食堂净收入在其他收入中）；支出为已支付的支出（收付实现制）。"
                          + ("年初、年末结转结余取自预算会计（预算结转结余变动表的年初数和年末数；年结后按结转分录后的"
                             "结转结余科目余额）。" if summary.carryover is not None
                             else "账本未记预算会计，年初、年末结转结余须另行填列。"), "note"),
                     Text("二、收入决算表", "h"),
                     Table(["项目", "本年数"], [[label, n] for label, n in summary.income],
                           total=["合计", summary.income_total]),
                     Text("三、支出决算表（全部资金，按支出功能分类）", "h"), matrix("支出功能分类", by_function, heads),
                     Text("四、财政拨款收入支出决算表（同级财政拨款支出，按支出功能分类 × 经济分类）", "h"),
                     matrix("支出功能分类", fiscal_economic),
                     Text("五、财政拨款支出决算表（按支出功能分类 × 基本支出、项目支出）", "h"), matrix("支出功能分类", fiscal, heads),
                     Text("六、支出决算明细表（按支出经济分类、资金来源）", "h"), matrix("支出经济分类", detail)]
    a = sangong.amounts
    blocks += [Text("七、财政拨款“三公”经费支出情况", "h"),
               Table(["项目", "本年支出"], [["因公出国（境）费", a["因公出国(境)费"]],
                                          ["公务用车购置及运行费", sangong.cars],
                                          ["　其中：公务用车购置费", a["公务用车购置费"]],
                                          ["　　　　公务用车运行维护费", a["公务用车运行维护费"]],
                                          ["公务接待费", a["公务接待费"]]],
                     total=["合计", sangong.total]),
               Text("支出按收付实现制：已支付的费用、应付职工薪酬、固定资产和库存物品（计提在支付时计入）；资金来源按支付的账户"
                    "（零余额账户、财政直接支付为同级财政拨款，学校自有资金为事业收入，或按 fund 元数据）。“三公”经费只计财政拨款"
                    f"安排的支出；其他资金支付的同类支出 {format_money(sangong.other_funds)} 元不计入。", "note")]
    return Document(title="决算表与“三公”经费", subtitle=school, sheet="决算",
                    info=_info(school, f"{period.year}年（截至 {period.last}）"), blocks=blocks,
                    signatures=SIGNATURES, closing=_closing(school, issued), landscape=True,
                    footer=f"{school} 决算 {period.year}年")


def _zip_longest(a, b):
    from itertools import zip_longest

    return zip_longest(a, b)
