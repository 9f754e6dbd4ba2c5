"""Production orders for made-to-order lines, routed through stages.

- **Creation**: allocation sends each made-to-order line of an approved order here
  (``create_for_order_in``): one production order per line, with the line's requirements
  note, quantity, the order's requested date as due date and its priority, on the route of
  the product's line (``production_route.product_line``), made in the factory warehouse
  (the first warehouse in allocation order).
- **Materials are reserved when the order is planned**: its bill of materials is held in
  the factory warehouse (``material_reservation`` rows, counted in ``stock_level.reserved``
  as an order line's allocations are, so available = on hand - reserved sees them and two
  doors cannot both count on the last sheet of veneer). What is not free then is a
  shortage, logged on the order (``short``: material, shortfall, the planned start it
  blocks) and named in the approval's event; it does not stop the approval. Stock that
  arrives later (receipt, transfer, adjustment, stocktake, a cancelled production order's
  materials) goes to the planned orders short of it, first in the queue first.
- **Planned dates**: each stage has planned days; a production order not started waits
  for the work ahead of it on its route (units of open orders of higher priority or
  earlier due date / the route's daily capacity), then takes its stages' days. The
  expected date is when the last stage ends; ``late`` when that is after the due date.
- **Start** turns the reservation into the issue: the reservations are released and a
  ``production_use`` move per material takes the whole bill out of the factory warehouse;
  what was not reserved is taken from free stock (never from another order's
  reservation). A shortage refuses the start and says which material, how much, and from
  which day it blocks (the planned start).
- **Cancel** (the sales order is cancelled): before the start, the reservations are
  released; after it, the issued materials come back into stock with a ``production_use``
  move of the opposite sign whose reason names the cancelled production order (what was
  cut or spoilt is then written off with a stock adjustment: the shop counts it, the
  system cannot know). Either way the freed materials go to the planned orders short of
  them.
- **Advance** finishes the current stage and starts the next; a **quality failure** sends
  the order back to a chosen earlier stage with the reason; a **new expected date** needs
  a reason. Every step is a ``production_stage_log`` row (who, when, what, why). None of
  these moves stock: rework uses the materials already issued (extra material for it is
  an adjustment), and replanning changes dates, not reservations.
- **Completion** (advancing past the last stage) moves the goods into stock
  (``production_in``) and reserves them for the order line; when nothing of the order
  waits any more, the order becomes ready to ship.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ScalarSelect, func, update
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col, select

from ...models import (
    BomItem,
    Customer,
    MaterialReservation,
    Order,
    OrderLine,
    Product,
    ProductionOrder,
    ProductionRoute,
    ProductionStageLog,
    RouteStage,
    StockLevel,
    StockMove,
    Warehouse,
    utcnow,
)
from ..inventory import stock
from ..platform.db import Database
from ..platform.errors import IllegalTransition, InvalidInput, NotFound
from ..platform.numbering import take_number
from ..states.order_states import OrderStatus as S
from ..states.order_states import check_transition, record_event

PREFIX = "PO"
OPEN = ("planned", "in_progress")


# --------------------------------------------------------------------------------------------
# Creation (inside allocation's transaction)


def factory_warehouse_id(session: Session) -> int | None:
    wh = session.exec(select(Warehouse).where(Warehouse.active == True)  # noqa: E712
                      .order_by(Warehouse.allocation_rank, Warehouse.code)).first()  # fmt: skip
    return wh.id if wh else None


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
            _log(session, po, None, "short", actor, shortage_text(missing))
        out.append(Planned(po, tuple(missing)))
    return out


def cancel_for_order_in(session: Session, actor: str, order_id: int, reason: str,
                        today: date | None = None) -> list[str]:  # fmt: skip
    """The order was cancelled: its open production orders stop. One not started releases
    its material reservations; one started gets its issued materials back into stock (a
    ``production_use`` move of the opposite sign, the reason naming it: what was cut or
    spoilt is then written off with a stock adjustment). The freed materials go to the
    planned orders short of them. The caller locked the levels of the order's products and
    their materials (``stock.order_product_ids``) before the order."""
    today = today or date.today()
    running = session.exec(select(ProductionOrder).where(
        ProductionOrder.order_id == order_id, col(ProductionOrder.status).in_(OPEN))
        .order_by(ProductionOrder.id)).all()  # fmt: skip
    if not running:
        return []
    held = stock.open_material_reservations(session, [po.id for po in running])
    issued = _issued(session, order_id, [po for po in running if po.status == "in_progress"])
    levels = stock.lock_levels(session, {r.product_id for r in held} | {p for _, p, _ in issued})
    codes = _codes(session, {r.product_id for r in held} | {p for _, p, _ in issued})
    freed: set[int] = set()
    stopped = []
    for po in running:
        released = [r for r in held if r.production_order_id == po.id]
        for r in released:
            stock.release(session, levels[(r.product_id, r.warehouse_id)], r)
        back = [(w, p, qty) for (po_id, w), p, qty in issued if po_id == po.id]
        why = f"back from cancelled {po.number}" + (f": {reason}" if reason else "")
        for w, p, qty in back:
            stock.add_move(session, levels[(p, w)], qty, stock.PRODUCTION_USE, actor,
                           reference=po.number, order_id=po.order_id, reason=why)  # fmt: skip
        freed |= {r.product_id for r in released} | {p for _, p, _ in back}
        notes = [reason] if reason else []
        if released:
            notes.append("materials released: " + ", ".join(
                sorted(f"{codes[r.product_id]} {r.qty}" for r in released)))  # fmt: skip
        if back:
            notes.append("materials back in stock: " + ", ".join(
                sorted(f"{codes[p]} {qty}" for _, p, qty in back)))  # fmt: skip
        po.status = "cancelled"
        session.add(po)
        _log(session, po, None, "cancelled", actor, "; ".join(notes))
        stopped.append(po.number)
    session.flush()
    if freed:
        reserve_waiting_materials_in(session, actor, freed, today)
    return stopped


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


def _codes(session: Session, product_ids: set[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    return dict(session.exec(select(Product.id, Product.code)
                             .where(col(Product.id).in_(product_ids))).all())  # fmt: skip


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
    stage; waiting ones after the work ahead of them (units / daily capacity).

    Read as plain columns, and only the dates that moved are written: loading every open
    order as an object (and flushing them all) made each approval cost 0.55 s with 5,600
    production orders open (bench/RESULTS.md, allocation)."""
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
        ahead = sum(r.qty for r in rows if r.status == "in_progress")
        whole = _days_left(stages, 0)
        left = {s.seq: _days_left(stages, s.seq) for s in stages}
        moved: dict[int, date] = {}
        for po_id, status, qty, seq, expected in rows:
            if status == "in_progress":
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
    reading); the rest in one bulk UPDATE by primary key."""
    bulk = []
    for po_id, when in moved.items():
        po = session.identity_map.get(identity_key(ProductionOrder, po_id))
        if po is None:
            bulk.append({"id": po_id, "expected_date": when})
        else:
            po.expected_date = when
            session.add(po)
    if bulk:
        session.execute(update(ProductionOrder), bulk)


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


def shortage_text(missing: list[Shortage] | tuple[Shortage, ...]) -> str:
    """``RM-OAK short 3 (30 of 33), blocking since 12-03; ...``: how the start refusal, the
    stage log and the approval's event name a shortage."""
    return "; ".join(f"{s.material_code} short {s.short} ({s.available} of {s.needed}), "
                     f"blocking since {s.blocks_from:%m-%d}" for s in missing)  # fmt: skip


