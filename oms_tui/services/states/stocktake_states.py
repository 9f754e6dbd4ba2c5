"""The stocktake state machine: open (counts saved as scanned) -> posted (differences
turned into adjustment moves), or cancelled. Every change goes through ``move``; the
record of it is on the stocktake's own row: who (``posted_by``), when (``posted_at``) and,
when posting, why (``reason``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from .machine import Machine

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import Stocktake


class StocktakeStatus(StrEnum):
    OPEN = "open"
    POSTED = "posted"
    CANCELLED = "cancelled"


T = StocktakeStatus

TRANSITIONS: dict[StocktakeStatus, frozenset[StocktakeStatus]] = {
    T.OPEN: frozenset({T.POSTED, T.CANCELLED}),
    T.POSTED: frozenset(),
    T.CANCELLED: frozenset(),
}

MACHINE = Machine("stocktake", StocktakeStatus, TRANSITIONS, reason_required={T.POSTED},
                  stamps={T.POSTED: ("posted_at",), T.CANCELLED: ("posted_at",)})  # fmt: skip


def move(session: Session, st: Stocktake, to: str, actor: str, reason: str = ""
         ) -> StocktakeStatus:  # fmt: skip
    """The one way a stocktake's status changes: checks the move (posting needs a reason),
    sets the status, ``posted_at``, ``posted_by`` and the reason. Returns the status it
    came from."""
    frm, _ = MACHINE.change(st, to, reason)
    st.posted_by = actor
    if reason:
        st.reason = reason
    session.add(st)
    return frm
