"""Builders for the stock tests: warehouses, stock that arrives through the ledger (never a
bare ``StockLevel`` row, so ``verify`` holds), approved orders, and the sums to check."""

from __future__ import annotations

from itertools import count

from sqlmodel import col, select

from oms_tui.models import (
    Allocation,
    Order,
    OrderAudit,
    OrderEvent,
    OrderLine,
    StockLevel,
    StockMove,
    Warehouse,
)
from oms_tui.services.fulfilment import stock_operations
from oms_tui.services.platform.db import Database
from oms_tui.services.sales import orders
from oms_tui.services.states.order_states import OrderStatus as S
from tests.audit_factories import customer as audit_customer
from tests.audit_factories import set_customer

_seq = count(1)


def warehouse(db: Database, code: str, region: str = "", rank: int = 0) -> int:
    with db.write() as s:
        w = Warehouse(code=code, name=f"{code} 仓", region=region, allocation_rank=rank)
        s.add(w)
        s.flush()
        return w.id


def customer(db: Database, region: str = "East", policy: str = "partial",
             phone: str | None = None) -> int:  # fmt: skip
    cid = audit_customer(db, region=region, phone=phone or f"136{next(_seq):08d}")
    if policy != "partial":
        set_customer(db, cid, shipping_policy=policy)
    return cid


def approved(db: Database, customer_id: int, lines: list[tuple[int, int]],
             priority_score: int | None = None) -> int:  # fmt: skip
    """An order moved to ``approved`` (not yet allocated), with an audit priority if given."""
    view = orders.create_order(
        db, "clerk", customer_id, [orders.NewLine(p, q) for p, q in lines], submit=True
    )
    orders.transition(db, "auditor", view.id, S.APPROVED, "approved")
    if priority_score is not None:
        set_priority(db, view.id, priority_score)
    return view.id


def set_priority(db: Database, order_id: int, score: int, bump_points: int = 0) -> None:
    with db.write() as s:
        rec = s.get(OrderAudit, order_id) or OrderAudit(order_id=order_id)
        rec.priority_score, rec.bump_points = score, bump_points
        s.add(rec)


def receive(db: Database, wh: str, product_id: int, qty: int):  # noqa: ANN201
    return stock_operations.receive(db, "store", wh, [(product_id, qty)], supplier="Acme")


def status(db: Database, order_id: int) -> str:
    with db.read() as s:
        return s.get(Order, order_id).status


def level(db: Database, product_id: int, wh: str) -> tuple[int, int]:
    """(on hand, reserved) of a product in a warehouse; (0, 0) when there is no row."""
    with db.read() as s:
        row = s.exec(
            select(StockLevel.on_hand, StockLevel.reserved)
            .join(Warehouse, Warehouse.id == StockLevel.warehouse_id)
            .where(StockLevel.product_id == product_id, Warehouse.code == wh)
        ).first()
        return (row[0], row[1]) if row else (0, 0)


def held(db: Database, order_id: int) -> dict[str, int]:
    """Open reservations of an order by warehouse code."""
    with db.read() as s:
        rows = s.exec(
            select(Warehouse.code, Allocation.qty)
            .join(Warehouse, Warehouse.id == Allocation.warehouse_id)
            .join(OrderLine, OrderLine.id == Allocation.order_line_id)
            .where(OrderLine.order_id == order_id, col(Allocation.released_at).is_(None))
        ).all()
    out: dict[str, int] = {}
    for code, qty in rows:
        out[code] = out.get(code, 0) + qty
    return out


def moves(db: Database, product_id: int) -> list[tuple[str, str, int, str, str]]:
    """(warehouse, kind, qty, reference, reason) of a product's moves, oldest first."""
    with db.read() as s:
        return [
            tuple(r)
            for r in s.exec(
                select(Warehouse.code, StockMove.kind, StockMove.qty, StockMove.reference,
                       StockMove.reason)
                .join(Warehouse, Warehouse.id == StockMove.warehouse_id)
                .where(StockMove.product_id == product_id)
                .order_by(col(StockMove.id))
            ).all()
        ]  # fmt: skip


def events(db: Database, order_id: int) -> list[tuple[str | None, str, str]]:
    with db.read() as s:
        return [
            (e.from_status, e.to_status, e.reason)
            for e in s.exec(
                select(OrderEvent).where(OrderEvent.order_id == order_id)
                .order_by(col(OrderEvent.id))
            ).all()
        ]  # fmt: skip
