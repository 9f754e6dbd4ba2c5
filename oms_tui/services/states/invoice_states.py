"""The invoice (and credit note) state machine: open -> paid as payments are applied (back
to open if one is taken back), void for one cancelled before anything was paid. Every
change goes through ``move``. An invoice has no event table: its status follows the
payments applied to it, and those ``payment_allocation`` rows (with their payment's who
and when), written by the caller, are the record of the change."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from .machine import Machine

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import Invoice


class InvoiceStatus(StrEnum):
    OPEN = "open"  # something left to pay (or, for a credit note, to use)
    PAID = "paid"  # settled
    VOID = "void"  # cancelled: counts nowhere (no service voids yet; reports skip them)


TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.OPEN: frozenset({InvoiceStatus.PAID, InvoiceStatus.VOID}),
    InvoiceStatus.PAID: frozenset({InvoiceStatus.OPEN}),
    InvoiceStatus.VOID: frozenset(),
}

MACHINE = Machine("invoice", InvoiceStatus, TRANSITIONS)


def move(session: Session, invoice: Invoice, to: str, actor: str) -> InvoiceStatus:
    """The one way an invoice's status changes: checks the move and sets the status (the
    caller writes the payment allocation that caused it). ``actor`` is who made the change,
    as for every other document (an invoice keeps no row of it). Returns the status it came
    from."""
    del actor  # the payment the caller applies names who
    frm, _ = MACHINE.change(invoice, to)
    session.add(invoice)
    return frm


def settle(session: Session, invoice: Invoice, actor: str) -> None:
    """After a payment (or credit) was applied: paid once nothing is left to pay (an
    invoice paid up to its amount, a credit note used down to its negative amount), open
    while something is."""
    if invoice.kind == "credit_note":
        settled = invoice.paid_minor <= invoice.amount_minor
    else:
        settled = invoice.paid_minor >= invoice.amount_minor
    target = InvoiceStatus.PAID if settled else InvoiceStatus.OPEN
    if invoice.status != target:
        move(session, invoice, target, actor)
