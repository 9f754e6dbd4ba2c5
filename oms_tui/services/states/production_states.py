"""The production order state machine: planned -> in progress -> done, and cancelled from
either open status. Every change goes through ``move``; the record of it is a row of the
order's stage log (``production_stage_log``: started, completed, cancelled), which the
production board and the order's documents show."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlmodel import col, select

from ...i18n import N_
from ...models import ProductionStageLog
from .machine import Change, Machine, expect_version

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
    N_("production order"), ProductionStatus, TRANSITIONS, a_noun=N_("a production order"),
    stamps={P.IN_PROGRESS: ("started_at",), P.DONE: ("completed_at",)},
)  # fmt: skip

# How a refusal says each status (i18n.shown reads them back).
SAID = (N_("planned"), N_("in progress"), N_("done"), N_("cancelled"))
# What the stage log says of a move into each status (stored; shown through i18n.shown).
LOG_RESULT = {P.IN_PROGRESS: N_("started"), P.DONE: N_("completed"),
              P.CANCELLED: N_("cancelled")}  # fmt: skip


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
    (through ``move``) a change of status. Without a stage the row is named by ``result``.
    Every row is a change of the order: its version goes up (see ``ProductionOrder``)."""
    po.version += 1
    session.add(po)
    session.add(ProductionStageLog(production_order_id=po.id,
                                   stage_seq=stage.seq if stage else 0,
                                   stage_name=stage.name if stage else result, result=result,
                                   note=note, actor=actor))  # fmt: skip


def last_change(session: Session, po: ProductionOrder) -> Change | None:
    """Who changed the production order last and when: its newest stage-log row."""
    row = session.exec(select(ProductionStageLog)
                       .where(ProductionStageLog.production_order_id == po.id)
                       .order_by(col(ProductionStageLog.id).desc()).limit(1)).first()  # fmt: skip
    if row is None:
        return None
    what = row.result if row.stage_name == row.result else f"{row.stage_name} {row.result}"
    return Change(row.actor, row.at, what.replace("_", " "))


def check_version(session: Session, po: ProductionOrder, expected: int | None) -> None:
    """Refuse an action taken on a board that showed another version of the production
    order (``StaleData`` naming who changed it and when)."""
    expect_version(po, expected, po.number, lambda: last_change(session, po))