def _held(session: Session, po_id: int) -> dict[int, int]:
    """Units of each material reserved for this production order now."""
    out: dict[int, int] = defaultdict(int)
    for r in stock.open_material_reservations(session, [po_id]):
        out[r.product_id] += r.qty
    return out


def _levels_of(session: Session, product_ids: list[int], warehouse_id: int
               ) -> dict[tuple[int, int], StockLevel]:  # fmt: skip
    """Level rows read, not locked (what the board shows)."""
    rows = session.exec(
        select(StockLevel).where(
            col(StockLevel.product_id).in_(product_ids), StockLevel.warehouse_id == warehouse_id
        )
    )
    return {(lv.product_id, lv.warehouse_id): lv for lv in rows}


def _shortages_in(
    session: Session,
    po: ProductionOrder,
    needs: list[tuple[Product, int]],
    levels: dict[tuple[int, int], StockLevel],
    today: date,
) -> list[Shortage]:
    """What the order lacks: a material is short when its reservation plus the free stock
    of the factory warehouse do not cover the bill."""
    if not needs or po.warehouse_id is None:
        return []
    held = _held(session, po.id)
    have = {}
    for m, _need in needs:
        lv = levels.get((m.id, po.warehouse_id))
        have[m.id] = held.get(m.id, 0) + (max(lv.on_hand - lv.reserved, 0) if lv else 0)
    missing = [(m, need) for m, need in needs if have[m.id] < need]
    if not missing:
        return []
    start = _planned_start(session, po, today)
    return [Shortage(m.code, m.name, need, have[m.id], start) for m, need in missing]


