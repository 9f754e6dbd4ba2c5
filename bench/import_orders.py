"""Importing 100,000 rows: rows per second, from file to orders in the audit queue.

    python bench/import_orders.py                # 100,000 rows into a temporary SQLite file
    python bench/import_orders.py --rows 20000 --db postgresql+psycopg://...   (an empty DB)

Setup, not timed: the demo company's catalog (no orders), and a CSV in our template
(``oms`` profile) of N rows: orders of 1-3 lines, every order a new customer's (the hard
case: a customer created per order), product codes from the stocked catalog.
Timed: ``order_import.run_import`` (read, check, plan, write), then the same file again
(idempotent: every order unchanged). Prints one JSON line. Goal: > 5,000 rows per second.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import func, select  # noqa: E402

from oms_tui.demo.seed import seed_demo  # noqa: E402
from oms_tui.models import Order, Product  # noqa: E402
from oms_tui.services.exchange import order_import  # noqa: E402
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402


def make_file(codes: list[str], rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(order_import.FIELDS)
    n = order = 0
    while n < rows:
        order += 1
        phone = f"13{rng.randrange(10**9):09d}"
        for _ in range(min(rng.randint(1, 3), rows - n)):
            w.writerow([f"TB{order:09d}", "2026-11-30 10:00", f"客户 {order}", phone,
                        f"上海市 浦东新区 世纪大道 {order % 999} 号", rng.choice(codes),
                        rng.randint(1, 5), "", "", "prepaid"])  # fmt: skip
            n += 1
    return buf.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.db or f"sqlite:///{tmp}/import.db")
        schema.upgrade(db)
        seed_demo(db, "bench", orders=0)
        with db.read() as s:
            codes = list(s.exec(select(Product.code).where(
                Product.active == True, Product.made_to_order == False)).all())  # noqa: E712  # fmt: skip
        data = make_file(codes, args.rows)
        t0 = time.perf_counter()
        result = order_import.run_import(db, "bench", data, "ecommerce")
        first_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = order_import.run_import(db, "bench", data, "ecommerce")
        again_s = time.perf_counter() - t0
        with db.read() as s:
            in_queue = s.exec(select(func.count()).select_from(Order)
                              .where(Order.status == "pending_audit")).one()  # fmt: skip
    print(json.dumps({
        "rows": args.rows, "db": db.dialect, "orders": len(result.created),
        "problems": len(result.problems), "seconds": round(first_s, 2),
        "rows_per_second": round(args.rows / first_s), "again_seconds": round(again_s, 2),
        "again_unchanged": again.unchanged, "again_created": len(again.created),
        "in_audit_queue": in_queue, "python": platform.python_version(), "goal_rows_per_s": 5000,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
