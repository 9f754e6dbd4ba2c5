"""customer language: the language of the documents a customer is sent (issue 18, point 5)

``customer.language``: zh_CN or en; "" (every existing customer) = the company's setting,
else both languages as before. Added in place (ALTER TABLE ... ADD COLUMN, no table copy),
so migration 0021's SQLite triggers on ``customer`` stay.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("customer", sa.Column("language", sqlmodel.sql.sqltypes.AutoString(
        length=8), nullable=False, server_default=""))  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("language")
