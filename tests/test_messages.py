"""Beancount's own problems in Chinese (xiaozhang/messages.py): real ledgers that trigger each,
checked through `xiaozhang check` and the 合规 page's problem list."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from xiaozhang.cli import main
from xiaozhang.io import load
from xiaozhang.messages import chinese
from xiaozhang.reports.compliance import problem_of

OPENS = """\
2025-01-01 open Assets:1002银行存款:100201基本户 CNY
2025-01-01 open Assets:1001库存现金 CNY
2025-01-01 open Expenses:5001业务活动费用:500102商品和服务费用:30201办公费 CNY
2025-01-01 open Equity:3001累计盈余
"""
OPENING = """\
2025-01-02 * "期初余额"
  Assets:1002银行存款:100201基本户  90.00 CNY
  Equity:3001累计盈余
"""

# (what is wrong, the ledger after the opens, the line reported, what the line must say)
CASES = [
    ("balance too much", OPENING + "2025-01-04 balance Assets:1002银行存款:100201基本户 50.00 CNY\n",
     8, ["余额断言不符", "Assets:1002银行存款:100201基本户", "应为 50.00 CNY", "账面累计为 90.00 CNY",
         "账面多 40.00 CNY", "改正 balance"]),
    ("balance too little", OPENING + "2025-01-04 balance Assets:1002银行存款:100201基本户 100.00 CNY\n",
     8, ["余额断言不符", "账面少 10.00 CNY"]),
    ("unknown account", OPENING + """\
2025-01-03 * "购办公用品"
  Expenses:5001业务活动费用:500102商品和服务费用:30202印刷费  10.00 CNY
  Assets:1002银行存款:100201基本户
""", 8, ["科目 Expenses:5001业务活动费用:500102商品和服务费用:30202印刷费 没有开设", "用 open 开设"]),
    ("inactive account", """\
2025-01-02 close Assets:1001库存现金
2025-01-03 * "收现金"
  Assets:1001库存现金  90.00 CNY
  Equity:3001累计盈余
""", 6, ["科目 Assets:1001库存现金 在该日不可用", "open / close"]),
    ("does not balance", """\
2025-01-03 * "购办公用品"
  Expenses:5001业务活动费用:500102商品和服务费用:30201办公费  10.00 CNY
  Assets:1002银行存款:100201基本户  -9.00 CNY
""", 5, ["交易借贷不平衡，差额 1.00 CNY", "借方合计须等于贷方合计"]),
    ("two amounts missing", """\
2025-01-03 * "购办公用品"
  Expenses:5001业务活动费用:500102商品和服务费用:30201办公费
  Assets:1002银行存款:100201基本户
""", 7, ["不止一条分录没写金额"]),
    ("unused pad", "2025-01-03 pad Assets:1001库存现金 Equity:3001累计盈余\n",
     5, ["补差指令（pad）没有用上"]),
    ("duplicate open", "2025-02-01 open Assets:1001库存现金 CNY\n",
     5, ["科目 Assets:1001库存现金 开设了两次"]),
    ("wrong currency", """\
2025-01-03 * "收外币"
  Assets:1001库存现金  10.00 USD
  Equity:3001累计盈余
""", 5, ["科目 Assets:1001库存现金 不能记 USD"]),
    ("account name", "2025-01-03 open Assets:银行存款\n", 5, ["科目名称 Assets:银行存款 不合规"]),
    ("syntax", "2025-01-03 balance Assets:1001库存现金\n", 6, ["语法错误"]),
    ("no such file", 'include "2025/*.beancount"\n', 0, ["include 的 “2025/*.beancount” 没有找到任何文件"]),
    ("no such plugin", 'plugin "xiaozhang.plugins.polcy"\n', 0,
     ["插件 xiaozhang.plugins.polcy 无法载入", "ModuleNotFoundError"]),
]


@pytest.mark.parametrize("name, text, line, words", CASES, ids=[c[0] for c in CASES])
def test_check_says_beancounts_problems_in_chinese(tmp_path, name, text, line, words):
    ledger = tmp_path / "main.beancount"
    ledger.write_text(OPENS + text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(ledger)])
    assert result.exit_code == 1
    (printed,) = result.stdout.splitlines()
    where, message = printed.split(": ", 1)
    if line:
        assert where == f"{ledger}:{line}"
    for word in words:
        assert word in message, printed
    assert not re.search(r"\b(Balance failed|Invalid reference|does not balance|expected|"
                         r"accumulated|Unused|Duplicate|syntax error|Error importing)\b", message)
    # the 合规 page lists the same wording (Beancount's own checks: no rule code)
    (error,) = load(ledger).problems
    problem = problem_of(error)
    assert problem.code == "" and problem.message == chinese(error.message)
    assert " ".join(problem.message.split()) == message


def test_our_rules_messages_and_unknown_english_pass_through():
    assert chinese("[TL08] 库存现金超过限额") == "[TL08] 库存现金超过限额"
    assert chinese("某插件的中文说明") == "某插件的中文说明"
    # an English message not in the table keeps its words behind a Chinese lead
    assert chinese("Something new went wrong") == "Beancount 检查未通过（原文）：Something new went wrong"


def test_the_compliance_page_shows_the_chinese_wording(tmp_path):
    """The 合规 page of a real Fava application lists Beancount's balance failure in Chinese."""
    from urllib.parse import quote

    from fava.application import create_app

    ledger = tmp_path / "main.beancount"
    ledger.write_text(
        'option "title" "校账测试小学"\noption "operating_currency" "CNY"\n'
        'plugin "xiaozhang.plugins.policy"\n'
        '2024-12-01 custom "fava-extension" "xiaozhang.reports.fava_ext"\n'
        '2024-12-01 custom "school" "校账测试小学"\n  principal: "王建国"\n  director: "李明华"\n'
        '  accountant: "陈静"\n  hotline: "0736-7215318"\n  func: "2050202"\n'
        + OPENS + OPENING + "2025-01-04 balance Assets:1002银行存款:100201基本户 50.00 CNY\n"
        '2025-01-04 custom "as-of" "评判日期"\n', encoding="utf-8")
    app = create_app([str(ledger)], load=True)
    slug, _ledger = next(iter(app.config["LEDGERS"].items()))
    response = app.test_client().get(f"/{quote(slug)}/extension/Compliance/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "余额断言不符：Assets:1002银行存款:100201基本户 在该日开始时应为 50.00 CNY" in html
    # Fava's own data for its Errors page (a <script> block) keeps the English; the page does not
    shown = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    assert "账面多 40.00 CNY" in shown and "Balance failed" not in shown
