"""Allocation: reserve approved orders' lines from the warehouse that serves them best.

For each stocked line, warehouses are tried in this order: the warehouse of the order's
region (the ship-to region, else the customer's), then the others by their allocation
rank (``warehouse.allocation_rank``, then code). A line is split across warehouses only
when the ``stock_split_lines`` setting allows; otherwise it takes one warehouse (the
first that can cover all of it, else the first with any stock). The order's shipping
policy decides what happens to a shortage: ``partial`` reserves what exists and
backorders the rest; ``complete`` reserves nothing until every line can be covered, so
stock is not tied up by an order that cannot leave. Made-to-order lines go to production.

Each reservation records why its warehouse was chosen (``Allocation.reason``), the order
event sums it up, and the order's status follows: allocated, partially backordered,
backordered, or in production. ``fill_backorders_in`` runs the same rule over waiting
orders in priority order when stock becomes free, through ``offer_freed_stock_in``: the
one function every path that frees stock calls in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from sqlalchemy import func
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from ...i18n import N_
from ...models import (
    Allocation,
    BomItem,
    Customer,
    Order,
    OrderAudit,
    OrderLine,
    Product,
    StockLevel,
    Warehouse,
)
from ..inventory import stock
from ..platform.db import Database, retry
from ..platform.errors import IllegalTransition, NotFound, StaleData
from ..platform.permissions import anyone, requires, unchecked
from ..states import order_states
from ..states.order_states import OrderStatus, record_event, stale_order

READ = "where an order's goods stand, taking no acting user"  # i18n: no
# Allocation is the rule run on an order once it is approved (orders.audit decided that);
# whoever approved it triggers it, and the rule alone chooses the stock.
RULE = (
    "allocating an approved order: the rule's work after an approval, "  # i18n: no
    "whoever approved"
)

S = OrderStatus
ALLOCATABLE = frozenset({S.APPROVED, S.BACKORDERED, S.PARTIALLY_BACKORDERED})
# Also refilled when stock arrives: part shipped orders whose remainder waits (their status
# stays part shipped; the reservations change).
REFILLABLE = ALLOCATABLE | {S.PARTIALLY_SHIPPED}

T = TypeVar("T")


@dataclass(frozen=True)
class Placed:
    warehouse_code: str
    qty: int
    reason: str


@dataclass(frozen=True)
class LineAllocation:
    line_no: int
    product_code: str
    qty: int  # still to deliver (ordered - shipped)
    placed: tuple[Placed, ...]  # reserved now
    reserved_before: int
    backordered: int
    to_production: bool
    # the production order and its materials it could not reserve
    materials_short: tuple[str, str] | None = None


@dataclass(frozen=True)
class AllocationResult:
    order_id: int
    number: str
    from_status: str
    status: str
    lines: tuple[LineAllocation, ...]
    summary: str

    @property
    def reserved_now(self) -> int:
        return sum(p.qty for ln in self.lines for p in ln.placed)


def warehouse_preference(warehouses: Sequence[Warehouse], region: str
                         ) -> list[tuple[Warehouse, str]]:  # fmt: skip
    """Warehouses in the order they are tried, each with why it stands there."""
    ranked = sorted((w for w in warehouses if w.active), key=lambda w: (w.allocation_rank, w.code))
    home = [w for w in ranked if region and w.region == region]
    rest = [w for w in ranked if w not in home]
    out = [(w, N_("customer's region {region}").format(region=region)) for w in home]
    out += [(w, N_("allocation order #{rank}").format(rank=w.allocation_rank)) for w in rest]
    return out


def _plan_line(
    need: int, prefs: list[tuple[Warehouse, str]], free: dict[int, int], split: bool
) -> list[tuple[Warehouse, int, str]]:
    """Where to take ``need`` units from, given free stock per warehouse id (not changed)."""
    if need <= 0:
        return []
    if split:
        plan, left, short = [], need, []
        for wh, why in prefs:
            take = min(left, free.get(wh.id, 0))
            if take > 0:
                reason = (
                    why
                    if not short
                    else N_("{why}; {codes} short").format(why=why, codes=", ".join(short))
                )
                plan.append((wh, take, reason))
                left -= take
            else:
                short.append(wh.code)
            if left == 0:
                break
        return plan
    skipped = []
    for wh, why in prefs:
        if free.get(wh.id, 0) >= need:
            reason = (
                why
                if not skipped
                else N_("{why}; {codes} cannot cover the line").format(
                    why=why, codes=", ".join(skipped)
                )
            )
            return [(wh, need, reason)]
        skipped.append(wh.code)
    for wh, why in prefs:  # nobody has it all: the first with any, rest backordered
        if free.get(wh.id, 0) > 0:
            return [(wh, free[wh.id], N_("{why}; no warehouse has all {need} (lines not split)")
                     .format(why=why, need=need))]  # fmt: skip
    return []


def _allocate_in(
    session: Session, actor: str, order: Order, levels: dict[tuple[int, int], StockLevel],
    warehouses: Sequence[Warehouse], split: bool,
) -> AllocationResult:  # fmt: skip
    """Allocate one order (locked by the caller, its levels too) and move its status."""
    lines = session.exec(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)
    ).all()
    products = {p.id: p for p in session.exec(
        select(Product).where(col(Product.id).in_({ln.product_id for ln in lines}))
    ).all()}  # fmt: skip
    held: dict[int, int] = {}
    for alloc in stock.open_allocations(session, [ln.id for ln in lines]):
        held[alloc.order_line_id] = held.get(alloc.order_line_id, 0) + alloc.qty
    region = order.ship_to_region
    if not region:
        customer = session.get(Customer, order.customer_id)
        region = customer.region if customer else ""
    prefs = warehouse_preference(warehouses, region)

    free: dict[tuple[int, int], int] = {k: lv.on_hand - lv.reserved for k, lv in levels.items()}
    plans: dict[int, list[tuple[Warehouse, int, str]]] = {}
    needs: dict[int, int] = {}
    for ln in lines:
        product = products[ln.product_id]
        if product.made_to_order:
            continue
        need = ln.qty - ln.qty_shipped - held.get(ln.id, 0)
        needs[ln.id] = need
        view = {w.id: free.get((ln.product_id, w.id), 0) for w in warehouses}
        plan = _plan_line(need, prefs, view, split)
        for wh, qty, _why in plan:
            free[(ln.product_id, wh.id)] -= qty
        plans[ln.id] = plan
    complete_only = order.shipping_policy == "complete"
    if complete_only and any(sum(q for _, q, _ in plans[i]) < needs[i] for i in plans):
        plans = {i: [] for i in plans}  # all or nothing
        # What it still holds (a stocktake took part of it) goes back too: an order that
        # cannot leave complete must not tie up stock others could ship.
        product_of = {ln.id: ln.product_id for ln in lines}
        for alloc in stock.open_allocations(session, list(plans)):
            line_id = alloc.order_line_id
            stock.release(session, levels[(product_of[line_id], alloc.warehouse_id)], alloc)
            needs[line_id] += alloc.qty
            held[line_id] -= alloc.qty

    results: list[LineAllocation] = []
    for ln in lines:
        product = products[ln.product_id]
        remaining = ln.qty - ln.qty_shipped
        if product.made_to_order:
            waiting = remaining - held.get(ln.id, 0) > 0
            results.append(LineAllocation(ln.line_no, product.code, remaining, (),
                                          held.get(ln.id, 0), 0, waiting))  # fmt: skip
            continue
        placed = []
        for wh, qty, why in plans[ln.id]:
            stock.reserve(session, levels[(ln.product_id, wh.id)], ln, qty, why)
            placed.append(Placed(wh.code, qty, why))
        got = sum(p.qty for p in placed)
        results.append(LineAllocation(ln.line_no, product.code, remaining, tuple(placed),
                                      held.get(ln.id, 0), needs[ln.id] - got, False))  # fmt: skip

    if any(r.to_production for r in results):
        from ..production.materials import shortage_text
        from ..production.planning import create_for_order_in

        planned = create_for_order_in(session, actor, order)
        line_no = {ln.id: ln.line_no for ln in lines}
        short = {line_no[p.order.order_line_id]: (p.order.number, shortage_text(p.shortages))
                 for p in planned if p.shortages}  # fmt: skip
        results = [replace(r, materials_short=short[r.line_no]) if r.line_no in short else r
                   for r in results]  # fmt: skip
    short = any(r.backordered > 0 for r in results)
    any_held = any(r.reserved_before + sum(p.qty for p in r.placed) > 0
                   for r in results if not r.to_production and r.qty > 0)  # fmt: skip
    if short:
        target = S.PARTIALLY_BACKORDERED if any_held else S.BACKORDERED
    elif any(r.to_production for r in results):
        target = S.IN_PRODUCTION
    else:
        target = S.ALLOCATED
    summary = _summary(results, complete_only and short)
    frm = order.status
    if target != frm:
        try:
            order_states.move(session, order, target, actor, summary)
        except IllegalTransition:  # e.g. part shipped: the reservations change, not the status
            if any(r.placed for r in results):
                record_event(session, order, actor, frm, summary, frm)
            session.flush()
            return AllocationResult(order.id, order.number, frm, frm, tuple(results), summary)
    elif any(r.placed for r in results):
        record_event(session, order, actor, target, summary, frm)
    session.flush()
    return AllocationResult(order.id, order.number, frm, str(target), tuple(results), summary)


def _summary(results: Sequence[LineAllocation], waiting_complete: bool) -> str:
    """What allocating did, a sentence per line and outcome joined by ``; `` (each read back
    in the clerk's language by ``i18n.shown``): ``L1 3 from SH (customer's region East);
    L1 2 backordered``."""
    parts = []
    if waiting_complete:
        parts.append(N_("ship complete: nothing reserved until every line can be covered"))
    for r in results:
        parts += [N_("L{line} {qty} from {warehouse} ({reason})").format(
            line=r.line_no, qty=p.qty, warehouse=p.warehouse_code, reason=p.reason)
            for p in r.placed]  # fmt: skip
        if r.to_production and r.materials_short:
            number, materials = r.materials_short
            parts.append(
                N_("L{line} to production ({number}: {materials})").format(
                    line=r.line_no, number=number, materials=materials
                )
            )
        elif r.to_production:
            parts.append(N_("L{line} to production").format(line=r.line_no))
        if r.backordered > 0:
            parts.append(N_("L{line} {qty} backordered").format(line=r.line_no, qty=r.backordered))
    if len(parts) == int(waiting_complete):
        parts.append(N_("nothing more to reserve"))
    return "; ".join(parts)


def _warehouses(session: Session) -> list[Warehouse]:
    return list(session.exec(select(Warehouse).order_by(Warehouse.id)).all())


def _lock_order(session: Session, order_id: int) -> Order:
    order = session.exec(
        select(Order).where(Order.id == order_id).with_for_update()
        .execution_options(populate_existing=True)
    ).first()  # fmt: skip
    if order is None:
        raise NotFound(N_("no order with id {id}").format(id=order_id))
    return order


@anyone(RULE)
def allocate_order(db: Database, actor: str, order_id: int,
                   expected_version: int | None = None) -> AllocationResult:  # fmt: skip
    """Reserve stock for an approved (or backordered) order in one transaction."""

    def run() -> AllocationResult:
        with db.write() as session:
            product_ids = stock.order_product_ids(session, order_id)
            levels = stock.lock_levels(session, product_ids)  # levels first, then the order
            order = _lock_order(session, order_id)
            order_states.check_version(session, order, expected_version)
            if order.status not in ALLOCATABLE:
                raise IllegalTransition(
                    N_(
                        "order {number} is {status}: only approved or backordered orders are "
                        "allocated"
                    ).format(number=order.number, status=S(order.status).label.lower())
                )
            split = bool(stock.stock_settings(session).stock_split_lines)
            return _allocate_in(session, actor, order, levels, _warehouses(session), split)

    try:
        return retry(run)
    except StaleDataError:
        with db.read() as session:
            raise stale_order(session, order_id) from None


@requires("stock.move")
def allocate_approved(db: Database, actor: str, limit: int | None = None
                      ) -> list[AllocationResult]:  # fmt: skip
    """Allocate every order left at ``approved`` (oldest first), one transaction each:
    the sweep behind ``oms stock allocate`` and after an interrupted approval."""
    with db.read() as session:
        stmt = select(Order.id).where(Order.status == S.APPROVED).order_by(Order.id)
        if limit:
            stmt = stmt.limit(limit)
        ids = list(session.exec(stmt).all())
    out = []
    for order_id in ids:
        try:
            out.append(allocate_order(db, actor, order_id))
        except (IllegalTransition, StaleData):
            continue  # someone else moved it meanwhile
    return out


def waiting_orders(session: Session, product_ids: Iterable[int], limit: int = 200) -> list[int]:
    """Backordered orders waiting for any of these products, highest priority first
    (audit priority score, which already includes reviewers' bumps, then requested date,
    then the oldest)."""
    pids = sorted(set(product_ids))
    if not pids:
        return []
    stmt = (
        select(Order.id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .outerjoin(OrderAudit, OrderAudit.order_id == Order.id)
        .where(col(Order.status).in_(stock.WAITING_STATUSES),
               col(OrderLine.product_id).in_(pids))
        .group_by(Order.id, OrderAudit.priority_score, Order.requested_date)
        .order_by(
            func.coalesce(OrderAudit.priority_score, 0).desc(),
            col(Order.requested_date).is_(None), Order.requested_date, Order.id,
        )
        .limit(limit)
    )  # fmt: skip
    return list(session.exec(stmt).all())


def _products_of(session: Session, order_ids: Sequence[int]) -> set[int]:
    """The products of these orders' lines and the materials of their bills: the levels an
    allocation of them may change (it may plan production, which reserves materials)."""
    if not order_ids:
        return set()
    lines = select(OrderLine.product_id).where(col(OrderLine.order_id).in_(order_ids))
    materials = select(BomItem.material_id).where(col(BomItem.product_id).in_(lines))
    return set(session.execute(lines.union(materials)).scalars())


def lock_for_filling(session: Session, product_ids: Iterable[int], *, holders: bool = False,
                     limit: int = 200) -> dict[tuple[int, int], StockLevel]:  # fmt: skip
    """Lock, in one sorted batch and before anything else, every level a change of stock of
    ``product_ids`` may go on to change: these products', those of the orders waiting for
    them (``fill_backorders_in`` allocates them) and, with ``holders`` (stock taken away:
    the orders losing their reservations are allocated again), of the orders holding
    reservations of them, with the materials of their bills. Locking only the products
    moved and then the waiting orders' other products broke the lock order
    (``services/inventory/stock.py``): receipts of two products deadlocked each other
    (issue #15: 168 of 200 receipts failed with 8 processes)."""
    pids = set(product_ids)
    orders = waiting_orders(session, pids, limit)
    if holders and pids:
        orders += list(session.exec(
            select(OrderLine.order_id).distinct()
            .join(Allocation, Allocation.order_line_id == OrderLine.id)
            .where(col(OrderLine.product_id).in_(pids), col(Allocation.released_at).is_(None))
        ).all())  # fmt: skip
    return stock.lock_levels(session, pids | _products_of(session, orders))


def fill_backorders_in(session: Session, actor: str, product_ids: Iterable[int],
                       limit: int = 200) -> list[AllocationResult]:  # fmt: skip
    """Inside a write transaction that locked the levels with ``lock_for_filling``: allocate
    the waiting orders in priority order while there is free stock of these products."""
    pids = set(product_ids)
    order_ids = waiting_orders(session, pids, limit)
    if not order_ids:
        return []
    # Locked already (lock_for_filling); an order that began waiting since needs more,
    # taken without waiting out of order: one whose levels another transaction holds
    # waits for the next receipt (or ``oms stock allocate``).
    levels, busy = stock.lock_more_levels(session, _products_of(session, order_ids) | pids)
    if busy:
        order_ids = [o for o in order_ids if not _products_of(session, [o]) & busy]
    for order_id in sorted(order_ids):  # lock orders in id order
        _lock_order(session, order_id)
    split = bool(stock.stock_settings(session).stock_split_lines)
    warehouses = _warehouses(session)
    out = []
    for order_id in order_ids:  # allocate in priority order
        if not any(lv.on_hand > lv.reserved for (p, _w), lv in levels.items() if p in pids):
            break
        order = session.get(Order, order_id)
        if order is None or order.status not in REFILLABLE:
            continue
        result = _allocate_in(session, actor, order, levels, warehouses, split)
        if result.reserved_now:
            out.append(result)
    return out


def offer_freed_stock_in(session: Session, actor: str, product_ids: Iterable[int]
                         ) -> tuple[list[AllocationResult], list[str]]:  # fmt: skip
    """Stock of these products became free here: the one way every path that frees stock
    (a receipt, a transfer, an adjustment, a stocktake, a cancelled order or production
    order) hands it on, inside its own write transaction, the levels of ``product_ids``
    locked by the caller before any order. The free stock goes first to the waiting
    orders in priority order (``fill_backorders_in``), then what they leave to the
    planned production orders short of it as a material, first in the queue first.
    Returns the orders filled and the production orders that reserved materials."""
    from ..production.materials import reserve_waiting_materials_in

    pids = sorted(set(product_ids))
    if not pids:
        return [], []
    filled = fill_backorders_in(session, actor, pids)
    return filled, reserve_waiting_materials_in(session, actor, pids)


@requires("stock.move")
def fill_backorders(db: Database, actor: str, product_ids: Iterable[int]
                    ) -> list[AllocationResult]:  # fmt: skip
    """Own transaction: after stock arrived outside the stock services (a data repair),
    or as a sweep (``fill_all_backorders``): ``offer_freed_stock_in``."""
    pids = sorted(set(product_ids))

    def run() -> list[AllocationResult]:
        with db.write() as session:
            lock_for_filling(session, pids)
            return offer_freed_stock_in(session, actor, pids)[0]

    return retry(run)


@requires("stock.move")
def fill_all_backorders(db: Database, actor: str) -> list[AllocationResult]:
    """The sweep: every product some order waits for and some warehouse has free, offered
    to the waiting orders in priority order (``oms stock allocate``: after stock came in
    outside the services, e.g. a data repair; the services offer what they free at once)."""
    with db.read() as session:
        waiting = select(Order.id).where(col(Order.status).in_(stock.WAITING_STATUSES))
        wanted = set(session.exec(
            select(OrderLine.product_id).where(col(OrderLine.order_id).in_(waiting)).distinct()
        ).all())  # fmt: skip
        free = set(session.exec(
            select(StockLevel.product_id).where(StockLevel.on_hand > StockLevel.reserved)
            .distinct()
        ).all()) if wanted else set()  # fmt: skip
    out: list[AllocationResult] = []
    for pid in sorted(wanted & free):
        out += unchecked(fill_backorders)(db, actor, [pid])
    return out


@dataclass(frozen=True)
class AllocationView:
    line_no: int
    product_code: str
    warehouse_code: str
    qty: int
    reason: str
    open: bool


@anyone(READ)
def order_allocations(db: Database, order_id: int) -> list[AllocationView]:
    """An order's reservations, open ones first, with why each warehouse was chosen."""
    with db.read() as session:
        rows = session.execute(
            select(OrderLine.line_no, Product.code, Warehouse.code, Allocation.qty,
                   Allocation.reason, Allocation.released_at)
            .join(OrderLine, OrderLine.id == Allocation.order_line_id)
            .join(Product, Product.id == OrderLine.product_id)
            .join(Warehouse, Warehouse.id == Allocation.warehouse_id)
            .where(OrderLine.order_id == order_id)
            .order_by(col(Allocation.released_at).is_not(None), OrderLine.line_no, Allocation.id)
        ).all()  # fmt: skip
    return [AllocationView(ln, p, w, q, r, rel is None) for ln, p, w, q, r, rel in rows]


@dataclass(frozen=True)
class LineStock:
    """Where a line's goods stand: open reservations (warehouse, qty, why), what is still
    backordered, or that it is made to order."""

    line_no: int
    reserved: tuple[AllocationView, ...]
    backordered: int
    made_to_order: bool


@anyone(READ)
def line_stock(db: Database, order_id: int) -> list[LineStock]:
    """Per line of an order: its open reservations and its backordered quantity."""
    views = [a for a in order_allocations(db, order_id) if a.open]
    with db.read() as session:
        order = session.get(Order, order_id)
        if order is None:
            raise NotFound(N_("no order with id {id}").format(id=order_id))
        rows = session.execute(
            select(OrderLine.line_no, OrderLine.qty - OrderLine.qty_shipped,
                   Product.made_to_order)
            .join(Product, Product.id == OrderLine.product_id)
            .where(OrderLine.order_id == order_id)
            .order_by(OrderLine.line_no)
        ).all()  # fmt: skip
    waiting = order.status in stock.WAITING_STATUSES
    out = []
    for line_no, remaining, mto in rows:
        mine = tuple(a for a in views if a.line_no == line_no)
        short = remaining - sum(a.qty for a in mine) if waiting and not mto else 0
        out.append(LineStock(line_no, mine, max(short, 0), bool(mto)))
    return out
