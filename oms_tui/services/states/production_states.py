"""The production order state machine: planned -> in progress -> done, and cancelled from
either open status. Every change goes through ``move``; the record of it is a row of the
order's stage log (``production_stage_log``: started, completed, cancelled), which the
production board and the order's documents show."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from ...models import ProductionStageLog
from .machine import Machine

if TYPE_CHECKING:
    from sqlmodel import Session

    from ...models import ProductionOrder, RouteStage


class ProductionStatus(StrEnum):
    PLANNED = "planned"  # waiting for its turn (materials reserved as far as they go)
    IN_PROGRESS = "in_progress"  # started: materials issued, at ``current_stage_seq``
    DONE = "done"  # goods into stock
    CANCELLED = "cancelled"  # its sales order was cancelled


P = ProductionStatus

TRANSITIONS: dict[ProductionStatus, frozenset[ProductionStatus]] = {
    P.PLANNED: frozenset({P.IN_PROGRESS, P.CANCELLED}),
    P.IN_PROGRESS: frozenset({P.DONE, P.CANCELLED}),
    P.DONE: frozenset(),
    P.CANCELLED: frozenset(),
}
# Not done nor cancelled: on the board, holding or using materials.
OPEN = (P.PLANNED, P.IN_PROGRESS)

MACHINE = Machine(
    "production order", ProductionStatus, TRANSITIONS,
    stamps={P.IN_PROGRESS: ("started_at",), P.DONE: ("completed_at",)},
)  # fmt: skip

# What the stage log says of a move into each status.
LOG_RESULT = {P.IN_PROGRESS: "started", P.DONE: "completed", P.CANCELLED: "cancelled"}


def move(session: Session, po: ProductionOrder, to: str, actor: str, note: str = "",
         stage: RouteStage | None = None) -> ProductionStatus:  # fmt: skip
    """The one way a production order's status changes: checks the move, sets the status
    and its timestamp (``started_at``, ``completed_at``), and writes the stage-log row
    (``LOG_RESULT``: at ``stage`` when given, e.g. the first stage on starting). Returns
    the status it came from."""
    frm, new = MACHINE.change(po, to)
    session.add(po)
    log_stage(session, po, stage, LOG_RESULT[new], actor, note)
    return frm


def log_stage(session: Session, po: ProductionOrder, stage: RouteStage | None, result: str,
              actor: str, note: str = "") -> None:  # fmt: skip
    """A row of the stage log: a stage started or done, a quality failure, a new date, or
    (through ``move``) a change of status. Without a stage the row is named by ``result``."""
    session.add(ProductionStageLog(production_order_id=po.id,
                                   stage_seq=stage.seq if stage else 0,
                                   stage_name=stage.name if stage else result, result=result,
                                   note=note, actor=actor))  # fmt: skip
