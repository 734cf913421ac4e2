"""Fixed assets (固定资产) in the school model: depreciation schedules (and, as the model grows,
the cards and the register built once per loaded entries list).

Money is in fen (`int`) and months are month indexes (`xiaozhang.model.periods.month_index`).
"""

from __future__ import annotations

from typing import NamedTuple


# -- the depreciation schedule ----------------------------------------------------------

def straight_line(base: int, months: int) -> tuple[int, int, int]:
    """(monthly, count, last): `base` fen over `months` months, monthly rounded half up, the
    month after the `count` full ones taking the remainder `last` (see `Schedule`)."""
    if base <= 0 or months <= 0:
        return 0, 0, 0
    monthly = (2 * base + months) // (2 * months)  # base / months, half up
    if monthly * (months - 1) <= base:
        count = months - 1
    else:  # rounding up would overshoot: fully depreciated before the last month
        count = base // monthly
    return monthly, count, base - count * monthly


class Schedule(NamedTuple):
    """Monthly straight-line depreciation of one card, in fen (no residual value).

    `monthly` = (cost − prior depreciation) ÷ months left, rounded half up to the fen; it is
    charged for `count` months from `first`, and the next month takes the remainder `last`
    (so the schedule sums to the cost exactly). `stop` is the last month allowed (disposal)."""

    first: int
    monthly: int
    count: int
    last: int
    prior: int
    stop: int | None = None

    @classmethod
    def straight_line(cls, base: int, months: int, first: int, prior: int = 0,
                      stop: int | None = None) -> "Schedule":
        return cls(first, *straight_line(base, months), prior, stop)

    @property
    def end(self) -> int:
        """The last month with a charge (or first − 1 when there is none), before `stop`."""
        end = self.first + self.count - (0 if self.last else 1)
        return end if self.stop is None else min(end, self.stop)

    def through(self, month: int) -> int:
        """Accumulated depreciation (prior included) after the charge of `month`."""
        if self.stop is not None:
            month = min(month, self.stop)
        months = month - self.first + 1
        if months <= 0:
            return self.prior
        if months <= self.count:
            return self.prior + months * self.monthly
        return self.prior + self.count * self.monthly + self.last

    def charge(self, month: int) -> int:
        """The depreciation of one month."""
        if month < self.first or (self.stop is not None and month > self.stop):
            return 0
        offset = month - self.first
        if offset < self.count:
            return self.monthly
        return self.last if offset == self.count else 0
