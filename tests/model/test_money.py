"""Money in one place (xiaozhang.model.money)."""

from decimal import Decimal

from xiaozhang.model.money import fen, format_money, from_fen, split_fen, yuan


def test_split_in_fen_adds_up():
    shares = split_fen(Decimal("100.00"), 3)
    assert shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(shares) == Decimal("100.00")


def test_rounding_and_formatting():
    assert yuan("2.345") == Decimal("2.35")
    assert fen(Decimal("12.345")) == 1235 and fen(Decimal("-1.20")) == -120
    assert from_fen(1234) == Decimal("12.34")
    assert format_money(Decimal("-0.001")) == "0.00"
    assert format_money(Decimal("1234567.8")) == "1,234,567.80"
    assert format_money(None) == ""
