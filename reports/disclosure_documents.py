"""What a disclosure prints: the school's notice, the class notices, the per-student statements.

The figures are `xiaozhang.reports.disclosure.build`'s; here they become plain documents for
`xiaozhang.reports.document` (HTML, A4 PDF, xlsx, PNG). The public documents (school, class)
are built from totals and `ClassSheet` only, so no 学号 or full name can reach them; only
`student_statement` names the student, for that student's family.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from xiaozhang.model.money import ZERO, format_money
from xiaozhang.reports.disclosure import ClassSheet, Disclosure, ItemSheet, StudentStatement
from xiaozhang.reports.document import (Document, Table, Text, pdf_bytes, pdf_png, render_html,
                                        safe_filename, xlsx_bytes)

SIGNATURES = ("经办人", "审核人（会计）", "校长")


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _settle_text(amount: Decimal, settlement: str) -> str:
    if amount > 0:
        return f"退 {format_money(amount)}"
    if amount < 0:
        return f"{'补' if settlement == '多退少补' else '不补'} {format_money(-amount)}"
    return "0.00"


def _common(report: Disclosure, issued: dt.date) -> dict:
    school = report.school.get("name", "")
    hotline = report.school.get("hotline", "")
    info = [
        ("学期", f"{report.term.label}（{report.term.start} 起"
                 + (f"，{report.term.end} 结束）" if report.term.end else "，进行中）")),
        ("期间", f"本月 {report.month_first} 至 {report.as_of}；本学期累计 {report.term.start} 至 {report.as_of}"),
        ("账本", report.ledger or "（未注明）"),
        ("金额单位", "元"),
    ]
    return {
        "info": info,
        "signatures": SIGNATURES,
        "closing": [f"{school}（盖章）", f"公示日期：{_cn_date(issued)}"],
        "footer": f"{school}  监督/投诉电话：{hotline}",
    }


def school_notice(report: Disclosure, issued: dt.date):
    """收费公示 (and, once the term is over, 代收费结算清单) for the school's notice board."""
    common = _common(report, issued)
    school = report.school.get("name", "")
    title = (f"收费公示及代收费结算清单（{report.period_label}）" if report.final
             else f"收费公示（{report.period_label}）")
    blocks: list = [Text("一、收费项目", "h"), Table(
        ["项目", "性质", "收费标准（元）", "计费单位", "收费范围", "是否自愿", "结算方式", "收费依据"],
        [[i.name, i.kind_label, i.standard_text(), i.unit, i.scope_text, "自愿" if i.voluntary else "否",
          i.settlement, i.basis] for i in report.items],
        widths=[9, 10, 16, 9, 12, 6, 9, 40])]
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
            each = _settle_text(low, i.settlement) if low == high else \
                f"{_settle_text(low, i.settlement)} 至 {_settle_text(high, i.settlement)}"
            settle_rows.append([i.name, grade, count, each])
    if settle_rows:
        blocks += [Text("四、结算（多退少不补 / 多退少补，按实际支出分摊到每个缴费学生，以分计）", "h"),
                   Table(["项目", "年级", "缴费人数", "每生结算"], settle_rows)]
        blocks.append(Table(
            ["项目", "结算方式", "应退合计", "应补/不补合计", "已退", "待退"],
            [[i.name, i.settlement, i.refund_due, i.shortfall, i.refunded, i.outstanding]
             for i in report.items if i.settles]))
        status = ("本学期已结束，以上为期末结算。" if report.final
                  else "本学期尚未结束，以上结算按截至本月末的实际支出测算，期末以实际结算为准。")
        blocks.append(Text(status + "每个学生的结算明细见班级公示和个人结算单。", "note"))
    notes = [n for i in report.items for n in i.notes]
    if notes:
        blocks.append(Text("核对提示：" + "；".join(notes), "note"))
    blocks.append(Text(f"如有疑问，请向学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"))
    return Document(title=title, subtitle=f"{school}  {report.term.label}", info=common["info"],
                    blocks=blocks, signatures=common["signatures"], closing=common["closing"],
                    footer=common["footer"], landscape=True, sheet="收费公示")


