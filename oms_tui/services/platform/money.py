"""The one money type: integer minor units in storage, ``Decimal`` in arithmetic.

Formatting happens only here, at the screen and PDF edge. Floats are refused.

Money columns are 64-bit (``BIGINT`` on PostgreSQL; SQLite's ``INTEGER`` already is).
What a person may enter is bounded further: an amount over the setting ``max_amount_minor``
(default ``MAX_AMOUNT_MINOR``, 10**12 minor units: ten thousand million yuan) is refused
by the service it enters (``check_amount``), so a slip of the finger (an extra 000) or
a garbled import is stopped with a sentence, on every engine alike.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from ...i18n import N_
from .errors import InvalidInput

MAX_AMOUNT_MINOR = 10**12  # default of the setting max_amount_minor
# The most the setting may be: sums of many such amounts still fit in 64 bits.
AMOUNT_LIMIT_CEILING = 10**15
_STORABLE = 2**63 - 1  # what a 64-bit column holds; parse_money refuses beyond it
# what a clerk may type once grouping, spaces, sign and currency are taken off
_DIGITS = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_EXPONENT_FORM = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)e[+-]?\d+", re.ASCII | re.IGNORECASE)

# Minor-unit exponent and display symbol per ISO 4217 code.
_EXPONENT = {"CNY": 2, "USD": 2, "EUR": 2, "HKD": 2, "GBP": 2, "JPY": 0, "KRW": 0, "TWD": 2}
_SYMBOL = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥", "TWD": "NT$"}


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


def round_half_up(value: Decimal) -> int:
    """Round to a whole number of minor units, halves away from zero."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_minor(amount: Decimal | int | str, currency: str) -> int:
    """Major units (``Decimal("12.30")``) to minor units (``1230``), exactly."""
    if isinstance(amount, float):
        raise TypeError("money must not be a float; pass a Decimal or a string")  # i18n: no
    value = Decimal(amount) * (10 ** exponent(currency))
    if value != value.to_integral_value():
        raise InvalidInput(
            N_("{amount} has more decimals than {currency} allows").format(
                amount=amount, currency=currency
            )
        )
    return int(value)


def from_minor(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-exponent(currency))


def split_currency(text: str, default: str) -> tuple[str, str]:
    """An amount typed with an ISO 4217 code before it (``USD 120``, ``usd120.50``): the
    code (upper case) and the amount; without one, ``default`` and the text as typed."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    code, rest = cleaned[:3], cleaned[3:].strip()
    if code.isascii() and code.isalpha() and rest[:1].isdigit():
        return code.upper(), rest
    return default.upper(), text


def parse_money(text: str, currency: str) -> int:
    """What a clerk typed (``1,234.5``, ``¥12``, ``-3``, full-width ``１２３．４５`` from a
    Chinese input method) to minor units, or a sentence saying why it is not an amount:
    exponent notation (``1e9``), more decimals than the currency has (``0.001`` in CNY),
    anything but digits (``abc``, ``nan``), more than a 64-bit column holds. Whether the
    amount is within the company's limit is the service's to say (``check_amount``)."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = cleaned[0], cleaned[1:]
    for prefix in (_SYMBOL.get(currency.upper(), ""), currency.upper()):
        if prefix and cleaned.upper().startswith(prefix.upper()):
            cleaned = cleaned[len(prefix) :]
    if not cleaned:
        raise InvalidInput(N_("enter an amount, e.g. 12.50"))
    if _EXPONENT_FORM.fullmatch(cleaned):
        raise InvalidInput(N_("'{text}' is not an amount: write it in digits, e.g. 1000000000")
                           .format(text=text))  # fmt: skip
    if not _DIGITS.fullmatch(cleaned):
        raise InvalidInput(N_("'{text}' is not an amount (e.g. 12.50)").format(text=text))
    value = Decimal(sign + cleaned).scaleb(exponent(currency))
    if value != value.to_integral_value():
        places = exponent(currency)
        if not places:
            raise InvalidInput(N_("'{text}' is not an amount: {currency} has no decimals")
                               .format(text=text, currency=currency.upper()))  # fmt: skip
        raise InvalidInput(
            N_("'{text}' is not an amount: {currency} has {places} decimals").format(
                text=text, currency=currency.upper(), places=places
            )
        )
    minor = int(value)
    if abs(minor) > _STORABLE:
        raise InvalidInput(N_("'{text}' is not an amount: too large").format(text=text))
    return minor


