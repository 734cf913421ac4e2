"""平行记账：由财务会计分录按规则生成预算会计分录，并每月核对资金结存。

做什么
    对纳入部门预算管理的现金收支，按 policy.beancount 中的平行记账规则表（`custom "budget-rule"`）
    生成预算会计分录（预算收入 6xxx、预算支出 7xxx、资金结存 8001），与财务会计分录并列：
    生成的分录与原分录同日、同摘要，带同一个链接 `^YS-日期-序号`（在 Fava 中点链接即可同时看到
    两笔），带隐藏键 `__xiaozhang__: "budget"`。预算会计科目放在 `Equity:` 下（`Equity:6001…`、
    `Equity:7201…`、`Equity:8001…`），自成平衡，不影响资产负债表和收入费用表。
    同一天、同一摘要、同一收付款人、同样预算会计科目和明细的几笔原分录合并为一笔预算会计分录
    （摘要后注“N 笔合并”，元数据 sources 为笔数），这些原分录共用一个链接。

依据
    《政府会计制度——行政事业单位会计科目和报表》总说明 五：“单位对于纳入部门预算管理的现金收支
    业务，在采用财务会计核算的同时应当进行预算会计核算；对于其他业务，仅需进行财务会计核算。”
    8001 资金结存：“本科目核算单位纳入部门预算管理的资金的流入、流出、调整和滚存等情况”，
    明细科目“零余额账户用款额度”“货币资金”“财政应返还额度”。

规则表（写在 policy.beancount，按日期生效，见 docs/budget-accounting.md）
    2019-01-01 custom "budget-rule" "Assets:1011零余额账户用款额度" "Equity:8001资金结存:800101零余额账户用款额度"
    2019-01-01 custom "budget-rule" "Income:4001财政拨款收入" "Equity:6001财政拨款预算收入"
    2019-01-01 custom "budget-rule" "Expenses:5001业务活动费用" "Equity:7201事业支出"
    2019-01-01 custom "budget-rule" "Liabilities:2103应缴财政款" "代管"
    2019-01-01 custom "budget-rule" "Equity:3001累计盈余" "不记"
    第一个取值是财务会计科目（含下级科目，最长的匹配优先），第二个是预算会计科目或关键字：
    “代管”（应缴财政款、代收费等代管款项）、“在途”（缴费待到账、划转在途、暂付款）——收付时不记
    预算会计，资金结存核对时计入货币资金一方；“不记”——整笔分录不记预算会计（期初建账）。
    可选 `side: "借"` / `"贷"` 只对借方 / 贷方适用。7201 事业支出按资金来源自动分为
    720101 财政拨款支出 / 720102 非财政专项资金支出 / 720103 其他资金支出，6001 分为
    600101 基本支出 / 600102 项目支出；功能分类、经济分类、基本/项目、人员经费/日常公用经费
    写在生成分录的元数据（func、econ、kind、budget_class、budget_project、fund）上。

手工预算分录（规则表不能决定时）
    在同一笔交易里直接写预算会计分录（单凭证），本插件就不再为它生成：
        2026-03-05 * "退回多付的维修费（以前年度支出收回）"
          Assets:1002银行存款:100201基本户                        800.00 CNY
          Income:4609其他收入                                     -800.00 CNY
          Equity:8001资金结存:800102货币资金                      800.00 CNY
          Equity:8202非财政拨款结余:820201年初余额调整            -800.00 CNY
    其中预算会计分录须自身借贷平衡。期初余额（衔接规定 三）也这样写：一笔只有预算会计科目的交易，
    借 8001 各明细、贷 8101/8102/8201/8202 等。

资金结存核对（每月末）
    8001 三个明细的余额分别等于：零余额账户用款额度 ↔ 1011；财政应返还额度 ↔ 1201；
    货币资金 ↔ 库存现金 + 银行存款 + 其他货币资金 − 代管款项 + 在途款项（规则表中指向 800102 的科目）。

错误代码
    [YS01] 现金收支无法归类：分录动用了平行记账科目，但有一条分录的科目在规则表中没有对应行
           （消息给出要添加的规则行）；该笔不生成预算会计分录。
    [YS02] 资金结存与货币资金不符：某月末 8001 明细与对应财务科目余额不等（报告第一次不符的月末、
           差额和差额出现的那一天的分录）。
    [YS03] 手工预算会计分录不平衡。
    [YS04] 平行记账规则行格式不对。

例
    通过：授权支付额度到账 借 1011 / 贷 4001 → 生成 借 8001 零余额账户用款额度 / 贷 6001 基本支出。
    不通过：规则表没有 `Income:4603捐赠收入` 一行时，收到捐款 借 1002 / 贷 4603 → [YS01]。
"""

