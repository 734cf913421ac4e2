"""Every deadline rule judges by the 评判日期 (xiaozhang/model/asof.py), not by the last entry.

A school that stopped keeping its books two months ago is exactly the one that needs the
warnings: its pending approval (AP10), its unremitted 住宿费 (TL04, or TL05 when a year end
passed since) and its undisclosed month of fees (FE05) are reported as of today.  The same
ledger pinned on its last day (`custom "as-of"`) is clean: nothing was due yet.
"""

from __future__ import annotations

import datetime as dt

from beancount import loader
from school import SCHOOL_PROFILE

from xiaozhang.model.asof import ENV

PLUGINS = "".join(f'plugin "xiaozhang.plugins.{name}"\n'
                  for name in ("policy", "approvals", "twolines", "fees"))
BANK = "Assets:1002银行存款:100201基本户"
QUOTA = "Assets:1011零余额账户用款额度"
BOARDING = "Liabilities:2103应缴财政款:210301住宿费"
TRAVEL = "Expenses:5001业务活动费用:500102商品和服务费用:30211差旅费"
POLICY = """\
2020-01-01 custom "policy" "pending-days" 30
2020-01-01 custom "policy" "remittance-days" 5
2020-01-01 custom "policy" "disclosure-days" 15
2020-01-01 custom "fee" "住宿费" "行政事业性" 450.00 CNY
  unit: "元/生·学期"
  scope: "全校"
  basis: "青禾市发展和改革委员会 青发改收费〔2025〕18号"
  voluntary: FALSE
  account: "Liabilities:2103应缴财政款:210301住宿费"
""" + "".join(f"2020-01-01 open {account} CNY\n" for account in (BANK, QUOTA, BOARDING, TRAVEL))


def stale_ledger(last: dt.date) -> str:
    """Books whose last entry is on `last`: a 住宿费 receipt and a pending travel claim."""
    return PLUGINS + SCHOOL_PROFILE + POLICY + f"""\
{last} * "收取住宿费"
  student: "2025030201"
  class: "三(2)班"
  item: "住宿费"
  {BANK}  450.00 CNY
  {BOARDING}  -450.00 CNY
{last} ! "待报销" "差旅费"
  {TRAVEL}  300.00 CNY
  {QUOTA}
"""


def codes(text: str, monkeypatch) -> list[str]:
    monkeypatch.delenv(ENV, raising=False)
    _entries, errors, _ = loader.load_string(text)
    return sorted(str(error.message)[1:5] for error in errors)


def test_books_two_months_old_report_every_overdue_item_as_of_today(monkeypatch):
    today = dt.date.today()
    last = today - dt.timedelta(days=61)
    remittance = "TL05" if last.year < today.year else "TL04"  # a year end passed since
    assert codes(stale_ledger(last), monkeypatch) == sorted(["AP10", remittance, "FE05"])


def test_the_same_books_pinned_before_the_deadlines_are_clean(monkeypatch):
    last = dt.date.today() - dt.timedelta(days=61)
    pin = f'{last} custom "as-of" "评判日期"\n'
    assert codes(stale_ledger(last) + pin, monkeypatch) == []