def check_amount(minor: int, limit: int, what: str, field: str | None, currency: str
                 ) -> int:  # fmt: skip
    """``minor`` if it is within ``limit`` either way (the setting ``max_amount_minor``,
    read by the service where the amount enters), else ``InvalidInput`` on ``field``:
    "the payment ¥10,000,000,000.01 is over the limit of ¥10,000,000,000.00 (...)"."""
    if abs(minor) > limit:
        said = _OVER_LIMIT.get(what, N_("{what} {amount} is over the limit of {limit} (setting "
                                        "max_amount_minor)"))  # fmt: skip
        raise InvalidInput(
            said.format(
                what=what, amount=format_money(minor, currency), limit=format_money(limit, currency)
            ),
            field,
        )
    return minor


# The same sentence, one whole template for each amount services name ("the payment"): read
# back, ``{what} {amount}`` would split "the" from "payment ¥1,000.00" (i18n.shown).
_OVER_LIMIT = {
    N_("the payment"): N_(
        "the payment {amount} is over the limit of {limit} (setting max_amount_minor)"
    ),
    N_("the promised amount"): N_(
        "the promised amount {amount} is over the limit of {limit} (setting max_amount_minor)"
    ),
    N_("the price"): N_(
        "the price {amount} is over the limit of {limit} (setting max_amount_minor)"
    ),
    N_("the shipping"): N_(
        "the shipping {amount} is over the limit of {limit} (setting max_amount_minor)"
    ),
    N_("the order total"): N_(
        "the order total {amount} is over the limit of {limit} (setting max_amount_minor)"
    ),
    N_("the credit limit"): N_(
        "the credit limit {amount} is over the limit of {limit} (setting max_amount_minor)"
    ),
}


def format_money(minor: int, currency: str, symbol: bool = True) -> str:
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


# --------------------------------------------------------------------------------------------
# The amount in Chinese capital numerals (大写金额), as Chinese finance documents (receipts,
# statements, cheques) show it beside the figures: 壹仟贰佰叁拾肆元伍角整 for ¥1,234.50.
# The rules (中国人民银行《支付结算办法》, 正确填写票据和结算凭证的基本规定): 元 is followed
# by 整 when there are no 角 and 分, 角 may be (and here is) followed by 整, 分 never is; a
# run of zeros between digits is one 零 (also across 万 and 亿); 元 then 分 without 角
# writes 零 between them (叁佰贰拾伍元零肆分); a ten keeps its 壹 (壹拾伍元整).

_CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CAPITAL_PLACES = ("", "拾", "佰", "仟")
# each group of four digits: 元, 万, 亿, 万亿 (10**12) and 亿亿 (10**16) past a 64-bit amount
_CAPITAL_GROUPS = ("", "万", "亿", "万亿", "亿亿")


def capital_amount(minor: int, currency: str = "CNY") -> str:
    """``minor`` (fen) in capital numerals: ``123450`` -> ``壹仟贰佰叁拾肆元伍角整``;
    ``0`` -> ``零元整``; negative amounts start with ``负``. Exact on every integer a
    64-bit column holds. Only for currencies of 2 decimals (元, 角, 分)."""
    if exponent(currency) != 2:
        raise ValueError(f"capital numerals are for yuan and fen, not {currency}")  # i18n: no
    sign = "负" if minor < 0 else ""
    yuan, fen = divmod(abs(minor), 100)
    jiao, fen = divmod(fen, 10)
    words = _capital_integer(yuan)
    if not jiao and not fen:
        return f"{sign}{words or '零'}元整"
    out = f"{words}元" if yuan else ""
    if jiao:
        out += _CAPITAL_DIGITS[jiao] + "角"
    elif yuan:  # 元 then 分 with no 角 between: 零
        out += "零"
    out += _CAPITAL_DIGITS[fen] + "分" if fen else "整"
    return sign + out


def _capital_integer(n: int) -> str:
    """The whole yuan in capital numerals ("" for 0), zeros written once where due."""
    groups: list[int] = []
    while n:
        n, group = divmod(n, 10_000)
        groups.append(group)
    out: list[str] = []
    zero = False  # a zero waits to be written before the next digit
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if not group:
            zero = bool(out)
            continue
        for place in range(3, -1, -1):
            digit = group // 10**place % 10
            if not digit:
                zero = zero or bool(out)
                continue
            if zero:
                out.append("零")
                zero = False
            out.append(_CAPITAL_DIGITS[digit] + _CAPITAL_PLACES[place])
        out.append(_CAPITAL_GROUPS[index])
        zero = group % 10 == 0  # trailing zeros of this group: a 零 if a digit follows
    return "".join(out)
