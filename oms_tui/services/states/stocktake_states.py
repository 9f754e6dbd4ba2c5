"""The stocktake state machine: open (counts saved as scanned) -> posted (differences
turned into adjustment moves), or cancelled. Every change goes through ``move``; the
record of it is on the stocktake's own row: who (``posted_by``), when (``posted_at``) and,
when posting, why (``reason``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ...i18n import N_
from .machine import Change, Machine, expect_version

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

# How a refusal says each status (i18n.shown reads them back; "open" alone is the key word).
LABELS = {T.OPEN: N_("being counted"), T.POSTED: N_("posted"), T.CANCELLED: N_("cancelled")}

MACHINE = Machine(N_("stocktake"), StocktakeStatus, TRANSITIONS, a_noun=N_("a stocktake"),
                  labels=LABELS, reason_required={T.POSTED},
                  no_reason=N_("a reason is required to make a stocktake {target}"),
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


def last_change(st: Stocktake) -> Change:
    """Who changed the stocktake last and when: who posted or cancelled it, else who
    started it."""
    if st.posted_at is not None:
        return Change(st.posted_by or "", st.posted_at, MACHINE.label(st.status))
    return Change(st.started_by, st.started_at, N_("started"))


def check_version(st: Stocktake, expected: int | None) -> None:
    """Refuse posting or cancelling a stocktake another version of which was shown."""
    expect_version(st, expected, N_("stocktake {number}").format(number=st.number),
                   lambda: last_change(st))  # fmt: skip
