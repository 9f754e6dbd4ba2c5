"""The return (RMA) state machine: ``move`` writes the change on its order's timeline.
(Every machine's table: test_machine.py.)"""

from __future__ import annotations

from oms_tui.models import ReturnOrder
from oms_tui.services.sales import orders
from oms_tui.services.states import return_states
from oms_tui.services.states.return_states import ReturnStatus
from tests import state_factories

R = ReturnStatus


def test_each_change_is_an_event_on_the_order_that_keeps_its_status(db):
    order = state_factories.order(db)
    rid = state_factories.add(db, ReturnOrder(number="RMA-T-1", order_id=order.id,
                                              created_by="li"))  # fmt: skip
    state_factories.moved(db, ReturnOrder, rid, return_states.move, R.RECEIVED, actor="wu")
    state_factories.moved(db, ReturnOrder, rid, return_states.move, R.REFUNDED)
    events = orders.get_order_by_id(db, order.id).events[-2:]
    assert [(e.actor, e.from_status, e.to_status, e.reason) for e in events] == [
        ("wu", "draft", "draft", "return RMA-T-1 received"),
        ("alice", "draft", "draft", "return RMA-T-1 refunded"),
    ]


def test_rejecting_needs_a_reason_which_the_event_keeps(db):
    order = state_factories.order(db)
    rid = state_factories.add(db, ReturnOrder(number="RMA-T-2", order_id=order.id,
                                              created_by="li"))  # fmt: skip
    text = state_factories.refused(db, ReturnOrder, rid, return_states.move, R.REJECTED)
    assert text == "a reason is required to make a return rejected"
    state_factories.moved(db, ReturnOrder, rid, return_states.move, R.REJECTED,
                          reason=" used, not faulty ")  # fmt: skip
    last = orders.get_order_by_id(db, order.id).events[-1]
    assert last.reason == "return RMA-T-2 rejected: used, not faulty"
