"""收支两条线：非税收入进 2103 并及时上缴；不得坐收坐支；代收费不转收入、期末结清；库存现金限额。

检查项与错误代码（适用于 `*` 和 `!` 交易）
    [TL01] 非税收入（住宿费、学费、保教费，以及 2103 应缴财政款下各明细科目名称所列项目）
           贷记了收入科目，而不是 2103 应缴财政款。识别方式：交易的 `item` 是非税收入项目，
           或收入科目名称含该项目名。财政专户核拨返还（科目名含“返还”，或收款方/摘要含“返还”
           “核拨”）和 4001 财政拨款不在此列。
    [TL02] 2103 应缴财政款的借方（资金流出）不是上缴财政：收款方或摘要须含“财政”“国库”
           或“金库”（国家金库…支库），且对方科目只能是库存现金/银行存款；向缴费学生退费
           （有 `student` 或 `class`，摘要含“退”）和 2103 明细科目之间的调整除外。其他一律视为
           坐支（同一笔里另有费用借方也一样；已按 TL03 报告的不重复报告）。
    [TL03] 坐收坐支：同一笔交易借记费用、资产或应付账款，贷记 2103 应缴财政款、2307…代收费，
           或开户时标为收款账户（`open` 上写 `collection: TRUE`，含其下级科目）的账户。
    [TL04] 非税收入超期未缴：2103 各明细科目按先收先缴计算（记在上级科目 2103 的上缴冲减
           其下明细科目最早的收入），每笔收入须在 `remittance-days` 天内上缴（不设则为当月
           月末前；期限当天上缴不算超期）。报告在超期未缴的最早一笔收入上；此后直到超期的
           款项全部缴清为止不重复报告（之后再有超期的，另行报告）。检查截至账本最后一笔交易的日期。
    [TL05] 年末 2103 应缴财政款未缴清（12 月 31 日仍有余额），报告在最早一笔未缴收入上
           （已按 TL04 报告的不重复报告）。
    [TL06] 代收费转为学校收入：借记 2307…代收费而贷记收入科目，或 `item` 为代收费项目
           （2307…代收费下各明细科目名称）的款项直接记入收入。
    [TL07] 代收费期末未结清：每个代收费项目在学期结束（`term-end`）后 `settle-days` 天内，
           该学期及以前收取的款项须全部付给提供方或清退给学生（多退少不补）。不设 `term-end`
           时按每年 1 月 31 日、7 月 31 日为学期结束。按先收先付计算（付给上级科目 230701
           代收费的冲减其下各项目最早的收款；先付后收的，以后的收款先抵付款）。报告在最早一笔
           未结清的收款上；同一笔未结清的款项以后的学期不重复报告，以后学期新收而未结清的另行报告。
    [TL08] 库存现金日终余额超过 `cash-limit`（收到现金当日解缴；日内超过、当天解缴的不算）。
           报告在当天使余额超过限额（此后未再回到限额以内）的那一笔上；回到限额以内之前不重复报告。

依据
    “做到收支两条线，所有收费必须进入财务处并上交‘区财政集中支付中心’”（001）；
    “所收费用及时解交学校经费户”（004）；“期末按时结算代收费，做好了清退工作”（002）；
    “在学期结束之前向学生结清各类收费，实行多退少不补的原则”（003）。

配置（ledger/policy.beancount）
    2025-08-25 custom "policy" "remittance-days" 5
    2025-08-25 custom "policy" "cash-limit" 5000.00 CNY
    2025-08-25 custom "policy" "settle-days" 30
    2026-01-16 custom "policy" "term-end" "2025年秋季学期"
    代收费专户：`2015-01-01 open Assets:1002银行存款:100203代收费专户` 下写 `collection: TRUE`。

例
    通过：
      2025-09-01 * "收取住宿费"
        item: "住宿费"
        Assets:1002银行存款:100201基本户             450.00 CNY
        Liabilities:2103应缴财政款:210301住宿费      -450.00 CNY
      2025-09-05 * "青禾市明德区财政局非税收入汇缴专户" "上缴住宿费"
        Liabilities:2103应缴财政款:210301住宿费       450.00 CNY
        Assets:1002银行存款:100201基本户             -450.00 CNY
    不通过：第一笔贷记 Income:4101事业收入 → [TL01]；第二笔收款方为维修公司 → [TL02]；
    上缴推迟到 2025-09-10 → [TL04]。
"""

from __future__ import annotations

import collections
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang.plugins.approvals import ASSET_ROOTS
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.policy import Policy

__plugins__ = ("validate_two_lines",)


class TwoLinesError(NamedTuple):
    source: dict
    message: str
    entry: Any


