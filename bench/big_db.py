"""Build a big database and measure what a clerk feels on it.

    python bench/big_db.py                      # 1,000,000 orders into bench/big.db
    python bench/big_db.py --orders 200000 --db sqlite:///bench/200k.db
    python bench/big_db.py --skip-generate --db sqlite:///bench/big.db   # measure only

Generates with the CLI (``oms init``, ``oms generate --orders N``) in a subprocess; when the
CLI is not available it calls ``generate_orders`` directly. Then prints one JSON object:
generation seconds, database size, start-up to the home screen painted (headless, three
runs, each and the best), and p50/p95 milliseconds of 1,000 random order lookups by number
and customer searches by phone and by name. Targets: home < 1.0 s, lookups p95 < 20 ms.
Then order search (``order_search.search``) and the audit queue (``audit.queue``): the
first page and the 20th page (walked with the keyset cursor) of several query shapes,
p50/p95 ms each. Target: every page p95 < 100 ms.
Then the stock check (``stock.stock_card`` of 50 products, ``stock.ledger``'s first page,
``stock.find_stock_card`` by barcode), 200 warm calls each, p50/p95 ms. Target: p95 < 50 ms.
``--parts stock`` measures only that part.

A database generated before schema 0005 has orders but no stock ledger; ``--fill-stock``
writes the ledger its orders imply (SQLite, in SQL, not timed; refuses when a ledger
exists): an issue move per shipped line from the warehouse of the ship-to region, open
reservations for allocated and part-shipped orders, opening receipts that cover all of it,
and the stock levels that result (``stock.verify`` then finds no difference). Run it on a
copy: ``cp bench/big.db /tmp/big_stock.db``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oms_tui.config import normalise_url, sqlite_path  # noqa: E402

# The real ``oms`` start path (CLI module, schema check, app), headless, exiting once the
# home screen has painted its counts.
HOME_SNIPPET = (
    "import sys\n"
    "from oms_tui.cli import run_app\n"
    "from oms_tui.config import Settings\n"
    "run_app(Settings.resolve(db=sys.argv[1]), headless=True, exit_when_ready=True)\n"
)


def _oms_command() -> list[str] | None:
    exe = Path(sys.executable).with_name("oms")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("oms")
    return [found] if found else None


def generate(url: str, n: int, seed: int) -> tuple[float, str]:
    """Generate ``n`` orders; returns (seconds, how)."""
    started = time.perf_counter()
    cmd = _oms_command()
    if cmd is not None:
        # `oms generate` adds to an oms database; `oms init` creates it (or keeps it).
        proc = subprocess.run([*cmd, "--db", url, "init"], cwd=ROOT)
        if proc.returncode == 0:
            proc = subprocess.run([*cmd, "generate", "--orders", str(n), "--seed", str(seed),
                                   "--db", url], cwd=ROOT)  # fmt: skip
        if proc.returncode == 0:
            return time.perf_counter() - started, "cli"
        print(f"oms generate exited {proc.returncode}; calling generate_orders", file=sys.stderr)
        started = time.perf_counter()
    # Fallback (kept on purpose): the service directly, in this process.
    from oms_tui.demo.generate import generate_orders
    from oms_tui.services.platform import schema
    from oms_tui.services.platform.db import Database

    db = Database(url)
    if schema.needs_upgrade(db):
        schema.upgrade(db)
    generate_orders(db, "bench", n, seed=seed,
                    progress=lambda d, t: print(f"  {d:,}/{t:,}", file=sys.stderr)
                    if d % 100_000 == 0 or d == t else None)  # fmt: skip
    db.dispose()
    return time.perf_counter() - started, "service"


def size_mb(url: str) -> float:
    path = sqlite_path(url)
    if path is not None:
        import sqlite3

        con = sqlite3.connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        files = [path, path.with_name(path.name + "-wal")]
        return round(sum(f.stat().st_size for f in files if f.exists()) / 2**20, 1)
    from sqlalchemy import text

    from oms_tui.services.platform.db import Database

    db = Database(url)
    with db.read() as s:
        size = s.execute(text("SELECT pg_database_size(current_database())")).scalar()
    db.dispose()
    return round(size / 2**20, 1)


def home_painted(url: str, runs: int = 3) -> list[float]:
    """Wall seconds from spawning the ``oms`` start path (headless) to the home screen painted."""
    times = []
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", HOME_SNIPPET, url], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"home screen run failed ({proc.returncode}): {proc.stderr[-800:]}")
        times.append(round(elapsed, 3))
    return times


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2), "max_ms": round(ordered[-1], 2)}


def lookups(url: str, count: int = 1000, seed: int = 7) -> dict[str, dict[str, float]]:
    """Random order lookups by number and customer searches by phone and by name."""
    from sqlalchemy import func, select

    from oms_tui.models import Customer, CustomerPhone, Order
    from oms_tui.services.parties.customers import search_customers
    from oms_tui.services.platform.db import Database
    from oms_tui.services.sales.orders import get_order

    rng = random.Random(seed)
    db = Database(url)
    with db.read() as s:
        top_order = s.execute(select(func.max(Order.id))).scalar() or 0
        top_customer = s.execute(select(func.max(Customer.id))).scalar() or 0
        order_ids = [rng.randint(1, top_order) for _ in range(count)]
        numbers = list(s.execute(select(Order.number).where(Order.id.in_(order_ids))).scalars())
        customer_ids = [rng.randint(1, top_customer) for _ in range(count)]
        phones = list(
            s.execute(
                select(CustomerPhone.number).where(CustomerPhone.customer_id.in_(customer_ids))
            ).scalars()
        )
        names = list(s.execute(select(Customer.name)
                               .where(Customer.id.in_(customer_ids))).scalars())  # fmt: skip
    rng.shuffle(numbers)
    rng.shuffle(phones)
    rng.shuffle(names)
    # As clerks type them: the number without padding, the phone as written, a name's start.
    queries = {
        "order_by_number": [n.lower().replace("-0", "-", 1) for n in numbers][:count],
        "customer_by_phone": phones[:count],
        "customer_by_name": [n[: rng.choice((2, 3))] for n in names][:count],
    }
    calls = {
        "order_by_number": lambda q: get_order(db, q),
        "customer_by_phone": lambda q: search_customers(db, q),
        "customer_by_name": lambda q: search_customers(db, q),
    }
    results: dict[str, dict[str, float]] = {}
    for name, qs in queries.items():
        call = calls[name]
        call(qs[0])  # warm the connection and statement caches
        samples = []
        for q in (qs * (count // max(1, len(qs)) + 1))[:count]:
            t = time.perf_counter()
            call(q)
            samples.append((time.perf_counter() - t) * 1000)
        results[name] = {"n": len(samples), **_percentiles(samples)}
    db.dispose()
    return results


def _walk(fetch, pages: int) -> list[float]:
    """Milliseconds of each page, following the cursor, up to ``pages`` pages."""
    times, after = [], None
    for _ in range(pages):
        t = time.perf_counter()
        page = fetch(after)
        times.append((time.perf_counter() - t) * 1000)
        after = page.next
        if after is None:
            break
    return times


def search_pages(url: str, samples: int = 20, pages: int = 20, seed: int = 11
                 ) -> dict[str, dict[str, object]]:  # fmt: skip
    """First and 20th page of order searches (several shapes) and of the audit queue."""
    from datetime import date, timedelta

    from sqlalchemy import func, select

    from oms_tui.models import Customer, CustomerPhone, Product
    from oms_tui.services.platform.db import Database
    from oms_tui.services.sales import audit_queue
    from oms_tui.services.sales.order_search import OrderQuery, search

    rng = random.Random(seed)
    db = Database(url)
    with db.read() as s:
        top_customer = s.execute(select(func.max(Customer.id))).scalar() or 0
        ids = [rng.randint(1, top_customer) for _ in range(samples)]
        phones = list(
            s.execute(
                select(CustomerPhone.number).where(CustomerPhone.customer_id.in_(ids))
            ).scalars()
        )
        names = list(s.execute(select(Customer.name).where(Customer.id.in_(ids))).scalars())
        codes = list(s.execute(select(Product.code).where(Product.active)).scalars())
    month_ago = date.today() - timedelta(days=30)
    channels = ("phone", "dealer", "ecommerce", "key_account", "walk_in")
    shapes: dict[str, list[OrderQuery]] = {
        "all_newest_first": [OrderQuery()],
        "by_phone": [OrderQuery(phone=p) for p in phones[:samples]],
        "by_customer_name": [OrderQuery(customer=n[:2]) for n in names[:samples]],
        "by_status_pending_audit": [OrderQuery(status="pending_audit")],
        "by_status_closed": [OrderQuery(status="closed")],
        "by_product": [OrderQuery(product=rng.choice(codes)) for _ in range(samples)],
        "by_channel_last_30_days": [OrderQuery(channel=rng.choice(channels), date_from=month_ago)
                                    for _ in range(samples)],
        "by_product_channel_status": [
            OrderQuery(product=rng.choice(codes), channel=rng.choice(channels), status="closed")
            for _ in range(samples)],
    }  # fmt: skip
    fetchers = {name: [lambda after, q=q: search(db, q, after=after) for q in qs]
                for name, qs in shapes.items()}  # fmt: skip
    fetchers["audit_queue"] = [lambda after: audit_queue.queue(db, limit=50, after=after)]
    results: dict[str, dict[str, object]] = {}
    for name, calls in fetchers.items():
        for call in calls[:3]:
            _walk(call, pages)  # warm the caches (as the lookups do)
        first: list[float] = []
        deep: list[float] = []
        runs = calls * (samples // len(calls)) if len(calls) < samples else calls[:samples]
        for call in runs:
            times = _walk(call, pages)
            first.append(times[0])
            if len(times) == pages:
                deep.append(times[-1])
        results[name] = {
            "first_page": {"n": len(first), **_percentiles(first)},
            f"page_{pages}": {"n": len(deep), **_percentiles(deep)} if len(deep) > 1 else None,
        }
    db.dispose()
    return results


STOCK_FILL_SQL = (
    # The warehouse serving each region, else the first in allocation order.
    """CREATE TEMP TABLE bench_wh AS
       SELECT r.region, COALESCE((SELECT w.id FROM warehouse w WHERE w.region = r.region),
              (SELECT w.id FROM warehouse w ORDER BY w.allocation_rank, w.code LIMIT 1)) AS id
       FROM (SELECT DISTINCT ship_to_region AS region FROM sales_order) r""",
    """INSERT INTO stock_move (product_id, warehouse_id, qty, kind, reference, order_id, reason,
                               actor, created_at)
       SELECT ol.product_id, wh.id, -ol.qty_shipped, 'issue', o.number, o.id,
              'line ' || ol.line_no, 'bench', o.updated_at
       FROM order_line ol JOIN sales_order o ON o.id = ol.order_id
       JOIN bench_wh wh ON wh.region = o.ship_to_region
       WHERE ol.qty_shipped > 0 ORDER BY o.updated_at, ol.id""",
    """INSERT INTO allocation (order_line_id, warehouse_id, qty, reason, created_at)
       SELECT ol.id, wh.id,
              CASE WHEN o.status = 'partially_backordered' THEN (ol.qty - ol.qty_shipped + 1) / 2
                   ELSE ol.qty - ol.qty_shipped END,
              'bench: opening reservation', o.updated_at
       FROM order_line ol JOIN sales_order o ON o.id = ol.order_id
       JOIN bench_wh wh ON wh.region = o.ship_to_region
       JOIN product p ON p.id = ol.product_id
       WHERE o.status IN ('allocated', 'ready_to_ship', 'partially_shipped',
                          'partially_backordered')
         AND ol.qty > ol.qty_shipped AND p.made_to_order = 0""",
    """CREATE TEMP TABLE bench_need AS
       SELECT p.id AS product_id, w.id AS warehouse_id,
              COALESCE((SELECT -SUM(m.qty) FROM stock_move m
                        WHERE m.product_id = p.id AND m.warehouse_id = w.id), 0)
              + COALESCE((SELECT SUM(a.qty) FROM allocation a
                          JOIN order_line ol ON ol.id = a.order_line_id
                          WHERE ol.product_id = p.id AND a.warehouse_id = w.id
                            AND a.released_at IS NULL), 0) AS need
       FROM product p CROSS JOIN warehouse w""",
    """INSERT INTO stock_move (product_id, warehouse_id, qty, kind, reference, order_id, reason,
                               actor, created_at)
       SELECT product_id, warehouse_id, need + 200, 'receipt', 'GRN-OPENING', NULL,
              'opening stock', 'bench',
              (SELECT datetime(MIN(created_at), '-1 day') FROM sales_order)
       FROM bench_need""",
    """INSERT INTO stock_level (product_id, warehouse_id, on_hand, reserved, reorder_point, bin,
                                safety_stock)
       SELECT n.product_id, n.warehouse_id,
              (SELECT SUM(m.qty) FROM stock_move m
               WHERE m.product_id = n.product_id AND m.warehouse_id = n.warehouse_id),
              COALESCE((SELECT SUM(a.qty) FROM allocation a
                        JOIN order_line ol ON ol.id = a.order_line_id
                        WHERE ol.product_id = n.product_id AND a.warehouse_id = n.warehouse_id
                          AND a.released_at IS NULL), 0),
              20, '', 0
       FROM bench_need n""",
)


def fill_stock(url: str) -> dict[str, object]:
    """Write the stock ledger the orders imply, on a SQLite file whose ledger is empty."""
    import sqlite3

    path = sqlite_path(url)
    if path is None:
        raise SystemExit("--fill-stock works on a SQLite file")
    con = sqlite3.connect(path, isolation_level=None)
    if con.execute("SELECT EXISTS (SELECT 1 FROM stock_move)").fetchone()[0]:
        con.close()
        return {"skipped": "the database already has a stock ledger"}
    started = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    for sql in STOCK_FILL_SQL:
        con.execute(sql)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    moves = con.execute("SELECT COUNT(*) FROM stock_move").fetchone()[0]
    allocs = con.execute("SELECT COUNT(*) FROM allocation").fetchone()[0]
    con.close()
    return {"seconds": round(time.perf_counter() - started, 1), "moves": moves,
            "allocations": allocs}  # fmt: skip


def stock_check(url: str, products: int = 50, calls: int = 200, seed: int = 13
                ) -> dict[str, object]:  # fmt: skip
    """What the stock check screen asks: a product's card, its ledger's first page, and a
    card found by a scanned barcode; ``calls`` warm calls each over ``products`` products."""
    from sqlalchemy import func, select

    from oms_tui.models import Allocation, Order, Product, StockMove
    from oms_tui.services.inventory import stock
    from oms_tui.services.platform.db import Database

    rng = random.Random(seed)
    db = Database(url)
    with db.read() as s:
        rows = s.execute(select(Product.id, Product.barcode).where(Product.active)
                         .order_by(Product.id)).all()  # fmt: skip
        counts = {
            "stock_moves": s.execute(select(func.count()).select_from(StockMove)).scalar(),
            "open_allocations": s.execute(select(func.count()).select_from(Allocation)
                                          .where(Allocation.released_at.is_(None))).scalar(),
            "backordered_orders": s.execute(
                select(func.count()).select_from(Order)
                .where(Order.status.in_(stock.BACKORDER_STATUSES))).scalar(),
        }  # fmt: skip
    picked = rng.sample(rows, k=min(products, len(rows)))
    calls_of = {
        "stock_card": [lambda pid=pid: stock.stock_card(db, pid) for pid, _ in picked],
        "ledger_first_page": [lambda pid=pid: stock.ledger(db, pid) for pid, _ in picked],
        "find_by_barcode": [lambda bc=bc: stock.find_stock_card(db, bc) for _, bc in picked if bc],
    }
    results: dict[str, object] = {"products": len(picked), **counts}
    for name, fns in calls_of.items():
        for fn in fns:  # warm: connection, statement cache, pages
            fn()
        samples = []
        for fn in (fns * (calls // len(fns) + 1))[:calls]:
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        results[name] = {"n": len(samples), **_percentiles(samples)}
    results["target_p95_ms"] = 50
    db.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db", default=f"sqlite:///{Path(__file__).parent / 'big.db'}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-generate", action="store_true", help="measure an existing DB")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--search-samples", type=int, default=20)
    parser.add_argument(
        "--parts",
        default="home,lookups,search,stock",
        help="comma-separated: home, lookups, search, stock",
    )
    parser.add_argument(
        "--fill-stock",
        action="store_true",
        help="write the stock ledger the orders imply when there is none",
    )
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    url = normalise_url(args.db)

    out: dict[str, object] = {"orders": args.orders, "db": url.split(":", 1)[0]}
    if not args.skip_generate:
        seconds, how = generate(url, args.orders, args.seed)
        out["generate"] = {"seconds": round(seconds, 1), "via": how,
                           "orders_per_second": round(args.orders / seconds)}  # fmt: skip
    if args.fill_stock:
        out["fill_stock"] = fill_stock(url)
    out["size_mb"] = size_mb(url)
    if "home" in parts:
        home = home_painted(url)
        out["home_painted_s"] = {"runs": home, "best": min(home), "target": 1.0}
    if "lookups" in parts:
        out["lookups"] = lookups(url, args.lookups)
    if "search" in parts:
        out["search"] = search_pages(url, args.search_samples)
    if "stock" in parts:
        out["stock_check"] = stock_check(url)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
