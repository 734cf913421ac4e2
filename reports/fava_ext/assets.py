"""固定资产 page in Fava (`/<ledger>/extension/FixedAssets/`).

The register (资产卡片清单) with filters by department, location and custodian (query
parameters `dept`, `location`, `custodian`), net book value by category, the year's
depreciation by category and month (`year`), and the recent changes (purchases, disposals,
transfers). Figures come from `xiaozhang.reports.assets`; the page states whether the cards
agree with the 1601/1602 balances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fava.ext import FavaExtensionBase
from flask import request

from xiaozhang.plugins.assets import AssetRegister, no_collection
from xiaozhang.reports import assets as assets_report
from xiaozhang.reports.fava_ext.page import ReportPage
from xiaozhang.reports.render import EXPENSES_COLOUR, INCOME_COLOUR, Series, bar_chart_svg

if TYPE_CHECKING:  # pragma: no cover
    from markupsafe import Markup

MAX_ROWS = 500  # an unfiltered register of a big school is cut here (filters narrow it down)
FILTERS = (("dept", "使用部门"), ("location", "存放地点"), ("custodian", "使用人"))


class FixedAssets(ReportPage, FavaExtensionBase):
    """固定资产: register with filters, net book value by category, depreciation, changes."""

    report_title = "固定资产"

    def register_model(self) -> AssetRegister:
        def read() -> AssetRegister:
            with no_collection():
                return AssetRegister(self.ledger.all_entries)
        return self.cached("asset_register", read)

    def has_cards(self) -> bool:
        return bool(self.register_model().cards)

    @staticmethod
    def request_text(name: str) -> str | None:
        value = request.args.get(name, "").strip()
        return value or None

    def filters(self) -> dict[str, str | None]:
        return {key: self.request_text(key) for key, _label in FILTERS}

    def choices(self) -> dict[str, list[str]]:
        """The values each filter can take (on the register's day), sorted."""
        return self.cached("asset_choices", lambda: {
            key: sorted(values) for key, values in assets_report.all_places(
                self.ledger.all_entries, None, self.register_model()).items()})

    def register(self) -> assets_report.Register:
        filters = self.filters()
        if not any(filters.values()):
            return self.whole()
        return self.cached(("asset_register_rows", tuple(filters.items())), lambda: (
            assets_report.build_register(self.ledger.all_entries, self.ledger.options,
                                         register=self.register_model(), limit=MAX_ROWS,
                                         **filters)))

    def whole(self) -> assets_report.Register:
        """The unfiltered register (the category totals)."""
        return self.cached("asset_register_all", lambda: assets_report.build_register(
            self.ledger.all_entries, self.ledger.options, register=self.register_model(),
            limit=MAX_ROWS))

    def depreciation(self) -> assets_report.DepreciationTable | None:
        """The depreciation of `?year=` (default: the year of the last entry); None if none."""
        year = self.request_int("year")

        def compute():
            try:
                return assets_report.build_depreciation(self.ledger.all_entries, self.ledger.options,
                                                        year, register=self.register_model(),
                                                        detail=False)
            except assets_report.AssetReportError:
                return None
        return self.cached(("asset_depreciation", year), compute)

    def depreciation_years(self) -> list[int]:
        """The years with depreciation in the books (for the year links)."""
        register = self.register_model()
        firsts = [c.schedule.first for c in register.cards.values() if c.schedule is not None]
        if not firsts or register.horizon is None:
            return []
        return list(range(min(firsts) // 12, register.horizon // 12 + 1))

    def changes(self) -> list[assets_report.Change]:
        return self.cached("asset_changes", lambda: assets_report.recent_changes(
            self.register_model(), limit=30))

    def category_chart(self, whole: assets_report.Register) -> Markup:
        """原值 and 净值 by category (inline SVG)."""
        return self.cached("asset_category_chart", lambda: bar_chart_svg(
            [c.category for c in whole.by_category],
            [Series("原值", [c.cost for c in whole.by_category], INCOME_COLOUR),
             Series("净值", [c.net for c in whole.by_category], EXPENSES_COLOUR)],
            title="各类固定资产原值与净值", height_in=3.2))

    @staticmethod
    def max_rows() -> int:
        return MAX_ROWS

    @staticmethod
    def filter_labels() -> tuple[tuple[str, str], ...]:
        return FILTERS
