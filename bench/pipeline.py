"""Push N orders through every service stage that exists, one service call per order per stage.

    python bench/pipeline.py --orders 1000 --db sqlite:///bench/pipeline.db

Prints one JSON line: {"orders": N, "db": dialect, "stages": {name: {seconds, ms_per_order}},
"statuses": {status: orders of this run}, "stock_differences": n}. An empty database gets the
schema and the demo's reference data first (not timed). Stages are a list of
``Stage(name, run, setup=None)`` entries, where ``run(ctx, order_id) -> None`` does one order
and ``setup(ctx)`` runs untimed before the stage: create, submit, approve, allocate,
produce, ship (which invoices), pay.

``submit`` sends to audit and runs the checks (``audit_checks.submit_for_audit``, the one way
to submit); ``approve`` only approves (checks again, then the state machine, as
``audit_decisions.approve`` does) and
``allocate`` reserves stock (``allocation.allocate_order``), so each is timed on its own.
Before ``allocate`` the run's demand is received into the warehouses (untimed, only what free
stock does not already cover), so orders allocate rather than backorder. After the run the
stock ledger is checked (``stock.verify``): any difference exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from oms_tui.models import (  # noqa: E402
    BomItem,
    Customer,
    Invoice,
    Order,
    OrderLine,
    Product,
    ProductionOrder,
    StockLevel,
    Warehouse,
)
from oms_tui.services.finance import receivables  # noqa: E402
from oms_tui.services.fulfilment import (
    allocation,  # noqa: E402
    stock_operations,  # noqa: E402
)
from oms_tui.services.inventory import stock  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402
from oms_tui.services.production import common, stages  # noqa: E402
from oms_tui.services.sales import (
    audit_checks,  # noqa: E402
    orders,  # noqa: E402
)
from oms_tui.services.shipping import dispatch
from oms_tui.services.states.order_states import OrderStatus as S  # noqa: E402

ACTOR = "bench"


@dataclass
class Context:
    db: Database
    rng: random.Random
    customers: list[int]
    products: list[int]
    order_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Context, int], None]  # one order: its index (create) or its id (the rest)
    per_order_ids: bool = True  # False: called with the index, before ids exist
    setup: Callable[[Context], None] | None = None  # untimed, before the stage


def _create(ctx: Context, _index: int) -> None:
    rng = ctx.rng
    picks = rng.sample(ctx.products, k=rng.randint(1, min(4, len(ctx.products))))
    lines = [orders.NewLine(pid, rng.randint(1, 12)) for pid in picks]
    view = orders.create_order(ctx.db, ACTOR, rng.choice(ctx.customers), lines,
                               channel=rng.choice(("phone", "ecommerce", "walk_in")))  # fmt: skip
    ctx.order_ids.append(view.id)


def _submit(ctx: Context, order_id: int) -> None:
    audit_checks.submit_for_audit(ctx.db, ACTOR, order_id)


def _approve(ctx: Context, order_id: int) -> None:
    """The audit checks (run again and stored) and approval through the state machine, as
    ``audit_decisions.approve`` does but without its allocation (the next stage); a failed check is
    approved with a reason, as a reviewer would after a phone call."""
    run = audit_checks.check_run(ctx.db, order_id)
    reason = "bench: approved after review" if run.level == "fail" else "approved"
    orders.transition(ctx.db, ACTOR, order_id, S.APPROVED, reason, run.version)


def stock_up(ctx: Context) -> None:
    """Receive what this run's orders need beyond the free stock, spread over the warehouses
    (one receipt per warehouse, through ``stock_operations.receive``)."""
    with ctx.db.read() as s:
        need = dict(s.execute(
            select(OrderLine.product_id, func.sum(OrderLine.qty - OrderLine.qty_shipped))
            .join(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id.in_(ctx.order_ids), ~Product.made_to_order)
            .group_by(OrderLine.product_id)
        ).all())  # fmt: skip
        free = dict(s.execute(
            select(StockLevel.product_id, func.sum(StockLevel.on_hand - StockLevel.reserved))
            .group_by(StockLevel.product_id)
        ).all())  # fmt: skip
        warehouses = list(s.execute(
            select(Warehouse.id).where(Warehouse.active).order_by(Warehouse.id)
        ).scalars())  # fmt: skip
    short = {pid: int(q) - int(free.get(pid) or 0) for pid, q in need.items()}
    for i, wid in enumerate(warehouses):
        lines = [(pid, -(-q // len(warehouses))) for pid, q in sorted(short.items()) if q > 0]
        if lines:
            stock_operations.receive(ctx.db, ACTOR, wid, lines, supplier="bench",
                                     reference=f"pipeline {i + 1}")  # fmt: skip


def _allocate(ctx: Context, order_id: int) -> None:
    allocation.allocate_order(ctx.db, ACTOR, order_id)


def materials_up(ctx: Context) -> None:
    """Receive the bill of materials the run's production orders need (untimed), into the
    factory warehouse where production draws them."""
    with ctx.db.read() as s:
        need = dict(s.execute(
            select(BomItem.material_id, func.sum(BomItem.qty_per * ProductionOrder.qty))
            .join(ProductionOrder, ProductionOrder.product_id == BomItem.product_id)
            .where(ProductionOrder.order_id.in_(ctx.order_ids),
                   ProductionOrder.status == "planned")
            .group_by(BomItem.material_id)
        ).all())  # fmt: skip
        factory = common.factory_warehouse_id(s)
    if need and factory is not None:
        stock_operations.receive(ctx.db, ACTOR, factory, sorted(need.items()), supplier="bench",
                                 reference="pipeline materials")  # fmt: skip


def _produce(ctx: Context, order_id: int) -> None:
    """Each production order of the order: started (materials issued), every stage advanced,
    completed into stock and reserved (the order becomes ready to ship)."""
    with ctx.db.read() as s:
        ids = list(s.execute(select(ProductionOrder.id).where(
            ProductionOrder.order_id == order_id,
            ProductionOrder.status == "planned")).scalars())  # fmt: skip
    for po_id in ids:
        po = stages.start(ctx.db, ACTOR, po_id)
        while po.status != "done":
            po = stages.advance(ctx.db, ACTOR, po_id)


def _tracking(ctx: Context, carrier_code: str) -> str:
    """A tracking number the carrier's pattern accepts (an own van needs none)."""
    digits = f"{ctx.rng.randrange(10**12):012d}"
    return {"SF": "SF" + digits, "DEPPON": "DPK" + digits, "VAN": ""}.get(carrier_code, digits)


