"""An order's documents, each with what a clerk on the phone needs from it: shipments
(carrier, tracking number, lines, tracking events), invoices (amounts, due date, the
payments applied), production orders (stage, expected date, stage log) and returns."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from ...i18n import N_, _
from ...models import (
    Invoice,
    Payment,
    PaymentAllocation,
    ProductionOrder,
    ProductionStageLog,
    ReturnOrder,
    Shipment,
    TrackingEvent,
)
from ..platform.db import Database
from ..platform.money import format_money
from ..platform.permissions import anyone
from ..platform.settings import load_settings
from ..shipping import dispatch


@dataclass(frozen=True)
class Document:
    kind: str  # shipment, invoice, production, return
    number: str
    status: str
    summary: str  # one line
    details: tuple[str, ...]  # what opening it shows


def _when(at) -> str:  # noqa: ANN001
    return at.astimezone().strftime("%m-%d %H:%M") if at is not None else "—"


@anyone("a read: an order's documents")  # i18n: no
def order_documents(db: Database, order_id: int) -> list[Document]:
    out: list[Document] = []
    with db.read() as session:
        company = load_settings(session).currency  # freight and payments are in it
        shipment_ids = list(session.exec(select(Shipment.id).where(
            Shipment.order_id == order_id).order_by(Shipment.id)).all())  # fmt: skip
        views = dispatch.shipment_views(session, shipment_ids)
        events: dict[int, list[TrackingEvent]] = {}
        tracked = select(TrackingEvent).where(col(TrackingEvent.shipment_id).in_(shipment_ids))
        for e in session.exec(tracked.order_by(TrackingEvent.at)) if shipment_ids else ():
            events.setdefault(e.shipment_id, []).append(e)
        for v in views:
            carrier = v.carrier_name or _("no carrier")
            head = f"{carrier} {v.tracking_no}".strip()
            freight = format_money(v.freight_minor, company)
            details = [_("Carrier: {carrier}").format(carrier=head),
                       _("From {warehouse}, expected {date}, freight {freight}").format(
                           warehouse=v.warehouse_code, date=v.expected_date or "—",
                           freight=freight)]  # fmt: skip
            details += [f"  {ln.product_code} x {ln.qty}  {ln.description}" for ln in v.lines]
            for e in events.get(v.id, []):
                status = e.status.replace("_", " ")
                details.append(f"{_when(e.at)} {status} {e.location} {e.note}".rstrip())
            out.append(Document("shipment", v.number, v.status,
                                _("{carrier}; {n} units").format(
                                    carrier=head, n=sum(ln.qty for ln in v.lines)),
                                tuple(details)))  # fmt: skip
        invoices = session.exec(select(Invoice).where(Invoice.order_id == order_id)
                                .order_by(Invoice.id)).all()  # fmt: skip
        for inv in invoices:
            pays = session.execute(
                select(Payment.number, Payment.received_on, Payment.method,
                       PaymentAllocation.amount_minor)
                .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
                .where(PaymentAllocation.invoice_id == inv.id).order_by(Payment.received_on)
            ).all()  # fmt: skip
            open_minor = inv.amount_minor - inv.paid_minor
            cur = inv.currency
            details = [_("Amount {amount}, paid {paid}, open {open}").format(
                           amount=format_money(inv.amount_minor, cur),
                           paid=format_money(inv.paid_minor, cur),
                           open=format_money(open_minor, cur)),
                       _("Issued {issued}, due {due}").format(issued=inv.issued_on,
                                                              due=inv.due_on)]  # fmt: skip
            if inv.reason:
                details.append(_("Reason: {reason}").format(reason=inv.reason))
            details += [f"  {n} {d} {m} {format_money(a, cur)}" for n, d, m, a in pays]
            kind = N_("credit note") if inv.kind == "credit_note" else N_("invoice")
            out.append(Document(kind, inv.number, inv.status,
                                _("{amount}, open {open}, due {due}").format(
                                    amount=format_money(inv.amount_minor, cur),
                                    open=format_money(open_minor, cur), due=inv.due_on),
                                tuple(details)))  # fmt: skip
        made = select(ProductionOrder).where(ProductionOrder.order_id == order_id)
        for po in session.exec(made.order_by(ProductionOrder.id)).all():
            log = session.exec(select(ProductionStageLog).where(
                ProductionStageLog.production_order_id == po.id)
                .order_by(ProductionStageLog.id)).all()  # fmt: skip
            details = [
                _("{qty} made, due {due}, expected {expected}").format(
                    qty=po.qty, due=po.due_date or "—", expected=po.expected_date or "—"
                )
            ]
            if po.requirements_note:
                details.append(_("Requirements: {note}").format(note=po.requirements_note))
            details += [f"{_when(r.at)} {r.stage_name} {r.result} {r.note} ({r.actor})"
                        for r in log]  # fmt: skip
            out.append(Document("production", po.number, po.status,
                                _("{qty} units, expected {expected}").format(
                                    qty=po.qty, expected=po.expected_date or "—"),
                                tuple(details)))  # fmt: skip
        for r in session.exec(select(ReturnOrder).where(ReturnOrder.order_id == order_id)
                              .order_by(ReturnOrder.id)).all():  # fmt: skip
            out.append(
                Document(
                    "return",
                    r.number,
                    r.status,
                    r.reason,
                    (
                        _("Reason: {reason}").format(reason=r.reason),
                        _("By {user} {time}").format(user=r.created_by, time=_when(r.created_at)),
                    ),
                )
            )
    return out
