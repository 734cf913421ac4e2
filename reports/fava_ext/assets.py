"""固定资产 page in Fava (`/<ledger>/extension/FixedAssets/`).

The register (资产卡片清单) with filters by department, location and custodian (query
parameters `dept`, `location`, `custodian`), net book value by category, the year's
depreciation by category and month (`year`), and the recent changes (purchases, disposals,
transfers). Figures come from `xiaozhang.reports.assets` and `.asset_years` over the school model's asset
register; the page states whether the cards agree with the 1601/1602 balances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fava.ext import FavaExtensionBase
from flask import request

from xiaozhang.reports import asset_documents, asset_years
from xiaozhang.reports import assets as assets_report
from xiaozhang.reports.fava_ext.page import ReportPage

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

    def register(self) -> assets_report.Register:
        filters = self.filters()
        if not any(filters.values()):
            return self.whole()
        return self.cached(("asset_register_rows", tuple(filters.items())), lambda: (
            assets_report.build_register(self.ledger.all_entries, self.ledger.options,
                                         limit=MAX_ROWS, **filters)))

    def whole(self) -> assets_report.Register:
        """The unfiltered register (the category totals)."""
        return self.cached("asset_register_all", lambda: assets_report.build_register(
            self.ledger.all_entries, self.ledger.options, limit=MAX_ROWS))

    def depreciation(self) -> asset_years.DepreciationTable | None:
        """The depreciation of `?year=` (default: the year of the last entry); None if none."""
        year = self.request_int("year")
        return self.cached(("asset_depreciation", year), lambda: asset_years.year_depreciation(
            self.ledger.all_entries, self.ledger.options, year))

    def depreciation_years(self) -> list[int]:
        """The years with depreciation in the books (for the year links)."""
        return self.cached("asset_depreciation_years", lambda: asset_years.depreciation_years(
            self.ledger.all_entries, self.ledger.options))

    def changes(self) -> list[assets_report.Change]:
        return self.cached("asset_changes", lambda: assets_report.recent_changes(
            self.ledger.all_entries, self.ledger.options, limit=30))

    def category_chart(self, whole: assets_report.Register) -> Markup:
        """原值 and 净值 by category (inline SVG)."""
        return self.cached("asset_category_chart", lambda: asset_documents.category_chart(whole))

    @staticmethod
    def max_rows() -> int:
        return MAX_ROWS

    @staticmethod
    def filter_labels() -> tuple[tuple[str, str], ...]:
        return FILTERS
