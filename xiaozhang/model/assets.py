"""Fixed assets (固定资产) in the school model: the asset register of one loaded entries list.

`SchoolBooks.of(entries).assets` (built by `build` on first use, once per entries list) reads
the asset cards (the 1601 acquisition postings), the disposals (1601 credits), the internal
transfers (`custom "asset-transfer"`) and each card's depreciation schedule in one pass, and
notes the problems it finds on the way (AS01–AS10, AS12–AS14, reported by
`xiaozhang.plugins.assets`): the life table (补充规定附表2, else 财会〔2017〕4号, with the ranges'
upper ends), nominal-amount cards, additions (改扩建) to a card, and the start of depreciation.
`uses(card)` says which months of a card's depreciation are 单位管理 (5101) or 业务活动 (5001)
by `xiaozhang.model.uses`, the one definition.
The depreciation generator (`xiaozhang.plugins.depreciation`), the asset reports, the
stocktake and the 固定资产 page all ask the same register.

The facts of the categories, the schedule and the card are in `xiaozhang.model.asset_cards`.
Money is in fen (`int`) and months are month indexes (`xiaozhang.model.periods.month_index`).
"""

from __future__ import annotations

import datetime as dt
import operator
from decimal import Decimal
from typing import Any, NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.model.asset_cards import (  # noqa: F401  (the names the rules and reports import)
    BATCH_CATEGORIES,
    CARRIED_MONTHLY,
    CATEGORIES,
    DEPRECIATION,
    LIFE_RULES,
    DISPOSALS,
    DISPOSED,
    FIXED,
    FIXED_ACCOUNTS,
    OPENING,
    PURCHASE,
    SOURCE_ORDER,
    SOURCES,
    SPECIAL_EQUIPMENT,
    STATUSES,
    SUBCATEGORIES,
    TRANSFER_KEYS,
    Addition,
    Card,
    Disposal,
    LifeRule,
    Schedule,
    Transfer,
    account_code,
    is_depreciated,
    last_closed_month,
    life_rule,
    minimum_life,
    straight_line,
    text,
)
from xiaozhang.model.asset_checks import (  # noqa: F401  (NOMINAL_*: the reports' names)
    NOMINAL_FEN,
    NOMINAL_SOURCES,
    CardChecks,
    _positive_int,
    _value,
)
from xiaozhang.model.generated import GENERATED
from xiaozhang.model.collector import paused_collector
from xiaozhang.model.money import CENT, fen, from_fen
from xiaozhang.model.periods import month_index
from xiaozhang.model.policy import Policy, read_policy

REQUIRED = (("asset_id", "资产编号"), ("category", "类别"), ("model", "规格型号"),
            ("quantity", "数量"), ("location", "存放地点"), ("custodian", "使用人"),
            ("dept", "使用部门"))
PURCHASE_REQUIRED = (("supplier", "供应商"), ("invoice", "发票号"), ("procurement", "采购方式"))
BASE_KEYS = frozenset(key for key, _label in REQUIRED)
PURCHASE_KEYS = BASE_KEYS | {key for key, _label in PURCHASE_REQUIRED}
CARD_KEYS = ("asset_id", "category", "subcategory", "quantity", "life", "status", "acquired",
             "depreciated", "depreciated_months", "nominal", "addition", CARRIED_MONTHLY)
CARD_KEY_SET = PURCHASE_KEYS | set(CARD_KEYS) | {"name", "model"}
# the required values of a card that has every required key (index: is it a purchase)
REQUIRED_VALUES = (operator.itemgetter(*BASE_KEYS), operator.itemgetter(*PURCHASE_KEYS))


class AssetError(NamedTuple):
    """A problem of the asset cards (AS01–AS14), pointing at the entry's file and line."""

    source: dict
    message: str
    entry: Any


class AssetWarning(NamedTuple):
    """Shown with the errors, but `xiaozhang check` does not fail on it: a life other than
    附表2's (AS04), depreciation starting the month after (AS13)."""

    source: dict
    message: str
    entry: Any
    warning = True



def build(books) -> "AssetRegister":
    """The asset register of `books` (`SchoolBooks.assets`): read once per entries list."""
    with paused_collector():
        return AssetRegister(books.entries, books.policy, books)


# -- reading metadata -----------------------------------------------------------------------

def _non_negative_int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, Decimal)) and value == int(value) and value >= 0:
        return int(value)
    return None


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, Amount):
        return value.number
    if isinstance(value, Decimal) and not isinstance(value, bool):
        return value
    return None


