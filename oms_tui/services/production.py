"""Production orders for made-to-order lines, routed through stages.

- **Creation**: allocation sends each made-to-order line of an approved order here
  (``create_for_order_in``): one production order per line, with the line's requirements
  note, quantity, the order's requested date as due date and its priority, on the route of
  the product's line (``production_route.product_line``), made in the factory warehouse
  (the first warehouse in allocation order).
- **Planned dates**: each stage has planned days; a production order not started waits
  for the work ahead of it on its route (units of open orders of higher priority or
  earlier due date / the route's daily capacity), then takes its stages' days. The
  expected date is when the last stage ends; ``late`` when that is after the due date.
- **Start** issues the bill of materials from the factory warehouse (a
  ``production_use`` move per material: they can no longer be sold or used by another
  order). A shortage refuses the start and says which material, how much, and from which
  day it blocks (the planned start).
- **Advance** finishes the current stage and starts the next; a **quality failure** sends
  the order back to a chosen earlier stage with the reason; a **new expected date** needs
  a reason. Every step is a ``production_stage_log`` row (who, when, what, why).
- **Completion** (advancing past the last stage) moves the goods into stock
  (``production_in``) and reserves them for the order line; when nothing of the order
  waits any more, the order becomes ready to ship.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import (
    BomItem,
    Customer,
    Order,
    OrderLine,
    Product,
    ProductionOrder,
    ProductionRoute,
    ProductionStageLog,
    RouteStage,
    Warehouse,
    utcnow,
)
from . import stock
from .db import Database
from .errors import IllegalTransition, InvalidInput, NotFound
from .numbering import take_number
from .order_states import OrderStatus as S
from .order_states import check_transition
from .orders import record_event

PREFIX = "PO"
OPEN = ("planned", "in_progress")


# --------------------------------------------------------------------------------------------
# Creation (inside allocation's transaction)


def factory_warehouse_id(session: Session) -> int | None:
    wh = session.exec(select(Warehouse).where(Warehouse.active == True)  # noqa: E712
                      .order_by(Warehouse.allocation_rank, Warehouse.code)).first()  # fmt: skip
    return wh.id if wh else None


def create_for_order_in(session: Session, actor: str, order: Order, today: date | None = None
                        ) -> list[ProductionOrder]:  # fmt: skip
    """A production order for each made-to-order line of ``order`` that has none yet."""
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
            ProductionOrder.order_id == order.id, ProductionOrder.status != "cancelled")
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
        session.add(ProductionStageLog(production_order_id=po.id, stage_seq=0,
                                       stage_name="planned", result="planned",
                                       note=f"for {order.number} line {line.line_no}",
                                       actor=actor))  # fmt: skip
        made.append(po)
    if made:
        _replan_route_in(session, {po.route_id for po in made}, today)
    return made


def cancel_for_order_in(session: Session, actor: str, order_id: int, reason: str) -> list[str]:
    """The order was cancelled: its open production orders stop (materials already issued
    stay issued: they are in the work, a stock adjustment takes back what can be reused)."""
    stopped = []
    running = select(ProductionOrder).where(ProductionOrder.order_id == order_id,
                                            col(ProductionOrder.status).in_(OPEN))  # fmt: skip
    for po in session.exec(running).all():
        po.status = "cancelled"
        session.add(po)
        _log(session, po, None, "cancelled", actor, reason)
        stopped.append(po.number)
    return stopped


# --------------------------------------------------------------------------------------------
# Planning


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


def _replan_route_in(session: Session, route_ids: set[int | None], today: date) -> None:
    """Expected dates of the open orders on these routes: started ones from their current
    stage; waiting ones after the work ahead of them (units / daily capacity)."""
    for route_id in route_ids:
        if route_id is None:
            continue
        route = session.get(ProductionRoute, route_id)
        stages = _stages(session, route_id)
        capacity = max(route.daily_capacity, 1) if route else 1
        open_orders = session.exec(
            select(ProductionOrder).where(ProductionOrder.route_id == route_id,
                                          col(ProductionOrder.status).in_(OPEN))
        ).all()  # fmt: skip
        ahead = sum(po.qty for po in open_orders if po.status == "in_progress")
        for po in sorted(open_orders, key=_queue_key):
            if po.status == "in_progress":
                left = _days_left(stages, po.current_stage_seq)
                po.expected_date = today + timedelta(days=max(left, 0))
            else:
                wait = math.ceil(ahead / capacity) if ahead else 0
                po.expected_date = today + timedelta(days=wait + _days_left(stages, 0))
                ahead += po.qty
            session.add(po)


def replan(db: Database, today: date | None = None) -> None:
    with db.write() as session:
        routes = set(session.exec(select(ProductionOrder.route_id).where(
            col(ProductionOrder.status).in_(OPEN)).distinct()).all())  # fmt: skip
        _replan_route_in(session, routes, today or date.today())


# --------------------------------------------------------------------------------------------
# Materials


@dataclass(frozen=True)
class Shortage:
    material_code: str
    material_name: str
    needed: int
    available: int
    blocks_from: date  # the planned start the shortage holds up

    @property
    def short(self) -> int:
        return self.needed - self.available


def _needs(session: Session, po: ProductionOrder) -> list[tuple[Product, int]]:
    rows = session.exec(
        select(Product, BomItem.qty_per).join(BomItem, BomItem.material_id == Product.id)
        .where(BomItem.product_id == po.product_id).order_by(Product.code)
    ).all()  # fmt: skip
    return [(p, per * po.qty) for p, per in rows]


def _planned_start(session: Session, po: ProductionOrder, today: date) -> date:
    stages = _stages(session, po.route_id)
    if po.expected_date is None:
        return today
    return max(today, po.expected_date - timedelta(days=_days_left(stages, 0)))


def shortages(db: Database, production_order_id: int, today: date | None = None
              ) -> list[Shortage]:  # fmt: skip
    """Materials the factory warehouse lacks for this order, and from when that blocks."""
    today = today or date.today()
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(f"no production order with id {production_order_id}")
        return _shortages_in(session, po, today)


def _shortages_in(session: Session, po: ProductionOrder, today: date) -> list[Shortage]:
    needs = _needs(session, po)
    if not needs or po.warehouse_id is None:
        return []
    free = {p: lv.on_hand - lv.reserved for (p, w), lv in {
        (lv.product_id, lv.warehouse_id): lv for lv in session.exec(
            select(stock.StockLevel).where(col(stock.StockLevel.product_id).in_(
                [m.id for m, _ in needs]), stock.StockLevel.warehouse_id == po.warehouse_id))
    }.items()}  # fmt: skip
    start = _planned_start(session, po, today)
    return [Shortage(m.code, m.name, need, max(free.get(m.id, 0), 0), start)
            for m, need in needs if free.get(m.id, 0) < need]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Stage flow


def _load(session: Session, production_order_id: int) -> ProductionOrder:
    po = session.exec(select(ProductionOrder).where(ProductionOrder.id == production_order_id)
                      .with_for_update()).first()  # fmt: skip
    if po is None:
        raise NotFound(f"no production order with id {production_order_id}")
    return po


def _log(session: Session, po: ProductionOrder, stage: RouteStage | None, result: str,
         actor: str, note: str = "") -> None:  # fmt: skip
    session.add(ProductionStageLog(production_order_id=po.id,
                                   stage_seq=stage.seq if stage else 0,
                                   stage_name=stage.name if stage else result, result=result,
                                   note=note, actor=actor))  # fmt: skip


def start(db: Database, actor: str, production_order_id: int, today: date | None = None
          ) -> ProductionOrder:  # fmt: skip
    """Start the first stage: the bill of materials is issued from the factory warehouse.
    A shortage refuses it, naming the material, how much is missing and since when."""
    today = today or date.today()
    with db.write() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(f"no production order with id {production_order_id}")
        needs = _needs(session, po)
        levels = stock.lock_levels(session, [m.id for m, _ in needs]) if needs else {}
        po = _load(session, production_order_id)
        if po.status != "planned":
            raise IllegalTransition(f"{po.number} is {po.status.replace('_', ' ')}, not waiting")
        missing = _shortages_in(session, po, today)
        if missing:
            raise InvalidInput(f"{po.number} cannot start: " + "; ".join(
                f"{s.material_code} short {s.short} ({s.available} of {s.needed}), blocking "
                f"since {s.blocks_from:%m-%d}" for s in missing), "materials")  # fmt: skip
        for material, need in needs:
            stock.add_move(session, levels[(material.id, po.warehouse_id)], -need,
                           stock.PRODUCTION_USE, actor, reference=po.number,
                           order_id=po.order_id, reason=f"materials for {po.number}")  # fmt: skip
        stages = _stages(session, po.route_id)
        po.status, po.started_at = "in_progress", utcnow()
        po.current_stage_seq = stages[0].seq if stages else 1
        _log(session, po, stages[0] if stages else None, "started", actor,
             f"{len(needs)} materials issued" if needs else "")  # fmt: skip
        session.add(po)
        _replan_route_in(session, {po.route_id}, today)
        session.flush()
        return po


def advance(db: Database, actor: str, production_order_id: int, note: str = "",
            today: date | None = None) -> ProductionOrder:  # fmt: skip
    """The current stage is done: the next one starts; after the last, completion."""
    today = today or date.today()
    with db.write() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(f"no production order with id {production_order_id}")
        if po.status != "in_progress":
            raise IllegalTransition(f"{po.number} is {po.status.replace('_', ' ')}: start it "
                                    "first" if po.status == "planned" else
                                    f"{po.number} is {po.status}")  # fmt: skip
        stages = _stages(session, po.route_id)
        current = next((s for s in stages if s.seq == po.current_stage_seq), None)
        _log(session, po, current, "done", actor, note.strip())
        later = [s for s in stages if s.seq > po.current_stage_seq]
        if later:
            po.current_stage_seq = later[0].seq
            _log(session, po, later[0], "started", actor)
            # the work waiting behind it does not change: only this order's date moves
            po.expected_date = today + timedelta(days=_days_left(stages, po.current_stage_seq))
            session.add(po)
            session.flush()
            return po
        _complete_in(session, actor, po, today)
        return po


def quality_failure(db: Database, actor: str, production_order_id: int, back_to_seq: int,
                    reason: str, today: date | None = None) -> ProductionOrder:  # fmt: skip
    """A quality check failed: back to a chosen stage (this one or earlier), with why."""
    if not reason.strip():
        raise InvalidInput("say what failed (a reason is required)", "reason")
    today = today or date.today()
    with db.write() as session:
        po = _load(session, production_order_id)
        if po.status != "in_progress":
            raise IllegalTransition(f"{po.number} is not in progress")
        stages = _stages(session, po.route_id)
        target = next((s for s in stages if s.seq == back_to_seq), None)
        if target is None or target.seq > po.current_stage_seq:
            raise InvalidInput("go back to a stage up to the current one "
                               f"({po.current_stage_seq})", "stage")  # fmt: skip
        current = next((s for s in stages if s.seq == po.current_stage_seq), None)
        _log(session, po, current, "qc_fail", actor, f"{reason.strip()} -> back to {target.name}")
        po.current_stage_seq = target.seq
        _log(session, po, target, "started", actor, "rework")
        session.add(po)
        _replan_route_in(session, {po.route_id}, today)
        session.flush()
        return po


def set_expected(db: Database, actor: str, production_order_id: int, when: date,
                 reason: str) -> ProductionOrder:  # fmt: skip
    """A new expected date (a supplier is late, a machine broke), with the reason."""
    if not reason.strip():
        raise InvalidInput("a reason is required for a new expected date", "reason")
    with db.write() as session:
        po = _load(session, production_order_id)
        if po.status not in OPEN:
            raise IllegalTransition(f"{po.number} is {po.status}")
        old = po.expected_date
        po.expected_date = when
        session.add(po)
        _log(session, po, None, "replanned", actor,
             f"{old or '—'} -> {when}: {reason.strip()}")  # fmt: skip
        session.flush()
        return po


def _complete_in(session: Session, actor: str, po: ProductionOrder, today: date) -> None:
    """Goods into stock, reserved for the order line; the order ready to ship when nothing
    of it waits any more."""
    levels = stock.lock_levels(session, [po.product_id])
    level = levels[(po.product_id, po.warehouse_id)]
    stock.add_move(session, level, po.qty, stock.PRODUCTION_IN, actor, reference=po.number,
                   order_id=po.order_id, reason="production done")  # fmt: skip
    po.status, po.completed_at, po.expected_date = "done", utcnow(), today
    session.add(po)
    _log(session, po, None, "completed", actor, f"{po.qty} into stock")
    _replan_route_in(session, {po.route_id}, today)  # the queue behind it moves up
    if po.order_line_id is not None:
        line = session.get(OrderLine, po.order_line_id)
        stock.reserve(session, level, line, po.qty, f"made by {po.number}")
    session.flush()
    if po.order_id is None:
        return
    order = session.exec(select(Order).where(Order.id == po.order_id).with_for_update()).one()
    waiting = session.exec(select(func.count()).select_from(ProductionOrder).where(
        ProductionOrder.order_id == order.id,
        col(ProductionOrder.status).in_(OPEN))).one()  # fmt: skip
    if waiting or order.status != S.IN_PRODUCTION:
        return
    frm = order.status
    check_transition(frm, S.READY_TO_SHIP)
    order.status, order.updated_at = S.READY_TO_SHIP, utcnow()
    session.add(order)
    record_event(session, order, actor, S.READY_TO_SHIP, "production done, goods reserved", frm)


# --------------------------------------------------------------------------------------------
# The board and what other screens show


@dataclass(frozen=True)
class BoardRow:
    id: int
    number: str
    order_number: str
    customer_name: str
    product_code: str
    product_line: str
    qty: int
    status: str  # planned, in_progress, done
    stage_name: str
    stage_no: int  # 1-based position of the current stage (0: not started)
    stages: int
    due_date: date | None
    expected_date: date | None
    requirements_note: str
    priority: int

    @property
    def progress(self) -> float:
        """Share of stages done (0 to 1)."""
        if self.status == "done":
            return 1.0
        return max(self.stage_no - 1, 0) / self.stages if self.stages else 0.0

    @property
    def late(self) -> bool:
        return bool(self.due_date and self.expected_date and self.expected_date > self.due_date)


def board(db: Database, product_line: str | None = None, due_before: date | None = None,
          include_done: bool = False, limit: int = 500) -> list[BoardRow]:  # fmt: skip
    """Open production orders by stage (furthest first), then priority and due date."""
    with db.read() as session:
        stmt = (
            select(ProductionOrder, Order.number, Customer.name, Product.code,
                   Product.product_line)
            .join(Product, Product.id == ProductionOrder.product_id)
            .outerjoin(Order, Order.id == ProductionOrder.order_id)
            .outerjoin(Customer, Customer.id == Order.customer_id)
            .order_by(col(ProductionOrder.current_stage_seq).desc(),
                      col(ProductionOrder.priority).desc(), ProductionOrder.due_date,
                      ProductionOrder.id)
            .limit(limit)
        )  # fmt: skip
        statuses = (*OPEN, "done") if include_done else OPEN
        stmt = stmt.where(col(ProductionOrder.status).in_(statuses))
        if product_line:
            stmt = stmt.where(Product.product_line == product_line)
        if due_before:
            stmt = stmt.where(col(ProductionOrder.due_date) <= due_before)
        rows = session.execute(stmt).all()
        stage_lists: dict[int | None, list[RouteStage]] = {}
        out = []
        for po, order_number, customer_name, code, line in rows:
            if po.route_id not in stage_lists:
                stage_lists[po.route_id] = _stages(session, po.route_id)
            stages = stage_lists[po.route_id]
            pos = next((i for i, s in enumerate(stages, 1) if s.seq == po.current_stage_seq), 0)
            name = stages[pos - 1].name if pos else ("done" if po.status == "done" else "waiting")
            out.append(BoardRow(po.id, po.number, order_number or "", customer_name or "", code,
                                line, po.qty, po.status, name, pos, len(stages), po.due_date,
                                po.expected_date, po.requirements_note, po.priority))  # fmt: skip
        return out


@dataclass(frozen=True)
class StageView:
    seq: int
    name: str
    planned_days: int


def stages_of(db: Database, production_order_id: int) -> list[StageView]:
    """The stages of the order's route in order (a quality failure goes back to one)."""
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(f"no production order with id {production_order_id}")
        return [StageView(s.seq, s.name, s.planned_days) for s in _stages(session, po.route_id)]


