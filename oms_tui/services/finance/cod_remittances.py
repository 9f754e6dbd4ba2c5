"""Cash-on-delivery remittances from carriers: each row of a carrier's remittance list pays
the invoices of the shipment with that tracking number, once.

A row's identity is the carrier (the shipment's), the tracking number and the remittance
reference: the carrier's (a remittance or batch number, the file's third column), or the
day the money was received when the file has none. Each row is recorded
(``cod_remittance``, unique on the three) in the same transaction as the payment it makes,
so the same list imported again pays nothing: its rows are reported as already recorded,
with the payment that recorded them. Two imports of one list at the same moment pay once
too: a row's transaction first locks its shipment (``FOR UPDATE`` on PostgreSQL; SQLite's
writers take turns), so the second waits for the first and then finds the row recorded;
the unique constraint stands behind that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ...i18n import N_
from ...models import Carrier, CodRemittance, Invoice, Order, Payment, Shipment
from ..platform.db import Database
from ..platform.errors import InvalidInput
from ..platform.permissions import requires
from ..states.invoice_states import InvoiceStatus
from .receivables import record_payment_in


@dataclass(frozen=True)
class Remittance:
    tracking_no: str
    amount_minor: int
    reference: str = ""  # the carrier's remittance reference; "": the day it was received


@dataclass(frozen=True)
class RemittanceResult:
    matched: tuple[str, ...]  # payment numbers
    differences: tuple[tuple[str, str], ...]  # (tracking number, what is wrong)
    # (tracking number, "already recorded ..."): rows recorded before, nothing paid again
    already: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class _Outcome:
    payment: str = ""  # the payment made
    problem: str = ""  # what a person should look at
    already: str = ""  # recorded before: how


@requires("payments.record")
def reconcile_cod(db: Database, actor: str, received_on: date, rows: Sequence[Remittance],
                  today: date | None = None) -> RemittanceResult:  # fmt: skip
    """A carrier's remittance list received on ``received_on``: each row pays the invoices
    of the shipment with that tracking number, one transaction per row. Amounts that differ
    from what is open are paid as far as they go and reported; unknown tracking numbers,
    amounts refused (not above 0, over the setting ``max_amount_minor``), and shipments
    invoiced in a currency other than the company's (``record_payment``) are reported and
    nothing is paid for them; rows recorded before are reported apart and paid once."""
    matched: list[str] = []
    problems: list[tuple[str, str]] = []
    already: list[tuple[str, str]] = []
    for row in rows:
        reference = row.reference.strip()[:100] or received_on.isoformat()
        try:
            with db.write() as session:
                done = _record(session, actor, received_on, row, reference, today)
        except IntegrityError:  # recorded by another import in the meantime
            with db.read() as session:
                done = _Outcome(already=_recorded(session, row.tracking_no, reference))
            if not done.already:
                raise
        if done.payment:
            matched.append(done.payment)
        if done.problem:
            problems.append((row.tracking_no, done.problem))
        if done.already:
            already.append((row.tracking_no, done.already))
    return RemittanceResult(tuple(matched), tuple(problems), tuple(already))


def _recorded(session: Session, tracking_no: str, reference: str, carrier: str | None = None
              ) -> str:  # fmt: skip
    """The "already recorded ..." sentence when a row with this identity was, else ""."""
    stmt = (select(CodRemittance.received_on, Payment.number)
            .join(Payment, Payment.id == CodRemittance.payment_id)
            .where(CodRemittance.tracking_no == tracking_no,
                   CodRemittance.reference == reference))  # fmt: skip
    if carrier is not None:
        stmt = stmt.where(CodRemittance.carrier == carrier)
    found = session.exec(stmt).first()
    if found is None:
        return ""
    on, number = found
    return N_("already recorded: {payment}, received {date}").format(
        payment=number, date=on.isoformat()
    )


def _record(session: Session, actor: str, received_on: date, row: Remittance, reference: str,
            today: date | None) -> _Outcome:  # fmt: skip
    """One row in the caller's write transaction: the payment and its record, or why not."""
    sh = session.exec(select(Shipment).where(Shipment.tracking_no == row.tracking_no)
                      .with_for_update()).first()  # fmt: skip
    if sh is None:
        return _Outcome(problem=N_("no shipment with this tracking number"))
    carrier = session.get(Carrier, sh.carrier_id) if sh.carrier_id is not None else None
    code = carrier.code if carrier is not None else ""
    before = _recorded(session, row.tracking_no, reference, code)
    if before:
        return _Outcome(already=before)
    invoices = session.exec(
        select(Invoice).where(Invoice.shipment_id == sh.id, Invoice.kind == "invoice",
                              Invoice.status == InvoiceStatus.OPEN).order_by(Invoice.due_on)
    ).all()  # fmt: skip
    due = sum(i.amount_minor - i.paid_minor for i in invoices)
    if due == 0:
        return _Outcome(problem=N_("nothing open on this shipment (paid twice?)"))
    order = session.get(Order, sh.order_id)
    try:
        result, payment_id = record_payment_in(
            session, actor, order.customer_id, row.amount_minor, received_on,
            "cod_remittance", row.tracking_no, [i.number for i in invoices], today,
        )  # fmt: skip
    except InvalidInput as error:  # for a person: an amount refused, another currency
        if error.field not in ("amount", "invoices"):
            raise
        return _Outcome(problem=str(error))
    session.add(CodRemittance(tracking_no=row.tracking_no, carrier=code, reference=reference,
                              shipment_id=sh.id, payment_id=payment_id,
                              amount_minor=row.amount_minor, received_on=received_on,
                              created_by=actor))  # fmt: skip
    session.flush()
    differs = (
        ""
        if row.amount_minor == due
        else N_("remitted {amount}, open {due}").format(amount=row.amount_minor, due=due)
    )
    return _Outcome(payment=result.number, problem=differs)
