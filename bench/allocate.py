"""Allocate 10,000 approved orders and time each one.

    python bench/allocate.py                             # SQLite file under /tmp
    python bench/allocate.py --materials                 # the factory has the materials
    python bench/allocate.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

Set-up (not timed): a fresh database with the schema and the demo's reference data
(``pipeline.prepare``), N orders made by the services (``orders.create_order``, 1-4 lines)
and moved to ``approved`` through the state machine (``orders.transition``) without being
allocated, then their demand received into the warehouses (``stock_operations.receive``,
``pipeline.stock_up``). With ``--materials`` the bills of materials of their made-to-order
lines are received into the factory warehouse as well, so that approval reserves them
(without, every production order is short of its materials and logs the shortage). On
SQLite that database is built once per (N, seed, materials) and copied for every run; on
PostgreSQL it is built once as a template database and each run gets a copy
(``CREATE DATABASE ... TEMPLATE``). The ``--db`` URL only names the PostgreSQL server:
the bench creates and drops its own databases ``oms_bench_allocate*`` there.

Timed: ``allocation.allocate_approved`` (the sweep behind ``oms stock allocate``, one
transaction per order, oldest first), with ``allocate_order`` wrapped to stamp each order.
Prints one JSON line per run: orders per second, p50/p95/max ms per order, the statuses
that followed and ``stock.verify`` differences (any exits with status 1).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pipeline  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from oms_tui.config import normalise_url, sqlite_path  # noqa: E402
from oms_tui.models import (  # noqa: E402
    Allocation,
    BomItem,
    Customer,
    MaterialReservation,
    Order,
    OrderLine,
    Product,
)
from oms_tui.services.fulfilment import (
    allocation,  # noqa: E402
    stock_operations,  # noqa: E402
)
from oms_tui.services.inventory import stock  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402
from oms_tui.services.production import common  # noqa: E402
from oms_tui.services.sales import orders  # noqa: E402
from oms_tui.services.states.order_states import OrderStatus as S  # noqa: E402

ACTOR = "bench"
PG_TEMPLATE, PG_RUN = "oms_bench_allocate_tpl", "oms_bench_allocate"


def build(url: str, n: int, seed: int, materials: bool = False) -> float:
    """N approved, unallocated orders and the stock for them (and with ``materials`` the
    materials of their made-to-order lines); returns the seconds taken."""
    started = time.perf_counter()
    db = Database(url)
    pipeline.prepare(db)
    with db.read() as s:
        customers = list(s.execute(select(Customer.id).where(Customer.active)).scalars())
        products = list(s.execute(
            select(Product.id).where(Product.active, Product.product_line != "materials")
        ).scalars())  # fmt: skip
    ctx = pipeline.Context(db, random.Random(seed), customers, products)
    for i in range(n):
        pipeline._create(ctx, i)
        order_id = ctx.order_ids[-1]
        orders.transition(db, ACTOR, order_id, S.PENDING_AUDIT, "submitted")  # checks not needed
        orders.transition(db, ACTOR, order_id, S.APPROVED, "bench: approved, not allocated")
        if (i + 1) % 1000 == 0:
            print(f"  set-up: {i + 1:,}/{n:,} orders approved", file=sys.stderr)
    pipeline.stock_up(ctx)
    if materials:
        with db.read() as s:
            bill = s.execute(
                select(BomItem.material_id, func.sum(BomItem.qty_per * OrderLine.qty))
                .join(OrderLine, OrderLine.product_id == BomItem.product_id)
                .where(OrderLine.order_id.in_(ctx.order_ids))
                .group_by(BomItem.material_id).order_by(BomItem.material_id)
            ).all()  # fmt: skip
            factory = common.factory_warehouse_id(s)
        stock_operations.receive(db, ACTOR, factory, [(m, int(q)) for m, q in bill],
                                 supplier="bench", reference="materials")  # fmt: skip
    db.dispose()
    return time.perf_counter() - started


def _pg_admin(url: str):  # noqa: ANN202
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _pg_drop(admin, name: str) -> None:  # noqa: ANN001
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _pg_template(materials: bool) -> str:
    return PG_TEMPLATE + ("_materials" if materials else "")


def prepare_copy(url: str, n: int, seed: int, rebuild: bool, materials: bool = False
                 ) -> tuple[str, float | None]:  # fmt: skip
    """A fresh copy of the built database for one run: (its URL, set-up seconds if built)."""
    path = sqlite_path(url)
    tag = f"{n}_{seed}" + ("_materials" if materials else "")
    if path is not None or url.startswith("sqlite"):
        tpl = Path(tempfile.gettempdir()) / f"oms_bench_allocate_{tag}.db"
        built = None
        if rebuild or not tpl.exists():
            for f in (tpl, tpl.with_name(tpl.name + "-wal"), tpl.with_name(tpl.name + "-shm")):
                f.unlink(missing_ok=True)
            built = build(f"sqlite:///{tpl}", n, seed, materials)
        run = path or tpl.with_name(f"oms_bench_allocate_run_{tag}.db")
        for f in (run, run.with_name(run.name + "-wal"), run.with_name(run.name + "-shm")):
            f.unlink(missing_ok=True)
        shutil.copyfile(tpl, run)  # the template was closed cleanly: WAL checkpointed
        return f"sqlite:///{run}", built
    server = make_url(url)
    admin = _pg_admin(server)
    built = None
    template = _pg_template(materials)
    with admin.connect() as c:
        exists = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                           {"d": template}).first()  # fmt: skip
    if rebuild or not exists:
        _pg_drop(admin, template)
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{template}"'))
        built = build(server.set(database=template).render_as_string(False), n, seed,
                      materials)  # fmt: skip
    _pg_drop(admin, PG_RUN)
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{PG_RUN}" TEMPLATE "{template}"'))
    admin.dispose()
    return server.set(database=PG_RUN).render_as_string(False), built


def _ms(samples: list[float]) -> dict[str, float]:
    q = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2), "max_ms": round(max(samples), 2)}


def measure(url: str) -> dict:
    db = Database(url)
    with db.read() as s:
        waiting = s.execute(select(func.count()).where(Order.status == S.APPROVED)).scalar()
    samples: list[float] = []
    plain = allocation.allocate_order

    def stamped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t = time.perf_counter()
        try:
            return plain(*args, **kwargs)
        finally:
            samples.append((time.perf_counter() - t) * 1000)

    allocation.allocate_order = stamped  # allocate_approved calls it by its module name
    try:
        started = time.perf_counter()
        results = allocation.allocate_approved(db, ACTOR)
        seconds = time.perf_counter() - started
    finally:
        allocation.allocate_order = plain
    with db.read() as s:
        statuses = dict(s.execute(
            select(Order.status, func.count()).group_by(Order.status).order_by(Order.status)
        ).all())  # fmt: skip
        reserved = s.execute(
            select(func.sum(Allocation.qty)).where(Allocation.released_at.is_(None))
        ).scalar()  # fmt: skip
        materials = s.execute(
            select(func.sum(MaterialReservation.qty))
            .where(MaterialReservation.released_at.is_(None))
        ).scalar()  # fmt: skip
    differences = stock.verify(db)
    for d in differences[:20]:
        print(f"stock verify: {d}", file=sys.stderr)
    db.dispose()
    return {
        "approved_before": waiting,
        "allocated": len(results),
        "seconds": round(seconds, 2),
        "orders_per_second": round(len(results) / seconds, 1) if seconds else None,
        "per_order": _ms(samples),
        "statuses": {str(k): v for k, v in statuses.items()},
        "reserved_units": int(reserved or 0),
        "material_units_reserved": int(materials or 0),
        "stock_differences": len(differences),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite:///" + str(
        Path(tempfile.gettempdir()) / "oms_bench_allocate_run.db"))  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--materials",
        action="store_true",
        help="the made-to-order lines' materials received into the factory",
    )
    parser.add_argument("--runs", type=int, default=2, help="timed runs, each on a fresh copy")
    parser.add_argument("--rebuild", action="store_true", help="build the set-up again")
    parser.add_argument("--keep", action="store_true", help="PostgreSQL: keep the databases")
    args = parser.parse_args(argv)
    url = normalise_url(args.db)
    failed = False
    try:
        for i in range(args.runs):
            run_url, built = prepare_copy(url, args.orders, args.seed, args.rebuild and i == 0,
                                          args.materials)  # fmt: skip
            out: dict = {"orders": args.orders, "db": url.split(":", 1)[0].split("+")[0],
                         "run": i + 1}  # fmt: skip
            if args.materials:
                out["materials"] = True
            if built is not None:
                out["setup_s"] = round(built, 1)
            out.update(measure(run_url))
            print(json.dumps(out), flush=True)
            failed = failed or bool(out["stock_differences"])
    finally:
        if not url.startswith("sqlite") and not args.keep:
            admin = _pg_admin(make_url(url))
            _pg_drop(admin, PG_RUN)
            _pg_drop(admin, _pg_template(args.materials))
            admin.dispose()
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
