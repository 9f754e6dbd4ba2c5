"""Large, consistent databases fast: ``generate_orders(db, actor, n)``.

Reuses the demo's catalog and customer builders (when the database has none yet)
and its order simulator in the light mode: every order gets priced lines, a
"created" event and one legal last step to its status, and shipped-or-later
orders get an invoice (paid, with a payment and its allocation, when closed).
Orders are written in batches of ``BATCH`` with Core bulk inserts, precomputed
ids and number ranges taken per batch, one write transaction per batch, so a
crash loses at most the batch in progress and never leaves a gap in a sequence.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ..models import Customer
from ..services.platform.db import Database
from .catalog import build_catalog, load_catalog, write_settings, write_users
from .customers import build_customers, load_customers
from .orders import OrderSimulator
from .rows import IdAllocator

BATCH = 10_000


@dataclass(frozen=True)
class GenerateSummary:
    orders: int
    order_lines: int
    order_events: int
    invoices: int
    payments: int
    customers_created: int
    seconds: float

    def __str__(self) -> str:
        """What was added, as the user reads it (``oms generate``)."""
        new = self.customers_created
        people = f" and {new:,} new customer{'s' if new != 1 else ''}" if new else ""
        return (f"{self.orders:,} orders ({self.order_lines:,} lines, {self.invoices:,} "
                f"invoices, {self.payments:,} payments){people}")  # fmt: skip


def _order_times(rng: random.Random, n: int, now: datetime) -> list[int]:
    """``n`` order times (epoch seconds) over the past year, more lately, sorted."""
    end = int(now.timestamp()) - 3600
    year = 365 * 86400
    return sorted(end - int(year * (1 - rng.random() ** 0.8)) for _ in range(n))


def generate_orders(
    db: Database,
    actor: str,
    n: int,
    *,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateSummary:
    """Insert ``n`` generated orders (and reference data first if the database has none)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    created_customers = 0
    with db.write() as session:
        ids = IdAllocator(session)
        catalog = load_catalog(session)
        if catalog is None:
            write_settings(session, actor)
            write_users(session, actor)
            catalog = build_catalog(session, rng, ids, (now - timedelta(days=400)).date())
        has_customers = session.execute(select(func.count()).select_from(Customer)).scalar()
        if not has_customers:
            created_customers = max(300, n // 20)
            build_customers(session, rng, ids, created_customers,
                            (now - timedelta(days=400)).date())  # fmt: skip
    with db.read() as session:
        customers = load_customers(session)
    if not customers:
        raise ValueError("no active customers to generate orders for")
    weights = [{"key_account": 3, "dealer": 4, "wholesale": 3}.get(c.group, 1) for c in customers]

    times = _order_times(rng, n, now)
    totals = {"sales_order": 0, "order_line": 0, "order_event": 0, "invoice": 0, "payment": 0}
    done = 0
    while done < n:
        chunk = times[done : done + BATCH]
        who = rng.choices(customers, weights=weights, k=len(chunk))
        with db.write() as session:
            ids = IdAllocator(session)
            sim = OrderSimulator(rng, catalog, ids, actor, now, full=False)
            for epoch, customer in zip(chunk, who, strict=True):
                sim.add_order(customer, datetime.fromtimestamp(epoch, UTC))
            sim.assign_numbers(session)
            counts = sim.write(session)
        for key in totals:
            totals[key] += counts.get(key, 0)
        done += len(chunk)
        if progress is not None:
            progress(done, n)
    return GenerateSummary(
        orders=totals["sales_order"], order_lines=totals["order_line"],
        order_events=totals["order_event"], invoices=totals["invoice"],
        payments=totals["payment"], customers_created=created_customers,
        seconds=round(time.perf_counter() - started, 3),
    )  # fmt: skip
