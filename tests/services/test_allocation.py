"""Allocation on approval: which warehouse, split or not, ship complete or partial,
made-to-order, the order's status and event, release on cancel, backorders filled in
priority order, and a stocktake shortage taking reservations from the lowest priority."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from oms_tui.models import Allocation, OrderLine
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import IllegalTransition, InvalidInput
from oms_tui.services.sales import audit_checks, audit_decisions, orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import set_product
from tests.factories import make_product
from tests.stock_factories import (
    approved,
    customer,
    events,
    held,
    level,
    receive,
    set_priority,
    status,
    warehouse,
)


@pytest.fixture
def whs(db):
    """HZ serves the East region; BJ (rank 1) and SH (rank 2) are tried after it."""
    warehouse(db, "SH", rank=2)
    warehouse(db, "HZ", region="East", rank=3)
    warehouse(db, "BJ", region="North", rank=1)
    return db


def _reasons(db, order_id: int) -> list[tuple[str, int, str]]:
    return [(a.warehouse_code, a.qty, a.reason) for a in allocation.order_allocations(db, order_id)
            if a.open]  # fmt: skip


# -- warehouse preference -----------------------------------------------------------------------


def test_region_warehouse_is_tried_first_and_the_reason_says_so(whs):
    db = whs
    pid = make_product(db)
    receive(db, "BJ", pid, 10)
    receive(db, "HZ", pid, 10)
    oid = approved(db, customer(db, region="East"), [(pid, 4)])

    result = allocation.allocate_order(db, "auditor", oid)

    assert result.status == S.ALLOCATED and status(db, oid) == S.ALLOCATED
    assert _reasons(db, oid) == [("HZ", 4, "customer's region East")]
    assert level(db, pid, "HZ") == (10, 4) and level(db, pid, "BJ") == (10, 0)
    frm, to, text = events(db, oid)[-1]
    assert (frm, to) == (S.APPROVED, S.ALLOCATED)
    assert text == "L1 4 from HZ (customer's region East)"
    assert stock.verify(db) == []


def test_then_by_allocation_rank_when_the_region_has_none(whs):
    db = whs
    pid = make_product(db)
    receive(db, "SH", pid, 10)
    receive(db, "BJ", pid, 10)
    oid = approved(db, customer(db, region="East"), [(pid, 4)])

    allocation.allocate_order(db, "auditor", oid)

    assert _reasons(db, oid) == [("BJ", 4, "allocation order #1; HZ short")]
    assert level(db, pid, "BJ") == (10, 4) and level(db, pid, "SH") == (10, 0)


def test_customer_in_a_region_without_a_warehouse_goes_by_rank_only(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    receive(db, "SH", pid, 10)
    oid = approved(db, customer(db, region="West"), [(pid, 4)])

    allocation.allocate_order(db, "auditor", oid)

    assert _reasons(db, oid) == [("SH", 4, "allocation order #2; BJ short")]


def test_warehouse_preference_order():
    from oms_tui.models import Warehouse

    a = Warehouse(id=1, code="A", name="a", region="South", allocation_rank=5)
    b = Warehouse(id=2, code="B", name="b", region="", allocation_rank=1)
    c = Warehouse(id=3, code="C", name="c", region="", allocation_rank=1)
    d = Warehouse(id=4, code="D", name="d", region="", allocation_rank=0, active=False)
    prefs = allocation.warehouse_preference([d, c, b, a], "South")
    assert [(w.code, why) for w, why in prefs] == [
        ("A", "customer's region South"),
        ("B", "allocation order #1"),
        ("C", "allocation order #1"),
    ]


# -- splitting lines ----------------------------------------------------------------------------


def test_split_allowed_takes_the_rest_from_the_next_warehouse(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    receive(db, "BJ", pid, 5)
    oid = approved(db, customer(db), [(pid, 6)])

    result = allocation.allocate_order(db, "auditor", oid)

    assert result.status == S.ALLOCATED
    assert _reasons(db, oid) == [("HZ", 3, "customer's region East"),
                                 ("BJ", 3, "allocation order #1")]  # fmt: skip
    assert level(db, pid, "HZ") == (3, 3) and level(db, pid, "BJ") == (5, 3)


def test_no_split_takes_the_first_warehouse_that_covers_the_line(whs):
    db = whs
    stock.set_stock_setting(db, "admin", "stock_split_lines", 0)
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    receive(db, "BJ", pid, 5)
    oid = approved(db, customer(db), [(pid, 4)])

    allocation.allocate_order(db, "auditor", oid)

    assert _reasons(db, oid) == [("BJ", 4, "allocation order #1; HZ cannot cover the line")]
    assert level(db, pid, "HZ") == (3, 0)


def test_no_split_and_nobody_has_it_all_takes_one_warehouse_and_backorders_the_rest(whs):
    db = whs
    stock.set_stock_setting(db, "admin", "stock_split_lines", 0)
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    receive(db, "BJ", pid, 5)
    oid = approved(db, customer(db), [(pid, 7)])

    result = allocation.allocate_order(db, "auditor", oid)

    assert result.status == S.PARTIALLY_BACKORDERED
    assert _reasons(db, oid) == [
        ("HZ", 3, "customer's region East; no warehouse has all 7 (lines not split)")
    ]
    assert result.lines[0].backordered == 4
    assert level(db, pid, "BJ") == (5, 0)
    assert events(db, oid)[-1][2] == (
        "L1 3 from HZ (customer's region East; no warehouse has all 7 (lines not split)); "
        "L1 4 backordered"
    )


def test_stock_settings_are_validated(db):
    with pytest.raises(InvalidInput, match="0 \\(never split\\) or 1"):
        stock.set_stock_setting(db, "admin", "stock_split_lines", 2)
    with pytest.raises(InvalidInput, match="unknown stock setting"):
        stock.set_stock_setting(db, "admin", "stock_splits", 1)
    assert stock.get_stock_settings(db) == stock.StockSettings()
    assert stock.set_stock_setting(db, "admin", "stock_demand_days", 14).stock_demand_days == 14


# -- shipping policy and statuses --------------------------------------------------------------


def test_partial_policy_reserves_what_exists_and_backorders_the_rest(whs):
    db = whs
    a, b = make_product(db), make_product(db)
    receive(db, "HZ", a, 10)
    receive(db, "HZ", b, 1)
    oid = approved(db, customer(db, policy="partial"), [(a, 2), (b, 3)])

    result = allocation.allocate_order(db, "auditor", oid)

    assert result.status == S.PARTIALLY_BACKORDERED == status(db, oid)
    assert level(db, a, "HZ") == (10, 2) and level(db, b, "HZ") == (1, 1)
    assert [(ln.line_no, ln.backordered) for ln in result.lines] == [(1, 0), (2, 2)]
    assert events(db, oid)[-1] == (
        S.APPROVED, S.PARTIALLY_BACKORDERED,
        "L1 2 from HZ (customer's region East); "
        "L2 1 from HZ (customer's region East); L2 2 backordered",
    )  # fmt: skip


def test_complete_policy_reserves_nothing_until_every_line_can_be_covered(whs):
    db = whs
    a, b = make_product(db), make_product(db)
    receive(db, "HZ", a, 10)
    receive(db, "HZ", b, 1)
    oid = approved(db, customer(db, policy="complete"), [(a, 2), (b, 3)])

    result = allocation.allocate_order(db, "auditor", oid)

    assert result.status == S.BACKORDERED == status(db, oid)
    assert held(db, oid) == {}
    assert level(db, a, "HZ") == (10, 0) and level(db, b, "HZ") == (1, 0)
    assert events(db, oid)[-1] == (
        S.APPROVED, S.BACKORDERED,
        "ship complete: nothing reserved until every line can be covered; "
        "L1 2 backordered; L2 3 backordered",
    )  # fmt: skip

    # Part of the shortage arrives: still not everything, still nothing reserved.
    out = receive(db, "HZ", b, 1)
    assert out.filled == () and held(db, oid) == {} and status(db, oid) == S.BACKORDERED
    # The rest arrives: every line is covered at once.
    out = receive(db, "HZ", b, 1)
    assert out.filled_orders == (orders.get_order_by_id(db, oid).number,)
    assert status(db, oid) == S.ALLOCATED and held(db, oid) == {"HZ": 5}
    assert stock.verify(db) == []


def test_the_policy_is_taken_from_the_customer_onto_the_order(whs):
    db = whs
    pid = make_product(db)
    view = orders.create_order(db, "clerk", customer(db, policy="complete"),
                               [orders.NewLine(pid, 1)])  # fmt: skip
    with db.read() as s:
        from oms_tui.models import Order

        assert s.get(Order, view.id).shipping_policy == "complete"


def test_nothing_in_stock_backorders_the_order(whs):
    db = whs
    pid = make_product(db)
    oid = approved(db, customer(db), [(pid, 4)])

    result = allocation.allocate_order(db, "auditor", oid)

    assert result.status == S.BACKORDERED and result.reserved_now == 0
    assert events(db, oid)[-1] == (S.APPROVED, S.BACKORDERED, "L1 4 backordered")
    assert stock.stock_card(db, pid).backordered == 4


def test_made_to_order_lines_go_to_production(whs):
    db = whs
    mto, stocked = make_product(db), make_product(db)
    set_product(db, mto, made_to_order=True)
    receive(db, "HZ", stocked, 5)
    only = approved(db, customer(db), [(mto, 2)])
    mixed = approved(db, customer(db), [(mto, 1), (stocked, 5)])

    assert allocation.allocate_order(db, "auditor", only).status == S.IN_PRODUCTION
    result = allocation.allocate_order(db, "auditor", mixed)

    assert result.status == S.IN_PRODUCTION == status(db, mixed)
    assert [ln.to_production for ln in result.lines] == [True, False]
    assert held(db, only) == {} and held(db, mixed) == {"HZ": 5}
    assert level(db, mto, "HZ") == (0, 0)
    assert events(db, mixed)[-1][2] == "L1 to production; L2 5 from HZ (customer's region East)"


def test_only_approved_or_backordered_orders_are_allocated(whs):
    db = whs
    pid = make_product(db)
    view = orders.create_order(db, "clerk", customer(db), [orders.NewLine(pid, 1)], submit=True)
    with pytest.raises(IllegalTransition, match="only approved or backordered"):
        allocation.allocate_order(db, "auditor", view.id)
    assert status(db, view.id) == S.PENDING_AUDIT


def test_approve_allocates_at_once(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    view = orders.create_order(db, "clerk", customer(db), [orders.NewLine(pid, 5)], submit=True)

    after = audit_decisions.approve(db, "auditor", view.id, reason="customer waits for the rest")

    assert after.status == S.PARTIALLY_BACKORDERED
    assert held(db, view.id) == {"HZ": 3} and level(db, pid, "HZ") == (3, 3)
    assert [(f, t) for f, t, _ in events(db, view.id)][-2:] == [
        (S.PENDING_AUDIT, S.APPROVED), (S.APPROVED, S.PARTIALLY_BACKORDERED),
    ]  # fmt: skip


def test_allocate_approved_sweeps_orders_left_at_approved(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 5)
    first, second = approved(db, customer(db), [(pid, 3)]), approved(db, customer(db), [(pid, 3)])

    results = allocation.allocate_approved(db, "warehouse")

    assert [r.order_id for r in results] == [first, second]  # oldest first
    assert (status(db, first), status(db, second)) == (S.ALLOCATED, S.PARTIALLY_BACKORDERED)
    assert held(db, first) == {"HZ": 3} and held(db, second) == {"HZ": 2}
    assert allocation.allocate_approved(db, "warehouse") == []


# -- release -----------------------------------------------------------------------------------


def test_cancel_releases_the_reservations(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    receive(db, "BJ", pid, 3)
    oid = approved(db, customer(db), [(pid, 5)])
    allocation.allocate_order(db, "auditor", oid)
    assert level(db, pid, "HZ") == (3, 3) and level(db, pid, "BJ") == (3, 2)

    orders.transition(db, "manager", oid, S.CANCELLED, "customer changed their mind")

    assert level(db, pid, "HZ") == (3, 0) and level(db, pid, "BJ") == (3, 0)
    assert held(db, oid) == {}
    with db.read() as s:
        line_ids = s.exec(select(OrderLine.id).where(OrderLine.order_id == oid)).all()
        allocs = s.exec(select(Allocation).where(col(Allocation.order_line_id).in_(line_ids))).all()
    assert len(allocs) == 2 and all(a.released_at is not None for a in allocs)
    assert events(db, oid)[-1] == (
        S.ALLOCATED,
        S.CANCELLED,
        "customer changed their mind (5 reserved units released)",
    )
    assert stock.verify(db) == []


# -- backorders fill themselves, in priority order ---------------------------------------------


def _three_waiting(db, pid: int) -> tuple[int, int, int]:
    low = approved(db, customer(db), [(pid, 4)], priority_score=10)
    high = approved(db, customer(db), [(pid, 4)], priority_score=50)
    mid = approved(db, customer(db), [(pid, 4)], priority_score=30)
    for oid in (low, high, mid):
        allocation.allocate_order(db, "auditor", oid)
        assert status(db, oid) == S.BACKORDERED
    return low, high, mid


def test_receipt_fills_backorders_highest_priority_first(whs):
    db = whs
    pid = make_product(db)
    low, high, mid = _three_waiting(db, pid)

    out = stock_operations.receive(db, "store", "HZ", [(pid, 10)], supplier="Acme")

    numbers = {oid: orders.get_order_by_id(db, oid).number for oid in (low, high, mid)}
    assert out.filled_orders == (numbers[high], numbers[mid], numbers[low])
    assert (status(db, high), status(db, mid), status(db, low)) == (
        S.ALLOCATED, S.ALLOCATED, S.PARTIALLY_BACKORDERED,
    )  # fmt: skip
    assert (held(db, high), held(db, mid), held(db, low)) == ({"HZ": 4}, {"HZ": 4}, {"HZ": 2})
    assert level(db, pid, "HZ") == (10, 10)
    assert events(db, high)[-1][:2] == (S.BACKORDERED, S.ALLOCATED)
    assert events(db, low)[-1][:2] == (S.BACKORDERED, S.PARTIALLY_BACKORDERED)
    assert stock.verify(db) == []


def test_receipt_too_small_for_anyone_but_the_first(whs):
    db = whs
    pid = make_product(db)
    low, high, mid = _three_waiting(db, pid)

    out = receive(db, "BJ", pid, 4)

    assert out.filled_orders == (orders.get_order_by_id(db, high).number,)
    assert held(db, high) == {"BJ": 4}
    assert status(db, mid) == status(db, low) == S.BACKORDERED


def test_bumped_points_are_not_counted_twice(whs):
    """``OrderAudit.priority_score`` already includes the reviewers' bumps (see
    ``audit.priority_score``): the waiting order with the higher score goes first."""
    db = whs
    plain_score = audit_checks.priority_score(requested_date=None, today=date.today(),
                                       customer_group="retail", customer_tier="C",
                                       total_minor=0, currency="CNY")  # fmt: skip
    bumped_score = audit_checks.priority_score(requested_date=None, today=date.today(),
                                        customer_group="retail", customer_tier="C",
                                        total_minor=0, currency="CNY", bump_points=100)  # fmt: skip
    assert bumped_score.score == plain_score.score + 100
    pid = make_product(db)
    bumped = approved(db, customer(db), [(pid, 4)])
    set_priority(db, bumped, 150, bump_points=100)  # 50 of its own + one bump of 100
    plain = approved(db, customer(db), [(pid, 4)])
    set_priority(db, plain, 180)
    for oid in (bumped, plain):
        allocation.allocate_order(db, "auditor", oid)

    receive(db, "HZ", pid, 4)

    assert held(db, plain) == {"HZ": 4} and held(db, bumped) == {}


def test_transfer_fills_a_backorder_the_target_warehouse_can_now_cover(whs):
    db = whs
    stock.set_stock_setting(db, "admin", "stock_split_lines", 0)
    pid = make_product(db)
    receive(db, "HZ", pid, 3)
    receive(db, "SH", pid, 3)
    oid = approved(db, customer(db), [(pid, 6)])
    allocation.allocate_order(db, "auditor", oid)
    assert status(db, oid) == S.PARTIALLY_BACKORDERED and held(db, oid) == {"HZ": 3}

    out = stock_operations.transfer(db, "store", pid, "SH", "HZ", 3, reason="consolidate")

    assert out.filled_orders == (orders.get_order_by_id(db, oid).number,)
    assert status(db, oid) == S.ALLOCATED and held(db, oid) == {"HZ": 6}
    assert level(db, pid, "HZ") == (6, 6) and level(db, pid, "SH") == (0, 0)
    assert stock.verify(db) == []


# -- a stocktake finds reserved stock missing ---------------------------------------------------


def _count(db, wh: str, pid: int, qty: int) -> stock_operations.Outcome:
    st = stock_operations.start_stocktake(db, "counter", wh)
    code = stock.stock_card(db, pid).code
    stock_operations.record_count(db, "counter", st.id, code, qty, replace=True)
    return stock_operations.post_stocktake(db, "manager", st.id, "shelf count")


def test_shortage_releases_the_lowest_priority_reservation_first(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    low = approved(db, customer(db), [(pid, 4)], priority_score=10)
    high = approved(db, customer(db), [(pid, 4)], priority_score=90)
    for oid in (high, low):
        allocation.allocate_order(db, "auditor", oid)
    assert level(db, pid, "HZ") == (10, 8)

    _count(db, "HZ", pid, 4)  # six missing: only one order's worth is left

    assert level(db, pid, "HZ") == (4, 4)
    assert held(db, high) == {"HZ": 4} and status(db, high) == S.ALLOCATED
    assert held(db, low) == {} and status(db, low) == S.BACKORDERED
    assert events(db, low)[-1] == (S.ALLOCATED, S.BACKORDERED, "L1 4 backordered")
    assert stock.verify(db) == []


def test_shortage_reallocates_to_another_warehouse(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 8)
    low = approved(db, customer(db), [(pid, 4)], priority_score=10)
    high = approved(db, customer(db), [(pid, 4)], priority_score=90)
    for oid in (low, high):
        allocation.allocate_order(db, "auditor", oid)
    receive(db, "BJ", pid, 5)

    _count(db, "HZ", pid, 4)

    assert held(db, high) == {"HZ": 4}
    assert held(db, low) == {"BJ": 4} and status(db, low) == S.ALLOCATED
    assert _reasons(db, low) == [("BJ", 4, "allocation order #1; HZ short")]
    assert level(db, pid, "HZ") == (4, 4) and level(db, pid, "BJ") == (5, 4)
    assert stock.verify(db) == []


def test_adjustment_down_into_reserved_stock_also_releases_lowest_priority(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 6)
    low = approved(db, customer(db), [(pid, 3)], priority_score=10)
    high = approved(db, customer(db), [(pid, 3)], priority_score=90)
    for oid in (low, high):
        allocation.allocate_order(db, "auditor", oid)

    stock_operations.adjust(db, "manager", pid, "HZ", -2, "water damage")

    assert level(db, pid, "HZ") == (4, 4)
    assert held(db, high) == {"HZ": 3}
    assert held(db, low) == {"HZ": 1} and status(db, low) == S.PARTIALLY_BACKORDERED
    assert stock.verify(db) == []


# -- shipping issues reserved stock -------------------------------------------------------------


def test_issue_takes_from_the_reservation_and_keeps_the_rest_reserved(whs):
    db = whs
    pid = make_product(db)
    receive(db, "HZ", pid, 10)
    oid = approved(db, customer(db), [(pid, 5)])
    allocation.allocate_order(db, "auditor", oid)
    with db.read() as s:
        line_id = s.exec(select(OrderLine.id).where(OrderLine.order_id == oid)).one()

    with db.write() as s:
        out = stock.issue_in(s, "packer", oid, {line_id: 3}, "SH-2026-000001")

    assert out == {line_id: [(level_wh_id(db, "HZ"), 3)]}
    assert level(db, pid, "HZ") == (7, 2) and held(db, oid) == {"HZ": 2}
    with db.read() as s:
        assert s.get(OrderLine, line_id).qty_shipped == 3
    with pytest.raises(InvalidInput, match="only 2 reserved to ship, not 3"), db.write() as s:
        stock.issue_in(s, "packer", oid, {line_id: 3}, "SH-2026-000002")
    assert level(db, pid, "HZ") == (7, 2)
    assert stock.verify(db) == []


def level_wh_id(db, code: str) -> int:
    from oms_tui.models import Warehouse

    with db.read() as s:
        return s.exec(select(Warehouse.id).where(Warehouse.code == code)).one()


def test_shortage_on_a_ship_complete_order_releases_all_of_it(whs):
    """Ship complete: once a line can no longer be covered, the order holds nothing (its
    other lines' stock goes back to whoever can use it), and it is backordered."""
    db = whs
    a, b = make_product(db), make_product(db)
    receive(db, "HZ", a, 4)
    receive(db, "HZ", b, 2)
    oid = approved(db, customer(db, policy="complete"), [(a, 4), (b, 2)])
    allocation.allocate_order(db, "auditor", oid)
    assert status(db, oid) == S.ALLOCATED and held(db, oid) == {"HZ": 6}

    _count(db, "HZ", a, 2)

    assert held(db, oid) == {} and status(db, oid) == S.BACKORDERED
    assert level(db, a, "HZ") == (2, 0) and level(db, b, "HZ") == (2, 0)
    assert events(db, oid)[-1] == (
        S.ALLOCATED, S.BACKORDERED,
        "ship complete: nothing reserved until every line can be covered; "
        "L1 4 backordered; L2 2 backordered",
    )  # fmt: skip
    assert stock.verify(db) == []

    receive(db, "HZ", a, 2)  # covered again: the whole order is reserved at once
    assert held(db, oid) == {"HZ": 6} and status(db, oid) == S.ALLOCATED


def test_stock_freed_by_a_cancellation_goes_to_the_waiting_orders(db):
    warehouse(db, "HZ", "East")
    pid = make_product(db)
    receive(db, "HZ", pid, 5)
    first = approved(db, customer(db), [(pid, 5)])
    allocation.allocate_order(db, "t", first)
    waiting = approved(db, customer(db), [(pid, 3)])
    allocation.allocate_order(db, "t", waiting)
    assert (status(db, first), status(db, waiting)) == (S.ALLOCATED, S.BACKORDERED)
    orders.transition(db, "manager", first, S.CANCELLED, "customer changed their mind")
    assert status(db, waiting) == S.ALLOCATED and level(db, pid, "HZ") == (5, 3)
    assert stock.verify(db) == []


def test_the_sweep_fills_backorders_for_stock_that_arrived_outside_the_services(db):
    wid = warehouse(db, "HZ", "East")
    pid = make_product(db)
    waiting = approved(db, customer(db), [(pid, 3)])
    allocation.allocate_order(db, "t", waiting)
    assert status(db, waiting) == S.BACKORDERED
    with db.write() as s:  # a bare ledger move, as a data repair would write
        lv = stock.lock_levels(s, [pid])[(pid, wid)]
        stock.add_move(s, lv, 4, stock.RECEIPT, "repair", reason="found on the shelf")
    filled = allocation.fill_all_backorders(db, "warehouse")
    assert [r.order_id for r in filled] == [waiting]
    assert status(db, waiting) == S.ALLOCATED and level(db, pid, "HZ") == (4, 3)
    assert allocation.fill_all_backorders(db, "warehouse") == []
    assert stock.verify(db) == []
