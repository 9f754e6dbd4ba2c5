"""Seeding a demo database: reference data, catalog, customers, stock and a year of orders, in
one go."""

from __future__ import annotations

import random
from collections import defaultdict
from contextlib import nullcontext
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from ..i18n import CHINESE, current_language
from ..models import (
    Allocation,
    Order,
    OrderLine,
    StockLevel,
    StockMove,
)  # fmt: skip
from ..services.platform.db import Database
from ..services.states.order_states import OrderStatus as S
from .catalog import build_catalog, write_settings, write_users
from .customers import build_customers
from .orders import OrderSimulator
from .reference import Catalog, CustomerInfo, DemoSummary
from .rows import IdAllocator, Row, bulk_insert, chinese_text

# --------------------------------------------------------------------------- seeding


def _plan_orders(rng: random.Random, customers: list[CustomerInfo], now: datetime,
                 count: int) -> list[tuple[datetime, CustomerInfo, S | None, bool]]:  # fmt: skip
    """When and for whom: standing water deliveries every one or two weeks, the rest random."""
    plan: list[tuple[datetime, CustomerInfo, S | None, bool]] = []
    start = now - timedelta(days=365)
    water = [c for c in customers if c.profile in ("home_water", "office_water")]
    standing = water[: max(1, count // 75)] if water else []
    for c in standing:
        every = rng.choice((7, 14, 14))
        t = start + timedelta(days=rng.uniform(0, every), hours=rng.uniform(8, 10))
        while t < now - timedelta(hours=2) and len(plan) < count // 3:
            plan.append((t, c, None, True))
            t += timedelta(days=every, minutes=rng.randint(-90, 90))
    weights = [{"key_account": 3, "dealer": 4, "wholesale": 3}.get(c.group, 1) for c in customers]
    while len(plan) < count:
        # more orders lately: a gently rising year
        age = 365 * (1 - rng.random() ** 0.8)
        t = now - timedelta(days=age)
        if t > now - timedelta(hours=1):
            t = now - timedelta(hours=1, minutes=rng.randint(0, 600))
        plan.append((t.replace(microsecond=0), rng.choices(customers, weights=weights)[0],
                     None, False))  # fmt: skip
    plan.sort(key=lambda p: p[0])
    # Every status at least twice: force statuses on recent orders (recent fits them all).
    # (placed within the last two days, where every status is plausible)
    recent = [i for i, p in enumerate(plan) if not p[3]][::-1]
    for n, status in enumerate(list(S) * 2):
        if n >= len(recent):
            break
        i = recent[n]
        t = plan[i][0]
        if now - t > timedelta(days=2):
            t = now - timedelta(hours=rng.uniform(2, 47), seconds=rng.randint(0, 59))
        plan[i] = (t.replace(microsecond=0), plan[i][1], status, False)
    plan.sort(key=lambda p: p[0])
    return plan


def _now_for(today: date | None) -> datetime:
    if today is None:
        return datetime.now(UTC).replace(microsecond=0)
    return datetime.combine(today, time(0, 0), UTC)


def seed_reference(
    session: Session,
    rng: random.Random,
    ids: IdAllocator,
    actor: str,
    customers: int,
    now: datetime,
) -> tuple[Catalog, list[CustomerInfo]]:
    """Settings, users, catalog and customers (the part of the demo without orders)."""
    start = (now - timedelta(days=400)).date()
    write_settings(session, actor)
    write_users(session, actor)
    catalog = build_catalog(session, rng, ids, start)
    people = build_customers(session, rng, ids, customers, start)
    return catalog, people


def stock_rows(session: Session, catalog: Catalog, ids: IdAllocator, rng: random.Random,
               moves: dict[tuple[int, int], int], reserved: dict[tuple[int, int], int],
               opened: datetime, actor: str) -> tuple[list[Row], list[Row]]:  # fmt: skip
    """Opening receipts that cover every later issue, and the stock levels that result."""
    levels, receipts = [], []
    keys: set[tuple[int, int]] = set(moves) | set(reserved)
    factory = catalog.warehouses[0][0]
    for p in catalog.products:
        if p.made_to_order:
            keys.add((p.id, factory))
        elif p.line == "materials":
            keys.add((p.id, factory))
        else:
            keys.update((p.id, w) for w, _, _ in catalog.warehouses)
    mto = {p.id for p in catalog.products if p.made_to_order}
    for key in sorted(keys):
        pid, wid = key
        out = moves.get(key, 0)
        receipt = 0
        if pid not in mto:
            # enough for every issue at any time (all receipts come first) plus a buffer
            receipt = max(0, -out) + reserved.get(key, 0) + rng.randint(20, 300)
            receipts.append({
                "id": ids.take(StockMove), "product_id": pid, "warehouse_id": wid,
                "qty": receipt, "kind": "receipt", "reference": f"GRN-{opened:%Y}-{pid:04d}{wid}",
                "order_id": None, "reason": "opening stock", "actor": actor,
                "created_at": opened,
            })  # fmt: skip
        levels.append({
            "id": ids.take(StockLevel), "product_id": pid, "warehouse_id": wid,
            "on_hand": receipt + out, "reserved": reserved.get(key, 0),
            "reorder_point": 0 if pid in mto else rng.choice((10, 20, 50)),
            "bin": f"{chr(65 + pid % 6)}-{pid % 20 + 1:02d}-{wid}",
        })  # fmt: skip
    return receipts, levels


def seed_demo(db: Database, actor: str, *, seed: int = 2026, today: date | None = None,
              customers: int = 300, orders: int = 3000, language: str | None = None
              ) -> DemoSummary:  # fmt: skip
    """Fill an empty database with the demo company and a year of orders; in Chinese only
    when ``language`` (default: the interface's) is Chinese, else in both languages."""
    rng = random.Random(seed)
    now = _now_for(today)
    chinese = (language or current_language()) == CHINESE
    with db.write() as session, chinese_text() if chinese else nullcontext():
        if session.execute(select(func.count()).select_from(Order)).scalar():
            from ..services.platform.errors import InvalidInput

            raise InvalidInput("the database already has orders; seed the demo into an empty one")
        ids = IdAllocator(session)
        catalog, people = seed_reference(session, rng, ids, actor, customers, now)
        sim = OrderSimulator(rng, catalog, ids, actor, now, full=True)
        for created, customer, status, standing in _plan_orders(rng, people, now, orders):
            sim.add_order(customer, created, status, standing)
        sim.assign_numbers(session)
        line_product = {r["id"]: r["product_id"] for r in sim.rows[OrderLine]}
        reserved: dict[tuple[int, int], int] = defaultdict(int)
        for a in sim.rows[Allocation]:
            if a["released_at"] is None:
                reserved[(line_product[a["order_line_id"]], a["warehouse_id"])] += a["qty"]
        opened = now - timedelta(days=380)
        receipts, levels = stock_rows(session, catalog, ids, rng, sim.stock_out, reserved,
                                      opened, actor)  # fmt: skip
        counts = sim.write(session)
        bulk_insert(session, StockMove, receipts)
        bulk_insert(session, StockLevel, levels)
        n_products = len(catalog.products)
    return DemoSummary(
        customers=len(people), products=n_products, warehouses=len(catalog.warehouses),
        orders=counts["sales_order"], order_lines=counts["order_line"],
        order_events=counts["order_event"], allocations=counts["allocation"],
        production_orders=counts["production_order"], shipments=counts["shipment"],
        invoices=counts["invoice"], payments=counts["payment"], returns=counts["return_order"],
        stock_moves=counts["stock_move"] + len(receipts),
    )  # fmt: skip
