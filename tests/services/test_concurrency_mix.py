"""Eight ``oms`` processes doing the day's work at once (issue #15, items 7 and 8).

Each process (its own, tests/processes.py: own connections and pool) runs the same mix a busy
day has, on the same few products, for a fixed number of operations: order entry (with a
new customer now and then), approval (which allocates and plans production), receipts
(which fill backorders and reserve production materials), cancellations (which free
stock), production stage changes, shipping (which invoices), dunning and payments. Every
action that acts on a document passes the version it read, as a screen does.

A refusal (``OmsError``: the order moved on, the view was stale, nothing to ship) is what a
clerk would be told; anything else is a failure: a deadlock that survived the retries, a
duplicate number, a broken constraint. The test asserts there is none, that no customer
got the same dunning letter twice, and that ``stock.verify`` and ``invariants.verify`` (every
invariant: order totals, invoice paid amounts, payments, stock) find nothing."""

from __future__ import annotations

import os
import random
import traceback
from collections import Counter
from datetime import date, timedelta
from itertools import count

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from oms_tui.models import (
    Customer,
    DunningLetter,
    Invoice,
    Order,
    Product,
    ProductionOrder,
)
from oms_tui.services.checks import invariants
from oms_tui.services.finance import receivables
from oms_tui.services.fulfilment import allocation, stock_operations
from oms_tui.services.inventory import stock
from oms_tui.services.platform.db import Database
from oms_tui.services.platform.errors import OmsError
from oms_tui.services.production import stages
from oms_tui.services.sales import audit_decisions, orders
from oms_tui.services.shipping import dispatch
from oms_tui.services.states.order_states import OrderStatus as S
from oms_tui.services.states.production_states import OPEN
from oms_tui.services.states.production_states import ProductionStatus as P
from tests import processes
from tests.databases import ensure_user
from tests.factories import dun
from tests.production_factories import door_line
from tests.stock_factories import customer, warehouse

PROCESSES = 8
# Operations per process: a few seconds of work each on a loaded two-core machine.
OPERATIONS = int(os.environ.get("OMS_MIX_OPERATIONS", "24"))
TODAY = date.today()
STOCKED = 5  # products S1..S5; M1 and M2 are materials of the door, sold as well
_NEW_CALLERS = count(1)  # in each process; the phone also carries the clerk's number
WEIGHTS = {"entry": 14, "approve": 18, "receive": 14, "allocate": 4, "production": 16,
           "ship": 12, "dunning": 5, "payment": 10, "cancel": 7}  # fmt: skip


def _setup(db: Database) -> dict[str, list[int]]:
    warehouse(db, "HZ", region="East", rank=0)
    warehouse(db, "BJ", region="North", rank=1)
    with db.write() as s:
        sold = [Product(code=f"S{n}", name=f"Lamp {n}", list_price_minor=1000 + n)
                for n in range(1, STOCKED + 1)]  # fmt: skip
        mats = [Product(code=f"M{n}", name=f"Board {n}", list_price_minor=500) for n in (1, 2)]
        s.add_all([*sold, *mats])
        s.flush()
        ids = {"stocked": [p.id for p in sold + mats]}
    ids["door"] = [door_line(db, {ids["stocked"][-2]: 2, ids["stocked"][-1]: 1}, capacity=5)]
    for pid in ids["stocked"]:
        stock_operations.receive(db, "store", "HZ", [(pid, 4)])
        stock_operations.receive(db, "store", "BJ", [(pid, 2)])
    ids["customers"] = [customer(db, region=("East", "North")[n % 2]) for n in range(8)]
    with db.write() as s:
        for c in s.exec(select(Customer).where(col(Customer.id).in_(ids["customers"]))).all():
            c.payment_terms = "NET30"
            s.add(c)
    # Each customer owes an invoice 60 days overdue: what dunning and payments work on.
    for cid in ids["customers"]:
        view = orders.create_order(db, "clerk", cid, [orders.NewLine(ids["stocked"][0], 1)],
                                   submit=True)  # fmt: skip
        audit_decisions.approve(db, "manager", view.id, reason="set-up")
        stock_operations.receive(db, "store", "HZ", [(ids["stocked"][0], 1)])
        shipped = dispatch.create_shipments(db, "packer", [view.id],
                                            today=TODAY - timedelta(days=90))  # fmt: skip
        for sh in shipped:
            dispatch.ship(db, "packer", sh.id, "", today=TODAY - timedelta(days=90))
    # Doors on order: production orders waiting to start, their materials in stock.
    oak, hinge = ids["stocked"][-2:]
    stock_operations.receive(db, "store", "HZ", [(oak, 40), (hinge, 20)])
    for cid in ids["customers"][:4]:
        view = orders.create_order(db, "clerk", cid, [orders.NewLine(ids["door"][0], 2)],
                                   submit=True)  # fmt: skip
        audit_decisions.approve(db, "manager", view.id, reason="set-up")
    return ids


def _pick(db: Database, rng: random.Random, stmt):  # noqa: ANN001, ANN202
    with db.read() as s:
        rows = s.execute(stmt.limit(40)).all()
    return rng.choice(rows) if rows else None


