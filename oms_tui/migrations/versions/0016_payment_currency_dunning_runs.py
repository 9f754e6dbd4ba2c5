"""payments in their currency; dunning letters numbered by run

A payment gets ``currency`` (issue #15): it pays invoices in that currency and leaves
credit on account in it, so credit exposure and dunning no longer add one currency's
credit to another's invoices. Payments already stored were recorded in the company
currency (the ``currency`` setting, CNY when unset): they get it. A dunning letter gets
``run``, the number of the run that took it (the name of its PDF, what ``oms dunning
reprint`` finds); letters already stored get "" (reprinted by customer). Native ADD COLUMN
(no table copy), an index on the run.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.String))
    company = op.get_bind().execute(
        sa.select(setting.c.value).where(setting.c.key == "currency")
    ).scalar()
    company = (company or "CNY").strip().upper()[:3] or "CNY"
    op.add_column("payment", sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3),
                                       nullable=False, server_default="CNY"))  # fmt: skip
    payment = sa.table("payment", sa.column("currency", sa.String))
    if company != "CNY":
        op.execute(payment.update().values(currency=company))
    op.add_column("dunning_letter", sa.Column("run", sqlmodel.sql.sqltypes.AutoString(length=24),
                                              nullable=False, server_default=""))  # fmt: skip
    op.create_index(op.f("ix_dunning_letter_run"), "dunning_letter", ["run"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dunning_letter_run"), table_name="dunning_letter")
    with op.batch_alter_table("dunning_letter") as batch:
        batch.drop_column("run")
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("currency")
