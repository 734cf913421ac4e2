"""The school profile that the plugin tests' small ledgers start from."""

import re

SCHOOL_PROFILE = """\
2025-08-25 custom "school" "青禾市明德区实验小学"
  principal: "王建国"
  director: "李明华"
  accountant: "陈静"
  hotline: "0736-7215318"
  func: "2050202"
"""


def pinned(text: str) -> str:
    """`text` with its 评判日期 pinned on its last transaction (a `custom "as-of"` appended, so
    no line moves): a test judges the deadlines as of the end of its data, not of today
    (xiaozhang/model/asof.py)."""
    days = re.findall(r"^(\d{4}-\d{2}-\d{2}) [*!]", text, re.M)
    return text + (f'\n{max(days)} custom "as-of" "评判日期"\n' if days else "")
