"""Production set-up: routes (stages with planned days, daily capacity) and bills of
materials; a bill change follows the planned orders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    BomItem,
    MaterialReservation,
    Product,
    ProductionOrder,
    ProductionRoute,
    RouteStage,
    StockLevel,
)
from ..inventory import stock
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires
from ..states.production_states import OPEN, log_stage
from ..states.production_states import ProductionStatus as P
from .common import _stages, lock_production_orders
from .materials import reserve_waiting_materials_in

READ = "the production routes, taking no acting user"  # i18n: no

# --------------------------------------------------------------------------------------------
# Configuration: routes per product line, bills of materials


@dataclass(frozen=True)
class RouteView:
    id: int
    name: str
    product_line: str
    daily_capacity: int
    stages: tuple[tuple[str, int], ...]  # (name, planned days)


@anyone(READ)
def routes(db: Database) -> list[RouteView]:
    with db.read() as session:
        out = []
        for r in session.exec(select(ProductionRoute).order_by(ProductionRoute.name)).all():
            stages = tuple((s.name, s.planned_days) for s in _stages(session, r.id))
            out.append(RouteView(r.id, r.name, r.product_line, r.daily_capacity, stages))
        return out


@requires("production.plan")
def set_route(db: Database, actor: str, name: str, product_line: str, daily_capacity: int,
              stages: list[tuple[str, int]] | None = None) -> RouteView:  # fmt: skip
    """Create or change a route: its product line, daily capacity and (when no production
    order is open on it) its stages with their planned days."""
    del actor  # routes carry no author
    name, product_line = name.strip(), product_line.strip()
    if not name or not product_line:
        raise InvalidInput(N_("a route needs a name and a product line"), "name")
    if isinstance(daily_capacity, bool) or not isinstance(daily_capacity, int) \
            or daily_capacity < 1:  # fmt: skip
        raise InvalidInput(N_("the daily capacity is a whole number of units, 1 or more"),
                           "capacity")  # fmt: skip
    if stages is not None:
        if not stages:
            raise InvalidInput(N_("a route needs at least one stage"), "stages")
        for stage, days in stages:
            if not stage.strip() or days < 0:
                raise InvalidInput(N_("stage '{stage}': a name and 0 or more planned days")
                                   .format(stage=stage), "stages")  # fmt: skip
    with db.write() as session:
        route = session.exec(select(ProductionRoute).where(ProductionRoute.name == name)).first()
        other = (ProductionRoute.product_line == product_line) & (ProductionRoute.name != name)
        clash = session.exec(select(ProductionRoute).where(other)).first()
        if clash is not None:
            raise InvalidInput(
                N_("{route} already makes the {line} line").format(
                    route=clash.name, line=product_line
                ),
                "line",
            )
        route = route or ProductionRoute(name=name)
        route.product_line, route.daily_capacity = product_line, daily_capacity
        session.add(route)
        session.flush()
        if stages is not None:
            busy = session.exec(select(ProductionOrder.id).where(
                ProductionOrder.route_id == route.id,
                col(ProductionOrder.status).in_(OPEN))).first()  # fmt: skip
            if busy is not None:
                raise InvalidInput(N_("{route} has production orders open: change its stages "
                                      "once they are done").format(route=name),
                                   "stages")  # fmt: skip
            for old in _stages(session, route.id):
                session.delete(old)
            session.flush()
            for seq, (stage, days) in enumerate(stages, start=1):
                session.add(RouteStage(route_id=route.id, seq=seq, name=stage.strip(),
                                       planned_days=days))  # fmt: skip
        session.flush()
        return RouteView(
            route.id,
            route.name,
            route.product_line,
            route.daily_capacity,
            tuple((s.name, s.planned_days) for s in _stages(session, route.id)),
        )


@requires("production.plan")
def set_bom(db: Database, actor: str, product_code: str, material_code: str, qty_per: int,
            today: date | None = None) -> None:  # fmt: skip
    """How many of a material one unit of a made-to-order product takes (0 removes it).
    The planned production orders of the product follow at once: what they reserved of
    the material beyond the new bill is released, what the new bill lacks is reserved
    from free stock (first in the queue first), each change in their log."""
    if isinstance(qty_per, bool) or not isinstance(qty_per, int) or qty_per < 0:
        raise InvalidInput(N_("the quantity per unit is a whole number, 0 or more"), "qty")
    with db.write() as session:

        def product(code: str) -> Product:
            p = session.exec(select(Product).where(Product.code == code.strip().upper())).first()
            if p is None:
                raise NotFound(N_("no product {code}").format(code=code))
            return p

        made, material = product(product_code), product(material_code)
        if not made.made_to_order:
            raise InvalidInput(N_("{code} is not made to order").format(code=made.code),
                               "product")  # fmt: skip
        if made.id == material.id:
            raise InvalidInput(N_("a product cannot be its own material"), "material")
        levels = stock.lock_levels(session, [material.id])  # levels first, as every writer
        pair = (BomItem.product_id == made.id) & (BomItem.material_id == material.id)
        row = session.exec(select(BomItem).where(pair)).first()
        if qty_per == 0:
            if row is not None:
                session.delete(row)
        else:
            row = row or BomItem(product_id=made.id, material_id=material.id)
            row.qty_per = qty_per
            session.add(row)
        session.flush()
        _follow_bom_in(session, actor, made.id, material, qty_per, levels)
        reserve_waiting_materials_in(session, actor, [material.id], today)


def _follow_bom_in(session: Session, actor: str, product_id: int, material: Product,
                   qty_per: int, levels: dict[tuple[int, int], StockLevel]) -> None:  # fmt: skip
    """Planned orders of the product holding more of the material than the new bill
    needs give the rest back (the shortfall is for ``reserve_waiting_materials_in``)."""
    lock_production_orders(
        session,
        session.exec(
            select(ProductionOrder.id).where(
                ProductionOrder.product_id == product_id, ProductionOrder.status == P.PLANNED
            )
        ).all(),
    )
    held = session.exec(
        select(MaterialReservation, ProductionOrder)
        .join(ProductionOrder, ProductionOrder.id == MaterialReservation.production_order_id)
        .where(ProductionOrder.product_id == product_id, ProductionOrder.status == P.PLANNED,
               MaterialReservation.product_id == material.id,
               col(MaterialReservation.released_at).is_(None))
        .order_by(MaterialReservation.id)
    ).all()  # fmt: skip
    orders: dict[int, ProductionOrder] = {}
    have: dict[int, int] = defaultdict(int)
    for r, po in held:
        orders[po.id] = po
        have[po.id] += r.qty
    for po_id, po in orders.items():
        keep = qty_per * po.qty
        if have[po_id] <= keep:
            continue
        level = levels[(material.id, po.warehouse_id)]
        for r, _po in (x for x in held if x[1].id == po_id):
            stock.release(session, level, r)
        if keep:
            stock.reserve_material(
                session, level, po_id, keep, N_("reserved for {number}").format(number=po.number)
            )
        log_stage(
            session,
            po,
            None,
            "released",
            actor,
            N_("bill changed to {qty} {material} a unit: {released} released").format(
                qty=qty_per, material=material.code, released=have[po_id] - keep
            ),
        )
