"""Stock: the ledger, reservations and what a clerk asks of them.

The ledger is the truth: every change of on-hand quantity is a ``StockMove`` written in
the same transaction as the ``StockLevel`` it changes, so ``on_hand`` always equals the
sum of moves and ``reserved`` the sum of open reservations (``verify`` checks both): an
order line's ``Allocation`` rows, and the ``MaterialReservation`` rows of production orders
not started yet (their bill of materials, held in the factory warehouse). The
``stock_level`` CHECK constraint refuses a row with more reserved than on hand, whatever
the code above it does.

Locking: one order for every service (docs/architecture.md, "Locking"). On SQLite
``BEGIN IMMEDIATE`` already serialises writers; on PostgreSQL a write transaction takes
its row locks (``FOR UPDATE``) in this order, each kind by ascending id, and never waits
for a lock of a kind above one it holds:

1. stock levels, by product id then warehouse id (``lock_levels``, in ``locks.py``: one
   sorted query).
   Every level the transaction may change is locked in that first batch: a change of
   stock that fills backorders locks those of the waiting orders' products and their
   materials with it (``allocation.lock_for_filling``); a product found needed later is
   taken only if free (``lock_more_levels``), never waited for.
2. sales orders, by id.
3. production routes whose queue is planned again, then production orders, by id
   (``production.common.lock_for_change``, ``lock_production_orders``).
4. the documents of an order: shipments, van runs, stocktakes, invoices (one customer's
   open invoices in due order, as ``receivables`` reads them), payments.
5. document numbers (``numbering.take_number``: one row per kind and year, held to the
   commit), once the rows above that the transaction changes are locked.
6. customers (dunning; a payment releasing a credit hold), ``FOR NO KEY UPDATE`` so
   orders, invoices and payments referring to them are still written.

Two transactions that lock in one order cannot wait for each other in a cycle. Measured
with 8 processes (issue #15): receipts that locked their own products and then the
waiting orders' others failed 168 of 200 after retries; in this order, none.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, or_
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Allocation,
    BomItem,
    MaterialReservation,
    OrderLine,
    Product,
    ProductionOrder,
    PurchaseReceipt,
    PurchaseReceiptLine,
    StockLevel,
    StockMove,
    Warehouse,
    utcnow,
)
from ..platform.change_log import record_change
from ..platform.db import Database
from ..platform.errors import InvalidInput, NotFound
from ..platform.permissions import anyone, requires
from ..platform.settings import read_int_settings, write_int_setting
from ..states import production_states
from ..states.order_states import OrderStatus
from ..states.receipt_states import ReceiptStatus
from .locks import lock_levels as lock_levels  # callers lock through stock.lock_levels
from .locks import lock_more_levels as lock_more_levels

READ = "stock levels, moves and rules, taking no acting user (stock.view is everyone's)"  # i18n: no

# Move kinds (StockMove.kind).
RECEIPT, ISSUE, TRANSFER_IN, TRANSFER_OUT, ADJUSTMENT = (
    "receipt", "issue", "transfer_in", "transfer_out", "adjustment",
)  # fmt: skip
PRODUCTION_IN, PRODUCTION_USE, RETURN_IN = "production_in", "production_use", "return_in"
MOVE_KINDS = (RECEIPT, ISSUE, TRANSFER_IN, TRANSFER_OUT, ADJUSTMENT, PRODUCTION_IN,
              PRODUCTION_USE, RETURN_IN)  # fmt: skip
MAX_MOVE_QTY = 10_000_000


# --------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class StockSettings:
    """Stored as ``setting`` rows under these names (whole numbers)."""

    stock_split_lines: int = 1  # 1: a line may be split across warehouses; 0: one warehouse
    stock_demand_days: int = 30  # reorder: average daily demand over this many days


def stock_settings(session: Session) -> StockSettings:
    return read_int_settings(session, StockSettings)


@anyone(READ)
def get_stock_settings(db: Database) -> StockSettings:
    with db.read() as session:
        return stock_settings(session)


@requires("settings.change")
def set_stock_setting(db: Database, actor: str, key: str, value: int) -> StockSettings:
    whole = isinstance(value, int) and not isinstance(value, bool)
    if whole and key == "stock_split_lines" and value not in (0, 1):
        raise InvalidInput(N_("stock_split_lines must be 0 (never split) or 1 (split)"), "value")
    if whole and key == "stock_demand_days" and value < 1:
        raise InvalidInput(N_("stock_demand_days must be at least 1"), "value")
    return write_int_setting(db, actor, StockSettings, key, value, "stock")


# --------------------------------------------------------------------------------------------
# Primitives: run inside a write transaction (``db.write()``), never commit themselves.


def add_move(
    session: Session, level: StockLevel, qty: int, kind: str, actor: str, *,
    reference: str = "", reason: str = "", order_id: int | None = None,
) -> StockMove:  # fmt: skip
    """One ledger move and its effect on the level (locked by the caller). Stock that is
    reserved cannot be moved out: ``on_hand`` never drops below ``reserved``."""
    if kind not in MOVE_KINDS:
        raise InvalidInput(N_("unknown stock move kind '{kind}'").format(kind=kind), "kind")
    if qty == 0:
        raise InvalidInput(N_("a stock move of 0 changes nothing"), "qty")
    if level.on_hand + qty < level.reserved:
        raise InvalidInput(N_("only {free} free to move ({on_hand} on hand, {reserved} reserved)")
                           .format(free=level.on_hand - level.reserved, on_hand=level.on_hand,
                                   reserved=level.reserved), "qty")  # fmt: skip
    level.on_hand += qty
    session.add(level)
    move = StockMove(product_id=level.product_id, warehouse_id=level.warehouse_id, qty=qty,
                     kind=kind, reference=reference[:64], order_id=order_id, reason=reason,
                     actor=actor)  # fmt: skip
    session.add(move)
    return move


def _hold(level: StockLevel, qty: int) -> None:
    if qty <= 0 or qty > level.on_hand - level.reserved:
        raise InvalidInput(
            N_("cannot reserve {qty}: {free} available").format(
                qty=qty, free=level.on_hand - level.reserved
            )
        )
    level.reserved += qty


def reserve(session: Session, level: StockLevel, line: OrderLine, qty: int, reason: str
            ) -> Allocation:  # fmt: skip
    """Hold free stock of the level for an order line."""
    _hold(level, qty)
    session.add(level)
    alloc = Allocation(order_line_id=line.id, warehouse_id=level.warehouse_id, qty=qty,
                       reason=reason)  # fmt: skip
    session.add(alloc)
    return alloc


def reserve_material(session: Session, level: StockLevel, production_order_id: int, qty: int,
                     reason: str) -> MaterialReservation:  # fmt: skip
    """Hold free stock of the level (a material) for a production order not started yet."""
    _hold(level, qty)
    session.add(level)
    held = MaterialReservation(production_order_id=production_order_id,
                               product_id=level.product_id, warehouse_id=level.warehouse_id,
                               qty=qty, reason=reason)  # fmt: skip
    session.add(held)
    return held


def release(session: Session, level: StockLevel, alloc: Allocation | MaterialReservation
            ) -> None:  # fmt: skip
    """The reservation ends (its row stays, with when): the units are free again."""
    level.reserved -= alloc.qty
    alloc.released_at = utcnow()
    session.add_all([level, alloc])


def open_allocations(session: Session, line_ids: Sequence[int]) -> list[Allocation]:
    if not line_ids:
        return []
    return list(session.exec(
        select(Allocation)
        .where(col(Allocation.order_line_id).in_(line_ids), col(Allocation.released_at).is_(None))
        .order_by(Allocation.id)
    ).all())  # fmt: skip


def open_material_reservations(session: Session, production_order_ids: Sequence[int]
                               ) -> list[MaterialReservation]:  # fmt: skip
    if not production_order_ids:
        return []
    return list(session.exec(
        select(MaterialReservation)
        .where(col(MaterialReservation.production_order_id).in_(production_order_ids),
               col(MaterialReservation.released_at).is_(None))
        .order_by(MaterialReservation.id)
    ).all())  # fmt: skip


def release_order_in(session: Session, order_id: int) -> int:
    """Release every open reservation of an order (cancelled): returns units released.
    The caller has locked the levels of the order's products (``order_product_ids``)."""
    line_ids = list(session.exec(select(OrderLine.id).where(OrderLine.order_id == order_id)).all())
    allocs = open_allocations(session, line_ids)
    if not allocs:
        return 0
    products = dict(session.exec(
        select(OrderLine.id, OrderLine.product_id).where(col(OrderLine.id).in_(line_ids))
    ).all())  # fmt: skip
    levels = lock_levels(session, products.values())
    for alloc in allocs:
        release(session, levels[(products[alloc.order_line_id], alloc.warehouse_id)], alloc)
    return sum(a.qty for a in allocs)


