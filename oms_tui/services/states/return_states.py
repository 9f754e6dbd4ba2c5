"""The return (RMA) state machine: requested -> received (goods back in) -> refunded, or
rejected. Every change goes through ``move``. A return has no event table of its own: the
record of a change is an event on its sales order's timeline that keeps the order's status
("return RMA-2026-000001 received: ..."), where the clerk looking at the order sees it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ...i18n import N_
from ...models import Order
from .machine import Machine
from .order_states import record_event

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import ReturnOrder


class ReturnStatus(StrEnum):
    REQUESTED = "requested"
    RECEIVED = "received"
    REFUNDED = "refunded"
    REJECTED = "rejected"


R = ReturnStatus

TRANSITIONS: dict[ReturnStatus, frozenset[ReturnStatus]] = {
    R.REQUESTED: frozenset({R.RECEIVED, R.REJECTED}),
    R.RECEIVED: frozenset({R.REFUNDED, R.REJECTED}),
    R.REFUNDED: frozenset(),
    R.REJECTED: frozenset(),
}

MACHINE = Machine(N_("return"), ReturnStatus, TRANSITIONS, a_noun=N_("a return"),
                  reason_required={R.REJECTED},
                  no_reason=N_("a reason is required to make a return {target}"))  # fmt: skip
# How a refusal and the order's event say each status (i18n.shown reads them back).
SAID = (N_("requested"), N_("received"), N_("refunded"), N_("rejected"))


def move(session: Session, ret: ReturnOrder, to: str, actor: str, reason: str = ""
         ) -> ReturnStatus:  # fmt: skip
    """The one way a return's status changes: checks the move (rejecting needs a reason),
    sets the status, and writes the event on its sales order (the order's status kept).
    Returns the status it came from."""
    frm, new = MACHINE.change(ret, to, reason)
    session.add(ret)
    order = session.get(Order, ret.order_id)
    text = N_("return {number} {status}").format(number=ret.number, status=MACHINE.label(new))
    if reason.strip():
        text = N_("return {number} {status}: {reason}").format(
            number=ret.number, status=MACHINE.label(new), reason=reason.strip()
        )
    record_event(session, order, actor, order.status, text, order.status)
    return frm
