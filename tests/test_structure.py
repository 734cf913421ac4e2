"""The house: the school model is the ground floor, each fact has one definition, no import cycles.

Read from the source as text (ast), so a regression shows up as a failing test, not in a review.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the installed package names of the top-level folders (pyproject.toml's package-dir)
PACKAGES = {"xiaozhang": ROOT / "xiaozhang", "xiaozhang.plugins": ROOT / "plugins",
            "xiaozhang.importers": ROOT / "importers", "xiaozhang.reports": ROOT / "reports"}


def modules() -> dict[str, Path]:
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            name = ".".join((package, *parts))
            if name.startswith("xiaozhang.") and package == "xiaozhang" and parts and \
                    f"xiaozhang.{parts[0]}" in PACKAGES:
                continue  # not reached: the folders are apart
            found[name] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """The project modules `name` imports (anywhere in the file, except under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in ast.walk(node))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {m for m in found if m.startswith("xiaozhang.")}  # not the bare root package


def graph() -> dict[str, set[str]]:
    known = modules()
    edges = {}
    for name, path in known.items():
        edges[name] = {m for m in imports(name, path) if m in known and m != name}
    return edges


def test_the_model_is_the_ground_floor():
    """xiaozhang/* imports none of plugins, reports, importers (the CLI finds them by name)."""
    upward = {name: sorted(m for m in targets if not m.startswith("xiaozhang.")
                           or m.split(".")[1] in ("plugins", "reports", "importers"))
              for name, targets in graph().items()
              if name.split(".")[1:2] not in (["plugins"], ["reports"], ["importers"])}
    assert {k: v for k, v in upward.items() if v} == {}


def test_no_import_cycles():
    edges = graph()
    state: dict[str, int] = defaultdict(int)
    cycles = []

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state[target] == 1:
                cycles.append(stack[stack.index(target):] + [target])
            elif state[target] == 0:
                visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if state[node] == 0:
            visit(node, [])
    assert cycles == []


# Facts that must be defined once (a `def`, a class or a module-level assignment of a value).
ONE_DEFINITION = ("month_end", "month_start", "month_index", "parse_month", "parse_period",
                  "term_id", "next_term_id", "terms_of", "term_ends", "split_fen", "fen", "yuan",
                  "format_money", "write_atomic", "safe_append", "_write_bytes", "is_warning",
                  "DEFAULT_LEDGER", "MAIN_FILE", "MONEY_ROOTS", "read_policy", "over_cap", "code_root",
                  "CASH_ROOT", "TREASURY_ROOT", "AGENCY_ROOT", "ASSET_ROOTS", "SUPPLIER_ROOTS",
                  "PAYMENT_SOURCES", "GENERATED", "GENERATED_LINK_PREFIXES", "BUDGET_LINK_PREFIX", "paused_collector", "target_file",
                  "mask_name", "USERS_FILE", "ROUTES",
                  # checked again after wave 2 (onedef): periods and the 评判日期 ...
                  "Month", "Term", "SchoolYear", "month_of_index", "next_month", "judged_terms",
                  "calendar_stops", "default_term_ends", "term_starts", "calendar_name", "date_label",
                  "LONGEST_TERM_DAYS", "SCHOOL_YEAR_FIRST_MONTH", "ONE_DAY", "record_month",
                  "read_as_of", "AsOf", "override_from_environment",
                  # ... money and ratios ...
                  "from_fen", "ledger_number", "percent", "format_ratio", "CENT", "ledger_currency",
                  # ... files, loads, the CLI's options ...
                  "append_atomic", "replacing", "decode", "TextDecodeError", "load", "Loaded",
                  "problem_line", "ledger_option", "optional_ledger_option", "ledger_argument",
                  "load_ledger", "MONTH", "DATE", "as_of_option", "read_roster", "ROSTER_FILE",
                  "roster_for", "users_file", "refused", "month_layout", "chinese",
                  # ... the chart: accounts, roots, roles ...
                  "CHART", "ROOT_NAMES", "ROOTS", "CASH_AND_BANK_ROOTS", "under", "is_budget_account",
                  "BUDGET_ROOTS", "FOOD_CATEGORIES", "ASSET_CATEGORIES", "FUND_GROUPS",
                  "fixed_asset_account", "depreciation_account", "food_stock_account",
                  "food_cost_account", "agency_fee_account",
                  # ... the policy and the books
                  "POLICY_KEYS", "Policy", "SchoolBooks",
                  # checked again after chartclean (issue 12): copies removed from treasury, fees,
                  # canteen, dimensions, newyear, the plugins and the reports
                  "leaf_name", "item_name", "CASH_AND_BANK", "OWN_MONEY_ROOTS", "_fen", "DASH",
                  "months_between", "HUNDRED", "operating_currency", "_under", "_under_any")



def _defined_value(node) -> bool:
    """`x = 1` or `x: T = 1` defines; `x = other_name` / `x = module.name` is an alias."""
    return node.value is not None and not isinstance(node.value, (ast.Name, ast.Attribute))


def test_one_definition_of_each_fact():
    where = defaultdict(list)
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in ONE_DEFINITION:
                where[node.name].append(f"{name}:{node.lineno}")
            elif isinstance(node, ast.Assign) and _defined_value(node):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id in ONE_DEFINITION:
                        where[target.id].append(f"{name}:{node.lineno}")
        for node in tree.body:  # `MONEY_ROOTS: tuple[str, ...] = …` (not a dataclass's field)
            if isinstance(node, ast.AnnAssign) and _defined_value(node) and \
                    isinstance(node.target, ast.Name) and node.target.id in ONE_DEFINITION:
                where[node.target.id].append(f"{name}:{node.lineno}")
    assert {k: v for k, v in where.items() if len(v) > 1} == {}


_ACCOUNT_CODE = re.compile(r"^(Assets|Liabilities|Equity|Income|Expenses):\d")
# Modules that still retype account names or codes as string literals, and how many: they belong
# to other areas (the budget and period-close code) and must use `xiaozhang.chart`'s names;
# the counts may only fall.  Every other module retypes none.
RETYPED_ACCOUNTS = {
    "xiaozhang.model.budget_rules": 19,
    "xiaozhang.plugins.budget_accounting": 3,
}


def test_account_names_are_not_retyped():
    """An account of the chart (`Assets:1002银行存款`) or an account code (`Liabilities:2103`) is
    written once, in xiaozhang/chart.py; code refers to its constants (docstrings may quote)."""
    from xiaozhang import chart

    names = {definition.account for definition in chart.CHART}
    found: dict[str, int] = defaultdict(int)
    for name, path in modules().items():
        if name == "xiaozhang.chart":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    (node.value in names or _ACCOUNT_CODE.match(node.value)):
                found[name] += 1
    grown = {name: count for name, count in found.items() if count > RETYPED_ACCOUNTS.get(name, 0)}
    assert grown == {}
