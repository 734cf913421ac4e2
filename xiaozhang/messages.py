"""Beancount's own problem messages, said in Chinese for the accountant: the one wording.

Beancount (the loader, the parser, its checks of balances, accounts and transactions) reports
in English: "Balance failed for 'Assets:…': expected 50.00 CNY != accumulated 90.00 CNY (40.00
too much)".  `chinese(message)` gives each such message one Chinese sentence that keeps its
figures and names and says what to do; `xiaozhang check` (`xiaozhang.io.problem_line`) and
the 合规 page (`reports/compliance.py`) both print it.  Our rules' messages (`[CODE] …`) are
Chinese already and pass unchanged; a Beancount message not in the table keeps its English
words behind a Chinese lead, so nothing is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_Wording = Callable[[re.Match], str]


def _last_line(text: str) -> str:
    """The last non-empty line of a traceback (the exception itself)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else text.strip()


def _balance(m: re.Match) -> str:
    account, expected, accumulated, difference, side = m.groups()
    currency = expected.split()[-1] if " " in expected else ""
    excess = f"{difference} {currency}".strip()
    return (f"余额断言不符：{account} 在该日开始时应为 {expected}（balance），账面累计为 {accumulated}，"
            f"账面{'多' if side == 'too much' else '少'} {excess}。请核对此前的记账（漏记、重记或"
            "金额写错），或按银行对账单、现金盘点的实数改正 balance 的金额")


def _plugin(loading: bool) -> _Wording:
    def wording(m: re.Match) -> str:
        name, detail = m.group(1), _last_line(m.group(2))
        if loading:
            return f"插件 {name} 无法载入（plugin 一行的名称写错，或没有安装）：{detail}"
        return f"插件 {name} 运行出错（程序问题，请把这一行交给维护人员）：{detail}"
    return wording


# (pattern, wording) in the order tried; each pattern matches the whole English message.
WORDINGS: tuple[tuple[re.Pattern, _Wording], ...] = tuple(
    (re.compile(pattern, re.DOTALL), wording) for pattern, wording in (
        (r"Balance failed for '(.+?)': expected (.+?) != accumulated (.+?) \((\S+) (too much|too little)\)$",
         _balance),
        (r"Invalid reference to unknown account '(.+)'$",
         lambda m: f"科目 {m[1]} 没有开设：请改正科目名称（拼写、编码），或在科目表（accounts.beancount）"
                   "中用 open 开设该科目"),
        (r"Invalid reference to inactive account '(.+)'$",
         lambda m: f"科目 {m[1]} 在该日不可用（早于它的开设日期 open，或已关闭 close）：请改正日期，"
                   "或调整该科目的 open / close 日期"),
        (r"Transaction does not balance: \((.+)\)$",
         lambda m: f"交易借贷不平衡，差额 {m[1]}：借方合计须等于贷方合计，请核对各分录的金额"
                   "（也可以留一条分录不写金额，由系统补足）"),
        (r"Duplicate open directive for (.+)$",
         lambda m: f"科目 {m[1]} 开设了两次（两条 open）：删去多余的一条"),
        (r"Duplicate close directive for (.+)$",
         lambda m: f"科目 {m[1]} 关闭了两次（两条 close）：删去多余的一条"),
        (r"Unopened account (.+) is being closed$",
         lambda m: f"关闭（close）了没有开设的科目 {m[1]}：改正科目名称，或删去这条 close"),
        (r"Invalid currency (\S+) for account '(.+)'$",
         lambda m: f"科目 {m[2]} 不能记 {m[1]}（它的 open 上限定了币种）：改正金额的币种，"
                   f"或在该科目的 open 上加上 {m[1]}"),
        (r"Invalid currency '(\S+)' for Balance directive: ?$",
         lambda m: f"余额断言（balance）的币种 {m[1]} 不是该科目的 open 所允许的币种：改正币种"),
        (r"Duplicate balance assertion with different amounts$",
         lambda m: "同一天同一科目有两条金额不同的余额断言（balance）：删去写错的一条"),
        (r"Unused Pad entry$",
         lambda m: "补差指令（pad）没有用上：其后没有该科目的余额断言（balance），或余额本来就相符；"
                   "删去这条 pad，或在其后写上 balance"),
        (r"You may not have more than one auto-posting per currency$",
         lambda m: "一笔交易中有不止一条分录没写金额：同一币种最多只能有一条分录省略金额，请补上金额"),
        (r"Too many missing numbers for currency group '(.+)'$",
         lambda m: f"交易中缺少的金额太多（币种 {m[1]}）：最多只能有一条分录省略金额，请补上金额"),
        (r"Transaction has incomplete elements$",
         lambda m: "交易的分录不完整（缺少金额、币种或成本）：请补全"),
        (r"Invalid account name: (.+)$",
         lambda m: f"科目名称 {m[1]} 不合规：冒号分开的每一级都须以大写英文字母或数字开头，"
                   "中文名称写在科目编码之后（如 Assets:1002银行存款）"),
        (r"Invalid token: '(.*)'$",
         lambda m: f"无法识别“{m[1]}”：检查这一行的拼写、引号是否成对、分录是否缩进两个空格"),
        (r"syntax error, (.+)$",
         lambda m: f"语法错误，这一行无法读懂（{m[1]}）：对照《记账约定》检查日期、引号、科目、"
                   "金额和币种的写法"),
        (r"ValueError: (month must be in 1\.\.12|day is out of range for month|.*date.*)$",
         lambda m: f"日期不存在（{m[1]}）：月份须为 1–12，日须在该月的天数之内，请改正日期"),
        (r"Invalid option: '(.+)'$",
         lambda m: f"未知的选项 option \"{m[1]}\"：改正选项名称，或删去这一行"),
        (r"Option '(.+)' may not be set$",
         lambda m: f"选项 option \"{m[1]}\" 不能在账本中设置：删去这一行"),
        (r'File glob "(.+)" does not match any files$',
         lambda m: f"include 的 “{m[1]}” 没有找到任何文件：检查路径和文件名"),
        (r'File "(.+)" does not exist$',
         lambda m: f"include 的文件 {m[1]} 不存在：检查路径和文件名"),
        (r'Duplicate filename parsed: "(.+)"$',
         lambda m: f"文件 {m[1]} 被 include 了两次：删去重复的 include"),
        (r'File does not exist: "(.+)"$',
         lambda m: f"附件文件 {m[1]} 不存在：document 指令的路径写错，或文件已移走"),
        (r'Error importing "(.+?)": (.*)$', _plugin(loading=True)),
        (r'Error applying plugin "(.+?)": (.*)$', _plugin(loading=False)),
    ))

# Our rules start with their code, e.g. "[TL08] …".
_RULE = re.compile(r"^\[[A-Z]{2}\d{2}\]")


def chinese(message) -> str:
    """The accountant's wording of a problem message (see the module docstring)."""
    text = str(message)
    if _RULE.match(text):
        return text
    stripped = text.strip()
    for pattern, wording in WORDINGS:
        match = pattern.match(stripped)
        if match:
            return wording(match)
    if not stripped or not stripped.isascii():
        return text  # Chinese already (another tool's, or ours without a code)
    return f"Beancount 检查未通过（原文）：{_last_line(stripped) if 'Traceback' in stripped else stripped}"
