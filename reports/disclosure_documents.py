"""What a disclosure prints: the school's notice, the class notices, the per-student statements.

The figures are `xiaozhang.reports.disclosure.build`'s; here they become plain documents for
`xiaozhang.reports.document` (HTML, A4 PDF, xlsx, PNG). The public documents (school, class)
are built from totals and `ClassSheet` only, so no 学号 or full name can reach them; only
`student_statement` names the student, for that student's family.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from xiaozhang.model.money import ZERO, format_money
from xiaozhang.model.periods import date_label
from xiaozhang.reports.disclosure import ClassSheet, Disclosure, ItemSheet, StudentStatement
from xiaozhang.reports.document import (Document, Table, Text, pdf_bytes, phone_png, render_html,
                                        safe_filename, xlsx_bytes)

SIGNATURES = ("经办人", "审核人（会计）", "校长")


def refund_of(amount: Decimal) -> Decimal | None:
    """应退: the positive part of a settlement (None, an empty cell, when there is none)."""
    return amount if amount > 0 else None


def topup_of(amount: Decimal) -> Decimal | None:
    """应补 (多退少补) or 不补 (多退少不补): the negative part of a settlement, as a positive number."""
    return -amount if amount < 0 else None


def topup_label(settlement: str) -> str:
    """The heading of the negative settlements: 应补 under 多退少补, 不补 under 多退少不补."""
    return "应补" if settlement == "多退少补" else "不补"


def rounding_text(items) -> str:
    """The leftover-fen rule, with the 尾差 of each item that has one."""
    kept = [f"{i.name} {format_money(i.rounding)} 元" for i in items if i.settles and i.rounding]
    return ("分摊以分计：每笔支出由范围内的缴费学生平均分摊，除不尽时每生分摊进为一分，"
            "所以同一范围的学生分摊相同，应退合计不会超过结余。"
            + (f"进位多分摊的尾差（{'；'.join(kept)}）不退，留在该项目账上，随项目余额处理。" if kept else ""))


def _common(report: Disclosure, issued: dt.date) -> dict:
    school = report.school.get("name", "")
    hotline = report.school.get("hotline", "")
    info = [
        ("学期", report.term.title),
        ("期间", f"本月 {date_label(report.month_first)}至{date_label(report.as_of)}；"
                 f"本学期累计至{date_label(report.as_of)}（含开学前的收付）"),
        ("金额单位", "元"),
    ]
    return {
        "info": info,
        "signatures": SIGNATURES,
        "closing": [f"{school}（盖章）", f"公示日期：{date_label(issued)}"],
        "footer": f"{school}  监督/投诉电话：{hotline}",
    }


def school_notice(report: Disclosure, issued: dt.date):
    """收费公示 (and, once the term is over, 代收费结算清单) for the school's notice board."""
    common = _common(report, issued)
    school = report.school.get("name", "")
    title = (f"收费公示及代收费结算清单（{report.period_label}）" if report.final
             else f"收费公示（{report.period_label}）")
    standards = [(i, s) for i in report.items for s in i.standards]
    blocks: list = [Text("一、收费项目", "h"), Table(
        ["项目", "性质", "收费范围", "收费标准（元）", "计费单位", "是否自愿", "结算方式", "收费依据"],
        [[i.name, i.kind_label, chinese_list(s.scope), s.amount, i.unit, "自愿" if i.voluntary else "否",
          i.settlement, i.basis] for i, s in standards],
        widths=[9, 10, 14, 10, 9, 6, 9, 40])]
    remarks = [f"{i.name}：{i.note}" for i in report.items if i.note]
    if remarks:
        blocks.append(Text("说明：" + "；".join(remarks) + "。", "note"))
    rows = [[i.name, i.payer_count, i.collected_month, i.collected, i.spent_month, i.spent, i.balance,
             i.refunded, i.held] for i in report.items]
    blocks += [Text(f"二、收支情况（本学期累计至 {report.as_of}）", "h"), Table(
        ["项目", "缴费人数", "本月收取", "累计收取", "本月支出", "累计支出", "结余", "已退", "账面余额"],
        rows, total=["合计", None, *[sum((r[c] for r in rows), ZERO) for c in range(2, 9)]])]
    blocks.append(Text("支出：代收费为付给提供方的款项，服务性收费为该项服务的成本，行政事业性收费为上缴财政的款项。"
                       "结余 = 累计收取 - 累计支出；账面余额 = 结余 - 已退。", "note"))
    spend_rows = [[i.name, str(s.date), s.supplier or s.payee, s.invoice, s.narration, s.amount,
                   f"{s.scope}（{s.sharers} 人）" if i.settles else "—"]
                  for i in report.items for s in i.spendings]
    if spend_rows:
        blocks += [Text("三、支出明细", "h"), Table(
            ["项目", "日期", "收款单位", "发票号", "摘要", "金额", "分摊对象"], spend_rows,
            widths=[9, 10, 20, 18, 26, 10, 14])]
    settle_rows = []
    for i in report.items:
        if not i.settles:
            continue
        for grade, count, low, high in i.refund_groups():
            settle_rows.append([i.name, grade, count, refund_of(high), refund_of(low) if low != high else None,
                                topup_of(low), topup_of(high) if low != high else None])
    if settle_rows:
        blocks += [Text("四、结算（多退少不补或多退少补，按实际支出分摊到每个缴费学生，以分计）", "h"),
                   Table(["项目", "年级", "缴费人数", "每生应退（元）", "其中最少应退", "每生应补或不补（元）",
                          "其中最少"], settle_rows)]
        blocks.append(Table(
            ["项目", "结算方式", "应退合计", "应补或不补合计", "分摊尾差", "已退", "待退"],
            [[i.name, i.settlement, i.refund_due, i.shortfall, i.rounding, i.refunded, i.outstanding]
             for i in report.items if i.settles]))
        blocks.append(Text(rounding_text(report.items), "note"))
        status = ("本学期已结束，以上为期末结算。" if report.final
                  else "本学期尚未结束，以上结算按截至本月末的实际支出测算，期末以实际结算为准。")
        blocks.append(Text(status + "每个学生的结算明细见班级公示和个人结算单。", "note"))
    notes = [n for i in report.items for n in i.notes]
    if notes:
        blocks.append(Text("核对提示：" + "；".join(notes), "note"))
    blocks.append(Text(f"如有疑问，请向学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"))
    return Document(title=title, subtitle=f"{school}  {report.term.name}", info=common["info"],
                    blocks=blocks, signatures=common["signatures"], closing=common["closing"],
                    footer=common["footer"], landscape=True, sheet="收费公示", phone=True)


