"""Production: created from approved orders' made-to-order lines, planned dates, material
issue and shortages, the stage flow with quality failures, completion into stock and the
order's status, and what the board and other screens read."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import col, select

from oms_tui.models import (
    Allocation,
    BomItem,
    MaterialReservation,
    Order,
    Product,
    ProductionOrder,
    ProductionRoute,
    RouteStage,
    StockMove,
)
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.errors import IllegalTransition, InvalidInput
from oms_tui.services.production import board, materials, planning, routes, stages
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.stock_factories import customer, level, warehouse

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
    planning.replan(db, TODAY)
    a, b = _po(db, first.order_id), _po(db, second.order_id)
    # 5 days of stages; the second waits for 4 units ahead at 4 a day: one more day
    assert a.expected_date == TODAY + timedelta(days=5)
    assert b.expected_date == TODAY + timedelta(days=6)


def _held(db, po_id: int) -> dict[str, int]:
    """Open material reservations of a production order, by material code."""
    with db.read() as s:
        rows = s.exec(
            select(Product.code, MaterialReservation.qty)
            .join(Product, Product.id == MaterialReservation.product_id)
            .where(MaterialReservation.production_order_id == po_id,
                   col(MaterialReservation.released_at).is_(None))
        ).all()  # fmt: skip
    out: dict[str, int] = {}
    for code, qty in rows:
        out[code] = out.get(code, 0) + qty
    return out


def _used(db, po: ProductionOrder) -> dict[int, int]:
    """Net production_use moves of a production order, by material id."""
    with db.read() as s:
        rows = s.exec(select(StockMove.product_id, StockMove.qty).where(
            StockMove.kind == "production_use", StockMove.reference == po.number)
        ).all()  # fmt: skip
    out: dict[int, int] = {}
    for pid, qty in rows:
        out[pid] = out.get(pid, 0) + qty
    return out


def _log(db, po_id: int) -> list[tuple[str, str]]:
    return [(h.result, h.note) for h in board.history(db, po_id)]


def test_planning_reserves_the_materials_and_a_shortage_does_not_block_approval(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 11, "")])  # 33 oak boards needed, 30 there
    assert _status(db, oid) == S.IN_PRODUCTION  # approved and sent to production all the same
    big = _po(db, oid)
    assert _held(db, big.id) == {"RM-OAK": 30, "RM-HINGE": 22}
    assert level(db, ids["oak"], "HZ") == (30, 30) and level(db, ids["hinge"], "HZ") == (100, 22)
    oak = stock.stock_card(db, ids["oak"])
    assert (oak.on_hand, oak.reserved, oak.available) == (30, 30, 0)  # the stock screen's view
    short = materials.shortages(db, big.id, TODAY)
    assert [(x.material_code, x.needed, x.available, x.short) for x in short] == [
        ("RM-OAK", 33, 30, 3)]  # fmt: skip
    [(result, note)] = [e for e in _log(db, big.id) if e[0] == "short"]
    assert note.startswith("RM-OAK short 3 (30 of 33), blocking since ")
    event = orders.get_order_by_id(db, oid).events[-1].reason
    assert f"L1 to production ({big.number}: RM-OAK short 3 (30 of 33), blocking since" in event
    with pytest.raises(InvalidInput, match="cannot start: RM-OAK short 3 \\(30 of 33\\)"):
        stages.start(db, "liu", big.id, TODAY)
    assert _held(db, big.id) == {"RM-OAK": 30, "RM-HINGE": 22}  # the refusal changed nothing
    assert stock.verify(db) == []


def test_two_doors_cannot_count_on_the_same_last_sheet(db):
    ids = _doors(db)
    first = _po(db, _order_of(db, [(ids["door"], 9, "")]))  # 27 of the 30 oak boards
    second = _po(db, _order_of(db, [(ids["door"], 2, "")]))  # needs 6: 3 are free
    assert _held(db, first.id) == {"RM-OAK": 27, "RM-HINGE": 18}
    assert _held(db, second.id) == {"RM-OAK": 3, "RM-HINGE": 4}
    # planned today (the approval's date): it waits 9 units ahead at 4 a day, 3 days
    start = date.today() + timedelta(days=3)
    assert ("short", f"RM-OAK short 3 (3 of 6), blocking since {start:%m-%d}") in _log(
        db, second.id)  # fmt: skip
    with pytest.raises(InvalidInput, match="RM-OAK short 3 \\(3 of 6\\)"):
        stages.start(db, "liu", second.id, TODAY)
    # A later door with a higher priority does not take what the first two hold.
    third = _po(db, _order_of(db, [(ids["door"], 1, "")], priority=5))
    assert _held(db, third.id) == {"RM-HINGE": 2}
    # Oak comes in: first in the queue first (the urgent door, then the second).
    out = stock_operations.receive(db, "store", "HZ", [(ids["oak"], 4)])
    assert out.materials_for == (third.number, second.number)
    assert _held(db, third.id) == {"RM-OAK": 3, "RM-HINGE": 2}
    assert _held(db, second.id) == {"RM-OAK": 4, "RM-HINGE": 4}
    assert ("reserved", "materials came in: RM-OAK 1") in _log(db, second.id)
    assert stock.verify(db) == []


def test_start_turns_the_reservation_into_the_issue(db):
    ids = _doors(db)
    po = _po(db, _order_of(db, [(ids["door"], 2, "")]))
    assert _held(db, po.id) == {"RM-OAK": 6, "RM-HINGE": 4}
    with db.write() as s:  # a lock added to the bill after planning, none in stock
        lock = Product(code="RM-LOCK", name="门锁 Lock", list_price_minor=3_000)
        s.add(lock)
        s.flush()
        lock_id = lock.id
    routes.set_bom(db, "eng", "DOOR-1", "RM-LOCK", 1)
    with pytest.raises(InvalidInput, match="RM-LOCK short 2 \\(0 of 2\\)"):
        stages.start(db, "liu", po.id, TODAY)
    stock_operations.receive(db, "store", "HZ", [(lock_id, 5)])
    assert _held(db, po.id) == {"RM-OAK": 6, "RM-HINGE": 4, "RM-LOCK": 2}  # reserved on arrival
    started = stages.start(db, "liu", po.id, TODAY)
    assert (started.status, started.current_stage_seq) == ("in_progress", 1)
    assert _held(db, po.id) == {}
    assert _used(db, po) == {ids["oak"]: -6, ids["hinge"]: -4, lock_id: -2}
    assert level(db, ids["oak"], "HZ") == (24, 0) and level(db, lock_id, "HZ") == (3, 0)
    assert ("started", "3 materials issued (12 units, 12 of them reserved)") in _log(db, po.id)
    assert stock.verify(db) == []
    with pytest.raises(IllegalTransition, match="not waiting"):
        stages.start(db, "liu", po.id, TODAY)


def test_start_takes_what_was_never_reserved_from_free_stock(db):
    ids = _doors(db)
    po = _po(db, _order_of(db, [(ids["door"], 2, "")]))
    # A lock in stock, added to the bill by a script behind set_bom's back: never reserved.
    with db.write() as s:
        lock = Product(code="RM-LOCK", name="门锁 Lock", list_price_minor=3_000)
        s.add(lock)
        s.flush()
        lock_id = lock.id
    stock_operations.receive(db, "store", "HZ", [(lock_id, 5)])
    with db.write() as s:
        s.add(BomItem(product_id=ids["door"], material_id=lock_id, qty_per=1))
    assert _held(db, po.id) == {"RM-OAK": 6, "RM-HINGE": 4}
    stages.start(db, "liu", po.id, TODAY)
    assert _used(db, po) == {ids["oak"]: -6, ids["hinge"]: -4, lock_id: -2}
    assert ("started", "3 materials issued (12 units, 10 of them reserved)") in _log(db, po.id)
    assert level(db, lock_id, "HZ") == (3, 0)
    assert stock.verify(db) == []


def test_a_bill_change_follows_the_planned_orders(db):
    ids = _doors(db)
    po = _po(db, _order_of(db, [(ids["door"], 2, "")]))
    assert _held(db, po.id) == {"RM-OAK": 6, "RM-HINGE": 4}
    routes.set_bom(db, "eng", "DOOR-1", "RM-OAK", 2)  # thinner panels: 4 boards
    routes.set_bom(db, "eng", "DOOR-1", "RM-HINGE", 3)  # a third hinge: 6
    assert _held(db, po.id) == {"RM-OAK": 4, "RM-HINGE": 6}
    log = _log(db, po.id)
    assert ("released", "bill changed to 2 RM-OAK a unit: 2 released") in log
    assert ("reserved", "materials came in: RM-HINGE 2") in log
    routes.set_bom(db, "eng", "DOOR-1", "RM-OAK", 0)  # no oak at all any more
    assert _held(db, po.id) == {"RM-HINGE": 6}
    assert level(db, ids["oak"], "HZ") == (30, 0)
    stages.start(db, "liu", po.id, TODAY)
    assert _used(db, po) == {ids["hinge"]: -6}
    assert stock.verify(db) == []


def test_stock_freed_by_a_cancelled_customer_order_goes_to_a_short_door(db):
    ids = _doors(db)
    spares = _order_of(db, [(ids["hinge"], 99, "")])  # hinges sold as spare parts
    po = _po(db, _order_of(db, [(ids["door"], 1, "")]))
    assert _held(db, po.id) == {"RM-OAK": 3, "RM-HINGE": 1}
    orders.transition(db, "manager", spares, S.CANCELLED, "customer cancelled")
    assert _held(db, po.id) == {"RM-OAK": 3, "RM-HINGE": 2}
    assert stock.verify(db) == []


def test_cancelling_before_the_start_releases_the_materials_to_the_next_door(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 9, "")])
    first = _po(db, oid)
    waiting = _po(db, _order_of(db, [(ids["door"], 2, "")]))  # 3 of its 6 boards
    orders.transition(db, "manager", oid, S.CANCELLED, "customer changed their mind")
    assert _po(db, oid).status == "cancelled" and _held(db, first.id) == {}
    assert ("cancelled", "customer changed their mind; materials released: RM-HINGE 18, "
            "RM-OAK 27") in _log(db, first.id)  # fmt: skip
    assert _held(db, waiting.id) == {"RM-OAK": 6, "RM-HINGE": 4}  # it got the freed boards
    assert level(db, ids["oak"], "HZ") == (30, 6) and _used(db, first) == {}
    assert stock.verify(db) == []


def test_cancelling_after_the_start_returns_the_issued_materials(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 2, "")])
    po = _po(db, oid)
    stages.start(db, "liu", po.id, TODAY)
    stages.advance(db, "zhang", po.id, today=TODAY)  # cutting started
    waiting = _po(db, _order_of(db, [(ids["door"], 9, "")]))  # 24 boards left: 3 short
    assert _held(db, waiting.id) == {"RM-OAK": 24, "RM-HINGE": 18}
    orders.transition(db, "manager", oid, S.CANCELLED, "customer cancelled")
    assert _po(db, oid).status == "cancelled"
    assert _used(db, po) == {ids["oak"]: 0, ids["hinge"]: 0}  # issued, then back
    with db.read() as s:
        back = s.exec(select(StockMove).where(StockMove.reference == po.number,
                                              StockMove.qty > 0)).all()  # fmt: skip
    assert sorted((m.kind, m.qty, m.reason, m.actor) for m in back) == [
        ("production_use", 4, f"back from cancelled {po.number}: customer cancelled", "manager"),
        ("production_use", 6, f"back from cancelled {po.number}: customer cancelled", "manager"),
    ]
    assert ("cancelled", "customer cancelled; materials back in stock: RM-HINGE 4, RM-OAK 6"
            ) in _log(db, po.id)  # fmt: skip
    assert _held(db, waiting.id) == {"RM-OAK": 27, "RM-HINGE": 18}  # the boards went on
    assert level(db, ids["oak"], "HZ") == (30, 27)
    # What was cut is scrap: the shop writes it off with a stock adjustment.
    stock_operations.adjust(db, "manager", ids["oak"], "HZ", -2, f"cut for {po.number}, scrap")
    assert level(db, ids["oak"], "HZ") == (28, 27)
    assert stock.verify(db) == []


def test_stocktake_short_of_a_material_takes_it_from_the_last_door_in_the_queue(db):
    ids = _doors(db)
    first = _po(db, _order_of(db, [(ids["door"], 4, "")], priority=1))  # 12 boards
    last = _po(db, _order_of(db, [(ids["door"], 4, "")]))  # 12 boards
    st = stock_operations.start_stocktake(db, "counter", "HZ")
    stock_operations.record_count(db, "counter", st.id, "RM-OAK", 20, replace=True)
    stock_operations.post_stocktake(db, "manager", st.id, "cycle count")
    assert _held(db, first.id)["RM-OAK"] == 12 and _held(db, last.id)["RM-OAK"] == 8
    assert ("short", f"RM-OAK 4 no longer reserved: stocktake {st.number}") in _log(db, last.id)
    assert [x.short for x in materials.shortages(db, last.id, TODAY)] == [4]
    assert level(db, ids["oak"], "HZ") == (20, 20)
    assert stock.verify(db) == []


def test_stage_flow_quality_failure_and_completion_ready_to_ship(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 1, "左开门"), (ids["lamp"], 2, "")])
    po = _po(db, oid)
    with pytest.raises(IllegalTransition, match="start it first"):
        stages.advance(db, "zhang", po.id, today=TODAY)
    stages.start(db, "liu", po.id, TODAY)
    stages.advance(db, "zhang", po.id, today=TODAY)  # materials -> cutting
    stages.advance(db, "zhang", po.id, today=TODAY)  # cutting -> assembly
    stages.advance(db, "zhang", po.id, today=TODAY)  # assembly -> QC
    with pytest.raises(InvalidInput, match="reason is required"):
        stages.quality_failure(db, "qc", po.id, 3, " ", TODAY)
    with pytest.raises(InvalidInput, match="up to the current one"):
        stages.quality_failure(db, "qc", po.id, 9, "x", TODAY)
    back = stages.quality_failure(db, "qc", po.id, 3, "门缝不均 uneven gap", TODAY)
    assert back.current_stage_seq == 3
    new = stages.set_expected(db, "liu", po.id, TODAY + timedelta(days=9), "油漆缺货")
    assert new.expected_date == TODAY + timedelta(days=9)
    [row] = board.board(db)
    assert (row.stage_name, row.stage_no, row.stages, row.status) == (
        "组装 assembly",
        3,
        4,
        "in_progress",
    )
    assert row.progress == pytest.approx(0.5)
    stages.advance(db, "zhang", po.id, today=TODAY)  # assembly -> QC again
    assert _status(db, oid) == S.IN_PRODUCTION
    stages.advance(db, "qc", po.id, "ok", today=TODAY)  # QC passed: done
    done = _po(db, oid)
    assert done.status == "done" and done.completed_at is not None
    assert _status(db, oid) == S.READY_TO_SHIP
    with db.read() as s:
        made = s.exec(select(StockMove.qty).where(StockMove.kind == "production_in")).all()
        reserved = s.exec(select(Allocation.qty, Allocation.reason)
                          .where(Allocation.order_line_id == done.order_line_id)).all()  # fmt: skip
    assert made == [1] and [tuple(r) for r in reserved] == [(1, f"made by {done.number}")]
    assert stock.verify(db) == []
    results = [h.result for h in board.history(db, po.id)]
    assert results == ["planned", "started", "done", "started", "done", "started", "done",
                       "started", "qc_fail", "started", "replanned", "done", "started",
                       "done", "completed"]  # fmt: skip
    assert board.board(db) == []
    [seen] = board.for_orders(db, [oid])[oid]
    assert (seen.status, seen.stage) == ("done", "done")


def test_cancelling_the_order_stops_its_production(db):
    ids = _doors(db)
    oid = _order_of(db, [(ids["door"], 1, "")])
    orders.transition(db, "manager", oid, S.CANCELLED, "customer changed their mind")
    assert _po(db, oid).status == "cancelled"
    assert "production stopped" in orders.get_order_by_id(db, oid).events[-1].reason


def test_board_filters_and_capacity(db):
    ids = _doors(db, capacity=3)
    early = _po(db, _order_of(db, [(ids["door"], 2, "")], due=TODAY + timedelta(days=3)))
    _order_of(db, [(ids["door"], 2, "")], due=TODAY + timedelta(days=30))
    planning.replan(db, TODAY)
    assert [r.number for r in board.board(db, due_before=TODAY + timedelta(days=5))] == [
        early.number
    ]
    assert board.board(db, product_line="lighting") == []
    late = [r for r in board.board(db) if r.late]
    assert [r.number for r in late] == [early.number]  # 5 days of work, due in 3
    days = board.capacity(db, TODAY, days=7)
    assert {d.route for d in days} == {"木门生产线 Door line"}
    # 4 doors at 3 a day, as planning counts them: 3 today, 1 tomorrow, then free
    assert [d.planned_units for d in days[:3]] == [3, 1, 0]
    assert [d.backlog for d in days[:2]] == [1, 0]
    assert all(d.planned_units <= d.capacity for d in days)


def test_capacity_agrees_with_the_planned_dates(db):
    """The view's days are the plan's: an order waiting behind others starts on the day its
    expected date was counted from (before, a 5-day order counted on every day of its 5
    and showed '141 / 12 OVER' while every date fitted)."""
    ids = _doors(db, capacity=4)
    pos = [_po(db, _order_of(db, [(ids["door"], q, "")])) for q in (4, 4, 4)]
    planning.replan(db, TODAY)
    days = board.capacity(db, TODAY, days=7)
    assert [d.planned_units for d in days[:4]] == [4, 4, 4, 0]
    whole = sum(days_ for _name, days_ in STAGES)
    starts = [(_po(db, po.order_id).expected_date - TODAY).days - whole for po in pos]
    assert starts == [0, 1, 2]  # the days the view shows them starting


def test_stages_of_lists_the_route_in_order(db):
    ids = _doors(db)
    po = _po(db, _order_of(db, [(ids["door"], 1, "")]))
    assert [(st.seq, st.name, st.planned_days) for st in board.stages_of(db, po.id)] == [
        (seq, name, days) for seq, (name, days) in enumerate(STAGES, start=1)
    ]


def test_the_board_marks_the_planned_orders_short_of_materials(db):
    ids = _doors(db)  # 30 oak boards, 3 a door
    first = _po(db, _order_of(db, [(ids["door"], 2, "")]))  # holds 6
    second = _po(db, _order_of(db, [(ids["door"], 3, "")]))  # holds 9

    def short() -> set[str]:
        return {r.number for r in board.board(db) if r.short}

    assert short() == set()
    big = _po(db, _order_of(db, [(ids["door"], 6, "")]))  # 18 needed, 15 left
    assert short() == {big.number}
    stock_operations.receive(db, "t", "HZ", [(ids["oak"], 3)])  # the 3 go to it
    assert _held(db, big.id)["RM-OAK"] == 18 and short() == set()
    # A bill raised beyond the free stock: no "short" line in any log, but all three are.
    routes.set_bom(db, "eng", "DOOR-1", "RM-OAK", 4)
    assert short() == {first.number, second.number, big.number}
    assert [e for e in _log(db, second.id) if e[0] == "short"] == []
    assert [(m.material_code, m.needed, m.reserved) for m in materials.materials_held(
        db, second.id)] == [("RM-HINGE", 6, 6), ("RM-OAK", 12, 9)]  # fmt: skip
    stock_operations.receive(db, "t", "HZ", [(ids["oak"], 2)])  # the first in the queue
    stages.start(db, "liu", first.id, TODAY)
    rows = {r.number: r for r in board.board(db)}
    assert (rows[first.number].status, rows[first.number].short) == ("in_progress", False)
    assert short() == {second.number, big.number}
    assert [x.material_code for x in materials.shortages(db, second.id, TODAY)] == ["RM-OAK"]
    assert stock.verify(db) == []


def test_the_board_stamp_moves_when_an_order_is_planned_or_changed(db):
    ids = _doors(db, capacity=4)
    first = board.board_stamp(db)
    assert first == board.board_stamp(db)  # nothing changed: the same mark
    po = _po(db, _order_of(db, [(ids["door"], 2, "")]))
    planned = board.board_stamp(db)
    assert planned != first and planned[0] == first[0] + 1
    stages.set_expected(db, "wang", po.id, TODAY + timedelta(days=20), "supplier late")
    assert board.board_stamp(db) != planned  # a change of one order: its version moved
