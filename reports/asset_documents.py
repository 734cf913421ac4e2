"""固定资产报表的文件：资产卡片清单、折旧计提表、固定资产增减变动表，及页面上的类别图。

Rendering only: the figures come from `xiaozhang.reports.assets` (typed tables built over the
school model); `xiaozhang.reports.document` writes them as HTML, A4 PDF, xlsx and PNG.
"""

from __future__ import annotations


from markupsafe import Markup

from xiaozhang.model.asset_cards import OPENING
from xiaozhang.model.money import format_money
from xiaozhang.model.periods import date_label
from xiaozhang.reports.asset_years import ChangeRow, ChangesTable, DepreciationTable
from xiaozhang.reports.assets import ZERO, Register
from xiaozhang.reports.document import Document, Table, Text
from xiaozhang.reports.render import EXPENSES_COLOUR, INCOME_COLOUR, Series, bar_chart_svg


def register_document(register: Register, ledger: str = ""):
    """资产卡片清单; for one location (a classroom) the custodian signs it (班主任)."""
    one_place = register.location is not None
    columns = ["资产编号", "资产名称", "类别", "规格型号", "数量", "原值", "累计折旧", "净值", "取得日期"]
    columns += ([] if one_place else ["存放地点"]) + ["使用人", "状态"]
    rows = []
    for r in register.rows:
        row = [r.asset_id, r.name, r.category, r.model, r.quantity, r.cost, r.depreciation, r.net,
               r.acquired.isoformat()]
        row += ([] if one_place else [r.location]) + [r.custodian, r.status]
        rows.append(row)
    total = ["合计", f"{register.count} 张卡片", None, None, register.quantity,
             register.cost, register.depreciation, register.net, None]
    total += ([] if one_place else [None]) + [None, None]
    # relative widths: money columns wide enough for 12,345,678.90 on landscape A4
    widths = [12, 20, 12, 14, 5, 13, 13, 13, 11] + ([] if one_place else [16]) + [7, 5]
    blocks = [Table(columns, rows, total=total, widths=widths)]
    if len(register.by_category) > 1:
        blocks.append(Table(["类别", "卡片张数", "原值", "累计折旧", "净值"],
                            [[c.category, c.cards, c.cost, c.depreciation, c.net]
                             for c in register.by_category],
                            title="按类别汇总",
                            total=["合计", register.count, register.cost, register.depreciation,
                                   register.net]))
    if register.filtered:
        blocks.append(Text(f"本清单为 {register.scope} 的资产。全部卡片" + register.reconciliation.sentence()
                           .removeprefix("与总账核对"), "note"))
    else:
        blocks.append(Text(register.reconciliation.sentence(), "note"))
    if one_place:
        blocks.append(Text("以上资产已逐件清点，账物相符；由本人负责保管使用，如有损坏、丢失或调动，"
                           "及时报告总务处。"))
        signatures = ["保管人（班主任）", "总务处经办人", "总务主任"]
    else:
        signatures = ["资产管理员", "会计", "总务主任"]
    info = [("截至", register.day.isoformat()), ("范围", register.scope)]
    title = "资产卡片清单" + (f"（{register.location}）" if one_place else "")
    return Document(title=title, subtitle=register.school, info=info, blocks=blocks,
                    signatures=signatures, closing=[register.school, date_label(register.day)],
                    landscape=True, sheet="资产卡片清单")


def depreciation_document(table: DepreciationTable, ledger: str = ""):
    months = [f"{m}月" for m in table.months]
    summary = Table(["类别", *months, "合计"],
                    [[c, *amounts, total] for c, amounts, total in table.by_category],
                    title="按类别、月份汇总（元）",
                    total=["合计", *table.month_totals, table.total])
    detail = Table(["资产编号", "资产名称", "类别", "原值", "月折旧额", "本年计提月数", "本年折旧",
                    "累计折旧", "净值"],
                   [[d.asset_id, d.name, d.category, d.cost, d.monthly, d.months, d.year_total,
                     d.accumulated, d.net] for d in table.lines],
                   title="逐项资产明细", widths=[12, 24, 14, 13, 10, 8, 12, 13, 13],
                   total=["合计", f"{len(table.lines)} 张卡片", None,
                          sum((d.cost for d in table.lines), ZERO), None, None, table.total,
                          sum((d.accumulated for d in table.lines), ZERO),
                          sum((d.net for d in table.lines), ZERO)])
    agree = "一致" if table.total == table.ledger_total else "不一致，请财务室核对"
    blocks = [summary, detail,
              Text(f"本期计提合计 {format_money(table.total)} 元；账上记录的固定资产折旧费"
                   f"同期合计 {format_money(table.ledger_total)} 元，{agree}。", "note"),
              Text(table.reconciliation.sentence(), "note"),
              Text("折旧方法：年限平均法，按月计提，不留残值；月折旧额 =（原值－已提折旧）÷ 剩余月数，"
                   "四舍五入到分，最后一个月计提余额。文物和陈列品、图书档案、动植物、土地不计提折旧。",
                   "note")]
    period = f"{table.year}年{table.months[0]}月至{table.months[-1]}月"
    info = [("期间", period)]
    return Document(title="固定资产折旧计提表", subtitle=table.school, info=info, blocks=blocks,
                    signatures=["制表（会计）", "审核（总务主任）"],
                    closing=[table.school, date_label(table.period_end)], landscape=True,
                    sheet="折旧计提表")