def order_product_ids(session: Session, order_id: int) -> list[int]:
    """The products whose levels a write on this order may change, to lock before the
    order: its lines' products and the materials of their bills (approval reserves them
    for production, a cancellation releases or returns them)."""
    lines = select(OrderLine.product_id).where(OrderLine.order_id == order_id)
    materials = select(BomItem.material_id).where(col(BomItem.product_id).in_(lines))
    return sorted(set(session.execute(lines.union(materials)).scalars()))


def issue_in(
    session: Session, actor: str, order_id: int, quantities: dict[int, int],
    reference: str, warehouse_id: int | None = None,
) -> dict[int, list[tuple[int, int]]]:  # fmt: skip
    """Issue reserved stock for a shipment: ``quantities`` maps order line id to units
    shipped. Each unit comes out of an open allocation of that line (in ``warehouse_id``
    when given): an issue move, the reservation consumed, ``qty_shipped`` raised. What is
    left of a partly used allocation stays reserved. Returns {line id: [(warehouse, qty)]}."""
    lines = {ln.id: ln for ln in session.exec(
        select(OrderLine).where(OrderLine.order_id == order_id)
    ).all()}  # fmt: skip
    unknown = set(quantities) - set(lines)
    if unknown:
        raise NotFound(N_("order line {id} is not on this order").format(id=min(unknown)))
    levels = lock_levels(session, {lines[i].product_id for i in quantities})
    allocs = open_allocations(session, list(quantities))
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for line_id, qty in sorted(quantities.items()):
        line = lines[line_id]
        if qty <= 0:
            raise InvalidInput(
                N_("line {line}: ship a quantity above 0").format(line=line.line_no), "qty"
            )
        mine = [a for a in allocs if a.order_line_id == line_id
                and (warehouse_id is None or a.warehouse_id == warehouse_id)]  # fmt: skip
        if sum(a.qty for a in mine) < qty:
            raise InvalidInput(
                N_("line {line}: only {reserved} reserved to ship, not {qty}").format(
                    line=line.line_no, reserved=sum(a.qty for a in mine), qty=qty
                ),
                "qty",
            )
        left = qty
        for alloc in mine:
            if left == 0:
                break
            take = min(left, alloc.qty)
            level = levels[(line.product_id, alloc.warehouse_id)]
            release(session, level, alloc)
            if take < alloc.qty:
                reserve(session, level, line, alloc.qty - take,
                        N_("remainder after part shipment"))  # fmt: skip
            add_move(session, level, -take, ISSUE, actor, reference=reference, order_id=order_id,
                     reason=N_("order line {line}").format(line=line.line_no))  # fmt: skip
            out[line_id].append((alloc.warehouse_id, take))
            left -= take
        line.qty_shipped += qty
        session.add(line)
    session.flush()
    return dict(out)


