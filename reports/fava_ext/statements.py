"""财务报表 page in Fava: `/<ledger>/extension/Statements/`.

The statements of a month as printed (`?period=2026-10`; default: the month of the time filter's
last day, else the month of the last transaction), in parts (`?show=`, `PARTS`): the monthly
statements 资产负债表 and 收入费用表 first (the default), then 净资产变动表, 现金流量表, the 附注
tables (with 补充规定 附表1), the 决算 tables with 三公经费, and the budget statements of the year
(会政预01–03 and the 差异调节表: `budget_documents.documents`, the 预算会计 page's one call).
Only the part shown is computed (each once per loaded ledger): the first open after a reload
reads the month sums of `reports/ledger_sums.py` (one pass, shared by every statement) and lays
out two statements, not all of them.  Each method is one call into
`xiaozhang.reports.statements` / `statements_annual` / `statement_notes` / `final_accounts`
(figures) and `statements_documents` (layout), over all the ledger's entries: balances need the
whole history, so the account and advanced filters do not apply (the page says so).
"""

from __future__ import annotations

import bisect
import datetime as dt

from fava.ext import FavaExtensionBase
from flask import request
from markupsafe import Markup

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.budget import budget_of
from xiaozhang.model.periods import Month, parse_month
from xiaozhang.reports import (budget_documents, final_accounts, school_spending, statement_notes, statements,
                               statements_annual, statements_documents)
from xiaozhang.reports.document import render_html
from xiaozhang.reports.fava_ext.page import ReportPage


# The parts of the page (`?show=`): label and the titles of their documents (the page's contents).
PARTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "monthly": ("月报", ("资产负债表", "收入费用表")),
    "net_assets": ("净资产变动表", ("净资产变动表",)),
    "cash_flow": ("现金流量表", ("现金流量表",)),
    "notes": ("附注", ("财务报表附注", "中小学校事业支出明细表")),
    "final": ("决算", ("决算表与“三公”经费",)),
    "budget": ("预算会计报表", ("预算收入支出表", "预算结转结余变动表", "财政拨款预算收入支出表",
                          "本年盈余与预算结余的差异情况说明")),
}
DEFAULT_PART = "monthly"


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

    def months(self, count: int = 24) -> list[str]:
        """The last `count` months with transactions, latest first (the month chooser)."""
        def compute():
            txns = SchoolBooks.of(self.ledger.all_entries).transactions
            found: list[str] = []
            if not txns:
                return found
            first, month = txns[0].date.replace(day=1), txns[-1].date.replace(day=1)
            end = len(txns)
            while month >= first and len(found) < count:  # backwards, one binary search a month
                start = bisect.bisect_left(txns, month, hi=end, key=lambda t: t.date)
                if start < end:
                    found.append(Month.of(month).text)
                end = start
                month = (month - dt.timedelta(days=1)).replace(day=1)
            return found
        return self.cached(("statements-months", count), compute)

    def part(self) -> str:
        """The part asked (`?show=`), else the monthly statements."""
        asked = request.args.get("show", "").strip()
        return asked if asked in PARTS else DEFAULT_PART

    @staticmethod
    def parts() -> list[tuple[str, str, tuple[str, ...]]]:
        """(key, label, titles of its documents) of every part the page can show."""
        return [(key, label, titles) for key, (label, titles) in PARTS.items()]

    def documents(self, period: statements.Period, part: str = DEFAULT_PART) -> list[tuple[str, Markup]]:
        """(title, HTML) of the statements of one part of the month, as printed."""
        def compute():
            entries, options = self.ledger.all_entries, self.ledger.options
            school = statements.school_name(entries, period.last)
            day = period.last
            if part == "monthly":
                docs = [statements_documents.balance_sheet_document(
                            statements.build_balance_sheet(entries, options, period), school, day),
                        statements_documents.income_statement_document(
                            statements.build_income_statement(entries, options, period), school, day)]
            elif part == "net_assets":
                docs = [statements_documents.net_assets_document(
                    statements_annual.build_net_assets(entries, options, period), school, day)]
            elif part == "cash_flow":
                docs = [statements_documents.cash_flow_document(
                    statements_annual.build_cash_flow(entries, options, period), school, day)]
            elif part == "notes":
                spending = school_spending.build_school_spending(entries, options, period)
                docs = [statements_documents.notes_document(
                    statement_notes.build_notes(entries, options, period), school, day, spending)]
            elif part == "final":
                docs = [statements_documents.final_accounts_document(
                    final_accounts.build_all(entries, options, period), school, day)]
            else:
                return self.budget_documents(period)
            return [(doc.title, Markup(render_html(doc, standalone=False))) for doc in docs]
        return self.cached(("statements", period, part), compute)

    def budget_documents(self, period: statements.Period) -> list[tuple[str, Markup]]:
        """(title, HTML) of the year's budget statements (none when the ledger keeps no budget side)."""
        def compute():
            books = SchoolBooks.of(self.ledger.all_entries, self.ledger.options)
            if not budget_of(books).active:
                return []
            return [(doc.title, Markup(render_html(doc, standalone=False)))
                    for doc in budget_documents.documents(books, period.year, spending_detail=False)]
        return self.cached(("statements-budget", period), compute)