def shortages(db: Database, production_order_id: int, today: date | None = None
              ) -> list[Shortage]:  # fmt: skip
    """Materials the factory warehouse lacks for this order (beyond what is reserved for
    it), and from when that blocks."""
    today = today or date.today()
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(f"no production order with id {production_order_id}")
        if po.status != "planned" or po.warehouse_id is None:
            return []
        needs = _needs(session, po)
        levels = _levels_of(session, [m.id for m, _ in needs], po.warehouse_id)
        return _shortages_in(session, po, needs, levels, today)


@dataclass(frozen=True)
class MaterialHeld:
    """A line of a planned order's bill: what it needs and what is reserved for it now."""

    material_code: str
    material_name: str
    needed: int
    reserved: int


def materials_held(db: Database, production_order_id: int) -> list[MaterialHeld]:
    """The bill of a production order, each material with what is reserved for it now
    (what the board's detail shows of an order that is not short)."""
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(f"no production order with id {production_order_id}")
        held = _held(session, po.id)
        return [MaterialHeld(m.code, m.name, need, held.get(m.id, 0))
                for m, need in _needs(session, po)]  # fmt: skip


def _held_for_bill_line() -> ScalarSelect[int]:
    """Units of a bill line's material reserved for its production order now: a sum
    correlated to the ``production_order`` and ``bom_item`` rows of the outer query."""
    return (
        select(func.coalesce(func.sum(MaterialReservation.qty), 0))
        .where(MaterialReservation.production_order_id == ProductionOrder.id,
               MaterialReservation.product_id == BomItem.material_id,
               col(MaterialReservation.released_at).is_(None))
        .correlate(ProductionOrder, BomItem)
        .scalar_subquery()
    )  # fmt: skip


def _short_in(session: Session, production_order_ids: Sequence[int]) -> set[int]:
    """Which of these production orders are planned and short of a material, in one
    query: for a line of the bill, what is reserved for the order plus the free stock of
    its factory warehouse is less than the bill needs (as ``shortages`` and ``start``
    reckon it). Reckoned from the reservations, not from the last ``short`` line of the
    log, which a bill raised beyond the free stock never writes."""
    if not production_order_ids:
        return set()
    held = _held_for_bill_line()
    free = func.coalesce(StockLevel.on_hand - StockLevel.reserved, 0)
    at_factory = (StockLevel.product_id == BomItem.material_id) & (
        StockLevel.warehouse_id == ProductionOrder.warehouse_id
    )
    rows = session.exec(
        select(ProductionOrder.id).distinct()
        .join(BomItem, BomItem.product_id == ProductionOrder.product_id)
        .outerjoin(StockLevel, at_factory)
        .where(col(ProductionOrder.id).in_(sorted(set(production_order_ids))),
               ProductionOrder.status == "planned",
               col(ProductionOrder.warehouse_id).is_not(None),
               BomItem.qty_per * ProductionOrder.qty > held + free)
    ).all()  # fmt: skip
    return set(rows)


