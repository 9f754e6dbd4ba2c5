"""The one order state machine. Every change of an order's status goes through ``move``
(which checks it with ``check_transition``); ``record_event`` alone writes the decisions
that keep the status (a priority bump, a note on the timeline)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlmodel import col, select

from ...i18n import N_
from ...models import Order, OrderEvent
from ..platform.errors import StaleData
from .machine import Change, Machine, expect_version, stale

if TYPE_CHECKING:
    from sqlmodel import Session


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
    S.DRAFT: N_("Draft"),
    S.PENDING_AUDIT: N_("Pending audit"),
    S.APPROVED: N_("Approved"),
    S.REJECTED: N_("Rejected"),
    S.ON_HOLD: N_("On hold"),
    S.ALLOCATED: N_("Allocated"),
    S.PARTIALLY_BACKORDERED: N_("Part backordered"),
    S.BACKORDERED: N_("Backordered"),
    S.IN_PRODUCTION: N_("In production"),
    S.READY_TO_SHIP: N_("Ready to ship"),
    S.PARTIALLY_SHIPPED: N_("Part shipped"),
    S.SHIPPED: N_("Shipped"),
    S.DELIVERED: N_("Delivered"),
    S.CLOSED: N_("Closed"),
    S.CANCELLED: N_("Cancelled"),
    S.RETURNED: N_("Returned"),
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


MACHINE = Machine(
    N_("order"), OrderStatus, TRANSITIONS, a_noun=N_("an order"), labels=LABELS,
    reason_required=REASON_REQUIRED, reason_required_from_to=REASON_REQUIRED_FROM_TO,
    no_reason=N_("a reason is required to make an order {target}"),
)  # fmt: skip
# The labels as a refusal says them, in lower case (i18n.shown reads them back).
SAID = (
    N_("draft"), N_("pending audit"), N_("approved"), N_("rejected"), N_("on hold"),
    N_("allocated"), N_("part backordered"), N_("backordered"), N_("in production"),
    N_("ready to ship"), N_("part shipped"), N_("shipped"), N_("delivered"), N_("closed"),
    N_("cancelled"), N_("returned"),
)  # fmt: skip


def allowed_next(status: str) -> frozenset[OrderStatus]:
    return MACHINE.allowed_next(status)


def check_transition(
    current: str, target: str, reason: str = ""
) -> tuple[OrderStatus, OrderStatus]:
    """Return the parsed pair, or raise ``IllegalTransition`` with a sentence a clerk can read."""
    return MACHINE.check(current, target, reason)


def move(session: Session, order: Order, to: str, actor: str, reason: str = "") -> OrderStatus:
    """The one way an order's status changes: checks the move (``check_transition``, a
    reason where one is required), sets the status and ``updated_at``, and writes the order
    event (who, from, to, why). The version: ``Order`` maps it as its ``version_id_col``, so
    the flush of this change bumps it and refuses a copy someone else changed meanwhile.
    Returns the status the order came from."""
    frm, new = MACHINE.change(order, to, reason)
    session.add(order)
    record_event(session, order, actor, new, reason, frm)
    return frm


def record_event(
    session: Session, order: Order, actor: str, to_status: str, reason: str = "",
    from_status: str | None = None,
) -> None:  # fmt: skip
    """An order event. A status change writes its own through ``move``; call this directly
    only for an order's creation and for decisions that keep the status (``from_status`` and
    ``to_status`` both the current one)."""
    session.add(OrderEvent(order_id=order.id, actor=actor, from_status=from_status,
                           to_status=to_status, reason=reason))  # fmt: skip


def last_change(session: Session, order: Order) -> Change | None:
    """Who changed the order last and when: its newest event."""
    event = session.exec(select(OrderEvent).where(OrderEvent.order_id == order.id)
                         .order_by(col(OrderEvent.id).desc()).limit(1)).first()  # fmt: skip
    if event is None:
        return None
    return Change(event.actor, event.at, event.reason or MACHINE.label(event.to_status).lower())


def stale_order(session: Session, order_id: int) -> StaleData:
    """The refusal when a save lost the race to another one (the flush found the version
    moved on): read again, it names who changed the order, when and what."""
    order = session.get(Order, order_id)
    if order is None:
        return StaleData(N_("the order was removed meanwhile; nothing was saved"))
    return stale(N_("order {number}").format(number=order.number), last_change(session, order))


def check_version(session: Session, order: Order, expected: int | None) -> None:
    """Refuse an action taken on another version of the order than its own (``StaleData``
    naming who changed it and when)."""
    expect_version(order, expected, N_("order {number}").format(number=order.number),
                   lambda: last_change(session, order))  # fmt: skip
