"""Today's counts for the home screen: each one an indexed (covering) query.

These run on the start-up path, so they use SQLAlchemy Core over lightweight table
descriptions instead of the SQLModel classes: importing sqlmodel/pydantic costs ~0.3 s of
a cold start, which the home screen (painted < 1 s with 1,000,000 orders) cannot afford.
The models are imported in the background once home is painted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Date, Integer, String, and_, column, func, or_, select, table

from ..platform.db import Database
from ..platform.permissions import anyone
from ..platform.settings import CompanySettings, read_settings
from ..states.invoice_states import InvoiceStatus
from ..states.order_states import OrderStatus as S

_order = table("sales_order", column("id", Integer), column("status", String))
_order_audit = table("order_audit", column("order_id", Integer), column("follow_up_on", Date))
_invoice = table(
    "invoice",
    column("status", String),
    column("due_on", Date),
    column("amount_minor", Integer),
    column("paid_minor", Integer),
)


@dataclass(frozen=True)
class QueueCount:
    pending: int  # pending audit
    held_due: int  # on hold, their follow-up date has come (or none was set)
    held_later: int  # on hold until a later date: not in the audit queue yet

    @property
    def in_queue(self) -> int:
        return self.pending + self.held_due


def in_audit_queue(status, follow_up_on, today: date):  # noqa: ANN001, ANN201
    """The one rule of what the audit queue holds, over either the models' columns or the
    light tables here: pending audit, or on hold with the follow-up date come (or none)."""
    return or_(
        status == S.PENDING_AUDIT,
        and_(status == S.ON_HOLD, or_(follow_up_on.is_(None), follow_up_on <= today)),
    )


def audit_queue_count(conn: Connection, today: date) -> QueueCount:
    """How many orders the audit queue holds, and how many are held for later."""
    rows = conn.execute(
        select(_order.c.status, func.count())
        .select_from(_order.outerjoin(_order_audit, _order_audit.c.order_id == _order.c.id))
        .where(
            or_(
                in_audit_queue(_order.c.status, _order_audit.c.follow_up_on, today),
                _order.c.status == S.ON_HOLD,
            )
        )  # fmt: skip
        .group_by(_order.c.status)
    ).all()
    by = {str(status): int(n) for status, n in rows}
    held = by.get(S.ON_HOLD.value, 0)
    due = conn.execute(
        select(func.count())
        .select_from(_order.outerjoin(_order_audit, _order_audit.c.order_id == _order.c.id))
        .where(
            _order.c.status == S.ON_HOLD,
            in_audit_queue(_order.c.status, _order_audit.c.follow_up_on, today),
        )  # fmt: skip
    ).scalar_one()
    return QueueCount(by.get(S.PENDING_AUDIT.value, 0), int(due), held - int(due))


@dataclass(frozen=True)
class HomeCounts:
    waiting_audit: int  # the audit queue: pending audit, and held whose follow-up has come
    on_hold: int  # held until a later date (not in the queue yet)
    backorders: int
    in_production: int
    ready_to_ship: int
    overdue_invoices: int
    overdue_minor: int
    currency: str


def _count_status(conn: Connection, *statuses: str) -> int:
    stmt = select(func.count()).select_from(_order).where(_order.c.status.in_(statuses))
    return int(conn.execute(stmt).scalar_one())


@anyone("a read: the home screen's counts")  # i18n: no
def home_counts(db: Database, today: date | None = None) -> HomeCounts:
    return home_screen_data(db, today)[0]


@anyone("a read: the home screen")  # i18n: no
def home_screen_data(db: Database, today: date | None = None) -> tuple[HomeCounts, CompanySettings]:
    """The counts and the company settings, in one connection."""
    today = today or date.today()
    owed = _invoice.c.amount_minor - _invoice.c.paid_minor
    with db.engine.connect() as conn:
        queued = audit_queue_count(conn, today)  # the queue's own rule: both say the same
        overdue = conn.execute(
            select(func.count(), func.coalesce(func.sum(owed), 0)).where(
                _invoice.c.status == InvoiceStatus.OPEN, _invoice.c.due_on < today
            )
        ).one()
        company = read_settings(conn)
        counts = HomeCounts(
            waiting_audit=queued.in_queue,
            on_hold=queued.held_later,
            backorders=_count_status(conn, S.BACKORDERED, S.PARTIALLY_BACKORDERED),
            in_production=_count_status(conn, S.IN_PRODUCTION),
            ready_to_ship=_count_status(conn, S.READY_TO_SHIP, S.PARTIALLY_SHIPPED),
            overdue_invoices=int(overdue[0]),
            overdue_minor=int(overdue[1]),
            currency=company.currency,
        )
        return counts, company


@anyone("a read: whether any order exists")  # i18n: no
def has_orders(db: Database) -> bool:
    with db.engine.connect() as conn:
        return conn.execute(select(_order.c.id).limit(1)).first() is not None
