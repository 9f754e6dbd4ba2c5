"""Sales orders, their lines, events, allocations and number sequences."""

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import money, utcnow


class NumberSequence(SQLModel, table=True):
    """Last number taken per document kind and year (SO-2026-000123).

    Taken inside the transaction that creates the document, with a row lock,
    so numbers are unique and gap-free across processes.
    """

    __tablename__ = "number_sequence"

    name: str = Field(primary_key=True, max_length=16)  # SO, SH, INV, PO, RMA, PAY ...
    year: int = Field(primary_key=True)
    last_value: int = 0


_order_version = Column("version", Integer, nullable=False)


class Order(SQLModel, table=True):
    __tablename__ = "sales_order"
    __table_args__ = (
        UniqueConstraint("channel", "external_ref"),
        Index("ix_sales_order_status_priority", "status", "priority"),
        # the id too (PostgreSQL: INCLUDE; SQLite's indexes carry the rowid): a customer's
        # newest orders are picked from the index alone (order search, migration 0024)
        Index(
            "ix_sales_order_customer_created",
            "customer_id",
            "created_at",
            postgresql_include=["id"],
        ),
    )
    __mapper_args__ = {"version_id_col": _order_version}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    channel: str = Field(default="phone", max_length=24)  # a sales_channel name (phone, ...)
    external_ref: str | None = Field(default=None, max_length=64)  # the channel's own order id
    customer_id: int = Field(foreign_key="customer.id")
    ship_to_address_id: int | None = Field(default=None, foreign_key="customer_address.id")
    # Ship-to as it was when ordered (addresses may change later; documents must not).
    ship_to_name: str = Field(default="", max_length=200)
    ship_to_phone: str = Field(default="", max_length=40)
    ship_to_address: str = Field(default="")
    ship_to_region: str = Field(default="", max_length=64)
    status: str = Field(default="draft", max_length=24)
    priority: int = 0  # 0 normal, 1 high, 2 urgent; the audit score builds on it
    requested_date: date | None = None
    payment_method: str = Field(default="cod", max_length=24)  # cod, prepaid, credit, installments
    payment_terms: str = Field(default="COD", max_length=32)
    shipping_policy: str = Field(default="partial", max_length=16)  # partial, complete
    carrier_id: int | None = Field(default=None, foreign_key="carrier.id")
    currency: str = Field(default="CNY", max_length=3)
    subtotal_minor: int = money(0)
    discount_minor: int = money(0)
    tax_minor: int = money(0)
    shipping_minor: int = money(0)
    total_minor: int = money(0)
    notes: str = Field(default="")
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_order_version)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_line"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    line_no: int
    product_id: int = Field(foreign_key="product.id", index=True)
    description: str = Field(default="", max_length=300)
    qty: int
    unit_price_minor: int = money()
    discount_minor: int = money(0)  # for the whole line
    tax_rate_bp: int = 0
    tax_minor: int = money(0)
    line_total_minor: int = money(0)  # qty * unit price - discount (tax per settings)
    price_source: str = Field(
        default="list", max_length=200
    )  # e.g. "list", "dealer price >=10", "override: ..."
    requirements_note: str = Field(default="")  # made-to-order: size, colour, finish
    qty_shipped: int = 0
    qty_returned: int = 0


class OrderEvent(SQLModel, table=True):
    """Every state change and decision on an order: who, when, from, to, why."""

    __tablename__ = "order_event"

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    from_status: str | None = Field(default=None, max_length=24)
    to_status: str = Field(max_length=24)
    reason: str = Field(default="")


class Allocation(SQLModel, table=True):
    """Stock reserved for an order line in one warehouse, and why that warehouse."""

    __tablename__ = "allocation"

    id: int | None = Field(default=None, primary_key=True)
    order_line_id: int = Field(foreign_key="order_line.id", index=True)
    warehouse_id: int = Field(foreign_key="warehouse.id", index=True)
    qty: int
    reason: str = Field(default="")
    created_at: datetime = Field(default_factory=utcnow)
    released_at: datetime | None = None
