"""The list of importers the CLI and Fava use (one place, so both behave the same)."""

from __future__ import annotations

from pathlib import Path

from .bank import BUILTIN, StatementImporter
from .mapping import load_layout, shipped_layouts
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
    """The generic importer (the school's own layouts, which take precedence over the
    built-in recognition), the five built-in banks, the receipt and meal-card importers.
    The names are the same whatever the ledger (Fava registers them once)."""
    from .mealcard import MealCardImporter
    from .receipts import ReceiptImporter

    rules = rules if rules is not None else load_rules()
    layouts = tuple(load_layout(p) for p in layout_files)
    codes = [layout.code for layout in layouts]
    taken = sorted({c for c in codes if codes.count(c) > 1} | ({c for c in codes} & {l.code for l in BUILTIN}))
    if taken:
        raise ValueError(f"银行格式配置的 code 重复或与内置格式同名：{'、'.join(taken)}；请改用其他英文标识")
    # the ready layouts (importers/layouts) after the school's own; a school's layout of the
    # same code replaces the ready one
    layouts += tuple(layout for layout in map(load_layout, shipped_layouts()) if layout.code not in codes)
    generic = StatementImporter(layouts, index, account, rules, generic=True)
    builtin = [StatementImporter(layout, index, account, rules, claimed_by_others=layouts)
               for layout in BUILTIN]
    return [generic] + builtin + [ReceiptImporter(index, account), MealCardImporter(index, account)]


def ledger_importers(ledger: str | Path | None, index: LedgerIndex, account: str | None = None,
                     rules_path: str | Path | None = None) -> list:
    """The importers for a ledger: its `import-rules.toml` (unless `rules_path` is given; the
    built-in rules when neither exists) and its `import-layouts/*.toml`, both found next to the
    ledger's main file.  Rule accounts are checked against the accounts the ledger opens."""
    rules = load_rules(rules_path or find_rules(ledger), index.accounts)
    return make_importers(index, account, rules, find_layouts(ledger))
