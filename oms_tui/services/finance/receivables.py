"""Receivables: invoices from shipments (or at approval for prepaid orders), due dates from
payment terms, payments and their allocation, credit notes (cash-on-delivery remittances
pay through ``record_payment_in``: ``cod_remittances``).

Money is integer minor units throughout. An invoice's open amount is ``amount_minor -
paid_minor``; ``paid_minor`` is the sum of its ``payment_allocation`` rows, so aging as of
a past date can recompute it from the allocations of payments received by then.

Payment terms (``customer.payment_terms``, copied to the order):
``PREPAID`` due on issue (invoiced at approval), ``COD`` due 7 days after shipping (the
carrier's remittance), ``NETn`` n days after issue, ``EOMn`` n days after the end of the
issue month, ``INSTn`` (installments) n equal invoices due 30, 60, ... days after issue;
anything else 30 days.

A credit note is an invoice of kind ``credit_note`` with a negative amount. Applying it
to an invoice is a zero-amount payment of method ``credit_note`` with two allocations:
``+x`` to the invoice, ``-x`` to the credit note, so both open amounts stay the sum of
their allocations and cash collected is not inflated.

**Credit on account**: what is left of a payment after its invoices (``payment.
unapplied_minor``, fixed when the payment is recorded) and what is still open on credit
notes. ``credit_exposure`` sets it against what the customer owes; the aging shows it in
its own column (``services/aging.py``).

**Applying credit on account** (``apply_credit_on_account``, and automatically to each new
invoice while the setting ``credit_auto_apply`` is 1, the default): oldest credit first,
oldest due invoice first, in the same currency (an over-payment's is its payment's).
Each use of one credit is recorded like a credit note's application: a zero-amount payment
of method ``on_account``, received on the day it is applied, by the acting user, reference
"credit on account from payment PAY-..." (or "... from credit note CN-..."), with ``+x``
allocations to the invoices it pays. From a credit note it also takes ``-x`` from the note;
from an over-payment its ``unapplied_minor`` is ``-x`` (it took ``x`` off the account), so
for every payment its allocations plus ``unapplied_minor`` equal its amount, the credit on
account is the sum of ``unapplied_minor`` plus the open credit notes, and the aging as of
an earlier day (before the application was received) still shows the credit on account
and the invoice open. What is left of one over-payment is its ``unapplied_minor`` plus the
``unapplied_minor`` of the applications whose reference names it.

**Payments in other currencies**: a payment has its ``currency`` (the company currency
unless the clerk says another); it pays invoices in it only, and what it leaves on account
is credit in it (``oms verify`` checks that no payment is applied to an invoice in another
currency).

**Credit exposure** (``credit_exposure``, the one figure the audit's credit check, order
entry's quote warning and the customer card use): in the company currency (the credit
limit's; there are no exchange rates, so invoices, credit and orders in another currency
are not added to it), open invoices less credit on account,
plus the part of approved orders not invoiced yet (``COMMITTED`` statuses: approved up to
partially shipped; an order's invoices are subtracted, so a prepaid order, invoiced at
approval, and the invoiced part of a partly shipped one count once, on their invoices).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Customer,
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentAllocation,
    Shipment,
)
from ..parties.customers import set_credit_hold_in
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.money import check_amount, format_money
from ..platform.numbering import take_number
from ..platform.permissions import anyone, requires
from ..platform.settings import load_settings, read_int_settings, write_int_setting
from ..states import invoice_states
from ..states.invoice_states import InvoiceStatus
from ..states.order_states import OrderStatus
from .overdue import dunning_days, level_for, overdue_after_credit

READ = "a read of the receivables, taking no acting user"  # i18n: no

INVOICE_PREFIX, CREDIT_PREFIX, PAYMENT_PREFIX = "INV", "CN", "PAY"
PAYMENT_METHODS = ("cash", "bank", "wechat", "alipay", "cod_remittance", "card")
# Payments that move credit rather than money (amount 0): a credit note applied to the
# invoice it corrects, credit on account applied to an invoice. Collections leave them out.
CREDIT_NOTE_METHOD, ON_ACCOUNT_METHOD = "credit_note", "on_account"
NOT_CASH_METHODS = (CREDIT_NOTE_METHOD, ON_ACCOUNT_METHOD)
COD_DAYS = 7
S = OrderStatus
# Approved and not (fully) shipped: the customer is committed to pay what is not invoiced.
COMMITTED = (S.APPROVED, S.ALLOCATED, S.PARTIALLY_BACKORDERED, S.BACKORDERED, S.IN_PRODUCTION,
             S.READY_TO_SHIP, S.PARTIALLY_SHIPPED)  # fmt: skip


@dataclass(frozen=True)
class ReceivablesSettings:
    """Stored as ``setting`` rows under these names (whole numbers)."""

    # 1: credit on account pays each new invoice as it is issued (COD ones excepted);
    # 0: it waits for ``apply_credit_on_account`` (``oms payment apply-credit``)
    credit_auto_apply: int = 1


def receivables_settings(session: Session) -> ReceivablesSettings:
    return read_int_settings(session, ReceivablesSettings)


@anyone(READ)
def get_receivables_settings(db: Database) -> ReceivablesSettings:
    with db.read() as session:
        return receivables_settings(session)


@requires("settings.change")
def set_receivables_setting(db: Database, actor: str, key: str, value: int
                            ) -> ReceivablesSettings:  # fmt: skip
    whole = isinstance(value, int) and not isinstance(value, bool)
    if whole and key == "credit_auto_apply" and value not in (0, 1):
        raise InvalidInput(N_("credit_auto_apply must be 0 (apply credit on account only when "
                              "asked) or 1 (to each new invoice)"), "value")  # fmt: skip
    return write_int_setting(db, actor, ReceivablesSettings, key, value, "receivables")


def due_dates(terms: str, issued: date) -> list[date]:
    """When an invoice issued on ``issued`` falls due; installments give several dates."""
    t = (terms or "").strip().upper().replace(" ", "")
    if t == "PREPAID":
        return [issued]
    if t == "COD":
        return [issued + timedelta(days=COD_DAYS)]
    try:
        if t.startswith("EOM"):
            last = calendar.monthrange(issued.year, issued.month)[1]
            return [date(issued.year, issued.month, last) + timedelta(days=int(t[3:] or 30))]
        if t.startswith("NET"):
            return [issued + timedelta(days=int(t[3:] or 30))]
        if t.startswith("INST") or t == "INSTALLMENTS":
            digits = "".join(ch for ch in t if ch.isdigit())
            n = max(1, min(int(digits or 3), 24))
            return [issued + timedelta(days=30 * k) for k in range(1, n + 1)]
    except ValueError:
        pass
    return [issued + timedelta(days=30)]


def _split(amount: int, parts: int) -> list[int]:
    """Equal parts, the remainder on the last (sums exactly to ``amount``)."""
    base = amount // parts if amount >= 0 else -((-amount) // parts)
    out = [base] * parts
    out[-1] = amount - base * (parts - 1)
    return out


def _new_invoices(session: Session, actor: str, order: Order, amount: int, issued: date,
                  shipment_id: int | None, terms: str | None = None) -> list[Invoice]:  # fmt: skip
    dues = due_dates(terms or order.payment_terms, issued)
    invoices = []
    for part, due in zip(_split(amount, len(dues)), dues, strict=True):
        if part == 0:  # fewer minor units than installments: no invoice of nothing
            continue
        inv = Invoice(number=take_number(session, INVOICE_PREFIX, issued.year), kind="invoice",
                      order_id=order.id, shipment_id=shipment_id,
                      customer_id=order.customer_id, currency=order.currency,
                      amount_minor=part, issued_on=issued, due_on=due,
                      created_by=actor)  # fmt: skip
        session.add(inv)
        invoices.append(inv)
    session.flush()
    return invoices


def invoiced_minor(session: Session, order_id: int) -> int:
    return int(session.exec(
        select(func.coalesce(func.sum(Invoice.amount_minor), 0))
        .where(Invoice.order_id == order_id, Invoice.kind == "invoice",
               Invoice.status != InvoiceStatus.VOID)
    ).one())  # fmt: skip


def invoice_order_in(session: Session, actor: str, order: Order, issued: date | None = None
                     ) -> list[Invoice]:  # fmt: skip
    """A prepaid order is invoiced in full when approved (nothing if already invoiced);
    credit on account pays it as far as it goes (``_auto_apply``)."""
    left = order.total_minor - invoiced_minor(session, order.id)
    if left <= 0:
        return []
    issued = issued or date.today()
    invoices = _new_invoices(session, actor, order, left, issued, None, "PREPAID")
    _auto_apply(session, actor, order, invoices, issued)
    return invoices


def invoice_shipment_in(session: Session, actor: str, order: Order, shipment: Shipment,
                        issued: date | None = None) -> list[Invoice]:  # fmt: skip
    """Invoice what has shipped so far: the order total x shipped value / order value,
    less what was invoiced before (the last shipment takes the rounding, so the invoices
    of an order always add up to its total). Prepaid orders were invoiced at approval.
    Credit on account pays the new invoices as far as it goes (``_auto_apply``)."""
    lines = session.exec(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    full = sum(ln.line_total_minor for ln in lines)
    shipped = sum(ln.line_total_minor * min(ln.qty_shipped, ln.qty) // ln.qty
                  for ln in lines if ln.qty)  # fmt: skip
    done = all(ln.qty_shipped >= ln.qty for ln in lines)
    target = order.total_minor if done or not full else order.total_minor * shipped // full
    amount = target - invoiced_minor(session, order.id)
    if amount <= 0:
        return []
    issued = issued or date.today()
    invoices = _new_invoices(session, actor, order, amount, issued, shipment.id)
    _auto_apply(session, actor, order, invoices, issued)
    return invoices


# --------------------------------------------------------------------------------------------
# Payments


@dataclass(frozen=True)
class Applied:
    invoice_number: str
    amount_minor: int
    left_minor: int  # still open on that invoice


@dataclass(frozen=True)
class PaymentResult:
    number: str
    amount_minor: int
    applied: tuple[Applied, ...]
    unapplied_minor: int  # over-payment kept on the customer's account
    currency: str = field(kw_only=True)  # ISO 4217: the payment's


def currency_code(text: str) -> str:
    """An ISO 4217 code as stored: three letters, upper case (``InvalidInput`` else)."""
    code = (text or "").strip().upper()
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise InvalidInput(
            N_("currency '{text}': three letters, e.g. CNY or USD").format(text=text), "currency"
        )
    return code


def _open_invoices(session: Session, customer_id: int) -> list[Invoice]:
    return list(session.exec(
        select(Invoice)
        .where(Invoice.customer_id == customer_id, Invoice.status == InvoiceStatus.OPEN,
               Invoice.kind == "invoice")
        .order_by(Invoice.due_on, Invoice.issued_on, Invoice.id)
        .with_for_update()
    ).all())  # fmt: skip


def _apply(session: Session, payment: Payment, invoice: Invoice, amount: int) -> None:
    session.add(PaymentAllocation(payment_id=payment.id, invoice_id=invoice.id,
                                  amount_minor=amount))  # fmt: skip
    invoice.paid_minor += amount
    invoice_states.settle(session, invoice, payment.created_by)


@requires("payments.record")
def record_payment(
    db: Database, actor: str, customer_id: int, amount_minor: int, received_on: date,
    method: str = "bank", reference: str = "", invoice_numbers: Sequence[str] | None = None,
    today: date | None = None, invoice_versions: Mapping[str, int] | None = None,
    currency: str | None = None,
) -> PaymentResult:  # fmt: skip
    """A payment received: applied to the chosen invoices in the order given, else to the
    customer's open invoices oldest due first; what is left is kept on account.

    ``currency``: what the payment is in (ISO 4217, three letters; default the company
    currency, the ``currency`` setting). It pays only invoices in that currency: oldest
    first skips the others (they stay open), naming one in another currency is refused
    (``InvalidInput`` on ``invoices``), and what it leaves on account is credit in it.

    The amount is above 0 and within the setting ``max_amount_minor`` (``InvalidInput`` on
    ``amount``).

    ``today``: the caller's date (the app's clock; default the system date): a payment
    received after tomorrow is refused, and a dunning credit hold is released as of it.
    ``invoice_versions``: the invoices as the clerk saw them (number: version); a chosen
    one paid or credited meanwhile refuses the payment (``StaleData``, who and when)."""
    with db.write() as session:
        result, _payment_id = record_payment_in(session, actor, customer_id, amount_minor,
                                                received_on, method, reference,
                                                invoice_numbers, today,
                                                invoice_versions, currency)  # fmt: skip
        return result


def record_payment_in(
    session: Session, actor: str, customer_id: int, amount_minor: int, received_on: date,
    method: str = "bank", reference: str = "", invoice_numbers: Sequence[str] | None = None,
    today: date | None = None, invoice_versions: Mapping[str, int] | None = None,
    currency: str | None = None,
) -> tuple[PaymentResult, int]:  # fmt: skip
    """``record_payment`` in the caller's write transaction (a COD remittance records its
    row in the same one); also returns the payment's id."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise InvalidInput(N_("the amount must be above 0"), "amount")
    if method not in PAYMENT_METHODS:
        raise InvalidInput(N_("unknown payment method '{method}'; one of {methods}").format(
            method=method, methods=", ".join(PAYMENT_METHODS)), "method")  # fmt: skip
    today = today or date.today()
    if received_on > today + timedelta(days=1):
        raise InvalidInput(N_("a payment cannot be received in the future"), "received_on")
    settings = load_settings(session)
    cur = currency_code(currency or settings.currency)
    check_amount(amount_minor, settings.max_amount_minor, N_("the payment"), "amount", cur)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(N_("no customer with id {id}").format(id=customer_id))
    candidates = _open_invoices(session, customer_id)
    if invoice_numbers is not None:
        by_number = {i.number: i for i in candidates}
        chosen = []
        for n in invoice_numbers:
            inv = by_number.get(n.strip().upper())
            if inv is None:
                raise InvalidInput(N_("{number} is not an open invoice of {customer}").format(
                    number=n, customer=customer.name), "invoices")  # fmt: skip
            if inv.currency.upper() != cur:
                raise InvalidInput(N_("{number} is in {currency}: a payment in {paid_in} cannot "
                                      "pay it").format(number=inv.number,
                                                       currency=inv.currency.upper(),
                                                       paid_in=cur), "invoices")  # fmt: skip
            invoice_states.check_version(session, inv, (invoice_versions or {}).get(inv.number))
            chosen.append(inv)
        candidates = chosen
    else:
        candidates = [i for i in candidates if i.currency.upper() == cur]
    payment = Payment(number=take_number(session, PAYMENT_PREFIX, received_on.year),
                      customer_id=customer_id, received_on=received_on, currency=cur,
                      amount_minor=amount_minor, method=method,
                      reference=reference.strip()[:100], created_by=actor)  # fmt: skip
    session.add(payment)
    session.flush()
    left = amount_minor
    applied = []
    for inv in candidates:
        if left == 0:
            break
        take = min(left, inv.amount_minor - inv.paid_minor)
        if take <= 0:
            continue
        _apply(session, payment, inv, take)
        left -= take
        applied.append(Applied(inv.number, take, inv.amount_minor - inv.paid_minor))
    payment.unapplied_minor = left
    session.add(payment)
    _release_hold_if_settled(session, customer, actor, today)
    return PaymentResult(
        payment.number, amount_minor, tuple(applied), left, currency=cur
    ), payment.id