def class_notice(report: Disclosure, sheet: ClassSheet, issued: dt.date):
    """The class notice (班级公示): every student of the class, names masked, no 学号."""
    common = _common(report, issued)
    items = [i for i in report.items if i.name in sheet.items]
    tables = []
    for group in _column_groups(items):
        columns = ["序号", "姓名"]
        for i in group:
            columns += ([f"{i.name}已缴", f"{i.name}分摊", f"{i.name}应退", f"{i.name}{topup_label(i.settlement)}"]
                        if i.settles else [f"{i.name}已缴"])
        rows, total = [], ["合计", f"{len(sheet.lines)} 人"]
        for line in sheet.lines:
            row: list = [line.number, line.masked_name]
            for i in group:
                figures = line.items.get(i.name)
                if i.settles:
                    row += [figures.paid, figures.share, refund_of(figures.settlement),
                            topup_of(figures.settlement)] if figures else [None, None, None, None]
                else:
                    row.append(figures.paid if figures else None)
            rows.append(row)
        for i in group:
            if i.settles:
                total += [sheet.total(i.name, "paid"), sheet.total(i.name, "share"),
                          sum((r for r in (refund_of(f.settlement) for f in _figures(sheet, i.name)) if r), ZERO),
                          sum((r for r in (topup_of(f.settlement) for f in _figures(sheet, i.name)) if r), ZERO)]
            else:
                total.append(sheet.total(i.name, "paid"))
        title = "、".join(i.name for i in group) if len(items) > len(group) else ""
        tables.append(Table(columns, rows, total=total, title=title))
    settled = [i for i in items if i.settles]
    if settled:
        rows = []
        for line in sheet.lines:
            figures = [line.items[i.name] for i in settled if i.name in line.items]
            topups = [line.items[i.name] for i in settled if i.name in line.items and i.settlement == "多退少补"]
            rows.append([line.number, line.masked_name,
                         sum((f.settlement for f in figures if f.settlement > 0), ZERO),
                         sum((-f.settlement for f in topups if f.settlement < 0), ZERO),
                         sum((f.refunded for f in figures), ZERO),
                         sum((f.outstanding for f in figures if f.outstanding > 0), ZERO)])
        tables.append(Table(["序号", "姓名", "应退合计", "应补合计", "已退", "待退"], rows,
                            title="每生合计（元）",
                            total=["合计", f"{len(sheet.lines)} 人",
                                   *[sum((r[c] for r in rows), ZERO) for c in range(2, 6)]]))
    blocks = [
        Text(f"{sheet.class_name}：" + "；".join(
            f"{i.name}（{i.kind_label}，标准 {chinese_list(i.standard_for(sheet.grade))} 元，{i.unit}）"
            f"{sheet.count(i.name)} 人缴费"
            for i in items) + "。"),
        *tables,
        Text("已缴：本学期缴纳的金额；分摊：按实际支出（见学校收费公示的支出明细）平均分摊到每个缴费学生；"
             "应退：已缴多于分摊的部分，学校退给学生；应补：分摊多于已缴的部分，应补缴（多退少补）；"
             "不补：分摊多于已缴的部分，学校不再收取（多退少不补）。" + rounding_text(items), "note"),
        Text("为保护学生隐私，姓名已做脱敏处理，不公布学号；个人结算单只发给学生本人家长。", "note"),
        Text(f"如有疑问，请向班主任或学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"),
    ]
    return Document(title=f"{sheet.class_name}收费结算公示（{report.period_label}）",
                    subtitle=f"{report.school.get('name', '')}  {report.term.name}", info=common["info"],
                    blocks=blocks, signatures=("班主任", "经办人", "校长"), closing=common["closing"],
                    footer=common["footer"], landscape=max(len(t.columns) for t in tables) > 8,
                    sheet=sheet.class_name, phone=True)


