"""The one-pass entry index (`xiaozhang.model.index`): masks, roles, selections, day runs."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from beancount import loader
from beancount.core import data

from xiaozhang.model.books import SchoolBooks
from xiaozhang.model.index import (BOTH, CREDIT, DEBIT, EntryIndex, Marked, directives_first)

LEDGER = textwrap.dedent("""\
    option "operating_currency" "CNY"
    2015-01-01 open Assets:1001库存现金 CNY
    2015-01-01 open Assets:1002银行存款:100201基本户 CNY
    2015-01-01 open Assets:1002银行存款:100202食堂结算户 CNY
      canteen: TRUE
    2015-01-01 open Assets:1002银行存款:100202食堂结算户:子户 CNY
    2015-01-01 open Assets:1002银行存款:100203代收费专户 CNY
      collection: TRUE
    2015-01-01 open Liabilities:2307其他应付款:230701代收费:01作业本费 CNY
    2015-01-01 open Income:4101事业收入:410103课后服务费收入 CNY
    2015-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 CNY
    2015-01-01 open Equity:3001累计盈余 CNY

    2025-09-01 custom "budget" Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 "yearly" 100.00 CNY

    2025-09-01 * "代收作业本费"
      Assets:1002银行存款:100203代收费专户       12.00 CNY
      Liabilities:2307其他应付款:230701代收费:01作业本费

    2025-09-01 * "收课后服务费"
      item: "课后服务费"
      Assets:1002银行存款:100201基本户       300.00 CNY
      Income:4101事业收入:410103课后服务费收入

    2025-09-02 ! "购办公用品"
      Expenses:5001业务活动费用:500102商品和服务费用:30201办公费   50.00 CNY
        project: "图书角"
      Assets:1001库存现金

    2025-09-02 * "食堂结算户划转"
      Assets:1002银行存款:100202食堂结算户:子户    0.00 CNY
      Assets:1002银行存款:100201基本户             0.00 CNY

    2025-09-05 * "期初"
      Assets:1001库存现金      10.00 CNY
      Assets:1002银行存款:100201基本户   5.00 CNY
      Equity:3001累计盈余
    """)


@pytest.fixture(scope="module")
def loaded():
    entries, errors, options = loader.load_string(LEDGER)  # no plugins
    assert [e.message for e in errors] == []
    return entries, options


def narrations(txns):
    return [t.narration for t in txns]


def test_the_index_holds_the_transactions_opens_customs_in_order(loaded):
    entries, _ = loaded
    index = EntryIndex(entries)
    assert index.transactions == [e for e in entries if isinstance(e, data.Transaction)]
    assert [o.account for o in index.opens] == [e.account for e in entries if isinstance(e, data.Open)]
    assert [c.values[0].value for c in index.customs("budget")] == [
        "Expenses:5001业务活动费用:500102商品和服务费用:30201办公费"]
    assert index.customs("project") == []
    assert index.all_customs == [e for e in entries if isinstance(e, data.Custom)]
    assert index.days == [dt.date(2025, 9, 1), dt.date(2025, 9, 2), dt.date(2025, 9, 5)]
    assert index.day_starts == [0, 2, 4]


def test_touching_a_role_on_either_side_or_one_side(loaded):
    entries, _ = loaded
    index = EntryIndex(entries)
    assert narrations(index.touching("agency")) == ["代收作业本费"]
    assert narrations(index.touching("cash")) == ["购办公用品", "期初"]
    assert narrations(index.touching("cash", side=DEBIT)) == ["期初"]
    assert narrations(index.touching("cash", side=CREDIT)) == ["购办公用品"]
    assert narrations(index.touching("income", "agency")) == ["代收作业本费", "收课后服务费"]
    assert narrations(index.touching("treasury")) == []  # no such account posted: nothing
    # a zero posting counts on the credit side (a mask is a superset; rules keep their test)
    assert narrations(index.touching("money", side=CREDIT)) == ["购办公用品", "食堂结算户划转"]


def test_marked_roles_come_from_the_open_meta_and_include_sub_accounts(loaded):
    entries, _ = loaded
    index = EntryIndex(entries)
    assert index.marked("canteen") == ["Assets:1002银行存款:100202食堂结算户"]
    assert narrations(index.touching("canteen")) == ["食堂结算户划转"]  # posted to its 子户
    assert narrations(index.touching(Marked("collection"))) == ["代收作业本费"]


def test_where_combines_masks_and_flags_and_the_project_key(loaded):
    entries, _ = loaded
    index = EntryIndex(entries)
    paid = index.where(index.mask("expenses", DEBIT), index.mask("payment-source", CREDIT))
    assert narrations(index.take(paid)) == ["购办公用品"]
    assert narrations(index.take(index.where(index.flag("!")))) == ["购办公用品"]
    assert index.where(index.flag("P")) == []
    assert narrations(index.take(index.where(index.meta("project")))) == ["购办公用品"]
    office = index.mask_of(lambda account: account.endswith("办公费"), BOTH)
    assert narrations(index.take(index.where(office))) == ["购办公用品"]
    with pytest.raises(KeyError):
        index.meta("item")


def test_day_boundaries_are_those_of_the_whole_list(loaded):
    entries, _ = loaded
    index = EntryIndex(entries)
    walked = list(index.day_boundaries([1]))  # only the second transaction of 09-01
    assert walked == [(1, None),
                      (-1, (dt.date(2025, 9, 1), dt.date(2025, 9, 2))),
                      (-1, (dt.date(2025, 9, 2), dt.date(2025, 9, 5))),
                      (-1, (dt.date(2025, 9, 5), None))]
    assert list(index.day_boundaries([4]))[:2] == [
        (-1, (dt.date(2025, 9, 1), dt.date(2025, 9, 2))),
        (-1, (dt.date(2025, 9, 2), dt.date(2025, 9, 5)))]


def test_directives_first_puts_a_days_directives_before_its_transactions(loaded):
    entries, _ = loaded
    index = EntryIndex(entries)
    merged = list(directives_first(index.customs("budget"), index.transactions[:3]))
    assert isinstance(merged[0], data.Custom) and merged[1:] == index.transactions[:3]
    late = list(directives_first(index.customs("budget"), []))
    assert late == index.customs("budget")


def test_the_books_share_one_index_and_one_transactions_list(loaded):
    entries, options = loaded
    entries = list(entries)
    books = SchoolBooks.of(entries, options)
    assert books.index is SchoolBooks.of(entries).index
    assert books.transactions is books.index.transactions
    assert narrations(books.touching("agency")) == ["代收作业本费"]