def _release_hold_if_settled(session: Session, customer: Customer, actor: str, today: date
                             ) -> None:  # fmt: skip
    """A customer put on credit hold for overdue invoices (reason starting "overdue") is
    released once nothing is overdue as long as the credit-hold step of dunning asks
    (``dunning_days``, 90 days by default), net of the credit on account as dunning counts
    it (``overdue.overdue_after_credit``); a hold for another reason stays until a manager
    releases it (``dunning.release_credit_hold``, ``credit.release``).

    The release is the dunning rule's, not the payer's decision: the rule that put the hold
    on takes it off once its reason is gone, whoever's payment (``payments.record``), van
    cash (``vans.settle``) or applied credit (``credit.manage``) settled it. So it asks no
    ``credit.release`` of the actor, and is recorded as automatic: the change log's why
    says "released automatically" and names the payment's recorder as who triggered it."""
    if not customer.credit_hold or not customer.credit_hold_reason.lower().startswith("overdue"):
        return
    session.flush()
    late = overdue_after_credit(session, today, [customer.id]).get(customer.id)
    level = level_for(late.days, dunning_days(session)) if late else 0
    if level < 4:
        set_credit_hold_in(session, actor, customer, False,
                           N_("released automatically on payment ({user}, {date})").format(
                               user=actor, date=today))  # fmt: skip
        customer.dunning_level = level
        session.add(customer)


