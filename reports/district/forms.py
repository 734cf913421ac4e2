"""Each school's statutory statements, line by line, for the bureau's consolidated statements.

The lines are the schools' own statements, built by the statements' own functions on the
school's loaded entries (one definition; nothing is recomputed here):

    会政财01 资产负债表      `reports.statements.build_balance_sheet`: 期末余额, 年初余额
    会政财02 收入费用表      `reports.statements.build_income_statement`: 本月数, 本年累计数
                             (一、本期收入, the income lines, 二、本期费用, the expense lines,
                             三、本期盈余, as the printed form orders them)
    会政预01 预算收入支出表  `reports.budget_statements.income_expenditure_between` from
                             1 January to the month's end: 本年累计数 (the whole year in
                             December: the 年报's 本年数); `income_expenditure`: 上年数

Periods (`periods`): the month of the end of the school's data (月报) and the December of
every earlier year of its data (年报).  Building the three statements costs about 4-5 % of
the school's load per period (a generated one-year school: 0.03 s for its two periods against
0.28-0.37 s of load, CPU), so the months in between are not built.

Each line is one row of the store's `statements` table: the form's code, the period
("2026-10"), `seq` (the line's place: section × 1000 + its index, so that a line only some
schools have — an income code of no form line — sorts inside its section), `key` (the line's
identity across schools: the balance sheet's line key, "Income|4001" / "Expenses|5001" for the
收入费用表, the label for 会政预01), the label, heading / total / detail flags and the two
amounts.  The consolidation is a sum per (form, period, key) over the schools (`query.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    code: str  # 会政财01
    title: str  # 资产负债表
    columns: tuple[str, str]  # the two amounts' headings
    main: int  # the column shown per school (0 or 1)


FORMS = (
    Form("会政财01", "资产负债表", ("期末余额", "年初余额"), 0),
    Form("会政财02", "收入费用表", ("本月数", "本年累计数"), 1),
    Form("会政预01", "预算收入支出表", ("本年累计数", "上年数"), 0),
)
FORM = {form.code: form for form in FORMS}
SECTION = 1000


def periods(books) -> list:
    """The periods whose statements are extracted (module docstring), oldest first."""
    from xiaozhang.reports.statements import Period

    first, last = books.first_date, books.last_date
    if first is None or last is None:
        return []
    found = [Period(year, 12) for year in range(first.year, last.year)
             if dt.date(year, 12, 31) >= first]
    found.append(Period(last.year, last.month))
    return found


def _row(school, form, period, seq, key, label, first, second, *, heading=False, total=False,
         detail=False) -> dict:
    return {"school": school, "form": form, "period": period.text, "seq": seq, "key": key,
            "label": label, "heading": heading, "total": total, "detail": detail,
            "amount1": first, "amount2": second}


def lines(entries, options_map: dict, books, school: str) -> list[dict]:
    """Every line of the three statements of every period (module docstring)."""
    from xiaozhang.reports import budget_statements as budget
    from xiaozhang.reports.statements import build_balance_sheet, build_income_statement

    rows: list[dict] = []
    for period in periods(books):
        sheet = build_balance_sheet(entries, options_map, period)
        for section, part in enumerate((sheet.assets, sheet.liabilities)):
            for index, row in enumerate(part):
                values = (*row.values, None, None)
                rows.append(_row(school, "会政财01", period, section * SECTION + index, row.key,
                                 row.label, values[0], values[1], heading=row.heading,
                                 total=row.total, detail=row.detail))

        income = build_income_statement(entries, options_map, period)
        sections = (("Income", income.income_total, income.income),
                    ("Expenses", income.expense_total, income.expenses))
        for section, (root, total, part) in enumerate(sections):
            base = section * SECTION
            rows.append(_row(school, "会政财02", period, base, f"{root}|total", total.label,
                             total.month, total.year, total=True))
            for index, line in enumerate(part, 1):
                rows.append(_row(school, "会政财02", period, base + index, f"{root}|{line.code}",
                                 line.label, line.month, line.year, detail=line.detail))
        surplus = income.surplus
        rows.append(_row(school, "会政财02", period, 2 * SECTION, "surplus", surplus.label,
                         surplus.month, surplus.year, total=True))

        current = budget.income_expenditure_between(books, period.year_start, period.last)
        previous = {line.label: line.previous for line in budget.income_expenditure(books, period.year)}
        for index, line in enumerate(current):
            rows.append(_row(school, "会政预01", period, index, line.label, line.label,
                             line.current, previous.get(line.label), total=line.level == 0,
                             detail=line.level == 2))
    return rows
