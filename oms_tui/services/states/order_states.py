"""The one order state machine. Every status change goes through ``check_transition``."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ...models import OrderEvent
from ..platform.errors import IllegalTransition

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import Order


class OrderStatus(StrEnum):
    DRAFT = "draft"
    PENDING_AUDIT = "pending_audit"
    APPROVED = "approved"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"
    ALLOCATED = "allocated"
    PARTIALLY_BACKORDERED = "partially_backordered"
    BACKORDERED = "backordered"
    IN_PRODUCTION = "in_production"
    READY_TO_SHIP = "ready_to_ship"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return LABELS[self]


S = OrderStatus

LABELS: dict[OrderStatus, str] = {
    S.DRAFT: "Draft",
    S.PENDING_AUDIT: "Pending audit",
    S.APPROVED: "Approved",
    S.REJECTED: "Rejected",
    S.ON_HOLD: "On hold",
    S.ALLOCATED: "Allocated",
    S.PARTIALLY_BACKORDERED: "Part backordered",
    S.BACKORDERED: "Backordered",
    S.IN_PRODUCTION: "In production",
    S.READY_TO_SHIP: "Ready to ship",
    S.PARTIALLY_SHIPPED: "Part shipped",
    S.SHIPPED: "Shipped",
    S.DELIVERED: "Delivered",
    S.CLOSED: "Closed",
    S.CANCELLED: "Cancelled",
    S.RETURNED: "Returned",
}

# Statuses from which an order can still be cancelled: nothing has left the warehouse.
_CANCELLABLE = {
    S.DRAFT, S.PENDING_AUDIT, S.APPROVED, S.REJECTED, S.ON_HOLD, S.ALLOCATED,
    S.PARTIALLY_BACKORDERED, S.BACKORDERED, S.IN_PRODUCTION, S.READY_TO_SHIP,
}  # fmt: skip

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.DRAFT: frozenset({S.PENDING_AUDIT}),
    S.PENDING_AUDIT: frozenset({S.APPROVED, S.REJECTED, S.ON_HOLD, S.DRAFT}),
    S.ON_HOLD: frozenset({S.PENDING_AUDIT, S.APPROVED, S.REJECTED}),
    S.REJECTED: frozenset({S.DRAFT}),
    S.APPROVED: frozenset({S.ALLOCATED, S.PARTIALLY_BACKORDERED, S.BACKORDERED, S.IN_PRODUCTION}),
    # Back to a backorder status when a stocktake finds reserved stock missing.
    S.ALLOCATED: frozenset(
        {S.READY_TO_SHIP, S.IN_PRODUCTION, S.PARTIALLY_BACKORDERED, S.BACKORDERED}
    ),
    S.PARTIALLY_BACKORDERED: frozenset(
        {S.ALLOCATED, S.BACKORDERED, S.IN_PRODUCTION, S.READY_TO_SHIP}
    ),
    S.BACKORDERED: frozenset({S.ALLOCATED, S.PARTIALLY_BACKORDERED, S.IN_PRODUCTION}),
    S.IN_PRODUCTION: frozenset(
        {S.ALLOCATED, S.READY_TO_SHIP, S.PARTIALLY_BACKORDERED, S.BACKORDERED}
    ),
    S.READY_TO_SHIP: frozenset(
        {S.PARTIALLY_SHIPPED, S.SHIPPED, S.PARTIALLY_BACKORDERED, S.BACKORDERED}
    ),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED, S.READY_TO_SHIP}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURNED}),
    S.DELIVERED: frozenset({S.CLOSED, S.RETURNED}),
    S.CLOSED: frozenset({S.RETURNED}),
    S.RETURNED: frozenset({S.CLOSED}),
    S.CANCELLED: frozenset(),
}
for _status in _CANCELLABLE:
    TRANSITIONS[_status] = TRANSITIONS[_status] | {S.CANCELLED}

# A reason is required for these decisions (recorded on the order event).
REASON_REQUIRED = frozenset({S.REJECTED, S.ON_HOLD, S.CANCELLED, S.RETURNED})
# Sent back to entry for correction also needs a reason.
REASON_REQUIRED_FROM_TO = frozenset({(S.PENDING_AUDIT, S.DRAFT), (S.REJECTED, S.DRAFT)})

OPEN_STATUSES = frozenset(set(OrderStatus) - {S.CLOSED, S.CANCELLED, S.REJECTED, S.RETURNED})


def allowed_next(status: str) -> frozenset[OrderStatus]:
    return TRANSITIONS[OrderStatus(status)]


def check_transition(
    current: str, target: str, reason: str = ""
) -> tuple[OrderStatus, OrderStatus]:
    """Return the parsed pair, or raise ``IllegalTransition`` with a sentence a clerk can read."""
    try:
        frm, to = OrderStatus(current), OrderStatus(target)
    except ValueError as exc:
        raise IllegalTransition(f"unknown order status: {exc}") from None
    if to not in TRANSITIONS[frm]:
        options = ", ".join(sorted(s.label for s in TRANSITIONS[frm])) or "none (final)"
        raise IllegalTransition(
            f"an order that is {frm.label.lower()} cannot become {to.label.lower()}; "
            f"possible: {options}"
        )
    if not reason.strip() and (to in REASON_REQUIRED or (frm, to) in REASON_REQUIRED_FROM_TO):
        raise IllegalTransition(f"a reason is required to make an order {to.label.lower()}")
    return frm, to


def record_event(
    session: Session, order: Order, actor: str, to_status: str, reason: str = "",
    from_status: str | None = None,
) -> None:  # fmt: skip
    session.add(OrderEvent(order_id=order.id, actor=actor, from_status=from_status,
                           to_status=to_status, reason=reason))  # fmt: skip