# --------------------------------------------------------------------------------------------
# Credit notes


@requires("payments.record")
def credit_note(db: Database, actor: str, invoice_number: str, amount_minor: int, reason: str,
                issued: date | None = None, expected_version: int | None = None
                ) -> str:  # fmt: skip
    """A credit note against an invoice (return, price correction): reason required, not
    more than the invoice; applied to what is still open on that invoice, the rest stays
    as credit on the customer's account. Returns the credit note's number.
    ``expected_version``: the invoice as the clerk saw it (``StaleData`` once changed)."""
    if not reason.strip():
        raise InvalidInput(N_("a reason is required for a credit note"), "reason")
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
        raise InvalidInput(N_("the credit must be above 0"), "amount")
    issued = issued or date.today()
    with db.write() as session:
        inv = session.exec(select(Invoice).where(Invoice.number == invoice_number.strip().upper())
                           .with_for_update()).first()  # fmt: skip
        if inv is None or inv.kind != "invoice" or inv.status == InvoiceStatus.VOID:
            raise NotFound(N_("no invoice {number}").format(number=invoice_number))
        invoice_states.check_version(session, inv, expected_version)
        credited = -int(session.exec(
            select(func.coalesce(func.sum(Invoice.amount_minor), 0))
            .where(Invoice.kind == "credit_note", Invoice.corrects_invoice_id == inv.id)
        ).one())  # fmt: skip
        if credited + amount_minor > inv.amount_minor:
            raise InvalidInput(N_("{number} is {amount} and {credited} is already credited: "
                                  "the credit note would exceed it").format(
                number=inv.number, amount=inv.amount_minor, credited=credited),
                "amount")  # fmt: skip
        note = Invoice(number=take_number(session, CREDIT_PREFIX, issued.year),
                       kind="credit_note", order_id=inv.order_id, corrects_invoice_id=inv.id,
                       customer_id=inv.customer_id, currency=inv.currency,
                       amount_minor=-amount_minor, issued_on=issued, due_on=issued,
                       reason=reason.strip(), created_by=actor)  # fmt: skip
        session.add(note)
        session.flush()
        use = min(amount_minor, inv.amount_minor - inv.paid_minor)
        if use > 0:
            payment = Payment(number=take_number(session, PAYMENT_PREFIX, issued.year),
                              customer_id=inv.customer_id, received_on=issued, amount_minor=0,
                              currency=inv.currency.upper(),
                              method=CREDIT_NOTE_METHOD, reference=note.number,
                              created_by=actor)  # fmt: skip
            session.add(payment)
            session.flush()
            _apply(session, payment, inv, use)
            _apply(session, payment, note, -use)
        return note.number


