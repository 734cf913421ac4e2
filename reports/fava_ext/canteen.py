"""食堂 (canteen) page in Fava: `/<ledger>/extension/Canteen/`.

The school year's monthly P&L with the surplus rate against the cap and the food-cost ratio,
the terms, the stores' value, supplier licences and contracts ending within the notice days,
and a month's 伙食费收支公示 and 食堂收支盈亏表 as printed (`?month=2025-10`; default: the
latest month that is over and had meals).  Each method is one call into
`xiaozhang.reports.canteen` (figures) or `xiaozhang.reports.canteen_documents` (documents),
over all the ledger's entries (the school model's canteen, built once per load).
"""

from __future__ import annotations

from fava.ext import FavaExtensionBase
from flask import request
from markupsafe import Markup

from xiaozhang.reports import canteen as canteen_report
from xiaozhang.reports import canteen_documents
from xiaozhang.reports.fava_ext.page import ReportPage


class Canteen(ReportPage, FavaExtensionBase):
    """食堂: the canteen's own books (独立核算) month by month."""

    report_title = "食堂"

    def year(self) -> canteen_report.CanteenYear:
        """The school year asked for (`?school_year=2025`), else the one of the end of the data."""
        school_year = self.request_int("school_year")
        return self.cached(("canteen-year", school_year), lambda: canteen_report.build_year(
            self.ledger.all_entries, self.ledger.options, school_year))

    def months(self) -> list:
        """The months with canteen entries, for the month chooser (latest first)."""
        return self.cached("canteen-months", lambda: canteen_report.months_with_data(
            self.ledger.all_entries, self.ledger.options)[::-1])

    def month(self) -> canteen_report.CanteenMonth | None:
        """`?month=2025-10`, else the latest month that is over and had meals."""
        asked = request.args.get("month", "")
        return self.cached(("canteen-month", asked), lambda: canteen_report.shown_month(
            self.ledger.all_entries, self.ledger.options, asked))

    def notice_html(self, month: canteen_report.CanteenMonth) -> Markup:
        return canteen_documents.notice_html(month)

    def statement_html(self, month: canteen_report.CanteenMonth) -> Markup:
        return canteen_documents.statement_html(month)

    def chart(self, year: canteen_report.CanteenYear) -> Markup:
        return self.cached(("canteen-chart", year.school_year), lambda: canteen_documents.year_chart(year))