TREASURY = "Liabilities:2103"
AGENCY = "Liabilities:2307其他应付款:230701"
CASH = "Assets:1001"
CASH_AND_BANK = ("Assets:1001", "Assets:1002", "Assets:1021")
SPENDING = ("Expenses:",) + ASSET_ROOTS + ("Liabilities:2302",)
NON_TAX_DEFAULT = ("住宿费", "学费", "保教费")
GENERIC = ("其他", "其它")  # a 2103 sub-account "其他" names no fee an income account could carry
TREASURY_WORDS = ("财政", "国库", "金库")  # 国家金库…支库 is the treasury
RETURN_WORDS = ("返还", "核拨")  # 财政专户核拨返还: the school's share comes back as income
_CODE = re.compile(r"^\d+")


def item_name(account: str) -> str:
    """`住宿费` for `Liabilities:2103应缴财政款:210301住宿费` (the leaf without its code)."""
    return _CODE.sub("", account.rsplit(":", 1)[-1])


@dataclass
class Lot:
    """One receipt still (partly) held: money in 2103 or a 代收费 balance."""

    date: dt.date
    amount: Decimal
    entry: data.Transaction
    reported: bool = False


class Lots:
    """First in, first out: receipts credit an account, remittances/payments consume the oldest.

    A payment booked to a parent account (`Liabilities:2103应缴财政款`) consumes the oldest
    receipts of its sub-accounts; a payment larger than what is held (e.g. a provider paid
    before the fee is collected) is carried as an advance that later receipts settle."""

    def __init__(self) -> None:
        self.by_account: dict[str, collections.deque[Lot]] = collections.defaultdict(
            collections.deque)
        self.held: dict[str, Decimal] = collections.defaultdict(Decimal)
        self.advance: dict[str, Decimal] = {}

    def receive(self, account: str, date: dt.date, amount: Decimal, entry) -> None:
        if self.advance:  # rare: only after a payment ran ahead of the receipts
            parts = account.split(":")
            for holder in (":".join(parts[:i]) for i in range(len(parts), 1, -1)):
                credit = self.advance.get(holder)
                if credit:
                    used = min(credit, amount)
                    amount -= used
                    if credit > used:
                        self.advance[holder] = credit - used
                    else:
                        del self.advance[holder]
        if amount > 0:
            self.by_account[account].append(Lot(date, amount, entry))
            self.held[account] += amount

    def pay(self, account: str, amount: Decimal) -> None:
        """Consume the oldest receipts of the account (or of its sub-accounts)."""
        family = [name for name in self.by_account
                  if name == account or name.startswith(account + ":")]
        while amount > 0:
            candidates = [(self.by_account[name][0].date, name) for name in family
                          if self.by_account[name]]
            if not candidates:
                self.advance[account] = self.advance.get(account, Decimal(0)) + amount
                return
            name = min(candidates)[1]
            lot = self.by_account[name][0]
            used = min(lot.amount, amount)
            lot.amount -= used
            amount -= used
            self.held[name] -= used
            if not lot.amount:
                self.by_account[name].popleft()

    def outstanding(self) -> list[tuple[str, Lot]]:
        return [(account, lot) for account, lots in sorted(self.by_account.items()) for lot in lots]


