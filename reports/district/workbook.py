"""The bureau's workbook: the per-school table, problems by rule class, the consolidated totals
and the consolidated statements (资产负债表, 收入费用表, 预算收入支出表 with a column per school).

Documents of `xiaozhang.reports.document` (one sheet each), written by its `write_xlsx` (every
text cell is stored as text, so a school name or message starting with `=` never runs as a
formula).  The figures are `query.py`'s.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from xiaozhang.model.money import yuan
from xiaozhang.model.periods import Month
from xiaozhang.reports.document import DASH, Document, Table, Text, write_xlsx
from xiaozhang.reports.district import query
from xiaozhang.reports.district.forms import FORMS



def money_cell(value) -> Decimal | None:
    return None if value is None else yuan(value)


def _amount(value, heading: bool):
    if heading:
        return ""
    return DASH if value is None else yuan(value) + 0  # + 0: never -0


def period_label(period: str) -> str:
    """`2026年10月` for the store's period "2026-10" (`Month.label`)."""
    return Month.parse(period).label


def statement_documents(con, period: str | None = None, *, by_school: bool = True,
                        school: str | None = None) -> list[Document]:
    """The consolidated 资产负债表, 收入费用表 and 预算收入支出表 of `period` (default: the latest
    every school has), with one column per school (`by_school`); `school`: that school's own."""
    period = period or query.default_period(con)
    if period is None:
        return []
    docs = []
    for form in FORMS:
        lines = query.consolidated_statement(con, form.code, period, school)
        per = {} if school or not by_school else query.statement_by_school(con, form.code, period)
        schools = sorted(per)
        main = form.columns[form.main]
        columns = ["项目", *form.columns, *(f"{s}：{main}" for s in schools)]
        rows = []
        for line in lines:
            label = ("　" if line["detail"] else "") + line["label"]
            values = [_amount(line["amount1"], line["heading"]), _amount(line["amount2"], line["heading"])]
            for name in schools:
                found = per[name].get(line["key"])
                values.append("" if found is None else _amount(found[form.main], line["heading"]))
            rows.append([label, *values])
        count = max((line["schools"] for line in lines), default=0)
        whose = school or "全区"
        info = [("期间", period_label(period)), ("金额单位", "元")]
        info.insert(0, ("学校", school) if school else ("汇总学校数", str(count)))
        docs.append(Document(
            title=f"{whose}{form.title}" + ("" if school else "（汇总）"),
            subtitle=f"{form.code}表", sheet=form.title, landscape=len(columns) > 4, info=info,
            blocks=[Table(columns, rows),
                    Text("各行为各校本表同一行次之和（学校自己的报表，逐行相加）。" if not school else
                         "该校自己的报表（与学校“财务报表”“预算会计”页面同一段程序算出）。", "note")]))
    return docs


def documents(con, period: str | None = None) -> list[Document]:
    schools = query.per_school(con)
    columns = ["学校", "名称", "交易笔数", "错误", "预警", "问题（按规则类）", "评判日期",
               "应缴财政款余额", "逾期未缴笔数", "逾期未缴金额", "未公示（月·项）", "逾期公示（月·项）",
               "预算数", "执行数", "执行率（%）", "超预算行数", "食堂学期", "食堂结余率（%）",
               "超结余率上限学期数", "固定资产原值", "累计折旧", "净值", "账卡相符"]
    rows = [[r["school"], r["name"], r["transactions"], r["errors"], r["warnings"],
             r["problems_by_class"] or "无", str(r["judged"]), money_cell(r["remit_held"]),
             r["remit_overdue_count"], money_cell(r["remit_overdue_amount"]), r["disclosures_missing"],
             r["disclosures_late"], money_cell(r["budget"]), money_cell(r["budget_actual"]),
             r["budget_used"], r["budget_over"],
             (r["canteen_term"] or "") if r["canteen"] else query.CANTEEN_NONE,
             None if r["canteen_rate"] is None else yuan(Decimal(r["canteen_rate"]) * 100),
             r["canteen_over_cap"] if r["canteen"] else None, money_cell(r["assets_cost"]), money_cell(r["assets_depreciation"]),
             money_cell(r["assets_net"]), "" if r["assets_ok"] is None else ("是" if r["assets_ok"] else "否")]
            for r in schools]
    per_school = Document(
        title="各校情况汇总表", sheet="各校", landscape=True,
        info=[("学校数", str(len(schools)))],
        blocks=[Table(columns, rows)])
    problems = query.problems_by_class(con)
    by_class = Document(
        title="各校问题（按规则类）", sheet="问题分类",
        blocks=[Table(["学校", "规则类", "错误", "预警"],
                      [[p["school"], p["class"] or "账本检查", p["errors"], p["warnings"]]
                       for p in problems])] if problems else [Text("各校账本均无问题。")])
    listed = query.problem_list(con)
    problem_doc = Document(
        title="各校问题清单", sheet="问题清单",
        blocks=[Table(["学校", "规则", "说明", "文件", "行", "日期", "类别"],
                      [[p["school"], p["code"], p["message"], p["file"], p["line"],
                        "" if p["date"] is None else str(p["date"]), "预警" if p["warning"] else "错误"]
                       for p in listed])] if listed else [Text("各校账本均无问题。")])
    totals = query.consolidated(con)
    consolidated = Document(
        title="全区汇总：各类科目发生额合计", sheet="全区汇总",
        info=[("口径", "各校全部分录按科目类别相加（贷方为负），即各校账本同类科目余额之和")],
        blocks=[Table(["科目类别", "币种", "金额", "学校数"],
                      [[query.CLASS_NAMES.get(t["class"], t["class"]), t["currency"], money_cell(t["amount"]),
                        t["schools"]] for t in totals])])
    return [per_school, by_class, problem_doc, consolidated, *statement_documents(con, period)]


def write(store: str | Path, out: str | Path, period: str | None = None) -> Path:
    con = query.connect(store)
    try:
        return write_xlsx(documents(con, period), Path(out))
    finally:
        con.close()
