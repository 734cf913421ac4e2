"""The list of importers the CLI and Fava use (one place, so both behave the same)."""

from __future__ import annotations

from pathlib import Path

from .bank import BUILTIN, StatementImporter, load_layout
from .base import LedgerIndex
from .rules import Rules, load_rules

RULES_NAME = "import-rules.toml"      # next to the ledger: the school's own rules
LAYOUTS_DIR = "import-layouts"        # next to the ledger: generic bank layouts (*.toml)


def find_rules(ledger: str | Path | None) -> Path | None:
    if ledger:
        candidate = Path(ledger).resolve().parent / RULES_NAME
        if candidate.is_file():
            return candidate
    return None


def find_layouts(ledger: str | Path | None) -> list[Path]:
    if ledger:
        folder = Path(ledger).resolve().parent / LAYOUTS_DIR
        if folder.is_dir():
            return sorted(folder.glob("*.toml"))
    return []


def make_importers(index: LedgerIndex | None = None, account: str | None = None,
                   rules: Rules | None = None, layout_files=()) -> list:
    """Generic layouts first (they take precedence over the built-in recognition), then
    the five built-in banks, then the receipt and meal-card importers."""
    from .mealcard import MealCardImporter
    from .receipts import ReceiptImporter

    rules = rules if rules is not None else load_rules()
    generic = [StatementImporter(load_layout(p), index, account, rules) for p in layout_files]
    builtin = [StatementImporter(layout, index, account, rules, claimed_by_others=generic)
               for layout in BUILTIN]
    return generic + builtin + [ReceiptImporter(index, account), MealCardImporter(index, account)]
