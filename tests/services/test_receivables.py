"""Receivables: terms to due dates, invoices from shipments and at approval for prepaid
orders, payments (oldest first, chosen, partial, over), credit notes, COD remittances."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from oms_tui.models import Customer, Invoice, Order, Payment, PaymentAllocation
from oms_tui.services.finance import cod_remittances, overdue, receivables
from oms_tui.services.finance.cod_remittances import Remittance
from oms_tui.services.finance.receivables import due_dates
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.sales import orders
from oms_tui.services.shipping import dispatch
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import set_customer
from tests.dispatch_factories import allocated_order, world
from tests.stock_factories import approved

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
    from oms_tui.services.fulfilment import allocation

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
        ("INV-B", 5_000, 0),
        ("INV-A", 3_000, 7_000),
    ]  # oldest due first, partial
    chosen = receivables.record_payment(db, "finance", cid, 2_000, MONDAY, "wechat",
                                        invoice_numbers=["inv-c"])  # fmt: skip
    assert [(a.invoice_number, a.amount_minor) for a in chosen.applied] == [("INV-C", 2_000)]
    over = receivables.record_payment(db, "finance", cid, 20_000, MONDAY, "cash")
    assert [(a.invoice_number, a.amount_minor) for a in over.applied] == [
        ("INV-A", 7_000),
        ("INV-C", 5_000),
    ]
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
        ("invoice", 10_000, 7_500),
        ("credit_note", -2_500, 0),
    ]
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
    rows = [
        Remittance(result.shipment.tracking_no, amount - 100),
        Remittance("SF000000000000", 5_000),
    ]
    got = cod_remittances.reconcile_cod(db, "finance", MONDAY, rows)
    assert len(got.matched) == 1
    assert got.differences == (
        (result.shipment.tracking_no, f"remitted {amount - 100}, open {amount}"),
        ("SF000000000000", "no shipment with this tracking number"),
    )
    assert _invoices(db, oid)[0][2] == amount - 100
    # the rest, in another remittance of the same day (its own reference)
    again = cod_remittances.reconcile_cod(db, "finance", MONDAY,
                                          [Remittance(result.shipment.tracking_no, 100,
                                                      "补款 R-2")])  # fmt: skip
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
    assert not c.credit_hold
    assert c.credit_hold_reason.startswith("released automatically on payment")
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
    from oms_tui.services.fulfilment import allocation

    allocation.allocate_order(db, "t", part)
    _ship(db, w, part, [1])
    [(_k, invoiced, *_)] = _invoices(db, part)
    assert 0 < invoiced < _total(db, part)
    # pending audit, and approved then cancelled: not committed
    orders.create_order(db, "clerk", cid, [orders.NewLine(w.lamp, 1)], submit=True)
    gone = approved(db, cid, [(w.lamp, 1)])
    orders.transition(db, "manager", gone, S.CANCELLED, "customer changed their mind")
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
    assert not c.credit_hold
    assert c.credit_hold_reason == "released automatically on payment (finance, 2020-03-01)"
    # an app clock ahead of the machine's takes a payment received on its day
    ahead = date(2099, 1, 5)
    result = receivables.record_payment(db, "finance", cid, 100, ahead, today=ahead)
    assert result.unapplied_minor == 100


# -- credit on account applied to invoices ------------------------------------------------------


def _set_terms(db, order_id, terms, method):
    with db.write() as s:
        order = s.get(Order, order_id)
        order.payment_terms, order.payment_method = terms, method
        s.add(order)


def _payments(db, cid):
    """(number, method, amount, unapplied, received, reference, by) of the customer's
    payments, and {payment number: [(invoice number, amount), ...]}."""
    with db.read() as s:
        pays = s.exec(select(Payment).where(Payment.customer_id == cid).order_by(Payment.id)).all()
        allocs = s.exec(
            select(Payment.number, Invoice.number, PaymentAllocation.amount_minor)
            .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
            .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
            .where(Payment.customer_id == cid).order_by(PaymentAllocation.id)
        ).all()  # fmt: skip
    by_payment: dict[str, list[tuple[str, int]]] = {}
    for p, i, a in allocs:
        by_payment.setdefault(p, []).append((i, a))
    rows = [(p.number, p.method, p.amount_minor, p.unapplied_minor, p.received_on, p.reference,
             p.created_by) for p in pays]  # fmt: skip
    return rows, by_payment


def _invoice_rows(db, cid):
    with db.read() as s:
        return [(i.number, i.amount_minor, i.paid_minor, i.status) for i in s.exec(
            select(Invoice).where(Invoice.customer_id == cid)
            .order_by(Invoice.due_on, Invoice.id))]  # fmt: skip


def _on_account(db, cid):
    """The aging's credit on account column for the customer as of a day (0 when absent)."""
    from oms_tui.services.finance import aging

    def as_of(day):
        return next((r.on_account_minor for r in aging.aging(db, day).rows
                     if r.customer_id == cid), 0)  # fmt: skip

    return as_of


