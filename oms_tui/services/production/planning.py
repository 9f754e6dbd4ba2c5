"""Production orders for made-to-order lines: created when an order is approved,
cancelled with it, and planned on their route (queue, capacity, expected dates).

The rules of production as a whole are in the package docstring (``__init__.py``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, func, update
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Order,
    OrderLine,
    Product,
    ProductionOrder,
    ProductionRoute,
    StockMove,
)
from ..inventory import stock
from ..platform.db import Database
from ..platform.numbering import take_number
from ..platform.permissions import anyone
from ..states import production_states
from ..states.production_states import OPEN, log_stage
from ..states.production_states import ProductionStatus as P
from .common import (
    PREFIX,
    _codes,
    _days_left,
    _stages,
    factory_warehouse_id,
    lock_production_orders,
    lock_routes,
)
from .materials import (
    Shortage,
    _needs,
    _reserve_materials_in,
    shortage_text,
)

# --------------------------------------------------------------------------------------------
# Creation (inside allocation's transaction)


@dataclass(frozen=True)
class Planned:
    """A production order just made, and the materials it could not reserve."""

    order: ProductionOrder
    shortages: tuple[Shortage, ...]


def create_for_order_in(session: Session, actor: str, order: Order, today: date | None = None
                        ) -> list[Planned]:  # fmt: skip
    """A production order for each made-to-order line of ``order`` that has none yet, its
    materials reserved (what is short is logged on it and returned, not refused)."""
    today = today or date.today()
    lines = session.exec(
        select(OrderLine, Product).join(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id == order.id, Product.made_to_order == True)  # noqa: E712
        .order_by(OrderLine.line_no)
    ).all()  # fmt: skip
    if not lines:
        return []
    have = set(session.exec(
        select(ProductionOrder.order_line_id).where(
            ProductionOrder.order_id == order.id, ProductionOrder.status != P.CANCELLED)
    ).all())  # fmt: skip
    routes = {r.product_line: r for r in session.exec(select(ProductionRoute)).all()}
    factory = factory_warehouse_id(session)
    made = []
    for line, product in lines:
        if line.id in have:
            continue
        route = routes.get(product.product_line)
        po = ProductionOrder(
            number=take_number(session, PREFIX, today.year), order_id=order.id,
            order_line_id=line.id, product_id=product.id, route_id=route.id if route else None,
            warehouse_id=factory, qty=line.qty - line.qty_shipped,
            requirements_note=line.requirements_note, priority=order.priority,
            due_date=order.requested_date, created_by=actor,
        )  # fmt: skip
        session.add(po)
        session.flush()
        log_stage(session, po, None, "planned", actor,
                  N_("for {order} line {line}").format(order=order.number,
                                                       line=line.line_no))  # fmt: skip
        made.append(po)
    if not made:
        return []
    _replan_route_in(session, {po.route_id for po in made}, today)  # the planned starts
    needs = {po.id: _needs(session, po) for po in made}
    # Already locked with the order's products (stock.order_product_ids) when allocating.
    levels = stock.lock_levels(session, {m.id for n in needs.values() for m, _ in n})
    out = []
    for po in made:
        missing = _reserve_materials_in(session, po, needs[po.id], levels, today)
        if missing:
            log_stage(session, po, None, "short", actor, shortage_text(missing))
        out.append(Planned(po, tuple(missing)))
    return out


def cancel_for_order_in(session: Session, actor: str, order_id: int, reason: str
                        ) -> tuple[list[str], set[int]]:  # fmt: skip
    """The order was cancelled: its open production orders stop. One not started releases
    its material reservations; one started gets its issued materials back into stock (a
    ``production_use`` move of the opposite sign, the reason naming it: what was cut or
    spoilt is then written off with a stock adjustment). The caller locked the levels of
    the order's products and their materials (``stock.order_product_ids``) before the
    order, and offers the freed materials on in the same transaction (to waiting orders
    first, then to the planned production orders short of them:
    ``allocation.offer_freed_stock_in``). Returns the production orders stopped and the
    materials freed."""
    ids = session.exec(select(ProductionOrder.id).where(
        ProductionOrder.order_id == order_id, col(ProductionOrder.status).in_(OPEN))
    ).all()  # fmt: skip
    running = [po for po in lock_production_orders(session, ids).values() if po.status in OPEN]
    if not running:
        return [], set()
    held = stock.open_material_reservations(session, [po.id for po in running])
    issued = _issued(session, order_id, [po for po in running if po.status == P.IN_PROGRESS])
    levels = stock.lock_levels(session, {r.product_id for r in held} | {p for _, p, _ in issued})
    codes = _codes(session, {r.product_id for r in held} | {p for _, p, _ in issued})
    freed: set[int] = set()
    stopped = []
    for po in running:
        released = [r for r in held if r.production_order_id == po.id]
        for r in released:
            stock.release(session, levels[(r.product_id, r.warehouse_id)], r)
        back = [(w, p, qty) for (po_id, w), p, qty in issued if po_id == po.id]
        why = (
            N_("back from cancelled {number}: {reason}")
            if reason
            else N_("back from cancelled {number}")
        ).format(number=po.number, reason=reason)
        for w, p, qty in back:
            stock.add_move(session, levels[(p, w)], qty, stock.PRODUCTION_USE, actor,
                           reference=po.number, order_id=po.order_id, reason=why)  # fmt: skip
        freed |= {r.product_id for r in released} | {p for _, p, _ in back}
        # one sentence, each part a template whose first value is the sentence before it
        note = reason
        if released:
            said = ", ".join(sorted(f"{codes[r.product_id]} {r.qty}" for r in released))
            note = (
                N_("{note}; materials released: {materials}")
                if note
                else N_("materials released: {materials}")
            ).format(note=note, materials=said)
        if back:
            said = ", ".join(sorted(f"{codes[p]} {qty}" for _, p, qty in back))
            note = (
                N_("{note}; materials back in stock: {materials}")
                if note
                else N_("materials back in stock: {materials}")
            ).format(note=note, materials=said)
        production_states.move(session, po, P.CANCELLED, actor, note)
        stopped.append(po.number)
    session.flush()
    return stopped, freed


def _issued(session: Session, order_id: int, started: list[ProductionOrder]
            ) -> list[tuple[tuple[int, int], int, int]]:  # fmt: skip
    """What the started production orders of a sales order hold of the factory's
    materials: ((production order id, warehouse), material, units), from their net
    ``production_use`` moves (the order's moves, by the stock_move order index)."""
    if not started:
        return []
    by_number = {po.number: po.id for po in started}
    rows = session.execute(
        select(StockMove.reference, StockMove.warehouse_id, StockMove.product_id,
               func.sum(StockMove.qty))
        .where(StockMove.kind == stock.PRODUCTION_USE,
               StockMove.order_id == order_id, col(StockMove.reference).in_(list(by_number)))
        .group_by(StockMove.reference, StockMove.warehouse_id, StockMove.product_id)
        .order_by(StockMove.reference, StockMove.product_id, StockMove.warehouse_id)
    ).all()  # fmt: skip
    return [((by_number[ref], w), p, -int(q)) for ref, w, p, q in rows if q and q < 0]


# --------------------------------------------------------------------------------------------
# Planning


def _replan_route_in(session: Session, route_ids: set[int | None], today: date) -> None:
    """Expected dates of the open orders on these routes: started ones from their current
    stage; waiting ones after the work ahead of them (units / daily capacity).

    Read as plain columns, and only the dates that moved are written: loading every open
    order as an object (and flushing them all) made each approval cost 0.55 s with 5,600
    production orders open (bench/RESULTS.md, allocation). The routes are locked first
    (already, by a stage change: ``common.lock_for_change``), so two transactions never
    write one queue's dates in two orders."""
    lock_routes(session, route_ids)
    for route_id in route_ids:
        if route_id is None:
            continue
        route = session.get(ProductionRoute, route_id)
        stages = _stages(session, route_id)
        capacity = max(route.daily_capacity, 1) if route else 1
        rows = session.execute(
            select(ProductionOrder.id, ProductionOrder.status, ProductionOrder.qty,
                   ProductionOrder.current_stage_seq, ProductionOrder.expected_date)
            .where(ProductionOrder.route_id == route_id, col(ProductionOrder.status).in_(OPEN))
            .order_by(col(ProductionOrder.priority).desc(),  # the queue: see _queue_key
                      col(ProductionOrder.due_date).is_(None), ProductionOrder.due_date,
                      ProductionOrder.id)
        ).all()  # fmt: skip
        ahead = sum(r.qty for r in rows if r.status == P.IN_PROGRESS)
        whole = _days_left(stages, 0)
        left = {s.seq: _days_left(stages, s.seq) for s in stages}
        moved: dict[int, date] = {}
        for po_id, status, qty, seq, expected in rows:
            if status == P.IN_PROGRESS:
                days = left.get(seq, _days_left(stages, seq))
                when = today + timedelta(days=max(days, 0))
            else:
                wait = math.ceil(ahead / capacity) if ahead else 0
                when = today + timedelta(days=wait + whole)
                ahead += qty
            if when != expected:
                moved[po_id] = when
        _set_expected_dates(session, moved)


def _set_expected_dates(session: Session, moved: dict[int, date]) -> None:
    """Orders loaded in this session get the date on the object (what the caller goes on
    reading); the rest in one executemany UPDATE by id, of the table: a new expected date
    is no change of the order a clerk acted on, so its version stays (see the model)."""
    bulk = []
    for po_id, when in moved.items():
        po = session.identity_map.get(identity_key(ProductionOrder, po_id))
        if po is None:
            bulk.append({"po_id": po_id, "when": when})
        else:
            po.expected_date = when
            session.add(po)
    if bulk:
        table = ProductionOrder.__table__  # type: ignore[attr-defined]
        session.execute(update(table).where(table.c.id == bindparam("po_id"))
                        .values(expected_date=bindparam("when")), bulk)  # fmt: skip


@anyone(
    "expected dates worked out again from the routes' capacity: "  # i18n: no
    "the rule's, whoever runs it"
)
def replan(db: Database, today: date | None = None) -> None:
    with db.write() as session:
        routes = set(session.exec(select(ProductionOrder.route_id).where(
            col(ProductionOrder.status).in_(OPEN)).distinct()).all())  # fmt: skip
        _replan_route_in(session, routes, today or date.today())
