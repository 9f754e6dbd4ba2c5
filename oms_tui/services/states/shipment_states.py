"""The shipment state machine: picking (made by a wave) -> packed -> shipped (the goods
left: stock issued, invoiced) -> delivered; cancelled before it leaves. Every change goes
through ``move``; the record of it is a tracking event with the new status (who in the
note), beside the carrier's own events (``TrackingStatus``), so a shipment's history is one
list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ...models import TrackingEvent, utcnow
from .machine import Machine

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
    "shipment", ShipmentStatus, TRANSITIONS,
    stamps={H.SHIPPED: ("shipped_at",), H.DELIVERED: ("delivered_at",)},
)  # fmt: skip


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
                              note=note or f"by {actor}", at=when))  # fmt: skip
    return frm
