"""预算会计 page in Fava (`/<ledger>/extension/BudgetAccounting/`).

The budget statements of a year (会政预01/02/03, the 差异调节表, 补充规定 附表1: `?year=`,
default the year of the time filter's last day, else the latest year), the budget income and
expenditure of Fava's time filter period (any period), and the 资金结存 check at every month
end.  Every figure comes from `xiaozhang.reports.budget_statements` over the school model of all
entries (the budget side needs the whole history); the account and advanced filters do not
apply (the page says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fava.ext import FavaExtensionBase
from markupsafe import Markup

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budget import budget_of
from xiaozhang.reports import budget_documents, budget_statements
from xiaozhang.reports.document import render_html
from xiaozhang.reports.fava_ext.page import ReportPage
from xiaozhang.reports.render import period_label

if TYPE_CHECKING:  # pragma: no cover
    pass


class BudgetAccounting(ReportPage, FavaExtensionBase):
    """预算会计: the year's budget statements, any period's 收支, 资金结存 by month."""

    report_title = "预算会计"

    def books(self) -> SchoolBooks:
        return SchoolBooks.of(self.ledger.all_entries, self.ledger.options)

    def active(self) -> bool:
        return self.cached("budget-active", lambda: budget_of(self.books()).active)

    def years(self) -> list[int]:
        return self.cached("budget-years", lambda: budget_statements.years(self.books()))

    def year(self) -> int | None:
        years = self.years()
        asked = self.request_int("year")
        if asked in years:
            return asked
        period = self.selection().period
        if period and period[1].year in years:
            return period[1].year
        return years[0] if years else None

    def statements_html(self, year: int) -> list[Markup]:
        return self.cached(("budget-docs", year), lambda: [
            Markup(render_html(doc, standalone=False))
            for doc in budget_documents.documents(self.books(), year)])

    def period(self):
        return self.selection().period

    def period_name(self) -> str:
        period = self.period()
        return period_label(*period) if period else ""

    def period_lines(self):
        period = self.period()
        if not period:
            return []
        return self.cached(("budget-period", period), lambda: budget_statements
                           .income_expenditure_between(self.books(), *period))

    def invariant(self):
        return self.cached("budget-invariant", lambda: budget_statements.invariant(self.books()))

    def invariant_accounts(self):
        return self.cached("budget-invariant-accounts",
                           lambda: budget_statements.invariant_accounts(self.books()))

    def problems(self) -> int:
        book = budget_of(self.books())
        return len(book.breaks) + len(book.unclassified) + len(book.unbalanced)
