"""The classification dimensions (xiaozhang/model/dimensions.py): one definition each."""

import datetime as dt
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang import chart
from xiaozhang.model import dimensions as dim
from xiaozhang.model.policy import Policy


def _posting(account, number, meta=None):
    return data.Posting(account, Amount(Decimal(number), "CNY"), None, None, None, meta)


def _txn(postings, **meta):
    return data.Transaction({"filename": "t", "lineno": 1, **meta}, dt.date(2026, 3, 1), "*",
                            None, "x", frozenset(), frozenset(), postings)


def test_economic_code_from_the_account_name_and_the_mapped_accounts():
    assert dim.economic_code(chart.goods_services("30201")) == "30201"
    assert dim.economic_code(chart.salaries("30107")) == "30107"
    assert dim.economic_code("Liabilities:2201应付职工薪酬:220105住房公积金") == "30113"
    assert dim.economic_code(chart.fixed_asset_account("专用设备")) == "31003"
    assert dim.economic_code(chart.DEPRECIATION_EXPENSE) is None
    assert dim.economic_code(chart.BANK_BASIC) is None
    assert dim.economic_code("Equity:3101专用基金:310101其他") is None  # 6 digits: not 310xx
    assert dim.economic_class("30201") == "302"


def test_personnel_and_public_use():
    assert dim.basic_class("30101") == dim.PERSONNEL
    assert dim.basic_class("30308") == dim.PERSONNEL
    assert dim.basic_class("30206") == dim.PUBLIC_USE
    assert dim.basic_class("31002") == dim.PUBLIC_USE


def test_func_posting_then_transaction_then_profile():
    policy = Policy(profiles=[(dt.date(2025, 8, 25), {"func": "2050202"})])
    plain = _txn([_posting(chart.goods_services("30201"), "10")])
    assert dim.func_of(plain, plain.postings[0], policy) == "2050202"
    marked = _txn([_posting(chart.goods_services("30201"), "10", {"func": "2050203"})],
                  func="2050204")
    assert dim.func_of(marked, marked.postings[0], policy) == "2050203"
    assert dim.func_of(marked, None, policy) == "2050204"


def test_project_and_spending_kind():
    txn = _txn([_posting(chart.fixed_asset_account("通用设备"), "10")], project="计算机教室")
    assert dim.spending_kind(txn, txn.postings[0]) == dim.PROJECT
    assert dim.project_of(txn) == "计算机教室"
    plain = _txn([_posting(chart.goods_services("30201"), "10")])
    assert dim.spending_kind(plain, plain.postings[0]) == dim.BASIC
    assert dim.spending_kind(plain, _posting(chart.FISCAL_INCOME_PROJECT, "-10")) == dim.PROJECT


def test_funding_source_and_nature():
    quota = _txn([_posting(chart.goods_services("30201"), "10"),
                  _posting(chart.ZERO_BALANCE, "-10")])
    assert dim.funding_source(quota) == dim.SAME_LEVEL_FISCAL
    direct = _txn([_posting("Liabilities:2201应付职工薪酬:220101基本工资", "10"),
                   _posting(chart.FISCAL_INCOME_BASIC, "-10")])
    assert dim.funding_source(direct) == dim.SAME_LEVEL_FISCAL
    own = _txn([_posting(chart.goods_services("30201"), "10"), _posting(chart.BANK_BASIC, "-10")])
    assert dim.funding_source(own) == dim.OPERATING
    other = _txn([_posting(chart.goods_services("30201"), "10"),
                  _posting(chart.BANK_BASIC, "-10")], fund="其他资金")
    assert dim.funding_source(other) == dim.OTHER_FUNDS
    accrual = _txn([_posting(chart.salaries("30101"), "10"),
                    _posting("Liabilities:2201应付职工薪酬:220101基本工资", "-10")])
    assert dim.funding_source(accrual) is None
    assert dim.fund_nature(dim.SAME_LEVEL_FISCAL, "x") == dim.FISCAL
    assert dim.fund_nature(dim.OPERATING, "x") == dim.NON_FISCAL_PROJECT
    assert dim.fund_nature(dim.OPERATING, None) == dim.OTHER
