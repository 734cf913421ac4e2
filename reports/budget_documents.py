"""The budget statements as documents (HTML / A4 PDF / xlsx / PNG, `reports/document.py`):
会政预01, 会政预02, 会政预03, the 差异调节表 and 补充规定 附表1 of one year, and the 资金结存
check by month.  The figures are `xiaozhang.reports.budget_statements`'s (附表1: `reports/school_spending.py`,
the one definition, laid out by `statements_documents.school_spending_blocks`); this module only lays
them out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xiaozhang.model import dimensions as dim
from xiaozhang.reports import budget_statements as bs
from xiaozhang.reports.document import Document, Table, Text

ZERO = Decimal(0)
_INDENT = ("", "　", "　　")


def _school(books, day: dt.date) -> str:
    return books.policy.school_name(day)


def _lines(lines, previous: bool = True) -> list[list]:
    return [[_INDENT[l.level] + l.label, l.current] + ([l.previous] if previous else [])
            for l in lines]


def income_expenditure_doc(books, year: int) -> Document:
    return Document(
        title="预算收入支出表", subtitle=f"{_school(books, dt.date(year, 12, 31))} {year}年",
        info=[("表号", "会政预01表"), ("单位", "元")],
        blocks=[Table(["项目", "本年数", "上年数"], _lines(bs.income_expenditure(books, year)),
                      widths=[3, 1.2, 1.2]),
                Text("“其中：食堂净预算收入”为食堂本年预算收入减预算支出（《中小学校补充规定》三），"
                     "已并入“其他预算收入”；食堂的支出不在“事业支出”中。", "note")],
        sheet="会政预01")


def carryover_doc(books, year: int) -> Document:
    return Document(
        title="预算结转结余变动表", subtitle=f"{_school(books, dt.date(year, 12, 31))} {year}年",
        info=[("表号", "会政预02表"), ("单位", "元")],
        blocks=[Table(["项目", "本年数"], _lines(bs.carryover(books, year), previous=False),
                      widths=[3, 1.2])],
        sheet="会政预02")


def fiscal_doc(books, year: int) -> Document:
    rows = bs.fiscal(books, year)
    body = [[("一般公共预算财政拨款——" if r.label in (dim.PERSONNEL, dim.PUBLIC_USE) else "")
             + ("基本支出·" + r.label if r.label in (dim.PERSONNEL, dim.PUBLIC_USE)
                else "项目支出·" + r.label.removeprefix("项目：")),
             r.opening, r.income, r.spending, r.closing] for r in rows[:-1]]
    total = rows[-1]
    return Document(
        title="财政拨款预算收入支出表", subtitle=f"{_school(books, dt.date(year, 12, 31))} {year}年",
        info=[("表号", "会政预03表"), ("单位", "元")],
        blocks=[Table(["项目", "年初财政拨款结转结余", "本年财政拨款收入", "本年财政拨款支出",
                       "年末财政拨款结转结余"], body,
                      total=["合计", total.opening, total.income, total.spending, total.closing],
                      widths=[3, 1.3, 1.3, 1.3, 1.3])],
        sheet="会政预03")


def reconciliation_doc(books, year: int) -> Document:
    rec = bs.reconciliation(books, year)
    rows: list[list] = [["一、本年预算结余（本年预算收支差额）", rec.budget_surplus],
                        ["二、差异调节", None], ["（一）重要事项的差异", None]]
    for group in (bs.ADD_INCOME, bs.ADD_SPENDING, bs.LESS_INCOME, bs.LESS_EXPENSE):
        rows.append(["　" + group, rec.total(group)])
        rows += [["　　" + label, amount] for g, label, amount in rec.items if g == group]
    rows += [["（二）其他事项差异", rec.other], ["三、本年盈余（本年收入与费用的差额）", rec.surplus]]
    return Document(
        title="本年盈余与预算结余的差异情况说明",
        subtitle=f"{_school(books, dt.date(year, 12, 31))} {year}年（附注（六））",
        info=[("单位", "元")],
        blocks=[Table(["项目", "金额"], rows, widths=[3.4, 1.2]),
                Text("本年预算结余 + 加项 − 减项 + 其他事项差异 = 本年盈余。各项由每笔财务会计分录按"
                     "平行记账规则表逐条归类（docs/budget-accounting.md）。", "note")],
        sheet="差异调节表")


def spending_detail_doc(books, year: int) -> Document:
    """补充规定 附表1: the one table of `reports/school_spending.py` (also in the 附注 of 财务报表)."""
    from xiaozhang.reports.school_spending import build_school_spending
    from xiaozhang.reports.statements import Period
    from xiaozhang.reports.statements_documents import school_spending_document

    report = build_school_spending(books.entries, books.options_map, Period(year, 12))
    return school_spending_document(report, _school(books, dt.date(year, 12, 31)))


def invariant_doc(books) -> Document:
    rows = []
    for day, subs, holds in bs.invariant(books):
        for name, budget, financial in subs:
            rows.append([str(day), name, budget, financial, financial - budget,
                         "相符" if budget == financial else "不符"])
    return Document(
        title="资金结存核对（每月末）", info=[("单位", "元")],
        blocks=[Table(["月末", "资金结存明细", "资金结存余额", "对应财务科目余额", "差额", "结果"],
                      rows),
                *[Text(f"{name}对应：{'、'.join(accounts)}", "note")
                  for name, accounts in bs.invariant_accounts(books)]],
        sheet="资金结存核对")


def documents(books, year: int, spending_detail: bool = True) -> list[Document]:
    """The year's budget statements, in the order the page and the files show them (the 财务报表
    page leaves 附表1 out: its 附注 shows the same table)."""
    docs = [income_expenditure_doc(books, year), carryover_doc(books, year),
            fiscal_doc(books, year), reconciliation_doc(books, year)]
    return docs + [spending_detail_doc(books, year)] if spending_detail else docs
