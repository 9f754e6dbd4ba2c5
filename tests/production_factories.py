"""A production line for the concurrency and stale-view tests: a route of three stages and a
made-to-order door, with the materials of its bill when given."""

from __future__ import annotations

from oms_tui.models import BomItem, Product, ProductionRoute, RouteStage
from oms_tui.services.platform.db import Database

STAGES = ("cutting", "assembly", "quality check")


def door_line(db: Database, materials: dict[int, int] | None = None, capacity: int = 4) -> int:
    """The route "Door line" (``STAGES``, a day each) and the door it makes, whose bill
    takes ``materials`` (material id: units per door). Returns the door's id."""
    with db.write() as s:
        route = ProductionRoute(name="Door line", product_line="doors", daily_capacity=capacity)
        s.add(route)
        s.flush()
        for seq, name in enumerate(STAGES, start=1):
            s.add(RouteStage(route_id=route.id, seq=seq, name=name, planned_days=1))
        door = Product(code="DOOR-1", name="Oak door", product_line="doors",
                       made_to_order=True, list_price_minor=200_000)  # fmt: skip
        s.add(door)
        s.flush()
        for material_id, per in (materials or {}).items():
            s.add(BomItem(product_id=door.id, material_id=material_id, qty_per=per))
        return door.id