@dataclass(frozen=True)
class StageLogView:
    at: object
    stage_name: str
    result: str
    note: str
    actor: str


def history(db: Database, production_order_id: int) -> list[StageLogView]:
    with db.read() as session:
        rows = session.exec(select(ProductionStageLog).where(
            ProductionStageLog.production_order_id == production_order_id)
            .order_by(ProductionStageLog.id)).all()  # fmt: skip
        return [StageLogView(r.at, r.stage_name, r.result, r.note, r.actor) for r in rows]


@dataclass(frozen=True)
class CapacityDay:
    day: date
    route: str
    planned_units: int
    capacity: int

    @property
    def over(self) -> bool:
        return self.planned_units > self.capacity


def capacity(db: Database, start: date | None = None, days: int = 14) -> list[CapacityDay]:
    """Units planned on each route each day (an open order counts on every day from its
    planned start to its expected date) against the route's daily capacity."""
    start = start or date.today()
    end = start + timedelta(days=days - 1)
    with db.read() as session:
        routes = {r.id: r for r in session.exec(select(ProductionRoute)).all()}
        load: dict[tuple[int, date], int] = defaultdict(int)
        for po in session.exec(select(ProductionOrder).where(
                col(ProductionOrder.status).in_(OPEN),
                col(ProductionOrder.route_id).is_not(None))).all():  # fmt: skip
            stages = _stages(session, po.route_id)
            finish = po.expected_date or start
            if po.status == "planned":
                first = finish - timedelta(days=max(_days_left(stages, 0) - 1, 0))
            else:
                first = start
            day = max(first, start)
            while day <= min(finish, end):
                load[(po.route_id, day)] += po.qty
                day += timedelta(days=1)
    out = []
    for rid, route in sorted(routes.items(), key=lambda kv: kv[1].name):
        for i in range(days):
            day = start + timedelta(days=i)
            out.append(CapacityDay(day, route.name, load.get((rid, day), 0),
                                   route.daily_capacity))  # fmt: skip
    return out


