"""aging: partial index of unsettled invoices

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 17:12:23.003212
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UNSETTLED = "status <> 'void' AND amount_minor <> paid_minor"


def upgrade() -> None:
    # CREATE INDEX only (no table copy): the few invoices not settled, read by aging.
    op.create_index(
        "ix_invoice_unsettled", "invoice",
        ["customer_id", "due_on", "issued_on", "currency", "amount_minor", "paid_minor"],
        unique=False, sqlite_where=sa.text(UNSETTLED), postgresql_where=sa.text(UNSETTLED),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_invoice_unsettled", table_name="invoice")
