"""The production order state machine: ``move`` sets the times and writes the stage log.
(Every machine's table: test_machine.py.)"""

from __future__ import annotations

from sqlmodel import select

from oms_tui.models import ProductionOrder, ProductionStageLog, RouteStage
from oms_tui.services.states import production_states
from oms_tui.services.states.production_states import MACHINE, OPEN, ProductionStatus
from tests import state_factories
from tests.factories import make_product

P = ProductionStatus


def test_open_means_not_finished():
    assert set(OPEN) == {s for s in P if MACHINE.transitions[s]}


def _planned(db) -> int:
    return state_factories.add(db, ProductionOrder(number="PO-T-1", product_id=make_product(db),
                                                   qty=3, created_by="liu"))  # fmt: skip


def _log(db, po_id: int) -> list[tuple]:
    with db.read() as s:
        return [(r.stage_seq, r.stage_name, r.result, r.note, r.actor) for r in s.exec(
            select(ProductionStageLog).where(ProductionStageLog.production_order_id == po_id)
            .order_by(ProductionStageLog.id)).all()]  # fmt: skip


def test_start_and_finish_set_their_times_and_write_the_stage_log(db):
    po_id = _planned(db)
    stage = RouteStage(id=7, route_id=1, seq=1, name="cutting")
    started = state_factories.moved(db, ProductionOrder, po_id, production_states.move,
                                    P.IN_PROGRESS, note="materials issued",
                                    stage=stage)  # fmt: skip
    assert started.status == P.IN_PROGRESS and started.started_at is not None
    assert started.completed_at is None
    done = state_factories.moved(db, ProductionOrder, po_id, production_states.move, P.DONE,
                                 actor="wu", note="3 into stock")  # fmt: skip
    assert done.status == P.DONE and done.completed_at >= started.started_at
    assert _log(db, po_id) == [(1, "cutting", "started", "materials issued", "alice"),
                               (0, "completed", "completed", "3 into stock", "wu")]  # fmt: skip


def test_a_finished_order_cannot_move_and_logs_nothing(db):
    po_id = _planned(db)
    text = state_factories.refused(db, ProductionOrder, po_id, production_states.move, P.DONE)
    assert text == ("a production order that is planned cannot become done; "
                    "possible: cancelled, in progress")  # fmt: skip
    state_factories.moved(db, ProductionOrder, po_id, production_states.move, P.CANCELLED)
    state_factories.refused(db, ProductionOrder, po_id, production_states.move, P.IN_PROGRESS)
    assert _log(db, po_id) == [(0, "cancelled", "cancelled", "", "alice")]