def test_an_over_payment_pays_the_next_invoice_when_it_is_issued(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 1)])
    _set_terms(db, oid, "NET30", "credit")
    cid = _customer_of(db, oid)
    ahead = receivables.record_payment(db, "finance", cid, 3_000, MONDAY - timedelta(days=5),
                                       reference="订金", today=MONDAY)  # fmt: skip
    assert (ahead.applied, ahead.unapplied_minor) == ((), 3_000)  # nothing open yet
    total = _total(db, oid)
    assert total > 3_000
    _ship(db, w, oid)  # "packer" ships on MONDAY: the invoice takes the credit at once
    [(number, amount, paid, status)] = _invoice_rows(db, cid)
    assert (amount, paid, status) == (total, 3_000, "open")
    rows, allocs = _payments(db, cid)
    assert rows == [
        (ahead.number, "bank", 3_000, 3_000, MONDAY - timedelta(days=5), "订金", "finance"),
        (rows[1][0], "on_account", 0, -3_000, MONDAY,
         f"credit on account from payment {ahead.number}", "packer"),
    ]  # fmt: skip
    assert allocs == {rows[1][0]: [(number, 3_000)]}
    assert _exposure(db, cid).open_invoices_minor == total - 3_000
    # the aging as of the day before still has the credit on account and no invoice
    on_account = _on_account(db, cid)
    assert (on_account(MONDAY - timedelta(days=1)), on_account(MONDAY)) == (-3_000, 0)
    # a later invoice finds nothing left: no application recorded
    second = approved(db, cid, [(w.shade, 1)])
    _set_terms(db, second, "NET30", "credit")
    from oms_tui.services.fulfilment import allocation

    allocation.allocate_order(db, "t", second)
    _ship(db, w, second)
    assert len(_payments(db, cid)[0]) == 2


def test_credit_oldest_first_pays_installments_oldest_due_first(db):
    w = world(db)
    oid = allocated_order(db, [(w.lamp, 3)])
    _set_terms(db, oid, "INST3", "installments")
    cid = _customer_of(db, oid)
    _open_invoice(db, cid, 1_000, date(2026, 11, 1), "INV-OLD")
    note = receivables.credit_note(
        db, "finance", "INV-OLD", 1_000, "退货", issued=date(2026, 11, 20)
    )  # settles INV-OLD, no rest
    ahead = receivables.record_payment(db, "finance", cid, 700, date(2026, 11, 25),
                                       today=MONDAY)  # fmt: skip
    _open_invoice(db, cid, 4_000, date(2026, 11, 2), "INV-CN")
    later_note = receivables.credit_note(db, "finance", "INV-CN", 4_000, "价格更正",
                                         issued=date(2026, 11, 10))  # fmt: skip
    # INV-CN was open: the note paid it all, nothing left on account from it
    receivables.record_payment(db, "finance", cid, 500, date(2026, 11, 3), today=MONDAY)
    # 500 on 11-03 (older) and 700 on 11-25 over-paid: 1,200 on account
    assert _exposure(db, cid).open_invoices_minor == -1_200
    _ship(db, w, oid)
    rows = [r for r in _invoice_rows(db, cid) if r[0] not in ("INV-OLD", "INV-CN")]
    inst = [r for r in rows if r[1] > 0]
    assert len(inst) == 3 and all(r[1] > 1_200 for r in inst)
    assert [(r[2], r[3]) for r in inst] == [(1_200, "open"), (0, "open"), (0, "open")]
    pays, allocs = _payments(db, cid)
    older = next(p for p in pays if p[2] == 500)[0]
    applications = [p for p in pays if p[1] == "on_account"]
    assert [(p[3], p[5]) for p in applications] == [
        (-500, f"credit on account from payment {older}"),
        (-700, f"credit on account from payment {ahead.number}"),
    ]
    assert [allocs[p[0]] for p in applications] == [[(inst[0][0], 500)], [(inst[0][0], 700)]]
    assert note.startswith("CN-") and later_note.startswith("CN-")
    assert _exposure(db, cid).open_invoices_minor == sum(r[1] for r in inst) - 1_200


