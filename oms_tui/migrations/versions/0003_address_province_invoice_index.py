"""addresses: province kept apart from the sales region; covering index for overdue sums

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # customer_address.region held the province; it now holds the sales region
    # (what warehouses and carrier rates use), and the province gets its own column.
    # Native ADD COLUMN and index operations: no table copy, fast on a big SQLite file.
    op.add_column(
        "customer_address",
        sa.Column("province", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False,
                  server_default=""),
    )  # fmt: skip
    op.execute("UPDATE customer_address SET province = region")
    op.execute(
        "UPDATE customer_address SET region = "
        "(SELECT customer.region FROM customer WHERE customer.id = customer_address.customer_id)"
    )
    op.drop_index("ix_invoice_status_due", table_name="invoice")
    op.create_index(
        "ix_invoice_status_due", "invoice", ["status", "due_on", "amount_minor", "paid_minor"]
    )


def downgrade() -> None:
    op.drop_index("ix_invoice_status_due", table_name="invoice")
    op.create_index("ix_invoice_status_due", "invoice", ["status", "due_on"])
    op.execute("UPDATE customer_address SET region = province")
    with op.batch_alter_table("customer_address") as batch:
        batch.drop_column("province")
