"""The canteen's stocktakes (食堂盘点, `custom "stocktake"`) in the school model.

`custom "stocktake" <canteen stores account> <amount>` is the counted amount of a stores
account (1302) at the end of its day.  The canteen's one pass (`xiaozhang.model.canteen`,
`CanteenBook._read`), when a new day starts, reads the stocktakes dated before it
(`read_stocktakes`; the rest after the last day), so that a count sees every transaction up to
the end of its day and sits beside the book balance then: the account and its sub-accounts.
The rules (plugins/canteen.py) compare the two.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from xiaozhang.model.canteen_accounts import STOCK, CanteenAccounts
from xiaozhang.model.periods import month_start

ZERO = Decimal(0)


@dataclass(frozen=True)
class Stocktake:
    """A `custom "stocktake"`: the counted amount of a stores account at the end of its day,
    beside the book balance then (the account and its sub-accounts).  `account` is None when
    the record is not `custom "stocktake" <canteen stores account> <amount>`."""

    entry: data.Custom
    account: str | None
    counted: Decimal | None
    book: Decimal | None

    @property
    def month(self) -> dt.date:
        return month_start(self.entry.date)


def read_stocktakes(found: list[Stocktake], accounts: CanteenAccounts, counts: list[data.Custom],
                    start: int, before: dt.date | None, stock: dict[str, Decimal]) -> int:
    """Read the stocktakes from `start` dated before `before` (None: all the rest) into `found`,
    against the running stores balances `stock`; the position of the first one left."""
    position = start
    while position < len(counts) and (before is None or counts[position].date < before):
        entry = counts[position]
        position += 1
        values = entry.values
        if (len(values) != 2 or not isinstance(values[0].value, str)
                or accounts.role(values[0].value) != STOCK
                or not isinstance(values[1].value, Amount)
                or values[1].value.number is None or values[1].value.number < 0):
            found.append(Stocktake(entry, None, None, None))
            continue
        account = values[0].value
        book = sum((n for a, n in stock.items() if a == account or a.startswith(account + ":")), ZERO)
        found.append(Stocktake(entry, account, values[1].value.number, book))
    return position

