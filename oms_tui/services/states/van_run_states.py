"""The van run (``delivery_run``) state machine: planned -> out (the van left) ->
returned (settled); a planned run may be settled without being marked out. Every change
goes through ``move``. A run has no event table: returning sets ``returned_at``, and the
record of the settlement is what the caller writes with it (each stop's result, the
container moves with who, the delivered shipments' tracking events)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from .machine import Machine

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import DeliveryRun


class RunStatus(StrEnum):
    PLANNED = "planned"
    OUT = "out"
    RETURNED = "returned"


V = RunStatus

TRANSITIONS: dict[RunStatus, frozenset[RunStatus]] = {
    V.PLANNED: frozenset({V.OUT, V.RETURNED}),
    V.OUT: frozenset({V.RETURNED}),
    V.RETURNED: frozenset(),
}

MACHINE = Machine("van run", RunStatus, TRANSITIONS, stamps={V.RETURNED: ("returned_at",)})


def move(session: Session, run: DeliveryRun, to: str, actor: str,
         at: datetime | None = None) -> RunStatus:  # fmt: skip
    """The one way a van run's status changes: checks the move and sets the status and
    ``returned_at`` (``at``, default now). Returns the status it came from."""
    del actor  # the stops' results and container moves the caller writes name who
    frm, _ = MACHINE.change(run, to, at=at)
    session.add(run)
    return frm
