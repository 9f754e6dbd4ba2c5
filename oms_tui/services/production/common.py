"""What the production modules share: a route's stages, the queue order of production
orders, loading one for a change. (The statuses, their moves and the stage log:
``services/states/production_states.py``.)"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from ...models import (
    Product,
    ProductionOrder,
    RouteStage,
    Warehouse,
)
from ..platform.errors import NotFound

PREFIX = "PO"


def factory_warehouse_id(session: Session) -> int | None:
    wh = session.exec(select(Warehouse).where(Warehouse.active == True)  # noqa: E712
                      .order_by(Warehouse.allocation_rank, Warehouse.code)).first()  # fmt: skip
    return wh.id if wh else None


def _codes(session: Session, product_ids: set[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    return dict(session.exec(select(Product.id, Product.code)
                             .where(col(Product.id).in_(product_ids))).all())  # fmt: skip


def _stages(session: Session, route_id: int | None) -> list[RouteStage]:
    if route_id is None:
        return []
    return list(session.exec(select(RouteStage).where(RouteStage.route_id == route_id)
                             .order_by(RouteStage.seq)).all())  # fmt: skip


def _days_left(stages: list[RouteStage], current: int) -> int:
    """Planned days from the start of stage ``current`` (0: not started) to the end."""
    return sum(s.planned_days for s in stages if s.seq >= max(current, 1))


def _queue_key(po: ProductionOrder) -> tuple:
    return (-po.priority, po.due_date or date.max, po.id)


def _load(session: Session, production_order_id: int) -> ProductionOrder:
    po = session.exec(select(ProductionOrder).where(ProductionOrder.id == production_order_id)
                      .with_for_update()).first()  # fmt: skip
    if po is None:
        raise NotFound(f"no production order with id {production_order_id}")
    return po
