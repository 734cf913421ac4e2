"""Small asset ledgers for the asset plugin tests: cards, disposals, transfers as text.

`run(*parts)` loads the header (plugins, school profile, accounts) plus the parts with the
real loader and returns the errors as (code, line), the entries and the line each part
starts at; `line_of(part, text, start)` is the line of a part's first line containing text.
"""

from __future__ import annotations

from beancount import loader
from school import SCHOOL_PROFILE

from xiaozhang import chart

PLUGINS = ('plugin "xiaozhang.plugins.policy"\nplugin "xiaozhang.plugins.assets"\n'
           'plugin "xiaozhang.plugins.depreciation"\n')
QUOTA = chart.ZERO_BALANCE
BASIC = chart.BANK_BASIC
EXPENSE = chart.DEPRECIATION_EXPENSE
ADMIN_EXPENSE = chart.ADMIN_DEPRECIATION_EXPENSE  # 5101: 行政及后勤 cards
DISPOSAL = chart.ASSET_DISPOSAL_EXPENSE
PROCEEDS = chart.DISPOSAL_PROCEEDS
LOSS = chart.PENDING_ASSET_LOSS
OPENING = chart.ACCUMULATED_SURPLUS
TRANSFER_EQUITY = chart.FREE_TRANSFER_EQUITY
OPENED = [QUOTA, BASIC, EXPENSE, ADMIN_EXPENSE, DISPOSAL, PROCEEDS, LOSS, OPENING, TRANSFER_EQUITY,
          "Income:4609其他收入", "Income:4603捐赠收入"]
OPENED += [chart.fixed_asset_account(name) for _code, name in chart.ASSET_CATEGORIES]
OPENED += [chart.depreciation_account(name) for _code, name in chart.ASSET_CATEGORIES
           if name not in ("文物和陈列品", "图书档案")]
ACCOUNTS = "".join(f"2000-01-01 open {account} CNY\n" for account in OPENED)
HEADER = 'option "operating_currency" "CNY"\n' + PLUGINS + SCHOOL_PROFILE + ACCOUNTS


def fixed(category: str) -> str:
    return chart.fixed_asset_account(category)


def accumulated(category: str) -> str:
    return chart.depreciation_account(category)


def value(v) -> str:
    """Metadata as written: strings quoted, except amounts (`12.00 CNY`); dates and numbers bare."""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, str) and not v.endswith(" CNY"):
        return f'"{v}"'
    return str(v)


def card(date, amount, asset_id="ZC20250001", category="通用设备", *, credit=QUOTA,
         narration="购置计算机", payee="青禾市华信电脑科技有限公司", on_txn=False, prior=None,
         flag="*", **fields) -> str:
    """A purchase (or another acquisition, by `credit`) carrying one asset card.

    Fields default to a complete card of a computer; pass field=None to leave one out."""
    defaults = {"asset_id": asset_id, "category": category, "subcategory": "计算机设备",
                "model": "联想启天M437", "quantity": 1, "life": 6, "location": "行政楼201",
                "custodian": "刘芳", "dept": "教务处", "supplier": payee,
                "invoice": "25123456700000000001", "procurement": "询价"}
    meta = {key: val for key, val in {**defaults, **fields}.items() if val is not None}
    lines = [f'{date} {flag} "{payee}" "{narration}"']
    card_lines = [f"{key}: {value(val)}" for key, val in meta.items()]
    if on_txn:
        lines += ["  " + line for line in card_lines]
    lines.append(f"  {fixed(category)}  {amount} CNY")
    if not on_txn:
        lines += ["    " + line for line in card_lines]
    if prior is not None:
        lines.append(f"  {accumulated(category)}  -{prior} CNY")
    lines.append(f"  {credit}")
    return "\n".join(lines) + "\n\n"


def dispose(date, asset_id, kind, cost, depreciation=None, book_value=None,
            category="通用设备", target=DISPOSAL, approver="王建国", flag="*", extra=()) -> str:
    lines = [f'{date} {flag} "明德区再生资源回收站" "{kind}资产 {asset_id}"',
             f'  asset_id: "{asset_id}"', f'  disposal: "{kind}"']
    if approver:
        lines.append(f'  approver: "{approver}"')
    lines.append(f"  {fixed(category)}  -{cost} CNY")
    if depreciation is not None:
        lines.append(f"  {accumulated(category)}  {depreciation} CNY")
    if book_value is not None:
        lines.append(f"  {target}  {book_value} CNY")
    lines += [f"  {account}  {amount} CNY" for account, amount in extra]
    return "\n".join(lines) + "\n\n"


def addition(date, amount, asset_id="ZC20250001", kind="改扩建", category="通用设备", *,
             credit=QUOTA, life=None, account=None) -> str:
    """A later expenditure added to an existing card (`addition`), with a revised life if given."""
    lines = [f'{date} * "青禾市宏建建筑工程有限公司" "{kind}"',
             f"  {account or fixed(category)}  {amount} CNY", f'    asset_id: "{asset_id}"',
             f'    addition: "{kind}"']
    if life is not None:
        lines.append(f"    life: {life}")
    lines.append(f"  {credit}")
    return "\n".join(lines) + "\n\n"


def transfer(date, asset_id, **changes) -> str:
    lines = [f'{date} custom "asset-transfer" "{asset_id}"']
    lines += [f'  {key}: "{val}"' for key, val in changes.items()]
    return "\n".join(lines) + "\n\n"


def until(date) -> str:
    """A plain transaction that moves the end of the books (depreciation is booked up to its month)."""
    return f'{date} * "银行" "结息"\n  {BASIC}  1.00 CNY\n  Income:4609其他收入  -1.00 CNY\n\n'


def policy(date, name, value, **meta) -> str:
    lines = [f'{date} custom "policy" "{name}" {value}']
    lines += [f'  {key}: "{val}"' for key, val in meta.items()]
    return "\n".join(lines) + "\n\n"


BASIS = "某省教育厅〔2018〕12号"  # a made-up basis for the next-month exception


def next_month(date) -> str:
    """`depreciation-start "next-month"` as the documented exception (with its basis)."""
    return policy(date, "depreciation-start", '"next-month"', basis=BASIS)


def run(*parts, header=HEADER):
    """Load; return ([(code, line)] of all errors, entries, [start line of each part])."""
    entries, errors, _ = loader.load_string(header + "".join(parts))
    starts, line = [], header.count("\n") + 1
    for part in parts:
        starts.append(line)
        line += part.count("\n")
    found = [(str(error.message)[1:5], error.source["lineno"] if error.source else None)
             for error in errors]
    return found, entries, starts


def line_of(part: str, text: str, start: int) -> int:
    for offset, line in enumerate(part.splitlines()):
        if text in line:
            return start + offset
    raise AssertionError(f"{text!r} not in part")
