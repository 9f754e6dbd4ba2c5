"""Customer search: phone in any format and any part, Chinese and Latin names, codes."""

from __future__ import annotations

import pytest

from oms_tui.services.parties.customers import (
    NewCustomer,
    create_customer,
    normalise_phone,
    search_customers,
)
from oms_tui.services.platform.errors import InvalidInput


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("138-0013-8000", "13800138000"), ("+86 138 0013 8000", "13800138000"),
     ("(0571) 8888-1234", "057188881234"), ("0086 13800138000", "13800138000")],
)  # fmt: skip
def test_normalise_phone(typed, digits):
    assert normalise_phone(typed) == digits


@pytest.fixture
def people(db):
    a = create_customer(db, "t", NewCustomer(name="王小明", phone="138-0013-8000"))
    b = create_customer(db, "t", NewCustomer(name="Wang Fang", phone="0571 8888 1234"))
    c = create_customer(db, "t", NewCustomer(name="王大锤", phone="139 1111 2222", group="dealer"))
    return db, a, b, c


@pytest.mark.parametrize(
    ("query", "expected"),
    [("13800138000", ["王小明"]), ("138 0013", ["王小明"]), ("8888-1234", ["Wang Fang"]),
     ("0013 8000", ["王小明"]), ("王", ["王大锤", "王小明"]),
     ("Wang", ["Wang Fang", "王大锤", "王小明"]),  # 王's pinyin too (issue #16)
     ("王小", ["王小明"])],
)  # fmt: skip
def test_search(people, query, expected):
    db = people[0]
    assert sorted(h.name for h in search_customers(db, query)) == sorted(expected)


def test_search_by_code(people):
    db, a, *_ = people
    assert [h.name for h in search_customers(db, a.code.lower())] == ["王小明"]


def test_bad_phone_and_missing_name(db):
    with pytest.raises(InvalidInput, match="phone"):
        create_customer(db, "t", NewCustomer(name="x", phone="12"))
    with pytest.raises(InvalidInput, match="name"):
        create_customer(db, "t", NewCustomer(name="  "))


def test_the_card_counts_approved_orders_not_invoiced_against_the_limit(db):
    from datetime import date

    from oms_tui.models import Invoice
    from oms_tui.services.finance import receivables
    from oms_tui.services.sales import orders
    from oms_tui.services.sales.customer_history import customer_card
    from oms_tui.services.states.order_states import OrderStatus
    from tests.factories import make_customer, make_product

    c = make_customer(db, credit_limit_minor=100_000, payment_terms="NET30")
    pid = make_product(db, price_minor=30_000, tax_bp=0)
    today = date(2026, 11, 24)
    with db.write() as s:
        s.add(Invoice(number="INV-K", customer_id=c.id, amount_minor=40_000, issued_on=today,
                      due_on=date(2026, 12, 24), created_by="t"))  # fmt: skip
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.committed_minor, card.exposure_minor) == (
        40_000, 0, 40_000)  # fmt: skip
    assert card.credit_status == "ok"
    # two approved orders, not shipped: the invoices alone are within the limit, not all
    for _ in range(2):
        view = orders.create_order(db, "clerk", c.id, [orders.NewLine(pid, 1)], submit=True)
        orders.transition(db, "auditor", view.id, OrderStatus.APPROVED, "ok")
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.committed_minor, card.exposure_minor) == (
        40_000, 60_000, 100_000)  # fmt: skip
    assert card.credit_status == "ok"  # at the limit, not over it
    view = orders.create_order(db, "clerk", c.id, [orders.NewLine(pid, 1)], submit=True)
    orders.transition(db, "auditor", view.id, OrderStatus.APPROVED, "ok")
    card = customer_card(db, c.id, today=today)
    assert card.committed_minor == 90_000 and card.credit_status == "over credit limit"
    # money paid ahead is credit on account: it lowers the open balance
    receivables.record_payment(db, "finance", c.id, 50_000, today)
    card = customer_card(db, c.id, today=today)
    assert (card.open_balance_minor, card.committed_minor) == (-10_000, 90_000)
    assert card.credit_status == "ok"
    with db.read() as s:  # the card agrees with the service the audit and the quote use
        assert receivables.credit_exposure(s, c.id, today) == (
            card.open_balance_minor, card.committed_minor, card.overdue_minor)  # fmt: skip