def test_a_credit_note_rest_pays_a_prepaid_invoice_at_approval(db):
    from tests.stock_factories import customer

    w = world(db)
    cid = customer(db)
    _open_invoice(db, cid, 2_000, date(2026, 11, 1), "INV-P")
    receivables.record_payment(db, "finance", cid, 2_000, date(2026, 11, 5), today=MONDAY)
    cn = receivables.credit_note(db, "finance", "INV-P", 1_500, "退货 (paid already)",
                                 issued=date(2026, 11, 6))  # fmt: skip
    assert _exposure(db, cid).open_invoices_minor == -1_500  # all of it on account
    set_customer(db, cid, payment_terms="PREPAID")
    view = orders.create_order(db, "clerk", cid, [orders.NewLine(w.shade, 1)], submit=True)
    orders.transition(db, "auditor", view.id, S.APPROVED, "ok")  # invoiced today, in full
    [(kind, amount, paid, status, _due)] = _invoices(db, view.id)
    assert (kind, amount, paid, status) == ("invoice", view.total_minor, 1_500, "open")
    pays, allocs = _payments(db, cid)
    [app] = [p for p in pays if p[1] == "on_account"]
    assert (app[2], app[3], app[4], app[5], app[6]) == (
        0,
        0,
        date.today(),
        f"credit on account from credit note {cn}",
        "auditor",
    )
    [inv_number] = [n for n, *_ in _invoice_rows(db, cid) if n not in ("INV-P", cn)]
    assert allocs[app[0]] == [(inv_number, 1_500), (cn, -1_500)]
    assert [r for r in _invoice_rows(db, cid) if r[0] == cn] == [(cn, -1_500, -1_500, "paid")]