# --------------------------------------------------------------------------------------------
# Credit on account applied to invoices


@dataclass(frozen=True)
class CreditApplied:
    number: str  # the application's record: a payment of method on_account, amount 0
    source: str  # "payment PAY-2026-000012" or "credit note CN-2026-000003"
    invoice_number: str
    amount_minor: int
    left_minor: int  # still open on that invoice


@dataclass(frozen=True)
class CreditResult:
    applied: tuple[CreditApplied, ...]
    on_account_minor: int  # credit still on the customer's account afterwards (0 or more)
    currency: str = field(
        kw_only=True
    )  # ISO 4217: the company currency, which credit on account is in

    @property
    def applied_minor(self) -> int:
        return sum(a.amount_minor for a in self.applied)


@dataclass
class _Credit:
    """One credit on account: an over-payment or a credit note, and what is left of it."""

    source: str
    dated: date
    currency: str
    left: int
    note: Invoice | None = None  # None: an over-payment

    @property
    def why(self) -> str:
        return _why(self.source)


def _why(source: str) -> str:
    """The reference of an application: what the credit was (and the link back to it)."""
    return N_("credit on account from {source}").format(source=source)


def _credits(session: Session, customer_id: int, on: date) -> list[_Credit]:
    """The customer's credit on account that exists on ``on``, oldest first, its rows
    locked (``FOR UPDATE`` on PostgreSQL; SQLite's write transaction already is) so two
    clerks cannot spend the same credit."""
    pays = session.exec(
        select(Payment)
        .where(Payment.customer_id == customer_id, col(Payment.unapplied_minor) > 0,
               Payment.received_on <= on)
        .order_by(Payment.received_on, Payment.id).with_for_update()
    ).all()  # fmt: skip
    out = [_Credit(N_("payment {number}").format(number=p.number), p.received_on,
                   p.currency.upper(), p.unapplied_minor) for p in pays]  # fmt: skip
    if out:  # less what was applied from each before (its applications name it)
        used = dict(session.execute(
            select(Payment.reference, func.sum(Payment.unapplied_minor))
            .where(Payment.customer_id == customer_id, Payment.method == ON_ACCOUNT_METHOD,
                   col(Payment.reference).in_([c.why for c in out]))
            .group_by(Payment.reference)
        ).all())  # fmt: skip
        for c in out:
            c.left += int(used.get(c.why, 0))
        out = [c for c in out if c.left > 0]
    notes = session.exec(
        select(Invoice)
        .where(Invoice.customer_id == customer_id, Invoice.kind == "credit_note",
               Invoice.status == InvoiceStatus.OPEN, Invoice.issued_on <= on,
               Invoice.amount_minor != Invoice.paid_minor)
        .order_by(Invoice.issued_on, Invoice.id).with_for_update()
    ).all()  # fmt: skip
    out += [_Credit(N_("credit note {number}").format(number=n.number), n.issued_on,
                    n.currency.upper(), n.paid_minor - n.amount_minor, note=n)
            for n in notes]  # fmt: skip
    out.sort(key=lambda c: (c.dated, c.note is not None))  # stable: ids within a kind
    return out


