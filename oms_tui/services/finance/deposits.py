"""Deposits on returnable containers (the water company's barrels) in receivables.

The container ledger (``container_move``, written by ``shipping.delivery_runs``) counts the
containers at each customer's and the deposit the company holds for them. The money is
kept in receivables, apart from the goods: an order's total and its invoices never include
a deposit (pricing does not add it), so the deposit is billed and credited by documents of
its own, per settled stop, on the net change of the containers the customer holds:

- more full containers left than empties brought back: the deposit of the difference is
  billed on an invoice of its own (no order; the stop's shipment; its reason names the run
  and stop), issued on the run's day and due on the order's payment terms, so a
  cash-on-delivery customer pays it at the door with the goods and a customer on credit
  with their next payment;
- more empties brought back than full ones left: the deposit of the difference is
  credited with a credit note that corrects no invoice. It is credit on account, as an
  over-payment is: the customer's next invoices use it (automatically unless cash on
  delivery, or ``oms payment apply-credit``).

A stop that swaps as many empties as it leaves full bills and credits nothing.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from ...models import Invoice, Order
from ..platform.numbering import take_number
from ..platform.settings import load_settings
from .receivables import CREDIT_PREFIX, INVOICE_PREFIX, _auto_apply, due_dates


def bill_deposit_in(session: Session, actor: str, order: Order, amount_minor: int,
                    issued: date, shipment_id: int, reason: str) -> Invoice:  # fmt: skip
    """The deposit of the containers a stop left beyond the empties it brought back: an
    invoice of its own, due on the order's terms (the first date of installments);
    credit on account pays it as it pays any new invoice (not for cash on delivery)."""
    invoice = Invoice(
        number=take_number(session, INVOICE_PREFIX, issued.year), kind="invoice",
        shipment_id=shipment_id, customer_id=order.customer_id,
        currency=load_settings(session).currency.upper(), amount_minor=amount_minor,
        issued_on=issued, due_on=due_dates(order.payment_terms, issued)[0],
        reason=reason, created_by=actor,
    )  # fmt: skip
    session.add(invoice)
    session.flush()
    _auto_apply(session, actor, order, [invoice], issued)
    return invoice


def credit_deposit_in(session: Session, actor: str, customer_id: int, amount_minor: int,
                      issued: date, shipment_id: int, reason: str) -> Invoice:  # fmt: skip
    """The deposit of the empties a stop brought back beyond the full ones it left: a
    credit note correcting no invoice, kept as credit on the customer's account."""
    note = Invoice(
        number=take_number(session, CREDIT_PREFIX, issued.year), kind="credit_note",
        shipment_id=shipment_id, customer_id=customer_id,
        currency=load_settings(session).currency.upper(), amount_minor=-amount_minor,
        issued_on=issued, due_on=issued, reason=reason, created_by=actor,
    )  # fmt: skip
    session.add(note)
    session.flush()
    return note
