"""`oms verify`: every invariant over the database; one line per failure, exit 1 when any."""

from __future__ import annotations

from sqlmodel import select

from oms_tui.models import Payment
from tests.cli.runner import oms
from tests.services.test_invariants import _day


def test_verify_says_all_holds_then_names_each_failure(sqlite_db):
    _day(sqlite_db)
    ok = oms("--db", sqlite_db.url, "verify")
    assert ok.exit_code == 0, ok.stderr
    assert ok.stdout == ""
    assert ok.stderr.strip() == "Every invariant holds: order totals, invoices, payments, stock."

    with sqlite_db.write() as s:  # a payment that no longer adds up
        payment = s.exec(select(Payment).where(Payment.unapplied_minor > 0)).one()
        payment.amount_minor += 100
        s.add(payment)
        number, applied = payment.number, payment.amount_minor - 100 - payment.unapplied_minor
    bad = oms("--db", sqlite_db.url, "verify")
    assert bad.exit_code == 1
    assert bad.stdout.splitlines() == [
        f"payment: {number}: amount is {payment.amount_minor}, applied {applied} + on account "
        f"{payment.unapplied_minor} make {payment.amount_minor - 100}"
    ]
    assert bad.stderr.strip() == "oms: 1 broken invariant"
