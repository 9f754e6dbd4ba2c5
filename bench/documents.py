"""1,000 packing lists: fetch a wave and render it to PDF.

    python bench/documents.py                   # 1,000 shipments in a temporary SQLite file
    python bench/documents.py --shipments 200

Setup (not timed): the demo company's catalog, customers, warehouses and carriers, stock
received for every stocked product, N orders of 1-4 lines approved and allocated through
the services, and one wave (``dispatch.create_shipments``) over all of them.
Timed, on one core (the process is single-threaded):
- fetch: ``dispatch.open_wave`` per warehouse (the wave's shipment views: a fixed number of
  queries however many shipments);
- render one PDF: ``packing_list_pdf`` of the whole wave as one document;
- render one PDF per shipment: ``packing_list_pdf([s])`` N times.
Prints one JSON line. Goal: N = 1,000 fetched and rendered < 3 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

from oms_tui.demo.seed import seed_demo  # noqa: E402
from oms_tui.models import Customer, Product, Warehouse  # noqa: E402
from oms_tui.reports.common import Company  # noqa: E402
from oms_tui.reports.fonts import fonts  # noqa: E402
from oms_tui.reports.packing_list import packing_list_pdf  # noqa: E402
from oms_tui.services.fulfilment import (
    allocation,  # noqa: E402
    stock_operations,  # noqa: E402
)
from oms_tui.services.platform import schema  # noqa: E402
from oms_tui.services.platform.db import Database  # noqa: E402
from oms_tui.services.sales import orders  # noqa: E402
from oms_tui.services.shipping import dispatch
from oms_tui.services.states.order_states import OrderStatus as S  # noqa: E402


def build(db: Database, n: int, seed: int = 7) -> None:
    schema.upgrade(db)
    seed_demo(db, "bench", orders=0)
    rng = random.Random(seed)
    with db.read() as s:
        stocked = [p.id for p in s.exec(select(Product).where(
            Product.made_to_order == False, Product.active == True)).all()]  # noqa: E712  # fmt: skip
        customers = list(s.exec(select(Customer.id)).all())
        warehouses = list(s.exec(select(Warehouse.code)).all())
    for code in warehouses:
        stock_operations.receive(db, "bench", code, [(p, 100_000) for p in stocked])
    for _ in range(n):
        lines = [orders.NewLine(p, rng.randint(1, 6))
                 for p in rng.sample(stocked, rng.randint(1, 4))]  # fmt: skip
        view = orders.create_order(db, "bench", rng.choice(customers), lines, submit=True)
        orders.transition(db, "bench", view.id, S.APPROVED, "bench")
        allocation.allocate_order(db, "bench", view.id)
    ready = dispatch.ready_to_ship(db, limit=n * 4)
    dispatch.create_shipments(db, "bench", sorted({r.order_id for r in ready}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/documents.db")
        started = time.perf_counter()
        build(db, args.shipments)
        setup_s = time.perf_counter() - started
        with db.read() as s:
            codes = list(s.exec(select(Warehouse.code)).all())
        company = Company(
            "明光水木实业有限公司", "杭州市西湖区文三路 90 号", "0571-8888 6666", currency="CNY"
        )
        fonts()  # font registration is a one-off per process, not per document

        t0 = time.perf_counter()
        wave = [sh for code in codes for sh in dispatch.open_wave(db, code)]
        fetch_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        one = packing_list_pdf(wave, company)
        one_pdf_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        sizes = [len(packing_list_pdf([sh], company)) for sh in wave]
        each_s = time.perf_counter() - t0
        lines = sum(len(sh.lines) for sh in wave)
    print(json.dumps({
        "shipments": len(wave), "lines": lines, "setup_s": round(setup_s, 1),
        "fetch_s": round(fetch_s, 3), "render_one_pdf_s": round(one_pdf_s, 3),
        "one_pdf_bytes": len(one), "render_each_s": round(each_s, 3),
        "ms_per_packing_list": round(each_s * 1000 / max(len(wave), 1), 2),
        "fetch_plus_one_pdf_s": round(fetch_s + one_pdf_s, 3),
        "fetch_plus_each_s": round(fetch_s + each_s, 3), "mean_pdf_bytes":
        round(sum(sizes) / max(len(sizes), 1)), "font": fonts().source,
        "python": platform.python_version(), "goal_s": 3.0,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
