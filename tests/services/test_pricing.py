"""The pricing engine: group prices, quantity breaks, promotions and their precedence,
tax inclusive and exclusive, rounding, shipping from rate tables."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms_tui.models import Carrier, CarrierRate, PriceListItem, Promotion
from oms_tui.services.catalog.pricing import (
    PriceBook,
    ProductInfo,
    PromotionInfo,
    QuoteLine,
    _spread,
    chargeable_weight_g,
    freight,
    quote,
)
from oms_tui.services.sales import orders
from tests.factories import make_customer, make_product

LAMP = ProductInfo(
    1,
    "L-1",
    list_price_minor=10_000,
    cost_minor=6_000,
    tax_rate_bp=1300,
    product_line="lighting",
    weight_g=1500,
    volume_cm3=12_000,
    fragile=True,
)
WATER = ProductInfo(2, "W-1", list_price_minor=2_000, cost_minor=800, tax_rate_bp=900,
                    product_line="water", weight_g=19_500, volume_cm3=30_000)  # fmt: skip
BOOK = PriceBook(group_prices={1: [(50, 7_000), (10, 8_000), (1, 9_000)]}, promotions=())
RETAIL = PriceBook({}, ())  # a PriceBook is loaded per customer group


def q(lines, book=BOOK, group="dealer", inclusive=True, rounding="line"):
    return quote(book, group, lines, prices_include_tax=inclusive, tax_rounding=rounding)


@pytest.mark.parametrize(("qty", "price", "source"), [
    (1, 9_000, "dealer price list"), (9, 9_000, "dealer price list"),
    (10, 8_000, "dealer price list (qty >= 10)"), (49, 8_000, "dealer price list (qty >= 10)"),
    (50, 7_000, "dealer price list (qty >= 50)"),
])  # fmt: skip
def test_group_price_and_quantity_breaks(qty, price, source):
    line = q([QuoteLine(LAMP, qty)]).lines[0]
    assert (line.unit_price_minor, line.price_source) == (price, source)


def test_group_without_price_list_pays_list_price():
    line = q([QuoteLine(LAMP, 10)], book=RETAIL, group="retail").lines[0]
    assert (line.unit_price_minor, line.price_source) == (10_000, "list price")


PCT_LINE = PromotionInfo(
    10, "lighting week", "percent_off", product_line="lighting", percent_bp=1000
)
PCT_PRODUCT = PromotionInfo(11, "lamp clearance", "percent_off", product_id=1, percent_bp=1500)
SPEND_SMALL = PromotionInfo(20, "spend 100 save 10", "spend_save", threshold_minor=10_000,
                            save_minor=1_000)  # fmt: skip
SPEND_BIG = PromotionInfo(21, "spend 500 save 80", "spend_save", threshold_minor=50_000,
                          save_minor=8_000)  # fmt: skip


def test_overlapping_percent_promotions_best_one_wins_never_stacked():
    book = PriceBook({}, (PCT_LINE, PCT_PRODUCT))
    line = q([QuoteLine(LAMP, 2)], book=book, group="retail").lines[0]
    assert line.discount_minor == 3_000  # 15 % of 200.00, not 10 % + 15 %
    assert line.price_source == "list price; promotion lamp clearance -15%"
    water = q([QuoteLine(WATER, 2)], book=book, group="retail").lines[0]
    assert water.discount_minor == 0 and water.price_source == "list price"


def test_promotion_applies_on_the_group_price_and_adds_to_a_manual_discount():
    book = PriceBook(BOOK.group_prices, (PCT_LINE,))
    line = q([QuoteLine(LAMP, 10, manual_discount_minor=500)], book=book).lines[0]
    assert line.unit_price_minor == 8_000
    assert line.discount_minor == 8_000 + 500  # 10 % of 800.00, plus 5.00 by hand
    assert line.price_source.endswith("promotion lighting week -10%; line discount")


def test_override_price_skips_promotions_and_records_reason():
    book = PriceBook({}, (PCT_PRODUCT,))
    line = q([QuoteLine(LAMP, 1, override_price_minor=5_000, override_reason="damaged box")],
             book=book).lines[0]  # fmt: skip
    assert (line.unit_price_minor, line.discount_minor) == (5_000, 0)
    assert line.price_source == "override: damaged box" and line.below_cost


def test_spend_save_best_reached_threshold_spread_over_lines():
    book = PriceBook({}, (SPEND_SMALL, SPEND_BIG))
    small = q([QuoteLine(LAMP, 1), QuoteLine(WATER, 1)], book=book, group="retail")
    assert [ln.discount_minor for ln in small.lines] == [833, 167]  # 10.00 by 100:20
    assert small.totals.discount_minor == 1_000 and small.totals.total_minor == 11_000
    big = q([QuoteLine(LAMP, 5), QuoteLine(WATER, 1)], book=book, group="retail")
    assert big.totals.discount_minor == 8_000
    assert "share of spend 500 save 80" in big.lines[0].price_source


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**9), min_size=1, max_size=20))
def test_spread_is_exact(total, weights):
    shares = _spread(total, weights)
    assert sum(shares) == (total if sum(weights) else 0)
    assert all(s >= 0 for s in shares)


def test_tax_inclusive_and_exclusive():
    inc = q([QuoteLine(LAMP, 1)], book=RETAIL, group="retail", inclusive=True)
    assert (inc.totals.tax_minor, inc.totals.total_minor) == (1_150, 10_000)  # 100/1.13 = 88.50
    exc = q([QuoteLine(LAMP, 1)], book=RETAIL, group="retail", inclusive=False)
    assert (exc.totals.tax_minor, exc.totals.total_minor) == (1_300, 11_300)


def test_tax_per_product_rate():
    both = q(
        [QuoteLine(LAMP, 1), QuoteLine(WATER, 1)], book=RETAIL, group="retail", inclusive=False
    )
    assert [ln.tax_minor for ln in both.lines] == [1_300, 180]


def test_below_cost_flag():
    assert not q([QuoteLine(LAMP, 1)]).lines[0].below_cost
    book = PriceBook({1: [(1, 5_000)]}, ())
    assert q([QuoteLine(LAMP, 1)], book=book).lines[0].below_cost


def test_freight_rules():
    # 1 kg first weight 12.00, then 2.00 per started kg, minimum 15.00, fragile +5.00
    assert freight(800, 1000, 1200, 200, 1500) == 1500
    assert freight(3200, 1000, 1200, 200) == 1200 + 3 * 200
    assert freight(3200, 1000, 1200, 200, 0, 500, fragile=True) == 2300
    # volumetric: 2 lamps of 12,000 cm3 at divisor 6000 = 4 kg > 3 kg actual
    assert chargeable_weight_g([QuoteLine(LAMP, 2)], 6000) == 4000


def test_create_order_uses_promotions_and_shipping_from_the_rate_table(db):
    today = date.today()
    c = make_customer(db, group="wholesale")
    lamp = make_product(db, price_minor=10_000, product_line="lighting", weight_g=2500,
                        fragile=True)  # fmt: skip
    with db.write() as s:
        s.add(PriceListItem(customer_group="wholesale", product_id=lamp, unit_price_minor=9_000))
        s.add(
            Promotion(
                name="灯具节",
                kind="percent_off",
                product_line="lighting",
                percent_bp=1000,
                starts_on=today,
                ends_on=today + timedelta(days=3),
            )
        )
        s.add(
            Promotion(
                name="expired",
                kind="percent_off",
                product_line="lighting",
                percent_bp=5000,
                starts_on=today - timedelta(days=9),
                ends_on=today - timedelta(days=1),
            )
        )
        carrier = Carrier(code="SF", name="SF Express", tracking_pattern=r"^SF\d{12}$")
        s.add(carrier)
        s.flush()
        s.add(
            CarrierRate(
                carrier_id=carrier.id,
                region="*",
                first_price_minor=2_000,
                additional_kg_minor=500,
                fragile_surcharge_minor=300,
            )
        )
        s.add(
            CarrierRate(
                carrier_id=carrier.id,
                region="East",
                first_price_minor=1_200,
                additional_kg_minor=300,
                fragile_surcharge_minor=300,
            )
        )
        carrier_id = carrier.id  # fmt: skip
    view = orders.create_order(db, "t", c.id, [orders.NewLine(lamp, 2)], carrier_id=carrier_id)
    line = orders.get_order(db, view.number).lines[0]
    assert line.unit_price_minor == 9_000 and line.discount_minor == 1_800
    assert line.price_source == "wholesale price list; promotion 灯具节 -10%"
    # 5 kg to the East region: 12.00 + 4 x 3.00 + fragile 3.00
    assert view.shipping_minor == 1_200 + 4 * 300 + 300
    assert view.total_minor == 18_000 - 1_800 + view.shipping_minor
