"""Snapshot at 80x24: a planned van run (three stops in route order, cash to collect,
full containers to leave and empties to collect, the totals) with fixed numbers, names,
addresses, user and clock. Update with ``--snapshot-update`` only for intended changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.models import ContainerMove, Customer, Order
from oms_tui.services.platform.db import Database
from oms_tui.services.shipping import delivery_runs
from tests.pilot import settle
from tests.services.test_delivery_runs import _order_for, _water

SnapCompare = Callable[..., bool]
FROZEN = datetime(2026, 11, 30, 9, 30)  # local time


def van_db(db: Database) -> None:
    _van, barrel = _water(db)
    stops = [  # (barrels, route position, customer, address, empties held)
        (4, 3, "文三路小学", "杭州市西湖区文三路 90 号", 0),
        (2, 1, "西湖茶馆", "杭州市西湖区北山街 12 号", 3),
        (1, 2, "Li Wei", "杭州市上城区解放路 8 号 3 单元", 1),
    ]
    for n, (qty, seq, name, address, held) in enumerate(stops, 1):
        cid, oid = _order_for(db, barrel, qty, route_seq=seq)
        with db.write() as s:
            order = s.get(Order, oid)
            order.number = f"SO-2026-{200 + n:06d}"
            order.ship_to_name, order.ship_to_phone = name, f"1390000{n:04d}"
            order.ship_to_address = address
            customer = s.exec(select(Customer).where(Customer.id == cid)).one()
            customer.name = name
            s.add_all([order, customer])
            if held:
                s.add(ContainerMove(customer_id=cid, product_id=barrel, qty=held,
                                    deposit_minor=held * 3_000, actor="t",
                                    reason="opening balance"))  # fmt: skip
    delivery_runs.plan_run(db, "dispatcher", "VAN1", FROZEN.date(), driver="老李")


def test_planned_van_run(snap_compare: SnapCompare, sqlite_db: Database) -> None:
    van_db(sqlite_db)
    app = make_app(Settings(database_url=sqlite_db.url, user="warehouse"), sqlite_db)
    app.clock = lambda: FROZEN

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
