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

from ...i18n import N_
from ...models import PriceListItem, Product
from ..platform.money import percent_of, round_half_up

# A price source (``order_line.price_source``) is an English sentence, shown through
# ``i18n.shown``: the base price's, then each step that changed it wrapped around it as a
# whole template (``list price; promotion spring -10%; line discount``), so it reads back
# step by step. The audit checks read ``override:`` and ``line discount`` in it.
LIST_PRICE = N_("list price")
LINE_DISCOUNT = N_("line discount")


@dataclass(frozen=True)
class Price:
    unit_price_minor: int
    source: str


def unit_price(session: Session, product: Product, customer_group: str, qty: int) -> Price:
    """The base unit price of one product (step 1 of the precedence below), with its source."""
    from datetime import date

    book = load_price_book(session, customer_group, [product.id], date.today())
    return book.base_price(product_info(product), customer_group, qty)


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


# --------------------------------------------------------------------------------------------
# The pricing engine: one quote for a whole order, used by order entry (live totals) and by
# create_order (what is stored). Precedence, documented in docs/pricing.md:
#   1. base unit price: the customer group's price list, largest quantity break <= qty,
#      else the product's list price; a clerk's override (with a reason) replaces it;
#   2. percent-off promotions: the single best active one for the product (its own or its
#      product line's) applies to the line, not on an overridden price; promotions never stack;
#   3. the clerk's line discount is added to the promotion's;
#   4. spend X save Y: the single best promotion whose threshold the discounted merchandise
#      reaches, spread over the lines in proportion to their amounts (so tax stays right);
#   5. tax per product, inclusive or exclusive per settings, rounded per line or per order;
#   6. shipping from the carrier's rate table when the carrier is known.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductInfo:
    id: int
    code: str
    list_price_minor: int
    cost_minor: int
    tax_rate_bp: int
    product_line: str = ""
    weight_g: int = 0
    volume_cm3: int = 0
    fragile: bool = False


@dataclass(frozen=True)
class PromotionInfo:
    id: int
    name: str
    kind: str  # percent_off | spend_save
    product_id: int | None = None
    product_line: str = ""
    percent_bp: int = 0
    threshold_minor: int = 0
    save_minor: int = 0

    def covers(self, product: ProductInfo) -> bool:
        if self.kind != "percent_off":
            return False
        if self.product_id is not None:
            return self.product_id == product.id
        return bool(self.product_line) and self.product_line == product.product_line


@dataclass(frozen=True)
class QuoteLine:
    product: ProductInfo
    qty: int
    manual_discount_minor: int = 0
    override_price_minor: int | None = None
    override_reason: str = ""


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    qty: int
    unit_price_minor: int
    discount_minor: int  # promotion + manual + share of spend-save
    amount_minor: int  # qty x unit price - discount, in the price basis
    tax_minor: int
    price_source: str
    below_cost: bool


@dataclass(frozen=True)
class Quote:
    lines: tuple[PricedLine, ...]
    totals: Totals
    shipping_source: str = ""


@dataclass(frozen=True)
class PriceBook:
    """What a quote needs from the database, loaded once per order."""

    group_prices: dict[int, list[tuple[int, int]]]  # product id -> [(min_qty, price)] desc
    promotions: tuple[PromotionInfo, ...]

    def base_price(self, product: ProductInfo, group: str, qty: int) -> Price:
        for min_qty, price in self.group_prices.get(product.id, []):
            if min_qty <= qty:
                if min_qty > 1:
                    return Price(
                        price,
                        N_("{group} price list (qty >= {min_qty})").format(
                            group=group, min_qty=min_qty
                        ),
                    )
                return Price(price, N_("{group} price list").format(group=group))
        return Price(product.list_price_minor, LIST_PRICE)