def _ship(ctx: Context, order_id: int) -> None:
    """What is reserved leaves: a shipment per warehouse (``dispatch.create_shipments``)
    shipped with a tracking number (``dispatch.ship``: stock issued, order status moved on).
    Orders with nothing to ship yet (made to order, still in production) are passed over."""
    with ctx.db.read() as s:
        status = s.execute(select(Order.status).where(Order.id == order_id)).scalar_one()
    if status not in dispatch.SHIPPABLE:
        return
    for shipment in dispatch.create_shipments(ctx.db, ACTOR, [order_id]):
        dispatch.ship(ctx.db, ACTOR, shipment.id, _tracking(ctx, shipment.carrier_code))


def _pay(ctx: Context, order_id: int) -> None:
    """The customer pays what the order's shipments were invoiced (``ship`` invoiced them:
    ``receivables.invoice_shipment_in``): one payment allocated to those invoices."""
    with ctx.db.read() as s:
        rows = s.execute(
            select(Invoice.number, Invoice.amount_minor - Invoice.paid_minor, Invoice.customer_id)
            .where(Invoice.order_id == order_id, Invoice.status == "open")
        ).all()  # fmt: skip
    if not rows:
        return
    receivables.record_payment(ctx.db, ACTOR, rows[0][2], sum(r[1] for r in rows), date.today(),
                               "bank", f"bench {order_id}", [r[0] for r in rows])  # fmt: skip


STAGES: list[Stage] = [
    Stage("create", _create, per_order_ids=False),
    Stage("submit", _submit),
    Stage("approve", _approve),
    Stage("allocate", _allocate, setup=stock_up),
    Stage("produce", _produce, setup=materials_up),
    Stage("ship", _ship),  # invoices the shipment too
    Stage("pay", _pay),
]


def prepare(db: Database) -> None:
    """Schema and reference data (catalog, customers) when the database has none."""
    if schema.needs_upgrade(db):
        schema.upgrade(db)
    with db.read() as s:
        has_products = s.execute(select(func.count()).select_from(Product)).scalar()
        has_customers = s.execute(select(func.count()).select_from(Customer)).scalar()
    if has_products and has_customers:
        return
    from oms_tui.demo import catalog, customers, rows

    rng = random.Random(2026)
    now = datetime.now(UTC)
    with db.write() as session:
        ids = rows.IdAllocator(session)
        if not has_products:
            catalog.write_settings(session, ACTOR)
            catalog.write_users(session, ACTOR)
            catalog.build_catalog(session, rng, ids, (now - timedelta(days=400)).date())
        if not has_customers:
            customers.build_customers(session, rng, ids, 300, (now - timedelta(days=400)).date())


def run(url: str, n: int, seed: int = 1) -> dict:
    db = Database(url)
    prepare(db)
    with db.read() as s:
        customers = list(s.execute(select(Customer.id).where(Customer.active)).scalars())
        products = list(s.execute(
            select(Product.id).where(Product.active, Product.product_line != "materials")
        ).scalars())  # fmt: skip
    ctx = Context(db, random.Random(seed), customers, products)
    results: dict[str, dict[str, float]] = {}
    for stage in STAGES:
        if stage.setup is not None:
            stage.setup(ctx)
        targets = list(ctx.order_ids) if stage.per_order_ids else list(range(n))
        started = time.perf_counter()
        for target in targets:
            stage.run(ctx, target)
        seconds = time.perf_counter() - started
        results[stage.name] = {
            "seconds": round(seconds, 3),
            "ms_per_order": round(1000 * seconds / max(1, len(targets)), 3),
        }
    with db.read() as s:
        statuses = dict(s.execute(
            select(Order.status, func.count()).where(Order.id.in_(ctx.order_ids))
            .group_by(Order.status).order_by(Order.status)
        ).all())  # fmt: skip
    differences = stock.verify(db)
    for d in differences[:20]:
        print(f"stock verify: {d}", file=sys.stderr)
    db.dispose()
    return {"orders": n, "db": db.dialect, "stages": results,
            "statuses": {str(k): v for k, v in statuses.items()},
            "stock_differences": len(differences)}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--db", default=f"sqlite:///{Path(__file__).parent / 'pipeline.db'}")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    out = run(args.db, args.orders, args.seed)
    print(json.dumps(out))
    if out["stock_differences"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