def changes_document(table: ChangesTable, ledger: str = ""):
    used_sources = [i for i, s in enumerate(table.sources)
                    if s == "购置" or table.total.additions[i]]
    used_kinds = [i for i, k in enumerate(table.kinds) if k == "报废" or table.total.disposals[i]]
    opening = "建账时" if table.opened else "年初"
    columns = (["类别", f"{opening}原值"] + [f"增加：{table.sources[i]}" for i in used_sources] + ["增加合计"]
               + [f"减少：{table.kinds[i]}" for i in used_kinds] + ["减少合计", "年末原值"])

    def cost_row(row: ChangeRow, label: str | None = None):
        return ([label or row.category, row.opening_cost] + [row.additions[i] for i in used_sources]
                + [row.added] + [row.disposals[i] for i in used_kinds] + [row.removed, row.closing_cost])

    def depreciation_row(row: ChangeRow, label: str | None = None):
        return [label or row.category, row.opening_depreciation, row.charged, row.brought_in,
                row.written_off, row.closing_depreciation, row.closing_net]

    omitted = [s for i, s in enumerate(table.sources) if i not in used_sources
               and not (table.opened and s == OPENING)]
    omitted += [k for i, k in enumerate(table.kinds) if i not in used_kinds]
    blocks = [
        Table(columns, [cost_row(r) for r in table.rows], title="一、原值（元）",
              total=cost_row(table.total, "合计")),
        Table(["类别", f"{opening}累计折旧", "本年计提", "调入带入", "处置转出", "年末累计折旧", "年末净值"],
              [depreciation_row(r) for r in table.rows], title="二、累计折旧与净值（元）",
              total=depreciation_row(table.total, "合计")),
    ]
    if omitted:
        blocks.append(Text(f"本期没有发生：{'、'.join(omitted)}。", "note"))
    balanced = all(r.balanced for r in table.rows)
    if table.opened:
        blocks.append(Text(f"本年为建账年度：{date_label(table.opened)}建账，建账时录入的资产原值和已提折旧列为"
                           "期初数（不作本年增加），本表自建账日起编制；以后各年以上年末数为年初数。", "note"))
    blocks.append(Text(f"各类别：{opening}原值＋本年增加－本年减少＝年末原值；{opening}累计折旧＋本年计提＋带入－处置转出"
                       f"＝年末累计折旧（{'已逐行核对' if balanced else '有不平的行，请检查'}）。", "note"))
    blocks.append(Text(f"{opening}：" + table.opening.sentence().removeprefix("与总账核对"), "note"))
    blocks.append(Text("年末：" + table.closing.sentence().removeprefix("与总账核对"), "note"))
    period = (f"{date_label(table.opened or table.start)}{'（建账）' if table.opened else ''}至{date_label(table.end)}"
              + ("" if table.complete else "（本年尚未结束）"))
    info = [("期间", period)]
    return Document(title="固定资产增减变动表", subtitle=f"{table.school}　{table.year}年度",
                    info=info, blocks=blocks, signatures=["单位负责人", "财务负责人", "制表人"],
                    closing=[table.school, date_label(table.end)], landscape=True, sheet="增减变动表")


def category_chart(register: Register) -> Markup:
    """原值 and 净值 by category (inline SVG, the 固定资产 page)."""
    return bar_chart_svg(
        [c.category for c in register.by_category],
        [Series("原值", [c.cost for c in register.by_category], INCOME_COLOUR),
         Series("净值", [c.net for c in register.by_category], EXPENSES_COLOUR)],
        title="各类固定资产原值与净值", height_in=3.2)
