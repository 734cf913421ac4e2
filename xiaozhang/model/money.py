"""Money: yuan as `Decimal` with two places, fen as `int`, one rounding rule (half up).

The one place that decides how an amount is rounded, split in fen and printed on a document.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def ledger_currency(options_map: dict | None) -> str:
    """The currency the books are kept in: the ledger's first `operating_currency`, else CNY."""
    return ((options_map or {}).get("operating_currency") or ["CNY"])[0]


def yuan(value) -> Decimal:
    """An amount rounded to the fen, half up: `yuan(12.345)` is `Decimal("12.35")`."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fen(amount: Decimal) -> int:
    """Whole fen of an amount in yuan (half up when it has more than two places)."""
    cents = amount * 100
    whole = int(cents)
    return whole if whole == cents else int(amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def from_fen(cents: int) -> Decimal:
    """`Decimal("12.34")` for 1234 fen."""
    return Decimal(cents).scaleb(-2)


def split_fen(amount: Decimal, count: int) -> list[Decimal]:
    """`amount` in `count` equal shares in fen; the fen left over go to the first shares.

    The shares always add up to the amount exactly (rounded to the fen)."""
    base, extra = divmod(fen(amount), count)
    return [from_fen(base + (1 if index < extra else 0)) for index in range(count)]


def format_money(amount: Decimal | int | None) -> str:
    """`1234567.8` -> `1,234,567.80` (2 decimals, half up, thousands separators, never -0.00);
    `None` -> empty (a blank cell)."""
    if amount is None:
        return ""
    value = yuan(amount)
    if value == 0:
        value = abs(value)
    return f"{value:,.2f}"


def ledger_number(amount: Decimal) -> str:
    """`1234.50` for a ledger file: two places, no separators."""
    return f"{amount:.2f}"


def percent(part: Decimal, whole: Decimal, places: str = "0.1") -> Decimal | None:
    """`part / whole` in percent, rounded half up (None when `whole` is zero)."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def format_ratio(ratio: Decimal | None, places: str = "0.01") -> str:
    """A ratio printed in per cent, rounded half up as `percent` rounds: `0.00125` -> `0.13%`,
    `0.0523` -> `5.23%`; `None` -> empty.  Documents (`Percent`) and pages (`|ratio`) alike."""
    if ratio is None:
        return ""
    value = (Decimal(ratio) * HUNDRED).quantize(Decimal(places), rounding=ROUND_HALF_UP)
    return f"{abs(value) if value == 0 else value:,}%"
