"""Receivables: terms to due dates, invoices from shipments and at approval for prepaid
orders, payments (oldest first, chosen, partial, over), credit notes, COD remittances."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from oms_tui.models import Customer, Invoice, Order, Payment, PaymentAllocation
from oms_tui.services import dispatch, orders, receivables
from oms_tui.services.errors import InvalidInput
from oms_tui.services.order_states import OrderStatus as S
from oms_tui.services.receivables import Remittance, due_dates
from tests.audit_factories import set_customer
from tests.dispatch_factories import allocated_order, world

MONDAY = date(2026, 11, 30)


def test_terms_to_due_dates():
    d = date(2026, 1, 20)
    assert due_dates("PREPAID", d) == [d]
    assert due_dates("COD", d) == [date(2026, 1, 27)]
    assert due_dates("NET30", d) == [date(2026, 2, 19)]
    assert due_dates("net 45", d) == [date(2026, 3, 6)]
    assert due_dates("EOM30", date(2026, 2, 3)) == [date(2026, 3, 30)]  # Feb 28 + 30
    assert due_dates("EOM15", date(2024, 2, 3)) == [date(2024, 3, 15)]  # leap year: Feb 29
    assert due_dates("INST3", d) == [date(2026, 2, 19), date(2026, 3, 21), date(2026, 4, 20)]
    assert due_dates("who knows", d) == [date(2026, 2, 19)]


def test_an_amount_smaller_than_its_installments_makes_no_invoice_of_nothing(db):
    from oms_tui.models import Shipment
    from tests.stock_factories import customer, warehouse

    cid, wid = customer(db), warehouse(db, "HZ")
    with db.write() as s:
        order = Order(number="SO-TINY", customer_id=cid, payment_terms="INST3",
                      payment_method="installments", total_minor=2, created_by="t")  # fmt: skip
        s.add(order)
        s.flush()
        sh = Shipment(number="SH-TINY", order_id=order.id, warehouse_id=wid, created_by="t")
        s.add(sh)
        s.flush()
        receivables.invoice_shipment_in(s, "packer", order, sh, MONDAY)
        oid = order.id
    # 0 + 0 + 2: one invoice, the last installment's (it takes the rounding)
    assert [(k, a, status) for k, a, _p, status, _d in _invoices(db, oid)] == [
        ("invoice", 2, "open")
    ]


def _customer_of(db, order_id):
    with db.read() as s:
        return s.get(Order, order_id).customer_id


def _invoices(db, order_id):
    with db.read() as s:
        return [(i.kind, i.amount_minor, i.paid_minor, i.status, i.due_on) for i in s.exec(
            select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id))]  # fmt: skip


def _ship(db, w, order_id, quantities=None):
    [sh] = dispatch.create_shipments(db, "picker", [order_id], carrier_id=w.carriers["SF"],
                                     today=MONDAY)  # fmt: skip
    qty = None
    if quantities is not None:
        qty = {ln.order_line_id: q for ln, q in zip(sh.lines, quantities, strict=True)}
    return dispatch.ship(db, "packer", sh.id, "SF123456789012", quantities=qty, today=MONDAY)


def test_shipments_are_invoiced_and_add_up_to_the_order_total(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 3), (w.shade, 3)])
    set_customer(db, _customer_of(db, oid), payment_terms="NET30")
    with db.write() as s:
        order = s.get(Order, oid)
        order.payment_terms = "NET30"
        s.add(order)
        total = order.total_minor
    _ship(db, w, oid, [1, 0])  # one lamp of three
    [(kind, first, paid, status, due)] = _invoices(db, oid)
    assert (kind, paid, status, due) == ("invoice", 0, "open", MONDAY + timedelta(days=30))
    assert 0 < first < total // 2
    _ship(db, w, oid)  # the rest
    amounts = [a for _k, a, *_ in _invoices(db, oid)]
    assert len(amounts) == 2 and sum(amounts) == total  # the last takes the rounding


def test_a_prepaid_order_is_invoiced_at_approval_and_not_again_at_shipment(db):
    w = world(db)
    from tests.stock_factories import customer

    cid = customer(db)
    set_customer(db, cid, payment_terms="PREPAID")
    view = orders.create_order(db, "clerk", cid, [orders.NewLine(w.lamp, 2)], submit=True)
    assert view.payment_method == "prepaid"
    orders.transition(db, "auditor", view.id, S.APPROVED, "ok")
    [(kind, amount, _p, status, due)] = _invoices(db, view.id)
    assert (kind, amount, status) == ("invoice", view.total_minor, "open")
    from oms_tui.services import allocation

    allocation.allocate_order(db, "t", view.id)
    _ship(db, w, view.id)
    assert len(_invoices(db, view.id)) == 1


def _open_invoice(db, cid, amount, due, number):
    with db.write() as s:
        s.add(Invoice(number=number, customer_id=cid, amount_minor=amount, issued_on=due,
                      due_on=due, created_by="t"))  # fmt: skip


def test_payments_oldest_first_partial_over_and_chosen(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    _open_invoice(db, cid, 10_000, date(2026, 10, 1), "INV-A")
    _open_invoice(db, cid, 5_000, date(2026, 9, 1), "INV-B")
    _open_invoice(db, cid, 7_000, date(2026, 11, 1), "INV-C")
    paid = receivables.record_payment(db, "finance", cid, 8_000, MONDAY, "bank", "转账 123")
    assert [(a.invoice_number, a.amount_minor, a.left_minor) for a in paid.applied] == [
        ("INV-B", 5_000, 0), ("INV-A", 3_000, 7_000)]  # oldest due first, partial
    chosen = receivables.record_payment(db, "finance", cid, 2_000, MONDAY, "wechat",
                                        invoice_numbers=["inv-c"])  # fmt: skip
    assert [(a.invoice_number, a.amount_minor) for a in chosen.applied] == [("INV-C", 2_000)]
    over = receivables.record_payment(db, "finance", cid, 20_000, MONDAY, "cash")
    assert [(a.invoice_number, a.amount_minor) for a in over.applied] == [
        ("INV-A", 7_000), ("INV-C", 5_000)]
    assert over.unapplied_minor == 8_000  # kept on account
    assert [i.number for i in receivables.customer_invoices(db, cid)] == []
    with db.read() as s:
        alloc = s.exec(select(PaymentAllocation.amount_minor)).all()
        pays = s.exec(select(Payment.amount_minor, Payment.unapplied_minor)).all()
    assert sum(alloc) == 30_000 - 8_000 and sum(a for a, _ in pays) == 30_000
    with pytest.raises(InvalidInput, match="INV-A is not an open invoice"):
        receivables.record_payment(db, "f", cid, 100, MONDAY, invoice_numbers=["INV-A"])
    with pytest.raises(InvalidInput, match="above 0"):
        receivables.record_payment(db, "f", cid, 0, MONDAY)
    with pytest.raises(InvalidInput, match="unknown payment method"):
        receivables.record_payment(db, "f", cid, 100, MONDAY, method="bitcoin")


def test_credit_notes_reduce_what_is_owed_without_inventing_cash(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    _open_invoice(db, cid, 10_000, date(2026, 11, 1), "INV-D")
    number = receivables.credit_note(db, "finance", "inv-d", 2_500, "退货 2 件")
    assert number.startswith("CN-")
    [inv] = receivables.customer_invoices(db, cid)
    assert (inv.number, inv.open_minor) == ("INV-D", 7_500)
    every = receivables.customer_invoices(db, cid, open_only=False)
    assert [(i.kind, i.amount_minor, i.open_minor) for i in every] == [
        ("invoice", 10_000, 7_500), ("credit_note", -2_500, 0)]
    with db.read() as s:
        cash = s.exec(select(Payment.amount_minor, Payment.method)).all()
        note = s.exec(select(Invoice).where(Invoice.number == number)).one()
    assert [tuple(c) for c in cash] == [(0, "credit_note")]
    assert note.reason == "退货 2 件" and note.corrects_invoice_id is not None
    with pytest.raises(InvalidInput, match="would exceed it"):
        receivables.credit_note(db, "finance", "INV-D", 8_000, "more")
    with pytest.raises(InvalidInput, match="reason is required"):
        receivables.credit_note(db, "finance", "INV-D", 100, " ")


def test_cod_remittance_pays_the_shipments_invoices(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 1)])
    result = _ship(db, w, oid)
    [(_k, amount, *_)] = _invoices(db, oid)
    rows = [Remittance(result.shipment.tracking_no, amount - 100),
            Remittance("SF000000000000", 5_000)]
    got = receivables.reconcile_cod(db, "finance", MONDAY, rows)
    assert len(got.matched) == 1
    assert got.differences == (
        (result.shipment.tracking_no, f"remitted {amount - 100}, open {amount}"),
        ("SF000000000000", "no shipment with this tracking number"),
    )
    assert _invoices(db, oid)[0][2] == amount - 100
    again = receivables.reconcile_cod(db, "finance", MONDAY,
                                      [Remittance(result.shipment.tracking_no, 100)])  # fmt: skip
    assert again.differences == () and _invoices(db, oid)[0][3] == "paid"


def test_paying_the_overdue_releases_an_overdue_credit_hold_only(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    _open_invoice(db, cid, 3_000, date(2026, 1, 1), "INV-E")
    set_customer(db, cid, credit_hold=True, credit_hold_reason="overdue 91+ days (final notice)")
    receivables.record_payment(db, "finance", cid, 3_000, MONDAY)
    with db.read() as s:
        c = s.get(Customer, cid)
    assert not c.credit_hold and c.credit_hold_reason.startswith("released on payment")
    other = customer(db)
    _open_invoice(db, other, 3_000, date(2026, 1, 1), "INV-F")
    set_customer(db, other, credit_hold=True, credit_hold_reason="disputed delivery")
    receivables.record_payment(db, "finance", other, 3_000, MONDAY)
    with db.read() as s:
        assert s.get(Customer, other).credit_hold  # a manager releases this one


# -- credit exposure ---------------------------------------------------------------------------


def _total(db, order_id):
    with db.read() as s:
        return s.get(Order, order_id).total_minor


def _exposure(db, cid, today=MONDAY, **kw):
    with db.read() as s:
        return receivables.credit_exposure(s, cid, today, **kw)


def test_credit_exposure_counts_approved_orders_not_yet_invoiced_once(db):
    from tests.stock_factories import approved, customer

    w = world(db)
    cid = customer(db)
    set_customer(db, cid, payment_terms="NET30")
    assert _exposure(db, cid) == (0, 0, 0)
    # approved, nothing shipped: all of it is committed
    waiting = approved(db, cid, [(w.shade, 2)])
    # allocated, then one lamp of three shipped: only the part not invoiced is committed
    part = approved(db, cid, [(w.lamp, 3)])
    from oms_tui.services import allocation

    allocation.allocate_order(db, "t", part)
    _ship(db, w, part, [1])
    [(_k, invoiced, *_)] = _invoices(db, part)
    assert 0 < invoiced < _total(db, part)
    # pending audit, and approved then cancelled: not committed
    orders.create_order(db, "clerk", cid, [orders.NewLine(w.lamp, 1)], submit=True)
    gone = approved(db, cid, [(w.lamp, 1)])
    orders.transition(db, "clerk", gone, S.CANCELLED, "customer changed their mind")
    # prepaid: invoiced at approval, so it counts on its invoice, not again as committed
    set_customer(db, cid, payment_terms="PREPAID")
    prepaid = approved(db, cid, [(w.shade, 1)])
    set_customer(db, cid, payment_terms="NET30")
    [(_k, prepaid_invoice, *_)] = _invoices(db, prepaid)
    assert prepaid_invoice == _total(db, prepaid)

    committed = _total(db, waiting) + _total(db, part) - invoiced
    # (as of the day the prepaid invoice was issued and fell due: nothing overdue yet)
    got = _exposure(db, cid, date.today())
    assert got == (invoiced + prepaid_invoice, committed, 0)
    assert got.total_minor == invoiced + prepaid_invoice + committed
    # the order being checked is left out (its caller adds it as "this order")
    assert _exposure(db, cid, exclude_order_id=waiting).committed_minor == committed - _total(
        db, waiting)  # fmt: skip
    # shipping the rest moves the remainder from committed to invoiced: the sum stays
    _ship(db, w, part)
    after = _exposure(db, cid, date.today())
    assert after.committed_minor == _total(db, waiting)
    assert after.total_minor == got.total_minor


def test_credit_exposure_nets_credit_on_account_and_ages_on_the_date_given(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    _open_invoice(db, cid, 10_000, MONDAY - timedelta(days=10), "INV-G")  # overdue
    _open_invoice(db, cid, 6_000, MONDAY + timedelta(days=10), "INV-H")  # not due
    assert _exposure(db, cid) == (16_000, 0, 10_000)
    with db.read() as s:  # as of an earlier day nothing was overdue yet
        assert receivables.credit_exposure(s, cid, MONDAY - timedelta(days=11)).overdue_minor == 0
    receivables.credit_note(db, "finance", "INV-H", 1_000, "price correction", issued=MONDAY)
    assert _exposure(db, cid) == (15_000, 0, 10_000)  # applied to INV-H: less owed
    receivables.record_payment(db, "finance", cid, 12_500, MONDAY, invoice_numbers=["INV-G"])
    # 2,500 over-paid stays on account: set against what is owed, overdue first
    assert _exposure(db, cid) == (5_000 - 2_500, 0, 0)
    receivables.record_payment(db, "finance", cid, 8_000, MONDAY)  # pays INV-H, 3,000 ahead
    assert _exposure(db, cid) == (-5_500, 0, 0)  # in credit


def test_over_limit_warning_names_both_parts():
    e = receivables.CreditExposure(450_00, 200_00, 0)
    assert receivables.over_limit_warning(e, 100_00, 700_00, "CNY") == (
        "over credit limit: owes ¥450.00 on invoices + ¥200.00 approved not invoiced "
        "+ this order ¥100.00 > ¥700.00")  # fmt: skip
    assert receivables.over_limit_warning(e, 50_00, 700_00, "CNY") is None  # exactly at it
    assert receivables.over_limit_warning(e, 10**9, 0, "CNY") is None  # 0: no limit


# -- dates against the caller's clock ---------------------------------------------------------


def test_a_payment_is_checked_against_the_callers_today_not_the_machines(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    _open_invoice(db, cid, 3_000, date(2020, 1, 1), "INV-J")
    set_customer(db, cid, credit_hold=True, credit_hold_reason="overdue 95 days: credit hold")
    then = date(2020, 3, 1)  # the app's clock, years behind the machine's
    with pytest.raises(InvalidInput, match="received in the future"):
        receivables.record_payment(db, "f", cid, 100, then + timedelta(days=2), today=then)
    receivables.record_payment(db, "finance", cid, 3_000, then, today=then)
    with db.read() as s:
        c = s.get(Customer, cid)
    assert not c.credit_hold and c.credit_hold_reason == "released on payment (finance, 2020-03-01)"
    # an app clock ahead of the machine's takes a payment received on its day
    ahead = date(2099, 1, 5)
    result = receivables.record_payment(db, "finance", cid, 100, ahead, today=ahead)
    assert result.unapplied_minor == 100
