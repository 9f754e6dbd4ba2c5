"""Property test of the stock ledger: random sequences of receipts, reservations (approved
orders allocated), releases (cancel), shipments (``issue_in``), transfers, adjustments and
stocktakes, and production: orders for a made-to-order door whose bill takes a product
also sold and one bought only for the factory (reserved when planned, issued at the start,
released or returned when the order is cancelled, the door into stock when done), quality
failures. After every step:

- on hand equals the sum of moves, and what a plain model of the operations expects;
- reserved equals the open allocations plus the open material reservations; available is
  never negative; ``verify()`` is empty;
- no line holds more than it still needs; an allocated order holds all it needs, a
  backordered one (or a ship-complete order still waiting) holds nothing;
- a planned production order holds no more of a material than its bill needs, any other
  holds none; a started or finished one has used exactly its bill, a cancelled one nothing
  once its materials came back.

Each example runs on its own SQLite file, copied from one migrated template (migrating per
example would dominate the run time)."""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import col, select

from oms_tui.models import (
    Allocation,
    BomItem,
    MaterialReservation,
    Order,
    OrderLine,
    Product,
    ProductionOrder,
    ProductionRoute,
    RouteStage,
    StockLevel,
    StockMove,
    Warehouse,
)
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform import schema
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import IllegalTransition, InvalidInput
from oms_tui.services.production import stages
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.databases import seed_users
from tests.factories import make_product
from tests.stock_factories import customer, set_priority, warehouse

WAREHOUSES = ("HZ", "BJ", "SH")  # HZ is the factory (first in allocation order)
N_PRODUCTS = 2  # PROP-0, PROP-1: sold to customers
MATERIAL = N_PRODUCTS  # PROP-2: bought only for the factory
DOOR = N_PRODUCTS + 1  # PROP-DOOR: made to order
BOM = {0: 1, MATERIAL: 2}  # a door takes 1 of PROP-0 (also sold) and 2 of PROP-2


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:  # noqa: ANN001
    """A migrated database with three warehouses, two products and two customers (an
    East one shipping partial, a North one shipping complete)."""
    path = tmp_path_factory.mktemp("stock_property") / "template.db"
    db = Database(f"sqlite:///{path}")
    schema.upgrade(db)
    seed_users(db)
    warehouse(db, "HZ", region="East", rank=0)
    warehouse(db, "BJ", region="North", rank=1)
    warehouse(db, "SH", rank=2)
    for n in range(N_PRODUCTS + 1):
        make_product(db, code=f"PROP-{n}")
    door = make_product(db, code="PROP-DOOR", product_line="doors", made_to_order=True)
    with db.write() as s:
        route = ProductionRoute(name="doors", product_line="doors", daily_capacity=2)
        s.add(route)
        s.flush()
        s.add_all(
            [
                RouteStage(route_id=route.id, seq=1, name="cut", planned_days=1),
                RouteStage(route_id=route.id, seq=2, name="assemble", planned_days=2),
            ]
        )
        for n, per in BOM.items():
            material = s.exec(select(Product.id).where(Product.code == f"PROP-{n}")).one()
            s.add(BomItem(product_id=door, material_id=material, qty_per=per))
    customer(db, region="East", policy="partial")
    customer(db, region="North", policy="complete")
    db.dispose()
    return path


def _ids(db: Database) -> tuple[list[int], list[int], dict[str, int]]:
    """Product ids (PROP-0, PROP-1, PROP-2, then the door), customers, warehouses."""
    from oms_tui.models import Customer

    with db.read() as s:
        pids = list(s.exec(select(Product.id).order_by(Product.code)).all())
        cids = list(s.exec(select(Customer.id).order_by(Customer.id)).all())
        whs = dict(s.exec(select(Warehouse.code, Warehouse.id)).all())
    return pids, cids, whs


qty = st.integers(min_value=1, max_value=8)
product = st.integers(min_value=0, max_value=N_PRODUCTS - 1)  # what customers order
stocked = st.integers(min_value=0, max_value=MATERIAL)  # what the store moves and counts
wh = st.sampled_from(WAREHOUSES)
pick = st.integers(min_value=0, max_value=20)  # which existing order (modulo how many)