from __future__ import annotations

from decimal import Decimal
from itertools import compress, repeat
from operator import add, itemgetter
from typing import Any, NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang.model.books import GENERATED, SchoolBooks
from xiaozhang.model.budget import GENERATED_BY, budget_of
from xiaozhang.model.collector import paused_collector
from xiaozhang.model.generated import BUDGET_LINK_PREFIX
from xiaozhang.model.money import format_money

__plugins__ = ("generate_budget_entries",)

Transaction, Posting, EMPTY = data.Transaction, data.Posting, data.EMPTY_SET
# a Transaction's fields before its links (meta … tags), its links, its postings
_HEAD, _LINKS, _POSTINGS = itemgetter(slice(0, 6)), itemgetter(6), itemgetter(7)


class BudgetError(NamedTuple):
    source: dict
    message: str
    entry: Any


def generate_budget_entries(entries, options_map, config=None):
    """Append the budget entries, link them with their sources, check 资金结存 (docstring)."""
    with paused_collector():
        books = SchoolBooks.of(entries, options_map)
        book = budget_of(books)
        errors = problems(book)
        if not book.merged:  # (`book.derived` would build every derived entry)
            return entries, errors
        # one budget entry per group of sources of one day with the same payee, narration
        # and budget lines (`BudgetBook.merged`, e.g. a day's after-school fee receipts): 合并
        # like the vendors' 预算分录合并选项 "摘要不同不允许合并"; every source carries the
        # group's link.  The sources must carry the link too (Fava finds linked entries by the
        # entries' own links: the link is visible both ways only so): a copy of each with its
        # links replaces it (by its id, in one C-level pass; tuple.__new__ skips the
        # Python-level __new__; the source itself is never mutated).
        new = []
        counters: dict = {}
        metas: dict = {}
        copies: dict[int, data.Transaction] = {}  # id(source) -> its copy with the group's link
        build = tuple.__new__
        for key, group in book.merged.items():
            date, sources = key[0], group[0]
            count = counters[date] = counters.get(date, 0) + 1
            alone = frozenset((_link(date, count),))
            if len(sources) > 1:  # a group at once, in C-level passes (its sources are close)
                copies.update(zip(map(id, sources), map(build, repeat(Transaction), map(
                    add, map(_HEAD, sources), zip(repeat(alone), map(_POSTINGS, sources))))))
                linked = list(compress(sources, map(_LINKS, sources)))
            else:
                linked = sources
            for e in linked:  # alone: shared by the sources without links of their own
                copies[id(e)] = build(Transaction, (e.meta, e.date, e.flag, e.payee, e.narration,
                                                    e.tags, e.links | alone if e.links else alone,
                                                    e.postings))
            new.append(_entry(sources, book.merged_lines(key, group), alone, metas))
        out = list(map(copies.get, map(id, entries), entries))
        out += new
        share_parts(books, out, options_map)
    return out, errors


def _link(date, count: int) -> str:
    """`YS-20260305-0001`: the link of the `count`-th budget entry of a day (the date's digits
    without strftime, slow; a year before 1000 as strftime writes it)."""
    if date.year >= 1000:
        return f"{BUDGET_LINK_PREFIX}{date.year}{date.month:02d}{date.day:02d}-{count:04d}"
    return f"{BUDGET_LINK_PREFIX}{date:%Y%m%d}-{count:04d}"


