"""The invoice (and credit note) state machine: open -> paid as payments are applied (back
to open if one is taken back), void for one cancelled before anything was paid. Every
change goes through ``move``. An invoice has no event table: its status follows the
payments applied to it, and those ``payment_allocation`` rows (with their payment's who
and when), written by the caller, are the record of the change."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlmodel import col, select

from ...i18n import N_
from ...models import Payment, PaymentAllocation
from .machine import Change, Machine, expect_version

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

# How a refusal says each status (i18n.shown reads them back; "open" alone is the key word).
LABELS = {InvoiceStatus.OPEN: N_("still open"), InvoiceStatus.PAID: N_("paid"),
          InvoiceStatus.VOID: N_("void")}  # fmt: skip

MACHINE = Machine(N_("invoice"), InvoiceStatus, TRANSITIONS, a_noun=N_("an invoice"),
                  labels=LABELS)  # fmt: skip


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


def last_change(session: Session, invoice: Invoice) -> Change | None:
    """Who changed the invoice last and when: the newest payment (or credit) applied to it,
    else its issue."""
    row = session.execute(
        select(Payment.created_by, Payment.created_at, Payment.number)
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .where(PaymentAllocation.invoice_id == invoice.id)
        .order_by(col(PaymentAllocation.id).desc()).limit(1)
    ).first()  # fmt: skip
    if row is not None:
        return Change(row[0], row[1], f"{row[2]} applied")
    return Change(invoice.created_by, invoice.created_at, "issued")


def check_version(session: Session, invoice: Invoice, expected: int | None) -> None:
    """Refuse a payment or credit chosen against another version of the invoice."""
    expect_version(invoice, expected, invoice.number, lambda: last_change(session, invoice))
