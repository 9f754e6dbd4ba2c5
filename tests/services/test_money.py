"""Money is exact: integer minor units, Decimal arithmetic, half-up rounding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import func, select

from oms_tui.models import Invoice, Order, OrderLine, Payment
from oms_tui.services.catalog.pricing import LineInput, order_totals
from oms_tui.services.finance import aging, receivables
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.money import (
    check_amount,
    format_money,
    from_minor,
    parse_money,
    to_minor,
)
from oms_tui.services.platform.settings import get_settings, set_setting
from oms_tui.services.sales import orders
from tests.factories import make_customer, make_product

MONDAY = date(2026, 11, 30)


def test_ten_thousand_lines_at_ten_fen_make_exactly_one_thousand():
    lines = [LineInput(qty=1, unit_price_minor=to_minor("0.10", "CNY"), tax_rate_bp=0)] * 10_000
    totals = order_totals(lines, prices_include_tax=True)
    assert totals.total_minor == 100_000
    assert from_minor(totals.total_minor, "CNY") == Decimal("1000.00")
    assert format_money(totals.total_minor, "CNY") == "¥1,000.00"
    # the float way is not: this is why floats are refused
    assert sum([0.10] * 10_000) != 1000.0


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_minor(0.1, "CNY")  # type: ignore[arg-type]


def test_more_decimals_than_the_currency_allows_is_an_error():
    with pytest.raises(InvalidInput, match="decimals"):
        to_minor("0.105", "CNY")
    assert to_minor("105", "JPY") == 105


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("12.5", 1250), ("1,234.50", 123450), ("¥12", 1200), ("CNY 3.01", 301), ("-0.10", -10)],
)
def test_parse_what_clerks_type(typed, minor):
    assert parse_money(typed, "CNY") == minor


@pytest.mark.parametrize("typed", ["", "abc", "1.2.3", "nan", "inf"])
def test_parse_rejects_with_a_clear_message(typed):
    with pytest.raises(InvalidInput):
        parse_money(typed, "CNY")


def test_format_with_currency():
    assert format_money(-123456, "CNY") == "-¥1,234.56"
    assert format_money(5, "USD") == "$0.05"
    assert format_money(1200, "CHF") == "CHF 12.00"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_format_parse_round_trip(minor):
    assert parse_money(format_money(minor, "CNY"), "CNY") == minor


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
    assert total == 100_000 and format_money(total, "CNY") == "¥1,000.00"


# --------------------------------------------------------------------------------------------
# What is not an amount, and amounts beyond the limit (setting max_amount_minor)


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("1e9", "'1e9' is not an amount: write it in digits, e.g. 1000000000"),
        ("1E400", "'1E400' is not an amount: write it in digits, e.g. 1000000000"),
        ("0.001", "'0.001' is not an amount: CNY has 2 decimals"),
        ("abc", "'abc' is not an amount (e.g. 12.50)"),
        ("9" * 30, f"'{'9' * 30}' is not an amount: too large"),
        ("1_000", "'1_000' is not an amount (e.g. 12.50)"),
    ],
)
def test_parse_refuses_what_is_not_an_amount_in_a_sentence(typed, why):
    with pytest.raises(InvalidInput) as refused:
        parse_money(typed, "CNY")
    assert str(refused.value).startswith(why)


def test_parse_reads_full_width_digits_as_typed_with_a_chinese_input_method():
    assert (
        parse_money("１２３．４５", "CNY") == 12345 and parse_money("￥１，２００", "CNY") == 120000
    )


def test_check_amount_refuses_beyond_the_limit_in_the_currency():
    assert check_amount(10**12, 10**12, "the amount", None, "CNY") == 10**12
    with pytest.raises(InvalidInput, match=r"^the payment ¥10,000,000,000.01 is over the limit "
                       r"of ¥10,000,000,000.00 \(setting max_amount_minor\)$"):  # fmt: skip
        check_amount(10**12 + 1, 10**12, "the payment", "amount", "CNY")
    with pytest.raises(InvalidInput, match="over the limit"):
        check_amount(-(10**12) - 1, 10**12, "the amount", None, "CNY")


@pytest.mark.parametrize("value", ["0", "-1", "abc", str(10**16)])
def test_the_amount_limit_setting_stays_sane(db, value):
    with pytest.raises(InvalidInput, match="max_amount_minor"):
        set_setting(db, "admin", "max_amount_minor", value)
    assert get_settings(db).max_amount_minor == 10**12


def _invoice(db, customer_id, number, amount_minor):
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=customer_id, amount_minor=amount_minor,
                      issued_on=MONDAY, due_on=MONDAY, created_by="t"))  # fmt: skip


def test_amounts_past_32_bits_are_stored_and_read_back_exactly(db):
    """21474836.48 is 2**31 fen: one past what a 32-bit column holds."""
    cid = make_customer(db).id
    _invoice(db, cid, "INV-BIG", 2**31)
    _invoice(db, cid, "INV-HUGE", 10**12)
    first = receivables.record_payment(db, "finance", cid, parse_money("21474836.48", "CNY"),
                                       MONDAY, today=MONDAY)  # fmt: skip
    second = receivables.record_payment(db, "finance", cid, 10**12, MONDAY, today=MONDAY)
    assert first.amount_minor == 2_147_483_648 and second.applied[0].amount_minor == 10**12
    with db.read() as s:
        paid = s.exec(select(Payment.amount_minor).order_by(Payment.id)).all()
        invoices = s.exec(select(Invoice.amount_minor, Invoice.paid_minor, Invoice.status)
                          .order_by(Invoice.id)).all()  # fmt: skip
        owed = s.exec(select(func.sum(Invoice.amount_minor))).one()
    assert paid == [2_147_483_648, 10**12]
    assert [tuple(i) for i in invoices] == [(2**31, 2**31, "paid"), (10**12, 10**12, "paid")]
    assert owed == 10**12 + 2**31 and format_money(owed, "CNY") == "¥10,021,474,836.48"
    # sums of 64-bit columns are NUMERIC on PostgreSQL: the reports still read whole numbers
    _invoice(db, cid, "INV-OPEN", 3 * 10**12)
    report = aging.aging(db, MONDAY)
    [row] = report.rows
    assert (row.amounts[0], row.total_minor, report.total_minor) == (3 * 10**12,) * 3
    assert all(type(v) is int for v in (*row.amounts, row.total_minor, row.risk,
                                        row.on_account_minor, *report.totals))  # fmt: skip
    assert aging.receivables_total(db, MONDAY) == 3 * 10**12


def test_amounts_over_the_limit_are_refused_where_they_enter(db):
    cid = make_customer(db).id
    with pytest.raises(InvalidInput, match=r"^the payment ¥10,000,000,000.01 is over the limit"):
        receivables.record_payment(db, "finance", cid, 10**12 + 1, MONDAY, today=MONDAY)
    with pytest.raises(InvalidInput, match="the amount must be above 0"):
        receivables.record_payment(db, "finance", cid, -500, MONDAY, today=MONDAY)
    set_setting(db, "admin", "max_amount_minor", str(10**13))
    done = receivables.record_payment(db, "finance", cid, 10**12 + 1, MONDAY, today=MONDAY)
    assert done.unapplied_minor == 10**12 + 1
    # prices, quantity x price, order totals and credit limits past the limit
    set_setting(db, "admin", "max_amount_minor", str(10**8))
    pid = make_product(db, price_minor=10**6, tax_bp=0)
    big = orders.NewLine(pid, 1, unit_price_minor=10**8 + 1, override_reason="big")
    with pytest.raises(InvalidInput, match=r"^line 1: the price ¥1,000,000.01 is over the limit "
                       r"of ¥1,000,000.00 \(setting max_amount_minor\)$") as refused:  # fmt: skip
        orders.create_order(db, "tester", cid, [big])
    assert refused.value.field == "lines.1.price"
    with pytest.raises(InvalidInput, match=r"^line 1: 101 x ¥10,000.00 = ¥1,010,000.00 is over"):
        orders.create_order(db, "tester", cid, [orders.NewLine(pid, 101)])
    sample = orders.NewLine(pid, 1, unit_price_minor=100, override_reason="sample")
    with pytest.raises(InvalidInput, match=r"^the order total ¥1,000,001.00 is over the limit"):
        orders.create_order(db, "tester", cid, [orders.NewLine(pid, 100), sample])
    assert orders.create_order(db, "tester", cid, [orders.NewLine(pid, 100)]).total_minor == 10**8
    with pytest.raises(InvalidInput, match=r"^the credit limit ¥1,000,000.01 is over the limit"):
        make_customer(db, phone="139 0000 0001", credit_limit_minor=10**8 + 1)
