"""食堂 (canteen) page in Fava: `/<ledger>/extension/Canteen/`.

The school year's monthly P&L with the surplus rate against the cap and the food-cost ratio,
the terms, the stores' value, supplier licences and contracts ending within the notice days,
and a month's 伙食费收支公示 and 食堂收支盈亏表 as printed (`?month=2025-10`; default: the
latest month that is over and had meals; a month without meals gets a sentence, not a notice
of zeros).  Each method is one call into `xiaozhang.reports.canteen` (figures) or
`xiaozhang.reports.canteen_documents` (documents), over all the ledger's entries (the school
model's canteen, built once per load).

Fava's time filter picks the months, terms and the day the stores are valued (each month and
term whole: the canteen's figures are kept by month); the account and advanced filters do not
apply to the canteen's own books, and the page says so at its top.
"""

from __future__ import annotations

from fava.ext import FavaExtensionBase
from flask import request
from markupsafe import Markup

from xiaozhang.model.periods import parse_month
from xiaozhang.reports import canteen as canteen_report
from xiaozhang.reports import canteen_documents
from xiaozhang.reports.fava_ext.page import ReportPage


class Canteen(ReportPage, FavaExtensionBase):
    """食堂: the canteen's own books (独立核算) month by month."""

    report_title = "食堂"

    def year(self) -> canteen_report.CanteenYear:
        """The school year asked for (`?school_year=2025`), else the one of the end of the
        data; under Fava's time filter, its period."""
        school_year = self.request_int("school_year")
        period = self.selection().period
        return self.cached(("canteen-year", school_year, period), lambda: canteen_report.build_year(
            self.ledger.all_entries, self.ledger.options, school_year, period))

    def months(self) -> list:
        """The months with meals, for the month chooser (latest first; within the time filter)."""
        period = self.selection().period
        return self.cached(("canteen-months", period), lambda: canteen_report.months_with_meals(
            self.ledger.all_entries, self.ledger.options, period)[::-1])

    @staticmethod
    def asked_month() -> str:
        """The month asked for (`?month=2025-10`) spelt "2025-10" ("" when none; as typed
        when it is not a month)."""
        typed = request.args.get("month", "").strip()
        month = parse_month(typed)
        return month.text if month is not None else typed

    def month(self) -> canteen_report.CanteenMonth | None:
        """`?month=2025-10` if it had meals, else the latest month that is over and had meals
        (within the time filter); None: no such month."""
        asked = self.asked_month()
        period = self.selection().period
        return self.cached(("canteen-month", asked, period), lambda: canteen_report.shown_month(
            self.ledger.all_entries, self.ledger.options, asked, period))

    def notice_html(self, month: canteen_report.CanteenMonth) -> Markup:
        return canteen_documents.notice_html(month)

    def statement_html(self, month: canteen_report.CanteenMonth) -> Markup:
        return canteen_documents.statement_html(month)

    def chart(self, year: canteen_report.CanteenYear) -> Markup:
        return self.cached(("canteen-chart", year.school_year, year.period),
                           lambda: canteen_documents.year_chart(year))