def _one(db: Database, rng: random.Random, actor: str, kind: str, ids: dict) -> str:
    """One operation; returns what happened ("ok", or "idle" when there was nothing to do)."""
    if kind == "entry":
        if rng.random() < 0.2:  # a new caller, a phone of its own (one customer's)
            customer_id = customer(db, region="East",
                                   phone=f"135{actor[-1]}{next(_NEW_CALLERS):07d}")  # fmt: skip
        else:
            customer_id = rng.choice(ids["customers"])
        goods = ids["stocked"] + (ids["door"] if rng.random() < 0.3 else [])
        lines = [orders.NewLine(p, rng.randint(1, 3)) for p in rng.sample(goods, rng.randint(1, 2))]
        orders.create_order(db, actor, customer_id, lines, submit=True)
    elif kind == "approve":
        row = _pick(db, rng, select(Order.id, Order.version)
                    .where(Order.status == S.PENDING_AUDIT).order_by(Order.id))  # fmt: skip
        if row is None:
            return "idle"
        audit_decisions.approve(db, actor, row.id, row.version, reason="load test")
    elif kind == "receive":
        pids = rng.sample(ids["stocked"], rng.randint(1, 3))
        stock_operations.receive(db, actor, rng.choice(("HZ", "BJ")),
                                 [(p, rng.randint(1, 4)) for p in pids])  # fmt: skip
    elif kind == "allocate":
        allocation.fill_all_backorders(db, actor)
    elif kind == "production":
        row = _pick(db, rng, select(ProductionOrder.id, ProductionOrder.status,
                                    ProductionOrder.version)
                    .where(col(ProductionOrder.status).in_(OPEN))
                    .order_by(ProductionOrder.id))  # fmt: skip
        if row is None:
            return "idle"
        if row.status == P.PLANNED:
            stages.start(db, actor, row.id, expected_version=row.version)
        else:
            stages.advance(db, actor, row.id, expected_version=row.version)
    elif kind == "ship":
        row = _pick(db, rng, select(Order.id).where(
            col(Order.status).in_((S.ALLOCATED, S.READY_TO_SHIP))).order_by(Order.id))  # fmt: skip
        if row is None:
            return "idle"
        for sh in dispatch.create_shipments(db, actor, [row.id]) or \
                dispatch.order_shipments(db, _number(db, row.id)):  # fmt: skip
            if sh.status == "picking":
                dispatch.ship(db, actor, sh.id, "", expected_version=sh.version)
    elif kind == "dunning":
        dun(db, today=TODAY, actor=actor)
    elif kind == "payment":
        row = _pick(db, rng, select(Invoice.customer_id).where(
            Invoice.status == "open", Invoice.kind == "invoice").distinct()
            .order_by(Invoice.customer_id))  # fmt: skip
        if row is None:
            return "idle"
        receivables.record_payment(db, actor, row.customer_id, rng.randint(100, 30_000),
                                   TODAY, "bank", "load test", today=TODAY)  # fmt: skip
    elif kind == "cancel":
        row = _pick(db, rng, select(Order.id, Order.version).where(col(Order.status).in_(
            (S.APPROVED, S.ALLOCATED, S.BACKORDERED, S.PARTIALLY_BACKORDERED,
             S.IN_PRODUCTION))).order_by(Order.id))  # fmt: skip
        if row is None:
            return "idle"
        orders.transition(db, actor, row.id, S.CANCELLED, "customer called", row.version)
    return "ok"


def _number(db: Database, order_id: int) -> str:
    with db.read() as s:
        return s.get(Order, order_id).number


def _work(url: str, actor: str, seed: int, ids: dict, barrier, results) -> None:  # noqa: ANN001
    """Child process: wait for the others, then run its operations; report what happened."""
    db = Database(url)
    rng = random.Random(seed)
    tally: Counter[str] = Counter()
    failures: list[str] = []
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    try:
        orders.get_order_by_id(db, 1)  # warm up: imports, mappers, a connection
        barrier.wait(timeout=120)
        for _ in range(OPERATIONS):
            kind = rng.choices(kinds, weights)[0]
            try:
                tally[f"{kind}:{_one(db, rng, actor, kind, ids)}"] += 1
            except OmsError:
                tally[f"{kind}:refused"] += 1
            except Exception as exc:  # noqa: BLE001 - a failure: reported to the parent
                tally[f"{kind}:FAILED"] += 1
                failures.append(f"{kind}: {type(exc).__name__}: {str(exc)[:400]}")
        results.put((actor, dict(tally), failures, None))
    except Exception:  # noqa: BLE001
        results.put((actor, dict(tally), failures, traceback.format_exc()))
    finally:
        db.dispose()


def run_mix(db: Database, ids: dict) -> tuple[Counter, list[str]]:
    ctx = processes.context()
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    for n in range(PROCESSES):  # each does every kind of the day's work: an admin
        ensure_user(db, f"staff{n}", "admin")
    procs = [ctx.Process(target=_work, args=(db.url, f"staff{n}", 1000 + n, ids, barrier,
                                             results)) for n in range(PROCESSES)]  # fmt: skip
    for p in procs:
        p.start()
    reports = [results.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    crashed = [err for *_, err in reports if err]
    assert crashed == [], crashed[0]
    tally: Counter[str] = Counter()
    failures: list[str] = []
    for _actor, counts, failed, _ in reports:
        tally.update(counts)
        failures += failed
    return tally, failures


@pytest.mark.slow
def test_eight_processes_doing_the_days_work_at_once(fresh_db):
    db = fresh_db  # child processes connect by URL: a schema of its own
    ids = _setup(db)
    tally, failures = run_mix(db, ids)
    print(sorted(tally.items()))  # noqa: T201 - what ran, for the log
    assert failures == [], f"{len(failures)} failed: {failures[:5]}"
    assert sum(n for k, n in tally.items() if k.endswith(":ok")) > PROCESSES * OPERATIONS // 3
    with db.read() as s:
        letters = s.execute(
            select(DunningLetter.customer_id, DunningLetter.level, func.count()).group_by(
                DunningLetter.customer_id, DunningLetter.level
            )
        ).all()
    assert [r for r in letters if r[2] > 1] == []  # no customer got the same letter twice
    assert stock.verify(db) == []
    assert invariants.verify(db) == []