def _spread(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over ``weights`` proportionally, exactly (largest remainder)."""
    base = sum(weights)
    if base <= 0 or total == 0:
        return [0] * len(weights)
    shares = [total * w // base for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % base), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def quote(
    book: PriceBook,
    customer_group: str,
    lines: Sequence[QuoteLine],
    *,
    prices_include_tax: bool,
    tax_rounding: str = "line",
    shipping_minor: int = 0,
    shipping_source: str = "",
) -> Quote:
    """Price a whole order. Pure: the same inputs always give the same quote."""
    staged: list[tuple[QuoteLine, int, int, str]] = []  # line, unit, discount, price source
    for line in lines:
        if line.override_price_minor is not None:
            unit = line.override_price_minor
            source = N_("override: {reason}").format(reason=line.override_reason.strip())
            promo_discount = 0
        else:
            base = book.base_price(line.product, customer_group, line.qty)
            unit = base.unit_price_minor
            source = base.source
            best = max(
                (p for p in book.promotions if p.covers(line.product)),
                key=lambda p: (p.percent_bp, -p.id),
                default=None,
            )
            promo_discount = 0
            if best is not None:
                promo_discount = percent_of(unit * line.qty, best.percent_bp)
                source = N_("{source}; promotion {name} -{percent}%").format(
                    source=source, name=best.name, percent=f"{Decimal(best.percent_bp) / 100:g}"
                )
        discount = promo_discount + line.manual_discount_minor
        if line.manual_discount_minor:
            source = N_("{source}; line discount").format(source=source)
        staged.append((line, unit, min(discount, unit * line.qty), source))

    merchandise = sum(unit * ln.qty - disc for ln, unit, disc, _ in staged)
    spend_save = max(
        (p for p in book.promotions if p.kind == "spend_save" and merchandise >= p.threshold_minor
         and p.threshold_minor > 0),
        key=lambda p: (p.save_minor, -p.id),
        default=None,
    )  # fmt: skip
    shares = [0] * len(staged)
    if spend_save is not None:
        save = min(spend_save.save_minor, merchandise)
        shares = _spread(save, [unit * ln.qty - disc for ln, unit, disc, _ in staged])

    priced: list[PricedLine] = []
    inputs: list[LineInput] = []
    for (line, unit, disc, source), share in zip(staged, shares, strict=True):
        if share:
            source = N_("{source}; share of {name}").format(source=source, name=spend_save.name)
        li = LineInput(line.qty, unit, line.product.tax_rate_bp, disc + share)
        amounts = line_amounts(li, prices_include_tax)
        inputs.append(li)
        net_unit = amounts.amount_minor - (amounts.tax_minor if prices_include_tax else 0)
        priced.append(PricedLine(
            product_id=line.product.id, qty=line.qty, unit_price_minor=unit,
            discount_minor=disc + share, amount_minor=amounts.amount_minor,
            tax_minor=amounts.tax_minor, price_source=source,
            below_cost=net_unit < line.product.cost_minor * line.qty,
        ))  # fmt: skip
    totals = order_totals(inputs, prices_include_tax, tax_rounding, shipping_minor)
    return Quote(tuple(priced), totals, shipping_source)


def load_price_book(session: Session, group: str, product_ids: Iterable[int], on) -> PriceBook:  # noqa: ANN001
    """Group prices for these products and the promotions valid on date ``on``."""
    from ...models import Promotion

    ids = sorted(set(product_ids))
    group_prices: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if ids:
        for item in session.exec(
            select(PriceListItem)
            .where(PriceListItem.customer_group == group, col(PriceListItem.product_id).in_(ids))
            .order_by(col(PriceListItem.min_qty).desc())
        ):
            group_prices[item.product_id].append((item.min_qty, item.unit_price_minor))
    promos = tuple(
        PromotionInfo(
            p.id,
            p.name,
            p.kind,
            p.product_id,
            p.product_line,
            p.percent_bp,
            p.threshold_minor,
            p.save_minor,
        )  # fmt: skip
        for p in session.exec(
            select(Promotion).where(
                Promotion.active == True,  # noqa: E712
                Promotion.starts_on <= on,
                Promotion.ends_on >= on,
            )
        )
    )
    return PriceBook(dict(group_prices), promos)


def product_info(p: Product) -> ProductInfo:
    return ProductInfo(p.id, p.code, p.list_price_minor, p.cost_minor, p.tax_rate_bp,
                       p.product_line, p.weight_g, p.volume_cm3, p.fragile)  # fmt: skip


def chargeable_weight_g(lines: Sequence[QuoteLine], volumetric_divisor: int) -> int:
    """The larger of actual and volumetric weight (volume cm3 / divisor = kg)."""
    actual = sum(ln.product.weight_g * ln.qty for ln in lines)
    volume = sum(ln.product.volume_cm3 * ln.qty for ln in lines)
    volumetric = -(-volume * 1000 // volumetric_divisor) if volumetric_divisor else 0
    return max(actual, volumetric)


def freight(
    weight_g: int, first_weight_g: int, first_price_minor: int, additional_kg_minor: int,
    min_charge_minor: int = 0, fragile_surcharge_minor: int = 0, fragile: bool = False,
) -> int:  # fmt: skip
    """First weight price, plus each started additional kg, at least the minimum, + fragile."""
    extra_kg = max(0, -(-(weight_g - first_weight_g) // 1000))
    fee = max(first_price_minor + extra_kg * additional_kg_minor, min_charge_minor)
    return fee + (fragile_surcharge_minor if fragile else 0)


def shipping_quote(
    session: Session, carrier_id: int, region: str, lines: Sequence[QuoteLine]
) -> tuple[int, str]:
    """Shipping fee for these lines by this carrier to ``region`` (its rate, else ``*``)."""
    from ...models import Carrier, CarrierRate

    carrier = session.get(Carrier, carrier_id)
    if carrier is None or not lines:
        return 0, ""
    rates = session.exec(
        select(CarrierRate).where(
            CarrierRate.carrier_id == carrier_id, col(CarrierRate.region).in_([region, "*"])
        )
    ).all()
    rate = next((r for r in rates if r.region == region), None) or next(iter(rates), None)
    if rate is None:
        if not region:
            return 0, N_("{carrier}: no rate for this region").format(carrier=carrier.name)
        return 0, N_("{carrier}: no rate for {region}").format(carrier=carrier.name, region=region)
    weight = chargeable_weight_g(lines, carrier.volumetric_divisor)
    fragile = any(ln.product.fragile for ln in lines)
    fee = freight(weight, rate.first_weight_g, rate.first_price_minor, rate.additional_kg_minor,
                  rate.min_charge_minor, rate.fragile_surcharge_minor, fragile)  # fmt: skip
    where = rate.region if rate.region != "*" else N_("any region")
    kg = f"{Decimal(weight) / 1000:g}"
    template = (
        N_("{carrier} to {region}, {kg} kg, fragile")
        if fragile
        else N_("{carrier} to {region}, {kg} kg")
    )
    return fee, template.format(carrier=carrier.name, region=where, kg=kg)
