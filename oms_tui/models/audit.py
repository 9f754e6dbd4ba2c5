"""Audit: stored check results, the order's audit record (priority, follow-up), edit locks.

Also indexes on existing tables that order search and the audit queue need
(``sales_order (status|channel, created_at, id)``, ``order_line (order_id, product_id)``);
they are declared here, beside the feature that needs them, and attach to the tables in
``orders.py``.
"""

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow
from .orders import Order, OrderLine


class OrderCheck(SQLModel, table=True):
    """One automatic check result for an order; all of an order's rows are replaced per run."""

    __tablename__ = "order_check"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    seq: int = 0  # display order within the run
    code: str = Field(max_length=32)  # completeness, product, price, cost, credit, stock, ...
    level: str = Field(max_length=8)  # pass, warn, fail
    reason: str = Field(default="")
    checked_at: datetime = Field(default_factory=utcnow)


class OrderAudit(SQLModel, table=True):
    """One row per order that has been through the audit services: what the queue shows
    without re-running anything (priority score and its reasons, the checks' summary) and
    the follow-up date of an order put on hold."""

    __tablename__ = "order_audit"

    order_id: int = Field(primary_key=True, foreign_key="sales_order.id")
    priority_score: int = 0
    priority_reasons: str = Field(default="")  # "due tomorrow, key account, ¥12,300"
    bump_points: int = 0  # added by reviewers' bumps (each bump records an order event)
    checks_level: str = Field(default="", max_length=8)  # worst level; "" = never checked
    checks_summary: str = Field(default="")  # "fail: credit; warn: stock, duplicate"
    checked_at: datetime | None = None
    follow_up_on: date | None = None  # on hold: when to look at it again


class OrderLock(SQLModel, table=True):
    """Who has an order open for editing, and since when (advisory; stale after N minutes).

    Saving is guarded by the order's version column; this row only tells the next person."""

    __tablename__ = "order_lock"
    __table_args__ = (UniqueConstraint("order_id", "user"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    user: str = Field(max_length=64)
    opened_at: datetime = Field(default_factory=utcnow)
    seen_at: datetime = Field(default_factory=utcnow)  # refreshed while the editor is open


# Order search: a status filter pages by creation time straight from this index
# (keyset on (created_at desc, id desc)); the audit queue reads pending orders from it too.
Index(
    "ix_sales_order_status_created",
    Order.__table__.c.status,
    Order.__table__.c.created_at,
    Order.__table__.c.id,
)
# Channel filter in page order (without it SQLite picks the (channel, external_ref) unique
# index and sorts every order of the channel: 330 ms a page on 1,000,000 orders).
Index(
    "ix_sales_order_channel_created",
    Order.__table__.c.channel,
    Order.__table__.c.created_at,
    Order.__table__.c.id,
)

# Order search by a product on many lines: one probe per order walked in page order
# ("has this order a line of product P?") answered from the index alone.
Index(
    "ix_order_line_order_product",
    OrderLine.__table__.c.order_id,
    OrderLine.__table__.c.product_id,
)