def class_notice(report: Disclosure, sheet: ClassSheet, issued: dt.date):
    """The class notice (班级公示): every student of the class, names masked, no 学号."""
    common = _common(report, issued)
    items = [i for i in report.items if i.name in sheet.items]
    tables = []
    for group in _column_groups(items):
        columns = ["序号", "姓名"]
        for i in group:
            columns += [f"{i.name}已缴", f"{i.name}分摊", f"{i.name}结算"] if i.settles else [f"{i.name}已缴"]
        rows, total = [], ["合计", f"{len(sheet.lines)} 人"]
        for line in sheet.lines:
            row: list = [line.number, line.masked_name]
            for i in group:
                figures = line.items.get(i.name)
                if i.settles:
                    row += [figures.paid, figures.share, _settle_text(figures.settlement, i.settlement)] \
                        if figures else [None, None, None]
                else:
                    row.append(figures.paid if figures else None)
            rows.append(row)
        for i in group:
            if i.settles:
                total += [sheet.total(i.name, "paid"), sheet.total(i.name, "share"),
                          _settle_text(sheet.total(i.name, "settlement"), i.settlement)]
            else:
                total.append(sheet.total(i.name, "paid"))
        title = "、".join(i.name for i in group) if len(items) > len(group) else ""
        tables.append(Table(columns, rows, total=total, title=title))
    blocks = [
        Text(f"{sheet.class_name}：" + "；".join(
            f"{i.name}（{i.kind_label}，标准 {i.standard_for(sheet.grade)} 元，{i.unit}）{sheet.count(i.name)} 人缴费"
            for i in items) + "。"),
        *tables,
        Text("已缴：本学期缴纳的金额；分摊：按实际支出（见学校收费公示的支出明细）平均分摊到每个缴费学生，"
             "以分计；结算：已缴 - 分摊，退为应退给学生，补为应补缴（多退少补），不补为学校不再收取（多退少不补）。", "note"),
        Text("为保护学生隐私，姓名已做脱敏处理，不公布学号；个人结算单只发给学生本人家长。", "note"),
        Text(f"如有疑问，请向班主任或学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"),
    ]
    return Document(title=f"{sheet.class_name}收费结算公示（{report.period_label}）",
                    subtitle=f"{report.school.get('name', '')}  {report.term.label}", info=common["info"],
                    blocks=blocks, signatures=("班主任", "经办人", "校长"), closing=common["closing"],
                    footer=common["footer"], landscape=max(len(t.columns) for t in tables) > 8,
                    sheet=sheet.class_name)


CLASS_COLUMNS = 12  # item columns per class table: more do not fit on a landscape A4 page


def _column_groups(items: list[ItemSheet]) -> list[list[ItemSheet]]:
    """The items in order, in groups whose columns fit one table (3 per settled item, else 1)."""
    groups: list[list[ItemSheet]] = [[]]
    width = 0
    for item in items:
        needed = 3 if item.settles else 1
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
        rows.append([i.name, i.kind_label, line.standard, payer.paid,
                     payer.share if i.settles else None,
                     _settle_text(payer.settlement, i.settlement) if i.settles else "—",
                     payer.refunded if i.settles else None,
                     _settle_text(payer.outstanding, i.settlement) if i.settles else "—"])
    blocks: list = [Table(["项目", "性质", "收费标准", "已缴", "分摊支出", "结算", "已退", "待退/补"], rows)]
    shared = [[line.item.name, str(s.date), s.supplier or s.payee, s.invoice, s.amount, s.sharers, share]
              for line in statement.lines for s, share in line.spendings]
    if shared:
        blocks += [Text("分摊明细（每笔支出由范围内的缴费学生平均分摊，以分计）", "h"),
                   Table(["项目", "日期", "收款单位", "发票号", "支出金额", "分摊人数", "本生分摊"], shared)]
    blocks.append(Text("结算 = 已缴 - 分摊支出；退为学校应退给您的金额，补为应补缴的金额（多退少补），"
                       "不补为学校不再收取（多退少不补）。本单只发给学生本人家长。", "note"))
    blocks.append(Text(f"如有疑问，请向班主任或学校财务室咨询；监督/投诉电话：{report.school.get('hotline', '')}。"))
    info = [("学生", f"{statement.name}（学号 {statement.sid}，{statement.class_name}）"), *common["info"]]
    return Document(title=f"个人收费结算单（{report.period_label}）",
                    subtitle=f"{report.school.get('name', '')}  {report.term.label}", info=info,
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
        pdf = pdf_bytes(doc)
        body = pdf if fmt == "pdf" else pdf_png(pdf)
    stem = (SCHOOL_STEM.format(period=report.period) if kind == "school"
            else f"{safe_filename(class_name or '')}-{report.period}")
    return body, f"{stem}.{fmt}"
