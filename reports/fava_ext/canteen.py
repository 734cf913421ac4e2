"""食堂 (canteen) page in Fava: `/<ledger>/extension/Canteen/`.

The school year's monthly P&L with the surplus rate against the cap and the food-cost ratio,
the terms, the stores' value, supplier licences and contracts ending within the notice days,
and a month's 伙食费收支公示 and 食堂收支盈亏表 as printed (`?month=2025-10`; default: the
latest month that is over and had meals). Figures from `xiaozhang.reports.canteen`.
"""

from __future__ import annotations

import datetime as dt

from fava.ext import FavaExtensionBase
from flask import request
from markupsafe import Markup

from xiaozhang.reports import canteen as canteen_report
from xiaozhang.reports.document import render_html
from xiaozhang.reports.fava_ext.page import ReportPage
from xiaozhang.reports.render import EXPENSES_COLOUR, INCOME_COLOUR, Series, bar_chart_svg


class Canteen(ReportPage, FavaExtensionBase):
    """食堂: the canteen's own books (独立核算) month by month."""

    report_title = "食堂"

    def books(self) -> canteen_report.CanteenLedger:
        return self.cached("canteen-books", lambda: canteen_report.CanteenLedger(
            self.ledger.all_entries, self.ledger.options))

    def year(self) -> canteen_report.CanteenYear:
        """The school year asked for (`?school_year=2025`), else the one of the end of the data."""
        school_year = self.request_int("school_year")
        return self.cached(("canteen-year", school_year), lambda: canteen_report.build_year(
            self.ledger.all_entries, self.ledger.options, school_year, ledger=self.books()))

    def months(self) -> list[dt.date]:
        """The months with canteen entries, for the month chooser (latest first)."""
        return list(reversed(canteen_report.months_with_data(self.books())))

    def month(self) -> canteen_report.CanteenMonth | None:
        """`?month=2025-10`, else the latest month that is over and had meals."""
        books = self.books()
        asked = request.args.get("month", "")
        try:
            first = dt.datetime.strptime(asked, "%Y-%m").date() if asked else None
        except ValueError:
            first = None
        if first is None:
            served = [day.replace(day=1) for day in books.meals]
            over = [m for m in served if books.as_of and books.as_of >= canteen_report.month_end(m)]
            first = max(over or served, default=None)
        if first is None:
            return None
        return self.cached(("canteen-month", first), lambda: canteen_report.build(
            self.ledger.all_entries, self.ledger.options, first, ledger=books))

    def notice_html(self, month: canteen_report.CanteenMonth) -> Markup:
        return Markup(render_html(canteen_report.notice_document(month), standalone=False))

    def statement_html(self, month: canteen_report.CanteenMonth) -> Markup:
        return Markup(render_html(canteen_report.statement_document(month), standalone=False))

    def chart(self, year: canteen_report.CanteenYear) -> Markup:
        return self.cached(("canteen-chart", year.school_year), lambda: bar_chart_svg(
            [f"{row.month.month}月" for row in year.months],
            [Series("收入", [row.figures.income_total for row in year.months], INCOME_COLOUR),
             Series("成本", [row.figures.cost_total for row in year.months], EXPENSES_COLOUR)],
            title=f"{year.school_year_label}食堂各月收入与成本"))