@dataclass(frozen=True)
class OrderProduction:
    """What the order detail, the customer history and the audit queue show."""

    number: str
    product_code: str
    stage: str
    expected_date: date | None
    status: str


def for_orders(db: Database, order_ids: list[int]) -> dict[int, list[OrderProduction]]:
    """Production state per order: stage and expected date of each production order."""
    if not order_ids:
        return {}
    out: dict[int, list[OrderProduction]] = defaultdict(list)
    with db.read() as session:
        rows = session.exec(
            select(ProductionOrder, Product.code, RouteStage.name)
            .join(Product, Product.id == ProductionOrder.product_id)
            .outerjoin(RouteStage, (RouteStage.route_id == ProductionOrder.route_id)
                       & (RouteStage.seq == ProductionOrder.current_stage_seq))
            .where(col(ProductionOrder.order_id).in_(order_ids),
                   ProductionOrder.status != "cancelled")
            .order_by(ProductionOrder.id)
        ).all()  # fmt: skip
        for po, code, stage in rows:
            label = "done" if po.status == "done" else (stage or "waiting to start")
            out[po.order_id].append(OrderProduction(po.number, code, label, po.expected_date,
                                                    po.status))  # fmt: skip
    return dict(out)


# --------------------------------------------------------------------------------------------
# Configuration: routes per product line, bills of materials


