"""The one pricing function family: unit prices with their source, line and order totals.

All amounts are integer minor units. Tax rates are basis points.
With tax-inclusive prices the line amount already contains the tax and the tax
is extracted; with tax-exclusive prices it is added on top.
Rounding is half up, per line or once per tax rate on the order (settings.tax_rounding).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from ..models import PriceListItem, Product
from .money import percent_of, round_half_up


@dataclass(frozen=True)
class Price:
    unit_price_minor: int
    source: str


def unit_price(session: Session, product: Product, customer_group: str, qty: int) -> Price:
    """Group price list with quantity breaks, else the product's list price."""
    item = session.exec(
        select(PriceListItem)
        .where(
            PriceListItem.product_id == product.id,
            PriceListItem.customer_group == customer_group,
            PriceListItem.min_qty <= qty,
        )
        .order_by(col(PriceListItem.min_qty).desc())
        .limit(1)
    ).first()
    if item is not None:
        brk = f" (qty >= {item.min_qty})" if item.min_qty > 1 else ""
        return Price(item.unit_price_minor, f"{customer_group} price list{brk}")
    return Price(product.list_price_minor, "list price")


@dataclass(frozen=True)
class LineInput:
    qty: int
    unit_price_minor: int
    tax_rate_bp: int
    discount_minor: int = 0


@dataclass(frozen=True)
class LineAmounts:
    gross_minor: int  # qty x unit price
    amount_minor: int  # after the line discount, in the price basis (incl. or excl. tax)
    tax_minor: int  # tax of this line; with order rounding, its unrounded share is not stored


@dataclass(frozen=True)
class Totals:
    subtotal_minor: int  # sum of qty x unit price
    discount_minor: int
    tax_minor: int
    shipping_minor: int
    total_minor: int  # what the customer pays


def _tax_of(amount_minor: int, rate_bp: int, prices_include_tax: bool) -> int:
    if rate_bp == 0:
        return 0
    if prices_include_tax:
        net = round_half_up(Decimal(amount_minor) * 10_000 / Decimal(10_000 + rate_bp))
        return amount_minor - net
    return percent_of(amount_minor, rate_bp)


def line_amounts(line: LineInput, prices_include_tax: bool) -> LineAmounts:
    gross = line.qty * line.unit_price_minor
    amount = gross - line.discount_minor
    return LineAmounts(gross, amount, _tax_of(amount, line.tax_rate_bp, prices_include_tax))


def order_totals(
    lines: Sequence[LineInput] | Iterable[LineInput],
    prices_include_tax: bool,
    tax_rounding: str = "line",
    shipping_minor: int = 0,
) -> Totals:
    lines = list(lines)
    amounts = [line_amounts(x, prices_include_tax) for x in lines]
    subtotal = sum(a.gross_minor for a in amounts)
    discount = sum(x.discount_minor for x in lines)
    if tax_rounding == "order":
        by_rate: dict[int, int] = defaultdict(int)
        for x, a in zip(lines, amounts, strict=True):
            by_rate[x.tax_rate_bp] += a.amount_minor
        tax = sum(_tax_of(amt, rate, prices_include_tax) for rate, amt in by_rate.items())
    else:
        tax = sum(a.tax_minor for a in amounts)
    total = subtotal - discount + (0 if prices_include_tax else tax) + shipping_minor
    return Totals(subtotal, discount, tax, shipping_minor, total)
