"""production: material reservations

Materials held in stock for a production order not started yet. A material is no order
line, and ``allocation.order_line_id`` is NOT NULL (making it nullable would copy that big
table on SQLite), so they get their own table: CREATE TABLE and CREATE INDEX only, no
table copy. ``stock_level.reserved`` counts these rows as it counts open allocations.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 18:37:28.752962
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "material_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("released_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.ForeignKeyConstraint(["production_order_id"], ["production_order.id"]),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouse.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_material_reservation_product_id", "material_reservation",
                    ["product_id"], unique=False)  # fmt: skip
    op.create_index("ix_material_reservation_production_order_id", "material_reservation",
                    ["production_order_id"], unique=False)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_material_reservation_production_order_id",
                  table_name="material_reservation")  # fmt: skip
    op.drop_index("ix_material_reservation_product_id", table_name="material_reservation")
    op.drop_table("material_reservation")
