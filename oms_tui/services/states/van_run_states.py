"""The van run (``delivery_run``) state machine: planned -> out (the van left) ->
returned (settled); a planned run may be settled without being marked out. Every change
goes through ``move``. A run has no event table: returning sets ``returned_at`` and
``returned_by``, and the record of the settlement is what the caller writes with it (each
stop's result, the container moves with who, the delivered shipments' tracking events)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ...i18n import N_
from .machine import Change, Machine, expect_version

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

# How a refusal says each status (i18n.shown reads them back; "out" alone is the stock word).
LABELS = {V.PLANNED: N_("planned"), V.OUT: N_("out on delivery"), V.RETURNED: N_("settled")}

MACHINE = Machine(N_("van run"), RunStatus, TRANSITIONS, a_noun=N_("a van run"),
                  labels=LABELS, stamps={V.RETURNED: ("returned_at",)})  # fmt: skip


def move(session: Session, run: DeliveryRun, to: str, actor: str,
         at: datetime | None = None) -> RunStatus:  # fmt: skip
    """The one way a van run's status changes: checks the move and sets the status,
    ``returned_at`` (``at``, default now) and who settled it. Returns the status it came
    from."""
    frm, new = MACHINE.change(run, to, at=at)
    if new == V.RETURNED:
        run.returned_by = actor
    session.add(run)
    return frm


def last_change(run: DeliveryRun) -> Change:
    """Who changed the run last and when: who settled it, else who planned it."""
    if run.returned_at is not None:
        return Change(run.returned_by or "", run.returned_at, N_("settled"))
    return Change(run.created_by, run.created_at, N_("planned"))


def check_version(run: DeliveryRun, expected: int | None) -> None:
    """Refuse an action taken on another version of the run than its own."""
    expect_version(run, expected, N_("van run {number}").format(number=run.number),
                   lambda: last_change(run))  # fmt: skip