def _figures(sheet: ClassSheet, item: str):
    return [line.items[item] for line in sheet.lines if item in line.items]


def chinese_list(text: str) -> str:
    """`一年级,二年级` -> `一年级、二年级`: an enumeration in running Chinese text takes 、 (not
    the thousands separator of an amount, `1,200.00`)."""
    return re.sub(r"(?<!\d)\s*[,，]\s*|\s*[,，]\s*(?!\d)", "、", text)


CLASS_COLUMNS = 12  # item columns per class table: more do not fit on a landscape A4 page


def _column_groups(items: list[ItemSheet]) -> list[list[ItemSheet]]:
    """The items in order, in groups whose columns fit one table (4 per settled item, else 1)."""
    groups: list[list[ItemSheet]] = [[]]
    width = 0
    for item in items:
        needed = 4 if item.settles else 1
        if groups[-1] and width + needed > CLASS_COLUMNS:
            groups.append([])
            width = 0
        groups[-1].append(item)
        width += needed
    return groups


def student_statement(report: Disclosure, statement: StudentStatement, issued: dt.date):
    """A per-student statement (个人结算单), for that student's family only."""
    common = _common(report, issued)
    rows = []
    for line in statement.lines:
        i, payer = line.item, line.payer
        settles = i.settles
        rows.append([i.name, i.kind_label, line.standard, payer.paid,
                     payer.share if settles else None,
                     refund_of(payer.settlement) if settles else None,
                     topup_of(payer.settlement) if settles and i.settlement == "多退少补" else None,
                     topup_of(payer.settlement) if settles and i.settlement != "多退少补" else None,
                     payer.refunded if settles else None,
                     payer.outstanding if settles and payer.outstanding else None])
    totals = [sum((r[c] or ZERO for r in rows), ZERO) for c in range(3, 10)]
    blocks: list = [Table(["项目", "性质", "收费标准", "已缴", "分摊支出", "应退", "应补", "不补", "已退", "待退"],
                          rows, total=["合计", None, None, *totals])]
    refund, topup, refunded = totals[2], totals[3], totals[5]
    due = sum((line.payer.outstanding for line in statement.lines
               if line.item.settles and line.payer.outstanding > 0), ZERO)
    summary = f"本学期应退合计 {format_money(refund)} 元，已退 {format_money(refunded)} 元，待退 {format_money(due)} 元"
    summary += f"；应补合计 {format_money(topup)} 元。" if topup else "；无需补缴。"
    blocks.append(Text(summary, "h"))
    shared = [[line.item.name, str(s.date), s.supplier or s.payee, s.invoice, s.amount, s.sharers, share]
              for line in statement.lines for s, share in line.spendings]
    if shared:
        blocks += [Text("分摊明细（每笔支出由范围内的缴费学生平均分摊，以分计）", "h"),
                   Table(["项目", "日期", "收款单位", "发票号", "支出金额", "分摊人数", "本生分摊"], shared)]
    blocks.append(Text("应退：已缴多于分摊支出的部分，学校退给您；应补：分摊支出多于已缴的部分，"
                       "应补缴（多退少补）；不补：分摊支出多于已缴的部分，学校不再收取（多退少不补）。"
                       + rounding_text([line.item for line in statement.lines])
                       + "本单只发给学生本人家长。", "note"))
    blocks.append(Text(f"如有疑问，请向班主任或学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"))
    info = [("学生", f"{statement.name}（学号 {statement.sid}，{statement.class_name}）"), *common["info"]]
    return Document(title=f"个人收费结算单（{report.period_label}）",
                    subtitle=f"{report.school.get('name', '')}  {report.term.name}", info=info,
                    blocks=blocks, signatures=("经办人", "审核人（会计）"), closing=common["closing"],
                    footer=common["footer"], sheet=statement.sid)