# --------------------------------------------------------------------------------------------
# Reading: the stock check screen and the ledger


@dataclass(frozen=True)
class WarehouseStock:
    warehouse_id: int
    code: str
    name: str
    on_hand: int
    reserved: int
    incoming: int  # open receipts + production not yet in
    reorder_point: int
    safety_stock: int
    bin: str

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def low(self) -> bool:
        """At or under its reorder point (where one is set), as ``below_reorder_point``."""
        return self.reorder_point > 0 and self.available <= self.reorder_point


@dataclass(frozen=True)
class StockCard:
    product_id: int
    code: str
    barcode: str | None
    name: str
    description: str
    unit: str
    made_to_order: bool
    lead_time_days: int
    warehouses: tuple[WarehouseStock, ...]
    backordered: int  # units that approved orders wait for

    @property
    def on_hand(self) -> int:
        return sum(w.on_hand for w in self.warehouses)

    @property
    def reserved(self) -> int:
        return sum(w.reserved for w in self.warehouses)

    @property
    def available(self) -> int:
        return sum(w.available for w in self.warehouses)

    @property
    def incoming(self) -> int:
        return sum(w.incoming for w in self.warehouses)


def _incoming(session: Session, product_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """Units on their way, by (product, warehouse): open receipts and unfinished production."""
    out: dict[tuple[int, int], int] = defaultdict(int)
    rows = session.execute(
        select(PurchaseReceiptLine.product_id, PurchaseReceipt.warehouse_id,
               func.sum(PurchaseReceiptLine.qty_expected - PurchaseReceiptLine.qty_received))
        .join(PurchaseReceipt, PurchaseReceipt.id == PurchaseReceiptLine.receipt_id)
        .where(col(PurchaseReceiptLine.product_id).in_(product_ids),
               PurchaseReceipt.status == ReceiptStatus.OPEN)
        .group_by(PurchaseReceiptLine.product_id, PurchaseReceipt.warehouse_id)
    ).all()  # fmt: skip
    for pid, wid, qty in rows:
        out[(pid, wid)] += max(int(qty or 0), 0)
    rows = session.execute(
        select(ProductionOrder.product_id, ProductionOrder.warehouse_id,
               func.sum(ProductionOrder.qty))
        .where(col(ProductionOrder.product_id).in_(product_ids),
               col(ProductionOrder.status).in_(production_states.OPEN))
        .group_by(ProductionOrder.product_id, ProductionOrder.warehouse_id)
    ).all()  # fmt: skip
    for pid, wid, qty in rows:
        if wid is not None:
            out[(pid, wid)] += int(qty or 0)
    return out


BACKORDER_STATUSES = (OrderStatus.BACKORDERED, OrderStatus.PARTIALLY_BACKORDERED)
# Orders that may still wait for stock: backordered, or part shipped with a remainder that
# was never reserved (a partial shipment leaves the rest backordered).
WAITING_STATUSES = (*BACKORDER_STATUSES, OrderStatus.PARTIALLY_SHIPPED)


def backordered_qty(session: Session, product_id: int) -> int:
    """Units of a stocked product that approved orders are still waiting for."""
    from ...models import Order

    # One query, no list of ids (a product with more waiting lines than SQLite's ~32k bound
    # variables broke the IN list this used to pass). Driven from the few waiting orders
    # (status index), then their lines of this product ((order_id, product_id) index), each
    # line's open reservations summed through ``ix_allocation_order_line_id``. A join from
    # the product let SQLite walk every line of it ever sold instead (p95 160 ms a card at
    # 1,000,000 orders; bench/RESULTS.md), and so did grouping the lines with a join on
    # their allocations (p50 31 ms on that database, against 3.7 ms for this form).
    waiting = select(Order.id).where(col(Order.status).in_(WAITING_STATUSES))
    held = (
        select(func.coalesce(func.sum(Allocation.qty), 0))
        .where(Allocation.order_line_id == OrderLine.id, col(Allocation.released_at).is_(None))
        .correlate(OrderLine)
        .scalar_subquery()
    )
    lines = (
        select((OrderLine.qty - OrderLine.qty_shipped - held).label("short"))
        .where(OrderLine.product_id == product_id, col(OrderLine.order_id).in_(waiting))
        .subquery()
    )
    # a line holding more than it still needs counts 0, not less
    total = session.execute(
        select(func.coalesce(func.sum(case((lines.c.short > 0, lines.c.short), else_=0)), 0))
    ).scalar_one()
    return int(total)


def _card(session: Session, product: Product) -> StockCard:
    warehouses = session.exec(
        select(Warehouse)
        .where(Warehouse.active == True)  # noqa: E712
        .order_by(Warehouse.allocation_rank, Warehouse.code)
    ).all()
    levels = {lv.warehouse_id: lv for lv in session.exec(
        select(StockLevel).where(StockLevel.product_id == product.id)
    ).all()}  # fmt: skip
    incoming = _incoming(session, [product.id])
    rows = []
    for wh in warehouses:
        lv = levels.get(wh.id)
        rows.append(WarehouseStock(
            warehouse_id=wh.id, code=wh.code, name=wh.name,
            on_hand=lv.on_hand if lv else 0, reserved=lv.reserved if lv else 0,
            incoming=incoming.get((product.id, wh.id), 0),
            reorder_point=lv.reorder_point if lv else 0,
            safety_stock=lv.safety_stock if lv else 0, bin=lv.bin if lv else "",
        ))  # fmt: skip
    desc = " ".join(p for p in (product.model, product.colour, product.spec) if p)
    return StockCard(
        product_id=product.id, code=product.code, barcode=product.barcode, name=product.name,
        description=desc, unit=product.unit, made_to_order=product.made_to_order,
        lead_time_days=product.lead_time_days, warehouses=tuple(rows),
        backordered=0 if product.made_to_order else backordered_qty(session, product.id),
    )  # fmt: skip


@anyone(READ)
def stock_card(db: Database, product_id: int) -> StockCard:
    with db.read() as session:
        product = session.get(Product, product_id)
        if product is None:
            raise NotFound(N_("no product with id {id}").format(id=product_id))
        return _card(session, product)


@anyone(READ)
def find_stock_card(db: Database, code_or_barcode: str) -> StockCard:
    """By exact code or barcode (a scan), case-insensitive code."""
    text = code_or_barcode.strip()
    if not text:
        raise InvalidInput(N_("type or scan a product code or barcode"), "product")
    with db.read() as session:
        product = session.exec(
            select(Product).where(or_(Product.code == text.upper(), Product.code == text,
                                      Product.barcode == text))
        ).first()  # fmt: skip
        if product is None:
            raise NotFound(N_("no product with code or barcode '{code}'").format(code=text))
        return _card(session, product)


@dataclass(frozen=True)
class MoveView:
    id: int
    at: datetime
    warehouse_code: str
    kind: str
    qty: int
    reference: str
    reason: str
    actor: str


@anyone(READ)
def ledger(db: Database, product_id: int, before: MoveView | None = None, limit: int = 100,
           warehouse_id: int | None = None) -> list[MoveView]:  # fmt: skip
    """A product's moves, newest first, a page at a time (keyset on time and id: ``before``
    is the last move of the previous page)."""
    stmt = (
        select(StockMove.id, StockMove.created_at, Warehouse.code, StockMove.kind, StockMove.qty,
               StockMove.reference, StockMove.reason, StockMove.actor)
        .join(Warehouse, Warehouse.id == StockMove.warehouse_id)
        .where(StockMove.product_id == product_id)
        .order_by(col(StockMove.created_at).desc(), col(StockMove.id).desc())
        .limit(limit)
    )  # fmt: skip
    if before is not None:
        stmt = stmt.where(
            or_(
                StockMove.created_at < before.at,
                (StockMove.created_at == before.at) & (StockMove.id < before.id),
            )
        )
    if warehouse_id is not None:
        stmt = stmt.where(StockMove.warehouse_id == warehouse_id)
    with db.read() as session:
        return [MoveView(*row) for row in session.execute(stmt).all()]


@dataclass(frozen=True)
class LowStockRow:
    product_id: int
    code: str
    name: str
    warehouse_code: str
    on_hand: int
    reserved: int
    available: int
    reorder_point: int


@anyone(READ)
def below_reorder_point(db: Database, limit: int = 500) -> list[LowStockRow]:
    """Every stocked product whose free stock in a warehouse is at or below its reorder
    point (where one is set), the furthest below first. Free = on hand - reserved, and
    reserved holds production orders' material reservations as well as order lines'."""
    avail = StockLevel.on_hand - StockLevel.reserved
    stmt = (
        select(Product.id, Product.code, Product.name, Warehouse.code, StockLevel.on_hand,
               StockLevel.reserved, avail, StockLevel.reorder_point)
        .join(Product, Product.id == StockLevel.product_id)
        .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
        .where(StockLevel.reorder_point > 0, avail <= StockLevel.reorder_point,
               Product.active == True, Product.made_to_order == False)  # noqa: E712
        .order_by((avail - StockLevel.reorder_point), Product.code, Warehouse.code)
        .limit(limit)
    )  # fmt: skip
    with db.read() as session:
        return [LowStockRow(*row) for row in session.execute(stmt).all()]


# --------------------------------------------------------------------------------------------
# Reorder suggestions


@dataclass(frozen=True)
class ReorderRow:
    product_id: int
    code: str
    name: str
    warehouse_code: str
    on_hand: int
    reserved: int
    incoming: int
    daily_demand: str  # average units per day, two decimals (shown and exported as text)
    lead_time_days: int
    safety_stock: int
    reorder_point: int  # computed: ceil(daily demand x lead time) + safety stock
    current_reorder_point: int  # stored on the stock level
    suggested_qty: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def _demand_since(session: Session, since: datetime) -> dict[tuple[int, int], int]:
    """Units that left each (product, warehouse) since ``since``: shipped to customers
    (``issue`` moves) and used in production (``production_use``: the materials a
    production order took when it started, less what came back when it was cancelled).
    Netted per production order (its number is the moves' reference), so materials
    returned in the window by an order that took them before it never lower the demand
    of the others. Summed in SQL."""
    per_reference = (
        select(StockMove.product_id, StockMove.warehouse_id,
               func.sum(StockMove.qty).label("qty"))
        .where(col(StockMove.kind).in_((ISSUE, PRODUCTION_USE)), StockMove.created_at >= since)
        .group_by(StockMove.product_id, StockMove.warehouse_id, StockMove.kind,
                  StockMove.reference)
        .subquery()
    )  # fmt: skip
    out = per_reference.c.qty
    rows = session.execute(
        select(per_reference.c.product_id, per_reference.c.warehouse_id,
               func.sum(case((out < 0, -out), else_=0)))
        .group_by(per_reference.c.product_id, per_reference.c.warehouse_id)
    ).all()  # fmt: skip
    return {(pid, wid): int(q or 0) for pid, wid, q in rows if q}


@anyone(READ)
def reorder_suggestions(db: Database, days: int | None = None, today: date | None = None,
                        only_needed: bool = True) -> list[ReorderRow]:  # fmt: skip
    """Reorder point = average daily demand over the last ``days`` days x the product's lead
    time + the level's safety stock. Demand is what left the warehouse: shipped, or used
    in production net of returns (``_demand_since``). When free stock (on hand - reserved,
    the reserved counting order lines' allocations and production orders' material
    reservations alike) plus incoming is at or below that point, the suggestion tops it
    up to the reorder point plus one lead time's demand."""
    today = today or date.today()
    with db.read() as session:
        n = days or stock_settings(session).stock_demand_days
        if n < 1:
            raise InvalidInput(N_("demand days must be at least 1"), "days")
        since = datetime.combine(today - timedelta(days=n), time.min, tzinfo=UTC)
        demand = _demand_since(session, since)
        rows = session.execute(
            select(Product.id, Product.code, Product.name, Product.lead_time_days, Warehouse.code,
                   StockLevel.warehouse_id, StockLevel.on_hand, StockLevel.reserved,
                   StockLevel.safety_stock, StockLevel.reorder_point)
            .join(Product, Product.id == StockLevel.product_id)
            .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
            .where(Product.active == True, Product.made_to_order == False)  # noqa: E712
            .order_by(Product.code, Warehouse.allocation_rank, Warehouse.code)
        ).all()  # fmt: skip
        incoming = _incoming(session, sorted({r[0] for r in rows}))
    out: list[ReorderRow] = []
    for pid, code, name, lead, wcode, wid, on_hand, reserved, safety, stored in rows:
        units = demand.get((pid, wid), 0)
        lead_demand = math.ceil(units * lead / n)
        rop = lead_demand + safety
        inc = incoming.get((pid, wid), 0)
        position = on_hand - reserved + inc
        suggested = rop + lead_demand - position if position <= rop and rop > 0 else 0
        if only_needed and suggested <= 0:
            continue
        hundredths = (units * 100 + n // 2) // n
        per_day = f"{hundredths // 100}.{hundredths % 100:02d}"
        out.append(ReorderRow(
            product_id=pid, code=code, name=name, warehouse_code=wcode, on_hand=on_hand,
            reserved=reserved, incoming=inc, daily_demand=per_day,
            lead_time_days=lead, safety_stock=safety, reorder_point=rop,
            current_reorder_point=stored, suggested_qty=max(suggested, 0),
        ))  # fmt: skip
    return out


REORDER_CSV_HEADER = ("product_code", "product_name", "warehouse", "on_hand", "reserved",
                      "available", "incoming", "daily_demand", "lead_time_days", "safety_stock",
                      "reorder_point", "suggested_qty")  # fmt: skip


def reorder_csv(rows: Sequence[ReorderRow]) -> str:
    """The suggestions as CSV text with the header, for purchasing (written with
    ``csv_files.encode_csv``: UTF-8 with a BOM, or GB18030)."""
    from ..platform.csv_files import csv_text

    return csv_text(REORDER_CSV_HEADER, (
        (r.code, r.name, r.warehouse_code, r.on_hand, r.reserved, r.available, r.incoming,
         r.daily_demand, r.lead_time_days, r.safety_stock, r.reorder_point, r.suggested_qty)
        for r in rows))  # fmt: skip


@requires("stock.plan")
def apply_reorder_points(db: Database, actor: str, rows: Sequence[ReorderRow]) -> int:
    """Store the computed reorder points on the levels (what ``below_reorder_point`` and the
    low-stock marks use). Returns the number of levels changed."""
    changed = 0
    with db.write() as session:
        codes = dict(session.exec(select(Warehouse.code, Warehouse.id)).all())
        for r in rows:
            level = session.exec(
                select(StockLevel).where(StockLevel.product_id == r.product_id,
                                         StockLevel.warehouse_id == codes[r.warehouse_code])
            ).first()  # fmt: skip
            if level is not None and level.reorder_point != r.reorder_point:
                record_change(
                    session,
                    actor,
                    "product",
                    r.code,  # who set it (the ledger
                    f"reorder_point {r.warehouse_code}",  # is untouched)
                    level.reorder_point,
                    r.reorder_point,
                    N_("computed from demand"),
                )
                level.reorder_point = r.reorder_point
                session.add(level)
                changed += 1
    return changed


# --------------------------------------------------------------------------------------------
# Verify: on hand = sum of moves, reserved = open allocations, nothing negative


@dataclass(frozen=True)
class Difference:
    product_code: str
    warehouse_code: str
    what: str  # "on hand", "reserved", "available" (marked where they are made: ``verify``)
    recorded: int
    expected: int

    def __str__(self) -> str:
        return N_(
            "{product} @ {warehouse}: {what} is {recorded}, the ledger says {expected}"
        ).format(
            product=self.product_code,
            warehouse=self.warehouse_code,
            what=self.what,
            recorded=self.recorded,
            expected=self.expected,
        )


@anyone(READ)
def verify(db: Database) -> list[Difference]:
    """Compare every level with its ledger and its open reservations (order lines' and
    production orders' materials), in SQL (grouped sums), including moves or reservations
    with no level row at all."""
    with db.read() as session:
        moves = {
            (p, w): int(q or 0)
            for p, w, q in session.execute(
                select(StockMove.product_id, StockMove.warehouse_id, func.sum(StockMove.qty))
                .group_by(StockMove.product_id, StockMove.warehouse_id)
            ).all()
        }  # fmt: skip
        held = {
            (p, w): int(q or 0)
            for p, w, q in session.execute(
                select(OrderLine.product_id, Allocation.warehouse_id, func.sum(Allocation.qty))
                .join(OrderLine, OrderLine.id == Allocation.order_line_id)
                .where(col(Allocation.released_at).is_(None))
                .group_by(OrderLine.product_id, Allocation.warehouse_id)
            ).all()
        }  # fmt: skip
        for p, w, q in session.execute(
            select(MaterialReservation.product_id, MaterialReservation.warehouse_id,
                   func.sum(MaterialReservation.qty))
            .where(col(MaterialReservation.released_at).is_(None))
            .group_by(MaterialReservation.product_id, MaterialReservation.warehouse_id)
        ).all():  # fmt: skip
            held[(p, w)] = held.get((p, w), 0) + int(q or 0)
        levels = {
            (lv.product_id, lv.warehouse_id): (lv.on_hand, lv.reserved)
            for lv in session.exec(select(StockLevel)).all()
        }
        pcode = dict(session.exec(select(Product.id, Product.code)).all())
        wcode = dict(session.exec(select(Warehouse.id, Warehouse.code)).all())
    out: list[Difference] = []
    for key in sorted(set(moves) | set(held) | set(levels)):
        on_hand, reserved = levels.get(key, (0, 0))
        names = (pcode.get(key[0], f"#{key[0]}"), wcode.get(key[1], f"#{key[1]}"))
        if on_hand != moves.get(key, 0):
            out.append(Difference(*names, N_("on hand"), on_hand, moves.get(key, 0)))
        if reserved != held.get(key, 0):
            out.append(Difference(*names, N_("reserved"), reserved, held.get(key, 0)))
        if on_hand - reserved < 0:
            out.append(Difference(*names, N_("available"), on_hand - reserved, 0))
    return out


# --------------------------------------------------------------------------------------------
# Warehouses and their allocation order


@dataclass(frozen=True)
class WarehouseView:
    id: int
    code: str
    name: str
    region: str
    allocation_rank: int
    active: bool


@anyone(READ)
def list_warehouses(db: Database, active_only: bool = True) -> list[WarehouseView]:
    """Warehouses in allocation order (rank, then code)."""
    stmt = select(Warehouse).order_by(Warehouse.allocation_rank, Warehouse.code)
    if active_only:
        stmt = stmt.where(Warehouse.active == True)  # noqa: E712
    with db.read() as session:
        return [WarehouseView(w.id, w.code, w.name, w.region, w.allocation_rank, w.active)
                for w in session.exec(stmt).all()]  # fmt: skip


@requires("stock.plan")
def set_allocation_rank(db: Database, actor: str, code: str, rank: int) -> WarehouseView:
    """Where a warehouse stands in the allocation order after the customer's region's own
    (lower first: order them by distance or cost); the change in the change log."""
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 0:
        raise InvalidInput(N_("the rank is a whole number, 0 or more"), "rank")
    with db.write() as session:
        wh = session.exec(
            select(Warehouse).where(func.upper(Warehouse.code) == code.strip().upper())
        ).first()
        if wh is None:
            raise NotFound(N_("no warehouse '{code}'").format(code=code))
        record_change(
            session, actor, "warehouse", wh.code, "allocation_rank", wh.allocation_rank, rank
        )
        wh.allocation_rank = rank
        session.add(wh)
        return WarehouseView(wh.id, wh.code, wh.name, wh.region, wh.allocation_rank, wh.active)
