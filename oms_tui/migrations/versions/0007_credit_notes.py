"""receivables: credit notes name the invoice they correct

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 16:36:46.375010
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Native ADD COLUMN (no copy of the invoice table, ~1,000,000 rows at scale). SQLite
    # takes the foreign key inline in ADD COLUMN; PostgreSQL gets it as a named constraint.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE invoice ADD COLUMN corrects_invoice_id INTEGER "
                   "REFERENCES invoice (id)")  # fmt: skip
    else:
        op.add_column("invoice", sa.Column("corrects_invoice_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_invoice_corrects_invoice_id", "invoice", "invoice",
                              ["corrects_invoice_id"], ["id"])  # fmt: skip
    op.add_column("invoice", sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(),
                                       nullable=False, server_default=""))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("corrects_invoice_id")