def _reserve_materials_in(session: Session, po: ProductionOrder,
                          needs: list[tuple[Product, int]],
                          levels: dict[tuple[int, int], StockLevel], today: date
                          ) -> list[Shortage]:  # fmt: skip
    """Reserve what the bill still lacks from the free stock of the factory warehouse
    (levels locked); returns what stays short."""
    if po.warehouse_id is None:
        return []
    held = _held(session, po.id)
    for m, need in needs:
        level = levels[(m.id, po.warehouse_id)]
        take = min(need - held.get(m.id, 0), level.on_hand - level.reserved)
        if take > 0:
            stock.reserve_material(session, level, po.id, take, f"for {po.number}")
    session.flush()
    return _shortages_in(session, po, needs, levels, today)


def reserve_waiting_materials_in(session: Session, actor: str, material_ids: Iterable[int],
                                 today: date | None = None) -> list[str]:  # fmt: skip
    """Inside a write transaction whose levels of ``material_ids`` are locked (stock came
    in, or was freed): the planned production orders still short of these materials
    reserve what is free now, first in the queue first (priority, due date, oldest).
    Returns their numbers; each gets a ``reserved`` line in its stage log."""
    ids = sorted(set(material_ids))
    if not ids:
        return []
    levels = stock.lock_levels(session, ids)
    if not any(lv.on_hand > lv.reserved for lv in levels.values()):
        return []
    held = _held_for_bill_line()
    want = BomItem.qty_per * ProductionOrder.qty - held
    rows = session.exec(
        select(ProductionOrder, BomItem.material_id, want)
        .join(BomItem, BomItem.product_id == ProductionOrder.product_id)
        .where(ProductionOrder.status == "planned", col(BomItem.material_id).in_(ids),
               col(ProductionOrder.warehouse_id).is_not(None), want > 0)
        .order_by(col(ProductionOrder.priority).desc(),  # the queue: see _queue_key
                  col(ProductionOrder.due_date).is_(None), ProductionOrder.due_date,
                  ProductionOrder.id, BomItem.material_id)
    ).all()  # fmt: skip
    codes = _codes(session, set(ids))
    got: dict[int, list[str]] = {}
    orders: dict[int, ProductionOrder] = {}
    for po, material_id, short in rows:
        level = levels[(material_id, po.warehouse_id)]
        take = min(short, level.on_hand - level.reserved)
        if take > 0:
            stock.reserve_material(session, level, po.id, take, f"for {po.number}")
            got.setdefault(po.id, []).append(f"{codes[material_id]} {take}")
            orders[po.id] = po
    for po_id, what in got.items():
        _log(session, orders[po_id], None, "reserved", actor, "materials came in: " +
             ", ".join(what))  # fmt: skip
    session.flush()
    return [orders[i].number for i in got]  # in queue order