def test_auto_apply_off_then_apply_credit_now_oldest_due_first(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    receivables.set_receivables_setting(db, "admin", "credit_auto_apply", 0)
    assert receivables.get_receivables_settings(db).credit_auto_apply == 0
    with pytest.raises(InvalidInput, match="credit_auto_apply must be 0"):
        receivables.set_receivables_setting(db, "admin", "credit_auto_apply", 2)
    ahead = receivables.record_payment(db, "finance", cid, 5_000, MONDAY - timedelta(days=40),
                                       today=MONDAY)  # fmt: skip
    _open_invoice(db, cid, 3_000, MONDAY - timedelta(days=10), "INV-B2")
    _open_invoice(db, cid, 4_000, MONDAY - timedelta(days=100), "INV-A1")  # due first
    _open_invoice(db, cid, 9_000, MONDAY + timedelta(days=3), "INV-LATER")  # issued later
    set_customer(db, cid, credit_hold=True, credit_hold_reason="overdue 100 days: credit hold")
    got = receivables.apply_credit_on_account(db, "finance", cid, today=MONDAY)
    assert [(a.invoice_number, a.amount_minor, a.left_minor, a.source) for a in got.applied] == [
        ("INV-A1", 4_000, 0, f"payment {ahead.number}"),
        ("INV-B2", 1_000, 2_000, f"payment {ahead.number}"),
    ]  # fmt: skip
    assert (got.applied_minor, got.on_account_minor) == (5_000, 0)
    assert got.applied[0].number == got.applied[1].number  # one record for one credit
    assert _invoice_rows(db, cid) == [("INV-A1", 4_000, 4_000, "paid"),
                                      ("INV-B2", 3_000, 1_000, "open"),
                                      ("INV-LATER", 9_000, 0, "open")]  # fmt: skip
    with db.read() as s:
        c = s.get(Customer, cid)
    assert not c.credit_hold  # what is overdue now is 10 days: no hold
    again = receivables.apply_credit_on_account(db, "finance", cid, today=MONDAY)
    assert (again.applied, again.on_account_minor) == ((), 0)
    on_account = _on_account(db, cid)
    assert (on_account(MONDAY - timedelta(days=1)), on_account(MONDAY)) == (-5_000, 0)
    from oms_tui.services.finance import aging

    collected = aging.collections(db, MONDAY - timedelta(days=60), MONDAY, by="day")
    assert (collected.payments, collected.amount_minor) == (1, 5_000)  # money, not moves


def test_credit_pays_only_invoices_of_its_currency_and_a_cod_order_keeps_its_total(db):
    from tests.stock_factories import customer

    w = world(db)
    cid = customer(db)
    receivables.record_payment(db, "finance", cid, 800, MONDAY, today=MONDAY)  # CNY credit
    with db.write() as s:
        s.add(Invoice(number="INV-USD", customer_id=cid, currency="USD", amount_minor=1_000,
                      issued_on=MONDAY, due_on=MONDAY, created_by="t"))  # fmt: skip
        # settled outside oms
        s.add(Invoice(number="INV-USD-PAID", customer_id=cid, currency="USD",
                      amount_minor=1_000, paid_minor=1_000, status="paid", issued_on=MONDAY,
                      due_on=MONDAY, created_by="t"))  # fmt: skip
    result = receivables.apply_credit_on_account(db, "finance", cid, today=MONDAY)
    assert (result.applied, result.on_account_minor) == ((), 800)
    receivables.credit_note(db, "finance", "INV-USD", 1_000, "取消", issued=MONDAY)  # closed
    usd_note = receivables.credit_note(db, "finance", "INV-USD-PAID", 300, "折让", issued=MONDAY)
    _open_invoice(db, cid, 1_500, MONDAY, "INV-CNY")
    result = receivables.apply_credit_on_account(db, "finance", cid, today=MONDAY)
    assert [(a.invoice_number, a.amount_minor, a.source) for a in result.applied] == [
        ("INV-CNY", 800, result.applied[0].source)
    ]
    assert result.applied[0].source.startswith("payment PAY-")
    assert result.on_account_minor == 0  # in CNY: the USD credit note is not added to it
    # the USD credit note waits for a USD invoice
    assert [r for r in _invoice_rows(db, cid) if r[0] == usd_note] == [(usd_note, -300, 0, "open")]
    # a cash-on-delivery order's invoice is collected at the door: the credit waits
    oid = allocated_order(db, [(w.shade, 1)])
    cod_customer = _customer_of(db, oid)
    receivables.record_payment(db, "finance", cod_customer, 800, MONDAY, today=MONDAY)
    _ship(db, w, oid)
    [(_kind, amount, paid, status, _due)] = _invoices(db, oid)
    assert (paid, status) == (0, "open") and amount == _total(db, oid)
    assert [p[1] for p in _payments(db, cod_customer)[0]] == ["bank"]


def test_a_payment_in_the_company_currency_pays_only_its_invoices(db):
    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    with db.write() as s:  # the oldest is in USD
        s.add(Invoice(number="INV-USD", customer_id=cid, currency="USD", amount_minor=1_000,
                      issued_on=MONDAY, due_on=MONDAY - timedelta(days=40),
                      created_by="t"))  # fmt: skip
    _open_invoice(db, cid, 600, MONDAY - timedelta(days=10), "INV-CNY")
    # oldest first takes the CNY invoice only; the rest is kept on account, in CNY
    paid = receivables.record_payment(db, "finance", cid, 1_000, MONDAY, today=MONDAY)
    assert [(a.invoice_number, a.amount_minor) for a in paid.applied] == [("INV-CNY", 600)]
    assert paid.unapplied_minor == 400
    # naming the USD invoice (with a CNY one) is refused at the field, nothing is recorded
    _open_invoice(db, cid, 300, MONDAY, "INV-CNY2")
    before = _payments(db, cid)
    with pytest.raises(InvalidInput, match="INV-USD is in USD: a payment in CNY cannot "
                       "pay it") as refused:  # fmt: skip
        receivables.record_payment(db, "finance", cid, 1_000, MONDAY, today=MONDAY,
                                   invoice_numbers=["INV-CNY2", "inv-usd"])  # fmt: skip
    assert refused.value.field == "invoices"
    assert _payments(db, cid) == before
    assert [r for r in _invoice_rows(db, cid) if r[0] == "INV-USD"] == [
        ("INV-USD", 1_000, 0, "open")]  # fmt: skip
    # a COD remittance for a USD shipment is listed for a person, the others still paid
    from oms_tui.models import Shipment
    from tests.stock_factories import warehouse

    wid = warehouse(db, "SZ")
    with db.write() as s:
        for cur, n in (("USD", 1), ("CNY", 2)):
            order = Order(number=f"SO-FX{n}", customer_id=cid, total_minor=500, currency=cur,
                          created_by="t")  # fmt: skip
            s.add(order)
            s.flush()
            sh = Shipment(number=f"SH-FX{n}", order_id=order.id, warehouse_id=wid,
                          tracking_no=f"FX{n}", created_by="t")  # fmt: skip
            s.add(sh)
            s.flush()
            s.add(Invoice(number=f"INV-FX{n}", customer_id=cid, currency=cur, order_id=order.id,
                          shipment_id=sh.id, amount_minor=500, issued_on=MONDAY,
                          due_on=MONDAY, created_by="t"))  # fmt: skip
    got = cod_remittances.reconcile_cod(db, "finance", MONDAY, [Remittance("FX1", 500),
                                        Remittance("FX2", 500)], today=MONDAY)  # fmt: skip
    assert len(got.matched) == 1
    assert got.differences == (("FX1", "INV-FX1 is in USD: a payment in CNY cannot pay "
                                "it"),)  # fmt: skip
    assert [r[2:] for r in _invoice_rows(db, cid) if r[0].startswith("INV-FX")] == [
        (0, "open"), (500, "paid")]  # fmt: skip


def test_two_clerks_applying_the_same_credit_at_once_spend_it_once(db):
    import threading

    from tests.stock_factories import customer

    world(db)
    cid = customer(db)
    receivables.record_payment(db, "finance", cid, 1_000, MONDAY, today=MONDAY)
    for n in range(4):
        _open_invoice(db, cid, 700, MONDAY - timedelta(days=n), f"INV-T{n}")
    start = threading.Barrier(4)
    results, errors = [], []

    def clerk(name):
        start.wait()
        try:
            results.append(receivables.apply_credit_on_account(db, name, cid, today=MONDAY))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=clerk, args=(name,))  # four who may apply credit
               for name in ("finance", "manager", "admin", "li")]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(r.applied_minor for r in results) == 1_000
    assert [r[2] for r in _invoice_rows(db, cid)] == [700, 300, 0, 0]  # oldest due first
    pays, allocs = _payments(db, cid)
    assert [p[3] for p in pays] == [1_000, -1_000]  # one application, by whoever came first


