"""Several ``oms`` processes approve orders for the same SKU at once (issue #5, acceptance).

Four OS processes (tests/processes.py: each has its own connections and pool) approve
their share of 32 orders as fast as they can, on one SQLite file and on PostgreSQL. There is
less stock than demand. While they run, the test process keeps reading the stock levels:
reserved never exceeds on hand. Afterwards every order is allocated or (partly)
backordered, none was lost, exactly the stock that exists is reserved, and ``verify()`` is
empty."""

from __future__ import annotations

import threading
import time
import traceback

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from oms_tui.models import Allocation, Order, OrderEvent, OrderLine, StockLevel
from oms_tui.services.inventory import stock
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import audit_decisions, orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests import processes
from tests.databases import ensure_user
from tests.factories import make_product
from tests.stock_factories import customer, receive, warehouse

PROCESSES = 4
ORDERS_PER_PROCESS = 8
STOCK = {"HZ": 30, "BJ": 10}  # 40 units; the orders want 80


def _approve_share(url: str, actor: str, order_ids: list[int], barrier, results) -> None:  # noqa: ANN001
    """Child process: wait for the others, then approve every order of its share."""
    db = Database(url)
    done: dict[int, str] = {}
    try:
        # Warm up (imports, mappers, a connection) so all four start approving together.
        orders.get_order_by_id(db, order_ids[0])
        stock.get_stock_settings(db)
        barrier.wait(timeout=60)
        started = time.time()
        for oid in order_ids:
            view = audit_decisions.approve(db, actor, oid, reason="rush: approved by the load test")
            done[oid] = view.status
        results.put((actor, done, (started, time.time()), None))
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put((actor, done, None, traceback.format_exc()))
    finally:
        db.dispose()


def _worst_level(db: Database) -> tuple[int, int]:
    """(max reserved - on hand, min reserved) over every level row, read in one query."""
    with db.read() as s:
        row = s.execute(
            select(
                func.max(StockLevel.reserved - StockLevel.on_hand), func.min(StockLevel.reserved)
            )
        ).one()
    return int(row[0] or 0), int(row[1] or 0)


