"""The shipment state machine: ``move`` sets the shipped and delivered times and writes a
tracking event. (Every machine's table: test_machine.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from oms_tui.models import Shipment, TrackingEvent
from oms_tui.services.shipping import dispatch
from oms_tui.services.states import shipment_states
from oms_tui.services.states.shipment_states import ShipmentStatus, TrackingStatus
from tests import state_factories

H = ShipmentStatus


def _picking(db) -> int:
    order = state_factories.order(db)
    return state_factories.add(
        db,
        Shipment(
            number="SH-T-1",
            order_id=order.id,
            created_by="zhang",
            warehouse_id=state_factories.warehouse(db),
        ),
    )


def _events(db, shipment_id: int) -> list[tuple]:
    with db.read() as s:
        return [(e.status, e.location, e.note, e.at) for e in s.exec(
            select(TrackingEvent).where(TrackingEvent.shipment_id == shipment_id)
            .order_by(TrackingEvent.id)).all()]  # fmt: skip


def test_shipping_and_delivery_set_their_times_and_write_tracking_events(db):
    sid = _picking(db)
    shipped = state_factories.moved(db, Shipment, sid, shipment_states.move, H.SHIPPED)
    assert shipped.status == H.SHIPPED and shipped.shipped_at is not None
    at = datetime(2026, 12, 2, 15, 4, tzinfo=UTC)
    delivered = state_factories.moved(db, Shipment, sid, shipment_states.move, H.DELIVERED,
                                      actor="carrier", note="signed", location="杭州",
                                      at=at)  # fmt: skip
    assert delivered.delivered_at == at
    (s1, l1, n1, t1), second = _events(db, sid)
    assert (s1, l1, n1) == (H.SHIPPED, "", "by alice") and t1 == shipped.shipped_at
    assert second == (H.DELIVERED, "杭州", "signed", at)


def test_a_shipment_not_shipped_cannot_be_delivered_and_writes_no_event(db):
    sid = _picking(db)
    text = state_factories.refused(db, Shipment, sid, shipment_states.move, H.DELIVERED)
    assert text == ("a shipment that is picking cannot become delivered; "
                    "possible: cancelled, packed, shipped")  # fmt: skip
    assert _events(db, sid) == []


def test_the_statuses_dispatch_and_tracking_use():
    assert dispatch.TRACKING_STATUSES == tuple(TrackingStatus)
    assert set(shipment_states.OPEN) | set(shipment_states.LEFT) | {H.CANCELLED} == set(H)