# -- property: whatever happens, the books balance ----------------------------------------------

START = date(2026, 1, 5)
TERMS = {"NET30": "credit", "EOM30": "credit", "PREPAID": "prepaid", "INST3": "installments",
         "COD": "cod"}  # fmt: skip
_steps = st.integers(0, 12)  # days between one step and the next
_ops = st.lists(st.one_of(
    st.tuples(st.just("invoice"), st.integers(1, 40_000), st.sampled_from(sorted(TERMS)),
              _steps),
    st.tuples(st.just("pay"), st.integers(1, 50_000), st.booleans(), _steps),
    st.tuples(st.just("credit"), st.integers(0, 99), st.integers(1, 100), _steps),
    st.tuples(st.just("apply"), st.just(0), st.just(0), _steps),
    st.tuples(st.just("auto"), st.integers(0, 1), st.just(0), _steps),
), min_size=1, max_size=14)  # fmt: skip


def _invoice_in(db, w, cid, amount, terms, day):
    """An order of ``amount`` on ``terms`` invoiced on ``day`` by the receivables service
    (at approval when prepaid, else on a shipment); returns the new invoices' ids."""
    from oms_tui.models import Shipment

    with db.write() as s:
        order = Order(number=f"SO-P{next(_prop_seq)}", customer_id=cid, status="shipped",
                      payment_terms=terms, payment_method=TERMS[terms], total_minor=amount,
                      created_by="clerk")  # fmt: skip
        s.add(order)
        s.flush()
        if terms == "PREPAID":
            new = receivables.invoice_order_in(s, "auditor", order, day)
        else:
            sh = Shipment(number=f"SH-P{next(_prop_seq)}", order_id=order.id, warehouse_id=w,
                          created_by="packer")  # fmt: skip
            s.add(sh)
            s.flush()
            new = receivables.invoice_shipment_in(s, "packer", order, sh, day)
        return [i.id for i in new]


