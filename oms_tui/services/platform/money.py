"""The one money type: integer minor units in storage, ``Decimal`` in arithmetic.

Formatting happens only here, at the screen and PDF edge. Floats are refused.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import InvalidInput

# Minor-unit exponent and display symbol per ISO 4217 code.
_EXPONENT = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "GBP": 2, "JPY": 0, "KRW": 0, "TWD": 2}
_SYMBOL = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥", "TWD": "NT$"}


def exponent(currency: str = "CNY") -> int:
    return _EXPONENT.get(currency.upper(), 2)


def round_half_up(value: Decimal) -> int:
    """Round to a whole number of minor units, halves away from zero."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_minor(amount: Decimal | int | str, currency: str = "CNY") -> int:
    """Major units (``Decimal("12.30")``) to minor units (``1230``), exactly."""
    if isinstance(amount, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")
    value = Decimal(amount) * (10 ** exponent(currency))
    if value != value.to_integral_value():
        raise InvalidInput(f"{amount} has more decimals than {currency} allows")
    return int(value)


def from_minor(minor: int, currency: str = "CNY") -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def parse_money(text: str, currency: str = "CNY") -> int:
    """What a clerk typed (``1,234.5``, ``¥12``, ``-3``) to minor units, or a clear error."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0], cleaned[1:]
    for prefix in (_SYMBOL.get(currency.upper(), ""), currency.upper()):
        if prefix and cleaned.upper().startswith(prefix.upper()):
            cleaned = cleaned[len(prefix) :]
    if not cleaned:
        raise InvalidInput("enter an amount, e.g. 12.50")
    try:
        value = Decimal(sign + cleaned) if cleaned[:1] not in "+-" else Decimal("x")
    except InvalidOperation:
        raise InvalidInput(f"'{text}' is not an amount (e.g. 12.50)") from None
    if not value.is_finite():
        raise InvalidInput(f"'{text}' is not an amount (e.g. 12.50)")
    return to_minor(value, currency)


def format_money(minor: int, currency: str = "CNY", symbol: bool = True) -> str:
    """``123456`` -> ``¥1,234.56`` (or ``CNY 1,234.56`` where no symbol is known)."""
    exp = exponent(currency)
    value = from_minor(minor, currency)
    body = f"{abs(value):,.{exp}f}"
    sign = "-" if minor < 0 else ""
    sym = _SYMBOL.get(currency.upper()) if symbol else None
    return f"{sign}{sym}{body}" if sym else f"{sign}{currency.upper()} {body}"


def percent_of(minor: int, rate_bp: int) -> int:
    """``rate_bp`` basis points of an amount, rounded half up to a minor unit."""
    return round_half_up(Decimal(minor) * rate_bp / Decimal(10_000))
