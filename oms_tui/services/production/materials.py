"""Materials of production orders: reserved at planning, shortages named with the day they
block, freed stock offered to the planned orders short of it, released on a stocktake
shortage."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ScalarSelect, func
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    BomItem,
    MaterialReservation,
    Product,
    ProductionOrder,
    StockLevel,
)
from ..inventory import stock
from ..platform.db import Database
from ..platform.errors import NotFound
from ..platform.permissions import anyone
from ..states.production_states import ProductionStatus as P
from ..states.production_states import log_stage
from .common import _codes, _days_left, _queue_key, _stages, lock_production_orders

READ = "a production order's materials, taking no acting user"  # i18n: no

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
    return "; ".join(N_("{material} short {short} ({available} of {needed}), blocking since "
                        "{since}").format(material=s.material_code, short=s.short,
                                          available=s.available, needed=s.needed,
                                          since=f"{s.blocks_from:%m-%d}")
                     for s in missing)  # fmt: skip


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


@anyone(READ)
def shortages(db: Database, production_order_id: int, today: date | None = None
              ) -> list[Shortage]:  # fmt: skip
    """Materials the factory warehouse lacks for this order (beyond what is reserved for
    it), and from when that blocks."""
    today = today or date.today()
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(N_("no production order with id {id}").format(id=production_order_id))
        if po.status != P.PLANNED or po.warehouse_id is None:
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


@anyone(READ)
def materials_held(db: Database, production_order_id: int) -> list[MaterialHeld]:
    """The bill of a production order, each material with what is reserved for it now
    (what the board's detail shows of an order that is not short)."""
    with db.read() as session:
        po = session.get(ProductionOrder, production_order_id)
        if po is None:
            raise NotFound(N_("no production order with id {id}").format(id=production_order_id))
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
               ProductionOrder.status == P.PLANNED,
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
            stock.reserve_material(
                session, level, po.id, take, N_("reserved for {number}").format(number=po.number)
            )
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
    # the orders that may take some, locked by id (their log, hence their version, changes)
    lock_production_orders(session, session.exec(
        select(ProductionOrder.id)
        .join(BomItem, BomItem.product_id == ProductionOrder.product_id)
        .where(ProductionOrder.status == P.PLANNED, col(BomItem.material_id).in_(ids),
               col(ProductionOrder.warehouse_id).is_not(None), want > 0)).all())  # fmt: skip
    rows = session.exec(
        select(ProductionOrder, BomItem.material_id, want)
        .join(BomItem, BomItem.product_id == ProductionOrder.product_id)
        .where(ProductionOrder.status == P.PLANNED, col(BomItem.material_id).in_(ids),
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
            stock.reserve_material(
                session, level, po.id, take, N_("reserved for {number}").format(number=po.number)
            )
            got.setdefault(po.id, []).append(f"{codes[material_id]} {take}")
            orders[po.id] = po
    for po_id, what in got.items():
        log_stage(
            session,
            orders[po_id],
            None,
            "reserved",
            actor,
            N_("materials came in: {materials}").format(materials=", ".join(what)),
        )
    session.flush()
    return [orders[i].number for i in got]  # in queue order


def release_materials_for_shortage_in(session: Session, actor: str, level: StockLevel,
                                      units: int, why: str) -> list[str]:  # fmt: skip
    """Stock of a material found missing under what is reserved (a stocktake, an
    adjustment): the planned orders last in the queue give up their reservation there
    first, ``units`` in all. Returns their numbers; each gets a ``short`` line in its log
    (its shortage then shows on the board until stock comes in)."""
    holding = select(MaterialReservation.production_order_id).where(
        MaterialReservation.product_id == level.product_id,
        MaterialReservation.warehouse_id == level.warehouse_id,
        col(MaterialReservation.released_at).is_(None))  # fmt: skip
    lock_production_orders(session, session.exec(holding).all())
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
            stock.reserve_material(
                session,
                level,
                po.id,
                r.qty - give,
                N_("reserved for {number}").format(number=po.number),
            )
        units -= give
        log_stage(session, po, None, "short", actor,
                  N_("{material} {qty} no longer reserved: {why}").format(material=code, qty=give,
                                                                          why=why))  # fmt: skip
        out.append(po.number)
    return out
