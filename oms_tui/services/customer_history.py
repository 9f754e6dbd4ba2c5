"""A customer's history: every order (newest first, a page at a time) with its totals and,
for made-to-order work, the production stage and expected date; and the figures support
staff are asked for: orders, total, last order date, average order value, open balance.

The open balance and the overdue amount are ``receivables.credit_exposure``'s, the figures
of the customer card: open invoices less the credit on account (over-payments, credit notes
not used up), and what is past due less that credit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select

from ..models import Customer, Order
from . import production
from .db import Database
from .errors import NotFound
from .order_states import OrderStatus
from .receivables import credit_exposure

NOT_SALES = (OrderStatus.DRAFT, OrderStatus.CANCELLED, OrderStatus.REJECTED)


@dataclass(frozen=True)
class HistorySummary:
    customer_id: int
    code: str
    name: str
    orders: int  # not counting drafts, cancelled and rejected orders
    total_minor: int
    last_order_at: datetime | None
    average_minor: int
    open_balance_minor: int  # open invoices less credit on account (below 0: in credit)
    overdue_minor: int  # past due less credit on account (0 or more)
    credit_hold: bool
    currency: str


@dataclass(frozen=True)
class HistoryOrder:
    id: int
    number: str
    created_at: datetime
    status: str
    channel: str
    total_minor: int
    production: str  # "PO-… 组装 assembly, expected 12-04"; "" when nothing is made for it

    @property
    def status_label(self) -> str:
        return OrderStatus(self.status).label


def summary(db: Database, customer_id: int, today: date | None = None) -> HistorySummary:
    today = today or date.today()
    with db.read() as session:
        c = session.get(Customer, customer_id)
        if c is None:
            raise NotFound(f"no customer with id {customer_id}")
        count, total, last = session.execute(
            select(func.count(), func.coalesce(func.sum(Order.total_minor), 0),
                   func.max(Order.created_at))
            .where(Order.customer_id == customer_id, col(Order.status).not_in(NOT_SALES))
        ).one()  # fmt: skip
        exposure = credit_exposure(session, customer_id, today)
        currency = session.exec(select(Order.currency).where(Order.customer_id == customer_id)
                                .limit(1)).first() or "CNY"  # fmt: skip
    count, total = int(count), int(total)
    return HistorySummary(customer_id, c.code, c.name, count, total, last,
                          (total + count // 2) // count if count else 0,
                          exposure.open_invoices_minor, exposure.overdue_minor, c.credit_hold,
                          currency)  # fmt: skip


def orders_page(db: Database, customer_id: int, before: HistoryOrder | None = None,
                limit: int = 50) -> list[HistoryOrder]:  # fmt: skip
    """Newest first; ``before`` is the last order of the previous page (keyset)."""
    stmt = (select(Order.id, Order.number, Order.created_at, Order.status, Order.channel,
                   Order.total_minor)
            .where(Order.customer_id == customer_id)
            .order_by(col(Order.created_at).desc(), col(Order.id).desc()).limit(limit))  # fmt: skip
    if before is not None:
        same_time = (Order.created_at == before.created_at) & (Order.id < before.id)
        stmt = stmt.where((Order.created_at < before.created_at) | same_time)
    with db.read() as session:
        rows = session.execute(stmt).all()
    made = production.for_orders(db, [r[0] for r in rows])
    out = []
    for oid, number, at, status, channel, total in rows:
        text = "; ".join(
            f"{p.number} {p.stage}" + (f", expected {p.expected_date:%m-%d}"
                                       if p.expected_date and p.status != "done" else "")
            for p in made.get(oid, []))  # fmt: skip
        out.append(HistoryOrder(oid, number, at, status, channel, total, text))
    return out
