"""`oms verify`'s checks (services/checks/invariants.py): nothing to say after the services
did a day's work (orders, shipments and their invoices, payments over and under, a credit
note, stock in and out); one line per document and invariant when a row is wrong."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from oms_tui.models import Invoice, Order, OrderLine, Payment, StockLevel
from oms_tui.services.checks import invariants
from oms_tui.services.finance import receivables
from oms_tui.services.shipping import dispatch
from tests.audit_factories import set_customer
from tests.dispatch_factories import allocated_order, world

TODAY = date(2026, 11, 30)


def _day(db) -> tuple[int, int]:  # noqa: ANN001
    """An order shipped and invoiced, a credit note against it, a payment that pays part of
    it and one that pays it over (the rest on account). Returns (the order, its customer)."""
    w = world(db)
    first = allocated_order(db, [(w.lamp, 2), (w.shade, 1)])
    with db.read() as s:
        customer_id = s.get(Order, first).customer_id
    set_customer(db, customer_id, payment_terms="NET30")
    [sh] = dispatch.create_shipments(db, "picker", [first], carrier_id=w.carriers["SF"],
                                     today=TODAY)  # fmt: skip
    dispatch.ship(db, "packer", sh.id, "SF123456789012", today=TODAY)
    [inv] = receivables.customer_invoices(db, customer_id)
    receivables.credit_note(db, "li", inv.number, 500, "scratched", TODAY)
    receivables.record_payment(db, "li", customer_id, 1_000, TODAY, "bank", "", None, TODAY)
    receivables.record_payment(db, "li", customer_id, inv.amount_minor, TODAY, "bank", "over",
                               None, TODAY)  # fmt: skip
    return first, customer_id


def test_a_days_work_keeps_every_invariant(db):
    _day(db)
    with db.read() as s:
        assert s.exec(select(Payment).where(Payment.unapplied_minor > 0)).all()  # over-paid
    assert invariants.verify(db) == []


def test_each_broken_invariant_is_one_line(db):
    order_id, _customer = _day(db)
    with db.write() as s:
        order = s.get(Order, order_id)
        order.total_minor += 1  # total no longer its lines'
        order.subtotal_minor += 1
        line = s.exec(select(OrderLine).where(OrderLine.order_id == order_id)
                          .order_by(OrderLine.id)).first()  # line 1  # fmt: skip
        line.line_total_minor += 7
        invoice = s.exec(select(Invoice).where(Invoice.kind == "invoice")).first()
        invoice.paid_minor += 3  # no payment says so (and it is "paid" with something open)
        payment = s.exec(select(Payment).where(Payment.method == "bank")).first()
        payment.unapplied_minor += 5
        level = s.exec(select(StockLevel).where(StockLevel.on_hand > 0)).first()
        level.on_hand += 2
        s.add_all([order, line, invoice, payment, level])
        numbers = (order.number, invoice.number, payment.number)
    lines = [str(b) for b in invariants.verify(db)]
    assert [b.split(":")[0] for b in lines] == ["order totals", "order totals", "invoice paid",
                                                "payment", "stock"], lines  # fmt: skip
    assert lines[0].startswith(f"order totals: {numbers[0]}: line 1 total is ")
    assert f"order totals: {numbers[0]}: subtotal is " in lines[1]
    assert lines[2] == (f"invoice paid: {numbers[1]}: paid is {invoice.paid_minor}, the "
                        f"payments applied make {invoice.paid_minor - 3}")  # fmt: skip
    assert lines[3].startswith(f"payment: {numbers[2]}: amount is ")
    assert "on hand is" in lines[4] and "the ledger says" in lines[4]
