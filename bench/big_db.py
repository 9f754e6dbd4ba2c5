"""Build a big database and measure what a clerk feels on it.

    python bench/big_db.py                      # 1,000,000 orders into bench/big.db
    python bench/big_db.py --orders 200000 --db sqlite:///bench/200k.db
    python bench/big_db.py --skip-generate --db sqlite:///bench/big.db   # measure only

Generates with the CLI (``oms generate --orders N --db URL``) in a subprocess; when the
CLI is not available it calls ``generate_orders`` directly. Then prints one JSON object:
generation seconds, database size, start-up to the home screen painted (headless, three
runs, each and the best), and p50/p95 milliseconds of 1,000 random order lookups by number
and customer searches by phone and by name. Targets: home < 1.0 s, lookups p95 < 20 ms.
Then order search (``order_search.search``) and the audit queue (``audit.queue``): the
first page and the 20th page (walked with the keyset cursor) of several query shapes,
p50/p95 ms each. Target: every page p95 < 100 ms.
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
    "from oms_tui.cli import _run_app\n"
    "from oms_tui.config import Settings\n"
    "_run_app(Settings.resolve(db=sys.argv[1]), headless=True, exit_when_ready=True)\n"
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
        proc = subprocess.run([*cmd, "generate", "--orders", str(n), "--seed", str(seed),
                               "--db", url], cwd=ROOT)  # fmt: skip
        if proc.returncode == 0:
            return time.perf_counter() - started, "cli"
        print(f"oms generate exited {proc.returncode}; calling generate_orders", file=sys.stderr)
        started = time.perf_counter()
    # Fallback (kept on purpose): the service directly, in this process.
    from oms_tui.services import schema
    from oms_tui.services.db import Database
    from oms_tui.services.generate import generate_orders

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

    from oms_tui.services.db import Database

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
    from oms_tui.services.customers import search_customers
    from oms_tui.services.db import Database
    from oms_tui.services.orders import get_order

    rng = random.Random(seed)
    db = Database(url)
    with db.read() as s:
        top_order = s.execute(select(func.max(Order.id))).scalar() or 0
        top_customer = s.execute(select(func.max(Customer.id))).scalar() or 0
        order_ids = [rng.randint(1, top_order) for _ in range(count)]
        numbers = list(s.execute(select(Order.number).where(Order.id.in_(order_ids))).scalars())
        customer_ids = [rng.randint(1, top_customer) for _ in range(count)]
        phones = list(s.execute(select(CustomerPhone.number)
                                .where(CustomerPhone.customer_id.in_(customer_ids))).scalars())
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
    from oms_tui.services import audit
    from oms_tui.services.db import Database
    from oms_tui.services.order_search import OrderQuery, search

    rng = random.Random(seed)
    db = Database(url)
    with db.read() as s:
        top_customer = s.execute(select(func.max(Customer.id))).scalar() or 0
        ids = [rng.randint(1, top_customer) for _ in range(samples)]
        phones = list(s.execute(select(CustomerPhone.number)
                                .where(CustomerPhone.customer_id.in_(ids))).scalars())
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
    fetchers["audit_queue"] = [lambda after: audit.queue(db, limit=50, after=after)]
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--db", default=f"sqlite:///{Path(__file__).parent / 'big.db'}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-generate", action="store_true", help="measure an existing DB")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--search-samples", type=int, default=20)
    args = parser.parse_args(argv)
    url = normalise_url(args.db)

    out: dict[str, object] = {"orders": args.orders, "db": url.split(":", 1)[0]}
    if not args.skip_generate:
        seconds, how = generate(url, args.orders, args.seed)
        out["generate"] = {"seconds": round(seconds, 1), "via": how,
                           "orders_per_second": round(args.orders / seconds)}  # fmt: skip
    out["size_mb"] = size_mb(url)
    home = home_painted(url)
    out["home_painted_s"] = {"runs": home, "best": min(home), "target": 1.0}
    out["lookups"] = lookups(url, args.lookups)
    out["search"] = search_pages(url, args.search_samples)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