def _credit_on_account(session: Session, customer_id: int, currency: str) -> int:
    """The customer's credit on account in ``currency`` (0 or more), any date."""
    session.flush()
    ahead = session.exec(select(func.coalesce(func.sum(Payment.unapplied_minor), 0))
                         .where(Payment.customer_id == customer_id,
                                Payment.currency == currency)).one()  # fmt: skip
    notes = session.exec(
        select(func.coalesce(func.sum(Invoice.amount_minor - Invoice.paid_minor), 0))
        .where(Invoice.customer_id == customer_id, Invoice.kind == "credit_note",
               Invoice.status == InvoiceStatus.OPEN, Invoice.currency == currency)
    ).one()  # fmt: skip
    return int(ahead) - int(notes)


def _apply_credit(session: Session, actor: str, customer_id: int, on: date,
                  invoices: Sequence[Invoice]) -> list[CreditApplied]:  # fmt: skip
    """Pay ``invoices`` (in the order given) from the customer's credit on account on
    ``on``, oldest credit first; one application record per credit used."""
    targets = [i for i in invoices if i.kind == "invoice" and i.issued_on <= on
               and i.status == InvoiceStatus.OPEN and i.amount_minor > i.paid_minor]  # fmt: skip
    if not targets:
        return []
    applied: list[CreditApplied] = []
    for credit in _credits(session, customer_id, on):
        record, used = None, 0
        for inv in targets:
            take = min(credit.left, inv.amount_minor - inv.paid_minor)
            if take <= 0 or inv.currency.upper() != credit.currency:
                continue
            if record is None:
                record = Payment(number=take_number(session, PAYMENT_PREFIX, on.year),
                                 customer_id=customer_id, received_on=on, amount_minor=0,
                                 currency=credit.currency,
                                 method=ON_ACCOUNT_METHOD, reference=credit.why,
                                 created_by=actor)  # fmt: skip
                session.add(record)
                session.flush()
            _apply(session, record, inv, take)
            credit.left -= take
            used += take
            applied.append(CreditApplied(record.number, credit.source, inv.number, take,
                                         inv.amount_minor - inv.paid_minor))  # fmt: skip
            if credit.left == 0:
                break
        if record is None:
            continue
        if credit.note is not None:
            _apply(session, record, credit.note, -used)
        else:
            record.unapplied_minor = -used  # taken off the account
            session.add(record)
    return applied