steps = st.one_of(
    st.tuples(st.just("receive"), stocked, wh, qty),
    st.tuples(
        st.just("order"),
        st.integers(0, 1),
        st.lists(st.tuples(product, qty), min_size=1, max_size=2),
        st.integers(0, 100),
    ),  # fmt: skip
    st.tuples(st.just("cancel"), pick),
    st.tuples(st.just("ship"), pick, st.booleans()),
    st.tuples(st.just("transfer"), stocked, wh, wh, qty),
    st.tuples(st.just("adjust"), stocked, wh, st.integers(-6, 6).filter(bool)),
    st.tuples(st.just("stocktake"), stocked, wh, st.integers(0, 12)),
    st.tuples(
        st.just("door"),
        st.integers(0, 1),
        st.integers(1, 3),
        st.lists(st.tuples(product, qty), max_size=1),
        st.booleans(),  # its materials bought first
        st.integers(0, 3),  # then: 0 left planned, 1 started, 2 one stage done, 3 made
    ),
    st.tuples(st.just("factory"), qty, qty),  # materials bought for the factory (HZ)
    st.tuples(st.just("start"), pick),
    st.tuples(st.just("advance"), pick),
    st.tuples(st.just("qc"), pick),
    st.tuples(st.just("cancel_started"), pick),  # the order of a door being made
)


def _check(db: Database, expected: dict[tuple[int, int], int]) -> None:
    with db.read() as s:
        levels = {(lv.product_id, lv.warehouse_id): lv for lv in s.exec(select(StockLevel)).all()}
        moved = dict(
            ((p, w), int(q))
            for p, w, q in s.execute(
                select(StockMove.product_id, StockMove.warehouse_id, func.sum(StockMove.qty))
                .group_by(StockMove.product_id, StockMove.warehouse_id)
            ).all()
        )  # fmt: skip
        held = dict(
            ((p, w), int(q))
            for p, w, q in s.execute(
                select(OrderLine.product_id, Allocation.warehouse_id, func.sum(Allocation.qty))
                .join(OrderLine, OrderLine.id == Allocation.order_line_id)
                .where(col(Allocation.released_at).is_(None))
                .group_by(OrderLine.product_id, Allocation.warehouse_id)
            ).all()
        )  # fmt: skip
        for p, w, q in s.execute(
            select(MaterialReservation.product_id, MaterialReservation.warehouse_id,
                   func.sum(MaterialReservation.qty))
            .where(col(MaterialReservation.released_at).is_(None))
            .group_by(MaterialReservation.product_id, MaterialReservation.warehouse_id)
        ).all():  # fmt: skip
            held[(p, w)] = held.get((p, w), 0) + int(q)
        per_po = defaultdict(int)
        for po_id, p, q in s.execute(
            select(MaterialReservation.production_order_id, MaterialReservation.product_id,
                   MaterialReservation.qty)
            .where(col(MaterialReservation.released_at).is_(None))
        ).all():  # fmt: skip
            per_po[(po_id, p)] += q
        used = defaultdict(int)
        for ref, p, q in s.execute(
            select(StockMove.reference, StockMove.product_id, StockMove.qty)
            .where(StockMove.kind == stock.PRODUCTION_USE)
        ).all():  # fmt: skip
            used[(ref, p)] += q
        pos = s.exec(select(ProductionOrder)).all()
        materials = {n: s.exec(select(Product.id).where(Product.code == f"PROP-{n}")).one()
                     for n in BOM}  # fmt: skip
        mto = set(s.exec(select(Product.id).where(Product.made_to_order == True)).all())  # noqa: E712
        per_line = defaultdict(int)
        for line_id, q in s.execute(
            select(Allocation.order_line_id, Allocation.qty)
            .where(col(Allocation.released_at).is_(None))
        ).all():  # fmt: skip
            per_line[line_id] += q
        lines = s.execute(
            select(OrderLine.order_id, OrderLine.id, OrderLine.qty, OrderLine.qty_shipped,
                   Order.status, Order.shipping_policy, OrderLine.product_id)
            .join(Order, Order.id == OrderLine.order_id)
        ).all()  # fmt: skip
    for key in set(levels) | set(moved) | set(held) | set(expected):
        lv = levels.get(key)
        on_hand, reserved = (lv.on_hand, lv.reserved) if lv else (0, 0)
        assert on_hand == moved.get(key, 0) == expected.get(key, 0), key
        assert reserved == held.get(key, 0), key
        assert on_hand - reserved >= 0, key
    waiting_complete = defaultdict(int)
    for po in pos:
        for n, per in BOM.items():
            m, need = materials[n], per * po.qty
            if po.status == "planned":
                assert per_po[(po.id, m)] <= need, (po.number, n)
            else:
                assert per_po[(po.id, m)] == 0, (po.number, po.status, n)
            if po.status in ("in_progress", "done"):
                assert used[(po.number, m)] == -need, (po.number, po.status, n)
            elif po.status == "cancelled" or po.status == "planned":
                assert used[(po.number, m)] == 0, (po.number, po.status, n)
    for order_id, line_id, q, shipped, status, policy, pid in lines:
        need = q - shipped
        assert per_line[line_id] <= need, (line_id, status)
        if pid in mto:  # a made door is reserved whatever the order's status
            continue
        if status == S.ALLOCATED:
            assert per_line[line_id] == need, (line_id, status)
        if status in (S.BACKORDERED, S.CANCELLED):
            assert per_line[line_id] == 0, (line_id, status)
        if policy == "complete" and status in (S.BACKORDERED, S.PARTIALLY_BACKORDERED):
            waiting_complete[order_id] += per_line[line_id]
    # Ship complete: an order that waits holds nothing.
    assert all(v == 0 for v in waiting_complete.values()), dict(waiting_complete)
    assert stock.verify(db) == []


