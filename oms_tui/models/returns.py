"""After-sales returns (RMA) and their lines."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class ReturnOrder(SQLModel, table=True):
    __tablename__ = "return_order"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    order_id: int = Field(foreign_key="sales_order.id", index=True)
    status: str = Field(
        default="requested", max_length=16
    )  # requested, received, refunded, rejected
    reason: str = Field(default="")
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class ReturnLine(SQLModel, table=True):
    __tablename__ = "return_line"

    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="return_order.id", index=True)
    order_line_id: int = Field(foreign_key="order_line.id")
    qty: int
    condition: str = Field(default="good", max_length=16)  # good, damaged
    restock: bool = True
