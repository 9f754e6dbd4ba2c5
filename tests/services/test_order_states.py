"""The order state machine: every legal and every illegal transition."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import select

from oms_tui.models import Order, OrderEvent
from oms_tui.services.platform.errors import IllegalTransition, InvalidInput
from oms_tui.services.sales import audit_checks, orders
from oms_tui.services.states import order_states
from oms_tui.services.states.order_states import (
    REASON_REQUIRED,
    REASON_REQUIRED_FROM_TO,
    TRANSITIONS,
    OrderStatus,
    check_transition,
)
from tests import state_factories
from tests.factories import make_order

S = OrderStatus
PAIRS = [(a, b) for a in OrderStatus for b in OrderStatus if a != b]
LEGAL = [(a, b) for a, b in PAIRS if b in TRANSITIONS[a]]
ILLEGAL = [(a, b) for a, b in PAIRS if b not in TRANSITIONS[a]]


def test_the_documented_main_path_is_legal():
    path = [S.DRAFT, S.PENDING_AUDIT, S.APPROVED, S.ALLOCATED, S.READY_TO_SHIP,
            S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.CLOSED]  # fmt: skip
    for a, b in zip(path, path[1:], strict=False):
        assert b in TRANSITIONS[a], (a, b)
    assert TRANSITIONS[S.CANCELLED] == frozenset()
    assert S.RETURNED in TRANSITIONS[S.DELIVERED]


def test_every_status_is_reachable_from_draft():
    seen, todo = {S.DRAFT}, [S.DRAFT]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(OrderStatus)


@pytest.mark.parametrize(("frm", "to"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_legal_transition_accepted(frm, to):
    assert check_transition(frm, to, "because") == (frm, to)


@pytest.mark.parametrize(("frm", "to"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_illegal_transition_refused(frm, to):
    with pytest.raises(IllegalTransition, match="cannot become"):
        check_transition(frm, to, "because")


@pytest.mark.parametrize("to", sorted(REASON_REQUIRED))
def test_reason_required(to):
    frm = next(a for a in OrderStatus if to in TRANSITIONS[a])
    with pytest.raises(IllegalTransition, match="reason is required"):
        check_transition(frm, to, "  ")


def test_send_back_to_entry_needs_reason():
    for frm, to in REASON_REQUIRED_FROM_TO:
        with pytest.raises(IllegalTransition, match="reason"):
            check_transition(frm, to, "")


def _force_status(db, order_id: int, status: str) -> None:
    with db.write() as s:
        o = s.get(Order, order_id)
        o.status = status
        s.add(o)


def _events(db, order_id: int) -> list[OrderEvent]:
    with db.read() as s:
        return list(s.exec(select(OrderEvent).where(OrderEvent.order_id == order_id)
                           .order_by(OrderEvent.id)).all())  # fmt: skip


def test_service_applies_every_legal_and_refuses_every_illegal_transition(db):
    """Through ``orders.transition`` on a real database: status, events and refusals."""
    order = make_order(db)
    for frm in OrderStatus:
        for to in OrderStatus:
            if to == frm:
                continue
            _force_status(db, order.id, frm)
            before = len(_events(db, order.id))
            if to in TRANSITIONS[frm]:
                view = orders.transition(db, "alice", order.id, to, reason="test reason")
                assert view.status == to
                last = _events(db, order.id)[-1]
                assert (last.actor, last.from_status, last.to_status, last.reason) == (
                    "alice", frm, to, "test reason")  # fmt: skip
            else:
                with pytest.raises(IllegalTransition):
                    orders.transition(db, "alice", order.id, to, reason="test reason")
                assert orders.get_order_by_id(db, order.id).status == frm
                assert len(_events(db, order.id)) == before


def test_submit_without_lines_refused(db):
    from tests.factories import make_customer

    c = make_customer(db)
    draft = orders.create_order(db, "bob", c.id, [])
    with pytest.raises(InvalidInput, match="no lines"):
        audit_checks.submit_for_audit(db, "bob", draft.id)
    assert orders.get_order_by_id(db, draft.id).status == S.DRAFT


# --------------------------------------------------------------------------------------------
# order_states.move: the one way a status changes


def test_move_sets_status_updated_at_version_and_writes_the_event(db):
    draft = state_factories.order(db)
    moved = state_factories.moved(db, Order, draft.id, order_states.move, S.PENDING_AUDIT,
                                  reason="submitted")  # fmt: skip
    assert moved.status == S.PENDING_AUDIT
    assert moved.version == draft.version + 1
    assert moved.updated_at > draft.updated_at
    last = _events(db, draft.id)[-1]
    assert (last.actor, last.from_status, last.to_status, last.reason) == (
        "alice", S.DRAFT, S.PENDING_AUDIT, "submitted")  # fmt: skip


def test_move_refuses_an_illegal_transition_and_writes_nothing(db):
    draft = state_factories.order(db)
    before = _events(db, draft.id)
    text = state_factories.refused(db, Order, draft.id, order_states.move, S.SHIPPED)
    assert text == ("an order that is draft cannot become shipped; "
                    "possible: Cancelled, Pending audit")  # fmt: skip
    assert _events(db, draft.id) == before
    assert orders.get_order_by_id(db, draft.id).version == draft.version


def test_move_without_a_required_reason_is_refused(db):
    draft = state_factories.order(db)
    state_factories.moved(db, Order, draft.id, order_states.move, S.PENDING_AUDIT)
    text = state_factories.refused(db, Order, draft.id, order_states.move, S.REJECTED,
                                   reason=" ")  # fmt: skip
    assert text == "a reason is required to make an order rejected"


def test_move_on_a_copy_someone_else_changed_is_refused(db):
    """The version column: a change saved meanwhile (here straight in SQL) is not overwritten."""
    draft = state_factories.order(db)
    table = Order.__table__
    with pytest.raises(StaleDataError), db.write() as s:
        mine = s.get(Order, draft.id)
        s.connection().execute(update(table).where(table.c.id == draft.id)
                               .values(version=table.c.version + 1))  # fmt: skip
        order_states.move(s, mine, S.PENDING_AUDIT, "alice", "submitted")
        s.flush()
    assert orders.get_order_by_id(db, draft.id).status == S.DRAFT
