"""The stocktake state machine: posting (with a reason) or cancelling records who and when
on the stocktake. (Every machine's table: test_machine.py.)"""

from __future__ import annotations

from oms_tui.models import Stocktake
from oms_tui.services.states import stocktake_states
from oms_tui.services.states.stocktake_states import StocktakeStatus
from tests import state_factories

T = StocktakeStatus


def _open(db, number: str) -> int:
    return state_factories.add(
        db,
        Stocktake(
            number=number, started_by="sun", warehouse_id=state_factories.warehouse(db, number)
        ),
    )


def test_posting_needs_a_reason_and_records_who_when_and_why(db):
    st = _open(db, "ST1")
    text = state_factories.refused(db, Stocktake, st, stocktake_states.move, T.POSTED)
    assert text == "a reason is required to make a stocktake posted"
    posted = state_factories.moved(db, Stocktake, st, stocktake_states.move, T.POSTED,
                                   actor="wu", reason="year end")  # fmt: skip
    assert (posted.status, posted.posted_by, posted.reason) == (T.POSTED, "wu", "year end")
    assert posted.posted_at is not None
    state_factories.refused(db, Stocktake, st, stocktake_states.move, T.CANCELLED)


def test_cancelling_records_who_and_when(db):
    st = _open(db, "ST2")
    gone = state_factories.moved(db, Stocktake, st, stocktake_states.move, T.CANCELLED)
    assert (gone.status, gone.posted_by, gone.reason) == (T.CANCELLED, "alice", "")
    assert gone.posted_at is not None