def _auto_apply(session: Session, actor: str, order: Order, invoices: Sequence[Invoice],
                issued: date) -> list[CreditApplied]:  # fmt: skip
    """New invoices take the customer's credit on account while ``credit_auto_apply`` is 1;
    not those of a cash-on-delivery order: the driver or carrier collects its total at the
    door and the remittance is matched against what is open, so paying part of it from
    credit would only make the remittance differ (and put the money back on account)."""
    if not invoices or order.payment_method == "cod":
        return []
    if not receivables_settings(session).credit_auto_apply:
        return []
    return _apply_credit(session, actor, order.customer_id, issued, invoices)


@requires("credit.manage")
def apply_credit_on_account(db: Database, actor: str, customer_id: int,
                            today: date | None = None) -> CreditResult:  # fmt: skip
    """Apply the customer's credit on account (over-payments, what is left of credit notes)
    to their open invoices issued by ``today`` (the caller's date, default the system
    date), oldest credit first, oldest due invoice first; recorded as of ``today``. A
    dunning credit hold is released when nothing is left overdue long enough for it."""
    today = today or date.today()
    with db.write() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(N_("no customer with id {id}").format(id=customer_id))
        applied = _apply_credit(session, actor, customer_id, today,
                                _open_invoices(session, customer_id))  # fmt: skip
        if applied:
            _release_hold_if_settled(session, customer, actor, today)
        company = load_settings(session).currency.upper()
        return CreditResult(tuple(applied), _credit_on_account(session, customer_id, company),
                            currency=company)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Credit exposure


