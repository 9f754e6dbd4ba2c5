"""Search latency on a big database (issue #16): customers by a fragment, pinyin, phone
digits; order search pages by those and by a bare product code or a number fragment.

    python bench/search.py --db sqlite:///bench/big.db            # after bench/big_db.py
    python bench/search.py --db postgresql+psycopg://postgres@127.0.0.1:5432/big --runs 3
    python bench/search.py --db URL --prepare 50000,100000   # 50,000 customers, 100,000 orders

``--prepare C,N`` fills an empty (initialised) database with the demo catalog, C customers
and N orders: the customer count of a 1,000,000-order database without generating all its
orders (``oms generate`` makes one customer per 20 orders), when time is short.

The database is upgraded first when it is older than the code (``schema.upgrade``: migration
0021 fills the pinyin and builds the substring index; the seconds it took are printed).
Queries are drawn from the database's own rows (a seeded random sample): the middle of a
name (2 Chinese characters, 3-4 characters), full pinyin of two characters from its middle,
initials, a phone's last four digits, a Latin word. Each shape runs ``--count`` queries per
run, ``--runs`` runs; each run prints p50/p95/max ms and the load average before it, as
one JSON object per line, then a summary (the worst run's p95 of each shape).
Targets: customer fragment p95 < 20 ms; an order page p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CJK = re.compile(r"[\u4e00-\u9fff]{4,}")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"n": len(ordered), "p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2),
            "max_ms": round(ordered[-1], 2)}  # fmt: skip


def customer_queries(db, count: int, seed: int) -> dict[str, list[str]]:  # noqa: ANN001
    from sqlalchemy import func, select

    from oms_tui.models import Customer, CustomerPhone
    from oms_tui.services.platform.search_text import name_keys

    rng = random.Random(seed)
    with db.read() as s:
        top = s.execute(select(func.max(Customer.id))).scalar() or 0
        ids = [rng.randint(1, top) for _ in range(count * 4)]
        names = list(s.execute(select(Customer.name).where(Customer.id.in_(ids))).scalars())
        phones = list(s.execute(select(CustomerPhone.digits)
                                .where(CustomerPhone.customer_id.in_(ids))).scalars())  # fmt: skip
    runs = [m.group(0) for n in names if (m := _CJK.search(n))]  # Chinese runs of 4+
    latin = [w for n in names for w in n.split() if w.isascii() and len(w) >= 4]
    rng.shuffle(runs)

    def middle(run: str, size: int) -> str:
        start = rng.randint(1, len(run) - size) if len(run) > size else 0
        return run[start : start + size]  # not the start: what clerks type (永安 of 苏州永安…)

    two = [middle(r, 2) for r in runs]
    return {
        "name_middle_2_chinese": two[:count],
        "name_middle_3_4_chinese": [middle(r, rng.choice((3, 4))) for r in runs][:count],
        "pinyin_full_middle": [name_keys(w)[0] for w in two][:count],
        "pinyin_initials": [name_keys(r)[1][: rng.choice((3, 4))] for r in runs][:count],
        "phone_last_4": [p[-4:] for p in phones][:count],
        "latin_word": (latin or ["Helen"])[:count],
    }


def order_queries(db, count: int, seed: int) -> dict[str, list[object]]:  # noqa: ANN001
    from sqlalchemy import func, select

    from oms_tui.models import Order, Product
    from oms_tui.services.sales.order_search import OrderQuery

    rng = random.Random(seed)
    frags = customer_queries(db, count, seed + 1)
    with db.read() as s:
        codes = list(s.execute(select(Product.code).where(Product.active == True)  # noqa: E712
                               .order_by(Product.id)).scalars())  # fmt: skip
        top = s.execute(select(func.max(Order.id))).scalar() or 0
        numbers = list(s.execute(select(Order.number).where(
            Order.id.in_([rng.randint(1, top) for _ in range(count)]))).scalars())  # fmt: skip
    return {
        "order_page_name_middle_2_chinese": [OrderQuery(customer=q)
                                             for q in frags["name_middle_2_chinese"]],
        "order_page_pinyin_initials": [OrderQuery(customer=q) for q in frags["pinyin_initials"]],
        "order_page_phone_last_4": [OrderQuery(phone=q) for q in frags["phone_last_4"]],
        "order_page_bare_product_code": [OrderQuery(customer=rng.choice(codes))
                                         for _ in range(count)],
        # so-2026-0028: a whole number typed short, and the numbers starting with it
        "order_page_number_fragment": [OrderQuery(number=n.lower()[:-2]) for n in numbers],
    }  # fmt: skip


def prepare(db, customers: int, orders: int) -> None:  # noqa: ANN001
    from datetime import UTC, datetime, timedelta

    from oms_tui.demo.catalog import build_catalog, load_catalog, write_settings, write_users
    from oms_tui.demo.customers import build_customers
    from oms_tui.demo.generate import generate_orders
    from oms_tui.demo.rows import IdAllocator

    rng = random.Random(1)
    start = (datetime.now(UTC) - timedelta(days=400)).date()
    with db.write() as session:
        ids = IdAllocator(session)
        if load_catalog(session) is None:
            write_settings(session, "bench")
            write_users(session, "bench")
            build_catalog(session, rng, ids, start)
        build_customers(session, rng, ids, customers, start)  # ids from the sequences
    generate_orders(db, "bench", orders, seed=1)
    if db.dialect == "postgresql":  # as autovacuum would after a bulk load: fresh statistics
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def run_once(db, queries: dict[str, list], call) -> dict[str, dict[str, float]]:  # noqa: ANN001
    out = {}
    for shape, qs in queries.items():
        call(qs[0])  # warm the statement cache
        samples = []
        for q in qs:
            t = time.perf_counter()
            call(q)
            samples.append((time.perf_counter() - t) * 1000)
        out[shape] = _percentiles(samples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=f"sqlite:///{ROOT / 'bench' / 'big.db'}")
    parser.add_argument("--count", type=int, default=300, help="queries per shape and run")
    parser.add_argument("--orders", type=int, default=50, help="order-page queries per shape")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--prepare", default="", help="C,N: C customers and N orders first")
    args = parser.parse_args()

    from oms_tui.services.parties.customers import search_customers
    from oms_tui.services.platform import schema
    from oms_tui.services.platform.db import Database
    from oms_tui.services.sales.order_search import search

    db = Database(args.db)
    if schema.needs_upgrade(db):
        t = time.perf_counter()
        schema.upgrade(db)
        print(json.dumps({"upgraded_to": schema.current_revision(db),
                          "seconds": round(time.perf_counter() - t, 1)}), flush=True)  # fmt: skip
    if args.prepare:
        t = time.perf_counter()
        prepare(db, *(int(x) for x in args.prepare.split(",")))
        print(json.dumps({"prepared": args.prepare, "seconds": round(time.perf_counter() - t)}),
              flush=True)  # fmt: skip
    summary: dict[str, float] = {}
    for run in range(args.runs):
        load = [round(x, 2) for x in os.getloadavg()]
        customers = customer_queries(db, args.count, args.seed + run)
        result = run_once(db, customers, lambda q: search_customers(db, q))
        orders = order_queries(db, args.orders, args.seed + run)
        result |= run_once(db, orders, lambda q: search(db, q))
        print(json.dumps({"run": run + 1, "db": db.dialect, "loadavg": load, **result},
                         ensure_ascii=False), flush=True)  # fmt: skip
        for shape, figures in result.items():
            summary[shape] = max(summary.get(shape, 0.0), figures["p95_ms"])
    print(json.dumps({"worst_run_p95_ms": summary}), flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
