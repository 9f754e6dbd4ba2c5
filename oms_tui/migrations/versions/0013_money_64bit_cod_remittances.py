"""money 64-bit; cod_remittance

Money columns were 32-bit INTEGER on PostgreSQL: 21474836.48 yuan (2**31 fen) and more
failed with "integer out of range". Every money column (``*_minor``) becomes BIGINT there,
one ALTER TABLE per table (PostgreSQL rewrites a table once for all its columns). SQLite's
INTEGER already holds 64 bits and the models keep it INTEGER there (``models.base.MONEY``):
nothing to do on SQLite, and no table copy.

``cod_remittance``: the carriers' cash-on-delivery remittance rows recorded, unique on
tracking number + carrier + remittance reference, so a file imported twice pays once.
CREATE TABLE only.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 10:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The money columns as of 0012, per table (spelled out: a migration never reads the models).
MONEY_COLUMNS = {
    "product": ("list_price_minor", "cost_minor", "deposit_minor"),
    "price_list_item": ("unit_price_minor",),
    "promotion": ("threshold_minor", "save_minor"),
    "customer": ("credit_limit_minor",),
    "sales_order": ("subtotal_minor", "discount_minor", "tax_minor", "shipping_minor",
                    "total_minor"),  # fmt: skip
    "order_line": ("unit_price_minor", "discount_minor", "tax_minor", "line_total_minor"),
    "invoice": ("amount_minor", "paid_minor"),
    "payment": ("amount_minor", "unapplied_minor"),
    "payment_allocation": ("amount_minor",),
    "follow_up": ("promise_minor",),
    "dunning_letter": ("overdue_minor",),
    "carrier_rate": ("first_price_minor", "additional_kg_minor", "min_charge_minor",
                     "fragile_surcharge_minor"),  # fmt: skip
    "shipment": ("freight_minor",),
    "delivery_run": ("cash_collected_minor",),
    "delivery_stop": ("cash_due_minor", "cash_collected_minor"),
    "container_move": ("deposit_minor",),
}


def _retype(sql_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: INTEGER is 64-bit already; retyping would copy every table
    for table, columns in MONEY_COLUMNS.items():
        changes = ", ".join(f'ALTER COLUMN "{c}" TYPE {sql_type}' for c in columns)
        op.execute(f'ALTER TABLE "{table}" {changes}')


def upgrade() -> None:
    _retype("BIGINT")
    op.create_table(
        "cod_remittance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_no", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("carrier", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),  # fmt: skip
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["payment_id"], ["payment.id"]),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tracking_no", "carrier", "reference", name="uq_cod_remittance"),
    )


def downgrade() -> None:
    op.drop_table("cod_remittance")
    _retype("INTEGER")  # fails on PostgreSQL if an amount no longer fits in 32 bits
