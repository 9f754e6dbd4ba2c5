"""The invoice state machine: paid and open follow what was applied (``settle``).
(Every machine's table: test_machine.py.)"""

from __future__ import annotations

from datetime import date

import pytest

from oms_tui.models import Invoice
from oms_tui.services.states import invoice_states
from oms_tui.services.states.invoice_states import InvoiceStatus
from tests import state_factories

N = InvoiceStatus


def _invoice(db, amount_minor: int, kind: str = "invoice") -> int:
    order = state_factories.order(db)
    return state_factories.add(db, Invoice(
        number=f"T-{kind}", kind=kind, order_id=order.id, customer_id=order.customer_id,
        amount_minor=amount_minor, issued_on=date(2026, 12, 1), due_on=date(2026, 12, 31),
        created_by="chen"))  # fmt: skip


def _settled(db, invoice_id: int, paid_minor: int) -> str:
    with db.write() as s:
        inv = s.get(Invoice, invoice_id)
        inv.paid_minor = paid_minor
        invoice_states.settle(s, inv, "chen")
        return inv.status


@pytest.mark.parametrize(("kind", "amount", "steps"), [
    ("invoice", 10_000, [(4_000, N.OPEN), (10_000, N.PAID), (6_000, N.OPEN)]),
    ("credit_note", -3_000, [(-1_000, N.OPEN), (-3_000, N.PAID)]),
])  # fmt: skip
def test_settle_follows_what_was_applied(db, kind, amount, steps):
    invoice_id = _invoice(db, amount, kind)
    assert [_settled(db, invoice_id, paid) for paid, _ in steps] == [want for _, want in steps]


def test_a_void_invoice_stays_void(db):
    invoice_id = _invoice(db, 10_000)
    state_factories.moved(db, Invoice, invoice_id, invoice_states.move, N.VOID)
    text = state_factories.refused(db, Invoice, invoice_id, invoice_states.move, N.PAID)
    assert text == "an invoice that is void cannot become paid; possible: none (final)"
