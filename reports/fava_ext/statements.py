"""财务报表 page in Fava: `/<ledger>/extension/Statements/`.

The statements of a month as printed (`?period=2026-10`; default: the month of the time filter's
last day, else the month of the last transaction): 资产负债表, 收入费用表, 净资产变动表, 现金流量表, the
附注 tables, and the 决算 tables with 三公经费; below them the budget statements of the year
(会政预01–03 and the 差异调节表: `budget_documents.documents`, the 预算会计 page's one call; 附表1 is
in the 附注 already).  Each method is one call into
`xiaozhang.reports.statements` / `statement_notes` / `final_accounts` (figures) and
`statements_documents` (layout), over all the ledger's entries: balances need the whole history,
so the account and advanced filters do not apply (the page says so).
"""

from __future__ import annotations

from fava.ext import FavaExtensionBase
from flask import request
from markupsafe import Markup

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budget import budget_of
from xiaozhang.model.periods import parse_month
from xiaozhang.reports import (budget_documents, final_accounts, statement_notes, statements,
                               statements_annual, statements_documents)
from xiaozhang.reports.document import render_html
from xiaozhang.reports.fava_ext.page import ReportPage


class Statements(ReportPage, FavaExtensionBase):
    """财务报表: 会政财01–04, 附注, 决算 and 三公经费 of a month."""

    report_title = "财务报表"

    def period(self) -> statements.Period | None:
        """`?period=2026-10`, else the time filter's last month, else the last transaction's."""
        asked = parse_month(request.args.get("period", "").strip())
        if asked is not None:
            return statements.Period(asked.year, asked.month)
        selected = self.selection().period
        if selected is not None:
            return statements.Period(selected[1].year, selected[1].month)
        last = SchoolBooks.of(self.ledger.all_entries).last_date
        return statements.Period(last.year, last.month) if last else None

    def months(self) -> list[str]:
        """The months with transactions, latest first (the month chooser)."""
        def compute():
            books = SchoolBooks.of(self.ledger.all_entries)
            return sorted({f"{t.date.year}-{t.date.month:02d}" for t in books.transactions}, reverse=True)
        return self.cached("statements-months", compute)

    def documents(self, period: statements.Period) -> list[tuple[str, Markup]]:
        """(title, HTML) of each statement of the month, as printed."""
        def compute():
            entries, options = self.ledger.all_entries, self.ledger.options
            school = statements.school_name(entries, period.last)
            built = tuple(statements_annual.all_statements(entries, options, period))
            notes = statement_notes.build_notes(entries, options, period)
            day = period.last
            final = final_accounts.build_all(entries, options, period)
            docs = [doc for _, doc in statements_documents.documents(built, notes, school, day,
                                                                     final["school_spending"])]
            docs.append(statements_documents.final_accounts_document(final, school, day))
            return [(doc.title, Markup(render_html(doc, standalone=False))) for doc in docs]
        return self.cached(("statements", period), compute)

    def budget_documents(self, period: statements.Period) -> list[tuple[str, Markup]]:
        """(title, HTML) of the year's budget statements (none when the ledger keeps no budget side)."""
        def compute():
            books = SchoolBooks.of(self.ledger.all_entries, self.ledger.options)
            if not budget_of(books).active:
                return []
            return [(doc.title, Markup(render_html(doc, standalone=False)))
                    for doc in budget_documents.documents(books, period.year, spending_detail=False)]
        return self.cached(("statements-budget", period), compute)
