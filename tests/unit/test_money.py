import pytest

from cloudfactory.money import format_money, format_money_compact


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (12345678, "USD", "$123,456.78"),
        (0, "USD", "$0.00"),
        (-250, "EUR", "-€2.50"),
        (1500, "JPY", "¥1,500"),
        (12345, "CHF", "123.45 CHF"),
    ],
)
def test_format_money_is_exact(minor, currency, text):
    assert format_money(minor, currency) == text


@pytest.mark.parametrize(
    ("minor", "text"),
    [
        (1_240_000_000, "$12.4M"),
        (100_000_000, "$1M"),
        (250_000, "$2.5K"),
        (99_999, "$999.99"),
        (3_100_000_000_000, "$31B"),
    ],
)
def test_format_money_compact(minor, text):
    assert format_money_compact(minor, "USD") == text