@pytest.mark.slow
def test_processes_approving_the_same_sku_never_oversell(fresh_db):
    db = fresh_db  # child processes connect by URL: a schema of its own
    warehouse(db, "HZ", region="East", rank=0)
    warehouse(db, "BJ", region="North", rank=1)
    pid = make_product(db, code="HOT-SKU")
    for code, qty in STOCK.items():
        receive(db, code, pid, qty)
    customers = [customer(db, region=("East", "North")[i % 2]) for i in range(8)]
    order_ids: list[int] = []
    demand = 0
    for n in range(PROCESSES * ORDERS_PER_PROCESS):
        qty = 1 + n % 4
        view = orders.create_order(db, "clerk", customers[n % len(customers)],
                                   [orders.NewLine(pid, qty)], submit=True)  # fmt: skip
        order_ids.append(view.id)
        demand += qty
    assert demand == 80 > sum(STOCK.values())

    ctx = processes.context()
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    shares = [order_ids[i::PROCESSES] for i in range(PROCESSES)]
    for i in range(PROCESSES):  # approving past the failed stock check is a manager's
        ensure_user(db, f"manager{i}", "manager")
    procs = [
        ctx.Process(target=_approve_share, args=(db.url, f"manager{i}", share, barrier, results))
        for i, share in enumerate(shares)
    ]
    for p in procs:
        p.start()
    worst, lowest, reports = -1, 0, []
    deadline = time.monotonic() + 600  # a bound for a broken build, not a timing
    while len(reports) < PROCESSES and not any(p.exitcode for p in procs):  # all, or a crash
        assert time.monotonic() < deadline, f"{len(reports)} of {PROCESSES} reported"
        over, low = _worst_level(db)
        worst, lowest = max(worst, over), min(lowest, low)
        while not results.empty():
            reports.append(results.get())
        time.sleep(0.005)
    for p in procs:
        p.join(timeout=30)
    assert all(p.exitcode == 0 for p in procs), [p.exitcode for p in procs]

    errors = [err for *_, err in reports if err]
    assert errors == [] and len(reports) == PROCESSES
    # They really ran at once: every process was approving before any of them had finished.
    spans = [span for _, _, span, _ in reports]
    assert max(start for start, _ in spans) < min(end for _, end in spans), spans
    assert worst <= 0 and lowest >= 0  # seen while they ran: never oversold

    # Nothing lost: every order was approved by its process and ended where allocation puts it.
    approved = {oid: st for _, done, *_ in reports for oid, st in done.items()}
    assert sorted(approved) == sorted(order_ids)
    with db.read() as s:
        final = dict(s.exec(select(Order.id, Order.status)).all())
        held = dict(s.execute(
            select(OrderLine.order_id, func.sum(Allocation.qty))
            .join(OrderLine, OrderLine.id == Allocation.order_line_id)
            .where(col(Allocation.released_at).is_(None))
            .group_by(OrderLine.order_id)
        ).all())  # fmt: skip
        wanted = dict(s.exec(select(OrderLine.order_id, OrderLine.qty)).all())
        approvals = dict(s.execute(
            select(OrderEvent.order_id, func.count())
            .where(OrderEvent.to_status == S.APPROVED)
            .group_by(OrderEvent.order_id)
        ).all())  # fmt: skip
        levels = s.exec(select(StockLevel).where(StockLevel.product_id == pid)).all()
    assert final == approved  # what each process saw is what the database kept
    ends = (S.ALLOCATED, S.PARTIALLY_BACKORDERED, S.BACKORDERED)
    assert all(final[oid] in ends for oid in order_ids), final
    assert all(approvals.get(oid) == 1 for oid in order_ids)
    for oid in order_ids:
        got = int(held.get(oid, 0))
        if final[oid] == S.ALLOCATED:
            assert got == wanted[oid]
        elif final[oid] == S.PARTIALLY_BACKORDERED:
            assert 0 < got < wanted[oid]
        else:
            assert got == 0

    # Exactly the stock there is got promised: nothing oversold, nothing left idle.
    assert sum(int(q) for q in held.values()) == sum(STOCK.values())
    assert sorted((lv.on_hand, lv.reserved) for lv in levels) == [(10, 10), (30, 30)]
    assert stock.verify(db) == []


def test_two_writers_creating_a_products_first_level_rows_at_once(db):
    """A product that never had stock has no level rows: the first two transactions to lock
    its levels (two approvals, a receipt and an approval) both create them. The second must
    wait for the first and then use its rows, not fail on the unique key."""
    warehouse(db, "HZ", region="East")
    warehouse(db, "BJ", region="North", rank=1)
    pid = make_product(db, code="NEW-SKU")
    first_inside, let_first_go = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            with db.write() as s:
                stock.lock_levels(s, [pid])
                first_inside.set()
                let_first_go.wait(10)
            outcome["first"] = "ok"
        except Exception as exc:  # noqa: BLE001
            outcome["first"] = repr(exc)

    def second() -> None:
        try:
            with db.write() as s:
                levels = stock.lock_levels(s, [pid])
                stock.add_move(s, next(iter(levels.values())), 5, stock.RECEIPT, "store")
            outcome["second"] = "ok"
        except Exception as exc:  # noqa: BLE001
            outcome["second"] = repr(exc)

    a = threading.Thread(target=first)
    a.start()
    assert first_inside.wait(10)
    b = threading.Thread(target=second)
    b.start()
    time.sleep(0.3)  # the second is now waiting for the first (row or database lock)
    let_first_go.set()
    a.join(15)
    b.join(15)

    assert outcome == {"first": "ok", "second": "ok"}
    with db.read() as s:
        rows = s.exec(select(StockLevel).where(StockLevel.product_id == pid)).all()
    assert sorted(lv.on_hand for lv in rows) == [0, 5]
    assert stock.verify(db) == []
