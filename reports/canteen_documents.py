"""食堂 (canteen): the documents of a month — the 伙食费收支公示 for parents and the 食堂收支盈亏表
for the school — and the page's chart, from the figures of reports/canteen.py (rendered to
HTML, A4 PDF, xlsx and PNG by reports/document.py).
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from xiaozhang.model.money import yuan
from xiaozhang.model.periods import Month, date_label
from xiaozhang.reports.canteen import CanteenMonth, CanteenYear
from xiaozhang.reports.document import Document, Percent, Table, Text, render_html
from xiaozhang.reports.render import EXPENSES_COLOUR, INCOME_COLOUR, Series, bar_chart_svg

SIGNATURES_NOTICE = ("成本核算人", "膳食委员会", "总务主任", "校长")
SIGNATURES_STATEMENT = ("会计", "总务主任", "校长")


def _rate(value: Decimal | None):
    return Percent(value) if value is not None else "—"


def _term_info(month: CanteenMonth) -> list[tuple[str, str]]:
    """The term line of both documents: `Term.title`, as on the fee notices (none before the books)."""
    return [("学期", month.term_title)] if month.term_title else []


def notice_document(month: CanteenMonth) -> Document:
    """伙食费收支公示 (for parents, by the 15th of the next month)."""
    m, t = month.figures, month.term
    cap = f"{'±' if month.mode == 'kindergarten' else '≤'}{month.cap}%"
    meals = Table(["就餐人员", "就餐人次", "日均就餐人数", "每餐标准（元）"], [
        ["学生", m.meals_students, round(m.meals_students / m.days_served) if m.days_served else 0,
         yuan(m.income_of("学生伙食费") / m.meals_students)
         if m.meals_students else None],
        ["教职工", m.meals_staff, round(m.meals_staff / m.days_served) if m.days_served else 0,
         yuan(m.income_of("教职工伙食费") / m.meals_staff)
         if m.meals_staff else None],
    ], title=f"一、就餐情况（本月供餐 {m.days_served} 天）",
        total=["合计", m.meals_students + m.meals_staff, None, None])
    income = Table(["收入项目", "本月（元）", f"{month.term_label}累计（元）"],
                   [[line.label, line.amount, t.income_of(line.label)] for line in m.income],
                   title="二、伙食费收入", total=["收入合计", m.income_total, t.income_total])
    cost = Table(["支出项目", "本月（元）", f"{month.term_label}累计（元）"],
                 [[line.label, line.amount, t.cost_of(line.label)] for line in m.cost],
                 title="三、伙食支出（按类别）", total=["支出合计", m.cost_total, t.cost_total])
    result = Table(["项目", "本月", f"{month.term_label}累计"], [
        ["收支结余（元）", m.surplus, t.surplus],
        ["结余率（结余÷收入）", _rate(m.surplus_rate), _rate(t.surplus_rate)],
        ["食材支出占伙食费收入的比例", _rate(m.food_cost_ratio), _rate(t.food_cost_ratio)],
    ], title=f"四、结余情况（结余率上限 {cap}）")
    blocks = [meals, income, cost, result, Text(
        "说明：学生伙食费从饭卡预存中按实际就餐扣收，食堂不收现金；教职工就餐自付，与学生伙食分开核算。"
        "食堂独立核算，结余滚动用于改善学生伙食，不得挪作他用。"
        f"对伙食费收支有疑问，请在公示期内向学校反映（监督电话：{month.hotline}）。", style="note")]
    if m.unknown_meals_entries:
        blocks.append(Text(f"注：本月有 {m.unknown_meals_entries} 笔就餐消费没有人次记录，就餐人次不完整。",
                           style="note"))
    if not month.complete:
        blocks.append(Text(f"注：账目只记到 {date_label(month.as_of) if month.as_of else '—'}，本月尚未结束，数字不是最终数。",
                           style="note"))
    return Document(
        title="伙食费收支公示",
        subtitle=f"{month.school}食堂 {month.label}",
        info=_term_info(month) + [("公示期间", f"{date_label(m.first)} 至 {date_label(m.last)}"),
                                  ("公示时间", f"{date_label(month.disclosure_due)}前张贴，公示不少于 7 天")],
        blocks=blocks,
        signatures=SIGNATURES_NOTICE,
        closing=[f"{month.school}", "　　年　　月　　日"],
        footer=f"监督电话：{month.hotline}",
        sheet=f"伙食费公示{Month.of(month.month).text}",
        phone=True,
    )


def statement_document(month: CanteenMonth) -> Document:
    """食堂收支盈亏表 with the balance at the month's end (for the school, by the 5th)."""
    m, t, y = month.figures, month.term, month.year
    rows = [[f"收入：{line.label}", line.amount, t.income_of(line.label), y.income_of(line.label)]
            for line in m.income]
    rows += [["收入合计", m.income_total, t.income_total, y.income_total]]
    rows += [[f"成本：{line.label}", line.amount, t.cost_of(line.label), y.cost_of(line.label)]
             for line in m.cost]
    rows += [
        ["成本合计", m.cost_total, t.cost_total, y.cost_total],
        ["收支结余", m.surplus, t.surplus, y.surplus],
        ["结余率", _rate(m.surplus_rate), _rate(t.surplus_rate), _rate(y.surplus_rate)],
        ["食材成本率（食材支出÷伙食费收入）", _rate(m.food_cost_ratio), _rate(t.food_cost_ratio),
         _rate(y.food_cost_ratio)],
        ["学生就餐人次", m.meals_students, t.meals_students, y.meals_students],
        ["教职工就餐人次", m.meals_staff, t.meals_staff, y.meals_staff],
    ]
    cap = f"{'±' if month.mode == 'kindergarten' else ''}{month.cap}%"
    pnl = Table(["项目", "本月", f"{month.term_label}累计", "本年累计"], rows,
                title=f"一、收支盈亏（金额单位：元；结余率上限 {cap}）")
    b = month.balance
    left = [[f"　{line.label}", line.amount] for line in b.assets]
    right = ([[f"　{line.label}", line.amount] for line in b.liabilities]
             + [["负债合计", b.liabilities_total]]
             + [[f"　{line.label}", line.amount] for line in b.net_assets]
             + [["净资产合计", b.net_assets_total]])
    height = max(len(left), len(right))
    left += [[None, None]] * (height - len(left))
    right += [[None, None]] * (height - len(right))
    balance = Table(["资产", "期末余额（元）", "负债和净资产", "期末余额（元）"],
                    [a + r for a, r in zip(left, right)], title=f"二、资产负债（{date_label(b.date)}）",
                    total=["资产合计", b.assets_total, "负债和净资产合计",
                           b.liabilities_total + b.net_assets_total])
    check = ("资产合计等于负债和净资产合计，食堂账目自身平衡。" if b.difference == 0 else
             f"资产合计与负债和净资产合计相差 {b.difference} 元：有食堂与学校资金混记的分录，请财务室核对。")
    blocks = [pnl, balance, Text(check, style="note")]
    if not month.complete:
        blocks.append(Text(f"注：账目只记到 {date_label(month.as_of) if month.as_of else '—'}，本月尚未结束。",
                           style="note"))
    return Document(
        title="食堂收支盈亏表",
        subtitle=f"{month.school}食堂 {month.label}",
        info=_term_info(month) + [("编报期限", f"{date_label(month.statement_due)}前报学校"),
                                  ("核算方式", "食堂独立核算")],
        blocks=blocks,
        signatures=SIGNATURES_STATEMENT,
        closing=[f"{month.school}食堂", "　　年　　月　　日"],
        sheet=f"盈亏表{Month.of(month.month).text}",
    )


def notice_html(month: CanteenMonth) -> Markup:
    """The notice as an HTML fragment (the page shows it as printed)."""
    return Markup(render_html(notice_document(month), standalone=False))


def statement_html(month: CanteenMonth) -> Markup:
    """The statement as an HTML fragment."""
    return Markup(render_html(statement_document(month), standalone=False))


def year_chart(year: CanteenYear) -> Markup:
    """The school year's income and cost by month, an inline SVG bar chart."""
    return bar_chart_svg(
        [f"{row.month.month}月" for row in year.months],
        [Series("收入", [row.figures.income_total for row in year.months], INCOME_COLOUR),
         Series("成本", [row.figures.cost_total for row in year.months], EXPENSES_COLOUR)],
        title=f"{year.school_year_label}食堂各月收入与成本")