def _books(db, cid):
    """Every figure the property compares, from the rows."""
    with db.read() as s:
        invoices = s.exec(select(Invoice).where(Invoice.customer_id == cid,
                                                Invoice.status != "void")).all()  # fmt: skip
        pays = s.exec(select(Payment).where(Payment.customer_id == cid)).all()
        allocs = s.exec(select(PaymentAllocation).join(Payment).where(
            Payment.customer_id == cid)).all()  # fmt: skip
    by_invoice, by_payment = {}, {}
    for a in allocs:
        by_invoice[a.invoice_id] = by_invoice.get(a.invoice_id, 0) + a.amount_minor
        by_payment[a.payment_id] = by_payment.get(a.payment_id, 0) + a.amount_minor
    for i in invoices:
        assert i.paid_minor == by_invoice.get(i.id, 0), i.number
        lo, hi = sorted((0, i.amount_minor))
        assert lo <= i.paid_minor <= hi, i.number  # never over-paid, never over-used
        assert i.status == ("paid" if i.paid_minor == i.amount_minor else "open"), i.number
    left: dict[str, int] = {}  # what is left of each over-payment
    for p in pays:
        assert by_payment.get(p.id, 0) + p.unapplied_minor == p.amount_minor, p.number
        if p.method == "on_account":
            assert p.amount_minor == 0 and p.unapplied_minor <= 0, p.number
            assert p.reference.startswith("credit on account from "), p.number
            if p.unapplied_minor:  # from an over-payment: it names that payment
                ref = p.reference.removeprefix("credit on account from payment ")
                left[ref] = left.get(ref, 0) + p.unapplied_minor
        else:
            assert p.unapplied_minor >= 0, p.number
            left[p.number] = left.get(p.number, 0) + p.unapplied_minor
    assert all(v >= 0 for v in left.values()), left  # no credit spent twice
    owes = sum(i.amount_minor for i in invoices) - sum(p.amount_minor for p in pays)
    open_invoices = sum(i.amount_minor - i.paid_minor for i in invoices if i.amount_minor > 0)
    on_account = sum(p.unapplied_minor for p in pays) - sum(
        i.amount_minor - i.paid_minor for i in invoices if i.amount_minor < 0
    )
    return owes, open_invoices, on_account, {i.id: i for i in invoices}


def _aging_total(db, cid, day):
    from oms_tui.services.finance import aging

    return next((r.total_minor for r in aging.aging(db, day).rows if r.customer_id == cid), 0)


_prop_seq = itertools.count(1)


@pytest.fixture
def books_world(db):
    from tests.stock_factories import warehouse

    return db, warehouse(db, "HZ")


