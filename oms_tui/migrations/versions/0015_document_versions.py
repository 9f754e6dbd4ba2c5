"""documents: a version on production orders, shipments, van runs, stocktakes and invoices;
who entered a tracking event; who settled a van run

An action taken on a screen that showed an older version of one of these documents is
refused with who changed it and when (issue #15), as an order's already was. Native ADD
COLUMN with a server default (no table copy); existing rows start at version 1.

Written as 0013 on its branch; 0015 once money15's 0013 and import15's 0014 landed.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("production_order", "shipment", "delivery_run", "stocktake", "invoice")


def upgrade() -> None:
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False,
                                       server_default="1"))  # fmt: skip
    op.add_column("tracking_event", sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=64),
                                              nullable=False, server_default=""))  # fmt: skip
    op.add_column("delivery_run", sa.Column("returned_by",
                                            sqlmodel.sql.sqltypes.AutoString(length=64),
                                            nullable=True))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("delivery_run") as batch:
        batch.drop_column("returned_by")
    with op.batch_alter_table("tracking_event") as batch:
        batch.drop_column("actor")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
