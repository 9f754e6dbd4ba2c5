"""What the production modules share: a route's stages, the queue order of production
orders, locking one (and what its change writes) for a change. (The statuses, their moves
and the stage log: ``services/states/production_states.py``.)

Locks follow the one order of ``services/inventory/stock.py``: stock levels, then the sales
order, then the route (the queue of a route is planned again under its lock), then
production orders by id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Order,
    Product,
    ProductionOrder,
    ProductionRoute,
    RouteStage,
    StockLevel,
    Warehouse,
)
from ..inventory import stock
from ..platform.errors import NotFound
from ..states import production_states

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
    """The production order, locked and read afresh."""
    po = session.exec(select(ProductionOrder).where(ProductionOrder.id == production_order_id)
                      .with_for_update().execution_options(populate_existing=True)
                      ).first()  # fmt: skip
    if po is None:
        raise NotFound(N_("no production order with id {id}").format(id=production_order_id))
    return po


def lock_routes(session: Session, route_ids: Iterable[int | None]) -> None:
    """Lock these routes (by id): who plans a route's queue again holds its route."""
    ids = sorted({r for r in route_ids if r is not None})
    if ids:
        session.exec(select(ProductionRoute.id).where(col(ProductionRoute.id).in_(ids))
                     .order_by(ProductionRoute.id).with_for_update()).all()  # fmt: skip


def lock_production_orders(session: Session, ids: Iterable[int]) -> dict[int, ProductionOrder]:
    """These production orders, locked by id and read afresh (their version current), for a
    change that writes their log: materials reserved or released for them."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.exec(select(ProductionOrder).where(col(ProductionOrder.id).in_(wanted))
                        .order_by(ProductionOrder.id).with_for_update()
                        .execution_options(populate_existing=True)).all()  # fmt: skip
    return {po.id: po for po in rows}


def lock_for_change(
    session: Session, production_order_id: int, expected_version: int | None,
    materials: Iterable[int] = (),
) -> tuple[ProductionOrder, dict[tuple[int, int], StockLevel]]:  # fmt: skip
    """Lock what a stage change of one production order writes, in the lock order: the
    levels of its product (completion puts the goods in) and of ``materials``, its sales
    order, its route, then the order itself, read afresh. Refuses (``StaleData``, naming who
    changed it and when) when the clerk acted on another version than it has now."""
    seen = session.get(ProductionOrder, production_order_id)
    if seen is None:
        raise NotFound(N_("no production order with id {id}").format(id=production_order_id))
    levels = stock.lock_levels(session, {seen.product_id, *materials})
    if seen.order_id is not None:
        session.exec(select(Order.id).where(Order.id == seen.order_id).with_for_update()).all()
    lock_routes(session, [seen.route_id])
    po = _load(session, production_order_id)
    production_states.check_version(session, po, expected_version)
    return po, levels