class CreditExposure(NamedTuple):
    """What a customer owes or has committed to, in minor units (see the module docstring)."""

    open_invoices_minor: int  # open invoices less credit on account (below 0: in credit)
    committed_minor: int  # approved orders' amounts not invoiced yet
    overdue_minor: int  # past due on invoices, less credit on account (0 or more)

    @property
    def total_minor(self) -> int:
        """What counts against the credit limit (before a new order)."""
        return self.open_invoices_minor + self.committed_minor


def credit_exposure(session: Session, customer_id: int, today: date | None = None,
                    exclude_order_id: int | None = None) -> CreditExposure:  # fmt: skip
    """The customer's open invoices, approved orders not yet invoiced, and overdue amount,
    in the company currency, in one statement of four aggregates. ``exclude_order_id``: an
    order left out of the committed part (the one being checked, added by the caller).

    Each aggregate reads one customer's rows through an index: the unsettled invoices
    from ``ix_invoice_unsettled`` alone (hence its two conditions, spelled as the index's),
    the payments from ``ix_payment_customer_id``, the orders from
    ``ix_sales_order_customer_created`` (status filtered on the customer's orders) with
    each order's invoices through ``ix_invoice_order_id``."""
    today = today or date.today()
    company = load_settings(session).currency.upper()
    inv = Invoice.__table__  # type: ignore[attr-defined]
    owed = inv.c.amount_minor - inv.c.paid_minor
    is_invoice = inv.c.amount_minor > 0  # credit notes are negative
    invoices = (
        select(
            func.coalesce(func.sum(case((is_invoice, owed), else_=0)), 0).label("owed"),
            func.coalesce(
                func.sum(case((is_invoice & (inv.c.due_on < today), owed), else_=0)), 0
            ).label("late"),
            func.coalesce(func.sum(case((is_invoice, 0), else_=owed)), 0).label("notes"),
        )
        .where(
            inv.c.customer_id == customer_id,
            inv.c.status != InvoiceStatus.VOID,
            inv.c.amount_minor != inv.c.paid_minor,
            inv.c.currency == company,
        )
        .subquery("open_invoices")
    )
    on_account = (
        select(func.coalesce(func.sum(Payment.unapplied_minor), 0))
        # over-payments (above 0) less the credit applied from them since (below 0)
        .where(
            Payment.customer_id == customer_id,
            col(Payment.unapplied_minor) != 0,
            Payment.currency == company,
        )
        .scalar_subquery()
    )
    invoiced = (
        select(func.coalesce(func.sum(Invoice.amount_minor), 0))
        .where(
            Invoice.order_id == Order.id,
            Invoice.kind == "invoice",
            Invoice.status != InvoiceStatus.VOID,
        )
        .correlate(Order)
        .scalar_subquery()
    )
    left = Order.total_minor - invoiced
    orders = select(func.coalesce(func.sum(case((left > 0, left), else_=0)), 0)).where(
        Order.customer_id == customer_id,
        col(Order.status).in_([str(s) for s in COMMITTED]),
        Order.currency == company,
    )
    if exclude_order_id is not None:
        orders = orders.where(Order.id != exclude_order_id)
    owed_, late, notes, paid_ahead, committed = session.execute(
        select(invoices.c.owed, invoices.c.late, invoices.c.notes, on_account,
               orders.scalar_subquery())
    ).one()  # fmt: skip
    credit = int(paid_ahead) - int(notes)  # both kinds of credit on account, 0 or more
    return CreditExposure(int(owed_) - credit, int(committed), max(int(late) - credit, 0))


