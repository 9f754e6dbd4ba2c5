"""The purchase receipt state machine: open (goods expected, counted as incoming) ->
received once every line is in, or cancelled if they never come. Every change goes
through ``move``. A receipt has no event table: receiving sets ``received_at``, and the
record is the receipt stock moves (who, how many) the caller writes with it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ...i18n import N_
from .machine import Machine

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import PurchaseReceipt


class ReceiptStatus(StrEnum):
    OPEN = "open"
    RECEIVED = "received"
    CANCELLED = "cancelled"


TRANSITIONS: dict[ReceiptStatus, frozenset[ReceiptStatus]] = {
    ReceiptStatus.OPEN: frozenset({ReceiptStatus.RECEIVED, ReceiptStatus.CANCELLED}),
    ReceiptStatus.RECEIVED: frozenset(),
    ReceiptStatus.CANCELLED: frozenset(),
}

# How a refusal says each status (i18n.shown reads them back; "open" alone is the key word).
LABELS = {ReceiptStatus.OPEN: N_("expected"), ReceiptStatus.RECEIVED: N_("received"),
          ReceiptStatus.CANCELLED: N_("cancelled")}  # fmt: skip

MACHINE = Machine(N_("receipt"), ReceiptStatus, TRANSITIONS, a_noun=N_("a receipt"),
                  labels=LABELS, stamps={ReceiptStatus.RECEIVED: ("received_at",)})  # fmt: skip


def move(session: Session, receipt: PurchaseReceipt, to: str, actor: str) -> ReceiptStatus:
    """The one way a receipt's status changes: checks the move and sets the status and
    ``received_at``. Returns the status it came from."""
    del actor  # the receipt's stock moves the caller writes name who
    frm, _ = MACHINE.change(receipt, to)
    session.add(receipt)
    return frm
