"""校账's pages in Fava.

Enable them with one line in the main ledger file::

    2025-09-01 custom "fava-extension" "xiaozhang.reports.fava_ext"

Each page is a thin `FavaExtensionBase` subclass: each of its methods is one call into a
pure report function (`xiaozhang.reports.<name>.build`, …) on the entries Fava has already
loaded, and its template `templates/<ClassName>.html` renders the result. The pages follow
Fava's filter bar (`ReportPage.selection()`: Fava's filtered entries and the time filter's
days); what a figure cannot follow, the page says at its top (`templates/xz_filter.html`).
The reports ask the school model of `ledger.all_entries` (`SchoolBooks.of(all_entries)`) for
what needs the whole history, and the model of Fava's filtered list for what the filter
selects: the pages of one load share one model per list. It is not the rules' model:
Beancount hands Fava the list the last plugin returned (the generated entries added), not the
one the rules read, so a page computes the model once per load.

Pages: Overview (概览, `/<ledger>/extension/Overview/`), Compliance (合规,
`/<ledger>/extension/Compliance/`), FixedAssets (固定资产, `/<ledger>/extension/FixedAssets/`,
in `assets.py`), Canteen (食堂, `/<ledger>/extension/Canteen/`, in `canteen.py`), Disclosure
(收费公示, `/<ledger>/extension/Disclosure/`, in `disclosure.py`), Statements (财务报表,
`/<ledger>/extension/Statements/`, in `statements.py`).

Only extension classes may subclass `FavaExtensionBase` in this module: Fava registers every
such class it finds here as a page, so shared code lives in the `ReportPage` mixin.

Sidebar order (`SIDEBAR`): Fava lists the pages in the order `inspect.getmembers` finds them,
that is by the names they have in this module, alphabetically, each class once (the first
name wins). The aliases `A1_Overview` … sort before every class name and set the order an
accountant expects: 概览, 合规, 录入凭证, 收费公示, 食堂, 固定资产, 财务报表. The URLs keep the class
names (`extension/Overview/`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fava.ext import FavaExtensionBase
from flask import request

from xiaozhang.reports import compliance as compliance_report
from xiaozhang.reports import overview as overview_report
from xiaozhang.reports.fava_ext.page import ReportPage

if TYPE_CHECKING:  # pragma: no cover
    from markupsafe import Markup


class Overview(ReportPage, FavaExtensionBase):
    """概览: fund balances, monthly income and expenses, pending entries."""

    report_title = "概览"

    def overview(self) -> overview_report.Overview:
        """The overview of the school year asked for (`?school_year=2025`), else the latest;
        under Fava's filter bar, of what it selects."""
        year = self.request_int("school_year")
        selection = self.selection()
        return self.cached(
            ("overview", year, selection.key),
            lambda: overview_report.build(
                self.ledger.all_entries, self.ledger.options, school_year=year,
                period=selection.period,
                selected=selection.entries if selection.active else None,
            ),
        )

    def monthly_chart(self, result: overview_report.Overview) -> Markup:
        """Bar chart of monthly income and expenses (inline SVG)."""
        return self.cached(("monthly_chart", result.school_year, self.selection().key),
                           lambda: overview_report.monthly_chart(result))


class Compliance(ReportPage, FavaExtensionBase):
    """合规: rule problems by rule and month, 应缴财政款 aging, pending entries, budgets, projects."""

    report_title = "合规"

    def compliance(self) -> compliance_report.Compliance:
        """The page's figures; `?year=2025` picks the budget year (default: the latest);
        under Fava's filter bar, of what it selects."""
        year = self.request_int("year")
        selection = self.selection()
        return self.cached(
            ("compliance", year, selection.key),
            lambda: compliance_report.build(
                self.ledger.all_entries, self.ledger.errors, self.ledger.options, year=year,
                period=selection.period,
                selected=selection.entries if selection.active else None,
            ),
        )

    @staticmethod
    def grouping() -> str:
        """How problems are listed: `?by=rule` (按规则), else by month (按月份)."""
        return "rule" if request.args.get("by") == "rule" else "month"

    def uncommitted(self) -> list[str]:
        """Files of the ledger folder changed outside the served pages (not yet in the
        audit trail, reports/audit.py)."""
        from xiaozhang.reports import audit

        return audit.uncommitted(self.ledger.beancount_file_path)


from xiaozhang.reports.fava_ext.assets import FixedAssets  # noqa: E402,F401  (固定资产 page)
from xiaozhang.reports.fava_ext.canteen import Canteen  # noqa: E402,F401  (a page: Fava finds it here)
from xiaozhang.reports.fava_ext.disclosure import Disclosure  # noqa: E402,F401  (收费公示 page)
from xiaozhang.reports.fava_ext.voucher import Voucher  # noqa: E402,F401  (录入凭证 page)
from xiaozhang.reports.fava_ext.statements import Statements  # noqa: E402,F401  (财务报表 page)

# The sidebar's order (see the module docstring): aliases that sort before the class names.
SIDEBAR = (Overview, Compliance, Voucher, Disclosure, Canteen, FixedAssets, Statements)
for _rank, _page in enumerate(SIDEBAR, start=1):
    globals()[f"A{_rank}_{_page.__name__}"] = _page
del _rank, _page
