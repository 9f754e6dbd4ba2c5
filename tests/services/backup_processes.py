"""Processes the backup tests start: ``writer URL STOP`` writes orders until the file STOP
exists, printing each order's number once it is committed; ``holder URL`` keeps the
database open until its stdin closes."""

from __future__ import annotations

import sys
from pathlib import Path

from oms_tui.services.platform.db import Database


def writer(url: str, stop: Path) -> None:
    from oms_tui.services.sales import orders
    from tests.factories import make_customer, make_product

    db = Database(url)
    customer = make_customer(db, phone="13700000000")
    product = make_product(db, code="WRITER-1")
    print("ready", flush=True)
    while not stop.exists():
        order = orders.create_order(db, "clerk", customer.id, [orders.NewLine(product, 1)])
        print(order.number, flush=True)


def holder(url: str) -> None:
    db = Database(url)
    with db.engine.connect():
        print("ready", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    if sys.argv[1] == "writer":
        writer(sys.argv[2], Path(sys.argv[3]))
    else:
        holder(sys.argv[2])
