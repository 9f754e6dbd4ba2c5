"""Invoices (and credit notes), payments and how payments are applied."""

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from .base import utcnow


class Invoice(SQLModel, table=True):
    __tablename__ = "invoice"
    # covering index: the overdue sums read it without touching the table
    __table_args__ = (
        Index("ix_invoice_status_due", "status", "due_on", "amount_minor", "paid_minor"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    kind: str = Field(default="invoice", max_length=16)  # invoice, credit_note
    order_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id")
    customer_id: int = Field(foreign_key="customer.id", index=True)
    currency: str = Field(default="CNY", max_length=3)
    amount_minor: int  # credit notes are negative
    paid_minor: int = 0
    issued_on: date
    due_on: date
    status: str = Field(default="open", max_length=16)  # open, paid, void
    # a credit note: the invoice it corrects, and why
    corrects_invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    reason: str = Field(default="")
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class Payment(SQLModel, table=True):
    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    received_on: date
    amount_minor: int
    method: str = Field(default="bank", max_length=24)  # cash, bank, wechat, alipay, cod_remittance
    reference: str = Field(default="", max_length=100)
    unapplied_minor: int = 0  # over-payment kept on account
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class PaymentAllocation(SQLModel, table=True):
    __tablename__ = "payment_allocation"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_minor: int
