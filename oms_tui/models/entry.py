"""Order entry helpers: drafts saved as the clerk types, and named templates / standing orders."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from .base import utcnow


class OrderDraft(SQLModel, table=True):
    """The order a clerk is typing, saved continuously so a dropped connection loses nothing.

    ``payload`` is the entry form as JSON (customer, ship-to, lines, options).
    """

    __tablename__ = "order_draft"

    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(index=True, max_length=64)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    summary: str = Field(default="", max_length=200)  # "王小明, 3 lines" for the resume prompt
    payload: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class OrderTemplate(SQLModel, table=True):
    """A named set of lines ("office weekly water"), optionally a standing order on a schedule."""

    __tablename__ = "order_template"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    channel: str = Field(default="phone", max_length=24)
    payment_method: str = Field(default="", max_length=24)
    notes: str = Field(default="")
    # Standing order: every ``every_weeks`` weeks on ``weekday`` (0 = Monday), from ``next_run``.
    standing: bool = False
    weekday: int | None = None
    every_weeks: int = 1
    next_run: date | None = Field(default=None, index=True)
    last_run: date | None = None
    active: bool = True
    created_by: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class OrderTemplateLine(SQLModel, table=True):
    __tablename__ = "order_template_line"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="order_template.id", index=True)
    line_no: int = 1
    product_id: int = Field(foreign_key="product.id")
    qty: int = 1
    requirements_note: str = Field(default="")
