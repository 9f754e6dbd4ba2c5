"""Stock operations: receive goods, transfer between warehouses, adjust, stocktake.

Each is one transaction that writes its ledger moves and hands the stock it touched on
(``allocation.offer_freed_stock_in``): what is free goes to waiting backorders in
priority order, then to planned production orders short of it as a material, inside the
same transaction: when the receipt is saved, the orders have moved on. Stock found
missing under what is reserved takes the reservations of the lowest-priority orders
first, then those of the production orders last in the queue; whole reservations are
released, so what is left over of the last one is offered on like any free stock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Allocation,
    Order,
    OrderAudit,
    OrderLine,
    Product,
    PurchaseReceipt,
    PurchaseReceiptLine,
    StockLevel,
    Stocktake,
    StocktakeCount,
    Warehouse,
    utcnow,
)
from ..inventory import stock
from ..platform.db import Database, retry
from ..platform.errors import InvalidInput, NotFound
from ..platform.numbering import take_number
from ..platform.permissions import anyone, requires
from ..production import materials
from ..states import receipt_states, stocktake_states
from ..states.receipt_states import ReceiptStatus
from ..states.stocktake_states import StocktakeStatus
from . import allocation

READ = "a stocktake's counts, taking no acting user"  # i18n: no

RECEIPT_PREFIX, STOCKTAKE_PREFIX = "PR", "ST"


@dataclass(frozen=True)
class Outcome:
    """What a stock operation did: its document number, the moves, the orders it filled."""

    number: str
    moves: int
    filled: tuple[allocation.AllocationResult, ...] = ()
    materials_for: tuple[str, ...] = ()  # production orders that reserved materials now

    @property
    def filled_orders(self) -> tuple[str, ...]:
        return tuple(r.number for r in self.filled)


def _warehouse(session: Session, code_or_id: str | int) -> Warehouse:
    if isinstance(code_or_id, int):
        wh = session.get(Warehouse, code_or_id)
    else:
        wh = session.exec(
            select(Warehouse).where(func.upper(Warehouse.code) == code_or_id.strip().upper())
        ).first()
    if wh is None or not wh.active:
        raise NotFound(N_("no active warehouse '{code}'").format(code=code_or_id))
    return wh


def _qty(qty: int) -> int:
    if isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
        raise InvalidInput(N_("the quantity must be a whole number above 0"), "qty")
    if qty > stock.MAX_MOVE_QTY:
        raise InvalidInput(N_("{qty} is implausibly large for one move").format(qty=qty), "qty")
    return qty


def _products(session: Session, ids: Sequence[int]) -> dict[int, Product]:
    found = {p.id: p for p in session.exec(select(Product).where(col(Product.id).in_(ids))).all()}
    missing = set(ids) - set(found)
    if missing:
        raise NotFound(N_("no product with id {id}").format(id=min(missing)))
    return found


def _year() -> int:
    return utcnow().year


# --------------------------------------------------------------------------------------------
# Receipts


@requires("stock.move")
def expect_receipt(
    db: Database, actor: str, warehouse: str | int, lines: Sequence[tuple[int, int]], *,
    supplier: str = "", reference: str = "", expected_on: date | None = None,
) -> str:  # fmt: skip
    """An open purchase receipt: goods ordered from a supplier, counted as incoming."""
    if not lines:
        raise InvalidInput(N_("a receipt needs at least one line"), "lines")
    with db.write() as session:
        wh = _warehouse(session, warehouse)
        _products(session, [p for p, _ in lines])
        number = take_number(session, RECEIPT_PREFIX, _year())
        receipt = PurchaseReceipt(number=number, warehouse_id=wh.id, supplier=supplier.strip(),
                                  reference=reference.strip()[:64], expected_on=expected_on,
                                  created_by=actor)  # fmt: skip
        session.add(receipt)
        session.flush()
        merged: dict[int, int] = {}
        for pid, qty in lines:
            merged[pid] = merged.get(pid, 0) + _qty(qty)
        for pid, qty in merged.items():
            session.add(
                PurchaseReceiptLine(receipt_id=receipt.id, product_id=pid, qty_expected=qty)
            )
        return number


@requires("stock.move")
def receive(
    db: Database, actor: str, warehouse: str | int, lines: Sequence[tuple[int, int]], *,
    supplier: str = "", reference: str = "", receipt_number: str | None = None,
) -> Outcome:  # fmt: skip
    """Goods in: a receipt move per line, then waiting backorders are filled.

    With ``receipt_number`` the goods are booked against that open receipt (which closes
    when everything expected is in); without, a new receipt is written as received."""
    if not lines:
        raise InvalidInput(N_("nothing to receive"), "lines")
    merged: dict[int, int] = {}
    for pid, qty in lines:
        merged[pid] = merged.get(pid, 0) + _qty(qty)

    def run() -> Outcome:
        with db.write() as session:
            wh = _warehouse(session, warehouse)
            _products(session, list(merged))
            levels = allocation.lock_for_filling(session, merged)
            if receipt_number:
                wanted = receipt_number.strip().upper()
                receipt = session.exec(
                    select(PurchaseReceipt).where(PurchaseReceipt.number == wanted)
                ).first()
                if receipt is None or receipt.status != ReceiptStatus.OPEN:
                    raise NotFound(N_("no open receipt {number}").format(number=receipt_number))
                if receipt.warehouse_id != wh.id:
                    raise InvalidInput(
                        N_("receipt {number} is for another warehouse").format(
                            number=receipt.number
                        ),
                        "warehouse",
                    )
            else:
                receipt = PurchaseReceipt(
                    number=take_number(session, RECEIPT_PREFIX, _year()),
                    warehouse_id=wh.id,
                    supplier=supplier.strip(),
                    reference=reference.strip()[:64],
                    created_by=actor,
                )
                session.add(receipt)
                session.flush()
            existing = {rl.product_id: rl for rl in session.exec(
                select(PurchaseReceiptLine).where(PurchaseReceiptLine.receipt_id == receipt.id)
            ).all()}  # fmt: skip
            for pid, qty in merged.items():
                rl = existing.get(pid) or PurchaseReceiptLine(receipt_id=receipt.id, product_id=pid)
                if receipt_number is None:
                    rl.qty_expected += qty
                rl.qty_received += qty
                session.add(rl)
                why = N_("from {supplier}").format(supplier=receipt.supplier) \
                    if receipt.supplier else ""  # fmt: skip
                stock.add_move(session, levels[(pid, wh.id)], qty, stock.RECEIPT, actor,
                               reference=receipt.number, reason=why)  # fmt: skip
            session.flush()
            lines_now = session.exec(
                select(PurchaseReceiptLine).where(PurchaseReceiptLine.receipt_id == receipt.id)
            ).all()
            if all(rl.qty_received >= rl.qty_expected for rl in lines_now):
                receipt_states.move(session, receipt, ReceiptStatus.RECEIVED, actor)
            filled, made = allocation.offer_freed_stock_in(session, actor, merged)
            return Outcome(receipt.number, len(merged), tuple(filled), tuple(made))

    return retry(run)


# --------------------------------------------------------------------------------------------
# Transfers and adjustments


@requires("stock.move")
def transfer(
    db: Database, actor: str, product_id: int, from_warehouse: str | int,
    to_warehouse: str | int, qty: int, reason: str = "",
) -> Outcome:  # fmt: skip
    """Move free stock from one warehouse to another (two moves, one transaction);
    backorders waiting for the product are then filled (the target warehouse may now
    cover a line no warehouse covered alone)."""
    _qty(qty)

    def run() -> Outcome:
        with db.write() as session:
            src, dst = _warehouse(session, from_warehouse), _warehouse(session, to_warehouse)
            if src.id == dst.id:
                raise InvalidInput(N_("choose two different warehouses"), "to_warehouse")
            _products(session, [product_id])
            levels = allocation.lock_for_filling(session, [product_id])
            ref = f"{src.code}->{dst.code}"
            stock.add_move(session, levels[(product_id, src.id)], -qty, stock.TRANSFER_OUT,
                           actor, reference=ref, reason=reason.strip())  # fmt: skip
            stock.add_move(session, levels[(product_id, dst.id)], qty, stock.TRANSFER_IN,
                           actor, reference=ref, reason=reason.strip())  # fmt: skip
            filled, made = allocation.offer_freed_stock_in(session, actor, [product_id])
            return Outcome(ref, 2, tuple(filled), tuple(made))

    return retry(run)


def _release_for_shortage(session: Session, actor: str, level: StockLevel, new_on_hand: int,
                          why: str) -> list[int]:  # fmt: skip
    """Stock found missing below what is reserved: release the lowest-priority orders'
    reservations there until the rest fits, then (a material) those of the production
    orders last in the queue. Returns the orders' ids (to re-allocate once the move is
    written: another warehouse may cover them)."""
    excess = level.reserved - new_on_hand
    if excess <= 0:
        return []
    rows = session.exec(
        select(Allocation, OrderLine.order_id)
        .join(OrderLine, OrderLine.id == Allocation.order_line_id)
        .join(Order, Order.id == OrderLine.order_id)
        .outerjoin(OrderAudit, OrderAudit.order_id == Order.id)
        .where(OrderLine.product_id == level.product_id,
               Allocation.warehouse_id == level.warehouse_id,
               col(Allocation.released_at).is_(None))
        .order_by(func.coalesce(OrderAudit.priority_score, 0), col(Order.id).desc())
    ).all()  # fmt: skip
    touched: list[int] = []
    for alloc, order_id in rows:
        if excess <= 0:
            break
        stock.release(session, level, alloc)
        excess -= alloc.qty
        if order_id not in touched:
            touched.append(order_id)
    if excess > 0:
        materials.release_materials_for_shortage_in(session, actor, level, excess, why)
    return touched


def _reallocate(session: Session, actor: str, order_ids: list[int]) -> list[str]:
    """Orders that lost reservations: allocate them again (from any warehouse with free
    stock); their status follows (allocated, or backordered with an event saying why)."""
    if not order_ids:
        return []
    products = set(session.exec(
        select(OrderLine.product_id).where(col(OrderLine.order_id).in_(order_ids))
    ).all())  # fmt: skip
    levels = stock.lock_levels(session, products)
    warehouses = list(session.exec(select(Warehouse).order_by(Warehouse.id)).all())
    split = bool(stock.stock_settings(session).stock_split_lines)
    numbers = []
    for order_id in sorted(order_ids):
        order = allocation._lock_order(session, order_id)
        allocation._allocate_in(session, actor, order, levels, warehouses, split)
        numbers.append(order.number)
    return numbers


@requires("stock.move")
def adjust(db: Database, actor: str, product_id: int, warehouse: str | int, delta: int,
           reason: str) -> Outcome:  # fmt: skip
    """A correction of on hand (damage, loss, found goods): reason required. What is free
    afterwards is offered on (found goods, or the rest of a reservation released whole
    for a loss)."""
    if not reason.strip():
        raise InvalidInput(N_("a reason is required for a stock adjustment"), "reason")
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise InvalidInput(N_("the adjustment must be a whole number, not 0"), "qty")
    _qty(abs(delta))

    def run() -> Outcome:
        with db.write() as session:
            wh = _warehouse(session, warehouse)
            _products(session, [product_id])
            levels = allocation.lock_for_filling(session, [product_id], holders=delta < 0)
            level = levels[(product_id, wh.id)]
            if level.on_hand + delta < 0:
                raise InvalidInput(
                    N_("only {on_hand} on hand: cannot take away {qty}").format(
                        on_hand=level.on_hand, qty=-delta
                    ),
                    "qty",
                )
            touched = _release_for_shortage(session, actor, level, level.on_hand + delta,
                                            N_("adjusted: {reason}").format(
                                                reason=reason.strip()))  # fmt: skip
            stock.add_move(session, level, delta, stock.ADJUSTMENT, actor, reason=reason.strip())
            _reallocate(session, actor, touched)
            filled, made = allocation.offer_freed_stock_in(session, actor, [product_id])
            return Outcome("", 1, tuple(filled), tuple(made))

    return retry(run)


# --------------------------------------------------------------------------------------------
# Stocktake: counts saved as scanned, posted as adjustment moves


@dataclass(frozen=True)
class CountView:
    product_id: int
    code: str
    name: str
    counted: int
    book: int  # on hand now (or when posted)

    @property
    def difference(self) -> int:
        return self.counted - self.book


@dataclass(frozen=True)
class StocktakeView:
    id: int
    number: str
    warehouse_code: str
    status: str
    started_by: str
    counts: tuple[CountView, ...]
    version: int = 1  # what posting or cancelling this view passes as ``expected_version``

    @property
    def differences(self) -> tuple[CountView, ...]:
        return tuple(c for c in self.counts if c.difference)


@requires("stock.move")
def start_stocktake(db: Database, actor: str, warehouse: str | int) -> StocktakeView:
    """Open a count of a warehouse (or return the one already open there)."""
    with db.write() as session:
        wh = _warehouse(session, warehouse)
        open_one = session.exec(
            select(Stocktake).where(
                Stocktake.warehouse_id == wh.id, Stocktake.status == StocktakeStatus.OPEN
            )
        ).first()
        if open_one is None:
            open_one = Stocktake(number=take_number(session, STOCKTAKE_PREFIX, _year()),
                                 warehouse_id=wh.id, started_by=actor)  # fmt: skip
            session.add(open_one)
            session.flush()
        return _stocktake_view(session, open_one)


def _stocktake_view(session: Session, st: Stocktake) -> StocktakeView:
    wh = session.get(Warehouse, st.warehouse_id)
    rows = session.execute(
        select(StocktakeCount.product_id, Product.code, Product.name, StocktakeCount.counted,
               StocktakeCount.book_qty, StockLevel.on_hand)
        .join(Product, Product.id == StocktakeCount.product_id)
        .outerjoin(StockLevel, (StockLevel.product_id == StocktakeCount.product_id)
                   & (StockLevel.warehouse_id == st.warehouse_id))
        .where(StocktakeCount.stocktake_id == st.id)
        .order_by(Product.code)
    ).all()  # fmt: skip
    counts = tuple(
        CountView(pid, code, name, counted, book if book is not None else (on_hand or 0))
        for pid, code, name, counted, book, on_hand in rows
    )
    return StocktakeView(st.id, st.number, wh.code if wh else "?", st.status, st.started_by,
                         counts, st.version)  # fmt: skip


@anyone(READ)
def get_stocktake(db: Database, stocktake_id: int) -> StocktakeView:
    with db.read() as session:
        st = session.get(Stocktake, stocktake_id)
        if st is None:
            raise NotFound(N_("no stocktake with id {id}").format(id=stocktake_id))
        return _stocktake_view(session, st)


def _open_stocktake(session: Session, stocktake_id: int, *, changing: bool = False,
                    expected_version: int | None = None) -> Stocktake:  # fmt: skip
    """The stocktake, open, locked: shared by the counts being saved, exclusively by
    ``changing`` it (posting, cancelling), which so waits for the counts in flight and is
    refused (``StaleData``) when the clerk saw another version (another clerk posted)."""
    st = session.exec(select(Stocktake).where(Stocktake.id == stocktake_id)
                      .with_for_update(read=not changing)
                      .execution_options(populate_existing=True)).first()  # fmt: skip
    if st is None:
        raise NotFound(N_("no stocktake with id {id}").format(id=stocktake_id))
    stocktake_states.check_version(st, expected_version)
    if st.status != StocktakeStatus.OPEN:
        raise InvalidInput(N_("stocktake {number} was {status} {by}; start a new one").format(
            number=st.number, status=st.status, by=stocktake_states.last_change(st).by),
            "stocktake")  # fmt: skip
    return st


@requires("stock.move")
def record_count(db: Database, actor: str, stocktake_id: int, code_or_barcode: str,
                 qty: int = 1, *, replace: bool = False) -> CountView:  # fmt: skip
    """One scan: add ``qty`` to the product's count (or set it, with ``replace``); saved
    at once, so a dropped connection loses no count."""
    text = code_or_barcode.strip()
    if not text:
        raise InvalidInput(N_("scan or type a product code"), "product")
    if isinstance(qty, bool) or not isinstance(qty, int) or qty < 0 or (qty == 0 and not replace):
        raise InvalidInput(N_("the count must be a whole number above 0"), "qty")
    _qty(max(qty, 1))
    with db.write() as session:
        st = _open_stocktake(session, stocktake_id)
        product = session.exec(
            select(Product).where((Product.code == text.upper()) | (Product.code == text)
                                  | (Product.barcode == text))
        ).first()  # fmt: skip
        if product is None:
            raise NotFound(N_("no product with code or barcode '{code}'").format(code=text))
        row = session.exec(
            select(StocktakeCount).where(StocktakeCount.stocktake_id == st.id,
                                         StocktakeCount.product_id == product.id)
        ).first()  # fmt: skip
        if row is None:
            row = StocktakeCount(stocktake_id=st.id, product_id=product.id, counted_by=actor)
        row.counted = qty if replace else row.counted + qty
        row.counted_at, row.counted_by = utcnow(), actor
        session.add(row)
        level = session.exec(
            select(StockLevel).where(StockLevel.product_id == product.id,
                                     StockLevel.warehouse_id == st.warehouse_id)
        ).first()  # fmt: skip
        return CountView(product.id, product.code, product.name, row.counted,
                         level.on_hand if level else 0)  # fmt: skip


@requires("stock.move")
def post_stocktake(db: Database, actor: str, stocktake_id: int, reason: str,
                   expected_version: int | None = None) -> Outcome:  # fmt: skip
    """Each counted product whose count differs from the book gets an adjustment move
    (reason: the stocktake and the given reason). Products not counted are left alone
    (a cycle count of part of the warehouse is a normal stocktake). ``expected_version``:
    the version the clerk saw (``StaleData`` once another clerk posted or cancelled it)."""
    if not reason.strip():
        raise InvalidInput(N_("a reason is required to post a stocktake"), "reason")

    def run() -> Outcome:
        with db.write() as session:
            counted = session.exec(
                select(StocktakeCount.product_id).where(StocktakeCount.stocktake_id == stocktake_id)
            ).all()
            # levels first, then the stocktake (the lock order), which waits for counts
            levels = allocation.lock_for_filling(session, counted, holders=True)
            st = _open_stocktake(session, stocktake_id, changing=True,
                                 expected_version=expected_version)  # fmt: skip
            counts = session.exec(
                select(StocktakeCount).where(StocktakeCount.stocktake_id == st.id)
            ).all()
            if not counts:
                raise InvalidInput(
                    N_("stocktake {number} has no counts yet").format(number=st.number), "counts"
                )
            late = {c.product_id for c in counts} - set(counted)
            if late:  # counted while the levels were being locked
                levels.update(allocation.lock_for_filling(session, late, holders=True))
            moves, changed, touched = 0, [], []
            for c in sorted(counts, key=lambda c: c.product_id):
                level = levels[(c.product_id, st.warehouse_id)]
                c.book_qty = level.on_hand
                session.add(c)
                delta = c.counted - level.on_hand
                if delta == 0:
                    continue
                why = N_("stocktake {number}: counted {counted}, book {book}; {reason}").format(
                    number=st.number, counted=c.counted, book=level.on_hand,
                    reason=reason.strip())  # fmt: skip
                touched += _release_for_shortage(session, actor, level, c.counted,
                                                 N_("stocktake {number}").format(
                                                     number=st.number))  # fmt: skip
                stock.add_move(session, level, delta, stock.ADJUSTMENT, actor,
                               reference=st.number, reason=why)  # fmt: skip
                moves += 1
                changed.append(c.product_id)
            _reallocate(session, actor, sorted(set(touched)))
            stocktake_states.move(session, st, StocktakeStatus.POSTED, actor, reason)
            filled, made = allocation.offer_freed_stock_in(session, actor, changed)
            return Outcome(st.number, moves, tuple(filled), tuple(made))

    return retry(run)


@requires("stock.move")
def cancel_stocktake(db: Database, actor: str, stocktake_id: int,
                     expected_version: int | None = None) -> None:  # fmt: skip
    with db.write() as session:
        st = _open_stocktake(session, stocktake_id, changing=True,
                             expected_version=expected_version)  # fmt: skip
        stocktake_states.move(session, st, StocktakeStatus.CANCELLED, actor)
