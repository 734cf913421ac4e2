"""固定资产 page in Fava (`/<ledger>/extension/FixedAssets/`).

The register (资产卡片清单) with filters by department, location and custodian (query
parameters `dept`, `location`, `custodian`), net book value by category, the year's
depreciation by category and month (`year`), and the recent changes (purchases, disposals,
transfers). Figures come from `xiaozhang.reports.assets` and `.asset_years` over the school model's asset
register; the page states whether the cards agree with the 1601/1602 balances.

Fava's filter bar: the time filter shows the register as at its last day (cards entered by
then and not disposed of by then), the changes within it and the depreciation of its months;
the account filter narrows the page to the asset categories whose 1601 (or 1602) sub-account it
selects, matched as Fava matches accounts (a parent account or a regular expression). An
account filter that selects no fixed-asset account, and the advanced filter, do not apply: the
page says so at its top. Everything comes from the model of all entries, limited to the period
(Fava's filtered list drops the cards entered before the period).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from beancount.core.account import has_component
from fava.core.filters import Match
from fava.ext import FavaExtensionBase
from flask import request

from xiaozhang import chart
from xiaozhang.model.assets import CATEGORIES

from xiaozhang.reports import asset_documents, asset_years
from xiaozhang.reports import assets as assets_report
from xiaozhang.reports.fava_ext.page import ReportPage
from xiaozhang.reports.render import period_label

if TYPE_CHECKING:  # pragma: no cover
    from markupsafe import Markup

MAX_ROWS = 500  # an unfiltered register of a big school is cut here (filters narrow it down)
FILTERS = (("dept", "使用部门"), ("location", "存放地点"), ("custodian", "使用人"))


class FixedAssets(ReportPage, FavaExtensionBase):
    """固定资产: register with filters, net book value by category, depreciation, changes.

    Each method is one call into `xiaozhang.reports.assets` (or its documents), cached per
    loaded ledger; the asset register itself is the school model's
    (`SchoolBooks.of(entries).assets`), read once per loaded entries list."""

    report_title = "固定资产"

    def has_cards(self) -> bool:
        return self.cached("asset_has_cards", lambda: assets_report.has_cards(
            self.ledger.all_entries, self.ledger.options))

    @staticmethod
    def request_text(name: str) -> str | None:
        value = request.args.get(name, "").strip()
        return value or None

    def filters(self) -> dict[str, str | None]:
        return {key: self.request_text(key) for key, _label in FILTERS}

    def choices(self) -> dict[str, list[str]]:
        """The values each filter can take (on the register's day), sorted."""
        return self.cached("asset_choices", lambda: assets_report.filter_choices(
            self.ledger.all_entries, self.ledger.options))

    # -- Fava's filter bar ---------------------------------------------------------------
    def period(self) -> tuple[dt.date, dt.date] | None:
        """The time filter's first and last day (None: no time filter)."""
        return self.selection().period

    def day(self) -> dt.date | None:
        """The register's day: the time filter's last day (None: the last day of the books)."""
        period = self.period()
        return period[1] if period else None

    def categories(self) -> frozenset[str] | None:
        """The asset categories the account filter selects (None: all, or the account filter
        selects no fixed-asset account and does not apply)."""
        value = self.selection().account
        if not value:
            return None
        match = Match(value)
        chosen = frozenset(
            category for category in CATEGORIES
            if any(has_component(name, value) or match(name)
                   for name in (chart.fixed_asset_account(category),
                                chart.depreciation_account(category))))
        return chosen or None

    def period_label(self) -> str:
        """The time filter's period in words (`2025年10月`, `2025年`; "" without one)."""
        period = self.period()
        return period_label(*period) if period else ""

    # -- figures ---------------------------------------------------------------------------
    def register(self) -> assets_report.Register:
        filters = self.filters()
        if not any(filters.values()):
            return self.whole()
        day, categories = self.day(), self.categories()
        return self.cached(("asset_register_rows", tuple(filters.items()), day, categories),
                           lambda: assets_report.build_register(
                               self.ledger.all_entries, self.ledger.options, day,
                               limit=MAX_ROWS, categories=categories, **filters))

    def whole(self) -> assets_report.Register:
        """The register without the page's own filters (the category totals), as at the time
        filter's last day and of the account filter's categories."""
        day, categories = self.day(), self.categories()
        return self.cached(("asset_register_all", day, categories),
                           lambda: assets_report.build_register(
                               self.ledger.all_entries, self.ledger.options, day,
                               limit=MAX_ROWS, categories=categories))

    def depreciation(self) -> asset_years.DepreciationTable | None:
        """The depreciation of `?year=` (default: the year of the last entry); None if none."""
        year = self.request_int("year")
        return self.cached(("asset_depreciation", year), lambda: asset_years.year_depreciation(
            self.ledger.all_entries, self.ledger.options, year))

    def period_depreciation(self) -> assets_report.PeriodDepreciation | None:
        """Under the filter bar: the depreciation of the time filter's months (else of the
        year shown), of the account filter's categories; None without a filter that applies."""
        period, categories = self.period(), self.categories()
        if period is None and categories is None:
            return None
        if period is None:
            year = self.request_int("year") or self.whole().day.year
            period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        return self.cached(("asset_period_depreciation", period, categories),
                           lambda: assets_report.period_depreciation(
                               self.ledger.all_entries, self.ledger.options, *period, categories))

    def depreciation_years(self) -> list[int]:
        """The years with depreciation in the books (for the year links)."""
        return self.cached("asset_depreciation_years", lambda: asset_years.depreciation_years(
            self.ledger.all_entries, self.ledger.options))

    def changes(self) -> list[assets_report.Change]:
        """The latest changes (within the time filter, of the account filter's categories)."""
        period, categories = self.period(), self.categories()
        return self.cached(("asset_changes", period, categories),
                           lambda: assets_report.recent_changes(
                               self.ledger.all_entries, self.ledger.options, limit=30,
                               period=period, categories=categories))

    def category_chart(self, whole: assets_report.Register) -> Markup:
        """原值 and 净值 by category (inline SVG)."""
        return self.cached(("asset_category_chart", whole.day, self.categories()),
                           lambda: asset_documents.category_chart(whole))

    @staticmethod
    def max_rows() -> int:
        return MAX_ROWS

    @staticmethod
    def filter_labels() -> tuple[tuple[str, str], ...]:
        return FILTERS
