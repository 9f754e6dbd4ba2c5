"""Today's counts for the home screen: each one an indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, func, select

from ..models import Invoice, Order
from .db import Database
from .order_states import OrderStatus as S


@dataclass(frozen=True)
class HomeCounts:
    waiting_audit: int
    on_hold: int
    backorders: int
    in_production: int
    ready_to_ship: int
    overdue_invoices: int
    overdue_minor: int
    currency: str


def _count_status(session, *statuses: str) -> int:  # noqa: ANN001
    return session.exec(
        select(func.count()).select_from(Order).where(col(Order.status).in_(statuses))
    ).one()


def home_counts(db: Database, today: date | None = None) -> HomeCounts:
    from .settings import load_settings

    today = today or date.today()
    with db.read() as session:
        overdue = session.exec(
            select(
                func.count(), func.coalesce(func.sum(Invoice.amount_minor - Invoice.paid_minor), 0)
            ).where(Invoice.status == "open", Invoice.due_on < today)
        ).one()
        return HomeCounts(
            waiting_audit=_count_status(session, S.PENDING_AUDIT),
            on_hold=_count_status(session, S.ON_HOLD),
            backorders=_count_status(session, S.BACKORDERED, S.PARTIALLY_BACKORDERED),
            in_production=_count_status(session, S.IN_PRODUCTION),
            ready_to_ship=_count_status(session, S.READY_TO_SHIP, S.PARTIALLY_SHIPPED),
            overdue_invoices=int(overdue[0]),
            overdue_minor=int(overdue[1]),
            currency=load_settings(session).currency,
        )


def has_orders(db: Database) -> bool:
    with db.read() as session:
        return session.exec(select(Order.id).limit(1)).first() is not None
