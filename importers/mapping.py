"""The mapping language: a school's own bank layouts (`import-layouts/*.toml` next to the
ledger) and the ready layouts of the big banks' personal and card exports (`importers/layouts/`),
read into `bank.Layout`s; docs/import.md (section 5) is the manual.  Mistakes are reported as
`LayoutError` with the file and what to fix."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .bank import FIELDS, IN_FLAGS, OUT_FLAGS, Layout
from .tabular import normalize_name

class LayoutError(ValueError):
    """A generic layout file is wrong (message in Chinese)."""


LAYOUT_KEYS = {"code", "bank", "markers", "columns", "flag_values", "flag_match", "negate"}


def load_layout(path: str | Path) -> Layout:
    """A generic bank layout from TOML (see docs/import.md):

        code = "psbc"
        bank = "中国邮政储蓄银行"
        markers = ["中国邮政储蓄银行"]          # optional: text above the header
        negate = false                          # optional: true when + is money out (credit cards)
        flag_match = "exact"                    # optional: "prefix" when the flag opens a text
        [columns]
        date = "交易日期"
        out = "支出金额"                       # `记账金额(支出)`: brackets written are compared
        in = ["收入金额", "收入"]
        balance = "余额"
        ...
        [flag_values]
        out = ["借"]
        in = ["贷"]
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LayoutError(f"{path}: 无法读取银行格式配置（{error}）") from None
    return layout_from(document, str(path))


def layout_from(document: dict, source: str) -> Layout:
    unknown = set(document) - LAYOUT_KEYS
    if unknown:
        raise LayoutError(f"{source}: 不认识的键 {', '.join(sorted(unknown))}（可用：{', '.join(sorted(LAYOUT_KEYS))}）")
    columns = document.get("columns")
    code, bank = document.get("code"), document.get("bank")
    if not isinstance(code, str) or not code.isidentifier() or not isinstance(bank, str):
        raise LayoutError(f"{source}: 需要 code（英文标识，如 psbc）和 bank（银行名称）")
    if not isinstance(columns, dict) or "date" not in columns:
        raise LayoutError(f"{source}: 需要 [columns] 表，至少有 date 和金额列（out+in 或 amount）")
    unknown = set(columns) - set(FIELDS)
    if unknown:
        raise LayoutError(f"{source}: [columns] 中不认识的字段 {', '.join(sorted(unknown))}"
                          f"（可用：{', '.join(FIELDS)}）")
    if not (("out" in columns and "in" in columns) or "amount" in columns):
        raise LayoutError(f"{source}: 金额列须为 out 与 in 两列，或一个 amount 列（可配 flag）")
    fields: dict[str, tuple[str, ...]] = {name: () for name in FIELDS}
    required = []
    for name, value in columns.items():
        names = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
        if not names or not all(isinstance(n, str) and n for n in names):
            raise LayoutError(f"{source}: columns.{name} 应为列名或列名列表")
        # a name written with its bracket (记账金额（收入）) must match with it
        fields[name] = tuple(normalize_name(n, keep_brackets=True) for n in names)
        required.append(names[0])
    markers = document.get("markers", [])
    if not isinstance(markers, list) or not all(isinstance(m, str) for m in markers):
        raise LayoutError(f"{source}: markers 应为文本列表")
    flags = document.get("flag_values", {})
    if not isinstance(flags, dict) or not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                                              for v in flags.values()) or set(flags) - {"out", "in"}:
        raise LayoutError(f"{source}: flag_values 应为 {{ out = [\"借\"], in = [\"贷\"] }}")
    flag_out = frozenset(normalize_name(v) for v in flags.get("out", [])) or OUT_FLAGS
    flag_in = frozenset(normalize_name(v) for v in flags.get("in", [])) or IN_FLAGS
    negate, flag_match = document.get("negate", False), document.get("flag_match", "exact")
    if not isinstance(negate, bool):
        raise LayoutError(f"{source}: negate 应为 true 或 false")
    if flag_match not in ("exact", "prefix"):
        raise LayoutError(f"{source}: flag_match 只能是 \"exact\"（整格相同）或 \"prefix\"（以该词开头）")
    return Layout(code, bank, fields, flag_out, flag_in, tuple(markers), tuple(required), negate,
                  flag_match == "prefix")


SHIPPED_LAYOUTS = Path(__file__).with_name("layouts")


def shipped_layouts() -> list[Path]:
    """The ready layouts of the big banks' personal and card exports (importers/layouts)."""
    return sorted(SHIPPED_LAYOUTS.glob("*.toml"))