def _entry(sources: list, lines: list, links: frozenset, metas: dict) -> data.Transaction:
    """The budget entry of one source, or of a group of alike sources (`lines`: their budget
    lines, amounts summed: `BudgetBook.merged_lines`).  (Amount, Posting and Transaction by
    tuple.__new__: their fields are known to be right.)"""
    source = sources[0]
    meta = {"filename": source.meta.get("filename"), "lineno": source.meta.get("lineno"),
            GENERATED: GENERATED_BY}
    narration = source.narration
    if len(sources) > 1:
        meta["sources"] = Decimal(len(sources))
        narration = f"{narration}（{len(sources)} 笔合并）"
    build = tuple.__new__
    postings = []
    for line in lines:
        posting_meta = metas.get(line.meta, False)
        if posting_meta is False:  # one dict per distinct set of dimensions, shared
            posting_meta = metas[line.meta] = {k: v for k, v in line.meta if v} or None
        units = line.units  # (not `or`: Amount has a Python-level __bool__)
        if units is None:
            units = build(Amount, (line.number, line.currency))
        postings.append(build(Posting, (line.account, units, None, None, None, posting_meta)))
    return build(Transaction, (meta, source.date, "*", source.payee, narration, EMPTY, links,
                               postings))


def share_parts(books: SchoolBooks, entries: list, options_map) -> None:
    """The model parts computed for the rules' entries serve the list returned here: the
    sources carry a new link (copies), so the memo's identity test (`SchoolBooks.twin`) would
    not see the two lists as the same written entries; the parts depend on the entries' content,
    which the links do not change."""
    parts = {}
    for known in (books.twin, books):
        if known is not None:
            parts.update(known.__dict__.get("_parts", {}))
    if parts:
        SchoolBooks.of(entries, options_map).__dict__.setdefault("_parts", {}).update(parts)


def problems(book) -> list[BudgetError]:
    errors = []
    for problem in book.rule_problems:
        errors.append(BudgetError(problem.entry.meta, f"[YS04] 平行记账规则行格式不对：{problem.message}",
                                  problem.entry))
    for item in book.unclassified:
        accounts = "、".join(sorted({p.account for p in item.postings}))
        first = item.postings[0].account
        errors.append(BudgetError(item.txn.meta, (
            f"[YS01] 现金收支无法归类：科目 {accounts} 在平行记账规则表中没有对应行，未生成预算会计"
            f"分录；请在 policy.beancount 中添加一行，如 2019-01-01 custom \"budget-rule\" "
            f"\"{first}\" \"{_suggest(first)}\"（预算会计科目，或 \"代管\"/\"在途\"/\"不记\"），"
            "或在本分录中手工写预算会计分录"), item.txn))
    for item in book.unbalanced:
        errors.append(BudgetError(item.txn.meta, (
            f"[YS03] 手工预算会计分录不平衡：预算会计科目合计 {format_money(item.residual)}，"
            "应为零（借贷相等）"), item.txn))
    for item in book.breaks:
        where = item.txn.meta if item.txn is not None else {"filename": "<budget>", "lineno": 0}
        name = item.sub.split(":")[-1][6:]
        errors.append(BudgetError(where, (
            f"[YS02] 资金结存与货币资金不符：{item.month_end} 月末 资金结存——{name} "
            f"{format_money(item.budget)}，对应财务科目 {format_money(item.financial)}，"
            f"差额 {format_money(item.financial - item.budget)}，自 {item.first_day} 起不符"
            "（检查这一天的分录：期初余额、手工预算会计分录、“不记”的分录）"), item.txn))
    return errors


def _suggest(account: str) -> str:
    root = account.split(":")[0]
    return {"Income": "Equity:6609其他预算收入", "Expenses": "Equity:7201事业支出",
            "Assets": "Equity:7201事业支出", "Liabilities": "代管"}.get(root, "不记")
