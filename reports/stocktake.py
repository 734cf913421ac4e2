"""固定资产清查盘点：实物盘点表与资产卡片（账）的核对，及建议的调整分录。

The count file (CSV or xlsx, columns found by header name, any of the names below):
    资产编号 / asset_id     the card's number; blank for an item found without a label
    存放地点 / location     where it was found
    使用人 / custodian      who holds it (保管人)
    状态 / status           在用 / 闲置 / 待处置 (anything else, e.g. 损坏, is reported as found)
    数量 / quantity         optional; counted pieces of a batch card
    名称 / name, 类别 / category, 子类 / subcategory, 规格型号 / model, 使用年限 / life,
    使用部门 / dept, 估价 / value   optional; describe an item found without a card (盘盈)

Compared with the register on the count date (the cards in the books that day, where they
were and who held them after the transfers up to that day):
    missing (盘亏)      a card in the books that was not counted
    extra (盘盈)        a counted item without a card (blank or unknown number), or one whose
                        card was already disposed
    moved (位置变动)    counted somewhere else or with someone else than the register says
    mismatched (不符)   status or quantity differ
The proposed entries are written to a separate file for review, never into the ledger:
盘亏 as a disposal `disposal: "盘亏"` (net book value to 1902 待处理财产损溢, flagged `!`);
盘盈 as a new card credited to 1902 (flagged `!`, at the counted value); moves and status
changes as `custom "asset-transfer"`. After approval the accountant moves them into the
ledger and clears 1902 (盘亏 to 5301 资产处置费用, 盘盈 to 3501 以前年度盈余调整).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xiaozhang import chart
from xiaozhang.importers.tabular import (
    FileProblem,
    find_header,
    normalize_name,
    parse_amount,
    read_sheets,
)
from xiaozhang.model.assets import CATEGORIES, STATUSES, AssetRegister, Card
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.money import from_fen, ledger_number

COLUMNS: dict[str, tuple[str, ...]] = {
    "asset_id": ("资产编号", "asset_id", "编号", "卡片编号"),
    "location": ("存放地点", "location", "地点", "位置"),
    "custodian": ("使用人", "custodian", "保管人", "责任人"),
    "status": ("状态", "status", "使用状态"),
    "quantity": ("数量", "quantity", "实盘数量"),
    "name": ("名称", "name", "资产名称"),
    "category": ("类别", "category", "资产类别"),
    "subcategory": ("子类", "subcategory"),
    "model": ("规格型号", "model", "型号"),
    "life": ("使用年限", "life"),
    "dept": ("使用部门", "dept", "部门"),
    "value": ("估价", "value", "价值", "重置成本"),
}
REQUIRED = ("asset_id", "location", "custodian", "status")
KINDS = ("盘亏", "盘盈", "位置变动", "不符")  # the kinds of difference, in the order listed


class CountError(Exception):
    """The count file cannot be used; the message names the file and row (Chinese)."""


@dataclass(frozen=True)
class Counted:
    row: int  # row in the count file (1 = the header's first line)
    asset_id: str
    location: str
    custodian: str
    status: str
    quantity: int | None
    extra: dict[str, str]


@dataclass(frozen=True)
class Difference:
    kind: str  # 盘亏 / 盘盈 / 位置变动 / 不符
    asset_id: str
    name: str
    detail: str
    row: int | None  # the count file's row (None for missing items)
    card: Card | None


@dataclass
class Stocktake:
    day: dt.date
    counted: int
    differences: list[Difference]
    proposals: list[str]  # Beancount text, one directive each
    cards: int = 0  # the cards in the books on `day`

    def of(self, kind: str) -> list[Difference]:
        return [d for d in self.differences if d.kind == kind]


def read_count(path: str | Path) -> list[Counted]:
    """The rows of a count file; CountError names the file and row of a bad one."""
    try:
        sheets = read_sheets(path)
    except FileProblem as error:
        raise CountError(f"{path}: {error}") from error
    sheet = sheets[0]
    header = find_header(sheet.rows, tuple(tuple(normalize_name(a) for a in COLUMNS[key])
                                           for key in REQUIRED))
    if header is None:
        names = "、".join(COLUMNS[key][0] for key in REQUIRED)
        raise CountError(f"{sheet.where(path)}: 找不到表头：盘点表须有 {names} 四列（列名也可写 "
                         "asset_id、location、custodian、status）")
    columns = {key: header.find(tuple(normalize_name(a) for a in aliases))
               for key, aliases in COLUMNS.items()}
    rows = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows[header.row_index + 1:]:
        if not any(cells):
            continue

        def get(key: str) -> str:
            index = columns[key]
            return cells[index].strip() if index is not None and index < len(cells) else ""

        asset_id = get("asset_id")
        if asset_id and asset_id in seen:
            raise CountError(f"{sheet.where(path)}:{number}: 资产编号 {asset_id} 在第 {seen[asset_id]} 行"
                             "已经盘点过（同一资产只写一行；批量资产写实盘数量）")
        if asset_id:
            seen[asset_id] = number
        quantity = None
        if get("quantity"):
            value = parse_amount(get("quantity"))
            if value is None or value != value.to_integral_value() or value < 0:
                raise CountError(f"{sheet.where(path)}:{number}: 数量“{get('quantity')}”应为非负整数")
            quantity = int(value)
        if not asset_id and not get("name"):
            raise CountError(f"{sheet.where(path)}:{number}: 没有资产编号的实物（盘盈）须写名称")
        extra = {key: get(key) for key in ("name", "category", "subcategory", "model", "life",
                                           "dept", "value") if get(key)}
        if "value" in extra and parse_amount(extra["value"]) is None:
            raise CountError(f"{sheet.where(path)}:{number}: 估价“{extra['value']}”不是金额")
        rows.append(Counted(number, asset_id, get("location"), get("custodian"), get("status"),
                            quantity, extra))
    return rows


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def disposal_depreciation(register: AssetRegister, card: Card, day: dt.date) -> int:
    """The accumulated depreciation (fen) a disposal of `card` on `day` must take off."""
    if card.schedule is None:
        return 0
    stop = register.stop_month(day)
    return card.schedule._replace(stop=stop).through(stop)


def build(entries, options_map, counted: list[Counted], day: dt.date | None = None,
          source: str = "") -> Stocktake:
    """The count against the asset register of the school model on `day` (default: the last
    day of the books)."""
    books = SchoolBooks.of(entries, options_map)
    return compare(books.assets, counted, day or books.last_written, source)


def compare(register: AssetRegister, counted: list[Counted], day: dt.date,
            source: str = "") -> Stocktake:
    """The differences between the count and the register on `day`, and the proposals."""
    differences: list[Difference] = []
    proposals: list[str] = []
    found: set[str] = set()
    new_number = 0
    note = f"盘点{day}" + (f"（{source}）" if source else "")
    for item in counted:
        card = register.cards.get(item.asset_id) if item.asset_id else None
        if card is None or card.date > day or card.disposed_by(day):
            reason = ("没有资产编号" if not item.asset_id else
                      f"资产编号 {item.asset_id} 没有卡片" if card is None else
                      f"资产 {item.asset_id} 已于 {card.disposal.date} 处置" if card.disposed_by(day) else
                      f"资产 {item.asset_id} {card.date} 才入账")
            name = item.extra.get("name") or (card.name if card else "")
            differences.append(Difference("盘盈", item.asset_id, name,
                                          f"{reason}；实物在 {item.location}（{item.custodian}）",
                                          item.row, card))
            if card is None:
                new_number += 1
                proposals.append(_surplus(item, day, note, new_number))
            continue
        found.add(card.asset_id)
        state = card.state_on(day)
        changes = {}
        if item.location and item.location != state["location"]:
            changes["location"] = item.location
        if item.custodian and item.custodian != state["custodian"]:
            changes["custodian"] = item.custodian
        if changes:
            detail = "，".join(f"{'存放地点' if k == 'location' else '使用人'}：账上 {state[k]}，实物 {v}"
                              for k, v in changes.items())
            differences.append(Difference("位置变动", card.asset_id, card.name, detail, item.row, card))
        problems = []
        if item.status and item.status != state["status"]:
            problems.append(f"状态：账上 {state['status']}，实物 {item.status}")
            if item.status in STATUSES:
                changes["status"] = item.status
            else:
                problems[-1] += "（如须报废，按处置办理）"
        if item.quantity is not None and item.quantity != card.quantity:
            problems.append(f"数量：卡片 {card.quantity}，实盘 {item.quantity}"
                            + ("（部分盘亏：须核实后按处置办理）" if item.quantity < card.quantity else ""))
        if problems:
            differences.append(Difference("不符", card.asset_id, card.name, "；".join(problems),
                                          item.row, card))
        if changes:
            lines = [f'{day} custom "asset-transfer" {_quote(card.asset_id)}']
            lines += [f"  {key}: {_quote(value)}" for key, value in changes.items()]
            lines.append(f"  note: {_quote(note + '发现')}")
            proposals.append("\n".join(lines) + "\n")
    for card in register.cards.values():
        if card.in_books(day) and card.asset_id not in found:
            state = card.state_on(day)
            differences.append(Difference("盘亏", card.asset_id, card.name,
                                          f"账上在 {state['location']}（{state['custodian']}），未盘到",
                                          None, card))
            proposals.append(_shortage(register, card, day, note))
    order = {kind: rank for rank, kind in enumerate(KINDS)}
    differences.sort(key=lambda d: (order[d.kind], d.asset_id))
    cards = sum(1 for card in register.cards.values() if card.in_books(day))
    return Stocktake(day, len(counted), differences, proposals, cards)


def _shortage(register: AssetRegister, card: Card, day: dt.date, note: str) -> str:
    taken = disposal_depreciation(register, card, day)
    lines = [f'{day} ! "盘亏：{card.name}（{card.asset_id}）"',
             f"  asset_id: {_quote(card.asset_id)}", '  disposal: "盘亏"',
             f"  note: {_quote(note + '未盘到；批准后借 5301 资产处置费用、贷 1902')}",
             f"  {card.account}  {-from_fen(card.cost_on(day))} CNY"]
    if card.schedule is not None:
        lines.append(f"  {chart.depreciation_account(card.category)}  {from_fen(taken)} CNY")
    lines.append(f"  {chart.PENDING_ASSET_LOSS}  {from_fen(card.cost_on(day) - taken)} CNY")
    return "\n".join(lines) + "\n"


def _surplus(item: Counted, day: dt.date, note: str, number: int) -> str:
    extra = item.extra
    category = extra.get("category", "")
    account = (chart.fixed_asset_account(category) if category in CATEGORIES
               else chart.FIXED_ASSETS)
    value = parse_amount(extra["value"]) if "value" in extra else Decimal("0.00")
    asset_id = item.asset_id or f"PY{day:%Y%m%d}{number:03d}"
    lines = [f'{day} ! "盘盈：{extra.get("name", "")}"',
             f"  note: {_quote(note + '发现账外实物；估价入账，批准后借 1902、贷 3501 以前年度盈余调整')}",
             f"  {account}  {ledger_number(value)} CNY",
             f"    asset_id: {_quote(asset_id)}"]
    for key in ("name", "category", "subcategory", "model"):
        if extra.get(key):
            lines.append(f"    {key}: {_quote(extra[key])}")
    lines.append(f"    quantity: {item.quantity or 1}")
    if extra.get("life", "").isdigit():
        lines.append(f"    life: {extra['life']}")
    for key, value_text in (("location", item.location), ("custodian", item.custodian),
                            ("dept", extra.get("dept", ""))):
        if value_text:
            lines.append(f"    {key}: {_quote(value_text)}")
    lines.append(f"  {chart.PENDING_ASSET_LOSS}  {ledger_number(-value)} CNY")
    return "\n".join(lines) + "\n"


def proposals_text(result: Stocktake, count_file: str, ledger: str) -> str:
    head = (f"; 固定资产清查盘点调整建议（{result.day}，盘点表 {count_file}，账本 {ledger}）\n"
            "; 由 `xiaozhang assets stocktake` 生成，供审核：批准后再移入账本（不要原样 include）。\n"
            "; 盘亏：净值转 1902 待处理财产损溢，批准后借 5301 资产处置费用、贷 1902；\n"
            "; 盘盈：按估价（重置成本）入账、贷 1902，批准后借 1902、贷 3501 以前年度盈余调整；\n"
            "; 位置变动、状态变化：custom \"asset-transfer\"。\n\n")
    return head + "\n".join(result.proposals)
