"""The bureau's workbook: the per-school table, problems by rule class, the consolidated totals.

Documents of `xiaozhang.reports.document` (one sheet each), written by its `write_xlsx` (every
text cell is stored as text, so a school name or message starting with `=` never runs as a
formula).  The figures are `query.py`'s.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from xiaozhang.model.money import yuan
from xiaozhang.reports.document import Document, Table, Text, write_xlsx
from xiaozhang.reports.district import query



def _money(value) -> Decimal | None:
    return None if value is None else yuan(value)


def documents(con) -> list[Document]:
    schools = query.per_school(con)
    columns = ["学校", "名称", "交易笔数", "错误", "预警", "问题（按规则类）", "评判日期",
               "应缴财政款余额", "逾期未缴笔数", "逾期未缴金额", "未公示（月·项）", "逾期公示（月·项）",
               "预算数", "执行数", "执行率（%）", "超预算行数", "食堂学期", "食堂结余率（%）",
               "超结余率上限学期数", "固定资产原值", "累计折旧", "净值", "账卡相符"]
    rows = [[r["school"], r["name"], r["transactions"], r["errors"], r["warnings"],
             r["problems_by_class"] or "无", str(r["judged"]), _money(r["remit_held"]),
             r["remit_overdue_count"], _money(r["remit_overdue_amount"]), r["disclosures_missing"],
             r["disclosures_late"], _money(r["budget"]), _money(r["budget_actual"]),
             r["budget_used"], r["budget_over"], r["canteen_term"] or "",
             None if r["canteen_rate"] is None else yuan(Decimal(r["canteen_rate"]) * 100),
             r["canteen_over_cap"], _money(r["assets_cost"]), _money(r["assets_depreciation"]),
             _money(r["assets_net"]), "" if r["assets_ok"] is None else ("是" if r["assets_ok"] else "否")]
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
                      [[query.CLASS_NAMES.get(t["class"], t["class"]), t["currency"], _money(t["amount"]),
                        t["schools"]] for t in totals])])
    return [per_school, by_class, problem_doc, consolidated]


def write(store: str | Path, out: str | Path) -> Path:
    con = query.connect(store)
    try:
        return write_xlsx(documents(con), Path(out))
    finally:
        con.close()
