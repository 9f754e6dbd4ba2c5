"""Purchase receipts (goods expected and received) and stocktakes (counts kept as scanned)."""

from datetime import date, datetime

from sqlalchemy import Column, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from .base import utcnow


class PurchaseReceipt(SQLModel, table=True):
    """Goods from a supplier into one warehouse: ``open`` while expected (counted as
    incoming), ``received`` once every line is in, ``cancelled`` if they never come."""

    __tablename__ = "purchase_receipt"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)  # PR-2026-000001
    warehouse_id: int = Field(foreign_key="warehouse.id", index=True)
    supplier: str = Field(default="", max_length=200)
    reference: str = Field(default="", max_length=64)  # the supplier's delivery note
    status: str = Field(default="open", max_length=16, index=True)
    expected_on: date | None = None
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    received_at: datetime | None = None


class PurchaseReceiptLine(SQLModel, table=True):
    __tablename__ = "purchase_receipt_line"
    __table_args__ = (UniqueConstraint("receipt_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    receipt_id: int = Field(foreign_key="purchase_receipt.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    qty_expected: int = 0
    qty_received: int = 0


_stocktake_version = Column("version", Integer, nullable=False)


class Stocktake(SQLModel, table=True):
    """A count of one warehouse. Counts are saved as they are scanned; posting turns each
    difference from the book into an adjustment move with the reason. ``version``: raised
    by the ORM when it is posted or cancelled (counts are rows of their own)."""

    __tablename__ = "stocktake"
    __mapper_args__ = {"version_id_col": _stocktake_version}

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)  # ST-2026-000001
    warehouse_id: int = Field(foreign_key="warehouse.id", index=True)
    status: str = Field(default="open", max_length=16)  # open, posted, cancelled
    reason: str = Field(default="")
    started_by: str = Field(max_length=64)
    started_at: datetime = Field(default_factory=utcnow)
    posted_by: str | None = Field(default=None, max_length=64)
    posted_at: datetime | None = None
    version: int = Field(default=1, sa_column=_stocktake_version)


class StocktakeCount(SQLModel, table=True):
    __tablename__ = "stocktake_count"
    __table_args__ = (UniqueConstraint("stocktake_id", "product_id"),)

    id: int | None = Field(default=None, primary_key=True)
    stocktake_id: int = Field(foreign_key="stocktake.id", index=True)
    product_id: int = Field(foreign_key="product.id")
    counted: int = 0
    book_qty: int | None = None  # on hand when posted
    counted_at: datetime = Field(default_factory=utcnow)
    counted_by: str = Field(max_length=64)