@dataclass(frozen=True)
class RouteView:
    id: int
    name: str
    product_line: str
    daily_capacity: int
    stages: tuple[tuple[str, int], ...]  # (name, planned days)


def routes(db: Database) -> list[RouteView]:
    with db.read() as session:
        out = []
        for r in session.exec(select(ProductionRoute).order_by(ProductionRoute.name)).all():
            stages = tuple((s.name, s.planned_days) for s in _stages(session, r.id))
            out.append(RouteView(r.id, r.name, r.product_line, r.daily_capacity, stages))
        return out


def set_route(db: Database, actor: str, name: str, product_line: str, daily_capacity: int,
              stages: list[tuple[str, int]] | None = None) -> RouteView:  # fmt: skip
    """Create or change a route: its product line, daily capacity and (when no production
    order is open on it) its stages with their planned days."""
    del actor  # routes carry no author
    name, product_line = name.strip(), product_line.strip()
    if not name or not product_line:
        raise InvalidInput("a route needs a name and a product line", "name")
    if isinstance(daily_capacity, bool) or not isinstance(daily_capacity, int) \
            or daily_capacity < 1:  # fmt: skip
        raise InvalidInput("the daily capacity is a whole number of units, 1 or more",
                           "capacity")  # fmt: skip
    if stages is not None:
        if not stages:
            raise InvalidInput("a route needs at least one stage", "stages")
        for stage, days in stages:
            if not stage.strip() or days < 0:
                raise InvalidInput(f"stage '{stage}': a name and 0 or more planned days",
                                   "stages")  # fmt: skip
    with db.write() as session:
        route = session.exec(select(ProductionRoute).where(ProductionRoute.name == name)).first()
        other = (ProductionRoute.product_line == product_line) & (ProductionRoute.name != name)
        clash = session.exec(select(ProductionRoute).where(other)).first()
        if clash is not None:
            raise InvalidInput(f"{clash.name} already makes the {product_line} line", "line")
        route = route or ProductionRoute(name=name)
        route.product_line, route.daily_capacity = product_line, daily_capacity
        session.add(route)
        session.flush()
        if stages is not None:
            busy = session.exec(select(ProductionOrder.id).where(
                ProductionOrder.route_id == route.id,
                col(ProductionOrder.status).in_(OPEN))).first()  # fmt: skip
            if busy is not None:
                raise InvalidInput(f"{name} has production orders open: change its stages "
                                   "once they are done", "stages")  # fmt: skip
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


def set_bom(db: Database, actor: str, product_code: str, material_code: str, qty_per: int
            ) -> None:  # fmt: skip
    """How many of a material one unit of a made-to-order product takes (0 removes it)."""
    del actor
    if isinstance(qty_per, bool) or not isinstance(qty_per, int) or qty_per < 0:
        raise InvalidInput("the quantity per unit is a whole number, 0 or more", "qty")
    with db.write() as session:

        def product(code: str) -> Product:
            p = session.exec(select(Product).where(Product.code == code.strip().upper())).first()
            if p is None:
                raise NotFound(f"no product {code}")
            return p

        made, material = product(product_code), product(material_code)
        if not made.made_to_order:
            raise InvalidInput(f"{made.code} is not made to order", "product")
        if made.id == material.id:
            raise InvalidInput("a product cannot be its own material", "material")
        pair = (BomItem.product_id == made.id) & (BomItem.material_id == material.id)
        row = session.exec(select(BomItem).where(pair)).first()
        if qty_per == 0:
            if row is not None:
                session.delete(row)
            return
        row = row or BomItem(product_id=made.id, material_id=material.id)
        row.qty_per = qty_per
        session.add(row)
