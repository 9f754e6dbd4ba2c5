"""Snapshots at 80x24: the dispatch list (orders of two warehouses and two carriers under
their group headers, priority first, one in a wave, one partly backordered, one selected)
and the ship dialog (lines, packages, carriers with the proposal and why, tracking);
fixed numbers, names, user and clock. Update with ``--snapshot-update`` only for intended
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.models import Customer, Order
from oms_tui.services.fulfilment import stock_operations
from oms_tui.services.platform.db import Database
from oms_tui.services.shipping import dispatch
from tests.dispatch_factories import allocated_order, world
from tests.pilot import settle
from tests.stock_factories import set_priority

from .test_dispatch import go_to

SnapCompare = Callable[..., bool]
FROZEN = datetime(2026, 3, 2, 9, 30)  # local time


def dispatch_db(db: Database) -> None:
    w = world(db)  # 10 lamps and 5 shades in HZ
    stock_operations.receive(db, "t", "GZ", [(w.shade, 5)])
    orders = [  # (lines, region, priority, customer)
        ([(w.lamp, 2)], "East", 80, "杭州明亮灯饰"),
        ([(w.lamp, 3)], "East", 40, "Li Wei Hardware"),
        ([(w.lamp, 8)], "East", 60, "西湖照明工程部"),  # 5 left in HZ: part backordered
        ([(w.shade, 2)], "East", 20, "Chen Interiors"),
        ([(w.shade, 1)], "South", 50, "广州南方建材"),
    ]
    ids = []
    for n, (lines, region, prio, name) in enumerate(orders, 1):
        oid = allocated_order(db, lines, region=region)
        set_priority(db, oid, prio)
        with db.write() as s:
            order = s.get(Order, oid)
            order.number = f"SO-2026-{100 + n:06d}"
            order.ship_to_name, order.ship_to_phone = name, f"1380000{n:04d}"  # not a counter
            if n == 4:
                order.carrier_id = w.carriers["SF"]  # the customer asked for SF
            customer = s.exec(select(Customer).where(Customer.id == order.customer_id)).one()
            customer.name = name
            s.add_all([order, customer])
        ids.append(oid)
    dispatch.create_shipments(db, "picker", [ids[0]], today=date(2026, 3, 2))


def test_dispatch_list(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    dispatch_db(sqlite_db)
    app = make_app(Settings(database_url=sqlite_db.url, user="warehouse"), sqlite_db)
    app.clock = lambda: FROZEN

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await go_to(pilot, pilot.app.screen, "SO-2026-000102")
        await pilot.press("space")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_ship_dialog(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    dispatch_db(sqlite_db)
    app = make_app(Settings(database_url=sqlite_db.url, user="warehouse"), sqlite_db)
    app.clock = lambda: FROZEN

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await go_to(pilot, pilot.app.screen, "SO-2026-000101")  # in the wave
        await pilot.press("f6")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