def _production_orders(db: Database, status: str) -> list[ProductionOrder]:
    with db.read() as s:
        return list(s.exec(select(ProductionOrder).where(ProductionOrder.status == status)
                           .order_by(ProductionOrder.id)).all())  # fmt: skip


def _start(db: Database, po: ProductionOrder, expected: dict, pids: list[int], factory: int
           ) -> bool:  # fmt: skip
    try:
        stages.start(db, "liu", po.id)
    except InvalidInput:
        event("start refused: short of materials")
        return False  # nothing written
    event("started")
    for n, per in BOM.items():
        expected[(pids[n], factory)] -= per * po.qty
    return True


def _advance(db: Database, po: ProductionOrder, expected: dict, pids: list[int], factory: int
             ) -> None:  # fmt: skip
    if stages.advance(db, "zhang", po.id).status == "done":
        event("door made")
        expected[(pids[DOOR], factory)] += po.qty


def _run(db: Database, step: tuple, expected: dict, placed: list[int]) -> None:  # noqa: C901
    pids, cids, whs = _ids(db)
    kind = step[0]
    factory = whs["HZ"]
    if kind == "receive":
        _, p, w, q = step
        stock_operations.receive(db, "store", w, [(pids[p], q)])
        expected[(pids[p], whs[w])] += q
    elif kind == "order":
        _, c, lines, score = step
        view = orders.create_order(
            db, "clerk", cids[c], [orders.NewLine(pids[p], q) for p, q in lines], submit=True
        )
        orders.transition(db, "auditor", view.id, S.APPROVED, "approved")
        set_priority(db, view.id, score)
        allocation.allocate_order(db, "auditor", view.id)
        placed.append(view.id)
    elif kind in ("cancel", "cancel_started") and placed:
        oid = placed[step[1] % len(placed)]
        if kind == "cancel_started":
            running = _production_orders(db, "in_progress")
            if not running:
                return
            oid = running[step[1] % len(running)].order_id
        with db.read() as s:
            cancellable = s.get(Order, oid).status != S.CANCELLED
            mine = select(ProductionOrder).where(ProductionOrder.order_id == oid)
            started = s.exec(mine.where(ProductionOrder.status == "in_progress")).all()
        if cancellable:
            orders.transition(db, "manager", oid, S.CANCELLED, "customer cancelled")
            if started:
                event("cancelled after the start")
            for po in started:  # its issued materials come back
                for n, per in BOM.items():
                    expected[(pids[n], factory)] += per * po.qty
    elif kind == "ship" and placed:
        oid = placed[step[1] % len(placed)]
        with db.write() as s:
            line_ids = list(s.exec(select(OrderLine.id).where(OrderLine.order_id == oid)).all())
            mine = defaultdict(int)
            for a in stock.open_allocations(s, line_ids):
                mine[a.order_line_id] += a.qty
            want = {i: (q if step[2] else (q + 1) // 2) for i, q in mine.items() if q}
            if want:
                out = stock.issue_in(s, "packer", oid, want, f"SH-{oid}")
                products = dict(s.exec(
                    select(OrderLine.id, OrderLine.product_id)
                    .where(col(OrderLine.id).in_(line_ids))
                ).all())  # fmt: skip
                for line_id, parts in out.items():
                    for w_id, q in parts:
                        expected[(products[line_id], w_id)] -= q
    elif kind == "transfer":
        _, p, src, dst, q = step
        try:
            stock_operations.transfer(db, "store", pids[p], src, dst, q)
        except InvalidInput:
            return  # same warehouse, or not that much free: nothing written
        expected[(pids[p], whs[src])] -= q
        expected[(pids[p], whs[dst])] += q
    elif kind == "adjust":
        _, p, w, delta = step
        try:
            stock_operations.adjust(db, "manager", pids[p], w, delta, "random correction")
        except InvalidInput:
            return  # below zero: refused
        expected[(pids[p], whs[w])] += delta
    elif kind == "factory":
        _, q0, q1 = step
        stock_operations.receive(db, "buyer", "HZ", [(pids[0], q0), (pids[MATERIAL], q1)])
        expected[(pids[0], factory)] += q0
        expected[(pids[MATERIAL], factory)] += q1
    elif kind == "door":
        _, c, doors, extra, bought, progress = step
        if bought:
            bill = [(pids[n], per * doors) for n, per in BOM.items()]
            stock_operations.receive(db, "buyer", "HZ", bill)
            for pid, q in bill:
                expected[(pid, factory)] += q
        lines = [orders.NewLine(pids[DOOR], doors)]
        lines += [orders.NewLine(pids[p], q) for p, q in extra]
        view = orders.create_order(db, "clerk", cids[c], lines, submit=True)
        orders.transition(db, "auditor", view.id, S.APPROVED, "approved")
        allocation.allocate_order(db, "auditor", view.id)
        placed.append(view.id)
        with db.read() as s:
            po = s.exec(select(ProductionOrder).where(ProductionOrder.order_id == view.id)).one()
        if progress and _start(db, po, expected, pids, factory):
            for _ in range(progress - 1):
                _advance(db, po, expected, pids, factory)
    elif kind == "start":
        planned = _production_orders(db, "planned")
        if planned:
            _start(db, planned[step[1] % len(planned)], expected, pids, factory)
    elif kind == "advance":
        running = _production_orders(db, "in_progress")
        if running:
            _advance(db, running[step[1] % len(running)], expected, pids, factory)
    elif kind == "qc":
        running = _production_orders(db, "in_progress")
        if running:
            po = running[step[1] % len(running)]
            try:
                stages.quality_failure(db, "qc", po.id, 1, "uneven gap")
            except (InvalidInput, IllegalTransition):
                return
    elif kind == "stocktake":
        _, p, w, counted = step
        st_view = stock_operations.start_stocktake(db, "counter", w)
        stock_operations.record_count(db, "counter", st_view.id, f"PROP-{p}", counted,
                                      replace=True)  # fmt: skip
        stock_operations.post_stocktake(db, "manager", st_view.id, "cycle count")
        expected[(pids[p], whs[w])] = counted


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])  # fmt: skip
@given(st.lists(steps, min_size=1, max_size=14))
def test_ledger_invariants_hold_after_every_step(template: Path, sequence: list[tuple]) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="stock_prop_"))
    try:
        shutil.copy(template, workdir / "oms.db")
        db = Database(f"sqlite:///{workdir / 'oms.db'}")
        try:
            expected: dict[tuple[int, int], int] = defaultdict(int)
            placed: list[int] = []
            for step in sequence:
                _run(db, step, expected, placed)
                _check(db, expected)
        finally:
            db.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
