"""Invoices (and credit notes), payments and how payments are applied, carriers'
cash-on-delivery remittances recorded."""

from datetime import date, datetime

from sqlalchemy import Column, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .base import money, utcnow

_invoice_version = Column("version", Integer, nullable=False)


class Invoice(SQLModel, table=True):
    """``version``: raised by the ORM on every change (a payment or credit applied), so a
    payment or credit note chosen against an invoice as it was is refused."""

    __tablename__ = "invoice"
    __mapper_args__ = {"version_id_col": _invoice_version}
    # covering index: the overdue sums read it without touching the table
    __table_args__ = (
        Index("ix_invoice_status_due", "status", "due_on", "amount_minor", "paid_minor"),
        # the invoices not settled (a few percent of them): what aging reads
        Index(
            "ix_invoice_unsettled",
            "customer_id",
            "due_on",
            "issued_on",
            "currency",
            "amount_minor",
            "paid_minor",
            sqlite_where=text("status <> 'void' AND amount_minor <> paid_minor"),
            postgresql_where=text("status <> 'void' AND amount_minor <> paid_minor"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    kind: str = Field(default="invoice", max_length=16)  # invoice, credit_note
    order_id: int | None = Field(default=None, foreign_key="sales_order.id", index=True)
    shipment_id: int | None = Field(default=None, foreign_key="shipment.id")
    customer_id: int = Field(foreign_key="customer.id", index=True)
    currency: str = Field(default="CNY", max_length=3)
    amount_minor: int = money()  # credit notes are negative
    paid_minor: int = money(0)
    issued_on: date
    due_on: date
    status: str = Field(default="open", max_length=16)  # open, paid, void
    # a credit note: the invoice it corrects, and why
    corrects_invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    reason: str = Field(default="")
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1, sa_column=_invoice_version)
    # the official fapiao (发票) issued for it outside oms (the tax system): its number and
    # date, and who recorded them when (services/finance/fapiao.py)
    fapiao_number: str = Field(default="", max_length=32)
    fapiao_date: date | None = None
    fapiao_recorded_by: str = Field(default="", max_length=64)
    fapiao_recorded_at: datetime | None = None


class Payment(SQLModel, table=True):
    """A payment received, in its ``currency`` (ISO 4217; the company currency unless the
    clerk says another): it pays invoices in that currency only, and what it leaves on
    account is credit in that currency."""

    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=24)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    received_on: date
    currency: str = Field(default="CNY", max_length=3)
    amount_minor: int = money()
    method: str = Field(default="bank", max_length=24)  # cash, bank, wechat, alipay, cod_remittance
    reference: str = Field(default="", max_length=100)
    unapplied_minor: int = money(0)  # over-payment kept on account
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class PaymentAllocation(SQLModel, table=True):
    __tablename__ = "payment_allocation"

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_minor: int = money()


class CodRemittance(SQLModel, table=True):
    """A row of a carrier's cash-on-delivery remittance, once recorded (with the payment
    it made). Its identity is the carrier, the tracking number and the remittance
    reference (the file's, or the day it was received when the file has none): unique, so
    the same row imported again, or by two clerks at once, pays once."""

    __tablename__ = "cod_remittance"
    __table_args__ = (
        UniqueConstraint("tracking_no", "carrier", "reference", name="uq_cod_remittance"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tracking_no: str = Field(max_length=64)
    carrier: str = Field(default="", max_length=16)  # the shipment's carrier code ("" none)
    reference: str = Field(max_length=100)
    shipment_id: int = Field(foreign_key="shipment.id")
    payment_id: int = Field(foreign_key="payment.id")
    amount_minor: int = money()
    received_on: date
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class FollowUp(SQLModel, table=True):
    """What the finance clerk did or agreed about a customer's account, and what is next:
    a call, a promise to pay (date and amount), a letter sent, a note, a credit hold
    placed or released (with the reason)."""

    __tablename__ = "follow_up"
    __table_args__ = (Index("ix_follow_up_next", "next_action_on", "done"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=64)
    kind: str = Field(max_length=24)  # call, promise, letter, note, hold, release
    note: str = Field(default="")
    promise_on: date | None = None
    promise_minor: int = money(0)
    next_action_on: date | None = None
    done: bool = False  # the next action was taken (a later follow-up closes it)


class DunningLetter(SQLModel, table=True):
    """A dunning step taken for a customer: reminder (1), second notice (2), final notice
    (3), credit hold (4); the letter printed from it lists the overdue invoices then.
    ``run``: the number of the dunning run that took it (``DR-2026-000001``; "" for letters
    written before runs were numbered), the name of the PDF its letter was saved in."""

    __tablename__ = "dunning_letter"

    id: int | None = Field(default=None, primary_key=True)
    run: str = Field(default="", max_length=24, index=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    level: int
    issued_on: date
    days_overdue: int
    overdue_minor: int = money()
    actor: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
