"""Fee receipts (非税收入/资金往来结算票据 e-billing platform export) → per-student collections.

Columns (found by name): 票据号, 学号 (or a 缴款人 that is a 学号), 项目, 金额, 开票日期,
状态, optional 班级.  Each valid receipt becomes one entry, as the example ledger books them:

    2025-09-02 * "代收作业本费"
      student: "20250101"
      class: "一(1)班"
      item: "作业本费"
      invoice: "2500000012"
      Assets:1002银行存款:100203代收费专户                 15.00 CNY
      Liabilities:2307其他应付款:230701代收费:01作业本费  -15.00 CNY

The item's kind decides the accounts: 住宿费 (行政事业性收费, 非税) → 2103 and the basic account;
代收费 items (chart.AGENCY_FEE_ITEMS) → their 2307 account and the collection account.
Voided receipts (作废, 冲红) are skipped and listed.  The 票据号 (`invoice`) is the
de-duplication key.  Student names never enter the ledger (only the 学号).
"""

from __future__ import annotations


from beancount.core import data

from xiaozhang.chart import (ACCOMMODATION_FEE, AGENCY_FEE_ITEMS, BANK_BASIC, BANK_COLLECTION,
                             agency_fee_account)

from .base import FileResult, LedgerIndex, RowError, TableImporter
from .tabular import ValueProblem, parse_amount, parse_date

COLUMNS = {
    "invoice": ("票据号", "票据号码", "票号", "电子票据号码"),
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

# item name → (kind, income account, bank account)
ITEMS: dict[str, tuple[str, str, str]] = {"住宿费": ("非税收入", ACCOMMODATION_FEE, BANK_BASIC)}
ITEMS.update({name: ("代收费", agency_fee_account(code), BANK_COLLECTION)
              for code, name in AGENCY_FEE_ITEMS.items()})


class ReceiptImporter(TableImporter):
    kind = "收费票据"
    columns = COLUMNS
    must = MUST
    header_hint = "票据号、项目、金额、开票日期"

    @property
    def name(self) -> str:
        return "xiaozhang.receipts"

    def parse_file(self, filepath: str, index: LedgerIndex) -> FileResult:
        result = FileResult(filepath, self.name)
        table = self.read_table(filepath, result)
        if table is None:
            return result
        body, col, width = table
        for number, cells in body:
            if not any(cells):
                continue
            cells = cells + [""] * (width - len(cells))
            invoice = cells[col["invoice"]]
            if not invoice or any(w in invoice for w in ("合计", "总计", "小计")):
                result.skipped += 1
                continue
            result.rows += 1
            status = cells[col["status"]] if col["status"] is not None else ""
            if any(v in status for v in VOID):
                result.voided.append(f"{filepath}:{number}: 票据 {invoice} 状态为“{status}”，已跳过")
                continue
            try:
                date = parse_date(cells[col["date"]])
                amount = parse_amount(cells[col["amount"]])
                if not amount or amount < 0:
                    raise ValueProblem(f"金额“{cells[col['amount']]}”应为正数")
                item = cells[col["item"]]
                if item not in ITEMS:
                    raise ValueProblem(f"收费项目“{item}”没有对应科目（可用：{'、'.join(ITEMS)}）")
                student = cells[col["student"]] if col["student"] is not None else ""
                if not student and col["payer"] is not None and cells[col["payer"]].isdigit():
                    student = cells[col["payer"]]
                if not student:
                    raise ValueProblem("缺少学号（账本只记学号，不记学生姓名）")
            except ValueProblem as problem:
                result.errors.append(RowError(filepath, number, f"{problem}；请核对该票据"))
                continue
            kind, account, bank = ITEMS[item]
            bank = self.forced_account or bank
            meta = data.new_metadata(filepath, number)
            meta["student"] = student
            if col["class"] is not None and cells[col["class"]]:
                meta["class"] = cells[col["class"]]
            meta["item"] = item
            meta["invoice"] = invoice
            units = data.Amount(amount, "CNY")
            narration = f"收取{item}" if kind == "非税收入" else f"代收{item}"
            result.entries.append(data.Transaction(meta, date, "*", None, narration, data.EMPTY_SET,
                                                   data.EMPTY_SET, [
                                                       data.Posting(bank, units, None, None, None, None),
                                                       data.Posting(account, -units, None, None, None, None),
                                                   ]))
        accounts = {e.postings[0].account for e in result.entries}
        result.account = accounts.pop() if len(accounts) == 1 else (self.forced_account or BANK_COLLECTION)
        return result


def daily_totals(entries) -> dict[tuple[str, object], object]:
    """Receipt totals per (bank account, date), for reconciliation with bank deposits."""
    totals: dict = {}
    for entry in entries:
        if isinstance(entry, data.Transaction) and "invoice" in entry.meta and "student" in entry.meta:
            posting = entry.postings[0]
            key = (posting.account, entry.date)
            totals[key] = totals.get(key, 0) + posting.units.number
    return totals
