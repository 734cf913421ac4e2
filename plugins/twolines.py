"""收支两条线：非税收入进 2103 并及时上缴；不得坐收坐支；代收费不转收入、只付给提供方、期末结清；库存现金限额。

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
           月末前；0 为当日上缴；期限当天上缴不算超期）。每一笔短缺只报告一次：报告在超期的
           那笔收款上，写明超期未缴的金额（同一天到期的合并报告）。已报告的短缺，只要该科目
           余额不低于它，就仍是同一笔：以后按时足额上缴的收款不再报告（不会因先收先缴把旧的
           短缺挪到以后的收款上）。短缺补缴以后不再报告（原报告仍在超期的收款上）；以后超期未缴
           的金额超过尚未补缴的短缺时，超出部分是新的短缺，另行报告在它开始的那笔收款上。
           检查到评判日期为止（默认今天；账本可用 custom "as-of" 指定，`xiaozhang check --as-of`
           可临时指定，见 docs/conventions.md）：账本停记以后到期未缴的，同样报告；期限在评判
           日期之后的不算超期。
    [TL05] 年末 2103 应缴财政款未缴清（12 月 31 日仍有余额），报告在最早一笔未缴收入上
           （已按 TL04 报告、尚未补缴的短缺不重复报告，只报告超出的部分）。评判日期已过的年末
           同样检查。
    [TL06] 代收费转为学校收入：借记 2307…代收费而贷记收入科目，或 `item` 为代收费项目
           （2307…代收费下各明细科目名称）的款项直接记入收入。
    [TL07] 代收费期末未结清：每个代收费项目在学期结束（`term-end`）后 `settle-days` 天内，
           该学期及以前收取的款项须全部付给提供方或清退给学生（多退少不补）。不设 `term-end`
           时按每年 1 月 31 日、7 月 31 日为学期结束（学期由 `xiaozhang.model.periods` 统一确定，
           与食堂、收费公示相同）。按先收先付计算（付给上级科目 230701
           代收费的冲减其下各项目最早的收款；先付后收的，以后的收款先抵付款）。报告在最早一笔
           未结清的收款上；同一笔未结清的款项以后的学期不重复报告，以后学期新收而未结清的另行报告。
           结清期限在评判日期之前（含账本最后一笔交易以后才到的期限）即检查。
    [TL08] 库存现金日终余额超过 `cash-limit`（收到现金当日解缴；日内超过、当天解缴的不算）。
           每天日终都检查：有现金收付的日子、`cash-limit` 调整的日子，以及账本最后一笔交易之后
           直到评判日期。报告在当天使余额超过限额（此后未再回到限额以内）的那一笔上；若是把限额
           调低到已持有的现金以下，报告在那条 `cash-limit` 指令上。连续超限的日子只报告一次
           （写明自哪天起、超出多少），回到限额以内之前不重复报告。限额必须大于零（零或负数报 [PL03]）。
    [TL09] 代收费付给了提供方以外的单位：借记 230701 代收费某项目的付款（付给上级科目 230701
           的，按其下各项目），收款方（payee，或 `supplier`）须是当天有效的收费项目定义
           （custom "fee"）里的提供方 `provider`。清退给学生（写明 `student` 或 `refund_each`，
           或摘要含“退”）和代收费项目之间的调整不在此列；项目尚未定义的不核对（FE02 报告）。
    [TL10] 代收费项目的定义没有写提供方 `provider`，无法核对付给了谁：每个项目在第一笔付款上
           报告一次。
    [TL11] 使检查形同取消的设置：remittance-days 超过 31 天、settle-days 超过 60 天（报告在该条
           指令上，取值仍照用）；设了 term-end 却漏写某学期的结束日，使一个学期超过 240 天
           （到评判日期为止）且其间收了代收费的，报告在这段时间第一笔代收费上（最后一个 term-end
           之后账本又记了一个学期以上的，由 [PL03] 在那条 term-end 上报告一次，这里不再重复）。
           remittance-days 为 0 即当日上缴；负数由 [PL03] 报告、不予采用。
    期初余额（从累计盈余结转进来的 2103、代收费、库存现金）与平时的收款一样检查。

计算
    2103 和代收费的逐笔余额（先收先缴）、期限、库存现金由学校模型 `xiaozhang.model.treasury`
    计算一次（合规页的应缴财政款账龄读的是同一份）；本插件只判断并报告问题。

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
    上缴推迟到 2025-09-10 → [TL04]；作业本费（provider: "青禾市新华书店"）的款项付给
    “明德区惠民生鲜超市” → [TL09]。
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import compress, repeat
from operator import attrgetter
from typing import Any, NamedTuple

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.fees import FeeBook, is_refund
from xiaozhang.model.index import CREDIT
from xiaozhang.model.periods import LONGEST_TERM_DAYS, calendar_stops
from xiaozhang.model.treasury import (  # noqa: F401  (deadline, item_name: the names reports import)
    AGENCY, CASH_AND_BANK, OUT_OF_2103, OUT_OF_AGENCY, SPENDS, TO_INCOME, TREASURY, CashOver, Flow,
    Overdue, TreasuryBook, Unsettled, YearEndHeld, deadline, item_name)

__plugins__ = ("validate_two_lines",)


class TwoLinesError(NamedTuple):
    source: dict
    message: str
    entry: Any


# Settings beyond these switch a check off in effect (TL11): a remittance later than the
# default (the month's end), a settlement when the next term is half over; a "term" longer
# than periods.LONGEST_TERM_DAYS (a term-end left out, so 代收费 is never due)
MAX_REMITTANCE_DAYS = 31
MAX_SETTLE_DAYS = 60
GENERIC = ("其他", "其它")  # a 2103 sub-account "其他" names no fee an income account could carry
TREASURY_WORDS = ("财政", "国库", "金库")  # 国家金库…支库 is the treasury
RETURN_WORDS = ("返还", "核拨")  # 财政专户核拨返还: the school's share comes back as income
_FISCAL_INCOME = chart.code_root(chart.FISCAL_INCOME)  # 4001 财政拨款收入
_RETURNED = re.compile("|".join(map(re.escape, RETURN_WORDS)))


def _error(entry, code: str, message: str) -> TwoLinesError:
    return TwoLinesError(entry.meta, f"[{code}] {message}", entry)


def _fee_income(account: str) -> bool:
    """An income account a fee could be credited to (not 4001 财政拨款, not a 返还)."""
    return account.startswith("Income:") and not account.startswith(_FISCAL_INCOME) \
        and "返还" not in account


class _Seen:
    """What `check_flow` works out once per walk: by account, by day."""

    def __init__(self, book: TreasuryBook, fees: FeeBook | None = None) -> None:
        self.book = book
        self.fees = fees
        self.fee_income: dict[str, bool] = {}
        self.items: dict = {}  # day -> (non-tax items, 代收费 items) known on that day
        self.named: dict = {}  # account -> [(non-tax item the account names, known since)]
        self.unchecked: set[str] = set()  # 代收费 items without a provider, reported (TL10)
        self.providers: dict = {}  # (account, day) -> (items, providers) of the definitions

    def items_on(self, day) -> tuple[list[str], list[str]]:
        found = self.items.get(day)
        if found is None:
            book = self.book
            found = self.items[day] = (
                [name for name, since in book.non_tax.items() if since <= day],
                [name for name, since in book.agency_items.items() if since <= day])
        return found

    def names(self, account: str, day) -> list[str]:
        found = self.named.get(account)
        if found is None:
            leaf = account.split(":", 1)[1]
            found = self.named[account] = [(n, since) for n, since in self.book.non_tax.items()
                                           if n in leaf and not n.startswith(GENERIC)]
        return [n for n, since in found if since <= day] if found else found

    def providers_of(self, account: str, day) -> tuple[list[str], set[str]]:
        """The defined 代收费 items an account pays out of on `day` (its own item, or the
        items below it) and their providers (`provider` of the definitions in force)."""
        key = (account, day)
        found = self.providers.get(key)
        if found is None:
            fees, below = self.fees, account + ":"
            names = sorted({name for owner, name in fees.accounts.items()
                            if owner == account or owner.startswith(below)})
            items, providers = [], set()
            for name in names:
                versions = fees.in_force(name, day)
                if versions:
                    items.append(name)
                    providers.update(v.provider for v in versions if v.provider)
            found = self.providers[key] = (items, providers)
        return found


def check_flow(book: TreasuryBook, flow: Flow, seen: _Seen | None = None) -> list[TwoLinesError]:
    """TL01, TL06, TL03, TL02, TL09, TL10 on one transaction that credits income, spends or
    takes money out of 2103 or 代收费."""
    txn, bits = flow[0], flow[1]
    day = txn.date
    postings = txn.postings
    errors = []
    seen = seen or _Seen(book)
    text = ""
    to_income = False  # TL06 reported: the 代收费 went to income
    # TL01 / TL06: fees credited to income (the items known on the day: their `open`)
    if bits & TO_INCOME:
        fee_income = seen.fee_income
        incomes = []
        for posting in postings:
            number = posting.units.number
            if number is not None and number < 0:
                relevant = fee_income.get(posting.account)
                if relevant is None:
                    relevant = fee_income[posting.account] = _fee_income(posting.account)
                if relevant:
                    incomes.append(posting)
        if incomes:
            text = f"{txn.payee or ''} {txn.narration or ''}"
            if _RETURNED.search(text) and "退" not in text:
                incomes = []
        if incomes:
            item = txn.meta.get("item")
            non_tax, agency_items = seen.items_on(day)
        for posting in incomes:
            account = posting.account
            named = seen.names(account, day)
            if item in non_tax or named:
                fee = item if item in non_tax else named[0]
                errors.append(_error(txn, "TL01", f"{fee}属非税收入，应贷记 2103 应缴财政款并上缴财政，"
                                                  f"不得直接记入 {account}（收支两条线）"))
                break
            if item in agency_items or bits & OUT_OF_AGENCY:
                errors.append(_error(txn, "TL06", f"代收费{f'（{item}）' if item else ''}不得转为学校收入 "
                                                  f"{account}；应付给提供方或清退给学生（代收费专款代付）"))
                to_income = True
                break
    # TL03: spending paid straight out of a collection
    source = None
    if bits & SPENDS:
        is_collection = book.is_collection
        source = next((p.account for p in postings if p.units.number is not None
                       and p.units.number < 0 and is_collection(p.account, day)), None)
        if source:
            errors.append(_error(txn, "TL03", f"坐收坐支：从收款账户 {source} 直接支付费用、"
                                              "资产或货款；收款应先上缴或专款代付，支出从经费账户列支"))
            return errors
    credits = [p for p in postings if p.units.number is not None and p.units.number < 0] \
        if bits & (OUT_OF_2103 | OUT_OF_AGENCY) else []
    # TL02: 2103 leaves only to the treasury (an expense paid alongside does not excuse it)
    if bits & OUT_OF_2103:
        out = next(p for p in postings if p.account.startswith(TREASURY)
                   and p.units.number is not None and p.units.number > 0)
        text = text or f"{txn.payee or ''} {txn.narration or ''}"
        others = [p for p in credits if not p.account.startswith(TREASURY)]
        to_money = all(p.account.startswith(CASH_AND_BANK) for p in others)
        remittance = to_money and any(word in text for word in TREASURY_WORDS)
        refund = to_money and "退" in text and (txn.meta.get("student") or txn.meta.get("class"))
        if others and not (remittance or refund):
            errors.append(_error(txn, "TL02", f"应缴财政款 {out.account} 只能上缴财政专户/国库"
                                              f"（收款方或摘要应写明财政），此笔流向 {others[0].account}，"
                                              "属坐支（收支两条线）"))
    # TL09 / TL10: 代收费 leaves only to the item's provider, or back to the payers
    if bits & OUT_OF_AGENCY and not to_income and seen.fees is not None \
            and not all(p.account.startswith(AGENCY) for p in credits):
        errors += _check_provider(txn, postings, seen)
    return errors


def _check_provider(txn, postings, seen: _Seen) -> list[TwoLinesError]:
    """TL09 (paid to someone other than the item's provider), TL10 (no provider to check)."""
    errors = []
    payee = (txn.payee or "").strip()
    supplier = txn.meta.get("supplier")
    for posting in postings:
        number = posting.units.number
        if number is None or number <= 0 or not posting.account.startswith(AGENCY) \
                or is_refund(txn, posting):
            continue
        items, providers = seen.providers_of(posting.account, txn.date)
        if not items:  # no item defined on that day: the fee rule reports it (FE02)
            continue
        if not providers:
            missing = [name for name in items if name not in seen.unchecked]
            if missing:
                seen.unchecked.update(missing)
                errors.append(_error(txn, "TL10", (
                    f"代收费项目 {'、'.join(missing)} 的定义（custom \"fee\"）没有写提供方 provider，"
                    "无法核对代收费付给了谁；请在 policy.beancount 的收费项目定义下写 "
                    "provider: \"提供方名称\"（同一项目以后的付款不再重复报告）")))
            continue
        if payee in providers or supplier in providers:
            continue
        expected = "、".join(f"“{name}”" for name in sorted(providers))
        to_whom = f"付给了“{payee}”" if payee else "没有写收款方（payee）"
        errors.append(_error(txn, "TL09", (
            f"代收费 {'、'.join(items)} 的款项 {number} 元{to_whom}，不是该项目的提供方 {expected}："
            "代收费只能付给提供方或清退给缴费学生（专款代付，不得挪作他用）。付给提供方的，"
            "收款方写提供方名称；清退的，写明 student 或 refund_each；提供方已更换的，"
            "在 policy.beancount 中重写该收费项目并写新的 provider")))
        break
    return errors


def settings_errors(book: TreasuryBook, calendar_stop: dt.date | None = None) -> list[TwoLinesError]:
    """TL11: settings that would switch a check off without saying so."""
    errors = []
    policy = book.policy
    for name, most, check in (("remittance-days", MAX_REMITTANCE_DAYS, "TL04 非税收入及时上缴"),
                              ("settle-days", MAX_SETTLE_DAYS, "TL07 代收费期末结清")):
        for day, value in policy.values.get(name, ()):
            if value is not None and value > most:
                errors.append(_error(policy.origins[name][day], "TL11", (
                    f"{name} 为 {value} 天，超过 {most} 天，{check} 的检查形同取消；"
                    f"请按本地规定改为 {most} 天以内（不设时：remittance-days 为收款当月月末前，"
                    "settle-days 为 30 天）")))
    if policy.term_ends:  # the school's own calendar: a term-end left out makes a long "term"
        last_day = book.as_of
        for term in book.terms:
            end = term.end or last_day
            if end is None or (end - term.start).days + 1 <= LONGEST_TERM_DAYS:
                continue
            if calendar_stop is not None and term.start > calendar_stop:
                continue  # the calendar stops before it: said once, at the last term-end (PL03)
            lot = book.first_receipt(book.agency, term.start, end)
            if lot is not None:
                errors.append(_error(lot.entry, "TL11", (
                    f"代收费 {lot.date} 收取，所属学期自 {term.start} 起到 "
                    f"{'评判日期 ' if term.end is None else ''}{end} 已 {(end - term.start).days + 1} 天"
                    f"没有学期结束（超过 {LONGEST_TERM_DAYS} 天）：policy 中缺少 term-end，"
                    "TL07 代收费期末结清无法按期检查；请在 policy.beancount 中补写该学期的 "
                    "custom \"policy\" \"term-end\"")))
    return errors


def errors_of(book: TreasuryBook, fees: FeeBook | None = None,
              calendar_stop: dt.date | None = None) -> list[TwoLinesError]:
    """The rule's problems, in the order the walk found them (`fees`: the fee items, for
    TL09/TL10; None: not checked), after the settings that switch a check off (TL11)."""
    errors: list[TwoLinesError] = settings_errors(book, calendar_stop)
    seen = _Seen(book, fees)
    # which flows can be a problem, told from the masks (C-level) and, for an income, its
    # `item`: the common flow, an income of an item that is no fee of the two lines, to an
    # account that names none, is never made (the exact tests are in `check_flow`)
    index = book.index
    fee_names = set(book.non_tax) | set(book.agency_items)
    naming = index.mask_of(lambda account: account.startswith("Income:") and any(
        name in account for name in book.non_tax if not name.startswith(GENERIC)), CREDIT)
    collections = index.mask_of(lambda account: book.is_collection(account, dt.date.max), CREDIT)
    wanted = set(book.flows_where(book.role_mask(OUT_OF_2103) | book.role_mask(OUT_OF_AGENCY)
                                  | naming))
    wanted.update(book.flows_where(book.role_mask(SPENDS), collections))  # TL03
    incomes = book.flows_where(book.role_mask(TO_INCOME))
    items = map(dict.get, map(attrgetter("meta"), map(index.transactions.__getitem__, incomes)),
                repeat("item"))
    wanted.update(compress(incomes, map(fee_names.__contains__, items)))
    for event in book.walk(sorted(wanted)):
        kind = type(event)
        if kind is Flow:
            found = check_flow(book, event, seen)
            if found:
                errors += found
        elif kind is CashOver:
            cause = ("（该日起库存现金限额调整为此数，低于已持有的现金）"
                     if isinstance(event.entry, data.Custom) else "")
            errors.append(_error(event.entry, "TL08", (
                f"库存现金自 {event.day} 起日终余额 {event.balance} 元，超过限额 {event.limit} 元"
                f"{cause}，超出 {event.balance - event.limit} 元（收到现金应当日解缴银行；"
                "回到限额内之前不再重复报告）")))
        elif kind is Overdue:
            lot = event.lot
            errors.append(_error(lot.entry, "TL04", (
                f"非税收入 {item_name(event.account)} {lot.date} 收取，最迟应于 {event.due} 上缴财政，"
                f"截至 {event.today} 仍有 {event.held} 元超期未缴（收支两条线，及时足额上缴；"
                "同一笔短缺只报告这一次）")))
        elif kind is YearEndHeld:
            lot = event.lot
            errors.append(_error(lot.entry, "TL05", (
                f"{event.year} 年末应缴财政款 {event.account} 仍有 {event.held} 元未上缴"
                f"（最早一笔 {lot.date} 收取）；年末 2103 应缴财政款应为零")))
        elif kind is Unsettled:
            term = event.term
            errors.append(_error(event.lot.entry, "TL07", (
                f"代收费 {item_name(event.account)} {term.name}（{term.end} 结束）及以前收取的款项"
                f"到 {term.settle_until} 仍有 {event.amount} 元未结清（期末按时结算代收费，多退少不补）")))
    return errors


def validate_two_lines(entries, options_map, config=None):
    """TL01–TL10 over the books' 2103 and 代收费 lots (policy problems: the policy rule)."""
    books = SchoolBooks.of(entries, options_map)
    return entries, errors_of(books.treasury, books.fees,
                              calendar_stops(books.policy, books.last_written))
