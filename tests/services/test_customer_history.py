"""Customer history: the figures, the orders page by page, production stage shown."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from oms_tui.models import Invoice, Order
from oms_tui.services.sales import customer_history, orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.factories import make_customer, make_product


def test_summary_and_pages(db):
    c = make_customer(db, name="陈静", phone="13700001111")
    pid = make_product(db, price_minor=10_000)
    made = [orders.create_order(db, "clerk", c.id, [orders.NewLine(pid, q)], submit=True)
            for q in (1, 2, 3)]  # fmt: skip
    orders.transition(db, "manager", made[0].id, S.CANCELLED, "duplicate")
    with db.write() as s:
        s.add(Invoice(number="INV-H1", customer_id=c.id, amount_minor=7_000, paid_minor=1_000,
                      issued_on=date.today(), due_on=date.today() - timedelta(days=3),
                      created_by="t"))  # fmt: skip
        s.add(Invoice(number="INV-H2", customer_id=c.id, amount_minor=2_000,
                      issued_on=date.today(), due_on=date.today() + timedelta(days=9),
                      created_by="t"))  # fmt: skip
    totals = [v.total_minor for v in made[1:]]
    got = customer_history.summary(db, c.id)
    assert (got.orders, got.total_minor) == (2, sum(totals))  # the cancelled one not counted
    assert got.average_minor == (sum(totals) + 1) // 2
    assert (got.open_balance_minor, got.overdue_minor) == (8_000, 6_000)
    with db.read() as s:
        newest = s.exec(select(Order.created_at).where(Order.id == made[2].id)).one()
    assert got.last_order_at == newest
    first = customer_history.orders_page(db, c.id, limit=2)
    assert [o.number for o in first] == [made[2].number, made[1].number]
    rest = customer_history.orders_page(db, c.id, before=first[-1], limit=2)
    assert [(o.number, o.status) for o in rest] == [(made[0].number, "cancelled")]
    assert all(o.production == "" for o in first + rest)


def test_production_stage_in_the_history(db):
    from tests.services.test_production import _doors, _order_of

    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 1, "")])
    with db.read() as s:
        customer_id = s.get(Order, oid).customer_id
    [row] = customer_history.orders_page(db, customer_id)
    assert row.production.startswith("PO-") and "waiting to start" in row.production
    assert "expected" in row.production


def test_open_balance_is_the_customer_cards_net_of_credit_on_account(db):
    from oms_tui.services.finance import receivables

    c = make_customer(db, name="李四", phone="13700002222")
    today = date(2026, 11, 30)
    with db.write() as s:
        s.add(Invoice(number="INV-K1", customer_id=c.id, amount_minor=7_000,
                      issued_on=today - timedelta(days=40), due_on=today - timedelta(days=10),
                      created_by="t"))  # fmt: skip
        s.add(Invoice(number="INV-K2", customer_id=c.id, amount_minor=5_000, issued_on=today,
                      due_on=today + timedelta(days=30), created_by="t"))  # fmt: skip
    # 9,000 paying INV-K2 only: 4,000 over-paid, on account
    receivables.record_payment(db, "finance", c.id, 9_000, today, invoice_numbers=["INV-K2"],
                               today=today)  # fmt: skip
    got = customer_history.summary(db, c.id, today)
    card = customer_history.customer_card(db, c.id, today)
    assert (got.open_balance_minor, got.overdue_minor) == (7_000 - 4_000, 7_000 - 4_000)
    assert (got.open_balance_minor, got.overdue_minor) == (card.open_balance_minor,
                                                           card.overdue_minor)  # fmt: skip
    # the credit applied to INV-K1 changes neither figure
    receivables.apply_credit_on_account(db, "finance", c.id, today)
    again = customer_history.summary(db, c.id, today)
    assert (again.open_balance_minor, again.overdue_minor) == (3_000, 3_000)