_SOURCE_RANK = {prefix: rank for rank, (prefix, _kind) in enumerate(SOURCES)}
_ACCOUNT_SOURCE: dict[str, int | None] = {}  # account -> rank in SOURCES (None: a purchase)


def _source_rank(account: str) -> int | None:
    if account not in _ACCOUNT_SOURCE:
        _ACCOUNT_SOURCE[account] = _SOURCE_RANK.get(account_code(account))
    return _ACCOUNT_SOURCE[account]


# What an account means to the asset cards: FIXED (1601), DEPRECIATION (1602), the rank in
# SOURCES of a 取得方式 it names, or PURCHASE (anything else); cached, accounts are few.
_ROLE: dict[str, Any] = {}


def _role(account: str) -> Any:
    if account.startswith(FIXED):
        role = FIXED
    elif account.startswith(DEPRECIATION):
        role = DEPRECIATION
    else:
        role = _source_rank(account)
        role = PURCHASE if role is None else role
    _ROLE[account] = role
    return role


class AssetRegister(CardChecks):
    """The asset cards of a ledger with their disposals, transfers and depreciation schedules,
    read in one pass (ask `SchoolBooks.of(entries).assets` rather than building one).

    cards     asset_id -> `Card`, in ledger order
    errors    the problems found reading them (AS01–AS10, AS12–AS14; AS04 above 附表2 and AS13
              with a basis are warnings), reported by `validate_assets`
    opened    account -> the date of its `open`
    horizon   the last month depreciation is booked for: the month of the latest transaction
              the accountant wrote (generated entries do not count); None: no transactions
    """

    def __init__(self, entries, policy: Policy | None = None, books=None) -> None:
        # the books pass their policy (read once per load); alone, the register reads it
        self.policy = policy if policy is not None else read_policy(entries)[0]
        self.cards: dict[str, Card] = {}
        self.errors: list[AssetError] = []
        self.opened: dict[str, dt.date] = {}  # account -> date of its `open`
        self._policy_values: dict[tuple[str, dt.date], Any] = {}
        self._thresholds: dict[dt.date, tuple[int, int]] = {}  # general, special (fen)
        self._first: dict[tuple[dt.date, str], int] = {}
        disposals: list[tuple[data.Transaction, list[data.Posting]]] = []
        # with the books, their one-pass index (xiaozhang.model.index) lists the transactions
        # touching 1601/1602, the opens and the transfers; alone, the register walks `entries`
        if books is not None:
            index = books.index
            opened = self.opened
            for entry in index.opens:
                opened.setdefault(entry.account, entry.date)
            transfers = index.customs("asset-transfer")
            for entry in books.touching((FIXED, DEPRECIATION)):
                if GENERATED not in entry.meta:
                    self._read_transaction(entry, disposals)
            last = books.last_written
        else:
            transfers, last = self._walk(entries, disposals)
        self.horizon = None if last is None else month_index(last)
        for txn, postings in disposals:
            self._dispose(txn, postings)
        for txn, postings in disposals:
            self._check_disposal_amounts(txn, postings)
        for entry in sorted(transfers, key=lambda e: e.date):
            self._transfer(entry)
        self._check_start()

    def _walk(self, entries, disposals) -> tuple[list[data.Custom], dt.date | None]:
        """One pass over `entries` (a register read alone): the cards, the opens, the
        transfers, and the date of the last transaction the accountant wrote."""
        transfers: list[data.Custom] = []
        last: dt.date | None = None
        roles = _ROLE.get
        transaction, custom, open_ = data.Transaction, data.Custom, data.Open
        for entry in entries:
            kind = type(entry)
            if kind is transaction:
                if GENERATED in entry.meta:
                    continue
                if last is None or entry.date > last:
                    last = entry.date
                for posting in entry.postings:  # a card, a disposal or a 1602 posting?
                    role = roles(posting.account)
                    if role is None:
                        role = _role(posting.account)
                    if role is FIXED or role is DEPRECIATION:
                        self._read_transaction(entry, disposals)
                        break
            elif kind is custom and entry.type == "asset-transfer":
                transfers.append(entry)
            elif kind is open_:
                self.opened.setdefault(entry.account, entry.date)
        return transfers, last

    def usable(self, account: str, month: int) -> bool:
        """Is `account` open by the last day of `month` (a month index)?"""
        opened = self.opened.get(account)
        return opened is not None and month_index(opened) <= month

    def report(self, source, code: str, message: str, entry, warning: bool = False) -> None:
        kind = AssetWarning if warning else AssetError
        self.errors.append(kind(source, f"[{code}] {message}", entry))

    def setting_fen(self, name: str, day: dt.date) -> int:
        """An amount setting in fen."""
        key = (name + ":fen", day)
        if key not in self._policy_values:
            self._policy_values[key] = fen(self.setting(name, day).number)
        return self._policy_values[key]

    def setting(self, name: str, day: dt.date) -> Any:
        """A dated policy value (cached: thousands of cards share a few dates' settings)."""
        key = (name, day)
        if key not in self._policy_values:
            self._policy_values[key] = self.policy.get(name, day)
        return self._policy_values[key]

    # -- acquisitions ---------------------------------------------------------------------
    def _read_transaction(self, txn: data.Transaction, disposals) -> None:
        fixed = []
        contra = False
        others = False
        best = None  # the highest-ranking 取得方式 among the other accounts
        for posting in txn.postings:
            role = _ROLE.get(posting.account)
            if role is None:
                role = _role(posting.account)
            if role is FIXED:
                fixed.append(posting)
            elif role is DEPRECIATION:
                contra = True
            else:
                others = True
                if role is not PURCHASE and (best is None or role < best):
                    best = role
        if not fixed:
            if contra:
                self.report(txn.meta, "AS10", "累计折旧 1602 由折旧插件按月生成，不要手工记账；"
                                              "只有期初建账、调入和处置的分录可以写 1602", txn)
            return
        # 取得方式: by the account credited; 1601 against 1602 alone is an opening card
        # fully depreciated before the books
        kind = OPENING if not others else PURCHASE if best is None else SOURCES[best][1]
        outgoing = []
        new_cards: list[Card] = []
        prior = False
        for posting in fixed:
            number = posting.units.number
            if number is None or number == 0:
                continue
            if _value("asset_id", posting, txn) is None:
                self.report(txn.meta, "AS06", f"{posting.account} {'增加' if number > 0 else '减少'} "
                                           f"{number} 元没有写资产编号 asset_id（一物一卡）", txn)
                continue
            if number > 0:
                card = self._card(txn, posting, kind)
                if card is not None:
                    new_cards.append(card)
                    prior = prior or card.prior or card.prior_months
            else:
                outgoing.append(posting)
        if outgoing:
            disposals.append((txn, outgoing))
        if contra or prior:
            self._check_prior(txn, new_cards)

    def _card(self, txn: data.Transaction, posting: data.Posting, kind: str) -> Card | None:
        # Written for speed (a big school has tens of thousands of cards): the values are
        # read in one go and a complete card passes each check with a cheap test.
        own = posting.meta
        required = PURCHASE_KEYS if kind == PURCHASE else BASE_KEYS
        # the card on the posting alone, or spread over the posting and the transaction
        if own and required <= own.keys() and txn.meta.keys().isdisjoint(CARD_KEY_SET):
            meta = own
        else:
            meta = {**txn.meta, **own} if own else txn.meta
        (asset_id, category, subcategory, quantity_value, life_value, status, acquired,
         prior_amount, prior_months_value, nominal, addition, carried_value) = map(meta.get, CARD_KEYS)
        if type(asset_id) is not str:
            asset_id = text(asset_id)
        if addition is not None:
            self._addition(txn, posting, meta, asset_id, text(addition), life_value)
            return None
        if type(category) is not str:
            category = text(category)
        subcategory = text(subcategory) or None
        source = own if own and "asset_id" in own else txn.meta
        table = SUBCATEGORIES.get(category)
        minimum = table.get(subcategory) if table is not None and subcategory else None
        depreciable = minimum is not None and nominal is not True
        problems: list[str] = []

        if not required <= meta.keys() or "" in REQUIRED_VALUES[kind == PURCHASE](meta) \
                or (table is not None and subcategory is None) \
                or (kind == OPENING and (acquired is None or depreciable and (
                    prior_amount is None or prior_months_value is None))) \
                or (depreciable and life_value is None):
            missing = [label for key, label in (REQUIRED + PURCHASE_REQUIRED if kind == PURCHASE
                                                else REQUIRED)
                       if (value := meta.get(key)) is None or value == ""]
            if table is not None and subcategory is None:
                missing.append("子类 subcategory")
            if kind == OPENING and acquired is None:
                missing.append("原始取得日期 acquired")
            if depreciable and life_value is None:
                missing.append("使用年限 life")
            if kind == OPENING and depreciable:
                missing += [label for value, label in (
                    (prior_amount, "已提折旧 depreciated"),
                    (prior_months_value, "已提月数 depreciated_months")) if value is None]
            if missing:
                problems.append("缺少" + "、".join(missing))
        quantity = _positive_int(quantity_value)
        if quantity_value is not None and quantity is None:
            problems.append(f"数量 quantity 应为正整数，实际为 {quantity_value!r}")
        if acquired is not None and (type(acquired) is not dt.date or acquired > txn.date):
            problems.append(f"原始取得日期 acquired 应为不晚于入账日期的日期，实际为 {acquired!r}")
            acquired = None
        if status is None:
            status = "在用"
        elif status not in STATUSES:
            problems.append(f"状态 status 应为 {' / '.join(STATUSES)}，实际为“{status}”")
            status = "在用"
        prior = None
        if prior_amount is not None:
            prior = _amount(prior_amount)
            if prior is None or prior < 0:
                problems.append(f"已提折旧 depreciated 应为金额（如 1200.00 CNY），实际为 {prior_amount!r}")
                prior = None
        prior_months = None
        if prior_months_value is not None:
            prior_months = _non_negative_int(prior_months_value)
            if prior_months is None:
                problems.append(f"已提月数 depreciated_months 应为非负整数，实际为 {prior_months_value!r}")
        if carried_value is not None:  # written by `xiaozhang new-year` on a working year's opening cards
            carried = _amount(carried_value)
            if kind != OPENING or not depreciable:
                problems.append("原来的月折旧额 monthly_depreciation 只能写在要计提折旧的期初卡片上"
                                "（由 xiaozhang new-year 写入），请删去")
            elif carried is None or carried <= 0:
                problems.append("原来的月折旧额 monthly_depreciation 应为正的金额（如 722.22 CNY），"
                                f"实际为 {carried_value!r}")
        if problems:
            self.report(source, "AS01", f"资产卡片 {asset_id}：" + "；".join(problems), txn)

        expected = FIXED_ACCOUNTS.get(category)
        if expected is None:
            if category:
                self.report(source, "AS03", f"资产卡片 {asset_id}：类别“{category}”不是固定资产六大类之一"
                                            f"（{' / '.join(CATEGORIES)}）", txn)
        else:
            if posting.account != expected and not posting.account.startswith(expected + ":"):
                self.report(source, "AS03", f"资产卡片 {asset_id}：类别“{category}”应记入 {expected}，"
                                            f"实际记入 {posting.account}", txn)
            if table is not None and subcategory and subcategory not in table:
                self.report(source, "AS03", f"资产卡片 {asset_id}：子类“{subcategory}”不在{category}的"
                                            f"折旧年限表中（中小学校补充规定附表2、财会〔2017〕4号）；可用："
                                            + "、".join(table), txn)
            elif table is None and subcategory:
                self.report(source, "AS03", f"资产卡片 {asset_id}：{category} 不分子类，"
                                            f"不要写 subcategory“{subcategory}”", txn)

        life = None
        if life_value is not None:
            life = _positive_int(life_value)
            if life is None:
                self.report(source, "AS04", f"资产卡片 {asset_id}：使用年限 life 应为正整数（年），"
                                            f"实际为 {life_value!r}", txn)
            elif minimum is not None:
                self.check_life(source, asset_id, category, subcategory, life, txn)

        cost = fen(posting.units.number)
        count = quantity or 1
        rule_day = acquired or txn.date
        if nominal is not None:
            nominal = self._check_nominal(source, asset_id, nominal, cost, kind, txn)
        if expected is not None and not nominal:
            special = category == SPECIAL_EQUIPMENT
            key = "asset-threshold-special" if special else "asset-threshold"
            thresholds = self._thresholds.get(rule_day)
            if thresholds is None:
                thresholds = self._thresholds[rule_day] = (
                    self.setting_fen("asset-threshold", rule_day),
                    self.setting_fen("asset-threshold-special", rule_day))
            if cost < thresholds[special] * count and not (
                    category in BATCH_CATEGORIES and count >= 2 and cost >= thresholds[0]):
                threshold = self.setting(key, rule_day).number
                unit = from_fen(cost) / count
                label = "专用设备" if category == SPECIAL_EQUIPMENT else "固定资产"
                self.report(source, "AS02", f"资产卡片 {asset_id}：单位价值 {unit.quantize(CENT)} 元低于"
                                            f"{label}标准 {threshold} 元（{rule_day} 有效），应记 1302 库存物品"
                                            "或直接计入费用（低值易耗品）"
                                            + ("；以名义金额（人民币 1 元）入账的受赠、调入、盘盈资产写 "
                                               "nominal: TRUE" if cost == NOMINAL_FEN else ""), txn)

        if asset_id in self.cards:
            first = self.cards[asset_id]
            self.report(source, "AS05", f"资产编号 {asset_id} 重复：已用于 {first.date} "
                                        f"{first.source.get('filename')}:{first.source.get('lineno')}"
                                        "（一物一卡，每张卡片一个编号）", txn)
            return None
        first = self._first.get((txn.date, kind))
        if first is None:
            first = self.first_month(txn.date, kind)
        card = Card(
            asset_id, category, subcategory, count, life, cost, txn.date, acquired or txn.date,
            kind, status, fen(prior) if prior is not None else 0, prior_months or 0,
            txn, posting, meta,
            # a card that cannot be depreciated for lack of data gets no schedule (reported
            # above); one at a nominal amount never is (准则第3号 第十七条)
            depreciable and life is not None and not nominal, first, nominal=bool(nominal))
        self.cards[asset_id] = card
        return card

    def _check_prior(self, txn: data.Transaction, cards: list[Card]) -> None:
        """Depreciation taken before the books: within the cost and life, and credited to 1602."""
        expected: dict[str, int] = {}
        for card in cards:
            if card.prior > card.cost:
                self.report(card.source, "AS08", f"资产卡片 {card.asset_id}：已提折旧 {from_fen(card.prior)} 元"
                                                 f"超过原值 {from_fen(card.cost)} 元", txn)
            if card.life is not None and card.prior_months > card.life * 12:
                self.report(card.source, "AS08", f"资产卡片 {card.asset_id}：已提月数 {card.prior_months} "
                                                 f"超过使用年限 {card.life} 年（{card.life * 12} 个月）", txn)
            elif (card.life is not None and card.prior_months == card.life * 12
                  and card.prior < card.cost):
                self.report(card.source, "AS08", f"资产卡片 {card.asset_id}：已提满 {card.prior_months} 个月，"
                                                 f"已提折旧 {from_fen(card.prior)} 元应等于原值 {from_fen(card.cost)} 元", txn)
            if (card.prior or card.prior_months) and not is_depreciated(card.category,
                                                                        card.subcategory):
                self.report(card.source, "AS08", f"资产卡片 {card.asset_id}：{card.category}"
                                                 f"{card.subcategory or ''}不计提折旧，不应有已提折旧", txn)
            if card.prior and is_depreciated(card.category, card.subcategory):
                account = chart.depreciation_account(card.category)
                expected[account] = expected.get(account, 0) + card.prior
        booked: dict[str, int] = {}
        for posting in txn.postings:
            if posting.account.startswith(DEPRECIATION) and posting.units.number is not None \
                    and posting.units.number < 0:
                booked[posting.account] = booked.get(posting.account, 0) - fen(posting.units.number)
        for account in sorted(set(expected) | set(booked)):
            if expected.get(account, 0) != booked.get(account, 0):
                self.report(txn.meta, "AS08", f"卡片已提折旧合计 {from_fen(expected.get(account, 0))} 元，"
                                              f"本笔贷记 {account} {from_fen(booked.get(account, 0))} 元，两者应相等", txn)

    # -- schedules ------------------------------------------------------------------------
    def first_month(self, day: dt.date, kind: str) -> int:
        """The first month of depreciation of a card entered on `day`."""
        first = self._first.get((day, kind))
        if first is None:
            if kind == OPENING:  # the months already taken count through the opening
                first = month_index(day) + 1
            else:
                same = self.setting("depreciation-start", day) == "same-month"
                first = month_index(day) if same else month_index(day) + 1
            self._first[(day, kind)] = first
        return first

    def stop_month(self, day: dt.date) -> int:
        """The last month depreciated for a card disposed of on `day`."""
        same = self.setting("depreciation-start", day) == "same-month"
        return month_index(day) - 1 if same else month_index(day)
