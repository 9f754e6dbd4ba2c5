"""Today's counts for the home screen: each one an indexed (covering) query.

These run on the start-up path, so they use SQLAlchemy Core over lightweight table
descriptions instead of the SQLModel classes: importing sqlmodel/pydantic costs ~0.3 s of
a cold start, which the home screen (painted < 1 s with 1,000,000 orders) cannot afford.
The models are imported in the background once home is painted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Date, Integer, String, column, func, select, table

from ..platform.db import Database
from ..platform.settings import CompanySettings, read_settings
from ..states.invoice_states import InvoiceStatus
from ..states.order_states import OrderStatus as S

_order = table("sales_order", column("id", Integer), column("status", String))
_invoice = table(
    "invoice",
    column("status", String),
    column("due_on", Date),
    column("amount_minor", Integer),
    column("paid_minor", Integer),
)


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


def _count_status(conn: Connection, *statuses: str) -> int:
    stmt = select(func.count()).select_from(_order).where(_order.c.status.in_(statuses))
    return int(conn.execute(stmt).scalar_one())


def home_counts(db: Database, today: date | None = None) -> HomeCounts:
    return home_screen_data(db, today)[0]


def home_screen_data(db: Database, today: date | None = None) -> tuple[HomeCounts, CompanySettings]:
    """The counts and the company settings, in one connection."""
    today = today or date.today()
    owed = _invoice.c.amount_minor - _invoice.c.paid_minor
    with db.engine.connect() as conn:
        overdue = conn.execute(
            select(func.count(), func.coalesce(func.sum(owed), 0)).where(
                _invoice.c.status == InvoiceStatus.OPEN, _invoice.c.due_on < today
            )
        ).one()
        company = read_settings(conn)
        counts = HomeCounts(
            waiting_audit=_count_status(conn, S.PENDING_AUDIT),
            on_hold=_count_status(conn, S.ON_HOLD),
            backorders=_count_status(conn, S.BACKORDERED, S.PARTIALLY_BACKORDERED),
            in_production=_count_status(conn, S.IN_PRODUCTION),
            ready_to_ship=_count_status(conn, S.READY_TO_SHIP, S.PARTIALLY_SHIPPED),
            overdue_invoices=int(overdue[0]),
            overdue_minor=int(overdue[1]),
            currency=company.currency,
        )
        return counts, company


def has_orders(db: Database) -> bool:
    with db.engine.connect() as conn:
        return conn.execute(select(_order.c.id).limit(1)).first() is not None
