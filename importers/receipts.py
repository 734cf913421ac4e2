"""Fee receipts (非税收入/资金往来结算票据 e-billing platform export) → per-student collections.

Columns (found by name): 票据号, 学号 (or a 缴款人 that is a 学号), 项目, 金额, 开票日期,
状态, optional 班级.  Each valid receipt becomes one entry:

    2025-09-02 * "代收作业本费"
      student: "20250101"
      class: "一(1)班"
      item: "作业本费"
      invoice: "2500000012"
      Assets:1218其他应收款:121801缴费待到账               15.00 CNY
      Liabilities:2307其他应付款:230701代收费:01作业本费  -15.00 CNY

The item decides the credit: the 2103 or 230701 代收费 sub-account named after it
(`210301住宿费`, `230701代收费:01作业本费`; `fee_items`), as the ledger opens them.  The debit is chart.FEES_IN_TRANSIT, never the
bank: the money is booked into the bank once, from the bank statement, whichever of the two
files is imported first.  The bank importer books an incoming row that equals the unsettled
receipts of one day (of the same deposit account: 住宿费 the basic account, 代收费 the
collection account; within SETTLE_DAYS before it) against FEES_IN_TRANSIT, with
`receipts_date`; `reconcile` compares, per deposit account and day, the receipts with the
deposits that settled them, across the ledger and the run.

Voided receipts (作废, 冲红) are skipped and listed.  The 票据代码 (`invoice_code`, when the
export has it) and 票据号 (`invoice`) are the de-duplication key: numbers restart under each
票据代码 (a new one each year).  Student names never enter the ledger (only the 学号).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from beancount.core import data

from xiaozhang.chart import (ACCOMMODATION_FEE, AGENCY_FEE_ITEMS, AGENCY_FEES, BANK_BASIC,
                             BANK_COLLECTION, FEES_IN_TRANSIT, PAYABLE_TO_TREASURY, agency_fee_account,
                             leaf_name)

from .base import FileResult, LedgerIndex, RowError, TableImporter, deposit_account, is_non_tax  # noqa: F401

# A deposit settles the receipts of up to this many days before it; a deposit booked elsewhere
# this many days either side of a receipts day is named as possibly its money.
RECEIPTS_NAME = "收费票据"  # the importer's name on Fava's Import page and in `import identify`
SETTLE_DAYS = 7
from .tabular import ValueProblem, parse_amount

COLUMNS = {
    "invoice": ("票据号", "票据号码", "票号", "电子票据号码"),
    "invoice_code": ("票据代码", "电子票据代码"),
    "student": ("学号", "缴款人学号", "学生学号"),
    "payer": ("缴款人", "缴款人名称", "交款人"),
    "item": ("项目", "收费项目", "项目名称", "缴费项目"),
    "amount": ("金额", "票据金额", "缴款金额", "开票金额"),
    "date": ("开票日期", "开票时间", "开具日期"),
    "status": ("状态", "票据状态"),
    "class": ("班级",),
}
MUST = (COLUMNS["invoice"], COLUMNS["item"], COLUMNS["amount"], COLUMNS["date"])
VOID = ("作废", "冲红", "红冲", "已冲")
VALID = ("正常", "有效", "已开", "开具", "开票", "成功", "已缴", "已收", "入账")

# item name → the account its receipts credit (the example chart's; a ledger adds its own)
ITEMS: dict[str, str] = {"住宿费": ACCOMMODATION_FEE}
ITEMS.update({name: agency_fee_account(code) for code, name in AGENCY_FEE_ITEMS.items()})
_ITEM_PARENTS = (PAYABLE_TO_TREASURY + ":", AGENCY_FEES + ":")


def fee_items(accounts=()) -> dict[str, str]:
    """Fee item → account: the sub-accounts of 2103 应缴财政款 and 230701 代收费 that the
    ledger opens, named without their code (`210301住宿费` → 住宿费), over the defaults."""
    items = dict(ITEMS)
    for account in accounts:
        if account.startswith(_ITEM_PARENTS):
            name = leaf_name(account)
            if name:
                items[name] = account
    return items


class ReceiptImporter(TableImporter):
    kind = "收费票据"
    columns = COLUMNS
    must = MUST
    header_hint = "票据号、项目、金额、开票日期"

    code = "receipts"

    @property
    def name(self) -> str:
        return RECEIPTS_NAME

    required = ("status",)  # without it a voided receipt would pass for a valid one
    needed = ("invoice", "item", "amount", "date", "status")

    def missing_message(self, missing: list[str]) -> str:
        return ("收费票据文件缺少“状态”列：没有它就分不出作废、冲红的票据，不能导入；"
                "请在票据平台导出时勾选“票据状态”列")

    def parse_file(self, filepath: str, index: LedgerIndex) -> FileResult:
        result = FileResult(filepath, self.name)
        items = fee_items(index.accounts)
        for where, body, col, width in self.read_tables(filepath, result):
            self.read_receipts(where, body, col, width, items, index, result)
        accounts = {deposit_account(e.postings[1].account) for e in result.entries}
        result.account = accounts.pop() if len(accounts) == 1 else BANK_COLLECTION
        return result

    def read_receipts(self, filepath: str, body, col, width, items, index: LedgerIndex,
                      result: FileResult) -> None:
        def read(number, cells, date):
            return self.receipt(filepath, number, cells, col, date, items, result)

        for _number, _date, entry in self.each_row(filepath, body, col, width, index, result, read,
                                                   "请核对该票据"):
            if entry is None:
                continue
            result.rows += 1
            result.entries.append(entry)

    def receipt(self, filepath, number, cells, col, date, items, result):
        """The entry of one receipt row; None (and listed) for a voided receipt."""
        invoice = cells[col["invoice"]]
        status = cells[col["status"]]
        if any(v in status for v in VOID):
            result.rows += 1
            result.voided.append(f"{filepath}:{number}: 票据 {invoice} 状态为“{status}”，已跳过")
            return None
        if not status:
            raise ValueProblem("票据状态为空，无法判断是否作废")
        if not any(v in status for v in VALID):
            raise ValueProblem(f"票据状态“{status}”无法识别（应为 正常、作废 或 冲红）")
        if not invoice:
            raise ValueProblem("票据号为空")
        amount = parse_amount(cells[col["amount"]])
        if not amount or amount < 0:
            raise ValueProblem(f"金额“{cells[col['amount']]}”应为正数")
        item = cells[col["item"]]
        if item not in items:
            raise ValueProblem(f"收费项目“{item}”没有对应科目（可用：{'、'.join(items)}）；"
                               "新的收费项目请先在科目表 2103 或 230701 下开立明细科目")
        student = cells[col["student"]] if col["student"] is not None and col["student"] < len(cells) else ""
        payer = cells[col["payer"]] if col["payer"] is not None and col["payer"] < len(cells) else ""
        if not student and payer.isdigit():
            student = payer
        if not student:
            raise ValueProblem("缺少学号（账本只记学号，不记学生姓名）")
        account = items[item]
        meta = data.new_metadata(filepath, number)
        meta["student"] = student
        if col["class"] is not None and col["class"] < len(cells) and cells[col["class"]]:
            meta["class"] = cells[col["class"]]
        meta["item"] = item
        if col["invoice_code"] is not None and col["invoice_code"] < len(cells) and cells[col["invoice_code"]]:
            meta["invoice_code"] = cells[col["invoice_code"]]
        meta["invoice"] = invoice
        units = data.Amount(amount, "CNY")
        narration = f"收取{item}" if is_non_tax(account) else f"代收{item}"
        return data.Transaction(meta, date, "*", None, narration, data.EMPTY_SET, data.EMPTY_SET, [
            data.Posting(FEES_IN_TRANSIT, units, None, None, None, None),
            data.Posting(account, -units, None, None, None, None),
        ])


def reconcile(index: LedgerIndex, days) -> list[str]:
    """Receipts against the deposits that settled them, per (deposit account, day) in `days`
    (the days this run touched), from the ledger and this run together (`index`)."""
    lines = []
    for bank, day in sorted(days):
        total, count = index.receipts.get((bank, day), (Decimal(0), 0))
        settled = index.settled.get((bank, day), Decimal(0))
        if total == settled:
            continue
        name = bank.rsplit(":", 1)[-1]
        if not count:
            lines.append(f"{day} {name}：银行到账 {settled} 记入了缴费待到账，但该日没有票据；请核对是否漏导票据")
            continue
        line = (f"{day} {name}：票据 {count} 张合计 {total}，已到账 {settled}，"
                f"{'尚未到账' if total > settled else '多到账'} {abs(total - settled)}")
        if total > settled:
            line += _candidates(index, bank, day, total - settled)
        lines.append(line)
    return lines


def _candidates(index: LedgerIndex, bank: str, day: dt.date, missing: Decimal) -> str:
    """Deposits near `day` booked to a fee account or to suspense that may be this money."""
    near = [(day + dt.timedelta(days=d), item) for d in range(-SETTLE_DAYS, SETTLE_DAYS + 1)
            for item in index.fee_deposits.get((bank, day + dt.timedelta(days=d)), ())]
    if not near:
        return ""
    near.sort(key=lambda pair: (pair[1][0] != missing, abs((pair[0] - day).days)))
    shown = "、".join(f"{d} {amount}（bank_ref {ref}，记入 {account.rsplit(':', 1)[-1]}）"
                     for d, (amount, ref, account) in near[:5])
    return (f"。同期银行入账 {shown}：如果其中有这些票据的钱，请把该分录的对方科目改为 {FEES_IN_TRANSIT}，"
            f"并加上 receipts_date: {day}（否则同一笔收费记了两次，或留在待查款项中）；"
            "以后这类入账可写归类规则 account = \"121801\"")
