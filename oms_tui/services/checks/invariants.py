"""Every invariant the services keep, checked over the whole database (``oms verify``).

Each is a grouped query that returns only the rows breaking it, so a clean database of a
million orders answers in a few queries:

- an order's totals are its lines': subtotal = sum of qty x unit price, discount = sum of
  the line discounts, each line's total = qty x unit price - its discount, and the total =
  subtotal - discount + shipping (+ tax when prices exclude it);
- an order is not invoiced beyond its total (its invoices, credit notes aside);
- an invoice's paid amount is the sum of the payments (and credits) applied to it, and its
  status follows (paid once nothing is left, open while something is; void aside);
- a payment's amount is what it applied plus what it left on account (``unapplied``);
- a payment is applied only to invoices (and credit notes) in its own currency;
- stock: every level is its ledger and its open reservations (``stock.verify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, or_, select

from ...i18n import N_, shown
from ...models import Invoice, Order, OrderLine, Payment, PaymentAllocation
from ..inventory import stock
from ..platform.db import Database
from ..platform.permissions import anyone

if TYPE_CHECKING:
    from sqlmodel import Session


# The checks, by the name a finding gives (read back by ``i18n.shown`` where shown).
ORDER_TOTALS = N_("order totals")
INVOICED = N_("invoiced")
INVOICE_PAID = N_("invoice paid")
INVOICE_STATUS = N_("invoice status")
PAYMENT = N_("payment")
PAYMENT_CURRENCY = N_("payment currency")
STOCK = N_("stock")


@dataclass(frozen=True)
class Broken:
    """One invariant broken by one document: which check, which document, what is wrong
    (the check and the text in English, each read back by ``i18n.shown`` where shown)."""

    check: str  # ORDER_TOTALS, INVOICED, INVOICE_PAID, ... STOCK
    subject: str  # the document's number (a product @ warehouse for stock)
    text: str

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.text}"

    def shown(self) -> str:
        """The line in the reader's language (``i18n.shown``: the check and the text)."""
        return f"{shown(self.check)}: {self.subject}: {shown(self.text)}"


@anyone("reads the books to check they add up; changes nothing")  # i18n: no
def verify(db: Database) -> list[Broken]:
    """Every broken invariant, one per document and check (empty: all hold)."""
    with db.read() as session:
        out = _order_totals(session) + _invoiced(session) + _invoices(session)
        out += _payments(session) + _payment_currencies(session)
    ledger = N_("{what} is {recorded}, the ledger says {expected}")
    return out + [Broken(STOCK, f"{d.product_code} @ {d.warehouse_code}",
                         ledger.format(what=d.what, recorded=d.recorded, expected=d.expected))
                  for d in stock.verify(db)]  # fmt: skip


def _order_totals(session: Session) -> list[Broken]:
    line = OrderLine.qty * OrderLine.unit_price_minor
    bad_lines = session.execute(
        select(Order.number, OrderLine.line_no, OrderLine.line_total_minor,
               line - OrderLine.discount_minor)
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.line_total_minor != line - OrderLine.discount_minor)
        .order_by(Order.number, OrderLine.line_no)
    ).all()  # fmt: skip
    line_total = N_("line {line} total is {total}, qty x price - discount is {expected}")
    out = [Broken(ORDER_TOTALS, n, line_total.format(line=no, total=got, expected=want))
           for n, no, got, want in bad_lines]  # fmt: skip
    gross = func.coalesce(func.sum(line), 0)
    discount = func.coalesce(func.sum(OrderLine.discount_minor), 0)
    net = Order.subtotal_minor - Order.discount_minor + Order.shipping_minor
    rows = session.execute(
        select(Order.number, Order.subtotal_minor, gross, Order.discount_minor, discount,
               Order.total_minor, net, Order.tax_minor)
        .outerjoin(OrderLine, OrderLine.order_id == Order.id)
        .group_by(Order.id, Order.number, Order.subtotal_minor, Order.discount_minor,
                  Order.total_minor, Order.shipping_minor, Order.tax_minor)
        .having(or_(Order.subtotal_minor != gross, Order.discount_minor != discount,
                    and_(Order.total_minor != net, Order.total_minor != net + Order.tax_minor)))
        .order_by(Order.number)
    ).all()  # fmt: skip
    for number, subtotal, lines, disc, line_disc, total, without_tax, tax in rows:
        if subtotal != lines:
            out.append(Broken(ORDER_TOTALS, number,
                              N_("subtotal is {subtotal}, its lines make {lines}").format(
                                  subtotal=subtotal, lines=lines)))  # fmt: skip
        if disc != line_disc:
            out.append(Broken(ORDER_TOTALS, number,
                              N_("discount is {discount}, its lines' make {lines}").format(
                                  discount=disc, lines=line_disc)))  # fmt: skip
        if total not in (without_tax, without_tax + tax):
            out.append(Broken(ORDER_TOTALS, number, N_(
                "total is {total}, subtotal - discount + shipping (+ tax) make {net} "
                "({with_tax})").format(total=total, net=without_tax,
                                       with_tax=without_tax + tax)))  # fmt: skip
    return out