# Histories tried per engine. SQLite explores the property's space; on PostgreSQL, where
# an example costs about four times as much (a round trip per statement), fewer show that
# the same rules hold on its SQL (row locks, types, ordering).
EXAMPLES = {"sqlite": 25, "postgresql": 8}


def test_any_history_keeps_open_invoices_less_credit_equal_to_what_is_owed(books_world):
    """Invoices (every kind of terms), payments (some naming an invoice, so over-paid),
    credit notes, credit applied now, the automatic application switched on and off: after
    every step, open invoices - credit on account = invoiced - credited - paid, which the
    credit exposure and the aging show too; a new invoice and credit on account are not
    both left open while the setting is on (COD aside); and the aging as of every earlier
    day still shows what was owed at the end of that day."""
    db, w = books_world

    @settings(max_examples=EXAMPLES[db.dialect], deadline=None,
              suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
    @given(ops=_ops)
    def any_history(ops):
        _keeps_the_books(db, w, ops)

    any_history()


def _keeps_the_books(db, w, ops):
    """One history (``ops``) on a customer of its own, checked after every step."""
    from oms_tui.models import Customer

    with db.write() as s:
        customer = Customer(code=f"P{next(_prop_seq)}", name="性质测试")
        s.add(customer)
        s.flush()
        cid = customer.id
    receivables.set_receivables_setting(db, "t", "credit_auto_apply", 1)
    auto, day, at_end_of = True, START, {}
    for kind, a, b, step in ops:
        day += timedelta(days=step)
        new: list[int] = []
        if kind == "invoice":
            new = _invoice_in(db, w, cid, a, b, day)
        elif kind == "pay":
            named = None
            if b:
                named = [v.number for v in receivables.customer_invoices(db, cid)
                         if v.kind == "invoice"][:1] or None  # fmt: skip
            receivables.record_payment(db, "finance", cid, a, day, invoice_numbers=named,
                                       today=day)  # fmt: skip
        elif kind == "credit":
            every = [v for v in receivables.customer_invoices(db, cid, open_only=False)
                     if v.kind == "invoice"]  # fmt: skip
            if every:
                target = every[a % len(every)]
                with db.read() as s:
                    corrected = s.exec(select(Invoice.id).where(Invoice.number == target.number))
                    notes = select(Invoice.amount_minor).where(
                        Invoice.corrects_invoice_id == corrected.one()
                    )
                    room = target.amount_minor + sum(s.exec(notes).all())  # not yet credited
                if room > 0:
                    receivables.credit_note(
                        db, "finance", target.number, max(1, room * b // 100), "退货", issued=day
                    )
        elif kind == "apply":
            got = receivables.apply_credit_on_account(db, "finance", cid, today=day)
            if got.applied:
                event("credit applied now")
            owes, open_invoices, on_account, rows = _books(db, cid)
            assert on_account == 0 or open_invoices == 0
        else:
            auto = bool(a)
            receivables.set_receivables_setting(db, "t", "credit_auto_apply", a)
        owes, open_invoices, on_account, rows = _books(db, cid)
        assert open_invoices - on_account == owes
        with db.read() as s:
            exposure = receivables.credit_exposure(s, cid, day)
            assert exposure.open_invoices_minor == owes
            # dunning's overdue is the exposure's: overdue less credit, oldest first
            late = overdue.overdue_after_credit(s, day).get(cid)
            assert (late.minor if late else 0) == exposure.overdue_minor
            if late:
                assert 0 < late.days <= (day - START).days
        assert _aging_total(db, cid, day) == owes
        if new and auto and b != "COD":
            paid_in_full = all(rows[i].paid_minor == rows[i].amount_minor for i in new)
            assert paid_in_full or on_account == 0, (kind, a, b)
            if any(rows[i].paid_minor for i in new):
                event("a new invoice took credit on account")
        at_end_of[day] = owes
    for when, owed in at_end_of.items():  # history: applications count from their day
        assert _aging_total(db, cid, when) == owed, when
    assert _aging_total(db, cid, START - timedelta(days=1)) == 0
