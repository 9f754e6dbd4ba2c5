"""What the production board and the order detail show: open production orders with their
stage and dates, the stages and log of one order, capacity per day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import col, select

from ...i18n import N_
from ...models import (
    Customer,
    Order,
    Product,
    ProductionOrder,
    ProductionRoute,
    ProductionStageLog,
    RouteStage,
)
from ..platform.db import Database, change_stamp
from ..platform.errors import NotFound
from ..platform.permissions import anyone
from ..states.production_states import OPEN
from ..states.production_states import ProductionStatus as P
from .common import _stages
from .materials import _short_in

READ = "the production board, taking no acting user (production.view is everyone's)"  # i18n: no

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
    short: bool = False  # planned and short of a material (``shortages`` names them)
    version: int = 1  # what a stage change from this row passes as ``expected_version``

    @property
    def progress(self) -> float:
        """Share of stages done (0 to 1)."""
        if self.status == P.DONE:
            return 1.0
        return max(self.stage_no - 1, 0) / self.stages if self.stages else 0.0

    @property
    def late(self) -> bool:
        return bool(self.due_date and self.expected_date and self.expected_date > self.due_date)


@anyone(READ)
def board(db: Database, product_line: str | None = None, due_before: date | None = None,
          include_done: bool = False, limit: int = 500) -> list[BoardRow]:  # fmt: skip
    """Open production orders by stage (furthest first), then priority and due date; the
    planned ones short of a material are marked (one more query for the page)."""
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
        statuses = (*OPEN, P.DONE) if include_done else OPEN
        stmt = stmt.where(col(ProductionOrder.status).in_(statuses))
        if product_line:
            stmt = stmt.where(Product.product_line == product_line)
        if due_before:
            stmt = stmt.where(col(ProductionOrder.due_date) <= due_before)
        rows = session.execute(stmt).all()
        short = _short_in(session, [po.id for po, *_ in rows if po.status == P.PLANNED])
        stage_lists: dict[int | None, list[RouteStage]] = {}
        out = []
        for po, order_number, customer_name, code, line in rows:
            if po.route_id not in stage_lists:
                stage_lists[po.route_id] = _stages(session, po.route_id)
            stages = stage_lists[po.route_id]
            pos = next((i for i, s in enumerate(stages, 1) if s.seq == po.current_stage_seq), 0)
            name = stages[pos - 1].name if pos else ("done" if po.status == P.DONE else "waiting")
            out.append(BoardRow(po.id, po.number, order_number or "", customer_name or "", code,
                                line, po.qty, po.status, name, pos, len(stages), po.due_date,
                                po.expected_date, po.requirements_note, po.priority,
                                po.id in short, po.version))  # fmt: skip
        return out


@dataclass(frozen=True)
class StageView:
    seq: int
    name: str
    planned_days: int


@anyone(READ)
def stages_of(db: Database, production_order_id: int) -> list[StageView]:
    """The stages of the order's route in order (a quality failure goes back to one)."""
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(N_("no production order with id {id}").format(id=production_order_id))
        return [StageView(s.seq, s.name, s.planned_days) for s in _stages(session, po.route_id)]


@dataclass(frozen=True)
class StageLogView:
    at: object
    stage_name: str
    result: str
    note: str
    actor: str


@anyone(READ)
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
    planned_units: int  # units the plan starts on the route that day (at most ``capacity``)
    capacity: int
    backlog: int = 0  # units of the route's open orders not yet started by the end of the day


@anyone(READ)
def board_stamp(db: Database) -> tuple[int, int, int]:
    """A cheap mark of the open production orders (how many, their versions, the newest):
    it changes when one is planned, advanced, replanned by hand or closed, so a board can
    tell it is out of date without reading it again."""
    return change_stamp(db, ProductionOrder, col(ProductionOrder.status).in_(OPEN))


@anyone(READ)
def capacity(db: Database, start: date | None = None, days: int = 14) -> list[CapacityDay]:
    """Units started on each route each day, as the planning counts them (``planning``:
    the open orders' units go through a route at its daily capacity, in queue order, the
    ones in progress first): the route is full until its backlog of units is worked off,
    so a day is never over capacity; how long it stays booked is what the view shows."""
    start = start or date.today()
    with db.read() as session:
        routes = {r.id: r for r in session.exec(select(ProductionRoute)).all()}
        units: dict[int, int] = defaultdict(int)
        for route_id, qty in session.execute(
            select(ProductionOrder.route_id, func.sum(ProductionOrder.qty))
            .where(col(ProductionOrder.status).in_(OPEN),
                   col(ProductionOrder.route_id).is_not(None))
            .group_by(ProductionOrder.route_id)
        ).all():  # fmt: skip
            units[route_id] = int(qty or 0)
    out = []
    for rid, route in sorted(routes.items(), key=lambda kv: kv[1].name):
        cap = max(route.daily_capacity, 1)
        left = units.get(rid, 0)
        for i in range(days):
            started = min(cap, left)
            left -= started
            out.append(CapacityDay(start + timedelta(days=i), route.name, started,
                                   route.daily_capacity, left))  # fmt: skip
    return out


@dataclass(frozen=True)
class OrderProduction:
    """What the order detail, the customer history and the audit queue show."""

    number: str
    product_code: str
    stage: str
    expected_date: date | None
    status: str


@anyone(READ)
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
                   ProductionOrder.status != P.CANCELLED)
            .order_by(ProductionOrder.id)
        ).all()  # fmt: skip
        for po, code, stage in rows:
            label = N_("done") if po.status == P.DONE else (stage or N_("waiting to start"))
            out[po.order_id].append(OrderProduction(po.number, code, label, po.expected_date,
                                                    po.status))  # fmt: skip
    return dict(out)
