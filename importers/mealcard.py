"""Canteen meal-card system exports (一卡通: 充值 / 消费 / 退款) → daily canteen entries.

Columns (by name): 交易时间 (or 日期), 交易类型 (充值/消费/退款), 金额, 卡号, optional
学号 and 流水号.  The per-card detail is summarised: one entry per day and kind, with
`records` (rows) and `cards` (distinct cards) in the metadata, and `card_batch`
(`饭卡-<kind>-<date>`) as the de-duplication key (an extension of DOMAIN's vocabulary, see
docs/import.md).  Accounts, as the canteen keeps them (DOMAIN §6):

    充值  Dr 100202食堂结算户   / Cr 230702饭卡预存      (students' money until they eat)
    消费  Dr 230702饭卡预存     / Cr 410102伙食费收入    (meals served)
    退款  Dr 230702饭卡预存     / Cr 100202食堂结算户

A day is imported whole: a day already booked is a duplicate when the file has the same
records and total for it, and an error (naming the `card_batch` to delete and re-import)
when it has more or fewer, so a partial day never hides the rest.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from beancount.core import data

from xiaozhang.chart import BANK_CANTEEN, MEAL_CARDS, MEAL_INCOME, STAFF_MEAL_CARDS, STAFF_MEAL_INCOME

from .base import FileResult, LedgerIndex, RowError, TableImporter
from .tabular import ValueProblem, parse_amount

MEALCARD_NAME = "食堂饭卡"  # the importer's name on Fava's Import page and in `import identify`
COLUMNS = {
    "date": ("交易时间", "交易日期", "日期", "时间", "消费时间"),
    "kind": ("交易类型", "类型", "业务类型"),
    "amount": ("金额", "交易金额", "发生额"),
    "card": ("卡号", "饭卡号", "卡片编号"),
    "student": ("学号", "人员编号"),
    "serial": ("流水号", "交易流水号"),
    "holder": ("人员类别", "人员类型", "身份", "卡类别", "卡类型"),  # optional: 学生 / 教职工
}
STAFF_WORDS = ("教职工", "教工", "职工", "教师", "员工")
STUDENT_WORDS = ("学生", "学员", "住校", "走读", "幼儿")
MUST = (COLUMNS["date"], COLUMNS["kind"], COLUMNS["amount"], COLUMNS["card"])
KINDS = {"充值": "充值", "圈存": "充值", "消费": "消费", "就餐": "消费", "退款": "退款", "退卡": "退款",
         "销户退款": "退款"}


def _postings(kind: str, bank: str) -> tuple[str, str, str]:
    """(debit account, credit account, narration); staff cards (`教职工充值` …) kept apart."""
    if kind.startswith("教职工"):
        debit, credit, narration = _postings(kind.removeprefix("教职工"), bank)
        staff = {MEAL_CARDS: STAFF_MEAL_CARDS, MEAL_INCOME: STAFF_MEAL_INCOME}
        return staff.get(debit, debit), staff.get(credit, credit), "教职工" + narration
    if kind == "充值":
        return bank, MEAL_CARDS, "饭卡充值汇总（一卡通系统）"
    if kind == "消费":
        return MEAL_CARDS, MEAL_INCOME, "就餐消费汇总，确认伙食费收入（一卡通系统）"
    return MEAL_CARDS, bank, "饭卡退款汇总（一卡通系统）"


class MealCardImporter(TableImporter):
    kind = "饭卡"
    columns = COLUMNS
    must = MUST
    header_hint = "交易时间、交易类型、金额、卡号"

    code = "mealcard"

    @property
    def name(self) -> str:
        return MEALCARD_NAME

    def parse_file(self, filepath: str, index: LedgerIndex) -> FileResult:
        result = FileResult(filepath, self.name)
        bank = self.forced_account or BANK_CANTEEN
        result.account = bank
        days: dict[tuple[dt.date, str], list] = {}
        for where, body, col, width in self.read_tables(filepath, result):
            self.read_records(where, body, col, width, days, index, result)
        for (date, kind), items in sorted(days.items()):
            total = sum((a for _w, _n, a, _c in items), Decimal(0))
            batch = f"饭卡-{kind}-{date.isoformat()}"
            booked = index.card_batches.get(batch)
            if booked is not None and (booked.records, booked.amount) != (len(items), total):
                where, number = items[0][0], items[0][1]
                result.failed += 1
                result.held += len(items) - 1
                result.errors.append(RowError(where, number, (
                    f"{date} 的{kind}已导入 {booked.records} 笔合计 {booked.amount}，本文件该日有 {len(items)} 笔"
                    f"合计 {total}；一卡通数据须按整天导入：请从账本删去 card_batch 为“{batch}”的分录，"
                    "再导入包含该日全部记录的文件")))
                continue
            debit, credit, narration = _postings(kind, bank)
            meta = data.new_metadata(items[0][0], items[0][1])
            meta["card_batch"] = batch
            meta["records"] = Decimal(len(items))
            meta["cards"] = Decimal(len({c for _w, _n, _a, c in items}))
            units = data.Amount(total, "CNY")
            result.entries.append(data.Transaction(meta, date, "*", None, narration, data.EMPTY_SET,
                                                   data.EMPTY_SET, [
                                                       data.Posting(debit, units, None, None, None, None),
                                                       data.Posting(credit, -units, None, None, None, None),
                                                   ]))
        return result

    needed = ("date", "kind", "amount", "card")

    def read_records(self, filepath: str, body, col, width, days: dict, index: LedgerIndex,
                     result: FileResult) -> None:
        for number, date, (kind, amount, card) in self.each_row(
                filepath, body, col, width, index, result, lambda _n, cells, _d: self.record(cells, col)):
            result.rows += 1
            days.setdefault((date, kind), []).append((filepath, number, abs(amount), card))

    @staticmethod
    def record(cells, col) -> tuple[str, Decimal, str]:
        kind = KINDS.get(cells[col["kind"]].strip())
        if kind is None:
            raise ValueProblem(f"交易类型“{cells[col['kind']]}”无法识别（应为 充值、消费 或 退款）")
        amount = parse_amount(cells[col["amount"]])
        if not amount:
            raise ValueProblem("金额为空或为 0")
        card = cells[col["card"]]
        if not card:
            raise ValueProblem("卡号为空")
        holder = col.get("holder")
        if holder is not None and holder < len(cells):
            who = "".join(cells[holder].split())
            if any(w in who for w in STAFF_WORDS):
                kind = "教职工" + kind  # staff meals apart from students' (食堂)
            elif who and not any(w in who for w in STUDENT_WORDS):
                raise ValueProblem(f"人员类别“{cells[holder][:40]}”无法识别（应为 学生 或 教职工）")
        return kind, amount, card
