"""Money is exact: integer minor units, Decimal arithmetic, half-up rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from oms_tui.models import Order, OrderLine
from oms_tui.services.catalog.pricing import LineInput, order_totals
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.money import format_money, from_minor, parse_money, to_minor
from oms_tui.services.platform.settings import set_setting
from oms_tui.services.sales import orders
from tests.factories import make_customer, make_product


def test_ten_thousand_lines_at_ten_fen_make_exactly_one_thousand():
    lines = [LineInput(qty=1, unit_price_minor=to_minor("0.10"), tax_rate_bp=0)] * 10_000
    totals = order_totals(lines, prices_include_tax=True)
    assert totals.total_minor == 100_000
    assert from_minor(totals.total_minor) == Decimal("1000.00")
    assert format_money(totals.total_minor) == "¥1,000.00"
    # the float way is not: this is why floats are refused
    assert sum([0.10] * 10_000) != 1000.0


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_minor(0.1)  # type: ignore[arg-type]


def test_more_decimals_than_the_currency_allows_is_an_error():
    with pytest.raises(InvalidInput, match="decimals"):
        to_minor("0.105")
    assert to_minor("105", "JPY") == 105


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("12.5", 1250), ("1,234.50", 123450), ("¥12", 1200), ("CNY 3.01", 301), ("-0.10", -10)],
)
def test_parse_what_clerks_type(typed, minor):
    assert parse_money(typed) == minor


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "nan", "inf"])
def test_parse_rejects_with_a_clear_message(typed):
    with pytest.raises(InvalidInput):
        parse_money(typed)


def test_format_with_currency():
    assert format_money(-123456) == "-¥1,234.56"
    assert format_money(5, "USD") == "$0.05"
    assert format_money(1200, "CHF") == "CHF 12.00"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_parse_round_trip(minor):
    assert parse_money(format_money(minor)) == minor


# Tax: three lines of ¥0.05 at 13 %, tax-exclusive prices.
# Per line: 0.65 fen rounds to 1 fen each -> 3 fen. Per order: 13 % of 15 fen = 1.95 -> 2 fen.
TAX_LINES = [LineInput(qty=1, unit_price_minor=5, tax_rate_bp=1300)] * 3


def test_tax_rounded_per_line():
    t = order_totals(TAX_LINES, prices_include_tax=False, tax_rounding="line")
    assert (t.subtotal_minor, t.tax_minor, t.total_minor) == (15, 3, 18)


def test_tax_rounded_per_order():
    t = order_totals(TAX_LINES, prices_include_tax=False, tax_rounding="order")
    assert (t.subtotal_minor, t.tax_minor, t.total_minor) == (15, 2, 17)


def test_tax_inclusive_extracts_tax_and_keeps_total():
    # ¥113.00 incl. 13 % is ¥100.00 net + ¥13.00 tax
    t = order_totals([LineInput(1, 11300, 1300)], prices_include_tax=True)
    assert (t.tax_minor, t.total_minor) == (1300, 11300)


@given(st.lists(st.tuples(st.integers(1, 500), st.integers(0, 10**7), st.sampled_from(
    [0, 600, 900, 1300])), min_size=1, max_size=30), st.booleans())  # fmt: skip
def test_totals_are_sums_of_integers(rows, inclusive):
    lines = [LineInput(q, p, r) for q, p, r in rows]
    t = order_totals(lines, prices_include_tax=inclusive)
    assert t.subtotal_minor == sum(q * p for q, p, _ in rows)
    assert all(isinstance(v, int) for v in (t.subtotal_minor, t.tax_minor, t.total_minor))
    assert t.total_minor == t.subtotal_minor + (0 if inclusive else t.tax_minor)


@pytest.mark.parametrize("rounding", ["line", "order"])
def test_order_totals_stored_exactly(db, rounding):
    """Stored amounts round-trip identically on SQLite and PostgreSQL."""
    set_setting(db, "admin", "prices_include_tax", "false")
    set_setting(db, "admin", "tax_rounding", rounding)
    c = make_customer(db)
    pid = make_product(db, price_minor=5, tax_bp=1300)
    view = orders.create_order(db, "tester", c.id, [orders.NewLine(pid, 1)] * 3)
    expected = {"line": 3, "order": 2}[rounding]
    with db.read() as s:
        o = s.exec(select(Order).where(Order.id == view.id)).one()
        lines = s.exec(select(OrderLine).where(OrderLine.order_id == view.id)).all()
    assert (o.subtotal_minor, o.tax_minor, o.total_minor) == (15, expected, 15 + expected)
    assert [ln.unit_price_minor for ln in lines] == [5, 5, 5]
    assert all(type(v) is int for v in (o.total_minor, o.tax_minor))


def test_ten_thousand_lines_in_the_database_sum_exactly(db):
    c = make_customer(db)
    pid = make_product(db, price_minor=10, tax_bp=0)
    view = orders.create_order(db, "tester", c.id, [orders.NewLine(pid, 1)] * 10_000)
    assert view.total_minor == 100_000
    with db.read() as s:
        from sqlmodel import func

        total = s.exec(select(func.sum(OrderLine.line_total_minor))
                       .where(OrderLine.order_id == view.id)).one()  # fmt: skip
    assert total == 100_000 and format_money(total) == "¥1,000.00"