def _invoiced(session: Session) -> list[Broken]:
    billed = func.sum(Invoice.amount_minor)
    rows = session.execute(
        select(Order.number, Order.total_minor, billed)
        .join(Invoice, Invoice.order_id == Order.id)
        .where(Invoice.kind == "invoice", Invoice.status != "void")
        .group_by(Order.id, Order.number, Order.total_minor)
        .having(billed > Order.total_minor)
        .order_by(Order.number)
    ).all()  # fmt: skip
    return [Broken(INVOICED, n, N_("invoices make {billed}, more than its total {total}")
                   .format(billed=b, total=t)) for n, t, b in rows]  # fmt: skip


def _invoices(session: Session) -> list[Broken]:
    applied = func.coalesce(func.sum(PaymentAllocation.amount_minor), 0)
    rows = session.execute(
        select(Invoice.number, Invoice.paid_minor, applied)
        .outerjoin(PaymentAllocation, PaymentAllocation.invoice_id == Invoice.id)
        .group_by(Invoice.id, Invoice.number, Invoice.paid_minor)
        .having(Invoice.paid_minor != applied)
        .order_by(Invoice.number)
    ).all()  # fmt: skip
    out = [Broken(INVOICE_PAID, n, N_("paid is {paid}, the payments applied make {applied}")
                  .format(paid=paid, applied=sums)) for n, paid, sums in rows]  # fmt: skip
    settled = case((Invoice.kind == "credit_note", Invoice.paid_minor <= Invoice.amount_minor),
                   else_=Invoice.paid_minor >= Invoice.amount_minor)  # fmt: skip
    wrong = session.execute(
        select(Invoice.number, Invoice.status, Invoice.amount_minor, Invoice.paid_minor)
        .where(Invoice.status != "void",
               or_(and_(Invoice.status == "paid", ~settled),
                   and_(Invoice.status == "open", settled),
                   Invoice.status.not_in(("open", "paid"))))
        .order_by(Invoice.number)
    ).all()  # fmt: skip
    out += [Broken(INVOICE_STATUS, n, N_("is {status} with {paid} paid of {amount}")
                   .format(status=st, paid=paid, amount=amount))
            for n, st, amount, paid in wrong]  # fmt: skip
    return out


def _payments(session: Session) -> list[Broken]:
    applied = func.coalesce(func.sum(PaymentAllocation.amount_minor), 0)
    rows = session.execute(
        select(Payment.number, Payment.amount_minor, applied, Payment.unapplied_minor)
        .outerjoin(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .group_by(Payment.id, Payment.number, Payment.amount_minor, Payment.unapplied_minor)
        .having(Payment.amount_minor != applied + Payment.unapplied_minor)
        .order_by(Payment.number)
    ).all()  # fmt: skip
    return [Broken(PAYMENT, n, N_("amount is {amount}, applied {applied} + on account "
                                  "{on_account} make {total}").format(
                amount=amount, applied=a, on_account=u, total=a + u))
            for n, amount, a, u in rows]  # fmt: skip


def _payment_currencies(session: Session) -> list[Broken]:
    rows = session.execute(
        select(Payment.number, Payment.currency, Invoice.number, Invoice.currency)
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(func.upper(Invoice.currency) != func.upper(Payment.currency))
        .order_by(Payment.number, Invoice.number)
    ).all()  # fmt: skip
    return [Broken(PAYMENT_CURRENCY, n, N_("in {currency} is applied to {invoice} in "
                                           "{invoice_currency}").format(
                currency=cur, invoice=inv, invoice_currency=inv_cur))
            for n, cur, inv, inv_cur in rows]  # fmt: skip