def deadline(policy: Policy, received: dt.date) -> dt.date:
    """The last day on which money received on `received` may still sit in 2103."""
    days = policy.get("remittance-days", received)
    if days is not None:
        return received + dt.timedelta(days=days)
    next_month = (received.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return next_month - dt.timedelta(days=1)


def term_ends(policy: Policy, first: dt.date, last: dt.date) -> list[tuple[dt.date, str]]:
    """The configured term ends, or 31 January and 31 July of every year the books span."""
    if policy.term_ends:
        return sorted(policy.term_ends)
    ends = []
    for year in range(first.year, last.year + 1):
        ends += [(dt.date(year, 1, 31), f"{year - 1}年秋季学期"),
                 (dt.date(year, 7, 31), f"{year}年春季学期")]
    return ends


class TwoLines:
    """A single pass over the entries: the errors, and what is left in 2103 and 代收费."""

    def __init__(self, entries: list, policy: Policy) -> None:
        self.policy = policy
        self.errors: list[TwoLinesError] = []
        self.treasury = Lots()
        self.agency = Lots()
        self.overdue: set[str] = set()  # 2103 accounts in an overdue spell already reported
        # 代收费 accounts: the amount already reported unsettled (the oldest money held), so
        # that the same money is not reported again at the next term end
        self.unsettled: dict[str, Decimal] = {}
        self.non_tax = set(NON_TAX_DEFAULT)
        self.agency_items: set[str] = set()
        self.collection: set[str] = set()
        self.cash = Decimal(0)
        self.cash_over = False
        self.cash_day: dt.date | None = None
        self.cash_crosser = None  # the entry that last took the cash balance over the limit
        self.cash_last = None  # the last entry of the day that moved cash
        txns = [e for e in entries if isinstance(e, data.Transaction)]
        self.first = txns[0].date if txns else None
        self.last = txns[-1].date if txns else None
        self.terms = collections.deque(
            term_ends(policy, self.first, self.last) if txns else [])
        self._run(entries)

    def report(self, entry, code: str, message: str) -> None:
        self.errors.append(TwoLinesError(entry.meta, f"[{code}] {message}", entry))

    # -- the pass ---------------------------------------------------------------------
    def _run(self, entries: list) -> None:
        day = None
        for entry in entries:
            if isinstance(entry, data.Open):
                self._open(entry)
                continue
            if not isinstance(entry, data.Transaction):
                continue
            if entry.date != day:
                if day is not None:
                    self._end_of_day(day, entry.date)
                day = entry.date
            self._transaction(entry)
        if day is not None:
            self._end_of_day(day, None)

    def _open(self, entry: data.Open) -> None:
        account = entry.account
        if account.startswith(TREASURY) and account.count(":") >= 2:
            self.non_tax.add(item_name(account))
        elif account.startswith(AGENCY) and account.count(":") >= 3:
            self.agency_items.add(item_name(account))
        if entry.meta.get("collection") is True:
            self.collection.add(account)

    def _is_collection(self, account: str) -> bool:
        if account.startswith((TREASURY, AGENCY)):
            return True
        return any(account == c or account.startswith(c + ":") for c in self.collection)

    def _transaction(self, txn: data.Transaction) -> None:
        debits, credits = [], []
        spends = to_income = out_of_2103 = False
        cash = Decimal(0)
        for posting in txn.postings:
            number = posting.units.number
            if not number:
                continue
            account = posting.account
            # what is held in 2103 and 代收费 (first in, first out); the cash balance
            lots = self.treasury if account.startswith(TREASURY) else \
                self.agency if account.startswith(AGENCY) else None
            if lots is not None:
                if number < 0:
                    lots.receive(account, txn.date, -number, txn)
                else:
                    lots.pay(account, number)
                    if lots is self.agency:  # what was reported and is now paid is settled
                        for name, amount in self.unsettled.items():
                            self.unsettled[name] = min(amount, self.agency.held[name])
            elif account.startswith(CASH):
                cash += number
            if number > 0:
                debits.append(posting)
                spends = spends or account.startswith(SPENDING)
                out_of_2103 = out_of_2103 or lots is self.treasury
            else:
                credits.append(posting)
                to_income = to_income or account.startswith("Income:")
        if cash:
            self._cash(txn, cash)
        if to_income or spends or out_of_2103:
            self._check_flows(txn, debits, credits, spends, to_income, out_of_2103)

    def _check_flows(self, txn, debits, credits, spends, to_income, out_of_2103) -> None:
        item = txn.meta.get("item")
        text = f"{txn.payee or ''} {txn.narration or ''}"
        # TL01 / TL06: fees credited to income
        returned = to_income and any(word in text for word in RETURN_WORDS) and "退" not in text
        for posting in credits if to_income else ():
            account = posting.account
            if not account.startswith("Income:") or account.startswith("Income:4001") \
                    or "返还" in account or returned:
                continue
            named = [n for n in self.non_tax if n in account.split(":", 1)[1]
                     and not n.startswith(GENERIC)]
            if item in self.non_tax or named:
                fee = item if item in self.non_tax else named[0]
                self.report(txn, "TL01", f"{fee}属非税收入，应贷记 2103 应缴财政款并上缴财政，"
                                         f"不得直接记入 {account}（收支两条线）")
                break
            if item in self.agency_items or any(p.account.startswith(AGENCY) for p in debits):
                self.report(txn, "TL06", f"代收费{f'（{item}）' if item else ''}不得转为学校收入 "
                                         f"{account}；应付给提供方或清退给学生（代收费专款代付）")
                break
        # TL03: spending paid straight out of a collection
        source = next((p.account for p in credits if self._is_collection(p.account)), None) \
            if spends else None
        if source:
            self.report(txn, "TL03", f"坐收坐支：从收款账户 {source} 直接支付费用、"
                                     "资产或货款；收款应先上缴或专款代付，支出从经费账户列支")
        # TL02: 2103 leaves only to the treasury (an expense paid alongside does not excuse it)
        out_of_treasury = [p for p in debits if p.account.startswith(TREASURY)] if out_of_2103 else []
        if out_of_treasury and not source:
            others = [p for p in credits if not p.account.startswith(TREASURY)]
            to_money = all(p.account.startswith(CASH_AND_BANK) for p in others)
            remittance = to_money and any(word in text for word in TREASURY_WORDS)
            refund = to_money and "退" in text and (txn.meta.get("student") or txn.meta.get("class"))
            if others and not (remittance or refund):
                self.report(txn, "TL02", f"应缴财政款 {out_of_treasury[0].account} 只能上缴财政专户/国库"
                                         f"（收款方或摘要应写明财政），此笔流向 {others[0].account}，"
                                         "属坐支（收支两条线）")

    def _cash(self, txn: data.Transaction, cash: Decimal) -> None:
        limit = self.policy.get("cash-limit", txn.date).number
        before, self.cash = self.cash, self.cash + cash
        if self.cash <= limit:
            self.cash_crosser = None
        elif before <= limit:
            self.cash_crosser = txn
        self.cash_last = txn

    # -- checks at the end of each day ---------------------------------------------------
    def _end_of_day(self, day: dt.date, next_day: dt.date | None) -> None:
        self._check_cash(day)
        today = next_day or day
        if next_day is not None and next_day.year > day.year:
            self._check_year_end(day.year)
        self._check_remittance(today)
        self._check_terms(today)
        if next_day is None and day.month == 12 and day.day == 31:
            self._check_year_end(day.year)

    def _check_cash(self, day: dt.date) -> None:
        limit = self.policy.get("cash-limit", day).number
        culprit = self.cash_crosser or self.cash_last  # the latter: the limit was lowered
        if self.cash > limit:
            if not self.cash_over and culprit is not None:
                self.report(culprit, "TL08", f"库存现金 {day} 日终余额 {self.cash} 元，"
                                             f"超过限额 {limit} 元（收到现金应当日解缴银行）")
            self.cash_over = True
        else:
            self.cash_over = False
        self.cash_crosser = self.cash_last = None

    def _check_remittance(self, today: dt.date) -> None:
        for account, lots in self.treasury.by_account.items():
            oldest = lots[0] if lots else None
            if oldest is None or not deadline(self.policy, oldest.date) < today:
                self.overdue.discard(account)  # nothing overdue any more: a spell ends
                continue
            due = deadline(self.policy, oldest.date)
            if account in self.overdue:
                continue
            self.overdue.add(account)
            if oldest.reported:
                continue
            oldest.reported = True
            held = sum((lot.amount for lot in lots if deadline(self.policy, lot.date) < today),
                       Decimal(0))
            self.report(oldest.entry, "TL04", (
                f"非税收入 {item_name(account)} {oldest.date} 收取，最迟应于 {due} 上缴财政，"
                f"截至 {today} 仍有 {held} 元超期未缴（收支两条线，及时足额上缴）"))

    def _check_year_end(self, year: int) -> None:
        for account, lots in self.treasury.by_account.items():
            if not lots or lots[0].reported:
                continue
            held = sum((lot.amount for lot in lots if lot.date.year <= year), Decimal(0))
            if held:
                lots[0].reported = True
                self.report(lots[0].entry, "TL05", (
                    f"{year} 年末应缴财政款 {account} 仍有 {held} 元未上缴（最早一笔 {lots[0].date} "
                    "收取）；年末 2103 应缴财政款应为零"))

    def _check_terms(self, today: dt.date) -> None:
        while self.terms:
            end, name = self.terms[0]
            due = end + dt.timedelta(days=self.policy.get("settle-days", end))
            if not due < today:
                return
            self.terms.popleft()
            for account, lots in self.agency.by_account.items():
                held = sum((lot.amount for lot in lots if lot.date <= end), Decimal(0))
                reported = self.unsettled.get(account, Decimal(0))
                if held <= reported:  # settled, or the same money already reported
                    continue
                self.unsettled[account] = held
                first, skip = lots[0], reported  # the oldest receipt not reported before
                for lot in lots:
                    first = lot
                    if skip < lot.amount:
                        break
                    skip -= lot.amount
                self.report(first.entry, "TL07", (
                    f"代收费 {item_name(account)} {name}（{end} 结束）及以前收取的款项到 {due} "
                    f"仍有 {held - reported} 元未结清（期末按时结算代收费，多退少不补）"))


def validate_two_lines(entries, options_map, config=None):
    policy = SchoolBooks.of(entries, options_map).policy  # its problems: xiaozhang.plugins.policy
    return entries, TwoLines(entries, policy).errors