def release_materials_for_shortage_in(session: Session, actor: str, level: StockLevel,
                                      units: int, why: str) -> list[str]:  # fmt: skip
    """Stock of a material found missing under what is reserved (a stocktake, an
    adjustment): the planned orders last in the queue give up their reservation there
    first, ``units`` in all. Returns their numbers; each gets a ``short`` line in its log
    (its shortage then shows on the board until stock comes in)."""
    rows = session.exec(
        select(MaterialReservation, ProductionOrder)
        .join(ProductionOrder, ProductionOrder.id == MaterialReservation.production_order_id)
        .where(MaterialReservation.product_id == level.product_id,
               MaterialReservation.warehouse_id == level.warehouse_id,
               col(MaterialReservation.released_at).is_(None))
    ).all()  # fmt: skip
    code = _codes(session, {level.product_id}).get(level.product_id, "?")
    out = []
    for r, po in sorted(rows, key=lambda rp: (_queue_key(rp[1]), rp[0].id), reverse=True):
        if units <= 0:
            break
        give = min(units, r.qty)
        stock.release(session, level, r)
        if give < r.qty:
            stock.reserve_material(session, level, po.id, r.qty - give, f"for {po.number}")
        units -= give
        _log(session, po, None, "short", actor, f"{code} {give} no longer reserved: {why}")
        out.append(po.number)
    return out


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
        held = stock.open_material_reservations(session, [po.id])
        levels = stock.lock_levels(session, {m.id for m, _ in needs} | {r.product_id for r in held})
        po = _load(session, production_order_id)
        held = stock.open_material_reservations(session, [po.id])  # read again, locked
        late = {r.product_id for r in held} - {p for p, _w in levels}
        if late:  # reserved meanwhile by a bill changed meanwhile: lock those too
            levels.update(stock.lock_levels(session, late))
        if po.status != "planned":
            raise IllegalTransition(f"{po.number} is {po.status.replace('_', ' ')}, not waiting")
        if needs and po.warehouse_id is None:
            raise InvalidInput(f"{po.number} has no factory warehouse to take materials from",
                               "materials")  # fmt: skip
        missing = _shortages_in(session, po, needs, levels, today)
        if missing:
            raise InvalidInput(f"{po.number} cannot start: " + shortage_text(missing),
                               "materials")  # fmt: skip
        # The reservation becomes the issue: released, then the whole bill moved out (the
        # part never reserved comes from free stock: add_move refuses reserved stock).
        for r in held:
            stock.release(session, levels[(r.product_id, r.warehouse_id)], r)
        had: dict[int, int] = defaultdict(int)
        for r in held:
            had[r.product_id] += r.qty
        reserved = sum(min(had[m.id], need) for m, need in needs)
        for material, need in needs:
            stock.add_move(session, levels[(material.id, po.warehouse_id)], -need,
                           stock.PRODUCTION_USE, actor, reference=po.number,
                           order_id=po.order_id, reason=f"materials for {po.number}")  # fmt: skip
        stages = _stages(session, po.route_id)
        po.status, po.started_at = "in_progress", utcnow()
        po.current_stage_seq = stages[0].seq if stages else 1
        note = ""
        if needs:
            units = sum(n for _, n in needs)
            note = f"{len(needs)} materials issued ({units} units, {reserved} of them reserved)"
        _log(session, po, stages[0] if stages else None, "started", actor, note)
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
    short: bool = False  # planned and short of a material (``shortages`` names them)

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
        statuses = (*OPEN, "done") if include_done else OPEN
        stmt = stmt.where(col(ProductionOrder.status).in_(statuses))
        if product_line:
            stmt = stmt.where(Product.product_line == product_line)
        if due_before:
            stmt = stmt.where(col(ProductionOrder.due_date) <= due_before)
        rows = session.execute(stmt).all()
        short = _short_in(session, [po.id for po, *_ in rows if po.status == "planned"])
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
                                po.expected_date, po.requirements_note, po.priority,
                                po.id in short))  # fmt: skip
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


def set_bom(db: Database, actor: str, product_code: str, material_code: str, qty_per: int,
            today: date | None = None) -> None:  # fmt: skip
    """How many of a material one unit of a made-to-order product takes (0 removes it).
    The planned production orders of the product follow at once: what they reserved of
    the material beyond the new bill is released, what the new bill lacks is reserved
    from free stock (first in the queue first), each change in their log."""
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
    held = session.exec(
        select(MaterialReservation, ProductionOrder)
        .join(ProductionOrder, ProductionOrder.id == MaterialReservation.production_order_id)
        .where(ProductionOrder.product_id == product_id, ProductionOrder.status == "planned",
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
            stock.reserve_material(session, level, po_id, keep, f"for {po.number}")
        _log(
            session,
            po,
            None,
            "released",
            actor,
            f"bill changed to {qty_per} {material.code} a unit: {have[po_id] - keep} released",
        )
