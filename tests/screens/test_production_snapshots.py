"""Snapshots of the production board at 80x24 and 120x40: doors and lamps at several
stages under their stage headers (furthest first), one late, one with priority, progress
bars; fixed numbers, names, dates, user and clock. Update with ``--snapshot-update`` only
for intended changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlmodel import select
from textual.pilot import Pilot

from oms_tui.app import make_app
from oms_tui.config import Settings
from oms_tui.models import (
    BomItem,
    Customer,
    Order,
    Product,
    ProductionOrder,
    ProductionRoute,
    RouteStage,
)
from oms_tui.services.fulfilment import stock_operations
from oms_tui.services.platform.db import Database
from oms_tui.services.production import planning, stages
from tests.pilot import settle
from tests.services.test_production import _doors, _order_of

SnapCompare = Callable[..., bool]
FROZEN = datetime(2026, 11, 30, 9, 30)  # local time
TODAY = FROZEN.date()
LAMP_STAGES = (("备料 materials", 1), ("组装 assembly", 1), ("测试 test", 1), ("入库 stock-in", 1))


def board_db(db: Database) -> None:
    ids = _doors(db, capacity=4)
    with db.write() as s:
        route = ProductionRoute(name="灯具线 Lamp line", product_line="lamps", daily_capacity=10)
        s.add(route)
        s.flush()
        for seq, (name, days) in enumerate(LAMP_STAGES, start=1):
            s.add(RouteStage(route_id=route.id, seq=seq, name=name, planned_days=days))
        lamp = Product(code="LAMP-RAL", name="特殊色吊灯", product_line="lamps",
                       made_to_order=True, list_price_minor=80_000)  # fmt: skip
        s.add(lamp)
        s.flush()
        s.add(BomItem(product_id=lamp.id, material_id=ids["hinge"], qty_per=1))
        ids["lamp_mto"] = lamp.id
    stock_operations.receive(db, "t", "HZ", [(ids["oak"], 30)])
    plan = [  # (product, qty, note, due in days, priority, customer, stage steps)
        (ids["door"], 2, "2050x860 哑光清漆", 4, 1, "杭州明亮装饰", 3),
        (ids["door"], 1, "左开门", 12, 0, "Li Wei Hardware", 1),
        (ids["lamp_mto"], 6, "RAL 5015 天蓝", 10, 0, "西湖照明工程部", 2),
        (ids["door"], 3, "", 3, 0, "Chen Interiors", -1),  # waiting: late already
        (ids["lamp_mto"], 4, "", 20, 0, "广州南方建材", -1),
    ]
    for n, (product, qty, note, due, prio, name, steps) in enumerate(plan, 1):
        oid = _order_of(db, [(product, qty, note)], priority=prio)
        with db.write() as s:
            order = s.get(Order, oid)
            order.number = f"SO-2026-{200 + n:06d}"
            customer = s.exec(select(Customer).where(Customer.id == order.customer_id)).one()
            customer.name = name
            po = s.exec(select(ProductionOrder).where(ProductionOrder.order_id == oid)).one()
            po.number = f"PO-2026-{100 + n:06d}"
            po.due_date = TODAY + timedelta(days=due)
            s.add_all([order, customer, po])
            po_id = po.id
        if steps >= 0:
            stages.start(db, "liu", po_id, TODAY)
        for _ in range(max(steps, 0)):
            stages.advance(db, "liu", po_id, today=TODAY)
    planning.replan(db, TODAY)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_production_board(snap_compare: SnapCompare, sqlite_db: Database,
                          size: tuple[int, int]) -> None:  # fmt: skip
    board_db(sqlite_db)
    app = make_app(Settings(database_url=sqlite_db.url, user="production"), sqlite_db)
    app.clock = lambda: FROZEN

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
