"""Payments in other currencies (issue #15, item 5): a payment has its currency, pays
invoices in it, leaves credit in it; credit exposure and dunning no longer set one
currency's credit against another's invoices; ``oms verify`` checks a payment's currency;
the company currency cannot change once documents are in it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from oms_tui.models import Invoice, Payment, PaymentAllocation
from oms_tui.services.checks import invariants
from oms_tui.services.finance import aging, overdue, receivables
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import InvalidInput
from oms_tui.services.platform.settings import get_settings, set_setting
from tests.audit_factories import customer
from tests.factories import customer_before_0019, dun

DAY = date(2026, 11, 30)


def _invoice(db, cid: int, number: str, amount: int, due: date, currency: str = "CNY",
             kind: str = "invoice") -> None:  # fmt: skip
    with db.write() as s:
        s.add(Invoice(number=number, kind=kind, customer_id=cid, currency=currency,
                      amount_minor=amount, issued_on=min(due, DAY), due_on=due,
                      created_by="t"))  # fmt: skip


def _exposure(db, cid: int):
    with db.read() as s:
        return receivables.credit_exposure(s, cid, DAY)


def test_a_usd_payment_pays_usd_invoices_and_leaves_usd_credit(db):
    cid = customer(db, phone="13800002001")
    _invoice(db, cid, "INV-CNY", 5_000, DAY - timedelta(days=50))
    _invoice(db, cid, "INV-USD", 3_000, DAY - timedelta(days=40), "USD")
    paid = receivables.record_payment(db, "finance", cid, 4_000, DAY, today=DAY,
                                      currency="usd")  # fmt: skip
    assert paid.currency == "USD"
    assert [(a.invoice_number, a.amount_minor, a.left_minor) for a in paid.applied] == [
        ("INV-USD", 3_000, 0)]  # fmt: skip
    assert paid.unapplied_minor == 1_000  # kept on account, in USD
    with db.read() as s:
        assert s.exec(select(Payment.currency)).all() == ["USD"]
    # naming it with a CNY payment is refused; a USD payment naming a CNY invoice too
    with pytest.raises(InvalidInput, match="INV-CNY is in CNY: a payment in USD cannot pay it"):
        receivables.record_payment(db, "finance", cid, 100, DAY, today=DAY, currency="USD",
                                   invoice_numbers=["INV-CNY"])  # fmt: skip
    with pytest.raises(InvalidInput, match="currency 'US': three letters"):
        receivables.record_payment(db, "finance", cid, 100, DAY, today=DAY, currency="US")
    # the USD credit is not set against the CNY invoice: exposure, aging, dunning
    assert _exposure(db, cid) == (5_000, 0, 5_000)
    report = aging.aging(db, DAY)
    assert [(r.customer_id, r.total_minor, r.on_account_minor) for r in report.rows] == [
        (cid, 5_000, 0)]  # fmt: skip
    usd = aging.aging(db, DAY, currency="USD")
    assert [(r.total_minor, r.on_account_minor) for r in usd.rows] == [(-1_000, -1_000)]
    assert [(s.customer_id, s.level, s.overdue_minor) for s in dun(db, DAY)] == [
        (cid, 2, 5_000)]  # fmt: skip
    # a new USD invoice takes the USD credit on account (recorded in USD), not a CNY one
    _invoice(db, cid, "INV-USD2", 2_500, DAY)
    with db.write() as s:  # issued in USD
        s.exec(select(Invoice).where(Invoice.number == "INV-USD2")).one().currency = "USD"
    applied = receivables.apply_credit_on_account(db, "finance", cid, today=DAY)
    assert [(a.invoice_number, a.amount_minor) for a in applied.applied] == [("INV-USD2", 1_000)]
    with db.read() as s:
        record = s.exec(select(Payment).where(Payment.method == "on_account")).one()
    assert record.currency == "USD"
    assert invariants.verify(db) == []


def test_credit_in_another_currency_does_not_cover_what_is_overdue(db):
    """On the old code a USD credit note of 9,000 hid a CNY invoice 50 days overdue from
    dunning and from the credit exposure."""
    cid = customer(db, phone="13800002002")
    _invoice(db, cid, "INV-CNY", 5_000, DAY - timedelta(days=50))
    _invoice(db, cid, "INV-USD", 9_000, DAY - timedelta(days=60), "USD")
    receivables.credit_note(db, "finance", "INV-USD", 9_000, "returned", issued=DAY)
    with db.write() as s:  # the credit note's application to INV-USD
        note = s.exec(select(Invoice).where(Invoice.kind == "credit_note")).one()
        assert (note.currency, note.amount_minor, note.paid_minor) == ("USD", -9_000, -9_000)
    # and a USD over-payment: credit on account in USD
    receivables.record_payment(db, "finance", cid, 7_000, DAY, today=DAY, currency="USD")
    assert _exposure(db, cid) == (5_000, 0, 5_000)
    with db.read() as s:
        assert overdue.overdue_after_credit(s, DAY) == {cid: (50, 5_000)}
    assert [(s.level, s.overdue_minor) for s in dun(db, DAY)] == [(2, 5_000)]


def test_a_payment_applied_to_an_invoice_in_another_currency_is_reported(db):
    cid = customer(db, phone="13800002003")
    _invoice(db, cid, "INV-USD", 1_000, DAY, "USD")
    with db.write() as s:  # what the old code could not tell apart: a CNY payment on it
        inv = s.exec(select(Invoice).where(Invoice.number == "INV-USD")).one()
        pay = Payment(number="PAY-X", customer_id=cid, received_on=DAY, currency="CNY",
                      amount_minor=1_000, created_by="t")  # fmt: skip
        s.add(pay)
        s.flush()
        s.add(PaymentAllocation(payment_id=pay.id, invoice_id=inv.id, amount_minor=1_000))
        inv.paid_minor, inv.status = 1_000, "paid"
    assert [str(b) for b in invariants.verify(db)] == [
        "payment currency: PAY-X: in CNY is applied to INV-USD in USD"]  # fmt: skip


def test_the_company_currency_stays_once_documents_are_in_it(db):
    assert set_setting(db, "admin", "currency", "hkd").currency == "HKD"  # nothing in CNY yet
    with pytest.raises(InvalidInput, match="three letters"):
        set_setting(db, "admin", "currency", "HK$")
    cid = customer(db, phone="13800002004")
    _invoice(db, cid, "INV-HKD", 1_000, DAY, "HKD")
    with pytest.raises(InvalidInput, match="the company currency stays HKD: invoices are "
                       "already in it"):  # fmt: skip
        set_setting(db, "admin", "currency", "CNY")
    assert get_settings(db).currency == "HKD"
    assert set_setting(db, "admin", "currency", "HKD").currency == "HKD"  # the same: fine
    receivables.record_payment(db, "finance", cid, 500, DAY, today=DAY)
    with db.read() as s:
        assert s.exec(select(Payment.currency)).all() == ["HKD"]  # the company's


def test_payments_stored_before_get_the_company_currency(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'oms.db'}")
    schema.upgrade(db, "0015")
    cid = customer_before_0019(db, "C000001", "王小明")  # the customer table as 0015 had it
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO setting (key, value, updated_by, updated_at) VALUES "
                          "('currency', 'hkd', 'admin', '2026-01-05 09:00:00')"))  # fmt: skip
        conn.execute(text(
            "INSERT INTO payment (number, customer_id, received_on, amount_minor, method,"
            " reference, unapplied_minor, created_by, created_at) VALUES ('PAY-1', :cid,"
            " '2026-01-05', 100, 'bank', '', 100, 'a', '2026-01-05 09:00:00')"),
            {"cid": cid})  # fmt: skip
    schema.upgrade(db)
    with db.read() as s:
        assert s.exec(select(Payment.currency)).all() == ["HKD"]
    db.dispose()
