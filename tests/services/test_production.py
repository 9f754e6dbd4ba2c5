"""Production: created from approved orders' made-to-order lines, planned dates, material
issue and shortages, the stage flow with quality failures, completion into stock and the
order's status, and what the board and other screens read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from oms_tui.models import (
    Allocation,
    BomItem,
    Order,
    Product,
    ProductionOrder,
    ProductionRoute,
    RouteStage,
    StockMove,
)
from oms_tui.services import allocation, orders, production, stock, stock_operations
from oms_tui.services.errors import IllegalTransition, InvalidInput
from oms_tui.services.order_states import OrderStatus as S
from tests.stock_factories import customer, warehouse

TODAY = date(2026, 11, 30)
STAGES = (("备料 materials", 1), ("开料 cutting", 1), ("组装 assembly", 2), ("质检 QC", 1))


def _doors(db, capacity: int = 4) -> dict[str, int]:
    warehouse(db, "HZ", "East", 0)
    with db.write() as s:
        route = ProductionRoute(name="木门生产线 Door line", product_line="doors",
                                daily_capacity=capacity)  # fmt: skip
        s.add(route)
        s.flush()
        for seq, (name, days) in enumerate(STAGES, start=1):
            s.add(RouteStage(route_id=route.id, seq=seq, name=name, planned_days=days))
        door = Product(code="DOOR-1", name="实木门 Oak door", product_line="doors",
                       made_to_order=True, list_price_minor=200_000)  # fmt: skip
        oak = Product(code="RM-OAK", name="橡木板 Oak board", unit="m2", list_price_minor=5_000)
        hinge = Product(code="RM-HINGE", name="合页 Hinge", list_price_minor=500)
        lamp = Product(code="LAMP-1", name="吸顶灯", list_price_minor=10_000)
        s.add_all([door, oak, hinge, lamp])
        s.flush()
        s.add(BomItem(product_id=door.id, material_id=oak.id, qty_per=3))
        s.add(BomItem(product_id=door.id, material_id=hinge.id, qty_per=2))
        ids = {"route": route.id, "door": door.id, "oak": oak.id, "hinge": hinge.id,
               "lamp": lamp.id}  # fmt: skip
    stock_operations.receive(db, "t", "HZ", [(ids["oak"], 30), (ids["hinge"], 100),
                                              (ids["lamp"], 10)])  # fmt: skip
    return ids


def _order_of(db, lines, due: date | None = None, priority: int = 0) -> int:
    cid = customer(db)
    view = orders.create_order(db, "clerk", cid, [orders.NewLine(p, q, requirements_note=n)
                                                  for p, q, n in lines], submit=True,
                               requested_date=due, priority=priority)  # fmt: skip
    orders.transition(db, "auditor", view.id, S.APPROVED, "ok")
    allocation.allocate_order(db, "auditor", view.id)
    return view.id


def _po(db, order_id) -> ProductionOrder:
    with db.read() as s:
        return s.exec(select(ProductionOrder).where(ProductionOrder.order_id == order_id)).one()


def _status(db, order_id) -> str:
    with db.read() as s:
        return s.get(Order, order_id).status


def test_approval_creates_production_orders_with_the_requirements(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 2, "2050x860 哑光清漆"), (ids["lamp"], 1, "")],
                    due=TODAY + timedelta(days=20), priority=1)  # fmt: skip
    assert _status(db, oid) == S.IN_PRODUCTION
    po = _po(db, oid)
    assert (po.qty, po.requirements_note, po.priority, po.status, po.route_id) == (
        2,
        "2050x860 哑光清漆",
        1,
        "planned",
        ids["route"],
    )
    assert po.due_date == TODAY + timedelta(days=20) and po.expected_date is not None
    with db.read() as s:
        assert len(s.exec(select(ProductionOrder)).all()) == 1


def test_planned_dates_follow_the_queue_and_capacity(db):
    ids = _doors(db, capacity=4)
    first = _po(db, _order_of(db, [(ids["door"], 4, "")], priority=1))
    second = _po(db, _order_of(db, [(ids["door"], 4, "")]))
    production.replan(db, TODAY)
    a, b = _po(db, first.order_id), _po(db, second.order_id)
    # 5 days of stages; the second waits for 4 units ahead at 4 a day: one more day
    assert a.expected_date == TODAY + timedelta(days=5)
    assert b.expected_date == TODAY + timedelta(days=6)


def test_start_issues_materials_or_names_the_shortage(db):
    ids = _doors(db)
    big = _po(db, _order_of(db, [(ids["door"], 11, "")]))  # 33 oak boards needed, 30 there
    short = production.shortages(db, big.id, TODAY)
    assert [(x.material_code, x.needed, x.available, x.short) for x in short] == [
        ("RM-OAK", 33, 30, 3)
    ]
    with pytest.raises(InvalidInput, match="cannot start: RM-OAK short 3 \\(30 of 33\\)"):
        production.start(db, "liu", big.id, TODAY)
    small = _po(db, _order_of(db, [(ids["door"], 2, "")]))
    started = production.start(db, "liu", small.id, TODAY)
    assert (started.status, started.current_stage_seq) == ("in_progress", 1)
    with db.read() as s:
        used = s.exec(select(StockMove.product_id, StockMove.qty).where(
            StockMove.kind == "production_use").order_by(StockMove.product_id)).all()  # fmt: skip
    assert sorted(tuple(u) for u in used) == sorted([(ids["oak"], -6), (ids["hinge"], -4)])
    assert stock.verify(db) == []
    with pytest.raises(IllegalTransition, match="not waiting"):
        production.start(db, "liu", small.id, TODAY)


def test_stage_flow_quality_failure_and_completion_ready_to_ship(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 1, "左开门"), (ids["lamp"], 2, "")])
    po = _po(db, oid)
    with pytest.raises(IllegalTransition, match="start it first"):
        production.advance(db, "zhang", po.id, today=TODAY)
    production.start(db, "liu", po.id, TODAY)
    production.advance(db, "zhang", po.id, today=TODAY)  # materials -> cutting
    production.advance(db, "zhang", po.id, today=TODAY)  # cutting -> assembly
    production.advance(db, "zhang", po.id, today=TODAY)  # assembly -> QC
    with pytest.raises(InvalidInput, match="reason is required"):
        production.quality_failure(db, "qc", po.id, 3, " ", TODAY)
    with pytest.raises(InvalidInput, match="up to the current one"):
        production.quality_failure(db, "qc", po.id, 9, "x", TODAY)
    back = production.quality_failure(db, "qc", po.id, 3, "门缝不均 uneven gap", TODAY)
    assert back.current_stage_seq == 3
    new = production.set_expected(db, "liu", po.id, TODAY + timedelta(days=9), "油漆缺货")
    assert new.expected_date == TODAY + timedelta(days=9)
    [row] = production.board(db)
    assert (row.stage_name, row.stage_no, row.stages, row.status) == (
        "组装 assembly",
        3,
        4,
        "in_progress",
    )
    assert row.progress == pytest.approx(0.5)
    production.advance(db, "zhang", po.id, today=TODAY)  # assembly -> QC again
    assert _status(db, oid) == S.IN_PRODUCTION
    production.advance(db, "qc", po.id, "ok", today=TODAY)  # QC passed: done
    done = _po(db, oid)
    assert done.status == "done" and done.completed_at is not None
    assert _status(db, oid) == S.READY_TO_SHIP
    with db.read() as s:
        made = s.exec(select(StockMove.qty).where(StockMove.kind == "production_in")).all()
        reserved = s.exec(select(Allocation.qty, Allocation.reason)
                          .where(Allocation.order_line_id == done.order_line_id)).all()  # fmt: skip
    assert made == [1] and [tuple(r) for r in reserved] == [(1, f"made by {done.number}")]
    assert stock.verify(db) == []
    results = [h.result for h in production.history(db, po.id)]
    assert results == ["planned", "started", "done", "started", "done", "started", "done",
                       "started", "qc_fail", "started", "replanned", "done", "started",
                       "done", "completed"]  # fmt: skip
    assert production.board(db) == []
    [seen] = production.for_orders(db, [oid])[oid]
    assert (seen.status, seen.stage) == ("done", "done")


def test_cancelling_the_order_stops_its_production(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 1, "")])
    orders.transition(db, "clerk", oid, S.CANCELLED, "customer changed their mind")
    assert _po(db, oid).status == "cancelled"
    assert "production stopped" in orders.get_order_by_id(db, oid).events[-1].reason


def test_board_filters_and_capacity(db):
    ids = _doors(db, capacity=3)
    early = _po(db, _order_of(db, [(ids["door"], 2, "")], due=TODAY + timedelta(days=3)))
    _order_of(db, [(ids["door"], 2, "")], due=TODAY + timedelta(days=30))
    production.replan(db, TODAY)
    assert [r.number for r in production.board(db, due_before=TODAY + timedelta(days=5))] == [
        early.number
    ]
    assert production.board(db, product_line="lighting") == []
    late = [r for r in production.board(db) if r.late]
    assert [r.number for r in late] == [early.number]  # 5 days of work, due in 3
    days = production.capacity(db, TODAY, days=7)
    assert {d.route for d in days} == {"木门生产线 Door line"}
    assert max(d.planned_units for d in days) == 4 and any(d.over for d in days)


def test_stages_of_lists_the_route_in_order(db):
    ids = _doors(db)
    po = _po(db, _order_of(db, [(ids["door"], 1, "")]))
    assert [(st.seq, st.name, st.planned_days) for st in production.stages_of(db, po.id)] == [
        (seq, name, days) for seq, (name, days) in enumerate(STAGES, start=1)
    ]