def over_limit_warning(exposure: CreditExposure, order_minor: int, limit_minor: int,
                       currency: str) -> str | None:  # fmt: skip
    """The over-credit-limit sentence when ``exposure`` + ``order_minor`` exceeds a limit
    (0: no limit), else None: one wording for the audit check and order entry."""
    if not limit_minor or exposure.total_minor + order_minor <= limit_minor:
        return None
    return N_(
        "over credit limit: owes {owed} on invoices + {committed} approved not invoiced "
        "+ this order {order} > {limit}"
    ).format(
        owed=format_money(exposure.open_invoices_minor, currency),
        committed=format_money(exposure.committed_minor, currency),
        order=format_money(order_minor, currency),
        limit=format_money(limit_minor, currency),
    )


@dataclass(frozen=True)
class InvoiceView:
    number: str
    kind: str
    order_number: str
    issued_on: date
    due_on: date
    amount_minor: int
    paid_minor: int
    status: str
    currency: str = field(kw_only=True)  # the invoice's
    version: int = 1  # what a payment or credit chosen on this view passes

    @property
    def open_minor(self) -> int:
        return self.amount_minor - self.paid_minor


@anyone(READ)
def customer_invoices(db: Database, customer_id: int, open_only: bool = True
                      ) -> list[InvoiceView]:  # fmt: skip
    stmt = (select(Invoice, Order.number).outerjoin(Order, Order.id == Invoice.order_id)
            .where(Invoice.customer_id == customer_id)
            .order_by(Invoice.due_on, Invoice.id))  # fmt: skip
    if open_only:
        stmt = stmt.where(Invoice.status == InvoiceStatus.OPEN)
    with db.read() as session:
        return [InvoiceView(i.number, i.kind, n or "", i.issued_on, i.due_on, i.amount_minor,
                            i.paid_minor, i.status, currency=i.currency, version=i.version)
                for i, n in session.exec(stmt).all()]  # fmt: skip


@anyone(READ)
def order_invoices(db: Database, order_id: int) -> list[InvoiceView]:
    with db.read() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(N_("no order with id {id}").format(id=order_id))
        rows = session.exec(select(Invoice).where(Invoice.order_id == order_id)
                            .order_by(Invoice.id)).all()  # fmt: skip
        return [InvoiceView(i.number, i.kind, order.number, i.issued_on, i.due_on,
                            i.amount_minor, i.paid_minor, i.status, currency=i.currency,
                            version=i.version)
                for i in rows]  # fmt: skip