SCHOOL_STEM = "收费公示-{period}"
CLASS_DIR = "班级公示"
STATEMENT_DIR = "个人结算单"
PUBLIC_FORMATS = ("html", "pdf", "xlsx", "png")
STATEMENT_FORMATS = ("pdf", "html")


def disclosure_jobs(report: Disclosure, out: Path, issued: dt.date, *, school: bool = True,
                    classes: bool = True, statements: bool = True) -> list:
    """The files of a disclosure, as jobs for `document.write_many`:

    - `收费公示-2026-01.{html,pdf,xlsx,png}`: the school's notice;
    - `班级公示/一(1)班.{html,pdf,xlsx,png}`: one notice per class (names masked, no 学号);
    - `个人结算单/一(1)班/<学号>.{pdf,html}`: one statement per student, for that family only.
    """
    out = Path(out)
    jobs: list = []
    if school:
        jobs.append((school_notice(report, issued), out, SCHOOL_STEM.format(period=report.period),
                     PUBLIC_FORMATS))
    if classes:
        for sheet in report.classes:
            jobs.append((class_notice(report, sheet, issued), out / CLASS_DIR,
                         safe_filename(sheet.class_name), PUBLIC_FORMATS))
    if statements:
        for statement in report.statements:
            jobs.append((student_statement(report, statement, issued),
                         out / STATEMENT_DIR / safe_filename(statement.class_name),
                         safe_filename(statement.sid), STATEMENT_FORMATS))
    return jobs


# -- one public notice, for the 收费公示 page --------------------------------------------------
NOTICE_FORMATS = {"pdf": "application/pdf", "png": "image/png",
                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "html": "text/html; charset=utf-8"}


def class_sheet(report: Disclosure, class_name: str | None) -> ClassSheet | None:
    """The class of the report named `class_name` (None: no such class this term)."""
    return next((s for s in report.classes if s.class_name == class_name), None)


def notice(report: Disclosure, kind: str, class_name: str | None, issued: dt.date) -> Document | None:
    """The school's notice (`kind` "school") or a class notice ("class"); None when the class
    has no collection in the term."""
    if kind == "school":
        return school_notice(report, issued)
    sheet = class_sheet(report, class_name)
    return None if sheet is None else class_notice(report, sheet, issued)


def notice_html(report: Disclosure, kind: str, class_name: str | None, issued: dt.date) -> str:
    """The notice as an HTML fragment for a page ("" when there is none)."""
    doc = notice(report, kind, class_name, issued)
    return render_html(doc, standalone=False) if doc else ""


def notice_file(report: Disclosure, kind: str, class_name: str | None, issued: dt.date,
                fmt: str) -> tuple[bytes, str] | None:
    """(the file's bytes, its name) of a public notice in `fmt` (html, pdf, png, xlsx), named as
    `xiaozhang report disclosure` names it; None when there is no such notice."""
    doc = notice(report, kind, class_name, issued)
    if doc is None or fmt not in NOTICE_FORMATS:
        return None
    if fmt == "html":
        body = render_html(doc).encode("utf-8")
    elif fmt == "xlsx":
        body = xlsx_bytes(doc)
    else:
        body = pdf_bytes(doc) if fmt == "pdf" else phone_png(doc)
    stem = (SCHOOL_STEM.format(period=report.period) if kind == "school"
            else f"{safe_filename(class_name or '')}-{report.period}")
    return body, f"{stem}.{fmt}"
