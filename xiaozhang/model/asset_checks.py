"""The asset register's checks of changes to cards (a mixin of `AssetRegister`, which see).

  - the life table: 补充规定附表2, else 财会〔2017〕4号, the ranges' upper ends (AS04)
  - nominal-amount cards (名义金额, AS12) and the start of depreciation (AS13)
  - additions to a card (改扩建, 准则第3号 第二十二条, AS14)
  - the use of each month of a card's depreciation (5001 / 5101, `xiaozhang.model.uses`)
  - disposals (AS07) and internal transfers (AS09)

The methods use the register's `cards`, `policy`, `report`, `setting` and `first_month`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from beancount.core import data

from xiaozhang import chart
from xiaozhang.model import uses
from xiaozhang.model.asset_cards import (
    DEPRECIATION,
    DISPOSALS,
    PURCHASE,
    STATUSES,
    TRANSFER_KEYS,
    Addition,
    Card,
    Disposal,
    Transfer,
    life_rule,
    text,
)
from xiaozhang.model.money import fen, from_fen
from xiaozhang.model.periods import month_end, month_index, month_of_index

# 名义金额 (人民币 1 元, 制度 1601 四（四）1): only what comes in without a cost — a donation, a
# free transfer, a count surplus — may be entered at it.
NOMINAL_FEN = 100
NOMINAL_SOURCES = ("接受捐赠", "无偿调入", "盘盈")


def _value(key: str, posting: data.Posting, txn: data.Transaction) -> Any:
    if posting.meta and key in posting.meta:
        return posting.meta[key]
    return txn.meta.get(key)


def _positive_int(value: Any) -> int | None:
    if type(value) is Decimal or type(value) is int:
        whole = int(value)
        if whole > 0 and whole == value:
            return whole
    return None


class CardChecks:
    """What `AssetRegister` checks beyond reading a card (see the module docstring)."""

    def _check_start(self) -> None:
        """当月增加当月计提 (应用指南) is the rule; "next-month" is an exception that must name
        its basis (`basis` on the directive: an error without, a warning with)."""
        origins = self.policy.origins.get("depreciation-start") or {}
        for day, entry in sorted(origins.items()):
            if self.policy.get("depreciation-start", day) != "next-month":
                continue
            basis = text(entry.meta.get("basis"))
            if basis:
                self.report(entry.meta, "AS13", f"自 {day} 起固定资产次月起计提折旧（依据：{basis}）："
                                                "与《政府会计准则第3号——固定资产》应用指南“当月增加的固定资产，"
                                                "当月开始计提折旧”不同，作为例外执行", entry, warning=True)
            else:
                self.report(entry.meta, "AS13", "depreciation-start \"next-month\"（次月起计提折旧）不符合"
                                                "应用指南“当月增加的固定资产，当月开始计提折旧”；确需例外的，"
                                                "在这条指令下写依据 basis（如主管部门文号）", entry)

    def check_life(self, source, asset_id: str, category: str, subcategory: str, life: int,
                   entry, revised: bool = False) -> bool:
        """The life of a card (or the revised life of an addition) against the life table:
        below 附表2 (or below the general table where 附表2 has no line) or above the upper end
        of a range is an error; a card's life above 附表2 within the general table, a warning
        (a life revised after 改扩建 may differ: 准则第3号 第二十二条)."""
        rule = life_rule(category, subcategory)
        if rule is None:
            return True
        basis = ("中小学校补充规定附表2" if rule.school is not None
                 else "财会〔2017〕4号政府固定资产折旧年限表")
        if life < rule.floor:
            self.report(source, "AS04", f"资产卡片 {asset_id}：{subcategory}使用年限 {life} 年，低于"
                                        f"{basis}规定的 {rule.floor} 年", entry)
            return False
        if rule.maximum is not None and life > rule.maximum:
            self.report(source, "AS04", f"资产卡片 {asset_id}：{subcategory}使用年限 {life} 年，超过"
                                        f"财会〔2017〕4号规定的 {rule.minimum}—{rule.maximum} 年", entry)
            return False
        if rule.school is not None and life != rule.school and not revised:
            self.report(source, "AS04", f"资产卡片 {asset_id}：{subcategory}使用年限 {life} 年，与中小学校"
                                        f"补充规定附表2 的 {rule.school} 年不一致（通常情况下应按附表2；"
                                        "确有依据的请在卡片备注）", entry, warning=True)
        return True

    def _check_nominal(self, source, asset_id: str, nominal: Any, cost: int, kind: str,
                       txn) -> bool:
        """A card at a nominal amount (名义金额): `nominal: TRUE`, 1.00 CNY, and come in
        without a cost (接受捐赠, 无偿调入, 盘盈). True: the card is taken as nominal."""
        if nominal is not True:  # meant as nominal all the same: one problem, not two
            self.report(source, "AS12", f"资产卡片 {asset_id}：以名义金额计量写 nominal: TRUE，"
                                        f"实际为 {nominal!r}", txn)
            return True
        problems = []
        if cost != NOMINAL_FEN:
            problems.append(f"名义金额为人民币 1 元，卡片原值为 {from_fen(cost)} 元")
        if kind not in NOMINAL_SOURCES:
            problems.append(f"只有{'、'.join(NOMINAL_SOURCES)}且无法确定成本的资产才能以名义金额入账，"
                            f"本卡片的取得方式是{kind}")
        if problems:
            self.report(source, "AS12", f"资产卡片 {asset_id}：" + "；".join(problems), txn)
        return True

    def _addition(self, txn: data.Transaction, posting: data.Posting, meta: dict, asset_id: str,
                  kind: str, life_value: Any) -> None:
        """An addition to an existing card (改扩建, 准则第3号 第二十二条): the cost joins the
        card and its schedule is worked out again from the month of the addition."""
        own = posting.meta
        source = own if own and ("asset_id" in own or "addition" in own) else txn.meta
        card = self.cards.get(asset_id)
        where = f"{asset_id} 的{kind or '追加'}"
        if not kind:
            self.report(source, "AS14", f"{where}：addition 应写后续支出的类别（如 改扩建、加装）", txn)
            return
        if card is None:
            self.report(source, "AS14", f"{where}：资产编号没有资产卡片（改扩建记在已有卡片上，"
                                        "卡片须先入账）", txn)
            return
        if posting.account != card.account:
            self.report(source, "AS14", f"{where}：应记入卡片的科目 {card.account}，"
                                        f"实际记入 {posting.account}", txn)
            return
        if card.nominal:
            self.report(source, "AS14", f"{where}：以名义金额计量的资产不能追加成本", txn)
            return
        previous = card.additions[-1].life if card.additions else card.life
        life = previous
        if life_value is not None:
            life = _positive_int(life_value)
            if life is None:
                self.report(source, "AS04", f"{where}：重新确定的使用年限 life 应为正整数（年），"
                                            f"实际为 {life_value!r}", txn)
                return
            if card.depreciates and not self.check_life(source, asset_id, card.category,
                                                        card.subcategory, life, txn, revised=True):
                return
        first = self.first_month(txn.date, PURCHASE)
        addition = Addition(txn.date, fen(posting.units.number), kind, life or 0, first, txn,
                            posting, source)
        if card.depreciates:
            left = card.months_left(addition)
            if left <= 0:
                used = card.prior_months + max(0, first - card.first)
                self.report(source, "AS14", f"{where}：卡片已使用 {used} 个月，使用年限 {life} 年已满，"
                                            "改扩建后须写重新确定的使用年限 life（从卡片开始计提折旧的月份算起，"
                                            "大于已使用的年数）", txn)
                return
        card.additions = (*card.additions, addition)
        card.computed = None

    # -- uses (5001 / 5101) ----------------------------------------------------------------
    def _depts(self, day: dt.date) -> frozenset[str]:
        key = ("admin-depts:set", day)
        if key not in self._policy_values:
            self._policy_values[key] = uses.admin_depts(self.policy, day)
        return self._policy_values[key]

    def uses(self, card: Card) -> list[tuple[int, str]]:
        """[(first month, use)] of a card's depreciation from its first month: 单位管理 or
        业务活动 (`xiaozhang.model.uses`) by its 使用部门 at each month's end (transfers
        included) and the 行政及后勤 departments of the policy `admin-depts` then."""
        changes = [t for t in card.transfers if "dept" in t.changes]
        policy_dates = self.policy.values.get("admin-depts") or ()
        if not changes and not policy_dates:
            return [(card.first, uses.use_of(card.dept, self._depts(card.date)))]
        points = {card.first}
        points.update(month_index(t.date) for t in changes)
        points.update(month_index(day) for day, _value in policy_dates)
        result: list[tuple[int, str]] = []
        for month in sorted(p for p in points if p >= card.first):
            day = month_end(month_of_index(month))
            use = uses.use_of(card.state_on(day)["dept"], self._depts(day))
            if not result or result[-1][1] != use:
                result.append((month, use))
        return result

    # -- disposals ------------------------------------------------------------------------
    def _dispose(self, txn: data.Transaction, postings: list[data.Posting]) -> None:
        for posting in postings:
            asset_id = text(_value("asset_id", posting, txn))
            source = posting.meta if posting.meta and "asset_id" in posting.meta else txn.meta
            card = self.cards.get(asset_id)
            if card is None:
                self.report(source, "AS07", f"处置的资产编号 {asset_id} 没有资产卡片", txn)
                continue
            if card.disposal is not None:
                self.report(source, "AS07", f"资产 {asset_id} 已于 {card.disposal.date} 处置，不能再次处置",
                            txn)
                continue
            if txn.date < card.date:
                self.report(source, "AS07", f"资产 {asset_id} 的处置日期 {txn.date} 早于入账日期 {card.date}",
                            txn)
                continue
            kind = text(_value("disposal", posting, txn))
            if kind not in DISPOSALS:
                self.report(source, "AS07", f"资产 {asset_id}：处置方式 disposal 应为 "
                                            f"{' / '.join(DISPOSALS)}，实际为“{kind}”", txn)
                continue
            late = [a for a in card.additions if a.date > txn.date]
            if late:
                self.report(source, "AS07", f"资产 {asset_id} 于 {txn.date} 处置，之后不能再有"
                                            f"{late[0].kind}（{late[0].date}）", txn)
                continue
            cost = card.cost_on(txn.date)
            if fen(-posting.units.number) != cost or posting.account != card.account:
                self.report(source, "AS07", f"资产 {asset_id} 整张卡片处置：应贷记 {card.account} 原值 "
                                            f"{from_fen(cost)} 元，实际贷记 {posting.account} "
                                            f"{-posting.units.number} 元", txn)
                continue
            card.disposal = Disposal(txn.date, kind, txn, source)
            card.stop = self.stop_month(txn.date)
            card.computed = None

    def _check_disposal_amounts(self, txn: data.Transaction, postings: list[data.Posting]) -> None:
        cards = []
        for posting in postings:
            card = self.cards.get(text(_value("asset_id", posting, txn)))
            if card is not None and card.disposal is not None and card.disposal.entry is txn:
                cards.append(card)
        if not cards:
            return
        depreciation: dict[str, int] = {}
        book_value: dict[str, int] = {}
        for card in cards:
            taken = card.schedule.through(card.schedule.stop) if card.schedule else 0
            if card.schedule is not None:
                account = chart.depreciation_account(card.category)
                depreciation[account] = depreciation.get(account, 0) + taken
            target = DISPOSALS[card.disposal.kind][0]
            book_value[target] = book_value.get(target, 0) + card.total_cost - taken
        debited: dict[str, int] = {}
        for posting in txn.postings:
            number = posting.units.number
            if number is None or number <= 0:
                continue
            for prefix in (DEPRECIATION, *{t for t, _ in DISPOSALS.values()}):
                if posting.account.startswith(prefix):
                    key = posting.account if prefix == DEPRECIATION else prefix
                    debited[key] = debited.get(key, 0) + fen(number)
        ids = "、".join(c.asset_id for c in cards)
        for account in sorted(set(depreciation) | {k for k in debited if k.startswith(DEPRECIATION)}):
            if depreciation.get(account, 0) != debited.get(account, 0):
                self.report(txn.meta, "AS07", f"处置 {ids}：应借记 {account} 累计折旧 "
                                              f"{from_fen(depreciation.get(account, 0))} 元（截至处置时），"
                                              f"实际 {from_fen(debited.get(account, 0))} 元", txn)
        labels = {target: label for target, label in DISPOSALS.values()}
        for target, value in sorted(book_value.items()):
            if value != debited.get(target, 0):
                self.report(txn.meta, "AS07", f"处置 {ids}：净值 {from_fen(value)} 元应借记 {labels[target]}，"
                                              f"实际 {from_fen(debited.get(target, 0))} 元"
                                              "（处置费用另记一笔）", txn)
        if any(p.account.startswith("Income:") for p in txn.postings):
            self.report(txn.meta, "AS07", f"处置 {ids}：处置收入应记入 2103 应缴财政款（上缴财政），"
                                          "不得记入收入科目", txn)
        if txn.flag == "*" and not txn.meta.get("approver"):
            self.report(txn.meta, "AS07", f"处置 {ids} 缺少审批人 approver（资产处置须经审批）", txn)

    # -- transfers ------------------------------------------------------------------------
    def _transfer(self, entry: data.Custom) -> None:
        values = [v.value for v in entry.values]
        if len(values) != 1 or not isinstance(values[0], str):
            self.report(entry.meta, "AS09", "内部转移 custom \"asset-transfer\" 后面只写一个资产编号", entry)
            return
        card = self.cards.get(values[0])
        if card is None:
            self.report(entry.meta, "AS09", f"内部转移的资产编号 {values[0]} 没有资产卡片", entry)
            return
        if entry.date < card.date:
            self.report(entry.meta, "AS09", f"资产 {card.asset_id} 于 {card.date} 入账，"
                                            f"不能在 {entry.date} 转移", entry)
            return
        if card.disposal is not None and entry.date >= card.disposal.date:
            self.report(entry.meta, "AS09", f"资产 {card.asset_id} 已于 {card.disposal.date} 处置，"
                                            "不能再转移", entry)
            return
        changes = {key: text(entry.meta[key]) for key, _label in TRANSFER_KEYS
                   if text(entry.meta.get(key))}
        if not changes:
            self.report(entry.meta, "AS09", f"资产 {card.asset_id} 的内部转移没有写变动项（"
                        + "、".join(f"{label} {key}" for key, label in TRANSFER_KEYS) + "）", entry)
            return
        if changes.get("status", "在用") not in STATUSES:
            self.report(entry.meta, "AS09", f"资产 {card.asset_id}：状态 status 应为 "
                                            f"{' / '.join(STATUSES)}，实际为“{changes['status']}”", entry)
            return
        card.transfers = (*card.transfers, Transfer(entry.date, changes, entry))
