"""Money is integer minor units plus a currency code; text only when shown."""

from decimal import Decimal

from django.conf import settings

# ISO 4217 exponents that differ from 2.
EXPONENTS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "JOD": 3}
_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


def platform_currency() -> str:
    return settings.CLOUDFACTORY_CURRENCY


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency.upper(), 2)


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def format_money(minor: int, currency: str | None = None) -> str:
    """12345678 USD -> "$123,456.78"."""
    currency = (currency or platform_currency()).upper()
    places = exponent(currency)
    amount = f"{to_decimal(abs(minor), currency):,.{places}f}"
    sign = "-" if minor < 0 else ""
    if symbol := _SYMBOL.get(currency):
        return f"{sign}{symbol}{amount}"
    return f"{sign}{amount} {currency}"


def format_money_compact(minor: int, currency: str | None = None) -> str:
    """12_400_000_00 USD -> "$12.4M"; small amounts stay exact."""
    currency = (currency or platform_currency()).upper()
    value = to_decimal(abs(minor), currency)
    sign = "-" if minor < 0 else ""
    symbol = _SYMBOL.get(currency, "")
    suffix = "" if symbol else f" {currency}"
    for threshold, letter in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if value >= threshold:
            scaled = f"{value / threshold:.1f}".removesuffix(".0")
            return f"{sign}{symbol}{scaled}{letter}{suffix}"
    return format_money(minor, currency)
