"""The shipment state machine: picking (made by a wave) -> packed -> shipped (the goods
left: stock issued, invoiced) -> delivered; cancelled before it leaves. Every change goes
through ``move``; the record of it is a tracking event with the new status (who in
``actor``, and in the note when none is given), beside the carrier's own events
(``TrackingStatus``), so a shipment's history is one list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlmodel import col, select

from ...i18n import N_
from ...models import TrackingEvent, utcnow
from .machine import Change, Machine, expect_version

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import Shipment


class ShipmentStatus(StrEnum):
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class TrackingStatus(StrEnum):
    """What a carrier reports of a shipment that left (a tracking event's status)."""

    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"  # also moves the shipment to delivered
    EXCEPTION = "exception"


H = ShipmentStatus

TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    H.PICKING: frozenset({H.PACKED, H.SHIPPED, H.CANCELLED}),
    H.PACKED: frozenset({H.SHIPPED, H.CANCELLED}),
    H.SHIPPED: frozenset({H.DELIVERED}),
    H.DELIVERED: frozenset(),
    H.CANCELLED: frozenset(),
}
# Not left yet: in a wave, to pick and pack.
OPEN = (H.PICKING, H.PACKED)
# Left the warehouse.
LEFT = (H.SHIPPED, H.DELIVERED)

MACHINE = Machine(
    N_("shipment"), ShipmentStatus, TRANSITIONS, a_noun=N_("a shipment"),
    stamps={H.SHIPPED: ("shipped_at",), H.DELIVERED: ("delivered_at",)},
)  # fmt: skip
# How a refusal says each status (i18n.shown reads them back).
SAID = (N_("picking"), N_("packed"), N_("shipped"), N_("delivered"), N_("cancelled"))


def move(session: Session, shipment: Shipment, to: str, actor: str, note: str = "",
         location: str = "", at: datetime | None = None) -> ShipmentStatus:  # fmt: skip
    """The one way a shipment's status changes: checks the move, sets the status and its
    timestamp (``shipped_at``, ``delivered_at``: ``at``, default now), and writes a
    tracking event with the new status (``note``, default "by <actor>"). Returns the status
    it came from."""
    when = at or utcnow()
    frm, new = MACHINE.change(shipment, to, at=when)
    session.add(shipment)
    session.add(TrackingEvent(shipment_id=shipment.id, status=new, location=location,
                              note=note or N_("by {actor}").format(actor=actor), at=when,
                              actor=actor))  # fmt: skip
    return frm


def last_change(session: Session, shipment: Shipment) -> Change | None:
    """Who changed the shipment last and when: the newest of its status changes (tracking
    events with the status the shipment took), else its creation."""
    event = session.exec(
        select(TrackingEvent)
        .where(TrackingEvent.shipment_id == shipment.id,
               col(TrackingEvent.status).in_([str(s) for s in ShipmentStatus]))
        .order_by(col(TrackingEvent.id).desc()).limit(1)
    ).first()  # fmt: skip
    if event is not None:
        return Change(event.actor, event.at, MACHINE.label(event.status))
    return Change(shipment.created_by, shipment.created_at, N_("picking started"))


def check_version(session: Session, shipment: Shipment, expected: int | None) -> None:
    """Refuse an action taken on another version of the shipment than its own."""
    expect_version(shipment, expected, N_("shipment {number}").format(number=shipment.number),
                   lambda: last_change(session, shipment))  # fmt: skip
