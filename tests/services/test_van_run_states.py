"""The van run state machine: returning sets ``returned_at``; a returned run is final.
(Every machine's table: test_machine.py.)"""

from __future__ import annotations

from datetime import date

from oms_tui.models import DeliveryRun
from oms_tui.services.states import van_run_states
from oms_tui.services.states.van_run_states import RunStatus
from tests import state_factories

V = RunStatus


def test_a_run_goes_out_and_returns_once(db):
    rid = state_factories.add(
        db,
        DeliveryRun(
            number="RUN-T-1",
            carrier_id=state_factories.van(db),
            run_date=date(2026, 12, 1),
            created_by="zhao",
        ),
    )
    out = state_factories.moved(db, DeliveryRun, rid, van_run_states.move, V.OUT)
    assert out.status == V.OUT and out.returned_at is None
    back = state_factories.moved(db, DeliveryRun, rid, van_run_states.move, V.RETURNED)
    assert back.status == V.RETURNED and back.returned_at is not None
    text = state_factories.refused(db, DeliveryRun, rid, van_run_states.move, V.OUT)
    assert text == ("a van run that is settled cannot become out on delivery; "
                    "possible: none (final)")  # fmt: skip
