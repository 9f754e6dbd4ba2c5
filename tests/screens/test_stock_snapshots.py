"""Snapshot of the stock check at 80x24: a product found by its barcode, its stock per
warehouse (one low, one out) and its ledger, with fixed data, user and clock (every move's
time fixed). Update with ``--snapshot-update`` only for intended changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlmodel import col, select
from textual.pilot import Pilot

from oms_tui.models import StockMove
from oms_tui.services.fulfilment import stock_operations as ops
from oms_tui.services.platform.db import Database
from tests.factories import make_product
from tests.pilot import settle

from .test_stock import add_warehouses, set_reorder_point, stock_app

SnapCompare = Callable[..., bool]
FROZEN = datetime(2026, 3, 2, 9, 30)  # local time


def stock_check_db(db: Database) -> None:
    add_warehouses(db)
    lamp = make_product(db, code="LED-40W", name="LED panel 40W", barcode="6901234567892",
                        model="PL-600", colour="white", spec="600x600")  # fmt: skip
    ops.receive(db, "wang", "HZ", [(lamp, 40)], supplier="Opple", reference="DN-1")
    ops.receive(db, "wang", "GZ", [(lamp, 8)], supplier="Opple", reference="DN-2")
    ops.transfer(db, "li", lamp, "HZ", "GZ", 4, "rebalance")
    ops.adjust(db, "li", lamp, "GZ", -2, "damaged in handling")
    set_reorder_point(db, lamp, "GZ", 12)
    with db.write() as s:
        for n, move in enumerate(s.exec(select(StockMove).order_by(col(StockMove.id))).all()):
            move.created_at = (FROZEN - timedelta(days=5 - n, hours=n)).astimezone(UTC)
            s.add(move)


def test_stock_check(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    stock_check_db(sqlite_db)
    app = stock_app(sqlite_db, "warehouse")  # the stock desk
    app.clock = lambda: FROZEN

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"6901234567892", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
